"""The queue: adding, ordering, states, claiming, progress, files and change polling."""

from __future__ import annotations

import time

import pytest

from hfsuite.core.clock import ManualClock
from hfsuite.core.types import Layout, Priority, RepoType, SourceKind, TaskState
from hfsuite.storage import (
    Database,
    FileState,
    MoveDirection,
    ProfileSpec,
    ProgressUpdate,
    ResumeInfo,
    TaskFileSpec,
    TaskSpec,
)


def spec(name: str, **kwargs: object) -> TaskSpec:
    return TaskSpec(
        source=SourceKind.HUGGINGFACE,
        repo_id=f"org/{name}",
        destination=f"/models/{name}",
        **kwargs,  # type: ignore[arg-type]
    )


def names(db: Database, states: tuple[TaskState, ...] | None = None) -> list[str]:
    with db.read() as uow:
        return [t.repo_id or "" for t in uow.tasks.list_queue(states)]


@pytest.fixture
def abc(db: Database) -> list[int]:
    with db.write() as uow:
        return uow.tasks.add_many([spec("a"), spec("b"), spec("c"), spec("d")])


def test_add_stores_every_field(db: Database, clock: ManualClock) -> None:
    with db.write() as uow:
        profile = uow.profiles.create(ProfileSpec(name="ComfyUI loras", destination="/c/loras"))
        task = uow.tasks.add(
            TaskSpec(
                source=SourceKind.HUGGINGFACE,
                repo_id="org/ds",
                repo_type=RepoType.DATASET,
                revision="refs/pr/1",
                include=["*.json", "data/*"],
                exclude=["*.bin"],
                files=["a.json"],
                destination="/data",
                layout=Layout.HF_CACHE,
                profile_id=profile.id,
                priority=Priority.HIGH,
                state=TaskState.PAUSED,
                bandwidth_limit_bps=1_000_000,
                connections=4,
                endpoint="https://mirror.example",
            )
        )
    assert task.endpoint == "https://mirror.example"
    assert task.repo_type is RepoType.DATASET and task.revision == "refs/pr/1"
    assert task.include == ("*.json", "data/*") and task.exclude == ("*.bin",)
    assert task.files == ("a.json",) and task.layout is Layout.HF_CACHE
    assert task.profile_id == profile.id and task.priority is Priority.HIGH
    assert task.state is TaskState.PAUSED and task.bandwidth_limit_bps == 1_000_000
    assert task.connections == 4 and task.bytes_done == 0 and task.error is None
    assert task.created_at == task.updated_at == clock.now()
    assert task.display_name == "org/ds"


def test_add_url_task_and_validation(db: Database) -> None:
    with db.write() as uow:
        task = uow.tasks.add(
            TaskSpec(
                source=SourceKind.URL,
                url="https://example.com/x.safetensors",
                destination="/d",
                expected_sha256="ab" * 32,
            )
        )
        assert task.files is None and task.expected_sha256 == "ab" * 32
        with pytest.raises(ValueError, match="repo_id or a url"):
            uow.tasks.add(TaskSpec(source=SourceKind.URL, destination="/d"))
        with pytest.raises(ValueError, match="queued or paused"):
            uow.tasks.add(spec("x", state=TaskState.RUNNING))


