"""The Downloads tab against the emulator: add, pause/resume, file selection, actions, drops."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QGuiApplication

from hfsuite.app.queue.manager import TaskOptions
from hfsuite.core.destination import Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.types import Layout, Priority, TaskState
from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.models.task_model import Column
from hfsuite.ui.tabs.downloads import DownloadsTab

MIB = 1 << 20
ALPHA = {"model.safetensors": os.urandom(3 * MIB + 5), "config.json": b'{"alpha": 1}'}
SLOW = {"weights.bin": os.urandom(8 * MIB)}


@pytest.fixture
def repos(hub: HubEmulator) -> HubEmulator:
    hub.create_repo("acme/alpha", files=ALPHA)
    hub.create_repo("acme/slow", files=SLOW)
    return hub


def _tab(window: MainWindow, qtbot: Any) -> DownloadsTab:
    tab = window.show_tab("downloads")
    assert isinstance(tab, DownloadsTab)
    qtbot.waitUntil(tab.is_ready, timeout=5000)
    return tab


def _state(tab: DownloadsTab, task_id: int) -> TaskState | None:
    row = tab.model.row_of(task_id)
    return None if row is None else tab.model.record(row).state


def _open_dialog(window: MainWindow, qtbot: Any, text: str, folder: Path | None) -> Any:
    dialog = window.add_requested("")
    if folder is not None:
        dialog.layout_combo.setCurrentIndex(1)  # Folder
        dialog.path_edit.setText(str(folder))
        dialog._path_edited()
    dialog.append_text(text)
    qtbot.waitUntil(
        lambda: dialog.result_preview is not None and not dialog._planning, timeout=10000
    )
    return dialog


def test_add_through_dialog_completes_with_right_bytes(
    qtbot: Any, main_window: MainWindow, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(main_window, qtbot)
    dialog = _open_dialog(main_window, qtbot, "acme/alpha", tmp_path / "models")
    plan = dialog.result_preview.plans[0]
    assert plan.error is None
    assert {f.path for f in plan.files} == set(ALPHA)
    assert plan.total_bytes == sum(len(b) for b in ALPHA.values())
    assert "2 files" in dialog.summary.text() and "free" in dialog.summary.text()
    assert dialog.add_button.isEnabled()
    dialog.add_button.click()
    qtbot.waitUntil(lambda: bool(dialog.added_ids), timeout=5000)
    (task_id,) = dialog.added_ids
    qtbot.waitUntil(lambda: _state(tab, task_id) is TaskState.COMPLETED, timeout=30000)
    for name, data in ALPHA.items():
        assert (tmp_path / "models" / "alpha" / name).read_bytes() == data
    row = tab.model.row_of(task_id)
    assert row is not None
    assert tab.model.index(row, Column.PROGRESS).data() == "100.0%"
    assert any("Added 1 download" in title for _, title, _ in main_window.toasts.history)


def test_dialog_downloads_only_the_checked_files(
    qtbot: Any, main_window: MainWindow, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(main_window, qtbot)
    dialog = _open_dialog(main_window, qtbot, "acme/alpha", tmp_path / "sel")
    dialog.set_file_checked("model.safetensors", False)
    assert "1 file" in dialog.summary.text()
    dialog.add_button.click()
    qtbot.waitUntil(lambda: bool(dialog.added_ids), timeout=5000)
    (task_id,) = dialog.added_ids
    qtbot.waitUntil(lambda: _state(tab, task_id) is TaskState.COMPLETED, timeout=30000)
    folder = tmp_path / "sel" / "alpha"
    assert (folder / "config.json").read_bytes() == ALPHA["config.json"]
    assert not (folder / "model.safetensors").exists()


def test_dialog_reports_bad_lines_and_missing_repos(
    qtbot: Any, main_window: MainWindow, repos: HubEmulator
) -> None:
    _tab(main_window, qtbot)
    dialog = _open_dialog(main_window, qtbot, "acme/alpha\nnot a name!\nacme/missing", None)
    assert [e.line_no for e in dialog.line_errors] == [2]
    errors = [p for p in dialog.result_preview.plans if p.error]
    assert [str(p.target.ref) for p in errors] == ["acme/missing"]
    assert [str(t.ref) for t in dialog.selection()] == ["acme/alpha"]
    assert "2 lines skipped" in dialog.summary.text()
    dialog.reject()


def test_pause_and_resume_from_the_ui(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, repos: HubEmulator, tmp_path: Path
) -> None:
    repos.throttle(per_connection_bps=512 * 1024)  # 8 MiB over 2 connections: ~8 s
    tab = _tab(main_window, qtbot)
    (task_id,) = ctx.manager.add_repos(
        ["acme/slow"], TaskOptions(destination=Destination.folder(tmp_path / "slow"), connections=2)
    )
    qtbot.waitUntil(lambda: _state(tab, task_id) is TaskState.RUNNING, timeout=10000)
    tab.select_ids([task_id])
    assert tab.actions_by_name["pause"].isEnabled()
    assert not tab.actions_by_name["resume"].isEnabled()
    qtbot.waitUntil(lambda: (tab.model.live(task_id) or _Zero).done_bytes > 0, timeout=10000)
    tab.actions_by_name["pause"].trigger()
    qtbot.waitUntil(lambda: _state(tab, task_id) is TaskState.PAUSED, timeout=10000)
    assert tab.actions_by_name["resume"].isEnabled()
    record = tab.model.record(tab.model.row_of(task_id))  # type: ignore[arg-type]
    assert record.bytes_done < len(SLOW["weights.bin"])
    assert tab.details.subtitle.text().startswith("Paused")
    repos.throttle(None)
    tab.actions_by_name["resume"].trigger()
    qtbot.waitUntil(lambda: _state(tab, task_id) is TaskState.COMPLETED, timeout=30000)
    assert (tmp_path / "slow" / "weights.bin").read_bytes() == SLOW["weights.bin"]
    qtbot.waitUntil(
        lambda: ("Download complete", "acme/slow") in main_window.tray.notices, timeout=3000
    )


class _Zero:
    done_bytes = 0


def test_space_toggles_and_the_details_pane_follows_the_selection(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(main_window, qtbot)
    ids = ctx.manager.add_repos(
        ["acme/alpha", "acme/slow"],
        TaskOptions(destination=Destination.folder(tmp_path / "x"), paused=True),
    )
    qtbot.waitUntil(lambda: all(_state(tab, i) is TaskState.PAUSED for i in ids), timeout=5000)
    tab.select_ids([ids[1]])
    assert tab.details.title.text() == "acme/slow"
    tab.view.setFocus()
    tab.actions_by_name["toggle"].trigger()
    qtbot.waitUntil(lambda: _state(tab, ids[1]) is not TaskState.PAUSED, timeout=5000)
    assert _state(tab, ids[0]) is TaskState.PAUSED


def test_queue_actions_reorder_prioritise_cancel_retry_remove(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(main_window, qtbot)
    names = ["acme/a1", "acme/a2", "acme/a3"]
    ids = ctx.manager.add_repos(
        names, TaskOptions(destination=Destination.folder(tmp_path / "q"), paused=True)
    )
    qtbot.waitUntil(lambda: all(tab.model.row_of(i) is not None for i in ids), timeout=5000)

    def order() -> list[int]:
        return [r.id for r in tab.model.records() if r.id in ids]

    tab.select_ids([ids[2]])
    tab.actions_by_name["move_top"].trigger()
    qtbot.waitUntil(lambda: order() == [ids[2], ids[0], ids[1]], timeout=5000)
    tab.select_ids([ids[0]])
    tab.actions_by_name["move_down"].trigger()
    qtbot.waitUntil(lambda: order() == [ids[2], ids[1], ids[0]], timeout=5000)
    tab.select_ids([ids[0]])
    tab.actions_by_name["priority_high"].trigger()
    qtbot.waitUntil(lambda: order()[0] == ids[0], timeout=5000)
    row = tab.model.row_of(ids[0])
    assert tab.model.record(row).priority is Priority.HIGH  # type: ignore[arg-type]
    # the selection follows the moved row
    assert tab.selected_ids() == [ids[0]]

    tab.select_ids([ids[1]])
    tab.actions_by_name["cancel"].trigger()
    qtbot.waitUntil(lambda: _state(tab, ids[1]) is TaskState.CANCELLED, timeout=5000)
    assert tab.actions_by_name["retry"].isEnabled()
    tab.actions_by_name["retry"].trigger()
    qtbot.waitUntil(lambda: _state(tab, ids[1]) is not TaskState.CANCELLED, timeout=5000)

    tab.select_ids([ids[2]])
    tab.actions_by_name["copy_url"].trigger()
    assert QGuiApplication.clipboard().text() == f"{ctx.suite.settings.endpoint}/acme/a3"
    menu = tab.queue_actions.build_context_menu()
    texts = [a.text() for a in menu.actions()]
    assert {"Pause", "Resume", "Move to top", "Copy source URL", "Remove"} <= set(texts)
    tab.queue_actions.remove_selected(True, confirm=False)
    qtbot.waitUntil(lambda: tab.model.row_of(ids[2]) is None, timeout=10000)


def test_filters_by_state_and_name(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(main_window, qtbot)
    ctx.manager.add_repos(
        ["acme/one", "acme/two", "other/three"],
        TaskOptions(destination=Destination.folder(tmp_path), paused=True),
    )
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)
    tab.filter_edit.setText("acme")
    assert tab.proxy.rowCount() == 2
    tab.set_state_filter("Done")
    assert tab.proxy.rowCount() == 0
    tab.set_state_filter("Queued")
    assert tab.proxy.rowCount() == 2
    qtbot.waitUntil(lambda: tab.filter_buttons["Queued"].text() == "Queued  3", timeout=5000)


def test_dropping_links_and_text_files_opens_the_add_dialog(
    qtbot: Any, main_window: MainWindow, repos: HubEmulator, tmp_path: Path
) -> None:
    _tab(main_window, qtbot)
    listing = tmp_path / "models.txt"
    listing.write_text("# mine\nacme/alpha\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(listing)), QUrl(f"{repos.url}/acme/slow")])
    main_window.handle_drop(mime)
    qtbot.waitUntil(lambda: main_window.show_tab("downloads")._add_dialog is not None, timeout=5000)
    dialog = main_window.show_tab("downloads")._add_dialog  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: dialog.result_preview is not None and len(dialog.targets) == 2, timeout=10000
    )
    assert sorted(str(t.ref) for t in dialog.targets) == ["acme/alpha", "acme/slow"]
    dialog.reject()


def test_errors_reach_the_user_as_a_toast_with_details(
    qtbot: Any, main_window: MainWindow, ctx: UiContext
) -> None:
    ctx.show_error(UsageError("Model X is gated.", hint="Accept its conditions, then retry."))
    kind, title, message = main_window.toasts.history[-1]
    assert (kind, title, message) == (
        "error",
        "Model X is gated.",
        "Accept its conditions, then retry.",
    )
    toast = main_window.toasts.toasts[-1]
    assert toast.details_button is not None and toast.isVisible()
    box = main_window.toasts.open_details(toast)
    assert "UsageError" in box.detailedText()
    box.close()
    ctx.notify("Hello")
    assert main_window.toasts.history[-1] == ("info", "Hello", "")


def test_default_layout_from_settings(qtbot: Any, main_window: MainWindow) -> None:
    dialog = main_window.add_requested()
    expected = main_window.ctx.suite.settings.layout
    assert dialog.chosen_destination().layout is expected
    assert expected is Layout.HF_CACHE
    assert dialog.path_edit.text() == str(main_window.ctx.suite.settings.hub_cache)
    dialog.reject()


def test_a_task_with_its_own_endpoint_names_its_host(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(main_window, qtbot)
    folder = Destination.folder(tmp_path / "m")
    (own,) = ctx.manager.add_repos(
        ["acme/alpha"], TaskOptions(destination=folder, paused=True, endpoint=repos.url)
    )
    (plain,) = ctx.manager.add_repos(["acme/slow"], TaskOptions(destination=folder, paused=True))
    qtbot.waitUntil(lambda: tab.model.row_of(plain) is not None, timeout=5000)
    host = repos.url.split("//", 1)[1]
    tab.select_ids([own])
    qtbot.waitUntil(lambda: tab.details.subtitle.text().endswith(f" · {host}"), timeout=5000)
    assert tab.details.subtitle.toolTip() == repos.url
    tab.select_ids([plain])
    qtbot.waitUntil(lambda: tab.details.subtitle.text().startswith("Paused"), timeout=5000)
    assert host not in tab.details.subtitle.text() and tab.details.subtitle.toolTip() == ""
