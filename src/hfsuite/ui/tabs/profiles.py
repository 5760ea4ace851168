"""The Profiles tab: the model tools found on this machine, their folders, and the profiles.

```
[New profile] [Edit] [Remove]   [Detect again] [Add tool folder…] [Share folders…]   3 tools
┌ Tools ───────────────────────────────┐┌ Profiles ───────────────────────────────────────┐
│ ◇ ComfyUI   0.3.60 · git  ~/ComfyUI  ││ comfyui-loras  ComfyUI · loras  ~/ComfyUI/…  —  │
│   checkpoints  → --to comfyui:…      ││ my-llms        folder           ~/LLMs   *.gguf │
│     checkpoints  ✓ exists · downloads││                                                 │
│ ◇ LM Studio  …                       ││                                                 │
└──────────────────────────────────────┘└─────────────────────────────────────────────────┘
```

Tools come from :class:`hfsuite.app.tools.ToolRegistry` and profiles from
:class:`hfsuite.app.profiles.ProfileService` — what ``hfsuite tools`` and ``hfsuite profiles``
use. Detection, the database and the folders' existence are read on a worker thread
(``run_async``); "Detect again" also runs ``profiles detect`` (one profile per tool folder).
Every action has a shortcut (``shortcuts.py``, scope Profiles) and is in the context menus.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.profiles import DetectOutcome, Profile, ProfileService
from hfsuite.app.tools import ToolChange, ToolRegistry
from hfsuite.ui import shortcuts
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.icons import icon
from hfsuite.ui.models.profiles_model import (
    PATH_ROLE,
    PROFILE_ROLE,
    ProfileColumn,
    ProfilesModel,
    ProfilesSnapshot,
    ToolColumn,
    ToolsModel,
    folders_of,
)
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets.table_setup import setup_table

if TYPE_CHECKING:
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

translate = QCoreApplication.translate

#: The tab's actions: name (in ``shortcuts.SHORTCUTS``), text (English, shown through
#: translate("ProfilesTab", …)), icon.
ACTIONS = (
    ("profile_add", QT_TRANSLATE_NOOP("ProfilesTab", "New profile"), "add"),
    ("profile_edit", QT_TRANSLATE_NOOP("ProfilesTab", "Edit"), None),
    ("profile_remove", QT_TRANSLATE_NOOP("ProfilesTab", "Remove"), "remove"),
    ("profile_detect", QT_TRANSLATE_NOOP("ProfilesTab", "Detect again"), "retry"),
    ("profile_add_tool", QT_TRANSLATE_NOOP("ProfilesTab", "Add tool folder…"), "folder"),
    ("profile_open_folder", QT_TRANSLATE_NOOP("ProfilesTab", "Open folder"), "folder"),
    ("profile_copy_path", QT_TRANSLATE_NOOP("ProfilesTab", "Copy path"), "copy"),
    ("profile_share", QT_TRANSLATE_NOOP("ProfilesTab", "Share folders…"), None),
)


def load_snapshot(service: ProfileService) -> ProfilesSnapshot:
    """Tools, profiles and which of their folders exist (on a worker thread)."""
    detection = service.detection()
    profiles = service.list_profiles()
    folders = folders_of(detection.tools, profiles)
    existing = frozenset(p for p in folders if os.path.isdir(p))
    return ProfilesSnapshot(
        detection.tools, profiles, existing, [*detection.problems, *service.warnings]
    )


class ProfilesTab(QWidget):
    """Detected tools (a tree) and profiles (a table) with their actions.

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: A load finished (tests wait on it).
    loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("tab_profiles")
        #: Makes the profile service (one per load: detection is fresh each time).
        self.make_service: Callable[[], ProfileService] = lambda: ProfileService(ctx.suite)
        self.snapshot = ProfilesSnapshot()
        self._ready = False
        self._loading = False
        self._load_again = False
        self.last_detect: DetectOutcome | None = None

        self.tools_model = ToolsModel()
        self.tree = QTreeView(self)
        self.tree.setObjectName("tools_tree")
        self.tree.setModel(self.tools_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.header().resizeSection(ToolColumn.NAME, 280)
        self.tree.header().setStretchLastSection(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.doubleClicked.connect(lambda _i: self.open_folder())

        self.profiles_model = ProfilesModel()
        self.table = QTableView(self)
        self.table.setObjectName("profiles_table")
        self.table.setModel(self.profiles_model)
        setup_table(
            self.table,
            stretch=ProfileColumn.FOLDER,
            widths={
                ProfileColumn.NAME: 195,
                ProfileColumn.DESTINATION: 165,
                ProfileColumn.DEFAULTS: 140,
                ProfileColumn.ORIGIN: 76,
            },
            row_height=28,
            alternating_rows=True,
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.doubleClicked.connect(lambda _i: self.edit_profile())

        self._build_actions()
        toolbar = QHBoxLayout()
        toolbar.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for name in ("profile_add", "profile_edit", "profile_remove", None, "profile_detect",
                     "profile_add_tool"):  # fmt: skip
            if name is None:
                toolbar.addSpacing(14)
                continue
            action = self.actions_by_name[name]
            button = QPushButton(action.text(), self)
            button.setObjectName("primary" if name == "profile_add" else f"button_{name}")
            button.setToolTip(f"{action.toolTip()} ({shortcuts.native_text(name)})")
            button.clicked.connect(action.trigger)
            toolbar.addWidget(button)
            self.buttons[name] = button
        share = self.actions_by_name["profile_share"]
        self.share_button = QPushButton(share.text(), self)
        self.share_button.setObjectName("button_profile_share")
        self.share_button.setToolTip(
            translate(
                "ProfilesTab", "Let one tool use another's model folders, previewed first ({keys})"
            ).format(keys=shortcuts.native_text("profile_share"))
        )
        self.share_button.clicked.connect(share.trigger)
        toolbar.addWidget(self.share_button)
        toolbar.addStretch(1)
        self.busy = QProgressBar(self)  # detection has no steps to count: a busy bar
        self.busy.setObjectName("profiles_busy")
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(90)
        self.busy.setTextVisible(False)
        self.busy.hide()
        toolbar.addWidget(self.busy)
        self.summary = QLabel(self)
        self.summary.setObjectName("muted")
        toolbar.addWidget(self.summary)

        self.tools_title = QLabel(translate("ProfilesTab", "Tools on this machine"), self)
        self.tools_title.setObjectName("title")
        self.profiles_title = QLabel(translate("ProfilesTab", "Profiles"), self)
        self.profiles_title.setObjectName("title")
        self.problems = QLabel(self)
        self.problems.setObjectName("muted")
        self.problems.setWordWrap(True)
        self.problems.hide()
        left = QWidget(self)
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.tools_title)
        self.tools_empty = QLabel(
            translate(
                "ProfilesTab",
                "No tool found in the usual places. “Add tool folder…” names an install "
                "(ComfyUI, AUTOMATIC1111, Forge, SD.Next, InvokeAI, Fooocus, LM Studio…).",
            ),
            self,
        )
        self.tools_empty.setObjectName("muted")
        self.tools_empty.setWordWrap(True)
        self.tools_empty.hide()
        left_box.addWidget(self.tools_empty)
        left_box.addWidget(self.tree, 1)
        left_box.addWidget(self.problems)
        right = QWidget(self)
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(self.profiles_title)
        self.profiles_empty = QLabel(
            translate(
                "ProfilesTab",
                "No profiles yet. “Detect again” makes one per tool folder; “New profile” makes "
                "your own (a tool's folder, any folder or the HF cache, with download defaults).",
            ),
            self,
        )
        self.profiles_empty.setObjectName("muted")
        self.profiles_empty.setWordWrap(True)
        self.profiles_empty.hide()
        right_box.addWidget(self.profiles_empty)
        right_box.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([500, 740])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        layout.addLayout(toolbar)
        layout.addWidget(self.splitter, 1)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.refresh_icons()
        self._update_actions()
        self.reload()

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        slots: dict[str, Callable[[], Any]] = {
            "profile_add": lambda: self.add_profile(),
            "profile_edit": lambda: self.edit_profile(),
            "profile_remove": lambda: self.remove_profile(),
            "profile_detect": lambda: self.detect_again(),
            "profile_add_tool": lambda: self.add_tool_folder(),
            "profile_open_folder": lambda: self.open_folder(),
            "profile_copy_path": lambda: self.copy_path(),
            "profile_share": lambda: self.share_folders(),
        }
        for name, text, _icon in ACTIONS:
            action = QAction(translate("ProfilesTab", text), self)
            action.setShortcut(shortcuts.key(name))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(translate("Shortcuts", shortcuts.SHORTCUTS[name].description))
            action.triggered.connect(slots[name])
            self.addAction(action)
            self.actions_by_name[name] = action

    # --- hooks ----------------------------------------------------------------------------
    def tab_shown(self) -> None:
        """Reload: a download or ``hfsuite profiles`` elsewhere may have changed them."""
        self.reload()

    def focus_search(self) -> bool:
        """No search here (Ctrl+F goes to the Browse tab)."""
        return False

    def is_ready(self) -> bool:
        """The first load has answered."""
        return self._ready and not self._loading

    def refresh_icons(self) -> None:
        """Repaint the icons in the theme's colours (rows are rebuilt with them too)."""
        colors = colors_for(self.palette())
        for name, _text, icon_name in ACTIONS:
            if icon_name is not None:
                self.actions_by_name[name].setIcon(icon(icon_name, colors.text))
        if self._ready:
            self._show(self.snapshot)

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """Expand the tools and the first tool's download kinds of loras and checkpoints (their
        folders show), and select the first profile a person made (else the first)."""
        self.tree.expandToDepth(0)
        first = self.tools_model.item(0, 0)
        if first is not None:
            for k in range(first.rowCount()):
                kind = first.child(k, 0)
                if kind is not None and kind.text() in ("checkpoints", "loras"):
                    self.tree.expand(kind.index())
        rows = self.profiles_model.profiles
        mine = next((i for i, p in enumerate(rows) if not p.detected), 0 if rows else -1)
        if mine >= 0:
            self.table.selectRow(mine)
            self.table.scrollTo(self.profiles_model.index(mine, 0))

    # --- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Read tools and profiles again (off the UI thread)."""
        if self._loading:
            self._load_again = True  # what is being read may be older than the change
            return
        self._loading = True
        self._load_again = False
        self.summary.setText(translate("ProfilesTab", "Looking for tools…"))
        self.busy.show()
        make = self.make_service

        def failed(error: BaseException) -> None:
            self._loading = False
            self._ready = True
            self.busy.hide()
            self.summary.setText("")
            self.ctx.show_error(error)
            self.loaded.emit()

        self.ctx.run_async(lambda: load_snapshot(make()), self._loaded, failed)

    def _loaded(self, snapshot: ProfilesSnapshot) -> None:
        self._loading = False
        self._ready = True
        self.busy.hide()
        self._show(snapshot)
        if self._load_again:
            self.reload()
            return
        self.loaded.emit()

    def _show(self, snapshot: ProfilesSnapshot) -> None:
        selected = self.selected_profile()
        self.snapshot = snapshot
        colors = colors_for(self.palette())
        self.tools_model.show(snapshot, colors)
        self.profiles_model.show(snapshot, colors)
        self.tree.expandToDepth(0)
        tools, profiles = len(snapshot.tools), len(snapshot.profiles)
        tools_text = (
            translate("ProfilesTab", "1 tool")
            if tools == 1
            else translate("ProfilesTab", "%n tools", None, tools)
        )
        profiles_text = (
            translate("ProfilesTab", "1 profile")
            if profiles == 1
            else translate("ProfilesTab", "%n profiles", None, profiles)
        )
        self.summary.setText(f"{tools_text} · {profiles_text}")
        self.tools_empty.setVisible(not snapshot.tools)
        self.profiles_empty.setVisible(not snapshot.profiles)
        self.problems.setText("\n".join(snapshot.problems))
        self.problems.setVisible(bool(snapshot.problems))
        if selected is not None:
            row = self.profiles_model.row_of(selected.name)
            if row >= 0:
                self.table.selectRow(row)
        self._update_actions()

    # --- selection ------------------------------------------------------------------------
    def selected_profile(self) -> Profile | None:
        """The profile selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        profile = rows[0].data(PROFILE_ROLE)
        return profile if isinstance(profile, Profile) else None

    def selected_folder(self) -> Path | None:
        """The folder of what has the focus: the tree's row, else the selected profile."""
        if self.tree.hasFocus() or self.table.selectionModel().selectedRows() == []:
            index = self.tree.currentIndex()
            if index.isValid():
                path = index.data(PATH_ROLE)
                if isinstance(path, Path):
                    return path
        profile = self.selected_profile()
        if profile is not None:
            return profile.path / profile.subfolder if profile.subfolder else profile.path
        return None

    def select_profile(self, name: str) -> bool:
        """Select the profile ``name`` (tests, keyboard users)."""
        row = self.profiles_model.row_of(name)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _update_actions(self) -> None:
        has_profile = self.selected_profile() is not None
        for name in ("profile_edit", "profile_remove"):
            self.actions_by_name[name].setEnabled(has_profile)
            self.buttons[name].setEnabled(has_profile)
        has_folder = self.selected_folder() is not None
        self.actions_by_name["profile_open_folder"].setEnabled(has_folder)
        self.actions_by_name["profile_copy_path"].setEnabled(has_folder)

    # --- actions --------------------------------------------------------------------------
    def add_profile(self) -> Any:
        """Open the New profile dialog (non-blocking); returns it."""
        return self._open_dialog(None)

    def edit_profile(self, profile: Profile | None = None) -> Any:
        """Open the selected profile in the dialog; returns it (None: nothing selected)."""
        profile = profile or self.selected_profile()
        if profile is None:
            return None
        return self._open_dialog(profile)

    def _open_dialog(self, profile: Profile | None) -> Any:
        from hfsuite.ui.dialogs.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.ctx, self.snapshot.tools, self.make_service, profile, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def saved(stored: Profile) -> None:
            self.ctx.notify(
                translate("ProfilesTab", "Profile {name} saved: {where}").format(
                    name=stored.name, where=stored.where()
                )
            )
            self.reload()

        dialog.saved.connect(saved)
        dialog.open()
        return dialog

    def remove_profile(self, profile: Profile | None = None) -> None:
        """Remove the selected profile (queued tasks keep their folder; nothing on disk goes)."""
        profile = profile or self.selected_profile()
        if profile is None:
            return
        make, name = self.make_service, profile.name

        def done(_: Profile) -> None:
            self.ctx.notify(
                translate(
                    "ProfilesTab", "Profile {name} removed (its folder is untouched)."
                ).format(name=name)
            )
            self.reload()

        self.ctx.run_async(lambda: make().remove(name), done)

    def detect_again(self) -> None:
        """Look for tools again and make a profile per tool folder (``profiles detect``)."""
        self.summary.setText(translate("ProfilesTab", "Detecting tools…"))
        self.busy.show()
        self.buttons["profile_detect"].setEnabled(False)
        make = self.make_service

        def done(outcome: DetectOutcome) -> None:
            self.buttons["profile_detect"].setEnabled(True)
            self.last_detect = outcome
            made = sum(1 for status, _ in outcome.results if status in ("created", "updated"))
            unchanged = len(outcome.results) - made
            made_text = (
                translate("ProfilesTab", "1 profile made or updated")
                if made == 1
                else translate("ProfilesTab", "%n profiles made or updated", None, made)
            )
            self.ctx.notify(
                translate("ProfilesTab", "Detection done: {made}, {unchanged} unchanged.").format(
                    made=made_text, unchanged=unchanged
                )
            )
            self.reload()

        def failed(error: BaseException) -> None:
            self.buttons["profile_detect"].setEnabled(True)
            self.busy.hide()
            self.ctx.show_error(error)

        self.ctx.run_async(lambda: make().detect(), done, failed)

    def add_tool_folder(self, path: str | Path | None = None) -> None:
        """Add a tool's install folder (``hfsuite tools add PATH``); asks for it without one."""
        if path is None:
            chosen = QFileDialog.getExistingDirectory(
                self, translate("ProfilesTab", "A tool's install folder")
            )
            if not chosen:
                return
            path = chosen
        folder = Path(path)
        make = self.make_service

        def work() -> ToolChange:
            registry: ToolRegistry = make().registry
            return registry.add(folder)

        def done(change: ToolChange) -> None:
            if change.changed:
                self.ctx.notify(
                    translate("ProfilesTab", "Added {name} at {path}.").format(
                        name=change.name, path=change.path
                    )
                )
            else:
                self.ctx.notify(
                    translate("ProfilesTab", "{path} was already added as {name}.").format(
                        name=change.name, path=change.path
                    )
                )
            self.reload()

        self.ctx.run_async(work, done)

    def open_folder(self) -> None:
        """Open the selected folder in the file manager."""
        folder = self.selected_folder()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def copy_path(self) -> None:
        """Copy the selected folder's path."""
        folder = self.selected_folder()
        if folder is not None:
            QGuiApplication.clipboard().setText(str(folder))
            self.ctx.notify(translate("ProfilesTab", "Copied {path}").format(path=folder))

    def share_folders(self) -> Any:
        """Open the Share folders dialog (``hfsuite share``: a preview, then Apply); returns
        it (None with fewer than two tools)."""
        from hfsuite.ui.tabs.profiles_share import ShareDialog

        if len(self.snapshot.tools) < 2:
            self.ctx.notify(
                translate("ProfilesTab", "Sharing needs two tools; this machine has fewer.")
            )
            return None
        dialog = ShareDialog(self.ctx, self.snapshot.tools, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(lambda _text: self.reload())
        dialog.open()
        return dialog

    # --- menus ----------------------------------------------------------------------------
    def _menu(self, names: list[str | None]) -> QMenu:
        menu = QMenu(self)
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_name[name])
        return menu

    def _tree_menu(self, pos: QPoint) -> None:
        index: QModelIndex = self.tree.indexAt(pos)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        self.tree.setFocus()
        self._update_actions()
        menu = self._menu(
            [
                "profile_open_folder",
                "profile_copy_path",
                None,
                "profile_detect",
                "profile_add_tool",
                "profile_share",
            ]
        )
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _table_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        self._update_actions()
        menu = self._menu(
            ["profile_edit", "profile_remove", None, "profile_open_folder", "profile_copy_path",
             None, "profile_add"]
        )  # fmt: skip
        menu.popup(self.table.viewport().mapToGlobal(pos))


__all__ = ["ProfilesTab", "load_snapshot"]
