"""History tab: filters, favorites, export contents, re-download and the update check."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hfsuite.app.suite import Suite
from hfsuite.core.types import Layout, Outcome, SourceKind, TaskState
from hfsuite.storage import HistorySpec, ManifestEntry
from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext

pytest.importorskip("pytestqt")

from hfsuite.app.download.destinations import stored_files_folder as folder_of
from hfsuite.core.destination import Destination
from hfsuite.ui.models.history_model import Column
from hfsuite.ui.tabs.history import HistoryTab, since_for

TIMEOUT = 15_000
DAY = 86400.0


def _add(suite: Suite, repo_id: str, outcome: Outcome, age_days: float, **extra: Any) -> None:
    now = time.time()
    spec = HistorySpec(
        source=SourceKind.HUGGINGFACE,
        outcome=outcome,
        destination=extra.pop("destination", f"/data/models/{repo_id.split('/')[-1]}"),
        finished_at=now - age_days * DAY,
        started_at=now - age_days * DAY - 60,
        repo_id=repo_id,
        revision="main",
        commit="a" * 40,
        layout=Layout.LOCAL_DIR,
        files=(ManifestEntry("model.safetensors", 5_000_000), ManifestEntry("config.json", 100)),
        bytes_downloaded=5_000_100 if outcome is Outcome.COMPLETED else 1000,
        duration_s=10.0,
        **extra,
    )
    with suite.database.write() as uow:
        uow.history.add(spec)


@pytest.fixture(autouse=True)
def _stop_bridge(ctx: UiContext) -> Iterator[None]:
    """The tab listens to ``ctx.bridge`` (created on first use); stop its timers afterwards so
    they do not fire into the next test."""
    yield
    bridge = getattr(ctx, "_bridge", None)
    if bridge is not None:
        bridge.close()


@pytest.fixture
def records(suite: Suite) -> Suite:
    _add(suite, "acme/llama-7b", Outcome.COMPLETED, 0.01)
    _add(suite, "acme/llama-13b", Outcome.FAILED, 2, error="Not enough disk space: need 26 GB")
    _add(suite, "stability/sdxl", Outcome.COMPLETED, 12)
    _add(suite, "openai/whisper", Outcome.CANCELLED, 40)
    return suite


def _tab(qtbot: Any, ctx: UiContext) -> HistoryTab:
    tab = HistoryTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    qtbot.waitUntil(tab.is_ready, timeout=TIMEOUT)
    return tab


def _shown(tab: HistoryTab) -> list[str]:
    return [tab.proxy.index(row, Column.REPO).data() for row in range(tab.proxy.rowCount())]


def _reload(qtbot: Any, tab: HistoryTab, action: Any) -> None:
    with qtbot.waitSignal(tab.reloaded, timeout=TIMEOUT):
        action()


def test_lists_newest_first_with_summary(qtbot: Any, ctx: UiContext, records: Suite) -> None:
    tab = _tab(qtbot, ctx)
    assert _shown(tab) == ["acme/llama-7b", "acme/llama-13b", "stability/sdxl", "openai/whisper"]
    assert tab.summary_label.text().startswith("4 downloads")
    assert "1 failed" in tab.summary_label.text()
    failed_row = tab.proxy.index(1, Column.OUTCOME)
    assert failed_row.data() == "Failed"
    assert "disk space" in failed_row.data(0x03)  # ToolTipRole: the error


def test_filters_text_date_outcome(qtbot: Any, ctx: UiContext, records: Suite) -> None:
    tab = _tab(qtbot, ctx)
    _reload(qtbot, tab, lambda: tab.text_edit.setText("llama"))
    assert _shown(tab) == ["acme/llama-7b", "acme/llama-13b"]

    _reload(
        qtbot, tab, lambda: tab.outcome_combo.setCurrentIndex(tab.outcome_combo.findText("Failed"))
    )
    assert _shown(tab) == ["acme/llama-13b"]

    _reload(qtbot, tab, lambda: tab.text_edit.clear())
    _reload(qtbot, tab, lambda: tab.outcome_combo.setCurrentIndex(0))
    assert len(_shown(tab)) == 4
    _reload(
        qtbot, tab, lambda: tab.date_combo.setCurrentIndex(tab.date_combo.findText("Last 7 days"))
    )
    assert _shown(tab) == ["acme/llama-7b", "acme/llama-13b"]
    _reload(
        qtbot, tab, lambda: tab.date_combo.setCurrentIndex(tab.date_combo.findText("Last 30 days"))
    )
    assert _shown(tab) == ["acme/llama-7b", "acme/llama-13b", "stability/sdxl"]

    _reload(qtbot, tab, lambda: tab.text_edit.setText("no-such-thing"))
    assert _shown(tab) == [] and tab.summary_label.text() == "Nothing matches these filters."


def test_star_toggles_favorite_and_filters_favorites(
    qtbot: Any, ctx: UiContext, records: Suite
) -> None:
    tab = _tab(qtbot, ctx)
    star = tab.proxy.index(2, Column.STAR)  # stability/sdxl
    assert star.data() == "☆"
    rect = tab.table.visualRect(star)
    from PySide6.QtCore import Qt

    with qtbot.waitSignal(tab.reloaded, timeout=TIMEOUT):
        qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.proxy.index(2, Column.STAR).data() == "★"

    _reload(qtbot, tab, lambda: tab.favorites_button.setChecked(True))
    assert _shown(tab) == ["stability/sdxl"]

    with qtbot.waitSignal(tab.reloaded, timeout=TIMEOUT):
        tab.toggle_favorite(tab.model.record(0))
    assert _shown(tab) == []


def test_export_csv_and_json_follow_the_filters(
    qtbot: Any, ctx: UiContext, records: Suite, tmp_path: Path
) -> None:
    ctx.suite.redactor.add_secret("hf_secret_in_an_error")
    _add(ctx.suite, "acme/private", Outcome.FAILED, 1, error="401 for token hf_secret_in_an_error")
    tab = _tab(qtbot, ctx)
    out = tmp_path / "all.json"
    with qtbot.waitSignal(tab.exported, timeout=TIMEOUT) as done:
        tab.export_to(out)
    assert done.args == [str(out), 5]
    rows = json.loads(out.read_text())
    assert [r["repo_id"] for r in rows][:2] == ["acme/llama-7b", "acme/private"]
    assert rows[0]["files"] == [
        {"path": "model.safetensors", "size": 5_000_000},
        {"path": "config.json", "size": 100},
    ]
    assert "hf_secret_in_an_error" not in out.read_text()

    _reload(
        qtbot, tab, lambda: tab.outcome_combo.setCurrentIndex(tab.outcome_combo.findText("Failed"))
    )
    out_csv = tmp_path / "failed.csv"
    with qtbot.waitSignal(tab.exported, timeout=TIMEOUT):
        tab.export_to(out_csv)
    with out_csv.open(newline="") as f:
        table = list(csv.DictReader(f))
    assert [r["repo_id"] for r in table] == ["acme/private", "acme/llama-13b"]
    assert {r["outcome"] for r in table} == {"failed"}
    assert table[1]["error"] == "Not enough disk space: need 26 GB"
    assert table[1]["files"] == "model.safetensors;config.json"


def test_redownload_queues_the_same_files(qtbot: Any, ctx: UiContext, records: Suite) -> None:
    ctx.manager.pause()  # keep the runner from starting what we queue (no such repo on the hub)
    tab = _tab(qtbot, ctx)
    tab.select_rows([2])
    assert tab.redownload_button.isEnabled() and tab.open_button.isEnabled()
    with qtbot.waitSignal(tab.tasks_queued, timeout=TIMEOUT) as queued:
        tab.redownload_selected()
    (task_id,) = queued.args[0]
    task = ctx.manager.get(task_id)
    assert task is not None and task.repo_id == "stability/sdxl"
    assert task.destination == "/data/models/sdxl"
    assert list(task.files or ()) == ["model.safetensors", "config.json"]
    ctx.manager.cancel([task_id])


def test_folder_of_hf_cache_rows(records: Suite) -> None:
    from hfsuite.app.history_ops import find_history

    record = find_history(records.database)[0]
    assert folder_of(record) == Path(record.destination)
    cached = type(record).__new__(type(record))
    for name in record.__slots__:  # type: ignore[attr-defined]
        object.__setattr__(cached, name, getattr(record, name))
    object.__setattr__(cached, "layout", Layout.HF_CACHE)
    object.__setattr__(cached, "destination", "/cache/hub")
    assert folder_of(cached) == Path("/cache/hub/models--acme--llama-7b")
    assert since_for(None) is None and since_for(0, time.time()) <= time.time()


def test_check_for_updates_marks_changed_repos_and_queues_the_changes(
    qtbot: Any, ctx: UiContext, hub: HubEmulator, tmp_path: Path
) -> None:
    files = {"config.json": b'{"v": 1}', "weights.bin": b"A" * 5000, "notes.txt": b"same"}
    repo = hub.create_repo("acme/evolving", files=files)
    hub.create_repo("acme/steady", files={"a.txt": b"steady"})
    manager = ctx.manager
    dest = tmp_path / "evolving"
    from hfsuite.app.queue.tasks import TaskOptions

    ids = manager.add_repos(["acme/evolving"], TaskOptions(destination=Destination.folder(dest)))
    ids += manager.add_repos(
        ["acme/steady"], TaskOptions(destination=Destination.folder(tmp_path / "steady"))
    )

    def all_done() -> bool:
        return all(
            (t := manager.get(i)) is not None and t.state is TaskState.COMPLETED for i in ids
        )

    qtbot.waitUntil(all_done, timeout=30_000)

    repo.commit({"weights.bin": b"B" * 6000, "tokenizer.json": b"{}"}, message="v2")
    tab = _tab(qtbot, ctx)
    assert len(_shown(tab)) == 2
    assert not tab.queue_updates_button.isVisible()
    with qtbot.waitSignal(tab.updates_checked, timeout=TIMEOUT) as checked:
        tab.check_updates()
    reports = {r.version.repo_id: r for r in checked.args[0]}
    evolving = reports["acme/evolving"]
    assert evolving.has_update and not reports["acme/steady"].has_update
    changes = {c.path: c.kind.value for c in evolving.changes}
    assert changes == {"weights.bin": "modified", "tokenizer.json": "added"}
    texts = {
        tab.proxy.index(r, Column.REPO).data(): tab.proxy.index(r, Column.UPDATE).data()
        for r in range(tab.proxy.rowCount())
    }
    assert texts["acme/evolving"] == "⬆ 1 added, 1 modified"
    assert texts["acme/steady"] == "✓ up to date"
    assert "1 repository has updates" in tab.status_label.text()
    assert tab.queue_updates_button.isVisible()

    with qtbot.waitSignal(tab.tasks_queued, timeout=TIMEOUT) as queued:
        tab.queue_updates(confirm=False)
    (task_id,) = queued.args[0]
    qtbot.waitUntil(
        lambda: (t := manager.get(task_id)) is not None and t.state is TaskState.COMPLETED,
        timeout=30_000,
    )
    assert (dest / "weights.bin").read_bytes() == b"B" * 6000
    assert not (dest / "tokenizer.json").exists()  # added upstream: reported, not queued
    assert (dest / "notes.txt").read_bytes() == b"same"


def test_a_late_reload_after_the_window_closed_does_not_reopen_the_database(
    qtbot: Any, ctx: UiContext, records: Suite
) -> None:
    tab = _tab(qtbot, ctx)
    ctx.close()
    ctx.manager.stop()
    ctx.suite.close()
    started: list[bool] = []
    ctx.run_async(lambda: started.append(True))
    tab.reload()  # as its timer firing after the window closed would
    assert ctx.suite._database is None  # not opened again
    assert started == []
