"""The ComfyUI tab: drop a workflow or an image, see every model it needs, download the missing.

```
[Open…] [Paste JSON]   ComfyUI: [ComfyUI (~/ComfyUI) ▾] [Folder…]   [Check again] [Download missing]
workflow.json — 14 references · 9 present · 3 to download · 1 not found · 1 refused
┌ Node │ Folder │ File │ Status │ Source │ Confidence │ Size │ Where ┐┌ details ─────────────┐
│ a QTableView over ComfyRefsModel (the active references)          ││ the reference, where │
│                                                                   ││ it resolved, the     │
└───────────────────────────────────────────────────────────────────┘│ other candidates     │
(Inactive nodes: 2)  a second table of the muted / bypassed ones     └──────────────────────┘
```

Checking (read the file, look in the install's folders and the library, resolve the missing
ones — up to a few Hub searches) runs off the UI thread through
:func:`hfsuite.app.comfyui_missing.check_missing`, the same call as ``hfsuite comfyui missing``.
"Download missing" runs :func:`hfsuite.app.comfyui_fetch.run_fetch` (``hfsuite comfyui
fetch``) in the background: each file is a download task (also shown in the Downloads tab);
the rows follow their download and the workflow is checked again at the end, so every row that
got its file turns "present".
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.comfyui_fetch import FetchStep, plan_fetch, run_fetch
from hfsuite.app.comfyui_missing import MissingReport, check_missing
from hfsuite.app.tools import DetectedTool, ToolRegistry
from hfsuite.core.errors import OperationCancelled
from hfsuite.core.events import Event, TransferProgressed
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.comfyui_model import (
    ROW_ROLE,
    ComfyRefsModel,
    RefColumn,
    RefRow,
    build_rows,
    make_row,
)
from hfsuite.ui.widgets.actions import tab_actions
from hfsuite.ui.widgets.table_setup import setup_table

if TYPE_CHECKING:
    from hfsuite.app.comfyui_missing import Candidate
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

translate = QCoreApplication.translate

SHORTCUTS = {
    "open": "Ctrl+O",
    "paste": "Ctrl+Shift+J",
    "check": "F5",
    "download": "Ctrl+Return",
    "copy_name": "Ctrl+Shift+C",
    "open_folder": "Ctrl+Shift+O",
    "cancel": "Esc",
}
#: Files the Open dialog offers (workflows, and the media ComfyUI writes its workflow into).
FILE_FILTER = QT_TRANSLATE_NOOP(
    "ComfyUITab",
    "Workflows and images (*.json *.png *.webp *.jpg *.jpeg *.flac *.mp4 *.webm *.mov *.txt);;"
    "All files (*)",
)
PROGRESS_INTERVAL_MS = 250


class _FetchRelay(QObject):
    """Carries ``run_fetch``'s per-step callbacks from its worker thread to the UI thread."""

    step_done = Signal(object)


