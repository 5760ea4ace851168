"""AUTOMATIC1111 stable-diffusion-webui, Forge and SD.Next.

* A1111: ``webui.py`` + ``launch.py`` + ``modules/`` (``modules/paths_internal.py``).
* Forge: the same plus ``modules_forge/``.
* SD.Next: ``webui.py`` + ``installer.py`` + ``modules/`` (A1111 has no ``installer.py``); its
  folders live under ``models/`` (embeddings included) and its ``config.json`` may move them.

Model folders are the defaults under ``<data dir>/models`` (``--data-dir`` moves it), changed by
the options in the launch script's ``COMMANDLINE_ARGS`` (``webui-user.sh`` or, on Windows,
``webui-user.bat``; the environment's ``COMMANDLINE_ARGS`` when the script sets none):
``--ckpt-dir``, ``--vae-dir``, ``--lora-dir``, ``--embeddings-dir``, ``--hypernetwork-dir``, the
upscaler ``--*-models-path`` options and ``--controlnet-dir``. Forge's
``--forge-ref-a1111-home`` adds an A1111 install's folders, and Forge Neo's
``--forge-ref-comfy-home``/``--forge-ref-comfy-yaml`` a ComfyUI install's.
"""

from __future__ import annotations

import json
from pathlib import Path

from hfsuite.integrations.comfyui.extra_paths import read_extra_paths
from hfsuite.integrations.tools.host import Host, Notes, is_dir, is_file, read_text
from hfsuite.integrations.tools.launch import commandline_args, option_values, split_args
from hfsuite.integrations.tools.model import DetectedTool, FolderMap
from hfsuite.integrations.tools.versions import git_version, package_json_version

A1111_FOLDERS: dict[str, tuple[str, ...]] = {
    "checkpoints": ("models/Stable-diffusion",),
    "configs": ("models/Stable-diffusion",),
    "vae": ("models/VAE",),
    "vae_approx": ("models/VAE-approx",),
    "loras": ("models/Lora", "models/LyCORIS"),
    "embeddings": ("embeddings",),
    "hypernetworks": ("models/hypernetworks",),
    "upscale_models": (
        "models/ESRGAN",
        "models/RealESRGAN",
        "models/SwinIR",
        "models/LDSR",
        "models/ScuNET",
        "models/BSRGAN",
        "models/DAT",
    ),
    "controlnet": ("models/ControlNet",),
    "facerestore_models": ("models/GFPGAN", "models/Codeformer"),
}
"""A1111's folders per ComfyUI folder key, relative to its data folder."""

FORGE_EXTRA: dict[str, tuple[str, ...]] = {
    "text_encoders": ("models/text_encoder",),
    "diffusers": ("models/diffusers",),
    "diffusion_models": ("models/Stable-diffusion/unet",),
}
"""Folders Forge adds to A1111's."""

SDNEXT_FOLDERS: dict[str, tuple[str, ...]] = {
    "checkpoints": ("models/Stable-diffusion",),
    "diffusers": ("models/Diffusers",),
    "vae": ("models/VAE",),
    "loras": ("models/Lora", "models/LyCORIS"),
    "embeddings": ("models/embeddings",),
    "hypernetworks": ("models/hypernetworks",),
    "controlnet": ("models/ControlNet",),
    "diffusion_models": ("models/UNET",),
    "text_encoders": ("models/CLIP",),
    "upscale_models": (
        "models/ESRGAN",
        "models/RealESRGAN",
        "models/SwinIR",
        "models/LDSR",
        "models/ScuNET",
        "models/BSRGAN",
    ),
    "facerestore_models": ("models/GFPGAN", "models/Codeformer"),
}
"""SD.Next's folders per ComfyUI folder key, relative to its install."""

SDNEXT_SETTINGS: dict[str, str] = {
    "ckpt_dir": "checkpoints",
    "diffusers_dir": "diffusers",
    "vae_dir": "vae",
    "lora_dir": "loras",
    "embeddings_dir": "embeddings",
    "hypernetwork_dir": "hypernetworks",
    "control_dir": "controlnet",
    "unet_dir": "diffusion_models",
    "te_dir": "text_encoders",
}
"""SD.Next ``config.json`` keys that move a folder."""

