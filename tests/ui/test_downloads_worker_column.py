"""The Downloads tab's worker column: who runs each task once workers share the queue."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from hfsuite.app.queue.liveness import HOST
from hfsuite.core.types import SourceKind, TaskState
from hfsuite.storage import TaskSpec
from hfsuite.ui.context import UiContext
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.models.task_model import Column, TaskTableModel


def test_the_column_names_the_worker_of_a_running_task(qtbot: Any, ctx: UiContext) -> None:
    ctx.manager.stop()  # this test claims the tasks itself
    db = ctx.manager.db
    with db.write() as uow:
        uow.tasks.add_many(
            [TaskSpec(SourceKind.HUGGINGFACE, "/d", repo_id=f"acme/m{i}") for i in range(2)]
        )
        (running,) = uow.tasks.claim_next(1, f"{HOST}:4242:worker:1")
        uow.workers.register(running.claimed_by or "", name="gpu-01", host=HOST, pid=4242, slots=2)
    records = ctx.manager.list_tasks()
    model = TaskTableModel()
    model.set_records(records)
    row = model.row_of(running.id)
    assert row is not None
    queued_row = 1 - row
    assert model.record(queued_row).state is TaskState.QUEUED
    assert model.index(row, Column.WORKER).data() == f"{HOST}-4242"  # before the name is known
    assert model.index(queued_row, Column.WORKER).data() == ""
    assert model.unknown_claims() == {running.claimed_by}
    model.set_worker_names({w.id: w.name for w in ctx.manager.workers()})
    assert model.index(row, Column.WORKER).data() == "gpu-01"
    assert model.unknown_claims() == set()
    assert model.headerData(int(Column.WORKER), Qt.Orientation.Horizontal) == "Worker"


def test_the_column_shows_only_on_a_shared_queue(qtbot: Any, main_window: MainWindow) -> None:
    """Hidden on SQLite (one runner per database); shown on PostgreSQL (the default database
    with HFSUITE_TEST_DB=postgresql), where workers share the queue."""
    tab = main_window.show_tab("downloads")
    shared = main_window.ctx.manager.db.dialect == "postgresql"
    assert tab.view.isColumnHidden(Column.WORKER) is not shared  # type: ignore[attr-defined]
    assert not tab.view.isColumnHidden(Column.PRIORITY)  # type: ignore[attr-defined]
