"""Queue changes reach listeners through LISTEN/NOTIFY on PostgreSQL (polling stays the
fallback, and SQLite has none)."""

from __future__ import annotations

import threading

import pytest

from hfsuite.core.types import SourceKind
from hfsuite.storage import Database, TaskSpec
from hfsuite.storage.notify import QueueListener


def _spec() -> TaskSpec:
    return TaskSpec(source=SourceKind.HUGGINGFACE, repo_id="acme/m", destination="/d")


@pytest.mark.postgresql_only
def test_a_queue_change_wakes_a_listener_and_other_writes_do_not(db: Database) -> None:
    woken = threading.Event()
    listener = QueueListener(db.engine, woken.set).start()
    try:
        assert listener.listening.wait(10)
        with db.write() as uow:  # no queue change: a heartbeat
            uow.workers.register("h:1:worker:1", name="w", host="h", pid=1, slots=1)
        assert not woken.wait(1.5)
        with db.write() as uow:
            uow.tasks.add(_spec())
        assert woken.wait(5)
        woken.clear()
        with pytest.raises(KeyError), db.write() as uow:
            uow.tasks.add(_spec())
            raise KeyError("the block failed")  # rolled back: announces nothing
        assert not woken.wait(1.5)
    finally:
        listener.stop()
    assert not listener.listening.is_set()


@pytest.mark.sqlite_only
def test_on_sqlite_a_listener_does_nothing(db: Database) -> None:
    listener = QueueListener(db.engine, lambda: None).start()
    assert not listener.listening.is_set()
    listener.stop()
    with db.write() as uow:
        uow.tasks.add(_spec())
