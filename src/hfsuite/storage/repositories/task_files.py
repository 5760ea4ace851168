"""Files of a task: expected size and hashes, state, progress and crash-safe resume data.

A row per (task, path). :class:`ResumeInfo` is what a restarted download needs to fetch only the
missing bytes: the byte ranges already written and flushed, and the remote ETag and commit they
belong to (a different ETag means the partial bytes are from another version of the file).
Rows go with their task (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from hfsuite.storage.records import FileState, ResumeInfo, TaskFileRecord, TaskFileSpec
from hfsuite.storage.repositories._base import Repository, chunks, insert_on_conflict
from hfsuite.storage.schema import TASK_FILES

_F = TASK_FILES
_FINISHED_FILE_STATES = (FileState.COMPLETED.value, FileState.SKIPPED.value)


def file_record(row: sa.RowMapping) -> TaskFileRecord:
    """A detached record from a ``task_files`` row."""
    return TaskFileRecord(
        id=row["id"],
        task_id=row["task_id"],
        path=row["path"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        etag=row["etag"],
        state=FileState(row["state"]),
        bytes_done=row["bytes_done"],
        resume=ResumeInfo(
            completed_ranges=tuple((int(a), int(b)) for a, b in row["completed_ranges"] or ()),
            remote_etag=row["remote_etag"],
            commit=row["remote_commit"],
        ),
        updated_at=row["updated_at"],
    )


class TaskFileRepository(Repository):
    """Read and write the files of tasks. The task-level totals live in ``TaskRepository``."""

    def replace(self, task_id: int, files: Sequence[TaskFileSpec]) -> int:
        """Make ``files`` the task's file list (use :meth:`TaskRepository.set_plan` instead).

        Files already known with the same expected size and hashes keep their progress and
        resume data; changed files restart; files no longer listed are dropped.

        Returns:
            How many of the listed files are already completed or skipped.
        """
        now = self._now()
        existing = {
            r["path"]: r
            for r in self.session.execute(
                sa.select(_F.c.path, _F.c.size_bytes, _F.c.sha256, _F.c.etag, _F.c.state).where(
                    _F.c.task_id == task_id
                )
            ).mappings()
        }
        wanted = {f.path for f in files}
        gone = [p for p in existing if p not in wanted]
        for chunk in chunks(gone):
            self.session.execute(sa.delete(_F).where(_F.c.task_id == task_id, _F.c.path.in_(chunk)))
        fresh: list[dict[str, Any]] = []
        finished = 0
        for f in files:
            old = existing.get(f.path)
            same = old is not None and (old["size_bytes"], old["sha256"], old["etag"]) == (
                f.size_bytes,
                f.sha256,
                f.etag,
            )
            if same:
                if old is not None and old["state"] in _FINISHED_FILE_STATES:
                    finished += 1
                continue
            fresh.append(
                {
                    "task_id": task_id,
                    "path": f.path,
                    "size_bytes": f.size_bytes,
                    "sha256": f.sha256,
                    "etag": f.etag,
                    "state": FileState.PENDING.value,
                    "bytes_done": 0,
                    "completed_ranges": [],
                    "remote_etag": None,
                    "remote_commit": None,
                    "updated_at": now,
                }
            )
        if fresh:
            stmt = insert_on_conflict(self.session, _F)
            stmt = stmt.on_conflict_do_update(
                index_elements=[_F.c.task_id, _F.c.path],
                set_={
                    c: stmt.excluded[c]
                    for c in (
                        "size_bytes",
                        "sha256",
                        "etag",
                        "state",
                        "bytes_done",
                        "completed_ranges",
                        "remote_etag",
                        "remote_commit",
                        "updated_at",
                    )
                },
            )
            self.session.execute(stmt, fresh)
        return finished

    def list_for(self, task_id: int) -> list[TaskFileRecord]:
        """A task's files, by path."""
        rows = self.session.execute(
            sa.select(_F).where(_F.c.task_id == task_id).order_by(_F.c.path)
        ).mappings()
        return [file_record(r) for r in rows]

    def get(self, task_id: int, path: str) -> TaskFileRecord | None:
        """One file of a task, or ``None``."""
        row = (
            self.session.execute(sa.select(_F).where(_F.c.task_id == task_id, _F.c.path == path))
            .mappings()
            .first()
        )
        return file_record(row) if row else None

    def save_progress(
        self,
        task_id: int,
        path: str,
        *,
        state: FileState | None = None,
        resume: ResumeInfo | None = None,
    ) -> None:
        """Persist a file's state and/or resume information (what survives a crash).

        Args:
            task_id: The task.
            path: The file's path in the plan.
            state: The new state (``None``: unchanged).
            resume: Completed ranges, remote ETag and commit; ``bytes_done`` follows from it.
        """
        values: dict[str, Any] = {"updated_at": self._now()}
        if state is not None:
            values["state"] = state.value
        if resume is not None:
            values["completed_ranges"] = [list(r) for r in resume.completed_ranges]
            values["remote_etag"] = resume.remote_etag
            values["remote_commit"] = resume.commit
            values["bytes_done"] = resume.bytes_done
        self.session.execute(
            sa.update(_F).where(_F.c.task_id == task_id, _F.c.path == path).values(**values)
        )
