"""History, favorites, statistics and model versions: what is kept after a task ends.

Every task that completes, fails or is cancelled becomes one history row (:func:`record_end`),
adds to its day's statistics, and, when it completed, updates the tracked version of the repo in
that destination (the basis of "check for updates"). All of it is written in the same
transaction as the task's final state, so a crash never leaves one without the other.

Exports (:func:`export_history`) contain what :meth:`HistoryRecord.to_export_dict` gives, passed
through the suite's redactor: the database never holds a token, and a token pasted into a URL
by hand is masked too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO

from hfsuite.core.destination import Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.redact import Redactor
from hfsuite.core.types import Outcome, Priority, RepoRef, RepoType, SourceKind, TaskState
from hfsuite.storage import (
    Database,
    FileSelection,
    HistoryQuery,
    HistoryRecord,
    HistorySpec,
    ManifestEntry,
    ModelVersionSpec,
    StatsSummary,
    TaskRecord,
    TaskSpec,
    UnitOfWork,
)

__all__ = [
    "EXPORT_FORMATS",
    "HistoryQuery",
    "HistoryRecord",
    "StatsSummary",
    "TaskEnd",
    "export_history",
    "find_history",
    "get_history",
    "local_day",
    "record_end",
    "redownload_spec",
    "ref_of",
    "set_favorite",
    "stats_summary",
]

EXPORT_FORMATS = ("csv", "json")
"""Formats :func:`export_history` writes."""

CSV_COLUMNS = (
    "id",
    "finished_at",
    "started_at",
    "outcome",
    "source",
    "repo_type",
    "repo_id",
    "url",
    "revision",
    "commit",
    "destination",
    "layout",
    "file_count",
    "files",
    "bytes",
    "duration_s",
    "average_speed_bps",
    "error",
    "favorite",
)


@dataclass(frozen=True)
class TaskEnd:
    """How a task's run ended, for :func:`record_end`.

    Attributes:
        outcome: Completed, failed or cancelled.
        commit: The commit it resolved to (None when it failed before planning).
        files: The planned files.
        bytes_downloaded: Bytes fetched over the network in this run.
        duration_s: Time spent transferring.
        started_at: When the run started (epoch seconds; None if it never ran).
        error: The error message for a failure.
    """

    outcome: Outcome
    commit: str | None = None
    files: Sequence[ManifestEntry] = ()
    bytes_downloaded: int = 0
    duration_s: float = 0.0
    started_at: float | None = None
    error: str | None = None


def local_day(ts: float) -> date:
    """The local calendar day of an epoch time (what statistics are grouped by)."""
    return datetime.fromtimestamp(ts).date()


def record_end(uow: UnitOfWork, task: TaskRecord, end: TaskEnd, finished_at: float) -> int:
    """Write the history row, the day's statistics and (when completed) the model version.

    Call inside the write transaction that puts the task in its final state.

    Returns:
        The history row's id.
    """
    history_id = uow.history.add(
        HistorySpec(
            source=task.source,
            outcome=end.outcome,
            destination=task.destination,
            finished_at=finished_at,
            repo_id=task.repo_id,
            url=task.url,
            repo_type=task.repo_type,
            revision=task.revision,
            commit=end.commit or task.resolved_commit,
            layout=task.layout,
            files=tuple(end.files),
            bytes_downloaded=end.bytes_downloaded,
            duration_s=end.duration_s,
            error=end.error,
            task_id=task.id,
            started_at=end.started_at,
            endpoint=task.endpoint,
        )
    )
    uow.stats.record(
        local_day(finished_at),
        end.outcome,
        bytes_downloaded=end.bytes_downloaded,
        seconds=end.duration_s,
    )
    commit = end.commit or task.resolved_commit
    if end.outcome is Outcome.COMPLETED and task.repo_id and commit:
        uow.model_versions.upsert(
            ModelVersionSpec(
                source=task.source,
                repo_id=task.repo_id,
                commit=commit,
                destination=task.destination,
                downloaded_at=finished_at,
                repo_type=task.repo_type,
                revision=task.revision,
                layout=task.layout,
                manifest=(manifest := _merged_manifest(uow, task, end.files)),
                selections=_merged_selections(uow, task, manifest),
                endpoint=task.endpoint,
            )
        )
    return history_id


# --- reading ------------------------------------------------------------------------------


def find_history(db: Database, query: HistoryQuery | None = None) -> list[HistoryRecord]:
    """History rows matching ``query``, newest first."""
    with db.read() as uow:
        return uow.history.find(query)


def get_history(db: Database, entry_id: int) -> HistoryRecord:
    """One history row.

    Raises:
        UsageError: when there is no such row.
    """
    with db.read() as uow:
        record = uow.history.get(entry_id)
    if record is None:
        raise UsageError(
            tr("There is no history entry {id}.", id=entry_id),
            hint=tr("List entries with: hfsuite history ls"),
        )
    return record


def set_favorite(db: Database, ref: RepoRef, favorite: bool, note: str | None = None) -> bool:
    """Star or unstar a repository. Returns whether anything changed for an unstar."""
    with db.write() as uow:
        if favorite:
            uow.history.add_favorite(ref, note)
            return True
        return uow.history.remove_favorite(ref)


def favorite_notes(db: Database) -> dict[tuple[SourceKind, RepoType, str], str]:
    """The notes kept with favorites (``history fav --note``), by (source, kind, repo id)."""
    with db.read() as uow:
        favorites = uow.history.list_favorites()
    return {(f.source, f.repo_type, f.repo_id): f.note for f in favorites if f.note}


def note_of(notes: dict[tuple[SourceKind, RepoType, str], str], record: HistoryRecord) -> str:
    """The favorite's note of a history entry's repository ("" without one)."""
    if not record.is_favorite or record.repo_id is None:
        return ""
    return notes.get((record.source, record.repo_type, record.repo_id), "")


def ref_of(record: HistoryRecord) -> RepoRef:
    """The repository of a history row.

    Raises:
        UsageError: for a plain URL download (it has no repository).
    """
    if not record.repo_id:
        raise UsageError(
            tr("History entry {id} is a plain URL download, not a repository.", id=record.id)
        )
    return RepoRef(record.repo_id, record.repo_type, record.revision, record.source)


def redownload_spec(
    record: HistoryRecord, *, pin_commit: bool = False, priority: Priority = Priority.NORMAL
) -> TaskSpec:
    """A new task downloading what a history row downloaded, to the same place.

    Args:
        record: The history row.
        pin_commit: Ask for the exact commit recorded instead of the revision (default:
            the revision again, i.e. its newest state).
        priority: The new task's priority.

    Raises:
        UsageError: when the row names no repository or URL.
    """
    if not record.repo_id and not record.url:
        raise UsageError(tr("History entry {id} names nothing to download.", id=record.id))
    revision = record.commit if pin_commit and record.commit else record.revision
    files = tuple(f.path for f in record.files) or None
    layout, destination = _destination_of(record).stored()
    return TaskSpec(
        source=record.source,
        destination=destination,
        repo_id=record.repo_id,
        url=record.url,
        repo_type=record.repo_type,
        revision=revision,
        files=files,
        layout=layout,
        priority=priority,
        state=TaskState.QUEUED,
        endpoint=record.endpoint,  # the mirror it came from, if it had its own
    )


def _destination_of(record: HistoryRecord) -> Destination:
    if record.layout is not None:
        return Destination.from_stored(record.layout, record.destination)
    # Rows from before the layout was recorded: only plain URLs went to a folder then.
    if record.source is SourceKind.URL:
        return Destination.folder(record.destination)
    return Destination.hf_cache(record.destination)


# --- export -------------------------------------------------------------------------------


def export_history(
    db: Database,
    fmt: str,
    out: TextIO,
    query: HistoryQuery | None = None,
    *,
    redactor: Redactor | None = None,
) -> int:
    """Write history rows as CSV or JSON; returns how many rows were written.

    Args:
        db: The database.
        fmt: ``csv`` or ``json``.
        out: Where to write (text).
        query: Which rows (default: all), newest first.
        redactor: Masks secrets in every text value (default: pattern-based only).

    Raises:
        UsageError: for an unknown format.
    """
    if fmt not in EXPORT_FORMATS:
        raise UsageError(
            tr("Unknown export format {format}.", format=repr(fmt)), hint=tr("Use csv or json.")
        )
    mask = redactor or Redactor()
    with db.read() as uow:
        rows = [_masked(r, mask) for r in uow.history.export_rows(query)]
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            flat = dict(row)
            flat["files"] = ";".join(f["path"] for f in row["files"])
            writer.writerow(flat)
    return len(rows)


def export_history_text(db: Database, fmt: str, query: HistoryQuery | None = None) -> str:
    """:func:`export_history` into a string."""
    buffer = io.StringIO()
    export_history(db, fmt, buffer, query)
    return buffer.getvalue()


def _masked(value: Any, mask: Redactor) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _masked(v, mask) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, mask) for v in value]
    return value


# --- statistics ---------------------------------------------------------------------------


def stats_summary(db: Database, today: date, days: int = 30) -> StatsSummary:
    """Per-day statistics for the last ``days`` days up to ``today``."""
    with db.read() as uow:
        return uow.stats.summary(today, days)


def _merged_manifest(
    uow: UnitOfWork, task: TaskRecord, files: Sequence[ManifestEntry]
) -> tuple[ManifestEntry, ...]:
    """What the destination holds now: the files this task fetched, plus the ones earlier
    downloads of the same repository into the same place fetched (an update that fetched two
    modified files must not make the others untracked)."""
    assert task.repo_id is not None
    ref = RepoRef(task.repo_id, task.repo_type, task.revision, task.source)
    merged: dict[str, ManifestEntry] = {}
    for earlier in uow.model_versions.find(ref):
        if earlier.destination == task.destination:
            merged.update((e.path, e) for e in earlier.manifest)
    merged.update((e.path, e) for e in files)
    return tuple(merged[path] for path in sorted(merged))


def _merged_selections(
    uow: UnitOfWork, task: TaskRecord, manifest: Sequence[ManifestEntry]
) -> tuple[FileSelection, ...] | None:
    """What the downloads into this destination asked for: this task's selection added to the
    earlier ones. Naming files that are tracked anyway (an update fetching the modified files)
    adds nothing; taking the whole repository makes the rest moot. A selection that was
    unknown (a row from before selections were kept) stays unknown unless this task took the
    whole repository."""
    assert task.repo_id is not None
    selection = FileSelection(tuple(task.files or ()), tuple(task.include), tuple(task.exclude))
    if selection.everything:
        return (selection,)
    ref = RepoRef(task.repo_id, task.repo_type, task.revision, task.source)
    earlier = [v for v in uow.model_versions.find(ref) if v.destination == task.destination]
    merged: list[FileSelection] = []
    if earlier:
        if earlier[0].selections is None:
            return None
        merged.extend(earlier[0].selections)
        if any(s.everything for s in merged):
            return (FileSelection(),)
    tracked = {e.path for e in manifest}
    named_only = bool(selection.paths) and all(p in tracked for p in selection.paths)
    if not named_only and selection not in merged:
        merged.append(selection)
    return tuple(merged)
