"""GGUF (llama.cpp / ggml): magic, version, key/values, tensor infos; no tensor data is read."""

from __future__ import annotations

import io
import struct
from typing import BinaryIO

from hfsuite.core.i18n import N_, tr
from hfsuite.library.formats._source import Source, opened, read_exact, remaining, size_of
from hfsuite.library.header import (
    MAX_METADATA_ITEMS,
    MAX_STRING,
    MAX_TENSORS,
    HeaderError,
    ModelFormat,
    ModelHeader,
    TensorInfo,
    clip_text,
    dominant_dtype,
    problem_text,
)

__all__ = ["FILE_TYPES", "GGML_TYPES", "MAX_COUNT", "read_gguf"]

MAX_COUNT = 10_000_000
"""Tensor, key/value and array counts above this are refused before anything is allocated."""
_MAX_KEY = 65_536
_MAX_DIMS = 8
_ARRAY_KEPT = 16
_MAX_DEPTH = 4

GGML_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1",
    10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS",
    17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S",
    23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M",
    30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
}  # fmt: skip
"""ggml tensor type ids to their names."""

FILE_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE",
}  # fmt: skip
"""``general.file_type`` values (llama.cpp's quantisation presets) to their names."""

# Value type id -> struct format of a fixed-size value (8 = string, 9 = array are variable).
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q",
            11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9


def read_gguf(source: Source) -> ModelHeader:
    """Read a GGUF header: key/values (as metadata), tensor names, types and shapes.

    Args:
        source: A path, or a binary file positioned at the file's start.

    Returns:
        The header; ``metadata`` holds every key/value (long strings cut, arrays to their first
        items) plus ``gguf.version``; ``dtype`` is the quantisation preset ``general.file_type``
        names (``Q4_K_M``), else the tensor type holding most parameters. A bad file gives
        ``errors`` instead of an exception.
    """
    reader = _Reader()
    try:
        with opened(source) as f:
            reader.read(f)
    except (HeaderError, OSError) as exc:
        reader.errors.append(problem_text(exc))
    return reader.header()


class _Reader:
    """One GGUF read, keeping what it found so far when the file turns out bad."""

    def __init__(self) -> None:
        self.metadata: dict[str, object] = {}
        self.tensors: dict[str, TensorInfo] = {}
        self.tensor_count = 0
        self.parameters: int | None = None
        self.errors: list[str] = []

    def header(self) -> ModelHeader:
        file_type = self.metadata.get("general.file_type")
        preset = FILE_TYPES.get(file_type) if isinstance(file_type, int) else None
        return ModelHeader(
            ModelFormat.GGUF,
            tensors=self.tensors,
            tensor_count=self.tensor_count,
            metadata=self.metadata,
            parameter_count=self.parameters,
            dtype=preset or dominant_dtype(self.tensors.values()),
            errors=tuple(self.errors),
        )

    def read(self, f: BinaryIO) -> None:
        self.f, self.size = f, size_of(f)
        if read_exact(f, 4, self.size, N_("magic")) != b"GGUF":
            raise HeaderError(tr("Not a GGUF file (no GGUF magic)."))
        version = self._unpack("<I")
        if version not in (2, 3):
            raise HeaderError(
                tr("GGUF version {version} is not supported (2 and 3 are).", version=version)
            )
        self.metadata["gguf.version"] = version
        tensor_count, kv_count = self._unpack("<Q"), self._unpack("<Q")
        # Each tensor info takes at least 24 bytes and each key/value at least 13: a count the
        # rest of the file cannot hold is a lie, refused before any loop or allocation.
        if tensor_count > MAX_COUNT or kv_count > MAX_COUNT:
            raise HeaderError(
                tr(
                    "Absurd counts: {tensors} tensors, {values} key/values.",
                    tensors=tensor_count,
                    values=kv_count,
                )
            )
        if tensor_count * 24 + kv_count * 13 > remaining(f, self.size):
            raise HeaderError(
                tr(
                    "{tensors} tensors and {values} key/values do not fit in the file.",
                    tensors=tensor_count,
                    values=kv_count,
                )
            )
        self.tensor_count = tensor_count
        for _ in range(kv_count):
            key = self._string(_MAX_KEY)
            value = self._value(self._unpack("<I"), 0)
            if len(self.metadata) < MAX_METADATA_ITEMS:
                self.metadata[key] = value
        parameters = 0
        for _ in range(tensor_count):
            name = self._string(_MAX_KEY)
            n_dims = self._unpack("<I")
            if n_dims > _MAX_DIMS:
                raise HeaderError(
                    tr(
                        "Tensor {name} has {dims} dimensions.",
                        name=repr(clip_text(name, 200)),
                        dims=n_dims,
                    )
                )
            # ggml stores the fastest-varying dimension first; the usual order is reversed.
            shape = tuple(reversed([self._unpack("<Q") for _ in range(n_dims)]))
            type_id = self._unpack("<I")
            self._unpack("<Q")  # data offset
            info = TensorInfo(GGML_TYPES.get(type_id, f"type{type_id}"), shape)
            parameters += info.numel
            if len(self.tensors) < MAX_TENSORS:
                self.tensors[name] = info
        self.parameters = parameters

    def _unpack(self, fmt: str) -> int:
        data = read_exact(self.f, struct.calcsize(fmt), self.size, N_("GGUF header"))
        value: int = struct.unpack(fmt, data)[0]
        return value

    def _string(self, limit: int = MAX_STRING) -> str:
        length = self._unpack("<Q")
        if length > remaining(self.f, self.size):
            raise HeaderError(
                tr("A string of {length} bytes runs past the end of the file.", length=length)
            )
        data = self.f.read(min(length, limit))
        if length > limit:
            self.f.seek(length - limit, io.SEEK_CUR)
        return clip_text(data.decode("utf-8", "replace"))

    def _value(self, type_id: int, depth: int) -> object:
        if type_id in _SCALARS:
            fmt = _SCALARS[type_id]
            return struct.unpack(
                fmt, read_exact(self.f, struct.calcsize(fmt), self.size, N_("value"))
            )[0]
        if type_id == _STRING:
            return self._string()
        if type_id != _ARRAY or depth >= _MAX_DEPTH:
            raise HeaderError(tr("Unknown GGUF value type {type}.", type=type_id))
        item_type, count = self._unpack("<I"), self._unpack("<Q")
        if count > MAX_COUNT * 100 or count > remaining(self.f, self.size):
            raise HeaderError(
                tr("An array of {count} items runs past the end of the file.", count=count)
            )
        items = [self._value(item_type, depth + 1) for _ in range(min(count, _ARRAY_KEPT))]
        left = count - len(items)
        if left and item_type in _SCALARS:
            skip = left * struct.calcsize(_SCALARS[item_type])
            if skip > remaining(self.f, self.size):
                raise HeaderError(tr("An array runs past the end of the file."))
            self.f.seek(skip, io.SEEK_CUR)
        else:
            for _ in range(left):
                self._skip(item_type, depth + 1)
        return items if not left else {"count": count, "first": items}

    def _skip(self, type_id: int, depth: int) -> None:
        if type_id == _STRING:
            length = self._unpack("<Q")
            if length > remaining(self.f, self.size):
                raise HeaderError(
                    tr("A string of {length} bytes runs past the end of the file.", length=length)
                )
            self.f.seek(length, io.SEEK_CUR)
        else:
            self._value(type_id, depth)
