"""The library service: scan roots, scans, and the index, for the CLI and the desktop app.

Get it from the suite (``suite.library``) or build it on anything with a ``database``, a
``clock`` and ``settings`` (:class:`LibraryHost`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hfsuite.app.library.hashes import DatabaseHashCache, file_key
from hfsuite.app.library.model import ScanSummary, ScanTarget
from hfsuite.config import Settings
from hfsuite.core.clock import Clock
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.library.cache_layout import SNAPSHOTS, HfRef
from hfsuite.library.hashing import Hasher
from hfsuite.library.scanner import RootKind, ScannedFile
from hfsuite.storage import (
    Database,
    LibraryFileRecord,
    LibraryQuery,
    LibraryRootRecord,
    LibraryTotals,
    ReclaimLogSpec,
)

if TYPE_CHECKING:
    from hfsuite.app.events import LibraryScanProgressed
    from hfsuite.library.duplicates import ReclaimLogEntry

AUTOV1_HEX = 8


class LibraryHost(Protocol):
    """What the library service needs of the suite."""

    @property
    def database(self) -> Database: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def settings(self) -> Settings: ...


log = logging.getLogger(__name__)


def normalize(path: str | os.PathLike[str]) -> str:
    """An absolute path with ``~`` expanded and no trailing separator (links kept)."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def _is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def hf_snapshot_path(root: str, ref_type: str, repo_id: str, revision: str, path: str) -> str:
    """Where a file of a cached revision appears in the HF cache's snapshot folder."""
    folder = f"{ref_type}s--{repo_id.replace('/', '--')}"
    return os.path.join(root, folder, SNAPSHOTS, revision, *path.split("/"))


def as_scanned(record: LibraryFileRecord) -> ScannedFile:
    """A stored file as the pure library's :class:`ScannedFile` (hash included)."""
    return ScannedFile(
        path=record.path,
        key=file_key(record.key),
        root=record.root,
        nlink=record.nlink,
        is_symlink=record.is_symlink,
        hf_blob=record.hf_blob,
        hf_refs=tuple(
            HfRef(
                r.repo_type,
                r.repo_id,
                r.revision,
                r.path,
                hf_snapshot_path(record.root, r.repo_type, r.repo_id, r.revision, r.path),
            )
            for r in record.hf_refs
        ),
        sha256=record.sha256,
    )


