"""safetensors: an 8-byte little-endian header length, a JSON header, then tensor bytes."""

from __future__ import annotations

import json
import struct
from typing import BinaryIO

from hfsuite.core.i18n import N_, tr
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
    problem_text,
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
        return ModelHeader(ModelFormat.SAFETENSORS, errors=(problem_text(exc),))


def _read(f: BinaryIO) -> ModelHeader:
    size = size_of(f) - f.tell()
    start = f.tell()
    (length,) = struct.unpack("<Q", read_exact(f, 8, start + size, N_("header length")))
    if length > MAX_HEADER:
        raise HeaderError(
            tr(
                "Header of {length} bytes is over the {limit} byte limit.",
                length=length,
                limit=MAX_HEADER,
            )
        )
    raw = read_exact(f, length, start + size, N_("header"))
    if not raw.lstrip(b" ").startswith(b"{"):
        raise HeaderError(tr("The header is not a JSON object."))
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise HeaderError(tr("The header is not valid JSON: {reason}", reason=str(exc))) from None
    if not isinstance(parsed, dict):
        raise HeaderError(tr("The header is not a JSON object."))
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
                errors.append(tr("More bad tensor entries were not listed."))
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
        return tr("Tensor {name}: not an object.", name=repr(clip_text(name, 200)))
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if type(dtype) is not str or type(shape) is not list or len(shape) > _MAX_DIMS:
        return tr("Tensor {name}: no dtype or shape.", name=repr(clip_text(name, 200)))
    # Plain loops and exact type checks (a bool is not a dimension): this runs per tensor.
    for d in shape:
        if type(d) is not int or d < 0:
            return tr("Tensor {name}: bad shape.", name=repr(clip_text(name, 200)))
    if type(offsets) is not list or len(offsets) != 2:
        return tr("Tensor {name}: data offsets outside the file.", name=repr(clip_text(name, 200)))
    start, end = offsets
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= data_size:
        return tr("Tensor {name}: data offsets outside the file.", name=repr(clip_text(name, 200)))
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
