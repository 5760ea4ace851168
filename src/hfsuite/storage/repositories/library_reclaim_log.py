"""The log of reclaiming duplicate space: one row per action (done, skipped, failed, planned)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from hfsuite.storage.library_records import ReclaimLogRecord, ReclaimLogSpec
from hfsuite.storage.repositories._base import Repository
from hfsuite.storage.schema import RECLAIM_LOG

_RL = RECLAIM_LOG


def _record(row: Any) -> ReclaimLogRecord:
    return ReclaimLogRecord(
        id=row.id,
        at=row.at,
        mode=row.mode,
        path=row.path,
        keep=row.keep,
        outcome=row.outcome,
        reason=row.reason,
        bytes=row.bytes,
    )


class ReclaimLogRepository(Repository):
    """Append to and read the reclaim log."""

    def add_many(self, entries: Sequence[ReclaimLogSpec]) -> None:
        """Log actions (one batched insert)."""
        if not entries:
            return
        now = self._now()
        self.session.execute(
            sa.insert(_RL),
            [
                {
                    "at": e.at or now,
                    "mode": e.mode,
                    "path": e.path,
                    "keep": e.keep,
                    "outcome": e.outcome,
                    "reason": e.reason,
                    "bytes": e.bytes,
                }
                for e in entries
            ],
        )

    def add(self, entry: ReclaimLogSpec) -> None:
        """Log one action."""
        self.add_many([entry])

    def recent(self, limit: int = 100) -> list[ReclaimLogRecord]:
        """The latest actions, newest first."""
        rows = self.session.execute(
            sa.select(_RL).order_by(_RL.c.at.desc(), _RL.c.id.desc()).limit(limit)
        )
        return [_record(r) for r in rows]
