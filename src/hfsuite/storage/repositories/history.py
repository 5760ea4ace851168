"""Download history and favorites.

Favorites are their own table keyed by (source, repo type, repo id), not a flag on history rows,
because a favorite is a *repository* a person cares about, not one download event: every
history row of that repo shows the star, the star survives clearing history, and a repo can be
starred from the Browse tab before it was ever downloaded. History rows carry ``is_favorite``,
computed with an indexed ``EXISTS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from hfsuite.core.types import Layout, Outcome, RepoRef, RepoType, SourceKind
from hfsuite.storage.records import (
    FavoriteRecord,
    HistoryQuery,
    HistoryRecord,
    HistorySpec,
    ManifestEntry,
)
from hfsuite.storage.repositories._base import Repository, insert_on_conflict, like_pattern
from hfsuite.storage.schema import FAVORITES, HISTORY

_H = HISTORY
_FAV = FAVORITES

_IS_FAVORITE = (
    sa.exists()
    .where(
        _FAV.c.source == _H.c.source,
        _FAV.c.repo_type == _H.c.repo_type,
        _FAV.c.repo_id == _H.c.repo_id,
    )
    .label("is_favorite")
)


def _history_record(row: sa.RowMapping) -> HistoryRecord:
    duration = float(row["duration_s"] or 0.0)
    size = int(row["bytes_downloaded"] or 0)
    return HistoryRecord(
        id=row["id"],
        source=SourceKind(row["source"]),
        outcome=Outcome(row["outcome"]),
        destination=row["destination"],
        repo_id=row["repo_id"],
        url=row["url"],
        repo_type=RepoType(row["repo_type"]),
        revision=row["revision"],
        commit=row["commit"],
        layout=Layout(row["layout"]) if row["layout"] else None,
        files=tuple(ManifestEntry.from_json(f) for f in row["files"] or ()),
        bytes_downloaded=size,
        duration_s=duration,
        average_speed_bps=size / duration if duration > 0 else 0.0,
        error=row["error"],
        task_id=row["task_id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        is_favorite=bool(row["is_favorite"]),
        endpoint=row["endpoint"],
    )


def _favorite_record(row: sa.RowMapping) -> FavoriteRecord:
    return FavoriteRecord(
        id=row["id"],
        source=SourceKind(row["source"]),
        repo_type=RepoType(row["repo_type"]),
        repo_id=row["repo_id"],
        note=row["note"],
        created_at=row["created_at"],
    )


def _repo_key(ref: RepoRef) -> list[sa.ColumnElement[bool]]:
    return [
        _FAV.c.source == ref.source.value,
        _FAV.c.repo_type == ref.repo_type.value,
        _FAV.c.repo_id == ref.repo_id,
    ]


class HistoryRepository(Repository):
    """Finished, failed and cancelled downloads, and favorite repositories."""

    def add(self, entry: HistorySpec) -> int:
        """Record a download that ended. Returns the new row's id."""
        result = self.session.execute(
            sa.insert(_H)
            .values(
                task_id=entry.task_id,
                source=entry.source.value,
                repo_id=entry.repo_id,
                url=entry.url,
                repo_type=entry.repo_type.value,
                revision=entry.revision,
                commit=entry.commit,
                layout=entry.layout.value if entry.layout else None,
                files=[f.to_json() for f in entry.files],
                bytes_downloaded=entry.bytes_downloaded,
                duration_s=entry.duration_s,
                destination=entry.destination,
                outcome=entry.outcome.value,
                error=entry.error,
                started_at=entry.started_at,
                finished_at=entry.finished_at,
                endpoint=entry.endpoint,
            )
            .returning(_H.c.id)
        )
        return int(result.scalar_one())

    def get(self, entry_id: int) -> HistoryRecord | None:
        """One history row, or ``None``."""
        row = (
            self.session.execute(sa.select(_H, _IS_FAVORITE).where(_H.c.id == entry_id))
            .mappings()
            .first()
        )
        return _history_record(row) if row else None

    def find(self, query: HistoryQuery | None = None) -> list[HistoryRecord]:
        """History rows matching ``query``, newest first."""
        stmt = self._filtered(sa.select(_H, _IS_FAVORITE), query or HistoryQuery())
        stmt = stmt.order_by(_H.c.finished_at.desc(), _H.c.id.desc())
        if query is not None:
            stmt = stmt.offset(query.offset).limit(query.limit)
        return [_history_record(r) for r in self.session.execute(stmt).mappings()]

    def count(self, query: HistoryQuery | None = None) -> int:
        """How many rows match ``query`` (ignoring its limit and offset)."""
        stmt = self._filtered(sa.select(sa.func.count()).select_from(_H), query or HistoryQuery())
        return int(self.session.execute(stmt).scalar_one())

    def export_rows(self, query: HistoryQuery | None = None) -> list[dict[str, Any]]:
        """Rows for CSV/JSON export (see :meth:`HistoryRecord.to_export_dict`), newest first."""
        return [r.to_export_dict() for r in self.find(query)]

    def latest_for(self, ref: RepoRef) -> HistoryRecord | None:
        """The newest history row for a repository (any outcome), or ``None``."""
        row = (
            self.session.execute(
                sa.select(_H, _IS_FAVORITE)
                .where(
                    _H.c.source == ref.source.value,
                    _H.c.repo_type == ref.repo_type.value,
                    _H.c.repo_id == ref.repo_id,
                )
                .order_by(_H.c.finished_at.desc(), _H.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return _history_record(row) if row else None

    def delete(self, entry_ids: Iterable[int]) -> int:
        """Delete history rows. Returns how many went."""
        ids = list(entry_ids)
        if not ids:
            return 0
        result = self.session.execute(sa.delete(_H).where(_H.c.id.in_(ids)))
        return int(getattr(result, "rowcount", 0) or 0)

    def clear(self, before: float | None = None) -> int:
        """Delete all history (or rows finished before ``before``); favorites stay."""
        stmt = sa.delete(_H)
        if before is not None:
            stmt = stmt.where(_H.c.finished_at < before)
        return int(getattr(self.session.execute(stmt), "rowcount", 0) or 0)

    # --- favorites -----------------------------------------------------------------------

    def add_favorite(self, ref: RepoRef, note: str | None = None) -> FavoriteRecord:
        """Star a repository (idempotent; a new ``note`` replaces the old one)."""
        stmt = insert_on_conflict(self.session, _FAV).values(
            source=ref.source.value,
            repo_type=ref.repo_type.value,
            repo_id=ref.repo_id,
            note=note,
            created_at=self._now(),
        )
        set_: dict[str, Any] = {"note": stmt.excluded.note} if note is not None else {}
        if set_:
            stmt = stmt.on_conflict_do_update(
                index_elements=[_FAV.c.source, _FAV.c.repo_type, _FAV.c.repo_id], set_=set_
            )
        else:
            stmt = stmt.on_conflict_do_nothing()
        self.session.execute(stmt)
        row = self.session.execute(sa.select(_FAV).where(*_repo_key(ref))).mappings().one()
        return _favorite_record(row)

    def remove_favorite(self, ref: RepoRef) -> bool:
        """Unstar a repository. Returns whether it was starred."""
        result = self.session.execute(sa.delete(_FAV).where(*_repo_key(ref)))
        return bool(getattr(result, "rowcount", 0))

    def is_favorite(self, ref: RepoRef) -> bool:
        """Whether a repository is starred."""
        stmt = sa.select(sa.exists().where(*_repo_key(ref)))
        return bool(self.session.execute(stmt).scalar())

    def list_favorites(self) -> list[FavoriteRecord]:
        """Starred repositories, newest first."""
        rows = self.session.execute(
            sa.select(_FAV).order_by(_FAV.c.created_at.desc(), _FAV.c.id.desc())
        ).mappings()
        return [_favorite_record(r) for r in rows]

    @staticmethod
    def _filtered(stmt: sa.Select[Any], query: HistoryQuery) -> sa.Select[Any]:
        if query.text:
            pattern = like_pattern(query.text)
            stmt = stmt.where(
                sa.or_(
                    *(
                        sa.func.coalesce(col, "").ilike(pattern, escape="\\")
                        for col in (
                            _H.c.repo_id,
                            _H.c.url,
                            _H.c.destination,
                            _H.c.revision,
                            _H.c.commit,
                            _H.c.error,
                            sa.cast(_H.c.files, sa.Text),
                        )
                    )
                )
            )
        if query.since is not None:
            stmt = stmt.where(_H.c.finished_at >= query.since)
        if query.until is not None:
            stmt = stmt.where(_H.c.finished_at < query.until)
        if query.outcomes:
            stmt = stmt.where(_H.c.outcome.in_([o.value for o in query.outcomes]))
        if query.source is not None:
            stmt = stmt.where(_H.c.source == query.source.value)
        if query.favorites_only:
            stmt = stmt.where(_IS_FAVORITE.element)
        return stmt
