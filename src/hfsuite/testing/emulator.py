"""The Hub emulator: a real HTTP server on loopback that behaves like the Hugging Face Hub.

Two origins run side by side: the *hub* (API, resolve, ModelScope, control endpoints) and the
*CDN* on another port, which serves LFS files through signed, expiring URLs::

    with HubEmulator() as hub:
        repo = hub.create_repo("acme/tiny")
        sha = repo.commit({"config.json": b"{}", "model.bin": synthetic(20 << 20)})
        hf_hub_download("acme/tiny", "config.json", endpoint=hub.url, cache_dir=tmp)
        assert hub.log.filter(path="*/config.json", method="GET")

Repos can also come from a folder (``HubEmulator(root=DIR)``): ``DIR/<org>/<name>/`` is a model,
``DIR/datasets/<org>/<name>/`` a dataset, ``DIR/spaces/<org>/<name>/`` a space, each with one
commit on ``main`` whose sha is derived from the file list (paths, sizes, mtimes). A repo folder's
``.hfsuite-repo.toml`` (not served, nor its ``.hfsuite/`` folder) makes it private or gated and
adds branches, tags and pull requests; see :mod:`hfsuite.testing._repo_config`.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from hfsuite.testing._content import Blob, Content, HashStore, MutatedBlob, as_blob
from hfsuite.testing._faults import FaultRule, FaultSettings
from hfsuite.testing._files import cdn_router
from hfsuite.testing._http import EmulatorServer, Request, Response
from hfsuite.testing._log import RequestLog
from hfsuite.testing._repo_config import (
    REPO_CONFIG_NAME,
    SIDE_FOLDER,
    RepoConfigError,
    apply_repo_config,
    folder_files,
    read_repo_side_config,
    read_repos_config,
)
from hfsuite.testing._routing import control, hub_router
from hfsuite.testing._state import (
    DEFAULT_LFS_THRESHOLD,
    REPO_TYPES,
    Commit,
    Gating,
    HubState,
    RepoRecord,
    RepoTypeName,
    TokenRecord,
    TokenRole,
    commit_sha,
    normalise_scopes,
)
from hfsuite.testing._xet_cas import cas_router
from hfsuite.testing._xet_store import XetFile, XetStore

GatedValue = bool | Literal["auto", "manual"]


class EmulatedRepo:
    """A handle to build one emulated repository's history.

    Obtained from :meth:`HubEmulator.create_repo` or :meth:`HubEmulator.repo`.
    """

    def __init__(self, hub: HubEmulator, record: RepoRecord) -> None:
        self._hub = hub
        self.record = record

    @property
    def repo_id(self) -> str:
        """The current id (changes when the repo is renamed)."""
        return self.record.repo_id

    @property
    def repo_type(self) -> RepoTypeName:
        """``model``, ``dataset`` or ``space``."""
        return self.record.repo_type

    @property
    def sha(self) -> str | None:
        """The head commit of the default branch."""
        head = self.record.head
        return head.sha if head else None

    def revision_sha(self, revision: str) -> str:
        """The commit a branch, tag, ``refs/pr/N`` or short sha resolves to."""
        commit = self.record.resolve_revision(revision)
        if commit is None:
            raise KeyError(f"unknown revision {revision!r}")
        return commit.sha

    def files(self, revision: str | None = None) -> dict[str, Blob]:
        """The files at a revision (default branch when None)."""
        commit = self.record.resolve_revision(revision or self.record.default_branch)
        return dict(commit.files) if commit else {}

    def commit(
        self,
        files: Mapping[str, Content] | None = None,
        *,
        branch: str | None = None,
        message: str = "Update files",
        delete: Iterable[str] = (),
        author: str = "emulator",
        lfs: Iterable[str] = (),
        timestamp: float | None = None,
    ) -> str:
        """Add a commit on ``branch`` and return its sha.

        Args:
            files: Repo path -> content (bytes, str, path on disk, or a Blob). Files of the
                parent commit are kept unless overwritten or deleted.
            branch: The branch to commit to (default branch when None); a missing branch is
                created from the default branch's head.
            message: Commit message.
            delete: Paths (or folder prefixes ending in ``/``) to remove.
            author: Commit author.
            lfs: Paths to store with LFS regardless of the size threshold.
            timestamp: Commit time (Unix); now when None.
        """
        rec = self.record
        with self._hub.state.lock:
            branch = branch or rec.default_branch
            parent_sha = rec.branches.get(branch) or rec.branches.get(rec.default_branch)
            parent = rec.commits.get(parent_sha) if parent_sha else None
            new_files = dict(parent.files) if parent else {}
            for path in delete:
                if path.endswith("/"):
                    for p in [p for p in new_files if p.startswith(path)]:
                        del new_files[p]
                else:
                    new_files.pop(path.strip("/"), None)
            for path, content in (files or {}).items():
                blob = as_blob(content)
                if blob.hash_store is None:
                    blob.hash_store = self._hub.hash_store
                new_files[path.strip("/")] = blob
            rec.lfs_paths.update(p.strip("/") for p in lfs)
            ts = time.time() if timestamp is None else timestamp
            sha = commit_sha(parent.sha if parent else None, message, new_files, ts)
            rec.commits[sha] = Commit(
                sha, new_files, parent.sha if parent else None, message, author, ts
            )
            rec.branches[branch] = sha
            return sha

    def create_branch(self, name: str, revision: str | None = None) -> str:
        """Create (or move) a branch to ``revision`` (default branch head); return its sha."""
        sha = self.revision_sha(revision or self.record.default_branch)
        with self._hub.state.lock:
            self.record.branches[name] = sha
        return sha

    def create_tag(self, name: str, revision: str | None = None) -> str:
        """Tag ``revision`` (default branch head); return the tagged sha."""
        sha = self.revision_sha(revision or self.record.default_branch)
        with self._hub.state.lock:
            self.record.tags[name] = sha
        return sha

    def create_pr(
        self,
        files: Mapping[str, Content] | None = None,
        *,
        base: str | None = None,
        message: str = "Pull request",
        delete: Iterable[str] = (),
        timestamp: float | None = None,
    ) -> int:
        """Open a pull request (``refs/pr/N``) with one commit on top of ``base``; return N.

        ``timestamp`` is the commit time (Unix; now when None), as in :meth:`commit`.
        """
        rec = self.record
        base_sha = self.revision_sha(base or rec.default_branch)
        temp = f"__pr_tmp_{secrets.token_hex(4)}"
        with self._hub.state.lock:
            rec.branches[temp] = base_sha
            try:
                sha = self.commit(
                    files, branch=temp, message=message, delete=delete, timestamp=timestamp
                )
            finally:
                del rec.branches[temp]
            number = max([0, *rec.pull_requests]) + 1
            rec.pull_requests[number] = sha
        return number

    def set_metadata(self, **fields: Any) -> None:
        """Set search metadata.

        Keyword Args:
            downloads, likes, tags, pipeline_tag, library_name, trending_score, card_data:
                as in the Hub API.
            last_modified, created_at: Unix timestamps.
            Any other keyword is added verbatim to repo info and search items.
        """
        meta = self.record.metadata
        aliases = {
            "trendingScore": "trending_score",
            "cardData": "card_data",
            "lastModified": "last_modified",
            "createdAt": "created_at",
        }
        for key, value in fields.items():
            key = aliases.get(key, key)
            if hasattr(meta, key) and key != "extra":
                setattr(meta, key, value)
            else:
                meta.extra[key] = value

    def set_gated(self, gated: GatedValue) -> None:
        """Change gating: False, True/"auto" or "manual"."""
        self.record.gating = _gating(gated)

    def set_private(self, private: bool) -> None:
        """Change visibility."""
        self.record.private = private

    def grant_access(self, user: str) -> None:
        """Give ``user`` access to this gated repository."""
        self._hub.grant_access(self.repo_id, user, self.repo_type)

    def set_xet(self, enabled: bool | None) -> None:
        """Serve this repository's LFS files through Xet (None: the emulator's default)."""
        self._hub.xet_store.set_repo(self.record, enabled)

    def xet_file(self, path: str, revision: str | None = None) -> XetFile:
        """The Xet file (id, terms, chunk hashes) of an LFS file, chunking it if needed."""
        return self._hub.xet_store.file_for(self.files(revision)[path])


def _gating(gated: GatedValue) -> Gating:
    if gated is True:
        return Gating.AUTO
    if gated is False or gated is None:
        return Gating.NONE
    return Gating(gated)


class HubEmulator:
    """A Hugging Face Hub (and ModelScope) emulator on loopback.

    Args:
        root: Optional folder of repositories to serve (see module docs).
        lfs_threshold: Files larger than this are LFS (302 to the CDN, sha256 ETag).
        host: Interface to bind.
        port: Hub port (0: any free port).
        cdn_port: CDN port (0: any free port).
        per_connection_bps: Cap each connection's file-body rate.
        total_bps: Cap the rate of all connections together.
        cdn_url_ttl_s: Lifetime of signed CDN URLs.
        sparse_listing: List files without sizes or hashes (see :class:`FaultSettings`).
        request_log_path: Also write the request log to this file (JSON lines).
        anonymous_repo_not_found_code: Send ``X-Error-Code: RepoNotFound`` with anonymous 401s
            (what makes the client raise RepositoryNotFoundError on http:// endpoints).
        hash_cache: A JSON file remembering file digests across runs (see :class:`HashStore`).
        xet: Serve LFS files through Xet (file ids, reconstructions and xorbs on a third
            origin, the CAS) in every repository that does not say otherwise; see
            :mod:`hfsuite.testing._xet_cas`.
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        lfs_threshold: int = DEFAULT_LFS_THRESHOLD,
        host: str = "127.0.0.1",
        port: int = 0,
        cdn_port: int = 0,
        per_connection_bps: float | None = None,
        total_bps: float | None = None,
        cdn_url_ttl_s: float = 3600.0,
        sparse_listing: bool = False,
        request_log_path: str | os.PathLike[str] | None = None,
        anonymous_repo_not_found_code: bool = True,
        hash_cache: str | os.PathLike[str] | None = None,
        xet: bool = False,
    ) -> None:
        self.hash_store = HashStore(hash_cache) if hash_cache is not None else None
        self.state = HubState(lfs_threshold)
        self.settings = FaultSettings(per_connection_bps, total_bps, cdn_url_ttl_s, sparse_listing)
        self.log = RequestLog(request_log_path)
        self.secret = secrets.token_bytes(16)
        self.anonymous_repo_not_found_code = anonymous_repo_not_found_code
        self._host, self._port, self._cdn_port = host, port, cdn_port
        self._servers: dict[str, EmulatorServer] = {}
        self._threads: list[threading.Thread] = []
        self._mutated: dict[int, MutatedBlob] = {}
        self._mutated_lock = threading.Lock()
        self.xet_store = XetStore(enabled=xet)
        if root is not None:
            self.load_folder(root)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> HubEmulator:
        """Bind both origins and start serving (returns once they accept connections)."""
        if self._servers:
            return self
        self._servers["hub"] = EmulatorServer(
            (self._host, self._port), self, "hub", lambda req: hub_router(self, req), self.control
        )
        self._servers["cdn"] = EmulatorServer(
            (self._host, self._cdn_port),
            self,
            "cdn",
            lambda req: cdn_router(self, req),
            self.control,
        )
        self._servers["cas"] = EmulatorServer(
            (self._host, 0), self, "cas", lambda req: cas_router(self, req), self.control
        )
        for name, server in self._servers.items():
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"hub-emulator-{name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close every connection."""
        for server in self._servers.values():
            server.shutdown()
            server.close_connections()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        self.log.close()

    def __enter__(self) -> HubEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def address_of(self, origin: str) -> str:
        """``host:port`` of an origin (``hub``, ``cdn`` or ``cas``)."""
        server = self._servers.get(origin)
        if server is None:
            raise RuntimeError("the emulator is not started")
        host, port = server.server_address[:2]
        return f"{host!s}:{port}"

    @property
    def url(self) -> str:
        """Base URL of the hub (use as ``HF_ENDPOINT``)."""
        return f"http://{self.address_of('hub')}"

    @property
    def cdn_url(self) -> str:
        """Base URL of the CDN origin."""
        return f"http://{self.address_of('cdn')}"

    @property
    def cas_url(self) -> str:
        """Base URL of the Xet CAS origin (reconstructions and xorbs)."""
        return f"http://{self.address_of('cas')}"

    # -- repositories ----------------------------------------------------------------------
    def create_repo(
        self,
        repo_id: str,
        repo_type: RepoTypeName = "model",
        *,
        private: bool = False,
        gated: GatedValue = False,
        default_branch: str = "main",
        lfs_threshold: int | None = None,
        files: Mapping[str, Content] | None = None,
        **metadata: Any,
    ) -> EmulatedRepo:
        """Create a repository (empty unless ``files`` is given: then one commit on main).

        Args:
            repo_id: ``org/name``.
            repo_type: ``model``, ``dataset`` or ``space``.
            private: Only visible to its namespace's tokens.
            gated: False, True/``"auto"`` or ``"manual"``.
            default_branch: Name of the default branch.
            lfs_threshold: Per-repo LFS size threshold (hub default when None).
            files: Initial files.
            **metadata: Passed to :meth:`EmulatedRepo.set_metadata`.
        """
        if repo_type not in REPO_TYPES:
            raise ValueError(f"repo_type must be one of {REPO_TYPES}")
        record = RepoRecord(
            repo_type=repo_type,
            repo_id=repo_id,
            private=private,
            gating=_gating(gated),
            default_branch=default_branch,
            lfs_threshold=lfs_threshold,
        )
        repo = EmulatedRepo(self, self.state.add_repo(record))
        if metadata:
            repo.set_metadata(**metadata)
        if files is not None:
            repo.commit(files, message="Initial commit")
        return repo

    def repo(self, repo_id: str, repo_type: RepoTypeName = "model") -> EmulatedRepo:
        """A handle on an existing repository."""
        record, _ = self.state.lookup(repo_type, repo_id)
        if record is None:
            raise KeyError(f"no {repo_type} {repo_id}")
        return EmulatedRepo(self, record)

    def rename_repo(self, old: str, new: str, repo_type: RepoTypeName = "model") -> None:
        """Rename a repository; the old id answers relative 307s to the new one."""
        self.state.rename(repo_type, old, new)

    def delete_repo(self, repo_id: str, repo_type: RepoTypeName = "model") -> None:
        """Remove a repository."""
        with self.state.lock:
            del self.state.repos[(repo_type, repo_id)]

    def load_folder(self, root: str | os.PathLike[str]) -> list[EmulatedRepo]:
        """Serve every repository folder under ``root`` (see module docs)."""
        root = Path(root)
        found: list[EmulatedRepo] = []
        layouts: list[tuple[RepoTypeName, Path]] = [
            ("dataset", root / "datasets"),
            ("space", root / "spaces"),
            ("model", root),
        ]
        for repo_type, base in layouts:
            if not base.is_dir():
                continue
            for org in sorted(p for p in base.iterdir() if p.is_dir()):
                if repo_type == "model" and org.name in ("datasets", "spaces"):
                    continue
                if org.name.startswith("."):
                    continue
                for folder in sorted(p for p in org.iterdir() if p.is_dir()):
                    if folder.name.startswith("."):
                        continue
                    found.append(self._load_repo(repo_type, f"{org.name}/{folder.name}", folder))
        return found

    def _load_repo(self, repo_type: RepoTypeName, repo_id: str, folder: Path) -> EmulatedRepo:
        files, timestamp = folder_files(folder, skip_top=(REPO_CONFIG_NAME, SIDE_FOLDER))
        config = read_repo_side_config(folder)
        repo = self.create_repo(repo_id, repo_type)
        repo.commit(files, message="Initial commit", timestamp=timestamp)
        if config is not None:
            apply_repo_config(repo, config)
        return repo

    def load_repo_config(self, path: str | os.PathLike[str]) -> list[EmulatedRepo]:
        """Apply a repo config file (TOML, or JSON when it ends in ``.json``) to existing repos.

        The file has a ``repos`` table keyed by ``<org>/<name>`` (``datasets/…``, ``spaces/…``
        for other types), each with the keys of a repository's ``.hfsuite-repo.toml``: see
        ``python -m hfsuite.testing.hub serve --help``.

        Returns:
            The repositories it configured.

        Raises:
            RepoConfigError: When the file is invalid or names an unknown repo or revision.
        """
        configs = read_repos_config(path)
        repos = []
        for (repo_type, repo_id), config in configs.items():
            record, _ = self.state.lookup(repo_type, repo_id)
            if record is None:
                raise RepoConfigError(f"{config.source}: no {repo_type} repository {repo_id}")
            repos.append(EmulatedRepo(self, record))
        for repo, config in zip(repos, configs.values(), strict=True):
            apply_repo_config(repo, config)
        return repos

    # -- tokens and access -----------------------------------------------------------------
    def add_token(
        self,
        token: str,
        user: str = "user",
        role: str | TokenRole = "read",
        *,
        scopes: Mapping[str, Sequence[str]] | Iterable[str] | None = None,
        can_read_gated: bool = True,
        orgs: Iterable[str] = (),
        display_name: str = "emulator-token",
    ) -> TokenRecord:
        """Register an access token.

        Args:
            token: The secret value (e.g. ``"hf_read"``).
            user: Its owner.
            role: ``"read"``, ``"write"`` or ``"fineGrained"``.
            scopes: For fine-grained tokens: repo ids/namespaces (read access), or a mapping
                of repo id/namespace -> permissions (``repo.content.read``, ``repo.write``).
            can_read_gated: For fine-grained tokens: may read gated repos the user can access.
            orgs: Organisations of the user (private repos there are visible).
            display_name: Token name shown by whoami.
        """
        record = TokenRecord(
            token=token,
            user=user,
            role=TokenRole(role),
            scopes=normalise_scopes(scopes),
            can_read_gated=can_read_gated,
            orgs=list(orgs),
            display_name=display_name,
        )
        with self.state.lock:
            self.state.tokens[token] = record
        return record

    def _record(self, repo_id: str, repo_type: RepoTypeName) -> RepoRecord:
        return self.repo(repo_id, repo_type).record

    def grant_access(self, repo_id: str, user: str, repo_type: RepoTypeName = "model") -> None:
        """Give ``user`` access to a gated repository."""
        record = self._record(repo_id, repo_type)
        with self.state.lock:
            record.pending_users.discard(user)
            record.granted_users.add(user)

    def revoke_access(self, repo_id: str, user: str, repo_type: RepoTypeName = "model") -> None:
        """Take gated access away from ``user``."""
        record = self._record(repo_id, repo_type)
        with self.state.lock:
            record.granted_users.discard(user)
            record.pending_users.discard(user)

    def request_access(self, repo_id: str, user: str, repo_type: RepoTypeName = "model") -> bool:
        """``user`` asks for access: granted at once on ``auto`` repos, pending on ``manual``.

        Returns:
            Whether access is now granted.
        """
        record = self._record(repo_id, repo_type)
        if record.gating is Gating.MANUAL:
            with self.state.lock:
                record.pending_users.add(user)
            return False
        self.grant_access(repo_id, user, repo_type)
        return True

    # -- faults ----------------------------------------------------------------------------
    def add_fault(self, path: str = "*", **fields: Any) -> FaultRule:
        """Add a fault rule (fields as in :class:`FaultRule`) and return it."""
        return self.settings.add_rule(FaultRule(path=path, **fields))

    def throttle(
        self, per_connection_bps: float | None = None, total_bps: float | None = None
    ) -> None:
        """Set (or clear, with None) the bandwidth caps."""
        self.settings.update({"per_connection_bps": per_connection_bps, "total_bps": total_bps})

    def clear_faults(self) -> None:
        """Remove every fault rule and cap."""
        self.settings.clear()

    def set_cdn_url_ttl(self, seconds: float) -> None:
        """Change the lifetime of CDN URLs handed out from now on."""
        self.settings.update({"cdn_url_ttl_s": seconds})

    def mutated(self, blob: Blob) -> MutatedBlob:
        """The changed version of ``blob`` served by the content-change fault (cached)."""
        with self._mutated_lock:
            found = self._mutated.get(id(blob))
            if found is None or found.base is not blob:
                found = self._mutated[id(blob)] = MutatedBlob(blob)
                found.hash_store = self.hash_store
            return found

    def prehash(self, background: bool = True) -> threading.Thread | None:
        """Compute the digests clients will ask for (sha256 of LFS files, sha1 of others).

        Useful before benchmarks with multi-GB files: the first HEAD of an LFS file otherwise
        waits for its sha256. Runs in a daemon thread unless ``background`` is False.
        """

        def work() -> None:
            for record in list(self.state.repos.values()):
                for commit in list(record.commits.values()):
                    for path, blob in commit.files.items():
                        if record.is_lfs(path, blob, self.state.lfs_threshold):
                            _ = blob.sha256
                        else:
                            _ = blob.git_sha1

        if not background:
            work()
            return None
        thread = threading.Thread(target=work, name="hub-emulator-prehash", daemon=True)
        thread.start()
        return thread

    def xet_prepare(self, background: bool = True) -> threading.Thread | None:
        """Chunk every LFS file of the repositories served through Xet (once per process).

        The first resolve of a big file otherwise waits for its chunking (about 15 s per GiB
        on a loaded 2-core machine). Runs in a daemon thread unless ``background`` is False.
        """

        def work() -> None:
            for record in list(self.state.repos.values()):
                if not self.xet_store.serves(record):
                    continue
                for commit in list(record.commits.values()):
                    for path, blob in commit.files.items():
                        if record.is_lfs(path, blob, self.state.lfs_threshold):
                            self.xet_store.file_for(blob)

        if not background:
            work()
            return None
        thread = threading.Thread(target=work, name="hub-emulator-xet-prepare", daemon=True)
        thread.start()
        return thread

    def control(self, req: Request) -> Response:
        """Answer a ``/_emulator/…`` control request."""
        return control(self, req)
