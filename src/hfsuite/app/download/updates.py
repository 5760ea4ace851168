"""Update checks: which downloaded repositories changed upstream, and what changed.

Every completed download leaves a *model version* (repo, revision, commit, destination and the
manifest of the files it fetched). A check resolves the same revision again and compares:

- **modified**: a file you have whose content (sha256, git oid, or size) differs now;
- **removed**: a file you have that the current commit no longer has, while the destination
  still holds it;
- **added**: a file of the current commit you do not have that the download would take (its
  paths, ``--include`` and ``--exclude``, as recorded with the download; for downloads recorded
  before selections were kept: a file the downloaded commit did not have).

The comparison is made even when the commit did not move: after an update that fetched only the
modified files, files added upstream are still missing, and that is not "up to date".

A revision that is a commit sha is pinned: it never changes, so it is not checked.

A source that cannot be reached (no network, a host that does not resolve or refuses the
connection, offline mode) is asked once: the repositories downloaded from it after the first
are marked unreachable with the same error, without waiting for it again.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hfsuite.app.download.destinations import layout_for
from hfsuite.core.destination import Destination
from hfsuite.core.errors import HfSuiteError, NetworkError
from hfsuite.core.remote import RemoteFile, RepoSnapshot, is_sha1
from hfsuite.core.source import Source
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.planner import select_files
from hfsuite.storage.feature_records import FileSelection, ModelVersionRecord
from hfsuite.storage.records import ManifestEntry, TaskSpec

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite


class ChangeKind(enum.StrEnum):
    """How a file differs between the downloaded commit and the current one."""

    ADDED = "added"
    """New upstream."""
    MODIFIED = "modified"
    """Content changed upstream."""
    REMOVED = "removed"
    """Gone upstream."""


@dataclass(frozen=True)
class FileChange:
    """One changed file."""

    path: str
    kind: ChangeKind
    old_size: int | None
    new_size: int | None


@dataclass(frozen=True)
class RepoUpdate:
    """The result of checking one downloaded repository.

    Attributes:
        version: What was downloaded (and where).
        current_commit: The commit the revision points to now (None if the check failed).
        changes: What differs, for the files that matter to this download.
        error: Why the check failed (an actionable message), if it did.
        pinned: The download was of a fixed commit: nothing to check.
        unreachable: The check failed because the source could not be reached (``error``
            says why, the same for every repository of that source).
    """

    version: ModelVersionRecord
    current_commit: str | None
    changes: tuple[FileChange, ...] = field(default_factory=tuple)
    error: str | None = None
    pinned: bool = False
    unreachable: bool = False

    @property
    def has_update(self) -> bool:
        """The destination differs from upstream: files to fetch, or removed upstream and
        still there. (The revision may move to a commit that changes none of its files.)"""
        return bool(self.changes)

    @property
    def commit_moved(self) -> bool:
        """The revision points to another commit than the one downloaded."""
        return self.current_commit is not None and self.current_commit != self.version.commit

    def count(self, kind: ChangeKind) -> int:
        """How many files changed that way."""
        return sum(1 for c in self.changes if c.kind is kind)

    @property
    def download_bytes(self) -> int:
        """Bytes to fetch to apply the modified and added files."""
        return sum(c.new_size or 0 for c in self.changes if c.kind is not ChangeKind.REMOVED)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (for ``--json``): an unreachable source's error is told once,
        beside the list (:func:`unreachable_sources`), so its rows say only ``unreachable``."""
        v = self.version
        return {
            "id": v.id,
            "source": v.source.value,
            "repo_type": v.repo_type.value,
            "repo_id": v.repo_id,
            "revision": v.revision,
            "destination": v.destination,
            "downloaded_commit": v.commit,
            "current_commit": self.current_commit,
            "update_available": self.has_update,
            "commit_moved": self.commit_moved,
            "pinned": self.pinned,
            "error": "unreachable" if self.unreachable else self.error,
            "unreachable": self.unreachable,
            "changes": [
                {
                    "path": c.path,
                    "kind": c.kind.value,
                    "old_size": c.old_size,
                    "new_size": c.new_size,
                }
                for c in self.changes
            ],
            "download_bytes": self.download_bytes,
        }


Snapshotter = Callable[[RepoRef], RepoSnapshot]
Presence = Callable[[str], bool]
"""Whether the destination holds the file at a repo path (at the downloaded commit)."""


