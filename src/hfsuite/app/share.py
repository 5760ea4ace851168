"""``hfsuite share``: one copy of the models, seen by several tools.

Two ways:

* **ComfyUI reads the other tool's folders** (the default when ComfyUI is the target): a
  section ``hfsuite_<source tool>`` of ComfyUI's ``extra_model_paths.yaml`` names the source
  tool's install folder as ``base_path`` and its model folders per ComfyUI folder key, as
  detection found them (``Stable-diffusion`` -> ``checkpoints``, ``Lora`` -> ``loras``…). The
  section is merged in place (:func:`~hfsuite.integrations.comfyui.extra_paths.merge_section`:
  comments and the user's other sections kept), the file is backed up and written atomically
  (:func:`~hfsuite.app.tools.write_with_backup`). Running it again replaces the same section.
* **Links** (``--link hardlink|symlink``, any target tool): each file of the source tool's
  folders of a kind both tools have is linked into the target's download folder of that kind,
  at the same path below it. A name already there is skipped when it is the same file (same
  inode, or a link to it) or the same name and size; a different file of that name is never
  replaced and is reported as a conflict. A hard link across file systems is refused before
  anything is linked.

Linking does not go through the duplicate reclaim's :func:`~hfsuite.library.duplicates.
apply_reclaim`: that replaces an existing duplicate after checking its hash, while sharing only
creates names that do not exist yet, which ``link()``/``symlink()`` do atomically (the name
appears whole or not at all). Reclaim's temporary-name mark is still honoured: files named with
it (left by an interrupted reclaim) are never shared.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
import stat as stat_mod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

from hfsuite.app.tool_targets import KNOWN_KINDS, find_tool
from hfsuite.app.tools import DetectedTool, Detection, write_with_backup
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import joined, tr
from hfsuite.integrations.comfyui.extra_paths import merge_section, read_extra_paths
from hfsuite.integrations.tools.comfyui import DESKTOP_CONFIG, EXTRA_PATHS_FILE
from hfsuite.integrations.tools.model import LLM_KIND
from hfsuite.library.duplicates import TEMP_MARK, ReclaimMode

__all__ = [
    "LinkAction",
    "LinkOutcome",
    "LinkPlan",
    "LinkReport",
    "YamlPlan",
    "apply_links",
    "apply_yaml",
    "parse_kinds",
    "plan_links",
    "plan_yaml",
    "resolve_pair",
    "section_name",
]

LINK_MODES: tuple[str, ...] = ("hardlink", "symlink")


def _tool(detection: Detection, text: str, flag: str) -> DetectedTool:
    """The tool ``text`` names (as ``--to TOOL:KIND`` names one), the hint worded for ``flag``."""
    try:
        return find_tool(detection, text)
    except UsageError as exc:
        hint = (exc.hint or "").replace(":KIND", "").replace("--to ", f"--{flag} ")
        raise UsageError(exc.message.replace("--to ", f"--{flag} "), hint=hint) from None


def resolve_pair(
    detection: Detection, source: str, target: str
) -> tuple[DetectedTool, DetectedTool]:
    """The ``--from`` and ``--to`` tools.

    Raises:
        UsageError: an unknown or ambiguous tool, or the same tool twice.
    """
    src = _tool(detection, source, "from")
    dst = _tool(detection, target, "to")
    if os.path.realpath(src.root) == os.path.realpath(dst.root):
        raise UsageError(
            tr(
                "--from and --to name the same tool ({name}, {root}).", name=src.name, root=src.root
            ),
            hint=tr("Share between two different tools: hfsuite tools ls lists them."),
        )
    return src, dst


def parse_kinds(text: str | None, source: DetectedTool) -> tuple[str, ...] | None:
    """``--kinds loras,vae`` -> ``("loras", "vae")``; None when not given.

    Raises:
        UsageError: an empty list, an unknown kind (with "did you mean"), or a kind the source
            tool has no folder for.
    """
    if text is None:
        return None
    kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    if not kinds:
        raise UsageError(tr("--kinds is empty."), hint=tr("For example --kinds loras,checkpoints."))
    for kind in kinds:
        if kind in source.folders:
            continue
        known = sorted(source.folders) or list(KNOWN_KINDS)
        close = difflib.get_close_matches(kind, known, n=2, cutoff=0.5)
        message = tr("{tool} has no folder for {kind}.", tool=source.name, kind=repr(kind))
        if close:
            either = reduce(lambda a, b: tr("{a} or {b}", a=a, b=b), close)
            message = joined(message, tr("Did you mean {names}?", names=either))
        kinds_text = ", ".join(sorted(source.folders))
        raise UsageError(
            message,
            hint=tr("Its kinds: {kinds}.", kinds=kinds_text)
            if kinds_text
            else tr("Its kinds: none."),
        )
    return kinds


def _selected(source: DetectedTool, kinds: tuple[str, ...] | None) -> list[str]:
    return [k for k in source.folders if kinds is None or k in kinds]


# --- ComfyUI's extra_model_paths.yaml ---------------------------------------------------------


def section_name(tool: DetectedTool) -> str:
    """``hfsuite_a1111``, ``hfsuite_comfyui_2``: the section a share from ``tool`` writes."""
    return "hfsuite_" + re.sub(r"[^A-Za-z0-9_]", "_", tool.name)


def yaml_path(target: DetectedTool) -> Path:
    """The extra-paths file ComfyUI ``target`` reads (the Desktop app: its own config)."""
    if target.variant == "desktop":
        for path in target.config_files:
            if path.name == DESKTOP_CONFIG:
                return path
    return target.root / EXTRA_PATHS_FILE


def _same(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix() or "."
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class YamlPlan:
    """The change to ComfyUI's extra-paths file.

    Attributes:
        path: The file.
        section: The section set (``hfsuite_<tool>``).
        base_path: The source tool's install folder.
        folders: Folder key -> paths (relative to ``base_path`` when inside it).
        old_text: The file as it is ("" when it does not exist).
        new_text: The file after the change.
        skipped: Kinds left out, with why (no folder on disk, already ComfyUI's own…).
    """

    path: Path
    section: str
    base_path: str
    folders: dict[str, list[str]]
    old_text: str
    new_text: str
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the file would change."""
        return self.old_text != self.new_text

    @property
    def exists(self) -> bool:
        """Whether the file exists now."""
        return self.path.is_file()

    def diff(self) -> str:
        """The change as a unified diff ("" when nothing changes)."""
        name = str(self.path)
        return "".join(
            difflib.unified_diff(
                self.old_text.splitlines(keepends=True),
                self.new_text.splitlines(keepends=True),
                fromfile=name if self.old_text else "/dev/null",
                tofile=name,
            )
        )


def plan_yaml(
    source: DetectedTool, target: DetectedTool, kinds: tuple[str, ...] | None
) -> YamlPlan:
    """What sharing ``source``'s folders with ComfyUI ``target`` writes (nothing written).

    Raises:
        UsageError: the target is not ComfyUI, the source has no model folder on disk, or the
            file cannot be read or merged (broken YAML: the message says so; nothing written).
    """
    if target.kind != "comfyui":
        raise UsageError(
            tr(
                "Only ComfyUI reads other tools' folders from a config; {name} is {tool}.",
                name=target.name,
                tool=target.display_name,
            ),
            hint=tr(
                "Link the files instead: hfsuite share --from {source} --to {target} --link "
                "hardlink (or --link symlink).",
                source=source.name,
                target=target.name,
            ),
        )
    path = yaml_path(target)
    try:
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            tr("Cannot read {path} ({reason}).", path=path, reason=exc),
            hint=tr("Fix the file's permissions, then retry."),
        ) from None
    name = section_name(source)
    own = _own_folders(target, old, path.parent, name)
    folders: dict[str, list[str]] = {}
    skipped: list[str] = []
    for kind in _selected(source, kinds):
        if kind == LLM_KIND:
            skipped.append(tr("{kind}: ComfyUI has no folder for language models", kind=kind))
            continue
        paths = [p for p in source.folders[kind] if p.is_dir()]
        if not paths:
            skipped.append(tr("{kind}: no folder on disk", kind=kind))
            continue
        mine = [p for p in paths if os.path.realpath(p) not in own]
        if not mine:
            skipped.append(tr("{kind}: ComfyUI already reads its folder", kind=kind))
            continue
        folders[kind] = [_relative(p, source.root) for p in mine]
    if not folders:
        raise UsageError(
            tr(
                "{source} has no model folder to share with {target} ({skipped}).",
                source=source.name,
                target=target.name,
                skipped="; ".join(skipped),
            )
            if skipped
            else tr(
                "{source} has no model folder to share with {target}.",
                source=source.name,
                target=target.name,
            ),
            hint=tr("hfsuite tools ls shows {source}'s folders.", source=source.name),
        )
    base = str(source.root)
    try:
        new = merge_section(old, name, base, folders)
    except ValueError as exc:
        raise UsageError(
            tr(
                "Cannot add a section to {path}: {reason}; it was not changed.",
                path=path,
                reason=exc,
            ),
            hint=tr("Fix the file (ComfyUI would stop on it too), then retry."),
        ) from None
    return YamlPlan(path, name, base, folders, old, new, skipped)


