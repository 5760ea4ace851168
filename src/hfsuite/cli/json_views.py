"""What ``--json`` prints: one function per object, in the shapes docs/json.md describes.

Every document (and every line of a JSON-lines stream) names its schema in a ``schema`` field,
``hfsuite/<kind>/v1``. A repository is always the same flat fields, ``source``, ``repo_type``,
``repo_id`` and ``revision`` (plus ``url`` where a plain URL can stand in for a repository);
``files`` is always a list and ``file_count`` its length. docs/json-schema/v1.json holds the
machine-readable schema; the end-to-end tests validate every command's output against it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hfsuite.core.errors import HfSuiteError
from hfsuite.core.events import Event
from hfsuite.core.i18n import english
from hfsuite.core.types import RepoRef, RepoType, SourceKind

if TYPE_CHECKING:
    from hfsuite.app.accounts import AccessReport, AuthStatus, LoginResult, LogoutResult
    from hfsuite.app.config_ops import SettingRow
    from hfsuite.app.download.operation import DownloadOutcome, DownloadPlan
    from hfsuite.app.download.updates import RepoUpdate
    from hfsuite.app.history_ops import HistoryRecord, StatsSummary
    from hfsuite.app.hub.catalog import RepoDetails, SearchPage
    from hfsuite.app.queue.manager import TaskFileRecord, TaskRecord

VERSION = 1
"""The schema version every document carries (``hfsuite/<kind>/v1``)."""

INTERRUPTED = "interrupted"
"""How a running task whose runner is gone is shown (it is stored as running)."""

Json = dict[str, Any]


def schema_name(kind: str) -> str:
    """The ``schema`` value of a document of this kind, e.g. ``hfsuite/task-list/v1``."""
    return f"hfsuite/{kind}/v{VERSION}"


def document(kind: str, body: Mapping[str, Any]) -> Json:
    """A top-level document: ``{"schema": "hfsuite/<kind>/v1", **body}``."""
    return {"schema": schema_name(kind), **body}


def repo_fields(
    source: SourceKind,
    repo_type: RepoType,
    repo_id: str | None,
    revision: str | None,
) -> Json:
    """The one repository shape: ``source``, ``repo_type``, ``repo_id``, ``revision``."""
    return {
        "source": source.value,
        "repo_type": repo_type.value,
        "repo_id": repo_id,
        "revision": revision,
    }


def ref_fields(ref: RepoRef) -> Json:
    """:func:`repo_fields` of a repository reference."""
    return repo_fields(ref.source, ref.repo_type, ref.repo_id, ref.revision)


# --- errors ------------------------------------------------------------------------------------


def error_view(error: HfSuiteError | None, *, message: str = "", exit_code: int = 2) -> Json:
    """An error document; ``error`` None for a usage error the command line parser found."""
    if error is None:
        body = {"type": "UsageError", "message": message, "hint": None, "exit_code": exit_code}
    else:
        body = {
            "type": type(error).__name__,
            "message": english(error.message),
            "hint": None if error.hint is None else english(error.hint),
            "exit_code": error.exit_code,
        }
    return document("error", {"error": body})


# --- catalog -----------------------------------------------------------------------------------


def search_view(page: SearchPage) -> Json:
    """``search --json``: one page of results."""
    fresh = page.freshness
    items = [
        {
            **repo_fields(SourceKind.HUGGINGFACE, h.repo_type, h.id, None),
            "author": h.author,
            "downloads": h.downloads,
            "likes": h.likes,
            "pipeline_tag": h.pipeline_tag,
            "library_name": h.library_name,
            "tags": list(h.tags),
            "last_modified": h.last_modified,
            "created_at": h.created_at,
            "private": h.private,
            "gated": h.gated,
        }
        for h in page.hits
    ]
    return document(
        "search-page",
        {
            "items": items,
            "next_cursor": page.next_cursor,
            "from_cache": fresh.from_cache,
            "stale": fresh.stale,
            "note": None if fresh.note is None else english(fresh.note),
        },
    )


def details_view(d: RepoDetails) -> Json:
    """``info --json``: a repository and its files."""
    return document(
        "repo-details",
        {
            **repo_fields(SourceKind.HUGGINGFACE, d.repo_type, d.id, d.revision),
            "commit": d.commit,
            "author": d.author,
            "private": d.private,
            "gated": d.gated,
            "license": d.license,
            "pipeline_tag": d.pipeline_tag,
            "library_name": d.library_name,
            "tags": list(d.tags),
            "downloads": d.downloads,
            "likes": d.likes,
            "last_modified": d.last_modified,
            "created_at": d.created_at,
            "file_count": len(d.files),
            "files": [
                {"path": f.path, "size": f.size, "lfs": f.lfs, "sha256": f.sha256} for f in d.files
            ],
            "total_bytes": d.total_size,
            "from_cache": d.freshness.from_cache,
            "note": None if d.freshness.note is None else english(d.freshness.note),
        },
    )


# --- download ----------------------------------------------------------------------------------


def plan_view(the_plan: DownloadPlan) -> Json:
    """``download --dry-run --json``: what a download would fetch."""
    files = [
        {
            "path": f.remote.path,
            "size": f.remote.size,
            "action": f.action,
            "bytes_to_download": f.missing_bytes,
        }
        for f in the_plan.files
    ]
    return document(
        "plan",
        {
            **ref_fields(the_plan.snapshot.ref),
            "commit": the_plan.snapshot.commit,
            "destination": str(the_plan.destination),
            "file_count": len(files),
            "files": files,
            "total_bytes": the_plan.total_bytes,
            "bytes_to_download": the_plan.missing_bytes,
        },
    )


def download_event_view(event: Event) -> Json:
    """One line of ``download --json``: an engine event, fields as the event has them."""
    data = dataclasses.asdict(event)
    for key in ("speed_bps", "eta_s", "delay_s"):
        if isinstance(data.get(key), float):
            data[key] = round(max(0.0, data[key]), 1)
    for f in data.get("files") or ():
        f["speed_bps"] = round(max(0.0, f["speed_bps"]), 1)
    return document("download-event", {"event": type(event).__name__, **data})


def download_done_view(outcome: DownloadOutcome, path: str) -> Json:
    """The last line of a finished ``download --json``."""
    the_plan = outcome.plan
    files = outcome.result.files if outcome.result else []
    return document(
        "download-event",
        {
            "event": "Done",
            **ref_fields(the_plan.snapshot.ref),
            "commit": the_plan.snapshot.commit,
            "file_count": len(the_plan.files),
            "skipped_count": sum(1 for f in files if f.skipped),
            "downloaded_bytes": outcome.downloaded_bytes,
            "refetched_bytes": outcome.refetched_bytes,
            "reused_bytes": outcome.reused_bytes,
            "elapsed_s": round(outcome.elapsed_s, 3),
            "path": path,
        },
    )


def download_cancelled_view(message: str) -> Json:
    """The last line of ``download --json`` stopped with Ctrl-C."""
    return document("download-event", {"event": "Cancelled", "message": message})


# --- queue -------------------------------------------------------------------------------------


def shown_state(task: TaskRecord, interrupted: Collection[int]) -> str:
    """The state ``queue ls`` shows: the stored one, or ``interrupted``."""
    return INTERRUPTED if task.id in interrupted else task.state.value


def task_view(task: TaskRecord, interrupted: Collection[int] = ()) -> Json:
    """A queue task (``interrupted``: ids shown as interrupted)."""
    return {
        "id": task.id,
        "state": shown_state(task, interrupted),
        "priority": task.priority.name.lower(),
        **repo_fields(task.source, task.repo_type, task.repo_id, task.revision),
        "url": task.url,
        "commit": task.resolved_commit,
        "destination": task.destination,
        "layout": task.layout.value,
        "bytes_done": task.bytes_done,
        "bytes_total": task.bytes_total,
        "files_done": task.files_done,
        "files_total": task.files_total,
        "error": task.error,
    }


def file_bytes_done(f: TaskFileRecord) -> int:
    """Bytes of a task's file on disk: all of them once it is complete (the row counts only
    the bytes of a file in progress)."""
    if f.state.value in ("completed", "skipped") and f.size_bytes is not None:
        return f.size_bytes
    return f.bytes_done


def task_detail_view(
    task: TaskRecord, files: Iterable[TaskFileRecord], interrupted: Collection[int]
) -> Json:
    """``queue show --json``: a task's fields, what it selects, when it ran, and its files."""
    listed = [
        {
            "path": f.path,
            "size": f.size_bytes,
            "state": f.state.value,
            "bytes_done": file_bytes_done(f),
        }
        for f in files
    ]
    return document(
        "task-detail",
        {
            **task_view(task, interrupted),
            "paths": None if task.files is None else list(task.files),
            "include": list(task.include),
            "exclude": list(task.exclude),
            "limit_bps": task.bandwidth_limit_bps,
            "connections": task.connections,
            "endpoint": task.endpoint,
            "created_at": _iso_utc(task.created_at),
            "started_at": _iso_utc(task.started_at),
            "finished_at": _iso_utc(task.finished_at),
            "file_count": len(listed),
            "files": listed,
        },
    )


