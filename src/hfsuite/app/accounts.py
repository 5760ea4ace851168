"""Accounts: which token is in use, logging in and out, and what a token may read.

Shared by ``hfsuite auth`` and the desktop app's Settings tab (token input with validation)::

    found = current_token(suite)                 # FoundToken | None (value, origin)
    result = login(suite, "hf_…")                 # validated with whoami-v2, then stored
    status(suite)                                 # AuthStatus: owner, role, scopes
    check(suite, "org/name")                      # AccessReport: readable? why not?
    logout(suite)                                 # forget the stored token

The token is registered with the suite's redactor as soon as it is found, so it is masked in
every log line; it is stored only in the keyring or the 0600 token file, never in the database.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfsuite.core.errors import HfSuiteError, NetworkError, UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.sources.auth import AccessReport, AccessVerdict, TokenInfo, check_access, whoami
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.sources.names import ParsedName, parse_name, slashed_revision_readings
from hfsuite.sources.tokens import FoundToken, TokenOrigin, TokenStore, find_token, mask

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

log = logging.getLogger(__name__)

__all__ = [
    "AccessReport",
    "AccessVerdict",
    "AuthStatus",
    "FoundToken",
    "LoginResult",
    "LogoutResult",
    "TokenInfo",
    "TokenOrigin",
    "check",
    "current_token",
    "hf_repo",
    "hf_target",
    "hub_source",
    "login",
    "logout",
    "read_name",
    "resolve_name",
    "status",
    "token_store",
]


def token_store(suite: Suite) -> TokenStore:
    """Where ``hfsuite auth login`` keeps the token (keyring, or a file beside the settings)."""
    return TokenStore(Path(suite.store.path).parent)


def current_token(suite: Suite, explicit: str | None = None) -> FoundToken | None:
    """The token in effect (``--token``, stored, HF_TOKEN, hf's token file), or None."""
    settings = suite.settings
    found = find_token(
        explicit, os.environ, settings.hf_token_path, settings.token_source, token_store(suite)
    )
    if found is not None:
        suite.redactor.add_secret(found.value)
    return found


def hub_source(
    suite: Suite,
    token: str | None = None,
    endpoint: str | None = None,
    *,
    anonymous: bool = False,
) -> HuggingFaceSource:
    """A Hugging Face source on ``endpoint`` (default: the setting) with the token in effect."""
    suite.prepare_network()  # proxy, TLS and timeouts reach huggingface_hub's client too
    found = None if anonymous else current_token(suite, token)
    return HuggingFaceSource(endpoint or suite.settings.endpoint, found.value if found else None)


def resolve_name(suite: Suite, text: str) -> ParsedName:
    """Parse what a user typed, knowing the configured Hub and ModelScope endpoints."""
    settings = suite.settings
    return parse_name(
        text, endpoints=[settings.endpoint], modelscope_endpoints=[settings.modelscope_endpoint]
    )


def read_name(suite: Suite, text: str, token: str | None = None) -> ParsedName:
    """Parse what a user typed (:func:`resolve_name`); a Hub page URL whose branch may have
    slashes (``…/tree/feature/new-weights/sub``) is read against the repository's branches and
    tags, asked with ``token``: the longest revision that is a real branch or tag wins, the rest
    is the path (see :func:`~hfsuite.sources.names.slashed_revision_readings`).

    Offline, or when the refs cannot be listed, the first reading stands: the command asks the
    Hub next and reports what is wrong (missing repo, no access, no network) better than this
    lookup could.
    """
    name = resolve_name(suite, text)
    readings = slashed_revision_readings(name)
    if not readings or name.ref is None or suite.settings.offline:
        return name
    try:
        refs = set(hub_source(suite, token, name.endpoint).list_refs(name.ref))
    except HfSuiteError as exc:
        log.debug("cannot list the refs of %s: %s", name.ref.repo_id, exc)
        return name
    return next((r for r in readings if r.ref is not None and r.ref.revision in refs), name)


def hf_target(
    suite: Suite, text: str | RepoRef, token: str | None = None
) -> tuple[RepoRef, str | None, str | None]:
    """A Hugging Face repository named by an id, ``hf://`` path or Hub/mirror URL (read as
    :func:`read_name` does), the endpoint the URL named (None: the configured one) and the
    file or folder path it named (None: the whole repository).

    Raises:
        UsageError: the text names no Hugging Face repository.
    """
    if isinstance(text, RepoRef):
        return text, None, None
    name = read_name(suite, text, token)
    if name.ref is None or name.ref.source is not SourceKind.HUGGINGFACE:
        raise UsageError(
            tr("{text} is not a Hugging Face repository.", text=repr(text)),
            hint=tr("Give org/name, datasets/org/name or a Hub URL."),
        )
    return name.ref, name.endpoint, name.path or None


def hf_repo(
    suite: Suite, text: str | RepoRef, token: str | None = None
) -> tuple[RepoRef, str | None]:
    """:func:`hf_target` for commands about a whole repository (the path is not used).

    Raises:
        UsageError: the text names no Hugging Face repository.
    """
    ref, endpoint, _path = hf_target(suite, text, token)
    return ref, endpoint


def _require_online(suite: Suite, what: str) -> None:
    if suite.settings.offline:
        raise NetworkError(
            tr("Offline mode is on, so the token cannot be checked.")
            if what == "token"
            else tr("Offline mode is on, so the access cannot be checked.")
            if what == "access"
            else tr("Offline mode is on, so the {what} cannot be checked.", what=what),
            hint=tr("Unset HF_HUB_OFFLINE or run `hfsuite config set offline false`."),
        )


@dataclass(frozen=True)
class LoginResult:
    """What ``login`` did.

    Attributes:
        info: Who the token belongs to.
        stored_in: Keyring or the suite's token file.
        location: The keyring backend or the file path.
        warning: Something that keeps the stored token from being used, if any.
    """

    info: TokenInfo
    stored_in: TokenOrigin
    location: str
    warning: str | None = None


def login(suite: Suite, token: str, endpoint: str | None = None) -> LoginResult:
    """Validate a token with whoami-v2 and store it (keyring, else a 0600 file).

    Raises:
        UsageError: an empty token.
        AuthenticationError: the endpoint refuses it (nothing is stored).
    """
    token = token.strip()
    if not token:
        raise UsageError(
            tr("No token given."), hint=tr("Paste a token from the Hub's settings page.")
        )
    suite.redactor.add_secret(token)
    _require_online(suite, "token")
    suite.prepare_network()
    info = whoami(HuggingFaceSource(endpoint or suite.settings.endpoint, token))
    store = token_store(suite)
    where = store.save(token)
    location = (
        (store.keyring_name() or "keyring") if where is TokenOrigin.KEYRING else str(store.file)
    )
    warning = None
    if suite.settings.token_source not in ("auto", "keyring"):
        warning = (
            f"The token_source setting is {suite.settings.token_source!r}, so the stored token "
            "is not used; run `hfsuite config set token_source auto`."
        )
    return LoginResult(info, where, location, warning)


@dataclass(frozen=True)
class LogoutResult:
    """What ``logout`` did.

    Attributes:
        removed: Where a stored token was removed from (empty: none was stored).
        still_active: A token that is still found elsewhere (HF_TOKEN, hf's token file).
    """

    removed: list[TokenOrigin]
    still_active: FoundToken | None


def logout(suite: Suite) -> LogoutResult:
    """Forget the token stored by ``login`` (HF_TOKEN and hf's token file are left alone)."""
    removed = token_store(suite).delete()
    return LogoutResult(removed, current_token(suite))


@dataclass(frozen=True)
class AuthStatus:
    """The token in effect and what the Hub says about it.

    Attributes:
        origin: Where the token comes from (None: no token).
        location: The file or variable it was read from.
        masked: The token with all but its last characters hidden.
        endpoint: The Hub asked.
        info: whoami-v2's answer (None without a token or when refused).
        error: Why the token was refused, if it was.
    """

    origin: TokenOrigin | None
    location: str = ""
    masked: str = ""
    endpoint: str = ""
    info: TokenInfo | None = None
    error: str | None = None
    hint: str | None = None

    @property
    def valid(self) -> bool:
        """A token is set and the Hub accepts it."""
        return self.info is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the GUI (the token itself never included)."""
        return {
            "logged_in": self.valid,
            "origin": self.origin.value if self.origin else None,
            "location": self.location,
            "token": self.masked,
            "endpoint": self.endpoint,
            "error": self.error,
            **(self.info.to_dict() if self.info else {}),
        }


def status(suite: Suite, token: str | None = None, endpoint: str | None = None) -> AuthStatus:
    """Which token is in effect and whom it belongs to (validated with whoami-v2)."""
    from hfsuite.core.errors import AuthenticationError

    endpoint = endpoint or suite.settings.endpoint
    found = current_token(suite, token)
    if found is None:
        return AuthStatus(None, endpoint=endpoint)
    _require_online(suite, "token")
    suite.prepare_network()
    masked = mask(found.value)
    try:
        info = whoami(HuggingFaceSource(endpoint, found.value))
    except AuthenticationError as exc:
        return AuthStatus(
            found.origin, found.location, masked, endpoint, error=exc.message, hint=exc.hint
        )
    return AuthStatus(found.origin, found.location, masked, endpoint, info=info)


def check(suite: Suite, repo: str | RepoRef, token: str | None = None) -> AccessReport:
    """Whether the token in effect can read ``repo``'s files, and if not, why.

    Raises:
        UsageError: not a Hugging Face repository.
        NetworkError: offline, or the Hub cannot be reached.
    """
    ref, endpoint = hf_repo(suite, repo, token)
    _require_online(suite, "access")
    return check_access(hub_source(suite, token, endpoint), ref)