def diff_files(
    have: Sequence[ManifestEntry],
    new_listing: Sequence[RemoteFile],
    wanted: Collection[str],
    present: Presence | None = None,
) -> list[FileChange]:
    """Compare what was downloaded with what the current commit has.

    Args:
        have: The tracked files.
        new_listing: Every file of the current commit.
        wanted: Paths of the current commit the download would take (an untracked one is
            *added*).
        present: Whether the destination still holds a file (a file removed upstream counts
            only while it is there); None: everything tracked is there.
    """
    new = {f.path: f for f in new_listing}
    tracked = {e.path for e in have}
    changes = []
    for entry in have:
        current = new.get(entry.path)
        if current is None:
            if present is None or present(entry.path):
                changes.append(FileChange(entry.path, ChangeKind.REMOVED, entry.size_bytes, None))
        elif _differs(entry, current):
            changes.append(
                FileChange(entry.path, ChangeKind.MODIFIED, entry.size_bytes, current.size)
            )
    for path, current in sorted(new.items()):
        if path in wanted and path not in tracked:
            changes.append(FileChange(path, ChangeKind.ADDED, None, current.size))
    return sorted(changes, key=lambda c: (c.kind.value, c.path))


def _differs(entry: ManifestEntry, current: RemoteFile) -> bool:
    if entry.sha256 and current.sha256:
        return entry.sha256 != current.sha256
    if entry.git_oid and current.blob_id and not current.lfs:
        return entry.git_oid != current.blob_id
    return entry.size_bytes != current.size


def selected_paths(files: Sequence[RemoteFile], selections: Iterable[FileSelection]) -> set[str]:
    """Paths any of ``selections`` takes from ``files`` (``hf download`` filtering)."""
    out: set[str] = set()
    for sel in selections:
        picked = select_files(
            files, sel.paths, sel.include or None, sel.exclude or None, strict=False
        )
        out.update(f.path for f in picked)
    return out


def stored_presence(version: ModelVersionRecord) -> Presence:
    """Whether a tracked download's destination holds a file: in its folder, or in the HF
    cache in the snapshot of the downloaded commit."""
    ref = RepoRef(version.repo_id, version.repo_type, version.revision, version.source)
    destination = Destination.from_stored(version.layout, version.destination)
    try:
        layout = layout_for(destination, RepoSnapshot(ref, version.commit))
    except HfSuiteError:
        return lambda _path: False

    def present(path: str) -> bool:
        try:
            return layout.final_path(path).exists()
        except HfSuiteError:
            return False

    return present


def check_version(
    version: ModelVersionRecord, snapshot_of: Snapshotter, present: Presence | None = None
) -> RepoUpdate:
    """Check one downloaded repository against its source.

    Args:
        version: The tracked download.
        snapshot_of: How to resolve a repository.
        present: Whether its destination holds a file (default: :func:`stored_presence`).
    """
    if version.revision and is_sha1(version.revision):
        return RepoUpdate(version, version.commit, pinned=True)
    ref = RepoRef(version.repo_id, version.repo_type, version.revision, version.source)
    try:
        current = snapshot_of(ref)
        if version.selections is not None:
            wanted = selected_paths(current.files, version.selections)
        elif current.commit == version.commit:
            wanted = set()  # what it asked for is unknown: nothing new since it was fetched
        else:
            wanted = {f.path for f in current.files} - _listed_at(
                version, version.commit, snapshot_of
            )
    except NetworkError as exc:
        return RepoUpdate(version, None, error=str(exc), unreachable=True)
    except HfSuiteError as exc:
        return RepoUpdate(version, None, error=str(exc))
    present = present or stored_presence(version)
    changes = diff_files(version.manifest, current.files, wanted, present)
    return RepoUpdate(version, current.commit, tuple(changes))


def _listed_at(version: ModelVersionRecord, commit: str, snapshot_of: Snapshotter) -> set[str]:
    """Every path of ``commit`` (the tracked files when that commit is gone upstream)."""
    try:
        old = snapshot_of(RepoRef(version.repo_id, version.repo_type, commit, version.source))
    except HfSuiteError:
        return {e.path for e in version.manifest}  # force-pushed away: the manifest only
    return {f.path for f in old.files}


