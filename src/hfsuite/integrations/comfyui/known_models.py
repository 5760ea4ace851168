"""The known-models index: file names of public model lists, and where to download them.

An index is a JSON file of facts only (no descriptions)::

    {"format": "hfsuite-known-models", "version": 1,
     "source": "what it was built from", "license": "that source's license",
     "models": [{"name": "wan_2.1_vae.safetensors", "folder": "vae",
                 "url": "https://huggingface.co/Comfy-Org/…/resolve/main/split_files/vae/…",
                 "size": null, "sha256": null}]}

``name`` is the file name (a loader's value may put it in a subfolder), ``folder`` the
ComfyUI folder key or null, ``url`` where to download it. Builders here read ComfyUI-Manager's
``model-list.json`` and references read from workflows (the templates' declared ``models``);
``scripts/refresh_known_models.py`` writes the user's index with them, and hfsuite ships one
built from the MIT-licensed workflow templates (``data/known_models_templates.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hfsuite.integrations.comfyui.names import basename, canonical_folder
from hfsuite.integrations.comfyui.refs import ModelRef
from hfsuite.integrations.comfyui.resolve import (
    Candidate,
    candidate_from_url,
    family_of,
    preference,
)

__all__ = [
    "FORMAT",
    "SHIPPED_INDEX",
    "KnownIndex",
    "KnownModel",
    "dump_index",
    "from_manager_list",
    "from_refs",
    "load_index",
    "read_index_file",
    "shipped_index",
]

FORMAT = "hfsuite-known-models"
VERSION = 1
SHIPPED_INDEX = "known_models_templates.json"
"""The index in ``integrations/comfyui/data/``, built from the workflow templates."""

MAX_INDEX_BYTES = 64 << 20
MAX_MODELS = 200_000

MANAGER_TYPES: dict[str, str] = {
    "checkpoint": "checkpoints",
    "checkpoints": "checkpoints",
    "unclip": "checkpoints",
    "lora": "loras",
    "loras": "loras",
    "vae": "vae",
    "taesd": "vae_approx",
    "vae_approx": "vae_approx",
    "upscale": "upscale_models",
    "upscale_models": "upscale_models",
    "embedding": "embeddings",
    "embeddings": "embeddings",
    "controlnet": "controlnet",
    "t2i-adapter": "controlnet",
    "t2i-style": "style_models",
    "clip": "text_encoders",
    "text_encoders": "text_encoders",
    "unet": "diffusion_models",
    "diffusion_model": "diffusion_models",
    "diffusion_models": "diffusion_models",
    "clip_vision": "clip_vision",
    "gligen": "gligen",
    "photomaker": "photomaker",
    "hypernetwork": "hypernetworks",
    "style_models": "style_models",
    "model_patches": "model_patches",
    "audio_encoders": "audio_encoders",
}
"""ComfyUI-Manager's ``type`` values (lower-case) -> folder key, for ``save_path: default``."""

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class KnownModel:
    """One file of an index: its name, folder key, download URL, size and hash when known."""

    name: str
    folder: str | None
    url: str
    size: int | None = None
    sha256: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "folder": self.folder,
            "url": self.url,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass
class KnownIndex:
    """A loaded index, looked up by file name."""

    models: list[KnownModel]
    source: str = ""
    license: str = ""
    where: str = ""

    def __post_init__(self) -> None:
        self._by_name: dict[str, list[KnownModel]] = {}
        for model in self.models:
            self._by_name.setdefault(model.name.lower(), []).append(model)

    def lookup(
        self, value: str, folder: str | None, extra_hosts: Iterable[str] = ()
    ) -> list[Candidate]:
        """Candidates for a reference: the same file name (case ignored), ``high`` when the
        folder key agrees (or either has none), ``medium`` otherwise; best first (then
        official repackaged repositories first, see :func:`preference`)."""
        hosts = tuple(extra_hosts)
        wanted = canonical_folder(folder)
        found: list[Candidate] = []
        for model in self._by_name.get(basename(value).lower(), ()):
            same = wanted is None or model.folder is None or model.folder == wanted
            note = f"{self.source or self.where}"
            candidate = candidate_from_url(
                model.url,
                "index",
                "high" if same else "medium",
                sha256=model.sha256,
                size=model.size,
                extra_hosts=hosts,
                note=note,
            )
            if candidate is not None:
                found.append(candidate)
        family = family_of(value)
        found.sort(key=lambda c: (c.confidence != "high", -preference(c.repo_id or "", family)))
        unique: dict[tuple[str, str | None, str | None, str | None], Candidate] = {}
        for candidate in found:
            unique.setdefault(candidate.key, candidate)
        return list(unique.values())