def _iso_utc(ts: float | None) -> str | None:
    """Epoch seconds as the ISO 8601 UTC text history entries use."""
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="seconds") if ts else None


def task_list_view(
    tasks: Iterable[TaskRecord], interrupted: Collection[int], workers: Mapping[int, str]
) -> Json:
    """``queue ls --json`` (``workers``: who runs each running task)."""
    return document(
        "task-list",
        {"tasks": [task_view(t, interrupted) | {"worker": workers.get(t.id)} for t in tasks]},
    )


def queue_change_view(action: str, task_ids: Sequence[int] | None, changed: int) -> Json:
    """``queue add|pause|resume|cancel|retry|rm|move|priority --json``: what changed.

    ``task_ids`` is None when the command named no ids (``--all``, ``rm --finished``).
    """
    return document(
        "queue-change",
        {
            "action": action,
            "task_ids": None if task_ids is None else list(task_ids),
            "changed": changed,
        },
    )


def queue_event_view(event: Event) -> Json | None:
    """One line of ``queue run --json`` (None: an event the stream does not show).

    A task event carries the task as it is after the change; progress batches carry every
    running task's bytes and speed.
    """
    from hfsuite.app.events import TaskEvent, TaskRemoved, TasksProgressed

    if isinstance(event, TaskEvent):
        return document(
            "queue-event", {"event": type(event).__name__, "task": task_view(event.record)}
        )
    if isinstance(event, TasksProgressed):
        tasks = [
            {
                "task_id": p.task_id,
                "bytes_done": p.done_bytes,
                "bytes_total": p.total_bytes,
                "files_done": p.files_done,
                "files_total": p.files_total,
                "speed_bps": round(max(0.0, p.speed_bps), 1),
                "eta_s": None if p.eta_s is None else round(p.eta_s, 1),
            }
            for p in event.tasks
        ]
        return document(
            "queue-event",
            {
                "event": "TasksProgressed",
                "speed_bps": round(max(0.0, event.speed_bps), 1),
                "tasks": tasks,
            },
        )
    if isinstance(event, TaskRemoved):
        return document("queue-event", {"event": "TaskRemoved", "task_id": event.task_id})
    return None