def snapshotter(suite: Suite, endpoint: str | None = None) -> Snapshotter:
    """Resolve repositories on the source each one came from (one source per kind, built on
    first use from the registry of :mod:`hfsuite.app.download.sources`), at ``endpoint`` when
    given (a mirror; None: the settings' endpoints)."""
    from hfsuite.app.download.sources import SourceSpec, make_source

    sources: dict[SourceKind, Source] = {}

    def snapshot_of(ref: RepoRef) -> RepoSnapshot:
        source = sources.get(ref.source)
        if source is None:
            source = sources[ref.source] = make_source(suite, SourceSpec(ref, endpoint=endpoint))
        return source.snapshot(ref)

    return snapshot_of


def check_updates(
    suite: Suite,
    *,
    snapshot_of: Snapshotter | None = None,
    on_checked: Callable[[RepoUpdate], None] | None = None,
) -> list[RepoUpdate]:
    """Check every downloaded repository (direct URLs are not tracked) and record the result.

    Args:
        suite: The application.
        snapshot_of: How to resolve a repository (default: its source at the endpoint it was
            downloaded from, via :func:`snapshotter`).
        on_checked: Called after each repository (for progress in the GUI).
    """
    db = suite.database
    with db.read() as uow:
        versions = [v for v in uow.model_versions.list_all() if v.source is not SourceKind.URL]
    given = None if snapshot_of is None else _asking_each_source_once(snapshot_of)
    at: dict[str | None, Snapshotter] = {}  # one per endpoint: a mirror down is not the Hub
    results = []
    for version in versions:
        ask = given or at.get(version.endpoint)
        if ask is None:
            ask = at[version.endpoint] = _asking_each_source_once(
                snapshotter(suite, version.endpoint)
            )
        update = check_version(version, ask)
        if update.current_commit is not None:
            with db.write() as uow:
                uow.model_versions.mark_checked(
                    version.id, upstream_commit=update.current_commit, checked_at=time.time()
                )
        results.append(update)
        if on_checked is not None:
            on_checked(update)
    return results


def _asking_each_source_once(snapshot_of: Snapshotter) -> Snapshotter:
    """``snapshot_of``, but a source that could not be reached is not asked again: its error
    comes back at once for the repositories after the first."""
    down: dict[SourceKind, NetworkError] = {}

    def ask(ref: RepoRef) -> RepoSnapshot:
        if ref.source in down:
            raise down[ref.source]
        try:
            return snapshot_of(ref)
        except NetworkError as exc:
            down[ref.source] = exc
            raise

    return ask


def unreachable_sources(updates: Iterable[RepoUpdate]) -> dict[SourceKind, str]:
    """The sources that could not be reached, each with why (told once, not per repository)."""
    down: dict[SourceKind, str] = {}
    for update in updates:
        if update.unreachable and update.error:
            down.setdefault(update.version.source, update.error)
    return down


def nothing_checked(updates: Sequence[RepoUpdate]) -> bool:
    """Every repository that needed its source was unreachable (pinned ones need none)."""
    needed = [u for u in updates if not u.pinned]
    return bool(needed) and all(u.unreachable for u in needed)


def update_specs(updates: Iterable[RepoUpdate], *, include_added: bool = False) -> list[TaskSpec]:
    """Tasks that bring each destination up to date: modified files (and added ones if asked).

    The task downloads the revision again (not the old commit), restricted to those files.
    """
    specs = []
    for update in updates:
        paths = [
            c.path
            for c in update.changes
            if c.kind is ChangeKind.MODIFIED or (include_added and c.kind is ChangeKind.ADDED)
        ]
        if not update.has_update or not paths:
            continue
        v = update.version
        specs.append(
            TaskSpec(
                source=v.source,
                destination=v.destination,
                repo_id=v.repo_id,
                repo_type=v.repo_type,
                revision=v.revision,
                files=paths,
                layout=v.layout,
                endpoint=v.endpoint,  # where it came from, as its update check asked
            )
        )
    return specs


def apply_updates(
    manager: DownloadManager, updates: Iterable[RepoUpdate], *, include_added: bool = False
) -> list[int]:
    """Queue the tasks of :func:`update_specs`; returns their ids."""
    specs = update_specs(updates, include_added=include_added)
    return manager.add(specs) if specs else []
