"""Every keyboard shortcut the window binds (QShortcut or QAction, in every tab and the error
inspector) is in the F1 list, and the F1 list names no key that nothing binds."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QAction, QKeySequence, QShortcut

from hfsuite.ui.dialogs.help_dialog import ShortcutsDialog
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.shortcuts import SHORTCUTS

#: Keys the F1 list names that Qt's own widgets handle (no QShortcut or QAction of ours):
#: Ctrl+A is QAbstractItemView's "select all" in the queue table.
BUILT_IN = {"Ctrl+A"}


def _portable(seq: QKeySequence) -> str:
    return seq.toString(QKeySequence.SequenceFormat.PortableText)


def _bound(window: MainWindow) -> dict[str, set[str]]:
    """Every key sequence bound in the window (and its dialogs), with what binds it."""
    found: dict[str, set[str]] = {}
    for shortcut in window.findChildren(QShortcut):
        if not shortcut.key().isEmpty():
            found.setdefault(_portable(shortcut.key()), set()).add("QShortcut")
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            if not seq.isEmpty():
                found.setdefault(_portable(seq), set()).add(action.text())
    return found


def test_every_bound_shortcut_is_in_the_f1_list_and_back(
    qtbot: Any, main_window: MainWindow
) -> None:
    for name in main_window.tab_names():
        page = main_window.tab_page(name)
        main_window.show_tab(name)
        qtbot.waitUntil(page.is_ready, timeout=10000)
    main_window.show_errors()
    bound = _bound(main_window)
    dialog = ShortcutsDialog([e.title for e in main_window.entries], main_window)
    listed = {
        _portable(QKeySequence.fromString(keys, QKeySequence.SequenceFormat.NativeText))
        for keys, _ in dialog.entries()
    }
    missing = {key: what for key, what in bound.items() if key not in listed}
    assert not missing, f"bound but not in the F1 list: {missing}"
    unbound = listed - set(bound) - BUILT_IN
    assert not unbound, f"in the F1 list but bound nowhere: {sorted(unbound)}"
    # the error inspector's key is in the list under its own description
    assert ("Ctrl+E", SHORTCUTS["errors"].description) in [
        (_portable(QKeySequence.fromString(k, QKeySequence.SequenceFormat.NativeText)), d)
        for k, d in dialog.entries()
    ]
    # one Ctrl+<n> per tab, Profiles among them
    assert len(main_window.tab_names()) >= 6 and "profiles" in main_window.tab_names()
    assert f"Ctrl+{main_window.tab_names().index('profiles') + 1}" in bound
