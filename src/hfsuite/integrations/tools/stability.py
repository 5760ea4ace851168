"""Stability Matrix: its library, the shared ``Models`` folder, and the packages it installed.

The library is the app's ``Data`` folder in portable mode (``Data/.sm-portable`` beside the
app), else the folder ``library.json`` names (``LibraryPath``) in the app's settings folder
(``%APPDATA%\\StabilityMatrix``; ``~/.config/StabilityMatrix`` on Linux and macOS), or
the ``LibraryDir`` of the ``settings.json`` there.
``<library>/settings.json`` lists the installed packages (``InstalledPackages``) and may move
the shared models folder (``ModelDirectoryOverride``; default ``<library>/Models``), whose
subfolders are named after Stability Matrix's folder types (``StableDiffusion``, ``Lora``…).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfsuite.integrations.tools.host import Host, Notes, is_dir, is_file, read_text
from hfsuite.integrations.tools.model import DetectedTool, FolderMap

SHARED_FOLDERS: dict[str, tuple[str, ...]] = {
    "checkpoints": ("StableDiffusion",),
    "diffusers": ("Diffusers",),
    "loras": ("Lora", "LyCORIS"),
    "text_encoders": ("TextEncoders",),
    "clip_vision": ("ClipVision",),
    "embeddings": ("Embeddings",),
    "vae": ("VAE",),
    "vae_approx": ("ApproxVAE",),
    "controlnet": ("ControlNet", "T2IAdapter"),
    "gligen": ("GLIGEN",),
    "upscale_models": ("ESRGAN", "RealESRGAN", "SwinIR"),
    "hypernetworks": ("Hypernetwork",),
    "ipadapter": ("IpAdapter", "IpAdapters15", "IpAdaptersXl"),
    "prompt_expansion": ("PromptExpansion",),
    "ultralytics": ("Ultralytics",),
    "sams": ("Sams",),
    "diffusion_models": ("DiffusionModels",),
    "style_models": ("StyleModels",),
    "audio_encoders": ("AudioEncoders",),
    "model_patches": ("ModelPatches",),
    "background_removal": ("BackgroundRemoval",),
}
"""ComfyUI folder keys and the shared folders Stability Matrix maps to them (its ComfyUI
sharing rules), in order."""

PACKAGE_KINDS: dict[str, str] = {
    "ComfyUI": "comfyui",
    "stable-diffusion-webui": "a1111",
    "stable-diffusion-webui-forge": "forge",
    "stable-diffusion-webui-reForge": "forge",
    "forge-classic": "forge",
    "sd-webui-forge-neo": "forge",
    "automatic": "sdnext",
    "VladAutomatic": "sdnext",
    "InvokeAI": "invokeai",
    "Fooocus": "fooocus",
}
"""Stability Matrix package names and the tool kind each is."""


@dataclass(frozen=True)
class Package:
    """A package Stability Matrix installed: its folder, tool kind and version."""

    path: Path
    kind: str | None
    package_name: str
    version: str | None


def settings_dirs(host: Host) -> list[Path]:
    """The app's settings folders (where ``library.json`` lives)."""
    if host.platform == "windows":
        return [host.appdata / "StabilityMatrix"]
    dirs = [host.config_home / "StabilityMatrix"]
    if host.platform == "darwin":
        dirs.append(host.appdata / "StabilityMatrix")
    return dirs


def is_library(path: Path) -> bool:
    """Whether ``path`` is a Stability Matrix library (``settings.json`` + ``Packages`` or
    ``Models``, or the portable marker)."""
    return is_file(path / ".sm-portable") or (
        is_file(path / "settings.json") and (is_dir(path / "Packages") or is_dir(path / "Models"))
    )


def locate_library(path: Path) -> Path | None:
    """The library at ``path``: the library itself, a portable app folder (its ``Data``), or
    a settings folder whose ``library.json`` names one."""
    if is_library(path):
        return path
    if is_file(path / "Data" / ".sm-portable") or is_library(path / "Data"):
        return path / "Data"
    named = _library_json(path, Notes())
    return named if named is not None and is_dir(named) else None


