"""Base architectures the tensors tell, built as real safetensors headers with the marker
tensors' real names (shapes shrunk where only the name matters, real where the shape tells)."""

from __future__ import annotations

import json
from pathlib import Path

import gguf
import pytest
from model_builders import (
    FLUX,
    VAE,
    sd_unet,
    write_gguf,
    write_raw_safetensors,
    write_safetensors,
)

from hfsuite.core.destination import LIBRARY_ONLY_KINDS, MODEL_KINDS
from hfsuite.library.classify import Architecture
from hfsuite.library.identify import identify

UNET = "model.diffusion_model."
Shapes = dict[str, tuple[int, ...]]


def _llm(extra: Shapes, vocab: int = 32) -> Shapes:
    return {
        "model.embed_tokens.weight": (vocab, 8),
        "model.layers.0.self_attn.q_proj.weight": (8, 8),
        "model.layers.0.self_attn.k_proj.weight": (8, 8),
        "model.layers.0.mlp.gate_proj.weight": (16, 8),
        "model.norm.weight": (8,),
    } | extra


def _t5(blocks: int, width: int, every_block_bias: bool) -> Shapes:
    shapes: Shapes = {"shared.weight": (32, width), "encoder.final_layer_norm.weight": (width,)}
    for b in range(blocks):
        shapes[f"encoder.block.{b}.layer.0.SelfAttention.q.weight"] = (8, width)
        if b == 0 or every_block_bias:
            shapes[f"encoder.block.{b}.layer.0.SelfAttention.relative_attention_bias.weight"] = (
                32,
                4,
            )
    return shapes


