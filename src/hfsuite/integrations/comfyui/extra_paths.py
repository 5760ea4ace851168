"""ComfyUI's ``extra_model_paths.yaml``: read it as ComfyUI does, and merge one section into it.

Reading (:func:`read_extra_paths`) follows ComfyUI's loader (``utils/extra_config.py``):

* the file is a mapping of sections with arbitrary names (``a111``, ``comfyui``,
  ``stability_matrix``…); an empty section is skipped;
* ``base_path`` (optional) has ``~`` and environment variables expanded; a relative one is
  taken from the YAML file's folder;
* ``is_default`` (optional) puts the section's folders in front of the others: they become
  the folders new files go to;
* every other key is a folder key (legacy ``unet``/``clip`` read as ``diffusion_models``/
  ``text_encoders``; an unknown key is a new folder, as custom nodes use them); its value is
  one path, or several, one per line (a ``|`` block); empty lines are skipped;
* a path is joined to ``base_path`` (an absolute path stays itself), or without a base taken
  from the YAML file's folder when relative; then normalised (``a/../b`` is ``b``).

Where ComfyUI would stop with an exception (a list instead of a string, a section that is not a
mapping, broken YAML), the reader skips that part and says so in ``notes``; it never raises.

Writing (:func:`merge_section`) replaces or appends one section and leaves every other byte of
the file as it was: comments, order, indentation and the user's other sections.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEGACY_KEYS: dict[str, str] = {"unet": "diffusion_models", "clip": "text_encoders"}
"""ComfyUI's ``map_legacy``: old folder keys and the key they stand for."""

SPECIAL_KEYS = ("base_path", "is_default")
"""Keys of a section that are not folders."""

_TOP_LEVEL_KEY = re.compile(r"^[^\s#-]")


def _default_expand(text: str) -> str:
    return os.path.expandvars(os.path.expanduser(text))


@dataclass(frozen=True)
class ExtraPath:
    """One folder a section adds.

    Attributes:
        section: The section's name.
        key: The folder key (legacy names mapped).
        path: The folder, absolute and normalised.
        is_default: The section has ``is_default: true``.
        written: The path as written in the file (one line of the value).
    """

    section: str
    key: str
    path: Path
    is_default: bool
    written: str


@dataclass(frozen=True)
class ExtraPaths:
    """A parsed ``extra_model_paths.yaml``.

    Attributes:
        entries: Every folder, in file order.
        sections: The section names, in file order.
        notes: What was skipped and why.
    """

    entries: tuple[ExtraPath, ...] = ()
    sections: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    base_paths: tuple[tuple[str, Path, bool], ...] = ()
    """``(section, base_path resolved, is_default)`` of each section that has a base_path."""

    def folders(self) -> dict[str, list[Path]]:
        """Per folder key, the folders in the order ComfyUI searches them when this file is
        loaded on its own: file order, with ``is_default`` sections' folders moved in front."""
        result: dict[str, list[Path]] = {}
        apply_entries(result, self.entries)
        return result


def apply_entries(folders: dict[str, list[Path]], entries: Sequence[ExtraPath]) -> None:
    """Add ``entries`` to ``folders`` as ComfyUI's ``add_model_folder_path`` does: a new
    folder is appended, or put first when its section ``is_default``; a folder already there
    stays where it is unless ``is_default`` moves it to the front."""
    for entry in entries:
        paths = folders.setdefault(entry.key, [])
        if entry.path in paths:
            if entry.is_default and paths[0] != entry.path:
                paths.remove(entry.path)
                paths.insert(0, entry.path)
        elif entry.is_default:
            paths.insert(0, entry.path)
        else:
            paths.append(entry.path)


