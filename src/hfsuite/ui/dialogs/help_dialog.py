"""The keyboard shortcuts dialog (F1): every shortcut of the app, grouped by where it works."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hfsuite.ui.shortcuts import SHORTCUTS, Shortcut, tab_shortcut

translate = QCoreApplication.translate


class ShortcutsDialog(QDialog):
    """Lists shortcuts (the app's table plus Ctrl+1…n for the tabs)."""

    def __init__(self, tab_titles: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("ShortcutsDialog", "Keyboard shortcuts"))
        self.resize(520, 560)
        title = QLabel(translate("ShortcutsDialog", "Keyboard shortcuts"))
        title.setObjectName("title")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [translate("ShortcutsDialog", "Keys"), translate("ShortcutsDialog", "Action")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        groups: dict[str, list[Shortcut]] = {}
        for shortcut in SHORTCUTS.values():
            groups.setdefault(shortcut.scope, []).append(shortcut)
        for number, tab in enumerate(tab_titles[:9], start=1):
            s = tab_shortcut(number)
            go_to = translate("ShortcutsDialog", "Go to {tab}").format(tab=tab)
            groups["Everywhere"].append(Shortcut(s.keys, go_to))
        for scope, items in groups.items():
            # The table's words are marked in ui/shortcuts.py (context "Shortcuts") once it is
            # converted; until then they have no translation and show as they are.
            header = QTreeWidgetItem([translate("Shortcuts", scope), ""])
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            self.tree.addTopLevelItem(header)
            for s in items:
                keys = QKeySequence(s.keys).toString(QKeySequence.SequenceFormat.NativeText)
                action = translate("Shortcuts", s.description)
                self.tree.addTopLevelItem(QTreeWidgetItem([f"   {keys}", action]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

    def entries(self) -> list[tuple[str, str]]:
        """Every row as (keys, action) (tests)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.text(1):
                out.append((item.text(0).strip(), item.text(1)))
        return out
