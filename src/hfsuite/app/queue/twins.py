"""Which existing task a download of the same thing takes over instead of adding a twin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hfsuite.app.queue.liveness import interrupted_ids
from hfsuite.core.types import TaskState

if TYPE_CHECKING:
    from hfsuite.storage import TaskRecord, TaskSpec, UnitOfWork

__all__ = ["TAKEABLE", "same_download", "take_over_or_add", "twin_to_take_over"]

TAKEABLE = (
    TaskState.RUNNING,
    TaskState.QUEUED,
    TaskState.PAUSED,
    TaskState.FAILED,
    TaskState.CANCELLED,
)
"""The states of a task a direct download of the same thing may take over (RUNNING only when
its runner is gone): see :func:`twin_to_take_over`."""


def same_download(task: TaskRecord, spec: TaskSpec) -> bool:
    """Whether a task downloads what ``spec`` asks for: the same repository or URL, revision,
    selection and destination (priority and limits aside)."""

    def key(t: TaskRecord | TaskSpec) -> tuple[object, ...]:
        files = None if t.files is None else tuple(t.files)
        return (t.source, t.repo_id, t.url, t.repo_type, t.revision, tuple(t.include),
                tuple(t.exclude), files, t.layout, t.destination, t.expected_sha256)  # fmt: skip

    return key(task) == key(spec)


def twin_to_take_over(
    tasks: Sequence[TaskRecord], spec: TaskSpec, *, where: str, now: float
) -> TaskRecord | None:
    """The task a direct download of ``spec`` takes over rather than adding a twin: one of
    ``tasks`` (listed in :data:`TAKEABLE` states) downloading the same thing that no runner
    runs (waiting, paused, failed, cancelled, or interrupted: its runner gone, judged with the
    runner lock of the database at ``where`` and heartbeats as of ``now``)."""
    twins = [t for t in tasks if same_download(t, spec)]
    running = [t for t in twins if t.state is TaskState.RUNNING]
    gone = interrupted_ids(running, where=where, now=now)
    return next((t for t in twins if t.state is not TaskState.RUNNING or t.id in gone), None)


def take_over_or_add(
    uow: UnitOfWork, spec: TaskSpec, *, where: str, now: float
) -> tuple[int, TaskRecord | None]:
    """The task a direct download of ``spec`` is recorded on, in ``uow``'s transaction: the
    twin :func:`twin_to_take_over` finds (given the endpoint this download uses, for any later
    run of it), else a new task. Returns its id, and the twin as it was (None: added)."""
    twin = twin_to_take_over(uow.tasks.list_queue(TAKEABLE), spec, where=where, now=now)
    if twin is None:
        (task_id,) = uow.tasks.add_many([spec])
        return task_id, None
    if twin.endpoint != spec.endpoint:
        uow.tasks.set_endpoint(twin.id, spec.endpoint)
    return twin.id, twin
