"""Plain HTTP(S) file URLs (e.g. links found in ComfyUI workflows) as a source.

One URL is one file. A ``HEAD`` (redirects followed) tells its size, its name (from
``Content-Disposition`` or the URL's last segment) and an ETag; when the server does not answer
HEAD usefully, a one-byte ``Range`` GET asks for the size instead. An expected SHA-256 given by
the user is verified; otherwise only the size is.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from hfsuite.core.errors import (
    AuthenticationError,
    EntryNotFoundError,
    HfSuiteError,
    ServerError,
    SourceError,
    UsageError,
)
from hfsuite.core.i18n import tr
from hfsuite.core.remote import (
    FetchedResponse,
    Fetcher,
    HttpAnswer,
    RemoteFile,
    RepoSnapshot,
    normalize_etag,
)
from hfsuite.core.types import RepoRef, RepoType, SourceKind

_FILENAME_STAR = re.compile(r"filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)")
_FILENAME = re.compile(r'filename\s*=\s*"?([^";]+)"?')
_UNSAFE_NAME = re.compile(r"[\\/\x00-\x1f]")


class NoCredentials:
    """Direct URLs carry no token (a signed URL carries its own)."""

    def headers_for(self, url: str) -> dict[str, str]:
        return {}


class DirectUrlSource:
    """Resolves a file URL (the ``repo_id`` of a ``SourceKind.URL`` ref) into a one-file
    snapshot (a ``Source``).

    Args:
        fetcher: Makes the HEAD / probe requests.
        sha256: Expected SHA-256 of the file (verified after download), if known.
        filename: Name to save under (default: from the server or the URL).
    """

    kind = SourceKind.URL

    def __init__(self, fetcher: Fetcher, *, sha256: str | None = None, filename: str | None = None):
        self.fetcher = fetcher
        self.sha256 = sha256
        self.filename = filename
        self.auth = NoCredentials()

    def file_url(self, ref: RepoRef, path: str) -> str:
        """The URL itself: it is the one file."""
        return ref.repo_id

    def check_access(self, ref: RepoRef) -> None:
        """Nothing to check: a URL carries no token, and only asking for it (as
        :meth:`snapshot` does) tells whether it answers."""

    def file_metadata(self, ref: RepoRef, path: str) -> RemoteFile:
        """The URL's one file, whatever ``path`` says (its name comes from the server)."""
        return self.snapshot(ref).files[0]

    def snapshot(self, ref: RepoRef) -> RepoSnapshot:
        """Describe the file at the URL ``ref.repo_id``.

        Raises:
            UsageError: not an http(s) URL or a bad hash; EntryNotFoundError,
                AuthenticationError, ServerError from the server's answer.
        """
        url, sha256 = ref.repo_id, self.sha256
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(tr("{url} is not an http(s) URL.", url=repr(url)))
        if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
            raise UsageError(tr("{sha256} is not a SHA-256 (64 hex digits).", sha256=repr(sha256)))
        answer = self.fetcher.fetch("HEAD", url)
        size = _int(answer.header("Content-Length")) if answer.status == 200 else None
        if answer.status in (405, 501) or (answer.status == 200 and size is None):
            answer = self.fetcher.fetch("GET", url, {"Range": "bytes=0-0"})
            size = _total_from_range(answer.header("Content-Range"))
        if answer.status >= 400:
            raise self._error(answer.status, url)
        if size is None:
            raise SourceError(
                tr(
                    "{host} did not say how big {url} is, so it cannot be downloaded safely in "
                    "parts.",
                    host=parts.netloc,
                    url=url,
                ),
                hint=tr("Try the same file from another mirror."),
            )
        name = self.filename or _name_from(answer, url)
        etag = normalize_etag(answer.header("ETag"))
        remote = RemoteFile(
            path=name,
            size=size,
            url=answer.url or url,
            sha256=sha256.lower() if sha256 else None,
            lfs=bool(sha256),
            pinned=bool(sha256),
        )
        ref = RepoRef(url, RepoType.MODEL, None, SourceKind.URL)
        return RepoSnapshot(ref=ref, commit=etag or "url", files=(remote,))

    def map_error(self, answer: HttpAnswer) -> HfSuiteError:
        """Turn an error answer into a typed error."""
        return self._error(answer.status, answer.url)

    @staticmethod
    def _error(status: int, url: str) -> HfSuiteError:
        host = urlsplit(url).netloc
        if status == 404 or status == 410:
            return EntryNotFoundError(
                tr(
                    "Nothing at {url} ({host} answered {status}).",
                    url=url,
                    host=host,
                    status=status,
                ),
                hint=tr("Check the link; it may have moved."),
            )
        if status in (401, 403):
            return AuthenticationError(
                tr("{host} refused access to {url} ({status}).", host=host, url=url, status=status),
                hint=tr("The link may need a login or may have expired; get a fresh one."),
            )
        if status == 429 or status >= 500:
            return ServerError(
                tr("{endpoint} answered HTTP {status}.", endpoint=host, status=status),
                hint=tr("Try again later."),
            )
        return SourceError(
            tr("{host} answered HTTP {status} for {url}.", host=host, status=status, url=url)
        )


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _total_from_range(value: str | None) -> int | None:
    if not value or "/" not in value:
        return None
    total = value.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


def _name_from(answer: FetchedResponse, url: str) -> str:
    disposition = answer.header("Content-Disposition") or ""
    name = None
    match = _FILENAME_STAR.search(disposition) or _FILENAME.search(disposition)
    if match:
        name = unquote(match.group(1).strip())
    if not name:
        name = unquote(urlsplit(answer.url or url).path.rsplit("/", 1)[-1])
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return name or "download"