def queue_finished_view(completed: int, failed: int, cancelled: int) -> Json:
    """The last line of ``queue run --json``: how the run's tasks ended."""
    return document(
        "queue-event",
        {"event": "Finished", "completed": completed, "failed": failed, "cancelled": cancelled},
    )


# --- history, stats, updates -------------------------------------------------------------------


def history_entry_view(record: HistoryRecord) -> Json:
    """One history entry (the same fields ``history export --format json`` writes)."""
    return record.to_export_dict()


def history_list_view(records: Iterable[HistoryRecord]) -> Json:
    """``history ls --json``."""
    return document("history-list", {"entries": [history_entry_view(r) for r in records]})


def history_show_view(record: HistoryRecord) -> Json:
    """``history show --json``."""
    return document("history-entry", history_entry_view(record))


def favorite_view(ref: RepoRef, favorite: bool, changed: bool, note: str | None) -> Json:
    """``history fav|unfav --json``: the repository's favorite state afterwards."""
    return document(
        "favorite",
        {**ref_fields(ref), "favorite": favorite, "changed": changed, "note": note},
    )


def stats_view(summary: StatsSummary) -> Json:
    """``stats --json``: the table's columns, per day and in total."""

    def row(
        completed: int, failed: int, cancelled: int, nbytes: int, secs: float, speed: float
    ) -> Json:
        return {
            "completed": completed,
            "failed": failed,
            "cancelled": cancelled,
            "bytes": nbytes,
            "seconds": round(secs, 3),
            "average_speed_bps": round(max(0.0, speed), 1),
        }

    days = [
        {
            "day": d.day.isoformat(),
            **row(
                d.downloads,
                d.failures,
                d.cancelled,
                d.bytes_downloaded,
                d.seconds,
                d.average_speed_bps,
            ),
        }
        for d in summary.days
    ]
    total = row(
        summary.downloads,
        summary.failures,
        sum(d.cancelled for d in summary.days),
        summary.bytes_downloaded,
        summary.seconds,
        summary.average_speed_bps,
    )
    return document("stats", {"days": days, "total": total})


