"""Verifying bytes as they arrive, without a second pass over the file where it can be avoided.

:class:`PrefixHasher` hashes the file's contiguous written prefix in a thread of its own.
Chunks written near the hash frontier are kept in memory for it (no second read); bytes
written further ahead by other connections are read back from the page cache when the frontier
reaches them. Segments are handed out lowest-offset first and staggered, so the prefix grows
steadily and the file is fully hashed moments after its last byte lands.

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

from hfsuite.core.remote import RemoteFile, is_sha1, is_sha256

_READ = 1 << 20
_MAP_STEP = 8 << 20  # read back per step, so chunks kept in memory are picked up between steps


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
    - :meth:`offer` + :meth:`run_behind` (several connections, or a big file): a hashing thread
      follows the prefix. A connection offers each chunk it has just written; a chunk that lies
      within ``window_bytes`` of the hash position is kept in memory (the connection takes a
      fresh buffer from :meth:`buffer`), and the thread hashes it from there, so bytes that
      arrive roughly in order are never read back. Bytes written further ahead are read back
      from the page cache through a memory map when the prefix reaches them. Hashing runs
      beside the connections instead of slowing down the one at the frontier.

    Args:
        expectation: What to compute.
        fd: Open file descriptor of the partial file (for read-backs).
        window_bytes: Most bytes of offered chunks kept in memory.
        buffer_bytes: Size of the buffers handed out by :meth:`buffer`.
    """

    def __init__(
        self,
        expectation: Expectation,
        fd: int,
        *,
        window_bytes: int = 32 << 20,
        buffer_bytes: int = _READ,
    ):
        self.expectation = expectation
        self._fd = fd
        self._lock = threading.Lock()  # pending chunks, pool, position
        self._hash_lock = threading.Lock()  # one updater of the hash at a time
        self._wake = threading.Condition(self._lock)
        self.position = 0
        self.reread_bytes = 0
        self.window_bytes = window_bytes
        self.buffer_bytes = buffer_bytes
        self._pending: dict[int, tuple[bytearray, int]] = {}
        self._pending_bytes = 0
        self._pool: list[bytearray] = []
        self._h: hashlib._Hash | None
        if expectation.kind is HashKind.SHA256:
            self._h = hashlib.sha256()
        elif expectation.kind is HashKind.GIT_SHA1:
            self._h = hashlib.sha1(f"blob {expectation.size}\0".encode())
        else:
            self._h = None

    # --- one writer in order ----------------------------------------------------------------
    def feed(self, offset: int, data: memoryview) -> bool:
        """Hash ``data`` written at ``offset`` if it continues the prefix; True if it did."""
        if self._h is None:
            return False
        with self._hash_lock:
            if offset != self.position:
                return False
            self._h.update(data)
            self.position += len(data)
            return True

    # --- connections + a hashing thread ---------------------------------------------------------
    def buffer(self) -> bytearray:
        """A read buffer of ``buffer_bytes`` (a recycled one when available)."""
        with self._lock:
            if self._pool:
                return self._pool.pop()
        return bytearray(self.buffer_bytes)

    def give_back(self, buf: bytearray) -> None:
        """Return a buffer a connection no longer needs."""
        if len(buf) != self.buffer_bytes:
            return
        with self._lock:
            if len(self._pool) * self.buffer_bytes < self.window_bytes:
                self._pool.append(buf)

    def offer(self, offset: int, buf: bytearray, nbytes: int) -> bool:
        """A chunk ``buf[:nbytes]`` was just written at ``offset`` (call before the scheduler
        counts it as written). True: the hasher keeps ``buf`` and the caller must take another
        buffer; False: the bytes will be read back from the file when their turn comes."""
        if self._h is None:
            return False
        with self._lock:
            if (
                offset < self.position
                or offset + nbytes > self.position + self.window_bytes
                or self._pending_bytes + nbytes > self.window_bytes
                or offset in self._pending
            ):
                return False
            self._pending[offset] = (buf, nbytes)
            self._pending_bytes += nbytes
            if offset == self.position:
                self._wake.notify()
            return True

    def run_behind(self, prefix_end: Callable[[], int], stop: threading.Event) -> None:
        """Hashing thread body: hash up to ``prefix_end()`` as it grows, until ``stop``."""
        while not stop.is_set():
            self.catch_up(prefix_end())
            with self._lock:
                if not stop.is_set() and self.position not in self._pending:
                    self._wake.wait(0.02)

    def stop_behind(self, stop: threading.Event) -> None:
        """Make :meth:`run_behind` return soon."""
        stop.set()
        with self._lock:
            self._wake.notify_all()

    def catch_up(self, prefix_end: int) -> None:
        """Hash from the frontier up to ``prefix_end``: kept chunks from memory, the rest read
        back through a read-only memory map of the file (its bytes are in the page cache,
        just written; ``pread`` where mapping is not possible)."""
        if self._h is None:
            self.position = max(self.position, prefix_end)
            return
        with self._hash_lock:
            mapped: mmap.mmap | None = None
            try:
                while True:
                    with self._lock:
                        start = self.position
                        self._drop_pending_before(start)
                        # A kept chunk is on disk already: hash it even if the scheduler
                        # has not counted it yet.
                        kept = self._pending.pop(start, None)
                        if kept is not None:
                            self._pending_bytes -= kept[1]
                        elif start >= prefix_end:
                            return
                        else:
                            ahead = [o for o in self._pending if start < o < prefix_end]
                            stop_at = min(ahead, default=prefix_end)
                    if kept is not None:
                        buf, n = kept
                        self._h.update(memoryview(buf)[:n])
                        with self._lock:
                            self.position = start + n
                            if len(self._pool) * self.buffer_bytes < self.window_bytes:
                                self._pool.append(buf)
                        continue
                    end = min(stop_at, start + _MAP_STEP)
                    if mapped is None:
                        mapped = _map(self._fd, prefix_end)
                    if mapped is not None and end <= len(mapped):
                        with memoryview(mapped) as view:
                            self._h.update(view[start:end])
                    else:
                        end = start + self._pread_into_hash(start, end)
                        if end == start:
                            return
                    with self._lock:
                        self.position = end
                        self.reread_bytes += end - start
            finally:
                if mapped is not None:
                    mapped.close()

    def _drop_pending_before(self, position: int) -> None:
        for offset in [o for o in self._pending if o < position]:
            _, n = self._pending.pop(offset)
            self._pending_bytes -= n

    def _pread_into_hash(self, start: int, end: int) -> int:
        assert self._h is not None
        buf = bytearray(min(_READ, end - start))
        view = memoryview(buf)
        pos = start
        while pos < end:
            n = min(len(buf), end - pos)
            got = os.preadv(self._fd, [view[:n]], pos)
            if got <= 0:
                break
            self._h.update(view[:got])
            pos += got
        return pos - start

    def result(self) -> str | None:
        """The hex digest (None for size-only checks)."""
        return None if self._h is None else self._h.hexdigest()

    def matches(self) -> bool:
        """Whether the whole file has been hashed and equals the expected digest."""
        if self.expectation.kind is HashKind.SIZE:
            return True
        return self.position == self.expectation.size and self.result() == self.expectation.digest


def _map(fd: int, length: int) -> mmap.mmap | None:
    try:
        return mmap.mmap(fd, length, prot=mmap.PROT_READ)
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
