"""File hashes, computed once: SHA-256 cached by (device, inode, size, mtime), the short forms
image tools print (AutoV1, AutoV2), a partial hash for duplicate pre-grouping, and a parallel
hasher with progress and cancel.

The cache is a :class:`HashCache` passed in by the caller; :class:`MemoryHashCache` keeps it in
memory (tests, one-off runs), a persistent one lives outside this package.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple, Protocol

from hfsuite.core.clock import Clock, SystemClock

MIB = 1024 * 1024
# 1 MiB: of 256 KiB to 8 MiB (bench/library_bench.py), 1-2 MiB read fastest; larger buffers
# fall out of the CPU cache between the kernel's copy and the hash (8 MiB was up to 2x slower).
# hashlib drops the GIL for updates this large, so threads hash files in parallel.
DEFAULT_BUFFER = MIB
AUTOV1_OFFSET = 0x100000
AUTOV1_LENGTH = 0x10000
AUTOV2_LENGTH = 10
AUTOV1_LENGTH_HEX = 8
PARTIAL_EDGE = MIB
PROGRESS_INTERVAL_S = 0.2

StatFn = Callable[[str], os.stat_result]
OpenFn = Callable[[str], BinaryIO]


def _open_binary(path: str) -> BinaryIO:
    return open(path, "rb", buffering=0)


class FileKey(NamedTuple):
    """What identifies a file's content without reading it: if any part changes, re-hash.

    A named tuple (ordered, hashable, equal to the plain ``(device, inode, size, mtime_ns)``
    tuple the storage keeps): a scan makes one per file, and a frozen dataclass took twice as
    long to build as the ``stat`` that fills it.
    """

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileKey:
        """The key of a stat result."""
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    @property
    def file_id(self) -> tuple[int, int]:
        """(device, inode): the same for every hard link of one file."""
        return (self.device, self.inode)


class HashCache(Protocol):
    """SHA-256 hex digests keyed by :class:`FileKey`."""

    def get(self, key: FileKey) -> str | None:
        """The digest recorded for ``key``, or None."""
        ...

    def put(self, key: FileKey, sha256: str) -> None:
        """Record the digest of the file with ``key``."""
        ...


class MemoryHashCache:
    """A :class:`HashCache` in a dict (thread-safe: the hasher writes from several threads)."""

    def __init__(self, entries: Mapping[FileKey, str] | None = None):
        self._entries: dict[FileKey, str] = dict(entries or {})
        self._lock = threading.Lock()

    def get(self, key: FileKey) -> str | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: FileKey, sha256: str) -> None:
        with self._lock:
            self._entries[key] = sha256

    def __len__(self) -> int:
        return len(self._entries)


class HashCancelled(Exception):
    """Hashing stopped because the cancel token was set."""


def sha256_stream(
    f: BinaryIO,
    *,
    buffer_size: int = DEFAULT_BUFFER,
    cancel: threading.Event | None = None,
    on_bytes: Callable[[int], None] | None = None,
    size_hint: int | None = None,
) -> str:
    """SHA-256 of everything left in an open binary file.

    Args:
        f: The file, opened for reading in binary mode.
        buffer_size: Bytes read per call.
        cancel: When set, stop between reads with :class:`HashCancelled`.
        on_bytes: Called with the number of bytes of each read (progress).
        size_hint: The expected size: a smaller buffer is used for a small file (a file that
            grew is still read to its end).
    """
    h = hashlib.sha256()
    if size_hint is not None:
        # A small file needs no full-size buffer: allocating one per file costs more than the hash.
        buffer_size = max(1, min(buffer_size, size_hint + 1))
    buf = bytearray(buffer_size)
    view = memoryview(buf)
    while True:
        if cancel is not None and cancel.is_set():
            raise HashCancelled()
        n = f.readinto(buf)  # type: ignore[attr-defined]
        if not n:
            break
        h.update(view[:n])
        if on_bytes is not None:
            on_bytes(n)
    return h.hexdigest()


def sha256_file(path: str | os.PathLike[str], *, buffer_size: int = DEFAULT_BUFFER) -> str:
    """SHA-256 (hex) of a whole file."""
    with _open_binary(os.fspath(path)) as f:
        return sha256_stream(f, buffer_size=buffer_size)


def autov2(sha256: str) -> str:
    """The "AutoV2" short hash A1111 and CivitAI print: the first 10 hex digits of SHA-256."""
    return sha256[:AUTOV2_LENGTH].lower()


def autov1_file(path: str | os.PathLike[str], open_fn: OpenFn = _open_binary) -> str:
    """The old A1111 "AutoV1" model hash: SHA-256 of 64 KiB at offset 1 MiB, first 8 hex digits.

    A file shorter than 1 MiB hashes whatever is there (nothing: the hash of no bytes), as
    A1111 did.
    """
    with open_fn(os.fspath(path)) as f:
        f.seek(AUTOV1_OFFSET)
        data = f.read(AUTOV1_LENGTH)
    return hashlib.sha256(data).hexdigest()[:AUTOV1_LENGTH_HEX]


def partial_digest(path: str, size: int, open_fn: OpenFn = _open_binary) -> str:
    """SHA-256 of the first and last MiB (the whole file when it is at most 2 MiB).

    Cheap to compute; equal files always agree, so it splits size groups before full hashing.
    """
    h = hashlib.sha256()
    with open_fn(path) as f:
        if size <= 2 * PARTIAL_EDGE:
            h.update(f.read())
        else:
            h.update(f.read(PARTIAL_EDGE))
            f.seek(size - PARTIAL_EDGE)
            h.update(f.read(PARTIAL_EDGE))
    return h.hexdigest()


def resolve_model_hash(
    value: str,
    hashes: Mapping[str, str],
    autov1_of: Callable[[str], str | None] | None = None,
) -> list[str]:
    """The files an image's "Model hash: …" names.

    Args:
        value: The hash as printed: full SHA-256, AutoV2 (10 hex) or AutoV1 (8 hex).
        hashes: Known files, path → SHA-256.
        autov1_of: Computes a file's AutoV1 (None when unreadable); asked only for 8-digit
            values that match no SHA-256 prefix.
    """
    v = value.strip().lower()
    if not v or any(c not in "0123456789abcdef" for c in v):
        return []
    by_prefix = sorted(p for p, sha in hashes.items() if sha.lower().startswith(v))
    if by_prefix and len(v) in (64, AUTOV2_LENGTH):
        return by_prefix
    if len(v) == AUTOV1_LENGTH_HEX and autov1_of is not None:
        return sorted(p for p in hashes if autov1_of(p) == v)
    return by_prefix if len(v) >= AUTOV2_LENGTH else []


def record_verified(cache: HashCache, st: os.stat_result, sha256: str) -> FileKey:
    """Record the hash a finished download was verified with, so it is never re-read.

    Args:
        cache: Where hashes are kept.
        st: The stat of the file at its final path, taken after it was moved there.
        sha256: The digest the bytes were verified against.
    """
    key = FileKey.of(st)
    cache.put(key, sha256.lower())
    return key


@dataclass(frozen=True, slots=True)
class HashProgress:
    """Progress of a hashing run."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    current_path: str | None