class LibraryService:
    """Scan roots, scans and the library index.

    Args:
        host: The suite (database, clock, settings).
    """

    def __init__(self, host: LibraryHost, tool_folders: Callable[[], Iterable[str]] | None = None):
        self.host = host
        self._defaults_checked = False
        self._tool_folders = tool_folders
        self._tools_checked = False

    @property
    def db(self) -> Database:
        """The database."""
        return self.host.database

    # -- roots ---------------------------------------------------------------------------------

    def default_hf_cache(self) -> str:
        """The HF cache in effect (``HF_HUB_CACHE``, else ``<HF_HOME>/hub``)."""
        return normalize(self.host.settings.hub_cache)

    def _ensure_defaults(self) -> None:
        """Add the HF cache as a root the first time it is seen (a removed one stays out)."""
        if self._defaults_checked:
            return
        self._defaults_checked = True
        cache = self.default_hf_cache()
        with self.db.read() as uow:
            known = uow.library_roots.get(cache) is not None
        if not known:
            with self.db.write() as uow:
                uow.library_roots.add(cache, RootKind.HF_CACHE.value)

    def _ensure_tool_roots(self) -> list[str]:
        """Add the model folders of the tools found on this machine (ComfyUI, A1111, LM
        Studio…) as scan roots, once per service: a folder already inside a root, or one the
        user removed, is left out. Returns the folders added."""
        if self._tools_checked or self._tool_folders is None:
            return []
        self._tools_checked = True
        try:
            found = _collapse({normalize(f) for f in self._tool_folders()})
        except Exception as exc:  # detection is a convenience: never a reason a scan fails
            log.warning("Could not look for tools' model folders: %s", exc)
            return []
        with self.db.read() as uow:
            taken = [r.path for r in uow.library_roots.all(include_disabled=True)]
        added: list[str] = []
        for folder in found:
            if not os.path.isdir(folder):
                continue
            if any(folder == t or _is_under(folder, t) for t in taken):
                continue
            with self.db.write() as uow:
                uow.library_roots.add(folder, RootKind.TOOL.value)
            taken.append(folder)
            added.append(folder)
        return added

    def root_records(self) -> list[LibraryRootRecord]:
        """Every scan root, in the order added (the HF cache first, unless removed)."""
        self._ensure_defaults()
        with self.db.read() as uow:
            return uow.library_roots.all()

    def roots(self) -> list[str]:
        """The scan roots' paths."""
        return [r.path for r in self.root_records()]

    def add_root(
        self, path: str | os.PathLike[str], kind: RootKind = RootKind.USER
    ) -> LibraryRootRecord:
        """Add a folder to scan.

        Raises:
            UsageError: it does not exist, or is a file.
        """
        self._ensure_defaults()
        where = normalize(path)
        if not os.path.exists(where):
            raise UsageError(
                tr("No such folder: {path}", path=path),
                hint=tr("Give an existing folder to add as a scan root."),
            )
        if not os.path.isdir(where):
            raise UsageError(
                tr("{path} is a file, not a folder.", path=path),
                hint=tr("Scan roots are folders; add the folder that holds it."),
            )
        if kind is RootKind.USER and _looks_like_hf_cache(where):
            kind = RootKind.HF_CACHE
        with self.db.write() as uow:
            return uow.library_roots.add(where, kind.value)

    def remove_root(self, path: str | os.PathLike[str]) -> int:
        """Stop scanning a folder and drop its files from the index. Returns how many went.

        Raises:
            UsageError: it is not a scan root.
        """
        self._ensure_defaults()
        where = normalize(path)
        with self.db.write() as uow:
            root = uow.library_roots.get(where)
            if root is None or not root.enabled:
                known = ", ".join(r.path for r in uow.library_roots.all()) or "none"
                raise UsageError(
                    tr("{path} is not a scan root.", path=path),
                    hint=tr("Scan roots: {known}. See: hfsuite library roots ls", known=known),
                )
            uow.library_roots.remove(where)
            if where == self.default_hf_cache() or root.kind == RootKind.TOOL.value:
                # Added without being asked: kept as removed, so it is not added back.
                uow.library_roots.disable(where, root.kind)
            return uow.library_files.delete_root(where)

    # -- scanning ------------------------------------------------------------------------------

    def targets_for(self, paths: list[str] | None) -> tuple[list[ScanTarget], list[str]]:
        """What to scan for ``paths`` (None: every root) and the folders added as new roots.

        A folder inside a root scans only that folder (the whole cache for the HF cache); a
        folder outside every root is added as a root.

        Raises:
            UsageError: a path does not exist or is a file.
        """
        if not paths:
            self._ensure_defaults()
            tools = self._ensure_tool_roots()
            roots = self.root_records()
            every = [ScanTarget(r.path, RootKind(r.kind)) for r in roots]
            return [_with_inner(t, roots) for t in every], tools
        roots = self.root_records()
        targets: list[ScanTarget] = []
        added: list[str] = []
        for given in paths:
            where = normalize(given)
            if not os.path.exists(where):
                raise UsageError(tr("No such folder: {path}", path=given))
            if not os.path.isdir(where):
                raise UsageError(
                    tr("{path} is a file, not a folder.", path=given),
                    hint=tr("hfsuite scan takes folders."),
                )
            inside = [r for r in roots if _is_under(where, r.path)]
            if inside:
                root = max(inside, key=lambda r: len(r.path))
                kind = RootKind(root.kind)
                under = None if kind is RootKind.HF_CACHE or where == root.path else where
                target = ScanTarget(root.path, kind, under)
            else:
                record = self.add_root(where)
                roots.append(record)
                added.append(record.path)
                target = ScanTarget(record.path, RootKind(record.kind))
            target = _with_inner(target, roots)
            if target not in targets:
                targets.append(target)
        return targets, added

    def scan(
        self,
        paths: list[str] | None = None,
        *,
        hash: bool = False,
        on_progress: Callable[[LibraryScanProgressed], None] | None = None,
        cancel: threading.Event | None = None,
        hash_workers: int | None = None,
    ) -> ScanSummary:
        """Scan ``paths`` (None: every root) into the index.

        Args:
            paths: Folders; one outside every root is added as a root.
            hash: Also compute the SHA-256 (and AutoV1) of every file without one.
            on_progress: Progress events, from the scanning thread.
            cancel: Set it to stop; what was recorded is kept (``cancelled`` set).
            hash_workers: Hashing threads (default: the number of cores).

        Raises:
            UsageError: a path does not exist or is a file.
        """
        from hfsuite.app.library.scan import LibraryScan  # header readers: only when scanning

        targets, _added = self.targets_for(paths)
        run = LibraryScan(
            self.db,
            self.host.clock,
            hash_files=hash,
            on_progress=on_progress,
            cancel=cancel,
            hash_workers=hash_workers,
        )
        return run.run(targets)

    # -- the index -----------------------------------------------------------------------------

    def files(self, query: LibraryQuery | None = None) -> list[LibraryFileRecord]:
        """Indexed files matching ``query``."""
        with self.db.read() as uow:
            return uow.library_files.find(query)

    def stream(self, query: LibraryQuery | None = None) -> Iterator[LibraryFileRecord]:
        """Indexed files matching ``query``, read as they are consumed."""
        with self.db.read() as uow:
            yield from uow.library_files.stream(query)

    def totals(self, query: LibraryQuery | None = None) -> LibraryTotals:
        """How many files match ``query`` and their bytes."""
        with self.db.read() as uow:
            return uow.library_files.totals(query)

    def file(self, path: str | os.PathLike[str]) -> LibraryFileRecord:
        """The indexed file at ``path``; an HF-cache snapshot entry gives its blob.

        Raises:
            UsageError: nothing indexed there (not scanned yet, or not a file).
        """
        where = normalize(path)
        candidates = [where]
        if os.path.islink(where):
            candidates.append(os.path.realpath(where))
        with self.db.read() as uow:
            for candidate in candidates:
                found = uow.library_files.get(candidate)
                if found is not None:
                    return found
        if not os.path.lexists(where):
            raise UsageError(tr("No such file: {path}", path=path))
        if os.path.isdir(where):
            raise UsageError(
                tr("{path} is a folder.", path=path),
                hint=tr("List its files: hfsuite library ls --under {path}", path=path),
            )
        raise UsageError(
            tr("{path} is not in the library index.", path=path),
            hint=tr("Scan its folder first: hfsuite scan {folder}", folder=os.path.dirname(where)),
        )

    def find_by_hash(self, value: str) -> list[LibraryFileRecord]:
        """Files a printed model hash names: a full SHA-256, an AutoV2 (10 hex digits and
        longer prefixes), or a recorded AutoV1 (8 hex digits)."""
        v = value.strip().lower()
        if not v or any(c not in "0123456789abcdef" for c in v):
            return []
        with self.db.read() as uow:
            if len(v) == 64:
                return uow.library_files.find_by_sha256(v)
            if len(v) == AUTOV1_HEX:
                found = uow.library_files.find_by_autov1(v)
                if found:
                    return found
            return uow.library_files.find_by_hash_prefix(v) if len(v) >= AUTOV1_HEX else []

    def sha256(self, path: str | os.PathLike[str]) -> str:
        """The SHA-256 of a file, from the hash cache when its (device, inode, size, mtime)
        was hashed before, else read now and recorded (the lazy way to a hash).

        Raises:
            OSError: it cannot be read, or changed while it was read.
        """
        with DatabaseHashCache(self.db) as cache:
            return Hasher(cache, workers=1).sha256(normalize(path))

    @property
    def hash_cache(self) -> DatabaseHashCache:
        """The hash cache (a :class:`~hfsuite.library.hashing.HashCache`); flush what you put."""
        return DatabaseHashCache(self.db)

    # -- for duplicate finding, reclaiming and verification ---------------------------------------

    def indexed_files(self) -> list[ScannedFile]:
        """Every indexed file as a :class:`ScannedFile`, with cached hashes filled in."""
        return [as_scanned(r) for r in self.stream()]

    def record_reclaim(self, entry: ReclaimLogEntry) -> None:
        """Append one reclaiming action to the ``reclaim_log`` table."""
        action = entry.action
        with self.db.write() as uow:
            uow.reclaim_log.add(
                ReclaimLogSpec(
                    mode=action.mode.value,
                    path=action.path,
                    keep=action.keep,
                    outcome=entry.outcome.value,
                    reason=entry.reason or None,
                    bytes=action.frees_bytes if entry.outcome.value == "done" else 0,
                    at=entry.time,
                )
            )


