"""The download queue: tasks, their order, their state, their files and resume information.

Order. The queue runs by ``priority DESC, rank ASC`` (then id). ``rank`` is a float: moving a
task to the top or bottom writes one row (a rank below the smallest or above the largest), up
and down swap two rows, dropping a task between two others takes the midpoint, and the rare
exhausted gap renumbers the queue once. Both ordering queries are served by indices.

Change polling. Every write to tasks bumps a counter (one step per transaction) stored in
``sequences``; each changed row gets that value in ``change_seq``, and deleted tasks leave a
tombstone with it. Because write transactions are serialised (``BEGIN IMMEDIATE``), a reader
that has seen value N will never later see a commit with a smaller value, so
``changes_since(cursor)`` is exact, unlike polling by wall-clock ``updated_at`` (clock steps,
two commits in the same tick). ``updated_at`` is kept for people and for coarse filters.

Claiming. :meth:`TaskRepository.claim_next` marks the next queued tasks RUNNING under a runner
id inside the write transaction, so two processes never run the same task; runners refresh
``heartbeat_at`` with their progress, and :meth:`TaskRepository.requeue_stale` gives the tasks
of a runner that died (kill -9, power loss) back to the queue.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from hfsuite.core.types import Priority, TaskState
from hfsuite.storage.records import TaskChanges, TaskFileSpec, TaskRecord, TaskSpec
from hfsuite.storage.repositories._base import Repository, chunks, insert_on_conflict, rowcount
from hfsuite.storage.repositories._task_rows import task_record, task_row
from hfsuite.storage.repositories.task_files import TaskFileRepository
from hfsuite.storage.schema import SEQUENCES, TASK_TOMBSTONES, TASKS

_T = TASKS
_TOMB = TASK_TOMBSTONES
_SEQ = SEQUENCES
_SEQ_NAME = "tasks"
_MIN_GAP = 1e-7  # below this, midpoints lose precision: renumber the queue
_ACTIVE = (TaskState.QUEUED, TaskState.RUNNING, TaskState.PAUSED)


class MoveDirection(enum.StrEnum):
    """Where :meth:`TaskRepository.move` moves a task (within its priority)."""

    UP = "up"
    """One place earlier."""
    DOWN = "down"
    """One place later."""
    TOP = "top"
    """First."""
    BOTTOM = "bottom"
    """Last."""


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    """One task's progress, for :meth:`TaskRepository.update_progress_many`.

    Attributes:
        task_id: The task.
        bytes_done: Bytes on disk now.
        files_done: Files finished now (``None`` leaves the stored value).
    """

    task_id: int
    bytes_done: int
    files_done: int | None = None


_ORDER = (_T.c.priority.desc(), _T.c.rank, _T.c.id)


class TaskRepository(Repository):
    """Tasks of the download queue and their files."""

    _seq: int | None = None

    # --- adding and reading -------------------------------------------------------------

    def add(self, spec: TaskSpec) -> TaskRecord:
        """Add one task at the end of the queue.

        Args:
            spec: What to download.

        Returns:
            The stored task.
        """
        (task_id,) = self.add_many([spec])
        record = self.get(task_id)
        assert record is not None
        return record

    def add_many(self, specs: Sequence[TaskSpec]) -> list[int]:
        """Add tasks at the end of the queue, in order, with one statement.

        Args:
            specs: What to download; each needs a ``repo_id`` or a ``url`` and an initial state
                of ``QUEUED`` or ``PAUSED``.

        Returns:
            The new ids, in the order of ``specs``.

        Raises:
            ValueError: for a spec without repo id and URL, or with another initial state.
        """
        if not specs:
            return []
        now = self._now()
        seq = self._next_change_seq()
        first_rank = (self._rank_bound(max) or 0.0) + 1.0
        rows = [task_row(s, first_rank + i, now, seq) for i, s in enumerate(specs)]
        stmt = sa.insert(_T).returning(_T.c.id, sort_by_parameter_order=True)
        return [row[0] for row in self.session.execute(stmt, rows)]

    def get(self, task_id: int) -> TaskRecord | None:
        """The task with that id, or ``None``."""
        row = self.session.execute(sa.select(_T).where(_T.c.id == task_id)).mappings().first()
        return task_record(row) if row else None

    def list_queue(
        self,
        states: Collection[TaskState] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[TaskRecord]:
        """Tasks in queue order (priority high to low, then manual order).

        Args:
            states: Only tasks in these states (``None``: all).
            limit: At most this many.
            offset: Skip this many (paging).
        """
        stmt = sa.select(_T).order_by(*_ORDER).offset(offset).limit(limit)
        if states is not None:
            stmt = stmt.where(_T.c.state.in_([s.value for s in states]))
        return [task_record(r) for r in self.session.execute(stmt).mappings()]

    def count_by_state(self) -> dict[TaskState, int]:
        """How many tasks are in each state (states with none are 0)."""
        counts = dict.fromkeys(TaskState, 0)
        stmt = sa.select(_T.c.state, sa.func.count()).group_by(_T.c.state)
        for state, count in self.session.execute(stmt):
            counts[TaskState(state)] = count
        return counts

    def current_cursor(self) -> int:
        """The change cursor now; pass it to :meth:`changes_since` later."""
        value = self.session.execute(
            sa.select(_SEQ.c.value).where(_SEQ.c.name == _SEQ_NAME)
        ).scalar()
        return int(value or 0)

    def changes_since(self, cursor: int) -> TaskChanges:
        """Tasks changed or deleted after ``cursor`` (call inside one read transaction).

        Args:
            cursor: A cursor from :meth:`current_cursor` or a previous call (0: everything).

        Returns:
            The changes and the cursor to use next time.
        """
        rows = self.session.execute(
            sa.select(_T).where(_T.c.change_seq > cursor).order_by(_T.c.change_seq, _T.c.id)
        ).mappings()
        tasks = tuple(task_record(r) for r in rows)
        deleted = tuple(
            self.session.execute(
                sa.select(_TOMB.c.task_id).where(_TOMB.c.change_seq > cursor)
            ).scalars()
        )
        return TaskChanges(tasks=tasks, deleted_ids=deleted, cursor=self.current_cursor())

    # --- state --------------------------------------------------------------------------

    def set_state(
        self,
        task_ids: Iterable[int] | None,
        state: TaskState,
        *,
        only_from: Collection[TaskState] | None = None,
        error: str | None = None,
        claimed_by: str | None = None,
    ) -> int:
        """Move tasks to ``state``, stamping the matching timestamps.

        Entering RUNNING sets ``started_at`` (first time only) and the runner's claim; a final
        state sets ``finished_at`` and releases the claim; QUEUED and PAUSED release the claim
        and clear ``finished_at``. ``error`` is stored with FAILED and cleared otherwise.

        Args:
            task_ids: The tasks; ``None`` means every task.
            state: The new state.
            only_from: Change only tasks currently in one of these states.
            error: The error message (for FAILED).
            claimed_by: With RUNNING: the id of the runner that downloads them.

        Returns:
            How many tasks changed.
        """
        now = self._now()
        values: dict[str, Any] = {
            "state": state.value,
            "updated_at": now,
            "error": error if state is TaskState.FAILED else None,
        }
        if state is TaskState.RUNNING:
            values["started_at"] = sa.func.coalesce(_T.c.started_at, now)
            values["finished_at"] = None
            values["heartbeat_at"] = now
            values["claimed_by"] = claimed_by
        else:
            values["claimed_by"] = None
            values["finished_at"] = now if state.is_final else None
        where = [_T.c.state != state.value]
        if only_from is not None:
            where.append(_T.c.state.in_([s.value for s in only_from]))
        return self._update(task_ids, values, where)

    def pause(self, task_ids: Iterable[int] | None = None) -> int:
        """Pause queued and running tasks (``None``: all). Returns how many changed."""
        return self.set_state(
            task_ids, TaskState.PAUSED, only_from=(TaskState.QUEUED, TaskState.RUNNING)
        )

    def resume(self, task_ids: Iterable[int] | None = None) -> int:
        """Queue paused tasks again (``None``: all). Returns how many changed."""
        return self.set_state(task_ids, TaskState.QUEUED, only_from=(TaskState.PAUSED,))

    def cancel(self, task_ids: Iterable[int] | None = None) -> int:
        """Cancel tasks that have not finished (``None``: all). Returns how many changed."""
        return self.set_state(task_ids, TaskState.CANCELLED, only_from=_ACTIVE)

    def retry(self, task_ids: Iterable[int] | None = None) -> int:
        """Queue failed and cancelled tasks again, keeping their resume data."""
        return self.set_state(
            task_ids, TaskState.QUEUED, only_from=(TaskState.FAILED, TaskState.CANCELLED)
        )

    def claim_next(self, limit: int, claimed_by: str) -> list[TaskRecord]:
        """Mark the next ``limit`` queued tasks RUNNING for a runner and return them.

        Call in a write transaction: the claim is atomic across processes.

        Args:
            limit: How many tasks the runner can start now (free slots).
            claimed_by: The runner's id, e.g. ``"host:pid"``.

        Returns:
            The claimed tasks, in queue order.
        """
        if limit <= 0:
            return []
        # One statement picks and marks the rows. On PostgreSQL the rows are locked as they
        # are picked, skipping rows another transaction holds: two workers never pick the same
        # task, and never wait for each other to pick. (SQLite has no row locks; its write lock
        # already serialises claims, and it leaves FOR UPDATE out.)
        picked = (
            sa.select(_T.c.id)
            .where(_T.c.state == TaskState.QUEUED.value)
            .order_by(*_ORDER)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        now = self._now()
        rows = self.session.execute(
            sa.update(_T)
            .where(_T.c.id.in_(picked.scalar_subquery()))
            .values(
                state=TaskState.RUNNING.value,
                claimed_by=claimed_by,
                heartbeat_at=now,
                started_at=sa.func.coalesce(_T.c.started_at, now),
                finished_at=None,
                error=None,
                updated_at=now,
                change_seq=self._next_change_seq(),
            )
            .returning(*_T.c)
        ).mappings()
        claimed = [task_record(r) for r in rows]
        claimed.sort(key=lambda t: (-int(t.priority), t.rank, t.id))  # the queue's order
        return claimed

    def heartbeat(self, claimed_by: str) -> int:
        """Refresh ``heartbeat_at`` of the runner's running tasks (no change-cursor bump)."""
        result = self.session.execute(
            sa.update(_T)
            .where(_T.c.claimed_by == claimed_by, _T.c.state == TaskState.RUNNING.value)
            .values(heartbeat_at=self._now())
        )
        return rowcount(result)

    def requeue_stale(self, stale_before: float) -> list[int]:
        """Give RUNNING tasks whose runner went silent back to the queue.

        Args:
            stale_before: Tasks whose last heartbeat is older than this (epoch seconds), or
                that have none, are requeued.

        Returns:
            The requeued task ids.
        """
        ids = list(
            self.session.execute(
                sa.select(_T.c.id).where(
                    _T.c.state == TaskState.RUNNING.value,
                    sa.or_(_T.c.heartbeat_at.is_(None), _T.c.heartbeat_at < stale_before),
                )
            ).scalars()
        )
        self.set_state(ids, TaskState.QUEUED, only_from=(TaskState.RUNNING,))
        return ids

    # --- order, priority, per-task settings --------------------------------------------

    def set_priority(self, task_ids: Iterable[int], priority: Priority) -> int:
        """Change tasks' priority. Returns how many changed."""
        return self._update(
            task_ids,
            {"priority": int(priority), "updated_at": self._now()},
            [_T.c.priority != int(priority)],
        )

    def move(self, task_id: int, direction: MoveDirection) -> bool:
        """Move a task within its priority: one place up or down, or to the top or bottom.

        Up and down step over unfinished tasks only (finished ones are not really "in the
        queue"), unless the task itself is finished.

        Returns:
            Whether the order changed.
        """
        row = self.session.execute(
            sa.select(_T.c.priority, _T.c.rank, _T.c.state).where(_T.c.id == task_id)
        ).first()
        if row is None:
            return False
        priority, rank, state = row
        if direction in (MoveDirection.TOP, MoveDirection.BOTTOM):
            top = direction is MoveDirection.TOP
            bound = self._rank_bound(min if top else max, exclude_id=task_id)
            if bound is None:
                return False
            if (top and rank < bound) or (not top and rank > bound):
                return False
            self._set_ranks({task_id: bound - 1.0 if top else bound + 1.0})
            return True
        up = direction is MoveDirection.UP
        stmt = sa.select(_T.c.id, _T.c.rank).where(
            _T.c.priority == priority,
            _T.c.id != task_id,
            (_T.c.rank < rank) if up else (_T.c.rank > rank),
        )
        if not TaskState(state).is_final:
            stmt = stmt.where(_T.c.state.in_([s.value for s in _ACTIVE]))
        stmt = stmt.order_by(_T.c.rank.desc() if up else _T.c.rank).limit(1)
        neighbour = self.session.execute(stmt).first()
        if neighbour is None:
            return False
        self._set_ranks({task_id: neighbour.rank, neighbour.id: rank})
        return True

    def move_before(self, task_id: int, before_id: int | None) -> None:
        """Put a task just before another (drag and drop), taking that task's priority.

        Args:
            task_id: The task to move.
            before_id: The task it should precede; ``None`` moves it to the bottom.
        """
        if before_id is None:
            self.move(task_id, MoveDirection.BOTTOM)
            return
        if before_id == task_id:
            return
        for _ in range(2):
            target = self.session.execute(
                sa.select(_T.c.priority, _T.c.rank).where(_T.c.id == before_id)
            ).first()
            if target is None:
                return
            previous = self.session.execute(
                sa.select(sa.func.max(_T.c.rank)).where(
                    _T.c.priority == target.priority,
                    _T.c.rank < target.rank,
                    _T.c.id != task_id,
                )
            ).scalar()
            low = previous if previous is not None else target.rank - 2.0
            if target.rank - low >= _MIN_GAP:
                self._update(
                    [task_id],
                    {
                        "rank": (low + target.rank) / 2.0,
                        "priority": target.priority,
                        "updated_at": self._now(),
                    },
                )
                return
            self.renumber()

    def reorder(self, task_ids: Sequence[int]) -> None:
        """Put the given tasks in the given order, in the places they occupy now.

        The set of positions these tasks hold is kept; they are permuted among them so that they
        appear in ``task_ids`` order (within each priority). Other tasks do not move. Handing
        over the whole queue re-sorts it; 10,000 tasks take one select and one batched update.
        """
        ranks = sorted(
            r
            for chunk in chunks(list(task_ids))
            for r in self.session.execute(sa.select(_T.c.rank).where(_T.c.id.in_(chunk))).scalars()
        )
        if len(ranks) != len(task_ids):
            raise ValueError("reorder() got unknown or duplicate task ids")
        self._set_ranks(dict(zip(task_ids, ranks, strict=True)))

    def renumber(self) -> None:
        """Reassign ranks 1, 2, 3… in the current order (restores room between neighbours)."""
        ids = list(self.session.execute(sa.select(_T.c.id).order_by(*_ORDER)).scalars())
        self._set_ranks({task_id: float(i) for i, task_id in enumerate(ids, start=1)})

    def set_limits(
        self,
        task_id: int,
        *,
        bandwidth_limit_bps: int | None,
        connections: int | None,
    ) -> None:
        """Set a task's own bandwidth limit and connection count (``None``: use global)."""
        self._update(
            [task_id],
            {
                "bandwidth_limit_bps": bandwidth_limit_bps,
                "connections": connections,
                "updated_at": self._now(),
            },
        )

    def set_endpoint(self, task_id: int, endpoint: str | None) -> None:
        """Set the endpoint a task downloads from (``None``: the setting's when it runs)."""
        self._update([task_id], {"endpoint": endpoint, "updated_at": self._now()})

    # --- progress ----------------------------------------------------------------------

    def update_progress(
        self, task_id: int, bytes_done: int, *, files_done: int | None = None
    ) -> None:
        """Store a running task's progress (one UPDATE; also refreshes its heartbeat)."""
        self.update_progress_many([ProgressUpdate(task_id, bytes_done, files_done)])

    def update_progress_many(self, updates: Sequence[ProgressUpdate]) -> None:
        """Store several tasks' progress in one batched statement (a runner's periodic flush)."""
        if not updates:
            return
        now = self._now()
        seq = self._next_change_seq()
        stmt = (
            sa.update(_T)
            .where(_T.c.id == sa.bindparam("tid"))
            .values(
                bytes_done=sa.bindparam("bd"),
                files_done=sa.func.coalesce(sa.bindparam("fd", type_=sa.Integer), _T.c.files_done),
                heartbeat_at=now,
                updated_at=now,
                change_seq=seq,
            )
        )
        self.session.execute(
            stmt,
            [{"tid": u.task_id, "bd": u.bytes_done, "fd": u.files_done} for u in updates],
        )

    # --- plan -------------------------------------------------------------------------

    def set_plan(
        self, task_id: int, files: Sequence[TaskFileSpec], *, resolved_commit: str | None
    ) -> None:
        """Store a task's plan: the commit, the files to fetch, and the totals.

        Files already known with the same expected size and hashes keep their progress and
        resume data; changed files restart; files no longer in the plan are dropped (see
        :class:`~hfsuite.storage.repositories.task_files.TaskFileRepository`).

        Args:
            task_id: The task.
            files: The planned files.
            resolved_commit: The commit the revision resolved to.
        """
        finished = TaskFileRepository(self.session, self.clock).replace(task_id, files)
        known_sizes = [f.size_bytes for f in files if f.size_bytes is not None]
        self._update(
            [task_id],
            {
                "resolved_commit": resolved_commit,
                "bytes_total": sum(known_sizes) if len(known_sizes) == len(files) else None,
                "files_total": len(files),
                "files_done": finished,
                "updated_at": self._now(),
            },
        )

    # --- deleting ----------------------------------------------------------------------

    def delete(self, task_ids: Iterable[int]) -> int:
        """Delete tasks (their files rows go with them). Returns how many were deleted."""
        ids = sorted(set(task_ids))
        if not ids:
            return 0
        seq = self._next_change_seq()
        deleted = 0
        for chunk in chunks(ids):
            found = list(
                self.session.execute(sa.select(_T.c.id).where(_T.c.id.in_(chunk))).scalars()
            )
            if not found:
                continue
            stmt = insert_on_conflict(self.session, _TOMB)
            self.session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[_TOMB.c.task_id], set_={"change_seq": seq}
                ),
                [{"task_id": i, "change_seq": seq} for i in found],
            )
            deleted += rowcount(self.session.execute(sa.delete(_T).where(_T.c.id.in_(found))))
        return deleted

    def delete_finished(self, states: Collection[TaskState] = (TaskState.COMPLETED,)) -> list[int]:
        """Delete tasks in the given final states (default: completed). Returns their ids."""
        ids = list(
            self.session.execute(
                sa.select(_T.c.id).where(_T.c.state.in_([s.value for s in states]))
            ).scalars()
        )
        self.delete(ids)
        return ids

    def prune_tombstones(self, up_to_cursor: int) -> int:
        """Forget deletions at or before a cursor every poller has passed."""
        result = self.session.execute(sa.delete(_TOMB).where(_TOMB.c.change_seq <= up_to_cursor))
        return rowcount(result)

    # --- internals ---------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        """Whether this unit of work moved the change cursor."""
        return self._seq is not None

    def _next_change_seq(self) -> int:
        """This transaction's change-cursor value (allocated once per repository)."""
        if self._seq is None:
            value = self.session.execute(
                sa.update(_SEQ)
                .where(_SEQ.c.name == _SEQ_NAME)
                .values(value=_SEQ.c.value + 1)
                .returning(_SEQ.c.value)
            ).scalar()
            if value is None:
                value = 1
                self.session.execute(sa.insert(_SEQ).values(name=_SEQ_NAME, value=value))
            self._seq = int(value)
        return self._seq

    def _update(
        self,
        task_ids: Iterable[int] | None,
        values: dict[str, Any],
        where: Sequence[sa.ColumnElement[bool]] = (),
    ) -> int:
        values = {**values, "change_seq": self._next_change_seq()}
        if task_ids is None:
            stmt = sa.update(_T).where(*where).values(**values)
            return rowcount(self.session.execute(stmt))
        ids = list(task_ids)
        total = 0
        for chunk in chunks(ids):
            stmt = sa.update(_T).where(_T.c.id.in_(chunk), *where).values(**values)
            total += rowcount(self.session.execute(stmt))
        return total

    def _set_ranks(self, ranks: dict[int, float]) -> None:
        if not ranks:
            return
        now = self._now()
        stmt = (
            sa.update(_T)
            .where(_T.c.id == sa.bindparam("tid"))
            .values(rank=sa.bindparam("r"), updated_at=now, change_seq=self._next_change_seq())
        )
        self.session.execute(stmt, [{"tid": i, "r": r} for i, r in ranks.items()])

    def _rank_bound(self, which: Any, exclude_id: int | None = None) -> float | None:
        func = sa.func.min if which is min else sa.func.max
        stmt = sa.select(func(_T.c.rank))
        if exclude_id is not None:
            stmt = stmt.where(_T.c.id != exclude_id)
        value = self.session.execute(stmt).scalar()
        return None if value is None else float(value)

    def _records(self, ids: Sequence[int]) -> list[TaskRecord]:
        out: list[TaskRecord] = []
        for chunk in chunks(ids):
            rows = self.session.execute(sa.select(_T).where(_T.c.id.in_(chunk))).mappings()
            out.extend(task_record(r) for r in rows)
        return out
