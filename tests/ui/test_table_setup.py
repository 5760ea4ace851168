"""setup_table: the look shared by the queue and history tables."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from hfsuite.ui.widgets.table_setup import setup_table


def _view(qtbot: Any, columns: int = 4) -> QTableView:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(QStandardItemModel(3, columns, view))
    return view


def test_rows_are_selected_whole_and_read_only(qtbot: Any) -> None:
    view = _view(qtbot)
    setup_table(view, stretch=0, widths={1: 90}, row_height=34)
    assert view.selectionBehavior() is QAbstractItemView.SelectionBehavior.SelectRows
    assert view.selectionMode() is QAbstractItemView.SelectionMode.ExtendedSelection
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not view.showGrid() and not view.wordWrap() and not view.alternatingRowColors()
    assert view.contextMenuPolicy() is Qt.ContextMenuPolicy.CustomContextMenu


def test_headers_one_stretching_column_fixed_row_height(qtbot: Any) -> None:
    view = _view(qtbot)
    setup_table(view, stretch=1, widths={0: 50, 2: 120, 3: 70}, row_height=30)
    vertical = view.verticalHeader()
    assert vertical.isHidden() and vertical.defaultSectionSize() == 30
    assert vertical.sectionResizeMode(0) is QHeaderView.ResizeMode.Fixed
    header = view.horizontalHeader()
    assert not header.highlightSections() and not header.stretchLastSection()
    assert header.sectionResizeMode(1) is QHeaderView.ResizeMode.Stretch
    for column, width in {0: 50, 2: 120, 3: 70}.items():
        assert header.sectionResizeMode(column) is QHeaderView.ResizeMode.Interactive
        assert header.sectionSize(column) == width


def test_options_for_the_history_look(qtbot: Any) -> None:
    view = _view(qtbot)
    setup_table(view, stretch=0, widths={}, row_height=30, stretch_last=True, alternating_rows=True)
    assert view.horizontalHeader().stretchLastSection()
    assert view.alternatingRowColors()
