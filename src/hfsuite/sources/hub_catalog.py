"""Browsing the Hub: search pages, repository details, refs, commits and model cards.

Two halves: *fetch* functions return the Hub's raw JSON (what the API cache stores), *parse*
functions turn it into the plain dataclasses the CLI and the GUI show. Requests go through
huggingface_hub's HTTP session with redirects followed by hand, so that the token is sent to the
endpoint's own origin only (a search cursor or a README redirect can never leak it).

Search pages follow the Hub's cursor pagination (PROTOCOL-DETAILS §1.5): the ``Link:
<…>; rel="next"`` URL of a page is the opaque cursor of the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from hfsuite.core.errors import HfSuiteError, RepoNotFoundError, UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoRef, RepoType
from hfsuite.sources.huggingface import HuggingFaceSource

#: ``--sort`` names → the Hub's sort keys.
SORT_KEYS = {
    "downloads": "downloads",
    "likes": "likes",
    "trending": "trendingScore",
    "updated": "lastModified",
    "created": "createdAt",
}
_EXPAND = (
    "author",
    "downloads",
    "likes",
    "tags",
    "pipeline_tag",
    "library_name",
    "lastModified",
    "createdAt",
    "private",
    "gated",
    "trendingScore",
)
_NEXT_RE = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_MAX_HOPS = 5


@dataclass(frozen=True)
class Freshness:
    """Where metadata came from.

    Attributes:
        from_cache: Served from the API cache (no request made).
        stale: The cached copy had expired and could not be refreshed (offline).
        fetched_at: Unix time the data was fetched from the Hub.
        note: A sentence for the user when the data may be out of date.
    """

    from_cache: bool = False
    stale: bool = False
    fetched_at: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """One repository in search results."""

    id: str
    repo_type: RepoType = RepoType.MODEL
    author: str | None = None
    downloads: int = 0
    likes: int = 0
    trending_score: float = 0.0
    pipeline_tag: str | None = None
    library_name: str | None = None
    tags: tuple[str, ...] = ()
    last_modified: str | None = None
    created_at: str | None = None
    private: bool = False
    gated: bool | str = False


@dataclass(frozen=True)
class SearchPage:
    """One page of search results.

    Attributes:
        hits: The repositories on this page.
        next_cursor: Pass to ``search(cursor=…)`` for the next page; None on the last page.
        freshness: Whether it came from the cache.
    """

    hits: tuple[SearchHit, ...]
    next_cursor: str | None = None
    freshness: Freshness = field(default_factory=Freshness)

    @property
    def has_next(self) -> bool:
        """Whether another page follows."""
        return self.next_cursor is not None


@dataclass(frozen=True)
class FileEntry:
    """One file of a repository at a commit."""

    path: str
    size: int
    lfs: bool = False
    sha256: str | None = None
    blob_id: str | None = None


@dataclass(frozen=True)
class RepoDetails:
    """Everything ``hfsuite info`` shows about a repository."""

    id: str
    repo_type: RepoType
    commit: str | None
    revision: str | None = None
    author: str | None = None
    private: bool = False
    gated: bool | str = False
    license: str | None = None
    tags: tuple[str, ...] = ()
    pipeline_tag: str | None = None
    library_name: str | None = None
    downloads: int = 0
    likes: int = 0
    last_modified: str | None = None
    created_at: str | None = None
    files: tuple[FileEntry, ...] = ()
    card_data: dict[str, Any] = field(default_factory=dict)
    freshness: Freshness = field(default_factory=Freshness)

    @property
    def total_size(self) -> int:
        """Sum of the file sizes, in bytes."""
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class RepoRefs:
    """Branches, tags and pull requests (name → commit)."""

    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    pull_requests: dict[str, str] = field(default_factory=dict)


# --- HTTP -------------------------------------------------------------------------------------
def _get(
    source: HuggingFaceSource, url: str, params: Any = None, ref: RepoRef | None = None
) -> Any:
    """GET with the token for the endpoint's origin only; Hub errors become typed errors."""
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    session = get_session()
    for _ in range(_MAX_HOPS):
        headers = build_hf_headers(token=False, library_name="hfsuite")
        headers.update(source.auth.headers_for(url))
        try:
            response = session.get(url, params=params, headers=headers, follow_redirects=False)
            if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(str(response.url), response.headers["location"])
                params = None  # the Location carries the query
                continue
            hf_raise_for_status(response)
        except HfSuiteError:
            raise
        except Exception as exc:
            raise source.translate_error(exc, ref or RepoRef("the Hub")) from exc
        return response
    too_many = RuntimeError(f"too many redirects at {url}")
    raise source.translate_error(too_many, ref or RepoRef("?"))


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme.lower(), pa.netloc.lower()) == (pb.scheme.lower(), pb.netloc.lower())