class ComfyUITab(QWidget):
    """Workflows and the models they need (see the module docstring).

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: A check finished (its MissingReport).
    checked = Signal(object)
    #: "Download missing" finished (the steps, each with its result).
    fetched = Signal(object)
    #: The ComfyUI installs were detected (how many).
    installs_loaded = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.file: Path | None = None
        self.report: MissingReport | None = None
        self.installs: list[DetectedTool] = []
        self.fetching = False
        self.checking = False
        self._ready = False
        self._seq = 0
        self._pasted: Path | None = None
        #: Asks the user to confirm a download (text) -> yes/no; tests replace it.
        self.confirm = self._confirm_dialog
        self._lock = threading.Lock()
        self._progress: tuple[str, int, int] | None = None  # (step key, done, total)
        self._steps: list[FetchStep] = []
        self._step_index = 0
        self._cancel = threading.Event()
        self._relay = _FetchRelay(self)
        self._relay.step_done.connect(self._step_done)
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_INTERVAL_MS)
        self._timer.timeout.connect(self._show_progress)

        self.model = ComfyRefsModel(self)
        self.inactive_model = ComfyRefsModel(self)
        self._build_top()
        self._build_tables()
        self._build_details()
        self._build_actions()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.drop_hint, 1)
        left_layout.addWidget(self.table, 3)
        left_layout.addWidget(self.inactive_button)
        left_layout.addWidget(self.inactive_table)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([960, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(self._top_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.splitter, 1)
        self.setAcceptDrops(True)
        self._show_empty(True)
        self._update_buttons()
        QTimer.singleShot(0, self.detect_installs)

    # --- building -------------------------------------------------------------------------
    def _build_top(self) -> None:
        self.open_button = QPushButton(translate("ComfyUITab", "Open…"), self)
        self.open_button.setToolTip(
            translate(
                "ComfyUITab", "Open a workflow (.json) or an image/video ComfyUI made ({keys})"
            ).format(keys=SHORTCUTS["open"])
        )
        self.open_button.clicked.connect(self.open_dialog)
        self.paste_button = QPushButton(translate("ComfyUITab", "Paste JSON"), self)
        self.paste_button.setToolTip(
            translate("ComfyUITab", "Check the workflow JSON the clipboard holds ({keys})").format(
                keys=SHORTCUTS["paste"]
            )
        )
        self.paste_button.clicked.connect(self.paste)
        self.install_combo = QComboBox(self)
        self.install_combo.setMinimumWidth(260)
        self.install_combo.setToolTip(
            translate("ComfyUITab", "The ComfyUI install whose model folders are checked")
        )
        self.install_combo.currentIndexChanged.connect(lambda _i: self._install_changed())
        self.folder_button = QPushButton(translate("ComfyUITab", "Folder…"), self)
        self.folder_button.setToolTip(translate("ComfyUITab", "Use another ComfyUI install folder"))
        self.folder_button.clicked.connect(self.choose_install_folder)
        self.check_button = QPushButton(translate("ComfyUITab", "Check again"), self)
        self.check_button.setToolTip(
            translate(
                "ComfyUITab", "Look for the models again and resolve the missing ones ({keys})"
            ).format(keys=SHORTCUTS["check"])
        )
        self.check_button.clicked.connect(lambda: self.check())
        self.download_button = QPushButton(translate("ComfyUITab", "Download missing"), self)
        self.download_button.setObjectName("primary")
        self.download_button.setToolTip(
            translate(
                "ComfyUITab",
                "Download every missing model that was found, into the folder ComfyUI loads it "
                "from ({keys})",
            ).format(keys=SHORTCUTS["download"])
        )
        self.download_button.clicked.connect(self.download_missing)
        self.cancel_button = QPushButton(translate("ComfyUITab", "Cancel"), self)
        self.cancel_button.setToolTip(
            translate(
                "ComfyUITab",
                "Stop downloading: the file being downloaded keeps its partial data, the others "
                "stay missing (Esc)",
            )
        )
        self.cancel_button.clicked.connect(self.cancel_fetch)
        self.cancel_button.hide()
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.open_button)
        row.addWidget(self.paste_button)
        row.addSpacing(12)
        row.addWidget(QLabel(translate("ComfyUITab", "ComfyUI:"), self))
        row.addWidget(self.install_combo, 1)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        row.addWidget(self.check_button)
        row.addWidget(self.download_button)
        row.addWidget(self.cancel_button)
        self._top_row = row
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("comfyui_summary")
        self.summary_label.setWordWrap(True)
        # two lines, always: a summary that grows or shrinks would lay out (and repaint) the
        # whole tab on every check
        lines = self.summary_label.fontMetrics().lineSpacing()
        self.summary_label.setFixedHeight(2 * lines + 4)
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def _build_tables(self) -> None:
        widths = {
            RefColumn.NODE: 165,
            RefColumn.FOLDER: 112,
            RefColumn.STATUS: 138,
            RefColumn.SOURCE: 165,
            RefColumn.CONFIDENCE: 96,
            RefColumn.SIZE: 72,
            RefColumn.WHERE: 260,
        }
        self.table = QTableView(self)
        self.table.setObjectName("comfyui_refs")
        self.table.setModel(self.model)
        setup_table(self.table, stretch=RefColumn.FILE, widths=widths, row_height=28,
                    alternating_rows=True)  # fmt: skip
        self.table.setColumnHidden(RefColumn.WHERE, True)  # the details pane says where
        self.table.customContextMenuRequested.connect(
            lambda pos: self._context_menu(self.table, pos)
        )
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_details(self.model.row_at(current))
        )
        self.inactive_table = QTableView(self)
        self.inactive_table.setObjectName("comfyui_inactive")
        self.inactive_table.setModel(self.inactive_model)
        setup_table(self.inactive_table, stretch=RefColumn.FILE, widths=widths, row_height=26)
        self.inactive_table.setColumnHidden(RefColumn.WHERE, True)
        for column in (RefColumn.SOURCE, RefColumn.CONFIDENCE, RefColumn.SIZE):
            self.inactive_table.setColumnHidden(column, True)  # never resolved
        self.inactive_table.customContextMenuRequested.connect(
            lambda pos: self._context_menu(self.inactive_table, pos)
        )
        self.inactive_table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_details(self.inactive_model.row_at(current))
        )
        self.inactive_button = QPushButton(self)
        self.inactive_button.setObjectName("chip")
        self.inactive_button.setCheckable(True)
        self.inactive_button.setChecked(True)
        self.inactive_button.setToolTip(
            translate(
                "ComfyUITab",
                "References of muted or bypassed nodes: ComfyUI does not load them, so they are "
                "not checked",
            )
        )
        self.inactive_button.toggled.connect(self.inactive_table.setVisible)
        self.drop_hint = QLabel(
            translate(
                "ComfyUITab",
                "Drop a ComfyUI workflow (.json) or an image or video ComfyUI made here,\n"
                "open one, or paste workflow JSON.\n\n"
                "Every model it loads is looked for in the ComfyUI install chosen above;\n"
                "the missing ones are found (the workflow's own links, the known-models index,\n"
                "your downloads and library, a Hub search) and downloaded into the right folder.",
            ),
            self,
        )
        self.drop_hint.setObjectName("drop_hint")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setStyleSheet("QLabel#drop_hint { border: 2px dashed palette(mid); "
                                     "border-radius: 8px; padding: 24px; }")  # fmt: skip

    def _build_details(self) -> None:
        self.details_panel = QWidget(self)
        layout = QVBoxLayout(self.details_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.details = QTextBrowser(self.details_panel)
        self.details.setObjectName("comfyui_details")
        self.details.setOpenExternalLinks(False)
        self.candidates = QListWidget(self.details_panel)
        self.candidates.setObjectName("comfyui_candidates")
        self.candidates.setToolTip(
            translate("ComfyUITab", "Other places this file was found, best first")
        )
        self.use_button = QPushButton(translate("ComfyUITab", "Use this one"), self.details_panel)
        self.use_button.setToolTip(
            translate("ComfyUITab", "Download the selected candidate instead")
        )
        self.use_button.clicked.connect(self.use_selected_candidate)
        self.candidates_label = QLabel(
            translate("ComfyUITab", "Other candidates"), self.details_panel
        )
        layout.addWidget(self.details, 3)
        layout.addWidget(self.candidates_label)
        layout.addWidget(self.candidates, 2)
        layout.addWidget(self.use_button)
        self._show_details(None)

    def _build_actions(self) -> None:
        entries: list[tuple[str, str, Callable[..., Any]]] = [
            ("open", translate("ComfyUITab", "Open workflow…"), self.open_dialog),
            ("paste", translate("ComfyUITab", "Paste workflow JSON"), self.paste),
            ("check", translate("ComfyUITab", "Check again"), lambda: self.check()),
            ("download", translate("ComfyUITab", "Download missing"), self.download_missing),
            ("copy_name", translate("ComfyUITab", "Copy file name"), self.copy_name),
            ("open_folder", translate("ComfyUITab", "Open folder"), self.open_folder),
            ("cancel", translate("ComfyUITab", "Cancel the downloads"), self.cancel_fetch),
        ]
        self.actions_by_name = tab_actions(self, SHORTCUTS, entries)

    # --- hooks for the main window --------------------------------------------------------
    def tab_shown(self) -> None:
        """Nothing goes stale by itself; "Check again" looks again."""

    def focus_search(self) -> bool:
        """No search field: Ctrl+F searches in Browse."""
        return False

    def is_ready(self) -> bool:
        """The installs are known, and the workflow (if any) has been checked."""
        return self._ready and not self.checking

    def refresh_icons(self) -> None:
        """Status colours follow the theme."""
        self.model.refresh_colors()
        self.inactive_model.refresh_colors()

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """``--open FILE`` checks that workflow (against the install found, or
        ``--search PATH``: an install folder)."""
        if options.search or options.open_repo:
            wait(lambda: self._ready)
        if options.search:
            self.add_install_folder(Path(options.search))
        if options.open_repo:
            self.open_file(Path(options.open_repo))
            wait(lambda: not self.checking)
        states = self.model.states()
        if states:
            self.table.selectRow(states.index("resolved") if "resolved" in states else 0)

    # --- installs -------------------------------------------------------------------------
    def detect_installs(self) -> None:
        """Find the ComfyUI installs (off the UI thread) and fill the combo."""
        store_dir = self.ctx.suite.store.path.parent

        def detect() -> list[DetectedTool]:
            return [t for t in ToolRegistry(store_dir).detect().tools if t.kind == "comfyui"]

        self.ctx.run_async(detect, self._installs_found, self._installs_failed)

    def _installs_found(self, tools: list[DetectedTool]) -> None:
        current = self.install_combo.currentData()
        self.installs = tools
        self.install_combo.blockSignals(True)
        self.install_combo.clear()
        for tool in tools:
            version = f" {tool.version}" if tool.version else ""
            label = f"ComfyUI{version} — {_home_short(tool.root)}  ({tool.name})"
            self.install_combo.addItem(label, str(tool.root))
        if not tools:
            self.install_combo.addItem(
                translate("ComfyUITab", "No ComfyUI found — choose its folder"), None
            )
        index = self.install_combo.findData(current) if current else -1
        self.install_combo.setCurrentIndex(max(0, index))
        self.install_combo.blockSignals(False)
        self._ready = True
        self._update_buttons()
        self.installs_loaded.emit(len(tools))

    def _installs_failed(self, error: BaseException) -> None:
        self._installs_found([])
        self.ctx.show_error(error)

    def add_install_folder(self, folder: Path) -> None:
        """Check against the install in ``folder`` (added to the combo and chosen)."""
        value = str(Path(os.path.abspath(folder.expanduser())))
        index = self.install_combo.findData(value)
        if index < 0:
            if self.install_combo.count() == 1 and self.install_combo.itemData(0) is None:
                self.install_combo.removeItem(0)
            self.install_combo.addItem(_home_short(Path(value)), value)
            index = self.install_combo.count() - 1
        self.install_combo.setCurrentIndex(index)  # checks again through _install_changed

    def choose_install_folder(self) -> None:
        """Ask for a ComfyUI folder."""
        folder = QFileDialog.getExistingDirectory(
            self, translate("ComfyUITab", "ComfyUI install folder")
        )
        if folder:
            self.add_install_folder(Path(folder))

    def _install_changed(self) -> None:
        if self.file is not None and not self.fetching:
            self.check()
        self._update_buttons()

    @property
    def install(self) -> str | None:
        """The install folder chosen (None: let the app pick the only one known)."""
        value = self.install_combo.currentData()
        return str(value) if value else None

    # --- the workflow ---------------------------------------------------------------------
    def open_dialog(self) -> None:
        """Ask for a workflow or image file and check it."""
        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("ComfyUITab", "Open a ComfyUI workflow"),
            "",
            translate("ComfyUITab", FILE_FILTER),
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """Check the workflow (or image, video, audio) at ``path``."""
        self.file = path
        self.check()

    def paste(self) -> None:
        """Check the workflow JSON the clipboard holds (written to a temporary file)."""
        text = QGuiApplication.clipboard().text().strip()
        try:
            json.loads(text)
        except ValueError:
            self.ctx.notifier(translate("ComfyUITab", "The clipboard holds no workflow JSON."))
            return
        self._forget_pasted()
        fd, name = tempfile.mkstemp(prefix="hfsuite-pasted-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        self._pasted = Path(name)
        self.open_file(self._pasted)

    def _forget_pasted(self) -> None:
        if self._pasted is not None:
            self._pasted.unlink(missing_ok=True)
            self._pasted = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept one local file."""
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Check the dropped file."""
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if not urls:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_file(Path(urls[0].toLocalFile()))

    def check(self) -> None:
        """Check the workflow against the chosen install (off the UI thread)."""
        if self.file is None or self.fetching:
            return
        self._seq += 1
        seq, file, install, suite = self._seq, self.file, self.install, self.ctx.suite
        self.checking = True
        self.summary_label.setText(
            translate("ComfyUITab", "Checking {name}…").format(name=file.name)
        )
        self._update_buttons()

        def work() -> tuple[MissingReport, list[RefRow], list[RefRow]]:
            report = check_missing(suite, file, install)
            return (report, *build_rows(report))

        def done(result: tuple[MissingReport, list[RefRow], list[RefRow]]) -> None:
            if seq == self._seq:
                self._checked(*result)

        def failed(error: BaseException) -> None:
            if seq != self._seq:
                return
            self.checking = False
            self.report = None
            self.model.set_rows([])
            self.inactive_model.set_rows([])
            self._show_empty(True)
            self.summary_label.setText(f"{file.name}: {getattr(error, 'message', error)}")
            self._update_buttons()
            self.ctx.show_error(error)

        self.ctx.run_async(work, done, failed)

    def _checked(self, report: MissingReport, active: list[RefRow], inactive: list[RefRow]) -> None:
        self.checking = False
        self.report = report
        self.model.set_rows(active)
        self.inactive_model.set_rows(inactive)
        self._show_empty(False)
        self.inactive_button.setText(
            translate("ComfyUITab", "Inactive nodes (muted or bypassed): {n}").format(
                n=len(inactive)
            )
            if inactive
            else translate("ComfyUITab", "No inactive nodes")
        )
        self.inactive_button.setEnabled(bool(inactive))
        self.inactive_table.setVisible(bool(inactive) and self.inactive_button.isChecked())
        header = self.inactive_table.horizontalHeader().sizeHint().height()
        self.inactive_table.setMaximumHeight(header + 26 * min(len(inactive), 6) + 6)
        self._summarise()
        self._update_buttons()
        if active:
            self.table.selectRow(0)
        self.checked.emit(report)

    def _summarise(self) -> None:
        if self.report is None or self.file is None:
            return
        counts = self.model.counts()
        parts = [translate("ComfyUITab", "{n} references").format(n=len(self.model.rows))]
        for state, label in (
            ("present", translate("ComfyUITab", "present")),
            ("downloaded", translate("ComfyUITab", "downloaded")),
            ("elsewhere", translate("ComfyUITab", "elsewhere on disk")),
            ("resolved", translate("ComfyUITab", "to download")),
            ("queued", translate("ComfyUITab", "waiting")),
            ("downloading", translate("ComfyUITab", "downloading")),
            ("unresolved", translate("ComfyUITab", "not found")),
            ("failed", translate("ComfyUITab", "failed")),
            ("refused", translate("ComfyUITab", "refused")),
        ):
            if counts.get(state):
                parts.append(f"{counts[state]} {label}")
        name = (
            translate("ComfyUITab", "pasted JSON") if self.file == self._pasted else self.file.name
        )
        text = f"{name} — {' · '.join(parts)}  ·  ComfyUI: {_home_short(self.report.tool.root)}"
        if self.report.warnings:
            text += "\n" + "\n".join(self.report.warnings[:3])
        self.summary_label.setText(text)

    def _show_empty(self, empty: bool) -> None:
        self.drop_hint.setVisible(empty)
        self.table.setVisible(not empty)
        self.inactive_button.setVisible(not empty)
        self.inactive_table.setVisible(not empty and bool(self.inactive_model.rows))
        self.details_panel.setVisible(not empty)

    def _update_buttons(self) -> None:
        has_file = self.file is not None
        idle = not self.fetching and not self.checking
        # what plan_fetch would take, read off the rows (plan_fetch itself runs on click:
        # over a few hundred references it is too slow for every button update)
        to_download = self.report is not None and any(
            row.state == "resolved" and row.item.destination is not None for row in self.model.rows
        )
        self.check_button.setEnabled(has_file and idle)
        self.download_button.setEnabled(to_download and idle)
        for widget in (self.open_button, self.paste_button, self.install_combo, self.folder_button):
            widget.setEnabled(not self.fetching)
        self.cancel_button.setVisible(self.fetching)
        self.download_button.setVisible(not self.fetching)

    # --- details --------------------------------------------------------------------------
    def _show_details(self, row: RefRow | None) -> None:
        self.candidates.clear()
        if row is None:
            self.details.setHtml("<p>Select a reference to see where it was looked for.</p>")
            self.candidates_label.hide()
            self.candidates.hide()
            self.use_button.hide()
            return
        self.details.setHtml(_details_html(row))
        others = row.item.candidates
        for candidate in others:
            item = QListWidgetItem(_candidate_text(candidate), self.candidates)
            item.setData(Qt.ItemDataRole.UserRole, candidate)
            item.setToolTip(candidate.note or candidate.url or "")
        show = bool(others) and row.item.status == "missing"
        self.candidates_label.setVisible(show)
        self.candidates.setVisible(show)
        self.use_button.setVisible(show)
        self.use_button.setEnabled(show and not self.fetching)

    def current_row(self) -> RefRow | None:
        """The selected reference (active or inactive table, whichever has the focus)."""
        if self.inactive_table.hasFocus():
            return self.inactive_model.row_at(self.inactive_table.currentIndex())
        return self.model.row_at(self.table.currentIndex())

    def use_selected_candidate(self) -> None:
        """Make the selected candidate the one to download for the selected reference."""
        row = self.model.row_at(self.table.currentIndex())
        chosen = self.candidates.currentItem()
        if row is None or chosen is None or self.fetching:
            return
        candidate: Candidate = chosen.data(Qt.ItemDataRole.UserRole)
        item = row.item
        others = [c for c in item.candidates if c is not candidate]
        if item.resolution is not None:
            others.insert(0, item.resolution)
        item.resolution, item.candidates = candidate, others
        number = self.model.rows.index(row)
        self.model.rows[number] = make_row(item)
        self.model.dataChanged.emit(
            self.model.index(number, 0), self.model.index(number, len(RefColumn) - 1)
        )
        self._show_details(self.model.rows[number])
        self._update_buttons()

    # --- actions on a row -----------------------------------------------------------------
    def _context_menu(self, table: QTableView, pos: QPoint) -> None:
        index = table.indexAt(pos)
        if not index.isValid():
            return
        table.setCurrentIndex(index)
        row: RefRow = index.data(ROW_ROLE)
        menu = QMenu(self)
        menu.addAction(self.actions_by_name["copy_name"])
        open_folder = self.actions_by_name["open_folder"]
        open_folder.setEnabled(self._folder_of(row) is not None)
        menu.addAction(open_folder)
        url = row.item.resolution.url if row.item.resolution is not None else None
        if url:
            copy_url = menu.addAction(translate("ComfyUITab", "Copy download URL"))
            copy_url.triggered.connect(lambda: QGuiApplication.clipboard().setText(url))
        menu.addSeparator()
        menu.addAction(self.actions_by_name["download"])
        menu.addAction(self.actions_by_name["check"])
        menu.exec(table.viewport().mapToGlobal(pos))

    def copy_name(self) -> None:
        """Copy the selected reference's file name."""
        row = self.current_row()
        if row is not None:
            QGuiApplication.clipboard().setText(row.item.ref.value)

    @staticmethod
    def _folder_of(row: RefRow | None) -> Path | None:
        if row is None:
            return None
        path = row.item.found_at or row.item.destination
        if path is None:
            return None
        folder = Path(path).parent
        return folder if folder.is_dir() else None

    def open_folder(self) -> None:
        """Open the folder the selected file is in (or goes to)."""
        folder = self._folder_of(self.current_row())
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # --- downloading ----------------------------------------------------------------------
    def _confirm_dialog(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            translate("ComfyUITab", "Download missing models"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def download_missing(self) -> None:
        """Download every resolved missing model (after a confirmation listing them)."""
        report = self.report
        if report is None or self.fetching or self.checking:
            return
        steps = plan_fetch(report)
        if not steps:
            self.ctx.notifier(
                translate("ComfyUITab", "Nothing to download: no missing model was found anywhere.")
            )
            return
        sizes = [s.candidate.size for s in steps]
        total = sum(s for s in sizes if s)
        lines = [
            f"• {s.destination.name} → {s.key}"
            + (f" ({format_bytes(s.candidate.size)})" if s.candidate.size else "")
            for s in steps[:12]
        ]
        if len(steps) > 12:
            more = len(steps) - 12
            lines.append(translate("ComfyUITab", "… and {n} more").format(n=more))
        question = (
            translate("ComfyUITab", "Download {n} file(s), {size} into {folder}?")
            if total
            else translate("ComfyUITab", "Download {n} file(s) into {folder}?")
        )
        text = (
            question.format(
                n=len(steps), size=format_bytes(total), folder=_home_short(report.tool.root)
            )
            + "\n\n"
            + "\n".join(lines)
        )
        if not self.confirm(text):
            return
        self._start_fetch(report, steps)

    def cancel_fetch(self) -> None:
        """Stop "Download missing" (the running file keeps its partial data)."""
        if self.fetching:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.summary_label.setText(translate("ComfyUITab", "Cancelling…"))

    def _start_fetch(self, report: MissingReport, steps: list[FetchStep]) -> None:
        self.fetching = True
        self._cancel = cancel = threading.Event()
        self.cancel_button.setEnabled(True)
        self._steps, self._step_index = steps, 0
        self._progress = None
        self.model.set_state({str(s.destination) for s in steps}, "queued")
        self._summarise()
        self._update_buttons()
        self._timer.start()
        suite, tool, relay = self.ctx.suite, report.tool, self._relay

        def on_event(event: Event) -> None:
            if isinstance(event, TransferProgressed):
                with self._lock:
                    if self._step_index < len(steps):
                        key = str(steps[self._step_index].destination)
                        self._progress = (key, event.done_bytes, event.total_bytes)

        def on_step(step: FetchStep) -> None:
            with self._lock:
                self._step_index += 1
                self._progress = None
            relay.step_done.emit(step)

        def work() -> list[FetchStep]:
            run_fetch(suite, tool, steps, on_event=on_event, on_step=on_step, cancel=cancel)
            return steps

        self.ctx.run_async(work, self._fetch_done, self._fetch_failed)

    def _show_progress(self) -> None:
        with self._lock:
            progress = self._progress
            index = self._step_index
        if index < len(self._steps):
            key = str(self._steps[index].destination)
            done, total = (progress[1], progress[2]) if progress and progress[0] == key else (0, 0)
            self.model.set_state({key}, "downloading", progress=done / total if total else 0.0)

    def _step_done(self, step: FetchStep) -> None:
        key = {str(step.destination)}
        if step.result == "downloaded":
            self.model.set_state(key, "downloaded")
        else:
            message = step.error.message if step.error is not None else "failed"
            self.model.set_state(key, "failed", error=message)
        self._summarise()

    def _fetch_done(self, steps: list[FetchStep]) -> None:
        self._timer.stop()
        self.fetching = False
        failed = [s for s in steps if s.result != "downloaded"]
        for step in failed:
            if step.error is not None:
                self.ctx.show_error(step.error)
        done = len(steps) - len(failed)
        self.ctx.notifier(
            translate("ComfyUITab", "{done} of {n} missing model(s) downloaded").format(
                done=done, n=len(steps)
            )
            + (translate("ComfyUITab", "; {n} failed").format(n=len(failed)) if failed else "")
        )
        self.fetched.emit(steps)
        self.check()  # what is there now: every downloaded file turns "present"

    def _fetch_failed(self, error: BaseException) -> None:
        self._timer.stop()
        self.fetching = False
        if isinstance(error, OperationCancelled):
            self.ctx.notifier(
                translate(
                    "ComfyUITab",
                    "Cancelled: the partial download is kept; Download missing resumes it",
                )
            )
        else:
            self.ctx.show_error(error)
        self.fetched.emit(self._steps)
        self.check()

    def closeEvent(self, event: Any) -> None:
        """Remove a pasted workflow's temporary file."""
        self._forget_pasted()
        super().closeEvent(event)


def _home_short(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text == home or text.startswith(home + os.sep) else text


def _esc(text: object) -> str:
    return (
        str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if text is not None
        else ""
    )


def _candidate_text(candidate: Candidate) -> str:
    where = (
        f"{candidate.repo_id}/{candidate.file}"
        if candidate.kind == "hub" and candidate.repo_id
        else candidate.url or "?"
    )
    size = f", {format_bytes(candidate.size)}" if candidate.size else ""
    return f"{where}  ({candidate.source}, {candidate.confidence}{size})"


def _details_html(row: RefRow) -> str:
    item, ref = row.item, row.item.ref
    lines = [f"<h3>{_esc(ref.value)}</h3>"]
    facts: list[tuple[str, object]] = [
        (
            translate("ComfyUITab", "Node"),
            f"#{ref.node_id} {ref.node_type or ''}" if ref.node_id else ref.origin,
        ),
        (translate("ComfyUITab", "Input"), ref.input),
        (translate("ComfyUITab", "Folder"), ref.folder),
        (translate("ComfyUITab", "Subgraph"), ref.subgraph),
        (translate("ComfyUITab", "Status"), row.cells[RefColumn.STATUS]),
        (
            translate("ComfyUITab", "Found at"),
            _home_short(item.found_at) if item.found_at else None,
        ),
        (
            translate("ComfyUITab", "Goes to"),
            _home_short(item.destination)
            if item.destination and item.status == "missing"
            else None,
        ),
        (translate("ComfyUITab", "Declared URL"), ref.url),
        (
            translate("ComfyUITab", "Declared hash"),
            f"{ref.hash_type or 'sha256'} {ref.hash}" if ref.hash else None,
        ),
        (translate("ComfyUITab", "Why"), item.reason or ref.refused),
        (translate("ComfyUITab", "Download error"), row.error),
    ]
    lines.append("<table cellspacing='4'>")
    for label, value in facts:
        if value:
            lines.append(f"<tr><td><b>{label}</b></td><td>{_esc(value)}</td></tr>")
    lines.append("</table>")
    best = item.resolution
    if best is not None:
        lines.append(f"<h4>{translate('ComfyUITab', 'Resolved')}</h4><p>")
        lines.append(_esc(_candidate_text(best)))
        if best.note:
            lines.append(f"<br><i>{_esc(best.note)}</i>")
        lines.append("</p>")
    return "".join(lines)
