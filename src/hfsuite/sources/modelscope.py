"""ModelScope as a source of models and datasets (PROTOCOL-DETAILS §6).

Listing: ``GET /api/v1/models/{owner}/{name}/repo/files?Revision=…&Recursive=True`` (datasets:
``/api/v1/datasets/{id}/repo/tree`` paged by ``PageNumber``/``PageSize``), answered inside the
``{"Code","Data","Message","RequestId","Success"}`` envelope. Bytes:
``GET /api/v1/{models|datasets}/{id}/repo?Revision=…&FilePath=…`` (Range supported; LFS files
redirect to a CDN). Files carry a SHA-256, so every file is verified. A listing that leaves a
file's size out (an older mirror, a proxy) is completed by a HEAD of that file's URL.

The token (``MODELSCOPE_API_TOKEN``) goes as ``Authorization: Bearer`` and the
``m_session_id`` cookie, to the endpoint's origin only.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from hfsuite.core.errors import (
    AuthenticationError,
    EntryNotFoundError,
    HfSuiteError,
    NetworkError,
    RepoNotFoundError,
    RevisionNotFoundError,
    ServerError,
    SourceError,
)
from hfsuite.core.i18n import tr
from hfsuite.core.remote import (
    Fetcher,
    HttpAnswer,
    RemoteFile,
    RepoSnapshot,
    is_sha256,
    normalize_etag,
)
from hfsuite.core.source import file_in
from hfsuite.core.types import RepoRef, RepoType, SourceKind

DEFAULT_REVISION = "master"
_PAGE = 200
#: HEAD requests at once for the files a listing gave no size.
HEAD_WORKERS = 8

log = logging.getLogger(__name__)


class ModelScopeAuth:
    """Bearer token and session cookie for the endpoint's origin only."""

    def __init__(self, endpoint: str, token: str | None):
        self._origin = _origin(endpoint)
        self._token = token

    def headers_for(self, url: str) -> dict[str, str]:
        if self._token and _origin(url) == self._origin:
            return {
                "Authorization": f"Bearer {self._token}",
                "Cookie": f"m_session_id={self._token}",
            }
        return {}


