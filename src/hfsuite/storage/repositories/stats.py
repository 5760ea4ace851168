"""Per-day download statistics, updated incrementally as downloads end.

Days are whatever :class:`datetime.date` the caller passes (its local day); nothing here looks
at the real clock, so tests pass a fixed "today".
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from hfsuite.core.types import Outcome
from hfsuite.storage.feature_records import DailyStats, StatsSummary
from hfsuite.storage.repositories._base import Repository, insert_on_conflict
from hfsuite.storage.schema import DAILY_STATS

_D = DAILY_STATS
_COUNTERS = ("downloads", "failures", "cancelled", "bytes_downloaded", "seconds")


def _daily(row: sa.RowMapping) -> DailyStats:
    return DailyStats(
        day=date.fromisoformat(row["day"]),
        downloads=row["downloads"],
        failures=row["failures"],
        cancelled=row["cancelled"],
        bytes_downloaded=row["bytes_downloaded"],
        seconds=row["seconds"],
    )


class StatsRepository(Repository):
    """Record downloads into their day's row and summarise ranges of days."""

    def record(self, day: date, outcome: Outcome, *, bytes_downloaded: int, seconds: float) -> None:
        """Add one ended download to ``day``'s counters (a single upsert).

        Bytes and seconds count for every outcome: a failed download still used the link.

        Args:
            day: The (local) day it ended.
            outcome: How it ended.
            bytes_downloaded: Bytes it transferred.
            seconds: Time it spent transferring.
        """
        stmt = insert_on_conflict(self.session, _D).values(
            day=day.isoformat(),
            downloads=int(outcome is Outcome.COMPLETED),
            failures=int(outcome is Outcome.FAILED),
            cancelled=int(outcome is Outcome.CANCELLED),
            bytes_downloaded=bytes_downloaded,
            seconds=seconds,
        )
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[_D.c.day],
                set_={c: _D.c[c] + stmt.excluded[c] for c in _COUNTERS},
            )
        )

    def get(self, day: date) -> DailyStats:
        """One day's statistics (zeros for a day without downloads)."""
        row = self.session.execute(sa.select(_D).where(_D.c.day == day.isoformat())).mappings()
        first = row.first()
        return _daily(first) if first else DailyStats(day=day)

    def summary(self, today: date, days: int = 30) -> StatsSummary:
        """The last ``days`` days up to and including ``today``, oldest first, gaps as zeros."""
        if days <= 0:
            return StatsSummary(days=())
        start = today - timedelta(days=days - 1)
        rows = self.session.execute(
            sa.select(_D).where(_D.c.day >= start.isoformat(), _D.c.day <= today.isoformat())
        ).mappings()
        found = {r.day: r for r in map(_daily, rows)}
        return StatsSummary(
            days=tuple(
                found.get(start + timedelta(days=i), DailyStats(day=start + timedelta(days=i)))
                for i in range(days)
            )
        )
