"""Search results as a list model, drawn as model cards by one painted delegate.

The model holds the hits of the pages loaded so far and the cursor of the next page. It never
asks the Hub itself: when a view scrolls to the end, Qt calls :meth:`fetchMore`, the model
emits ``more_requested(cursor)`` and the Browse tab loads the page off the UI thread, then hands
it back with :meth:`SearchResultsModel.append_page`.

```
┌──────────────────────────────────────────────────────────────┐
│ acme/ Llama-3-8B-Instruct                   ↓ 1.2M   ♥ 3.4k  │
│ [text-generation] [transformers] [llama] [en]      gated     │
│ Updated 3 days ago                                           │
└──────────────────────────────────────────────────────────────┘
```
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from hfsuite.app.hub.catalog import SearchHit, SearchPage
from hfsuite.ui.models.formatting import compact_count, parse_iso, relative_time
from hfsuite.ui.theme import colors_for

translate = QCoreApplication.translate

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The :class:`SearchHit` of a row."""

_Index = QModelIndex | QPersistentModelIndex


class SearchResultsModel(QAbstractListModel):
    """The hits of a search, page after page."""

    #: The view reached the end and another page exists: load it with this cursor.
    more_requested = Signal(str)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._cursor: str | None = None
        self._loading = False

    # --- filling --------------------------------------------------------------------------
    def set_page(self, page: SearchPage) -> None:
        """Replace the results with a first page."""
        self.beginResetModel()
        self._hits = list(page.hits)
        self._cursor = page.next_cursor
        self._loading = False
        self.endResetModel()

    def append_page(self, page: SearchPage) -> None:
        """Add the next page at the end."""
        self._loading = False
        self._cursor = page.next_cursor
        known = {h.id for h in self._hits}
        hits = [h for h in page.hits if h.id not in known]
        if hits:
            first = len(self._hits)
            self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
            self._hits.extend(hits)
            self.endInsertRows()

    def page_failed(self) -> None:
        """Loading the next page failed: allow another try."""
        self._loading = False

    def clear(self) -> None:
        """No results."""
        self.set_page(SearchPage(hits=()))

    @property
    def hits(self) -> Sequence[SearchHit]:
        """The hits loaded so far."""
        return tuple(self._hits)

    @property
    def has_more(self) -> bool:
        """Whether another page exists."""
        return self._cursor is not None

    @property
    def loading(self) -> bool:
        """Whether a next page is being loaded."""
        return self._loading

    def hit(self, row: int) -> SearchHit:
        """The hit of a row."""
        return self._hits[row]

    # --- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.id
        if role == HIT_ROLE:
            return hit
        if role == Qt.ItemDataRole.ToolTipRole:
            return ", ".join(hit.tags) or hit.id
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return translate("SearchModel", "{id}, {downloads} downloads, {likes} likes").format(
                id=hit.id, downloads=hit.downloads, likes=hit.likes
            )
        return None

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._cursor is not None and not self._loading

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self._loading = True
            assert self._cursor is not None
            self.more_requested.emit(self._cursor)


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def card_tags(hit: SearchHit, limit: int = 5) -> list[tuple[str, bool]]:
    """Tags shown on a card: (text, is the task), the task first, no noise tags."""
    shown: list[tuple[str, bool]] = []
    if hit.pipeline_tag:
        shown.append((hit.pipeline_tag, True))
    if hit.library_name:
        shown.append((hit.library_name, False))
    for tag in hit.tags:
        if len(shown) >= limit:
            break
        if ":" in tag or tag in (hit.pipeline_tag, hit.library_name):
            continue  # license:…, region:…, base_model:… are noise on a card
        shown.append((tag, False))
    return shown


