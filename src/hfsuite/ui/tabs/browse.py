"""The Browse tab: search the Hub, read a model's card, pick files, queue the download.

```
┌ [🔍 search…          ] [Any task ▾] [Any library ▾] [author    ] [Most downloads ▾] ┐
├──────────────────────────┬──────────────────────────────────────────────────────────┤
│ result cards (QListView, │ org/name                                                 │
│ painted delegate, pages  │ license · gated · ↓ · ♥ · updated                        │
│ load on scroll)          │ ┌ Model card │ Files (12) │ Web page* ┐                  │
│                          │ │ rendered Markdown / checkable file table             │ │
│                          │ 2 of 12 files · 4.1 GiB   [HF cache ▾] [dest…] [⬇ sel] │
└──────────────────────────┴──────────────────────────────────────────────────────────┘
```
(* only when QtWebEngine is installed.) Searches and repository details load through
``ctx.run_async``; answers to an older search or selection are dropped when they arrive late.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app import catalog
from hfsuite.app.catalog import RepoDetails, SearchPage
from hfsuite.app.destinations import default_destination
from hfsuite.app.manager_tasks import TaskOptions, spec_for
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.types import RepoRef
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.models.files_model import RepoFilesModel
from hfsuite.ui.models.formatting import compact_count, parse_iso, relative_time
from hfsuite.ui.models.search_model import ModelCardDelegate, SearchResultsModel
from hfsuite.ui.widgets._status import set_status, status_color
from hfsuite.ui.widgets.path_selector import PathSelector
from hfsuite.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

TASKS = (
    "text-generation",
    "image-text-to-text",
    "text-to-image",
    "image-to-image",
    "text-to-video",
    "automatic-speech-recognition",
    "text-to-speech",
    "feature-extraction",
    "sentence-similarity",
    "text-classification",
    "token-classification",
    "translation",
    "summarization",
    "image-classification",
    "object-detection",
    "image-segmentation",
    "depth-estimation",
)
LIBRARIES = (
    "transformers",
    "diffusers",
    "gguf",
    "sentence-transformers",
    "safetensors",
    "peft",
    "mlx",
    "onnx",
    "timm",
    "open_clip",
    "lerobot",
)
SORTS = (
    ("downloads", "Most downloads"),
    ("likes", "Most likes"),
    ("trending", "Trending"),
    ("updated", "Recently updated"),
)
PAGE_SIZE = 30
_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)


def _web_view_class() -> type | None:
    """QWebEngineView when QtWebEngine is installed, else None (the tab works without it)."""
    try:
        from PySide6.QtWebEngineWidgets import QWebEngineView
    except ImportError:
        return None
    return QWebEngineView


def card_markdown(markdown: str | None) -> str:
    """The model card's Markdown without its YAML front matter (shown as the license etc.)."""
    if not markdown:
        return "*This repository has no model card.*"
    return _FRONT_MATTER.sub("", markdown, count=1).strip() or "*The model card is empty.*"


@dataclass(frozen=True)
class SearchParams:
    """What the search bar and filters ask for."""

    query: str
    task: str | None
    library: str | None
    author: str | None
    sort: str

    @property
    def filters(self) -> tuple[str, ...]:
        """Task and library filters (all required)."""
        return tuple(f for f in (self.task, self.library) if f)


@dataclass(frozen=True)
class OpenedRepo:
    """A repository's details and card, as loaded for the details pane."""

    details: RepoDetails
    markdown: str | None
    card_error: str | None = None


