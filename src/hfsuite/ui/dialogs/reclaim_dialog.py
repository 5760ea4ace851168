"""Reclaim the space of duplicate files: the plan as a dry run, a confirmation, then the result.

```
┌ Reclaim duplicate space ───────────────────────────────────────────────────┐
│ Dry run — nothing has changed yet. Hard links: 3 actions free 4.2 GiB.      │
│ ┌ Action ────┬ Duplicate ─────────────────┬ Kept copy ──────────┬ Frees ┐  │
│ │ hard link  │ ~/ComfyUI/models/vae/x.sft │ ~/A1111/models/…    │ 335 M │  │
│ │ leave      │ ~/.cache/…/blobs/…  (reason as a tooltip and in the cell)   │  │
│ └───────────────────────────────────────────────────────────────────────┘  │
│                                        [Cancel]  [Reclaim 4.2 GiB]        │
└────────────────────────────────────────────────────────────────────────────┘
```

The dialog only shows and asks; the Local models tab carries the plan out off the UI thread
when :attr:`ReclaimDialog.confirmed` fires and hands the outcome back with
:meth:`ReclaimDialog.show_result` (every action's outcome, the bytes freed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hfsuite.core.units import format_bytes
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets._status import set_status
from hfsuite.ui.widgets.path_selector import contract_home

if TYPE_CHECKING:
    from hfsuite.app.library.dupes import ReclaimPlan, ReclaimResult

translate = QCoreApplication.translate

# English (code uses the values); shown through translate("ReclaimDialog", …).
MODE_TEXT = {
    "hardlink": QT_TRANSLATE_NOOP("ReclaimDialog", "hard link"),
    "symlink": QT_TRANSLATE_NOOP("ReclaimDialog", "symbolic link"),
    "delete": QT_TRANSLATE_NOOP("ReclaimDialog", "delete"),
}
MODE_TITLE = {
    "hardlink": QT_TRANSLATE_NOOP("ReclaimDialog", "Hard links"),
    "symlink": QT_TRANSLATE_NOOP("ReclaimDialog", "Symbolic links"),
    "delete": QT_TRANSLATE_NOOP("ReclaimDialog", "Delete"),
}
MODE_PLURAL = {
    "hardlink": QT_TRANSLATE_NOOP("ReclaimDialog", "hard links"),
    "symlink": QT_TRANSLATE_NOOP("ReclaimDialog", "symbolic links"),
    "delete": QT_TRANSLATE_NOOP("ReclaimDialog", "deletes"),
}
_OUTCOMES = (
    QT_TRANSLATE_NOOP("ReclaimDialog", "done"),
    QT_TRANSLATE_NOOP("ReclaimDialog", "skipped"),
    QT_TRANSLATE_NOOP("ReclaimDialog", "failed"),
)


def _item(text: str, tooltip: str = "", color: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        item.setToolTip(tooltip)
    if color:
        item.setForeground(QColor(color))
    return item


class ReclaimDialog(QDialog):
    """The plan of a reclaim, a confirmation, then what happened.

    Args:
        plan: The reclaim plan (its actions and refusals).
        parent: The parent widget.
    """

    #: The user confirmed: carry the plan out (the tab does, then calls show_result).
    confirmed = Signal(object)

    def __init__(self, plan: ReclaimPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.plan = plan
        self.result_shown: ReclaimResult | None = None
        self.setWindowTitle(translate("ReclaimDialog", "Reclaim duplicate space"))
        self.setObjectName("reclaim_dialog")
        self.resize(920, 460)
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setObjectName("reclaim_headline")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [
                translate("ReclaimDialog", "Action"),
                translate("ReclaimDialog", "Duplicate"),
                translate("ReclaimDialog", "Kept copy"),
                translate("ReclaimDialog", "Frees"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.cancel_button = QPushButton(translate("ReclaimDialog", "Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button = QPushButton(self)
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self._confirm)
        # Enter does not reclaim: only a click (or Space on the focused button) does.
        for button in (self.cancel_button, self.confirm_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._show_plan()

    # --- the dry run ----------------------------------------------------------------------
    def _show_plan(self) -> None:
        plan = self.plan
        mode = plan.mode.value
        colors = colors_for(self.palette())
        count = len(plan.actions)
        if count:
            text = (
                translate(
                    "ReclaimDialog",
                    "<b>Dry run — nothing has changed yet.</b> {mode}: 1 action free "
                    "<b>{size}</b>. Check the list, then confirm.",
                )
                if count == 1
                else translate(
                    "ReclaimDialog",
                    "<b>Dry run — nothing has changed yet.</b> {mode}: {count} actions free "
                    "<b>{size}</b>. Check the list, then confirm.",
                )
            )
            self.headline.setText(
                text.format(
                    mode=translate("ReclaimDialog", MODE_TITLE[mode]),
                    count=count,
                    size=format_bytes(plan.bytes_to_free),
                )
            )
        else:
            self.headline.setText(
                translate(
                    "ReclaimDialog",
                    "<b>Nothing to reclaim</b> with {modes}: every duplicate is left "
                    "alone (reasons below).",
                ).format(modes=translate("ReclaimDialog", MODE_PLURAL[mode]))
            )
        rows: list[tuple[QTableWidgetItem, ...]] = []
        for action in plan.actions:
            keep = "" if mode == "delete" else contract_home(action.keep)
            rows.append(
                (
                    _item(translate("ReclaimDialog", MODE_TEXT[mode]), action.describe()),
                    _item(contract_home(action.path), action.path),
                    _item(keep, action.keep),
                    _item(format_bytes(action.frees_bytes) if action.frees_bytes else "—"),
                )
            )
        for refusal in plan.refused:
            rows.append(
                (
                    _item(translate("ReclaimDialog", "leave"), refusal.reason, colors.muted),
                    _item(contract_home(refusal.path), f"{refusal.path}\n{refusal.reason}"),
                    _item(refusal.reason, refusal.reason, colors.muted),
                    _item("—", color=colors.muted),
                )
            )
        self._fill(rows)
        self.confirm_button.setText(
            translate("ReclaimDialog", "Reclaim {size}").format(
                size=format_bytes(plan.bytes_to_free)
            )
            if count
            else translate("ReclaimDialog", "Reclaim")
        )
        self.confirm_button.setEnabled(bool(count))
        if mode == "delete" and count:
            self.confirm_button.setToolTip(
                translate("ReclaimDialog", "Deletes the duplicates; one copy of each is kept")
            )

    def _fill(self, rows: list[tuple[QTableWidgetItem, ...]]) -> None:
        self.table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, item in enumerate(cells):
                if c == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)

    def _confirm(self) -> None:
        self.confirm_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        set_status(self.status_label, "busy", translate("ReclaimDialog", "Reclaiming…"))
        self.confirmed.emit(self.plan)

    # --- the result -----------------------------------------------------------------------
    def show_result(self, run: ReclaimResult) -> None:
        """Show every action's outcome and the bytes freed; the dialog then only closes."""
        self.result_shown = run
        colors = colors_for(self.palette())
        color = {"done": colors.success, "skipped": colors.warning, "failed": colors.danger}
        report = run.report
        rows: list[tuple[QTableWidgetItem, ...]] = []
        for entry in run.entries:
            a = entry.action
            outcome = entry.outcome.value
            keep = "" if a.mode.value == "delete" else contract_home(a.keep)
            freed = a.frees_bytes if outcome == "done" else 0
            rows.append(
                (
                    _item(
                        translate("ReclaimDialog", outcome), entry.reason or "", color.get(outcome)
                    ),
                    _item(contract_home(a.path), a.path),
                    _item(entry.reason or keep, entry.reason or a.keep),
                    _item(format_bytes(freed) if freed else "—"),
                )
            )
        self._fill(rows)
        summary = translate(
            "ReclaimDialog",
            "<b>Reclaimed {size}</b>: {done} done, {skipped} skipped, {failed} failed.",
        ).format(
            size=format_bytes(report.freed_bytes),
            done=report.done,
            skipped=report.skipped,
            failed=report.failed,
        )
        if run.stale_temps:
            summary += " " + translate(
                "ReclaimDialog", "Removed {n} leftovers of an interrupted reclaim."
            ).format(n=len(run.stale_temps))
        self.headline.setText(summary)
        if report.failed:
            set_status(
                self.status_label, "error", translate("ReclaimDialog", "Some actions failed.")
            )
        else:
            set_status(self.status_label, "ok", translate("ReclaimDialog", "Done."))
        self.confirm_button.hide()
        self.cancel_button.setText(translate("ReclaimDialog", "Close"))
        self.cancel_button.setEnabled(True)

    def show_error(self, message: str) -> None:
        """The reclaim could not run: say why; nothing more to confirm."""
        set_status(self.status_label, "error", message)
        self.cancel_button.setText(translate("ReclaimDialog", "Close"))
        self.cancel_button.setEnabled(True)
