"""The one error tree of the suite.

Every failure a user can meet is an :class:`HfSuiteError`. Each carries a message a person can
act on (what happened, and what to do about it) and an exit code for the command line. The CLI's
error printer and the UI's error presenter are the only places that show them.

```
HfSuiteError                         exit 1   anything we did not classify further
├── UsageError                       exit 2   bad arguments or input the user typed
│   ├── UnsafePathError              exit 2   a path that would escape its folder
│   ├── PathTooLongError             exit 2   a path too long for the destination's file system
│   └── WorkflowError                exit 2   a workflow or image that cannot be read
├── ConfigError                      exit 3   settings problems
│   ├── SettingsValueError           exit 3   a value a key does not accept
│   │   └── UnknownSettingError      exit 3   a setting's name that does not exist (a typo)
│   └── SettingsFileError            exit 3   the settings file cannot be read or written
├── StorageError                     exit 4   the database
│   └── MigrationError               exit 4   the schema cannot be brought up to date
├── SourceError                      exit 5   talking to a hub failed
│   ├── NetworkError                 exit 5   connection refused, reset, timeout (retryable)
│   ├── ServerError                  exit 5   5xx / 429 after all retries
│   ├── AuthenticationError          exit 6   token missing, invalid, or without access
│   │   └── GatedRepoError           exit 6   gated repo whose conditions are not accepted
│   └── NotFoundError                exit 7   nothing at that name
│       ├── RepoNotFoundError        exit 7
│       ├── RevisionNotFoundError    exit 7
│       └── EntryNotFoundError       exit 7
├── TransferError                    exit 8   moving bytes failed
│   ├── IntegrityError               exit 8   a hash or size did not match
│   ├── DestinationNotWritableError  exit 8   no permission, or a read-only file system
│   └── InsufficientSpaceError       exit 9   the plan does not fit on a volume
│       └── DiskFullError            exit 9   the volume (or quota) filled up while writing
├── RunnerBusyError                  exit 10  another process already runs the download queue
├── DesktopUnavailableError          exit 11  no display, or Qt's system libraries are missing
└── OperationCancelled               exit 130 the user asked to stop; never shown as an error
```
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import ClassVar

from hfsuite.core.i18n import joined, tr


class HfSuiteError(Exception):
    """Root of every error the suite raises on purpose.

    Args:
        message: What happened, phrased for a person.
        hint: What to do about it (optional; appended when shown).
        details: Technical detail for a "details" view or a log (optional).
    """

    exit_code: ClassVar[int] = 1
    #: Whether retrying the same operation later may succeed.
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, hint: str | None = None, details: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class UsageError(HfSuiteError):
    """The user's input cannot be used as given."""

    exit_code = 2


class UnsafePathError(UsageError):
    """A path (usually from a server) would land outside its destination folder."""


class PathTooLongError(UsageError):
    """A file or folder name is longer than the destination's file system accepts."""


class WorkflowError(UsageError):
    """A workflow file or image cannot be read: not one, malformed, too big, or cyclic."""


class ConfigError(HfSuiteError):
    """Settings cannot be read, parsed or applied."""

    exit_code = 3


class SettingsValueError(ConfigError):
    """A setting was given a value it does not accept.

    Args:
        key: The setting's name.
        allowed: A short description of what is accepted.
        value: The refused value (never a secret).
    """

    def __init__(self, key: str, allowed: str, value: object | None = None):
        super().__init__(
            tr("Invalid value for setting '{key}'.", key=key)
            if value is None
            else tr("Invalid value {value} for setting '{key}'.", value=repr(value), key=key),
            hint=tr("Allowed: {allowed}.", allowed=allowed),
        )
        self.key = key
        self.allowed = allowed


class UnknownSettingError(SettingsValueError):
    """A setting's name that does not exist: the hint names the closest known one.

    Args:
        key: The name given.
        known: Every setting's name.
    """

    def __init__(self, key: str, known: Sequence[str]):
        allowed = tr("a known setting: {names}", names=", ".join(known))
        super().__init__(key, allowed)
        self.message = tr("There is no setting '{key}'.", key=key)
        close = difflib.get_close_matches(key.strip().lower().replace("-", "_"), known, n=1)
        if close:
            self.hint = tr(
                "Did you mean '{name}'? `hfsuite config show` lists every setting.",
                name=close[0],
            )


class SettingsFileError(ConfigError):
    """The settings file is unreadable or cannot be written."""


class StorageError(HfSuiteError):
    """The database cannot be opened, read or written."""

    exit_code = 4


class MigrationError(StorageError):
    """The database schema cannot be brought to the version this program needs."""


class SourceError(HfSuiteError):
    """Talking to a hub (Hugging Face, ModelScope, a plain URL) failed."""

    exit_code = 5


class NetworkError(SourceError):
    """The connection failed (refused, reset, timed out). Usually temporary."""

    retryable = True


class ServerError(SourceError):
    """The server answered 5xx or 429 and kept doing so after retries."""

    retryable = True


class AuthenticationError(SourceError):
    """The token is missing, invalid, or has no access to what was asked."""

    exit_code = 6