# option -> (kind, the default folder it replaces, or None when it adds a folder)
OPTIONS: dict[str, tuple[str, str | None]] = {
    "--ckpt-dir": ("checkpoints", None),
    "--ckpt-dirs": ("checkpoints", None),
    "--vae-dir": ("vae", None),
    "--vae-dirs": ("vae", None),
    "--lora-dir": ("loras", "models/Lora"),
    "--lora-dirs": ("loras", None),
    "--lyco-dir-backcompat": ("loras", "models/LyCORIS"),
    "--embeddings-dir": ("embeddings", "embeddings"),
    "--hypernetwork-dir": ("hypernetworks", "models/hypernetworks"),
    "--esrgan-models-path": ("upscale_models", "models/ESRGAN"),
    "--realesrgan-models-path": ("upscale_models", "models/RealESRGAN"),
    "--swinir-models-path": ("upscale_models", "models/SwinIR"),
    "--ldsr-models-path": ("upscale_models", "models/LDSR"),
    "--scunet-models-path": ("upscale_models", "models/ScuNET"),
    "--bsrgan-models-path": ("upscale_models", "models/BSRGAN"),
    "--gfpgan-models-path": ("facerestore_models", "models/GFPGAN"),
    "--codeformer-models-path": ("facerestore_models", "models/Codeformer"),
    "--controlnet-dir": ("controlnet", "models/ControlNet"),
}
"""Launch options that move or add a model folder (A1111 ``modules/cmd_args.py`` and the
built-in Lora extension; Forge's plural ``--*-dirs``)."""

REF_A1111 = {
    "checkpoints": "models/Stable-diffusion",
    "vae": "models/VAE",
    "loras": "models/Lora",
    "controlnet": "models/ControlNet",
    "embeddings": "embeddings",
}
REF_COMFY = {
    "checkpoints": "models/checkpoints",
    "vae": "models/vae",
    "loras": "models/loras",
    "text_encoders": "models/text_encoders",
    "diffusion_models": "models/diffusion_models",
    "controlnet": "models/controlnet",
    "embeddings": "models/embeddings",
}


def kind_of(path: Path) -> str | None:
    """``a1111``, ``forge`` or ``sdnext`` for an install at ``path``, else None."""
    if not (is_file(path / "webui.py") and is_dir(path / "modules")):
        return None
    if is_dir(path / "modules_forge"):
        return "forge"
    if is_file(path / "installer.py"):
        return "sdnext"
    return "a1111" if is_file(path / "launch.py") else None


def usual_places(host: Host) -> list[Path]:
    """Where people usually clone these."""
    home = host.home
    names = (
        "stable-diffusion-webui",
        "stable-diffusion-webui-forge",
        "sd-webui-forge",
        "forge",
        "automatic",
        "sdnext",
        "SD.Next",
    )
    places = [home / n for n in names]
    if host.platform == "windows":
        places += [home / "Desktop" / n for n in names]
        places += [home / "Downloads" / "webui_forge_cu121_torch231" / "webui"]
    if host.system and host.platform == "linux":
        places += [Path("/opt") / n for n in names] + [Path("/workspace/stable-diffusion-webui")]
    return places


def _launch_args(root: Path, host: Host, notes: Notes, config_files: list[Path]) -> list[str]:
    windows = host.platform == "windows"
    script = root / ("webui-user.bat" if windows else "webui-user.sh")
    args = commandline_args(script, notes, windows=windows)
    if args is not None:
        config_files.append(script)
        return args
    from_env = host.var("COMMANDLINE_ARGS")
    if from_env:
        return split_args(from_env, windows=windows, notes=notes, where="COMMANDLINE_ARGS")
    return []


def _resolve(value: str, root: Path, host: Host, notes: Notes, option: str) -> Path:
    path = Path(host.expand(value))
    full = path if path.is_absolute() else root / path
    if ".." in Path(value).parts:
        notes.add(f"{option} {value!r} uses '..'; read as {Path(_normpath(full))}.")
    return Path(_normpath(full))