def test_bulk_add_ten_thousand_is_fast_and_ordered(db: Database, backend: str) -> None:
    specs = [spec(f"m{i:05d}") for i in range(10_000)]
    start = time.perf_counter()
    with db.write() as uow:
        ids = uow.tasks.add_many(specs)
    elapsed = time.perf_counter() - start
    # A smoke bound on a shared machine: PostgreSQL pays a round trip per 1,000-row page and
    # parameter binding in its driver (3.6-4.1 s measured under load here, 8.7 s once on a
    # machine busy with other test runs).
    limit = 2.0 if backend == "sqlite" else 15.0
    assert elapsed < limit, f"10,000 tasks took {elapsed:.2f} s"
    assert len(set(ids)) == 10_000 and ids == sorted(ids)
    with db.read() as uow:
        queue = uow.tasks.list_queue()
        page = uow.tasks.list_queue(limit=10, offset=100)
    assert [t.id for t in queue] == ids
    assert [t.repo_id for t in page] == [f"org/m{i:05d}" for i in range(100, 110)]
    start = time.perf_counter()
    with db.write() as uow:
        uow.tasks.reorder(list(reversed(ids)))
    elapsed = time.perf_counter() - start
    # PostgreSQL: 10 batched pages of 1,000 updates; over 1 s once when the machine was busy.
    assert elapsed < (1.0 if backend == "sqlite" else 3.0), f"reordering took {elapsed:.2f} s"
    assert names(db)[:2] == ["org/m09999", "org/m09998"]


def test_order_is_priority_then_manual(db: Database, abc: list[int]) -> None:
    a, _b, c, _d = abc
    with db.write() as uow:
        assert uow.tasks.set_priority([c], Priority.HIGH) == 1
        assert uow.tasks.set_priority([c], Priority.HIGH) == 0
        uow.tasks.set_priority([a], Priority.LOW)
    assert names(db) == ["org/c", "org/b", "org/d", "org/a"]


def test_move_up_down_top_bottom(db: Database, abc: list[int]) -> None:
    a, _b, c, d = abc
    with db.write() as uow:
        assert uow.tasks.move(c, MoveDirection.UP)
    assert names(db) == ["org/a", "org/c", "org/b", "org/d"]
    with db.write() as uow:
        assert uow.tasks.move(a, MoveDirection.DOWN)
    assert names(db) == ["org/c", "org/a", "org/b", "org/d"]
    with db.write() as uow:
        assert uow.tasks.move(d, MoveDirection.TOP)
        assert not uow.tasks.move(d, MoveDirection.TOP)
        assert not uow.tasks.move(d, MoveDirection.UP)
    assert names(db) == ["org/d", "org/c", "org/a", "org/b"]
    with db.write() as uow:
        assert uow.tasks.move(d, MoveDirection.BOTTOM)
        assert not uow.tasks.move(d, MoveDirection.DOWN)
        assert not uow.tasks.move(999, MoveDirection.UP)
    assert names(db) == ["org/c", "org/a", "org/b", "org/d"]


def test_move_up_skips_finished_tasks(db: Database, abc: list[int]) -> None:
    _a, b, c, _d = abc
    with db.write() as uow:
        uow.tasks.set_state([b], TaskState.COMPLETED)
        uow.tasks.move(c, MoveDirection.UP)
    active = (TaskState.QUEUED, TaskState.RUNNING, TaskState.PAUSED)
    assert names(db, active) == ["org/c", "org/a", "org/d"]


def test_move_before_takes_priority_and_survives_many_bisections(
    db: Database, abc: list[int]
) -> None:
    a, b, c, d = abc
    with db.write() as uow:
        uow.tasks.set_priority([a], Priority.HIGH)
        uow.tasks.move_before(d, a)
    assert names(db) == ["org/d", "org/a", "org/b", "org/c"]
    with db.read() as uow:
        assert uow.tasks.get(d).priority is Priority.HIGH  # type: ignore[union-attr]
    # Repeatedly dropping into the same gap exhausts float precision; renumbering kicks in.
    with db.write() as uow:
        for _ in range(80):
            uow.tasks.move_before(b, a)
            uow.tasks.move_before(c, a)
            uow.tasks.move_before(b, c)
    assert names(db) == ["org/d", "org/b", "org/c", "org/a"]
    with db.write() as uow:
        uow.tasks.move_before(d, None)
    assert names(db)[-1] == "org/d"


def test_reorder_permutes_only_the_given_tasks(db: Database, abc: list[int]) -> None:
    a, b, _c, d = abc
    with db.write() as uow:
        uow.tasks.reorder([d, b])
    assert names(db) == ["org/a", "org/d", "org/c", "org/b"]
    with db.write() as uow, pytest.raises(ValueError):
        uow.tasks.reorder([a, a])


