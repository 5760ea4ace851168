"""Small themed charts for the statistics dashboard, drawn with pyqtgraph.

pyqtgraph: a well-kept Qt plotting library that runs on PySide6-Essentials, whereas Qt Charts
needs the much larger PySide6-Addons.

```
┌ Bytes per day ─────────────────────────┐   ┌ Top repositories ──────────────────────┐
│ 4 GiB ┤      ▇                          │   │ meta-llama/Llama-3.1…  ▇▇▇▇▇▇▇▇ 16 GiB  │
│ 2 GiB ┤  ▇   ▇     ▇                    │   │ Qwen/Qwen2.5-7B-Ins…   ▇▇▇▇▇▇ 15 GiB    │
│       └──┴───┴─────┴── Nov 3  Nov 10 …  │   │ openai/whisper-larg…   ▇▇ 3.1 GiB       │
└────────────────────────────────────────┘   └────────────────────────────────────────┘
```

:class:`DayChart` plots one value per day (bars, or a line for speeds) over index positions
with the dates as tick labels; :class:`RankChart` plots labelled horizontal bars, largest on
top. Both follow the palette (light/dark: :func:`hfsuite.ui.theme.colors_for`), never take
mouse input (a dashboard, not an explorer), and show an empty-state text instead of an empty
plot. What is plotted stays readable for tests: :attr:`ChartBase.values` and ``labels``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from hfsuite.core.units import format_bytes, format_rate
from hfsuite.ui.theme import ThemeColors, colors_for

translate = QCoreApplication.translate

Formatter = Callable[[float], str]

_NICE = (1.0, 2.0, 2.5, 5.0)


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next((n * power for n in _NICE if n * power >= raw), 10 * power)


def byte_step(span: float, ticks: int = 4) -> float:
    """A tick step for a byte axis: a round number of B, KiB, MiB or GiB (never 1.9 GiB)."""
    if span <= 0:
        return 1.0
    unit = 1024 ** max(0, min(4, int(math.log(max(span, 1), 1024))))
    return nice_step(span / unit, ticks) * unit


def format_count(value: float) -> str:
    """A count as a whole number."""
    return f"{value:,.0f}"


class _ValueAxis(pg.AxisItem):
    """A value axis whose ticks are round numbers in the chart's unit, formatted for people."""

    def __init__(self, orientation: str, formatter: Formatter, step: Callable[[float], float]):
        super().__init__(orientation)
        self.formatter = formatter
        self.step = step

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        step = self.step(max(maxVal, 0.0))
        first = math.ceil(max(minVal, 0.0) / step) * step
        values: list[float] = []
        value = first
        while value <= maxVal + step * 1e-9 and len(values) < 12:
            values.append(value)
            value += step
        return [(step, values)]

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        return [self.formatter(v) for v in values]


