"""The statistics dashboard: downloads per day, speed, top repositories and disk use.

```
┌ Statistics ─────────────────────────────── [7 days] [30 days] [90 days] [All]  ⟳ ┐
│ ┌ Downloaded ┐ ┌ Downloads ┐ ┌ Failed ┐ ┌ Average speed ┐ ┌ Library ┐             │
│ │ 38.2 GiB   │ │ 7         │ │ 1      │ │ 91.3 MiB/s    │ │ 54 GiB  │             │
│ ┌ Bytes per day ──────────────┐ ┌ Downloads per day ─────────┐ ┌ Average speed ┐  │
│ │ ▇ ▇   ▇                      │ │ ▇ ▇   ▇                     │ │  •─•   •       │  │
│ ┌ Top repositories ───────────┐ ┌ Disk by tool ──────────────┐ ┌ Disk by kind ─┐  │
│ │ meta-llama/…  ▇▇▇▇▇ 16 GiB   │ │ HF cache ▇▇▇▇▇ 40 GiB       │ │ llm ▇▇▇ 30 GiB │  │
└──────────────────────────────────────────────────────────────────────────────────┘
```

The numbers come from :func:`hfsuite.app.statistics.dashboard`, read off the UI thread
(``UiContext.run_async``); a period switch reads again. Charts are :mod:`hfsuite.ui.widgets.charts`
(pyqtgraph), themed from the palette. Scan roots are named after their tool
(:func:`hfsuite.ui.models.library_model.root_label`), several roots of one tool adding up.

:func:`stage_for_screenshot` builds the dashboard with its data loaded, for
``hfsuite gui --screenshot``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.statistics import DashboardData, Period, dashboard_now
from hfsuite.core.units import format_bytes, format_rate
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.library_model import root_label
from hfsuite.ui.waiting import wait_until
from hfsuite.ui.widgets._status import set_status
from hfsuite.ui.widgets.charts import DayChart, RankChart

if TYPE_CHECKING:
    from hfsuite.ui.context import UiContext

translate = QCoreApplication.translate

# The period selector's names (Period.label's English, shown through translate()).
PERIOD_LABELS = {
    Period.WEEK: QT_TRANSLATE_NOOP("StatsDashboard", "7 days"),
    Period.MONTH: QT_TRANSLATE_NOOP("StatsDashboard", "30 days"),
    Period.QUARTER: QT_TRANSLATE_NOOP("StatsDashboard", "90 days"),
    Period.ALL: QT_TRANSLATE_NOOP("StatsDashboard", "All"),
}


class _Figure(QFrame):
    """A small card: a muted caption over a big number."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.caption = QLabel(caption, self)
        self.caption.setObjectName("muted")
        self.value = QLabel("—", self)
        self.value.setObjectName("title")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set(self, text: str, tooltip: str = "") -> None:
        self.value.setText(text)
        self.setToolTip(tooltip)


def disk_by_tool(data: DashboardData) -> list[tuple[str, float]]:
    """The library's bytes per tool (scan roots named by :func:`root_label`), most first."""
    totals: dict[str, int] = {}
    for share in data.disk_by_root:
        label = root_label(share.key, share.root_kind or "")
        totals[label] = totals.get(label, 0) + share.size_bytes
    return sorted(((k, float(v)) for k, v in totals.items() if v), key=lambda kv: -kv[1])