def _model(entry: Any) -> KnownModel | None:
    if not isinstance(entry, Mapping):
        return None
    name, url = entry.get("name"), entry.get("url")
    if not isinstance(name, str) or not name.strip() or not isinstance(url, str) or not url:
        return None
    folder = entry.get("folder")
    size = entry.get("size")
    digest = entry.get("sha256")
    return KnownModel(
        name=basename(name.strip()),
        folder=canonical_folder(folder) if isinstance(folder, str) else None,
        url=url.strip(),
        size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
        sha256=digest.lower() if isinstance(digest, str) and _HEX64.match(digest.lower()) else None,
    )


def load_index(text: str, where: str = "") -> KnownIndex:
    """An index from its JSON text.

    Raises:
        ValueError: not JSON, or not a known-models index (the message says which).
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{where or 'the index'} is not valid JSON ({exc})") from None
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ValueError(f"{where or 'the index'} is not a known-models index")
    entries = data.get("models")
    models = [
        m for m in (_model(e) for e in (entries if isinstance(entries, list) else [])[:MAX_MODELS])
        if m is not None
    ]  # fmt: skip
    source, license_ = data.get("source"), data.get("license")
    return KnownIndex(
        models,
        source=source if isinstance(source, str) else "",
        license=license_ if isinstance(license_, str) else "",
        where=where,
    )


def read_index_file(path: Path) -> KnownIndex:
    """The index at ``path``.

    Raises:
        OSError: it cannot be read. ValueError: it is not an index, or too large.
    """
    with open(path, "rb") as fh:
        raw = fh.read(MAX_INDEX_BYTES + 1)
    if len(raw) > MAX_INDEX_BYTES:
        raise ValueError(f"{path} is larger than {MAX_INDEX_BYTES >> 20} MiB")
    return load_index(raw.decode("utf-8", errors="replace"), str(path))


def shipped_index() -> KnownIndex | None:
    """The index shipped with hfsuite, or None when it is not there."""
    try:
        text = resources.files("hfsuite.integrations.comfyui").joinpath("data", SHIPPED_INDEX)
        return load_index(text.read_text(encoding="utf-8"), f"(shipped) {SHIPPED_INDEX}")
    except (OSError, ValueError, ModuleNotFoundError):
        return None


def dump_index(models: Sequence[KnownModel], source: str, license_: str) -> str:
    """The JSON text of an index (sorted, one model per line, duplicates dropped)."""
    unique = sorted(
        {(m.name, m.folder or "", m.url): m for m in models}.values(),
        key=lambda m: (m.name.lower(), m.folder or "", m.url),
    )
    head = json.dumps({"format": FORMAT, "version": VERSION, "source": source,
                       "license": license_})[:-1]  # fmt: skip
    lines = ",\n".join("  " + json.dumps(m.as_json(), ensure_ascii=False) for m in unique)
    return f'{head}, "models": [\n{lines}\n]}}\n'


def _manager_folder(entry: Mapping[str, Any]) -> str | None:
    save_path = entry.get("save_path")
    if isinstance(save_path, str) and save_path.strip() and save_path.strip() != "default":
        return canonical_folder(save_path)
    kind = entry.get("type")
    return MANAGER_TYPES.get(kind.strip().lower()) if isinstance(kind, str) else None


def from_manager_list(data: Any) -> list[KnownModel]:
    """The facts of ComfyUI-Manager's ``model-list.json`` (``{"models": [{"filename", "url",
    "type", "save_path"…}]}``): file name, folder key, URL; descriptions are left out."""
    entries = data.get("models") if isinstance(data, Mapping) else None
    found: list[KnownModel] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping):
            continue
        name, url = entry.get("filename"), entry.get("url")
        if not isinstance(name, str) or not isinstance(url, str):
            continue
        if not name.strip() or not url.startswith(("http://", "https://")):
            continue
        digest = entry.get("sha256")
        found.append(
            KnownModel(
                basename(name.strip()),
                _manager_folder(entry),
                url.strip(),
                sha256=digest.lower()
                if isinstance(digest, str) and _HEX64.match(digest.lower())
                else None,
            )
        )
    return found


def from_refs(refs: Iterable[ModelRef]) -> list[KnownModel]:
    """Models that workflows declare with a URL (a template's ``models`` list)."""
    found: list[KnownModel] = []
    for ref in refs:
        if ref.url is None or ref.refused is not None:
            continue
        if not ref.url.startswith(("http://", "https://")):
            continue
        digest = ref.hash if ref.hash_type in (None, "sha256") else None
        found.append(
            KnownModel(
                basename(ref.value),
                ref.folder,
                ref.url,
                sha256=digest if digest and _HEX64.match(digest) else None,
            )
        )
    return found
