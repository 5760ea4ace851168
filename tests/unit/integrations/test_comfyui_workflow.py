"""Reading ComfyUI workflow JSON: loaders by position, subgraphs, inactive nodes, declared
models, hostile names (self-made fixtures under data/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hfsuite.core.errors import UsageError, WorkflowError
from hfsuite.integrations.comfyui.names import canonical_folder, embedding_candidates, normalise
from hfsuite.integrations.comfyui.node_table import LOADERS
from hfsuite.integrations.comfyui.reader import read_refs
from hfsuite.integrations.comfyui.refs import ModelRef, hf_resolve_url, prompt_embeddings

DATA = Path(__file__).parent / "data"


def _by_node(refs: list[ModelRef]) -> dict[tuple[str | None, str], ModelRef]:
    return {(r.node_id, r.value): r for r in refs}


@pytest.fixture(scope="module")
def ui_refs() -> dict[tuple[str | None, str], ModelRef]:
    found = read_refs(DATA / "comfyui_ui_subgraphs.json")
    assert found.source_format == "ui-json"
    assert found.contents == ["workflow"]
    return _by_node(found.refs)


def test_windows_subfolder_and_declared_url_hash(ui_refs: dict[Any, ModelRef]) -> None:
    ckpt = ui_refs[("1", "sdxl/base.safetensors")]
    assert (ckpt.node_type, ckpt.input, ckpt.folder) == (
        "CheckpointLoaderSimple",
        "ckpt_name",
        "checkpoints",
    )
    # the declared name is the file name only; /blob/ becomes /resolve/
    assert ckpt.url == "https://huggingface.co/org/repo/resolve/main/base.safetensors"
    assert (ckpt.hash, ckpt.hash_type) == ("abcdef0123", "sha256")
    assert ckpt.active and ckpt.refused is None and ckpt.origin == "widget"


def test_bypassed_and_muted_nodes_are_inactive(ui_refs: dict[Any, ModelRef]) -> None:
    assert ui_refs[("2", "bypassed_lora.safetensors")].active is False
    assert ui_refs[("2", "bypassed_lora.safetensors")].folder == "loras"
    # everything inside a muted instance is inactive, at every depth
    assert ui_refs[("11:5", "muted_instance.safetensors")].active is False
    assert ui_refs[("11:6:3", "enc/t5.safetensors")].active is False
    # a bypassed node inside an active instance
    assert ui_refs[("10:6:4", "cn.safetensors")].active is False
    assert ui_refs[("10:6:3", "enc/t5.safetensors")].active is True


def test_nested_subgraphs_are_numbered_and_named(ui_refs: dict[Any, ModelRef]) -> None:
    inner = ui_refs[("10:6:3", "enc/t5.safetensors")]
    assert (inner.node_type, inner.input, inner.folder, inner.subgraph) == (
        "CLIPLoader",
        "clip_name",
        "text_encoders",
        "Inner",
    )
    # the top-level models list (legacy key "clip") gives its URL
    assert inner.url == "https://huggingface.co/org/enc/resolve/main/t5.safetensors?download=true"


def test_instance_values_override_inner_widgets(ui_refs: dict[Any, ModelRef]) -> None:
    override = ui_refs[("10:5", "outer_override.safetensors")]
    assert (override.folder, override.subgraph, override.active) == (
        "diffusion_models",
        "Outer",
        True,
    )
    assert ("10:5", "inner_default.safetensors") not in ui_refs


def test_prompt_embeddings(ui_refs: dict[Any, ModelRef]) -> None:
    for name in ("EasyNegative", "sub/style.pt"):
        ref = ui_refs[("3", name)]
        assert (ref.folder, ref.origin, ref.input) == ("embeddings", "prompt", "text")
    # notes are not prompts
    assert not any(node == "8" for node, _ in ui_refs)


def test_rgthree_power_lora_dicts(ui_refs: dict[Any, ModelRef]) -> None:
    assert ui_refs[("4", "on.safetensors")].active is True
    assert ui_refs[("4", "off.safetensors")].active is False
    assert ui_refs[("4", "off.safetensors")].folder == "loras"


def test_taesd_values_name_the_vae_approx_pair(ui_refs: dict[Any, ModelRef]) -> None:
    for part in ("encoder", "decoder"):
        assert ui_refs[("5", f"taesdxl_{part}")].folder == "vae_approx"


def test_escaping_value_is_refused(ui_refs: dict[Any, ModelRef]) -> None:
    ref = ui_refs[("6", "../../etc/passwd.safetensors")]
    assert ref.refused == "'..' would leave the model folder"
    assert ref.url is None


def test_unknown_node_uses_its_declared_folder(ui_refs: dict[Any, ModelRef]) -> None:
    ref = ui_refs[("7", "custom_model.gguf")]
    assert ref.folder == "diffusion_models"  # declared "unet", the legacy key
    assert ref.url == "https://example.com/custom_model.gguf"


def test_top_level_model_no_node_uses_is_listed_as_declared(
    ui_refs: dict[Any, ModelRef],
) -> None:
    ref = ui_refs[(None, "extra_only.safetensors")]
    assert (ref.origin, ref.input, ref.folder) == ("declared", None, "loras")


def test_api_json() -> None:
    found = read_refs(DATA / "comfyui_api.json")
    assert (found.source_format, found.contents) == ("api-json", ["prompt"])
    refs = {(r.node_id, r.input): r for r in found.refs}
    assert refs[("1", "ckpt_name")].value == "sd15/model.safetensors"
    assert refs[("1", "ckpt_name")].origin == "input"
    assert refs[("2", "text")].value == "neg_embed"
    assert refs[("2", "text")].folder == "embeddings"
    assert refs[("3", "lora_name")].folder == "loras"
    assert refs[("4", "lora_name")].folder == "loras"  # a loader's input name, on any node
    assert refs[("4", "weights")].folder is None  # a model file, folder unknown
    assert refs[("12:5", "unet_name")].refused is not None
    assert ("13", "vae_name") not in refs  # pixel_space needs no file
    assert ("4", "mode") not in refs


def _write(tmp_path: Path, doc: Any, name: str = "w.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _subgraph(sg_id: str, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": sg_id, "name": f"sg {sg_id}", "inputs": [], "links": [], "nodes": nodes}


def test_cyclic_subgraphs_are_an_error(tmp_path: Path) -> None:
    a, b = "aaaaaaaa-0000-4000-8000-000000000000", "bbbbbbbb-0000-4000-8000-000000000000"
    doc = {
        "version": 0.4,
        "links": [],
        "nodes": [{"id": 1, "type": a, "widgets_values": []}],
        "definitions": {
            "subgraphs": [
                _subgraph(a, [{"id": 2, "type": b}]),
                _subgraph(b, [{"id": 3, "type": a}]),
            ]
        },
    }
    with pytest.raises(WorkflowError, match=r"Subgraph 'sg a.*' contains itself"):
        read_refs(_write(tmp_path, doc))


def test_subgraph_explosion_is_bounded(tmp_path: Path) -> None:
    """Ten instances of a subgraph of ten instances... stops at the node limit, quickly."""
    ids = [f"{i:08x}-0000-4000-8000-000000000000" for i in range(8)]
    subgraphs = [
        _subgraph(ids[i], [{"id": k, "type": ids[i + 1]} for k in range(10)]) for i in range(7)
    ]
    subgraphs.append(_subgraph(ids[7], [{"id": 1, "type": "KSampler", "widgets_values": [1]}]))
    doc = {
        "version": 0.4,
        "links": [],
        "nodes": [{"id": 1, "type": ids[0]}],
        "definitions": {"subgraphs": subgraphs},
    }
    with pytest.raises(WorkflowError, match="nodes with its subgraphs expanded"):
        read_refs(_write(tmp_path, doc))


def test_too_many_references_are_an_error(tmp_path: Path) -> None:
    nodes = [{"id": i, "type": "VAELoader", "widgets_values": [f"v{i}"]} for i in range(50_001)]
    with pytest.raises(WorkflowError, match="names more than 50000 models"):
        read_refs(_write(tmp_path, {"version": 0.4, "links": [], "nodes": nodes}))


def test_deeply_nested_json_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"nodes": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(WorkflowError) as info:
        read_refs(path)
    assert "deep" in info.value.message
    assert isinstance(info.value, UsageError) and info.value.exit_code == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"nodes": [', "is not valid JSON: Expecting value (line 1, column 12)."),
        (
            '{"name": "n8n", "nodes": [{"type": "n8n-nodes-base.set"}], "connections": {}}',
            "is JSON but not a ComfyUI workflow",
        ),
        ("just some text", "is not a ComfyUI workflow (JSON), an image"),
        ("[1, 2, 3]", "is JSON but not a ComfyUI workflow"),
    ],
)
def test_malformed_files_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(WorkflowError) as info:
        read_refs(path)
    assert message in info.value.message
    assert "\n" not in info.value.message


def test_huge_json_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hfsuite.integrations.comfyui import reader

    monkeypatch.setattr(reader, "MAX_JSON_BYTES", 1000)
    path = _write(tmp_path, {"nodes": [], "links": [], "pad": "x" * 2000})
    with pytest.raises(WorkflowError, match="workflow files over 1000 bytes are not read"):
        read_refs(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="There is no file"):
        read_refs(tmp_path / "nope.json")
    with pytest.raises(WorkflowError, match="is a folder"):
        read_refs(tmp_path)


@pytest.mark.parametrize(
    ("raw", "value", "refused"),
    [
        ("flux\\flux1-dev.safetensors", "flux/flux1-dev.safetensors", None),
        ("./a//b.safetensors", "a/b.safetensors", None),
        ("../x.safetensors", None, "'..' would leave the model folder"),
        ("a/../../x.safetensors", None, "'..' would leave the model folder"),
        ("/etc/passwd", None, "an absolute path, not a name inside a model folder"),
        ("C:\\models\\x.safetensors", None, "an absolute path, not a name inside a model folder"),
        ("\\\\server\\share\\x.ckpt", None, "an absolute path, not a name inside a model folder"),
        (".\\C:x.ckpt", None, "an absolute path, not a name inside a model folder"),
        ("x\0.safetensors", None, "contains control characters"),
        ("x" * 2000, None, "longer than 1024 characters"),
    ],
)
def test_names_normalised_or_refused(raw: str, value: str | None, refused: str | None) -> None:
    name = normalise(raw)
    assert name is not None
    assert name.refused == refused
    if value is not None:
        assert name.value == value
    assert len(name.value) <= 1024
    assert "\0" not in name.value


@pytest.mark.parametrize("raw", ["", "None", "none", "[None]", "pixel_space", "  "])
def test_values_that_select_no_file(raw: str) -> None:
    assert normalise(raw) is None


def test_folder_keys_and_legacy_aliases() -> None:
    assert canonical_folder("unet") == "diffusion_models"
    assert canonical_folder("clip") == "text_encoders"
    assert canonical_folder("clip_vision") == "clip_vision"
    assert canonical_folder("unet/flux") == "diffusion_models"
    assert canonical_folder(" ") is None


def test_prompt_embedding_syntax() -> None:
    text = "a, (embedding:EasyNegative:1.2), embedding:bad_hands.pt, [embedding:x] EMBEDDING:y"
    assert prompt_embeddings(text) == ["EasyNegative", "bad_hands.pt", "x", "y"]
    assert embedding_candidates("EasyNegative")[1:] == [
        "EasyNegative.safetensors",
        "EasyNegative.pt",
        "EasyNegative.bin",
    ]
    assert embedding_candidates("x.pt") == ["x.pt"]


def test_hf_blob_urls_become_resolve() -> None:
    assert (
        hf_resolve_url("https://huggingface.co/a/b/blob/main/x/y.safetensors")
        == "https://huggingface.co/a/b/resolve/main/x/y.safetensors"
    )
    assert hf_resolve_url("https://civitai.com/api/download/models/1?type=Model") == (
        "https://civitai.com/api/download/models/1?type=Model"
    )


def test_table_is_data_with_known_folders() -> None:
    """Every table line parsed; model inputs are among the widgets; folders are plain keys."""
    assert len(LOADERS) > 60
    for loader in LOADERS.values():
        if loader.widgets is not None:
            assert set(loader.folders) <= set(loader.widgets), loader.node_type
        for folder in loader.folders.values():
            assert folder == canonical_folder(folder), loader.node_type
    assert LOADERS["DualCLIPLoader"].widgets == ("clip_name1", "clip_name2", "type", "device")
    assert LOADERS["LoraLoader|pysssss"].folders == {"lora_name": "loras"}


def test_junk_nodes_are_skipped(tmp_path: Path) -> None:
    doc = {
        "version": 0.4,
        "links": [],
        "nodes": [
            None,
            "x",
            {"id": 1},
            {"id": 2, "type": 5},
            {"id": 3, "type": "VAELoader", "widgets_values": "not a list"},
            {"id": 4, "type": "VAELoader", "widgets_values": [None]},
            {"id": 5, "type": "VAELoader", "widgets_values": ["ok.safetensors"]},
        ],
    }
    found = read_refs(_write(tmp_path, doc))
    assert [(r.node_id, r.value) for r in found.refs] == [("5", "ok.safetensors")]