def test_states_one_many_all(db: Database, abc: list[int], clock: ManualClock) -> None:
    a, b, c, _d = abc
    with db.write() as uow:
        assert uow.tasks.pause([a]) == 1
        assert uow.tasks.pause() == 3
        assert uow.tasks.resume([a, b]) == 2
        clock.advance(5)
        assert uow.tasks.set_state([c], TaskState.FAILED, error="boom") == 1
        assert uow.tasks.cancel() == 3  # a, b queued, d paused
        assert uow.tasks.retry([c]) == 1
    with db.read() as uow:
        tasks = {t.id: t for t in uow.tasks.list_queue()}
        counts = uow.tasks.count_by_state()
    assert tasks[c].state is TaskState.QUEUED and tasks[c].error is None
    assert tasks[c].finished_at is None
    assert tasks[a].state is TaskState.CANCELLED and tasks[a].finished_at == clock.now()
    assert counts[TaskState.CANCELLED] == 3 and counts[TaskState.QUEUED] == 1
    assert counts[TaskState.RUNNING] == 0
    with db.write() as uow:
        uow.tasks.set_state([c], TaskState.FAILED, error="disk full")
    with db.read() as uow:
        assert uow.tasks.get(c).error == "disk full"  # type: ignore[union-attr]


def test_claim_next_respects_order_and_is_exclusive(
    db: Database, abc: list[int], clock: ManualClock
) -> None:
    a, b, c, d = abc
    with db.write() as uow:
        uow.tasks.set_priority([d], Priority.HIGH)
        uow.tasks.pause([b])
        first = uow.tasks.claim_next(2, "host:1")
        second = uow.tasks.claim_next(5, "host:2")
        assert uow.tasks.claim_next(0, "host:3") == []
    assert [t.id for t in first] == [d, a]
    assert all(t.state is TaskState.RUNNING and t.claimed_by == "host:1" for t in first)
    assert first[0].started_at == clock.now()
    assert [t.id for t in second] == [c]
    with db.write() as uow:
        uow.tasks.set_state([d], TaskState.COMPLETED)
        assert uow.tasks.get(d).claimed_by is None  # type: ignore[union-attr]


def test_requeue_stale_running_tasks(db: Database, abc: list[int], clock: ManualClock) -> None:
    a, b, c, _d = abc
    with db.write() as uow:
        uow.tasks.claim_next(2, "dead:1")
        uow.tasks.claim_next(1, "alive:2")
    clock.advance(120)
    with db.write() as uow:
        assert uow.tasks.heartbeat("alive:2") == 1
        requeued = uow.tasks.requeue_stale(stale_before=clock.now() - 60)
    assert sorted(requeued) == [a, b]
    with db.read() as uow:
        assert uow.tasks.get(a).state is TaskState.QUEUED  # type: ignore[union-attr]
        assert uow.tasks.get(c).state is TaskState.RUNNING  # type: ignore[union-attr]


def test_progress_updates_and_limits(db: Database, abc: list[int], clock: ManualClock) -> None:
    a, b, c, _d = abc
    with db.write() as uow:
        uow.tasks.update_progress(a, 100, files_done=1)
        uow.tasks.update_progress_many([ProgressUpdate(a, 250), ProgressUpdate(b, 7, 2)])
        uow.tasks.set_limits(c, bandwidth_limit_bps=500, connections=2)
        uow.tasks.set_endpoint(c, "http://mirror.example")
    with db.read() as uow:
        ta, tb, tc = (uow.tasks.get(i) for i in (a, b, c))
    assert ta and tb and tc
    assert (ta.endpoint, tc.endpoint) == (None, "http://mirror.example")
    assert (ta.bytes_done, ta.files_done, ta.heartbeat_at) == (250, 1, clock.now())
    assert (tb.bytes_done, tb.files_done) == (7, 2)
    assert (tc.bandwidth_limit_bps, tc.connections) == (500, 2)