def _load_safe(text: str) -> Any:
    """``text`` loaded as PyYAML's ``safe_load`` (ComfyUI's reader) would: YAML 1.1 scalars
    (``yes``/``no`` are booleans), and of a repeated key the last value wins."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 1)
    with warnings.catch_warnings():  # e.g. a reused anchor: read as PyYAML does, silently
        warnings.simplefilter("ignore")
        node = yaml.compose(text)
    return None if node is None else _node_value(node, yaml.constructor, 0)


def _node_value(node: Any, constructor: Any, depth: int) -> Any:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if depth > 64:
        raise RecursionError("nested too deeply")
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _node_value(key_node, constructor, depth + 1)
            if isinstance(key, dict | list):
                raise ValueError("a mapping or list used as a key")
            result[key] = _node_value(value_node, constructor, depth + 1)
        return result
    if isinstance(node, SequenceNode):
        return [_node_value(item, constructor, depth + 1) for item in node.value]
    return constructor.construct_object(node, deep=True)


def read_extra_paths(
    text: str,
    yaml_dir: str | Path,
    *,
    expand: Callable[[str], str] = _default_expand,
    source: str = "extra_model_paths.yaml",
) -> ExtraPaths:
    """Parse ``text`` (the file's content) into the folders ComfyUI would add.

    Args:
        text: The YAML text.
        yaml_dir: The folder the file is in (relative paths start there).
        expand: Expands ``~`` and environment variables in ``base_path``.
        source: How the file is named in notes.
    """
    notes: list[str] = []
    try:
        data = _load_safe(text)
    except RecursionError:
        return ExtraPaths(notes=(f"{source} is nested too deeply to be read; ignored.",))
    except Exception as exc:  # ruamel raises many types for broken input; all mean "broken"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ExtraPaths(notes=(f"{source} is not valid YAML ({first}); ignored.",))
    if data is None:
        return ExtraPaths()
    if not isinstance(data, dict):
        return ExtraPaths(notes=(f"{source} is not a mapping of sections; ignored.",))
    base_dir = os.path.abspath(str(yaml_dir))
    entries: list[ExtraPath] = []
    sections: list[str] = []
    bases: list[tuple[str, Path, bool]] = []
    for raw_name, conf in data.items():
        name = str(raw_name)
        sections.append(name)
        if conf is None:
            continue
        if not isinstance(conf, dict):
            notes.append(f"Section '{name}' of {source} is not a mapping; skipped.")
            continue
        entries.extend(_section_entries(name, conf, base_dir, expand, source, notes))
        base = _base_path(conf, base_dir, expand)
        if base is not None:
            bases.append((name, Path(os.path.normpath(base)), bool(conf.get("is_default"))))
    return ExtraPaths(tuple(entries), tuple(sections), tuple(notes), tuple(bases))


def _base_path(conf: dict[Any, Any], base_dir: str, expand: Callable[[str], str]) -> str | None:
    """A section's ``base_path``: expanded, a relative one from the YAML file's folder."""
    raw = conf.get("base_path")
    if not isinstance(raw, str):
        return None
    base = expand(raw)
    if base and not os.path.isabs(base):
        base = os.path.abspath(os.path.join(base_dir, base))
    return base or None


def _section_entries(
    name: str,
    conf: dict[Any, Any],
    base_dir: str,
    expand: Callable[[str], str],
    source: str,
    notes: list[str],
) -> list[ExtraPath]:
    if "base_path" in conf and not isinstance(conf["base_path"], str):
        notes.append(f"Section '{name}' of {source}: base_path is not a path; skipped.")
        return []
    base = _base_path(conf, base_dir, expand)
    is_default = bool(conf.get("is_default", False))
    found: list[ExtraPath] = []
    for raw_key, value in conf.items():
        if raw_key in SPECIAL_KEYS:
            continue
        if not isinstance(raw_key, str) or not raw_key.strip():
            notes.append(f"Section '{name}' of {source}: key {raw_key!r} is not a folder name.")
            continue
        if not isinstance(value, str):
            notes.append(
                f"Section '{name}' of {source}: '{raw_key}' is not a path or a block of paths "
                "(one per line); skipped."
            )
            continue
        key = LEGACY_KEYS.get(raw_key, raw_key)
        for line in value.split("\n"):
            if not line:
                continue
            if "\x00" in line:
                notes.append(f"Section '{name}' of {source}: a path of '{raw_key}' holds NUL.")
                continue
            if base:
                full = os.path.join(base, line)
            elif os.path.isabs(line):
                full = line
            else:
                full = os.path.abspath(os.path.join(base_dir, line))
            if ".." in re.split(r"[/\\]", line):
                notes.append(
                    f"Section '{name}' of {source}: '{raw_key}' path {line!r} uses '..'; "
                    f"read as {os.path.normpath(full)}."
                )
            found.append(ExtraPath(name, key, Path(os.path.normpath(full)), is_default, line))
    return found


# --- writing ---------------------------------------------------------------------------------


def merge_section(
    text: str,
    name: str,
    base_path: str | None,
    folders: Mapping[str, Sequence[str]],
    *,
    is_default: bool | None = None,
) -> str:
    """``text`` with section ``name`` set to ``base_path`` and ``folders``.

    The section is replaced in place when it exists (its keys not in ``folders`` and its
    comments are kept), else appended at the end. Every line outside that section stays
    byte for byte as it was.

    Args:
        text: The file's current content ("" for a new file).
        name: The section's name (a top-level key).
        base_path: The section's ``base_path``, or None for none (then the paths should be
            absolute).
        folders: Folder key -> paths (relative to ``base_path``); several paths become a
            ``|`` block, one per line; an empty list removes the key.
        is_default: Set (True/False) or leave as it is (None).

    Raises:
        ValueError: ``text`` is not valid YAML, or not a mapping of sections, or ``name`` or
            a path cannot be written (empty, or with a line break).
    """
    _check_merge_input(name, base_path, folders)
    try:
        data = _load_safe(text)
    except Exception as exc:
        raise ValueError(f"the file is not valid YAML ({exc})") from None
    if data is not None and not isinstance(data, dict):
        raise ValueError("the file is not a mapping of sections")
    lines = text.splitlines(keepends=True)
    span = _section_span(lines, name) if data and name in data else None
    if span is None:
        block = _render_section(name, None, base_path, folders, is_default, indent=4)
        if not text:
            merged = block
        else:
            head = text if text.endswith("\n") else text + "\n"
            sep = "" if head.endswith("\n\n") or not head.strip() else "\n"
            merged = head + sep + block
    else:
        start, end = span
        section_text = "".join(lines[start:end])
        block = _render_section(
            name, section_text, base_path, folders, is_default, indent=_indent_of(lines[start:end])
        )
        merged = "".join(lines[:start]) + block + "".join(lines[end:])
    _check_merged(merged, name, base_path, folders)
    return merged


def _check_merged(
    merged: str, name: str, base_path: str | None, folders: Mapping[str, Sequence[str]]
) -> None:
    """Read the result back: the section must hold what was written (a file whose own
    layout would swallow or break an added section is refused, not corrupted)."""
    try:
        data = _load_safe(merged)
    except Exception:
        data = None
    section = data.get(name) if isinstance(data, dict) else None
    ok = isinstance(section, dict) and section.get("base_path") == base_path
    for key, paths in folders.items():
        if not ok:
            break
        value = section.get(key) if isinstance(section, dict) else None
        ok = (value is None) if not paths else value == "\n".join(paths)
    if not ok:
        raise ValueError(
            f"section '{name}' cannot be added to this file without changing its meaning"
        )


def _check_merge_input(
    name: str, base_path: str | None, folders: Mapping[str, Sequence[str]]
) -> None:
    if not name.strip() or "\n" in name or name in SPECIAL_KEYS:
        raise ValueError(f"not a section name: {name!r}")
    if base_path is not None and ("\n" in base_path or not base_path.strip()):
        raise ValueError(f"not a base_path: {base_path!r}")
    for key, paths in folders.items():
        if not key.strip() or "\n" in key or key in SPECIAL_KEYS:
            raise ValueError(f"not a folder key: {key!r}")
        for path in paths:
            if not path or "\n" in path or "\r" in path:
                raise ValueError(f"not a path for '{key}': {path!r}")


def _section_span(lines: list[str], name: str) -> tuple[int, int] | None:
    """The lines ``[start, end)`` of the section ``name``: its key line and every line up to
    the next top-level key, less the trailing blank lines and unindented comments (those
    introduce what follows)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.allow_duplicate_keys = True
    doc = yaml.load("".join(lines))
    keys = list(doc.keys())
    starts = [doc.lc.key(k)[0] for k in keys]
    index = max(i for i, k in enumerate(keys) if k == name)  # the last one wins, as in ComfyUI
    start = starts[index]
    later = [s for s in starts if s > start]
    end = min(later) if later else len(lines)
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


