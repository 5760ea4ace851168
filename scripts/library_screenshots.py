"""Screenshots of the Local models tab (the file list with a details pane, and the duplicates
view), light and dark, at 1280×800::

    python scripts/library_screenshots.py [--out docs/screenshots] [--themes light dark]

Builds a realistic library in a temporary HOME: an HF cache with a few repositories, a ComfyUI
and an A1111 install sharing some files (the duplicates), LM Studio GGUF models. Big files are
sparse: a real safetensors or GGUF header (real tensor names, shapes and metadata), then holes
up to the size the model really has, so the table shows true sizes without writing gigabytes.
A Hub emulator serves the cached repositories (one has moved on upstream, which the details
pane reports). Then ``hfsuite gui --screenshot`` renders each image::

    --tab library --select 'pixel-art-xl.safetensors'     details of a LoRA (training tags)
    --tab library --open duplicates                       the duplicates view
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from math import prod
from pathlib import Path
from typing import Any

from screenshots import _sandbox

GB = 1000**3
MB = 1000**2
BYTES = {"F16": 2, "BF16": 2, "F32": 4, "F8_E4M3": 1}

SHOTS: dict[str, list[str]] = {
    "library": ["--tab", "library", "--select", "pixel-art-xl.safetensors"],
    "library-dupes": ["--tab", "library", "--open", "duplicates"],
}


def sparse_safetensors(
    path: Path,
    tensors: dict[str, tuple[int, ...]],
    size: int,
    metadata: dict[str, str] | None = None,
    dtype: str = "F16",
    filler: str = "",
) -> Path:
    """A valid safetensors file of ``size`` bytes: the named tensors, one filler tensor (named
    like the first one, so the file's family stays clear) taking the rest, data as holes."""
    first = next(iter(tensors))
    filler = filler or first.rsplit(".", 1)[0] + ".extra.weight"
    path.parent.mkdir(parents=True, exist_ok=True)
    width = BYTES[dtype]
    fill = 0
    for _ in range(3):  # the header's length depends on the filler's digits
        header: dict[str, object] = {}
        offset = 0
        for name, shape in {**tensors, filler: (fill,)}.items():
            n = prod(shape) * width
            where = [offset, offset + n]
            header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": where}
            offset += n
        if metadata:
            header["__metadata__"] = metadata
        raw = json.dumps(header).encode()
        raw += b" " * (-len(raw) % 8)
        fill = max(0, (size - 8 - len(raw) - (offset - fill * width)) // width)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(raw)) + raw)
        out.truncate(8 + len(raw) + offset)
    return path


def sparse_gguf(path: Path, name: str, arch: str, size: int, context: int, ftype: int) -> Path:
    """A GGUF with real keys (name, architecture, context, file type, tokenizer) whose one big
    tensor is a hole up to ``size`` bytes."""
    import gguf
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name(name)
    writer.add_context_length(context)
    writer.add_block_count(32)
    writer.add_embedding_length(4096)
    writer.add_head_count(32)
    writer.add_file_type(ftype)
    writer.add_token_list([f"tok{i}" for i in range(2000)])
    writer.add_tensor("blk.0.attn_norm.weight", np.ones(4096, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with open(path, "r+b") as out:
        out.truncate(max(size, path.stat().st_size))
    return path


def unet(prefix: str, context: int, sdxl: bool) -> dict[str, tuple[int, ...]]:
    block = f"{prefix}input_blocks.1.1.transformer_blocks.0."
    shapes = {
        f"{prefix}input_blocks.0.0.weight": (320, 4, 3, 3),
        f"{block}attn2.to_k.weight": (640, context),
        f"{block}attn2.to_v.weight": (640, context),
        f"{prefix}output_blocks.0.0.in_layers.0.weight": (2560,),
        f"{prefix}time_embed.0.weight": (1280, 320),
    }
    if sdxl:
        shapes[f"{prefix}label_emb.0.0.weight"] = (1280, 2816)
    return shapes


VAE = {
    "encoder.down.0.block.0.conv1.weight": (128, 128, 3, 3),
    "encoder.conv_in.weight": (128, 3, 3, 3),
    "decoder.up.0.block.0.conv1.weight": (128, 128, 3, 3),
    "decoder.conv_in.weight": (512, 4, 3, 3),
    "quant_conv.weight": (8, 8, 1, 1),
}


def checkpoint(sdxl: bool) -> dict[str, tuple[int, ...]]:
    shapes = unet("model.diffusion_model.", 2048 if sdxl else 768, sdxl)
    shapes.update({f"first_stage_model.{k}": v for k, v in VAE.items()})
    return shapes


def lora(sdxl: bool) -> dict[str, tuple[int, ...]]:
    te = "lora_te1_text_model_encoder_layers_0_mlp_fc1"
    unet_key = "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q"
    shapes: dict[str, tuple[int, ...]] = {
        f"{unet_key}.lora_down.weight": (32, 640),
        f"{unet_key}.lora_up.weight": (640, 32),
        f"{te}.lora_down.weight": (32, 768),
    }
    if sdxl:
        shapes["lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight"] = (32, 1280)
    return shapes


def lora_meta(name: str, base: str, tags: dict[str, int], epochs: int, dim: int) -> dict[str, str]:
    return {
        "ss_output_name": name,
        "ss_base_model_version": base,
        "ss_sd_model_name": "sd_xl_base_1.0.safetensors" if "xl" in base else "v1-5-pruned.ckpt",
        "ss_network_module": "networks.lora",
        "ss_network_dim": str(dim),
        "ss_network_alpha": str(dim // 2),
        "ss_resolution": "(1024, 1024)" if "xl" in base else "(512, 512)",
        "ss_num_train_images": "420",
        "ss_num_epochs": str(epochs),
        "ss_max_train_steps": str(epochs * 420),
        "ss_learning_rate": "0.0001",
        "ss_optimizer": "bitsandbytes.optim.adamw.AdamW8bit",
        "ss_mixed_precision": "bf16",
        "ss_training_started_at": "1712345678.9",
        "ss_tag_frequency": json.dumps({"10_pixel": tags}),
    }


PIXEL_TAGS = {
    "pixel art": 420, "1girl": 133, "landscape": 96, "sprite": 88, "isometric": 71,
    "retro": 64, "8-bit": 60, "sky": 41, "castle": 37, "forest": 33, "night": 21,
}  # fmt: skip


def cache_entry(cache: Path, repo: str, commit: str, name: str, write: Any) -> Path:
    """``write(path)`` makes the file; it becomes the blob (named by its SHA-256, as the HF
    cache names LFS files) of ``name`` in a cached revision, linked from its snapshot entry."""
    folder = cache / f"models--{repo.replace('/', '--')}"
    (folder / "blobs").mkdir(parents=True, exist_ok=True)
    temp = write(folder / "blobs" / "incoming")
    digest = hashlib.sha256()
    with open(temp, "rb") as f:
        while chunk := f.read(8 * 1024 * 1024):
            digest.update(chunk)
    blob = folder / "blobs" / digest.hexdigest()
    temp.rename(blob)
    link = folder / "snapshots" / commit / name
    link.parent.mkdir(parents=True, exist_ok=True)
    (folder / "refs").mkdir(exist_ok=True)
    (folder / "refs" / "main").write_text(commit)
    link.symlink_to(os.path.relpath(blob, link.parent))
    return blob


def build_library(home: Path, hub: object) -> list[str]:
    """The files; returns the scan roots to add."""
    from hfsuite.testing import synthetic

    cache = home / ".cache" / "huggingface" / "hub"
    comfy = home / "apps" / "ComfyUI" / "models"
    a1111 = home / "apps" / "stable-diffusion-webui" / "models"
    lms = home / ".lmstudio" / "models"
    commits = {}
    for repo in ("stabilityai/stable-diffusion-xl-base-1.0", "nerijs/pixel-art-xl",
                 "madebyollin/sdxl-vae-fp16-fix"):  # fmt: skip
        made = hub.create_repo(repo, files={"README.md": b"# model"})  # type: ignore[attr-defined]
        commits[repo] = made.sha
    # the HF cache
    sdxl = "stabilityai/stable-diffusion-xl-base-1.0"
    spec = {
        "modelspec.architecture": "stable-diffusion-xl-v1-base",
        "modelspec.title": "SDXL 1.0 Base",
        "modelspec.author": "StabilityAI",
        "modelspec.license": "CreativeML Open RAIL++-M",
    }
    cache_entry(
        cache, sdxl, commits[sdxl], "sd_xl_base_1.0.safetensors",
        lambda p: sparse_safetensors(p, checkpoint(True), 6_938_078_334, spec),
    )  # fmt: skip
    pixel_meta = lora_meta("pixel-art-xl", "sdxl_base_v1-0", PIXEL_TAGS, 10, 64)
    pixel = cache_entry(
        cache, "nerijs/pixel-art-xl", commits["nerijs/pixel-art-xl"], "pixel-art-xl.safetensors",
        lambda p: sparse_safetensors(p, lora(True), 170_543_052, pixel_meta),
    )  # fmt: skip
    fix = "madebyollin/sdxl-vae-fp16-fix"
    vae = cache_entry(cache, fix, commits[fix], "sdxl.vae.safetensors",
                      lambda p: sparse_safetensors(p, VAE, 334_641_164))  # fmt: skip
    # upstream has moved on for the LoRA (a retrained file): the details pane says so
    hub.repo("nerijs/pixel-art-xl").commit(  # type: ignore[attr-defined]
        {"pixel-art-xl.safetensors": synthetic(171_000_000, 7)}, message="v1.1"
    )
    # ComfyUI
    sparse_safetensors(
        comfy / "checkpoints" / "juggernautXL_v9.safetensors",
        checkpoint(True),
        7_105_348_188,
        {"modelspec.architecture": "stable-diffusion-xl-v1-base"},
    )
    sparse_safetensors(
        comfy / "checkpoints" / "dreamshaper_8.safetensors", checkpoint(False), 2_132_625_894
    )
    sparse_safetensors(
        comfy / "loras" / "add-detail-xl.safetensors",
        lora(True),
        228_459_164,
        lora_meta("add-detail-xl", "sdxl_base_v1-0", {"detailed": 300}, 8, 32),
    )
    sparse_safetensors(
        comfy / "loras" / "film-grain-sd15.safetensors",
        lora(False),
        37_861_176,
        lora_meta("film-grain", "sd_v1", {"film grain": 120, "photo": 80}, 12, 16),
    )
    sparse_safetensors(
        comfy / "controlnet" / "control_v11p_sd15_canny.safetensors",
        {
            "control_model.input_hint_block.0.weight": (16, 3, 3, 3),
            **unet("control_model.", 768, False),
        },
        1_445_157_124,
    )
    # A1111: the same VAE and LoRA again (the duplicates), and a checkpoint of its own
    sparse_safetensors(a1111 / "VAE" / "sdxl_vae.safetensors", VAE, 334_641_164)
    sparse_safetensors(
        a1111 / "Lora" / "add-detail-xl.safetensors",
        lora(True),
        228_459_164,
        lora_meta("add-detail-xl", "sdxl_base_v1-0", {"detailed": 300}, 8, 32),
    )
    sparse_safetensors(
        a1111 / "Stable-diffusion" / "realisticVision_v60.safetensors",
        checkpoint(False),
        2_132_625_910,
    )
    # LM Studio
    q4 = lms / "lmstudio-community" / "Meta-Llama-3.1-8B-Instruct-GGUF"
    sparse_gguf(
        q4 / "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
        "Meta Llama 3.1 8B Instruct",
        "llama",
        4_920_734_016,
        131072,
        15,
    )
    sparse_gguf(
        q4 / "Meta-Llama-3.1-8B-Instruct-Q8_0.gguf",
        "Meta Llama 3.1 8B Instruct",
        "llama",
        8_540_770_592,
        131072,
        7,
    )
    sparse_gguf(
        lms / "Qwen" / "Qwen2.5-7B-Instruct-GGUF" / "qwen2.5-7b-instruct-q4_k_m.gguf",
        "Qwen2.5 7B Instruct",
        "qwen2",
        4_683_073_728,
        32768,
        15,
    )
    sparse_gguf(lms / "bartowski" / "gemma-2-9b-it-GGUF" / "gemma-2-9b-it-Q5_K_M.gguf",
                "Gemma 2 9b It", "gemma2", 6_647_366_368, 8192, 17)  # fmt: skip
    # the cached LoRA and VAE were also copied by hand into ComfyUI: same bytes, twice
    shutil.copyfile(pixel, comfy / "loras" / "pixel-art-xl.safetensors")
    (comfy / "vae").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(vae, comfy / "vae" / "sdxl_vae.safetensors")
    return [str(comfy), str(a1111), str(lms)]


def shoot(env: dict[str, str], target: Path, name: str, theme: str) -> None:
    command = [
        sys.executable, "-m", "hfsuite", "gui", "--screenshot", str(target), *SHOTS[name],
        "--size", "1280x800", "--theme", theme, "--settle", "1.5",
    ]  # fmt: skip
    subprocess.run(command, env={**os.environ, **env}, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    parser.add_argument("--only", nargs="+", choices=list(SHOTS), default=list(SHOTS))
    parser.add_argument("--keep", type=Path, help="build the sandbox here and keep it")
    args = parser.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hfsuite-library-shots-") as tmp:
        root = args.keep.absolute() if args.keep else Path(tmp)
        env = _sandbox(root)
        from _screenshot_stage import configure

        from hfsuite.app.suite import Suite
        from hfsuite.testing import HubEmulator

        hub = HubEmulator().start()
        try:
            configure(root, hub)
            roots = build_library(Path(env["HOME"]), hub)
            suite = Suite.open()
            for folder in roots:
                suite.library.add_root(folder)
            suite.library.scan()
            # the LoRAs and VAEs are hashed (a scan with hashes, as after Find duplicates)
            for folder in (roots[0] + "/loras", roots[0] + "/vae"):
                suite.library.scan([folder], hash=True)
            suite.close()
            for theme in args.themes:
                for name in args.only:
                    target = out / f"{name}-{theme}.png"
                    shoot(env, target, name, theme)
                    print(f"saved {target}")
        finally:
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
