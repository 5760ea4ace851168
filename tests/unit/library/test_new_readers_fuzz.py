"""Hostile input for the shard, ONNX-graph and training-metadata readers: random and mutated
index files, weight maps of any JSON shape, ONNX graphs with bogus varints and lengths, tag
frequencies of any shape. A per-file error at worst, never an exception, never a large
allocation."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import gguf
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builders import FLUX, onnx_graph_model, varint, write_safetensors

from hfsuite.core.destination import LIBRARY_ONLY_KINDS, MODEL_KINDS
from hfsuite.library.classify import classify, quantization
from hfsuite.library.header import ModelFormat, ModelHeader, TensorInfo
from hfsuite.library.identify import identify, identify_set
from hfsuite.library.shards import parse_shard_name
from hfsuite.library.training import TOP_TAGS, summarize_tag_frequency, training_summary

MAX_ALLOCATED = 8 * 1024 * 1024
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)


def _bounded(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    tracemalloc.start()
    try:
        found = identify(path)
        whole = identify_set(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_ALLOCATED + 8 * len(data), peak
    for result in (found, whole):
        assert isinstance(result.kind, str) and isinstance(result.errors, tuple)
        json.dumps(dict(result.header.metadata), default=str)  # storable as JSON


@pytest.fixture(scope="module")
def shard_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shards")
    write_safetensors(folder / "model-00001-of-00002.safetensors", FLUX)
    write_safetensors(folder / "model-00002-of-00002.safetensors", {"final.weight": (4, 4)})
    return folder


@FUZZ
@given(weight_map=json_values, metadata=json_values)
def test_index_with_any_json_shape(
    shard_folder: Path, weight_map: object, metadata: object
) -> None:
    data = json.dumps({"weight_map": weight_map, "metadata": metadata}).encode()
    _bounded(shard_folder / "model.safetensors.index.json", data)


@FUZZ
@given(
    names=st.lists(
        st.sampled_from(
            [
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors",
                "model.safetensors.index.json",
                "../model-00001-of-00002.safetensors",
                "/etc/passwd",
                "",
                "missing.safetensors",
            ]
        ),
        max_size=40,
    ),
    data=st.binary(max_size=64),
)
def test_index_naming_real_missing_outside_and_itself(
    shard_folder: Path, names: list[str], data: bytes
) -> None:
    weight_map = {f"t{i}": name for i, name in enumerate(names)}
    raw = json.dumps({"weight_map": weight_map}).encode()
    _bounded(shard_folder / "model.safetensors.index.json", raw)
    _bounded(shard_folder / "x.safetensors.index.json", data)  # random bytes as an index


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, 2**12), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.integers(0, 2**12)),
)
def test_mutated_onnx_graphs(tmp_path: Path, edits: list[tuple[int, int]], cut: int | None) -> None:
    seed = bytearray(
        onnx_graph_model(
            [("target", 1, [1, 3, 128, 128]), ("source", 1, [1, 512])],
            [("output", 1, ["n", 3, "h", "w"])],
            {"Conv": 4, "Relu": 4},
            {"w": (2, 2)},
        )
    )
    for offset, byte in edits:
        seed[offset % len(seed)] = byte
    _bounded(tmp_path / "m.onnx", bytes(seed[:cut]))


@FUZZ
@given(garbage=st.lists(st.integers(0, 2**70), max_size=20), tail=st.binary(max_size=32))
def test_onnx_graph_of_bogus_varints(tmp_path: Path, garbage: list[int], tail: bytes) -> None:
    body = b"".join(varint(v) for v in garbage) + tail
    # ir_version, then a graph field whose body is the garbage: inputs, outputs, nodes or dims
    for field in (11, 12, 1, 5):
        graph = varint(field << 3 | 2) + varint(len(body)) + body
        data = varint(1 << 3) + varint(8) + varint(7 << 3 | 2) + varint(len(graph)) + graph
        _bounded(tmp_path / "g.onnx", data)


@settings(max_examples=100, deadline=None)
@given(name=st.text(max_size=60) | st.from_regex(r"[a-z._]{1,8}-\d{5}-of-\d{5}\.[a-z]{1,12}"))
def test_shard_names_parse_or_not_but_never_raise(name: str) -> None:
    shard = parse_shard_name(name)
    if shard is not None:
        assert 1 <= shard.index <= shard.count
        assert parse_shard_name(shard.sibling(shard.count)) is not None


@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_tag_frequency_of_any_shape(value: object) -> None:
    summary = summarize_tag_frequency(json.dumps(value))
    if summary is not None:
        top, distinct = summary
        assert len(top) <= TOP_TAGS and distinct >= len(top)
        assert all(isinstance(c, int) and c > 0 for _, c in top)


def _marker_names() -> list[str]:
    from test_architectures import CASES as ARCH_CASES
    from test_safetensors_kinds import CASES as KIND_CASES

    names = {n for shapes, _, _ in ARCH_CASES.values() for n in shapes}
    names |= {n for shapes, _, _ in KIND_CASES.values() for n in shapes}
    names |= {
        "lora_unet_double_blocks_19_img_attn_qkv.lora_down.weight",
        "model.layers.0.mlp.down_proj.weight.quant_state.bitsandbytes__nf4",
        "scaled_fp8",
        "x.SCB",
        "clip_l",
        "clip_g",
        "emb_params",
    }
    return sorted(names)


MARKERS = _marker_names()
shapes = st.lists(st.integers(0, 5000), max_size=5).map(tuple)
io_specs = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["input_ids", "sample", "timestep", "latent_sample", "x", ""])},
        optional={"shape": st.one_of(json_values, st.lists(st.integers(-3, 600) | st.none()))},
    )
    | json_values,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    fmt=st.sampled_from(list(ModelFormat)),
    tensors=st.dictionaries(
        st.sampled_from(MARKERS) | st.text(max_size=30),
        st.tuples(st.sampled_from(["F16", "F8_E4M3", "U8", "unknown", "Q4_K"]), shapes),
        max_size=12,
    ),
    metadata=st.dictionaries(
        st.sampled_from(
            [
                "modelspec.architecture",
                "ss_base_model_version",
                "ss_architecture",
                "general.architecture",
                "quantization_config",
                "onnx.inputs",
                "onnx.outputs",
                "components",
                "_class_name",
                "model_type",
                "split.no",
            ]
        ),
        json_values | io_specs,
        max_size=6,
    ),
)
def test_classify_any_names_shapes_and_metadata(
    fmt: ModelFormat,
    tensors: dict[str, tuple[str, tuple[int, ...]]],
    metadata: dict[str, object],
) -> None:
    header = ModelHeader(
        fmt, tensors={n: TensorInfo(d, s) for n, (d, s) in tensors.items()}, metadata=metadata
    )
    found = classify(header)
    assert found.kind in MODEL_KINDS + LIBRARY_ONLY_KINDS
    assert quantization(header) is None or isinstance(quantization(header), str)
    training_summary(metadata)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "x.gguf",
                    "x-00001-of-00002.gguf",
                    "x-00002-of-00002.gguf",
                    "x-00001-of-00001.gguf",
                ]
            ),
            st.sampled_from(["", "llama", "flux"]),
            st.integers(0, 3),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_gguf_split_keys_and_names_in_any_combination(
    tmp_path: Path, files: list[tuple[str, str, int, int]]
) -> None:
    folder = tmp_path / str(abs(hash(tuple(files))))
    folder.mkdir()
    for name, arch, number, count in files:
        writer = gguf.GGUFWriter(str(folder / name), arch)
        writer.add_uint16("split.no", number)
        writer.add_uint16("split.count", count)
        writer.add_tensor("blk.0.attn_norm.weight", np.ones(4, dtype=np.float32))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
    for name, *_ in files:
        for result in (identify(folder / name), identify_set(folder / name)):
            assert isinstance(result.kind, str)
            if result.shard_index is not None:
                assert result.shard_count is not None
                assert 1 <= result.shard_index <= result.shard_count
