"""What the statistics dashboard shows: downloads per day, speed, top repositories, disk use.

One call, :func:`dashboard`, reads everything for a period in one read transaction, all of it
aggregated in SQL through the storage layer's repositories:

* per day: bytes, completed/failed/cancelled downloads and time spent (the ``daily_stats``
  counters, the same numbers ``hfsuite stats`` prints);
* the repositories that took the most bytes in the period (history rows grouped by repository);
* the library index's bytes per model kind and per scan root (the window names a root after its
  tool: ComfyUI, LM Studio, HF cache…).

Days are local calendar days, as the statistics are recorded (:func:`history_ops.local_day`).
Pure data, no Qt: the window calls it off the UI thread and draws what comes back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from hfsuite.app.display_names import shown_name
from hfsuite.app.history_ops import local_day
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoType, SourceKind
from hfsuite.storage import DailyStats, Database, StatsSummary
from hfsuite.storage.repositories.dashboard import DashboardRepository, DiskShare

__all__ = [
    "DashboardData",
    "DiskShare",
    "Period",
    "TopRepo",
    "dashboard",
    "dashboard_now",
]

TOP_REPOS = 8
"""How many repositories the top list keeps."""


class Period(enum.StrEnum):
    """The periods the dashboard offers."""

    WEEK = "7d"
    MONTH = "30d"
    QUARTER = "90d"
    ALL = "all"

    @property
    def days(self) -> int | None:
        """How many days back (None: since the first download)."""
        return {"7d": 7, "30d": 30, "90d": 90}.get(self.value)

    @property
    def label(self) -> str:
        """How the period selector names it."""
        return {"7d": "7 days", "30d": "30 days", "90d": "90 days", "all": "All"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Period:
        """``7d``, ``30d``, ``90d`` or ``all`` (also ``7``, ``30``, ``90``).

        Raises:
            UsageError: another value.
        """
        value = text.strip().lower()
        value = value + "d" if value.isdigit() else value
        try:
            return cls(value)
        except ValueError:
            raise UsageError(
                tr("Unknown period {period}.", period=repr(text)),
                hint=tr("Use 7d, 30d, 90d or all."),
            ) from None


@dataclass(frozen=True, slots=True)
class TopRepo:
    """One repository of the top list.

    Attributes:
        name: As a person types it (``org/name``, ``datasets/org/name``, a URL).
        bytes_downloaded: Bytes its downloads transferred in the period.
        downloads: Its completed downloads in the period.
    """

    name: str
    bytes_downloaded: int
    downloads: int


@dataclass(frozen=True, slots=True)
class DashboardData:
    """Everything the dashboard draws for one period.

    Attributes:
        period: The period asked for.
        today: The last day shown (local).
        days: One entry per day of the period, oldest first, idle days as zeros (for ``all``:
            from the first day with statistics; just today when there are none).
        top_repos: The repositories with the most bytes, most first.
        disk_by_kind: The library's bytes per model kind, most first.
        disk_by_root: The library's bytes per scan root, most first.
    """

    period: Period
    today: date
    days: tuple[DailyStats, ...]
    top_repos: tuple[TopRepo, ...]
    disk_by_kind: tuple[DiskShare, ...]
    disk_by_root: tuple[DiskShare, ...]

    @property
    def summary(self) -> StatsSummary:
        """The period's totals (downloads, failures, bytes, time, average speed)."""
        return StatsSummary(days=self.days)

    @property
    def has_downloads(self) -> bool:
        """Whether anything was downloaded (or tried) in the period."""
        return any(
            d.downloads or d.failures or d.cancelled or d.bytes_downloaded for d in self.days
        )

    @property
    def library_bytes(self) -> int:
        """Bytes of every indexed file."""
        return sum(s.size_bytes for s in self.disk_by_kind)


def _midnight(day: date) -> float:
    return datetime.combine(day, time()).timestamp()


def dashboard(db: Database, today: date, period: Period = Period.MONTH) -> DashboardData:
    """Read the dashboard's data for ``period`` ending with ``today`` (a local day).

    Args:
        db: The suite's database.
        today: The last day of the period (tests pass a fixed one).
        period: 7, 30 or 90 days, or everything.
    """
    with db.read() as uow:
        queries = DashboardRepository(uow.session, uow.clock)
        count = period.days
        if count is None:
            first = queries.first_stats_day()
            count = (today - first).days + 1 if first is not None and first <= today else 1
        start = today - timedelta(days=count - 1)
        summary = uow.stats.summary(today, count)
        since = None if period is Period.ALL else _midnight(start)
        top = queries.top_repos(since, _midnight(today + timedelta(days=1)), TOP_REPOS)
        by_kind = queries.library_by_kind()
        by_root = queries.library_by_root()
    return DashboardData(
        period=period,
        today=today,
        days=summary.days,
        top_repos=tuple(
            TopRepo(
                shown_name(SourceKind(t.source), RepoType(t.repo_type), t.repo_id, t.url),
                t.bytes_downloaded,
                t.downloads,
            )
            for t in top
        ),
        disk_by_kind=tuple(by_kind),
        disk_by_root=tuple(by_root),
    )


def dashboard_now(db: Database, now: float, period: Period = Period.MONTH) -> DashboardData:
    """:func:`dashboard` for the local day of the epoch time ``now`` (the suite's clock)."""
    return dashboard(db, local_day(now), period)
