"""read_refs() on random and mutated input: a WorkflowError (one line) at worst, never another
exception, never a path that escapes a folder."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from comfyui_media_builders import (
    a1111_jpeg,
    comfy_png,
    comfy_png_compressed,
    comfy_webp,
    flac_with_comments,
    mp4_with_metadata,
    webm_with_tags,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfsuite.core.errors import WorkflowError
from hfsuite.integrations.comfyui.names import normalise
from hfsuite.integrations.comfyui.reader import read_refs
from hfsuite.integrations.comfyui.refs import WorkflowRefs

DATA = Path(__file__).parent / "data"
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FUZZ_JSON = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _read(data: bytes, name: str = "f.bin") -> WorkflowRefs | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            found = read_refs(path)
        except WorkflowError as exc:
            assert exc.message and "\n" not in exc.message
            return None
    for ref in found.refs:
        if ref.refused is None:
            assert not ref.value.startswith("/") and ".." not in ref.value.split("/")
            assert "\0" not in ref.value and "\\" not in ref.value
    return found


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    return [
        (DATA / "comfyui_ui_subgraphs.json").read_bytes(),
        (DATA / "comfyui_api.json").read_bytes(),
        comfy_png(folder / "a.png").read_bytes(),
        comfy_png_compressed(folder / "b.png").read_bytes(),
        comfy_webp(folder / "c.webp").read_bytes(),
        a1111_jpeg(folder / "d.jpg").read_bytes(),
        flac_with_comments({"prompt": (DATA / "comfyui_api.json").read_text()}),
        mp4_with_metadata({"prompt": (DATA / "comfyui_api.json").read_text()}),
        webm_with_tags({"prompt": (DATA / "comfyui_api.json").read_text()}),
    ]


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    _read(data)


@FUZZ
@given(
    choice=st.integers(min_value=0, max_value=8),
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=8)), max_size=6
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_mutated_files(
    seeds: list[bytes], choice: int, edits: list[tuple[int, bytes]], cut: int | None
) -> None:
    data = bytearray(seeds[choice])
    for at, patch in edits:
        at %= len(data)
        data[at : at + len(patch)] = patch
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    _read(bytes(data))


_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "../x.safetensors",
            "C:\\a.ckpt",
            "/abs.pt",
            "a\\b.gguf",
            "embedding:e",
            "taesd",
            "x" * 1100,
        ]
    ),
)
_json = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
_node = st.fixed_dictionaries(
    {
        "id": st.one_of(st.integers(0, 20), st.text(max_size=4)),
        "type": st.one_of(
            st.sampled_from(
                ["CheckpointLoaderSimple", "LoraLoader", "CLIPTextEncode", "sg-a", "sg-b", "X"]
            ),
            st.text(max_size=8),
        ),
        "mode": st.sampled_from([0, 2, 4, None, "x"]),
        "widgets_values": _json,
        "inputs": _json,
        "properties": st.one_of(_json, st.fixed_dictionaries({"models": _json})),
    }
)


def _subgraph(sg_id: str) -> Any:
    return st.fixed_dictionaries(
        {
            "id": st.just(sg_id),
            "name": st.text(max_size=5),
            "nodes": st.lists(_node, max_size=4),
            "inputs": _json,
            "links": _json,
        }
    )


@FUZZ_JSON
@given(
    nodes=st.lists(_node, max_size=6),
    subgraphs=st.lists(st.one_of(_subgraph("sg-a"), _subgraph("sg-b"), _json), max_size=3),
    models=_json,
)
def test_random_ui_workflows(nodes: list[Any], subgraphs: list[Any], models: Any) -> None:
    """Cycles between sg-a and sg-b, junk where lists are expected: an error or refs."""
    doc = {
        "version": 0.4,
        "links": [],
        "nodes": nodes,
        "definitions": {"subgraphs": subgraphs},
        "models": models,
    }
    _read(json.dumps(doc).encode(), "w.json")


@FUZZ_JSON
@given(
    doc=st.dictionaries(
        st.text(max_size=6), st.dictionaries(st.text(max_size=8), _json, max_size=4), max_size=4
    )
)
def test_random_api_workflows(doc: dict[str, Any]) -> None:
    for node in doc.values():
        node.setdefault("class_type", "CheckpointLoaderSimple")
    _read(json.dumps(doc).encode(), "api.json")


@FUZZ
@given(raw=st.text(alphabet=st.sampled_from("ab./\\:\0C \n"), max_size=40) | st.text(max_size=60))
def test_a_normalised_name_never_leaves_its_folder(raw: str) -> None:
    name = normalise(raw)
    if name is None or name.refused:
        return
    parts = name.value.split("/")
    assert ".." not in parts and "" not in parts and "." not in parts
    assert not name.value.startswith("/")
    assert not re.match(r"[A-Za-z]:", name.value)  # no drive (C:…)
    assert "\\" not in name.value and "\0" not in name.value
