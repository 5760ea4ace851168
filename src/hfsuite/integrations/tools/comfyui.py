"""ComfyUI: a git install, the Windows portable build, the Desktop app, comfy-cli workspaces.

A folder is ComfyUI when it holds ``main.py``, ``folder_paths.py`` and ``comfy/`` (or
``nodes.py``). Its model folders are what ComfyUI itself would search, in its order:

1. the defaults under ``<base>/models`` (``<base>`` is the install, or the Desktop app's
   base folder), with the legacy ``unet``/``clip`` folders read as ``diffusion_models``/
   ``text_encoders``;
2. ``<install>/extra_model_paths.yaml``;
3. every ``--extra-model-paths-config`` file of a portable build's ``run_*.bat`` or of
   comfy-cli's ``default_launch_extras`` (which may also set ``--base-directory``);
4. the Desktop app's ``extra_models_config.yaml``.

A section with ``is_default: true`` puts its folders first; the first folder of each kind is
where a download goes (:attr:`DetectedTool.default_folder`).
"""

from __future__ import annotations

import configparser
import json
from collections.abc import Iterable
from pathlib import Path

from hfsuite.integrations.comfyui.extra_paths import ExtraPaths, apply_entries, read_extra_paths
from hfsuite.integrations.tools.host import Host, Notes, is_dir, is_file, read_text
from hfsuite.integrations.tools.launch import bat_python_args, option_values, split_args
from hfsuite.integrations.tools.model import DetectedTool
from hfsuite.integrations.tools.versions import git_version, pyproject_version, python_version_file

DEFAULT_FOLDERS: dict[str, tuple[str, ...]] = {
    "checkpoints": ("checkpoints",),
    "configs": ("configs",),
    "loras": ("loras",),
    "vae": ("vae",),
    "text_encoders": ("text_encoders", "clip"),
    "diffusion_models": ("unet", "diffusion_models"),
    "clip_vision": ("clip_vision",),
    "style_models": ("style_models",),
    "embeddings": ("embeddings",),
    "diffusers": ("diffusers",),
    "vae_approx": ("vae_approx",),
    "controlnet": ("controlnet", "t2i_adapter"),
    "gligen": ("gligen",),
    "upscale_models": ("upscale_models",),
    "latent_upscale_models": ("latent_upscale_models",),
    "hypernetworks": ("hypernetworks",),
    "photomaker": ("photomaker",),
    "classifiers": ("classifiers",),
    "model_patches": ("model_patches",),
    "audio_encoders": ("audio_encoders",),
}
"""ComfyUI's folder keys and their folders under ``<base>/models``, in search order
(``folder_paths.py``)."""

EXTRA_PATHS_FILE = "extra_model_paths.yaml"
DESKTOP_CONFIG = "extra_models_config.yaml"


def is_comfyui(path: Path) -> bool:
    """Whether ``path`` holds ComfyUI's code."""
    return (
        is_file(path / "main.py")
        and is_file(path / "folder_paths.py")
        and (is_dir(path / "comfy") or is_file(path / "nodes.py"))
    )


def locate(path: Path) -> tuple[Path, str] | None:
    """The ComfyUI install at or right inside ``path``, and how it is installed.

    ``path`` may be the install itself, a portable build's folder
    (``ComfyUI_windows_portable``, with ``python_embeded``) or a comfy-cli workspace holding
    ``ComfyUI``.
    """
    if is_comfyui(path):
        if is_dir(path.parent / "python_embeded"):
            return path, "portable"
        return path, "git" if (path / ".git").exists() else "folder"
    inner = path / "ComfyUI"
    if is_comfyui(inner):
        return inner, "portable" if is_dir(path / "python_embeded") else "comfy-cli"
    return None


def usual_places(host: Host) -> list[Path]:
    """Where people usually have ComfyUI (install or portable/workspace folder)."""
    home = host.home
    places = [home / "ComfyUI", home / "comfy", home / "comfyui", home / "Documents" / "ComfyUI"]
    if host.platform == "windows":
        for base in (home / "Desktop", home / "Downloads", home, home / "Documents"):
            places.append(base / "ComfyUI_windows_portable")
    if host.system and host.platform == "linux":
        places += [Path("/opt/ComfyUI"), Path("/workspace/ComfyUI"), Path("/ComfyUI")]
    return places + comfy_cli_workspaces(host, Notes())


