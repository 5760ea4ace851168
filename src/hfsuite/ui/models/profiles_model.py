"""The Profiles tab's models: detected tools as a tree, profiles as a table.

```
Tools tree                                   Profiles table
ComfyUI          0.3.60 · ~/ComfyUI          Name            Destination        Folder   Defaults
  checkpoints    comfyui:checkpoints         comfyui-loras   comfyui:loras      ~/Com…   —
    ~/Com…/models/checkpoints  ✓ exists      my-llms         folder             ~/LLMs   *.gguf
  loras …
```

Both only hold what the tab loaded off the UI thread (:class:`ProfilesSnapshot`): which folder
exists is found out there too, never while painting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

from hfsuite.app.profiles import Profile
from hfsuite.app.tools import DetectedTool
from hfsuite.core.destination import DestinationKind
from hfsuite.core.units import format_rate
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.icons import icon
from hfsuite.ui.tabs.profiles_icons import tool_icon
from hfsuite.ui.theme import ThemeColors
from hfsuite.ui.widgets.path_selector import contract_home

translate = QCoreApplication.translate

_Index = QModelIndex | QPersistentModelIndex
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
"""A row's folder (``Path``) in either model."""
TOOL_ROLE = Qt.ItemDataRole.UserRole + 2
"""Tools tree: the :class:`DetectedTool` of a row (and of its kind and folder rows)."""
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
"""Tools tree: the model kind of a kind or folder row."""
PROFILE_ROLE = Qt.ItemDataRole.UserRole + 4
"""Profiles table: the :class:`Profile` of a row."""


@dataclass(frozen=True)
class ProfilesSnapshot:
    """What the Profiles tab shows, read off the UI thread.

    Attributes:
        tools: The detected tools.
        profiles: Every profile, by name.
        existing: The folders (tools' and profiles') that exist.
        problems: What detection or the tools file reported.
    """

    tools: list[DetectedTool] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    existing: frozenset[Path] = frozenset()
    problems: list[str] = field(default_factory=list)


def folders_of(tools: Sequence[DetectedTool], profiles: Sequence[Profile]) -> set[Path]:
    """Every folder the tab shows (whose existence the loader checks)."""
    found: set[Path] = set()
    for tool in tools:
        found.add(tool.root)
        for paths in tool.folders.values():
            found.update(paths)
    for profile in profiles:
        found.add(profile.path)
        if profile.target is not None:
            found.add(profile.target.root)
    return found


class ToolColumn(IntEnum):
    """The tools tree's columns."""

    NAME = 0
    STATE = 1


class ToolsModel(QStandardItemModel):
    """Tool → model kind → folder, with versions, the download folder and whether it exists."""

    def __init__(self) -> None:
        super().__init__(0, 2)
        self.setHorizontalHeaderLabels(
            [
                translate("ProfilesModel", "Tool / kind / folder"),
                translate("ProfilesModel", "Version · where · state"),
            ]
        )
        self.tools: list[DetectedTool] = []

    def show(self, snapshot: ProfilesSnapshot, colors: ThemeColors) -> None:
        """Replace the rows with a snapshot's tools."""
        self.removeRows(0, self.rowCount())
        self.tools = list(snapshot.tools)
        root = self.invisibleRootItem()
        muted, danger, success = QColor(colors.muted), QColor(colors.danger), QColor(colors.success)
        for tool in snapshot.tools:
            name = QStandardItem(tool_icon(tool.kind), tool.display_name)
            if tool.name != tool.kind:
                name.setText(f"{tool.display_name} ({tool.name})")
            named = translate("ProfilesModel", "{tool}, named {name}").format(
                tool=tool.display_name, name=tool.name
            )
            name.setToolTip(
                "\n".join([named, *tool.notes])
                if tool.notes
                else translate("ProfilesModel", "{tool}, named {name} (--to {name}:KIND)").format(
                    tool=tool.display_name, name=tool.name
                )
            )
            version = tool.version or translate("ProfilesModel", "version unknown")
            state = QStandardItem(f"{version} · {contract_home(str(tool.root))}")
            state.setToolTip(
                translate("ProfilesModel", "{root} ({variant} install)").format(
                    root=tool.root, variant=tool.variant
                )
                if tool.variant
                else str(tool.root)
            )
            for item in (name, state):
                item.setData(tool, TOOL_ROLE)
                item.setData(tool.root, PATH_ROLE)
                item.setEditable(False)
            for kind in sorted(tool.folders):
                default = tool.default_folder.get(kind)
                kind_item = QStandardItem(kind)
                kind_state = QStandardItem(
                    f"{tool.name}:{kind}"
                    if default is not None
                    else translate("ProfilesModel", "read only")
                )
                kind_state.setToolTip(
                    translate("ProfilesModel", "Download here with --to {target}").format(
                        target=f"{tool.name}:{kind}"
                    )
                    if default is not None
                    else translate(
                        "ProfilesModel",
                        "The tool reads this kind from here; downloads do not go here",
                    )
                )
                kind_state.setForeground(muted)
                kind_row = [kind_item, kind_state]
                for item in kind_row:
                    item.setData(tool, TOOL_ROLE)
                    item.setData(kind, KIND_ROLE)
                    item.setEditable(False)
                if default is not None:
                    for item in kind_row:
                        item.setData(default, PATH_ROLE)
                for folder in tool.folders[kind]:
                    exists = folder in snapshot.existing
                    text = (
                        translate("ProfilesModel", "✓ exists")
                        if exists
                        else translate("ProfilesModel", "✗ missing")
                    )
                    if folder == default:
                        text += " · " + translate("ProfilesModel", "downloads go here")
                    folder_state = QStandardItem(text)
                    folder_state.setForeground(success if exists else danger)
                    folder_name = QStandardItem(
                        icon("folder", colors.muted), contract_home(str(folder))
                    )
                    folder_name.setToolTip(str(folder))
                    for item in (folder_name, folder_state):
                        item.setData(tool, TOOL_ROLE)
                        item.setData(kind, KIND_ROLE)
                        item.setData(folder, PATH_ROLE)
                        item.setEditable(False)
                    kind_item.appendRow([folder_name, folder_state])
                name.appendRow(kind_row)
            root.appendRow([name, state])

    def find_folder(self, tool_name: str, kind: str, folder: Path) -> QModelIndex:
        """The index of one folder row (tests, selection after a reload)."""
        for t in range(self.rowCount()):
            tool_item = self.item(t, 0)
            if tool_item is None or tool_item.data(TOOL_ROLE).name != tool_name:
                continue
            for k in range(tool_item.rowCount()):
                kind_item = tool_item.child(k, 0)
                if kind_item is None or kind_item.text() != kind:
                    continue
                for f in range(kind_item.rowCount()):
                    item = kind_item.child(f, 0)
                    if item is not None and item.data(PATH_ROLE) == folder:
                        return item.index()
        return QModelIndex()


