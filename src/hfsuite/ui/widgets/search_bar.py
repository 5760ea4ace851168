"""A search field that waits for the typing to pause and remembers past queries.

```
[ 🔍  llama 3 instruct                       ✕ ]   ← typing restarts a 350 ms timer
      ├ llama 3 instruct                          ← completer over the query history
      └ llama
```

``search_requested(text)`` fires once the user stops typing (or at once on Enter), never twice
in a row for the same text. Every query that was searched joins the history (most recent
first, no duplicates, at most ``max_history``); the owner may persist it through
:attr:`SearchBar.history` and :meth:`SearchBar.set_history`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

translate = QCoreApplication.translate


class SearchBar(QLineEdit):
    """A debounced search field with a history of queries.

    Args:
        parent: The parent widget.
        debounce_ms: Quiet time after the last keystroke before searching.
        max_history: How many past queries to remember.
    """

    #: The text to search for (stripped; may be empty to list everything).
    search_requested = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, debounce_ms: int = 350, max_history: int = 20
    ):
        super().__init__(parent)
        self.max_history = max_history
        self._history: list[str] = []
        self._last_emitted: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._fire)
        self._history_model = QStringListModel(self)
        completer = QCompleter(self._history_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._history_chosen)
        self.setCompleter(completer)
        self.setClearButtonEnabled(True)
        self.setPlaceholderText(translate("SearchBar", "Search models…"))
        self._icon_action = self.addAction(
            _magnifier(self), QLineEdit.ActionPosition.LeadingPosition
        )
        self.textEdited.connect(self._edited)
        self.returnPressed.connect(self.search_now)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._icon_action.setIcon(_magnifier(self))  # follow a theme switch
        super().changeEvent(event)

    @property
    def history(self) -> list[str]:
        """Past queries, most recent first."""
        return list(self._history)

    def set_history(self, queries: Iterable[str]) -> None:
        """Replace the history (e.g. restored from the last session)."""
        self._history = []
        for query in queries:
            query = query.strip()
            if query and query not in self._history:
                self._history.append(query)
        del self._history[self.max_history :]
        self._history_model.setStringList(self._history)

    def remember(self, query: str) -> None:
        """Put a query at the top of the history."""
        query = query.strip()
        if not query:
            return
        self.set_history([query, *(q for q in self._history if q != query)])

    def search_now(self) -> None:
        """Search for the current text without waiting (Enter)."""
        self._timer.stop()
        self._last_emitted = None  # Enter searches again even for the same text (a refresh)
        self._fire()

    def _edited(self, _text: str) -> None:
        self._timer.start()

    def _history_chosen(self, text: str) -> None:
        self.setText(text)
        self.search_now()

    def _fire(self) -> None:
        text = self.text().strip()
        if text == self._last_emitted:
            return
        self._last_emitted = text
        self.remember(text)
        self.search_requested.emit(text)


def _magnifier(widget: QWidget, size: int = 16) -> QIcon:
    """A magnifying glass in the placeholder colour (no icon theme needed)."""
    scale = 3
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(widget.palette().color(QPalette.ColorRole.PlaceholderText), 1.6 * scale)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawEllipse(QPointF(6.5 * scale, 6.5 * scale), 4.5 * scale, 4.5 * scale)
    painter.drawLine(QPointF(10 * scale, 10 * scale), QPointF(14 * scale, 14 * scale))
    painter.end()
    pixmap.setDevicePixelRatio(scale)
    return QIcon(pixmap)
