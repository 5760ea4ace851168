"""The look and feel shared by the app's data tables (the queue, the history).

```
┌ Name (stretches) ─────────────┬ Size ┬ Progress ┬ … ┐   interactive, fixed start widths
│ a row, selected as a whole     │      │          │   │   no grid, no row numbers,
│ another row (Ctrl/Shift add)   │      │          │   │   one line per row
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

#: A column number (a model's ``Column`` enum, or a plain int).
C = TypeVar("C", bound=int)


def setup_table(
    view: QTableView,
    *,
    stretch: int,
    widths: Mapping[C, int],
    row_height: int,
    stretch_last: bool = False,
    alternating_rows: bool = False,
) -> None:
    """Give a table the app's behaviour and header layout.

    Rows are selected whole (several with Ctrl/Shift), cells are read-only, there is no grid,
    no word wrap and no row-number column, and the view asks for a custom context menu (connect
    ``customContextMenuRequested``). Every column can be resized by the user; ``stretch`` takes
    the width left over.

    Args:
        view: The table (its model may be set before or after).
        stretch: The column that takes the remaining width.
        widths: Starting width of other columns, in pixels.
        row_height: Height of every row, in pixels.
        stretch_last: Whether the last column also grows to the right edge.
        alternating_rows: Whether every other row gets the alternate background.
    """
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setShowGrid(False)
    view.setAlternatingRowColors(alternating_rows)
    view.setWordWrap(False)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    vertical = view.verticalHeader()
    vertical.hide()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(row_height)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch_last)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, width in widths.items():
        header.resizeSection(column, width)
