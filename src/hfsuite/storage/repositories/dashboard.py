"""Read-only aggregate queries for the statistics dashboard.

Everything here is one ``GROUP BY`` in SQL over tables other repositories write: the first day
with statistics, the repositories that took the most bytes in a period (history), and the bytes
the library index holds per kind and per scan root. Nothing is written.

The repository is not a member of the unit of work (it holds no table of its own); build it on a
unit of work's connection: ``DashboardRepository(uow.session, uow.clock)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from hfsuite.core.types import Outcome
from hfsuite.storage.repositories._base import Repository
from hfsuite.storage.schema import DAILY_STATS, HISTORY, LIBRARY_FILES, LIBRARY_ROOTS

_H = HISTORY
_D = DAILY_STATS
_LF = LIBRARY_FILES
_LR = LIBRARY_ROOTS


@dataclass(frozen=True, slots=True)
class RepoTotal:
    """Downloads of one repository over a period.

    Attributes:
        source: The source kind's value (``huggingface``, ``modelscope``, ``url``).
        repo_type: ``model``, ``dataset`` or ``space``.
        repo_id: The repository (None for a plain URL download: ``url`` names it).
        url: The URL of a plain URL download.
        bytes_downloaded: Bytes its downloads transferred (every outcome).
        downloads: Its completed downloads.
    """

    source: str
    repo_type: str
    repo_id: str | None
    url: str | None
    bytes_downloaded: int
    downloads: int


@dataclass(frozen=True, slots=True)
class DiskShare:
    """Bytes of the library index under one key (a kind, or a scan root).

    Attributes:
        key: The kind (``checkpoints``, ``loras``, ``llm``…) or the scan root's path.
        root_kind: For a scan root, its kind (``hf_cache``, ``folder``, ``tool``…); else None.
        files: How many indexed files.
        size_bytes: Their bytes.
    """

    key: str
    root_kind: str | None
    files: int
    size_bytes: int


class DashboardRepository(Repository):
    """Aggregates over history, daily statistics and the library index."""

    def first_stats_day(self) -> date | None:
        """The oldest day with statistics, or None when there are none."""
        value = self.session.execute(sa.select(sa.func.min(_D.c.day))).scalar()
        return date.fromisoformat(value) if value else None

    def top_repos(self, since: float | None, until: float | None, limit: int) -> list[RepoTotal]:
        """The repositories with the most bytes downloaded between two epoch times.

        Args:
            since: Rows finished at or after this time (None: from the start).
            until: Rows finished before this time (None: up to now).
            limit: At most this many, most bytes first (ties: more downloads, then the name).
        """
        completed = sa.func.sum(sa.case((_H.c.outcome == Outcome.COMPLETED.value, 1), else_=0))
        total = sa.func.sum(_H.c.bytes_downloaded)
        stmt = sa.select(
            _H.c.source,
            _H.c.repo_type,
            _H.c.repo_id,
            sa.func.min(_H.c.url).label("url"),
            total.label("bytes"),
            completed.label("downloads"),
        ).group_by(_H.c.source, _H.c.repo_type, _H.c.repo_id)
        if since is not None:
            stmt = stmt.where(_H.c.finished_at >= since)
        if until is not None:
            stmt = stmt.where(_H.c.finished_at < until)
        stmt = stmt.having(sa.or_(total > 0, completed > 0))
        stmt = stmt.order_by(total.desc(), completed.desc(), _H.c.repo_id).limit(limit)
        return [
            RepoTotal(
                source=row.source,
                repo_type=row.repo_type,
                repo_id=row.repo_id,
                url=row.url,
                bytes_downloaded=int(row.bytes or 0),
                downloads=int(row.downloads or 0),
            )
            for row in self.session.execute(stmt)
        ]

    def library_by_kind(self) -> list[DiskShare]:
        """Indexed bytes per model kind, most first."""
        size = sa.func.sum(_LF.c.size_bytes)
        stmt = (
            sa.select(_LF.c.kind, sa.func.count().label("files"), size.label("bytes"))
            .group_by(_LF.c.kind)
            .order_by(size.desc(), _LF.c.kind)
        )
        return [
            DiskShare(row.kind, None, int(row.files), int(row.bytes or 0))
            for row in self.session.execute(stmt)
        ]

    def library_by_root(self) -> list[DiskShare]:
        """Indexed bytes per scan root (with the root's kind when it is still a root)."""
        size = sa.func.sum(_LF.c.size_bytes)
        stmt = (
            sa.select(
                _LF.c.root,
                sa.func.max(_LR.c.kind).label("root_kind"),
                sa.func.count().label("files"),
                size.label("bytes"),
            )
            .select_from(_LF.outerjoin(_LR, _LR.c.path == _LF.c.root))
            .group_by(_LF.c.root)
            .order_by(size.desc(), _LF.c.root)
        )
        return [
            DiskShare(row.root, row.root_kind, int(row.files), int(row.bytes or 0))
            for row in self.session.execute(stmt)
        ]
