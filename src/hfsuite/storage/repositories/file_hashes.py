"""Hashes of local files, so rescans of a model library are nearly free.

A cached row is valid only while the file's size and modification time (ns) are what they were
when it was hashed; any change means "hash again". Rows are keyed by absolute path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hfsuite.storage.feature_records import FileHashRecord
from hfsuite.storage.repositories._base import Repository
from hfsuite.storage.schema import FileHash

_FH = cast(sa.Table, FileHash.__table__)


def _record(row: sa.RowMapping) -> FileHashRecord:
    return FileHashRecord(
        path=row["path"],
        size_bytes=row["size_bytes"],
        mtime_ns=row["mtime_ns"],
        sha256=row["sha256"],
        partial_hash=row["partial_hash"],
        computed_at=row["computed_at"],
    )


class FileHashRepository(Repository):
    """Look up and store file hashes."""

    def get(self, path: str, size_bytes: int, mtime_ns: int) -> FileHashRecord | None:
        """The cached hashes of ``path`` if its size and mtime still match, else ``None``."""
        row = (
            self.session.execute(
                sa.select(_FH).where(
                    _FH.c.path == path, _FH.c.size_bytes == size_bytes, _FH.c.mtime_ns == mtime_ns
                )
            )
            .mappings()
            .first()
        )
        return _record(row) if row else None

    def upsert(self, record: FileHashRecord) -> None:
        """Store hashes for a path (replacing what was there)."""
        self.upsert_many([record])

    def upsert_many(self, records: Sequence[FileHashRecord]) -> None:
        """Store many in one batched statement (a scanner's periodic flush).

        A record whose ``sha256`` or ``partial_hash`` is ``None`` keeps the stored value only
        when size and mtime are unchanged (a partial hash computed later must not erase a full
        one); otherwise the stale hashes go.
        """
        if not records:
            return
        stmt = sqlite_insert(_FH)
        same_file = sa.and_(
            _FH.c.size_bytes == stmt.excluded.size_bytes, _FH.c.mtime_ns == stmt.excluded.mtime_ns
        )

        def keep(col: str) -> sa.ColumnElement[str | None]:
            return sa.case(
                (same_file, sa.func.coalesce(stmt.excluded[col], _FH.c[col])),
                else_=stmt.excluded[col],
            )

        stmt = stmt.on_conflict_do_update(
            index_elements=[_FH.c.path],
            set_={
                "sha256": keep("sha256"),
                "partial_hash": keep("partial_hash"),
                "size_bytes": stmt.excluded.size_bytes,
                "mtime_ns": stmt.excluded.mtime_ns,
                "computed_at": stmt.excluded.computed_at,
            },
        )
        now = self._now()
        self.session.execute(
            stmt,
            [
                {
                    "path": r.path,
                    "size_bytes": r.size_bytes,
                    "mtime_ns": r.mtime_ns,
                    "sha256": r.sha256,
                    "partial_hash": r.partial_hash,
                    "computed_at": r.computed_at or now,
                }
                for r in records
            ],
        )

    def find_by_sha256(self, sha256: str) -> list[FileHashRecord]:
        """Every cached file with that content hash (e.g. a Hub file's LFS oid)."""
        rows = self.session.execute(
            sa.select(_FH).where(_FH.c.sha256 == sha256).order_by(_FH.c.path)
        ).mappings()
        return [_record(r) for r in rows]

    def find_by_size(self, size_bytes: int) -> list[FileHashRecord]:
        """Every cached file of that size (first step of duplicate detection)."""
        rows = self.session.execute(
            sa.select(_FH).where(_FH.c.size_bytes == size_bytes).order_by(_FH.c.path)
        ).mappings()
        return [_record(r) for r in rows]

    def delete(self, paths: Iterable[str]) -> int:
        """Forget paths (files that are gone). Returns how many rows went."""
        items = list(paths)
        total = 0
        for start in range(0, len(items), 900):
            result = self.session.execute(
                sa.delete(_FH).where(_FH.c.path.in_(items[start : start + 900]))
            )
            total += int(getattr(result, "rowcount", 0) or 0)
        return total
