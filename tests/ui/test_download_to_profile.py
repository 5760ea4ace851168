"""Downloads from the window to a profile or a tool's folder: the Add dialog and the Browse tab's
download bar list them, the plan shows where files land, and the file lands there (emulator),
through the same call as the command line's ``--profile`` / ``--to``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from tools_layouts import comfyui

from hfsuite.app.profiles import ProfileDefaults, ProfileService
from hfsuite.core.types import TaskState
from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.tabs.browse import BrowseTab

LORA = bytes((i * 7) % 251 for i in range(50_000))
FILES = {"detail_lora.safetensors": LORA, "README.md": b"# A LoRA\n", "notes.txt": b"hello"}


def _done(ctx: UiContext, task_id: int) -> bool:
    task = ctx.manager.get(task_id)
    return task is not None and task.state in (TaskState.COMPLETED, TaskState.FAILED)


def test_add_dialog_queues_to_a_profile_and_the_file_lands_in_the_tool_folder(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, hub: HubEmulator, sandbox: Path
) -> None:
    root = comfyui(sandbox / "ComfyUI")
    hub.create_repo("acme/detail-lora", files=FILES)
    service = ProfileService(ctx.suite)
    profile = service.build(
        "comfy-loras",
        to="comfyui:loras",
        defaults=ProfileDefaults(include=("*.safetensors",)),
    )
    service.add(profile)

    dialog = main_window.add_requested("")
    qtbot.waitUntil(lambda: dialog.choices_loaded, timeout=10000)
    labels = [dialog.layout_combo.itemText(i) for i in range(dialog.layout_combo.count())]
    assert "Profile comfy-loras" in labels and "ComfyUI · loras" in labels
    assert dialog.choose_target(profile="comfy-loras")
    assert dialog.path_edit.isReadOnly()
    assert Path(dialog.path_edit.text()) == root / "models" / "loras"
    with qtbot.waitSignal(dialog.preview_ready, timeout=15000):
        dialog.names.setPlainText("acme/detail-lora")
        dialog.preview_now()
    plan = dialog.result_preview.plans[0]
    assert plan.error is None, plan.error
    assert plan.destination.path == root / "models" / "loras"
    assert [f.path for f in plan.files] == ["detail_lora.safetensors"]  # the profile's include
    dialog.add_button.click()
    qtbot.waitUntil(lambda: bool(dialog.added_ids), timeout=5000)
    (task_id,) = dialog.added_ids
    qtbot.waitUntil(lambda: _done(ctx, task_id), timeout=30000)
    task = ctx.manager.get(task_id)
    assert task is not None and task.state is TaskState.COMPLETED, task.error
    assert task.profile_id == service.get("comfy-loras").id
    assert (root / "models" / "loras" / "detail_lora.safetensors").read_bytes() == LORA
    assert not (root / "models" / "loras" / "README.md").exists()


def test_browse_download_bar_sends_a_repository_to_a_tool_folder(
    qtbot: Any, ctx: UiContext, hub: HubEmulator, sandbox: Path
) -> None:
    root = comfyui(sandbox / "ComfyUI")
    hub.create_repo("acme/detail-lora", files=FILES)
    tab = BrowseTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    qtbot.waitUntil(tab.is_ready, timeout=15000)
    tab.open_repo("acme/detail-lora")
    qtbot.waitUntil(lambda: tab.opened is not None, timeout=15000)
    bar = tab.download_bar
    qtbot.waitUntil(lambda: bar.choices_loaded, timeout=10000)
    assert bar.choose_target(to="comfyui:loras")
    assert not bar.dest_selector.isEnabled()
    assert Path(bar.dest_selector.path()) == root / "models" / "loras"
    model = tab.files_model
    for row, entry in enumerate(model.files):
        if entry.path == "detail_lora.safetensors":
            from PySide6.QtCore import Qt

            model.setData(
                model.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
            )
    with qtbot.waitSignal(tab.tasks_queued, timeout=15000) as queued:
        bar.download_selected()
    (task_id,) = queued.args[0]
    qtbot.waitUntil(lambda: _done(ctx, task_id), timeout=30000)
    task = ctx.manager.get(task_id)
    assert task is not None and task.state is TaskState.COMPLETED, task.error
    assert (root / "models" / "loras" / "detail_lora.safetensors").read_bytes() == LORA
    assert not (root / "models" / "loras" / "notes.txt").exists()


def test_a_tool_folder_with_a_detected_profile_is_listed_once(
    ctx: UiContext, sandbox: Path
) -> None:
    from hfsuite.app.target_choices import download_choices

    comfyui(sandbox / "ComfyUI")
    labels = [c.label for c in download_choices(ctx.suite)]
    assert "ComfyUI · loras" in labels and "Profile comfyui-loras" not in labels
    service = ProfileService(ctx.suite)
    service.detect()
    choices = download_choices(ctx.suite)
    labels = [c.label for c in choices]
    assert "Profile comfyui-loras" in labels and "ComfyUI · loras" not in labels
    loras = next(c for c in choices if c.profile == "comfyui-loras")
    assert loras.folder == sandbox / "ComfyUI" / "models" / "loras"
    service.remove("comfyui-loras")
    assert "ComfyUI · loras" in [c.label for c in download_choices(ctx.suite)]
