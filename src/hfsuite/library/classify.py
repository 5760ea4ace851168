"""A model's kind and base architecture, from its tensor names, shapes and metadata.

Kinds are ComfyUI's model folder keys (:data:`hfsuite.core.destination.MODEL_KINDS`) plus the
library-only :data:`~hfsuite.core.destination.LIBRARY_ONLY_KINDS`. The rules look at tensor
names the way the tools that load these files do; the first rule that matches wins, most
specific first (a LoRA or ControlNet also carries UNet-like names). Shapes settle what names
cannot: a UNet's cross-attention width, Flux's input features (Fill, Depth/Canny), a VAE's
latent channels and 3D kernels, a text encoder's width. An ONNX graph whose initializer names
tell nothing is classified by its inputs and outputs. :func:`quantization` names how the
weights are stored (fp8, bitsandbytes, GGUF presets).

What the tensors cannot tell is not guessed: SD1.x/SD2.x/SDXL VAEs share one layout (as do
SD3 and Flux VAEs), Flux Kontext has Flux's tensors, Mistral has LLaMA's; metadata
(``modelspec.architecture``, ``ss_base_model_version``) tells them when present.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from hfsuite.library.header import ModelFormat, ModelHeader, TensorInfo

__all__ = ["Architecture", "Classification", "classify", "quantization"]


class Architecture(enum.StrEnum):
    """Base architectures the tensors can tell apart (LLMs use GGUF's free-form names)."""

    SD1 = "sd1.x"
    """Stable Diffusion 1.x (UNet, 768-wide CLIP-L context)."""
    SD2 = "sd2.x"
    """Stable Diffusion 2.x (UNet, 1024-wide OpenCLIP-H context)."""
    SDXL = "sdxl"
    """Stable Diffusion XL (UNet, 2048-wide context, two text encoders); Pony, Illustrious and
    NoobAI are SDXL fine-tunes and report this."""
    SDXL_REFINER = "sdxl-refiner"
    """The SDXL refiner (UNet, 1280-wide OpenCLIP-G context only)."""
    SD3 = "sd3"
    """Stable Diffusion 3 (MMDiT ``joint_blocks``)."""
    SD35 = "sd3.5"
    """Stable Diffusion 3.5: Medium (MMDiT-X, a second ``attn2`` per x block) or Large (38
    joint blocks, 2432 wide)."""
    FLUX = "flux"
    """Flux.1 dev/schnell (``double_blocks`` + ``single_blocks``, 64 input features). Kontext has
    the same tensors: only its metadata tells it apart."""
    FLUX_FILL = "flux-fill"
    """Flux.1 Fill (in-/outpainting): 384 input features (image + mask + masked image)."""
    FLUX_CONTROL = "flux-control"
    """Flux.1 Depth / Canny: 128 input features (image + control image)."""
    FLUX_KONTEXT = "flux-kontext"
    """Flux.1 Kontext; its tensors are Flux's, so only metadata (modelspec) tells it."""
    CHROMA = "chroma"
    """Chroma (a Flux-schnell derivative with a ``distilled_guidance_layer``)."""
    HIDREAM = "hidream"
    """HiDream-I1 (``double_stream_blocks`` + ``single_stream_blocks``)."""
    QWEN_IMAGE = "qwen-image"
    """Qwen-Image (MMDiT with ``img_mod``/``txt_mod`` and a ``txt_norm``)."""
    LUMINA2 = "lumina2"
    """Lumina Image 2.0 / NetaYume (``cap_embedder``, ``noise_refiner``, ``context_refiner``)."""
    AURAFLOW = "auraflow"
    """AuraFlow (``double_layers`` + ``single_layers``)."""
    WAN = "wan"
    """Wan 2.x video (``blocks.N.cross_attn``, 3D patch embedding); for a VAE, the Wan 2.1 VAE
    (16 latent channels, 3D convolutions), which Wan 2.2 14B and Qwen-Image use too."""
    WAN22_VAE = "wan2.2"
    """The Wan 2.2 VAE (48 latent channels, 3D convolutions) of Wan 2.2 TI2V 5B."""
    HUNYUAN_VIDEO = "hunyuan-video"
    """HunyuanVideo (``double_blocks`` + token-refiner ``txt_in``)."""
    LTXV = "ltxv"
    """LTX-Video (``patchify_proj`` + ``adaln_single``; its VAE has 128 latent channels)."""
    MOCHI = "mochi"
    """Genmo Mochi (``t5_y_embedder``, ``qkv_x`` attention)."""
    COSMOS = "cosmos"
    """NVIDIA Cosmos 1.0 / Predict2 world models."""
    STABLE_CASCADE = "stable-cascade"
    """Stable Cascade stage C (``clip_txt_mapper``) or stage B (``effnet_mapper``)."""
    STABLE_AUDIO = "stable-audio"
    """Stable Audio Open (a DiT with a ``pretransform`` autoencoder)."""
    SD_VAE = "sd1.x/sdxl"
    """A VAE with 4 latent channels: SD1.x, SD2.x and SDXL VAEs share one layout, so their
    tensors do not tell which (metadata may)."""
    SD3_FLUX_VAE = "sd3/flux"
    """A 2D VAE with 16 latent channels: SD3/3.5 and Flux VAEs share one layout."""
    LLAMA = "llama"
    """A LLaMA-family language model (``model.layers.N.self_attn.q_proj``): LLaMA, Mistral and
    other models whose tensors look the same."""
    QWEN2 = "qwen2"
    """Qwen2 / Qwen2.5 (LLaMA layout with a bias on the attention projections)."""
    QWEN3 = "qwen3"
    """Qwen3 (per-head ``q_norm``/``k_norm``, no projection bias)."""
    GEMMA = "gemma"
    """Gemma 1 (LLaMA layout, 256k-token vocabulary)."""
    GEMMA2 = "gemma2"
    """Gemma 2 (pre- and post-feed-forward norms)."""
    GEMMA3 = "gemma3"
    """Gemma 3 (Gemma 2's norms plus ``q_norm``/``k_norm``)."""
    PHI3 = "phi3"
    """Phi-3 / Phi-4 (fused ``qkv_proj`` and ``gate_up_proj``)."""
    QWEN25_VL = "qwen2.5-vl"
    """Qwen2.5-VL (a Qwen2 language model with a ``visual`` tower): Qwen-Image's text encoder."""
    CLIP_L = "clip-l"
    """CLIP ViT-L text encoder (768 wide)."""
    CLIP_H = "clip-h"
    """OpenCLIP ViT-H text encoder (1024 wide, SD2's)."""
    CLIP_G = "clip-g"
    """OpenCLIP ViT-bigG text encoder (1280 wide)."""
    T5 = "t5"
    """A T5 encoder other than T5-XXL."""
    T5_XXL = "t5-xxl"
    """T5-XXL encoder (4096 wide): SD3, Flux, HunyuanVideo…"""
    UMT5 = "umt5"
    """UMT5 encoder (relative attention bias in every block): Wan's text encoder."""
    ESRGAN = "esrgan"
    """ESRGAN / Real-ESRGAN upscaler (RRDB blocks)."""
    FACE_SWAP = "face-swap"
    """An ONNX face swapper (InsightFace inswapper: an image and a 512-wide identity in)."""
    FACE_RECOGNITION = "face-recognition"
    """An ONNX face recognition model (112x112 face in, 512-wide embedding out: ArcFace)."""
    FACE_DETECTION = "face-detection"
    """An ONNX face detector (one image in, score/box/landmark heads per stride out: SCRFD,
    RetinaFace)."""


@dataclass(frozen=True)
class Classification:
    """What a header is.

    Attributes:
        kind: A ComfyUI folder key, or ``llm``/``transformers``/``diffusers``/``unknown``.
        architecture: The base architecture, or None when the tensors do not tell.
    """

    kind: str
    architecture: str | None = None


_MODELSPEC = (  # modelspec.architecture / ss_base_model_version prefixes, most specific first
    ("stable-diffusion-xl-v1-refiner", Architecture.SDXL_REFINER),
    ("stable-diffusion-xl", Architecture.SDXL), ("sdxl", Architecture.SDXL),
    ("stable-diffusion-v1", Architecture.SD1), ("sd_v1", Architecture.SD1),
    ("stable-diffusion-v2", Architecture.SD2), ("sd_v2", Architecture.SD2),
    ("stable-diffusion-v3-5", Architecture.SD35), ("stable-diffusion-v3.5", Architecture.SD35),
    ("sd3.5", Architecture.SD35), ("sd3-5", Architecture.SD35),
    ("stable-diffusion-3", Architecture.SD3), ("stable-diffusion-v3", Architecture.SD3),
    ("sd3", Architecture.SD3),
    ("flux-1-kontext", Architecture.FLUX_KONTEXT), ("flux.1-kontext", Architecture.FLUX_KONTEXT),
    ("flux-1-fill", Architecture.FLUX_FILL), ("flux.1-fill", Architecture.FLUX_FILL),
    ("flux", Architecture.FLUX), ("chroma", Architecture.CHROMA),
    ("hidream", Architecture.HIDREAM), ("qwen-image", Architecture.QWEN_IMAGE),
    ("qwen_image", Architecture.QWEN_IMAGE), ("lumina", Architecture.LUMINA2),
    ("auraflow", Architecture.AURAFLOW), ("ltx", Architecture.LTXV),
    ("mochi", Architecture.MOCHI), ("cosmos", Architecture.COSMOS),
    ("stable-cascade", Architecture.STABLE_CASCADE), ("stable-audio", Architecture.STABLE_AUDIO),
    ("wan", Architecture.WAN), ("hunyuan", Architecture.HUNYUAN_VIDEO),
)  # fmt: skip
_GGUF_DIFFUSION = {  # city96's ComfyUI-GGUF architecture names, and a few aliases
    "flux": Architecture.FLUX, "sd3": Architecture.SD3, "sdxl": Architecture.SDXL,
    "sd1": Architecture.SD1, "wan": Architecture.WAN, "hyvid": Architecture.HUNYUAN_VIDEO,
    "aura": Architecture.AURAFLOW, "hidream": Architecture.HIDREAM,
    "cosmos": Architecture.COSMOS, "ltxv": Architecture.LTXV, "lumina2": Architecture.LUMINA2,
    "qwen_image": Architecture.QWEN_IMAGE, "chroma": Architecture.CHROMA,
    "mochi": Architecture.MOCHI,
}  # fmt: skip
_DIFFUSERS_PIPELINES = (
    ("StableDiffusionXL", Architecture.SDXL), ("StableDiffusion3", Architecture.SD3),
    ("FluxFill", Architecture.FLUX_FILL), ("FluxKontext", Architecture.FLUX_KONTEXT),
    ("FluxControl", Architecture.FLUX_CONTROL), ("Flux", Architecture.FLUX),
    ("Chroma", Architecture.CHROMA), ("HiDream", Architecture.HIDREAM),
    ("QwenImage", Architecture.QWEN_IMAGE), ("Lumina2", Architecture.LUMINA2),
    ("AuraFlow", Architecture.AURAFLOW), ("LTX", Architecture.LTXV),
    ("Mochi", Architecture.MOCHI), ("Cosmos", Architecture.COSMOS),
    ("StableCascade", Architecture.STABLE_CASCADE), ("StableAudio", Architecture.STABLE_AUDIO),
    ("Wan", Architecture.WAN), ("HunyuanVideo", Architecture.HUNYUAN_VIDEO),
    ("StableDiffusion", Architecture.SD1),
)  # fmt: skip
_DIFFUSERS_COMPONENTS = (
    ("ControlNet", "controlnet"), ("Autoencoder", "vae"), ("UNet", "diffusion_models"),
    ("Transformer", "diffusion_models"),
)  # fmt: skip
_LORA = re.compile(r"lora_(up|down|A|B)\b|\.lora\.(up|down)\.|^lora_(unet|te\d?)_|\.(hada|lokr)_")
_LLM_LAYER = re.compile(r"(^|\.)layers\.\d+\.self_attn\.(q|qkv)_proj\.weight$")
_UNET_PREFIX = "model.diffusion_model."
_CONTEXT_ARCH = {
    768: Architecture.SD1, 1024: Architecture.SD2, 1280: Architecture.SDXL_REFINER,
    2048: Architecture.SDXL,
}  # fmt: skip
_VAE_PARTS = ("encoder.", "decoder.", "quant_conv.", "post_quant_conv.", "conv1.", "conv2.")


def classify(header: ModelHeader) -> Classification:
    """The kind and architecture of the model a header describes."""
    if header.format is ModelFormat.GGUF:
        return _gguf(header.metadata)
    if header.format in (ModelFormat.DIFFUSERS, ModelFormat.TRANSFORMERS):
        return _folder(header)
    names = header.tensors
    for rule in _RULES if names else ():
        found = rule(names, header.metadata)
        if found is not None:
            return found
    if header.format is ModelFormat.ONNX:
        return _onnx(header.metadata)
    return Classification("unknown")


def _gguf(meta: Mapping[str, object]) -> Classification:
    arch = str(meta.get("general.architecture", "")) or None
    if arch in _GGUF_DIFFUSION:
        return Classification("diffusion_models", _GGUF_DIFFUSION[arch])
    if arch in ("t5", "t5encoder"):
        return Classification("text_encoders", Architecture.T5)
    if arch == "clip":
        return Classification("clip_vision", arch)
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
    # ss_architecture: musubi-tuner's short names (hyv = HunyuanVideo, fp = FramePack on it).
    short = {"hyv": Architecture.HUNYUAN_VIDEO, "fp": Architecture.HUNYUAN_VIDEO}
    for key in ("modelspec.architecture", "ss_base_model_version", "ss_architecture"):
        value = str(meta.get(key, "")).lower()
        if value in short:
            return short[value]
        for prefix, arch in _MODELSPEC:
            if value.startswith(prefix):
                return arch
    return None


def _context_dim(names: Mapping[str, TensorInfo]) -> int | None:
    """The UNet's cross-attention width (768 SD1, 1024 SD2, 1280 refiner, 2048 SDXL)."""
    for name, info in names.items():
        if name.endswith("attn2.to_k.weight") and len(info.shape) == 2:
            return info.shape[1]
    return None


def _unet_arch(names: Mapping[str, TensorInfo]) -> str | None:
    context = _context_dim(names)
    if context == 1280:
        return Architecture.SDXL_REFINER
    if any("conditioner.embedders.1" in n or n.endswith("label_emb.0.0.weight") for n in names):
        return Architecture.SDXL
    return _CONTEXT_ARCH.get(context or 0)


def _bare(names: Mapping[str, TensorInfo]) -> dict[str, TensorInfo]:
    """Names with a checkpoint's ``model.diffusion_model.`` (or Cosmos' ``net.``) cut."""
    return {n.removeprefix(_UNET_PREFIX).removeprefix("net."): i for n, i in names.items()}


def _starts(bare: Mapping[str, TensorInfo], heads: set[str], *prefixes: str) -> bool:
    """Whether a name starts with one of ``prefixes``; names are scanned only when a prefix's
    first component is among ``heads`` (the names' first components), so a header of tens of
    thousands of LLM tensors is not scanned once per diffusion family."""
    return any(
        p.partition(".")[0] in heads and any(n.startswith(p) for n in bare) for p in prefixes
    )


def _in_features(bare: Mapping[str, TensorInfo], name: str) -> int | None:
    info = bare.get(name)
    return info.shape[1] if info is not None and len(info.shape) == 2 else None


def _flux_variant(bare: Mapping[str, TensorInfo], embed: str) -> str:
    """Flux, or Fill / Depth-Canny by the image embedding's input features."""
    if any(n.startswith("distilled_guidance_layer.") for n in bare):
        return Architecture.CHROMA
    return {384: Architecture.FLUX_FILL, 128: Architecture.FLUX_CONTROL}.get(
        _in_features(bare, embed) or 0, Architecture.FLUX
    )


def _sd3_variant(bare: Mapping[str, TensorInfo]) -> str:
    if any(".x_block.attn2." in n for n in bare):
        return Architecture.SD35  # 3.5 Medium's MMDiT-X
    embed = bare.get("x_embedder.proj.weight") or bare.get("context_embedder.weight")
    if embed is not None and embed.shape and embed.shape[0] == 2432:
        return Architecture.SD35  # 3.5 Large
    return Architecture.SD3


_WAN_BLOCK = re.compile(r"blocks\.\d+\.cross_attn\.")
_COSMOS_BLOCK = re.compile(r"blocks\.block\d+\.blocks\.\d+\.|blocks\.\d+\.mlp\.layer1\.weight$")
_QWEN_IMAGE_BLOCK = re.compile(r"transformer_blocks\.\d+\.(img|txt)_mod\.")


def _dit_arch(names: Mapping[str, TensorInfo]) -> str | None:
    """The diffusion-transformer family, from marker tensors the loading tools look for."""
    bare = _bare(names)
    heads = {n.partition(".")[0] for n in bare}
    if _starts(bare, heads, "joint_blocks."):
        return _sd3_variant(bare)
    if _starts(bare, heads, "double_blocks."):
        if _starts(bare, heads, "txt_in.individual_token_refiner"):
            return Architecture.HUNYUAN_VIDEO
        if _starts(bare, heads, "single_blocks."):
            return _flux_variant(bare, "img_in.weight")
    if _starts(bare, heads, "double_stream_blocks.", "caption_projection.0.linear."):
        return Architecture.HIDREAM
    if _starts(bare, heads, "double_layers.") and _starts(
        bare, heads, "single_layers.", "cond_seq_linear."
    ):
        return Architecture.AURAFLOW
    if _starts(bare, heads, "cap_embedder.") and _starts(
        bare, heads, "noise_refiner.", "context_refiner."
    ):
        return Architecture.LUMINA2
    if "txt_norm.weight" in bare or (
        "transformer_blocks" in heads and any(_QWEN_IMAGE_BLOCK.match(n) for n in bare)
    ):
        return Architecture.QWEN_IMAGE
    # The same models saved in diffusers' naming (a pipeline's transformer/ weights).
    if _starts(bare, heads, "context_embedder.token_refiner."):
        return Architecture.HUNYUAN_VIDEO
    if _starts(bare, heads, "single_transformer_blocks."):
        return _flux_variant(bare, "x_embedder.weight")
    if "transformer_blocks" in heads and any(
        n.startswith("transformer_blocks.") and ".attn.add_q_proj." in n for n in bare
    ):
        return _sd3_variant(bare)
    if "patchify_proj.weight" in bare and _starts(bare, heads, "adaln_single."):
        return Architecture.LTXV
    if _starts(bare, heads, "t5_y_embedder.", "t5_yproj."):
        return Architecture.MOCHI
    if "x_embedder.proj.1.weight" in bare or (
        "blocks" in heads and any(_COSMOS_BLOCK.match(n) for n in bare)
    ):
        return Architecture.COSMOS
    if _starts(bare, heads, "clip_txt_mapper.", "effnet_mapper."):
        return Architecture.STABLE_CASCADE
    patch = bare.get("patch_embedding.weight")
    if patch is not None and len(patch.shape) == 5 and any(_WAN_BLOCK.match(n) for n in bare):
        return Architecture.WAN
    return None


_DIT_BLOCK = re.compile(r"(double|single)_(?:transformer_)?blocks[._](\d+)[._]")
_LORA_WAN = re.compile(r"blocks[._]\d+[._]cross_attn[._][qkvo][._]")
_LORA_QWEN_IMAGE = re.compile(r"transformer_blocks[._]\d+[._](img|txt)_(mod|mlp)[._]")


def _lora_arch(names: Mapping[str, TensorInfo]) -> str | None:
    """A LoRA's base from the module names it patches (kohya ``_`` or diffusers ``.`` style)."""
    if any(n.startswith("lora_te2_") for n in names):
        return Architecture.SDXL
    if any("joint_blocks" in n for n in names):
        return Architecture.SD3
    if any("double_stream_blocks" in n for n in names):
        return Architecture.HIDREAM
    if any(_LORA_QWEN_IMAGE.search(n) for n in names):
        return Architecture.QWEN_IMAGE
    if any("individual_token_refiner" in n or "token_refiner" in n for n in names):
        return Architecture.HUNYUAN_VIDEO
    if any(
        "double_blocks" in n or "single_blocks" in n or "single_transformer_blocks" in n
        for n in names
    ):
        # Same block names; Flux has 19 double and 38 single blocks, HunyuanVideo 20 and 40.
        beyond = any(
            (m := _DIT_BLOCK.search(n)) and int(m[2]) >= (19 if m[1] == "double" else 38)
            for n in names
        )
        return Architecture.HUNYUAN_VIDEO if beyond else Architecture.FLUX
    if any(_LORA_WAN.search(n) for n in names):
        return Architecture.WAN
    if any(n.startswith("lora_unet_") for n in names):
        return _lora_unet_arch(names)
    return None


def _lora(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    if not any(_LORA.search(n) for n in names):
        return None
    return Classification("loras", _from_metadata(meta) or _lora_arch(names))


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
    if any(n.startswith("pretransform.") for n in names) and any(
        n.startswith("model.model.") for n in names
    ):
        return Classification("checkpoints", Architecture.STABLE_AUDIO)
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


# The decoder's first convolution: its input channels are the latent channels.
_VAE_DECODER_IN = ("decoder.conv_in.weight", "decoder.conv_in.conv.weight", "decoder.conv1.weight")


def _vae(names: Mapping[str, TensorInfo], meta: Mapping[str, object]) -> Classification | None:
    bare = {n.removeprefix("first_stage_model.").removeprefix("vae."): i for n, i in names.items()}
    if not all(n.startswith(_VAE_PARTS) for n in bare):
        return None
    if not any(n.startswith("decoder.") for n in bare):
        return None
    return Classification("vae", _from_metadata(meta) or _vae_arch(bare))


def _vae_arch(bare: Mapping[str, TensorInfo]) -> str | None:
    """The VAE family from its latent channels and whether its convolutions are 3D (video)."""
    first = next(((n, bare[n]) for n in _VAE_DECODER_IN if n in bare), None)
    video = any(len(i.shape) == 5 for i in bare.values())
    if first is None:
        return Architecture.WAN if video else None
    name, info = first
    latent = info.shape[1] if len(info.shape) >= 2 else 0
    if video:
        if name == "decoder.conv1.weight":  # Wan's CausalConv3d naming
            return {16: Architecture.WAN, 48: Architecture.WAN22_VAE}.get(latent, Architecture.WAN)
        return {16: Architecture.HUNYUAN_VIDEO, 128: Architecture.LTXV}.get(latent)
    return {4: Architecture.SD_VAE, 16: Architecture.SD3_FLUX_VAE}.get(latent)


_T5_BLOCK = re.compile(r"(encoder\.)?block\.(\d+)\.layer\.0\.SelfAttention\.")


def _text_encoder(
    names: Mapping[str, TensorInfo], meta: Mapping[str, object]
) -> Classification | None:
    if any(n.startswith(("visual.", "model.visual.")) for n in names) and any(
        _LLM_LAYER.search(n) for n in names
    ):
        return Classification("text_encoders", Architecture.QWEN25_VL)
    if any(n.startswith(("vision_model.", "visual.")) for n in names):
        return Classification("clip_vision")
    if any(".text_model.encoder.layers." in f".{n}" for n in names):
        width = next(
            (
                i.shape[-1]
                for n, i in names.items()
                if n.endswith("final_layer_norm.weight") and i.shape
            ),
            None,
        )
        widths = {768: Architecture.CLIP_L, 1024: Architecture.CLIP_H, 1280: Architecture.CLIP_G}
        return Classification("text_encoders", widths.get(width or 0))
    blocks = {m.group(2) for m in map(_T5_BLOCK.match, names) if m}
    if "0" in blocks:
        # UMT5 keeps a relative attention bias in every block, T5 only in the first.
        if any(
            n.endswith("SelfAttention.relative_attention_bias.weight") and "block.0." not in n
            for n in names
        ):
            return Classification("text_encoders", Architecture.UMT5)
        norm = names.get("encoder.final_layer_norm.weight") or names.get("final_layer_norm.weight")
        wide = norm is not None and norm.shape == (4096,)
        return Classification("text_encoders", Architecture.T5_XXL if wide else Architecture.T5)
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
    if not any(_LLM_LAYER.search(n) for n in names):
        return None
    return Classification("llm", _llm_arch(names))


def _llm_arch(names: Mapping[str, TensorInfo]) -> str:
    """The LLaMA-layout family from the extra tensors each one has."""
    if any(n.endswith(".self_attn.qkv_proj.weight") for n in names):
        return Architecture.PHI3
    q_norm = any(n.endswith(".self_attn.q_norm.weight") for n in names)
    if any(n.endswith(".pre_feedforward_layernorm.weight") for n in names):
        return Architecture.GEMMA3 if q_norm else Architecture.GEMMA2
    if q_norm:
        return Architecture.QWEN3
    if any(n.endswith(".self_attn.q_proj.bias") for n in names):
        return Architecture.QWEN2
    embed = names.get("model.embed_tokens.weight") or names.get("embed_tokens.weight")
    if embed is not None and embed.shape and embed.shape[0] == 256_000:
        return Architecture.GEMMA
    return Architecture.LLAMA


_RULES = (
    _lora, _embedding, _controlnet, _style, _checkpoint, _diffusion, _vae, _upscaler,
    _audio, _text_encoder, _llm,
)  # fmt: skip


# -- ONNX graphs: initializer names are often renamed (``onnx::Conv_123``) by exporters, so
# the graph's inputs and outputs (names, ranks, channel counts) tell what the model does.

_Io = Mapping[str, object]


def _ios(meta: Mapping[str, object], key: str) -> list[_Io]:
    value = meta.get(key)
    return [i for i in value if isinstance(i, Mapping)] if isinstance(value, list) else []


def _dims(io: _Io | None) -> list[int | None]:
    """The dimensions, a symbolic or unknown one as None."""
    shape = io.get("shape") if io is not None else None
    if not isinstance(shape, list):
        return []
    return [d if isinstance(d, int) and not isinstance(d, bool) and d > 0 else None for d in shape]


def _image(io: _Io, channels: int | None = 3) -> bool:
    """A rank-4 NCHW tensor with ``channels`` channels (any when None)."""
    dims = _dims(io)
    return len(dims) == 4 and (channels is None or dims[1] == channels)


def _named(ios: list[_Io], name: str) -> _Io | None:
    return next((i for i in ios if i.get("name") == name), None)


def _onnx(meta: Mapping[str, object]) -> Classification:
    inputs, outputs = _ios(meta, "onnx.inputs"), _ios(meta, "onnx.outputs")
    ins = {str(i.get("name", "")) for i in inputs}
    outs = {str(o.get("name", "")) for o in outputs}
    if "input_ids" in ins:
        # A causal LM: a key/value cache in or out, or logits per position (batch, seq, vocab);
        # a classifier's logits are (batch, labels).
        logits = _named(outputs, "logits")
        if (
            any(o.startswith("present") for o in outs)
            or any(i.startswith("past_key_values") for i in ins)
            or (logits is not None and len(_dims(logits)) == 3)
        ):
            return Classification("llm")
        if outs & {"last_hidden_state", "pooler_output", "text_embeds", "hidden_states"}:
            return Classification("text_encoders")
        return Classification("unknown")
    if "pixel_values" in ins and outs & {"image_embeds", "last_hidden_state"}:
        return Classification("clip_vision")
    if {"sample", "timestep"} <= ins:
        width = (_dims(_named(inputs, "encoder_hidden_states")) or [None])[-1]
        arch = Architecture.SDXL if "time_ids" in ins else _CONTEXT_ARCH.get(width or 0)
        return Classification("diffusion_models", arch)
    latent = _named(inputs, "latent_sample") or _named(outputs, "latent_sample")
    if latent is not None and _image(latent, None):
        vae = {4: Architecture.SD_VAE, 16: Architecture.SD3_FLUX_VAE}
        return Classification("vae", vae.get(_dims(latent)[1] or 0))
    if (
        len(inputs) == 2
        and any(_image(i) for i in inputs)
        and any(_dims(i)[-1:] == [512] and len(_dims(i)) == 2 for i in inputs)
    ):
        return Classification("unknown", Architecture.FACE_SWAP)  # target image + identity
    if len(inputs) != 1 or not _image(inputs[0]):
        return Classification("unknown")
    dims_in = _dims(inputs[0])
    if len(outputs) == 1 and _image(outputs[0]):
        dims_out = _dims(outputs[0])
        h_in, w_in, h_out, w_out = dims_in[2], dims_in[3], dims_out[2], dims_out[3]
        if h_in and w_in and h_out and w_out:
            scale = h_out // h_in
            if scale >= 2 and (h_out, w_out) == (scale * h_in, scale * w_in):
                return Classification("upscale_models")
            return Classification("unknown")  # same size: face restoration, denoising…
        return Classification("upscale_models")  # any size in, a 3-channel image out
    if dims_in[2:] == [112, 112] and len(outputs) == 1 and _dims(outputs[0])[-1:] == [512]:
        return Classification("unknown", Architecture.FACE_RECOGNITION)
    if len(outputs) >= 6 and all(len(_dims(o)) in (2, 3) for o in outputs):
        return Classification("unknown", Architecture.FACE_DETECTION)  # SCRFD / RetinaFace
    return Classification("unknown")


# -- precision / quantisation -------------------------------------------------------------------

_FP8 = {"F8_E4M3": "fp8_e4m3fn", "F8_E5M2": "fp8_e5m2", "F8_E4M3FN": "fp8_e4m3fn"}
_BNB_4BIT = re.compile(r"\.quant_state\.bitsandbytes__(nf4|fp4)$")


def quantization(header: ModelHeader) -> str | None:
    """How the weights are quantised, when they are: ``Q4_K_M`` (GGUF preset), ``fp8_e4m3fn``,
    ``fp8_e4m3fn_scaled`` (fp8 with per-tensor scales), ``bnb-nf4``/``bnb-fp4``/``bnb-int8``
    (bitsandbytes), ``gptq``/``awq``… (a folder's ``quantization_config``); None for plain
    float weights."""
    meta = header.metadata
    if header.format is ModelFormat.GGUF:
        dtype = header.dtype
        return dtype if dtype and dtype not in ("F32", "F16", "BF16") else None
    config = meta.get("quantization_config")
    if isinstance(config, Mapping):
        method = str(config.get("quant_method", "")).lower() or None
        if method == "bitsandbytes":
            if str(config.get("load_in_4bit", "")).lower() == "true":
                return f"bnb-{config.get('bnb_4bit_quant_type', 'nf4')}"
            return "bnb-int8"
        return method
    names = header.tensors
    for name in names:
        found = _BNB_4BIT.search(name)
        if found:
            return f"bnb-{found.group(1)}"
    if any(n.endswith(".SCB") for n in names):
        return "bnb-int8"
    fp8 = _FP8.get(header.dtype or "")
    if fp8 is None:
        fp8 = next((_FP8[i.dtype] for i in names.values() if i.dtype in _FP8), None)
        if fp8 is None:
            return None
    scaled = "scaled_fp8" in names or any(
        n.endswith((".weight_scale", ".scale_weight")) for n in names
    )
    return f"{fp8}_scaled" if scaled else fp8
