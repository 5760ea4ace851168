"""Model names as ComfyUI matches them, and the ones that are refused.

A loader's widget value is a path relative to one of its folder's directories, written with the
separator of the machine that saved the workflow (``flux\\flux1-dev.safetensors`` on Windows).
ComfyUI finds it by joining it to each directory of the folder key. Here a value becomes a
forward-slash relative path, or is refused with a reason: absolute paths, ``..``, control
characters and absurd lengths never reach a caller as a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEGACY_FOLDERS: dict[str, str] = {"unet": "diffusion_models", "clip": "text_encoders"}
"""ComfyUI's ``map_legacy``: old folder keys and the key they stand for today."""

MODEL_EXTENSIONS: tuple[str, ...] = (
    ".safetensors",
    ".sft",
    ".ckpt",
    ".pt",
    ".pt2",
    ".pth",
    ".bin",
    ".pkl",
    ".gguf",
    ".onnx",
)
"""Extensions of model files (ComfyUI's ``supported_pt_extensions``, plus GGUF and ONNX)."""

EMBEDDING_EXTENSIONS: tuple[str, ...] = (".safetensors", ".pt", ".bin")
"""What ComfyUI tries after an embedding name written without extension."""

MAX_NAME_CHARS = 1024
"""Longer values are refused (ComfyUI lists relative paths; none is this long)."""

NO_MODEL_VALUES = frozenset({"", "none", "[none]", "null", "undefined", "pixel_space"})
"""Widget values that select no file."""

TAESD_NAMES = frozenset({"taesd", "taesdxl", "taesd3", "taef1"})
"""``VAELoader`` values that load an encoder/decoder pair from ``vae_approx``."""

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MODEL_FILE = re.compile(
    r"\.(safetensors|sft|ckpt|pt|pt2|pth|bin|pkl|gguf|onnx|yaml)$", flags=re.IGNORECASE
)


def canonical_folder(key: str | None) -> str | None:
    """ComfyUI's folder key for ``key``: legacy ``unet``/``clip`` mapped, blanks as None."""
    if key is None:
        return None
    key = key.strip().strip("/\\")
    if not key:
        return None
    head = re.split(r"[/\\]", key, maxsplit=1)[0]
    return LEGACY_FOLDERS.get(head, head)


@dataclass(frozen=True)
class Name:
    """A widget value read as a model name: ``value`` to show, ``refused`` when unusable."""

    value: str
    refused: str | None = None


def normalise(raw: str) -> Name | None:
    """The relative path ``raw`` names, ``/``-separated; None when it selects no file.

    Refused (``refused`` says why, ``value`` is a printable excerpt): longer than
    :data:`MAX_NAME_CHARS`, control characters (NUL included), an absolute or drive path,
    a ``..`` part (it would leave the folder).
    """
    if raw.strip().lower() in NO_MODEL_VALUES:
        return None
    if len(raw) > MAX_NAME_CHARS:
        return Name(_shown(raw), f"longer than {MAX_NAME_CHARS} characters")
    if _CONTROL.search(raw):
        return Name(_shown(raw), "contains control characters")
    text = raw.strip().replace("\\", "/")
    if text.startswith("/") or _DRIVE.match(text):
        return Name(_shown(raw), "an absolute path, not a name inside a model folder")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return Name(_shown(raw), "'..' would leave the model folder")
    if not parts:
        return None
    if _DRIVE.match(parts[0]):  # "./C:x" is still a drive once "./" goes
        return Name(_shown(raw), "an absolute path, not a name inside a model folder")
    return Name("/".join(parts))


def _shown(raw: str) -> str:
    """A printable excerpt of a refused value."""
    text = _CONTROL.sub("?", raw)
    return text if len(text) <= 80 else text[:77] + "..."


def looks_like_model_file(value: str) -> bool:
    """Whether a string value of an unknown node looks like a model file name."""
    return len(value) <= MAX_NAME_CHARS and bool(_MODEL_FILE.search(value.strip()))


def basename(value: str) -> str:
    """The file name of a ``/``- or ``\\``-separated relative path."""
    return re.split(r"[/\\]", value)[-1]


def embedding_candidates(name: str) -> list[str]:
    """The file names ComfyUI tries for ``embedding:name`` (the name may omit its extension)."""
    lower = name.lower()
    if lower.endswith(EMBEDDING_EXTENSIONS):
        return [name]
    return [name, *(name + ext for ext in EMBEDDING_EXTENSIONS)]
