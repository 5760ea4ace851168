"""The queue's actions: what the Downloads tab's toolbar, context menu and shortcuts do.

```
[+ Add] │ ▶ ⏸ ⊗ ↻ 🗑 │ ⤒ ↑ ↓ ⤓ [⚑ Priority ▾] │ 📁 ⧉        the toolbar (QueueActions.toolbar)
right click: resume pause cancel retry │ moves, priority │ folder, URL │ remove │ add
```

Each action works on the tasks the table has selected (``selection()``) and runs through
``ctx.run_async`` (database writes, waits for a running task to let go); the table changes when
the engine bridge reports the rows, a fraction of a second later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QToolButton, QWidget

from hfsuite.app.download.destinations import stored_files_folder
from hfsuite.app.queue.manager import MoveDirection
from hfsuite.core.types import Priority, RepoType, TaskState
from hfsuite.ui import shortcuts
from hfsuite.ui.icons import icon
from hfsuite.ui.theme import colors_for

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import TaskRecord
    from hfsuite.ui.context import UiContext

translate = QCoreApplication.translate

PAUSABLE = frozenset({TaskState.QUEUED, TaskState.RUNNING})
RESUMABLE = frozenset({TaskState.PAUSED})
RETRYABLE = frozenset({TaskState.FAILED, TaskState.CANCELLED})
CANCELLABLE = frozenset({TaskState.QUEUED, TaskState.RUNNING, TaskState.PAUSED})


def source_url(record: TaskRecord, endpoint: str) -> str:
    """The web page of a task's source (the Hub page of its repository, or its URL)."""
    if record.url:
        return record.url
    prefix = {RepoType.DATASET: "datasets/", RepoType.SPACE: "spaces/"}.get(record.repo_type, "")
    page = f"{endpoint.rstrip('/')}/{prefix}{record.repo_id}"
    return page + (f"/tree/{record.revision}" if record.revision else "")