def _indent_of(lines: list[str]) -> int:
    for line in lines[1:]:
        stripped = line.lstrip(" ")
        if stripped.strip() and not stripped.startswith("#"):
            return max(2, len(line) - len(stripped))
    return 4


def _render_section(
    name: str,
    existing: str | None,
    base_path: str | None,
    folders: Mapping[str, Sequence[str]],
    is_default: bool | None,
    *,
    indent: int,
) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import LiteralScalarString

    yaml = YAML()
    yaml.indent(mapping=indent, sequence=indent, offset=0)
    yaml.width = 4096
    doc: Any = yaml.load(existing) if existing else None
    if not isinstance(doc, dict) or name not in doc:
        doc = CommentedMap()
        doc[name] = CommentedMap()
    body = doc[name]
    if not isinstance(body, dict):
        body = CommentedMap()
        doc[name] = body
    if base_path is None:
        body.pop("base_path", None)
    elif "base_path" in body:
        body["base_path"] = _scalar(base_path)
    else:
        body.insert(0, "base_path", _scalar(base_path))
    if is_default is not None:
        if "is_default" in body:
            body["is_default"] = is_default
        else:
            body.insert(1 if "base_path" in body else 0, "is_default", is_default)
    for key, paths in folders.items():
        if not paths:
            body.pop(key, None)
            continue
        body[key] = _scalar(paths[0]) if len(paths) == 1 else LiteralScalarString("\n".join(paths))
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _scalar(text: str) -> Any:
    """``text`` as a scalar that reads back as that string under YAML 1.1 too (PyYAML reads
    a plain ``yes``, ``off``, ``1e3`` or ``~`` as a boolean, number or null): quoted when
    needed."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    try:
        plain_ok = _load_safe(f"k: {text}\n") == {"k": text}
    except Exception:
        plain_ok = False
    return text if plain_ok else SingleQuotedScalarString(text)
