"""InvokeAI and Fooocus.

* InvokeAI: a root folder with ``invokeai.yaml`` (``$INVOKEAI_ROOT``, else ``~/invokeai``).
  InvokeAI registers models in its database; files put in its folders are not seen until
  they are installed from the app (Model Manager, "scan folder"). So the folders are shown
  but none is a download target.
* Fooocus: ``entry_with_update.py`` + ``fooocus_version.py``; ``config.txt`` (JSON) moves
  folders (``path_checkpoints``, ``path_loras``… each a path or a list of paths).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hfsuite.integrations.tools.host import Host, Notes, is_dir, is_file, read_text
from hfsuite.integrations.tools.model import DetectedTool, FolderMap
from hfsuite.integrations.tools.versions import dist_info_version, python_version_file

INVOKEAI_TYPES: dict[str, str] = {
    "main": "checkpoints",
    "lora": "loras",
    "vae": "vae",
    "controlnet": "controlnet",
    "t2i_adapter": "controlnet",
    "embedding": "embeddings",
    "clip_vision": "clip_vision",
    "ip_adapter": "ipadapter",
    "t5_encoder": "text_encoders",
    "clip_embed": "text_encoders",
}
"""InvokeAI model types (``models/<base>/<type>``) and the ComfyUI folder key they hold."""

FOOOCUS_FOLDERS: dict[str, tuple[str, str]] = {
    "path_checkpoints": ("checkpoints", "models/checkpoints"),
    "path_loras": ("loras", "models/loras"),
    "path_embeddings": ("embeddings", "models/embeddings"),
    "path_vae_approx": ("vae_approx", "models/vae_approx"),
    "path_vae": ("vae", "models/vae"),
    "path_upscale_models": ("upscale_models", "models/upscale_models"),
    "path_inpaint": ("inpaint", "models/inpaint"),
    "path_controlnet": ("controlnet", "models/controlnet"),
    "path_clip_vision": ("clip_vision", "models/clip_vision"),
}
"""Fooocus ``config.txt`` keys: the folder key each sets and its default."""


# --- InvokeAI ---------------------------------------------------------------------------------


def is_invokeai(path: Path) -> bool:
    """Whether ``path`` is an InvokeAI root."""
    return is_file(path / "invokeai.yaml")


def invokeai_places(host: Host) -> list[Path]:
    """``$INVOKEAI_ROOT``, then ``~/invokeai``."""
    places = [p for p in (host.var_path("INVOKEAI_ROOT"),) if p is not None]
    return [*places, host.home / "invokeai"]


def _yaml_scalar(text: str, key: str) -> str | None:
    """A top-level ``key: value`` of a simple YAML file (InvokeAI's is flat)."""
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe", pure=True).load(text)
    except Exception:
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return str(value) if isinstance(value, str | int | float) and str(value).strip() else None


def detect_invokeai(root: Path, host: Host, name: str = "invokeai") -> DetectedTool:
    """The InvokeAI root at ``root``: its models folder and the per-type folders in it."""
    notes = Notes()
    config = root / "invokeai.yaml"
    text = read_text(config, notes, what="InvokeAI settings")
    config_files = [config] if text is not None else []
    models = root / "models"
    if text is not None:
        from ruamel.yaml import YAML

        try:
            YAML(typ="safe", pure=True).load(text)
        except Exception:
            notes.add(f"The InvokeAI settings {config} are not valid YAML; defaults assumed.")
        moved = _yaml_scalar(text, "models_dir")
        if moved:
            path = Path(host.expand(moved))
            models = Path(os.path.normpath(path if path.is_absolute() else root / path))
    folders = FolderMap()
    try:
        bases = sorted(p for p in models.iterdir() if p.is_dir()) if is_dir(models) else []
    except OSError as exc:
        notes.add(f"{models} cannot be listed ({exc.strerror or exc}).")
        bases = []
    for base in bases:
        for type_name, key in INVOKEAI_TYPES.items():
            if is_dir(base / type_name):
                folders.add(key, base / type_name)
    if not is_dir(models):
        notes.add(f"The InvokeAI models folder {models} does not exist.")
    notes.add(f"Models folder: {models}.")
    notes.add(
        "InvokeAI keeps a database of its models: install a downloaded file from InvokeAI's "
        "Model Manager (install from a path or scan a folder); files are not picked up from "
        "its folders."
    )
    version = dist_info_version(root / ".venv", "invokeai")
    return DetectedTool(
        name=name,
        kind="invokeai",
        version=version,
        root=root,
        folders=folders.folders(),
        default_folder={},
        config_files=config_files,
        notes=notes.items,
        variant=None,
    )


# --- Fooocus ----------------------------------------------------------------------------------


def is_fooocus(path: Path) -> bool:
    """Whether ``path`` holds Fooocus."""
    return is_file(path / "fooocus_version.py") and (
        is_file(path / "entry_with_update.py") or is_file(path / "launch.py")
    )


def locate_fooocus(path: Path) -> Path | None:
    """Fooocus at ``path`` or in its ``Fooocus`` folder (the Windows download)."""
    for candidate in (path, path / "Fooocus"):
        if is_fooocus(candidate):
            return candidate
    return None


def fooocus_places(host: Host) -> list[Path]:
    """Where people usually have Fooocus."""
    home = host.home
    places = [home / "Fooocus", home / "fooocus"]
    if host.platform == "windows":
        places += [
            home / "Desktop" / "Fooocus_win64_2-5-0",
            home / "Downloads" / "Fooocus_win64_2-5-0",
        ]
    return places


def _paths_value(value: Any) -> list[str] | None:
    if isinstance(value, str) and value.strip():
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    return None


def detect_fooocus(root: Path, host: Host, name: str = "fooocus") -> DetectedTool:
    """Fooocus at ``root`` and its folders (``config.txt`` over the defaults)."""
    notes = Notes()
    config_files: list[Path] = []
    config_path = root / "config.txt"
    settings: dict[str, Any] = {}
    text = read_text(config_path, notes, what="Fooocus config")
    if text is not None:
        config_files.append(config_path)
        try:
            loaded = json.loads(text)
            if isinstance(loaded, dict):
                settings = loaded
            else:
                notes.add(f"The Fooocus config {config_path} is not a JSON object; ignored.")
        except ValueError:
            notes.add(f"The Fooocus config {config_path} is not valid JSON; defaults assumed.")
    folders = FolderMap()
    for key, (kind, default) in FOOOCUS_FOLDERS.items():
        raw = settings.get(key)
        values = _paths_value(raw)
        if raw is not None and values is None:
            notes.add(f"'{key}' in {config_path} is not a path or a list of paths; ignored.")
        for value in values or [default]:
            path = Path(host.expand(value))
            full = Path(os.path.normpath(path if path.is_absolute() else root / path))
            folders.add(kind, full)
            if values and not is_dir(full):
                notes.add(f"The configured model folder {full} does not exist.")
    return DetectedTool(
        name=name,
        kind="fooocus",
        version=python_version_file(root / "fooocus_version.py", notes),
        root=root,
        folders=folders.folders(),
        default_folder=folders.defaults(),
        config_files=config_files,
        notes=notes.items,
        variant="git" if (root / ".git").exists() else "folder",
    )
