"""QueueActions on their own: what is enabled for a selection, and what each action asks of
the manager (a fake context runs the work at once; no emulator, no database)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from hfsuite.app.queue.manager import MoveDirection
from hfsuite.core.types import Priority, RepoType, TaskState
from hfsuite.ui.tabs.downloads_actions import QueueActions, source_url

ENDPOINT = "https://hub.example"


class FakeManager:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> int:
            self.calls.append((name, *args, *sorted(kwargs.items())))
            return 1

        return call


class FakeContext:
    def __init__(self) -> None:
        self.manager = FakeManager()
        self.suite = SimpleNamespace(settings=SimpleNamespace(endpoint=ENDPOINT))
        self.notices: list[str] = []

    def run_async(self, fn: Any, on_done: Any = None, on_error: Any = None) -> None:
        value = fn()
        if on_done is not None:
            on_done(value)

    def notify(self, text: str) -> None:
        self.notices.append(text)


def _task(task_id: int, state: TaskState, **extra: Any) -> Any:
    fields = {"url": None, "repo_id": f"acme/m{task_id}", "repo_type": RepoType.MODEL}
    return SimpleNamespace(id=task_id, state=state, revision=None, **{**fields, **extra})


@pytest.fixture
def setup(qtbot: Any) -> Any:
    host = QWidget()
    qtbot.addWidget(host)
    ctx = FakeContext()
    selected: list[Any] = []
    added: list[object] = []
    actions = QueueActions(
        ctx,
        host,
        lambda: list(selected),
        add=lambda *_: added.append(True),
        focus_filter=lambda: None,
    )
    return SimpleNamespace(ctx=ctx, host=host, selected=selected, actions=actions, added=added)


def _enabled(actions: QueueActions) -> set[str]:
    return {name for name, action in actions.by_name.items() if action.isEnabled()}


def test_what_is_enabled_follows_the_selected_states(setup: Any) -> None:
    actions = setup.actions
    actions.update_enabled()
    assert not {"pause", "resume", "remove", "move_top", "copy_url"} & _enabled(actions)
    assert not actions.priority_button.isEnabled()
    setup.selected[:] = [_task(1, TaskState.RUNNING)]
    actions.update_enabled()
    assert {"pause", "toggle", "cancel", "remove", "move_up", "priority_low"} <= _enabled(actions)
    assert not {"resume", "retry"} & _enabled(actions)
    assert actions.priority_button.isEnabled()
    setup.selected[:] = [_task(2, TaskState.FAILED)]
    actions.update_enabled()
    assert "retry" in _enabled(actions)
    assert not {"pause", "resume", "cancel", "toggle"} & _enabled(actions)


def test_actions_ask_the_manager_for_the_right_tasks(setup: Any) -> None:
    calls = setup.ctx.manager.calls
    setup.selected[:] = [_task(1, TaskState.RUNNING), _task(2, TaskState.PAUSED)]
    setup.actions.by_name["pause"].trigger()
    setup.actions.by_name["resume"].trigger()
    setup.actions.by_name["toggle"].trigger()  # something runs: toggle pauses
    setup.actions.by_name["cancel"].trigger()
    setup.actions.by_name["priority_high"].trigger()
    assert calls == [
        ("pause", [1]),
        ("resume", [2]),
        ("pause", [1]),
        ("cancel", [1, 2]),
        ("set_priority", [1, 2], Priority.HIGH),
    ]


def test_moves_keep_the_blocks_order(setup: Any) -> None:
    calls = setup.ctx.manager.calls
    setup.selected[:] = [_task(1, TaskState.QUEUED), _task(2, TaskState.QUEUED)]
    setup.actions.by_name["move_top"].trigger()
    setup.actions.by_name["move_up"].trigger()
    assert calls == [
        ("move", 2, MoveDirection.TOP),
        ("move", 1, MoveDirection.TOP),
        ("move", 1, MoveDirection.UP),
        ("move", 2, MoveDirection.UP),
    ]


def test_remove_and_copy_url_tell_the_user(setup: Any) -> None:
    setup.selected[:] = [_task(3, TaskState.COMPLETED)]
    setup.actions.remove_selected(True, confirm=False)
    assert setup.ctx.manager.calls == [("remove", [3], ("delete_data", True))]
    setup.actions.by_name["copy_url"].trigger()
    assert QGuiApplication.clipboard().text() == f"{ENDPOINT}/acme/m3"
    assert setup.ctx.notices == ["Removed 1 download(s).", "Copied the source URL."]


def test_nothing_selected_asks_nothing(setup: Any) -> None:
    for name in ("pause", "resume", "cancel", "retry", "remove", "move_down", "priority_low"):
        setup.actions.by_name[name].trigger()
    assert setup.ctx.manager.calls == []
    setup.actions.by_name["pause_all"].trigger()
    assert setup.ctx.manager.calls == [("pause", None)]


def test_the_context_menu_and_the_add_action(setup: Any) -> None:
    texts = [a.text() for a in setup.actions.build_context_menu().actions()]
    assert texts[:4] == ["Resume", "Pause", "Cancel", "Retry"]
    assert "Priority" in texts and texts[-1] == "Add"
    setup.actions.by_name["add"].trigger()
    assert setup.added == [True]


@pytest.mark.parametrize(
    ("extra", "url"),
    [
        ({}, f"{ENDPOINT}/acme/m1"),
        ({"repo_type": RepoType.DATASET, "revision": "v2"}, f"{ENDPOINT}/datasets/acme/m1/tree/v2"),
        ({"url": "https://x.example/f.bin"}, "https://x.example/f.bin"),
    ],
)
def test_source_url(extra: dict[str, Any], url: str) -> None:
    task = _task(1, TaskState.QUEUED)
    for key, value in extra.items():
        setattr(task, key, value)
    assert source_url(task, ENDPOINT + "/") == url
