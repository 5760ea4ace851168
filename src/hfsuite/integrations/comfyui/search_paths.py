"""Where ComfyUI looks for a model file, and where a download of one may be written.

ComfyUI finds a loader's value (``Wan/lora.safetensors``) by joining it to each folder registered
for the loader's folder key, in order: ``models/<key>``, the legacy folders (``models/unet`` for
``diffusion_models``, ``models/clip`` for ``text_encoders``), every ``extra_model_paths.yaml``
entry. The detector (:mod:`hfsuite.integrations.tools.comfyui`) gives those folders per key;
here they are searched, and a download's path is computed so that it can never leave the
key's folder: absolute and drive paths, ``..``, control characters and Windows-reserved
characters are refused with a reason, and so is a path through a symlink that points out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hfsuite.integrations.comfyui.names import canonical_folder, embedding_candidates, normalise

__all__ = ["Placement", "find_present", "folders_for", "names_tried", "place"]

_WINDOWS_BAD = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(1, 10)),
        *(f"lpt{i}" for i in range(1, 10)),
    }
)


@dataclass(frozen=True)
class Placement:
    """Where a file goes: ``path`` inside the folder, or ``refused`` saying why not."""

    path: Path | None
    refused: str | None = None


def folders_for(folders: Mapping[str, Sequence[Path]], key: str | None) -> list[Path]:
    """The folders ComfyUI searches for ``key`` (legacy ``unet``/``clip`` mapped), in order."""
    canonical = canonical_folder(key)
    if canonical is None:
        return []
    return list(dict.fromkeys(folders.get(canonical, ())))


def names_tried(value: str, key: str | None) -> list[str]:
    """The relative names ComfyUI tries for ``value``: an embedding may lack its extension."""
    if canonical_folder(key) == "embeddings":
        return embedding_candidates(value)
    return [value]


def find_present(
    folders: Mapping[str, Sequence[Path]],
    key: str | None,
    value: str,
    *,
    is_file: Callable[[Path], bool] = os.path.isfile,
) -> Path | None:
    """The file ComfyUI would load for ``value`` of folder ``key``, or None.

    ``value`` must be a normalised name (:func:`hfsuite.integrations.comfyui.names.normalise`);
    a refused one is never looked up.
    """
    name = normalise(value)
    if name is None or name.refused is not None:
        return None
    for folder in folders_for(folders, key):
        for candidate in names_tried(name.value, key):
            path = folder.joinpath(*candidate.split("/"))
            try:
                if is_file(path):
                    return path
            except (OSError, ValueError):
                continue
    return None


def place(folder: Path, value: str) -> Placement:
    """Where a file named ``value`` goes inside ``folder`` (subfolders kept), or why it cannot.

    The result is always ``folder`` joined to relative, ``/``-separated parts, none of them
    ``..``; with a part that exists as a symlink pointing out of ``folder`` it is refused.
    """
    name = normalise(value)
    if name is None:
        return Placement(None, "names no file")
    if name.refused is not None:
        return Placement(None, name.refused)
    parts = name.value.split("/")
    for part in parts:
        if _WINDOWS_BAD.search(part):
            return Placement(None, f"{part!r} holds a character a file name cannot have")
        if part.split(".", 1)[0].strip().lower() in _WINDOWS_RESERVED or part.endswith((" ", ".")):
            return Placement(None, f"{part!r} is not a portable file name")
    target = folder.joinpath(*parts)
    base = os.path.normpath(os.path.abspath(folder))
    lexical = os.path.normpath(os.path.abspath(target))
    if lexical == base or os.path.commonpath([base, lexical]) != base:
        return Placement(None, "it would leave the model folder")
    real_base = os.path.realpath(base)
    probe = Path(base)
    for part in parts[:-1]:
        probe = probe / part
        if probe.is_symlink() or probe.exists():
            real = os.path.realpath(probe)
            if os.path.commonpath([real_base, real]) != real_base:
                return Placement(None, f"{probe} leads out of the model folder (a link)")
        else:
            break
    if target.is_symlink():
        return Placement(None, f"{target} is a link; it is not replaced")
    return Placement(target)