def _collapse(folders: set[str]) -> list[str]:
    """Tool folders as few roots: kind folders side by side in a ``models`` folder (ComfyUI's
    ``models/loras``, ``models/vae``…; A1111's, Stability Matrix's ``Models``) become that
    folder. Any other parent (a home folder holding a user's own folders) is never scanned
    whole. Shortest first."""
    by_parent: dict[str, list[str]] = {}
    for folder in folders:
        by_parent.setdefault(os.path.dirname(folder), []).append(folder)
    roots: set[str] = set()
    for parent, children in by_parent.items():
        whole = len(children) > 1 and os.path.basename(parent).lower() == "models"
        roots.update([parent] if whole else children)
    return sorted(roots, key=len)


def _with_inner(target: ScanTarget, roots: list[LibraryRootRecord]) -> ScanTarget:
    """``target`` knowing the roots nested in it (their files are indexed under them)."""
    inner = tuple(r.path for r in roots if r.path != target.root and _is_under(r.path, target.root))
    return dataclasses.replace(target, inner=inner) if inner else target


def _looks_like_hf_cache(folder: str) -> bool:
    """Whether ``folder`` holds HF-cache repository folders (``models--org--name``…)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    repos = [n for n in names if n.split("--", 1)[0] in ("models", "datasets", "spaces")]
    return bool(repos) and all(
        Path(folder, n, SNAPSHOTS).is_dir() or Path(folder, n, "blobs").is_dir() for n in repos
    )
