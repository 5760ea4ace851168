"""Two processes hammering one database file: no "database is locked", nothing lost."""

from __future__ import annotations

import multiprocessing as mp
import traceback
from datetime import date
from pathlib import Path
from typing import Any

from hfsuite.core.types import Outcome, SourceKind
from hfsuite.storage import HistorySpec, ProgressUpdate, TaskSpec, open_database

SHORT_WRITES = 300  # per process; every third is followed by a read-then-write transaction
DAY = date(2025, 6, 15)


def _worker(url: str, worker: int, barrier: Any, results: Any) -> None:
    """Run in a child process: open the (maybe new) database and write concurrently."""
    errors: list[str] = []
    try:
        barrier.wait(30)
        db = open_database(url)  # both processes may migrate a brand-new file at once
        own_task: int | None = None
        for i in range(SHORT_WRITES):
            try:
                with db.write() as uow:
                    uow.history.add(
                        HistorySpec(
                            source=SourceKind.HUGGINGFACE,
                            repo_id=f"w{worker}/h{i}",
                            outcome=Outcome.COMPLETED,
                            destination="/d",
                            finished_at=float(i),
                        )
                    )
                if i % 3 == 0:
                    with db.read() as uow:
                        uow.tasks.list_queue(limit=20)
                if i % 3 == 1:
                    # Read-then-write: reads the max rank and the cursor, then inserts and
                    # increments shared counters; lost updates would show in the totals.
                    with db.write() as uow:
                        uow.tasks.count_by_state()
                        new_id = uow.tasks.add_many(
                            [
                                TaskSpec(
                                    source=SourceKind.HUGGINGFACE,
                                    repo_id=f"w{worker}/t{i}",
                                    destination="/d",
                                )
                            ]
                        )[0]
                        own_task = own_task or new_id
                        uow.tasks.update_progress_many([ProgressUpdate(own_task, i)])
                        uow.stats.record(DAY, Outcome.COMPLETED, bytes_downloaded=1, seconds=0.5)
            except Exception:
                errors.append(traceback.format_exc())
        db.close()
    except Exception:
        errors.append(traceback.format_exc())
    results.put((worker, errors))


def test_two_processes_write_at_once_without_lock_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared' / 'hfsuite.db'}"
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, n, barrier, results)) for n in (1, 2)]
    for p in procs:
        p.start()
    outcome = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(30)
    errors = outcome[1] + outcome[2]
    assert errors == [], "\n".join(errors[:3])
    assert all(p.exitcode == 0 for p in procs)

    rmw_per_worker = len([i for i in range(SHORT_WRITES) if i % 3 == 1])
    db = open_database(url)
    try:
        with db.read() as uow:
            assert uow.history.count() == 2 * SHORT_WRITES
            tasks = uow.tasks.list_queue()
            day = uow.stats.get(DAY)
        assert len(tasks) == 2 * rmw_per_worker
        assert len({t.rank for t in tasks}) == len(tasks)  # read-then-write ranks never clash
        assert day.downloads == 2 * rmw_per_worker and day.bytes_downloaded == day.downloads
        names = {t.repo_id for t in tasks}
        assert f"w1/t{SHORT_WRITES - 2}" in names and f"w2/t{SHORT_WRITES - 2}" in names
    finally:
        db.close()
