"""The messages of ``hfsuite share`` and ``hfsuite sync`` are in docs/errors.md word for word
(placeholders aside), with their exit codes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integrations"))
from tools_layouts import a1111, comfyui, touch

from hfsuite.app.share import parse_kinds, plan_links, plan_yaml, resolve_pair
from hfsuite.app.sync.document import parse_document
from hfsuite.app.sync.folder import check_folder
from hfsuite.app.sync.transfer import read_document
from hfsuite.app.tools import ToolRegistry
from hfsuite.core.errors import HfSuiteError
from hfsuite.integrations.tools.host import Host

ERRORS_MD = Path(__file__).resolve().parents[3] / "docs" / "errors.md"


def _rows(title: str) -> list[tuple[re.Pattern[str], int]]:
    section = ERRORS_MD.read_text(encoding="utf-8").split(f"## {title}", 1)[1]
    section = section.split("\n## ", 1)[0]
    found = []
    for row in (line for line in section.splitlines() if line.startswith("| `")):
        cells = row.split(" | ")
        text = re.findall(r"`([^`]+)`", cells[0])[0]
        pattern = re.sub(r"<[^>]+>", ".+", re.escape(text).replace("\\<", "<").replace("\\>", ">"))
        found.append((re.compile(pattern, re.S), int(cells[1])))
    return found


def _check(title: str, error: HfSuiteError) -> None:
    matches = [code for pattern, code in _rows(title) if pattern.fullmatch(error.message)]
    assert matches, f"not in docs/errors.md: {error.message}"
    assert error.exit_code in matches


def test_every_share_message_is_documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    comfyui(home / "ComfyUI")
    sd = a1111(home / "stable-diffusion-webui")
    touch(sd / "models" / "Lora" / "x.safetensors", "x")
    lms = home / ".lmstudio"
    touch(lms / "settings.json", "{}")
    (lms / "models").mkdir()
    (home / ".ollama" / "models" / "manifests").mkdir(parents=True)
    found = ToolRegistry(tmp_path / "cfg", Host(home=home, system=False)).detect()
    src, dst = resolve_pair(found, "a1111", "comfyui")
    title = "Sharing folders (`hfsuite share`)"
    attempts = [
        lambda: resolve_pair(found, "comfyui", "comfyui"),
        lambda: plan_yaml(*resolve_pair(found, "comfyui", "a1111"), None),
        lambda: parse_kinds("lora", src),
        lambda: parse_kinds(" , ", src),
        lambda: plan_links(src, dst, None, "copy"),
        lambda: plan_links(*resolve_pair(found, "a1111", "lmstudio"), None, "hardlink"),
        lambda: plan_links(*resolve_pair(found, "ollama", "lmstudio"), None, "symlink"),
    ]
    touch(home / "ComfyUI" / "extra_model_paths.yaml", "a: [1\n")
    attempts.append(lambda: plan_yaml(src, dst, None))
    for attempt in attempts:
        with pytest.raises(HfSuiteError) as caught:
            attempt()
        _check(title, caught.value)
    (home / "ComfyUI" / "extra_model_paths.yaml").unlink()
    for sub in list((sd / "models").iterdir()):
        if sub.name != "Lora":
            sub.rmdir()
    (sd / "models" / "Lora" / "x.safetensors").unlink()
    (sd / "models" / "Lora").rmdir()
    with pytest.raises(HfSuiteError) as caught:
        plan_yaml(*resolve_pair(found, "a1111", "comfyui"), None)
    _check(title, caught.value)
    touch(sd / "models" / "Lora" / "x.safetensors", "x")
    import hfsuite.app.share as share

    monkeypatch.setattr(share, "_device_of", lambda path: -1)
    with pytest.raises(HfSuiteError) as caught:
        plan_links(src, dst, ("loras",), "hardlink")
    _check(title, caught.value)


def test_every_sync_message_is_documented(tmp_path: Path) -> None:
    title = "Settings sync (`hfsuite sync`)"
    (tmp_path / "f").write_text("x")
    attempts = [
        lambda: parse_document("{", "x.json"),
        lambda: parse_document('{"format": "hfsuite-sync", "version": 7}', "x.json"),
        lambda: read_document(tmp_path / "nope.json"),
        lambda: check_folder(tmp_path / "f"),
    ]
    for attempt in attempts:
        with pytest.raises(HfSuiteError) as caught:
            attempt()
        _check(title, caught.value)