@dataclass(frozen=True, slots=True)
class HashProblem:
    """A file that could not be hashed; the run goes on."""

    path: str
    message: str


@dataclass
class HashRun:
    """The outcome of :meth:`Hasher.hash_files`."""

    hashes: dict[str, str] = field(default_factory=dict)  # path -> sha256
    keys: dict[str, FileKey] = field(default_factory=dict)  # path -> key the hash belongs to
    problems: list[HashProblem] = field(default_factory=list)
    read_bytes: int = 0  # bytes actually read (cache hits read nothing)
    read_files: int = 0  # files actually read
    cancelled: bool = False


class Hasher:
    """Hashes files in parallel, through a :class:`HashCache`.

    Args:
        cache: Where digests are looked up and recorded.
        workers: Threads (files hashed at once); defaults to the number of cores.
        clock: Times progress reports.
        stat: ``os.stat`` (injectable for tests).
        open_fn: Opens a file for binary reading (injectable for tests).
        buffer_size: Bytes per read.
    """

    def __init__(
        self,
        cache: HashCache,
        *,
        workers: int | None = None,
        clock: Clock | None = None,
        stat: StatFn = os.stat,
        open_fn: OpenFn = _open_binary,
        buffer_size: int = DEFAULT_BUFFER,
    ):
        self.cache = cache
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.clock = clock or SystemClock()
        self._stat = stat
        self._open = open_fn
        self.buffer_size = buffer_size

    def sha256(self, path: str, cancel: threading.Event | None = None) -> str:
        """The SHA-256 of one file, from the cache when its key is unchanged (lazy use).

        Raises:
            OSError: The file cannot be read, or changed while it was read.
            HashCancelled: ``cancel`` was set.
        """
        return self._hash_one(path, cancel, None)[0]

    def _hash_one(
        self,
        path: str,
        cancel: threading.Event | None,
        on_bytes: Callable[[int], None] | None,
    ) -> tuple[str, FileKey, int]:
        key = FileKey.of(self._stat(path))
        cached = self.cache.get(key)
        if cached is not None:
            return cached, key, 0
        with self._open(path) as f:
            digest = sha256_stream(
                f,
                buffer_size=self.buffer_size,
                cancel=cancel,
                on_bytes=on_bytes,
                size_hint=key.size,
            )
        after = FileKey.of(self._stat(path))
        if after != key:
            raise OSError(f"{path} changed while it was hashed ({key.size} → {after.size} bytes)")
        self.cache.put(key, digest)
        return digest, key, key.size

    def hash_files(
        self,
        paths: Iterable[str],
        *,
        on_progress: Callable[[HashProgress], None] | None = None,
        cancel: threading.Event | None = None,
        sizes: Mapping[str, int] | None = None,
    ) -> HashRun:
        """Hash many files, several at a time; cache hits read nothing.

        Args:
            paths: The files.
            on_progress: Called a few times per second and once at the end.
            cancel: When set, running files stop between reads and the rest are not started.
            sizes: Known sizes for the progress total (else each file is stat'ed up front).
        """
        todo = list(dict.fromkeys(paths))
        total = sum(sizes[p] if sizes and p in sizes else self._size_or_zero(p) for p in todo)
        run = HashRun()
        lock = threading.Lock()
        state = {"files": 0, "bytes": 0, "last": -1.0}
        current: list[str | None] = [None]

        def report(force: bool) -> None:
            if on_progress is None:
                return
            now = self.clock.monotonic()
            with lock:
                if not force and now - state["last"] < PROGRESS_INTERVAL_S:
                    return
                state["last"] = now
                snapshot = HashProgress(
                    int(state["files"]), len(todo), int(state["bytes"]), total, current[0]
                )
            on_progress(snapshot)

        def add_bytes(n: int) -> None:
            with lock:
                state["bytes"] += n
            report(False)

        def work(path: str) -> None:
            if cancel is not None and cancel.is_set():
                return
            with lock:
                current[0] = path
            try:
                digest, key, read = self._hash_one(path, cancel, add_bytes)
            except HashCancelled:
                return
            except OSError as exc:
                with lock:
                    run.problems.append(HashProblem(path, str(exc)))
                    state["files"] += 1
                return
            with lock:
                run.hashes[path] = digest
                run.keys[path] = key
                run.read_bytes += read
                run.read_files += 1 if read else 0
                state["files"] += 1
                if read == 0:
                    state["bytes"] += key.size
            report(False)

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="hash") as pool:
            for future in [pool.submit(work, p) for p in todo]:
                future.result()
        run.cancelled = bool(cancel is not None and cancel.is_set())
        current[0] = None
        report(True)
        return run

    def _size_or_zero(self, path: str) -> int:
        try:
            return self._stat(path).st_size
        except OSError:
            return 0