def updates_view(updates: Sequence[RepoUpdate], queued: Sequence[int]) -> Json:
    """``updates --json``: every tracked download checked, the tasks queued, and each source
    that could not be reached (once, with why; its rows say ``unreachable``)."""
    from hfsuite.app.download.updates import unreachable_sources

    down = [{"source": s.value, "error": why} for s, why in unreachable_sources(updates).items()]
    body = {"repos": [u.to_dict() for u in updates], "queued_task_ids": list(queued)}
    return document("updates", {**body, "unreachable": down})


# --- auth and config ---------------------------------------------------------------------------


def login_view(result: LoginResult) -> Json:
    """``auth login --json``."""
    return document(
        "auth-login",
        {
            "user": result.info.user,
            "role": result.info.role,
            "stored_in": result.stored_in.value,
            "location": result.location,
            "warning": result.warning,
        },
    )


def logout_view(result: LogoutResult) -> Json:
    """``auth logout --json``: where a stored token was removed, and what is still in effect."""
    still = result.still_active
    return document(
        "auth-logout",
        {
            "removed": [origin.value for origin in result.removed],
            "still_active": None
            if still is None
            else {"origin": still.origin.value, "location": still.location or None},
        },
    )


def auth_status_view(state: AuthStatus) -> Json:
    """``auth status --json`` (the token itself never included)."""
    return document("auth-status", state.to_dict())


def access_view(report: AccessReport) -> Json:
    """``auth check --json``."""
    data = report.to_dict()
    data.pop("ref")
    return document("access-report", {**ref_fields(report.ref), **data})


def settings_view(rows: Iterable[SettingRow]) -> Json:
    """``config show --json``: every setting's value and where it comes from."""
    return document(
        "settings", {"settings": {r.key: {"value": r.value, "origin": r.origin} for r in rows}}
    )


def setting_view(row: SettingRow) -> Json:
    """``config get --json``."""
    return document("setting", {**dataclasses.asdict(row), "env": list(row.env)})


def setting_change_view(
    key: str | None, value: Any, note: str | None, overridden_by: str | None
) -> Json:
    """``config set|reset --json``: the stored value (None: cleared or back to the default).

    ``key`` is None when ``config reset`` reset every setting.
    """
    return document(
        "setting-change",
        {
            "key": key,
            "value": value,
            "note": None if note is None else english(note),
            "overridden_by": overridden_by,
        },
    )


def config_path_view(path: str) -> Json:
    """``config path --json``."""
    return document("config-path", {"path": path})
