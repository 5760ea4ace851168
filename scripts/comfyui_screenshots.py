"""Screenshots of the ComfyUI tab, light and dark, at 1280×800::

    python scripts/comfyui_screenshots.py [--out docs/screenshots] [--themes light dark]

Lays out a ComfyUI install in a temporary HOME (the same one as ``scripts/screenshots.py``:
checkpoints, LoRAs, a VAE, Flux files present), starts a Hub emulator that serves the models the
workflow still needs (full-size synthetic files, so sizes are real), writes a known-models index
and an SDXL + Flux workflow that references present files, files with a declared URL, a file
only the index knows, one only a Hub search finds, one nobody has, a hostile name and a bypassed
loader. Then ``hfsuite gui --screenshot --tab comfyui --open WORKFLOW`` renders the check.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from screenshots import _sandbox, build_tools

MB = 1000**2


def _node(node_id: int, node_type: str, widgets: list[Any], **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "mode": 0, "widgets_values": widgets, **extra}


def build_hub(hub: Any) -> None:
    """The repositories the missing models come from (synthetic, full size)."""
    from hfsuite.testing import synthetic

    hub.create_repo(
        "acme-ai/wan-loras",
        files={"loras/wan_cinematic_lora.safetensors": synthetic(306 * MB, seed=1)},
        downloads=8400,
    )
    hub.create_repo(
        "comfyanonymous/flux_text_encoders",
        files={"clip_l.safetensors": synthetic(246 * MB, seed=2)},
        downloads=912_000,
    )
    hub.create_repo(
        "Comfy-Org/controlnet_repackaged",
        files={
            "split_files/controlnet/controlnet-canny-sdxl-1.0.safetensors": synthetic(
                2502 * MB, seed=3
            )
        },
        downloads=15_200,
    )
    hub.create_repo(
        "someone/controlnet-mirror",
        files={"controlnet-canny-sdxl-1.0.safetensors": synthetic(2502 * MB, seed=4)},
        downloads=310,
    )


def workflow(hub_url: str) -> dict[str, Any]:
    """An SDXL + Flux workflow as people share them."""
    declared = {
        "name": "wan_cinematic_lora.safetensors",
        "url": f"{hub_url}/acme-ai/wan-loras/resolve/main/loras/wan_cinematic_lora.safetensors",
        "directory": "loras",
    }
    nodes = [
        _node(4, "CheckpointLoaderSimple", ["sd_xl_base_1.0.safetensors"]),
        _node(10, "LoraLoader", ["detail_tweaker_xl.safetensors", 0.6, 0.6]),
        _node(
            11,
            "LoraLoader",
            ["Wan/wan_cinematic_lora.safetensors", 0.8, 0.8],
            properties={"models": [declared]},
        ),
        _node(12, "LoraLoader", ["my_private_style_v3.safetensors", 1.0, 1.0]),
        _node(13, "VAELoader", ["sdxl_vae.safetensors"]),
        _node(20, "UNETLoader", ["flux1-dev-fp8.safetensors", "fp8_e4m3fn"]),
        _node(21, "DualCLIPLoader", ["clip_l.safetensors", "t5xxl_fp8_e4m3fn.safetensors", "flux"]),
        _node(30, "ControlNetLoader", ["controlnet-canny-sdxl-1.0.safetensors"]),
        _node(31, "UpscaleModelLoader", ["4x-UltraSharp.pth"]),
        _node(40, "LoraLoader", ["../../../.ssh/id_rsa.safetensors", 1.0, 1.0]),
        {**_node(50, "LoraLoader", ["pixel-art-xl.safetensors", 1.0, 1.0]), "mode": 4},
        {**_node(51, "LoraLoader", ["old_watercolor_v1.safetensors", 0.7, 0.7]), "mode": 2},
    ]
    return {"last_node_id": 51, "nodes": nodes, "links": [], "version": 0.4}


def known_models(path: Path, hub_url: str) -> None:
    """A known-models index with the Flux text encoder in it."""
    entry = {
        "name": "clip_l.safetensors",
        "folder": "text_encoders",
        "url": f"{hub_url}/comfyanonymous/flux_text_encoders/resolve/main/clip_l.safetensors",
        "size": 246 * MB,
    }
    doc = {"format": "hfsuite-known-models", "version": 1, "source": "screenshot",
           "license": "-", "models": [entry]}  # fmt: skip
    path.write_text(json.dumps(doc), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    args = parser.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hfsuite-comfy-shots-") as tmp:
        root = Path(tmp)
        env = _sandbox(root)
        from hfsuite.testing import HubEmulator

        hub = HubEmulator().start()
        try:
            build_hub(hub)
            build_tools(Path.home())
            flow = Path.home() / "Downloads" / "sdxl_flux_controlnet.json"
            flow.parent.mkdir(parents=True, exist_ok=True)
            flow.write_text(json.dumps(workflow(hub.url)), encoding="utf-8")
            index = root / "known_models.json"
            known_models(index, hub.url)
            env = {**env, "HF_ENDPOINT": hub.url, "HFSUITE_KNOWN_MODELS": str(index)}
            for theme in args.themes:
                target = out / f"comfyui-{theme}.png"
                command = [
                    sys.executable, "-m", "hfsuite", "gui", "--screenshot", str(target),
                    "--tab", "comfyui", "--open", str(flow), "--size", "1280x800",
                    "--theme", theme, "--settle", "0.5",
                ]  # fmt: skip
                subprocess.run(command, env={**os.environ, **env}, check=True)
                print(f"saved {target}")
        finally:
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