# --- fetch (raw JSON) -------------------------------------------------------------------------
def search_url(
    source: HuggingFaceSource,
    query: str | None = None,
    *,
    author: str | None = None,
    filters: tuple[str, ...] = (),
    sort: str = "downloads",
    limit: int = 20,
    repo_type: RepoType = RepoType.MODEL,
) -> tuple[str, list[tuple[str, str]]]:
    """The first page's URL and parameters (also the cache key of that page).

    Raises:
        UsageError: an unknown sort name or a bad limit.
    """
    if sort not in SORT_KEYS:
        raise UsageError(
            tr("Unknown sort {sort}.", sort=repr(sort)),
            hint=tr("Use one of: {choices}.", choices=", ".join(SORT_KEYS)),
        )
    if not 1 <= limit <= 1000:
        raise UsageError(
            tr("--limit {limit} is out of range.", limit=limit), hint=tr("Use 1 to 1000.")
        )
    params: list[tuple[str, str]] = []
    if query:
        params.append(("search", query))
    if author:
        params.append(("author", author))
    params += [("filter", f) for f in filters]
    params += [("sort", SORT_KEYS[sort]), ("direction", "-1"), ("limit", str(limit))]
    params += [("expand", e) for e in _EXPAND if repo_type is RepoType.MODEL or e != "pipeline_tag"]
    return f"{source.endpoint}/api/{repo_type.api_segment}", params