def _own_folders(target: DetectedTool, text: str, yaml_dir: Path, section: str) -> set[str]:
    """The folders ComfyUI reads without the section ``section`` (a folder only that section
    adds is not ComfyUI's own: sharing again must not leave it out)."""
    entries = read_extra_paths(text, yaml_dir).entries if text else ()
    ours = {os.path.realpath(e.path) for e in entries if e.section == section}
    others = {os.path.realpath(e.path) for e in entries if e.section != section}
    folders = {os.path.realpath(p) for paths in target.folders.values() for p in paths}
    return {p for p in folders if p not in ours or p in others}


def apply_yaml(plan: YamlPlan, *, now: float | None = None) -> Path | None:
    """Write the plan's file (backup first, atomic). Returns the backup (None: no old file).

    Raises:
        SettingsFileError: the backup or the write failed (the file is then unchanged).
    """
    if not plan.changed:
        return None
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    return write_with_backup(plan.path, plan.new_text, now=now)


# --- links ------------------------------------------------------------------------------------


class LinkOutcome(enum.Enum):
    """What became of one source file."""

    LINK = "link"
    """A link is (or would be) made."""
    PRESENT = "present"
    """The target already has it (the same file, or the same name and size)."""
    CONFLICT = "conflict"
    """The target has another file of that name: left alone."""


