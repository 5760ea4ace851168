"""Remote paths are untrusted: turn them into local paths that cannot escape a folder.

A path from a server (a repo file name, a ModelScope ``Path``, a URL's last segment) is refused
when it is empty, absolute, has a drive letter, contains a backslash, a NUL or another control
character, or any ``.``/``..`` component. Only then is it joined to the destination, and the
result is checked once more to be inside it.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from hfsuite.core.errors import UnsafePathError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_remote_path(remote: str) -> PurePosixPath:
    """Validate a repo-relative path and return it as a POSIX path.

    Raises:
        UnsafePathError: the path could land outside its folder.
    """
    problem = None
    if not remote or not remote.strip():
        problem = "it is empty"
    elif "\\" in remote:
        problem = "it contains a backslash"
    elif _CONTROL.search(remote):
        problem = "it contains a control character"
    elif remote.startswith("/") or _DRIVE.match(remote):
        problem = "it is absolute"
    else:
        parts = remote.split("/")
        if any(p in ("", ".", "..") for p in parts):
            problem = "it has an empty, '.' or '..' component"
    if problem:
        raise UnsafePathError(
            f"Refusing the remote path {remote!r}: {problem}.",
            hint="The server sent a file name that could write outside the destination; "
            "nothing was written.",
        )
    return PurePosixPath(remote)


def safe_join(root: Path, remote: str) -> Path:
    """``root / remote`` after :func:`check_remote_path`, verified to stay inside ``root``."""
    rel = check_remote_path(remote)
    target = root.joinpath(*rel.parts)
    root_abs = root.resolve()
    # Resolve the parent (it may not exist yet); the file itself may be a symlink we replace.
    parent = target.parent.resolve()
    if parent != root_abs and root_abs not in parent.parents:
        raise UnsafePathError(
            f"Refusing the remote path {remote!r}: it resolves outside {root}.",
            hint="A folder on the way is a link pointing elsewhere; nothing was written.",
        )
    return target