def fetch_search_page(
    source: HuggingFaceSource, url: str, params: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """One raw page: ``{"items": [...], "next": cursor-or-None}``.

    Raises:
        UsageError: the cursor does not belong to the endpoint.
    """
    if not _same_origin(url, source.endpoint):
        raise UsageError(
            tr("This search cursor belongs to another server."),
            hint=tr("Start the search again."),
        )
    response = _get(source, url, params)
    items = response.json()
    match = _NEXT_RE.search(response.headers.get("link", ""))
    next_url = match.group(1) if match else None
    if next_url is not None and not _same_origin(next_url, source.endpoint):
        next_url = None
    return {"items": items if isinstance(items, list) else [], "next": next_url}


def fetch_repo_info(source: HuggingFaceSource, ref: RepoRef) -> dict[str, Any]:
    """Raw repo info with file sizes (``?blobs=true``), following renames."""
    url = f"{source.endpoint}/api/{ref.repo_type.api_segment}/{ref.repo_id}"
    if ref.revision:
        url += f"/revision/{quote(ref.revision, safe='')}"
    data = _get(source, url, {"blobs": "true"}, ref).json()
    if not isinstance(data, dict) or "id" not in data:
        raise RepoNotFoundError(
            tr("{endpoint} sent no information about {ref}.", endpoint=source.endpoint, ref=ref)
        )
    return data


def fetch_refs(source: HuggingFaceSource, ref: RepoRef) -> dict[str, Any]:
    """Raw ``/refs`` with pull requests."""
    url = f"{source.endpoint}/api/{ref.repo_type.api_segment}/{ref.repo_id}/refs"
    data = _get(source, url, {"include_prs": "1"}, ref).json()
    return data if isinstance(data, dict) else {}


def fetch_model_card(source: HuggingFaceSource, ref: RepoRef, commit: str) -> str | None:
    """README.md at a commit, or None when the repository has none."""
    from hfsuite.core.errors import EntryNotFoundError

    url = source.file_url(RepoRef(ref.repo_id, ref.repo_type, commit, ref.source), "README.md")
    try:
        response = _get(source, url, None, ref)
    except EntryNotFoundError:
        return None
    return str(response.content.decode("utf-8", "replace"))


# --- parse ------------------------------------------------------------------------------------
def parse_search_page(raw: dict[str, Any], repo_type: RepoType = RepoType.MODEL) -> SearchPage:
    """A raw page (from :func:`fetch_search_page`) as dataclasses."""
    hits = tuple(
        SearchHit(
            id=str(item.get("id") or item.get("modelId") or ""),
            repo_type=repo_type,
            author=item.get("author") or (str(item.get("id", "")).split("/")[0] or None),
            downloads=int(item.get("downloads") or 0),
            likes=int(item.get("likes") or 0),
            trending_score=float(item.get("trendingScore") or 0.0),
            pipeline_tag=item.get("pipeline_tag"),
            library_name=item.get("library_name"),
            tags=tuple(item.get("tags") or ()),
            last_modified=item.get("lastModified"),
            created_at=item.get("createdAt"),
            private=bool(item.get("private")),
            gated=item.get("gated") or False,
        )
        for item in raw.get("items", [])
        if isinstance(item, dict)
    )
    return SearchPage(hits=hits, next_cursor=raw.get("next"))


def _license(data: dict[str, Any]) -> str | None:
    card = data.get("cardData") or {}
    value = card.get("license") if isinstance(card, dict) else None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if value:
        return str(value)
    for tag in data.get("tags") or ():
        if isinstance(tag, str) and tag.startswith("license:"):
            return tag.split(":", 1)[1]
    return None


def parse_repo_info(data: dict[str, Any], ref: RepoRef) -> RepoDetails:
    """Raw repo info (from :func:`fetch_repo_info`) as dataclasses."""
    files = []
    for sibling in data.get("siblings") or ():
        lfs = sibling.get("lfs") or None
        size = (lfs or {}).get("size", sibling.get("size"))
        files.append(
            FileEntry(
                path=str(sibling.get("rfilename")),
                size=int(size or 0),
                lfs=lfs is not None,
                sha256=(lfs or {}).get("sha256"),
                blob_id=sibling.get("blobId"),
            )
        )
    card = data.get("cardData")
    return RepoDetails(
        id=str(data.get("id") or ref.repo_id),
        repo_type=ref.repo_type,
        commit=data.get("sha"),
        revision=ref.revision,
        author=data.get("author"),
        private=bool(data.get("private")),
        gated=data.get("gated") or False,
        license=_license(data),
        tags=tuple(data.get("tags") or ()),
        pipeline_tag=data.get("pipeline_tag"),
        library_name=data.get("library_name"),
        downloads=int(data.get("downloads") or 0),
        likes=int(data.get("likes") or 0),
        last_modified=data.get("lastModified"),
        created_at=data.get("createdAt"),
        files=tuple(sorted(files, key=lambda f: f.path)),
        card_data=card if isinstance(card, dict) else {},
    )


def parse_refs(data: dict[str, Any]) -> RepoRefs:
    """Raw ``/refs`` as name → commit maps."""

    def table(key: str) -> dict[str, str]:
        return {
            str(item.get("name")): str(item.get("targetCommit"))
            for item in data.get(key) or ()
            if isinstance(item, dict)
        }

    return RepoRefs(table("branches"), table("tags"), table("pullRequests"))
