"""Sharded checkpoints: ``*.index.json`` weight maps and ``name-00001-of-00003.ext`` files.

A large model is saved as several shard files. transformers and diffusers write an index
(``model.safetensors.index.json``, ``pytorch_model.bin.index.json``,
``diffusion_pytorch_model.safetensors.index.json``) whose ``weight_map`` names the shard of each
tensor; llama.cpp's ``gguf-split`` writes ``-00001-of-00002.gguf`` files whose first split holds
the model's key/values (``split.no``, ``split.count``). This module names a shard's set and
lists its members; reading their headers is :func:`hfsuite.library.identify.identify_set`'s.

Everything is bounded: an index over :data:`MAX_INDEX` bytes, a weight map over
:data:`~hfsuite.library.header.MAX_TENSORS` entries or naming more than :data:`MAX_SHARDS`
files is cut, and a shard name with a folder in it (``../x``, ``/etc/…``) is refused: shards
live beside their index.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from hfsuite.core.i18n import tr
from hfsuite.library.header import MAX_TENSORS, HeaderError, clip_text

__all__ = [
    "MAX_INDEX",
    "MAX_SHARDS",
    "ShardIndex",
    "ShardName",
    "is_index_name",
    "parse_shard_name",
    "read_index",
    "set_path",
    "sibling_shards",
]

MAX_INDEX = 64 * 1024 * 1024
"""A larger index file is refused (a 100k-tensor weight map is a few MB)."""
MAX_SHARDS = 1024
"""At most this many shard files are taken from one set."""

_SHARD = re.compile(r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})(?P<ext>\.[A-Za-z0-9]+)$")
_INDEX = re.compile(
    r"^(?P<base>.+\.(safetensors|bin|pt|pth|ckpt))\.index(\.(?P<variant>\w+))?\.json$"
)
_VARIANT = re.compile(r"^(?P<stem>.+)\.(?P<variant>fp16|bf16|fp32|fp8|ema|non_ema)$")


@dataclass(frozen=True)
class ShardName:
    """What a shard's file name says: ``<stem>-<index>-of-<count><ext>``.

    Attributes:
        stem: The name before the position (``model``, ``diffusion_pytorch_model.fp16``).
        index: The shard's position, from 1.
        count: How many shards the set has.
        ext: The extension with its dot (``.safetensors``).
    """

    stem: str
    index: int
    count: int
    ext: str

    def sibling(self, index: int) -> str:
        """The file name of the shard at ``index`` of the same set."""
        return f"{self.stem}-{index:05d}-of-{self.count:05d}{self.ext}"


@dataclass(frozen=True)
class ShardIndex:
    """An index file's content.

    Attributes:
        files: The shard file names the weight map points at, in first-seen order.
        tensors: Tensor name to shard file name (at most ``MAX_TENSORS`` entries).
        metadata: The index's ``metadata`` scalars (``total_size``…), strings cut.
        errors: What was wrong and skipped (bad entries, names with folders, too many files).
    """

    files: tuple[str, ...]
    tensors: dict[str, str]
    metadata: dict[str, object]
    errors: tuple[str, ...] = ()


def parse_shard_name(name: str) -> ShardName | None:
    """The set position a file name announces, or None when it is not a shard's name."""
    found = _SHARD.match(name)
    if found is None:
        return None
    index, count = int(found["index"]), int(found["count"])
    if not 1 <= index <= count:
        return None
    return ShardName(found["stem"], index, count, found["ext"])


def is_index_name(name: str) -> bool:
    """Whether a file name is a weight-map index (``model.safetensors.index.json``…)."""
    return _INDEX.match(name) is not None


def set_path(path: Path, shard: ShardName) -> Path:
    """The file that stands for a shard's set: its index beside it when there is one, else the
    set's first shard (which may be ``path`` itself)."""
    stem, variant = shard.stem, None
    found = _VARIANT.match(stem)
    if found is not None:
        stem, variant = found["stem"], found["variant"]
    names = [f"{stem}{shard.ext}.index.{variant}.json"] if variant else []
    names.append(f"{shard.stem}{shard.ext}.index.json")
    for name in names:
        candidate = path.with_name(name)
        if candidate.is_file():
            return candidate
    return path.with_name(shard.sibling(1))


def sibling_shards(path: Path, shard: ShardName) -> list[Path]:
    """Every shard path of the set, by name (present or not), at most :data:`MAX_SHARDS`."""
    return [path.with_name(shard.sibling(i)) for i in range(1, min(shard.count, MAX_SHARDS) + 1)]


def read_index(path: str | os.PathLike[str]) -> ShardIndex:
    """Read an index file's weight map.

    Raises:
        HeaderError: the file is too large, not JSON, or has no ``weight_map`` object.
        OSError: it cannot be read.
    """
    with open(path, "rb") as f:
        # read(n) allocates n bytes up front: ask for no more than the file holds.
        raw = f.read(min(os.fstat(f.fileno()).st_size, MAX_INDEX) + 1)
    if len(raw) > MAX_INDEX:
        raise HeaderError(tr("The index is over {limit} bytes.", limit=MAX_INDEX))
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise HeaderError(tr("The index is not valid JSON: {reason}", reason=str(exc))) from None
    weight_map = parsed.get("weight_map") if isinstance(parsed, dict) else None
    if not isinstance(weight_map, dict):
        raise HeaderError(tr("The index has no weight_map object."))
    errors: list[str] = []
    files: dict[str, None] = {}
    tensors: dict[str, str] = {}
    for tensor, file in weight_map.items():
        if len(tensors) >= MAX_TENSORS:
            errors.append(
                tr(
                    "The weight map has over {limit} entries; the rest are ignored.",
                    limit=MAX_TENSORS,
                )
            )
            break
        if (
            not isinstance(file, str)
            or not file
            or "/" in file
            or "\\" in file
            or file in (".", "..")
        ):
            if len(errors) < 10:
                errors.append(
                    tr(
                        "Weight {name}: not a shard file name beside the index.",
                        name=repr(clip_text(tensor, 200)),
                    )
                )
            continue
        if file not in files:
            if len(files) >= MAX_SHARDS:
                errors.append(
                    tr(
                        "The weight map names over {limit} files; the rest are ignored.",
                        limit=MAX_SHARDS,
                    )
                )
                break
            files[file] = None
        tensors[clip_text(tensor, 1024)] = file
    meta_raw = parsed.get("metadata")
    metadata: dict[str, object] = {}
    if isinstance(meta_raw, dict):
        for key, value in list(meta_raw.items())[:64]:
            if isinstance(value, (str, int, float, bool)):
                metadata[clip_text(str(key), 256)] = (
                    clip_text(value) if isinstance(value, str) else value
                )
    return ShardIndex(tuple(files), tensors, metadata, tuple(errors))
