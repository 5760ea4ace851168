"""Every message `hfsuite comfyui refs` can fail with is in docs/errors.md (placeholders as
``<name>``), produced here for real."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from comfyui_media_builders import png_chunk, raw_png

from hfsuite.core.errors import WorkflowError
from hfsuite.integrations.comfyui import reader
from hfsuite.integrations.comfyui.reader import read_refs

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")
SECTION = DOC[DOC.index("## ComfyUI workflows") :]
ROWS = [
    re.compile(
        "^"
        + "".join(".+" if p.startswith("<") else re.escape(p) for p in re.split(r"(<[^>]+>)", m))
        + "$"
    )
    for m in re.findall(r"^\| `([^`]+)` \| 2 \|", SECTION, flags=re.M)
]


def _documented(message: str) -> bool:
    return any(row.match(message) for row in ROWS)


def _ui(nodes: list[object], subgraphs: list[object] | None = None) -> str:
    return json.dumps(
        {"version": 0.4, "links": [], "nodes": nodes, "definitions": {"subgraphs": subgraphs or []}}
    )


def _cycle() -> str:
    a = {"id": "a", "name": "A", "nodes": [{"id": 1, "type": "a"}]}
    return _ui([{"id": 1, "type": "a"}], [a])


def _deep_subgraphs() -> str:
    subgraphs = [
        {"id": f"s{i}", "name": f"s{i}", "nodes": [{"id": 1, "type": f"s{i + 1}"}]}
        for i in range(40)
    ]
    return _ui([{"id": 1, "type": "s0"}], subgraphs)


CASES = {
    "missing": None,
    "folder": "",
    "broken": '{"nodes": [',
    "deep": "[" * 100_000,
    "other-json": '{"a": 1}',
    "text": "hello",
    "cycle": _cycle(),
    "nesting": _deep_subgraphs(),
    "refs": _ui(
        [{"id": i, "type": "VAELoader", "widgets_values": [f"v{i}"]} for i in range(50_001)]
    ),
    "nodes": _ui(
        [{"id": 1, "type": "s0"}],
        [
            {
                "id": f"s{i}",
                "name": "s",
                "nodes": [{"id": k, "type": f"s{i + 1}"} for k in range(10)],
            }
            for i in range(6)
        ],
    ),
    "big": _ui([]) + " " * 100,
}


@pytest.mark.parametrize("case", CASES)
def test_message_is_documented(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if case == "big":
        monkeypatch.setattr(reader, "MAX_JSON_BYTES", 50)
    path = tmp_path / f"{case}.json"
    content = CASES[case]
    if case == "folder":
        path.mkdir()
    elif content is not None:
        path.write_text(content)
    with pytest.raises(WorkflowError) as info:
        read_refs(path)
    assert _documented(info.value.message), info.value.message


def test_no_workflow_message_is_documented(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    path.write_bytes(raw_png(png_chunk(b"tEXt", b"Comment\0hi")))
    with pytest.raises(WorkflowError) as info:
        read_refs(path)
    assert _documented(info.value.message), info.value.message
