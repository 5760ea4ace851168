"""Model folders: diffusers (``model_index.json``) and transformers (``config.json``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hfsuite.core.i18n import tr
from hfsuite.library.header import (
    MAX_METADATA_ITEMS,
    HeaderError,
    ModelFormat,
    ModelHeader,
    clip_text,
    problem_text,
)

__all__ = ["MAX_CONFIG", "read_folder"]

MAX_CONFIG = 8 * 1024 * 1024
"""A larger ``config.json`` / ``model_index.json`` is refused."""

# Config keys copied into the metadata, for kind and architecture.
_CONFIG_KEYS = (
    "_class_name", "_diffusers_version", "architectures", "model_type", "torch_dtype",
    "max_position_embeddings", "hidden_size", "num_hidden_layers", "vocab_size",
    "cross_attention_dim", "in_channels", "latent_channels", "projection_dim",
    "transformers_version", "quantization_config",
)  # fmt: skip


def read_folder(path: str | os.PathLike[str]) -> ModelHeader:
    """Read a model folder's ``model_index.json`` (diffusers) or ``config.json``.

    A ``config.json`` with ``_diffusers_version`` is a diffusers component (a ``unet/`` or
    ``vae/`` folder); any other is a transformers model.

    Args:
        path: The folder.

    Returns:
        The header: ``metadata`` holds the identifying config keys, ``components`` for a
        diffusers pipeline (name to ``[library, class]``). A folder without either file, or
        with a bad one, gives ``errors``.
    """
    folder = Path(path)
    try:
        index = folder / "model_index.json"
        if index.is_file():
            config = _json(index)
            components = {
                clip_text(str(k), 256): [clip_text(str(x), 256) for x in v[:2]]
                for k, v in list(config.items())[:MAX_METADATA_ITEMS]
                if isinstance(v, list) and not k.startswith("_")
            }
            meta = _pick(config) | {"components": components}
            return ModelHeader(ModelFormat.DIFFUSERS, metadata=meta, dtype=_dtype(config))
        config_path = folder / "config.json"
        if not config_path.is_file():
            raise HeaderError(tr("No model_index.json or config.json in the folder."))
        config = _json(config_path)
        fmt = ModelFormat.DIFFUSERS if "_diffusers_version" in config else ModelFormat.TRANSFORMERS
        return ModelHeader(fmt, metadata=_pick(config), dtype=_dtype(config))
    except (HeaderError, OSError) as exc:
        return ModelHeader(ModelFormat.UNKNOWN, errors=(problem_text(exc),))


def _json(path: Path) -> dict[str, object]:
    with open(path, "rb") as f:
        # read(n) allocates n bytes up front: ask for no more than the file holds.
        raw = f.read(min(os.fstat(f.fileno()).st_size, MAX_CONFIG) + 1)
    if len(raw) > MAX_CONFIG:
        raise HeaderError(tr("{name} is over {limit} bytes.", name=path.name, limit=MAX_CONFIG))
    try:
        config = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise HeaderError(
            tr("{name} is not valid JSON: {reason}", name=path.name, reason=str(exc))
        ) from None
    if not isinstance(config, dict):
        raise HeaderError(tr("{name} is not a JSON object.", name=path.name))
    return config


def _pick(config: dict[str, object]) -> dict[str, object]:
    picked: dict[str, object] = {}
    for key in _CONFIG_KEYS:
        value = config.get(key)
        if isinstance(value, str):
            picked[key] = clip_text(value)
        elif isinstance(value, list):
            picked[key] = [clip_text(str(v), 256) for v in value[:16]]
        elif isinstance(value, dict):
            picked[key] = {
                clip_text(str(k), 256): clip_text(str(v), 256) for k, v in list(value.items())[:64]
            }
        elif isinstance(value, (int, float, bool)):
            picked[key] = value
    return picked


def _dtype(config: dict[str, object]) -> str | None:
    value = config.get("torch_dtype")
    return {"float16": "F16", "bfloat16": "BF16", "float32": "F32"}.get(str(value))
