"""What a queue task stores, before it is a row: its columns as plain values.

:func:`task_fields` resolves a repository and the options it was added with into the columns of
a task (the :class:`~hfsuite.storage.TaskSpec` that :func:`hfsuite.app.queue.tasks.spec_for`
makes of them); nothing here imports the storage layer, so a download recorded in the journal
of finished downloads (:mod:`hfsuite.app.queue.finished`) stores the very same columns without
SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hfsuite.app.download.destinations import destination_for
from hfsuite.app.download.operation import DownloadRequest, request_destination
from hfsuite.config import Settings
from hfsuite.core.destination import Destination
from hfsuite.core.types import Priority, RepoRef, SourceKind, TaskState

__all__ = ["TaskOptions", "request_options", "task_fields"]


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
        endpoint: The Hub (or ModelScope) URL to download from, stored with the task so that
            it is the one used whenever the task runs (None: the setting's at that time).
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
    endpoint: str | None = None


def task_fields(ref: RepoRef, options: TaskOptions, settings: Settings) -> dict[str, Any]:
    """The columns of the task for one repository (``TaskSpec``'s fields), its destination
    resolved from options and settings.

    Several repositories added with one folder share it (like ``hf download`` would); with
    the local-dir layout as the default each goes to ``<download_dir>/<name>``.
    """
    is_url = ref.source is SourceKind.URL
    layout, destination = destination_for(settings, ref, options.destination).absolute().stored()
    return {
        "source": ref.source,
        "destination": destination,
        "repo_id": None if is_url else ref.repo_id,
        "url": ref.repo_id if is_url else None,
        "expected_sha256": options.expected_sha256,
        "repo_type": ref.repo_type,
        "revision": ref.revision,
        "include": tuple(options.include),
        "exclude": tuple(options.exclude),
        "files": tuple(options.paths) or None,
        "layout": layout,
        "priority": options.priority,
        "state": TaskState.PAUSED if options.paused else TaskState.QUEUED,
        "bandwidth_limit_bps": options.limit_bps,
        "connections": options.connections,
        "endpoint": None if is_url else options.endpoint,
    }


def request_options(request: DownloadRequest, settings: Settings) -> TaskOptions:
    """The options of the task recording a direct download (``hfsuite download``); nothing
    secret is kept."""
    return TaskOptions(
        paths=tuple(request.paths),
        include=tuple(request.include or ()),
        exclude=tuple(request.exclude or ()),
        destination=request_destination(settings, request),
        limit_bps=request.limit_bps,
        connections=request.connections,
        paused=True,  # held back from any queue runner until this process claims it
        expected_sha256=request.expected_sha256,
        endpoint=request.endpoint,
    )