def _normpath(path: Path) -> str:
    import os

    return os.path.normpath(str(path))


def detect(root: Path, kind: str, host: Host, name: str | None = None) -> DetectedTool:
    """The A1111/Forge/SD.Next install at ``root`` (``kind`` from :func:`kind_of`)."""
    notes = Notes()
    config_files: list[Path] = []
    args = _launch_args(root, host, notes, config_files)
    data_values = option_values(args, ["--data-dir"])
    data_dir = _resolve(data_values[-1], root, host, notes, "--data-dir") if data_values else root
    folders = FolderMap()
    table = SDNEXT_FOLDERS if kind == "sdnext" else {**A1111_FOLDERS}
    if kind == "forge":
        table = {**table, **FORGE_EXTRA}
    for key, rels in table.items():
        for rel in rels:
            folders.add(key, data_dir / rel)
    configured: list[Path] = []
    for option, (key, replaced) in OPTIONS.items():
        values = option_values(args, [option], many=option.endswith("dirs"))
        if not values:
            continue
        paths = [_resolve(v, root, host, notes, option) for v in values]
        configured += paths
        current = folders.get(key)
        if replaced is not None:
            current = [p for p in current if p != data_dir / replaced]
            folders.replace(key, paths + current)
        else:
            folders.replace(key, paths + current)
    if kind == "sdnext":
        _sdnext_settings(root, host, notes, folders, configured, config_files)
    for value in option_values(args, ["--forge-ref-a1111-home"]):
        ref = _resolve(value, root, host, notes, "--forge-ref-a1111-home")
        for key, rel in REF_A1111.items():
            folders.add(key, ref / rel)
            configured.append(ref / rel)
    for value in option_values(args, ["--forge-ref-comfy-home"]):
        ref = _resolve(value, root, host, notes, "--forge-ref-comfy-home")
        for key, rel in REF_COMFY.items():
            folders.add(key, ref / rel)
            configured.append(ref / rel)
    for value in option_values(args, ["--forge-ref-comfy-yaml"]):
        yaml_path = _resolve(value, root, host, notes, "--forge-ref-comfy-yaml")
        text = read_text(yaml_path, notes, what="model paths file")
        if text is None:
            notes.add(f"--forge-ref-comfy-yaml names {yaml_path}, which cannot be read.")
            continue
        config_files.append(yaml_path)
        parsed = read_extra_paths(text, yaml_path.parent, expand=host.expand, source=str(yaml_path))
        for note in parsed.notes:
            notes.add(note)
        for entry in parsed.entries:
            if entry.key != "custom_nodes":
                folders.add(entry.key, entry.path)
                configured.append(entry.path)
    for path in dict.fromkeys(configured):
        if not is_dir(path):
            notes.add(f"The configured model folder {path} does not exist.")
    if not is_dir(data_dir / "models"):
        notes.add(
            f"{data_dir / 'models'} does not exist yet; the web UI creates it when it starts."
        )
    version = git_version(root, notes)
    if kind == "sdnext":
        version = package_json_version(root / "package.json", notes) or version
    return DetectedTool(
        name=name or kind,
        kind=kind,
        version=version,
        root=root,
        folders=folders.folders(),
        default_folder=folders.defaults(),
        config_files=config_files,
        notes=notes.items,
        variant="git" if (root / ".git").exists() else "folder",
    )


def _sdnext_settings(
    root: Path,
    host: Host,
    notes: Notes,
    folders: FolderMap,
    configured: list[Path],
    config_files: list[Path],
) -> None:
    path = root / "config.json"
    text = read_text(path, notes, what="SD.Next settings")
    if text is None:
        return
    config_files.append(path)
    try:
        data = json.loads(text)
    except ValueError:
        notes.add(f"The SD.Next settings {path} are not valid JSON; default folders shown.")
        return
    if not isinstance(data, dict):
        return
    for key, kind in SDNEXT_SETTINGS.items():
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            resolved = _resolve(value.strip(), root, host, notes, key)
            folders.replace(kind, [resolved])
            configured.append(resolved)
