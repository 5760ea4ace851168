"""The comparison dialog against the emulator: two repositories side by side (added, removed and
changed rows, config.json differences, tags, license), two revisions of one, two local model
files by their headers, and mistakes shown in the dialog."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext
from hfsuite.ui.dialogs.compare_dialog import CompareDialog, stage_for_screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "library"))
from model_builders import VAE, write_gguf, write_safetensors

KIB = 1 << 10


def _config(**values: Any) -> bytes:
    return json.dumps({"architectures": ["LlamaForCausalLM"], **values}).encode()


@pytest.fixture
def two_repos(hub: HubEmulator) -> HubEmulator:
    shared = os.urandom(64 * KIB)
    hub.create_repo(
        "acme/small",
        files={
            "config.json": _config(hidden_size=2048, rope_scaling={"factor": 8.0}),
            "tokenizer.json": shared,
            "model.safetensors": os.urandom(96 * KIB),
            "notes.txt": b"v1",
        },
        tags=["llama", "en", "license:llama3.2"],
        card_data={"license": "llama3.2"},
    )
    hub.create_repo(
        "acme/big",
        files={
            "config.json": _config(hidden_size=4096, num_hidden_layers=32),
            "tokenizer.json": shared,
            "model-00001-of-00002.safetensors": os.urandom(80 * KIB),
            "model-00002-of-00002.safetensors": os.urandom(40 * KIB),
            "notes.txt": b"v2",
        },
        tags=["llama", "conversational", "license:llama3.1"],
        card_data={"license": "llama3.1"},
    )
    return hub


def _open(qtbot: Any, ctx: UiContext, a: str, b: str) -> CompareDialog:
    dialog = CompareDialog(ctx, a, b, start=False)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    # Not shown: the checks read the widgets' state, not pixels, and every repaint is more calls
    # into PySide6, whose 6.12.0 wheels on Python 3.11 drop a reference to None on each call
    # that returns nothing (a process crashes once None's count runs out).
    with qtbot.waitSignal(dialog.compared, timeout=20000):
        dialog.run()
    return dialog


def test_two_emulator_repos_show_added_removed_and_changed_rows(
    qtbot: Any, ctx: UiContext, two_repos: HubEmulator
) -> None:
    dialog = _open(qtbot, ctx, "acme/small", "acme/big")
    rows = {r[1]: (r[0], r[2], r[3], r[4]) for r in dialog.rows("files")}
    assert rows == {
        "config.json": ("~", rows["config.json"][1], rows["config.json"][2], "changed"),
        "model-00001-of-00002.safetensors": ("+", "—", "80.0 KiB", "added"),
        "model-00002-of-00002.safetensors": ("+", "—", "40.0 KiB", "added"),
        "model.safetensors": ("−", "96.0 KiB", "—", "removed"),
        "notes.txt": ("~", "2 B", "2 B", "changed"),  # same size, another blob
    }
    dialog.show_same.setChecked(True)
    assert ("", "tokenizer.json", "64.0 KiB", "64.0 KiB", "same") in dialog.rows("files")
    config = {r[1]: (r[0], r[2], r[3]) for r in dialog.rows("config")}
    assert config == {
        "hidden_size": ("~", "2048", "4096"),
        "num_hidden_layers": ("+", "—", "32"),
        "rope_scaling.factor": ("−", "8.0", "—"),
    }
    assert dialog.tabs.tabText(0) == "Files (5)"
    assert dialog.tabs.tabText(1) == "Config (3)"
    assert "license llama3.2" in dialog.card_a.facts.text()
    assert "license llama3.1" in dialog.card_b.facts.text()
    assert "conversational" in dialog.card_b.facts.text()
    result = dialog.comparison
    assert result is not None
    assert result.tags_added == ("conversational",) and result.tags_removed == ("en",)
    assert "3 removed" not in dialog.summary_label.text()
    assert "<b>2</b> added" in dialog.summary_label.text()


def test_two_revisions_of_one_repo(qtbot: Any, ctx: UiContext, hub: HubEmulator) -> None:
    repo = hub.create_repo("acme/m", files={"config.json": _config(v=1), "w.bin": b"a" * 100})
    repo.create_tag("v1.0")
    repo.commit({"config.json": _config(v=2), "extra.bin": b"x"})
    dialog = _open(qtbot, ctx, "acme/m@v1.0", "@main")
    assert [(r[1], r[4]) for r in dialog.rows("files")] == [
        ("config.json", "changed"),
        ("extra.bin", "added"),
    ]
    assert dialog.rows("config") == [("~", "v", "1", "2")]
    assert dialog.card_b.title.text() == "B · acme/m@main"


def test_two_local_files_by_their_headers(qtbot: Any, ctx: UiContext, tmp_path: Path) -> None:
    a = write_safetensors(tmp_path / "a.safetensors", VAE, {"note": "first"})
    b = write_safetensors(
        tmp_path / "b.safetensors", {**VAE, "post_quant_conv.weight": (4, 4, 1, 1)}
    )
    dialog = _open(qtbot, ctx, str(a), str(b))
    config = {r[1]: (r[2], r[3]) for r in dialog.rows("config")}
    assert config["tensors"] == ("5", "6")
    assert config["metadata.note"] == ("first", "—")
    assert config["tensor names only in B"][1].startswith("1: post_quant_conv.weight")
    assert dialog.tabs.tabText(1).startswith("Header")
    g = write_gguf(tmp_path / "c.gguf")  # type: ignore[call-arg]
    dialog.b_edit.setText(str(g))
    with qtbot.waitSignal(dialog.compared, timeout=20000):
        dialog.run()
    config = {r[1]: (r[2], r[3]) for r in dialog.rows("config")}
    assert config["format"] == ("safetensors", "gguf")
    assert config["metadata.general.architecture"] == ("—", "llama")


def test_mistakes_are_shown_in_the_dialog(
    qtbot: Any, ctx: UiContext, two_repos: HubEmulator, tmp_path: Path
) -> None:
    dialog = CompareDialog(ctx, "acme/small", "acme/nope", start=False)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed, timeout=20000):
        dialog.run()
    assert "acme/nope" in dialog.status_label.text()
    assert "not found" in dialog.status_label.text()
    assert dialog.comparison is None and dialog.compare_button.isEnabled()
    f = write_safetensors(tmp_path / "a.safetensors", VAE)
    dialog.b_edit.setText(str(f))
    with qtbot.waitSignal(dialog.failed, timeout=20000):
        dialog.run()
    assert "only be compared with another model file" in dialog.status_label.text()


def test_stage_for_screenshot(qtbot: Any, ctx: UiContext, two_repos: HubEmulator) -> None:
    class Options:
        size = (1280, 800)
        timeout_s = 20.0
        select = ("acme/small", "acme/big")

    dialog = stage_for_screenshot(ctx, Options())
    qtbot.addWidget(dialog)
    assert isinstance(dialog, CompareDialog)
    assert dialog.comparison is not None and len(dialog.rows("files")) == 5
