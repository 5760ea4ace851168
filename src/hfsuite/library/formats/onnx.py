"""ONNX: the ``ModelProto`` protobuf, read field by field with a bounded varint reader.

Only the top-level fields that identify a model are parsed (IR version, producer, opsets,
metadata properties) and, inside the graph, the initializers' names, types and shapes, the
graph's inputs and outputs (name, element type, dimensions) and how often each operator is
used (the first :data:`MAX_NODES` nodes). Raw tensor data is skipped by seeking, so a
multi-gigabyte model costs a few reads.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
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

__all__ = ["MAX_IO", "MAX_NODES", "ONNX_TYPES", "read_onnx"]

MAX_NODES = 50_000
"""Operator counts cover at most this many graph nodes."""
MAX_IO = 32
"""At most this many graph inputs and outputs are kept in the metadata."""

ONNX_TYPES = {
    1: "F32", 2: "U8", 3: "I8", 4: "U16", 5: "I16", 6: "I32", 7: "I64", 8: "STRING", 9: "BOOL",
    10: "F16", 11: "F64", 12: "U32", 13: "U64", 16: "BF16", 17: "F8_E4M3", 19: "F8_E5M2",
    21: "U4", 22: "I4",
}  # fmt: skip
"""ONNX ``TensorProto.DataType`` ids to dtype names."""

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5
_MAX_SMALL = 1024 * 1024
_MAX_DIMS = 16


def read_onnx(source: Source) -> ModelHeader:
    """Read an ONNX model's identifying fields and its initializers' shapes.

    Args:
        source: A path, or a binary file positioned at the model's start.

    Returns:
        The header: ``metadata`` holds ``onnx.ir_version``, ``onnx.producer_name``,
        ``onnx.opsets``, every metadata property, ``onnx.inputs``/``onnx.outputs`` (lists of
        ``{"name", "dtype", "shape"}``, a symbolic dimension as its name, an unknown one as
        None; initializers listed as inputs by old exporters left out) and ``onnx.ops``
        (operator → count). A bad file gives ``errors``.
    """
    meta: dict[str, object] = {}
    tensors: dict[str, TensorInfo] = {}
    counts = [0, 0]  # tensors, parameters
    error: tuple[str, ...] = ()
    try:
        with opened(source) as f:
            _Proto(f).model(meta, tensors, counts)
    except (HeaderError, OSError) as exc:
        error = (problem_text(exc),)
    return ModelHeader(
        ModelFormat.ONNX,
        tensors=tensors,
        tensor_count=counts[0],
        metadata=meta,
        parameter_count=counts[1] if counts[0] else None,
        dtype=dominant_dtype(tensors.values()),
        errors=error,
    )


class _Proto:
    """Protobuf fields read from a file between offsets, never past its end."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.size = f, size_of(f)

    def varint(self) -> int:
        value = 0
        for shift in range(0, 70, 7):
            byte = self.f.read(1)
            if not byte:
                raise HeaderError(tr("Truncated protobuf varint."))
            value |= (byte[0] & 0x7F) << shift
            if not byte[0] & 0x80:
                return value
        raise HeaderError(tr("Protobuf varint longer than 10 bytes."))

    def each(self, end: int) -> Iterator[tuple[int, int, int]]:
        """Yield ``(field, wire type, value)`` up to ``end``; LEN fields yield their end offset.

        The caller reads a LEN field's body or leaves it: the reader seeks past it either way.
        """
        while self.f.tell() < end:
            tag = self.varint()
            field, wire = tag >> 3, tag & 7
            if wire == _VARINT:
                yield field, wire, self.varint()
            elif wire in (_I64, _I32):
                self.f.seek(8 if wire == _I64 else 4, io.SEEK_CUR)
                yield field, wire, 0
            elif wire == _LEN:
                length = self.varint()
                body_end = self.f.tell() + length
                if body_end > end or body_end > self.size:
                    raise HeaderError(tr("Protobuf field {field} runs past its end.", field=field))
                yield field, wire, body_end
                self.f.seek(body_end)
            else:
                raise HeaderError(
                    tr(
                        "Protobuf field {field} has wire type {wire}: not ONNX.",
                        field=field,
                        wire=wire,
                    )
                )
        if self.f.tell() != end:
            raise HeaderError(tr("Protobuf fields overrun their message."))

    def text(self, end: int) -> str:
        length = end - self.f.tell()
        data = read_exact(self.f, min(length, _MAX_SMALL), self.size, N_("protobuf string"))
        return clip_text(data.decode("utf-8", "replace"))

    def model(
        self, meta: dict[str, object], tensors: dict[str, TensorInfo], counts: list[int]
    ) -> None:
        names = {2: "onnx.producer_name", 3: "onnx.producer_version", 4: "onnx.domain"}
        opsets: dict[str, int] = {}
        seen_ir = False
        for field, wire, value in self.each(self.size):
            if field == 1 and wire == _VARINT:
                meta["onnx.ir_version"], seen_ir = value, True
            elif field in names and wire == _LEN:
                meta[names[field]] = self.text(value)
            elif field == 5 and wire == _VARINT:
                meta["onnx.model_version"] = value
            elif field == 8 and wire == _LEN and len(opsets) < 64:
                domain, version = self.pair(value)
                opsets[str(domain or "ai.onnx")] = int(version or 0)
            elif field == 14 and wire == _LEN and len(meta) < MAX_METADATA_ITEMS:
                key, text = self.pair(value)
                meta[clip_text(str(key), 256)] = text
            elif field == 7 and wire == _LEN:
                self.graph(value, tensors, counts, meta)
        if not seen_ir:
            raise HeaderError(tr("No ONNX IR version: not an ONNX model."))
        meta["onnx.opsets"] = opsets

    def pair(self, end: int) -> tuple[str | int | None, str | int | None]:
        """Fields 1 and 2 of a small message (opset id, string-string entry)."""
        found: dict[int, str | int] = {}
        for field, wire, value in self.each(end):
            if field in (1, 2):
                found[field] = self.text(value) if wire == _LEN else value
        return found.get(1), found.get(2)

    def graph(
        self, end: int, tensors: dict[str, TensorInfo], counts: list[int], meta: dict[str, object]
    ) -> None:
        ios: dict[int, list[dict[str, object]]] = {11: [], 12: []}
        ops: dict[str, int] = {}
        nodes = 0
        for field, wire, value in self.each(end):
            if field == 5 and wire == _LEN:
                name, info = self.tensor(value)
                counts[0] += 1
                counts[1] += info.numel
                if len(tensors) < MAX_TENSORS:
                    tensors[name] = info
            elif field in ios and wire == _LEN and len(ios[field]) < MAX_IO:
                io = self.value_info(value)
                # Exporters before IR 4 list every initializer as a graph input too; protobuf
                # writes initializers (field 5) before inputs (11), so they are known here.
                if field == 12 or io["name"] not in tensors:
                    ios[field].append(io)
            elif field == 1 and wire == _LEN and nodes < MAX_NODES:
                nodes += 1
                op = self.op_type(value)
                if op and (op in ops or len(ops) < 256):
                    ops[op] = ops.get(op, 0) + 1
        meta["onnx.inputs"] = [i for i in ios[11] if i["name"] not in tensors]
        meta["onnx.outputs"] = ios[12]
        meta["onnx.ops"] = dict(sorted(ops.items(), key=lambda kv: -kv[1]))

    def op_type(self, end: int) -> str:
        for field, wire, value in self.each(end):
            if field == 4 and wire == _LEN:
                return clip_text(self.text(value), 64)
        return ""

    def value_info(self, end: int) -> dict[str, object]:
        """A ``ValueInfoProto``: name, and for a tensor its element type and dimensions."""
        found: dict[str, object] = {"name": "", "dtype": None, "shape": None}
        for field, wire, value in self.each(end):
            if field == 1 and wire == _LEN:
                found["name"] = clip_text(self.text(value), 256)
            elif field == 2 and wire == _LEN:  # TypeProto
                for t_field, t_wire, t_value in self.each(value):
                    if t_field == 1 and t_wire == _LEN:  # TypeProto.Tensor
                        found["dtype"], found["shape"] = self.tensor_type(t_value)
        return found

    def tensor_type(self, end: int) -> tuple[str | None, list[int | str | None] | None]:
        dtype: str | None = None
        shape: list[int | str | None] | None = None
        for field, wire, value in self.each(end):
            if field == 1 and wire == _VARINT:
                dtype = ONNX_TYPES.get(value, f"type{value}")
            elif field == 2 and wire == _LEN:  # TensorShapeProto
                shape = []
                for d_field, d_wire, d_value in self.each(value):
                    if d_field == 1 and d_wire == _LEN and len(shape) < _MAX_DIMS:
                        shape.append(self.dimension(d_value))
        return dtype, shape

    def dimension(self, end: int) -> int | str | None:
        dim: int | str | None = None
        for field, wire, value in self.each(end):
            if field == 1 and wire == _VARINT:
                dim = value
            elif field == 2 and wire == _LEN:
                dim = clip_text(self.text(value), 64)
        return dim

    def tensor(self, end: int) -> tuple[str, TensorInfo]:
        dims: list[int] = []
        dtype, name = 0, ""
        for field, wire, value in self.each(end):
            if field == 1 and wire == _VARINT and len(dims) < _MAX_DIMS:
                dims.append(value)
            elif field == 1 and wire == _LEN:
                while self.f.tell() < value and len(dims) < _MAX_DIMS:
                    dims.append(self.varint())
            elif field == 2 and wire == _VARINT:
                dtype = value
            elif field == 8 and wire == _LEN:
                name = self.text(value)
        return name, TensorInfo(ONNX_TYPES.get(dtype, f"type{dtype}"), tuple(dims))
