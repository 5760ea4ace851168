"""The error inspector end to end: a task the emulator makes fail shows up (toast, status bar
counter, Ctrl+E), with docs/errors.md's cause and fix, and "Retry" makes it succeed; live errors
from the presenter, filtering, the report and the explanation source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QGuiApplication

from hfsuite.app.failures import (
    FailureKind,
    docs_file,
    explain,
    failure_of_exception,
    parse_error_docs,
)
from hfsuite.app.queue.tasks import TaskOptions
from hfsuite.core.destination import Destination
from hfsuite.core.errors import RepoNotFoundError, StorageError
from hfsuite.core.types import TaskState
from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext
from hfsuite.ui.dialogs.error_inspector import ErrorInspector
from hfsuite.ui.main_window import MainWindow

FILES = {"config.json": b'{"model_type": "tiny"}', "weights.bin": bytes(range(256)) * 64}


def _state(ctx: UiContext, task_id: int) -> TaskState | None:
    task = ctx.manager.get(task_id)
    return task.state if task else None


def test_a_failed_task_opens_from_its_toast_and_retries_successfully(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, hub: HubEmulator, tmp_path: Path
) -> None:
    hub.create_repo("acme/tiny", files=FILES)
    hub.add_fault("/api/models/acme/tiny*", status=404)  # the Hub says: no such repository
    out = tmp_path / "out"
    (task_id,) = ctx.manager.add_repos(
        ["acme/tiny"], TaskOptions(destination=Destination.folder(out))
    )
    qtbot.waitUntil(lambda: _state(ctx, task_id) is TaskState.FAILED, timeout=20000)

    # the toast of the failure has "Details", which opens the inspector at the task
    def toast() -> Any:
        return next(
            (t for t in main_window.toasts.toasts if t.kind == "error" and t.details_button),
            None,
        )

    qtbot.waitUntil(lambda: toast() is not None, timeout=5000)
    qtbot.waitUntil(lambda: main_window.status.error_count >= 1, timeout=5000)
    assert "error" in main_window.status.errors_button.text()
    toast().details_button.click()
    inspector = main_window.inspector
    assert isinstance(inspector, ErrorInspector) and inspector.isVisible()
    qtbot.waitUntil(lambda: inspector.current() is not None, timeout=5000)
    failure = inspector.current()
    assert failure is not None
    assert failure.task_id == task_id and failure.kind is FailureKind.TASK
    assert failure.message == "Model acme/tiny was not found (or it is private)."
    # cause and fix are docs/errors.md's words for that message
    doc = explain(failure.message)
    assert doc is not None and doc.exit_code == 7
    assert failure.cause == doc.cause and "Hub answers" in inspector.cause_label.text()
    assert "auth login" in inspector.fix_label.text()
    details = inspector.details_edit.toPlainText()
    assert f"Task: {task_id}" in details and "Exit code: 7" in details
    assert f"URL: {hub.url}/acme/tiny" in details

    hub.clear_faults()
    assert inspector.retry_button.isEnabled()
    inspector.retry_button.click()
    qtbot.waitUntil(lambda: _state(ctx, task_id) is TaskState.COMPLETED, timeout=30000)
    for name, data in FILES.items():
        assert (out / name).read_bytes() == data
    # completed: its failure is gone from the list and the counter
    qtbot.waitUntil(lambda: inspector.model.row_of(f"task:{task_id}") < 0, timeout=5000)
    qtbot.waitUntil(lambda: main_window.status.error_count == 0, timeout=5000)


def test_status_bar_counter_and_ctrl_e_open_it_and_list_presented_errors(
    qtbot: Any, main_window: MainWindow
) -> None:
    assert main_window.status.errors_button.text() == "No errors"
    main_window.present_error(StorageError("The database is locked.", hint="Close hfsuite."))
    try:
        raise ValueError("boom")
    except ValueError as exc:
        main_window.present_error(exc)
    qtbot.waitUntil(lambda: main_window.status.error_count == 2, timeout=2000)
    assert main_window.status.errors_button.text() == "⚠ 2 errors"

    main_window.status.errors_button.click()
    inspector = main_window.inspector
    assert inspector is not None and inspector.isVisible()
    assert inspector.model.rowCount() == 2
    newest = inspector.current()
    assert newest is not None and newest.message == "boom"
    assert newest.error_type == "ValueError" and newest.traceback is not None
    assert "raise ValueError" in inspector.details_edit.toPlainText()
    assert not inspector.retry_button.isEnabled()  # nothing to retry

    # filter by text, then by kind
    inspector.filter_edit.setText("database")
    assert inspector.proxy.rowCount() == 1
    assert inspector.current() is not None and inspector.current().error_type == "StorageError"
    assert "1 of 2 failures" in inspector.count_label.text()
    inspector.filter_edit.clear()
    inspector.kind_combo.setCurrentIndex(inspector.kind_combo.findData(FailureKind.SCAN))
    assert inspector.proxy.rowCount() == 0

    # the report, to the clipboard
    inspector.kind_combo.setCurrentIndex(0)
    inspector.select(inspector.model.rows[-1].key)
    report = inspector.copy_report()
    assert QGuiApplication.clipboard().text() == report
    assert "The database is locked." in report and "Close hfsuite." in report
    assert "exit code: 4" in report

    # settings is one click away
    inspector.settings_button.click()
    assert main_window.current_tab_name() == "settings"
    inspector.reject()
    qtbot.waitUntil(lambda: main_window.inspector is None, timeout=2000)

    # Ctrl+E, the F1-listed shortcut
    main_window.shortcut_objects["errors"].activated.emit()
    assert main_window.inspector is not None and main_window.inspector.isVisible()


def test_stored_failures_are_listed_when_the_window_opens(
    qtbot: Any, ctx: UiContext, hub: HubEmulator, tmp_path: Path
) -> None:
    hub.add_fault("/api/models/acme/gone*", status=404)
    (task_id,) = ctx.manager.add_repos(
        ["acme/gone"], TaskOptions(destination=Destination.folder(tmp_path / "g"))
    )
    qtbot.waitUntil(lambda: _state(ctx, task_id) is TaskState.FAILED, timeout=20000)
    window = MainWindow(ctx, restore=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.failures.loaded_once, timeout=5000)
    keys = [f.key for f in window.failures.failures()]
    assert f"task:{task_id}" in keys
    assert window.status.error_count >= 1
    window.close()


def test_scan_errors_are_scans_and_retry_scans_again(qtbot: Any, main_window: MainWindow) -> None:
    error = _raised_in("hfsuite.app.library.scan", StorageError("The index cannot be written."))
    failure = failure_of_exception(error, key="live:x")
    assert failure.kind is FailureKind.SCAN and failure.retryable
    scans: list[bool] = []
    main_window._rescan_library = lambda: scans.append(True)  # type: ignore[method-assign]
    main_window.present_error(error)
    inspector = main_window.show_errors()
    current = inspector.current()
    assert current is not None and current.kind is FailureKind.SCAN
    assert inspector.retry_button.text() == "Scan again"
    inspector.rescan_handler = main_window._rescan_library
    inspector.retry_button.click()
    assert scans == [True]


def _raised_in(module: str, error: BaseException) -> BaseException:
    """``error`` raised by code running as part of ``module`` (its frame names it)."""
    try:
        exec(compile("raise error", "<scan>", "exec"), {"__name__": module, "error": error})
    except BaseException as exc:
        return exc
    raise AssertionError("did not raise")


def test_explanations_come_from_docs_errors_md() -> None:
    path = docs_file()
    if path is None:
        pytest.skip("docs/errors.md is not beside this checkout")
    docs = parse_error_docs(path.read_text(encoding="utf-8"))
    assert len(docs) > 100
    error = RepoNotFoundError("Model org/x was not found (or it is private).")
    doc = explain(error.message, docs)
    assert doc is not None and doc.section.startswith("Repositories")
    # the most specific documented message wins
    text = "| message | exit | cause | fix |\n|---|---|---|---|\n"
    text += "| `<path>: giving up after <n> attempts (<reason>)` | 5 | net | check |\n"
    text += "| `<path>: giving up after <n> attempts (<reason>).` | 5 | server | later |\n"
    own = parse_error_docs(text)
    assert explain("a.bin: giving up after 3 attempts (HTTP 503).", own).cause == "server"
    assert explain("nothing like it", own) is None


def test_a_file_that_fails_while_its_task_goes_on_is_listed_as_a_file(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, hub: HubEmulator, tmp_path: Path
) -> None:
    from hfsuite.app.events import TaskStarted
    from hfsuite.core.events import FileFailed

    hub.create_repo("acme/two", files=FILES)
    (task_id,) = ctx.manager.add_repos(
        ["acme/two"], TaskOptions(destination=Destination.folder(tmp_path / "two"), paused=True)
    )
    record = ctx.manager.get(task_id)
    assert record is not None
    # what the engine publishes for one file while the task goes on
    ctx.manager.events.publish(TaskStarted(task_id, record))
    message = "weights.bin: giving up after 5 attempts (HTTP 503 Service Unavailable)."
    ctx.manager.events.publish(FileFailed(task_id, "weights.bin", message))
    main_window.failures.flush()
    failure = main_window.failures.get(f"file:{task_id}:weights.bin")
    assert failure is not None and failure.kind is FailureKind.FILE
    assert failure.what == "File weights.bin of acme/two" and failure.path == "weights.bin"
    assert failure.exit_code == 5 and failure.cause is not None and "5xx/429" in failure.cause
    inspector = main_window.show_errors(failure.key)
    assert inspector.current() == failure
    assert "File: weights.bin" in inspector.details_edit.toPlainText()
    assert inspector.retry_button.isEnabled()  # the task is retried for its file


def test_a_failure_only_the_history_keeps_is_queued_again_by_retry(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, hub: HubEmulator, tmp_path: Path
) -> None:
    hub.create_repo("acme/later", files=FILES)
    hub.add_fault("/api/models/acme/later*", status=404)
    out = tmp_path / "later"
    (task_id,) = ctx.manager.add_repos(
        ["acme/later"], TaskOptions(destination=Destination.folder(out))
    )
    qtbot.waitUntil(lambda: _state(ctx, task_id) is TaskState.FAILED, timeout=20000)
    ctx.manager.remove([task_id])  # gone from the queue: only the history has it
    hub.clear_faults()
    inspector = main_window.show_errors()
    qtbot.waitUntil(
        lambda: any(f.key.startswith("history:") for f in inspector.model.rows), timeout=5000
    )
    failure = next(f for f in inspector.model.rows if f.key.startswith("history:"))
    assert failure.task_id is None and failure.history_id is not None
    assert inspector.select(failure.key) and inspector.retry_button.isEnabled()
    with qtbot.waitSignal(inspector.retried, timeout=5000):
        inspector.retry_button.click()
    qtbot.waitUntil(lambda: (out / "weights.bin").exists(), timeout=30000)
    assert (out / "weights.bin").read_bytes() == FILES["weights.bin"]


def test_the_inspector_follows_a_theme_change(qtbot: Any, main_window: MainWindow) -> None:
    main_window.present_error(StorageError("The database is locked."))
    inspector = main_window.show_errors()
    assert inspector.model.colors is not None and inspector.model.colors.name == "light"
    main_window.set_theme("dark")
    try:
        assert inspector.model.colors is not None and inspector.model.colors.name == "dark"
        assert inspector.model.rowCount() == 1
    finally:
        main_window.set_theme("light")