def comfy_cli_dir(host: Host) -> Path:
    """comfy-cli's settings folder (``config.ini``)."""
    if host.platform == "windows":
        return host.local_appdata / "comfy-cli"
    if host.platform == "darwin":
        return host.home / "Library" / "Application Support" / "comfy-cli"
    return host.home / ".config" / "comfy-cli"


def _comfy_cli_value(path: Path, key: str, notes: Notes) -> str | None:
    """One ``[DEFAULT]`` value of comfy-cli's ``config.ini``."""
    text = read_text(path, notes, what="comfy-cli config")
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        notes.add(f"The comfy-cli config {path} cannot be parsed ({exc.__class__.__name__}).")
        return None
    value = parser.defaults().get(key)
    return value.strip() if value and value.strip() else None


def comfy_cli_workspaces(host: Host, notes: Notes) -> list[Path]:
    """comfy-cli's default and recent workspaces (``config.ini``), else its default
    ``~/comfy``."""
    path = comfy_cli_dir(host) / "config.ini"
    found = [
        _comfy_cli_value(path, key, notes) for key in ("default_workspace", "recent_workspace")
    ]
    return [*(Path(host.expand(v)) for v in found if v), host.home / "comfy"]


def desktop_user_data(host: Host) -> Path:
    """The ComfyUI Desktop app's settings folder (Electron ``userData``)."""
    return host.appdata / "ComfyUI"


def desktop_code_dirs(host: Host) -> list[Path]:
    """Where the Desktop app keeps the ComfyUI code it runs."""
    if host.platform == "windows":
        return [
            host.local_appdata / "Programs" / "@comfyorgcomfyui-electron" / "resources" / "ComfyUI"
        ]
    if host.platform == "darwin":
        places = [host.home / "Applications" / "ComfyUI.app" / "Contents" / "Resources" / "ComfyUI"]
        if host.system:
            places.append(Path("/Applications/ComfyUI.app/Contents/Resources/ComfyUI"))
        return places
    return []


def comfyui_version(root: Path, notes: Notes) -> str | None:
    """``comfyui_version.py``, else ``pyproject.toml``, else git."""
    return (
        python_version_file(root / "comfyui_version.py", notes)
        or pyproject_version(root / "pyproject.toml", notes)
        or git_version(root, notes)
    )


def _read_yaml_file(path: Path, host: Host, notes: Notes, config_files: list[Path]) -> ExtraPaths:
    text = read_text(path, notes, what="model paths file")
    if text is None:
        return ExtraPaths()
    config_files.append(path)
    parsed = read_extra_paths(text, path.parent, expand=host.expand, source=str(path))
    for note in parsed.notes:
        notes.add(note)
    return parsed


def _defaults(base: Path) -> dict[str, list[Path]]:
    models = base / "models"
    return {key: [models / d for d in dirs] for key, dirs in DEFAULT_FOLDERS.items()}


LEGACY_DIRS = {"unet": "diffusion_models", "clip": "text_encoders"}


def _download_folders(base: Path, folders: dict[str, list[Path]]) -> dict[str, Path]:
    """Each key's first folder, where ComfyUI (and its Manager) put new files; for the
    legacy ``models/unet`` and ``models/clip``, which ComfyUI still searches first, the folder
    of today's name (``models/diffusion_models``, ``models/text_encoders``) instead."""
    chosen: dict[str, Path] = {}
    for key, paths in folders.items():
        if not paths:
            continue
        first = paths[0]
        modern = LEGACY_DIRS.get(first.name)
        if first.parent == base / "models" and modern and first.parent / modern in paths:
            first = first.parent / modern
        chosen[key] = first
    return chosen


