"""What a hub says about a repository: its files and how to verify them.

Sources (``hfsuite.sources``) produce these; the engine consumes them. Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from hfsuite.core.types import RepoRef

_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def is_sha1(text: str | None) -> bool:
    """A 40-hex git object id (or commit)."""
    return bool(text and _SHA1.match(text))


def is_sha256(text: str | None) -> bool:
    """A 64-hex SHA-256 digest."""
    return bool(text and _SHA256.match(text))


def normalize_etag(value: str | None) -> str | None:
    """An ``ETag`` header's value as a bare tag: ``W/"abc"`` and ``"abc"`` both give ``abc``.

    Args:
        value: The header's value, or None when it is missing.

    Returns:
        The tag without the weak marker and the quotes; None when there is none.
    """
    if not value:
        return None
    return value.strip().removeprefix("W/").strip('"') or None


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """One file of a repository at a commit.

    Attributes:
        path: Repo-relative POSIX path (untrusted until checked by the engine).
        size: Size of the content in bytes.
        url: Where the bytes are fetched (may redirect to a CDN).
        blob_id: Git blob sha1 of the content for regular files (of the pointer for LFS files).
        sha256: SHA-256 of the content when the hub publishes it (LFS files, ModelScope).
        lfs: Stored in LFS (its etag is the sha256).
        pinned: The sha256 is what the user demands (not what a server reported): a server
            offering other bytes is an error, never a newer version to adopt.
        xet_hash: The file's Xet id when the hub stores it in Xet (``xetHash`` of a listing).
        xet_auth_url: The hub route that hands out Xet read tokens for it (the ``xet-auth``
            link of its resolve answer); with ``xet_hash``, the engine needs no probe.
    """

    path: str
    size: int
    url: str
    blob_id: str | None = None
    sha256: str | None = None
    lfs: bool = False
    pinned: bool = False
    xet_hash: str | None = None
    xet_auth_url: str | None = None

    @property
    def etag(self) -> str | None:
        """The name huggingface_hub gives the blob: sha256 for LFS files, git sha1 otherwise."""
        if self.lfs and self.sha256:
            return self.sha256
        return self.blob_id or self.sha256


@dataclass(frozen=True, slots=True)
class RepoSnapshot:
    """A repository resolved to a commit, with its file list.

    Attributes:
        ref: The repository and the revision that was asked for.
        commit: The 40-hex commit the revision resolved to (or the source's equivalent).
        files: Every file at that commit.
    """

    ref: RepoRef
    commit: str
    files: tuple[RemoteFile, ...] = field(default_factory=tuple)

    @property
    def total_bytes(self) -> int:
        """Sum of all file sizes."""
        return sum(f.size for f in self.files)


class RequestAuth(Protocol):
    """Decides which headers a request to a URL carries (a token only for its own host)."""

    def headers_for(self, url: str) -> dict[str, str]:
        """Headers to add for this URL (empty for hosts that must not see the token)."""
        ...


class HttpAnswer(Protocol):
    """The parts of an HTTP response a source needs to explain an error."""

    @property
    def status(self) -> int:
        """HTTP status code."""
        ...

    @property
    def url(self) -> str:
        """The URL that answered."""
        ...

    def header(self, name: str, default: str | None = None) -> str | None:
        """A response header (case-insensitive)."""
        ...

    def read_all(self, limit: int = ...) -> bytes:
        """The (small) body."""
        ...


@dataclass(frozen=True)
class FetchedResponse:
    """A complete, small HTTP response (metadata, JSON).

    Attributes:
        status: HTTP status.
        url: The URL that answered (after redirects).
        headers: Response headers, names lower-cased.
        body: The body (bounded in size by the fetcher).
    """

    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str, default: str | None = None) -> str | None:
        """A header by case-insensitive name."""
        return self.headers.get(name.lower(), default)

    def read_all(self, limit: int = 1 << 20) -> bytes:
        """The body (so a FetchedResponse is also an :class:`HttpAnswer`)."""
        return self.body[:limit]

    def json(self) -> object:
        """The body parsed as JSON."""
        import json

        return json.loads(self.body.decode("utf-8"))


class Fetcher(Protocol):
    """Makes small HTTP requests for sources (metadata, listings); bytes go through the engine."""

    def fetch(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        follow_redirects: bool = True,
        body: bytes | None = None,
    ) -> FetchedResponse:
        """Send a request and read the whole (small) answer.

        Raises:
            NetworkError: the connection failed.
        """
        ...
