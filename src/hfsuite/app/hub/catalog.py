"""Browsing the Hub for the CLI and the desktop app: search, repository details, model cards.

Every call goes through the API cache (:mod:`hfsuite.app.hub.apicache`) and returns plain
dataclasses from :mod:`hfsuite.sources.hub_catalog` with a :class:`Freshness` saying whether
the data came from the cache (and a note when it may be out of date)::

    page = search(suite, "llama", sort="likes", limit=20)
    more = search(suite, cursor=page.next_cursor)        # the next page, same query
    details = info(suite, "org/name")                    # files, sizes, license, tags…
    card = model_card(suite, "org/name")                 # README.md text (Markdown)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from hfsuite.app.accounts import hf_repo, hub_source
from hfsuite.app.hub.apicache import ApiCache, token_fingerprint
from hfsuite.core.errors import AuthenticationError, RepoNotFoundError
from hfsuite.core.i18n import joined, tr
from hfsuite.core.remote import is_sha1
from hfsuite.core.types import RepoRef, RepoType
from hfsuite.sources import hub_catalog
from hfsuite.sources.batch import BatchImport, parse_batch
from hfsuite.sources.hub_catalog import (
    SORT_KEYS,
    FileEntry,
    Freshness,
    RepoDetails,
    RepoRefs,
    SearchHit,
    SearchPage,
)
from hfsuite.sources.huggingface import HuggingFaceSource, kind_word

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

__all__ = [
    "SORT_KEYS",
    "FileEntry",
    "Freshness",
    "ModelCard",
    "RepoDetails",
    "RepoRefs",
    "SearchHit",
    "SearchPage",
    "import_batch",
    "info",
    "model_card",
    "refs",
    "search",
]


@dataclass(frozen=True)
class ModelCard:
    """A repository's README.md.

    Attributes:
        repo_id: The repository.
        commit: The commit it was read at.
        markdown: The text (with its YAML front matter), or None when there is no README.
        freshness: Whether it came from the cache.
    """

    repo_id: str
    commit: str | None
    markdown: str | None
    freshness: Freshness = dataclasses.field(default_factory=Freshness)


def _key(source: HuggingFaceSource, kind: str, *parts: str) -> str:
    return "|".join(("hf", source.endpoint, token_fingerprint(source.token), kind, *parts))


def search(
    suite: Suite,
    query: str | None = None,
    *,
    author: str | None = None,
    filters: Sequence[str] = (),
    sort: str = "downloads",
    limit: int = 20,
    repo_type: RepoType = RepoType.MODEL,
    cursor: str | None = None,
    token: str | None = None,
    refresh: bool = False,
) -> SearchPage:
    """One page of Hub search results (newest data unless cached in the last 5 minutes).

    Args:
        suite: The suite.
        query: Words in the repository id.
        author: Only this user's or organisation's repositories.
        filters: Tags, tasks (``text-generation``) or libraries (``diffusers``), all required.
        sort: downloads, likes, trending, updated or created (most first).
        limit: Results per page (1–1000).
        repo_type: Models, datasets or spaces.
        cursor: ``next_cursor`` of the previous page (the other arguments are then ignored).
        token: Explicit token (default: the token in effect).
        refresh: Ask the Hub even when a fresh cached page exists.

    Raises:
        UsageError: a bad sort or limit, or a cursor of another server.
        NetworkError: offline (or unreachable) and not cached.
    """
    source = hub_source(suite, token)
    if cursor is not None:
        url, params = cursor, None
        key = _key(source, "search", cursor)
    else:
        url, params = hub_catalog.search_url(
            source,
            query,
            author=author,
            filters=tuple(filters),
            sort=sort,
            limit=limit,
            repo_type=repo_type,
        )
        key = _key(source, "search", url + "?" + urlencode(params))
    body, fresh = ApiCache(suite).get(
        key,
        "search",
        lambda: hub_catalog.fetch_search_page(source, url, params),
        what=tr("search results"),
        refresh=refresh,
    )
    page = hub_catalog.parse_search_page(body, repo_type)
    return dataclasses.replace(page, freshness=fresh)


def info(
    suite: Suite,
    repo: str | RepoRef,
    *,
    token: str | None = None,
    refresh: bool = False,
) -> RepoDetails:
    """Details of a repository at a revision: commit, gating, license, tags, files and sizes.

    Pinned to a commit sha, the answer is cached for good; at a branch, for 10 minutes.

    Raises:
        RepoNotFoundError, RevisionNotFoundError, AuthenticationError: from the Hub.
        NetworkError: offline (or unreachable) and not cached.
    """
    ref, endpoint = hf_repo(suite, repo)
    source = hub_source(suite, token, endpoint)
    pinned = is_sha1(ref.revision)
    key = _key(source, "repo_info", ref.repo_type.value, ref.repo_id, ref.revision or "")
    cache = ApiCache(suite)

    def fetch() -> dict[str, Any]:
        try:
            return hub_catalog.fetch_repo_info(source, ref)
        except (RepoNotFoundError, AuthenticationError) as exc:
            # A fine-grained token refused on a public repo: read it anonymously (with a note).
            if source.fall_back_to_anonymous(exc, ref):
                return hub_catalog.fetch_repo_info(source, ref)
            raise

    body, fresh = cache.get(
        key,
        "repo_info",
        fetch,
        what=tr("information about {ref}", ref=ref),
        ttl_s=None if pinned else "default",
        refresh=refresh,
    )
    for notice in source.notices:
        fresh = dataclasses.replace(
            fresh, note=joined(fresh.note, notice) if fresh.note else notice
        )
    details = hub_catalog.parse_repo_info(body, ref)
    if details.id != ref.repo_id and not fresh.from_cache:
        kind = ref.repo_type.value.capitalize()
        note = tr(
            "{kind} {what} was renamed to {name}.",
            kind=kind_word(kind),
            what=ref.repo_id,
            name=details.id,
        )
        fresh = dataclasses.replace(fresh, note=joined(fresh.note, note) if fresh.note else note)
    return dataclasses.replace(details, freshness=fresh)


def model_card(
    suite: Suite, repo: str | RepoRef, *, token: str | None = None, refresh: bool = False
) -> ModelCard:
    """The README.md (Markdown) of a repository at its revision's current commit."""
    details = info(suite, repo, token=token, refresh=refresh)
    ref, endpoint = hf_repo(suite, repo)
    ref = RepoRef(details.id, ref.repo_type, ref.revision, ref.source)
    if details.commit is None:
        return ModelCard(details.id, None, None, details.freshness)
    source = hub_source(suite, token, endpoint)
    commit = details.commit
    key = _key(source, "model_card", ref.repo_type.value, ref.repo_id, commit)
    body, fresh = ApiCache(suite).get(
        key,
        "model_card",
        lambda: {"markdown": hub_catalog.fetch_model_card(source, ref, commit)},
        what=tr("model card of {repo}", repo=ref.repo_id),
        refresh=refresh,
    )
    return ModelCard(details.id, commit, body.get("markdown"), fresh)


def refs(
    suite: Suite, repo: str | RepoRef, *, token: str | None = None, refresh: bool = False
) -> RepoRefs:
    """Branches, tags and pull requests of a repository (name → commit)."""
    ref, endpoint = hf_repo(suite, repo)
    source = hub_source(suite, token, endpoint)
    key = _key(source, "refs", ref.repo_type.value, ref.repo_id)
    body, _ = ApiCache(suite).get(
        key,
        "refs",
        lambda: hub_catalog.fetch_refs(source, ref),
        what=tr("branches and tags of {repo}", repo=ref.repo_id),
        refresh=refresh,
    )
    return hub_catalog.parse_refs(body)


def import_batch(suite: Suite, text: str) -> BatchImport:
    """Read a list of names (a file's text or the clipboard), one per line.

    Comments (``#``) and blank lines are skipped; bad lines are reported by number.
    """
    settings = suite.settings
    return parse_batch(
        text, endpoints=[settings.endpoint], modelscope_endpoints=[settings.modelscope_endpoint]
    )
