"""Between what a person asks for and what the queue stores.

A queue task (:class:`~hfsuite.storage.TaskSpec` in, :class:`~hfsuite.storage.TaskRecord` out)
is a :class:`~hfsuite.app.download.operation.DownloadRequest` without the parts that must never be
stored (the token) or that come from the settings when the task runs (endpoint, connections
default). This module converts both ways and finds a task's partial data on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hfsuite.app.download.destinations import destination_for, layout_for
from hfsuite.app.download.operation import DownloadPlan, DownloadRequest, request_destination
from hfsuite.config import Settings
from hfsuite.core.destination import Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import Priority, RepoRef, SourceKind, TaskState
from hfsuite.engine.layouts import FileTarget
from hfsuite.storage import ManifestEntry, TaskFileRecord, TaskFileSpec, TaskRecord, TaskSpec


@dataclass(frozen=True)
class TaskOptions:
    """How to download the repositories added in one go (``hfsuite queue add`` options).

    Attributes:
        paths: Explicit files or folders (empty: all).
        include: Glob patterns to keep.
        exclude: Glob patterns to drop.
        destination: Where the files go (None: the default, see
            :func:`~hfsuite.app.download.destinations.default_destination`).
        priority: Queue priority.
        paused: Add the tasks paused.
        limit_bps: Per-task bandwidth limit (None: the ``task_limit_bps`` setting).
        connections: Connections per file (None: the setting).
        expected_sha256: For a plain URL: the SHA-256 the file must have.
    """

    paths: Sequence[str] = ()
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    destination: Destination | None = None
    priority: Priority = Priority.NORMAL
    paused: bool = False
    limit_bps: int | None = None
    connections: int | None = None
    expected_sha256: str | None = None


def spec_for(ref: RepoRef, options: TaskOptions, settings: Settings) -> TaskSpec:
    """The task for one repository, its destination resolved from options and settings.

    Several repositories added with one folder share it (like ``hf download`` would); with
    the local-dir layout as the default each goes to ``<download_dir>/<name>``.
    """
    is_url = ref.source is SourceKind.URL
    layout, destination = destination_for(settings, ref, options.destination).absolute().stored()
    return TaskSpec(
        source=ref.source,
        destination=destination,
        repo_id=None if is_url else ref.repo_id,
        url=ref.repo_id if is_url else None,
        expected_sha256=options.expected_sha256,
        repo_type=ref.repo_type,
        revision=ref.revision,
        include=tuple(options.include),
        exclude=tuple(options.exclude),
        files=tuple(options.paths) or None,
        layout=layout,
        priority=options.priority,
        state=TaskState.PAUSED if options.paused else TaskState.QUEUED,
        bandwidth_limit_bps=options.limit_bps,
        connections=options.connections,
    )


def spec_for_request(request: DownloadRequest, settings: Settings) -> TaskSpec:
    """The task recording a direct download (``hfsuite download``); nothing secret is kept."""
    options = TaskOptions(
        paths=tuple(request.paths),
        include=tuple(request.include or ()),
        exclude=tuple(request.exclude or ()),
        destination=request_destination(settings, request),
        limit_bps=request.limit_bps,
        connections=request.connections,
        paused=True,  # held back from any queue runner until this process claims it
        expected_sha256=request.expected_sha256,
    )
    return spec_for(request.ref, options, settings)


def same_download(task: TaskRecord, spec: TaskSpec) -> bool:
    """Whether a task downloads what ``spec`` asks for: the same repository or URL, revision,
    selection and destination (priority and limits aside)."""

    def key(t: TaskRecord | TaskSpec) -> tuple[object, ...]:
        files = None if t.files is None else tuple(t.files)
        return (t.source, t.repo_id, t.url, t.repo_type, t.revision, tuple(t.include),
                tuple(t.exclude), files, t.layout, t.destination, t.expected_sha256)  # fmt: skip

    return key(task) == key(spec)


def request_for(task: TaskRecord) -> DownloadRequest:
    """The download a queued task asks for (endpoint and token come from the settings).

    Raises:
        UsageError: for a source this version cannot download from the queue yet.
    """
    target = task.url if task.source is SourceKind.URL else task.repo_id
    if not target:
        raise UsageError(
            tr("Task {id} names no repository or URL.", id=task.id), hint=tr("Remove the task.")
        )
    return DownloadRequest(
        ref=RepoRef(target, task.repo_type, task.revision, task.source),
        expected_sha256=task.expected_sha256,
        paths=task.files or (),
        include=list(task.include) or None,
        exclude=list(task.exclude) or None,
        destination=Destination.from_stored(task.layout, task.destination),
        connections=task.connections,
        limit_bps=task.bandwidth_limit_bps,
    )


def task_files_of(plan: DownloadPlan) -> list[TaskFileSpec]:
    """The planned files as stored with the task (the etag is what names the partial file)."""
    return [
        TaskFileSpec(
            path=f.remote.path,
            size_bytes=f.remote.size,
            sha256=f.remote.sha256,
            etag=f.remote.etag,
        )
        for f in plan.files
    ]


def manifest_of(plan: DownloadPlan) -> list[ManifestEntry]:
    """The planned files as history and model versions record them."""
    return [
        ManifestEntry(
            path=f.remote.path,
            size_bytes=f.remote.size,
            sha256=f.remote.sha256,
            git_oid=f.remote.blob_id,
        )
        for f in plan.files
    ]


def partial_files(task: TaskRecord, files: Sequence[TaskFileRecord]) -> list[Path]:
    """Partial data and resume state a task may have left (existing or not).

    Completed files are never listed: removing a task with its partial data keeps what was
    finished. Computed from the stored plan, without asking the hub.
    """
    if not task.repo_id:
        return []
    ref = RepoRef(task.repo_id, task.repo_type, task.revision, task.source)
    snapshot = RepoSnapshot(ref, task.resolved_commit or "0" * 40)
    layout = layout_for(Destination.from_stored(task.layout, task.destination), snapshot)
    out: list[Path] = []
    for f in files:
        remote = RemoteFile(f.path, f.size_bytes or 0, "", blob_id=f.etag, sha256=f.sha256)
        try:
            target: FileTarget = layout.target(remote)
        except (ValueError, UsageError):
            continue  # no etag (never planned) or an unsafe path: nothing of ours there
        out += [target.partial_path, target.state_path]
    return out