def _library_json(settings_dir: Path, notes: Notes) -> Path | None:
    path = settings_dir / "library.json"
    text = read_text(path, notes, what="Stability Matrix library.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        notes.add(f"{path} is not valid JSON.")
        return None
    for key in ("LibraryPath", "LibraryDir"):
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, str) and value.strip():
            return Path(value.strip())
    return None


def library_places(host: Host) -> list[Path]:
    """Libraries named by ``library.json``, the settings folders themselves (the default
    library), and portable installs in the usual folders."""
    places: list[Path] = []
    for settings_dir in settings_dirs(host):
        named = _library_json(settings_dir, Notes())
        if named is not None:
            places.append(Path(host.expand(str(named))))
        settings, _ = _settings(settings_dir, Notes())
        moved = settings.get("LibraryDir")
        if isinstance(moved, str) and moved.strip():
            places.append(Path(host.expand(moved.strip())))
        places.append(settings_dir)
    for base in (host.home, host.home / "Downloads", host.home / "Desktop"):
        places.append(base / "StabilityMatrix")
    return places


def _settings(library: Path, notes: Notes) -> tuple[dict[str, Any], Path | None]:
    path = library / "settings.json"
    text = read_text(path, notes, what="Stability Matrix settings")
    if text is None:
        return {}, None
    try:
        data = json.loads(text)
    except ValueError:
        notes.add(f"The Stability Matrix settings {path} are not valid JSON.")
        return {}, path
    return (data if isinstance(data, dict) else {}), path


def models_dir(library: Path, settings: dict[str, Any], host: Host) -> Path:
    """The shared models folder: ``ModelDirectoryOverride`` or ``<library>/Models``."""
    override = settings.get("ModelDirectoryOverride")
    if isinstance(override, str) and override.strip():
        path = Path(host.expand(override.strip()))
        return path if path.is_absolute() else library / path
    return library / "Models"


def packages(library: Path, host: Host, notes: Notes | None = None) -> list[Package]:
    """The packages ``settings.json`` lists, with their folders under the library."""
    notes = notes or Notes()
    settings, _ = _settings(library, notes)
    found: list[Package] = []
    entries = settings.get("InstalledPackages")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        rel = entry.get("LibraryPath")
        name = entry.get("PackageName")
        if not isinstance(rel, str) or not rel.strip():
            continue
        parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
        if ".." in parts:
            notes.add(f"Package path {rel!r} in {library / 'settings.json'} uses '..'; skipped.")
            continue
        version = None
        info = entry.get("Version")
        if isinstance(info, dict):
            for key in ("InstalledReleaseVersion", "InstalledCommitSha"):
                value = info.get(key)
                if isinstance(value, str) and value.strip():
                    version = value.strip() if key != "InstalledCommitSha" else value.strip()[:7]
                    break
        package_name = name if isinstance(name, str) else ""
        found.append(
            Package(
                library.joinpath(*parts), PACKAGE_KINDS.get(package_name), package_name, version
            )
        )
    return found


def detect_library(library: Path, host: Host, name: str = "stability-matrix") -> DetectedTool:
    """The Stability Matrix library at ``library`` and its shared model folders."""
    notes = Notes()
    settings, settings_path = _settings(library, notes)
    models = models_dir(library, settings, host)
    folders = FolderMap()
    for key, dirs in SHARED_FOLDERS.items():
        for d in dirs:
            folders.add(key, models / d)
    if not is_dir(models):
        notes.add(f"The shared models folder {models} does not exist.")
    for package in packages(library, host, notes):
        label = package.package_name or package.path.name
        if not is_dir(package.path):
            notes.add(f"Installed package {label} is missing: {package.path}.")
    return DetectedTool(
        name=name,
        kind="stability-matrix",
        version=None,
        root=library,
        folders=folders.folders(),
        default_folder=folders.defaults(),
        config_files=[settings_path] if settings_path else [],
        notes=notes.items,
        variant="portable" if is_file(library / ".sm-portable") else None,
    )
