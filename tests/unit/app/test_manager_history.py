"""History records, statistics, exports (no token in them) and re-download specs."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from manager_unit_helpers import make_suite, on_both_backends  # noqa: F401  (fixture)

from hfsuite.app.history_ops import (
    TaskEnd,
    export_history,
    find_history,
    get_history,
    local_day,
    record_end,
    redownload_spec,
    set_favorite,
    stats_summary,
)
from hfsuite.app.queue.manager import DownloadManager
from hfsuite.core.clock import ManualClock
from hfsuite.core.errors import UsageError
from hfsuite.core.redact import Redactor
from hfsuite.core.types import Outcome, RepoRef, TaskState
from hfsuite.storage import HistoryQuery, ManifestEntry

TOKEN = "hf_" + "Q" * 34
DAY_S = 86_400.0


@pytest.fixture
def filled(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Five ended tasks over three days: 2 completed, 2 failed, 1 cancelled."""
    clock = ManualClock(wall_start=1_750_000_000.0)
    suite = make_suite(tmp_path, clock)
    manager = DownloadManager(suite)
    ids = manager.add_repos(["acme/one", "acme/two", "acme/three", "acme/four", "acme/five"])
    files = [ManifestEntry("model.safetensors", 1000, sha256="a" * 64), ManifestEntry("c.json", 2)]
    ends = [
        TaskEnd(Outcome.COMPLETED, "1" * 40, files, 1002, 2.0, clock.now()),
        TaskEnd(Outcome.FAILED, None, (), 300, 1.0, clock.now(), f"401 for token {TOKEN}"),
        TaskEnd(Outcome.COMPLETED, "3" * 40, files[:1], 1000, 4.0, clock.now()),
        TaskEnd(Outcome.CANCELLED, "4" * 40, files, 10, 0.5, clock.now()),
        TaskEnd(Outcome.FAILED, None, (), 0, 0.0, None, "Model acme/five was not found."),
    ]
    for task_id, end, day in zip(ids, ends, (0, 0, 1, 2, 2), strict=True):
        task = manager.require(task_id)
        with manager.db.write() as uow:
            state = {Outcome.COMPLETED: TaskState.COMPLETED, Outcome.FAILED: TaskState.FAILED}
            uow.tasks.set_state([task_id], state.get(end.outcome, TaskState.CANCELLED))
            record_end(uow, task, end, clock.now() + day * DAY_S)
    clock.advance(2 * DAY_S)
    yield manager, clock
    suite.close()


def test_stats_after_a_mix_of_outcomes(filled) -> None:  # type: ignore[no-untyped-def]
    manager, clock = filled
    today = local_day(clock.now())
    summary = stats_summary(manager.db, today, days=7)
    assert len(summary.days) == 7 and summary.days[-1].day == today
    assert (summary.downloads, summary.failures) == (2, 2)
    assert sum(d.cancelled for d in summary.days) == 1
    assert summary.bytes_downloaded == 1002 + 300 + 1000 + 10
    assert summary.average_speed_bps == pytest.approx(2312 / 7.5)
    by_day = {d.day: d for d in summary.days}
    first = by_day[today - timedelta(days=2)]
    assert (first.downloads, first.failures, first.bytes_downloaded) == (1, 1, 1302)
    assert stats_summary(manager.db, today, days=1).downloads == 0  # day 3: 1 cancel, 1 fail


def test_history_rows_and_model_versions(filled) -> None:  # type: ignore[no-untyped-def]
    manager, _ = filled
    rows = find_history(manager.db)
    assert [r.repo_id for r in rows] == [
        "acme/five",
        "acme/four",
        "acme/three",
        "acme/two",
        "acme/one",
    ]
    one = rows[-1]
    assert one.outcome is Outcome.COMPLETED and one.commit == "1" * 40
    assert one.average_speed_bps == 501.0 and [f.path for f in one.files] == [
        "model.safetensors",
        "c.json",
    ]
    with manager.db.read() as uow:
        versions = {v.repo_id: v.commit for v in uow.model_versions.list_all()}
    assert versions == {"acme/one": "1" * 40, "acme/three": "3" * 40}


def test_filters_by_text_date_outcome_and_favorites(filled) -> None:  # type: ignore[no-untyped-def]
    manager, clock = filled
    db = manager.db
    assert [r.repo_id for r in find_history(db, HistoryQuery(text="FIVE"))] == ["acme/five"]
    assert len(find_history(db, HistoryQuery(text="safetensors"))) == 3  # file names too
    failed = find_history(db, HistoryQuery(outcomes=(Outcome.FAILED,)))
    assert {r.repo_id for r in failed} == {"acme/two", "acme/five"}
    start = clock.now() - 2 * DAY_S
    day_two = HistoryQuery(since=start + DAY_S, until=start + 2 * DAY_S)
    assert [r.repo_id for r in find_history(db, day_two)] == ["acme/three"]
    set_favorite(db, RepoRef("acme/three"), True)
    favorites = find_history(db, HistoryQuery(favorites_only=True))
    assert [(r.repo_id, r.is_favorite) for r in favorites] == [("acme/three", True)]
    assert set_favorite(db, RepoRef("acme/three"), False)
    assert find_history(db, HistoryQuery(favorites_only=True)) == []


def test_exports_hold_every_field_and_never_a_token(filled) -> None:  # type: ignore[no-untyped-def]
    manager, _ = filled
    redactor = Redactor()
    redactor.add_secret(TOKEN)
    as_json = io.StringIO()
    assert export_history(manager.db, "json", as_json, redactor=redactor) == 5
    rows = json.loads(as_json.getvalue())
    one = rows[-1]
    assert one["repo_id"] == "acme/one" and one["outcome"] == "completed"
    assert one["commit"] == "1" * 40 and one["bytes"] == 1002 and one["duration_s"] == 2.0
    assert one["files"] == [
        {"path": "model.safetensors", "size": 1000},
        {"path": "c.json", "size": 2},
    ]
    assert one["finished_at"].endswith("+00:00") and one["average_speed_bps"] == 501.0
    two = rows[-2]
    assert two["outcome"] == "failed" and two["error"].startswith("401 for token")

    as_csv = io.StringIO()
    export_history(manager.db, "csv", as_csv, HistoryQuery(outcomes=(Outcome.FAILED,)))
    table = list(csv.DictReader(io.StringIO(as_csv.getvalue())))
    assert [r["repo_id"] for r in table] == ["acme/five", "acme/two"]
    assert table[0]["error"] == "Model acme/five was not found."
    for text in (as_json.getvalue(), as_csv.getvalue()):
        assert TOKEN not in text and "QQQQQQQQ" not in text
    with pytest.raises(UsageError):
        export_history(manager.db, "xml", io.StringIO())


def test_redownload_spec_targets_the_same_files_and_place(filled) -> None:  # type: ignore[no-untyped-def]
    manager, _ = filled
    one = find_history(manager.db, HistoryQuery(text="acme/one"))[0]
    spec = redownload_spec(one)
    assert (spec.repo_id, spec.destination, spec.layout) == (
        "acme/one",
        one.destination,
        one.layout,
    )
    assert spec.files == ("model.safetensors", "c.json") and spec.revision is None
    assert redownload_spec(one, pin_commit=True).revision == "1" * 40
    task_id = manager.redownload(one.id)
    assert manager.require(task_id).state is TaskState.QUEUED
    with pytest.raises(UsageError):
        get_history(manager.db, 999)