CASES: dict[str, tuple[Shapes, str, str]] = {
    "sdxl-refiner": (
        sd_unet(UNET, 1280, sdxl=True) | {f"first_stage_model.{k}": v for k, v in VAE.items()},
        "checkpoints",
        "sdxl-refiner",
    ),
    "sd3.5-medium": (
        {
            f"{UNET}joint_blocks.0.x_block.attn.qkv.weight": (24, 8),
            f"{UNET}joint_blocks.0.x_block.attn2.qkv.weight": (24, 8),
        },
        "diffusion_models",
        "sd3.5",
    ),
    "sd3.5-large": (
        {"joint_blocks.0.x_block.attn.qkv.weight": (24, 8), "x_embedder.proj.weight": (2432, 1)},
        "diffusion_models",
        "sd3.5",
    ),
    "flux-fill": (FLUX | {"img_in.weight": (8, 384)}, "diffusion_models", "flux-fill"),
    "flux-depth": (FLUX | {"img_in.weight": (8, 128)}, "diffusion_models", "flux-control"),
    "flux-fill-diffusers": (
        {"single_transformer_blocks.0.proj_mlp.weight": (16, 8), "x_embedder.weight": (8, 384)},
        "diffusion_models",
        "flux-fill",
    ),
    "chroma": (
        FLUX | {"distilled_guidance_layer.layers.0.in_layer.weight": (8, 8)},
        "diffusion_models",
        "chroma",
    ),
    "hidream": (
        {
            "double_stream_blocks.0.block.attn1.to_q.weight": (8, 8),
            "single_stream_blocks.0.block.attn1.to_q.weight": (8, 8),
            "caption_projection.0.linear.weight": (8, 16),
        },
        "diffusion_models",
        "hidream",
    ),
    "qwen-image": (
        {
            "img_in.weight": (8, 64),
            "txt_norm.weight": (16,),
            "transformer_blocks.0.img_mod.1.weight": (48, 8),
            "transformer_blocks.0.attn.add_q_proj.weight": (8, 8),
        },
        "diffusion_models",
        "qwen-image",
    ),
    "lumina2": (
        {
            "cap_embedder.1.weight": (8, 16),
            "noise_refiner.0.attention.qkv.weight": (24, 8),
            "context_refiner.0.attention.qkv.weight": (24, 8),
            "layers.0.attention.qkv.weight": (24, 8),
        },
        "diffusion_models",
        "lumina2",
    ),
    "auraflow": (
        {
            "double_layers.0.attn.w1q.weight": (8, 8),
            "single_layers.0.attn.w1q.weight": (8, 8),
            "cond_seq_linear.weight": (8, 16),
        },
        "diffusion_models",
        "auraflow",
    ),
    "ltxv-checkpoint": (
        {
            f"{UNET}patchify_proj.weight": (8, 128),
            f"{UNET}adaln_single.emb.timestep_embedder.linear_1.weight": (8, 4),
            f"{UNET}transformer_blocks.0.attn1.to_q.weight": (8, 8),
            "vae.decoder.conv_in.conv.weight": (8, 128, 3, 3, 3),
        },
        "checkpoints",
        "ltxv",
    ),
    "mochi": (
        {
            "blocks.0.attn.qkv_x.weight": (24, 8),
            "t5_y_embedder.to_kv.weight": (16, 8),
            "t5_yproj.weight": (8, 8),
        },
        "diffusion_models",
        "mochi",
    ),
    "cosmos-1": (
        {
            "net.blocks.block0.blocks.0.block.attn.to_q.0.weight": (8, 8),
            "net.x_embedder.proj.1.weight": (8, 68),
        },
        "diffusion_models",
        "cosmos",
    ),
    "cosmos-predict2": (
        {
            "blocks.0.mlp.layer1.weight": (32, 8),
            "blocks.0.self_attn.q_proj.weight": (8, 8),
            "blocks.0.cross_attn.q_proj.weight": (8, 8),
            "x_embedder.proj.1.weight": (8, 68),
        },
        "diffusion_models",
        "cosmos",
    ),
    "stable-cascade-c": (
        {
            "down_blocks.0.0.channelwise.0.weight": (8, 8),
            "up_blocks.0.0.channelwise.0.weight": (8, 8),
            "clip_txt_mapper.weight": (8, 16),
        },
        "diffusion_models",
        "stable-cascade",
    ),
    "stable-audio": (
        {
            "model.model.transformer.layers.0.self_attn.to_qkv.weight": (24, 8),
            "pretransform.model.encoder.layers.0.weight_v": (8, 2, 7),
            "conditioner.conditioners.seconds_total.embedder.embedding.1.weight": (8, 8),
        },
        "checkpoints",
        "stable-audio",
    ),
    "wan22-vae": (
        {"encoder.conv1.weight": (8, 12, 3, 3, 3), "decoder.conv1.weight": (8, 48, 3, 3, 3)},
        "vae",
        "wan2.2",
    ),
    "hunyuan-video-vae": (
        {
            "encoder.conv_in.conv.weight": (8, 3, 3, 3, 3),
            "decoder.conv_in.conv.weight": (8, 16, 3, 3, 3),
        },
        "vae",
        "hunyuan-video",
    ),
    "ltxv-vae": (
        {
            "encoder.conv_in.conv.weight": (8, 48, 3, 3, 3),
            "decoder.conv_in.conv.weight": (8, 128, 3, 3, 3),
        },
        "vae",
        "ltxv",
    ),
    "flux-vae": (
        {
            "encoder.conv_in.weight": (8, 3, 3, 3),
            "encoder.conv_out.weight": (32, 8, 3, 3),
            "decoder.conv_in.weight": (8, 16, 3, 3),
        },
        "vae",
        "sd3/flux",
    ),
    "clip-g": (
        {
            "text_model.encoder.layers.0.self_attn.q_proj.weight": (8, 8),
            "text_model.final_layer_norm.weight": (1280,),
        },
        "text_encoders",
        "clip-g",
    ),
    "clip-h": (
        {
            "text_model.encoder.layers.0.self_attn.q_proj.weight": (8, 8),
            "text_model.final_layer_norm.weight": (1024,),
        },
        "text_encoders",
        "clip-h",
    ),
    "t5-xxl": (_t5(2, 4096, every_block_bias=False), "text_encoders", "t5-xxl"),
    "umt5": (_t5(2, 64, every_block_bias=True), "text_encoders", "umt5"),
    "qwen2.5-vl-encoder": (
        _llm({"model.layers.0.self_attn.q_proj.bias": (8,)})
        | {"visual.blocks.0.attn.qkv.weight": (24, 8), "visual.patch_embed.proj.weight": (8, 6)},
        "text_encoders",
        "qwen2.5-vl",
    ),
    "qwen2": (_llm({"model.layers.0.self_attn.q_proj.bias": (8,)}), "llm", "qwen2"),
    "qwen3": (
        _llm({"model.layers.0.self_attn.q_norm.weight": (4,), "lm_head.weight": (32, 8)}),
        "llm",
        "qwen3",
    ),
    "gemma": (_llm({}, vocab=256_000), "llm", "gemma"),
    "gemma2": (
        _llm({"model.layers.0.pre_feedforward_layernorm.weight": (8,)}),
        "llm",
        "gemma2",
    ),
    "gemma3": (
        _llm(
            {
                "model.layers.0.pre_feedforward_layernorm.weight": (8,),
                "model.layers.0.self_attn.q_norm.weight": (4,),
            }
        ),
        "llm",
        "gemma3",
    ),
    "phi3": (
        {
            "model.embed_tokens.weight": (32, 8),
            "model.layers.0.self_attn.qkv_proj.weight": (24, 8),
            "model.layers.0.mlp.gate_up_proj.weight": (32, 8),
        },
        "llm",
        "phi3",
    ),
    "mistral-is-llama-family": (_llm({}), "llm", "llama"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_architecture_from_marker_tensors(tmp_path: Path, case: str) -> None:
    shapes, kind, arch = CASES[case]
    found = identify(write_safetensors(tmp_path / f"{case}.safetensors", shapes))
    assert (found.kind, found.architecture) == (kind, arch)
    assert found.kind in MODEL_KINDS + LIBRARY_ONLY_KINDS and found.errors == ()
    assert found.architecture in set(Architecture)
    assert found.quantization is None  # plain F16


@pytest.mark.parametrize(
    ("metadata", "arch"),
    [
        ({"modelspec.architecture": "stable-diffusion-xl-v1-base/vae"}, "sdxl"),
        ({"modelspec.architecture": "stable-diffusion-v1/vae"}, "sd1.x"),
        ({}, "sd1.x/sdxl"),
    ],
)
def test_a_4_channel_vae_is_told_by_its_metadata_only(
    tmp_path: Path, metadata: dict[str, str], arch: str
) -> None:
    found = identify(write_safetensors(tmp_path / "vae.safetensors", VAE, metadata))
    assert (found.kind, found.architecture) == ("vae", arch)


@pytest.mark.parametrize(
    ("names", "metadata", "arch"),
    [
        (["diffusion_model.blocks.0.cross_attn.k.lora_A.weight"], {}, "wan"),
        (["lora_unet_blocks_0_cross_attn_k.lora_down.weight"], {}, "wan"),
        (["transformer_blocks.0.img_mlp.net.0.proj.lora_A.weight"], {}, "qwen-image"),
        (["lora_unet_joint_blocks_0_x_block_attn_qkv.lora_down.weight"], {}, "sd3"),
        (["diffusion_model.double_stream_blocks.0.block.attn1.to_q.lora_A.weight"], {}, "hidream"),
        (["lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight"], {}, "flux"),
        (
            [
                "lora_unet_double_blocks_18_img_attn_qkv.lora_down.weight",
                "lora_unet_single_blocks_37_linear1.lora_down.weight",
            ],
            {},
            "flux",
        ),
        (  # HunyuanVideo has the same block names, but 20 double and 40 single blocks
            [
                "lora_unet_double_blocks_19_img_attn_qkv.lora_down.weight",
                "lora_unet_single_blocks_39_linear1.lora_down.weight",
            ],
            {},
            "hunyuan-video",
        ),
        (["transformer.single_transformer_blocks.39.attn.to_q.lora_A.weight"], {}, "hunyuan-video"),
        (
            ["lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight"],
            {"ss_architecture": "hyv"},
            "hunyuan-video",
        ),
        (
            ["lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight"],
            {"modelspec.architecture": "flux-1-kontext-dev/lora"},
            "flux-kontext",
        ),
        (
            ["transformer.transformer_blocks.0.attn.to_q.lora_A.weight"],
            {"ss_base_model_version": "chroma"},
            "chroma",
        ),
        (["transformer.transformer_blocks.0.attn.to_q.lora_A.weight"], {}, None),
    ],
)
def test_lora_target_architecture(
    tmp_path: Path, names: list[str], metadata: dict[str, str], arch: str | None
) -> None:
    shapes = dict.fromkeys(names, (4, 8))
    found = identify(write_safetensors(tmp_path / "l.safetensors", shapes, metadata))
    assert (found.kind, found.architecture) == ("loras", arch)


def test_lora_training_metadata_is_kept_readable(tmp_path: Path) -> None:
    tags = {"10_char": {f"tag{i}": i for i in range(1, 3000)}, "5_style": {"tag1": 10_000}}
    meta = {
        "ss_base_model_version": "sdxl_base_v1-0",
        "ss_output_name": "my-character",
        "ss_network_dim": "16",
        "ss_network_alpha": "8",
        "ss_tag_frequency": json.dumps(tags),
        "ss_training_comment": "x" * 10_000,
        "modelspec.title": "My character",
        "modelspec.trigger_phrase": "mychar",
        "modelspec.thumbnail": "data:image/png;base64," + "A" * 5000,
    }
    shapes = {"lora_unet_input_blocks_4_1_proj_in.lora_down.weight": (4, 8)}
    found = identify(write_safetensors(tmp_path / "lora.safetensors", shapes, meta))
    t = found.training
    assert (t["base_model"], t["output_name"], t["network_dim"]) == (
        "sdxl_base_v1-0",
        "my-character",
        "16",
    )
    assert t["top_tags"][:3] == [["tag1", 10_001], ["tag2999", 2999], ["tag2998", 2998]]
    assert len(t["top_tags"]) == 25 and t["tag_count"] == 2999
    assert isinstance(t["comment"], str) and len(t["comment"]) == 512
    assert t["modelspec.trigger_phrase"] == "mychar" and "modelspec.thumbnail" not in t
    assert found.architecture == "sdxl"


def test_a_file_without_training_metadata_has_an_empty_summary(tmp_path: Path) -> None:
    assert identify(write_safetensors(tmp_path / "v.safetensors", VAE)).training == {}


@pytest.mark.parametrize(
    ("text", "top"),
    [
        ("not json", None),
        ("[1, 2]", None),
        ('{"a": [1], "b": {"x": true, "y": -3, "z": "7", "w": 2}}', [["w", 2]]),
        ('{"a": ' * 5000 + "1" + "}" * 5000, None),
    ],
)
def test_odd_tag_frequencies_do_not_break_the_read(tmp_path: Path, text: str, top: object) -> None:
    shapes = {"lora_unet_x.lora_down.weight": (4, 8)}
    found = identify(
        write_safetensors(tmp_path / "l.safetensors", shapes, {"ss_tag_frequency": text})
    )
    assert found.errors == () and found.kind == "loras"
    assert found.training.get("top_tags") == top or (
        top is None and "top_tags" not in found.training
    )


@pytest.mark.parametrize(
    ("tensors", "quantization"),
    [
        (
            {
                "double_blocks.0.img_attn.qkv.weight": ("F8_E4M3", (24, 8)),
                "img_in.bias": ("BF16", (8,)),
            },
            "fp8_e4m3fn",
        ),
        ({"blocks.0.ffn.0.weight": ("F8_E5M2", (16, 8))}, "fp8_e5m2"),
        (
            {
                "double_blocks.0.img_attn.qkv.weight": ("F8_E4M3", (24, 8)),
                "double_blocks.0.img_attn.qkv.scale_weight": ("F32", (1,)),
                "scaled_fp8": ("F8_E4M3", (0,)),
            },
            "fp8_e4m3fn_scaled",
        ),
        (
            {
                "model.layers.0.mlp.down_proj.weight": ("U8", (32, 1)),
                "model.layers.0.mlp.down_proj.weight.absmax": ("F32", (4,)),
                "model.layers.0.mlp.down_proj.weight.quant_map": ("F32", (16,)),
                "model.layers.0.mlp.down_proj.weight.quant_state.bitsandbytes__nf4": ("U8", (8,)),
            },
            "bnb-nf4",
        ),
        (
            {
                "model.layers.0.mlp.down_proj.weight": ("I8", (8, 8)),
                "model.layers.0.mlp.down_proj.SCB": ("F32", (8,)),
            },
            "bnb-int8",
        ),
        ({"model.layers.0.mlp.down_proj.weight": ("BF16", (8, 8))}, None),
    ],
)
def test_safetensors_quantization(
    tmp_path: Path, tensors: dict[str, tuple[str, tuple[int, ...]]], quantization: str | None
) -> None:
    found = identify(write_raw_safetensors(tmp_path / "q.safetensors", tensors))
    assert found.errors == () and found.quantization == quantization


def test_fp8_checkpoint_keeps_its_kind_and_dtype(tmp_path: Path) -> None:
    tensors = {name: ("F8_E4M3", shape) for name, shape in FLUX.items()}
    found = identify(write_raw_safetensors(tmp_path / "flux-fp8.safetensors", tensors))
    assert (found.kind, found.architecture, found.dtype, found.quantization) == (
        "diffusion_models",
        "flux",
        "F8_E4M3",
        "fp8_e4m3fn",
    )


@pytest.mark.parametrize(
    ("file_type", "preset"),
    [
        (gguf.LlamaFileType.MOSTLY_Q4_K_M, "Q4_K_M"),
        (gguf.LlamaFileType.MOSTLY_Q8_0, "Q8_0"),
        (gguf.LlamaFileType.MOSTLY_F16, None),
    ],
)
def test_gguf_quantization_from_its_file_type(
    tmp_path: Path, file_type: gguf.LlamaFileType, preset: str | None
) -> None:
    found = identify(write_gguf(tmp_path / "m.gguf", file_type=file_type))
    assert found.quantization == preset


@pytest.mark.parametrize(
    ("arch", "kind", "expected"),
    [
        ("aura", "diffusion_models", "auraflow"),
        ("qwen_image", "diffusion_models", "qwen-image"),
        ("lumina2", "diffusion_models", "lumina2"),
        ("hidream", "diffusion_models", "hidream"),
        ("ltxv", "diffusion_models", "ltxv"),
        ("cosmos", "diffusion_models", "cosmos"),
        ("t5encoder", "text_encoders", "t5"),
        ("qwen3", "llm", "qwen3"),
        ("gemma3", "llm", "gemma3"),
    ],
)
def test_gguf_architectures(tmp_path: Path, arch: str, kind: str, expected: str) -> None:
    found = identify(write_gguf(tmp_path / "m.gguf", arch=arch))
    assert (found.kind, found.architecture) == (kind, expected)


def test_a_quantized_transformers_folder(tmp_path: Path) -> None:
    config = {
        "model_type": "llama",
        "quantization_config": {
            "quant_method": "bitsandbytes",
            "load_in_4bit": True,
            "bnb_4bit_quant_type": "nf4",
        },
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    assert identify(tmp_path).quantization == "bnb-nf4"
    config["quantization_config"] = {"quant_method": "awq", "bits": 4}
    (tmp_path / "config.json").write_text(json.dumps(config))
    assert identify(tmp_path).quantization == "awq"


def test_scalar_tensors_where_a_width_is_expected(tmp_path: Path) -> None:
    # A 0-d tensor under a name whose width the rules read must not break the read.
    shapes = {
        "text_model.encoder.layers.0.self_attn.q_proj.weight": (8, 8),
        "text_model.final_layer_norm.weight": (),
    }
    found = identify(write_safetensors(tmp_path / "odd.safetensors", shapes))
    assert (found.kind, found.architecture, found.errors) == ("text_encoders", None, ())