def _finish(
    name: str,
    root: Path,
    base: Path,
    yaml_files: Iterable[Path],
    host: Host,
    notes: Notes,
    *,
    version: str | None,
    variant: str,
    config_files: list[Path],
) -> DetectedTool:
    folders = _defaults(base)
    configured: set[Path] = set()
    for yaml_path in yaml_files:
        parsed = _read_yaml_file(yaml_path, host, notes, config_files)
        apply_entries(folders, parsed.entries)
        configured.update(e.path for e in parsed.entries if e.key != "custom_nodes")
    folders.pop("custom_nodes", None)  # code, not models
    for path in sorted(configured):
        # folders under <base>/models are ComfyUI's own: it creates them when it starts
        if not is_dir(path) and not path.is_relative_to(base / "models"):
            notes.add(f"The configured model folder {path} does not exist.")
    if not is_dir(base / "models"):
        notes.add(f"{base / 'models'} does not exist yet; ComfyUI creates it when it starts.")
    return DetectedTool(
        name=name,
        kind="comfyui",
        version=version,
        root=root,
        folders=folders,
        default_folder=_download_folders(base, folders),
        config_files=config_files,
        notes=notes.items,
        variant=variant,
    )


def detect_install(root: Path, variant: str, host: Host, name: str = "comfyui") -> DetectedTool:
    """The ComfyUI install at ``root`` (see :func:`locate`) and its model folders."""
    notes = Notes()
    config_files: list[Path] = []
    base = root
    yaml_files = [root / EXTRA_PATHS_FILE] if is_file(root / EXTRA_PATHS_FILE) else []
    launches: list[tuple[Path, list[str], Path]] = []  # (where said, options, their cwd)
    if variant == "portable":
        for script in sorted(root.parent.glob("run_*.bat")):
            args = bat_python_args(script, notes)
            if args:
                launches.append((script, args, root.parent))
    elif variant == "comfy-cli":
        ini = comfy_cli_dir(host) / "config.ini"
        extras = _comfy_cli_value(ini, "default_launch_extras", notes)
        if extras:
            windows = host.platform == "windows"
            launches.append(
                (ini, split_args(extras, windows=windows, notes=notes, where=str(ini)), root)
            )
    for where, args, cwd in launches:
        config_files.append(where)
        for value in option_values(args, ["--extra-model-paths-config"], many=True):
            path = Path(host.expand(value))
            yaml_files.append(path if path.is_absolute() else cwd / path)
        for value in option_values(args, ["--base-directory"]):
            path = Path(host.expand(value))
            base = path if path.is_absolute() else cwd / path
    for path in yaml_files:
        if not is_file(path) and path.name != EXTRA_PATHS_FILE:
            notes.add(f"The model paths file {path} named in a launch script does not exist.")
    return _finish(
        name,
        root,
        base,
        yaml_files,
        host,
        notes,
        version=comfyui_version(root, notes),
        variant=variant,
        config_files=config_files,
    )


def detect_desktop(host: Host, name: str = "comfyui-desktop") -> DetectedTool | None:
    """The ComfyUI Desktop app, when its settings folder names a base folder.

    The base folder (chosen at install, e.g. ``~/Documents/ComfyUI``) holds ``models/``; the
    app's ``extra_models_config.yaml`` adds to it (its ``is_default`` section usually points at
    the base folder itself). ``config.json``'s ``basePath`` names it.
    """
    user_data = desktop_user_data(host)
    config_json = user_data / "config.json"
    config_yaml = user_data / DESKTOP_CONFIG
    if not (is_file(config_json) or is_file(config_yaml)):
        return None
    notes = Notes()
    config_files: list[Path] = []
    base: Path | None = None
    text = read_text(config_json, notes, what="Desktop settings")
    if text is not None:
        config_files.append(config_json)
        try:
            data = json.loads(text)
        except ValueError:
            notes.add(f"The Desktop settings {config_json} are not valid JSON.")
            data = None
        raw = data.get("basePath") if isinstance(data, dict) else None
        if isinstance(raw, str) and raw.strip():
            base = Path(host.expand(raw.strip()))
    if base is None and is_file(config_yaml):
        parsed = read_extra_paths(
            read_text(config_yaml, Notes()) or "", user_data, expand=host.expand
        )
        # the app writes its base folder as the base_path of an is_default section
        defaults = [path for _, path, is_default in parsed.base_paths if is_default]
        if defaults:
            base = defaults[0]
    if base is None:
        return None
    if not is_dir(base):
        notes.add(f"The Desktop app's base folder {base} does not exist.")
    version = None
    for code in desktop_code_dirs(host):
        if is_comfyui(code):
            version = comfyui_version(code, notes)
            break
    return _finish(
        name,
        base,
        base,
        [config_yaml] if is_file(config_yaml) else [],
        host,
        notes,
        version=version,
        variant="desktop",
        config_files=config_files,
    )