@dataclass(frozen=True)
class LinkAction:
    """One source file and its place in the target's folder."""

    kind: str
    source: Path
    target: Path
    size: int
    outcome: LinkOutcome
    reason: str = ""


@dataclass
class LinkPlan:
    """Every source file of the shared kinds, and what sharing does with it."""

    mode: ReclaimMode
    source: DetectedTool
    target: DetectedTool
    kinds: list[str]
    actions: list[LinkAction] = field(default_factory=list)
    skipped_kinds: list[str] = field(default_factory=list)

    def of(self, outcome: LinkOutcome) -> list[LinkAction]:
        """The actions with that outcome."""
        return [a for a in self.actions if a.outcome is outcome]

    @property
    def bytes_to_share(self) -> int:
        """The bytes a copy of the files to link would take."""
        return sum(a.size for a in self.of(LinkOutcome.LINK))


@dataclass
class LinkReport:
    """What :func:`apply_links` did."""

    linked: int = 0
    shared_bytes: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)


def _files(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """The regular files under ``folder`` (hidden folders such as ``.cache`` skipped; a
    symbolic link counts as the file it leads to)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or TEMP_MARK in name:
                continue
            path = Path(dirpath) / name
            try:
                st = path.stat()
            except OSError:
                continue
            if stat_mod.S_ISREG(st.st_mode):
                yield path, st


def _device_of(path: Path) -> int:
    """The device of ``path``, or of its nearest existing parent."""
    for candidate in (path, *path.parents):
        try:
            return candidate.stat().st_dev
        except OSError:
            continue
    return -1


def _under(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


def _decide(source: Path, st: os.stat_result, target: Path) -> tuple[LinkOutcome, str]:
    try:
        there = target.lstat()
    except FileNotFoundError:
        return LinkOutcome.LINK, ""
    except OSError as exc:
        return LinkOutcome.CONFLICT, tr("cannot be read ({reason})", reason=exc.strerror or exc)
    if stat_mod.S_ISLNK(there.st_mode):
        try:
            if target.samefile(source):
                return LinkOutcome.PRESENT, tr("a link to it is there")
        except OSError:
            return LinkOutcome.CONFLICT, tr("a broken link of that name is there")
        return LinkOutcome.CONFLICT, tr("a link of that name to another file is there")
    if not stat_mod.S_ISREG(there.st_mode):
        return LinkOutcome.CONFLICT, tr("something that is not a file is there")
    if (there.st_dev, there.st_ino) == (st.st_dev, st.st_ino):
        return LinkOutcome.PRESENT, tr("the same file is there")
    if there.st_size == st.st_size:
        return LinkOutcome.PRESENT, tr("a file of that name and size is there")
    return (
        LinkOutcome.CONFLICT,
        tr(
            "another file of that name is there ({size} bytes, not {expected})",
            size=there.st_size,
            expected=st.st_size,
        ),
    )


def plan_links(
    source: DetectedTool, target: DetectedTool, kinds: tuple[str, ...] | None, mode: str
) -> LinkPlan:
    """What linking ``source``'s files into ``target``'s folders would do (nothing changed).

    Raises:
        UsageError: an unknown mode; no kind both tools have; a hard link across file systems
            (with the suggestion to use symbolic links).
    """
    if mode not in LINK_MODES:
        raise UsageError(
            tr("--link {mode} is not a link mode.", mode=repr(mode)),
            hint=tr("Use --link hardlink or --link symlink."),
        )
    if source.kind == "ollama":
        raise UsageError(
            tr(
                "Ollama keeps its models as manifests and blobs, not as files another tool can "
                "read; nothing to link."
            ),
            hint=tr("Download the GGUF for the other tool (e.g. --to lmstudio:llm) instead."),
        )
    link_mode = ReclaimMode(mode)
    plan = LinkPlan(link_mode, source, target, [])
    for kind in _selected(source, kinds):
        folder = target.default_folder.get(kind)
        if folder is None:
            plan.skipped_kinds.append(
                tr("{kind}: {tool} has no folder for it", kind=kind, tool=target.name)
            )
            continue
        plan.kinds.append(kind)
        seen: set[Path] = set()
        for src_folder in source.folders[kind]:
            if not src_folder.is_dir():
                continue
            if _under(folder, src_folder) or _under(src_folder, folder):
                plan.skipped_kinds.append(
                    tr(
                        "{kind}: {folder} is {tool}'s folder too",
                        kind=kind,
                        folder=src_folder,
                        tool=target.name,
                    )
                )
                continue
            for path, st in _files(src_folder):
                dest = folder / path.relative_to(src_folder)
                if dest in seen:  # a name in two source folders of one kind: the first counts
                    continue
                seen.add(dest)
                outcome, reason = _decide(path, st, dest)
                plan.actions.append(LinkAction(kind, path, dest, st.st_size, outcome, reason))
    if not plan.kinds:
        both = "; ".join(plan.skipped_kinds) or "no kinds selected"
        raise UsageError(
            tr(
                "{source} and {target} have no kind of model folder in common ({both}).",
                source=source.name,
                target=target.name,
                both=both,
            ),
            hint=tr(
                "hfsuite tools ls shows the kinds of each; {target}'s download folders: {kinds}.",
                target=target.name,
                kinds=", ".join(sorted(target.default_folder)) or "none",
            ),
        )
    if link_mode is ReclaimMode.HARDLINK:
        _check_devices(plan.of(LinkOutcome.LINK))
    return plan


def _check_devices(actions: Iterable[LinkAction]) -> None:
    for action in actions:
        src_dev = action.source.stat().st_dev
        if src_dev != _device_of(action.target.parent):
            raise UsageError(
                tr(
                    "{source} and {target} are on different file systems: a hard link cannot "
                    "join them. Nothing was linked.",
                    source=action.source,
                    target=action.target.parent,
                ),
                hint=tr("Use --link symlink (a symbolic link works across file systems)."),
            )


def apply_links(plan: LinkPlan) -> LinkReport:
    """Make the plan's links. A name that appeared since the plan was made is left alone
    (reported as failed: ``link``/``symlink`` never replace a file)."""
    report = LinkReport()
    for action in plan.of(LinkOutcome.LINK):
        try:
            action.target.parent.mkdir(parents=True, exist_ok=True)
            if plan.mode is ReclaimMode.HARDLINK:
                os.link(action.source, action.target, follow_symlinks=True)
            else:
                os.symlink(os.path.realpath(action.source), action.target)
        except OSError as exc:
            report.failed.append((action.target, exc.strerror or str(exc)))
            continue
        report.linked += 1
        report.shared_bytes += action.size
    return report
