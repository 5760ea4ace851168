"""The emulated Hub's data: repositories, commits, refs, users, tokens and gated access.

Everything here is plain data plus lookups; the HTTP layer turns it into responses. Commits are
immutable once created (a new commit copies its parent's file map), so request threads can read
a commit's files without holding the state lock.
"""

from __future__ import annotations

import enum
import fnmatch
import hashlib
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from hfsuite.testing._content import Blob

RepoTypeName = Literal["model", "dataset", "space"]
REPO_TYPES: tuple[RepoTypeName, ...] = ("model", "dataset", "space")
_SHA_RE = re.compile(r"^[0-9a-f]{7,40}$")
_PR_RE = re.compile(r"^refs/pr/(\d+)$")

DEFAULT_LFS_THRESHOLD = 10 * 1024 * 1024


def iso(ts: float) -> str:
    """Format a Unix timestamp the way the Hub does (``2024-02-19T11:06:12.000Z``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts * 1000) % 1000:03d}Z"


@dataclass(frozen=True)
class Commit:
    """One commit: an immutable snapshot of the repository's files.

    Attributes:
        sha: 40-hex commit id.
        files: Repo path -> content.
        parent: The parent commit's sha, if any.
        message: The commit message (first line is the title).
        author: The user who made the commit.
        timestamp: Unix time of the commit.
    """

    sha: str
    files: Mapping[str, Blob]
    parent: str | None
    message: str
    author: str
    timestamp: float

    @property
    def title(self) -> str:
        """The first line of the message."""
        return self.message.splitlines()[0] if self.message else ""


def commit_sha(
    parent: str | None, message: str, files: Mapping[str, Blob], timestamp: float
) -> str:
    """Derive a deterministic 40-hex commit id from a commit's tree (without hashing content)."""
    h = hashlib.sha1()
    h.update(f"parent {parent}\nmessage {message}\ntime {timestamp:.3f}\n".encode())
    for path in sorted(files):
        h.update(f"{path}\0{files[path].identity()}\n".encode())
    return h.hexdigest()


@dataclass
class RepoMetadata:
    """Search and card metadata of a repository (what ``/api/models`` lists)."""

    downloads: int = 0
    likes: int = 0
    tags: list[str] = field(default_factory=list)
    pipeline_tag: str | None = None
    library_name: str | None = None
    last_modified: float | None = None
    created_at: float | None = None
    card_data: dict[str, Any] | None = None
    trending_score: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class Gating(enum.Enum):
    """Whether downloading a repository's files needs an approved access request."""

    NONE = "none"
    """Not gated."""
    AUTO = "auto"
    """Gated; access requests are approved automatically."""
    MANUAL = "manual"
    """Gated; access requests wait for the authors' review."""

    def api_value(self) -> bool | str:
        """The value of the ``gated`` field in repo info (``False``, ``"auto"`` or ``"manual"``)."""
        return False if self is Gating.NONE else self.value


@dataclass
class RepoRecord:
    """A repository with its history, refs, visibility and metadata."""

    repo_type: RepoTypeName
    repo_id: str
    private: bool = False
    gating: Gating = Gating.NONE
    default_branch: str = "main"
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    pull_requests: dict[int, str] = field(default_factory=dict)
    metadata: RepoMetadata = field(default_factory=RepoMetadata)
    granted_users: set[str] = field(default_factory=set)
    pending_users: set[str] = field(default_factory=set)
    created_at: float = field(default_factory=time.time)
    lfs_threshold: int | None = None
    lfs_paths: set[str] = field(default_factory=set)
    uid: str = ""

    @property
    def namespace(self) -> str:
        """The owner (user or organisation) part of the id."""
        return self.repo_id.split("/")[0] if "/" in self.repo_id else ""

    @property
    def head(self) -> Commit | None:
        """The latest commit of the default branch."""
        sha = self.branches.get(self.default_branch)
        return self.commits.get(sha) if sha else None

    def resolve_revision(self, revision: str) -> Commit | None:
        """Resolve a branch, tag, ``refs/...`` name or (short) commit sha to a commit."""
        if revision in self.branches:
            return self.commits[self.branches[revision]]
        if revision in self.tags:
            return self.commits[self.tags[revision]]
        if revision.startswith("refs/heads/") and revision[11:] in self.branches:
            return self.commits[self.branches[revision[11:]]]
        if revision.startswith("refs/tags/") and revision[10:] in self.tags:
            return self.commits[self.tags[revision[10:]]]
        m = _PR_RE.match(revision)
        if m and int(m.group(1)) in self.pull_requests:
            return self.commits[self.pull_requests[int(m.group(1))]]
        if _SHA_RE.match(revision):
            if revision in self.commits:
                return self.commits[revision]
            matches = [c for sha, c in list(self.commits.items()) if sha.startswith(revision)]
            if len(matches) == 1:
                return matches[0]
        return None

    def is_lfs(self, path: str, blob: Blob, hub_threshold: int) -> bool:
        """Whether ``path`` is stored with git-lfs (explicitly, or by size)."""
        if path in self.lfs_paths:
            return True
        threshold = self.lfs_threshold if self.lfs_threshold is not None else hub_threshold
        return blob.size > threshold

    def last_modified(self) -> float:
        """The time of the last commit on the default branch (or the metadata override)."""
        if self.metadata.last_modified is not None:
            return self.metadata.last_modified
        head = self.head
        return head.timestamp if head else self.created_at


