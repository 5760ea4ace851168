"""Sharded checkpoints: index weight maps, ``-0000i-of-0000n`` shard names and GGUF splits.
Each shard says which set it belongs to; the set is identified as one model."""

from __future__ import annotations

import json
from pathlib import Path

import gguf
import numpy as np
import pytest
from model_builders import FLUX, state_dict, write_gguf_split, write_safetensors, write_torch_zip

from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import identify, identify_set
from hfsuite.library.shards import MAX_SHARDS, parse_shard_name, read_index

# Flux split the way a large model is: the second shard alone has no double_blocks.
PARTS: list[dict[str, tuple[int, ...]]] = [
    {k: v for k, v in FLUX.items() if not k.startswith("single_blocks.")},
    {"single_blocks.0.linear1.weight": (32, 8), "single_blocks.0.linear2.weight": (8, 40)},
    {"final_layer.linear.weight": (64, 8)},
]


def _numel(parts: list[dict[str, tuple[int, ...]]]) -> int:
    return sum(int(np.prod(s)) for part in parts for s in part.values())


def _write_set(
    folder: Path, stem: str = "diffusion_pytorch_model", index_name: str | None = None
) -> list[Path]:
    shards = []
    weight_map = {}
    for i, part in enumerate(PARTS, 1):
        name = f"{stem}-{i:05d}-of-{len(PARTS):05d}.safetensors"
        shards.append(write_safetensors(folder / name, part))
        weight_map |= dict.fromkeys(part, name)
    if index_name is not None:
        index = {"metadata": {"total_size": 12345}, "weight_map": weight_map}
        (folder / index_name).write_text(json.dumps(index))
    return shards


def test_index_identifies_the_whole_set(tmp_path: Path) -> None:
    _write_set(tmp_path, index_name="diffusion_pytorch_model.safetensors.index.json")
    index = tmp_path / "diffusion_pytorch_model.safetensors.index.json"
    found = identify(index)
    assert (found.format, found.kind, found.architecture) == (
        ModelFormat.SAFETENSORS,
        "diffusion_models",
        "flux",
    )
    assert found.parameter_count == _numel(PARTS) and found.errors == ()
    assert (found.path, found.shard_of, found.shard_index, found.shard_count) == (
        index,
        index,
        None,
        3,
    )
    assert found.header.metadata["index.total_size"] == 12345
    assert found.header.metadata["shards.files"] == [
        f"diffusion_pytorch_model-0000{i}-of-00003.safetensors" for i in (1, 2, 3)
    ]
    assert identify_set(index) == found


def test_each_shard_names_its_set_and_takes_the_sets_kind(tmp_path: Path) -> None:
    shards = _write_set(tmp_path, index_name="diffusion_pytorch_model.safetensors.index.json")
    index = tmp_path / "diffusion_pytorch_model.safetensors.index.json"
    second = identify(shards[1])
    # single_blocks alone do not tell Flux: the set's tensors do
    assert (second.kind, second.architecture) == ("diffusion_models", "flux")
    assert (second.shard_of, second.shard_index, second.shard_count) == (index, 2, 3)
    assert second.parameter_count == _numel(PARTS[1:2])  # the shard's own
    first = identify(shards[0])
    assert (first.shard_of, first.shard_index, first.architecture) == (index, 1, "flux")
    assert identify_set(shards[2]).parameter_count == _numel(PARTS)


def test_a_set_without_an_index_is_named_by_its_first_shard(tmp_path: Path) -> None:
    shards = _write_set(tmp_path, stem="model")
    third = identify(shards[2])
    assert (third.shard_of, third.shard_index, third.shard_count) == (shards[0], 3, 3)
    whole = identify_set(shards[2])
    assert (whole.path, whole.kind, whole.architecture, whole.parameter_count) == (
        shards[0],
        "diffusion_models",
        "flux",
        _numel(PARTS),
    )