class StatsDashboard(QDialog):
    """Charts of the download statistics and the library's disk use, for a chosen period.

    Args:
        ctx: The UI context (its suite's database and clock).
        parent: The parent widget.
        period: The period shown first.
        loader: Reads the data (default: :func:`hfsuite.app.statistics.dashboard_now` on the
            suite's database and clock); tests may pass their own.
    """

    #: The data shown changed (a DashboardData), after a load.
    loaded = Signal(object)

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        period: Period = Period.MONTH,
        loader: Callable[[Period], DashboardData] | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.period = period
        self.data: DashboardData | None = None
        self._loading = False
        self._again = False
        suite = ctx.suite
        self._loader = loader or (lambda p: dashboard_now(suite.database, suite.clock.now(), p))
        self.setWindowTitle(translate("StatsDashboard", "Statistics"))
        self.setObjectName("stats_dashboard")
        self.resize(1180, 760)

        title = QLabel(translate("StatsDashboard", "Statistics"), self)
        title.setObjectName("title")
        self.status_label = QLabel(self)
        self.status_label.hide()
        self.period_buttons: dict[Period, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.status_label)
        header.addStretch(1)
        for number, p in enumerate(Period):
            button = QPushButton(translate("StatsDashboard", PERIOD_LABELS.get(p, p.label)), self)
            button.setObjectName("chip")
            button.setCheckable(True)
            button.setChecked(p is period)
            self._group.addButton(button, number)
            self.period_buttons[p] = button
            header.addWidget(button)
        # A bound method, not a lambda holding self: a closed dashboard is freed at once rather
        # than left in a reference cycle for the garbage collector.
        self._group.idClicked.connect(self._period_clicked)
        self.refresh_button = QPushButton(translate("StatsDashboard", "Refresh"), self)
        self.refresh_button.clicked.connect(self.reload)
        header.addSpacing(8)
        header.addWidget(self.refresh_button)

        self.fig_bytes = _Figure(translate("StatsDashboard", "Downloaded"), self)
        self.fig_downloads = _Figure(translate("StatsDashboard", "Completed downloads"), self)
        self.fig_failed = _Figure(translate("StatsDashboard", "Failed / cancelled"), self)
        self.fig_speed = _Figure(translate("StatsDashboard", "Average speed"), self)
        self.fig_library = _Figure(translate("StatsDashboard", "Library on disk"), self)
        figures = QHBoxLayout()
        figures.setSpacing(10)
        for fig in (
            self.fig_bytes,
            self.fig_downloads,
            self.fig_failed,
            self.fig_speed,
            self.fig_library,
        ):
            figures.addWidget(fig, 1)

        self.bytes_chart = DayChart(
            translate("StatsDashboard", "Bytes per day"), unit="bytes", parent=self
        )
        self.downloads_chart = DayChart(
            translate("StatsDashboard", "Downloads per day"), unit="count", parent=self
        )
        self.speed_chart = DayChart(
            translate("StatsDashboard", "Average speed per day"),
            unit="rate",
            kind="line",
            parent=self,
        )
        no_downloads = translate("StatsDashboard", "No downloads in this period")
        no_files = translate("StatsDashboard", "No files in the library yet: scan a folder")
        self.top_chart = RankChart(
            translate("StatsDashboard", "Top repositories"),
            empty_text=no_downloads,
            label_width=190,
        )
        self.tool_chart = RankChart(
            translate("StatsDashboard", "Library by tool"), empty_text=no_files
        )
        self.kind_chart = RankChart(
            translate("StatsDashboard", "Library by kind"), empty_text=no_files
        )
        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(self.bytes_chart, 0, 0)
        grid.addWidget(self.downloads_chart, 0, 1)
        grid.addWidget(self.speed_chart, 0, 2)
        grid.addWidget(self.top_chart, 1, 0)
        grid.addWidget(self.tool_chart, 1, 1)
        grid.addWidget(self.kind_chart, 1, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(2, 4)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 16)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addLayout(figures)
        layout.addLayout(grid, 1)
        self.period_buttons[period].setFocus()
        self.reload()

    # --- loading ------------------------------------------------------------------------------
    def is_ready(self) -> bool:
        """Whether data is shown and no read is under way."""
        return self.data is not None and not self._loading

    def set_period(self, period: Period) -> None:
        """Show another period (reads its data off the UI thread)."""
        self.period = period
        self.period_buttons[period].setChecked(True)
        self.period_buttons[period].setFocus()
        self.reload()

    def _period_clicked(self, number: int) -> None:
        self.set_period(list(Period)[number])

    def reload(self) -> None:
        """Read the data for the current period again (off the UI thread)."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        period, loader = self.period, self._loader  # the worker holds no reference to self
        set_status(self.status_label, "busy", translate("StatsDashboard", "Loading…"))
        self.ctx.run_async(lambda: loader(period), self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        message = getattr(error, "message", None) or str(error)
        failure = translate("StatsDashboard", "Could not read the statistics: {error}").format(
            error=message
        )
        set_status(self.status_label, "error", failure)
        self.ctx.show_error(error)

    def _show(self, data: DashboardData) -> None:
        self._loading = False
        if self._again or data.period is not self.period:
            self._again = False
            self.reload()
            return
        self.data = data
        set_status(self.status_label, "none")
        summary = data.summary
        cancelled = sum(d.cancelled for d in data.days)
        self.fig_bytes.set(format_bytes(summary.bytes_downloaded))
        self.fig_downloads.set(f"{summary.downloads:,}")
        self.fig_failed.set(f"{summary.failures:,} / {cancelled:,}")
        self.fig_speed.set(
            format_rate(summary.average_speed_bps) if summary.seconds > 0 else "—",
            translate("StatsDashboard", "Bytes over the time spent downloading in the period"),
        )
        files = sum(s.files for s in data.disk_by_kind)
        self.fig_library.set(
            format_bytes(data.library_bytes),
            translate("StatsDashboard", "{count} indexed files (hfsuite scan)").format(
                count=f"{files:,}"
            ),
        )
        days = [d.day for d in data.days]
        self.bytes_chart.set_series(days, [d.bytes_downloaded for d in data.days])
        self.downloads_chart.set_series(days, [d.downloads for d in data.days])
        self.speed_chart.set_series(days, [d.average_speed_bps for d in data.days])
        self.top_chart.set_items([(t.name, t.bytes_downloaded) for t in data.top_repos])
        self.tool_chart.set_items(disk_by_tool(data))
        self.kind_chart.set_items(
            [(s.key, float(s.size_bytes)) for s in data.disk_by_kind if s.size_bytes]
        )
        self.loaded.emit(data)


def stage_for_screenshot(ctx: UiContext, options: Any) -> QWidget:
    """The dashboard with its data loaded, sized for ``hfsuite gui --screenshot``.

    Args:
        ctx: The UI context.
        options: A :class:`hfsuite.ui.screenshot.ScreenshotOptions` (its ``size`` and
            ``timeout_s``; ``search`` may name a period: ``7d``, ``30d``, ``90d`` or ``all``).
    """
    period = Period.parse(options.search) if getattr(options, "search", None) else Period.MONTH
    widget = StatsDashboard(ctx, period=period)
    widget.resize(*getattr(options, "size", (1280, 800)))
    wait_until(widget.is_ready, float(getattr(options, "timeout_s", 20.0)))
    return widget
