"""Turning what a user types into a repository reference.

Accepts ``org/name``, ``name`` (legacy ids), and a ``datasets/`` or ``spaces/`` prefix; an
``@revision`` suffix sets the revision. (Hub URLs, ``hf://`` and ModelScope names come with the
full parser.)
"""

from __future__ import annotations

import re

from hfsuite.core.errors import UsageError
from hfsuite.core.types import RepoRef, RepoType

_ID_PART = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_REPO_ID = re.compile(rf"^(?:{_ID_PART}/)?{_ID_PART}$")


def parse_repo_arg(
    text: str, repo_type: RepoType | None = None, revision: str | None = None
) -> RepoRef:
    """Parse ``[datasets/|spaces/]org/name[@rev]``.

    Raises:
        UsageError: the text is not a repository id.
    """
    value = text.strip()
    rev = revision
    if "@" in value:
        value, _, at_rev = value.partition("@")
        rev = rev or at_rev or None
    kind = repo_type or RepoType.MODEL
    for prefix, prefixed_type in (
        ("datasets/", RepoType.DATASET),
        ("spaces/", RepoType.SPACE),
        ("models/", RepoType.MODEL),
    ):
        if value.startswith(prefix) and value.count("/") == 2:
            value = value[len(prefix) :]
            kind = prefixed_type
    if not _REPO_ID.match(value) or ".." in value or value.endswith((".", "-")):
        raise UsageError(
            f"{text!r} is not a repository id.",
            hint="Use the form org/name, e.g. openai-community/gpt2 (datasets/org/name for a "
            "dataset).",
        )
    return RepoRef(value, kind, rev)
