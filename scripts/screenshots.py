"""Screenshots of the desktop app, every tab in light and dark, at 1280×800.

Starts a Hub emulator with realistic repositories (big files are synthetic blobs generated on
the fly, with metadata and model cards), writes a month of download history, builds a queue —
three completed downloads, one failed (a gated model), one paused half-way, two resumed
mid-download, three waiting — lays out ComfyUI, AUTOMATIC1111 and LM Studio installs in the
sandbox's home (detected, with their profiles and one made by hand), then runs the real window
once per image while the emulator serves the running downloads at a realistic, throttled speed::

    hfsuite gui --screenshot FILE --tab NAME --size 1280x800 --theme T [--search Q --open REPO
        --select GLOB --check-updates]

``errors`` is the Downloads tab with the error inspector over it (``--open errors``): the gated
model's failure with its cause and fix.

Regenerate everything in docs/screenshots with::

    python scripts/screenshots.py [--out docs/screenshots] [--themes light dark] [--only browse]

Everything (HOME, settings, database, downloads) lives in a temporary folder: the script never
touches the user's real configuration. Needs a few GB of free disk space for a few minutes.
The repositories are in ``_screenshot_hub.py``; the settings, history and queue in
``_screenshot_stage.py``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _screenshot_hub import MIB, build_hub
from _screenshot_stage import build_history, build_queue, configure

TOKEN = "hf_pJ3kQm8vXz2LtR9wYb4NcD7sFh1Ga6Ue"


def _sandbox(root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        env[name] = str(home / sub)
    for name in list(os.environ):
        if name.startswith(("HF_", "HFSUITE_")) or name.lower().endswith("_proxy"):
            del os.environ[name]
    os.environ.update(env)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


SHOTS: dict[str, list[str]] = {
    "downloads": ["--tab", "downloads"],
    "browse": ["--tab", "browse", "--search", "instruct", "--open", "Qwen/Qwen2.5-7B-Instruct"],
    "browse-files": [
        "--tab", "browse", "--search", "instruct", "--open", "meta-llama/Llama-3.1-8B-Instruct",
        "--select", "*.safetensors", "--select", "*.json",
    ],
    "history": ["--tab", "history", "--check-updates"],
    "settings": ["--tab", "settings"],
    "profiles": ["--tab", "profiles"],
    "errors": ["--tab", "downloads", "--open", "errors"],
}  # fmt: skip


def _touch(path: Path, text: str = "", size: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if size:
        with open(path, "wb") as fh:  # sparse: the size shows, the disk stays free
            fh.truncate(size)
    else:
        path.write_text(text, encoding="utf-8")


def build_tools(home: Path) -> None:
    """ComfyUI, AUTOMATIC1111 and LM Studio as they are on disk after a while of use."""
    comfy = home / "ComfyUI"
    for name in ("main.py", "folder_paths.py", "nodes.py", "comfy/__init__.py"):
        _touch(comfy / name)
    _touch(comfy / "comfyui_version.py", '__version__ = "0.3.62"\n')
    models = {
        "checkpoints": ["sd_xl_base_1.0.safetensors", "juggernautXL_v9.safetensors"],
        "loras": ["detail_tweaker_xl.safetensors", "pixel-art-xl.safetensors"],
        "vae": ["sdxl_vae.safetensors"],
        "diffusion_models": ["flux1-dev-fp8.safetensors"],
        "text_encoders": ["t5xxl_fp8_e4m3fn.safetensors"],
        "controlnet": [],
        "upscale_models": ["4x-UltraSharp.pth"],
        "embeddings": [],
    }
    for kind, files in models.items():
        (comfy / "models" / kind).mkdir(parents=True, exist_ok=True)
        for name in files:
            _touch(comfy / "models" / kind / name, size=300 * MIB)
    webui = home / "stable-diffusion-webui"
    for name in ("webui.py", "launch.py", "modules/paths_internal.py", "modules/cmd_args.py"):
        _touch(webui / name)
    _touch(webui / ".git" / "HEAD", "ref: refs/heads/master\n")
    commit = "82a973c04367123ae98bd9abdf80d9eda9b910e2"
    _touch(
        webui / ".git" / "packed-refs",
        f"# pack-refs with: peeled fully-peeled sorted \n{commit} refs/heads/master\n"
        f"{'1' * 40} refs/tags/v1.10.1\n^{commit}\n",
    )
    for sub, name in (("Stable-diffusion", "realisticVision_v60.safetensors"),
                      ("Lora", "add_detail.safetensors"), ("VAE", "")):  # fmt: skip
        (webui / "models" / sub).mkdir(parents=True, exist_ok=True)
        if name:
            _touch(webui / "models" / sub / name, size=150 * MIB)
    (home / "Models" / "LLM").mkdir(parents=True, exist_ok=True)  # a hand-made profile's folder
    lms = home / ".lmstudio" / "models" / "lmstudio-community"
    _touch(lms / "Qwen2.5-7B-Instruct-GGUF" / "Qwen2.5-7B-Instruct-Q4_K_M.gguf", size=400 * MIB)


def build_profiles(suite: object) -> None:
    """The detected tools' profiles, and two made by hand."""
    from hfsuite.app.profiles import ProfileDefaults, ProfileService

    service = ProfileService(suite)  # type: ignore[arg-type]
    service.detect()
    for name, kwargs in (
        ("sdxl-loras", {"to": "comfyui:loras", "subfolder": "sdxl",
                        "defaults": ProfileDefaults(include=("*.safetensors",))}),
        ("gguf-only", {"folder": Path.home() / "Models" / "LLM",
                       "defaults": ProfileDefaults(include=("*Q4_K_M*.gguf", "*.json"),
                                                   connections=8)}),
    ):  # fmt: skip
        service.add(service.build(name, **kwargs))  # type: ignore[arg-type]


def shoot(env: dict[str, str], target: Path, name: str, theme: str, settle_s: float) -> None:
    """Run ``hfsuite gui --screenshot`` for one image."""
    command = [
        sys.executable, "-m", "hfsuite", "gui", "--screenshot", str(target),
        *SHOTS[name], "--size", "1280x800", "--theme", theme, "--settle", str(settle_s),
    ]  # fmt: skip
    subprocess.run(command, env={**os.environ, **env}, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    parser.add_argument("--only", nargs="+", choices=list(SHOTS), default=list(SHOTS))
    parser.add_argument("--settle", type=float, default=8.0, help="seconds of live data")
    args = parser.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="hfsuite-shots-") as tmp:
        root = Path(tmp)
        env = _sandbox(root)
        from hfsuite.app import accounts
        from hfsuite.app.suite import Suite
        from hfsuite.testing import HubEmulator

        hub = HubEmulator().start()
        try:
            commits = build_hub(hub)
            hub.add_token(TOKEN, user="alex", role="read", orgs=["acme-ai"], display_name="laptop")
            configure(root, hub)
            suite = Suite.open()
            accounts.login(suite, TOKEN)
            build_history(suite, hub, commits, suite.settings.hub_cache)
            build_queue(suite, hub)
            build_tools(Path.home())
            build_profiles(suite)
            suite.close()
            # in the app: about 13 MiB/s per file, like a good home connection
            hub.throttle(per_connection_bps=1.6 * MIB)
            for theme in args.themes:
                for name in args.only:
                    target = out / f"{name}-{theme}.png"
                    settle = args.settle if name == "downloads" else min(args.settle, 3.0)
                    shoot(env, target, name, theme, settle)
                    print(f"saved {target}")
        finally:
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