class _LabelAxis(pg.AxisItem):
    """An axis over index positions whose ticks are the labels (dates, names)."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.labels: list[str] = []
        self.every = 1

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        every = self.every
        if self.orientation in ("bottom", "top") and self.labels:
            # As many labels as fit their width (about 60 px each), the last day always one.
            fits = max(2, int(size // 60))
            every = max(every, math.ceil(len(self.labels) / fits))
        shown = [
            i
            for i in range(len(self.labels))
            if minVal - 0.5 <= i <= maxVal + 0.5 and (len(self.labels) - 1 - i) % every == 0
        ]
        return [(float(every), [float(i) for i in shown])]

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        out = []
        for v in values:
            i = round(v)
            out.append(self.labels[i] if 0 <= i < len(self.labels) else "")
        return out


def day_label(day: date, with_year: bool) -> str:
    """``Nov 3`` (``Nov 3 '26`` when the range spans more than a year)."""
    text = f"{day:%b} {day.day}"
    return f"{text} '{day:%y}" if with_year else text


class ChartBase(QFrame):
    """A card with a title, a plot and an empty-state text in its place when there is nothing.

    Args:
        title: The card's title.
        empty_text: Shown instead of the plot when there is nothing to draw.
        parent: The parent widget.
    """

    def __init__(self, title: str, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.values: list[float] = []
        self.labels: list[str] = []
        self._items: list[Any] = []
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("stat")
        self.empty_label = QLabel(empty_text, self)
        self.empty_label.setObjectName("muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.plot = pg.PlotWidget(parent=self, axisItems=self._axes())
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        self.plot.setMinimumHeight(120)
        self.plot.setAntialiasing(True)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.plot)
        self._stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title_label)
        layout.addLayout(self._stack, 1)
        self._apply_theme()
        app = QApplication.instance()
        if app is not None:  # the theme switch reaches the application object in any case
            app.installEventFilter(self)

    def _axes(self) -> dict[str, pg.AxisItem]:
        raise NotImplementedError

    @property
    def is_empty(self) -> bool:
        """Whether the empty-state text is shown instead of the plot."""
        return self._stack.currentWidget() is self.empty_label

    def set_empty_text(self, text: str) -> None:
        """Change the empty-state text."""
        self.empty_label.setText(text)

    def _show_empty(self, empty: bool) -> None:
        self._stack.setCurrentWidget(self.empty_label if empty else self.plot)

    def _clear(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow a theme switch: the application's palette changed. (With the app's style
        sheet in place a widget's own palette may not change, so the application is watched.)"""
        if watched is QApplication.instance() and event.type() in (
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.PaletteChange,
        ):
            self._apply_theme()
            self._redraw()
        return False

    def _colors(self) -> ThemeColors:
        """The theme's colours: the application's palette (what a theme switch changes)."""
        app = QApplication.instance()
        return colors_for(app.palette() if isinstance(app, QApplication) else self.palette())

    def _apply_theme(self) -> None:
        colors = self._colors()
        self.plot.setBackground(QColor(colors.base))
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        for name in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(name)
            axis.setPen(pg.mkPen(colors.border))
            axis.setTextPen(pg.mkPen(colors.muted))
            axis.setStyle(tickFont=font, tickLength=-4)
        self.plot.getPlotItem().showGrid(x=False, y=True, alpha=0.18)

    def _redraw(self) -> None:
        """Draw :attr:`values` again (after a theme switch)."""


class DayChart(ChartBase):
    """One value per day: bars (bytes, downloads) or a line with points (speed).

    Args:
        title: The card's title.
        formatter: Formats the value axis (bytes, counts, rates).
        kind: ``bars`` or ``line``.
        unit: ``bytes`` (ticks at round KiB/MiB/GiB), ``rate`` (the same, per second) or
            ``count`` (whole numbers).
        empty_text: Shown when every day is zero.
        parent: The parent widget.
    """

    def __init__(
        self,
        title: str,
        *,
        unit: str = "bytes",
        kind: str = "bars",
        empty_text: str = "",
        parent: QWidget | None = None,
    ):
        self.unit = unit
        self.kind = kind
        self.days: list[date] = []
        empty_text = empty_text or translate("Charts", "No downloads in this period")
        super().__init__(title, empty_text, parent)

    def _axes(self) -> dict[str, pg.AxisItem]:
        formatter: Formatter = {
            "bytes": format_bytes,
            "rate": format_rate,
            "count": format_count,
        }[self.unit]
        step: Callable[[float], float] = (
            (lambda top: max(1.0, nice_step(top)))
            if self.unit == "count"
            else (lambda top: byte_step(top))
        )
        self.value_axis = _ValueAxis("left", formatter, step)
        self.value_axis.setWidth(64)
        self.date_axis = _LabelAxis("bottom")
        return {"left": self.value_axis, "bottom": self.date_axis}

    def set_series(self, days: Sequence[date], values: Sequence[float]) -> None:
        """Plot ``values`` (one per day, oldest first); all zero shows the empty text."""
        self.days = list(days)
        self.values = [float(v) for v in values]
        with_year = bool(self.days) and (self.days[-1] - self.days[0]).days > 365
        self.labels = [day_label(d, with_year) for d in self.days]
        self._redraw()

    def _redraw(self) -> None:
        self._clear()
        empty = not any(self.values)
        self._show_empty(empty)
        if empty:
            return
        colors = self._colors()
        count = len(self.values)
        self.date_axis.labels = self.labels
        self.date_axis.every = 1
        xs = list(range(count))
        if self.kind == "line":
            ys = [v if v > 0 else math.nan for v in self.values]
            item = pg.PlotDataItem(
                xs,
                ys,
                pen=pg.mkPen(colors.success, width=2),
                symbol="o",
                symbolSize=6 if count <= 45 else 3,
                symbolBrush=pg.mkBrush(colors.success),
                symbolPen=pg.mkPen(colors.success),
                connect="finite",
            )
        else:
            item = pg.BarGraphItem(
                x=xs,
                height=self.values,
                width=0.7 if count <= 45 else 0.9,
                brush=pg.mkBrush(colors.accent),
                pen=pg.mkPen(None),
            )
        self.plot.addItem(item)
        self._items.append(item)
        top = max(self.values)
        item_plot = self.plot.getPlotItem()
        item_plot.setXRange(-0.6, count - 0.4, padding=0)
        item_plot.setYRange(0, top * 1.12, padding=0)


class RankChart(ChartBase):
    """Labelled horizontal bars, the largest on top, each with its value written beside it.

    Args:
        title: The card's title.
        formatter: Formats the values (``format_bytes``).
        empty_text: Shown when there is nothing to rank.
        label_width: Pixels for the labels on the left (longer labels are elided).
        parent: The parent widget.
    """

    def __init__(
        self,
        title: str,
        *,
        formatter: Formatter = format_bytes,
        empty_text: str = "",
        label_width: int = 150,
        parent: QWidget | None = None,
    ):
        self.formatter = formatter
        self.label_width = label_width
        empty_text = empty_text or translate("Charts", "Nothing yet")
        super().__init__(title, empty_text, parent)

    def _axes(self) -> dict[str, pg.AxisItem]:
        self.label_axis = _LabelAxis("left")
        self.label_axis.setWidth(self.label_width)
        self.value_axis = _ValueAxis("bottom", self.formatter, lambda top: byte_step(top, 3))
        return {"left": self.label_axis, "bottom": self.value_axis}

    def set_items(self, items: Sequence[tuple[str, float]]) -> None:
        """Plot ``(label, value)`` pairs, largest first (as given)."""
        self.labels = [label for label, _ in items]
        self.values = [float(v) for _, v in items]
        self._redraw()

    def _elide(self, text: str) -> str:
        metrics = self.fontMetrics()
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, self.label_width - 14)

    def _redraw(self) -> None:
        self._clear()
        empty = not any(self.values)
        self._show_empty(empty)
        if empty:
            return
        colors = self._colors()
        count = len(self.values)
        # Index 0 (the largest) is drawn at the top, at least four rows high so that one or
        # two bars are not fat: y = slots - 1 - i.
        slots = max(count, 4)
        ys = [slots - 1 - i for i in range(count)]
        labels = [""] * slots
        for y, label in zip(ys, self.labels, strict=True):
            labels[y] = self._elide(label)
        self.label_axis.labels = labels
        self.label_axis.every = 1
        bars = pg.BarGraphItem(
            x0=[0] * count,
            y=ys,
            width=self.values,
            height=0.62,
            brush=pg.mkBrush(colors.accent),
            pen=pg.mkPen(None),
        )
        self.plot.addItem(bars)
        self._items.append(bars)
        top = max(self.values)
        for y, value in zip(ys, self.values, strict=True):
            text = pg.TextItem(self.formatter(value), color=colors.text, anchor=(0, 0.5))
            text.setPos(value + top * 0.015, y)
            self.plot.addItem(text)
            self._items.append(text)
        item_plot = self.plot.getPlotItem()
        item_plot.setYRange(-0.6, slots - 0.4, padding=0)
        item_plot.setXRange(0, top * 1.45, padding=0)  # room for the value beside the bar
        item_plot.showGrid(x=False, y=False)
