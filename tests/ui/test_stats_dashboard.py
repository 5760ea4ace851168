"""The statistics dashboard on real data: a download run against the emulator through the queue,
history rows written through the storage API for other days, and a scanned library folder; the
plotted series are checked value by value, per period, with the empty states and both themes."""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")
pytest.importorskip("pyqtgraph")

from PySide6.QtWidgets import QApplication

from hfsuite.app.history_ops import local_day
from hfsuite.app.statistics import Period, dashboard
from hfsuite.core.types import Outcome, RepoType, SourceKind, TaskState
from hfsuite.storage import HistorySpec
from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext
from hfsuite.ui.dialogs.stats_dashboard import StatsDashboard, stage_for_screenshot
from hfsuite.ui.theme import DARK, LIGHT, palette_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "library"))
from model_builders import VAE, write_gguf, write_safetensors

KIB = 1 << 10


DAY = 86400.0


def _history(ctx: UiContext, repo_id: str, outcome: Outcome, size: int, secs: float, at: float):  # type: ignore[no-untyped-def]
    """One ended download written as the queue writes it: a history row and its day's stats."""
    with ctx.suite.database.write() as uow:
        uow.history.add(
            HistorySpec(
                source=SourceKind.HUGGINGFACE,
                outcome=outcome,
                destination="/tmp/x",
                finished_at=at,
                started_at=at - secs,
                repo_id=repo_id,
                repo_type=RepoType.MODEL,
                bytes_downloaded=size,
                duration_s=secs,
            )
        )
        uow.stats.record(local_day(at), outcome, bytes_downloaded=size, seconds=secs)


def _download(qtbot: Any, ctx: UiContext, name: str) -> None:
    (task_id,) = ctx.manager.add_repos([name])

    def done() -> bool:
        task = ctx.manager.get(task_id)
        return task is not None and task.state is TaskState.COMPLETED

    qtbot.waitUntil(done, timeout=30000)


def _open(qtbot: Any, ctx: UiContext, period: Period = Period.MONTH) -> StatsDashboard:
    view = StatsDashboard(ctx, period=period)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    # Not shown: the checks read the widgets' state, not pixels, and every repaint is more calls
    # into PySide6, whose 6.12.0 wheels on Python 3.11 drop a reference to None on each call
    # that returns nothing (a process crashes once None's count runs out).
    qtbot.waitUntil(view.is_ready, timeout=10000)
    return view


def test_series_follow_real_downloads_history_and_the_library(
    qtbot: Any, ctx: UiContext, hub: HubEmulator, tmp_path: Path
) -> None:
    weights = os.urandom(300 * KIB)
    hub.create_repo("acme/real", files={"config.json": b"{}", "model.safetensors": weights})
    _download(qtbot, ctx, "acme/real")  # a real download: history row + today's statistics
    now = time.time()
    today = local_day(now)
    _history(ctx, "acme/older", Outcome.COMPLETED, 5_000_000, 2.0, now - 3 * DAY)
    _history(ctx, "acme/older", Outcome.COMPLETED, 1_000_000, 1.0, now - 3 * DAY + 60)
    _history(ctx, "acme/broken", Outcome.FAILED, 200_000, 4.0, now - 3 * DAY + 120)
    _history(ctx, "acme/ancient", Outcome.COMPLETED, 9_000_000, 3.0, now - 50 * DAY)
    models = tmp_path / "ComfyUI" / "models"
    (models / "vae").mkdir(parents=True)
    (models / "llm").mkdir()
    vae = write_safetensors(models / "vae" / "v.safetensors", VAE)
    gguf = write_gguf(models / "llm" / "tiny.gguf")  # type: ignore[call-arg]
    ctx.suite.library.scan([str(models)])

    view = _open(qtbot, ctx, Period.WEEK)
    days = [today - timedelta(days=6 - i) for i in range(7)]
    assert view.bytes_chart.days == days
    real = len(weights) + 2  # the weights and config.json
    expected = [0.0] * 7
    expected[3] = 6_200_000.0  # three days ago: two completed, one failed (bytes count for all)
    expected[6] = float(real)
    assert view.bytes_chart.values == expected
    assert view.downloads_chart.values == [0, 0, 0, 2, 0, 0, 1]
    speeds = view.speed_chart.values
    assert speeds[3] == pytest.approx(6_200_000 / 7.0)
    assert speeds[6] > 0 and speeds[0] == 0
    assert view.top_chart.labels == ["acme/older", "acme/real", "acme/broken"]
    assert view.top_chart.values == [6_000_000.0, float(real), 200_000.0]
    assert view.fig_downloads.value.text() == "3"
    assert view.fig_failed.value.text() == "1 / 0"
    # The library: the scanned folder is ComfyUI's, its two files by kind.
    sizes = {"vae": vae.stat().st_size, "llm": gguf.stat().st_size}
    assert dict(zip(view.kind_chart.labels, view.kind_chart.values, strict=True)) == {
        k: float(v) for k, v in sizes.items()
    }
    assert view.tool_chart.labels == ["ComfyUI"]
    assert view.tool_chart.values == [float(sum(sizes.values()))]
    assert not view.bytes_chart.is_empty

    # 90 days takes the ancient download in; "all" starts on its day.
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.period_buttons[Period.QUARTER].click()
    assert len(view.bytes_chart.values) == 90
    assert view.bytes_chart.values[-51] == 9_000_000.0
    assert view.top_chart.labels[0] == "acme/ancient"
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.set_period(Period.ALL)
    assert view.bytes_chart.days[0] == local_day(now - 50 * DAY)
    assert sum(view.bytes_chart.values) == 9_000_000 + 6_200_000 + real


