"""Revisions: what a branch, tag or commit name may look like, and which one a command uses.

:func:`check_revision` applies git's rules for ref names (``git check-ref-format``) to every
revision a user gives, in ``org/name@rev``, in a URL or with ``--revision``, so they are all
refused the same way before any request. :func:`pick_revision` combines a name's revision with
``--revision``.
"""

from __future__ import annotations

import re

from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr

__all__ = ["check_revision", "pick_revision", "shown"]

_REV_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._+/-]*$")
_MAX_REV = 255
_SHOWN = 200


def shown(text: str) -> str:
    """``text`` quoted for a message, cut after 200 characters."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "…")


def check_revision(revision: str, given_as: str | None = None) -> str:
    """Refuse a revision that git could not have as a ref name (``git check-ref-format``).

    The same rule holds for ``org/name@rev``, a URL's revision and ``--revision``, so no bad
    revision reaches a server: only letters, digits and ``._+-/``; no ``..`` or ``//``; no
    part that starts with ``.`` or ends with ``.lock``; no leading ``/`` or trailing ``/``
    or ``.``.

    Args:
        revision: The branch, tag, commit sha or PR ref.
        given_as: The text the revision came from (default: ``--revision <revision>``).

    Returns:
        The revision, unchanged.

    Raises:
        UsageError: naming the revision and where it came from.
    """
    if (
        len(revision) > _MAX_REV
        or not _REV_RE.match(revision)
        or ".." in revision
        or "//" in revision
        or revision.endswith(("/", "."))
        or any(part.startswith(".") or part.endswith(".lock") for part in revision.split("/"))
    ):
        text = f"--revision {revision}" if given_as is None else given_as
        raise UsageError(
            tr(
                "{revision} (in {text}) is not a valid revision.",
                revision=shown(revision),
                text=shown(text),
            ),
            hint=tr("Use a branch, tag, commit sha or PR ref such as main, v1.0 or refs/pr/1."),
        )
    return revision


def pick_revision(text: str, named: str | None, option: str | None) -> str | None:
    """The revision in effect when a name may carry one and ``--revision`` may give one.

    Args:
        text: What the user typed as the name (for the message).
        named: The revision the name carries (``org/name@rev``, a URL's), or None.
        option: The ``--revision`` value, or None.

    Raises:
        UsageError: ``option`` is not a valid revision, or the two disagree.
    """
    if option is None:
        return named
    check_revision(option)
    if named is not None and named != option:
        raise UsageError(
            tr(
                "{text} names the revision {named}, but --revision says {option}.",
                text=shown(text),
                named=shown(named),
                option=shown(option),
            ),
            hint=tr(
                "Give the revision once: in the name (org/name@rev, or the URL's) or with "
                "--revision."
            ),
        )
    return option