class ProfileColumn(IntEnum):
    """The profiles table's columns."""

    NAME = 0
    DESTINATION = 1
    FOLDER = 2
    DEFAULTS = 3
    ORIGIN = 4


# English; shown through translate("ProfilesModel", …).
PROFILE_HEADERS = {
    ProfileColumn.NAME: QT_TRANSLATE_NOOP("ProfilesModel", "Name"),
    ProfileColumn.DESTINATION: QT_TRANSLATE_NOOP("ProfilesModel", "Destination"),
    ProfileColumn.FOLDER: QT_TRANSLATE_NOOP("ProfilesModel", "Folder"),
    ProfileColumn.DEFAULTS: QT_TRANSLATE_NOOP("ProfilesModel", "Defaults"),
    ProfileColumn.ORIGIN: QT_TRANSLATE_NOOP("ProfilesModel", "Made by"),
}


def destination_text(profile: Profile) -> str:
    """``comfyui:loras`` (as ``--to`` names it), ``folder`` or ``HF cache``."""
    if profile.target is not None:
        return f"{profile.target.tool}:{profile.target.model_kind}"
    if profile.kind is DestinationKind.HF_CACHE:
        return translate("ProfilesModel", "HF cache")
    return translate("ProfilesModel", "folder")


def defaults_text(profile: Profile) -> str:
    """The profile's defaults in a few words (``—`` when none)."""
    d = profile.defaults
    parts = []
    if d.include:
        parts.append(
            translate("ProfilesModel", "only {patterns}").format(patterns=", ".join(d.include))
        )
    if d.exclude:
        parts.append(
            translate("ProfilesModel", "not {patterns}").format(patterns=", ".join(d.exclude))
        )
    if d.connections:
        parts.append(translate("ProfilesModel", "{n} connections").format(n=d.connections))
    if d.limit_bps:
        parts.append(f"≤ {format_rate(d.limit_bps)}")
    return " · ".join(parts) or "—"


class ProfilesModel(QAbstractTableModel):
    """The profiles, one per row, with whether their folder (or tool) still exists."""

    def __init__(self) -> None:
        super().__init__()
        self.profiles: list[Profile] = []
        self.existing: frozenset[Path] = frozenset()
        self.colors: ThemeColors | None = None

    def show(self, snapshot: ProfilesSnapshot, colors: ThemeColors) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.profiles = list(snapshot.profiles)
        self.existing = snapshot.existing
        self.colors = colors
        self.endResetModel()

    def row_of(self, name: str) -> int:
        """The row of the profile ``name`` (-1: none)."""
        return next((i for i, p in enumerate(self.profiles) if p.name == name), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.profiles)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(ProfileColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("ProfilesModel", PROFILE_HEADERS[ProfileColumn(section)])
        return None

    def _exists(self, profile: Profile) -> bool:
        where = profile.target.root if profile.target is not None else profile.path
        return where in self.existing

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        profile = self.profiles[index.row()]
        column = ProfileColumn(index.column())
        if role == PROFILE_ROLE:
            return profile
        if role == PATH_ROLE:
            return profile.path
        if role == Qt.ItemDataRole.DisplayRole:
            if column is ProfileColumn.NAME:
                return profile.name
            if column is ProfileColumn.DESTINATION:
                return destination_text(profile)
            if column is ProfileColumn.FOLDER:
                folder = profile.path / profile.subfolder if profile.subfolder else profile.path
                missing = (
                    "" if self._exists(profile) else "  " + translate("ProfilesModel", "(missing)")
                )
                return contract_home(str(folder)) + missing
            if column is ProfileColumn.DEFAULTS:
                return defaults_text(profile)
            return (
                translate("ProfilesModel", "detection")
                if profile.detected
                else translate("ProfilesModel", "you")
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return profile.where()
        if role == Qt.ItemDataRole.DecorationRole and column is ProfileColumn.NAME:
            if profile.target is not None:
                return tool_icon(profile.target.tool_type)
            if self.colors is not None:
                return icon("folder", self.colors.muted)
        if role == Qt.ItemDataRole.ForegroundRole and self.colors is not None:
            if column is ProfileColumn.FOLDER and not self._exists(profile):
                return QColor(self.colors.danger)
            if column in (ProfileColumn.DEFAULTS, ProfileColumn.ORIGIN):
                return QColor(self.colors.muted)
        return None
