"""The Browse tab's repository pane: one model's header, card, files and download bar.

```
org/name
license · gated · ↓ · ♥ · updated
┌ Model card │ Files (12) │ Web page* ┐
│ rendered Markdown / checkable file table             │
2 of 12 files · 4.1 GiB   [HF cache ▾] [dest…] [⬇ sel]     the DownloadBar
```
(* only when QtWebEngine is installed.) Until a repository is opened the pane shows a hint.
Details and card load through ``ctx.run_async``; an answer for an older repository is dropped
when it arrives late.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.hub import catalog
from hfsuite.app.hub.catalog import RepoDetails
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.models.files_model import RepoFilesModel
from hfsuite.ui.models.formatting import compact_count, parse_iso, relative_time
from hfsuite.ui.tabs.browse_download import DownloadBar
from hfsuite.ui.widgets._status import set_status, status_color

translate = QCoreApplication.translate

#: Index of the Files tab in :attr:`RepoPane.detail_tabs`.
FILES_TAB = 1
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
        return translate("RepoPane", "*This repository has no model card.*")
    stripped = _FRONT_MATTER.sub("", markdown, count=1).strip()
    return stripped or translate("RepoPane", "*The model card is empty.*")


def error_text(error: BaseException) -> str:
    """An error as one line for a status label (a suite error's message, else its text)."""
    return str(getattr(error, "message", None) or error)


@dataclass(frozen=True)
class OpenedRepo:
    """A repository's details and card, as loaded for the details pane."""

    details: RepoDetails
    markdown: str | None
    card_error: str | None = None


class RepoPane(QStackedWidget):
    """A hint until a repository is opened, then its details, card, files and download bar.

    Args:
        ctx: The UI context (suite, manager, async runner, error presenter).
        parent: The parent widget.
    """

    #: A repository's details are shown (its id).
    repo_opened = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._open_seq = 0
        self._opened: OpenedRepo | None = None
        self.files_model = RepoFilesModel(self)

        self.empty_label = QLabel(
            translate("RepoPane", "Select a model to read its card, pick files and download them."),
            self,
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.addWidget(self.empty_label)

        pane = QWidget(self)
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

        self.detail_tabs = QTabWidget(pane)
        self.detail_tabs.setDocumentMode(True)
        self.detail_tabs.addTab(self.card_view, translate("RepoPane", "Model card"))
        self.detail_tabs.addTab(self._build_files_page(pane), translate("RepoPane", "Files"))
        self.web_view: QWidget | None = None
        web_cls = _web_view_class()
        if web_cls is not None:
            self.web_view = web_cls(pane)
            self.detail_tabs.addTab(self.web_view, translate("RepoPane", "Web page"))
            self.detail_tabs.currentChanged.connect(self._maybe_load_web)

        self.download_bar = DownloadBar(ctx, self.files_model, pane)

        lay = QVBoxLayout(pane)
        lay.setContentsMargins(16, 4, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(self.title_label)
        lay.addWidget(self.meta_label)
        lay.addWidget(self.note_label)
        lay.addWidget(self.detail_tabs, 1)
        lay.addWidget(self.download_bar)
        self.addWidget(pane)
        self._details_pane = pane
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _build_files_page(self, parent: QWidget) -> QWidget:
        page = QWidget(parent)
        self.files_view = QTableView(page)
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
        self.select_all_button = QPushButton(translate("RepoPane", "Select all"), page)
        self.select_all_button.clicked.connect(lambda: self.files_model.set_all_checked(True))
        self.select_none_button = QPushButton(translate("RepoPane", "Select none"), page)
        self.select_none_button.clicked.connect(lambda: self.files_model.set_all_checked(False))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 6, 6, 0)
        buttons.addWidget(self.select_all_button)
        buttons.addWidget(self.select_none_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(buttons)
        lay.addWidget(self.files_view, 1)
        return page

    @property
    def opened(self) -> RepoDetails | None:
        """The repository shown (None until one has loaded)."""
        return self._opened.details if self._opened else None

    def show_files(self) -> None:
        """Bring the Files tab to the front."""
        self.detail_tabs.setCurrentIndex(FILES_TAB)

    def open_repo(self, repo_id: str) -> None:
        """Load and show a repository's details, card and files."""
        self._open_seq += 1
        seq = self._open_seq
        suite = self.ctx.suite
        self.setCurrentWidget(self._details_pane)
        self.title_label.setText(repo_id)
        self.meta_label.setText(translate("RepoPane", "Loading…"))
        self.card_view.clear()
        self.files_model.set_files(())
        self.download_bar.set_download_enabled(False)

        def work() -> OpenedRepo:
            details = catalog.info(suite, repo_id)
            try:
                card = catalog.model_card(suite, details.id)
            except Exception as exc:
                return OpenedRepo(details, None, error_text(exc))
            return OpenedRepo(details, card.markdown)

        def done(opened: OpenedRepo) -> None:
            if seq == self._open_seq:
                self._show_repo(opened)

        def failed(error: BaseException) -> None:
            if seq != self._open_seq:
                return
            set_status(self.meta_label, "error", error_text(error))
            self.ctx.show_error(error)

        self.ctx.run_async(work, done, failed)

    def _show_repo(self, opened: OpenedRepo) -> None:
        self._opened = opened
        d = opened.details
        self.title_label.setText(d.id)
        self.meta_label.setStyleSheet("")
        self.meta_label.setText(self._meta_html(d))
        self.meta_label.show()
        note = d.freshness.note or ""
        if opened.card_error:
            unavailable = translate("RepoPane", "Model card unavailable: {error}").format(
                error=opened.card_error
            )
            note = (note + " " if note else "") + unavailable
        set_status(self.note_label, "note", note)
        self.card_view.setMarkdown(card_markdown(opened.markdown))
        self.files_model.set_files(d.files)
        self.detail_tabs.setTabText(
            FILES_TAB, translate("RepoPane", "Files ({count})").format(count=len(d.files))
        )
        self.files_view.resizeColumnToContents(1)
        self.download_bar.show_repo(d)
        if self.web_view is not None and self.detail_tabs.currentWidget() is self.web_view:
            self._maybe_load_web(self.detail_tabs.currentIndex())
        self.repo_opened.emit(d.id)

    def _meta_html(self, d: RepoDetails) -> str:
        dim = status_color(self, "note").name()
        warn = status_color(self, "warning").name()
        parts = []
        if d.author:
            parts.append(translate("RepoPane", "by <b>{author}</b>").format(author=_esc(d.author)))
        license_name = _esc(d.license or translate("RepoPane", "unknown"))
        parts.append(translate("RepoPane", "license <b>{license}</b>").format(license=license_name))
        if d.gated:
            how = (
                translate("RepoPane", "gated (manual approval)")
                if d.gated == "manual"
                else translate("RepoPane", "gated (accept conditions)")
            )
            parts.append(f"<span style='color:{warn}'>{how}</span>")
        else:
            parts.append(translate("RepoPane", "not gated"))
        if d.private:
            private = translate("RepoPane", "private")
            parts.append(f"<span style='color:{warn}'>{private}</span>")
        parts.append(f"↓ {compact_count(d.downloads)}")
        parts.append(f"♥ {compact_count(d.likes)}")
        updated = relative_time(parse_iso(d.last_modified))
        parts.append(translate("RepoPane", "updated {when}").format(when=updated))
        total = sum(f.size for f in d.files)
        files = translate("RepoPane", "{count} files, {size}").format(
            count=len(d.files), size=format_bytes(total)
        )
        parts.append(files)
        tags = [t for t in (d.pipeline_tag, d.library_name) if t]
        line2 = ""
        if tags or d.commit:
            bits = [_esc(t) for t in tags]
            if d.commit:
                bits.append(translate("RepoPane", "commit {commit}").format(commit=d.commit[:10]))
            line2 = f"<br><span style='color:{dim}'>{' · '.join(bits)}</span>"
        return f"<span style='color:{dim}'>{' · '.join(parts)}</span>{line2}"

    def _maybe_load_web(self, index: int) -> None:
        view = self.web_view
        if view is None or self.detail_tabs.widget(index) is not view or self._opened is None:
            return
        url = QUrl(f"{self.ctx.suite.settings.endpoint}/{self._opened.details.id}")
        if view.url() != url:  # type: ignore[attr-defined]
            view.setUrl(url)  # type: ignore[attr-defined]


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


__all__ = ["FILES_TAB", "OpenedRepo", "RepoPane", "card_markdown", "error_text"]
