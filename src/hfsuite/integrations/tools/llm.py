"""LM Studio and Ollama: language-model tools, one folder of kind ``llm`` each.

* LM Studio keeps models in ``~/.lmstudio/models`` (before 0.3: ``~/.cache/lm-studio/models``);
  a folder chosen in the app is saved in its ``settings.json`` (``downloadsFolder``). A model
  file must sit two levels down, ``<publisher>/<model>/<file>.gguf``, or LM Studio ignores it.
* Ollama keeps models in ``$OLLAMA_MODELS``, else ``~/.ollama/models`` (the Linux service:
  ``/usr/share/ollama/.ollama/models``), as manifests and blobs: a GGUF is added with
  ``ollama create`` or pulled with ``ollama pull``, never dropped in, so it has no download
  folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hfsuite.integrations.tools.host import Host, Notes, is_dir, is_file, read_text
from hfsuite.integrations.tools.model import LLM_KIND, DetectedTool

LMSTUDIO_SETTING_KEYS = ("downloadsFolder", "modelsDirectory")
"""``settings.json`` keys that hold a moved models folder (the first is what the app writes)."""


def lmstudio_homes(host: Host) -> list[Path]:
    """LM Studio's home folders: the one ``~/.lmstudio-home-pointer`` names, ``~/.lmstudio``,
    and the pre-0.3 ``~/.cache/lm-studio``."""
    homes: list[Path] = []
    pointer = read_text(host.home / ".lmstudio-home-pointer", Notes())
    if pointer and pointer.strip() and "\n" not in pointer.strip():
        homes.append(Path(host.expand(pointer.strip())))
    return [*homes, host.home / ".lmstudio", host.home / ".cache" / "lm-studio"]


def is_lmstudio(path: Path) -> bool:
    """Whether ``path`` is an LM Studio home (its ``models`` or ``settings.json``)."""
    return is_dir(path / "models") or is_file(path / "settings.json")


def looks_like_lmstudio_home(path: Path) -> bool:
    """Whether ``path`` shows it is LM Studio's, not only a folder with a ``models`` in it:
    its ``settings.json``, its usual name, or a ``.lmstudio`` inside. A folder of unknown type
    is taken for LM Studio only then (``models/`` alone: a ComfyUI base folder, a web UI and
    many others have one too); with the type given, ``models/`` is enough."""
    if path.name in (".lmstudio", "lm-studio"):
        return is_lmstudio(path)
    return is_file(path / "settings.json") or is_lmstudio(path / ".lmstudio")


def detect_lmstudio(home: Path, host: Host, name: str = "lmstudio") -> DetectedTool:
    """LM Studio whose home is ``home``, and its models folder."""
    notes = Notes()
    config_files: list[Path] = []
    models = home / "models"
    settings_path = home / "settings.json"
    text = read_text(settings_path, notes, what="LM Studio settings")
    if text is not None:
        config_files.append(settings_path)
        try:
            data = json.loads(text)
        except ValueError:
            data = None
            notes.add(f"The LM Studio settings {settings_path} are not valid JSON.")
        for key in LMSTUDIO_SETTING_KEYS:
            value = data.get(key) if isinstance(data, dict) else None
            if isinstance(value, str) and value.strip():
                path = Path(host.expand(value.strip()))
                models = Path(os.path.normpath(path if path.is_absolute() else home / path))
                break
    if not is_dir(models):
        notes.add(f"The models folder {models} does not exist yet.")
    notes.add("LM Studio finds a model only two folders down: <models>/<publisher>/<model>/<file>.")
    return DetectedTool(
        name=name,
        kind="lmstudio",
        version=None,
        root=home,
        folders={LLM_KIND: [models]},
        default_folder={LLM_KIND: models},
        config_files=config_files,
        notes=notes.items,
        variant="legacy" if home.name == "lm-studio" else None,
    )


def ollama_places(host: Host) -> list[Path]:
    """Ollama's models folders: ``$OLLAMA_MODELS``, ``~/.ollama/models``, and on Linux the
    system service's."""
    places = [p for p in (host.var_path("OLLAMA_MODELS"),) if p is not None]
    places.append(host.home / ".ollama" / "models")
    if host.system and host.platform == "linux":
        places.append(Path("/usr/share/ollama/.ollama/models"))
    return places


def is_ollama(path: Path) -> bool:
    """Whether ``path`` is an Ollama models folder (``manifests`` or ``blobs``)."""
    return is_dir(path / "manifests") or is_dir(path / "blobs")


def locate_ollama(path: Path) -> Path | None:
    """The Ollama models folder at ``path``, or in it (``.ollama`` → ``.ollama/models``)."""
    for candidate in (path, path / "models", path / ".ollama" / "models"):
        if is_ollama(candidate):
            return candidate
    return None


def detect_ollama(models: Path, host: Host, name: str = "ollama") -> DetectedTool:
    """Ollama whose models folder is ``models``."""
    notes = Notes()
    if host.var("OLLAMA_MODELS") and host.var_path("OLLAMA_MODELS") == models:
        notes.add("Models folder set by OLLAMA_MODELS.")
    notes.add(
        "Ollama stores models as manifests and blobs: add a GGUF with `ollama create` "
        "(a Modelfile with FROM <file>) or pull it with `ollama pull`; files dropped in "
        "its folder are not seen."
    )
    return DetectedTool(
        name=name,
        kind="ollama",
        version=None,
        root=models,
        folders={LLM_KIND: [models]},
        default_folder={},
        config_files=[],
        notes=notes.items,
        variant="service" if str(models).startswith("/usr/share/ollama") else None,
    )