class ModelScopeSource:
    """Resolves ModelScope repositories and explains ModelScope's errors (a ``Source``).

    Args:
        endpoint: Base URL (``https://modelscope.cn`` or ``MODELSCOPE_ENDPOINT``).
        fetcher: Makes the metadata requests.
        token: ModelScope access token, or None.
    """

    kind = SourceKind.MODELSCOPE

    def __init__(self, endpoint: str, fetcher: Fetcher, token: str | None = None):
        self.endpoint = endpoint.rstrip("/")
        self.fetcher = fetcher
        self.token = token
        self.auth = ModelScopeAuth(self.endpoint, token)

    def _segment(self, ref: RepoRef) -> str:
        if ref.repo_type is RepoType.SPACE:
            raise SourceError(tr("ModelScope studios (spaces) cannot be downloaded."))
        return "datasets" if ref.repo_type is RepoType.DATASET else "models"

    def repo_url(self, ref: RepoRef) -> str:
        """The repository's page."""
        return f"{self.endpoint}/{self._segment(ref)}/{ref.repo_id}"

    def file_url(self, ref: RepoRef, path: str) -> str:
        """Where one file's bytes are served, at ``ref``'s revision (default ``master``)."""
        return self._file_url(ref, ref.revision or DEFAULT_REVISION, path)

    def _file_url(self, ref: RepoRef, revision: str, path: str) -> str:
        return (
            f"{self.endpoint}/api/v1/{self._segment(ref)}/{ref.repo_id}/repo?"
            f"Revision={quote(revision, safe='')}&FilePath={quote_plus(path)}"
        )

    def _get(self, url: str, ref: RepoRef) -> dict[str, Any]:
        try:
            answer = self.fetcher.fetch("GET", url, self.auth.headers_for(url))
        except NetworkError as exc:
            # The message names the host; say which setting holds it.
            where = "ModelScope's address: `hfsuite config get modelscope_endpoint`."
            exc.hint = f"{exc.hint} {where}" if exc.hint else where
            raise
        if answer.status != 200:
            raise self._error(answer.status, _message(answer), ref)
        data = answer.json()
        if not isinstance(data, dict) or data.get("Code", 200) != 200:
            code = data.get("Code", 500) if isinstance(data, dict) else 500
            raise self._error(int(code), _message(answer), ref)
        return data

    def snapshot(self, ref: RepoRef) -> RepoSnapshot:
        """List a repository's files at a revision (default ``master``).

        Raises:
            RepoNotFoundError, RevisionNotFoundError, AuthenticationError, ServerError.
        """
        revision = ref.revision or DEFAULT_REVISION
        segment = self._segment(ref)
        base = f"{self.endpoint}/api/v1/{segment}/{ref.repo_id}"
        rev_q = quote(revision, safe="")
        entries: list[dict[str, Any]] = []
        if segment == "models":
            data = self._get(f"{base}/repo/files?Revision={rev_q}&Recursive=True", ref)
            entries = list((data.get("Data") or {}).get("Files") or [])
        else:
            page = 1
            while True:
                url = (
                    f"{base}/repo/tree?Revision={rev_q}&Recursive=True&PageNumber={page}"
                    f"&PageSize={_PAGE}"
                )
                data = self._get(url, ref)
                batch = list((data.get("Data") or {}).get("Files") or [])
                entries += batch
                if len(batch) < _PAGE:
                    break
                page += 1
        files: list[RemoteFile] = []
        sizeless: list[RemoteFile] = []
        commit = revision
        for entry in entries:
            if entry.get("Type") != "blob":
                continue
            path = str(entry.get("Path") or "")
            commit = str(entry.get("Revision") or commit)
            sha = (entry.get("Sha256") or "").lower() or None
            size = entry.get("Size")
            remote = RemoteFile(
                path=path,
                size=int(size or 0),
                url=self._file_url(ref, revision, path),
                sha256=sha,
                lfs=bool(entry.get("IsLFS")),
            )
            (sizeless if size is None or size == "" else files).append(remote)
        if sizeless:
            files.extend(self._sizes_by_head(ref, sizeless))
            files.sort(key=lambda f: f.path)
        resolved = RepoRef(ref.repo_id, ref.repo_type, revision, SourceKind.MODELSCOPE)
        return RepoSnapshot(ref=resolved, commit=commit, files=tuple(files))

    def _sizes_by_head(self, ref: RepoRef, bare: list[RemoteFile]) -> list[RemoteFile]:
        """``bare`` (files the listing gave no size) with the size each file's URL answers to a
        HEAD (``Content-Length`` after redirects), a few requests at a time.

        Raises:
            ServerError: a file's size cannot be learned (never taken as 0).
            AuthenticationError, NetworkError: as for the listing.
        """
        log.info("%s lists %d file(s) without sizes; asking each.", ref.repo_id, len(bare))
        workers = max(1, min(HEAD_WORKERS, len(bare)))
        with ThreadPoolExecutor(workers, thread_name_prefix="ms-head") as pool:
            return list(pool.map(lambda f: self._head_size(ref, f), bare))

    def _head_size(self, ref: RepoRef, bare: RemoteFile) -> RemoteFile:
        answer = self.fetcher.fetch("HEAD", bare.url, self.auth.headers_for(bare.url))
        if answer.status in (401, 403):
            raise self._error(answer.status, "", ref)
        length = (answer.header("content-length") or "").strip()
        if answer.status != 200 or not length.isdigit():
            said = f"HTTP {answer.status}" if answer.status != 200 else "no Content-Length"
            raise ServerError(
                tr(
                    "ModelScope did not say the size of {path} in {repo} (its file list leaves "
                    "it out and a HEAD of the file answered {said}).",
                    path=repr(bare.path),
                    repo=ref.repo_id,
                    said=said,
                ),
                hint=tr(
                    "The server or a proxy between strips it; try another modelscope_endpoint."
                ),
            )
        sha = bare.sha256
        if sha is None:
            etag = normalize_etag(answer.header("x-linked-etag") or answer.header("etag"))
            sha = etag if is_sha256(etag) else None
        return RemoteFile(bare.path, int(length), bare.url, sha256=sha, lfs=bare.lfs)

    def file_metadata(self, ref: RepoRef, path: str) -> RemoteFile:
        """One file of ``ref``, from the listing (which carries its SHA-256).

        Raises:
            EntryNotFoundError: no such file at that revision; others as :meth:`snapshot`.
        """
        return file_in(self.snapshot(ref), path)

    def check_access(self, ref: RepoRef) -> None:
        """Make sure the token (or anonymous access) can see ``ref``: ModelScope has no
        download-permission check, so this asks for the repository's info.

        Raises:
            RepoNotFoundError, AuthenticationError, ServerError: why not.
        """
        revision = quote(ref.revision or DEFAULT_REVISION, safe="")
        base = f"{self.endpoint}/api/v1/{self._segment(ref)}/{ref.repo_id}"
        self._get(f"{base}?Revision={revision}", ref)

    def map_error(self, answer: HttpAnswer) -> HfSuiteError:
        """Turn an error answer to a file request into a typed error."""
        parts = urlsplit(answer.url).path.split("/")
        repo_id = "/".join(parts[4:6]) if len(parts) >= 6 else "?"
        kind = RepoType.DATASET if "datasets" in parts[:4] else RepoType.MODEL
        return self._error(answer.status, _message(answer), RepoRef(repo_id, kind))

    def _error(self, status: int, message: str, ref: RepoRef) -> HfSuiteError:
        what = f"ModelScope {ref.repo_type.value} {ref.repo_id}"
        lowered = message.lower()
        if status == 404 and "revision" in lowered:
            return RevisionNotFoundError(
                tr("{what} has no revision {revision}.", what=what, revision=repr(ref.revision)),
                hint=tr("See its revisions at {page}.", page=self.repo_url(ref)),
            )
        if status == 404 and "file" in lowered:
            return EntryNotFoundError(
                tr("{what}: {message}.", what=what, message=message),
                hint=tr("Check the file path."),
            )
        if status == 404:
            return RepoNotFoundError(
                tr("{what} was not found (or it is private).", what=what),
                hint=tr("Check the name; private repositories need MODELSCOPE_API_TOKEN."),
            )
        if status in (401, 403):
            return AuthenticationError(
                tr("{what} refused access ({status}).", what=what, status=status),
                hint=tr("Set MODELSCOPE_API_TOKEN to a token with access to it."),
            )
        if status == 429 or status >= 500:
            return ServerError(
                tr("ModelScope answered HTTP {status}.", status=status), hint=tr("Try again later.")
            )
        return SourceError(
            tr(
                "ModelScope answered HTTP {status} for {repo}: {message}",
                status=status,
                repo=ref.repo_id,
                message=message,
            )
        )


def _message(answer: HttpAnswer) -> str:
    try:
        import json

        data = json.loads(answer.read_all().decode("utf-8"))
        if isinstance(data, dict):
            return str(data.get("Message") or "")
    except (ValueError, UnicodeDecodeError):
        pass
    return ""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
