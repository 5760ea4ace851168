"""Files found by library scans: one row per path, joined to the hash cache by stat key.

```
library_files (path unique) ──(device, inode, size_bytes, mtime_ns)──► file_hashes
```

Scans write in batches (:meth:`LibraryFileRepository.upsert_many`,
:meth:`~LibraryFileRepository.update_locations`, :meth:`~LibraryFileRepository.delete_paths`)
inside the caller's unit of work, so a batch is all or nothing. Reads return detached
:class:`~hfsuite.storage.library_records.LibraryFileRecord` objects with the digest of the
file's *current* key (None until it is hashed).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from hfsuite.storage.hash_records import StatKey
from hfsuite.storage.library_records import (
    HfRefEntry,
    IndexEntry,
    LibraryFileRecord,
    LibraryFileSpec,
    LibraryQuery,
    LibrarySort,
    LibraryTotals,
    LocationUpdate,
)
from hfsuite.storage.repositories._base import Repository, chunks, like_pattern, rowcount
from hfsuite.storage.repositories.file_hashes import key_values
from hfsuite.storage.repositories.library_sql import from_sql_int, upsert
from hfsuite.storage.schema import FILE_HASHES, LIBRARY_FILES

LAST_SEEN_RESOLUTION_S = 3600.0
"""How fresh ``last_seen`` is kept: a scan rewrites it only when it is older than this."""

_LF = LIBRARY_FILES
_FH = FILE_HASHES
_KEY_COLS = ("device", "inode", "size_bytes", "mtime_ns")
_JOIN = _LF.outerjoin(_FH, sa.and_(*(_LF.c[c] == _FH.c[c] for c in _KEY_COLS)))
_SELECT_COLS = (*_LF.c, _FH.c.sha256, _FH.c.autov1, _FH.c.origin.label("hash_origin"))
# Listings leave the (large) header metadata out unless asked.
_BRIEF_COLS = tuple(
    sa.null().label("header_metadata") if c is _LF.c.header_metadata else c for c in _SELECT_COLS
)
# Columns a scan rewrites when a file is new or its bytes changed (first_seen stays).
_SCAN_COLS = (
    "root", "device", "inode", "size_bytes", "mtime_ns", "nlink", "is_symlink", "hf_blob",
    "format", "kind", "architecture", "dtype", "parameter_count", "context_length",
    "tensor_count", "header_metadata", "warnings", "problem_kind", "problem", "hf_repo_type",
    "hf_repo_id", "hf_revision", "hf_path", "hf_refs", "last_seen",
)  # fmt: skip


def _refs(data: Any) -> tuple[HfRefEntry, ...]:
    return tuple(HfRefEntry.from_json(d) for d in data or ())


def _row_key(row: Any) -> StatKey:
    return (
        from_sql_int(row.device),
        from_sql_int(row.inode),
        int(row.size_bytes),
        int(row.mtime_ns),
    )


def _record(row: Any) -> LibraryFileRecord:
    return LibraryFileRecord(
        id=row.id,
        path=row.path,
        root=row.root,
        key=_row_key(row),
        nlink=row.nlink,
        is_symlink=bool(row.is_symlink),
        hf_blob=bool(row.hf_blob),
        format=row.format,
        kind=row.kind,
        architecture=row.architecture,
        dtype=row.dtype,
        parameter_count=row.parameter_count,
        context_length=row.context_length,
        tensor_count=row.tensor_count,
        metadata=row.header_metadata,
        warnings=tuple(row.warnings or ()),
        problem_kind=row.problem_kind,
        problem=row.problem,
        hf_refs=_refs(row.hf_refs),
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        sha256=row.sha256,
        autov1=row.autov1,
        hash_origin=row.hash_origin,
    )


def _ref_columns(refs: Sequence[HfRefEntry]) -> dict[str, Any]:
    first = refs[0] if refs else None
    return {
        "hf_repo_type": first.repo_type if first else None,
        "hf_repo_id": first.repo_id if first else None,
        "hf_revision": first.revision if first else None,
        "hf_path": first.path if first else None,
        "hf_refs": [r.to_json() for r in refs] if refs else None,
    }


def _spec_row(spec: LibraryFileSpec, now: float) -> dict[str, Any]:
    return {
        "path": spec.path,
        "root": spec.root,
        **key_values(spec.key),
        "nlink": spec.nlink,
        "is_symlink": spec.is_symlink,
        "hf_blob": spec.hf_blob,
        "format": spec.format,
        "kind": spec.kind,
        "architecture": spec.architecture,
        "dtype": spec.dtype,
        "parameter_count": spec.parameter_count,
        "context_length": spec.context_length,
        "tensor_count": spec.tensor_count,
        "header_metadata": dict(spec.metadata) if spec.metadata is not None else None,
        "warnings": list(spec.warnings) if spec.warnings else None,
        "problem_kind": spec.problem_kind,
        "problem": spec.problem,
        **_ref_columns(spec.hf_refs),
        "first_seen": now,
        "last_seen": now,
    }


def _under(column: sa.ColumnElement[str], folder: str) -> sa.ColumnElement[bool]:
    """Paths equal to ``folder`` or inside it (prefix range, no LIKE escaping needed)."""
    base = folder.rstrip("/\\") or folder
    sep = "\\" if "\\" in base and "/" not in base else "/"
    inside = base if base.endswith(sep) else base + sep
    # Every path inside starts with `inside`; the range [inside, inside + U+10FFFF) holds them.
    return sa.or_(column == base, sa.and_(column >= inside, column < inside + "\U0010ffff"))


class LibraryFileRepository(Repository):
    """Scanned files: written by scans, listed and looked up by the library's commands."""

    # -- writing (scans) ---------------------------------------------------------------------

    def upsert_many(self, specs: Sequence[LibraryFileSpec]) -> None:
        """Insert new files and rewrite changed ones (one batched statement).

        ``first_seen`` is kept for a path already known; ``last_seen`` becomes now.
        """
        now = self._now()
        upsert(
            self.session,
            _LF,
            [_spec_row(s, now) for s in specs],
            conflict=("path",),
            update=_SCAN_COLS,
        )

    def update_locations(self, updates: Sequence[LocationUpdate]) -> None:
        """Record new links, HF references or root for files whose bytes did not change."""
        if not updates:
            return
        now = self._now()
        stmt = (
            sa.update(_LF)
            .where(_LF.c.path == sa.bindparam("b_path"))
            .values(
                root=sa.bindparam("b_root"),
                nlink=sa.bindparam("b_nlink"),
                is_symlink=sa.bindparam("b_is_symlink"),
                hf_repo_type=sa.bindparam("b_hf_repo_type"),
                hf_repo_id=sa.bindparam("b_hf_repo_id"),
                hf_revision=sa.bindparam("b_hf_revision"),
                hf_path=sa.bindparam("b_hf_path"),
                hf_refs=sa.bindparam("b_hf_refs", type_=sa.JSON(none_as_null=True)),
                last_seen=sa.bindparam("b_last_seen"),
            )
        )
        rows = []
        for u in updates:
            cols = _ref_columns(u.hf_refs)
            rows.append(
                {
                    "b_path": u.path,
                    "b_root": u.root,
                    "b_nlink": u.nlink,
                    "b_is_symlink": u.is_symlink,
                    "b_last_seen": now,
                    **{f"b_{k}": v for k, v in cols.items()},
                }
            )
        self.session.execute(stmt, rows)

    def move(self, old_path: str, spec: LibraryFileSpec) -> None:
        """A file moved from ``old_path`` to ``spec.path``: the row (its id and
        ``first_seen``) is kept and rewritten with what the scan found at the new path."""
        row = _spec_row(spec, self._now())
        del row["first_seen"]
        self.session.execute(sa.update(_LF).where(_LF.c.path == old_path).values(**row))

    def clone_identity(self, source_path: str, specs: Sequence[LibraryFileSpec]) -> int:
        """Write ``specs`` (new paths of bytes already identified at ``source_path``: a hard
        link, a copy kept by inode, a rename) with the identification stored for
        ``source_path`` instead of their own, so their headers are not read again.

        Returns how many were written (0 when ``source_path`` is not stored).
        """
        src = self.session.execute(sa.select(_LF).where(_LF.c.path == source_path)).first()
        if src is None or not specs:
            return 0
        ident = {
            "format": src.format,
            "kind": src.kind,
            "architecture": src.architecture,
            "dtype": src.dtype,
            "parameter_count": src.parameter_count,
            "context_length": src.context_length,
            "tensor_count": src.tensor_count,
            "metadata": src.header_metadata,
            "warnings": tuple(src.warnings or ()),
            "problem_kind": src.problem_kind,
            "problem": src.problem,
        }
        self.upsert_many([dataclasses.replace(spec, **ident) for spec in specs])
        return len(specs)

    def merge_move(self, old_path: str, new_path: str) -> None:
        """A file written at ``new_path`` by this scan is the one ``old_path`` held: the old
        row (its id and ``first_seen``) takes the new row's values, the new row goes."""
        new = self.session.execute(sa.select(_LF).where(_LF.c.path == new_path)).mappings().first()
        if new is None:
            return
        values = {k: v for k, v in new.items() if k not in ("id", "first_seen")}
        self.session.execute(sa.delete(_LF).where(_LF.c.path == new_path))
        self.session.execute(sa.update(_LF).where(_LF.c.path == old_path).values(**values))

    def touch_all(self, *, root: str, under: str | None = None) -> int:
        """Mark every file of ``root`` (or of its folder ``under``) as seen now: one
        statement at the end of a scan that walked it whole.

        ``last_seen`` is kept to :data:`LAST_SEEN_RESOLUTION_S`: a row seen less than that
        long ago is not rewritten, so rescanning an unchanged library writes nothing (writing
        10,000 rows was a tenth of such a rescan).
        """
        now = self._now()
        stmt = sa.update(_LF).where(
            _LF.c.root == root, _LF.c.last_seen < now - LAST_SEEN_RESOLUTION_S
        )
        if under is not None:
            stmt = stmt.where(_under(_LF.c.path, under))
        return rowcount(self.session.execute(stmt.values(last_seen=now)))

    def delete_paths(self, paths: Iterable[str]) -> int:
        """Forget files that are gone. Returns how many rows went."""
        total = 0
        for part in chunks(list(paths)):
            total += rowcount(self.session.execute(sa.delete(_LF).where(_LF.c.path.in_(part))))
        return total

    def delete_root(self, root: str) -> int:
        """Forget every file found under the scan root ``root``. Returns how many rows went."""
        return rowcount(self.session.execute(sa.delete(_LF).where(_LF.c.root == root)))

    # -- reading -------------------------------------------------------------------------------

    def index(
        self, *, root: str | None = None, under: str | None = None, with_hashes: bool = False
    ) -> Iterator[IndexEntry]:
        """What a rescan compares against, streamed (all files, or one root's, or a folder's).

        ``sha256`` is filled only ``with_hashes`` (a join a rescan of unchanged files does
        not need).
        """
        sha = _FH.c.sha256 if with_hashes else sa.null().label("sha256")
        stmt = sa.select(
            _LF.c.id,
            _LF.c.path,
            *_LF.c[_KEY_COLS],
            _LF.c.nlink,
            _LF.c.is_symlink,
            _LF.c.root,
            sa.type_coerce(_LF.c.hf_refs, sa.Text),  # parsed only when there are any
            sha,
        ).select_from(_JOIN if with_hashes else _LF)
        if root is not None:
            stmt = stmt.where(_LF.c.root == root)
        if under is not None:
            stmt = stmt.where(_under(_LF.c.path, under))
        stmt = stmt.order_by(_LF.c.id)  # the order rows were found (PostgreSQL has no implicit one)
        # Plain tuples: a rescan reads every row, and Row attribute access costs more than
        # the walk itself at 10,000 files.
        rows = self.session.execute(stmt.execution_options(yield_per=2000))
        for part in rows.partitions():  # a batch at a time: fetchone per row costs more
            for id_, path, dev, ino, size, mtime, nlink, is_link, root_, refs, sha256 in part:
                yield IndexEntry(
                    id_,
                    path,
                    (
                        from_sql_int(dev) if dev < 0 else dev,
                        from_sql_int(ino) if ino < 0 else ino,
                        size,
                        mtime,
                    ),
                    nlink,
                    bool(is_link),
                    root_,
                    _refs(_json(refs)) if refs and refs != "null" else (),
                    sha256,
                )

    def _filtered(self, query: LibraryQuery) -> sa.Select[Any]:
        cols = _SELECT_COLS if query.with_metadata else _BRIEF_COLS
        stmt = sa.select(*cols).select_from(_JOIN)
        if query.kinds:
            stmt = stmt.where(_LF.c.kind.in_(list(query.kinds)))
        if query.formats:
            stmt = stmt.where(_LF.c.format.in_(list(query.formats)))
        if query.root is not None:
            stmt = stmt.where(_LF.c.root == query.root)
        if query.under is not None:
            stmt = stmt.where(_under(_LF.c.path, query.under))
        if query.models_only:
            stmt = stmt.where(_LF.c.format != "unknown")
        return stmt

    def find(self, query: LibraryQuery | None = None) -> list[LibraryFileRecord]:
        """Files matching ``query``, in its order."""
        return list(self.stream(query))

    def stream(self, query: LibraryQuery | None = None) -> Iterator[LibraryFileRecord]:
        """Files matching ``query``, in its order, streamed from the database."""
        q = query or LibraryQuery()
        order: dict[LibrarySort, tuple[sa.ColumnElement[Any], ...]] = {
            LibrarySort.NAME: (_LF.c.path,),
            LibrarySort.SIZE: (_LF.c.size_bytes.desc(), _LF.c.path),
            LibrarySort.DATE: (_LF.c.mtime_ns.desc(), _LF.c.path),
        }
        stmt = self._filtered(q).order_by(*order[LibrarySort(q.sort)])
        if q.limit is not None:
            stmt = stmt.limit(q.limit)
        for row in self.session.execute(stmt.execution_options(yield_per=2000)):
            yield _record(row)

    def totals(self, query: LibraryQuery | None = None) -> LibraryTotals:
        """How many files match ``query`` (ignoring its limit), and their bytes."""
        sub = self._filtered(query or LibraryQuery()).subquery()
        row = self.session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sub.c.size_bytes), 0))
        ).one()
        return LibraryTotals(int(row[0]), int(row[1]))

    def get(self, path: str) -> LibraryFileRecord | None:
        """The file at ``path`` (as scanned: for the HF cache, a blob), or None."""
        row = self.session.execute(
            sa.select(*_SELECT_COLS).select_from(_JOIN).where(_LF.c.path == path)
        ).first()
        return _record(row) if row else None

    def find_by_hf_path(
        self, repo_id: str, path: str, revision: str | None = None
    ) -> list[LibraryFileRecord]:
        """HF-cache files appearing as ``path`` of ``repo_id`` (any revision, or one)."""
        stmt = sa.select(*_SELECT_COLS).select_from(_JOIN).where(_LF.c.hf_repo_id == repo_id)
        found = []
        for row in self.session.execute(stmt.order_by(_LF.c.path)):
            rec = _record(row)
            if any(
                r.path == path and (revision is None or r.revision == revision) for r in rec.hf_refs
            ):
                found.append(rec)
        return found

    def find_by_sha256(self, sha256: str) -> list[LibraryFileRecord]:
        """Files whose current bytes have that SHA-256 (hashed ones only)."""
        stmt = sa.select(*_SELECT_COLS).select_from(_JOIN).where(_FH.c.sha256 == sha256.lower())
        return [_record(r) for r in self.session.execute(stmt.order_by(_LF.c.path))]

    def find_by_hash_prefix(self, prefix: str) -> list[LibraryFileRecord]:
        """Files whose SHA-256 starts with ``prefix`` (AutoV2: 10 hex digits)."""
        p = prefix.lower()
        stmt = (
            sa.select(*_SELECT_COLS)
            .select_from(_JOIN)
            .where(_FH.c.sha256 >= p, _FH.c.sha256 < p + "g")
        )
        return [_record(r) for r in self.session.execute(stmt.order_by(_LF.c.path))]

    def find_by_autov1(self, autov1: str) -> list[LibraryFileRecord]:
        """Files whose AutoV1 hash (8 hex digits) is recorded and equal to ``autov1``."""
        stmt = sa.select(*_SELECT_COLS).select_from(_JOIN).where(_FH.c.autov1 == autov1.lower())
        return [_record(r) for r in self.session.execute(stmt.order_by(_LF.c.path))]

    def find_by_size(self, size_bytes: int) -> list[LibraryFileRecord]:
        """Files of exactly that size."""
        stmt = sa.select(*_SELECT_COLS).select_from(_JOIN).where(_LF.c.size_bytes == size_bytes)
        return [_record(r) for r in self.session.execute(stmt.order_by(_LF.c.path))]

    def sizes_with_several_files(self, min_size: int = 1) -> list[int]:
        """Sizes shared by two or more files of at least ``min_size`` bytes (duplicate
        candidates), largest first."""
        stmt = (
            sa.select(_LF.c.size_bytes)
            .where(_LF.c.size_bytes >= min_size)
            .group_by(_LF.c.size_bytes)
            .having(sa.func.count() > 1)
            .order_by(_LF.c.size_bytes.desc())
        )
        return [int(r[0]) for r in self.session.execute(stmt)]

    def search(self, text: str, limit: int = 100) -> list[LibraryFileRecord]:
        """Files whose path contains ``text`` (case-insensitive on ASCII)."""
        stmt = (
            sa.select(*_SELECT_COLS)
            .select_from(_JOIN)
            .where(_LF.c.path.ilike(like_pattern(text), escape="\\"))
            .order_by(_LF.c.path)
            .limit(limit)
        )
        return [_record(r) for r in self.session.execute(stmt)]

    def count_by(self, column: str) -> Mapping[str, int]:
        """How many files per value of ``kind`` or ``format``."""
        if column not in ("kind", "format", "root"):
            raise ValueError(column)
        col = _LF.c[column]
        rows = self.session.execute(sa.select(col, sa.func.count()).group_by(col).order_by(col))
        return {str(r[0]): int(r[1]) for r in rows}


def _json(value: Any) -> Any:
    """A JSON column read as text: parsed here on SQLite; psycopg has already parsed it."""
    return json.loads(value) if isinstance(value, str | bytes) else value
