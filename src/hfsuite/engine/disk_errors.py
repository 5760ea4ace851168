"""Failed writes to disk, as typed errors that say which file, which folder and what to do.

Every write of the engine (data, resume state, metadata, ``refs/``, snapshot links, the final
rename) ends up here when the operating system refuses it: a full volume or quota (ENOSPC,
EDQUOT) is a :class:`DiskFullError` (exit 9), a refused write (EACCES, EPERM, EROFS) or a
file where a folder must be (ENOTDIR) a :class:`DestinationNotWritableError`, a name too long
for the file system (ENAMETOOLONG) a :class:`PathTooLongError`; any other error stays the
generic "cannot write to disk".
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from hfsuite.core.errors import (
    DestinationNotWritableError,
    DiskFullError,
    HfSuiteError,
    PathTooLongError,
    TransferError,
)
from hfsuite.core.i18n import N_, tr
from hfsuite.core.units import format_bytes

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS}


def failed_path(exc: OSError, fallback: Path | str) -> Path:
    """The file an OSError names (the destination of a rename or link), else ``fallback``."""
    name = exc.filename2 or exc.filename
    if isinstance(name, (str, os.PathLike)):
        return Path(name)
    return Path(fallback)


def _file_in_the_way(path: Path) -> Path:
    """The outermost part of ``path``'s folders that exists and is not a folder (ENOTDIR's
    culprit), else the path's folder."""
    for part in reversed(path.parents):
        try:
            if part.exists() and not part.is_dir():
                return part
        except OSError:
            break
    return path.parent


def disk_error(
    exc: OSError, path: Path | str, *, what: str, needed_bytes: int | None = None
) -> HfSuiteError:
    """The typed error for a write the operating system refused.

    Args:
        exc: The refusal.
        path: The file being written (when the error does not name one itself).
        what: What that file is, in words ("weights/model.bin", "the resume state of …").
        needed_bytes: Bytes still to write on that volume, when known.

    Returns:
        The error to raise (``raise disk_error(...) from exc``).
    """
    file = failed_path(exc, path)
    folder = file.parent
    if exc.errno in _FULL:
        quota = exc.errno != errno.ENOSPC
        if needed_bytes:
            template = (
                N_(
                    "Disk quota exceeded while writing {what} ({file}): {needed} still to write "
                    "in {folder}."
                )
                if quota
                else N_(
                    "Disk full while writing {what} ({file}): {needed} still to write in {folder}."
                )
            )
            return DiskFullError(
                tr(
                    template, what=what, file=file, needed=format_bytes(needed_bytes), folder=folder
                ),
                hint=tr(
                    "Free at least {needed} there (or choose another destination). Data already "
                    "written is kept: running the same download again resumes.",
                    needed=format_bytes(needed_bytes),
                ),
                path=str(folder),
                needed_bytes=needed_bytes,
            )
        template = (
            N_("Disk quota exceeded while writing {what} ({file}) in {folder}.")
            if quota
            else N_("Disk full while writing {what} ({file}) in {folder}.")
        )
        return DiskFullError(
            tr(template, what=what, file=file, folder=folder),
            hint=tr(
                "Free some space there (or choose another destination). Data already written is "
                "kept: running the same download again resumes."
            ),
            path=str(folder),
        )
    if exc.errno in _REFUSED:
        template = (
            N_("Cannot write {what} ({file}): the file system is read-only in {folder}.")
            if exc.errno == errno.EROFS
            else N_("Cannot write {what} ({file}): permission denied in {folder}.")
        )
        return DestinationNotWritableError(
            tr(template, what=what, file=file, folder=folder),
            hint=tr(
                "Choose a destination you can write to, or fix its permissions (or mount it "
                "read-write). Data already written is kept: running the same download again "
                "resumes."
            ),
            details=str(exc),
        )
    if exc.errno == errno.ENOTDIR:
        blocker = _file_in_the_way(file)
        return DestinationNotWritableError(
            tr(
                "Cannot write {what} ({file}): {blocker} is a file, not a folder.",
                what=what,
                file=file,
                blocker=blocker,
            ),
            hint=tr(
                "Choose another destination, or move that file out of the way; then run the "
                "same download again."
            ),
            details=str(exc),
        )
    if exc.errno == errno.ENAMETOOLONG:
        return PathTooLongError(
            tr(
                "Cannot write {what}: the path {file} ({length} characters) is too long for the "
                "file system of {folder}.",
                what=what,
                file=file,
                length=len(str(file)),
                folder=folder,
            ),
            hint=tr(
                "Choose a destination with a shorter path (or, for an HF cache, a shorter cache "
                "folder)."
            ),
            details=str(exc),
        )
    return TransferError(
        tr("{what}: cannot write to disk: {reason}.", what=what, reason=exc.strerror or exc),
        hint=tr(
            "Check the destination's free space and permissions; the partial file is kept for "
            "resume."
        ),
    )
