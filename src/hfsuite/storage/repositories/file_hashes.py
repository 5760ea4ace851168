"""The hash cache: digests of file contents keyed by the file's identity on disk.

A row is keyed by a :data:`~hfsuite.storage.library_records.StatKey` (device, inode, size, mtime).
A rename or another hard link keeps the key, so nothing is read again; a rewrite changes size
or mtime, so the stale digest is simply never looked up. Rows come from scans that read the
file (origin ``read``) or from finished downloads, which record the digest they verified
(origin ``download``). ``app/library`` adapts this repository to the
:class:`hfsuite.library.hashing.HashCache` protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from hfsuite.storage.hash_records import FileHashRecord, StatKey
from hfsuite.storage.repositories._base import Repository, rowcount
from hfsuite.storage.repositories.library_sql import from_sql_int, to_sql_int, upsert
from hfsuite.storage.schema import FILE_HASHES, LIBRARY_FILES

_FH = FILE_HASHES
_LF = LIBRARY_FILES
_KEY_COLS = ("device", "inode", "size_bytes", "mtime_ns")


def _key(row: Any) -> StatKey:
    return (
        from_sql_int(row.device),
        from_sql_int(row.inode),
        int(row.size_bytes),
        int(row.mtime_ns),
    )


def _record(row: Any) -> FileHashRecord:
    return FileHashRecord(
        key=_key(row),
        sha256=row.sha256,
        autov1=row.autov1,
        partial_hash=row.partial_hash,
        origin=row.origin,
        computed_at=row.computed_at,
    )


def key_values(key: StatKey) -> dict[str, int]:
    """Column values of a stat key (device and inode as signed 64-bit)."""
    device, inode, size, mtime_ns = key
    return {
        "device": to_sql_int(device),
        "inode": to_sql_int(inode),
        "size_bytes": size,
        "mtime_ns": mtime_ns,
    }


def _where_key(key: StatKey) -> sa.ColumnElement[bool]:
    values = key_values(key)
    return sa.and_(*(_FH.c[c] == values[c] for c in _KEY_COLS))


class FileHashRepository(Repository):
    """Look up and store hashes by file identity."""

    def get(self, key: StatKey) -> FileHashRecord | None:
        """The hashes recorded for ``key``, or None."""
        row = self.session.execute(sa.select(_FH).where(_where_key(key))).first()
        return _record(row) if row else None

    def get_many(self, keys: Iterable[StatKey]) -> dict[StatKey, FileHashRecord]:
        """The hashes recorded for any of ``keys`` (absent keys are left out)."""
        found: dict[StatKey, FileHashRecord] = {}
        for key in keys:
            rec = self.get(key)
            if rec is not None:
                found[key] = rec
        return found

    def put(self, record: FileHashRecord) -> None:
        """Store the hashes of one key (see :meth:`put_many`)."""
        self.put_many([record])

    def put_many(self, records: Sequence[FileHashRecord]) -> None:
        """Store hashes, batched in one statement.

        A field given as None keeps what the row already holds (a partial hash computed later
        never erases a full digest); ``origin`` follows the row that brought the SHA-256.
        """
        if not records:
            return
        now = self._now()
        rows = [
            {
                **key_values(r.key),
                "sha256": r.sha256.lower() if r.sha256 else None,
                "autov1": r.autov1.lower() if r.autov1 else None,
                "partial_hash": r.partial_hash,
                "origin": str(r.origin),
                "computed_at": r.computed_at or now,
            }
            for r in records
        ]

        def keep(col: str) -> Any:
            return lambda excluded, table: sa.func.coalesce(excluded[col], table.c[col])

        upsert(
            self.session,
            _FH,
            rows,
            conflict=_KEY_COLS,
            update={
                "sha256": keep("sha256"),
                "autov1": keep("autov1"),
                "partial_hash": keep("partial_hash"),
                "origin": lambda excluded, table: sa.case(
                    (excluded.sha256.is_not(None), excluded.origin), else_=table.c.origin
                ),
                "computed_at": lambda excluded, table: excluded.computed_at,
            },
        )

    def find_by_sha256(self, sha256: str) -> list[FileHashRecord]:
        """Every cached key whose bytes have that SHA-256."""
        rows = self.session.execute(
            sa.select(_FH).where(_FH.c.sha256 == sha256.lower()).order_by(*_FH.c[_KEY_COLS])
        )
        return [_record(r) for r in rows]

    def find_by_prefix(self, prefix: str) -> list[FileHashRecord]:
        """Every cached key whose SHA-256 starts with ``prefix`` (AutoV2 is 10 hex digits).

        Uses the ``sha256`` index (a range, not ``LIKE``), on any database.
        """
        p = prefix.lower()
        rows = self.session.execute(
            sa.select(_FH)
            .where(_FH.c.sha256 >= p, _FH.c.sha256 < p + "g")
            .order_by(_FH.c.sha256, *_FH.c[_KEY_COLS])
        )
        return [_record(r) for r in rows]

    def find_by_autov1(self, autov1: str) -> list[FileHashRecord]:
        """Every cached key with that AutoV1 hash (8 hex digits)."""
        rows = self.session.execute(
            sa.select(_FH).where(_FH.c.autov1 == autov1.lower()).order_by(*_FH.c[_KEY_COLS])
        )
        return [_record(r) for r in rows]

    def find_by_size(self, size_bytes: int) -> list[FileHashRecord]:
        """Every cached key of that size."""
        rows = self.session.execute(
            sa.select(_FH).where(_FH.c.size_bytes == size_bytes).order_by(*_FH.c[_KEY_COLS])
        )
        return [_record(r) for r in rows]

    def delete(self, keys: Iterable[StatKey]) -> int:
        """Forget keys. Returns how many rows went."""
        total = 0
        for key in keys:
            total += rowcount(self.session.execute(sa.delete(_FH).where(_where_key(key))))
        return total

    def prune_unreferenced(self, older_than: float) -> int:
        """Forget hashes no library file has and that were written before ``older_than``.

        Recent rows stay: a download records its digest before any scan has seen the file.
        """
        lf = _LF.alias("lf")
        referenced = (
            sa.select(sa.literal(1))
            .select_from(lf)
            .where(*(lf.c[c] == _FH.c[c] for c in _KEY_COLS))
            .exists()
        )
        result = self.session.execute(
            sa.delete(_FH).where(_FH.c.computed_at < older_than, ~referenced)
        )
        return rowcount(result)

    def count(self) -> int:
        """How many keys have cached hashes."""
        return int(self.session.execute(sa.select(sa.func.count()).select_from(_FH)).scalar_one())


__all__ = ["FileHashRepository", "key_values"]