def test_plan_files_and_resume_information(db: Database, abc: list[int]) -> None:
    a = abc[0]
    plan = [
        TaskFileSpec("model.safetensors", 1000, sha256="s" * 64),
        TaskFileSpec("config.json", 10, etag="e1"),
        TaskFileSpec("README.md", 5, etag="r1"),
    ]
    with db.write() as uow:
        uow.tasks.set_plan(a, plan, resolved_commit="c" * 40)
        resume = ResumeInfo(((0, 100), (500, 600)), remote_etag='"s"', commit="c" * 40)
        uow.task_files.save_progress(
            a, "model.safetensors", state=FileState.DOWNLOADING, resume=resume
        )
        uow.task_files.save_progress(a, "config.json", state=FileState.COMPLETED)
    with db.read() as uow:
        task = uow.tasks.get(a)
        files = {f.path: f for f in uow.task_files.list_for(a)}
    assert task and task.resolved_commit == "c" * 40
    assert (task.bytes_total, task.files_total) == (1015, 3)
    model = files["model.safetensors"]
    assert model.state is FileState.DOWNLOADING and model.bytes_done == 200
    assert model.resume == resume
    # Re-plan: config unchanged keeps its progress; README changed restarts; model dropped.
    with db.write() as uow:
        uow.task_files.save_progress(a, "README.md", state=FileState.COMPLETED)
        uow.tasks.set_plan(
            a,
            [TaskFileSpec("config.json", 10, etag="e1"), TaskFileSpec("README.md", 6, etag="r2")],
            resolved_commit="d" * 40,
        )
    with db.read() as uow:
        files = {f.path: f for f in uow.task_files.list_for(a)}
        task = uow.tasks.get(a)
        assert uow.task_files.get(a, "nope") is None
    assert set(files) == {"config.json", "README.md"}
    assert files["config.json"].state is FileState.COMPLETED
    assert files["README.md"].state is FileState.PENDING and files["README.md"].etag == "r2"
    assert task and task.files_done == 1 and task.bytes_total == 16


def test_delete_cascades_to_files_and_ids_are_not_reused(db: Database, abc: list[int]) -> None:
    a, _b, _c, d = abc
    with db.write() as uow:
        uow.tasks.set_plan(d, [TaskFileSpec("x", 1)], resolved_commit=None)
        assert uow.tasks.delete([d, 12345]) == 1
        new_id = uow.tasks.add(spec("e")).id
    assert new_id > d
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM task_files").scalar() == 0
    with db.write() as uow:
        uow.tasks.set_state([a], TaskState.COMPLETED)
        assert uow.tasks.delete_finished() == [a]


def test_deleting_a_profile_unlinks_its_tasks(db: Database) -> None:
    with db.write() as uow:
        profile = uow.profiles.create(ProfileSpec(name="p", destination="/p"))
        task = uow.tasks.add(spec("a", profile_id=profile.id))
        uow.profiles.delete(profile.id)
        assert uow.tasks.get(task.id).profile_id is None  # type: ignore[union-attr]


def test_changes_since_reports_updates_and_deletions(db: Database, abc: list[int]) -> None:
    _a, b, c, _d = abc
    with db.read() as uow:
        start = uow.tasks.current_cursor()
        everything = uow.tasks.changes_since(0)
    assert {t.id for t in everything.tasks} == set(abc) and everything.cursor == start
    with db.write() as uow:
        uow.tasks.update_progress(b, 42)
        uow.tasks.delete([c])
    with db.read() as uow:
        changes = uow.tasks.changes_since(start)
    assert [t.id for t in changes.tasks] == [b] and changes.tasks[0].bytes_done == 42
    assert changes.deleted_ids == (c,)
    assert changes.cursor == start + 1  # one step per transaction
    with db.read() as uow:
        nothing = uow.tasks.changes_since(changes.cursor)
    assert nothing.tasks == () and nothing.deleted_ids == ()
    with db.write() as uow:
        assert uow.tasks.prune_tombstones(changes.cursor) == 1
