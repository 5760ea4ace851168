"""How lists name what a task or history entry downloads.

The name is one the name parser reads back as the same repository: ``org/name`` for a Hub model,
``datasets/org/name`` and ``spaces/org/name`` for the other kinds, ``modelscope:owner/name``
(``modelscope:datasets/owner/name``) for ModelScope, the URL itself for a plain file; with
``@revision`` when one was asked for.
"""

from __future__ import annotations

from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.sources.names import NameKind, ParsedName, format_name

__all__ = ["shown_name"]


def shown_name(
    source: SourceKind,
    repo_type: RepoType,
    repo_id: str | None,
    url: str | None,
    revision: str | None = None,
) -> str:
    """The name of a download as a person would type it again.

    Args:
        source: Which hub (or a plain URL).
        repo_type: model, dataset or space.
        repo_id: ``org/name`` (None for a plain URL).
        url: The file URL of a plain-URL download.
        revision: The revision asked for (None: the default branch).
    """
    if source is SourceKind.URL or not repo_id:
        return url or repo_id or ""
    ref = RepoRef(repo_id, repo_type, revision, source)
    return format_name(ParsedName(NameKind.REPO, ref))
