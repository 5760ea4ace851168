"""The Hugging Face Hub (or a mirror of it) as a source of repositories.

Metadata comes through huggingface_hub's ``HfApi`` (the reference client, so mirrors that work
with it work with us), except for a download's own calls (repo info with the file list,
auth-check, whoami, HEAD of a file) when the source is given a fetcher: those go through the
engine's HTTP client (:mod:`hfsuite.sources.hub_http`, same requests, same reading of errors),
so a download does not import ``HfApi`` and its httpx client before its first byte. File bytes
are fetched by the engine from ``{endpoint}/{prefix}{repo_id}/resolve/{commit}/{path}``.
This module is the one place where the Hub's answers become typed errors with messages a
person can act on: :meth:`map_error` for raw resolve responses, :meth:`translate_error` for
huggingface_hub's exceptions. Other
modules (accounts, the catalog) reach the Hub's API only through this class's public methods.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from hfsuite.core.errors import (
    AuthenticationError,
    EntryNotFoundError,
    GatedRepoError,
    HfSuiteError,
    NetworkError,
    RepoNotFoundError,
    RevisionNotFoundError,
    ServerError,
    SourceError,
)
from hfsuite.core.i18n import N_, tr
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
from hfsuite.sources.hub_http import HubAnswer, HubCalls

log = logging.getLogger(__name__)

#: At most this many HEAD requests at once when a listing lacks sizes or hashes.
HEAD_WORKERS = 8


class EndpointAuth:
    """Sends the token to the endpoint's origin only (never to a CDN after a redirect).

    Args:
        endpoint: The Hub's base URL.
        token: The token, or None for anonymous access.
    """

    def __init__(self, endpoint: str, token: str | None):
        self._origin = _origin(endpoint)
        self._token = token

    def headers_for(self, url: str) -> dict[str, str]:
        if self._token and _origin(url) == self._origin:
            return {"Authorization": f"Bearer {self._token}"}
        return {}


class HuggingFaceSource:
    """Resolves repositories on a Hub endpoint and explains its errors (a ``Source``).

    A fine-grained token that the Hub refuses on a *public* repository is dropped for that
    repository (anonymous access works there), with a notice, unless ``anonymous_fallback``
    is off. Notices (fallbacks, renamed repositories) are logged as warnings and collected in
    :attr:`notices` for the caller to show.

    Args:
        endpoint: Base URL (``https://huggingface.co`` or a mirror).
        token: Access token, or None.
        anonymous_fallback: Retry anonymously when a fine-grained token is refused on a public
            repository.
        fetcher: Makes a download's metadata requests (repo info, auth-check, whoami, HEAD);
            None: huggingface_hub's ``HfApi`` makes them.
        prepare: Called once before huggingface_hub is first used (applies the network
            settings to its client), so a source that never needs it never pays for it.
    """

    kind = SourceKind.HUGGINGFACE

    def __init__(
        self,
        endpoint: str,
        token: str | None = None,
        *,
        anonymous_fallback: bool = True,
        fetcher: Fetcher | None = None,
        prepare: Callable[[], None] | None = None,
    ):
        self.endpoint = endpoint.rstrip("/")
        self.token = token
        self.auth = EndpointAuth(self.endpoint, token)
        self.anonymous_fallback = anonymous_fallback
        self.fetcher = fetcher
        self._prepare = prepare
        #: The download's calls through ``fetcher`` (None: through ``HfApi``).
        self.calls = (
            HubCalls(self.endpoint, fetcher, lambda url: self.auth.headers_for(url))
            if fetcher is not None
            else None
        )
        #: Things the user should know about (sentences), in the order they happened.
        self.notices: list[str] = []

    def notice(self, text: str) -> None:
        """Record and log something the user should know (not an error)."""
        self.notices.append(text)
        log.warning("%s", text)

    def _api(self) -> Any:
        if self._prepare is not None:
            self._prepare()
            self._prepare = None
        from huggingface_hub import HfApi

        return HfApi(endpoint=self.endpoint, token=self.token or False)

    # --- URLs ------------------------------------------------------------------------------
    def repo_url(self, ref: RepoRef) -> str:
        """The repo's page (where gated conditions are accepted)."""
        return f"{self.endpoint}/{ref.repo_type.url_prefix}{ref.repo_id}"

    def file_url(self, ref: RepoRef, path: str) -> str:
        """The resolve URL of one file at ``ref``'s revision (default: ``main``)."""
        return self._resolve_url(ref, ref.revision or "main", path)

    def _resolve_url(self, ref: RepoRef, revision: str, path: str) -> str:
        return (
            f"{self.endpoint}/{ref.repo_type.url_prefix}{ref.repo_id}/resolve/"
            f"{quote(revision, safe='')}/{quote(path)}"
        )

    # --- the Hub's API ---------------------------------------------------------------------
    def whoami(self) -> dict[str, Any]:
        """whoami-v2's answer about this source's token (the caller makes sure there is one).

        Raises:
            AuthenticationError: the endpoint refuses the token.
            NetworkError, ServerError: the endpoint cannot be asked.
        """
        try:
            if self.calls is not None:
                return self.calls.whoami()
            data: dict[str, Any] = self._api().whoami(token=self.token)
        except HubAnswer as answer:
            if answer.status == 401:
                raise self._refused_token() from None
            raise self._answer_error(answer, RepoRef("whoami-v2")) from None
        except HfSuiteError:
            raise
        except Exception as exc:
            status = getattr(getattr(exc, "response", None), "status_code", 0) or 0
            if status == 401 or "Invalid user token" in str(exc):
                raise self._refused_token() from exc
            raise self.translate_error(exc, RepoRef("whoami-v2")) from exc
        return data

    def repo_info(self, ref: RepoRef, *, files_metadata: bool = False) -> Any:
        """huggingface_hub's info about ``ref`` at its revision (None: the Hub's default).

        Args:
            ref: The repository.
            files_metadata: Also list the files with sizes and hashes.

        Raises:
            RepoNotFoundError, RevisionNotFoundError, GatedRepoError, AuthenticationError,
            NetworkError, ServerError: with actionable messages.
        """
        try:
            if self.calls is not None:
                return self.calls.repo_info(ref, files_metadata=files_metadata)
            return self._api().repo_info(
                ref.repo_id,
                repo_type=ref.repo_type.value,
                revision=ref.revision,
                files_metadata=files_metadata,
            )
        except HubAnswer as answer:
            raise self._answer_error(answer, ref) from None
        except HfSuiteError:
            raise
        except Exception as exc:
            raise self.translate_error(exc, ref) from exc

    def auth_check(self, ref: RepoRef) -> None:
        """Ask the Hub whether this token (or anonymous access) may download ``ref``'s files.

        Unlike :meth:`check_access`, a refused token is never dropped.

        Raises:
            GatedRepoError, RepoNotFoundError, AuthenticationError, NetworkError, ServerError:
                why not.
        """
        try:
            if self.calls is not None:
                self.calls.auth_check(ref)
                return
            self._api().auth_check(ref.repo_id, repo_type=ref.repo_type.value)
        except HubAnswer as answer:
            raise self._answer_error(answer, ref) from None
        except HfSuiteError:
            raise
        except Exception as exc:
            raise self.translate_error(exc, ref) from exc

    def check_access(self, ref: RepoRef) -> None:
        """Make sure ``ref``'s files can be read; a fine-grained token refused on a public
        repository is dropped (as :meth:`snapshot` does).

        Raises:
            GatedRepoError, RepoNotFoundError, AuthenticationError, NetworkError, ServerError:
                why not.
        """
        try:
            self.auth_check(ref)
        except HfSuiteError as error:
            if not self.fall_back_to_anonymous(error, ref):
                raise

    def list_refs(self, ref: RepoRef) -> list[str]:
        """The names of ``ref``'s branches and tags (its revision is ignored).

        Raises:
            RepoNotFoundError, GatedRepoError, AuthenticationError, NetworkError, ServerError:
                with actionable messages.
        """
        try:
            refs = self._api().list_repo_refs(ref.repo_id, repo_type=ref.repo_type.value)
        except HfSuiteError:
            raise
        except Exception as exc:
            raise self.translate_error(exc, ref) from exc
        return [r.name for r in (*refs.branches, *refs.tags)]

    # --- metadata ------------------------------------------------------------------------------
    def snapshot(self, ref: RepoRef) -> RepoSnapshot:
        """Resolve ``ref`` to a commit and list its files with sizes and hashes.

        A listing without them (an older mirror, a proxy) is completed by a HEAD of each
        such file (:meth:`_metadata_by_head`).

        Raises:
            RepoNotFoundError, RevisionNotFoundError, GatedRepoError, AuthenticationError,
            NetworkError, ServerError: with actionable messages.
        """
        return self._snapshot(ref, None)

    def _snapshot(self, ref: RepoRef, only: str | None) -> RepoSnapshot:
        """:meth:`snapshot`; with ``only``, files the listing left bare other than that one
        are left out rather than asked about."""
        at = RepoRef(ref.repo_id, ref.repo_type, ref.revision or "main", ref.source)
        try:
            info = self.repo_info(at, files_metadata=True)
        except HfSuiteError as error:
            if self.fall_back_to_anonymous(error, ref):
                return self._snapshot(ref, only)
            raise
        if info.id and info.id != ref.repo_id:
            kind = ref.repo_type.value.capitalize()
            self.notice(
                tr(
                    "{kind} {what} was renamed to {name}; using the new name.",
                    kind=kind_word(kind),
                    what=ref.repo_id,
                    name=info.id,
                )
            )
        commit = info.sha
        if not commit:
            raise ServerError(
                tr(
                    "{endpoint} did not say which commit {ref} is at.",
                    endpoint=self.endpoint,
                    ref=ref,
                )
            )
        files: list[RemoteFile] = []
        sparse: list[str] = []
        for sibling in info.siblings or []:
            lfs = sibling.lfs
            size = lfs.size if lfs is not None else sibling.size
            if size is None or not (sibling.blob_id or lfs is not None):
                sparse.append(sibling.rfilename)
                continue
            files.append(
                RemoteFile(
                    path=sibling.rfilename,
                    size=int(size),
                    url=self._resolve_url(ref, commit, sibling.rfilename),
                    blob_id=sibling.blob_id,
                    sha256=lfs.sha256 if lfs is not None else None,
                    lfs=lfs is not None,
                )
            )
        sparse = [path for path in sparse if only is None or path == only]
        if sparse:
            files.extend(self._metadata_by_head(ref, commit, sparse))
            files.sort(key=lambda f: f.path)
        resolved = RepoRef(info.id or ref.repo_id, ref.repo_type, ref.revision, ref.source)
        return RepoSnapshot(ref=resolved, commit=commit, files=tuple(files))

    def _metadata_by_head(self, ref: RepoRef, commit: str, paths: list[str]) -> list[RemoteFile]:
        """Sizes and hashes of files the listing left bare, from a HEAD of each resolve URL
        (``X-Linked-Size``/``Content-Length``, ``X-Linked-Etag``/``ETag``), as
        huggingface_hub does for such listings; a few requests at a time.

        Raises:
            ServerError: a file's size or etag is not given, or a HEAD answers for another
                commit; others as :meth:`translate_error`.
        """
        from concurrent.futures import ThreadPoolExecutor

        log.info("%s lists %d file(s) without sizes or hashes; asking each.", ref, len(paths))
        workers = max(1, min(HEAD_WORKERS, len(paths)))
        with ThreadPoolExecutor(workers, thread_name_prefix="hf-head") as pool:
            return list(pool.map(lambda path: self._head_file(ref, commit, path), paths))

    def _head_file(self, ref: RepoRef, commit: str, path: str) -> RemoteFile:
        url = self._resolve_url(ref, commit, path)
        try:
            meta: Any
            if self.calls is not None:
                meta = self.calls.head(url)
            else:
                if self._prepare is not None:
                    self._api()  # applies the network settings to huggingface_hub's client
                from huggingface_hub import get_hf_file_metadata

                meta = get_hf_file_metadata(url, token=self.token or False, endpoint=self.endpoint)
        except HubAnswer as answer:
            raise self._answer_error(answer, ref) from None
        except HfSuiteError:
            raise
        except Exception as exc:
            raise self.translate_error(exc, ref) from exc
        etag = normalize_etag(meta.etag)
        missing = [what for what, value in (("size", meta.size), ("etag", etag)) if value is None]
        if missing:
            raise ServerError(
                tr(
                    "{endpoint} did not say the {missing} of {path} in {ref} "
                    "(neither in its file list nor in the file's headers).",
                    endpoint=self.endpoint,
                    missing=" or ".join(missing),
                    path=repr(path),
                    ref=ref,
                ),
                hint=tr(
                    "The server or a proxy between strips these headers; try another endpoint."
                ),
            )
        if meta.commit_hash and meta.commit_hash != commit:
            raise ServerError(
                tr(
                    "{endpoint} answered for commit {got} about {path}, expected {commit}.",
                    endpoint=self.endpoint,
                    got=meta.commit_hash,
                    path=repr(path),
                    commit=commit,
                ),
                hint=tr("The repository changed while it was listed; try again."),
            )
        lfs = is_sha256(etag)
        return RemoteFile(
            path=path,
            size=int(meta.size or 0),
            url=url,
            blob_id=None if lfs else etag,  # huggingface_hub names the blob by any etag
            sha256=etag if lfs else None,
            lfs=lfs,
        )

    def file_metadata(self, ref: RepoRef, path: str) -> RemoteFile:
        """One file of ``ref`` (from the listing, so its URL carries the resolved commit).

        Raises:
            EntryNotFoundError: no such file at that revision; others as :meth:`snapshot`.
        """
        return file_in(self._snapshot(ref, path), path)

    def fall_back_to_anonymous(self, error: HfSuiteError, ref: RepoRef) -> bool:
        """Drop a fine-grained token the Hub refuses on a public, non-gated repository.

        Returns:
            True when the source now works anonymously (retry the call).
        """
        if not (self.token and self.anonymous_fallback):
            return False
        if isinstance(error, GatedRepoError) or not isinstance(
            error, RepoNotFoundError | AuthenticationError
        ):
            return False
        try:
            whoami = self.whoami()
            role = ((whoami.get("auth") or {}).get("accessToken") or {}).get("role")
            if role != "fineGrained":
                return False
            anonymous = HuggingFaceSource(self.endpoint, None, fetcher=self.fetcher)
            at = RepoRef(ref.repo_id, ref.repo_type, ref.revision or "main", ref.source)
            info = anonymous.repo_info(at)
        except Exception:  # any doubt keeps the token: the original error is then reported
            return False
        if info.private or info.gated:
            return False
        self.token = None
        self.auth = EndpointAuth(self.endpoint, None)
        # One sentence per kind: the kind is lower case inside it (no word of its own).
        template = {
            "dataset": N_(
                "The fine-grained token of {name} is refused on public dataset {what}; "
                "continuing without a token (anonymous access)."
            ),
            "space": N_(
                "The fine-grained token of {name} is refused on public space {what}; "
                "continuing without a token (anonymous access)."
            ),
        }.get(
            ref.repo_type.value,
            N_(
                "The fine-grained token of {name} is refused on public model {what}; "
                "continuing without a token (anonymous access)."
            ),
        )
        self.notice(tr(template, name=whoami.get("name"), what=ref.repo_id))
        return True

    # --- errors ------------------------------------------------------------------------------
    def map_error(self, answer: HttpAnswer) -> HfSuiteError:
        """Turn an error answer of the resolve endpoint into a typed error."""
        ref, path = _parse_resolve_url(answer.url, self.endpoint)
        code = answer.header("X-Error-Code") or ""
        message = answer.header("X-Error-Message") or ""
        status = answer.status
        return self._error(status, code, message, ref, path)

    def _error(
        self, status: int, code: str, message: str, ref: RepoRef | None, path: str | None
    ) -> HfSuiteError:
        what = str(ref.repo_id) if ref else tr("the repository")
        kind = ref.repo_type.value.capitalize() if ref else "Repository"
        page = self.repo_url(ref) if ref else self.endpoint
        if code == "GatedRepo":
            if "awaiting a review" in message:
                return GatedRepoError(
                    tr(
                        "{kind} {what} is gated and your access request is awaiting review.",
                        kind=kind_word(kind),
                        what=what,
                    ),
                    hint=tr("Wait for the authors to approve it at {page}, then retry.", page=page),
                )
            if status == 401 or not self.token:
                return GatedRepoError(
                    tr(
                        "{kind} {what} is gated: log in with a token, and accept its "
                        "conditions at {page}, then retry.",
                        kind=kind_word(kind),
                        what=what,
                        page=page,
                    ),
                    hint=tr(
                        "Run `hfsuite auth login` with a token of the account that accepted them."
                    ),
                )
            return GatedRepoError(
                tr(
                    "{kind} {what} is gated: accept its conditions at {page}, then retry.",
                    kind=kind_word(kind),
                    what=what,
                    page=page,
                ),
                hint=tr("The conditions must be accepted by the account that owns your token."),
            )
        if code == "RevisionNotFound":
            rev = ref.revision if ref else "?"
            return RevisionNotFoundError(
                tr(
                    "{kind} {what} has no branch, tag or commit named {revision}.",
                    kind=kind_word(kind),
                    what=what,
                    revision=repr(rev),
                ),
                hint=tr("See the available revisions at {page}.", page=page),
            )
        if code == "EntryNotFound":
            return EntryNotFoundError(
                tr(
                    "{kind} {what} has no file {path} at that revision.",
                    kind=kind_word(kind),
                    what=what,
                    path=repr(path),
                ),
                hint=tr("Check the file name (paths are case-sensitive)."),
            )
        if "Invalid credentials" in message or (status == 401 and self.token and not code):
            return self._refused_token()
        if code == "RepoNotFound" or status in (401, 404):
            if self.token:
                return RepoNotFoundError(
                    tr(
                        "{kind} {what} was not found, or it is private and your token "
                        "cannot see it.",
                        kind=kind_word(kind),
                        what=what,
                    ),
                    hint=tr("Check the name, or use a token with access to it."),
                )
            return RepoNotFoundError(
                tr(
                    "{kind} {what} was not found (or it is private).",
                    kind=kind_word(kind),
                    what=what,
                ),
                hint=tr(
                    "Check the name, or log in with a token that has access (`hfsuite auth login`)."
                ),
            )
        if status == 403:
            return AuthenticationError(
                tr("Access to {what} is forbidden for this token.", what=what),
                hint=tr("A fine-grained token needs read access to this repository."),
            )
        if status == 429 or status >= 500:
            return ServerError(
                tr("{endpoint} answered HTTP {status}.", endpoint=self.endpoint, status=status),
                hint=tr("Try again later."),
            )
        if message:
            return SourceError(
                tr(
                    "{endpoint} answered HTTP {status} for {what}: {message}",
                    endpoint=self.endpoint,
                    status=status,
                    what=what,
                    message=message.strip(),
                )
            )
        return SourceError(
            tr(
                "{endpoint} answered HTTP {status} for {what}:",
                endpoint=self.endpoint,
                status=status,
                what=what,
            )
        )

    def _refused_token(self) -> AuthenticationError:
        return AuthenticationError(
            tr("The token was refused by {endpoint} (invalid or expired).", endpoint=self.endpoint),
            hint=tr(
                "Create a new token at {endpoint}/settings/tokens and run `hfsuite auth login`.",
                endpoint=self.endpoint,
            ),
        )

    def _answer_error(self, answer: HubAnswer, ref: RepoRef) -> HfSuiteError:
        """A Hub error answer to one of :attr:`calls` as a typed error (as
        :meth:`translate_error` would have read huggingface_hub's exception for it)."""
        return self._error(answer.status, answer.code, answer.message, ref, None)

    def translate_error(self, exc: Exception, ref: RepoRef) -> HfSuiteError:
        """Map an exception of huggingface_hub (or its HTTP client) onto our error tree.

        One of ours comes back as it is: the client the application gives huggingface_hub
        already explains a server that stays silent (naming the host and the timeout).

        Args:
            exc: What huggingface_hub raised.
            ref: The repository the call was about (for the message).
        """
        from huggingface_hub import errors as hf_errors

        if isinstance(exc, HfSuiteError):
            return exc
        if isinstance(exc, hf_errors.OfflineModeIsEnabled):
            return NetworkError(
                tr("Offline mode is on (HF_HUB_OFFLINE), so the Hub cannot be asked."),
                hint=tr("Unset HF_HUB_OFFLINE or run `hfsuite config set offline false`."),
            )
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", 0) or 0
        headers = getattr(response, "headers", {}) or {}
        code = headers.get("X-Error-Code", "") if headers else ""
        message = headers.get("X-Error-Message", "") if headers else ""
        if isinstance(exc, hf_errors.GatedRepoError):
            code = code or "GatedRepo"
        elif isinstance(exc, hf_errors.RevisionNotFoundError):
            code = code or "RevisionNotFound"
        elif isinstance(exc, hf_errors.RepositoryNotFoundError):
            code = code or "RepoNotFound"
        elif isinstance(exc, hf_errors.EntryNotFoundError):
            code = code or "EntryNotFound"
        if status or code:
            return self._error(status, code, message, ref, None)
        return NetworkError(
            tr("Cannot reach {endpoint}: {reason}.", endpoint=self.endpoint, reason=exc),
            hint=tr(
                "Check your connection, proxy settings and the endpoint "
                "(`hfsuite config get endpoint`)."
            ),
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _parse_resolve_url(url: str, endpoint: str) -> tuple[RepoRef | None, str | None]:
    """Recover repo, revision and path from a resolve URL (for error messages)."""
    from urllib.parse import unquote

    path = urlsplit(url).path
    base = urlsplit(endpoint).path.rstrip("/")
    if base and path.startswith(base):
        path = path[len(base) :]
    parts = path.lstrip("/").split("/")
    repo_type = RepoType.MODEL
    if parts and parts[0] in ("datasets", "spaces"):
        repo_type = RepoType.DATASET if parts[0] == "datasets" else RepoType.SPACE
        parts = parts[1:]
    if "resolve" not in parts:
        return None, None
    i = parts.index("resolve")
    repo_id = "/".join(parts[:i])
    revision = unquote(parts[i + 1]) if len(parts) > i + 1 else None
    file_path = unquote("/".join(parts[i + 2 :])) if len(parts) > i + 2 else None
    return RepoRef(repo_id, repo_type, revision), file_path


_KINDS = {
    "Model": N_("Model"),
    "Dataset": N_("Dataset"),
    "Space": N_("Space"),
    "Repository": N_("Repository"),
}
"""A repository's kind as messages start with it (``Model acme/x was not found…``)."""


def kind_word(kind: str) -> str:
    """A repository's kind as messages start with it (``Model``, ``Dataset``…), translated,
    for a :func:`~hfsuite.core.i18n.tr` message (whose English keeps the English word)."""
    return tr(_KINDS[kind]) if kind in _KINDS else kind
