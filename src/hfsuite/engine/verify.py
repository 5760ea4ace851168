"""Verifying bytes as they arrive, without a second pass over the file where it can be avoided.

:class:`PrefixHasher` hashes the file's contiguous written prefix: a small file's single
connection feeds its buffer straight in; for a big file a thread of its own follows the prefix
and reads the bytes back from the page cache as it grows. Segments are handed out
lowest-offset first and staggered, so the prefix grows steadily and the file is fully hashed
moments after its last byte lands.

Expected digests: SHA-256 for LFS files (and ModelScope/URL files that publish one), the git
blob SHA-1 (``sha1(b"blob <size>\\0" + content)``) for small regular Hub files, or only the size.
"""

from __future__ import annotations

import enum
import hashlib
import mmap
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from hfsuite.core.errors import IntegrityError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import RemoteFile, is_sha1, is_sha256

_READ = 1 << 20
# Mapped at once (resident until unmapped) and hashed in one update, so the hashing thread
# takes the interpreter lock back once per window.
_MAP_WINDOW = 16 << 20
_POLL_S = 0.02  # how often the hashing thread looks for newly written bytes


class HashKind(enum.StrEnum):
    """How a file's content is checked."""

    SHA256 = "sha256"
    """SHA-256 of the content (LFS oid)."""
    GIT_SHA1 = "git-sha1"
    """Git blob id of the content."""
    SIZE = "size"
    """Only the size is known."""


@dataclass(frozen=True)
class Expectation:
    """What a complete file must look like."""

    size: int
    kind: HashKind
    digest: str | None = None

    @classmethod
    def for_file(cls, remote: RemoteFile) -> Expectation:
        """SHA-256 when known, else the git blob id of a regular file, else the size."""
        if is_sha256(remote.sha256):
            return cls(remote.size, HashKind.SHA256, remote.sha256)
        if not remote.lfs and is_sha1(remote.blob_id):
            return cls(remote.size, HashKind.GIT_SHA1, remote.blob_id)
        return cls(remote.size, HashKind.SIZE)