class TokenRole(enum.Enum):
    """The role of an access token, as ``whoami-v2`` reports it."""

    READ = "read"
    """Reads everything its user can read."""
    WRITE = "write"
    """Reads and writes everything its user can."""
    FINE_GRAINED = "fineGrained"
    """Only what its scopes allow."""


@dataclass
class TokenRecord:
    """An access token and what it may do.

    Attributes:
        token: The secret value clients send as ``Authorization: Bearer …``.
        user: The user the token belongs to.
        role: The token role.
        scopes: For fine-grained tokens: repo id or namespace -> permissions
            (``repo.content.read``, ``repo.write``, …).
        can_read_gated: For fine-grained tokens: whether gated repos the user has access to
            may be read.
        orgs: Organisations the user belongs to (owners of private repos in them).
        display_name: The token's name shown by ``whoami``.
    """

    token: str
    user: str
    role: TokenRole = TokenRole.READ
    scopes: dict[str, list[str]] = field(default_factory=dict)
    can_read_gated: bool = True
    orgs: list[str] = field(default_factory=list)
    display_name: str = "emulator-token"

    def scope_permissions(self, repo: RepoRecord) -> list[str]:
        """Permissions a fine-grained token has on ``repo`` (empty when out of scope)."""
        perms: list[str] = []
        for key, values in self.scopes.items():
            if key in (repo.repo_id, repo.namespace) or fnmatch.fnmatchcase(repo.repo_id, key):
                perms.extend(values)
        return perms


class Access(enum.Enum):
    """The outcome of an access check on a repository's files."""

    OK = "ok"
    """Allowed."""
    BAD_TOKEN = "bad_token"
    """The Authorization header carries an unknown token."""
    NOT_FOUND = "not_found"
    """Missing, or private and not visible to the caller (answered as RepoNotFound)."""
    GATED = "gated"
    """Gated and the caller has no approved access."""
    GATED_PENDING = "gated_pending"
    """Gated and the caller's request awaits review."""


