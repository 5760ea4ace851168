"""ONNX kinds from the graph: inputs, outputs (names, ranks, channels), operators, and the
initializer names when the exporter kept them. Graphs are protobuf bytes laid out as exporters
write them (the same bytes the ``onnx`` package's helpers produce for these graphs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_builders import IoSpec, onnx_graph_model, pb_field, varint

from hfsuite.library.formats.onnx import MAX_IO, read_onnx
from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import identify

F, I64 = 1, 7

CASES: dict[str, tuple[list[IoSpec], list[IoSpec], str, str | None]] = {
    "upscaler-dynamic": (
        [("input", F, ["batch", 3, "height", "width"])],
        [("output", F, ["batch", 3, "height_x4", "width_x4"])],
        "upscale_models",
        None,
    ),
    "upscaler-static-2x": (
        [("input", F, [1, 3, 64, 48])],
        [("output", F, [1, 3, 128, 96])],
        "upscale_models",
        None,
    ),
    "same-size-restorer": (
        [("input", F, [1, 3, 512, 512])],
        [("output", F, [1, 3, 512, 512])],
        "unknown",
        None,
    ),
    "arcface": (
        [("input.1", F, [None, 3, 112, 112])],
        [("683", F, [1, 512])],
        "unknown",
        "face-recognition",
    ),
    "inswapper": (
        [("target", F, [1, 3, 128, 128]), ("source", F, [1, 512])],
        [("output", F, [1, 3, 128, 128])],
        "unknown",
        "face-swap",
    ),
    "scrfd": (
        [("input.1", F, [1, 3, "?", "?"])],
        [(f"out{i}", F, [12800, (1, 4, 10)[i // 3]]) for i in range(9)],
        "unknown",
        "face-detection",
    ),
    "llm": (
        [("input_ids", I64, ["batch", "seq"]), ("attention_mask", I64, ["batch", "seq"])],
        [("logits", F, ["batch", "seq", 32000]), ("present.0.key", F, ["batch", 8, "seq", 64])],
        "llm",
        None,
    ),
    "llm-without-cache": (
        [("input_ids", I64, ["batch", "seq"])],
        [("logits", F, ["batch", "seq", 32000])],
        "llm",
        None,
    ),
    "text-classifier": (
        [("input_ids", I64, ["batch", "seq"]), ("attention_mask", I64, ["batch", "seq"])],
        [("logits", F, ["batch", 2])],
        "unknown",
        None,
    ),
    "text-encoder": (
        [("input_ids", I64, ["batch", 77])],
        [("last_hidden_state", F, ["batch", 77, 768]), ("pooler_output", F, ["batch", 768])],
        "text_encoders",
        None,
    ),
    "clip-vision": (
        [("pixel_values", F, ["batch", 3, 224, 224])],
        [("image_embeds", F, ["batch", 768])],
        "clip_vision",
        None,
    ),
    "sd15-unet": (
        [
            ("sample", F, ["batch", 4, "h", "w"]),
            ("timestep", F, ["batch"]),
            ("encoder_hidden_states", F, ["batch", 77, 768]),
        ],
        [("out_sample", F, ["batch", 4, "h", "w"])],
        "diffusion_models",
        "sd1.x",
    ),
    "sdxl-unet": (
        [
            ("sample", F, ["batch", 4, "h", "w"]),
            ("timestep", F, ["batch"]),
            ("encoder_hidden_states", F, ["batch", 77, 2048]),
            ("text_embeds", F, ["batch", 1280]),
            ("time_ids", F, ["batch", 6]),
        ],
        [("out_sample", F, ["batch", 4, "h", "w"])],
        "diffusion_models",
        "sdxl",
    ),
    "vae-decoder": (
        [("latent_sample", F, ["batch", 4, "h", "w"])],
        [("sample", F, ["batch", 3, "H", "W"])],
        "vae",
        "sd1.x/sdxl",
    ),
    "vae-encoder-16ch": (
        [("sample", F, ["batch", 3, "H", "W"])],
        [("latent_sample", F, ["batch", 16, "h", "w"])],
        "vae",
        "sd3/flux",
    ),
    "segmentation": (
        [("input", F, [1, 3, 1024, 1024])],
        [("mask", F, [1, 1, 1024, 1024])],
        "unknown",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_onnx_kind_from_graph_inputs_and_outputs(tmp_path: Path, case: str) -> None:
    inputs, outputs, kind, arch = CASES[case]
    path = tmp_path / f"{case}.onnx"
    path.write_bytes(onnx_graph_model(inputs, outputs, {"Conv": 3, "Relu": 2}, {"w": (4, 4)}))
    found = identify(path)
    assert (found.format, found.errors) == (ModelFormat.ONNX, ())
    assert (found.kind, found.architecture) == (kind, arch)
    meta = found.header.metadata
    assert [i["name"] for i in meta["onnx.inputs"]] == [i[0] for i in inputs]  # type: ignore[attr-defined]
    assert meta["onnx.inputs"][0]["shape"] == [  # type: ignore[index]
        d if isinstance(d, (int, str)) else None for d in inputs[0][2]
    ]
    assert meta["onnx.ops"] == {"Conv": 3, "Relu": 2}


def test_initializer_names_win_over_the_graph(tmp_path: Path) -> None:
    # An ESRGAN exported with its state-dict names: the RRDB blocks say what it is.
    path = tmp_path / "esrgan.onnx"
    data = onnx_graph_model(
        [("input", F, [1, 3, 64, 64])],
        [("output", F, [1, 3, 256, 256])],
        initializers={"model.1.sub.0.RDB1.conv1.0.weight": (4, 3, 3, 3)},
    )
    path.write_bytes(data)
    assert (identify(path).kind, identify(path).architecture) == ("upscale_models", "esrgan")


def test_initializers_listed_as_inputs_are_not_graph_inputs(tmp_path: Path) -> None:
    # IR 3 exporters list every weight among the inputs.
    inputs: list[IoSpec] = [("input", F, ["n", 3, "h", "w"]), ("w", F, [4, 4])]
    inputs += [(f"extra{i}", F, [1]) for i in range(MAX_IO + 10)]
    path = tmp_path / "old.onnx"
    path.write_bytes(onnx_graph_model(inputs, [("out", F, [1])], initializers={"w": (4, 4)}))
    names = [i["name"] for i in read_onnx(path).metadata["onnx.inputs"]]  # type: ignore[attr-defined]
    assert names[0] == "input" and "w" not in names and len(names) == MAX_IO


@pytest.mark.parametrize(
    "value_info",
    [
        pb_field(1, "x") + pb_field(2, pb_field(1, varint(1 << 3) + b"\xff" * 11)),  # endless
        pb_field(1, "x") + pb_field(2, pb_field(1, pb_field(2, varint(10 << 3 | 2) + varint(99)))),
        pb_field(1, "x") + varint(2 << 3 | 2) + varint(2**62),  # type longer than the file
        pb_field(1, "x") + pb_field(2, pb_field(1, pb_field(2, pb_field(1, varint(3 << 3 | 6))))),
    ],
    ids=["long-varint", "dim-past-end", "huge-length", "bad-wire-type"],
)
def test_bogus_value_infos_are_errors_not_exceptions(tmp_path: Path, value_info: bytes) -> None:
    graph = pb_field(2, "main") + pb_field(11, value_info)
    path = tmp_path / "bad.onnx"
    path.write_bytes(pb_field(1, 8) + pb_field(7, graph))
    header = read_onnx(path)
    assert header.format is ModelFormat.ONNX and len(header.errors) == 1
    assert identify(path).kind == "unknown"


def test_a_graph_of_many_inputs_keeps_a_bounded_few(tmp_path: Path) -> None:
    import tracemalloc

    inputs: list[IoSpec] = [(f"in{i}", F, [1, 3]) for i in range(50_000)]
    path = tmp_path / "wide.onnx"
    path.write_bytes(onnx_graph_model(inputs, inputs[:5]))
    tracemalloc.start()
    try:
        header = read_onnx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert header.errors == () and len(header.metadata["onnx.inputs"]) == MAX_IO  # type: ignore[arg-type]
    assert peak < 4 * 1024 * 1024, peak
