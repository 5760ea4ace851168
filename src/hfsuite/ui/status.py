"""The main window's status bar: the error counter, total speed, active/queued counts, and the
global speed limit.

The error counter (``⚠ 2 errors``) opens the error inspector (:attr:`StatusBar.errors_requested`);
the main window sets its number from the failure log.

The limit takes effect at once (``suite.global_bucket.set_rate``, which every running
connection consults before its next read) and is saved to the settings file a moment later on a
worker thread, so dragging the spin box does not write the file on every step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QStatusBar,
    QToolButton,
    QWidget,
)

from hfsuite.core.types import TaskState
from hfsuite.core.units import format_rate
from hfsuite.ui import shortcuts
from hfsuite.ui.icons import icon
from hfsuite.ui.theme import colors_for

if TYPE_CHECKING:
    from hfsuite.app.events import TasksProgressed
    from hfsuite.ui.context import UiContext

translate = QCoreApplication.translate
MIB = 1 << 20
PRESETS_MIB = (0, 1, 5, 10, 25, 50, 100)


class StatusBar(QStatusBar):
    """Speed, counts and the speed-limit control.

    Args:
        ctx: The UI context (bridge signals in, limit out).
        save_delay_ms: How long the limit must stay unchanged before it is saved.
    """

    #: New counts per state arrived (dict[TaskState, int]).
    counts_updated = Signal(object)
    #: The error counter was clicked: show the error inspector.
    errors_requested = Signal()

    def __init__(self, ctx: UiContext, save_delay_ms: int = 800):
        super().__init__()
        self.ctx = ctx
        self.setSizeGripEnabled(False)
        self.speed_label = QLabel("↓ 0 B/s")
        self.speed_label.setObjectName("status_speed")
        self.counts_label = QLabel("")
        self.counts_label.setObjectName("status_counts")
        self.counts: dict[TaskState, int] = {}
        self.total_speed_bps = 0.0

        limit_box = QWidget()
        limit_layout = QHBoxLayout(limit_box)
        limit_layout.setContentsMargins(6, 2, 10, 2)
        limit_layout.setSpacing(4)
        self.limit_icon = QLabel()
        self.limit_icon.setPixmap(icon("speed", colors_for(self.palette()).muted).pixmap(16, 16))
        caption = QLabel(translate("StatusBar", "Limit"))
        self.limit_spin = QDoubleSpinBox()
        self.limit_spin.setObjectName("global_limit")
        self.limit_spin.setDecimals(1)
        self.limit_spin.setRange(0.0, 100_000.0)
        self.limit_spin.setSingleStep(1.0)
        self.limit_spin.setSuffix(translate("StatusBar", " MiB/s"))
        self.limit_spin.setSpecialValueText(translate("StatusBar", "Unlimited"))
        self.limit_spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.limit_spin.setFixedWidth(104)
        self.limit_spin.setKeyboardTracking(False)
        self.limit_spin.setToolTip(
            translate("StatusBar", "Bandwidth limit for all downloads (0: unlimited)")
        )
        self.limit_spin.setValue(ctx.suite.global_bucket.rate_bps / MIB)
        self.limit_spin.valueChanged.connect(self._limit_edited)
        limit_layout.addWidget(self.limit_icon)
        limit_layout.addWidget(caption)
        limit_layout.addWidget(self.limit_spin)
        presets = QMenu(self)
        for mib in PRESETS_MIB:
            action = presets.addAction(
                translate("StatusBar", "Unlimited")
                if mib == 0
                else translate("StatusBar", "{rate} MiB/s").format(rate=f"{mib:g}")
            )
            action.triggered.connect(lambda _=False, v=mib: self.set_limit_mib(v))
        self.presets_button = QToolButton()
        self.presets_button.setObjectName("limit_presets")
        self.presets_button.setText("▾")
        self.presets_button.setAutoRaise(True)
        self.presets_button.setToolTip(translate("StatusBar", "Common limits"))
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets_button.setMenu(presets)
        limit_layout.addWidget(self.presets_button)

        self.errors_button = QToolButton()
        self.errors_button.setObjectName("status_errors")
        self.errors_button.setAutoRaise(True)
        self.errors_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.errors_button.clicked.connect(self.errors_requested)
        self.error_count = -1
        self.show_error_count(0)
        self.addPermanentWidget(self.errors_button)
        self.addPermanentWidget(self.counts_label)
        self.addPermanentWidget(self.speed_label)
        self.addPermanentWidget(limit_box)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(save_delay_ms)
        self._save_timer.timeout.connect(self._save_limit)
        self._counting = False
        self._count_again = False
        ctx.global_limit_changed.connect(self._limit_changed_elsewhere)
        bridge = ctx.bridge
        bridge.progress_changed.connect(self.show_progress)
        bridge.counts_changed.connect(self.refresh_counts)
        self._idle = QTimer(self)
        self._idle.setInterval(1500)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: self._show_speed(0.0))
        self.refresh_counts()

    # --- speed and counts -------------------------------------------------------------

    def show_progress(self, batch: TasksProgressed) -> None:
        """Show a progress batch's total speed."""
        self._show_speed(batch.speed_bps)
        self._idle.start()  # no batch for a while: nothing runs any more

    def _show_speed(self, speed_bps: float) -> None:
        self.total_speed_bps = speed_bps
        self.speed_label.setText(f"↓ {format_rate(speed_bps)}")

    def refresh_counts(self) -> None:
        """Ask the database for the counts per state (one query at a time)."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True

        def done(counts: dict[TaskState, int]) -> None:
            self._counting = False
            self.counts = counts
            active = counts.get(TaskState.RUNNING, 0)
            queued = counts.get(TaskState.QUEUED, 0)
            paused = counts.get(TaskState.PAUSED, 0)
            parts = [
                translate("StatusBar", "{n} active").format(n=active),
                translate("StatusBar", "{n} queued").format(n=queued),
            ]
            if paused:
                parts.append(translate("StatusBar", "{n} paused").format(n=paused))
            failed = counts.get(TaskState.FAILED, 0)
            if failed:
                parts.append(translate("StatusBar", "{n} failed").format(n=failed))
            text = " · ".join(parts)
            self.counts_label.setText(text)
            self.counts_updated.emit(counts)
            if self._count_again:
                self._count_again = False
                self.refresh_counts()

        def failed(_: BaseException) -> None:
            self._counting = False

        self.ctx.run_async(self.ctx.manager.counts, done, failed)

    def show_error_count(self, count: int) -> None:
        """Show how many failures stand (0: a quiet "No errors")."""
        if count == self.error_count:
            return
        self.error_count = count
        colors = colors_for(self.palette())
        if count:
            self.errors_button.setText(
                translate("StatusBar", "⚠ 1 error")
                if count == 1
                else translate("StatusBar", "⚠ %n errors", None, count)
            )
            self.errors_button.setStyleSheet(f"color: {colors.danger}; font-weight: 600;")
        else:
            self.errors_button.setText(translate("StatusBar", "No errors"))
            self.errors_button.setStyleSheet(f"color: {colors.muted};")
        self.errors_button.setToolTip(
            translate("StatusBar", "Every failure, its cause and its fix ({keys})").format(
                keys=shortcuts.native_text("errors")
            )
        )

    def refresh_theme(self) -> None:
        """Repaint what carries theme colours."""
        count, self.error_count = self.error_count, -1
        self.show_error_count(count)
        self.limit_icon.setPixmap(icon("speed", colors_for(self.palette()).muted).pixmap(16, 16))

    # --- the limit --------------------------------------------------------------------

    def set_limit_mib(self, mib_per_s: float) -> None:
        """Set the limit as a person would (tests; 0: unlimited)."""
        self.limit_spin.setValue(mib_per_s)

    def _limit_edited(self, value: float) -> None:
        self.ctx.set_global_limit(round(value * MIB))
        self._save_timer.start()

    def _limit_changed_elsewhere(self, rate_bps: int) -> None:
        if round(self.limit_spin.value() * MIB) != rate_bps:
            self.limit_spin.blockSignals(True)
            self.limit_spin.setValue(rate_bps / MIB)
            self.limit_spin.blockSignals(False)

    def _save_limit(self) -> None:
        rate = self.ctx.suite.global_bucket.rate_bps
        suite = self.ctx.suite

        def work() -> None:
            suite.store.set("global_limit_bps", str(rate))
            suite.settings.global_limit_bps = rate

        self.ctx.run_async(work)
