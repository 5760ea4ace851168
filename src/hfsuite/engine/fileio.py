"""A download's low-level file I/O: opening its partial file, each thread's read buffer, and
``fsync`` in the background.

:class:`BackgroundFlush` serves both flushes of a big file (engine.filedownload): the
write-back the ticker starts every ``write_back_bytes``, and the final one before the rename,
which runs while the last bytes are hashed.
"""

from __future__ import annotations

import errno
import mmap
import os
import threading
from pathlib import Path

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def open_own(path: Path, flags: int, mode: int = 0o644) -> int:
    """``os.open`` for a file of the download's own (partial file, metadata) that never follows
    a symlink at its path: one planted there is removed, its target untouched."""
    if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):  # Windows: asked beforehand
        path.unlink()
    try:
        return os.open(path, flags | _NO_FOLLOW, mode)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
    path.unlink()  # a symlink: the link goes, not what it points to
    return os.open(path, flags | _NO_FOLLOW, mode)


def open_partial(path: Path, *, empty: bool = False) -> int:
    """Open (create) a partial file for writing (:func:`open_own`); ``empty``: truncated to
    0 bytes."""
    return open_own(path, os.O_RDWR | os.O_CREAT | (os.O_TRUNC if empty else 0))


def file_size(path: Path) -> int | None:
    """The size of the file at ``path`` (a symlink's own), None when there is none."""
    try:
        return os.lstat(path).st_size
    except FileNotFoundError:
        return None


_buffers = threading.local()


def read_buffer(size: int) -> memoryview:
    """The calling thread's read buffer of ``size`` bytes, kept for its next segments and files.

    A new ``bytearray`` per segment or small file had 1 MiB zeroed, page by page, with the
    interpreter lock held: 1,000 small files (bench/engine_matrix.py ``small``, 5 interleaved
    rounds, twice) took 4.61 and 4.63 s with it, 3.85 and 4.12 s without (0.4–0.8 CPU-s less).

    The buffer is an anonymous mapping, not a ``bytearray``: a ``bytearray`` is zeroed when
    made, its pages touched one by one with the interpreter lock held (32 connections: 32 MiB,
    ~30 ms of the lock while ``hfsuite download`` imports its queue), where a mapping's pages
    come zeroed from the kernel when the first ``recv_into`` writes them, the lock released.
    """
    view: memoryview | None = getattr(_buffers, "view", None)
    if view is None or len(view) != size:
        view = memoryview(_anonymous_map(size))
        _buffers.view = view
    return view


def _anonymous_map(size: int) -> mmap.mmap:
    """``size`` bytes of anonymous memory whose pages the kernel supplies, zeroed, on first
    write: private on POSIX; on Windows (no ``MAP_PRIVATE``) backed by the page file, pages
    likewise committed when first touched.

    Raises:
        MemoryError: when the system has no memory for it (as a ``bytearray`` would), not an
            ``OSError`` a download could take for a failed write.
    """
    try:
        if hasattr(mmap, "MAP_PRIVATE"):
            flags = mmap.MAP_PRIVATE | getattr(mmap, "MAP_ANONYMOUS", 0)
            return mmap.mmap(-1, size, flags=flags)
        return mmap.mmap(-1, size)
    except OSError as exc:
        raise MemoryError(f"no memory for a {size}-byte read buffer ({exc.strerror})") from exc


class BackgroundFlush(threading.Thread):
    """``fsync`` of a file in the background; ``wait()`` re-raises its error."""

    def __init__(self, fd: int, name: str = "hfsuite-flush"):
        super().__init__(name=name, daemon=True)
        self.fd = fd
        self.error: OSError | None = None

    def run(self) -> None:
        try:
            os.fsync(self.fd)
        except OSError as exc:
            self.error = exc

    def wait(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error
