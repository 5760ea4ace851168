"""Queue runners: who works on the queue, and their last heartbeat (``hfsuite workers ls``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hfsuite.storage.feature_records import WorkerRecord
from hfsuite.storage.repositories._base import Repository, rowcount
from hfsuite.storage.schema import WORKERS

_W = WORKERS


def _record(row: Any) -> WorkerRecord:
    return WorkerRecord(
        id=row.id,
        name=row.name,
        host=row.host,
        pid=int(row.pid),
        slots=int(row.slots),
        started_at=float(row.started_at),
        heartbeat_at=float(row.heartbeat_at),
        stopped_at=None if row.stopped_at is None else float(row.stopped_at),
        running=int(row.running),
        bytes_per_s=float(row.bytes_per_s),
        tasks_done=int(row.tasks_done),
    )


class WorkerRepository(Repository):
    """Register, beat, stop and list workers. No change-cursor bump: the queue's pollers do not
    need to hear of heartbeats."""

    def register(self, worker_id: str, *, name: str, host: str, pid: int, slots: int) -> None:
        """Add a worker that starts now (its id is new for every run)."""
        now = self._now()
        self.session.execute(
            sa.insert(_W).values(
                id=worker_id,
                name=name,
                host=host,
                pid=pid,
                slots=slots,
                started_at=now,
                heartbeat_at=now,
                stopped_at=None,
                running=0,
                bytes_per_s=0.0,
                tasks_done=0,
            )
        )

    def beat(
        self, worker_id: str, *, running: int, bytes_per_s: float, tasks_done: int, slots: int
    ) -> bool:
        """Renew a worker's heartbeat with what it does now. Returns whether its row exists."""
        result = self.session.execute(
            sa.update(_W)
            .where(_W.c.id == worker_id)
            .values(
                heartbeat_at=self._now(),
                running=running,
                bytes_per_s=bytes_per_s,
                tasks_done=tasks_done,
                slots=slots,
            )
        )
        return rowcount(result) > 0

    def stop(self, worker_id: str, *, tasks_done: int | None = None) -> None:
        """Mark a worker that ended normally (with its final count of task runs)."""
        now = self._now()
        values: dict[str, Any] = {
            "stopped_at": now,
            "heartbeat_at": now,
            "running": 0,
            "bytes_per_s": 0.0,
        }
        if tasks_done is not None:
            values["tasks_done"] = tasks_done
        self.session.execute(sa.update(_W).where(_W.c.id == worker_id).values(**values))

    def get(self, worker_id: str) -> WorkerRecord | None:
        """One worker by id."""
        row = self.session.execute(sa.select(_W).where(_W.c.id == worker_id)).first()
        return _record(row) if row else None

    def all(self, *, include_stopped: bool = True) -> list[WorkerRecord]:
        """Workers, the most recently started first."""
        stmt = sa.select(_W).order_by(_W.c.started_at.desc(), _W.c.id)
        if not include_stopped:
            stmt = stmt.where(_W.c.stopped_at.is_(None))
        return [_record(r) for r in self.session.execute(stmt)]

    def names(self, worker_ids: list[str]) -> dict[str, str]:
        """The names of these workers (ids without a row are left out)."""
        if not worker_ids:
            return {}
        rows = self.session.execute(
            sa.select(_W.c.id, _W.c.name).where(_W.c.id.in_(sorted(set(worker_ids))))
        )
        return {r.id: r.name for r in rows}

    def stopped_among(self, worker_ids: list[str]) -> set[str]:
        """Which of these workers said they stopped."""
        if not worker_ids:
            return set()
        rows = self.session.execute(
            sa.select(_W.c.id).where(_W.c.id.in_(worker_ids), _W.c.stopped_at.is_not(None))
        )
        return {r.id for r in rows}

    def prune(self, stopped_before: float) -> int:
        """Forget workers that stopped, or went silent, before this time. Returns how many."""
        result = self.session.execute(
            sa.delete(_W).where(
                sa.or_(
                    _W.c.stopped_at < stopped_before,
                    sa.and_(_W.c.stopped_at.is_(None), _W.c.heartbeat_at < stopped_before),
                )
            )
        )
        return rowcount(result)
