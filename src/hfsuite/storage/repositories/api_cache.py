"""Cached API responses (search results, model info…), with expiry and ETags.

Expired entries are not deleted on read: :meth:`ApiCacheRepository.get` can hand them out with
``allow_stale=True`` when the hub is unreachable, and the caller can revalidate them with the
stored ETag. :meth:`ApiCacheRepository.purge_expired` removes them for good.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hfsuite.storage.feature_records import ApiCacheEntry
from hfsuite.storage.repositories._base import Repository, insert_on_conflict
from hfsuite.storage.schema import API_CACHE

_C = API_CACHE


def _entry(row: sa.RowMapping) -> ApiCacheEntry:
    return ApiCacheEntry(
        key=row["key"],
        kind=row["kind"],
        body=row["body"],
        etag=row["etag"],
        fetched_at=row["fetched_at"],
        expires_at=row["expires_at"],
    )


class ApiCacheRepository(Repository):
    """Get, put and purge cached API responses. Keys must never contain a token."""

    def get(self, key: str, now: float, *, allow_stale: bool = False) -> ApiCacheEntry | None:
        """The cached entry for ``key`` if fresh at ``now`` (or at all, with ``allow_stale``)."""
        row = self.session.execute(sa.select(_C).where(_C.c.key == key)).mappings().first()
        if row is None:
            return None
        entry = _entry(row)
        if entry.is_expired(now) and not allow_stale:
            return None
        return entry

    def put(
        self,
        key: str,
        kind: str,
        body: Any,
        *,
        fetched_at: float,
        ttl_s: float | None = None,
        etag: str | None = None,
    ) -> ApiCacheEntry:
        """Store (or replace) a response.

        Args:
            key: The cache key.
            kind: What it is, for purging by kind.
            body: JSON-serialisable body.
            fetched_at: When it was fetched.
            ttl_s: Seconds it stays fresh; ``None`` means forever.
            etag: The response's ETag.
        """
        entry = ApiCacheEntry(
            key=key,
            kind=kind,
            body=body,
            etag=etag,
            fetched_at=fetched_at,
            expires_at=None if ttl_s is None else fetched_at + ttl_s,
        )
        stmt = insert_on_conflict(self.session, _C).values(
            key=key,
            kind=kind,
            body=body,
            etag=etag,
            fetched_at=entry.fetched_at,
            expires_at=entry.expires_at,
        )
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[_C.c.key],
                set_={
                    c: stmt.excluded[c]
                    for c in ("kind", "body", "etag", "fetched_at", "expires_at")
                },
            )
        )
        return entry

    def refresh(self, key: str, *, fetched_at: float, ttl_s: float | None = None) -> bool:
        """Mark an entry fresh again (the server answered 304 Not Modified)."""
        result = self.session.execute(
            sa.update(_C)
            .where(_C.c.key == key)
            .values(fetched_at=fetched_at, expires_at=None if ttl_s is None else fetched_at + ttl_s)
        )
        return bool(getattr(result, "rowcount", 0))

    def purge_expired(self, now: float) -> int:
        """Delete entries expired at ``now``. Returns how many."""
        result = self.session.execute(
            sa.delete(_C).where(_C.c.expires_at.is_not(None), _C.c.expires_at <= now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def purge(self, kind: str | None = None) -> int:
        """Delete every entry (or every entry of one kind). Returns how many."""
        stmt = sa.delete(_C)
        if kind is not None:
            stmt = stmt.where(_C.c.kind == kind)
        return int(getattr(self.session.execute(stmt), "rowcount", 0) or 0)
