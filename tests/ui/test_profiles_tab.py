"""The Profiles tab end to end: a ComfyUI install laid out in the sandbox's home is detected and
its folders shown; "Detect again" makes its profiles; a profile is added, edited and removed
through the dialog, all stored by the same service as ``hfsuite profiles``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from tools_layouts import comfyui

from hfsuite.app.profiles import ProfileService
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.models.profiles_model import PATH_ROLE, ProfileColumn
from hfsuite.ui.tabs.profiles import ProfilesTab
from hfsuite.ui.tabs.profiles_icons import TOOL_COLORS, tool_icon, tool_kinds_with_icons


def _tab(qtbot: Any, window: MainWindow) -> ProfilesTab:
    tab = window.show_tab("profiles")
    assert isinstance(tab, ProfilesTab)
    qtbot.waitUntil(tab.is_ready, timeout=10000)
    return tab


def _reloaded(qtbot: Any, tab: ProfilesTab, action: Any) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        action()
    qtbot.waitUntil(tab.is_ready, timeout=10000)


def _texts(tab: ProfilesTab, column: int = ProfileColumn.NAME) -> list[str]:
    model = tab.profiles_model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_a_comfyui_install_in_home_shows_with_its_folders(
    qtbot: Any, main_window: MainWindow, sandbox: Path
) -> None:
    root = comfyui(sandbox / "ComfyUI", version="0.3.60")
    (root / "models" / "upscale_models").mkdir()
    tab = _tab(qtbot, main_window)
    model = tab.tools_model
    names = [model.item(r, 0).text() for r in range(model.rowCount())]
    assert "ComfyUI" in names
    row = names.index("ComfyUI")
    assert model.item(row, 1).text() == "0.3.60 · ~/ComfyUI"
    loras = model.find_folder("comfyui", "loras", root / "models" / "loras")
    assert loras.isValid()
    state = loras.siblingAtColumn(1).data()
    assert state.startswith("✓ exists") and "downloads go here" in state
    # a folder ComfyUI searches that is not there is shown as missing
    (root / "models" / "vae").rmdir()
    _reloaded(qtbot, tab, tab.reload)
    vae = tab.tools_model.find_folder("comfyui", "vae", root / "models" / "vae")
    assert vae.siblingAtColumn(1).data().startswith("✗ missing")
    # copy path works on the tree's current row
    tab.tree.setFocus()
    loras = tab.tools_model.find_folder("comfyui", "loras", root / "models" / "loras")
    tab.tree.setCurrentIndex(loras)
    assert tab.selected_folder() == root / "models" / "loras"
    tab.actions_by_name["profile_copy_path"].trigger()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == str(root / "models" / "loras")
    current = tab.tree.currentIndex()
    assert current.data(PATH_ROLE) == root / "models" / "loras"


def test_detect_again_makes_a_profile_per_tool_folder(
    qtbot: Any, main_window: MainWindow, sandbox: Path
) -> None:
    comfyui(sandbox / "ComfyUI")
    tab = _tab(qtbot, main_window)
    assert _texts(tab) == []
    assert not tab.busy.isVisible()

    def detect() -> None:
        tab.buttons["profile_detect"].click()
        assert tab.busy.isVisible() and not tab.buttons["profile_detect"].isEnabled()

    _reloaded(qtbot, tab, detect)
    assert not tab.busy.isVisible() and tab.buttons["profile_detect"].isEnabled()
    names = _texts(tab)
    assert {"comfyui-loras", "comfyui-checkpoints", "comfyui-vae"} <= set(names)
    row = names.index("comfyui-loras")
    assert tab.profiles_model.index(row, ProfileColumn.DESTINATION).data() == "comfyui:loras"
    assert tab.profiles_model.index(row, ProfileColumn.ORIGIN).data() == "detection"
    assert tab.last_detect is not None
    # the same profiles the CLI sees
    stored = {p.name for p in ProfileService(main_window.ctx.suite).list_profiles()}
    assert stored == set(names)


def test_add_edit_and_remove_a_profile_through_the_dialog(
    qtbot: Any, main_window: MainWindow, sandbox: Path, tmp_path: Path
) -> None:
    comfyui(sandbox / "ComfyUI")
    tab = _tab(qtbot, main_window)
    dialog = tab.add_profile()
    dialog.name_edit.setText("my-llms")
    dialog.set_folder(tmp_path / "LLMs")
    dialog.include_edit.setText("*.gguf, *.json")
    dialog.connections_spin.setValue(8)
    _reloaded(qtbot, tab, dialog.save_button.click)
    assert "my-llms" in _texts(tab)
    service = ProfileService(main_window.ctx.suite)
    stored = service.get("my-llms")
    assert stored.path == tmp_path / "LLMs"
    assert stored.defaults.include == ("*.gguf", "*.json")
    assert stored.defaults.connections == 8

    # a taken name is refused inside the dialog, which stays open
    again = tab.add_profile()
    again.name_edit.setText("my-llms")
    again.set_folder(tmp_path / "Other")
    again.save_button.click()
    qtbot.waitUntil(lambda: bool(again.message_text()), timeout=5000)
    assert "already exists" in again.message_text()
    assert again.isVisible()
    again.reject()

    # edit: a tool folder now, renamed
    assert tab.select_profile("my-llms")
    edit = tab.edit_profile()
    assert edit.include_edit.text() == "*.gguf, *.json"
    edit.name_edit.setText("comfy-loras")
    edit.set_tool_target("comfyui:loras")
    edit.subfolder_edit.setText("mine")
    _reloaded(qtbot, tab, edit.save_button.click)
    names = _texts(tab)
    assert "comfy-loras" in names and "my-llms" not in names
    edited = service.get("comfy-loras")
    assert edited.target is not None and edited.target.model_kind == "loras"
    assert edited.subfolder == "mine"
    assert edited.path == sandbox / "ComfyUI" / "models" / "loras"

    # remove, by keyboard
    assert tab.select_profile("comfy-loras")
    _reloaded(qtbot, tab, tab.actions_by_name["profile_remove"].trigger)
    assert "comfy-loras" not in _texts(tab)
    assert [p.name for p in service.list_profiles()] == []


def test_add_tool_folder_adds_an_install_outside_the_usual_places(
    qtbot: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    root = comfyui(tmp_path / "apps" / "comfy-elsewhere")
    tab = _tab(qtbot, main_window)
    assert tab.tools_model.rowCount() == 0
    assert tab.tools_empty.isVisible() and tab.profiles_empty.isVisible()
    _reloaded(qtbot, tab, lambda: tab.add_tool_folder(root))
    assert not tab.tools_empty.isVisible()
    assert tab.tools_model.find_folder("comfyui", "loras", root / "models" / "loras").isValid()


def test_every_tool_kind_has_a_distinct_icon(qtbot: Any) -> None:
    from hfsuite.app.tools import TOOL_KINDS

    assert set(tool_kinds_with_icons()) == set(TOOL_KINDS) == set(TOOL_COLORS)
    images = {kind: tool_icon(kind, "#000000").pixmap(20, 20).toImage() for kind in TOOL_KINDS}
    as_bytes = {kind: bytes(img.constBits()) for kind, img in images.items()}  # type: ignore[call-overload]
    assert len(set(as_bytes.values())) == len(TOOL_KINDS)


def test_share_folders_previews_the_yaml_then_applies_it_and_links_files(
    qtbot: Any, main_window: MainWindow, sandbox: Path
) -> None:
    from tools_layouts import a1111

    comfy = comfyui(sandbox / "ComfyUI")
    webui = a1111(sandbox / "stable-diffusion-webui")
    (webui / "models" / "Lora" / "style.safetensors").write_bytes(b"lora" * 100)
    tab = _tab(qtbot, main_window)
    dialog = tab.share_folders()
    assert dialog is not None
    dialog.choose("a1111", "comfyui")
    assert dialog.method_combo.currentData() == "yaml"
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        dialog.preview_button.click()
    preview = dialog.preview_box.toPlainText()
    assert "hfsuite_a1111" in preview and str(webui) in preview
    assert not (comfy / "extra_model_paths.yaml").exists()  # nothing written yet
    with qtbot.waitSignal(dialog.applied, timeout=10000):
        dialog.apply_button.click()
    written = (comfy / "extra_model_paths.yaml").read_text(encoding="utf-8")
    assert "hfsuite_a1111:" in written and "Lora" in written

    # links the other way: ComfyUI's lora appears in A1111's Lora folder as a hard link
    (comfy / "models" / "loras" / "detail.safetensors").write_bytes(b"detail" * 50)
    dialog.choose("comfyui", "a1111", "hardlink")
    dialog.kinds_edit.setText("loras")
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        dialog.preview_button.click()
    assert "+ loras:" in dialog.preview_box.toPlainText()
    with qtbot.waitSignal(dialog.applied, timeout=10000):
        dialog.apply_button.click()
    linked = webui / "models" / "Lora" / "detail.safetensors"
    assert linked.samefile(comfy / "models" / "loras" / "detail.safetensors")
    dialog.reject()
