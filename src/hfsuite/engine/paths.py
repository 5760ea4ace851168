"""Remote paths are untrusted: turn them into local paths that cannot escape a folder.

A path from a server (a repo file name, a ModelScope ``Path``, a URL's last segment) is refused
when it is empty, absolute, has a drive letter, contains a backslash, a NUL or another control
character, or any ``.``/``..`` component. Only then is it joined to the destination, and the
result is checked once more to be inside it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from hfsuite.core.errors import UnsafePathError
from hfsuite.core.i18n import N_, tr

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_remote_path(remote: str) -> PurePosixPath:
    """Validate a repo-relative path and return it as a POSIX path.

    Raises:
        UnsafePathError: the path could land outside its folder.
    """
    problem = None
    if not remote or not remote.strip():
        problem = N_("Refusing the remote path {remote}: it is empty.")
    elif "\\" in remote:
        problem = N_("Refusing the remote path {remote}: it contains a backslash.")
    elif _CONTROL.search(remote):
        problem = N_("Refusing the remote path {remote}: it contains a control character.")
    elif remote.startswith("/") or _DRIVE.match(remote):
        problem = N_("Refusing the remote path {remote}: it is absolute.")
    else:
        parts = remote.split("/")
        if any(p in ("", ".", "..") for p in parts):
            problem = N_(
                "Refusing the remote path {remote}: it has an empty, '.' or '..' component."
            )
    if problem:
        raise UnsafePathError(
            tr(problem, remote=repr(remote)),
            hint=tr(
                "The server sent a file name that could write outside the destination; "
                "nothing was written."
            ),
        )
    return PurePosixPath(remote)


class PathGuard:
    """Joins untrusted relative paths to one folder, never letting them escape it.

    With ``.``/``..`` refused, a join can only escape through a symlinked folder on the way, so
    each parent folder is resolved once and the answer remembered (a repo of 10,000 files in one
    folder resolves that folder once, not 10,000 times), whether it exists yet or not. A layout
    joins every path once, when the download is planned, before anything is written: a link
    someone makes between two joins of one plan goes unseen exactly as one made after the last
    join would, so remembering a folder that does not exist yet hides nothing more.

    Args:
        root: The folder everything must stay in.
    """

    def __init__(self, root: Path):
        self.root = root
        self._real_root: str | None = None
        self._verified: set[str] = set()

    def join(self, remote: str) -> Path:
        """``root / remote`` after :func:`check_remote_path`, verified to stay inside ``root``.

        Raises:
            UnsafePathError: the path is hostile or leads outside through a link.
        """
        rel = check_remote_path(remote)
        target = self.root.joinpath(*rel.parts)
        parent = str(target.parent)
        if parent in self._verified:
            return target
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        real = os.path.realpath(parent)
        base = self._real_root
        if real != base and not real.startswith(base.rstrip(os.sep) + os.sep):
            raise UnsafePathError(
                tr(
                    "Refusing the remote path {remote}: it resolves outside {root}.",
                    remote=repr(remote),
                    root=self.root,
                ),
                hint=tr("A folder on the way is a link pointing elsewhere; nothing was written."),
            )
        self._verified.add(parent)
        return target


def safe_join(root: Path, remote: str) -> Path:
    """One-off :meth:`PathGuard.join` (use a PathGuard for many paths under one root)."""
    return PathGuard(root).join(remote)


class KnownFolders:
    """The folders one download has made sure exist: each is created (or found) once.

    A file's lock, partial data, metadata and final path each need their folder; without this,
    every file of a repo asked for the same folders three or four times (a ``mkdir`` that fails
    with "exists" and a ``stat`` each: 7 of the 60 system calls of a small file, each also a
    hand-over of Python's GIL between the file threads).
    """

    def __init__(self) -> None:
        self._known: set[str] = set()

    def ensure(self, folder: Path) -> None:
        """Create ``folder`` (and its parents) unless this download already did or found it."""
        key = str(folder)
        if key in self._known:
            return
        folder.mkdir(parents=True, exist_ok=True)
        self._known.add(key)
