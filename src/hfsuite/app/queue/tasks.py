"""Between what a person asks for and what the queue stores.

A queue task (:class:`~hfsuite.storage.TaskSpec` in, :class:`~hfsuite.storage.TaskRecord` out)
is a :class:`~hfsuite.app.download.operation.DownloadRequest` without the parts that must never be
stored (the token) or that come from the settings when the task runs (the endpoint unless one
was given, the connections default). This module converts both ways and finds a task's partial
data on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hfsuite.app.download.destinations import layout_for
from hfsuite.app.download.operation import DownloadPlan, DownloadRequest
from hfsuite.app.queue.task_fields import TaskOptions, request_options, task_fields
from hfsuite.config import Settings
from hfsuite.core.destination import Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.layouts import FileTarget
from hfsuite.storage import ManifestEntry, TaskFileRecord, TaskFileSpec, TaskRecord, TaskSpec


def spec_for(ref: RepoRef, options: TaskOptions, settings: Settings) -> TaskSpec:
    """The task for one repository, its destination resolved from options and settings
    (:func:`~hfsuite.app.queue.task_fields.task_fields`)."""
    return TaskSpec(**task_fields(ref, options, settings))


def spec_for_request(request: DownloadRequest, settings: Settings) -> TaskSpec:
    """The task recording a direct download (``hfsuite download``); nothing secret is kept."""
    return spec_for(request.ref, request_options(request, settings), settings)


def request_for(task: TaskRecord) -> DownloadRequest:
    """The download a queued task asks for (the token, and the endpoint unless the task has its
    own, come from the settings).

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
        endpoint=task.endpoint,
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