class PrefixHasher:
    """Hashes a file's bytes in order as the contiguous prefix grows.

    Two ways in:

    - :meth:`feed` (one connection writing in order, e.g. a small file): the connection hashes
      its own buffer when it continues the prefix.
    - :meth:`run_behind` (big files): a hashing thread of its own follows the prefix and reads
      the bytes back from the page cache through a memory map, beside the connections
      instead of slowing down the one at the frontier.

    Keeping recent chunks in memory for the hashing thread, with or without making the
    frontier connection wait for it, was measured and was slower than reading them back
    (docs/benchmarks.md): the bytes were just written and are in the page cache.

    Args:
        expectation: What to compute.
        fd: Open file descriptor of the partial file (for read-backs).
    """

    def __init__(self, expectation: Expectation, fd: int):
        self.expectation = expectation
        self._fd = fd
        self._lock = threading.Lock()  # one updater of the hash at a time
        self.position = 0
        self.reread_bytes = 0
        self._h: hashlib._Hash | None
        if expectation.kind is HashKind.SHA256:
            self._h = hashlib.sha256()
        elif expectation.kind is HashKind.GIT_SHA1:
            self._h = hashlib.sha1(f"blob {expectation.size}\0".encode())
        else:
            self._h = None

    def feed(self, offset: int, data: memoryview) -> bool:
        """Hash ``data`` written at ``offset`` if it continues the prefix; True if it did."""
        if self._h is None:
            return False
        with self._lock:
            if offset != self.position:
                return False
            self._h.update(data)
            self.position += len(data)
            return True

    def run_behind(self, prefix_end: Callable[[], int], stop: threading.Event) -> None:
        """Hashing thread body: hash up to ``prefix_end()`` as it grows, until ``stop``.

        It waits only when it has caught up: while the prefix grew during a catch-up, it goes
        on at once. (Waiting after every catch-up capped it at what one poll interval brings:
        about 450 MB/s against a file arriving at 700 MB/s, which left half of a 1 GiB file to
        hash after its last byte.)
        """
        while not stop.is_set():
            before = self.position
            self.catch_up(prefix_end(), stop)
            if before < self.position < prefix_end():
                continue  # more arrived meanwhile (and a read that gets nothing never spins)
            stop.wait(_POLL_S)

    def catch_up(self, prefix_end: int, stop: threading.Event | None = None) -> None:
        """Hash from the frontier up to ``prefix_end``, reading the written bytes back through a
        read-only memory map of the file (they are in the page cache, just written; no copy
        into a buffer first); with ``pread`` where mapping is not possible. Returns early, at
        a window's end, once ``stop`` is set (whoever stopped it hashes the rest)."""
        if self._h is None:
            self.position = max(self.position, prefix_end)
            return
        if self.position >= prefix_end:
            return
        while self.position < prefix_end and not (stop is not None and stop.is_set()):
            # A window at a time: every page of a mapping counts in the process's resident
            # memory until it is unmapped, so one map of the whole prefix grew with the file.
            start = self.position - self.position % mmap.ALLOCATIONGRANULARITY
            end = min(prefix_end, start + _MAP_WINDOW)
            mapped = _map(self._fd, start, end - start)
            if mapped is None:
                self._catch_up_pread(prefix_end)
                return
            with mapped, memoryview(mapped) as view, self._lock:
                lo = self.position
                if lo < end:
                    self._h.update(view[lo - start : end - start])
                    self.position = end
                    self.reread_bytes += end - lo

    def _catch_up_pread(self, prefix_end: int) -> None:
        assert self._h is not None
        buf = bytearray(_READ)
        view = memoryview(buf)
        while True:
            with self._lock:
                start = self.position
                if start >= prefix_end:
                    return
                n = min(_READ, prefix_end - start)
                got = os.preadv(self._fd, [view[:n]], start)
                if got <= 0:
                    return
                self._h.update(view[:got])
                self.position += got
                self.reread_bytes += got

    def result(self) -> str | None:
        """The hex digest (None for size-only checks)."""
        return None if self._h is None else self._h.hexdigest()

    def matches(self) -> bool:
        """Whether the whole file has been hashed and equals the expected digest."""
        if self.expectation.kind is HashKind.SIZE:
            return True
        return self.position == self.expectation.size and self.result() == self.expectation.digest


def mismatch_error(
    path: str, expectation: Expectation, got: str | None, *, pinned: bool
) -> IntegrityError:
    """The error for a file whose bytes are not the ones expected (both digests shortened).

    Args:
        path: The file's path in its repository.
        expectation: What it had to be.
        got: The digest of the bytes received.
        pinned: The digest is the user's (``--sha256``), not a server's: the file on the
            server is another one, so the error is final (downloading it again cannot help).
    """
    message = tr(
        "{path}: {kind} mismatch: expected {expected}, got {got}.",
        path=path,
        kind=expectation.kind,
        expected=_short(expectation.digest),
        got=_short(got),
    )
    if not pinned:
        return IntegrityError(message)
    return IntegrityError(
        message,
        hint=tr(
            "The file on the server differs from the one the SHA-256 pins: check the link and "
            "the expected hash. Nothing was kept."
        ),
    )


def _short(digest: str | None) -> str:
    return f"{digest[:12]}…" if digest else "?"


def _map(fd: int, offset: int, length: int) -> mmap.mmap | None:
    try:
        return mmap.mmap(fd, length, prot=mmap.PROT_READ, offset=offset)
    except (OSError, ValueError, AttributeError):
        return None


def hash_file(path: str | os.PathLike[str], expectation: Expectation) -> bool:
    """Check an existing file against an expectation (used to accept files already on disk)."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return False
    if size != expectation.size:
        return False
    if expectation.kind is HashKind.SIZE:
        return True
    fd = os.open(path, os.O_RDONLY)
    try:
        hasher = PrefixHasher(expectation, fd)
        hasher.catch_up(size)
        return hasher.matches()
    finally:
        os.close(fd)
