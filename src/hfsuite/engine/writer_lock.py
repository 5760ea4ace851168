"""One writer per destination file, across processes and hosts that share the folder.

Two workers given the same file (two tasks into one destination, or a task taken back from a
worker that only looked dead) must not write its partial file at once. The writer holds an
exclusive ``flock`` on the partial file itself while it downloads and places the file; another
waits (cancellably) and then finds the file complete or resumes where the first stopped.

No lock file of its own: a many-file download would create and delete one more file for each
of its files (on a file system without a journal, each deleted inode slows the next creation
down; measured: 16 % of a 1,000-file download). Taking the lock creates the partial file when
there is none; released unused (empty), it is removed again. The holder places the file by
renaming the partial, so a waiter may then hold a lock on a file no longer at that path: after
locking it checks that the path still names the file it locked, and starts over if not. A
symlink at the partial path is never followed (it is removed, its target untouched). The OS
drops the lock when its process dies (``kill -9``), so a dead worker never blocks a file. On
network file systems ``flock`` is as good as their locking (NFSv4: yes; some SMB mounts: per
host only). On Windows no lock is taken (workers there: one per destination).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from hfsuite.engine.fileio import open_partial
from hfsuite.engine.paths import KnownFolders

log = logging.getLogger(__name__)

WAIT_STEP_S = 0.2
"""How often a waiting writer tries the lock again (and checks for a cancel)."""


class WriterLock:
    """An exclusive lock on one destination file while this process writes it.

    Args:
        partial: The partial file the writer fills.
        wait: Called between attempts with the seconds to wait; raises to give up
            (the transfer's cancellable sleep).
        on_wait: Called once when another writer holds the file.
        ensure_folder: Makes sure the lock's folder exists (the transfer's
            :class:`~hfsuite.engine.paths.KnownFolders`); default: a KnownFolders of its own.
    """

    def __init__(
        self,
        partial: Path,
        wait: Callable[[float], None],
        on_wait: Callable[[], None] | None = None,
        ensure_folder: Callable[[Path], None] | None = None,
    ):
        self.path = partial
        self._wait = wait
        self._on_wait = on_wait
        self._ensure_folder = ensure_folder or KnownFolders().ensure
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        if sys.platform == "win32":
            return self
        import fcntl

        told = False
        self._ensure_folder(self.path.parent)
        while True:
            fd = open_partial(self.path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if not told:
                    told = True
                    log.info("%s: another process writes this file; waiting", self.path.name)
                    if self._on_wait is not None:
                        self._on_wait()
                self._wait(WAIT_STEP_S)
                continue
            except BaseException:
                os.close(fd)
                raise
            if _same_file(fd, self.path):
                self._fd = fd
                return self
            os.close(fd)  # locked a lock file its holder had just removed: take the new one

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def release(self) -> None:
        """Let go (idempotent); the partial file stays for a resume, unless it is the empty
        file the lock created and nothing wrote (a file found complete after a wait, or one
        given up before its download began)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):  # a read-only folder: the empty file stays
                if os.fstat(fd).st_size == 0 and _same_file(fd, self.path):
                    self.path.unlink()
        finally:
            os.close(fd)  # drops the flock


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