def test_a_missing_shard_leaves_the_count_unknown_and_says_which(tmp_path: Path) -> None:
    shards = _write_set(tmp_path, stem="model", index_name="model.safetensors.index.json")
    shards[0].unlink()  # the one with double_blocks: the index still names them
    found = identify(tmp_path / "model.safetensors.index.json")
    assert (found.kind, found.architecture, found.parameter_count) == (
        "diffusion_models",
        "flux",
        None,
    )
    assert found.errors == ("Shard model-00001-of-00003.safetensors is missing.",)
    assert found.header.tensor_count == len(PARTS[1]) + len(PARTS[2])


def test_diffusers_variant_shards_find_their_index(tmp_path: Path) -> None:
    _write_set(
        tmp_path,
        stem="diffusion_pytorch_model.fp16",
        index_name="diffusion_pytorch_model.safetensors.index.fp16.json",
    )
    shard = tmp_path / "diffusion_pytorch_model.fp16-00002-of-00003.safetensors"
    found = identify(shard)
    assert found.shard_of == tmp_path / "diffusion_pytorch_model.safetensors.index.fp16.json"
    assert identify(found.shard_of).parameter_count == _numel(PARTS)


def test_pytorch_bin_shards_through_their_index(tmp_path: Path) -> None:
    layers = [
        {"model.embed_tokens.weight": (32, 8), "model.layers.0.self_attn.q_proj.weight": (8, 8)},
        {"model.layers.1.self_attn.q_proj.weight": (8, 8), "lm_head.weight": (32, 8)},
    ]
    weight_map = {}
    for i, part in enumerate(layers, 1):
        name = f"pytorch_model-0000{i}-of-00002.bin"
        write_torch_zip(tmp_path / name, state_dict(part))
        weight_map |= dict.fromkeys(part, name)
    index = tmp_path / "pytorch_model.bin.index.json"
    index.write_text(json.dumps({"weight_map": weight_map}))
    found = identify(index)
    assert (found.format, found.kind, found.architecture, found.parameter_count) == (
        ModelFormat.PYTORCH_ZIP,
        "llm",
        "llama",
        _numel(layers),
    )
    assert identify(tmp_path / "pytorch_model-00002-of-00002.bin").shard_of == index


def test_gguf_splits(tmp_path: Path) -> None:
    first = write_gguf_split(tmp_path / "tiny.gguf", tensors=5, per_split=2)
    second = tmp_path / "tiny-00002-of-00003.gguf"
    one = identify(first)
    assert (one.kind, one.architecture, one.shard_of, one.shard_index, one.shard_count) == (
        "llm",
        "llama",
        first,
        1,
        3,
    )
    two = identify(second)
    # later splits hold only split.* keys: kind and architecture come from the first split
    assert "general.architecture" not in two.header.metadata
    assert (two.kind, two.architecture, two.shard_of, two.shard_index) == ("llm", "llama", first, 2)
    whole = identify_set(second)
    assert (whole.parameter_count, whole.dtype, whole.shard_count, whole.context_length) == (
        5 * 32,
        "Q8_0",
        3,
        2048,
    )
    assert len(whole.header.tensors) == 5


def test_shard_names() -> None:
    shard = parse_shard_name("model-00002-of-00005.safetensors")
    assert shard is not None and (shard.stem, shard.index, shard.count, shard.ext) == (
        "model",
        2,
        5,
        ".safetensors",
    )
    assert shard.sibling(5) == "model-00005-of-00005.safetensors"
    for name in ("model.safetensors", "model-00006-of-00005.bin", "model-00000-of-00002.bin"):
        assert parse_shard_name(name) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "no weight_map"),
        (b'{"weight_map": [1]}', "no weight_map"),
        (b"{not json", "not valid JSON"),
        (b'{"weight_map": ' + b"[" * 100_000, "not valid JSON"),
        (b"\xff\xfe garbage", "not valid JSON"),
    ],
)
def test_bad_index_files_are_errors(tmp_path: Path, content: bytes, message: str) -> None:
    index = tmp_path / "model.safetensors.index.json"
    index.write_bytes(content)
    found = identify(index)
    assert found.kind == "unknown" and len(found.errors) == 1 and message in found.errors[0]


