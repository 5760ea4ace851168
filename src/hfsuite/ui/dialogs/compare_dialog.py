"""Compare two models side by side: two repositories, two revisions of one, or two local files.

```
┌ Compare models ──────────────────────────────────────────────────────────────────────┐
│ A [meta-llama/Llama-3.1-8B-Instruct      ] ⇄ B [meta-llama/Llama-3.2-3B-Instruct   ] [Compare] │
│ ┌ A ─────────────────────────┐ ┌ B ─────────────────────────┐                        │
│ │ Llama-3.1-8B-Instruct       │ │ Llama-3.2-3B-Instruct       │  license, commit,     │
│ │ 4 files · 16.1 GB · llama3.1│ │ 3 files · 6.4 GB · llama3.2 │  files, size, tags    │
│ [Files: 2 added · 3 removed · 4 changed · 3 same]  [config.json: 9 differences]       │
│ ┌ ± ┬ File ────────────────────────┬ A ──────┬ B ──────┐   [ ] Show unchanged files   │
│ │ + │ model-00001-of-00002…        │       — │ 4.97 GB │                              │
└──────────────────────────────────────────────────────────────────────────────────────┘
```

The comparison itself is :func:`hfsuite.app.compare.compare` (pure data, shared with
``hfsuite compare``), run off the UI thread. An error (an unknown repository, a path that does
not exist) is shown in the dialog, in the error's own words.

:func:`stage_for_screenshot` builds the dialog with a comparison loaded, for
``hfsuite gui --screenshot``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.compare import Change, ComparisonResult, Side, SideKind, compare
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.units import format_bytes
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.theme import ThemeColors, colors_for
from hfsuite.ui.waiting import wait_until
from hfsuite.ui.widgets._status import set_status

if TYPE_CHECKING:
    from hfsuite.ui.context import UiContext

translate = QCoreApplication.translate

MARK = {Change.ADDED: "+", Change.REMOVED: "−", Change.CHANGED: "~", Change.SAME: ""}
WORD = {  # English (tests compare them); shown through translate("CompareDialog", …)
    Change.ADDED: QT_TRANSLATE_NOOP("CompareDialog", "added"),
    Change.REMOVED: QT_TRANSLATE_NOOP("CompareDialog", "removed"),
    Change.CHANGED: QT_TRANSLATE_NOOP("CompareDialog", "changed"),
    Change.SAME: QT_TRANSLATE_NOOP("CompareDialog", "same"),
}


def _color(colors: ThemeColors, change: Change) -> str:
    return {
        Change.ADDED: colors.success,
        Change.REMOVED: colors.danger,
        Change.CHANGED: colors.warning,
        Change.SAME: colors.muted,
    }[change]


def _item(
    text: str, color: str | None = None, right: bool = False, tip: str = ""
) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if color:
        item.setForeground(QColor(color))
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    return item


def _size(value: int | None) -> str:
    return "—" if value is None else format_bytes(value)


def _table(parent: QWidget, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


class _SideCard(QFrame):
    """What one side is: its name, commit, license, files, size and tags."""

    def __init__(self, which: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.which = which
        self.title = QLabel(which, self)
        self.title.setObjectName("title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel(self)
        self.facts.setObjectName("muted")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)

    def show_side(self, side: Side, tags_only: tuple[str, ...], tag_color: str) -> None:
        self.title.setText(f"{self.which} · {side.title}")
        self.title.setToolTip(side.name)
        parts = []
        if side.kind is SideKind.REPO:
            commit = (side.commit or "—")[:10]
            parts.append(translate("CompareDialog", "commit {commit}").format(commit=commit))
            parts.append(
                translate("CompareDialog", "license {license}").format(license=side.license or "—")
            )
        elif side.format:
            parts.append(side.format)
        count = len(side.files)
        parts.append(
            translate("CompareDialog", "1 file")
            if count == 1
            else translate("CompareDialog", "%n files", None, count)
        )
        parts.append(format_bytes(side.total_size))
        text = " · ".join(parts)
        if side.tags:
            shown = [
                f'<span style="color:{tag_color}">{t}</span>' if t in tags_only else t
                for t in side.tags[:14]
            ]
            more = f" +{len(side.tags) - 14}" if len(side.tags) > 14 else ""
            text += "<br>" + translate("CompareDialog", "tags: {tags}").format(
                tags=", ".join(shown) + more
            )
        self.facts.setText(text)


class CompareDialog(QDialog):
    """Two models side by side: files by path, config (or header) differences, tags, size.

    Args:
        ctx: The UI context (the suite for the comparison, ``run_async``).
        a: What to put in A (a repository, ``org/name@rev`` or a local path).
        b: What to put in B (``@rev`` alone: A's repository at that revision).
        parent: The parent widget.
        start: Compare at once when both are given.
    """

    #: A comparison arrived (its ComparisonResult).
    compared = Signal(object)
    #: A comparison failed (the error).
    failed = Signal(object)

    def __init__(
        self,
        ctx: UiContext,
        a: str = "",
        b: str = "",
        parent: QWidget | None = None,
        *,
        start: bool = True,
        comparer: Callable[[str, str], ComparisonResult] | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.comparison: ComparisonResult | None = None
        self._busy = False
        suite = ctx.suite
        self._compare = comparer or (lambda x, y: compare(suite, x, y))
        self.setWindowTitle(translate("CompareDialog", "Compare models"))
        self.setObjectName("compare_dialog")
        self.resize(1100, 720)

        self.a_edit = QLineEdit(a, self)
        self.b_edit = QLineEdit(b, self)
        for edit, what in ((self.a_edit, "A"), (self.b_edit, "B")):
            edit.setPlaceholderText(
                translate(
                    "CompareDialog", "{side}: org/name, org/name@revision or a local path"
                ).format(side=what)
            )
            edit.returnPressed.connect(self.run)
        self.swap_button = QPushButton("⇄", self)
        self.swap_button.setToolTip(translate("CompareDialog", "Swap A and B"))
        self.swap_button.clicked.connect(self.swap)
        self.compare_button = QPushButton(translate("CompareDialog", "Compare"), self)
        self.compare_button.setObjectName("primary")
        self.compare_button.clicked.connect(self.run)
        self.swap_button.setAutoDefault(False)
        self.compare_button.setDefault(True)
        inputs = QHBoxLayout()
        inputs.addWidget(QLabel("A", self))
        inputs.addWidget(self.a_edit, 1)
        inputs.addWidget(self.swap_button)
        inputs.addWidget(QLabel("B", self))
        inputs.addWidget(self.b_edit, 1)
        inputs.addWidget(self.compare_button)

        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.card_a = _SideCard("A", self)
        self.card_b = _SideCard("B", self)
        cards = QGridLayout()
        cards.setSpacing(10)
        cards.addWidget(self.card_a, 0, 0)
        cards.addWidget(self.card_b, 0, 1)
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)

        self.files_table = _table(
            self,
            [
                "",
                translate("CompareDialog", "File"),
                "A",
                "B",
                translate("CompareDialog", "Change"),
            ],
        )
        header = self.files_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 28)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, 100)
        self.show_same = QCheckBox(translate("CompareDialog", "Show unchanged files"), self)
        self.show_same.toggled.connect(self._fill_files)
        files_page = QWidget(self)
        files_layout = QVBoxLayout(files_page)
        files_layout.setContentsMargins(0, 8, 0, 0)
        files_layout.addWidget(self.files_table, 1)
        files_layout.addWidget(self.show_same)

        self.config_table = _table(self, ["", translate("CompareDialog", "Key"), "A", "B"])
        header = self.config_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 28)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 300)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.config_note = QLabel(self)
        self.config_note.setObjectName("muted")
        self.config_note.setWordWrap(True)
        config_page = QWidget(self)
        config_layout = QVBoxLayout(config_page)
        config_layout.setContentsMargins(0, 8, 0, 0)
        config_layout.addWidget(self.config_table, 1)
        config_layout.addWidget(self.config_note)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(files_page, translate("CompareDialog", "Files"))
        self.tabs.addTab(config_page, translate("CompareDialog", "Config"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 16)
        layout.setSpacing(10)
        layout.addLayout(inputs)
        layout.addWidget(self.status_label)
        layout.addLayout(cards)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        self.card_a.hide()
        self.card_b.hide()
        if start and a.strip() and b.strip():
            self.run()

    # --- running ------------------------------------------------------------------------------
    def is_ready(self) -> bool:
        """Whether no comparison is under way."""
        return not self._busy

    def swap(self) -> None:
        """Swap A and B (and compare again when a comparison is shown)."""
        a, b = self.a_edit.text(), self.b_edit.text()
        if b.strip().startswith("@"):
            return  # "@rev" names A's repository: swapping would lose it
        self.a_edit.setText(b)
        self.b_edit.setText(a)
        if self.comparison is not None:
            self.run()

    def run(self) -> None:
        """Compare what A and B name, off the UI thread."""
        a, b = self.a_edit.text().strip(), self.b_edit.text().strip()
        if not a or not b:
            set_status(self.status_label, "error", translate("CompareDialog", "Give both A and B."))
            return
        if self._busy:
            return
        self._busy = True
        self.compare_button.setEnabled(False)
        comparing = translate("CompareDialog", "Comparing {a} with {b}…").format(a=a, b=b)
        set_status(self.status_label, "busy", comparing)
        work = self._compare  # the worker holds no reference to the dialog
        self.ctx.run_async(lambda: work(a, b), self._done, self._error)

    def _error(self, error: BaseException) -> None:
        self._busy = False
        self.compare_button.setEnabled(True)
        if isinstance(error, HfSuiteError):
            text = error.message + (f" {error.hint}" if error.hint else "")
        else:
            text = translate("CompareDialog", "The comparison failed: {error}").format(error=error)
            self.ctx.show_error(error)
        set_status(self.status_label, "error", text)
        self.failed.emit(error)

    def _done(self, result: ComparisonResult) -> None:
        self._busy = False
        self.compare_button.setEnabled(True)
        self.comparison = result
        notes = " ".join(result.notes)
        set_status(self.status_label, "note" if notes else "none", notes)
        colors = colors_for(self.palette())
        self.card_a.show_side(result.a, result.tags_removed, colors.danger)
        self.card_b.show_side(result.b, result.tags_added, colors.success)
        self.card_a.show()
        self.card_b.show()
        self._summary(colors)
        self._fill_files()
        self._fill_config()
        self.compared.emit(result)

    # --- showing ------------------------------------------------------------------------------
    def _summary(self, colors: ThemeColors) -> None:
        result = self.comparison
        if result is None:
            return
        counts = []
        for change in (Change.ADDED, Change.REMOVED, Change.CHANGED, Change.SAME):
            n = result.count(change)
            color = _color(colors, change) if n and change is not Change.SAME else colors.muted
            word = translate("CompareDialog", WORD[change])
            counts.append(f'<span style="color:{color}"><b>{n}</b> {word}</span>')
        delta = result.size_delta
        bigger = format_bytes(abs(delta))
        if delta == 0:
            size = translate("CompareDialog", "same total size")
        elif delta > 0:
            size = translate("CompareDialog", "B is {size} larger").format(size=bigger)
        else:
            size = translate("CompareDialog", "B is {size} smaller").format(size=bigger)
        verdict = (
            " — <b>" + translate("CompareDialog", "A and B are the same.") + "</b>"
            if result.identical
            else ""
        )
        files = translate("CompareDialog", "Files: {counts}").format(counts=" · ".join(counts))
        self.summary_label.setText(f"{files} · {size}{verdict}")
        self.tabs.setTabText(
            0, translate("CompareDialog", "Files ({count})").format(count=len(result.differences))
        )
        config_tab = (
            translate("CompareDialog", "Header ({count})")
            if result.a.config_name == "header"
            else translate("CompareDialog", "Config ({count})")
        )
        self.tabs.setTabText(1, config_tab.format(count=len(result.config)))

    def _fill_files(self) -> None:
        result = self.comparison
        if result is None:
            return
        colors = colors_for(self.palette())
        rows = result.files if self.show_same.isChecked() else result.differences
        self.files_table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            color = _color(colors, f.change)
            cells = (
                _item(MARK[f.change], color),
                _item(f.path, None if f.change is not Change.SAME else colors.muted, tip=f.path),
                _item(_size(f.size_a), right=True),
                _item(_size(f.size_b), right=True),
                _item(translate("CompareDialog", WORD[f.change]), color),
            )
            for c, cell in enumerate(cells):
                self.files_table.setItem(r, c, cell)

    def _fill_config(self) -> None:
        result = self.comparison
        if result is None:
            return
        colors = colors_for(self.palette())
        self.config_table.setRowCount(len(result.config))
        for r, v in enumerate(result.config):
            color = _color(colors, v.change)
            cells = (
                _item(MARK[v.change], color),
                _item(v.key, tip=v.key),
                _item(v.a if v.a is not None else "—", tip=v.a or ""),
                _item(v.b if v.b is not None else "—", color, tip=v.b or ""),
            )
            for c, cell in enumerate(cells):
                self.config_table.setItem(r, c, cell)
        a, b = result.a.config_name, result.b.config_name
        if not a and not b:
            note = translate("CompareDialog", "Neither side has a config.json.")
        elif not result.config:
            note = (
                translate("CompareDialog", "No differences in the headers.")
                if a == "header"
                else translate("CompareDialog", "No differences in {name}.").format(name=a or b)
            )
        else:
            note = ""
        self.config_note.setText(note)
        self.config_note.setVisible(bool(note))

    def rows(self, table: str = "files") -> list[tuple[str, ...]]:
        """The rows a table shows, as text (for tests and screenshots)."""
        view = self.files_table if table == "files" else self.config_table
        found = []
        for r in range(view.rowCount()):
            cells = (view.item(r, c) for c in range(view.columnCount()))
            found.append(tuple(cell.text() if cell is not None else "" for cell in cells))
        return found


def stage_for_screenshot(ctx: UiContext, options: Any) -> QWidget:
    """The dialog with a comparison loaded, sized for ``hfsuite gui --screenshot``.

    A and B come from ``options.select`` (the first two patterns), else from
    ``options.open_repo`` (A) and ``options.search`` (B).
    """
    select = tuple(getattr(options, "select", ()) or ())
    if len(select) >= 2:
        a, b = select[0], select[1]
    else:
        a, b = getattr(options, "open_repo", None) or "", getattr(options, "search", None) or ""
    dialog = CompareDialog(ctx, a, b)
    dialog.resize(*getattr(options, "size", (1280, 800)))
    wait_until(dialog.is_ready, float(getattr(options, "timeout_s", 20.0)))
    return dialog
