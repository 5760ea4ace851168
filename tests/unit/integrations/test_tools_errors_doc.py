"""The messages of ``hfsuite tools`` are in docs/errors.md word for word (placeholders aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tools_layouts import comfyui, touch

from hfsuite.app.tools import ToolRegistry, backup_file, destination_for
from hfsuite.core.errors import HfSuiteError
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import DetectedTool

ERRORS_MD = Path(__file__).resolve().parents[3] / "docs" / "errors.md"


def _rows() -> list[tuple[re.Pattern[str], int]]:
    section = ERRORS_MD.read_text(encoding="utf-8").split("## Model tools (`hfsuite tools`)", 1)[1]
    section = section.split("\n## ", 1)[0]
    found = []
    for row in (line for line in section.splitlines() if line.startswith("| `")):
        cells = row.split(" | ")
        text = re.findall(r"`([^`]+)`", cells[0])[0]
        pattern = re.sub(r"<[^>]+>", ".+", re.escape(text).replace("\\<", "<").replace("\\>", ">"))
        found.append((re.compile(pattern, re.S), int(cells[1])))
    return found


def _check(error: HfSuiteError) -> None:
    matches = [code for pattern, code in _rows() if pattern.fullmatch(error.message)]
    assert matches, f"not in docs/errors.md: {error.message}"
    assert error.exit_code in matches


def test_every_tools_message_is_documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "h"
    home.mkdir()
    registry = ToolRegistry(tmp_path / "config", Host(home=home, system=False))
    (tmp_path / "empty").mkdir()
    root = comfyui(tmp_path / "c")
    comfyui(home / "ComfyUI")
    attempts = [
        lambda: registry.add(tmp_path / "missing"),
        lambda: registry.add(touch(tmp_path / "file")),
        lambda: registry.add(root, "paint"),
        lambda: registry.add(tmp_path / "empty"),
        lambda: registry.add(root, "ollama"),
        lambda: registry.remove("nope"),
        lambda: registry.remove("comfyui"),
        lambda: destination_for(DetectedTool("ollama", "ollama", None, tmp_path), "llm"),
    ]
    for attempt in attempts:
        with pytest.raises(HfSuiteError) as caught:
            attempt()
        _check(caught.value)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("shutil.copy2", refuse)
    with pytest.raises(HfSuiteError) as caught:
        backup_file(touch(tmp_path / "x.yaml", "a: 1\n"))
    _check(caught.value)
    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(HfSuiteError) as caught:
        registry.add(root)
    _check(caught.value)
    assert len(_rows()) == 11
