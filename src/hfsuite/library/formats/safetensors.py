"""safetensors: an 8-byte little-endian header length, a JSON header, then tensor bytes."""

from __future__ import annotations

import json
import struct
from typing import BinaryIO

from hfsuite.library.formats._source import Source, opened, read_exact, size_of
from hfsuite.library.header import (
    MAX_METADATA_ITEMS,
    MAX_TENSORS,
    HeaderError,
    ModelFormat,
    ModelHeader,
    TensorInfo,
    clip_text,
    dominant_dtype,
)
from hfsuite.library.training import summarize_tag_frequency

__all__ = ["MAX_HEADER", "read_safetensors"]

MAX_HEADER = 100 * 1024 * 1024
"""A longer JSON header is refused (real ones are a few MB at most)."""
_MAX_DIMS = 16


def read_safetensors(source: Source) -> ModelHeader:
    """Read a safetensors header: tensors, ``__metadata__``, parameter count, main dtype.

    Args:
        source: A path, or a binary file positioned at the file's start.

    Returns:
        The header; a bad file gives a header with ``errors`` instead of an exception.
    """
    try:
        with opened(source) as f:
            return _read(f)
    except (HeaderError, OSError) as exc:
        return ModelHeader(ModelFormat.SAFETENSORS, errors=(str(exc),))


def _read(f: BinaryIO) -> ModelHeader:
    size = size_of(f) - f.tell()
    start = f.tell()
    (length,) = struct.unpack("<Q", read_exact(f, 8, start + size, "header length"))
    if length > MAX_HEADER:
        raise HeaderError(f"Header of {length} bytes is over the {MAX_HEADER} byte limit.")
    raw = read_exact(f, length, start + size, "header")
    if not raw.lstrip(b" ").startswith(b"{"):
        raise HeaderError("The header is not a JSON object.")
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise HeaderError(f"The header is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise HeaderError("The header is not a JSON object.")
    data_size = size - 8 - length
    tensors: dict[str, TensorInfo] = {}
    count = 0
    parameters = 0
    errors: list[str] = []
    for name, entry in parsed.items():
        if name == "__metadata__":
            continue
        info = _tensor(name, entry, data_size)
        if isinstance(info, str):
            errors.append(info)
            if len(errors) >= 10:
                errors.append("More bad tensor entries were not listed.")
                break
            continue
        count += 1
        parameters += info.numel
        if len(tensors) < MAX_TENSORS:
            tensors[name] = info
    return ModelHeader(
        ModelFormat.SAFETENSORS,
        tensors=tensors,
        tensor_count=count,
        metadata=_metadata(parsed.get("__metadata__")),
        parameter_count=parameters,
        dtype=dominant_dtype(tensors.values()),
        errors=tuple(errors),
    )


def _tensor(name: str, entry: object, data_size: int) -> TensorInfo | str:
    """The tensor an entry describes, or why the entry is bad."""
    if not isinstance(entry, dict):
        return f"Tensor {clip_text(name, 200)!r}: not an object."
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if type(dtype) is not str or type(shape) is not list or len(shape) > _MAX_DIMS:
        return f"Tensor {clip_text(name, 200)!r}: no dtype or shape."
    # Plain loops and exact type checks (a bool is not a dimension): this runs per tensor.
    for d in shape:
        if type(d) is not int or d < 0:
            return f"Tensor {clip_text(name, 200)!r}: bad shape."
    if type(offsets) is not list or len(offsets) != 2:
        return f"Tensor {clip_text(name, 200)!r}: data offsets outside the file."
    start, end = offsets
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= data_size:
        return f"Tensor {clip_text(name, 200)!r}: data offsets outside the file."
    return TensorInfo(dtype if len(dtype) <= 32 else clip_text(dtype, 32), tuple(shape))


def _metadata(raw: object) -> dict[str, object]:
    if not isinstance(raw, dict):
        return {}
    meta: dict[str, object] = {
        clip_text(str(key), 256): clip_text(value) if isinstance(value, str) else value
        for key, value in list(raw.items())[:MAX_METADATA_ITEMS]
        if isinstance(value, (str, int, float, bool))
    }
    # Training tags are often megabytes of JSON: cut to 4096 characters they would not parse,
    # so their top list is taken here from the whole text.
    tags = raw.get("ss_tag_frequency")
    if isinstance(tags, str):
        summary = summarize_tag_frequency(tags)
        if summary is not None:
            meta["ss_tag_frequency.top"], meta["ss_tag_frequency.count"] = summary
    return meta
