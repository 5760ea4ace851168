"""safetensors files of each kind: format, kind, architecture, dtype, parameters, metadata."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from model_builders import FLUX, VAE, sd_unet, write_safetensors

from hfsuite.core.destination import LIBRARY_ONLY_KINDS, MODEL_KINDS
from hfsuite.library.formats.safetensors import read_safetensors
from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import identify

UNET = "model.diffusion_model."
CLIP_L = {
    "text_model.embeddings.token_embedding.weight": (16, 768),
    "text_model.encoder.layers.0.self_attn.q_proj.weight": (768, 768),
    "text_model.final_layer_norm.weight": (768,),
}

CASES: dict[str, tuple[dict[str, tuple[int, ...]], str, str | None]] = {
    "sd15-checkpoint": (
        sd_unet(UNET, 768)
        | {f"first_stage_model.{k}": v for k, v in VAE.items()}
        | {f"cond_stage_model.transformer.{k}": v for k, v in CLIP_L.items()},
        "checkpoints",
        "sd1.x",
    ),
    "sd2-checkpoint": (
        sd_unet(UNET, 1024) | {f"first_stage_model.{k}": v for k, v in VAE.items()},
        "checkpoints",
        "sd2.x",
    ),
    "sdxl-checkpoint": (
        sd_unet(UNET, 2048, sdxl=True)
        | {f"first_stage_model.{k}": v for k, v in VAE.items()}
        | {"conditioner.embedders.1.model.ln_final.weight": (1280,)},
        "checkpoints",
        "sdxl",
    ),
    "sdxl-unet-only": (sd_unet("", 2048, sdxl=True), "diffusion_models", "sdxl"),
    "sd3-diffusion": (
        {f"{UNET}joint_blocks.0.x_block.attn.qkv.weight": (24, 8), f"{UNET}pos_embed": (1, 4, 8)},
        "diffusion_models",
        "sd3",
    ),
    "sd3-checkpoint": (
        {f"{UNET}joint_blocks.0.x_block.attn.qkv.weight": (24, 8)}
        | {f"first_stage_model.{k}": v for k, v in VAE.items()}
        | {f"text_encoders.clip_l.transformer.{k}": v for k, v in CLIP_L.items()},
        "checkpoints",
        "sd3",
    ),
    "flux-diffusion": (FLUX, "diffusion_models", "flux"),
    "diffusers-sdxl-unet": (
        {
            "conv_in.weight": (8, 4, 3, 3),
            "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight": (8, 2048),
            "up_blocks.0.resnets.0.conv1.weight": (8, 8, 3, 3),
        },
        "diffusion_models",
        "sdxl",
    ),
    "diffusers-flux-transformer": (
        {
            "transformer_blocks.0.attn.add_q_proj.weight": (8, 8),
            "single_transformer_blocks.0.proj_mlp.weight": (16, 8),
        },
        "diffusion_models",
        "flux",
    ),
    "diffusers-sd3-transformer": (
        {
            "transformer_blocks.0.attn.add_q_proj.weight": (8, 8),
            "pos_embed.proj.weight": (8, 16, 2, 2),
        },
        "diffusion_models",
        "sd3",
    ),
    "diffusers-hunyuan-transformer": (
        {
            "context_embedder.token_refiner.refiner_blocks.0.attn.to_q.weight": (8, 8),
            "transformer_blocks.0.attn.add_q_proj.weight": (8, 8),
            "single_transformer_blocks.0.proj_mlp.weight": (16, 8),
        },
        "diffusion_models",
        "hunyuan-video",
    ),
    "diffusers-vae": (
        {
            "encoder.down_blocks.0.resnets.0.conv1.weight": (4, 3, 3, 3),
            "decoder.up_blocks.0.resnets.0.conv1.weight": (4, 4, 3, 3),
            "decoder.conv_in.weight": (8, 16, 3, 3),
        },
        "vae",
        "sd3/flux",
    ),
    "flux-checkpoint": (
        {f"{UNET}{k}": v for k, v in FLUX.items()} | {f"vae.{k}": v for k, v in VAE.items()},
        "checkpoints",
        "flux",
    ),
    "hunyuan-video": (
        {
            "img_in.proj.weight": (8, 16, 1, 2, 2),
            "txt_in.individual_token_refiner.blocks.0.mlp.fc1.weight": (8, 8),
            "double_blocks.0.img_attn_qkv.weight": (24, 8),
            "single_blocks.0.linear1.weight": (24, 8),
        },
        "diffusion_models",
        "hunyuan-video",
    ),
    "wan": (
        {
            "patch_embedding.weight": (8, 16, 1, 2, 2),
            "blocks.0.cross_attn.q.weight": (8, 8),
            "blocks.0.self_attn.q.weight": (8, 8),
            "text_embedding.0.weight": (8, 16),
        },
        "diffusion_models",
        "wan",
    ),
    "vae": (VAE, "vae", "sd1.x/sdxl"),
    "wan-vae": (
        {"encoder.conv1.weight": (8, 3, 3, 3, 3), "decoder.conv1.weight": (8, 16, 3, 3, 3)},
        "vae",
        "wan",
    ),
    "clip-l": (CLIP_L, "text_encoders", "clip-l"),
    "t5": (
        {
            "shared.weight": (32, 8),
            "encoder.block.0.layer.0.SelfAttention.q.weight": (8, 8),
            "encoder.final_layer_norm.weight": (8,),
        },
        "text_encoders",
        "t5",
    ),
    "clip-vision": (
        {
            "vision_model.encoder.layers.0.mlp.fc1.weight": (16, 8),
            "vision_model.post_layernorm.weight": (8,),
        },
        "clip_vision",
        None,
    ),
    "controlnet": (
        {"control_model.input_hint_block.0.weight": (16, 3, 3, 3)}
        | {k.replace(UNET, "control_model."): v for k, v in sd_unet(UNET, 768).items()},
        "controlnet",
        "sd1.x",
    ),
    "esrgan": (
        {
            "model.0.weight": (8, 3, 3, 3),
            "model.1.sub.0.RDB1.conv1.0.weight": (8, 8, 3, 3),
            "model.1.sub.0.RDB1.conv1.0.bias": (8,),
        },
        "upscale_models",
        "esrgan",
    ),
    "redux-style": (
        {"redux_up.weight": (16, 8), "redux_down.weight": (8, 16)},
        "style_models",
        "flux",
    ),
    "sdxl-embedding": ({"clip_l": (2, 768), "clip_g": (2, 1280)}, "embeddings", "sdxl"),
    "sd15-embedding": ({"emb_params": (4, 768)}, "embeddings", "sd1.x"),
    "wav2vec2": (
        {
            "feature_extractor.conv_layers.0.conv.weight": (8, 1, 10),
            "feature_projection.projection.weight": (8, 8),
            "encoder.layers.0.attention.q_proj.weight": (8, 8),
        },
        "audio_encoders",
        None,
    ),
    "llama": (
        {
            "model.embed_tokens.weight": (32, 8),
            "model.layers.0.self_attn.q_proj.weight": (8, 8),
            "model.layers.0.mlp.gate_proj.weight": (16, 8),
            "lm_head.weight": (32, 8),
        },
        "llm",
        "llama",
    ),
    "random-names": ({"foo.bar": (3,), "baz": (2, 2)}, "unknown", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_kind_and_architecture_from_tensor_names(tmp_path: Path, case: str) -> None:
    shapes, kind, arch = CASES[case]
    # The extension is deliberately wrong: the format comes from the magic bytes.
    found = identify(write_safetensors(tmp_path / f"{case}.bin", shapes))
    assert (found.format, found.kind, found.architecture) == (ModelFormat.SAFETENSORS, kind, arch)
    assert found.kind in MODEL_KINDS + LIBRARY_ONLY_KINDS
    assert found.errors == () and found.dtype == "F16"
    assert found.parameter_count == sum(int(np.prod(s)) for s in shapes.values())
    assert found.header.tensors[next(iter(sorted(shapes)))].shape == shapes[sorted(shapes)[0]]


def test_kohya_lora_with_training_metadata(tmp_path: Path) -> None:
    shapes = {
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight": (4, 640),
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight": (640, 4),
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.alpha": (),
        "lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight": (4, 768),
    }
    tags = json.dumps({"img": {f"tag{i}": i for i in range(2000)}})
    meta = {
        "ss_base_model_version": "sdxl_base_v1-0",
        "ss_network_dim": "4",
        "ss_tag_frequency": tags,
    }
    found = identify(write_safetensors(tmp_path / "lora.safetensors", shapes, meta))
    assert (found.kind, found.architecture) == ("loras", "sdxl")
    assert found.header.metadata["ss_network_dim"] == "4"
    tag_text = found.header.metadata["ss_tag_frequency"]
    assert isinstance(tag_text, str) and len(tag_text) == 4096 and tag_text.endswith("…")


@pytest.mark.parametrize(
    ("shapes", "arch"),
    [
        ({"lora_unet_input_blocks_1_1_proj_in.lora_up.weight": (8, 4)}, None),
        (
            {
                "lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.lora_down.weight": (
                    4,
                    768,
                )
            },
            "sd1.x",
        ),
        (
            {
                "lora_unet_output_blocks_2_1_transformer_blocks_1_attn2_to_k.lora_down.weight": (
                    4,
                    2048,
                )
            },
            "sdxl",
        ),
        (
            {
                "lora_unet_middle_block_1_transformer_blocks_0_attn2_to_k.lora_down.weight": (
                    4,
                    1024,
                )
            },
            "sd2.x",
        ),
        ({"lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight": (8, 4)}, "sdxl"),
        ({"diffusion_model.double_blocks.0.img_attn.qkv.lora_A.weight": (4, 8)}, "flux"),
        ({"transformer.single_transformer_blocks.0.attn.to_q.lora_B.weight": (8, 4)}, "flux"),
    ],
)
def test_lora_architecture_from_key_names(
    tmp_path: Path, shapes: dict[str, tuple[int, ...]], arch: str | None
) -> None:
    found = identify(write_safetensors(tmp_path / "l.safetensors", shapes))
    assert (found.kind, found.architecture) == ("loras", arch)


def test_dominant_dtype_is_by_parameters(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    path = tmp_path / "mixed.safetensors"
    save_file({"big": np.zeros((64, 64), np.float32), "small": np.zeros(8, np.float16)}, str(path))
    header = read_safetensors(path)
    assert (header.dtype, header.tensors["small"].dtype, header.parameter_count) == (
        "F32",
        "F16",
        4104,
    )


def _raw(path: Path, header: bytes, length: int | None = None, tail: bytes = b"") -> Path:
    path.write_bytes(struct.pack("<Q", len(header) if length is None else length) + header + tail)
    return path


@pytest.mark.parametrize(
    ("length", "header", "message"),
    [
        (2**63, b"{}", "over the"),
        (1000, b'{"a": 1}', "Truncated header"),
        (None, b"{not json", "not valid JSON"),
        (None, b"[1, 2]", "not a JSON object"),
        (None, b'{"a":' + b"[" * 100_000, "not valid JSON"),
    ],
)
def test_hostile_headers_are_errors(
    tmp_path: Path, length: int | None, header: bytes, message: str
) -> None:
    result = read_safetensors(_raw(tmp_path / "x.safetensors", header, length))
    assert result.format is ModelFormat.SAFETENSORS
    assert len(result.errors) == 1 and message in result.errors[0]


def test_bad_tensor_entries_are_reported_and_good_ones_kept(tmp_path: Path) -> None:
    header = json.dumps(
        {
            "ok": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
            "past_end": {"dtype": "F16", "shape": [2], "data_offsets": [0, 10**12]},
            "bad_shape": {"dtype": "F16", "shape": [-1], "data_offsets": [0, 4]},
            "not_obj": 5,
        }
    ).encode()
    result = read_safetensors(_raw(tmp_path / "x.safetensors", header, tail=b"\0" * 4))
    assert list(result.tensors) == ["ok"] and result.tensor_count == 1
    assert len(result.errors) == 3


def test_reads_from_an_open_binary_file(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "v.safetensors", VAE)
    with open(path, "rb") as f:
        assert read_safetensors(f).tensors == read_safetensors(path).tensors