class ModelCardDelegate(QStyledItemDelegate):
    """Paints a search hit as a card (no widget per row)."""

    HEIGHT = 86
    MARGIN = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(320, self.HEIGHT)  # the view stretches cards to its width

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        hit = index.data(HIT_ROLE)
        if not isinstance(hit, SearchHit):
            super().paint(painter, option, index)
            return
        palette: QPalette = option.palette
        rect: QRect = option.rect
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        colors = colors_for(palette)
        base = QColor(colors.base)
        text = QColor(colors.text)
        accent = QColor(colors.accent)
        dim = QColor(colors.muted)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(rect.adjusted(self.MARGIN, self.MARGIN // 2, -self.MARGIN, -self.MARGIN // 2))
        fill = QColor(colors.selection) if selected else QColor(colors.raised)
        if hovered and not selected:
            fill = _blend(fill, accent, 0.05)
        border = accent if selected else QColor(colors.border)
        painter.setPen(border)
        painter.setBrush(fill)
        painter.drawRoundedRect(card.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)

        inner = card.toRect().adjusted(12, 9, -12, -8)
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        bold.setPointSizeF(font.pointSizeF() * 1.08)
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.88)

        # Line 1: counters on the right, then "author/" dim and the name bold.
        counters = f"↓ {compact_count(hit.downloads)}    ♥ {compact_count(hit.likes)}"
        painter.setFont(font)
        fm = QFontMetrics(font)
        counters_w = fm.horizontalAdvance(counters)
        line_h = QFontMetrics(bold).height()
        top = QRect(inner.left(), inner.top(), inner.width(), line_h)
        painter.setPen(dim)
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, counters)
        author, _, name = hit.id.rpartition("/")
        x = inner.left()
        room = inner.width() - counters_w - 16
        if author:
            prefix = author + "/"
            painter.drawText(
                QRect(x, top.top(), room, line_h), Qt.AlignmentFlag.AlignVCenter, prefix
            )
            x += fm.horizontalAdvance(prefix)
            room -= fm.horizontalAdvance(prefix)
        painter.setFont(bold)
        painter.setPen(text)
        elided = QFontMetrics(bold).elidedText(name, Qt.TextElideMode.ElideRight, max(room, 20))
        painter.drawText(
            QRect(x, top.top(), max(room, 20), line_h), Qt.AlignmentFlag.AlignVCenter, elided
        )

        # Line 2: tag pills (the task in the accent colour), gated/private badge on the right.
        painter.setFont(small)
        sfm = QFontMetrics(small)
        pill_h = sfm.height() + 4
        y = top.bottom() + 6
        badges = []
        if hit.gated:
            badges.append(translate("SearchModel", "gated"))
        if hit.private:
            badges.append(translate("SearchModel", "private"))
        badge_text = " · ".join(badges)
        badge_w = sfm.horizontalAdvance(badge_text) + 16 if badge_text else 0
        x = inner.left()
        right = inner.right() - badge_w
        for tag, is_task in card_tags(hit):
            w = sfm.horizontalAdvance(tag) + 14
            if x + w > right:
                break
            pill = QRectF(x, y, w, pill_h)
            tint = accent if is_task else text
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_blend(fill, tint, 0.16 if is_task else 0.08))
            painter.drawRoundedRect(pill, pill_h / 2, pill_h / 2)
            painter.setPen(_blend(tint, text, 0.25) if is_task else _blend(text, base, 0.2))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, tag)
            x += w + 6
        if badge_text:
            painter.setPen(QColor(colors.warning))
            painter.drawText(
                QRect(inner.right() - badge_w, y, badge_w, pill_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                badge_text,
            )

        # Line 3: when it changed.
        updated = relative_time(parse_iso(hit.last_modified))
        painter.setPen(dim)
        painter.drawText(
            QRect(inner.left(), y + pill_h + 4, inner.width(), sfm.height()),
            Qt.AlignmentFlag.AlignVCenter,
            translate("SearchModel", "Updated {when}").format(when=updated)
            if updated != "—"
            else "",
        )
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:  # type: ignore[override]
        return None
