"""ONNX protobufs crafted byte by byte, and diffusers / transformers model folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from model_builders import onnx_model, pb_field, varint

from hfsuite.library.formats.folders import read_folder
from hfsuite.library.formats.onnx import read_onnx
from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import identify


def test_onnx_fields_and_initializers(tmp_path: Path) -> None:
    path = tmp_path / "model.data"
    path.write_bytes(onnx_model({"fc.weight": (16, 8), "fc.bias": (16,)}))
    found = identify(path)
    assert found.format is ModelFormat.ONNX and found.errors == ()
    meta = found.header.metadata
    assert meta["onnx.ir_version"] == 8 and meta["onnx.producer_name"] == "pytorch"
    assert meta["onnx.opsets"] == {"ai.onnx": 17} and meta["author"] == "tests"
    assert {k: v.shape for k, v in found.header.tensors.items()} == {
        "fc.weight": (16, 8),
        "fc.bias": (16,),
    }
    assert (found.dtype, found.parameter_count, found.kind) == ("F32", 16 * 8 + 16, "unknown")


@pytest.mark.parametrize(
    "data",
    [
        varint(1 << 3) + varint(8) + varint(7 << 3 | 2) + varint(2**40),  # graph past the end
        varint(1 << 3) + b"\xff" * 20,  # endless varint
        varint(1 << 3) + varint(8) + varint(3 << 3 | 3),  # group wire type: not ONNX
        pb_field(2, "pytorch"),  # no ir_version
    ],
    ids=["len-past-end", "long-varint", "wire-type", "no-ir"],
)
def test_hostile_onnx_is_an_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(data)
    header = read_onnx(path)
    assert header.format is ModelFormat.ONNX and len(header.errors) == 1


def _write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


@pytest.mark.parametrize(
    ("pipeline", "arch"),
    [
        ("StableDiffusionPipeline", "sd1.x"),
        ("StableDiffusionXLPipeline", "sdxl"),
        ("StableDiffusion3Pipeline", "sd3"),
        ("FluxPipeline", "flux"),
        ("WanPipeline", "wan"),
        ("HunyuanVideoPipeline", "hunyuan-video"),
    ],
)
def test_diffusers_pipeline_folder(tmp_path: Path, pipeline: str, arch: str) -> None:
    _write_json(
        tmp_path / "model_index.json",
        {
            "_class_name": pipeline,
            "_diffusers_version": "0.31.0",
            "vae": ["diffusers", "AutoencoderKL"],
            "text_encoder": ["transformers", "CLIPTextModel"],
        },
    )
    found = identify(tmp_path)
    assert (found.format, found.kind, found.architecture) == (
        ModelFormat.DIFFUSERS,
        "diffusers",
        arch,
    )
    assert found.header.metadata["components"] == {
        "vae": ["diffusers", "AutoencoderKL"],
        "text_encoder": ["transformers", "CLIPTextModel"],
    }


@pytest.mark.parametrize(
    ("class_name", "kind"),
    [("AutoencoderKL", "vae"), ("UNet2DConditionModel", "diffusion_models"),
     ("FluxTransformer2DModel", "diffusion_models"), ("ControlNetModel", "controlnet")],
)  # fmt: skip
def test_diffusers_component_folder(tmp_path: Path, class_name: str, kind: str) -> None:
    _write_json(tmp_path / "config.json", {"_class_name": class_name, "_diffusers_version": "0.31"})
    found = identify(tmp_path)
    assert (found.format, found.kind) == (ModelFormat.DIFFUSERS, kind)


def test_transformers_folder(tmp_path: Path) -> None:
    _write_json(
        tmp_path / "config.json",
        {
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "torch_dtype": "bfloat16",
            "max_position_embeddings": 131072,
            "rope_scaling": {"factor": 8.0},
        },
    )
    found = identify(tmp_path)
    assert (found.format, found.kind, found.architecture, found.dtype) == (
        ModelFormat.TRANSFORMERS,
        "transformers",
        "llama",
        "BF16",
    )
    assert found.header.metadata["max_position_embeddings"] == found.context_length == 131072
    assert "rope_scaling" not in found.header.metadata


@pytest.mark.parametrize("content", ["", "[1]", "{bad", "x" * 10])
def test_bad_or_missing_folder_configs(tmp_path: Path, content: str) -> None:
    assert read_folder(tmp_path).errors  # neither file
    (tmp_path / "config.json").write_text(content)
    found = identify(tmp_path)
    assert found.kind == "unknown" and found.errors
