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
(* only when QtWebEngine is installed.) This module is the search row and the results on the
left; the right side, one repository's card, files and download bar, is
:class:`~hfsuite.ui.tabs.browse_repo.RepoPane`. Searches load through ``ctx.run_async``;
answers to an older search are dropped when they arrive late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QItemSelection, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.hub import catalog
from hfsuite.app.hub.catalog import RepoDetails, SearchPage
from hfsuite.ui import shortcuts
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.search_model import ModelCardDelegate, SearchResultsModel
from hfsuite.ui.tabs.browse_repo import RepoPane, error_text
from hfsuite.ui.widgets._status import set_status
from hfsuite.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

translate = QCoreApplication.translate

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
SORTS = (  # labels in English, shown through translate("BrowseTab", …)
    ("downloads", QT_TRANSLATE_NOOP("BrowseTab", "Most downloads")),
    ("likes", QT_TRANSLATE_NOOP("BrowseTab", "Most likes")),
    ("trending", QT_TRANSLATE_NOOP("BrowseTab", "Trending")),
    ("updated", QT_TRANSLATE_NOOP("BrowseTab", "Recently updated")),
)
PAGE_SIZE = 30


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
        self._params: SearchParams | None = None
        self._ready = False
        self._settings_store = QSettings("hfsuite", "hfsuite")

        self.results = SearchResultsModel(self)
        self.results.more_requested.connect(self._load_more)
        self._build_search_row()
        self._build_results()
        #: The shown repository: header, card, files and download bar.
        self.repo_pane = RepoPane(ctx, self)
        self.repo_pane.repo_opened.connect(self.repo_opened)
        #: The destination chooser and download buttons.
        self.download_bar = self.repo_pane.download_bar
        self.download_bar.tasks_queued.connect(self.tasks_queued)
        #: The shown repository's files, ticked or not.
        self.files_model = self.repo_pane.files_model
        #: Model card, Files and (with QtWebEngine) Web page.
        self.detail_tabs = self.repo_pane.detail_tabs

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._results_panel)
        splitter.addWidget(self.repo_pane)
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
        self.search_bar.setPlaceholderText(
            translate("BrowseTab", "Search models on the Hub…  ({keys})").format(
                keys=shortcuts.native_text("search")
            )
        )
        self.search_bar.search_requested.connect(lambda _text: self.search())
        self.task_combo = _FilterCombo(translate("BrowseTab", "Any task"), TASKS, self)
        self.library_combo = _FilterCombo(translate("BrowseTab", "Any library"), LIBRARIES, self)
        for combo in (self.task_combo, self.library_combo):
            combo.activated.connect(lambda _i: self.search())
            line_edit = combo.lineEdit()
            if line_edit is not None:
                line_edit.editingFinished.connect(self._filters_edited)
        self.author_edit = QLineEdit(self)
        self.author_edit.setPlaceholderText(translate("BrowseTab", "Author or org"))
        self.author_edit.setClearButtonEnabled(True)
        self.author_edit.setMaximumWidth(170)
        self.author_edit.editingFinished.connect(self._filters_edited)
        self.sort_combo = QComboBox(self)
        for key, label in SORTS:
            self.sort_combo.addItem(translate("BrowseTab", label), key)
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
            self.repo_pane.show_files()
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
        set_status(self.results_status, "busy", translate("BrowseTab", "Searching…"))
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
            failure = translate("BrowseTab", "Search failed: {error}").format(
                error=error_text(error)
            )
            set_status(self.results_status, "error", failure)
            self.ctx.show_error(error)

        self.ctx.run_async(work, done, failed)

    def _show_count(self, page: SearchPage) -> None:
        count = self.results.rowCount()
        more = " · " + translate("BrowseTab", "scroll for more") if self.results.has_more else ""
        note = f" · {page.freshness.note}" if page.freshness.note else ""
        if count == 0:
            empty = translate("BrowseTab", "No models match. Try fewer filters.")
            set_status(self.results_status, "note", empty)
        else:
            found = (
                translate("BrowseTab", "1 model")
                if count == 1
                else translate("BrowseTab", "%n models", None, count)
            )
            set_status(self.results_status, "note", f"{found}{more}{note}")

    def _load_more(self, cursor: str) -> None:
        seq = self._search_seq
        suite = self.ctx.suite
        set_status(self.results_status, "busy", translate("BrowseTab", "Loading more…"))

        def done(page: SearchPage) -> None:
            if seq == self._search_seq:
                self.results.append_page(page)
                self._show_count(page)

        def failed(error: BaseException) -> None:
            if seq == self._search_seq:
                self.results.page_failed()
                failure = translate("BrowseTab", "More results failed: {error}").format(
                    error=error_text(error)
                )
                set_status(self.results_status, "error", failure)

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
        self.repo_pane.open_repo(repo_id)

    @property
    def opened(self) -> RepoDetails | None:
        """The repository shown in the details pane."""
        return self.repo_pane.opened


__all__ = ["BrowseTab", "SearchParams"]
