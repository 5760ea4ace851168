"""Installed model tools (ComfyUI, A1111, LM Studio…): finding them, the folders a user added,
and turning a tool's model folder into a download destination.

The folders a user adds (``hfsuite tools add PATH``) are kept in ``tools.json`` beside the
settings file::

    {"version": 1, "tools": [{"name": "comfyui-2", "kind": "comfyui", "path": "/srv/ComfyUI"}]}

It is written atomically under a file lock. A file that cannot be read or parsed is reported
and treated as empty; before it is overwritten it is kept as ``tools.json.bak-<time>``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfsuite.core.destination import MODEL_KINDS, Destination
from hfsuite.core.errors import SettingsFileError, UsageError
from hfsuite.core.i18n import tr
from hfsuite.integrations.tools.detect import (
    MARKERS,
    AddedPath,
    Detection,
    ExtraDetector,
    detect_all,
    detect_at,
    unique_name,
)
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import TOOL_KINDS, DetectedTool

__all__ = [
    "TOOL_KINDS",
    "DetectedTool",
    "Detection",
    "ToolChange",
    "ToolRegistry",
    "backup_file",
    "destination_for",
    "write_with_backup",
]

TOOLS_FILE_NAME = "tools.json"
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")


@dataclass(frozen=True)
class ToolChange:
    """What ``add``/``rm`` did.

    Attributes:
        action: ``add`` or ``rm``.
        changed: False when there was nothing to do (the folder was already added).
        name: The tool's name.
        path: The folder added or removed.
        tool: The tool as detected now (None after ``rm``).
    """

    action: str
    changed: bool
    name: str
    path: Path
    tool: DetectedTool | None


def backup_file(path: Path, *, now: float | None = None) -> Path | None:
    """Copy ``path`` to ``<name>.bak-<YYYYmmdd-HHMMSS>`` beside it (``~1``, ``~2``… when that
    exists) before it is changed; None when there is no file to keep.

    Raises:
        SettingsFileError: the copy cannot be made (the change must not go ahead then).
    """
    if not path.is_file():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    backup = path.with_name(f"{path.name}.bak-{stamp}")
    n = 0
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.bak-{stamp}~{n}")
    try:
        shutil.copy2(path, backup)
    except OSError as exc:
        raise SettingsFileError(
            tr(
                "Cannot keep a backup of {path} ({reason}); it was not changed.",
                path=path,
                reason=exc.strerror or exc,
            )
        ) from exc
    return backup


def write_with_backup(path: Path, text: str, *, now: float | None = None) -> Path | None:
    """Write ``text`` to ``path`` atomically, after keeping a backup of what was there (for
    a tool's config, e.g. ComfyUI's ``extra_model_paths.yaml``). Returns the backup.

    Raises:
        SettingsFileError: the backup or the write failed (the file is then unchanged).
    """
    backup = backup_file(path, now=now)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SettingsFileError(
            tr("Cannot write {path} ({reason}).", path=path, reason=exc.strerror or exc)
        ) from exc
    return backup


class ToolRegistry:
    """The tools on this machine: detected in the usual places, plus the added folders.

    Args:
        config_dir: The folder holding ``tools.json`` (the settings file's folder).
        host: Where to look (default: this machine, :meth:`Host.current`).
        extra_detectors: Gives the detectors plugins add (``suite.plugins.tool_detectors``),
            asked only when the tools are detected.
    """

    def __init__(
        self,
        config_dir: Path,
        host: Host | None = None,
        *,
        extra_detectors: Callable[[], Sequence[ExtraDetector]] | None = None,
    ):
        self.path = config_dir / TOOLS_FILE_NAME
        self.host = host or Host.current()
        self.warnings: list[str] = []
        self._extra_detectors = extra_detectors

    # --- the added folders -------------------------------------------------------------------

    def added(self) -> list[AddedPath]:
        """The folders the user added, as stored (warnings for a broken file)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            self._warn(f"The tools file {self.path} cannot be read ({exc}); added folders ignored.")
            return []
        try:
            data = json.loads(text)
        except ValueError:
            self._warn(f"The tools file {self.path} is not valid JSON; added folders ignored.")
            return []
        entries = data.get("tools") if isinstance(data, dict) else None
        found: list[AddedPath] = []
        for entry in entries if isinstance(entries, list) else []:
            parsed = _entry(entry)
            if parsed is None:
                self._warn(
                    f"An entry of {self.path} is not a tool folder and is ignored: {entry!r}"
                )
            else:
                found.append(parsed)
        return found

    def _warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def _save(self, entries: list[AddedPath]) -> None:
        from filelock import FileLock

        data: dict[str, Any] = {
            "version": 1,
            "tools": [{"name": e.name, "kind": e.kind, "path": str(e.path)} for e in entries],
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path) + ".lock", timeout=10):
                if self.warnings:  # the file was broken: keep it before replacing it
                    backup_file(self.path)
                _write_atomic(self.path, json.dumps(data, indent=2) + "\n")
        except OSError as exc:
            raise SettingsFileError(
                tr(
                    "Cannot write the tools file {path} ({reason}).",
                    path=self.path,
                    reason=exc.strerror or exc,
                )
            ) from exc

    # --- operations --------------------------------------------------------------------------

    def detect(self) -> Detection:
        """Every tool: the added folders, the usual places, and what plugins find."""
        extra = self._extra_detectors() if self._extra_detectors is not None else ()
        return detect_all(self.host, self.added(), extra)

    def add(self, path: str | Path, kind: str | None = None) -> ToolChange:
        """Add the tool folder ``path`` (of ``kind``, or whichever kind its files show).

        Raises:
            UsageError: no such folder, an unknown kind, or no tool of that kind there.
        """
        if kind is not None and kind not in TOOL_KINDS:
            raise UsageError(
                tr("Unknown tool type {kind}.", kind=repr(kind)),
                hint=tr("One of: {choices}.", choices=", ".join(TOOL_KINDS)),
            )
        folder = Path(os.path.abspath(Path(path).expanduser()))
        if not folder.exists():
            raise UsageError(
                tr("No such folder: {folder}.", folder=folder),
                hint=tr("Check the path and try again."),
            )
        if not folder.is_dir():
            raise UsageError(
                tr("{path} is a file, not a folder.", path=folder),
                hint=tr("Give the tool's install folder."),
            )
        tool = detect_at(folder, self.host, kind)
        if tool is None:
            message, hint = _not_a_tool(folder, kind)
            raise UsageError(message, hint=hint)
        entries = self.added()
        for entry in entries:
            same = _same(entry.path, folder) or _same(entry.path, tool.root)
            if same and (kind is None or entry.kind == kind):
                name = entry.name or tool.kind
                return ToolChange("add", False, name, entry.path, tool.renamed(name))
        taken = {t.name for t in self.detect().tools if not _same(t.root, tool.root)}
        taken |= {e.name for e in entries if e.name}
        name = unique_name(tool.kind, taken)
        entries.append(AddedPath(tool.root, tool.kind, name))
        self._save(entries)
        return ToolChange("add", True, name, tool.root, tool.renamed(name))

    def remove(self, name_or_path: str) -> ToolChange:
        """Forget an added folder, by the tool's name or by its path.

        Raises:
            UsageError: nothing added under that name or path (a tool found in a usual place
                cannot be removed: it is not stored).
        """
        entries = self.added()
        text = name_or_path.strip()
        as_path = Path(os.path.abspath(Path(text).expanduser())) if text else None
        # the folder given to `add` may hold the install (a portable build's ComfyUI)
        found = detect_at(as_path, self.host) if as_path is not None else None
        roots = [p for p in (as_path, found.root if found else None) if p is not None]
        for i, entry in enumerate(entries):
            if entry.name == text or any(_same(entry.path, root) for root in roots):
                del entries[i]
                self._save(entries)
                return ToolChange("rm", True, entry.name or "", entry.path, None)
        detection = self.detect()
        for tool in detection.tools:
            if tool.name == text or (as_path is not None and _same(tool.root, as_path)):
                raise UsageError(
                    tr(
                        "{name} ({root}) was found in a usual place, not added, so there is "
                        "nothing to remove.",
                        name=tool.name,
                        root=tool.root,
                    ),
                    hint=tr("`hfsuite tools rm` forgets folders added with `hfsuite tools add`."),
                )
        raise UsageError(
            tr("No added tool is named or at {text}.", text=repr(text)),
            hint=tr("`hfsuite tools ls` lists the tools and their names."),
        )


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file + rename), no backup."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def _entry(entry: Any) -> AddedPath | None:
    if not isinstance(entry, dict):
        return None
    path, kind, name = entry.get("path"), entry.get("kind"), entry.get("name")
    if not isinstance(path, str) or not path.strip() or "\x00" in path:
        return None
    if kind is not None and kind not in TOOL_KINDS:
        return None
    if name is not None and (not isinstance(name, str) or not _NAME.fullmatch(name)):
        return None
    return AddedPath(Path(path), kind, name)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))
    except (OSError, ValueError):
        return False


