"""Builders of the on-disk layouts of model tools, for the detection tests.

Each function writes the files a real install has (the markers detection reads, the configs a
user edits) under a folder of the test's temporary home, and returns the install folder.
"""

from __future__ import annotations

import json
from pathlib import Path


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git_repo(root: Path, commit: str, *, branch: str = "master", tag: str | None = None) -> None:
    """A ``.git`` whose HEAD is ``branch`` at ``commit`` (packed refs), tagged ``tag``."""
    touch(root / ".git" / "HEAD", f"ref: refs/heads/{branch}\n")
    packed = f"# pack-refs with: peeled fully-peeled sorted \n{commit} refs/heads/{branch}\n"
    if tag:
        packed += f"{'1' * 40} refs/tags/{tag}\n^{commit}\n"
    touch(root / ".git" / "packed-refs", packed)


def comfyui(root: Path, *, version: str | None = "0.3.60", models: bool = True) -> Path:
    """A git checkout of ComfyUI (code files, ``comfy/``, ``models/``)."""
    for name in ("main.py", "folder_paths.py", "nodes.py", "comfy/__init__.py"):
        touch(root / name)
    if version:
        touch(root / "comfyui_version.py", f'__version__ = "{version}"\n')
    if models:
        for sub in ("checkpoints", "loras", "vae", "diffusion_models", "unet", "clip"):
            (root / "models" / sub).mkdir(parents=True, exist_ok=True)
    return root


def comfyui_portable(folder: Path, bat_args: str = "") -> Path:
    """``ComfyUI_windows_portable``: ``python_embeded``, ``ComfyUI/`` and ``run_*.bat``."""
    (folder / "python_embeded").mkdir(parents=True, exist_ok=True)
    touch(folder / "python_embeded" / "python.exe")
    root = comfyui(folder / "ComfyUI")
    touch(
        folder / "run_nvidia_gpu.bat",
        f".\\python_embeded\\python.exe -s ComfyUI\\main.py --windows-standalone-build {bat_args}\n"
        "pause\n",
    )
    return root


def a1111(
    root: Path, *, forge: bool = False, script: str | None = None, bat: str | None = None
) -> Path:
    """An A1111 (or Forge) checkout with optional ``webui-user.sh``/``.bat`` content."""
    for name in ("webui.py", "launch.py", "modules/paths_internal.py", "modules/cmd_args.py"):
        touch(root / name)
    if forge:
        touch(root / "modules_forge" / "__init__.py")
    for sub in ("Stable-diffusion", "Lora", "VAE"):
        (root / "models" / sub).mkdir(parents=True, exist_ok=True)
    if script is not None:
        touch(root / "webui-user.sh", script)
    if bat is not None:
        touch(root / "webui-user.bat", bat)
    return root


def sdnext(root: Path, *, config: dict[str, object] | None = None) -> Path:
    for name in ("webui.py", "launch.py", "installer.py", "modules/shared.py"):
        touch(root / name)
    touch(root / "package.json", json.dumps({"name": "sdnext", "version": "2025.11.3"}))
    (root / "models" / "Stable-diffusion").mkdir(parents=True)
    if config is not None:
        touch(root / "config.json", json.dumps(config))
    return root


def invokeai(root: Path, *, yaml: str = "schema_version: 4.0.2\n", version: str = "5.6.0") -> Path:
    touch(root / "invokeai.yaml", yaml)
    (root / "databases").mkdir(parents=True, exist_ok=True)
    for sub in ("sdxl/main", "sdxl/lora", "sd-1/embedding", "any/clip_vision"):
        (root / "models" / sub).mkdir(parents=True, exist_ok=True)
    (
        root / ".venv" / "lib" / "python3.11" / "site-packages" / f"invokeai-{version}.dist-info"
    ).mkdir(parents=True)
    return root


def fooocus(root: Path, *, config: object | None = None) -> Path:
    touch(root / "entry_with_update.py")
    touch(root / "launch.py")
    touch(root / "fooocus_version.py", "version = '2.5.5'\n")
    if config is not None:
        touch(root / "config.txt", json.dumps(config) if not isinstance(config, str) else config)
    return root


def stability_matrix(library: Path, *, override: str | None = None, portable: bool = False) -> Path:
    """A library with settings.json, Models/ and a ComfyUI and a Forge package."""
    settings: dict[str, object] = {
        "InstalledPackages": [
            {
                "DisplayName": "ComfyUI",
                "PackageName": "ComfyUI",
                "LibraryPath": "Packages\\ComfyUI",
                "Version": {"InstalledBranch": "master", "InstalledCommitSha": "abcdef0123456"},
            },
            {
                "DisplayName": "Forge",
                "PackageName": "stable-diffusion-webui-forge",
                "LibraryPath": "Packages/stable-diffusion-webui-forge",
                "Version": {"InstalledReleaseVersion": "f2.0.1"},
            },
            {"PackageName": "ComfyUI", "LibraryPath": "../../etc"},
            "not a package",
        ],
    }
    if override:
        settings["ModelDirectoryOverride"] = override
    touch(library / "settings.json", json.dumps(settings))
    for sub in ("StableDiffusion", "Lora", "LyCORIS", "VAE"):
        (library / "Models" / sub).mkdir(parents=True, exist_ok=True)
    root = comfyui(library / "Packages" / "ComfyUI", version=None)
    touch(
        root / "extra_model_paths.yaml",
        "stability_matrix:\n"
        f"    checkpoints: |-\n        {library / 'Models' / 'StableDiffusion'}\n"
        f"    loras: |-\n        {library / 'Models' / 'Lora'}\n"
        f"        {library / 'Models' / 'LyCORIS'}\n",
    )
    a1111(library / "Packages" / "stable-diffusion-webui-forge", forge=True)
    if portable:
        touch(library / ".sm-portable")
    return library