class HubState:
    """All repositories, tokens and access grants of one emulator."""

    def __init__(self, lfs_threshold: int = DEFAULT_LFS_THRESHOLD) -> None:
        self.lock = threading.RLock()
        self.lfs_threshold = lfs_threshold
        self.repos: dict[tuple[str, str], RepoRecord] = {}
        self.aliases: dict[tuple[str, str], str] = {}
        self.tokens: dict[str, TokenRecord] = {}
        self._uid = 0

    # -- repositories ----------------------------------------------------------------------
    def add_repo(self, record: RepoRecord) -> RepoRecord:
        """Register a new repository (its id must be free)."""
        with self.lock:
            key = (record.repo_type, record.repo_id)
            if key in self.repos:
                raise ValueError(f"{record.repo_type} {record.repo_id} already exists")
            self._uid += 1
            record.uid = f"{self._uid:024x}"
            self.repos[key] = record
            self.aliases.pop((record.repo_type, record.repo_id.lower()), None)
            return record

    def rename(self, repo_type: RepoTypeName, old: str, new: str) -> None:
        """Rename a repository; the old id keeps answering with redirects to the new one."""
        with self.lock:
            record = self.repos.pop((repo_type, old))
            if (repo_type, new) in self.repos:
                self.repos[(repo_type, old)] = record
                raise ValueError(f"{repo_type} {new} already exists")
            record.repo_id = new
            self.repos[(repo_type, new)] = record
            self.aliases[(repo_type, old.lower())] = new
            for (rtype, alias), target in list(self.aliases.items()):
                if rtype == repo_type and target == old:
                    self.aliases[(rtype, alias)] = new

    def lookup(self, repo_type: str, repo_id: str) -> tuple[RepoRecord | None, str | None]:
        """Find a repository.

        Returns:
            ``(record, None)`` when ``repo_id`` names it exactly, ``(None, new_id)`` when the
            id is an old name or differs only in case (answer with a redirect), else
            ``(None, None)``.
        """
        record = self.repos.get((repo_type, repo_id))
        if record is not None:
            return record, None
        target = self.aliases.get((repo_type, repo_id.lower()))
        if target is not None:
            return None, target
        lowered = repo_id.lower()
        for (rtype, rid), _ in list(self.repos.items()):
            if rtype == repo_type and rid.lower() == lowered:
                return None, rid
        return None, None

    def known(self, repo_type: str, repo_id: str) -> bool:
        """Whether the id names a repository or a redirect to one."""
        record, target = self.lookup(repo_type, repo_id)
        return record is not None or target is not None

    # -- tokens and access -----------------------------------------------------------------
    def token_for(self, authorization: str | None) -> tuple[TokenRecord | None, bool]:
        """Parse an Authorization header value.

        Returns:
            ``(token, valid)``: ``(None, True)`` when no credentials were sent,
            ``(None, False)`` when the token is unknown.
        """
        if not authorization:
            return None, True
        scheme, _, value = authorization.partition(" ")
        value = value.strip() if scheme.lower() == "bearer" else authorization.strip()
        record = self.tokens.get(value)
        return record, record is not None

    def can_see(self, repo: RepoRecord, token: TokenRecord | None) -> bool:
        """Whether the caller may see the repository at all (private repos: owners only)."""
        if not repo.private:
            return True
        if token is None:
            return False
        owner = repo.namespace in (token.user, *token.orgs)
        if token.role is TokenRole.FINE_GRAINED:
            return owner and bool(token.scope_permissions(repo))
        return owner

    def file_access(self, repo: RepoRecord, token: TokenRecord | None) -> Access:
        """Whether the caller may download the repository's files."""
        if not self.can_see(repo, token):
            return Access.NOT_FOUND
        if repo.gating is Gating.NONE:
            return Access.OK
        if token is None:
            return Access.GATED
        if repo.namespace in (token.user, *token.orgs):
            return Access.OK
        if token.role is TokenRole.FINE_GRAINED and not token.can_read_gated:
            return Access.GATED
        if token.user in repo.granted_users:
            return Access.OK
        if token.user in repo.pending_users:
            return Access.GATED_PENDING
        return Access.GATED

    def can_write(self, repo: RepoRecord, token: TokenRecord | None) -> bool:
        """Whether the caller could push to the repository."""
        if token is None or repo.namespace not in (token.user, *token.orgs):
            return False
        if token.role is TokenRole.FINE_GRAINED:
            return "repo.write" in token.scope_permissions(repo)
        return token.role is TokenRole.WRITE

    def visible_repos(self, repo_type: str, token: TokenRecord | None) -> list[RepoRecord]:
        """Repositories of a type the caller may list."""
        return [
            r
            for (rtype, _), r in list(self.repos.items())
            if rtype == repo_type and r.head is not None and self.can_see(r, token)
        ]


def normalise_scopes(
    scopes: Mapping[str, Sequence[str]] | Iterable[str] | None,
) -> dict[str, list[str]]:
    """Accept scopes as a mapping of repo id/namespace -> permissions, or a list of repo ids."""
    if scopes is None:
        return {}
    if isinstance(scopes, Mapping):
        return {k: list(v) for k, v in scopes.items()}
    return {k: ["repo.content.read"] for k in scopes}
