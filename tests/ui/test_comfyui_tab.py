"""The ComfyUI tab end to end against the emulator: a workflow dropped on the tab shows every
model it loads (present, to download, inactive apart); "Download missing" downloads the missing
ones into the install's folders and every row turns present; the event loop stays responsive
while a workflow is checked and resolved."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from test_downloads_perf import LatencyProbe
from tools_layouts import comfyui

from hfsuite.testing import HubEmulator
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.models.comfyui_model import RefColumn
from hfsuite.ui.tabs.comfyui import ComfyUITab

KIB = 1 << 10
#: Loader nodes of the big workflow whose check the event loop is probed during (about a
#: second of work here: enough 10 ms ticks for a 99th percentile).
BIG_NODES = 4000


def _node(node_id: int, node_type: str, widgets: list[Any], **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "mode": 0, "widgets_values": widgets, **extra}


def _declared(name: str, url: str, folder: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "url": url, "directory": folder,
            "hash": hashlib.sha256(data).hexdigest(), "hash_type": "sha256"}  # fmt: skip


@pytest.fixture
def world(hub: HubEmulator, sandbox: Path, tmp_path: Path) -> dict[str, Any]:
    """A ComfyUI install in the sandbox's home with one checkpoint, and a workflow that needs it,
    two LoRAs and a VAE the emulator serves (declared URLs), and a bypassed loader."""
    lora, detail, vae = (os.urandom(40 * KIB) for _ in range(3))
    hub.create_repo(
        "acme/loras", files={"style.safetensors": lora, "wan/detail.safetensors": detail}
    )
    hub.create_repo("acme/vae", files={"ae.safetensors": vae})
    root = comfyui(sandbox / "ComfyUI")
    (root / "models" / "checkpoints" / "base.safetensors").write_bytes(b"checkpoint")
    base = f"{hub.url}/acme"

    def loader(
        node_id: int, kind: str, widgets: list[Any], name: str, path: str, data: bytes
    ) -> dict[str, Any]:
        folder = "vae" if kind == "VAELoader" else "loras"
        declared = _declared(name, f"{base}/{path}", folder, data)
        return _node(node_id, kind, widgets, properties={"models": [declared]})

    nodes = [
        _node(1, "CheckpointLoaderSimple", ["base.safetensors"]),
        loader(
            2,
            "LoraLoader",
            ["style.safetensors", 1.0, 1.0],
            "style.safetensors",
            "loras/resolve/main/style.safetensors",
            lora,
        ),
        loader(
            3,
            "LoraLoader",
            ["Wan/detail.safetensors", 0.8, 0.8],
            "detail.safetensors",
            "loras/resolve/main/wan/detail.safetensors",
            detail,
        ),
        loader(
            4,
            "VAELoader",
            ["ae.safetensors"],
            "ae.safetensors",
            "vae/resolve/main/ae.safetensors",
            vae,
        ),
        {**_node(5, "LoraLoader", ["muted.safetensors", 1.0, 1.0]), "mode": 4},
    ]
    flow = tmp_path / "workflow.json"
    flow.write_text(json.dumps({"last_node_id": 5, "nodes": nodes, "links": []}))
    return {
        "root": root,
        "flow": flow,
        "files": {
            root / "models" / "loras" / "style.safetensors": lora,
            root / "models" / "loras" / "Wan" / "detail.safetensors": detail,
            root / "models" / "vae" / "ae.safetensors": vae,
        },
    }


def _tab(qtbot: Any, window: MainWindow) -> ComfyUITab:
    tab = window.show_tab("comfyui")
    assert isinstance(tab, ComfyUITab)
    qtbot.waitUntil(tab.is_ready, timeout=15000)
    return tab


def _drop(tab: ComfyUITab, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    tab.dropEvent(event)


def _files(tab: ComfyUITab) -> dict[str, str]:
    return {row.item.ref.value: row.state for row in tab.model.rows}


def test_a_dropped_workflow_is_checked_and_its_missing_models_downloaded(
    qtbot: Any, main_window: MainWindow, world: dict[str, Any]
) -> None:
    tab = _tab(qtbot, main_window)
    assert tab.install == str(world["root"])  # the install in the home was detected
    assert tab.drop_hint.isVisible() and not tab.download_button.isEnabled()
    with qtbot.waitSignal(tab.checked, timeout=30000):
        _drop(tab, world["flow"])
    assert _files(tab) == {
        "base.safetensors": "present",
        "style.safetensors": "resolved",
        "Wan/detail.safetensors": "resolved",
        "ae.safetensors": "resolved",
    }
    # the bypassed loader is listed apart, not checked
    assert [r.item.ref.value for r in tab.inactive_model.rows] == ["muted.safetensors"]
    assert tab.inactive_table.isVisible() and "1" in tab.inactive_button.text()
    row = next(r for r in tab.model.rows if r.item.ref.value == "Wan/detail.safetensors")
    assert row.cells[RefColumn.FOLDER] == "loras"
    assert row.cells[RefColumn.SOURCE].startswith("workflow: acme/loras")
    assert row.cells[RefColumn.WHERE].endswith(os.path.join("loras", "Wan", "detail.safetensors"))
    assert "3 to download" in tab.summary_label.text()
    assert tab.download_button.isEnabled()

    asked: list[str] = []

    def confirm(text: str) -> bool:
        asked.append(text)
        return True

    tab.confirm = confirm
    seen_states: set[str] = set()
    tab.model.dataChanged.connect(lambda *_a: seen_states.update(tab.model.states()))
    with qtbot.waitSignal(tab.fetched, timeout=60000) as fetched:
        tab.download_missing()
    assert "Download 3 file(s)" in asked[0] and "detail.safetensors" in asked[0]
    assert [s.result for s in fetched.args[0]] == ["downloaded"] * 3
    assert {"queued", "downloaded"} <= seen_states  # the rows followed their downloads
    qtbot.waitUntil(lambda: not tab.checking, timeout=30000)
    assert set(_files(tab).values()) == {"present"}  # checked again: every row is present
    for path, data in world["files"].items():
        assert path.read_bytes() == data
    assert not tab.download_button.isEnabled()
    # the downloads were ordinary tasks: they are in the history
    with main_window.ctx.suite.database.read() as uow:
        done = {Path(f.path).name for r in uow.history.find() for f in r.files}
    assert {"style.safetensors", "detail.safetensors", "ae.safetensors"} <= done


def test_pasted_json_a_broken_file_and_another_install(
    qtbot: Any, main_window: MainWindow, world: dict[str, Any], tmp_path: Path
) -> None:
    tab = _tab(qtbot, main_window)
    QGuiApplication.clipboard().setText(world["flow"].read_text())
    with qtbot.waitSignal(tab.checked, timeout=30000):
        tab.paste()
    assert tab.file is not None and tab.file.name.startswith("hfsuite-pasted-")
    assert tab.summary_label.text().startswith("pasted JSON")
    assert len(tab.model.rows) == 4
    # not JSON on the clipboard: a notice, the workflow shown stays
    notices: list[str] = []
    main_window.ctx.notifier = notices.append
    QGuiApplication.clipboard().setText("not json {")
    tab.paste()
    assert notices == ["The clipboard holds no workflow JSON."] and len(tab.model.rows) == 4
    # a file that is no workflow: a clear error, an empty table
    errors: list[BaseException] = []
    main_window.ctx.error_presenter = errors.append
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    tab.open_file(broken)
    qtbot.waitUntil(lambda: not tab.checking and bool(errors), timeout=30000)
    assert "broken.png" in tab.summary_label.text() and not tab.model.rows
    assert tab.drop_hint.isVisible()
    # another install, chosen by folder: nothing of the workflow is there
    other = comfyui(tmp_path / "OtherComfy")
    tab.file = world["flow"]
    with qtbot.waitSignal(tab.checked, timeout=30000):
        tab.add_install_folder(other)
    assert tab.install == str(other)
    assert _files(tab)["base.safetensors"] == "unresolved"
    pasted = next(tmp_path.parent.glob("**/hfsuite-pasted-*"), None)
    tab.close()
    assert pasted is None or not pasted.exists()


def test_a_screenshot_stages_the_workflow_and_selects_a_file_to_download(
    qtbot: Any, main_window: MainWindow, world: dict[str, Any]
) -> None:
    from hfsuite.ui.screenshot import ScreenshotOptions

    tab = _tab(qtbot, main_window)

    def wait(condition: Any) -> None:
        qtbot.waitUntil(condition, timeout=30000)

    options = ScreenshotOptions(Path("x.png"), tab="comfyui", open_repo=str(world["flow"]),
                                search=str(world["root"]))  # fmt: skip
    options.check_tab("comfyui")
    tab.prepare_screenshot(options, wait)
    assert tab.install == str(world["root"]) and len(tab.model.rows) == 4
    current = tab.model.row_at(tab.table.currentIndex())
    assert current is not None and current.state == "resolved"
    assert "Goes to" in tab.details.toPlainText()


def test_cancel_keeps_the_partial_download_and_the_rows_stay_missing(
    qtbot: Any, main_window: MainWindow, world: dict[str, Any], hub: HubEmulator
) -> None:
    hub.throttle(total_bps=64 << 10)  # 120 KiB to fetch: about two seconds
    tab = _tab(qtbot, main_window)
    with qtbot.waitSignal(tab.checked, timeout=30000):
        tab.open_file(world["flow"])
    notices: list[str] = []
    main_window.ctx.notifier = notices.append
    tab.confirm = lambda text: True
    tab.download_missing()
    assert tab.cancel_button.isVisible() and not tab.download_button.isVisible()
    qtbot.waitUntil(lambda: "downloading" in tab.model.states(), timeout=20000)
    with qtbot.waitSignal(tab.fetched, timeout=30000):
        tab.actions_by_name["cancel"].trigger()
    qtbot.waitUntil(lambda: not tab.checking, timeout=30000)
    assert notices and notices[-1].startswith("Cancelled: the partial download is kept")
    states = _files(tab)
    assert states["base.safetensors"] == "present"
    assert "resolved" in states.values()  # what was not finished is still to download
    assert tab.download_button.isVisible() and tab.download_button.isEnabled()


@pytest.mark.slow
def test_the_event_loop_stays_responsive_while_a_workflow_is_resolved(
    qtbot: Any, main_window: MainWindow, world: dict[str, Any], tmp_path: Path
) -> None:
    # a big workflow: thousands of loaders, every name resolved through a declared URL
    nodes = []
    base = json.loads(world["flow"].read_text())["nodes"]
    for i in range(BIG_NODES):
        node = json.loads(json.dumps(base[1 + i % 3]))
        node["id"] = 10 + i
        nodes.append(node)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"last_node_id": BIG_NODES + 10, "nodes": nodes, "links": []}))
    tab = _tab(qtbot, main_window)
    from hfsuite.ui.app import tune_for_responsiveness

    tune_for_responsiveness()
    probe = LatencyProbe()
    probe.start()
    started = time.monotonic()
    with qtbot.waitSignal(tab.checked, timeout=120000):
        tab.open_file(big)
    elapsed = time.monotonic() - started
    worst_ms = probe.stop()
    p99_ms = probe.percentile(0.99)
    print(f"event-loop gaps while resolving: 99 % within {p99_ms} ms, worst {worst_ms} ms, "
          f"{BIG_NODES} references checked in {elapsed:.1f} s")  # fmt: skip
    assert len(tab.model.rows) == BIG_NODES
    assert elapsed > 0.3  # the check really took a while
    assert p99_ms < 50, f"the event loop was late: 1 % of its ticks waited over {p99_ms} ms"
    assert worst_ms < 200, f"the event loop froze for {worst_ms} ms"
