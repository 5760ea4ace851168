"""The Local models tab end to end on real files: scan a folder of generated model files and see
their kinds, filters and totals, cancel a scan, the details pane (header metadata, hashes,
provenance with an upstream check against the emulator), and reclaiming a duplicate from the
duplicates view (dry run, confirm, result, bytes freed on disk)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt

from hfsuite.app.library import LibraryQuery, ScanSummary
from hfsuite.app.library.dupes import ReclaimMode
from hfsuite.testing import HubEmulator
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.models.library_model import Column
from hfsuite.ui.tabs.library import LibraryTab

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "library"))
from model_builders import VAE, sd_unet, write_gguf, write_safetensors

MIB = 1 << 20
LORA = {
    "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight": (4, 640),
    "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight": (640, 4),
    "lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight": (4, 768),
}
LORA_META = {
    "ss_base_model_version": "sdxl_base_v1-0",
    "ss_network_dim": "4",
    "ss_num_epochs": "10",
    "ss_tag_frequency": json.dumps({"img": {"cat": 5, "dog": 3, "1girl": 9}}),
}


def build_models(folder: Path) -> dict[str, Path]:
    """A ComfyUI-like folder of real model files (and one that is no model)."""
    (folder / "checkpoints").mkdir(parents=True)
    (folder / "loras").mkdir()
    (folder / "vae").mkdir()
    (folder / "llm").mkdir()
    files = {
        "checkpoint": write_safetensors(
            folder / "checkpoints" / "sdxl-base.safetensors",
            sd_unet("model.diffusion_model.", 2048, sdxl=True),
            {"modelspec.architecture": "stable-diffusion-xl-v1-base"},
        ),
        "lora": write_safetensors(folder / "loras" / "cat-style.safetensors", LORA, LORA_META),
        "vae": write_safetensors(folder / "vae" / "sdxl-vae.safetensors", VAE),
        "gguf": write_gguf(folder / "llm" / "tiny-q8.gguf"),  # type: ignore[call-arg]
    }
    (folder / "loras" / "README.txt").write_text("not a model")
    return files


def open_tab(qtbot: Any, window: MainWindow) -> LibraryTab:
    tab = window.show_tab("library")
    assert isinstance(tab, LibraryTab)
    qtbot.waitUntil(tab.is_ready, timeout=10000)
    return tab


def scan(qtbot: Any, tab: LibraryTab, paths: list[str] | None, **kw: Any) -> ScanSummary:
    with qtbot.waitSignal(tab.scan_finished, timeout=60000) as finished:
        tab.scan(paths, **kw)
    with qtbot.waitSignal(tab.reloaded, timeout=20000):
        pass
    summary: ScanSummary = finished.args[0]
    return summary


def kinds_shown(tab: LibraryTab) -> dict[str, str]:
    m = tab.model
    return {
        m.index(r, Column.NAME).data(): m.index(r, Column.KIND).data() for r in range(m.rowCount())
    }


def test_scanning_a_folder_shows_its_models_with_their_kinds(
    qtbot: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    files = build_models(tmp_path / "ComfyUI" / "models")
    tab = open_tab(qtbot, main_window)
    assert tab.model.rowCount() == 0
    assert "Nothing scanned yet" in tab.summary_label.text()

    summary = scan(qtbot, tab, [str(tmp_path / "ComfyUI" / "models")])
    assert not summary.cancelled and summary.added == 5
    assert kinds_shown(tab) == {
        "sdxl-base.safetensors": "diffusion_models",
        "cat-style.safetensors": "loras",
        "sdxl-vae.safetensors": "vae",
        "tiny-q8.gguf": "llm",
    }
    m = tab.model
    row = m.row_of(str(files["gguf"]))
    assert row is not None
    assert m.index(row, Column.FORMAT).data() == "gguf"
    assert m.index(row, Column.PRECISION).data() == "Q8_0"
    assert m.index(row, Column.ARCH).data().startswith("llama")
    assert m.index(row, Column.LOCATION).data() == "ComfyUI › llm"
    assert m.index(row, Column.HASHED).data() == "—"
    # the totals are those of the files on disk
    size = sum(p.stat().st_size for p in files.values())
    assert tab.model.totals == (4, size)
    assert tab.summary_label.text().startswith("4 files ·")
    # the scan's result stays in the tab and the window's status bar
    assert "Scanned: 5 files" in tab.scan_label.text()
    assert "Scanned: 5 files" in main_window.statusBar().currentMessage()

    # a scan with hashes fills the Hashed column
    scan(qtbot, tab, None, hash=True)
    assert {m.index(r, Column.HASHED).data() for r in range(m.rowCount())} == {"✓"}


def test_filters_sort_and_totals(qtbot: Any, main_window: MainWindow, tmp_path: Path) -> None:
    files = build_models(tmp_path / "ComfyUI" / "models")
    other = tmp_path / "stash"
    other.mkdir()
    write_gguf(other / "other-q8.gguf")  # type: ignore[call-arg]
    tab = open_tab(qtbot, main_window)
    scan(qtbot, tab, [str(tmp_path / "ComfyUI" / "models"), str(other)])
    assert tab.model.rowCount() == 5

    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData("loras"))
    assert list(kinds_shown(tab)) == ["cat-style.safetensors"]
    assert tab.model.totals == (1, files["lora"].stat().st_size)
    assert tab.summary_label.text().startswith("1 file ·")
    tab.kind_combo.setCurrentIndex(0)

    tab.format_combo.setCurrentIndex(tab.format_combo.findData("gguf"))
    assert sorted(kinds_shown(tab)) == ["other-q8.gguf", "tiny-q8.gguf"]
    tab.location_combo.setCurrentIndex(tab.location_combo.findData("stash"))
    assert list(kinds_shown(tab)) == ["other-q8.gguf"]
    assert tab.model.totals == (1, (other / "other-q8.gguf").stat().st_size)
    tab.location_combo.setCurrentIndex(tab.location_combo.findData("ComfyUI"))
    tab.format_combo.setCurrentIndex(0)
    assert tab.model.rowCount() == 4

    # text: every word must match (name, architecture, location…)
    qtbot.keyClicks(tab.text_edit, "sdxl vae")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=2000)
    assert list(kinds_shown(tab)) == ["sdxl-vae.safetensors"]
    tab.text_edit.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=2000)
    assert tab.summary_label.text().startswith("4 files ·")

    # other files too: the README appears
    tab.all_button.click()
    assert "README.txt" in kinds_shown(tab)
    assert tab.model.totals[0] == 5
    tab.all_button.click()
    tab.location_combo.setCurrentIndex(0)

    # sort by size, largest first (the header's click)
    tab.table.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [tab.model.row(r).size for r in range(tab.model.rowCount())]
    assert sizes == sorted(sizes, reverse=True)
    tab.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    names = [tab.model.row(r).cells[0].lower() for r in range(tab.model.rowCount())]
    assert names == sorted(names)

    # nothing matching says so
    tab.text_edit.setText("no-such-model")
    tab.apply_filter()
    assert tab.model.rowCount() == 0
    assert tab.summary_label.text() == "Nothing matches these filters."


def test_a_scan_can_be_cancelled_and_keeps_what_it_recorded(
    qtbot: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    template = write_safetensors(tmp_path / "t.safetensors", VAE)
    for i in range(60):
        shutil.copy(template, folder / f"vae-{i:03d}.safetensors")
        with open(folder / f"big-{i:03d}.bin", "wb") as out:
            out.write(os.urandom(64 * 1024) * 24)  # 1.5 MiB each: hashing takes a while
    tab = open_tab(qtbot, main_window)
    library = main_window.ctx.suite.library
    real_scan = library.scan

    def held_scan(paths: Any = None, **kw: Any) -> ScanSummary:
        # The first progress event waits (at most 10 s) for the cancel button, so the click
        # lands mid-scan however fast this machine scans 120 files.
        report, cancel = kw["on_progress"], kw["cancel"]

        def progress(event: Any) -> None:
            report(event)
            cancel.wait(10)

        return real_scan(paths, **{**kw, "on_progress": progress})

    library.scan = held_scan  # type: ignore[method-assign]
    with qtbot.waitSignal(tab.scan_finished, timeout=60000) as finished:
        tab.scan([str(folder)], hash=True)
        assert tab.cancel_button.isVisible() and not tab.scan_button.isEnabled()
        qtbot.waitUntil(lambda: tab.scan_panel._progress is not None, timeout=20000)
        qtbot.waitUntil(lambda: "files" in tab.scan_label.text(), timeout=5000)
        assert tab.scan_label.text() in main_window.statusBar().currentMessage()
        tab.cancel_button.click()
    library.scan = real_scan  # type: ignore[method-assign]
    summary: ScanSummary = finished.args[0]
    assert summary.cancelled
    assert "Scan cancelled" in tab.scan_label.text()
    assert not tab.cancel_button.isVisible() and tab.scan_button.isEnabled()
    assert not tab.scanning
    # not everything was hashed; a new scan finishes the job
    hashed = [f for f in library.files(LibraryQuery()) if f.sha256]
    assert len(hashed) < 120
    summary = scan(qtbot, tab, [str(folder)], hash=True)
    assert not summary.cancelled
    assert all(f.sha256 for f in library.files(LibraryQuery()))


def test_details_pane_shows_metadata_hashes_and_provenance(
    qtbot: Any, main_window: MainWindow, hub: HubEmulator, tmp_path: Path
) -> None:
    from huggingface_hub import hf_hub_download

    files = build_models(tmp_path / "models")
    hub.create_repo("acme/tiny-llm", files={"tiny-q8.gguf": files["gguf"].read_bytes()})
    suite = main_window.ctx.suite
    cached = hf_hub_download(
        "acme/tiny-llm", "tiny-q8.gguf", cache_dir=suite.settings.hub_cache, endpoint=hub.url
    )
    tab = open_tab(qtbot, main_window)
    scan(qtbot, tab, None, hash=True)  # every root: the HF cache (a default root)
    scan(qtbot, tab, [str(tmp_path / "models")], hash=True)

    # a LoRA: training metadata in plain words, hashes
    assert tab.model.row_of(str(files["lora"])) is not None
    with qtbot.waitSignal(tab.details.provenance_shown, timeout=10000):
        tab.show_file(str(files["lora"]))
    assert tab.details.isVisible()
    text = tab.details.body.toPlainText()
    assert "Training (LoRA)" in text and "sdxl_base_v1-0" in text
    assert "Top tags" in text and "1girl (9)" in text and "Epochs" in text
    record = suite.library.file(files["lora"])
    assert record.sha256 and record.sha256 in text and (record.autov2 or "") in text
    assert "Unknown: not from the HF cache" in text  # no origin known: no upstream request

    # the GGUF in the HF cache: its keys, where it came from, and the upstream check
    blob = os.path.realpath(cached)
    tab.text_edit.setText("acme/tiny-llm")
    tab.apply_filter()
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, Column.SOURCE).data() == "acme/tiny-llm"
    assert tab.model.index(0, Column.LOCATION).data() == "HF cache"
    with qtbot.waitSignal(tab.details.provenance_shown, timeout=20000) as shown:
        tab.table.setFocus()
        tab.table.selectRow(0)
    text = tab.details.body.toPlainText()
    assert tab.details.record is not None and tab.details.record.path == blob
    assert "GGUF keys" in text and "general.name" in text and "tiny-test" in text
    assert "from acme/tiny-llm@" in text and "(HF cache)" in text
    assert shown.args[0].upstream.status == "unchanged"
    assert "unchanged upstream" in text

    # a new commit upstream: "Check upstream" says an update is available
    hub.repo("acme/tiny-llm").commit({"tiny-q8.gguf": b"GGUF" + os.urandom(4096)})
    with qtbot.waitSignal(tab.details.provenance_shown, timeout=20000) as shown:
        tab.details.check_button.click()
    assert shown.args[0].upstream.status == "changed"
    assert "update available" in tab.details.body.toPlainText()

    # copy path (keyboard) and the context menu's actions
    tab.table.setFocus()
    tab.actions_by_name["copy_path"].trigger()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == blob
    assert tab.actions_by_name["copy_path"].shortcut().toString() == "Ctrl+Shift+C"
    assert tab.context_actions() == ["details", "open_folder", "copy_path", "reveal"]


def disk_usage(folder: Path) -> int:
    """Bytes the files under ``folder`` take on disk (each inode once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for path in folder.rglob("*"):
        st = path.lstat()
        if path.is_file() and not path.is_symlink() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def test_reclaiming_a_duplicate_from_the_ui_frees_its_bytes(
    qtbot: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    files = build_models(models / "ComfyUI")
    (models / "A1111" / "Lora").mkdir(parents=True)
    big = write_safetensors(
        models / "ComfyUI" / "loras" / "big-lora.safetensors",
        {**LORA, "lora_te1_extra.lora_up.weight": (1024, 1024)},
        LORA_META,
    )
    copy = models / "A1111" / "Lora" / "big-lora.safetensors"
    shutil.copy(big, copy)
    shutil.copy(files["vae"], models / "A1111" / "vae-copy.safetensors")
    size = big.stat().st_size
    assert size > 2 * MIB
    tab = open_tab(qtbot, main_window)
    scan(qtbot, tab, [str(models)])

    # the duplicates view: two groups, the wasted bytes
    tab.dupes_button.click()
    assert tab.stack.currentWidget() is tab.dupes
    view = tab.dupes
    with qtbot.waitSignal(view.found, timeout=30000):
        view.find_button.click()
    assert view.result is not None and len(view.result.groups) == 2
    vae_size = files["vae"].stat().st_size
    assert view.result.wasted_bytes == size + vae_size
    assert view.model.rowCount() == 2
    assert "2 groups" in view.summary_label.text()
    group = view.model.item(0, 0)
    assert group.text() == "big-lora.safetensors · 2 copies"
    cells = sorted(group.child(i, 2).text() for i in range(2))
    assert cells == ["hard link to the kept copy", "kept"]

    # the dry run: the plan, nothing changed yet
    before = disk_usage(models)
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        view.reclaim_button.click()
    dialog = opened.args[0]
    assert "Dry run" in dialog.headline.text()
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 0).text() == "hard link"
    assert dialog.confirm_button.isEnabled()
    assert copy.stat().st_ino != big.stat().st_ino
    assert disk_usage(models) == before

    # confirm: the result, the bytes freed on disk
    with qtbot.waitSignal(view.reclaimed, timeout=30000) as reclaimed:
        dialog.confirm_button.click()
    run = reclaimed.args[0]
    assert dialog.result_shown is run
    assert run.report.done == 2 and run.report.failed == 0
    assert run.report.freed_bytes == size + vae_size
    assert "Reclaimed" in dialog.headline.text()
    assert not dialog.confirm_button.isVisible() and dialog.cancel_button.text() == "Close"
    assert copy.stat().st_ino == big.stat().st_ino  # one file now, two names
    freed = before - disk_usage(models)
    assert freed >= size, f"only {freed} bytes freed on disk"
    # the view looks again and finds nothing left to reclaim
    qtbot.waitUntil(lambda: view.result is not None and not view.busy, timeout=30000)
    assert view.result is not None and view.result.groups == []
    assert "No duplicates" in view.summary_label.text()
    dialog.close()


def test_reveal_duplicates_of_the_current_file(
    qtbot: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    files = build_models(tmp_path / "models")
    shutil.copy(files["vae"], tmp_path / "models" / "vae" / "again.safetensors")
    tab = open_tab(qtbot, main_window)
    scan(qtbot, tab, [str(tmp_path / "models")])
    row = tab.model.row_of(str(files["vae"]))
    assert row is not None
    tab.table.selectRow(row)
    with qtbot.waitSignal(tab.dupes.found, timeout=30000):
        tab.actions_by_name["reveal"].trigger()
    assert tab.stack.currentWidget() is tab.dupes
    current = tab.dupes.tree.currentIndex()
    assert current.isValid() and current.row() == 0
    assert tab.dupes.group_row_of(str(files["vae"])) == 0
    # double-click a copy: back to the file list with it selected
    tab.dupes.show_in_table.emit(str(files["vae"]))
    assert tab.stack.currentIndex() == 0
    assert tab.current_row() is not None and tab.current_row().path == str(files["vae"])


def test_scan_folders_dialog_adds_and_removes_roots(
    qtbot: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    build_models(tmp_path / "models")
    tab = open_tab(qtbot, main_window)
    scan(qtbot, tab, [str(tmp_path / "models")])
    assert tab.model.rowCount() == 4
    dialog = tab.manage_roots()
    qtbot.waitUntil(lambda: len(dialog.roots) == 2, timeout=20000)  # the HF cache and ours
    extra = tmp_path / "extra"
    extra.mkdir()
    dialog.add(str(extra))
    qtbot.waitUntil(lambda: len(dialog.roots) == 3, timeout=20000)
    assert [r.path for r in dialog.roots][-1] == str(extra)
    dialog.list.setCurrentRow([r.path for r in dialog.roots].index(str(tmp_path / "models")))
    dialog.remove_selected(confirm=False)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=20000)
    qtbot.waitUntil(lambda: len(dialog.roots) == 2, timeout=20000)
    dialog.close()


def test_delete_mode_plans_deletions_and_the_dialog_says_so(
    qtbot: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    files = build_models(tmp_path / "models")
    again = tmp_path / "models" / "vae" / "again.safetensors"
    shutil.copy(files["vae"], again)
    tab = open_tab(qtbot, main_window)
    scan(qtbot, tab, [str(tmp_path / "models")])
    tab.show_view(1)
    with qtbot.waitSignal(tab.dupes.found, timeout=30000):
        tab.dupes.find_button.click()
    tab.dupes.set_mode(ReclaimMode.DELETE)
    group = tab.dupes.model.item(0, 0)
    cells = sorted(group.child(i, 2).text() for i in range(2))
    assert cells[0].startswith("delete (frees ") and cells[1] == "kept"
    with qtbot.waitSignal(tab.dupes.dialog_opened, timeout=5000) as opened:
        tab.dupes.reclaim_button.click()
    dialog = opened.args[0]
    assert dialog.table.item(0, 0).text() == "delete"
    assert dialog.table.item(0, 2).text() == ""  # nothing kept in its place
    dialog.reject()  # cancelled: nothing changes
    assert again.exists() and files["vae"].exists()


def test_screenshot_stages_the_duplicates_view_and_a_files_details(
    qtbot: Any, qapp: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    from hfsuite.core.errors import UsageError
    from hfsuite.ui import app as ui_app
    from hfsuite.ui.screenshot import ScreenshotOptions

    files = build_models(tmp_path / "models")
    shutil.copy(files["vae"], tmp_path / "models" / "vae" / "again.safetensors")
    main_window.ctx.suite.library.scan([str(tmp_path / "models")])
    with pytest.raises(UsageError, match="--open duplicates"):
        ScreenshotOptions(tmp_path / "x.png", open_repo="acme/x").check_tab("library")
    ScreenshotOptions(tmp_path / "x.png", search="vae", select=("*.gguf",)).check_tab("library")

    shot = tmp_path / "details.png"
    options = ScreenshotOptions(shot, tab="library", select=("cat-style.safetensors",), settle_s=0)
    assert ui_app._screenshot(qapp, main_window, options) == 0
    assert shot.stat().st_size > 10_000
    tab: Any = main_window.tab_widget("library")
    assert tab.details.isVisible() and tab.details.settled
    assert tab.details.record.path == str(files["lora"])

    shot = tmp_path / "dupes.png"
    options = ScreenshotOptions(shot, tab="library", open_repo="duplicates", settle_s=0)
    assert ui_app._screenshot(qapp, main_window, options) == 0
    assert tab.stack.currentWidget() is tab.dupes
    assert tab.dupes.result is not None and len(tab.dupes.result.groups) == 1


def test_readable_metadata_of_a_gguf_and_a_lora() -> None:
    from hfsuite.ui.models.library_meta import readable_metadata

    gguf = {
        "general.name": "tiny",
        "tokenizer.ggml.tokens": {"count": 32000, "first": ["<s>", "</s>"]},
    }
    assert readable_metadata(gguf, "gguf") == [
        (
            "GGUF keys",
            [("general.name", "tiny"), ("tokenizer.ggml.tokens", "32,000 entries (<s>, </s>, …)")],
        )
    ]
    lora = {
        "ss_network_dim": "8",
        "ss_tag_frequency.top": [["cat", 5]],
        "ss_tag_frequency.count": 1,
        "ss_tag_frequency": "{...}",
        "modelspec.title": "Cats",
        "other": "x" * 400,
    }
    sections = dict(readable_metadata(lora, "safetensors"))
    assert sections["Training (LoRA)"] == [
        ("Network dim", "8"),
        ("Top tags", "cat (5) — 1 distinct tags"),
    ]
    assert sections["Model spec"] == [("title", "Cats")]
    ((key, value),) = sections["Header metadata"]
    assert key == "other" and len(value) == 300 and value.endswith("…")


def test_keyboard_reaches_every_action(qtbot: Any, main_window: MainWindow, tmp_path: Path) -> None:
    files = build_models(tmp_path / "models")
    shutil.copy(files["vae"], tmp_path / "models" / "vae" / "again.safetensors")
    tab = open_tab(qtbot, main_window)
    scan(qtbot, tab, [str(tmp_path / "models")])
    tab.table.setFocus()
    tab.table.selectRow(0)
    assert not tab.details.isVisible()
    qtbot.keyClick(tab.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert tab.details.isVisible()
    qtbot.keyClick(tab.table, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert tab.stack.currentWidget() is tab.dupes
    with qtbot.waitSignal(tab.dupes.found, timeout=30000):
        qtbot.keyClick(
            tab.dupes.tree,
            Qt.Key.Key_D,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    with qtbot.waitSignal(tab.dupes.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(
            tab.dupes.tree,
            Qt.Key.Key_K,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    opened.args[0].reject()
    qtbot.keyClick(tab.dupes.tree, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert tab.stack.currentIndex() == 0
    with qtbot.waitSignal(tab.scan_finished, timeout=30000):
        qtbot.keyClick(tab.table, Qt.Key.Key_F5)
