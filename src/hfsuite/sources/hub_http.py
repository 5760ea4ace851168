"""The few Hub API calls a download needs, over the engine's own HTTP client.

A download asks the Hub three things before its first byte: the repository's info with its file
list (``/api/{type}s/{id}/revision/{rev}?blobs=true``), whether this token may read the files
(``/auth-check``), and, for a listing without sizes or hashes, a ``HEAD`` of each such file's
resolve URL. huggingface_hub's ``HfApi`` answers them too, but importing it (and the httpx client
it brings) costs about a quarter of a second before the first byte; the engine's client is
already loaded. This module speaks the same requests and reads the same fields; errors keep
huggingface_hub's reading of the answer (:func:`error_code`), so the messages a person sees do
not depend on which client asked.

Only what a download needs lives here; everything else (refs, the catalog, tokens) still goes
through huggingface_hub.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from hfsuite.core.errors import ServerError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import FetchedResponse, Fetcher
from hfsuite.core.types import RepoRef

#: A repo API URL (as huggingface_hub's ``REPO_API_REGEX``): a 401 there means "not found".
_REPO_API = re.compile(r"^https://[^/]+(/api/(models|datasets|spaces)/(.+)|/(.+)/resolve/(.+))")
_MAX_HOPS = 5


@dataclass(frozen=True, slots=True)
class LfsInfo:
    """An LFS file's size and SHA-256, as the listing gives them."""

    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Sibling:
    """One file of a repository listing (the fields huggingface_hub's ``RepoSibling`` has)."""

    rfilename: str
    size: int | None = None
    blob_id: str | None = None
    lfs: LfsInfo | None = None
    xet_hash: str | None = None


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """What a download reads of a repository's info (same names as huggingface_hub's)."""

    id: str | None
    sha: str | None
    private: bool | None
    gated: bool | str | None
    siblings: tuple[Sibling, ...]


@dataclass(frozen=True, slots=True)
class FileHead:
    """A resolve URL's headers, read as huggingface_hub's ``get_hf_file_metadata`` reads them."""

    size: int | None
    etag: str | None
    commit_hash: str | None


class HubAnswer(Exception):
    """An error answer of the Hub: status, huggingface_hub's error code, message, URL."""

    def __init__(self, status: int, code: str, message: str, url: str):
        super().__init__(f"HTTP {status} {code} {message} for {url}")
        self.status = status
        self.code = code
        self.message = message
        self.url = url


def error_code(answer: FetchedResponse) -> tuple[str, str]:
    """(code, message) of an error answer, as huggingface_hub's ``hf_raise_for_status`` reads
    it: ``X-Error-Code``/``X-Error-Message``, and a 401 on a repo API URL without a code (private,
    gated or missing alike) counts as ``RepoNotFound`` unless the token itself was refused."""
    code = answer.header("X-Error-Code") or ""
    message = answer.header("X-Error-Message") or ""
    if (
        not code
        and answer.status == 401
        and message != "Invalid credentials in Authorization header"
        and _REPO_API.search(answer.url)
    ):
        code = "RepoNotFound"
    return code, message


