"""Workers and claims: the worker registry, and claims that never hand one task to two
runners (on PostgreSQL, a row another transaction holds is skipped, not waited for)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from hfsuite.core.clock import ManualClock
from hfsuite.core.types import SourceKind, TaskState
from hfsuite.storage import Database, TaskSpec


def _add(db: Database, n: int) -> list[int]:
    with db.write() as uow:
        return uow.tasks.add_many(
            [
                TaskSpec(source=SourceKind.HUGGINGFACE, repo_id=f"acme/m{i}", destination="/d")
                for i in range(n)
            ]
        )


def test_a_worker_registers_beats_stops_and_is_listed(db: Database, clock: ManualClock) -> None:
    with db.write() as uow:
        uow.workers.register("h:1:worker:1", name="gpu-1", host="h", pid=1, slots=3)
        uow.workers.register("h:2:worker:1", name="gpu-2", host="h", pid=2, slots=1)
    clock.advance(5)
    with db.write() as uow:
        assert uow.workers.beat("h:1:worker:1", running=2, bytes_per_s=1e6, tasks_done=4, slots=3)
        assert not uow.workers.beat("nobody", running=0, bytes_per_s=0, tasks_done=0, slots=1)
    clock.advance(1)
    with db.write() as uow:
        uow.workers.stop("h:2:worker:1")
    with db.read() as uow:
        one = uow.workers.get("h:1:worker:1")
        everyone = uow.workers.all()
        live = uow.workers.all(include_stopped=False)
        names = uow.workers.names(["h:1:worker:1", "h:2:worker:1", "gone"])
    assert one is not None and (one.running, one.bytes_per_s, one.tasks_done) == (2, 1e6, 4)
    assert one.heartbeat_age(clock.now()) == pytest.approx(1.0)
    assert {w.name for w in everyone} == {"gpu-1", "gpu-2"}
    assert [w.name for w in live] == ["gpu-1"]
    assert names == {"h:1:worker:1": "gpu-1", "h:2:worker:1": "gpu-2"}
    with db.read() as uow:
        assert uow.workers.stopped_among(["h:1:worker:1", "h:2:worker:1", "x"]) == {"h:2:worker:1"}
        assert uow.workers.stopped_among([]) == set()
    clock.advance(3600)
    with db.write() as uow:
        assert uow.workers.prune(stopped_before=clock.now() - 60) == 2
        assert uow.workers.all() == []


def test_concurrent_claims_hand_each_task_to_one_runner(db: Database) -> None:
    ids = _add(db, 60)
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def runner(name: str) -> None:
        start.wait()
        got: list[int] = []
        while True:
            with db.write() as uow:
                batch = uow.tasks.claim_next(3, name)
            if not batch:
                break
            got.extend(t.id for t in batch)
        claimed[name] = got

    threads = [threading.Thread(target=runner, args=(f"r{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for got in claimed.values() for i in got]
    assert sorted(every) == sorted(ids)  # each exactly once
    with db.read() as uow:
        rows = {t.id: t for t in uow.tasks.list_queue([TaskState.RUNNING])}
    assert all(rows[i].claimed_by == name for name, got in claimed.items() for i in got)


@pytest.mark.postgresql_only
def test_a_row_locked_elsewhere_is_skipped_not_waited_for(db: Database) -> None:
    first, second, _third = _add(db, 3)
    # Another transaction holds the first task's row (as a claim in flight would).
    other = db.engine.connect()
    other.begin()
    other.execute(sa.text("SELECT id FROM tasks WHERE id = :i FOR UPDATE"), {"i": first})
    try:
        with db.write() as uow:
            got = uow.tasks.claim_next(1, "w:1")
    finally:
        other.rollback()
        other.close()
    assert [t.id for t in got] == [second]