def test_empty_states_say_so(qtbot: Any, ctx: UiContext) -> None:
    view = _open(qtbot, ctx)
    for chart in (view.bytes_chart, view.downloads_chart, view.speed_chart, view.top_chart):
        assert chart.is_empty
        assert chart.empty_label.text() == "No downloads in this period"
    assert view.kind_chart.is_empty and "scan a folder" in view.kind_chart.empty_label.text()
    assert view.fig_speed.value.text() == "—"
    assert view.data is not None and not view.data.has_downloads


def test_charts_follow_the_theme(qtbot: Any, ctx: UiContext) -> None:
    _history(ctx, "acme/x", Outcome.COMPLETED, 3 * 1024**3, 30.0, time.time())
    view = _open(qtbot, ctx)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old = app.palette()
    try:
        for colors in (LIGHT, DARK):
            app.setPalette(palette_of(colors))
            qtbot.waitUntil(
                lambda c=colors: view.bytes_chart.plot.backgroundBrush().color().name() == c.base,
                timeout=5000,
            )
            bars = view.bytes_chart._items[0]
            assert bars.opts["brush"].color().name() == colors.accent
    finally:
        app.setPalette(old)
    # Readable axes: round GiB steps on the value axis, dates on the other.
    axis = view.bytes_chart.value_axis
    ((step, ticks),) = axis.tickValues(0, 3.3 * 1024**3, 200)
    assert axis.tickStrings(ticks, 1, step)[:3] == ["0 B", "1.0 GiB", "2.0 GiB"]
    labels = view.bytes_chart.date_axis.tickStrings([29.0], 1, 1)
    day = local_day(time.time())
    assert labels == [f"{day:%b} {day.day}"]


def test_dashboard_aggregates_without_the_window(ctx: UiContext) -> None:
    """app/statistics.py alone: the period's days, top list and the 'all' start."""
    now = time.time()
    _history(ctx, "acme/a", Outcome.COMPLETED, 100, 1.0, now)
    _history(ctx, "acme/b", Outcome.CANCELLED, 50, 1.0, now - 10 * DAY)
    today = local_day(now)
    week = dashboard(ctx.suite.database, today, Period.WEEK)
    assert [t.name for t in week.top_repos] == ["acme/a"]
    assert week.summary.downloads == 1 and len(week.days) == 7
    every = dashboard(ctx.suite.database, today, Period.ALL)
    assert len(every.days) == 11
    assert [(t.name, t.downloads) for t in every.top_repos] == [("acme/a", 1), ("acme/b", 0)]
    assert Period.parse("90") is Period.QUARTER


def test_stage_for_screenshot_returns_a_loaded_dashboard(qtbot: Any, ctx: UiContext) -> None:
    class Options:
        size = (1280, 800)
        timeout_s = 10.0
        search = "7d"

    widget = stage_for_screenshot(ctx, Options())
    qtbot.addWidget(widget)
    assert isinstance(widget, StatsDashboard)
    assert widget.is_ready() and widget.period is Period.WEEK
    assert (widget.width(), widget.height()) == (1280, 800)