class _FilterCombo(QComboBox):
    """An editable combo: "Any …" first, then known values; free text allowed."""

    def __init__(self, any_text: str, values: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem(any_text, None)
        for value in values:
            self.addItem(value, value)
        line_edit = self.lineEdit()
        if line_edit is not None:  # editable combo: always there
            line_edit.setPlaceholderText(any_text)
        self.setMinimumContentsLength(14)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._any = any_text

    def value(self) -> str | None:
        text = self.currentText().strip()
        return None if not text or text == self._any else text


class BrowseTab(QWidget):
    """Hub search, model card, file selection and download.

    Args:
        ctx: The UI context (suite, manager, async runner, error presenter).
        parent: The parent widget.
    """

    #: A search finished (its number of hits on the first page).
    search_finished = Signal(int)
    #: A repository's details are shown.
    repo_opened = Signal(str)
    #: Tasks were queued (their ids).
    tasks_queued = Signal(list)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._search_seq = 0
        self._open_seq = 0
        self._params: SearchParams | None = None
        self._opened: OpenedRepo | None = None
        self._dest_custom = False
        self._ready = False
        self._settings_store = QSettings("hfsuite", "hfsuite")

        self.results = SearchResultsModel(self)
        self.results.more_requested.connect(self._load_more)
        self.files_model = RepoFilesModel(self)
        self.files_model.selection_changed.connect(self._selection_changed)

        self._build_search_row()
        self._build_results()
        self._build_details()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._results_panel)
        splitter.addWidget(self._details_stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([440, 800])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(self._search_row)
        layout.addWidget(splitter, 1)

        history = self._settings_store.value("browse/history", [])
        self.search_bar.set_history(
            [str(h) for h in history] if isinstance(history, list) else [str(history)]
        )
        QTimer.singleShot(0, self.search)  # popular models right away

    # --- building -------------------------------------------------------------------------
    def _build_search_row(self) -> None:
        self.search_bar = SearchBar(self)
        self.search_bar.setPlaceholderText("Search models on the Hub…  (Ctrl+F)")
        self.search_bar.search_requested.connect(lambda _text: self.search())
        self.task_combo = _FilterCombo("Any task", TASKS, self)
        self.library_combo = _FilterCombo("Any library", LIBRARIES, self)
        for combo in (self.task_combo, self.library_combo):
            combo.activated.connect(lambda _i: self.search())
            line_edit = combo.lineEdit()
            if line_edit is not None:
                line_edit.editingFinished.connect(self._filters_edited)
        self.author_edit = QLineEdit(self)
        self.author_edit.setPlaceholderText("Author or org")
        self.author_edit.setClearButtonEnabled(True)
        self.author_edit.setMaximumWidth(170)
        self.author_edit.editingFinished.connect(self._filters_edited)
        self.sort_combo = QComboBox(self)
        for key, label in SORTS:
            self.sort_combo.addItem(label, key)
        self.sort_combo.activated.connect(lambda _i: self.search())
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.search_bar, 3)
        row.addWidget(self.task_combo, 1)
        row.addWidget(self.library_combo, 1)
        row.addWidget(self.author_edit, 1)
        row.addWidget(self.sort_combo)
        self._search_row = row

    def _build_results(self) -> None:
        panel = QWidget(self)
        self.list_view = QListView(panel)
        self.list_view.setModel(self.results)
        self.list_view.setItemDelegate(ModelCardDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setMouseTracking(True)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setFrameShape(QFrame.Shape.NoFrame)
        self.list_view.setSpacing(0)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.list_view.setMinimumWidth(340)
        self.list_view.selectionModel().selectionChanged.connect(self._result_selected)
        self.results_status = QLabel(panel)
        self.results_status.setObjectName("resultsStatus")
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.list_view, 1)
        lay.addWidget(self.results_status)
        self._results_panel = panel

    def _build_details(self) -> None:
        stack = QStackedWidget(self)
        self.empty_label = QLabel(
            "Select a model to read its card, pick files and download them.", stack
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        stack.addWidget(self.empty_label)

        pane = QWidget(stack)
        self.title_label = QLabel(pane)
        self.title_label.setObjectName("repoTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label = QLabel(pane)
        self.meta_label.setTextFormat(Qt.TextFormat.RichText)
        self.meta_label.setWordWrap(True)
        self.note_label = QLabel(pane)
        self.note_label.setWordWrap(True)
        self.note_label.hide()

        self.card_view = QTextBrowser(pane)
        self.card_view.setOpenExternalLinks(True)
        self.card_view.setFrameShape(QFrame.Shape.NoFrame)
        self.card_view.document().setDocumentMargin(14)

        files_page = QWidget(pane)
        self.files_view = QTableView(files_page)
        self.files_view.setModel(self.files_model)
        self.files_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files_view.setShowGrid(False)
        self.files_view.setAlternatingRowColors(True)
        self.files_view.verticalHeader().hide()
        self.files_view.verticalHeader().setDefaultSectionSize(26)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)
        self.files_view.setFrameShape(QFrame.Shape.NoFrame)
        self.select_all_button = QPushButton("Select all", files_page)
        self.select_all_button.clicked.connect(lambda: self.files_model.set_all_checked(True))
        self.select_none_button = QPushButton("Select none", files_page)
        self.select_none_button.clicked.connect(lambda: self.files_model.set_all_checked(False))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 6, 6, 0)
        buttons.addWidget(self.select_all_button)
        buttons.addWidget(self.select_none_button)
        buttons.addStretch(1)
        files_lay = QVBoxLayout(files_page)
        files_lay.setContentsMargins(0, 0, 0, 0)
        files_lay.addLayout(buttons)
        files_lay.addWidget(self.files_view, 1)

        self.detail_tabs = QTabWidget(pane)
        self.detail_tabs.setDocumentMode(True)
        self.detail_tabs.addTab(self.card_view, "Model card")
        self.detail_tabs.addTab(files_page, "Files")
        self.web_view: QWidget | None = None
        web_cls = _web_view_class()
        if web_cls is not None:
            self.web_view = web_cls(pane)
            self.detail_tabs.addTab(self.web_view, "Web page")
            self.detail_tabs.currentChanged.connect(self._maybe_load_web)

        self.selection_label = QLabel(pane)
        self.layout_combo = QComboBox(pane)
        self.layout_combo.addItem("HF cache", DestinationKind.HF_CACHE)
        self.layout_combo.addItem("Plain folder", DestinationKind.FOLDER)
        self.layout_combo.setToolTip(
            "HF cache: transformers/diffusers find the files.\n"
            "Plain folder: a local-dir copy (ComfyUI, LM Studio…)."
        )
        self.layout_combo.currentIndexChanged.connect(self._layout_changed)
        self.dest_selector = PathSelector(pane, dialog_title="Download to…")
        self.dest_selector.path_changed.connect(self._dest_edited)
        self.download_selected_button = QPushButton("Download selected", pane)
        self.download_selected_button.setDefault(True)
        self.download_selected_button.clicked.connect(self.download_selected)
        self.download_all_button = QPushButton("Download all", pane)
        self.download_all_button.clicked.connect(self.download_all)
        for button in (self.download_selected_button, self.download_all_button):
            bold = button.font()
            bold.setBold(True)  # the theme makes the default button bold: leave room for it
            width = QFontMetrics(bold).horizontalAdvance(button.text())
            button.setMinimumWidth(int(width * 1.12) + 34)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.layout_combo)
        bar.addWidget(self.dest_selector, 1)
        bar.addWidget(self.download_selected_button)
        bar.addWidget(self.download_all_button)

        lay = QVBoxLayout(pane)
        lay.setContentsMargins(16, 4, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(self.title_label)
        lay.addWidget(self.meta_label)
        lay.addWidget(self.note_label)
        lay.addWidget(self.detail_tabs, 1)
        lay.addWidget(self.selection_label)
        lay.addLayout(bar)
        stack.addWidget(pane)
        self._details_pane = pane
        self._details_stack = stack
        stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # --- hooks for the main window --------------------------------------------------------
    def focus_search(self) -> bool:
        """Ctrl+F: put the cursor in the search field."""
        self.search_bar.setFocus()
        self.search_bar.selectAll()
        return True

    def is_ready(self) -> bool:
        """The first search has answered."""
        return self._ready

    def tab_shown(self) -> None:
        """Nothing to refresh: search results are refreshed by searching."""

    def refresh_icons(self) -> None:
        """No icons of its own to repaint."""

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """Search, open a repository and check its files as ``--screenshot`` asks."""
        if options.search is not None:
            answers: list[int] = []
            self.search_finished.connect(answers.append)
            self.search_bar.setText(options.search)
            self.search()
            wait(lambda: bool(answers))
        if repo := options.open_repo:
            rows = [r for r in range(self.results.rowCount()) if self.results.hit(r).id == repo]
            if rows:
                self.select_result(rows[0])
            else:
                self.open_repo(repo)
            wait(lambda: self.opened is not None and self.opened.id == repo)
        if options.select:
            self.detail_tabs.setCurrentIndex(1)
            self.files_model.set_checked(options.selected(f.path for f in self.files_model.files))

    # --- searching ------------------------------------------------------------------------
    def current_params(self) -> SearchParams:
        """The query, filters and sort as set in the search row."""
        return SearchParams(
            query=self.search_bar.text().strip(),
            task=self.task_combo.value(),
            library=self.library_combo.value(),
            author=self.author_edit.text().strip() or None,
            sort=str(self.sort_combo.currentData()),
        )

    def _filters_edited(self) -> None:
        if self._params is None or self.current_params() != self._params:
            self.search()

    def search(self) -> None:
        """Search with what the search row says now (answers to older searches are dropped)."""
        params = self.current_params()
        self._params = params
        self._search_seq += 1
        seq = self._search_seq
        if params.query:
            self.search_bar.remember(params.query)
            self._settings_store.setValue("browse/history", self.search_bar.history)
        set_status(self.results_status, "busy", "Searching…")
        suite = self.ctx.suite

        def work() -> SearchPage:
            return catalog.search(
                suite,
                params.query or None,
                author=params.author,
                filters=params.filters,
                sort=params.sort,
                limit=PAGE_SIZE,
            )

        def done(page: SearchPage) -> None:
            if seq != self._search_seq:
                return
            self.results.set_page(page)
            self._ready = True
            self._show_count(page)
            self.search_finished.emit(len(page.hits))

        def failed(error: BaseException) -> None:
            if seq != self._search_seq:
                return
            self._ready = True
            self.results.clear()
            set_status(self.results_status, "error", f"Search failed: {_message(error)}")
            self.ctx.show_error(error)

        self.ctx.run_async(work, done, failed)

    def _show_count(self, page: SearchPage) -> None:
        count = self.results.rowCount()
        more = " · scroll for more" if self.results.has_more else ""
        note = f" · {page.freshness.note}" if page.freshness.note else ""
        if count == 0:
            set_status(self.results_status, "note", "No models match. Try fewer filters.")
        else:
            noun = "model" if count == 1 else "models"
            set_status(self.results_status, "note", f"{count} {noun}{more}{note}")

    def _load_more(self, cursor: str) -> None:
        seq = self._search_seq
        suite = self.ctx.suite
        set_status(self.results_status, "busy", "Loading more…")

        def done(page: SearchPage) -> None:
            if seq == self._search_seq:
                self.results.append_page(page)
                self._show_count(page)

        def failed(error: BaseException) -> None:
            if seq == self._search_seq:
                self.results.page_failed()
                set_status(self.results_status, "error", f"More results failed: {_message(error)}")

        self.ctx.run_async(lambda: catalog.search(suite, cursor=cursor), done, failed)

    # --- opening a repository ---------------------------------------------------------------
    def _result_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.open_repo(self.results.hit(indexes[0].row()).id)

    def select_result(self, row: int) -> None:
        """Select a result row (opens it)."""
        self.list_view.setCurrentIndex(self.results.index(row, 0))

    def open_repo(self, repo_id: str) -> None:
        """Load and show a repository's details, card and files."""
        self._open_seq += 1
        seq = self._open_seq
        suite = self.ctx.suite
        self._details_stack.setCurrentWidget(self._details_pane)
        self.title_label.setText(repo_id)
        self.meta_label.setText("Loading…")
        self.card_view.clear()
        self.files_model.set_files(())
        self._set_download_enabled(False)

        def work() -> OpenedRepo:
            details = catalog.info(suite, repo_id)
            try:
                card = catalog.model_card(suite, details.id)
            except Exception as exc:
                return OpenedRepo(details, None, _message(exc))
            return OpenedRepo(details, card.markdown)

        def done(opened: OpenedRepo) -> None:
            if seq == self._open_seq:
                self._show_repo(opened)

        def failed(error: BaseException) -> None:
            if seq != self._open_seq:
                return
            set_status(self.meta_label, "error", _message(error))
            self.ctx.show_error(error)

        self.ctx.run_async(work, done, failed)

    @property
    def opened(self) -> RepoDetails | None:
        """The repository shown in the details pane."""
        return self._opened.details if self._opened else None

    def _show_repo(self, opened: OpenedRepo) -> None:
        self._opened = opened
        d = opened.details
        self.title_label.setText(d.id)
        self.meta_label.setStyleSheet("")
        self.meta_label.setText(self._meta_html(d))
        self.meta_label.show()
        note = d.freshness.note or ""
        if opened.card_error:
            note = (note + " " if note else "") + f"Model card unavailable: {opened.card_error}"
        set_status(self.note_label, "note", note)
        self.card_view.setMarkdown(card_markdown(opened.markdown))
        self.files_model.set_files(d.files)
        self.detail_tabs.setTabText(1, f"Files ({len(d.files)})")
        self.files_view.resizeColumnToContents(1)
        if not self._dest_custom:
            self.dest_selector.set_path(self._default_destination().path)
        self._set_download_enabled(True)
        if self.web_view is not None and self.detail_tabs.currentWidget() is self.web_view:
            self._maybe_load_web(self.detail_tabs.currentIndex())
        self.repo_opened.emit(d.id)

    def _meta_html(self, d: RepoDetails) -> str:
        dim = status_color(self, "note").name()
        warn = status_color(self, "warning").name()
        parts = []
        if d.author:
            parts.append(f"by <b>{_esc(d.author)}</b>")
        parts.append(f"license <b>{_esc(d.license or 'unknown')}</b>")
        if d.gated:
            how = "manual approval" if d.gated == "manual" else "accept conditions"
            parts.append(f"<span style='color:{warn}'>gated ({how})</span>")
        else:
            parts.append("not gated")
        if d.private:
            parts.append(f"<span style='color:{warn}'>private</span>")
        parts.append(f"↓ {compact_count(d.downloads)}")
        parts.append(f"♥ {compact_count(d.likes)}")
        parts.append(f"updated {relative_time(parse_iso(d.last_modified))}")
        total = sum(f.size for f in d.files)
        parts.append(f"{len(d.files)} files, {format_bytes(total)}")
        tags = [t for t in (d.pipeline_tag, d.library_name) if t]
        line2 = ""
        if tags or d.commit:
            bits = [_esc(t) for t in tags]
            if d.commit:
                bits.append(f"commit {d.commit[:10]}")
            line2 = f"<br><span style='color:{dim}'>{' · '.join(bits)}</span>"
        return f"<span style='color:{dim}'>{' · '.join(parts)}</span>{line2}"

    def _maybe_load_web(self, index: int) -> None:
        view = self.web_view
        if view is None or self.detail_tabs.widget(index) is not view or self._opened is None:
            return
        url = QUrl(f"{self.ctx.suite.settings.endpoint}/{self._opened.details.id}")
        if view.url() != url:  # type: ignore[attr-defined]
            view.setUrl(url)  # type: ignore[attr-defined]

    # --- choosing and downloading -----------------------------------------------------------
    def _selection_changed(self, count: int, size: int) -> None:
        total = len(self.files_model.files)
        if total == 0:
            self.selection_label.setText("")
        else:
            everything = format_bytes(self.files_model.total_size())
            self.selection_label.setText(
                f"{count} of {total} files selected · <b>{format_bytes(size)}</b>"
                f" <span style='color:{status_color(self, 'note').name()}'>"
                f"(all files: {everything})</span>"
            )
        self.download_selected_button.setEnabled(self._opened is not None and count > 0)

    def _set_download_enabled(self, enabled: bool) -> None:
        self.download_all_button.setEnabled(enabled)
        self.download_selected_button.setEnabled(enabled and bool(self.files_model.checked_paths()))

    def selected_kind(self) -> DestinationKind:
        """The kind of destination chosen for the next download."""
        return DestinationKind(self.layout_combo.currentData())

    def selected_destination(self) -> Destination:
        """Where the next download goes: the path shown, else the default for the kind."""
        path = self.dest_selector.path()
        if not path:
            return self._default_destination()
        return Destination(self.selected_kind(), Path(path).expanduser())

    def _default_destination(self) -> Destination:
        details = self._opened.details if self._opened else None
        ref = RepoRef(details.id, details.repo_type, details.revision) if details else None
        return default_destination(self.ctx.suite.settings, ref, self.selected_kind())

    def _layout_changed(self, _index: int) -> None:
        if not self._dest_custom:
            self.dest_selector.set_path(self._default_destination().path)

    def _dest_edited(self, text: str) -> None:
        self._dest_custom = bool(text)
        if not text:
            self.dest_selector.set_path(self._default_destination().path)

    def set_destination(self, destination: Destination) -> None:
        """Choose where the next download goes."""
        self.layout_combo.setCurrentIndex(self.layout_combo.findData(destination.kind))
        self._dest_custom = True
        self.dest_selector.set_path(destination.path)

    def download_selected(self) -> None:
        """Queue the ticked files of the shown repository."""
        paths = self.files_model.checked_paths()
        if paths:
            self._queue(paths)

    def download_all(self) -> None:
        """Queue every file of the shown repository."""
        self._queue([])

    def _queue(self, paths: list[str]) -> None:
        if self._opened is None:
            return
        details = self._opened.details
        destination = self.selected_destination()
        dest = destination.path
        options = TaskOptions(paths=tuple(paths), destination=destination)
        ref = RepoRef(details.id, details.repo_type, details.revision)
        spec = spec_for(ref, options, self.ctx.suite.settings)
        manager = self.ctx.manager
        if paths:
            chosen = {f.path: f.size for f in details.files}
            size = sum(chosen.get(p, 0) for p in paths)
            what = f"{len(paths)} file{'s' if len(paths) != 1 else ''}, {format_bytes(size)}"
        else:
            what = f"all {len(details.files)} files, {format_bytes(self.files_model.total_size())}"

        def done(ids: list[int]) -> None:
            self.ctx.notify(f"Queued {details.id} ({what}) → {dest}")
            self.tasks_queued.emit(ids)

        self.ctx.run_async(lambda: manager.add([spec]), done)


def _message(error: BaseException) -> str:
    return str(getattr(error, "message", None) or error)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["BrowseTab", "OpenedRepo", "SearchParams", "card_markdown"]
