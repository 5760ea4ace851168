"""The library's hash cache in the database, and hashes recorded by finished downloads.

:class:`DatabaseHashCache` implements :class:`hfsuite.library.hashing.HashCache` on the
``file_hashes`` table (keyed by device, inode, size and mtime): the pure
:class:`~hfsuite.library.hashing.Hasher` reads through it from several threads, and what it
computes is written in batches. :func:`record_downloaded_hashes` is the one touch point of the
download path: a file our engine verified against its SHA-256 is recorded with that digest,
keyed by the stat of its final path, so a later ``hfsuite scan --hash`` never reads it again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from hfsuite.core.remote import is_sha256
from hfsuite.library.hashing import AUTOV1_LENGTH_HEX, AUTOV1_OFFSET, FileKey, autov1_file
from hfsuite.storage import Database, FileHashRecord, HashOrigin, StatKey, UnitOfWork

if TYPE_CHECKING:
    from hfsuite.engine.transfer import TransferResult

log = logging.getLogger(__name__)

EMPTY_AUTOV1 = hashlib.sha256(b"").hexdigest()[:AUTOV1_LENGTH_HEX]
"""The AutoV1 of a file of at most 1 MiB (A1111 hashed the nothing at offset 1 MiB)."""
FLUSH_EVERY = 256
"""Digests held before they are written (a cancelled or failed run flushes what it has)."""


def stat_key(key: FileKey) -> StatKey:
    """A library :class:`FileKey` as the storage tuple."""
    return (key.device, key.inode, key.size, key.mtime_ns)


def file_key(key: StatKey) -> FileKey:
    """A storage tuple as a library :class:`FileKey`."""
    return FileKey(*key)


class DatabaseHashCache:
    """A :class:`~hfsuite.library.hashing.HashCache` on the database; thread-safe.

    ``put`` is buffered: call :meth:`flush` (or use it as a context manager) to write.

    Args:
        db: The database.
        origin: Recorded with each digest (``read``: the bytes were read by us).
    """

    def __init__(
        self,
        db: Database,
        origin: HashOrigin = HashOrigin.READ,
        *,
        known_missing: Iterable[FileKey] = (),
    ):
        self.db = db
        self.origin = origin
        #: Keys the caller just read from the database as not hashed: looked up no more (a
        #: database read per file cost more than hashing a small file).
        self.known_missing = frozenset(known_missing)
        self._lock = threading.Lock()
        self._pending: dict[FileKey, FileHashRecord] = {}
        #: Keys whose digest was put here (computed by reading the file, for a Hasher).
        self.written: set[FileKey] = set()

    def get(self, key: FileKey) -> str | None:
        """The digest recorded for ``key`` (a pending one included), or None."""
        with self._lock:
            pending = self._pending.get(key)
        if pending is not None:
            return pending.sha256
        if key in self.known_missing:
            return None
        with self.db.read() as uow:
            rec = uow.file_hashes.get(stat_key(key))
        return rec.sha256 if rec else None

    def put(self, key: FileKey, sha256: str) -> None:
        """Record a digest (written at the next flush; every :data:`FLUSH_EVERY` puts)."""
        with self._lock:
            self._pending[key] = FileHashRecord(stat_key(key), sha256=sha256, origin=self.origin)
            self.written.add(key)
            full = len(self._pending) >= FLUSH_EVERY
        if full:
            self.flush()

    def put_autov1(self, key: FileKey, autov1: str) -> None:
        """Record a file's AutoV1 short hash (written at the next flush)."""
        with self._lock:
            old = self._pending.get(key)
            self._pending[key] = FileHashRecord(
                stat_key(key),
                sha256=old.sha256 if old else None,
                autov1=autov1,
                origin=self.origin,
            )

    def flush(self) -> None:
        """Write the pending digests in one transaction."""
        with self._lock:
            pending = list(self._pending.values())
            self._pending.clear()
        if pending:
            with self.db.write() as uow:
                uow.file_hashes.put_many(pending)

    def __enter__(self) -> DatabaseHashCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()


def add_autov1(cache: DatabaseHashCache, paths: Iterable[tuple[str, FileKey]]) -> int:
    """Compute and record the AutoV1 hash (64 KiB at 1 MiB) of files just hashed.

    Returns how many were recorded; a file that changed or cannot be read is skipped.
    """
    done = 0
    for path, key in paths:
        if key.size <= AUTOV1_OFFSET:  # nothing at 1 MiB: the hash of no bytes, as A1111 did
            cache.put_autov1(key, EMPTY_AUTOV1)
            done += 1
            continue
        try:
            value = autov1_file(path)
            if FileKey.of(os.stat(path)) != key:
                continue
        except OSError:
            continue
        cache.put_autov1(key, value)
        done += 1
    return done


def record_downloaded_hashes(
    uow: UnitOfWork, files: Iterable[tuple[str | None, str | None]]
) -> int:
    """Record the SHA-256 finished downloads were verified with, keyed by each final file's
    stat (a snapshot entry of the HF cache is followed to its blob).

    Args:
        uow: The unit of work of the download's completion (written with it).
        files: (final path, verified SHA-256) of each file downloaded and verified in this run;
            entries without a path or digest are ignored.

    Returns:
        How many were recorded.
    """
    records = []
    for path, sha256 in files:
        if not path or not sha256:
            continue
        try:
            st = os.stat(path)
        except OSError as exc:  # moved away already: nothing to record
            log.debug("not recording the hash of %s: %s", path, exc)
            continue
        records.append(
            FileHashRecord(stat_key(FileKey.of(st)), sha256=sha256, origin=HashOrigin.DOWNLOAD)
        )
    uow.file_hashes.put_many(records)
    return len(records)


def record_download_outcome(uow: UnitOfWork, result: TransferResult | None) -> int:
    """:func:`record_downloaded_hashes` for the files of a finished transfer: those fetched
    in this run (not skipped as already present), without error, and verified against a
    SHA-256 (LFS files; a small file checked by its git blob id or size is not recorded)."""
    return record_downloaded_hashes(
        uow,
        (
            (f.local_path, f.remote.sha256)
            for f in (result.files if result is not None else ())
            if not f.skipped and f.error is None and is_sha256(f.remote.sha256)
        ),
    )