class HubCalls:
    """The Hub API calls of a download, through a :class:`~hfsuite.core.remote.Fetcher`.

    Args:
        endpoint: The Hub's base URL (no trailing slash).
        fetcher: Makes the requests (the engine's client: proxy, TLS, timeouts, retries).
        headers_for: The credentials for a URL (asked again at every redirect hop, so a token
            never follows a redirect to another host).
    """

    def __init__(
        self, endpoint: str, fetcher: Fetcher, headers_for: Callable[[str], dict[str, str]]
    ):
        self.endpoint = endpoint
        self._fetcher = fetcher
        self._headers_for = headers_for

    def _request(self, method: str, url: str) -> FetchedResponse:
        """Follow redirects by hand (a renamed repository answers with one)."""
        for _ in range(_MAX_HOPS):
            answer = self._fetcher.fetch(
                method, url, self._headers_for(url), follow_redirects=False
            )
            location = answer.header("Location")
            if answer.status not in (301, 302, 303, 307, 308) or not location:
                return answer
            url = urljoin(url, location)
        return answer

    def _get(self, url: str) -> FetchedResponse:
        answer = self._request("GET", url)
        if answer.status >= 400:
            code, message = error_code(answer)
            raise HubAnswer(answer.status, code, message, answer.url)
        return answer

    def _json(self, url: str) -> Any:
        answer = self._get(url)
        try:
            return answer.json()
        except ValueError:
            raise ServerError(
                tr(
                    "{host} answered {path} with something other than JSON.",
                    host=urlsplit(url).netloc,
                    path=urlsplit(url).path,
                ),
                hint=tr("Check the endpoint (`hfsuite config get endpoint`) and any proxy."),
            ) from None

    def repo_info(self, ref: RepoRef, *, files_metadata: bool = False) -> RepoInfo:
        """The repository's info at ``ref.revision`` (None: the Hub's default branch).

        Raises:
            HubAnswer: an error answer; NetworkError: no answer.
        """
        url = f"{self.endpoint}/api/{ref.repo_type.value}s/{ref.repo_id}"
        if ref.revision is not None:
            url += f"/revision/{quote(ref.revision, safe='')}"
        if files_metadata:
            url += "?blobs=True"
        data = self._json(url)
        if not isinstance(data, dict):
            data = {}
        siblings = []
        for item in data.get("siblings") or []:
            lfs = item.get("lfs")
            siblings.append(
                Sibling(
                    rfilename=item["rfilename"],
                    size=item.get("size"),
                    blob_id=item.get("blobId"),
                    lfs=LfsInfo(int(lfs["size"]), str(lfs["sha256"])) if lfs else None,
                    xet_hash=item.get("xetHash"),
                )
            )
        return RepoInfo(
            id=data.get("id"),
            sha=data.get("sha"),
            private=data.get("private"),
            gated=data.get("gated"),
            siblings=tuple(siblings),
        )

    def auth_check(self, ref: RepoRef) -> None:
        """Whether this token (or anonymous access) may read the repository's files.

        Raises:
            HubAnswer: why not; NetworkError: no answer.
        """
        self._get(f"{self.endpoint}/api/{ref.repo_type.value}s/{ref.repo_id}/auth-check")

    def whoami(self) -> dict[str, Any]:
        """whoami-v2's answer about the token the credentials carry.

        Raises:
            HubAnswer: the token is refused (401) or the Hub fails; NetworkError: no answer.
        """
        data = self._json(f"{self.endpoint}/api/whoami-v2")
        return data if isinstance(data, dict) else {}

    def head(self, url: str) -> FileHead:
        """A file's size, etag and commit from a HEAD of its resolve URL, the redirect to the
        CDN not followed (``X-Linked-Size``/``Content-Length``, ``X-Linked-Etag``/``ETag``,
        ``X-Repo-Commit``); a relative redirect (a renamed repository) is followed.

        Raises:
            HubAnswer: an error answer; NetworkError: no answer.
        """
        answer = self._fetcher.fetch("HEAD", url, self._headers_for(url), follow_redirects=False)
        for _ in range(_MAX_HOPS):
            location = answer.header("Location") or ""
            if answer.status not in (301, 302, 303, 307, 308) or urlsplit(location).netloc:
                break
            url = urljoin(url, location)
            answer = self._fetcher.fetch(
                "HEAD", url, self._headers_for(url), follow_redirects=False
            )
        if answer.status >= 400:
            code, message = error_code(answer)
            raise HubAnswer(answer.status, code, message, answer.url)
        size = answer.header("X-Linked-Size") or answer.header("Content-Length")
        return FileHead(
            size=int(size) if size and size.isdigit() else None,
            etag=answer.header("X-Linked-Etag") or answer.header("ETag"),
            commit_hash=answer.header("X-Repo-Commit"),
        )