def test_hostile_weight_maps_stay_beside_the_index_and_bounded(tmp_path: Path) -> None:
    outside = tmp_path / "secret.safetensors"
    write_safetensors(outside, {"lora_unet_x.lora_down.weight": (4, 8)})
    folder = tmp_path / "model"
    folder.mkdir()
    weight_map: dict[str, object] = {
        "a": "../secret.safetensors",
        "b": str(outside),
        "c": 7,
        "d": "..",
        "self": "model.safetensors.index.json",  # the index naming itself: read as a file
    }
    weight_map |= {f"t{i}": f"shard{i}.safetensors" for i in range(MAX_SHARDS + 50)}
    index = folder / "model.safetensors.index.json"
    index.write_text(json.dumps({"weight_map": weight_map, "metadata": {"x": [1] * 10}}))
    parsed = read_index(index)
    assert len(parsed.files) == MAX_SHARDS and "../secret.safetensors" not in parsed.files
    assert any("over 1024 files" in e for e in parsed.errors)
    found = identify(index)
    assert found.kind == "unknown" and found.parameter_count is None
    assert "secret" not in " ".join(found.header.metadata.get("shards.files", []))  # type: ignore[arg-type]
    assert len(found.errors) <= 50
    assert any("1023 shards are missing: shard0.safetensors" in e for e in found.errors)
    assert any("model.safetensors.index.json: Not a model format" in e for e in found.errors)


def test_a_missing_or_oversized_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = identify(tmp_path / "model.safetensors.index.json")
    assert missing.kind == "unknown" and missing.errors[0].startswith(
        "Cannot read model.safetensors.index.json:"
    )
    import hfsuite.library.shards as shards

    monkeypatch.setattr(shards, "MAX_INDEX", 16)
    index = tmp_path / "big.safetensors.index.json"
    index.write_text(json.dumps({"weight_map": {"a": "b.safetensors"}}))
    assert "over 16 bytes" in identify(index).errors[0]


def test_split_keys_on_a_file_without_a_shard_name(tmp_path: Path) -> None:
    # split.no 0 of 2 but an ordinary name, and no architecture: the file stands for its set,
    # which names cannot find; identify must not go round in circles.
    path = tmp_path / "odd.gguf"
    writer = gguf.GGUFWriter(str(path), "")
    writer.add_uint16("split.no", 0)
    writer.add_uint16("split.count", 2)
    writer.add_tensor("x", np.ones(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    found = identify(path)
    assert (found.kind, found.architecture, found.shard_of, found.shard_index) == (
        "llm",
        None,
        path,
        1,
    )
    assert identify_set(path) == found  # no set to find by name: the file alone


def test_a_set_in_the_hf_cache_through_its_snapshot_links(tmp_path: Path) -> None:
    # Blobs have no names; the snapshot's symbolic links do, and lead to the blobs.
    repo = tmp_path / "models--acme--flux"
    blobs, snapshot = repo / "blobs", repo / "snapshots" / ("a" * 40) / "transformer"
    blobs.mkdir(parents=True)
    snapshot.mkdir(parents=True)
    staging = tmp_path / "staging"
    staging.mkdir()
    _write_set(staging, index_name="diffusion_pytorch_model.safetensors.index.json")
    for i, file in enumerate(sorted(staging.iterdir())):
        blob = blobs / f"{i:064x}"
        file.rename(blob)
        (snapshot / file.name).symlink_to(Path("../../../blobs") / blob.name)
    index = snapshot / "diffusion_pytorch_model.safetensors.index.json"
    whole = identify(index)
    assert (whole.kind, whole.architecture, whole.parameter_count) == (
        "diffusion_models",
        "flux",
        _numel(PARTS),
    )
    shard = identify(snapshot / "diffusion_pytorch_model-00002-of-00003.safetensors")
    assert (shard.architecture, shard.shard_of, shard.shard_index) == ("flux", index, 2)
    # the blob alone has no name to tell its set
    blob = (snapshot / "diffusion_pytorch_model-00002-of-00003.safetensors").resolve()
    assert identify(blob).shard_of is None