def _not_a_tool(folder: Path, kind: str | None) -> tuple[str, str]:
    if kind is not None:
        return (
            tr(
                "{folder} does not hold {tool}; looked for {markers}.",
                folder=folder,
                tool=TOOL_KINDS[kind],
                markers=MARKERS[kind],
            ),
            tr("Give the tool's install folder, or another --type."),
        )
    looked = "; ".join(f"{TOOL_KINDS[k]}: {MARKERS[k]}" for k in TOOL_KINDS)
    return (
        tr(
            "{folder} is not a folder of a known tool. Looked for {looked}.",
            folder=folder,
            looked=looked,
        ),
        tr("Give the tool's install folder, or name its type with --type."),
    )


def destination_for(tool: DetectedTool, model_kind: str) -> Destination:
    """Where a download of ``model_kind`` for ``tool`` goes: its default folder of that kind,
    as a tool-folder destination (a plain folder for kinds outside
    :data:`~hfsuite.core.destination.MODEL_KINDS`, e.g. ``llm``).

    Raises:
        UsageError: the tool has no folder of that kind to download into.
    """
    folder = tool.default_folder.get(model_kind)
    if folder is None:
        kinds = ", ".join(sorted(tool.default_folder))
        raise UsageError(
            tr(
                "{tool} has no folder for {kind} to download into.",
                tool=tool.name,
                kind=model_kind,
            ),
            hint=tr("Its download folders: {kinds}.", kinds=kinds)
            if kinds
            else tr("Its download folders: none."),
        )
    name = tool.name if _NAME.fullmatch(tool.name) else tool.kind
    if model_kind in MODEL_KINDS:
        return Destination.tool_folder(name, model_kind, folder)
    return Destination.folder(folder)
