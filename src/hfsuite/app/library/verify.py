"""``hfsuite library verify``: read files again and compare with the hashes recorded for them.

Only files with a recorded hash are verified (a scan with hashing, a download verified
against the Hub's hash, or ``hfsuite dupes`` recorded it). Each one ends in one state:

- **unchanged**: same size and modification time, and the bytes still hash to the record;
- **changed**: the file was rewritten since it was hashed (its stat differs): hashed again,
  and the new hash recorded;
- **corrupt**: same stat, different bytes: the disk (or something writing without touching
  the modification time) changed them; the recorded hash is kept;
- **missing**: the path is gone;
- **unreadable**: it could not be read (permission, I/O error): the reason says which.

Hard links and symbolic links to one file are read once.
"""

from __future__ import annotations

import enum
import os
import stat as stat_mod
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hfsuite.app.library.dupes import LibraryIndex, select_files
from hfsuite.library.hashing import FileKey, Hasher, HashProgress, MemoryHashCache
from hfsuite.library.scanner import ScannedFile


class VerifyStatus(enum.StrEnum):
    """What verifying one file found."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    CORRUPT = "corrupt"
    MISSING = "missing"
    UNREADABLE = "unreadable"


FAILING = frozenset({VerifyStatus.CORRUPT, VerifyStatus.MISSING, VerifyStatus.UNREADABLE})
"""States that make ``library verify`` exit non-zero."""


@dataclass(frozen=True, slots=True)
class VerifiedFile:
    """One verified file.

    Attributes:
        path: The file.
        status: What was found.
        size_bytes: Its size now (the recorded size when missing).
        recorded_sha256: The hash recorded for it.
        sha256: The hash of its bytes now (None when missing or unreadable).
        reason: Why it is unreadable (else None).
    """

    path: str
    status: VerifyStatus
    size_bytes: int
    recorded_sha256: str
    sha256: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``library-verify`` files)."""
        return {
            "path": self.path,
            "status": self.status.value,
            "size_bytes": self.size_bytes,
            "recorded_sha256": self.recorded_sha256,
            "sha256": self.sha256,
            "reason": self.reason,
        }


@dataclass
class VerifyResult:
    """Every verified file, sorted by path, and how many had a recorded hash."""

    files: list[VerifiedFile] = field(default_factory=list)
    not_hashed: int = 0  # indexed files under the paths without a recorded hash (not verified)
    read_bytes: int = 0

    def count(self, status: VerifyStatus) -> int:
        """How many files ended in ``status``."""
        return sum(1 for f in self.files if f.status is status)

    @property
    def counts(self) -> dict[str, int]:
        """Files per state (every state, zeros included)."""
        return {s.value: self.count(s) for s in VerifyStatus}

    @property
    def ok(self) -> bool:
        """Nothing corrupt, missing or unreadable."""
        return not any(f.status in FAILING for f in self.files)


def _stat_now(path: str) -> os.stat_result | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if not stat_mod.S_ISREG(st.st_mode):
        return None
    return st


def verify(
    index: LibraryIndex,
    paths: Sequence[str] = (),
    *,
    workers: int | None = None,
    on_progress: Callable[[HashProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> VerifyResult:
    """Verify the indexed files under ``paths`` (every indexed file when empty).

    Raises:
        UsageError: a path does not exist or is not in the library (see
            :func:`~hfsuite.app.library.dupes.select_files`).
    """
    chosen = select_files(index.indexed_files(), paths, index.roots())
    cache = index.hash_cache
    result = VerifyResult()
    recorded: list[tuple[ScannedFile, str]] = []
    for f in chosen:
        digest = f.sha256  # the index joins the cache on the key it recorded
        if digest is None:
            result.not_hashed += 1
        else:
            recorded.append((f, digest.lower()))
    # Same stat: read again without the cache (bit rot keeps the stat); changed stat: hash
    # through the cache, so the new digest is recorded. One read per (device, inode).
    fresh = Hasher(MemoryHashCache(), workers=workers)
    through_cache = Hasher(cache, workers=workers)
    same: dict[tuple[int, int], str] = {}
    changed: dict[tuple[int, int], str] = {}
    states: list[tuple[ScannedFile, str, os.stat_result | None]] = []
    for f, digest in recorded:
        st = None
        try:
            st = _stat_now(f.path)
        except OSError as exc:
            result.files.append(
                VerifiedFile(f.path, VerifyStatus.UNREADABLE, f.key.size, digest, reason=str(exc))
            )
            continue
        states.append((f, digest, st))
        if st is None:
            continue
        key = FileKey.of(st)
        target = same if key == f.key else changed
        target.setdefault(key.file_id, f.path)
    runs = []
    try:
        for hasher, todo in ((fresh, same), (through_cache, changed)):
            run = hasher.hash_files(list(todo.values()), on_progress=on_progress, cancel=cancel)
            result.read_bytes += run.read_bytes
            runs.append((todo, run))
    finally:
        cache.flush()
    by_id: dict[tuple[int, int], tuple[str | None, str | None]] = {}
    for todo, run in runs:
        problems = {p.path: p.message for p in run.problems}
        for file_id, path in todo.items():
            by_id[file_id] = (run.hashes.get(path), problems.get(path))
    for f, digest, st in states:
        if st is None:
            result.files.append(VerifiedFile(f.path, VerifyStatus.MISSING, f.key.size, digest))
            continue
        key = FileKey.of(st)
        now, problem = by_id.get(key.file_id, (None, "not read (cancelled)"))
        if now is None:
            result.files.append(
                VerifiedFile(f.path, VerifyStatus.UNREADABLE, key.size, digest, reason=problem)
            )
        elif key != f.key:
            result.files.append(VerifiedFile(f.path, VerifyStatus.CHANGED, key.size, digest, now))
        elif now == digest:
            result.files.append(VerifiedFile(f.path, VerifyStatus.UNCHANGED, key.size, digest, now))
        else:
            result.files.append(VerifiedFile(f.path, VerifyStatus.CORRUPT, key.size, digest, now))
    result.files.sort(key=lambda v: v.path)
    return result
