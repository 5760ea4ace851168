"""A compare-commit update check over the tracked downloads (model versions).

Every completed Hugging Face download leaves a model-version row: repo, revision, the commit
that was downloaded, the destination and the manifest of files. Checking for updates asks the
Hub where the revision points now (bypassing the API cache) and compares::

    stored commit == current commit   → up to date
    otherwise                         → per file: modified (sha/size differ), removed, added

"Added" files count only when the earlier download took every file of its commit: a download
of two hand-picked files does not want the rest of the repository queued as an "update". The
result of each check is stored (``upstream_commit``/``checked_at``) so views can show it later.

This is the minimal check the desktop app's History tab needs; ``hfsuite updates`` (issue 04)
may grow it further.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from hfsuite.app import catalog
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.types import Layout, RepoRef, RepoType, SourceKind, TaskState
from hfsuite.storage import ManifestEntry, ModelVersionRecord, TaskSpec

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.sources.hub_catalog import FileEntry

__all__ = ["ChangeKind", "FileChange", "UpdateReport", "check_updates", "update_specs"]


class ChangeKind(StrEnum):
    """How one file differs between the downloaded commit and the current one."""

    ADDED = "added"
    """New upstream (reported only when the whole repository had been downloaded)."""
    MODIFIED = "modified"
    """Content (hash or size) changed."""
    REMOVED = "removed"
    """Gone upstream; the local copy stays."""


@dataclass(frozen=True)
class FileChange:
    """One changed file.

    Attributes:
        path: Path inside the repository.
        kind: Added, modified or removed.
        old_size: Size downloaded (None when added).
        new_size: Size upstream now (None when removed).
    """

    path: str
    kind: ChangeKind
    old_size: int | None = None
    new_size: int | None = None


@dataclass(frozen=True)
class UpdateReport:
    """The update check of one tracked download.

    Attributes:
        version_id: The model-version row checked.
        repo_id: The repository.
        repo_type: Model, dataset or space.
        revision: The revision followed (None: the default branch).
        destination: Where it was downloaded.
        layout: HF cache or local dir.
        local_commit: The commit on disk.
        upstream_commit: Where the revision points now (None when the check failed).
        changes: What changed, file by file.
        error: Why the check failed, if it did.
    """

    version_id: int
    repo_id: str
    repo_type: RepoType
    revision: str | None
    destination: str
    layout: Layout
    local_commit: str
    upstream_commit: str | None
    changes: tuple[FileChange, ...] = field(default=())
    error: str | None = None

    @property
    def update_available(self) -> bool:
        """The revision moved to another commit."""
        return self.upstream_commit is not None and self.upstream_commit != self.local_commit

    @property
    def paths_to_fetch(self) -> tuple[str, ...]:
        """Added and modified files (what queuing the update downloads)."""
        return tuple(c.path for c in self.changes if c.kind is not ChangeKind.REMOVED)


def _same(old: ManifestEntry, new: FileEntry) -> bool:
    if old.sha256 and new.sha256:
        return old.sha256 == new.sha256
    if old.git_oid and new.blob_id:
        return old.git_oid == new.blob_id
    return old.size_bytes == new.size


def _changes(
    manifest: Sequence[ManifestEntry], now: Sequence[FileEntry], took_everything: bool
) -> tuple[FileChange, ...]:
    current = {f.path: f for f in now}
    had = {m.path: m for m in manifest}
    found: list[FileChange] = []
    for path, old in had.items():
        new = current.get(path)
        if new is None:
            found.append(FileChange(path, ChangeKind.REMOVED, old.size_bytes, None))
        elif not _same(old, new):
            found.append(FileChange(path, ChangeKind.MODIFIED, old.size_bytes, new.size))
    if took_everything:
        for path, new in current.items():
            if path not in had:
                found.append(FileChange(path, ChangeKind.ADDED, None, new.size))
    return tuple(sorted(found, key=lambda c: c.path))


def _check_one(suite: Suite, version: ModelVersionRecord) -> UpdateReport:
    base = dict(
        version_id=version.id,
        repo_id=version.repo_id,
        repo_type=version.repo_type,
        revision=version.revision,
        destination=version.destination,
        layout=version.layout,
        local_commit=version.commit,
    )
    ref = RepoRef(version.repo_id, version.repo_type, version.revision)
    try:
        details = catalog.info(suite, ref, refresh=True)
    except HfSuiteError as exc:
        return UpdateReport(**base, upstream_commit=None, error=exc.message)  # type: ignore[arg-type]
    upstream = details.commit
    if upstream is None or upstream == version.commit:
        return UpdateReport(**base, upstream_commit=upstream)  # type: ignore[arg-type]
    took_everything = False
    try:
        # Pinned to a commit sha, this answer is cached for good: one request per repo ever.
        before = catalog.info(suite, RepoRef(version.repo_id, version.repo_type, version.commit))
        took_everything = {f.path for f in before.files} <= {m.path for m in version.manifest}
    except HfSuiteError:
        pass
    changes = _changes(version.manifest, details.files, took_everything)
    return UpdateReport(**base, upstream_commit=upstream, changes=changes)  # type: ignore[arg-type]


def check_updates(suite: Suite, *, repo_ids: Collection[str] | None = None) -> list[UpdateReport]:
    """Check every tracked Hugging Face download (or those of ``repo_ids``) for updates.

    A repository that cannot be reached gets a report with ``error`` set; the others are still
    checked. The upstream commit seen is stored with each row.
    """
    with suite.database.read() as uow:
        versions = uow.model_versions.list_all(SourceKind.HUGGINGFACE)
    if repo_ids is not None:
        versions = [v for v in versions if v.repo_id in repo_ids]
    reports = [_check_one(suite, v) for v in versions]
    now = suite.clock.now()
    checked = [r for r in reports if r.upstream_commit is not None]
    if checked:
        with suite.database.write() as uow:
            for report in checked:
                assert report.upstream_commit is not None
                uow.model_versions.mark_checked(
                    report.version_id, upstream_commit=report.upstream_commit, checked_at=now
                )
    return reports


def update_specs(reports: Sequence[UpdateReport]) -> list[TaskSpec]:
    """Tasks that fetch what changed (added and modified files) into the same destinations."""
    specs = []
    for report in reports:
        paths = report.paths_to_fetch
        if not report.update_available or not paths:
            continue
        specs.append(
            TaskSpec(
                source=SourceKind.HUGGINGFACE,
                destination=report.destination,
                repo_id=report.repo_id,
                repo_type=report.repo_type,
                revision=report.revision,
                files=paths,
                layout=report.layout,
                state=TaskState.QUEUED,
            )
        )
    return specs