class QueueActions:
    """The queue's actions, their toolbar and context menu.

    The actions belong to ``host`` (the tab): their shortcuts work while the focus is in it.

    Args:
        ctx: The UI context (manager, notices, settings).
        host: The widget the actions and dialogs belong to.
        selection: The selected tasks, in queue order.
        add: Opens the Add dialog.
        focus_filter: Puts the cursor in the name filter.
    """

    def __init__(
        self,
        ctx: UiContext,
        host: QWidget,
        selection: Callable[[], list[TaskRecord]],
        *,
        add: Callable[[], Any],
        focus_filter: Callable[[], Any],
    ):
        self.ctx = ctx
        self.host = host
        self.selection = selection
        #: Every action by name (``pause``, ``move_top``, ``priority_high``…).
        self.by_name: dict[str, QAction] = {}
        self._build_actions(add, focus_filter)
        self.priority_menu = QMenu(translate("DownloadsActions", "Priority"), host)
        for name in ("high", "normal", "low"):
            self.priority_menu.addAction(self.by_name[f"priority_{name}"])
        self.priority_button = QToolButton()
        self.toolbar = self._build_toolbar()
        self.refresh_icons()

    # --- building ---------------------------------------------------------------------

    def _action(
        self,
        name: str,
        text: str,
        slot: Callable[[], Any],
        icon_name: str | None = None,
        shortcut: str | None = None,
    ) -> QAction:
        action = QAction(text, self.host)
        action.setObjectName(f"action_{name}")
        if icon_name:
            action.setProperty("icon_name", icon_name)
        if shortcut:
            action.setShortcut(shortcuts.key(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text} ({shortcuts.native_text(shortcut)})")
            self.host.addAction(action)
        action.triggered.connect(slot)
        self.by_name[name] = action
        return action

    def _extra_shortcut(self, name: str) -> None:
        # A second key for an action whose own shortcut (and tooltip) is another one.
        action = self.by_name[name]
        action.setShortcut(shortcuts.key(name))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.host.addAction(action)

    def _build_actions(self, add: Callable[[], Any], focus_filter: Callable[[], Any]) -> None:
        a = self._action
        a("add", translate("DownloadsActions", "Add"), add, "add")
        self.by_name["add"].setToolTip(
            translate("DownloadsActions", "Add downloads ({keys})").format(
                keys=shortcuts.native_text("add")
            )
        )
        a("resume", translate("DownloadsActions", "Resume"), self.resume_selected, "resume")
        a("pause", translate("DownloadsActions", "Pause"), self.pause_selected, "pause")
        a(
            "toggle",
            translate("DownloadsActions", "Pause/Resume"),
            self.toggle_selected,
            None,
            "toggle",
        )
        a(
            "cancel",
            translate("DownloadsActions", "Cancel"),
            self.cancel_selected,
            "cancel",
            "cancel",
        )
        a("retry", translate("DownloadsActions", "Retry"), self.retry_selected, "retry", "retry")
        a(
            "remove",
            translate("DownloadsActions", "Remove"),
            lambda: self.remove_selected(False),
            "remove",
            "remove",
        )
        a(
            "remove_data",
            translate("DownloadsActions", "Remove and delete data"),
            lambda: self.remove_selected(True),
            None,
        )
        self._extra_shortcut("remove_data")
        moves = [
            (
                "move_top",
                translate("DownloadsActions", "Move to top"),
                MoveDirection.TOP,
                "top",
                None,
            ),
            (
                "move_up",
                translate("DownloadsActions", "Move up"),
                MoveDirection.UP,
                "up",
                "move_up",
            ),
            (
                "move_down",
                translate("DownloadsActions", "Move down"),
                MoveDirection.DOWN,
                "down",
                "move_down",
            ),
            (
                "move_bottom",
                translate("DownloadsActions", "Move to bottom"),
                MoveDirection.BOTTOM,
                "bottom",
                "move_bottom",
            ),
        ]
        for name, text, direction, icon_name, key in moves:
            a(name, text, self._move_slot(direction), icon_name, key)
        self._extra_shortcut("move_top")
        levels = {
            Priority.HIGH: translate("DownloadsActions", "High priority"),
            Priority.NORMAL: translate("DownloadsActions", "Normal priority"),
            Priority.LOW: translate("DownloadsActions", "Low priority"),
        }
        for level, text in levels.items():
            a(f"priority_{level.name.lower()}", text, self._priority_slot(level))
        a(
            "open_folder",
            translate("DownloadsActions", "Open folder"),
            self.open_folder,
            "folder",
            "open_folder",
        )
        a(
            "copy_url",
            translate("DownloadsActions", "Copy source URL"),
            self.copy_url,
            "copy",
            "copy_url",
        )
        a(
            "pause_all",
            translate("DownloadsActions", "Pause all"),
            self.pause_all,
            None,
            "pause_all",
        )
        a(
            "resume_all",
            translate("DownloadsActions", "Resume all"),
            self.resume_all,
            None,
            "resume_all",
        )
        a("focus_filter", translate("DownloadsActions", "Filter"), focus_filter, None, None)

    def _move_slot(self, direction: MoveDirection) -> Callable[[], None]:
        return lambda: self.move_selected(direction)

    def _priority_slot(self, priority: Priority) -> Callable[[], None]:
        return lambda: self.set_priority_selected(priority)

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar()
        toolbar.setObjectName("downloads_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        toolbar.setIconSize(toolbar.iconSize().scaled(18, 18, Qt.AspectRatioMode.KeepAspectRatio))
        toolbar.addAction(self.by_name["add"])
        add_button = toolbar.widgetForAction(self.by_name["add"])
        if isinstance(add_button, QToolButton):
            add_button.setObjectName("primary")
        toolbar.addSeparator()
        for name in ("resume", "pause", "cancel", "retry", "remove"):
            toolbar.addAction(self.by_name[name])
        toolbar.addSeparator()
        self._add_icon_only(toolbar, ("move_top", "move_up", "move_down", "move_bottom"))
        button = self.priority_button
        button.setObjectName("priority_button")
        button.setText(translate("DownloadsActions", "Priority ▾"))
        button.setProperty("icon_name", "priority")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(self.priority_menu)
        toolbar.addWidget(button)
        toolbar.addSeparator()
        self._add_icon_only(toolbar, ("open_folder", "copy_url"))
        return toolbar

    def _add_icon_only(self, toolbar: QToolBar, names: tuple[str, ...]) -> None:
        for name in names:
            toolbar.addAction(self.by_name[name])
            button = toolbar.widgetForAction(self.by_name[name])
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def refresh_icons(self) -> None:
        """Repaint the toolbar icons in the palette's colours (after a theme change)."""
        colors = colors_for(self.host.palette())
        for action in self.by_name.values():
            name = action.property("icon_name")
            if name:
                tint = colors.accent_text if action is self.by_name["add"] else colors.text
                action.setIcon(icon(name, tint))
        self.priority_button.setIcon(icon("priority", colors.text))

    def build_context_menu(self) -> QMenu:
        """The queue's context menu for the current selection."""
        menu = QMenu(self.host)
        names = [
            ("resume", "pause", "cancel", "retry"),
            ("move_top", "move_up", "move_down", "move_bottom"),
            ("open_folder", "copy_url"),
            ("remove", "remove_data"),
        ]
        for group in names:
            for name in group:
                menu.addAction(self.by_name[name])
            if group is names[1]:
                menu.addMenu(self.priority_menu)
            menu.addSeparator()
        menu.addAction(self.by_name["add"])
        return menu

    def update_enabled(self) -> None:
        """Enable what applies to the selected tasks (pause what runs, retry what failed…)."""
        states = {r.state for r in self.selection()}
        any_selected = bool(states)
        enable = {
            "resume": bool(states & RESUMABLE),
            "pause": bool(states & PAUSABLE),
            "toggle": bool(states & (RESUMABLE | PAUSABLE)),
            "cancel": bool(states & CANCELLABLE),
            "retry": bool(states & RETRYABLE),
            "remove": any_selected,
            "remove_data": any_selected,
            "move_top": any_selected,
            "move_up": any_selected,
            "move_down": any_selected,
            "move_bottom": any_selected,
            "open_folder": any_selected,
            "copy_url": any_selected,
            "priority_high": any_selected,
            "priority_normal": any_selected,
            "priority_low": any_selected,
        }
        for name, enabled in enable.items():
            self.by_name[name].setEnabled(enabled)
        self.priority_button.setEnabled(any_selected)

    # --- what they do -----------------------------------------------------------------

    def _ids(self, states: frozenset[TaskState] | None = None) -> list[int]:
        return [r.id for r in self.selection() if states is None or r.state in states]

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        self.ctx.run_async(fn, done)

    def pause_selected(self) -> None:
        """Pause the selected tasks."""
        ids = self._ids(PAUSABLE)
        if ids:
            self._run(lambda: self.ctx.manager.pause(ids))

    def resume_selected(self) -> None:
        """Resume the selected paused tasks."""
        ids = self._ids(RESUMABLE)
        if ids:
            self._run(lambda: self.ctx.manager.resume(ids))

    def toggle_selected(self) -> None:
        """Space: pause what runs or waits, resume what is paused."""
        if self._ids(PAUSABLE):
            self.pause_selected()
        else:
            self.resume_selected()

    def pause_all(self) -> None:
        """Pause every task."""
        self._run(lambda: self.ctx.manager.pause(None))

    def resume_all(self) -> None:
        """Resume every paused task."""
        self._run(lambda: self.ctx.manager.resume(None))

    def cancel_selected(self) -> None:
        """Cancel the selected unfinished tasks (partial data is kept)."""
        ids = self._ids(CANCELLABLE)
        if ids:
            self._run(lambda: self.ctx.manager.cancel(ids))

    def retry_selected(self) -> None:
        """Queue the selected failed or cancelled tasks again."""
        ids = self._ids(RETRYABLE)
        if ids:
            self._run(lambda: self.ctx.manager.retry(ids))

    def remove_selected(self, delete_data: bool, *, confirm: bool = True) -> None:
        """Remove the selected tasks from the queue (with their partial data if asked)."""
        ids = self._ids()
        if not ids:
            return
        if delete_data and confirm:
            count = len(ids)  # a plain name: lupdate misreads a call as the count
            answer = QMessageBox.question(
                self.host,
                translate("DownloadsActions", "Delete partial data?"),
                translate(
                    "DownloadsActions",
                    "Remove %n download(s) and delete their partial data? "
                    "Completed files are kept.",
                    None,
                    count,
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._run(
            lambda: self.ctx.manager.remove(ids, delete_data=delete_data),
            lambda n: self.ctx.notify(
                translate("DownloadsActions", "Removed %n download(s).", None, n)
            ),
        )

    def move_selected(self, direction: MoveDirection) -> None:
        """Move the selected tasks within their priority (keeping their relative order)."""
        ids = self._ids()
        if direction in (MoveDirection.DOWN, MoveDirection.TOP):
            ids.reverse()  # so the block keeps its order
        if ids:

            def work() -> None:
                for task_id in ids:
                    self.ctx.manager.move(task_id, direction)

            self._run(work)

    def set_priority_selected(self, priority: Priority) -> None:
        """Give the selected tasks a priority."""
        ids = self._ids()
        if ids:
            self._run(lambda: self.ctx.manager.set_priority(ids, priority))

    def open_folder(self) -> None:
        """Open the selected task's folder in the file manager."""
        records = self.selection()
        if records:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(stored_files_folder(records[0]))))

    def copy_url(self) -> None:
        """Copy the selected tasks' source URLs (one per line)."""
        endpoint = self.ctx.suite.settings.endpoint
        urls = [source_url(r, endpoint) for r in self.selection()]
        if urls:
            copied = len(urls)
            QGuiApplication.clipboard().setText("\n".join(urls))
            self.ctx.notify(
                translate("DownloadsActions", "Copied the source URL.")
                if len(urls) == 1
                else translate("DownloadsActions", "Copied %n URLs.", None, copied)
            )
