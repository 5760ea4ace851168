"""Who a token belongs to, what it may do, and whether it can read a given repository.

``whoami-v2`` (PROTOCOL-DETAILS §1.6) gives the owner, the token's role (``read``, ``write``,
``fineGrained``) and, for fine-grained tokens, the scoped permissions. ``auth-check`` (§1.4)
says whether the caller may download a repository's files; together with an anonymous look at
the repository they explain *why not*: gated and not accepted, request pending, a fine-grained
token without the gated-repos permission or without a scope for the repo, private or missing,
or a token the Hub refuses on a public repo (then anonymous access works).
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from hfsuite.core.errors import (
    AuthenticationError,
    GatedRepoError,
    HfSuiteError,
    NotFoundError,
    RepoNotFoundError,
)
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoRef
from hfsuite.sources.huggingface import HuggingFaceSource

READ_PERMISSIONS = ("repo.content.read", "repo.write")


@dataclass(frozen=True)
class ScopeGrant:
    """Permissions a fine-grained token has on one user, organisation or repository.

    Attributes:
        entity: The user/org name or repo id.
        entity_type: ``user``, ``org``, ``model``, ``dataset`` or ``space``.
        permissions: Such as ``repo.content.read``, ``repo.write``.
    """

    entity: str
    entity_type: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class TokenInfo:
    """What ``whoami-v2`` says about a token (never the token itself).

    Attributes:
        user: The owner's user name.
        fullname: The owner's full name.
        orgs: Organisations the owner belongs to.
        role: ``read``, ``write`` or ``fineGrained``.
        token_name: The token's display name.
        can_read_gated: Fine-grained only: may read gated repos the owner was granted.
        scopes: Fine-grained only: permissions per user/org/repo.
        global_permissions: Fine-grained only: permissions not tied to an entity.
    """

    user: str
    fullname: str | None = None
    orgs: tuple[str, ...] = ()
    role: str = "read"
    token_name: str | None = None
    can_read_gated: bool | None = None
    scopes: tuple[ScopeGrant, ...] = ()
    global_permissions: tuple[str, ...] = ()

    @property
    def fine_grained(self) -> bool:
        """Whether the token is fine-grained (limited to its scopes)."""
        return self.role == "fineGrained"

    def permissions_on(self, repo_id: str) -> tuple[str, ...]:
        """Permissions the scopes give on a repository (its own scope and its owner's)."""
        owner = repo_id.split("/")[0] if "/" in repo_id else ""
        found: list[str] = []
        for grant in self.scopes:
            if grant.entity in (repo_id, owner):
                found.extend(grant.permissions)
        return tuple(dict.fromkeys(found))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the GUI."""
        return asdict(self)

    @classmethod
    def from_whoami(cls, data: dict[str, Any]) -> TokenInfo:
        """Read a ``whoami-v2`` body."""
        access = ((data.get("auth") or {}).get("accessToken")) or {}
        fine = access.get("fineGrained") or {}
        scopes = tuple(
            ScopeGrant(
                entity=str((item.get("entity") or {}).get("name", "")),
                entity_type=str((item.get("entity") or {}).get("type", "")),
                permissions=tuple(item.get("permissions") or ()),
            )
            for item in fine.get("scoped") or ()
        )
        role = str(access.get("role") or "read")
        return cls(
            user=str(data.get("name") or ""),
            fullname=data.get("fullname"),
            orgs=tuple(str(o.get("name")) for o in data.get("orgs") or () if o.get("name")),
            role=role,
            token_name=access.get("displayName"),
            can_read_gated=fine.get("canReadGatedRepos") if role == "fineGrained" else None,
            scopes=scopes,
            global_permissions=tuple(fine.get("global") or ()),
        )


def whoami(source: HuggingFaceSource) -> TokenInfo:
    """Ask the endpoint who the source's token belongs to.

    Raises:
        AuthenticationError: no token, or the endpoint refuses it.
        NetworkError, ServerError: the endpoint cannot be asked.
    """
    if not source.token:
        raise AuthenticationError(
            tr("No Hugging Face token is set."),
            hint=tr("Run `hfsuite auth login`, set HF_TOKEN, or pass --token."),
        )
    data = source.whoami()
    return TokenInfo.from_whoami(data)


class AccessVerdict(enum.StrEnum):
    """Whether (and how) a repository's files can be read."""

    READABLE = "readable"
    """The token (or anonymous access, without a token) can download the files."""
    ANONYMOUS_FALLBACK = "anonymous-fallback"
    """The token is refused, but the repository is public: downloads go without the token."""
    GATED_LOGIN = "gated-login"
    """Gated, and no token is set."""
    GATED_NOT_ACCEPTED = "gated-not-accepted"
    """Gated, and the token's owner has not been granted access."""
    GATED_PENDING = "gated-pending"
    """Gated, and the owner's access request awaits the authors' review."""
    GATED_NOT_PERMITTED = "gated-not-permitted"
    """Gated, access granted, but the fine-grained token may not read gated repositories."""
    NO_SCOPE = "no-scope"
    """A fine-grained token without a read scope on this (private) repository."""
    NOT_FOUND = "not-found"
    """Missing, or private and the token cannot see it."""
    INVALID_TOKEN = "invalid-token"
    """The endpoint refuses the token altogether."""


@dataclass(frozen=True)
class AccessReport:
    """The answer to "can this token read that repository?".

    Attributes:
        ref: The repository.
        verdict: The outcome.
        message: One sentence for a person.
        hint: What to do about it (empty when readable).
        user: The token's owner (None without a token).
        role: The token's role (None without a token).
        gated: The repository's gating (False, "auto", "manual") when known.
        private: Whether it is private, when known.
        permissions: Fine-grained scopes that apply to it.
    """

    ref: RepoRef
    verdict: AccessVerdict
    message: str
    hint: str = ""
    user: str | None = None
    role: str | None = None
    gated: bool | str | None = None
    private: bool | None = None
    permissions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def readable(self) -> bool:
        """Whether a download would get the files (with or without the token)."""
        return self.verdict in (AccessVerdict.READABLE, AccessVerdict.ANONYMOUS_FALLBACK)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the GUI."""
        data = asdict(self)
        data["ref"] = str(self.ref)
        data["readable"] = self.readable
        data["verdict"] = self.verdict.value
        return data


def _public_facts(source: HuggingFaceSource, ref: RepoRef) -> tuple[bool, bool | str | None]:
    """(found anonymously, gated value) from an anonymous repo-info call."""
    anonymous = HuggingFaceSource(source.endpoint, None)
    try:
        info = anonymous.repo_info(RepoRef(ref.repo_id, ref.repo_type))
    except (NotFoundError, AuthenticationError):
        return False, None
    return True, info.gated if info.gated is not None else False


def check_access(source: HuggingFaceSource, ref: RepoRef) -> AccessReport:
    """Tell whether the source's token (or anonymous access) can read ``ref``'s files, and why not.

    Raises:
        NetworkError, ServerError: the endpoint cannot be asked.
    """
    kind = ref.repo_type.value
    info: TokenInfo | None = None
    if source.token:
        try:
            info = whoami(source)
        except AuthenticationError as exc:
            return AccessReport(ref, AccessVerdict.INVALID_TOKEN, exc.message, exc.hint or "")
    user, role = (info.user, info.role) if info else (None, None)
    perms = info.permissions_on(ref.repo_id) if info and info.fine_grained else ()

    def report(verdict: AccessVerdict, message: str, hint: str = "", **kw: Any) -> AccessReport:
        return AccessReport(ref, verdict, message, hint, user, role, permissions=perms, **kw)

    try:
        source.auth_check(ref)
    except HfSuiteError as error:
        return _explain(source, ref, error, info, report)
    found, gated = _public_facts(source, ref)
    who = f"The token of {user}" if user else "Anonymous access"
    if not found:
        return report(
            AccessVerdict.READABLE,
            f"{who} can read private {kind} {ref.repo_id}.",
            private=True,
            gated=gated,
        )
    extra = " (gated; access granted)" if gated else ""
    return report(
        AccessVerdict.READABLE,
        f"{who} can read {kind} {ref.repo_id}{extra}.",
        private=False,
        gated=gated,
    )


def _explain(
    source: HuggingFaceSource,
    ref: RepoRef,
    error: HfSuiteError,
    info: TokenInfo | None,
    report: Any,
) -> AccessReport:
    page = source.repo_url(ref)
    kind = ref.repo_type.value
    what = f"{kind} {ref.repo_id}"
    if isinstance(error, GatedRepoError):
        if info is None:
            return report(
                AccessVerdict.GATED_LOGIN,
                f"{what.capitalize()} is gated and no token is set.",
                f"Accept its conditions at {page}, then run `hfsuite auth login`.",
                gated=True,
            )
        if "awaiting review" in error.message:
            return report(
                AccessVerdict.GATED_PENDING,
                f"{what.capitalize()} is gated and the access request of {info.user} is "
                "awaiting review.",
                f"Wait for the authors to approve it at {page}.",
                gated=True,
            )
        if info.fine_grained and info.can_read_gated is False:
            return report(
                AccessVerdict.GATED_NOT_PERMITTED,
                f"{what.capitalize()} is gated and this fine-grained token may not read gated "
                "repositories.",
                "Edit the token at "
                f"{source.endpoint}/settings/tokens: tick 'Read access to contents of all "
                "public gated repos you can access'.",
                gated=True,
            )
        return report(
            AccessVerdict.GATED_NOT_ACCEPTED,
            f"{what.capitalize()} is gated and {info.user} has not been granted access.",
            f"Accept its conditions at {page} while logged in as {info.user}, then retry.",
            gated=True,
        )
    if isinstance(error, RepoNotFoundError | AuthenticationError) and not isinstance(
        error, GatedRepoError
    ):
        found, gated = _public_facts(source, ref)
        if found and info is not None and not gated:
            return report(
                AccessVerdict.ANONYMOUS_FALLBACK,
                f"The token of {info.user} is refused on public {what}; downloads fall back to "
                "anonymous access.",
                "A fine-grained token needs 'Read access to contents of all public repos' (or "
                "a scope for this repo) to use it here.",
                private=False,
                gated=gated,
            )
        if (
            info is not None
            and info.fine_grained
            and not any(p in READ_PERMISSIONS for p in info.permissions_on(ref.repo_id))
        ):
            return report(
                AccessVerdict.NO_SCOPE,
                f"{what.capitalize()} was not found, or it is private and this fine-grained "
                f"token has no read scope for it.",
                f"Add {ref.repo_id} (or its owner) with 'Read access' to the token at "
                f"{source.endpoint}/settings/tokens.",
            )
        if info is None:
            return report(
                AccessVerdict.NOT_FOUND,
                f"{what.capitalize()} was not found (or it is private).",
                "Check the name, or log in with a token that has access (`hfsuite auth login`).",
            )
        return report(
            AccessVerdict.NOT_FOUND,
            f"{what.capitalize()} was not found, or it is private and {info.user} cannot see it.",
            "Check the name, or use a token of an account with access to it.",
        )
    raise error
