"""A model's kind and base architecture, from its tensor names, shapes and metadata.

Kinds are ComfyUI's model folder keys (:data:`hfsuite.core.destination.MODEL_KINDS`) plus the
library-only :data:`~hfsuite.core.destination.LIBRARY_ONLY_KINDS`. The rules look at tensor
names the way the tools that load these files do; the first rule that matches wins, most
specific first (a LoRA or ControlNet also carries UNet-like names).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from hfsuite.library.header import ModelFormat, ModelHeader, TensorInfo

__all__ = ["Architecture", "Classification", "classify"]


class Architecture(enum.StrEnum):
    """Base architectures the tensors can tell apart (LLMs use GGUF's free-form names)."""

    SD1 = "sd1.x"
    """Stable Diffusion 1.x (UNet, 768-wide CLIP-L context)."""
    SD2 = "sd2.x"
    """Stable Diffusion 2.x (UNet, 1024-wide OpenCLIP-H context)."""
    SDXL = "sdxl"
    """Stable Diffusion XL (UNet, 2048-wide context, two text encoders)."""
    SD3 = "sd3"
    """Stable Diffusion 3 / 3.5 (MMDiT ``joint_blocks``)."""
    FLUX = "flux"
    """Flux.1 (``double_blocks`` + ``single_blocks``)."""
    WAN = "wan"
    """Wan 2.x video (``blocks.N.cross_attn``, 3D patch embedding)."""
    HUNYUAN_VIDEO = "hunyuan-video"
    """HunyuanVideo (``double_blocks`` + token-refiner ``txt_in``)."""
    LLAMA = "llama"
    """A LLaMA-family language model (``model.layers.N.self_attn.q_proj``)."""
    CLIP_L = "clip-l"
    """CLIP ViT-L text encoder (768 wide)."""
    CLIP_G = "clip-g"
    """OpenCLIP ViT-bigG text encoder (1280 wide)."""
    T5 = "t5"
    """T5 / UMT5 encoder."""
    ESRGAN = "esrgan"
    """ESRGAN / Real-ESRGAN upscaler (RRDB blocks)."""


@dataclass(frozen=True)
class Classification:
    """What a header is.

    Attributes:
        kind: A ComfyUI folder key, or ``llm``/``transformers``/``diffusers``/``unknown``.
        architecture: The base architecture, or None when the tensors do not tell.
    """

    kind: str
    architecture: str | None = None


_MODELSPEC = (  # modelspec.architecture / ss_base_model_version prefixes
    ("stable-diffusion-xl", Architecture.SDXL), ("sdxl", Architecture.SDXL),
    ("stable-diffusion-v1", Architecture.SD1), ("sd_v1", Architecture.SD1),
    ("stable-diffusion-v2", Architecture.SD2), ("sd_v2", Architecture.SD2),
    ("stable-diffusion-3", Architecture.SD3), ("sd3", Architecture.SD3),
    ("flux", Architecture.FLUX), ("wan", Architecture.WAN), ("hunyuan", Architecture.HUNYUAN_VIDEO),
)  # fmt: skip
_GGUF_DIFFUSION = {
    "flux": Architecture.FLUX, "sd3": Architecture.SD3, "sdxl": Architecture.SDXL,
    "sd1": Architecture.SD1, "wan": Architecture.WAN, "hyvid": Architecture.HUNYUAN_VIDEO,
}  # fmt: skip
_DIFFUSERS_PIPELINES = (
    ("StableDiffusionXL", Architecture.SDXL), ("StableDiffusion3", Architecture.SD3),
    ("Flux", Architecture.FLUX), ("Wan", Architecture.WAN),
    ("HunyuanVideo", Architecture.HUNYUAN_VIDEO),
    ("StableDiffusion", Architecture.SD1),
)  # fmt: skip
_DIFFUSERS_COMPONENTS = (
    ("ControlNet", "controlnet"), ("Autoencoder", "vae"), ("UNet", "diffusion_models"),
    ("Transformer", "diffusion_models"),
)  # fmt: skip
_LORA = re.compile(r"lora_(up|down|A|B)\b|\.lora\.(up|down)\.|^lora_(unet|te\d?)_|\.(hada|lokr)_")
_LLM_LAYER = re.compile(r"(^|\.)layers\.\d+\.self_attn\.q_proj\.weight$")
_UNET_PREFIX = "model.diffusion_model."
_CONTEXT_ARCH = {768: Architecture.SD1, 1024: Architecture.SD2, 2048: Architecture.SDXL}
_VAE_PARTS = ("encoder.", "decoder.", "quant_conv.", "post_quant_conv.", "conv1.", "conv2.")


def classify(header: ModelHeader) -> Classification:
    """The kind and architecture of the model a header describes."""
    if header.format is ModelFormat.GGUF:
        return _gguf(header.metadata)
    if header.format in (ModelFormat.DIFFUSERS, ModelFormat.TRANSFORMERS):
        return _folder(header)
    names = header.tensors
    if not names:
        return Classification("unknown")
    for rule in _RULES:
        found = rule(names, header.metadata)
        if found is not None:
            return found
    return Classification("unknown")


def _gguf(meta: Mapping[str, object]) -> Classification:
    arch = str(meta.get("general.architecture", "")) or None
    if arch in _GGUF_DIFFUSION:
        return Classification("diffusion_models", _GGUF_DIFFUSION[arch])
    if arch in ("clip", "t5", "t5encoder"):
        return Classification("text_encoders" if arch != "clip" else "clip_vision", arch)
    return Classification("llm", arch)


def _folder(header: ModelHeader) -> Classification:
    meta = header.metadata
    class_name = str(meta.get("_class_name", ""))
    if header.format is ModelFormat.TRANSFORMERS:
        model_type = meta.get("model_type")
        return Classification("transformers", str(model_type) if model_type else None)
    if "components" in meta:
        arch = next((a for p, a in _DIFFUSERS_PIPELINES if class_name.startswith(p)), None)
        return Classification("diffusers", arch)
    kind = next((k for p, k in _DIFFUSERS_COMPONENTS if p in class_name), "diffusers")
    return Classification(kind, None)


def _from_metadata(meta: Mapping[str, object]) -> str | None:
    for key in ("modelspec.architecture", "ss_base_model_version"):
        value = str(meta.get(key, "")).lower()
        for prefix, arch in _MODELSPEC:
            if value.startswith(prefix):
                return arch
    return None


def _context_dim(names: Mapping[str, TensorInfo]) -> int | None:
    """The UNet's cross-attention width (768 SD1, 1024 SD2, 2048 SDXL)."""
    for name, info in names.items():
        if name.endswith("attn2.to_k.weight") and len(info.shape) == 2:
            return info.shape[1]
    return None


def _unet_arch(names: Mapping[str, TensorInfo]) -> str | None:
    if any("conditioner.embedders.1" in n or n.endswith("label_emb.0.0.weight") for n in names):
        return Architecture.SDXL
    return _CONTEXT_ARCH.get(_context_dim(names) or 0)


def _dit_arch(names: Mapping[str, TensorInfo]) -> str | None:
    """The diffusion-transformer family, from names with any ``model.diffusion_model.`` cut."""
    bare = {n.removeprefix(_UNET_PREFIX): i for n, i in names.items()}
    if any(n.startswith("joint_blocks.") for n in bare):
        return Architecture.SD3
    if any(n.startswith("double_blocks.") for n in bare):
        if any(n.startswith("txt_in.individual_token_refiner") for n in bare):
            return Architecture.HUNYUAN_VIDEO
        if any(n.startswith("single_blocks.") for n in bare):
            return Architecture.FLUX
    # The same models saved in diffusers' naming (a pipeline's transformer/ weights).
    if any(n.startswith("context_embedder.token_refiner.") for n in bare):
        return Architecture.HUNYUAN_VIDEO
    if any(n.startswith("single_transformer_blocks.") for n in bare):
        return Architecture.FLUX
    if any(n.startswith("transformer_blocks.") and ".attn.add_q_proj." in n for n in bare):
        return Architecture.SD3
    patch = bare.get("patch_embedding.weight")
    if (
        patch is not None
        and len(patch.shape) == 5
        and any(re.match(r"blocks\.\d+\.cross_attn\.", n) for n in bare)
    ):
        return Architecture.WAN
    return None


def _lora(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    if not any(_LORA.search(n) for n in names):
        return None
    arch = _from_metadata(meta)
    if arch is None:
        if any(n.startswith("lora_te2_") for n in names):
            arch = Architecture.SDXL
        elif any("double_blocks" in n or "single_transformer_blocks" in n for n in names):
            arch = Architecture.FLUX
        elif any(n.startswith("lora_unet_") for n in names):
            arch = _lora_unet_arch(names)
    return Classification("loras", arch)


def _lora_unet_arch(names: Mapping[str, TensorInfo]) -> str | None:
    """A UNet LoRA's base, from the down projection of a cross-attention key (context width)."""
    for name, info in names.items():
        if re.search(r"attn2[._]to_k\.(lora_down|lora_A)\.weight$", name) and len(info.shape) == 2:
            return _CONTEXT_ARCH.get(info.shape[1])
    return None


def _embedding(
    names: Mapping[str, TensorInfo], meta: Mapping[str, object]
) -> Classification | None:
    if set(names) >= {"clip_l", "clip_g"}:
        return Classification("embeddings", Architecture.SDXL)
    vectors = [i for n, i in names.items() if n == "emb_params" or n.startswith("string_to_param.")]
    if not vectors:
        return None
    width = vectors[0].shape[-1] if vectors[0].shape else 0
    return Classification("embeddings", {768: Architecture.SD1, 1024: Architecture.SD2}.get(width))


def _controlnet(
    names: Mapping[str, TensorInfo], meta: Mapping[str, object]
) -> Classification | None:
    if not any(
        n.startswith("control_model.")
        or "input_hint_block" in n
        or "controlnet_cond_embedding" in n
        for n in names
    ):
        return None
    return Classification("controlnet", _unet_arch(names) or _dit_arch(names))


def _checkpoint(
    names: Mapping[str, TensorInfo], meta: Mapping[str, object]
) -> Classification | None:
    unet = any(n.startswith(_UNET_PREFIX) for n in names)
    if not unet:
        return None
    has_vae = any(n.startswith(("first_stage_model.", "vae.")) for n in names)
    arch = _dit_arch(names) or _unet_arch(names) or _from_metadata(meta)
    return Classification("checkpoints" if has_vae else "diffusion_models", arch)


def _diffusion(
    names: Mapping[str, TensorInfo], meta: Mapping[str, object]
) -> Classification | None:
    arch = _dit_arch(names)
    if arch is not None:
        return Classification("diffusion_models", arch)
    for down, up in (("input_blocks.", "output_blocks."), ("down_blocks.", "up_blocks.")):
        if any(n.startswith(down) for n in names) and any(n.startswith(up) for n in names):
            return Classification("diffusion_models", _unet_arch(names))
    return None


def _vae(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    bare = [n.removeprefix("first_stage_model.").removeprefix("vae.") for n in names]
    if not all(n.startswith(_VAE_PARTS) for n in bare):
        return None
    if not any(n.startswith("decoder.") for n in bare):
        return None
    video = any(len(i.shape) == 5 for i in names.values())
    return Classification("vae", Architecture.WAN if video else None)


def _text_encoder(
    names: Mapping[str, TensorInfo], meta: Mapping[str, object]
) -> Classification | None:
    if any(n.startswith(("vision_model.", "visual.")) for n in names):
        return Classification("clip_vision")
    if any(".text_model.encoder.layers." in f".{n}" for n in names):
        width = next(
            (i.shape[-1] for n, i in names.items() if n.endswith("final_layer_norm.weight")), None
        )
        return Classification(
            "text_encoders", {768: Architecture.CLIP_L, 1280: Architecture.CLIP_G}.get(width or 0)
        )
    if any(
        re.match(r"(encoder\.)?block\.\d+\.layer\.0\.SelfAttention\.q\.weight", n) for n in names
    ):
        return Classification("text_encoders", Architecture.T5)
    return None


def _upscaler(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    if any(".RDB1." in n or n.startswith("RRDB_trunk.") or ".rdb1." in n for n in names):
        return Classification("upscale_models", Architecture.ESRGAN)
    return None


def _style(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    if any(n.startswith(("redux_up.", "redux_down.")) for n in names) or "style_embedding" in names:
        return Classification(
            "style_models", Architecture.FLUX if "redux_up.weight" in names else None
        )
    return None


def _audio(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    if any("feature_extractor.conv_layers." in n for n in names) and any(
        "feature_projection." in n for n in names
    ):
        return Classification("audio_encoders")
    return None


def _llm(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    if any(_LLM_LAYER.search(n) for n in names):
        return Classification("llm", Architecture.LLAMA)
    return None


_RULES = (
    _lora, _embedding, _controlnet, _style, _checkpoint, _diffusion, _vae, _upscaler,
    _audio, _text_encoder, _llm,
)  # fmt: skip