class GatedRepoError(AuthenticationError):
    """A gated repository whose conditions the token's owner has not accepted."""


class NotFoundError(SourceError):
    """Nothing exists under that name (or it is private and the token cannot see it)."""

    exit_code = 7


class RepoNotFoundError(NotFoundError):
    """No repository with that id (or it is private)."""


class RevisionNotFoundError(NotFoundError):
    """The repository has no such branch, tag or commit."""


class EntryNotFoundError(NotFoundError):
    """The repository has no file at that path in that revision."""


class TransferError(HfSuiteError):
    """Moving bytes to disk failed."""

    exit_code = 8


class IntegrityError(TransferError):
    """Downloaded bytes do not match the expected size or hash."""


class InsufficientSpaceError(TransferError):
    """The download plan does not fit on a volume.

    The message states the files' bytes and the room kept free apart ("96.0 MiB to download
    + 1.0 MiB kept free"), so that neither reads as a wrong size of the files.

    Args:
        path: The folder on the volume that is too small.
        needed_bytes: Bytes the plan writes on that volume.
        free_bytes: Bytes free there now.
        headroom_bytes: Room that must stay free besides them.
        headroom_rule: How that room was chosen, in words (the ``space_headroom`` setting).
    """

    exit_code = 9

    def __init__(
        self,
        path: str,
        needed_bytes: int,
        free_bytes: int,
        *,
        headroom_bytes: int = 0,
        headroom_rule: str = "",
    ):
        from hfsuite.core.units import format_bytes

        hint = tr("Free some space, choose another destination, or select fewer files.")
        if headroom_bytes:
            rule = f" ({headroom_rule})" if headroom_rule else ""
            hint = joined(
                hint,
                tr(
                    "The room kept free is the setting space_headroom{rule}; "
                    "`hfsuite config set space_headroom 0` keeps none.",
                    rule=rule,
                ),
            )
            message = tr(
                "Not enough free space: {needed} to download + {kept} kept free, "
                "but only {free} is free on {path}.",
                needed=format_bytes(needed_bytes),
                kept=format_bytes(headroom_bytes),
                free=format_bytes(free_bytes),
                path=path,
            )
        else:
            message = tr(
                "Not enough free space: {needed} to download, but only {free} is free on {path}.",
                needed=format_bytes(needed_bytes),
                free=format_bytes(free_bytes),
                path=path,
            )
        super().__init__(message, hint=hint)
        self.path = path
        self.needed_bytes = needed_bytes
        self.free_bytes = free_bytes
        self.headroom_bytes = headroom_bytes


class DiskFullError(InsufficientSpaceError):
    """The volume filled up, or the user's quota ran out, while writing (ENOSPC, EDQUOT).

    The plan fitted when it was checked; another program took the space since. Everything
    already written is kept, so running the same download again resumes.

    Args:
        message: What was being written where.
        hint: How much room to free and what to do then.
        path: The folder that is full.
        needed_bytes: Bytes still to write there (0 when unknown).
    """

    def __init__(self, message: str, *, hint: str, path: str, needed_bytes: int = 0):
        HfSuiteError.__init__(self, message, hint=hint)
        self.path = path
        self.needed_bytes = needed_bytes
        self.free_bytes = 0
        self.headroom_bytes = 0


class DestinationNotWritableError(TransferError):
    """The destination refuses writes: no permission (EACCES, EPERM), a read-only file
    system (EROFS), or a file where one of its folders must be (ENOTDIR)."""


class RunnerBusyError(HfSuiteError):
    """Another process already runs this queue (one runner per database)."""

    exit_code = 10


class DesktopUnavailableError(HfSuiteError):
    """The desktop app cannot open a window here (no display, or system libraries Qt needs
    are missing); checked before Qt starts, since Qt would abort the process instead."""

    exit_code = 11


class OperationCancelled(HfSuiteError):
    """The user asked to stop. Not a failure: never presented as an error."""

    exit_code = 130


def unexpected_error(
    error: BaseException,
    kind: type[HfSuiteError] = HfSuiteError,
    *,
    about: str | None = None,
    download: bool = True,
) -> HfSuiteError:
    """An exception the suite did not raise on purpose (a bug), as an error to show: its type
    and text, what it happened to, and where the traceback is (the log), never the traceback
    itself.

    Args:
        error: What was raised that is not an :class:`HfSuiteError`.
        kind: The error to make (a file's download: :class:`TransferError`).
        about: What it happened to (a file's path), put before it.
        download: It ended a download (the hint says that running it again resumes it).
    """
    text = str(error).strip()
    what = type(error).__name__ + (f": {text}" if text else "")
    if about:
        what = f"{about}: {what}"
    hint = (
        tr(
            "This is a bug in hfsuite; the log has the traceback (`-vv` shows it here). "
            "Running the same download again resumes it."
        )
        if download
        else tr("This is a bug in hfsuite; the log has the traceback (`-vv` shows it here).")
    )
    return kind(tr("Unexpected error: {what}", what=what), hint=hint)
