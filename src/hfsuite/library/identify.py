"""Identify a model file or folder: format by its magic bytes, then kind and architecture.

:func:`identify` never raises for a bad file and reads only headers: what a file is comes back
as an :class:`Identification`, what went wrong in its ``errors``. A shard of a sharded
checkpoint says which set it belongs to; :func:`identify_set` identifies the whole set (an
index file is identified as its set).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hfsuite.core.i18n import tr
from hfsuite.library.classify import Classification, classify, quantization
from hfsuite.library.formats._source import Source
from hfsuite.library.formats.folders import read_folder
from hfsuite.library.formats.gguf import FILE_TYPES, read_gguf
from hfsuite.library.formats.onnx import read_onnx
from hfsuite.library.formats.pickle_zip import read_pickle, read_pytorch_zip
from hfsuite.library.formats.safetensors import MAX_HEADER, read_safetensors
from hfsuite.library.header import (
    MAX_METADATA_ITEMS,
    MAX_TENSORS,
    ModelFormat,
    ModelHeader,
    TensorInfo,
    dominant_dtype,
    problem_text,
)
from hfsuite.library.shards import (
    ShardName,
    is_index_name,
    parse_shard_name,
    read_index,
    set_path,
    sibling_shards,
)
from hfsuite.library.training import training_summary

__all__ = ["Identification", "identify", "identify_set", "sniff_format"]

_SNIFF = 16
# Top-level ModelProto field tags an ONNX file can continue with after its ir_version.
_ONNX_NEXT = {0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72}


@dataclass(frozen=True)
class Identification:
    """What one model file or folder is.

    Attributes:
        path: The file or folder identified.
        format: Its format, from magic bytes (or the folder's config files).
        kind: A ComfyUI model folder key (``loras``, ``vae``…) or ``llm``, ``transformers``,
            ``diffusers``, ``unknown``.
        architecture: The base architecture (``sdxl``, ``flux``, ``llama``…), if it tells.
        dtype: The dtype or quantisation holding most parameters.
        parameter_count: Parameters over all tensors, if the header tells.
        context_length: A language model's context length (GGUF ``<arch>.context_length``,
            transformers ``max_position_embeddings``), if the header tells.
        header: Everything the reader found.
        quantization: How the weights are quantised (``Q4_K_M``, ``fp8_e4m3fn``,
            ``fp8_e4m3fn_scaled``, ``bnb-nf4``…), None for plain float weights.
        training: Training metadata in readable keys (``base_model``, ``output_name``,
            ``top_tags``, ``modelspec.*``…), empty when the file has none.
        shard_of: For a shard or an index, the file standing for its set: the index beside it
            when there is one, else the set's first shard. None for a file of its own.
        shard_index: A shard's position in its set, from 1 (None for an index).
        shard_count: How many shard files the set has.
    """

    path: Path
    format: ModelFormat
    kind: str
    architecture: str | None
    dtype: str | None
    parameter_count: int | None
    context_length: int | None
    header: ModelHeader
    quantization: str | None = None
    training: Mapping[str, object] = field(default_factory=dict)
    shard_of: Path | None = None
    shard_index: int | None = None
    shard_count: int | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """The reader's warnings (e.g. a pickle importing code-running functions)."""
        return self.header.warnings

    @property
    def errors(self) -> tuple[str, ...]:
        """Why the header could not be read in full; empty when it was."""
        return self.header.errors


_READERS: dict[ModelFormat, Callable[[Source], ModelHeader]] = {
    ModelFormat.SAFETENSORS: read_safetensors,
    ModelFormat.GGUF: read_gguf,
    ModelFormat.PYTORCH_ZIP: read_pytorch_zip,
    ModelFormat.PICKLE: read_pickle,
    ModelFormat.ONNX: read_onnx,
}


def sniff_format(head: bytes) -> ModelFormat:
    """The format a file's first bytes announce (the extension is never trusted).

    A zip is reported as :attr:`ModelFormat.PYTORCH_ZIP`; whether it holds a ``data.pkl`` is
    the reader's to check.
    """
    if head.startswith(b"GGUF"):
        return ModelFormat.GGUF
    if head.startswith(b"PK\x03\x04"):
        return ModelFormat.PYTORCH_ZIP
    if len(head) >= 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] <= MAX_HEADER:
        return ModelFormat.SAFETENSORS
    if head[:1] == b"\x80" and len(head) > 1 and 2 <= head[1] <= 5:
        return ModelFormat.PICKLE
    if len(head) >= 3 and head[0] == 0x08 and 1 <= head[1] <= 0x7F and head[2] in _ONNX_NEXT:
        return ModelFormat.ONNX
    return ModelFormat.UNKNOWN


def identify(path: str | os.PathLike[str]) -> Identification:
    """Identify the model file or folder at ``path`` from its headers alone.

    A shard (``model-00002-of-00003.safetensors``, a GGUF split) gets ``shard_of``,
    ``shard_index`` and ``shard_count``; when its own tensors do not tell its kind or
    architecture, the set's do. An index file (``model.safetensors.index.json``) is identified
    as its whole set (:func:`identify_set`).

    Args:
        path: A model file, an index file, or a diffusers/transformers folder.

    Returns:
        The identification; an unreadable or unrecognised file gives kind ``unknown`` and
        ``errors`` saying why.
    """
    where = Path(path)
    if is_index_name(where.name) and not where.is_dir():
        return identify_set(where)
    return _identify_file(where, with_set=True)


def _identify_file(where: Path, *, with_set: bool) -> Identification:
    """One file or folder; with ``with_set``, a shard whose own tensors do not tell its kind or
    architecture takes its set's (the set is read through an index or shard names only, so
    this never comes back here with ``with_set``)."""
    header = _read(where)
    found = _classify(header)
    shard_of, shard_index, shard_count = _shard_position(where, header)
    if (
        with_set
        and shard_of is not None
        and (found.kind == "unknown" or found.architecture is None)
    ):
        target = shard_of if shard_of.exists() else where
        if is_index_name(target.name) or parse_shard_name(target.name) is not None:
            whole = identify_set(target)
            if whole.kind != "unknown":  # the whole set's tensors tell more than one shard's
                found = Classification(whole.kind, whole.architecture or found.architecture)
    return _identification(
        where,
        header,
        found,
        shard_of=shard_of,
        shard_index=shard_index,
        shard_count=shard_count,
    )


def identify_set(path: str | os.PathLike[str]) -> Identification:
    """Identify a whole sharded model from its index or any of its shards.

    The members are the files the index's weight map names, or the shard files the name
    pattern gives (``-00001-of-00003``); each member's header is read (bounded as
    :func:`identify` reads one file). Kind and architecture come from all tensors together (a
    GGUF set from its first split's key/values); the parameter count is the sum over the
    members, None when one is missing or unreadable. A path that is neither an index nor a
    shard is identified alone.

    Args:
        path: An index file (``model.safetensors.index.json``…) or one shard of the set.

    Returns:
        The set's identification: ``path`` and ``shard_of`` are the set's index (or first
        shard), ``shard_count`` the number of members, ``header.metadata["shards.files"]``
        their names; missing or bad members are in ``errors``.
    """
    where = Path(path)
    names: dict[str, TensorInfo] = {}
    index_meta: dict[str, object] = {}
    errors: list[str] = []
    if is_index_name(where.name):
        try:
            index = read_index(where)
        except OSError as exc:
            header = ModelHeader(
                ModelFormat.UNKNOWN,
                errors=(tr("Cannot read {name}: {reason}", name=where.name, reason=str(exc)),),
            )
            return _identification(
                where, header, Classification("unknown"), shard_of=where, shard_count=0
            )
        except ValueError as exc:  # HeaderError: too large, not JSON, no weight map
            header = ModelHeader(
                ModelFormat.UNKNOWN, errors=(_named(where.name, problem_text(exc)),)
            )
            return _identification(
                where, header, Classification("unknown"), shard_of=where, shard_count=0
            )
        members = [where.with_name(name) for name in index.files]
        names = {n: _UNREAD for n in index.tensors}
        index_meta = dict(index.metadata)
        errors += index.errors
        set_file = where
    else:
        shard = parse_shard_name(where.name)
        if shard is None:
            return _identify_file(where, with_set=False)
        set_file = set_path(where, shard)
        if is_index_name(set_file.name):  # the index beside it names the members
            return identify_set(set_file)
        members = sibling_shards(where, shard)
    return _identify_members(set_file, members, names, index_meta, errors)


_UNREAD = TensorInfo("unknown", ())
"""A tensor the index names in a shard that could not be read (used for its name only)."""


def _identify_members(
    set_file: Path,
    members: list[Path],
    names: dict[str, TensorInfo],
    index_meta: dict[str, object],
    errors: list[str],
) -> Identification:
    tensors: dict[str, TensorInfo] = {}
    warnings: list[str] = []
    count, parameters, complete = 0, 0, bool(members)
    first: ModelHeader | None = None
    missing: list[str] = []
    for member in members:
        if not member.is_file():
            missing.append(member.name)
            continue
        header = _read(member)
        first = first or header
        errors += [_named(member.name, e) for e in header.errors[:10]]
        warnings += [f"{member.name}: {w}" for w in header.warnings[:10]]
        if header.parameter_count is None or header.errors:
            complete = False
        count += header.tensor_count
        parameters += header.parameter_count or 0
        for name, info in header.tensors.items():
            if len(tensors) < MAX_TENSORS:
                tensors[name] = info
    if missing:
        complete = False
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        errors.append(
            tr("Shard {name} is missing.", name=missing[0])
            if len(missing) == 1
            else tr("{count} shards are missing: {names}", count=len(missing), names=shown)
        )
    fmt = first.format if first is not None else ModelFormat.UNKNOWN
    meta: dict[str, object] = dict(first.metadata) if first is not None else {}
    for key, value in index_meta.items():
        if len(meta) < MAX_METADATA_ITEMS:
            meta[f"index.{key}"] = value
    meta["shards.files"] = [m.name for m in members]
    dtype = dominant_dtype(tensors.values())
    if fmt is ModelFormat.GGUF:
        file_type = meta.get("general.file_type")
        dtype = (FILE_TYPES.get(file_type) if isinstance(file_type, int) else None) or dtype
    header = ModelHeader(
        fmt,
        tensors=tensors,
        tensor_count=count,
        metadata=meta,
        parameter_count=parameters if complete else None,
        dtype=dtype,
        warnings=tuple(warnings[:50]),
        errors=tuple(errors[:50]),
    )
    # Tensors only the index names (their shard unreadable) still tell the kind by name.
    names_too = names | tensors if names else tensors
    found = (
        _classify(ModelHeader(fmt, tensors=names_too, metadata=meta))
        if names_too or fmt is ModelFormat.GGUF
        else Classification("unknown")
    )
    return _identification(set_file, header, found, shard_of=set_file, shard_count=len(members))


def _identification(
    path: Path,
    header: ModelHeader,
    found: Classification,
    *,
    shard_of: Path | None,
    shard_index: int | None = None,
    shard_count: int | None,
) -> Identification:
    return Identification(
        path=path,
        format=header.format,
        kind=found.kind,
        architecture=found.architecture,
        dtype=header.dtype,
        parameter_count=header.parameter_count,
        context_length=_context_length(header),
        header=header,
        quantization=quantization(header),
        training=training_summary(header.metadata),
        shard_of=shard_of,
        shard_index=shard_index,
        shard_count=shard_count,
    )


def _classify(header: ModelHeader) -> Classification:
    if header.ok or header.tensors:
        return classify(header)
    return Classification("unknown")


def _shard_position(path: Path, header: ModelHeader) -> tuple[Path | None, int | None, int | None]:
    """(set file, position from 1, count) of a shard, or Nones for a file of its own."""
    shard: ShardName | None = parse_shard_name(path.name)
    if header.format is ModelFormat.GGUF:
        number, total = header.metadata.get("split.no"), header.metadata.get("split.count")
        if isinstance(number, int) and isinstance(total, int) and 0 <= number < total:
            first = path.with_name(shard.sibling(1)) if shard is not None else None
            if first is None and number == 0:
                first = path
            return first, number + 1, total
    if shard is None:
        return None, None, None
    return set_path(path, shard), shard.index, shard.count


def _context_length(header: ModelHeader) -> int | None:
    meta = header.metadata
    key = f"{meta.get('general.architecture')}.context_length"
    value = meta.get(key, meta.get("max_position_embeddings"))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _named(name: str, problem: str) -> str:
    """A member's problem under its file name (both forms kept: :func:`tr`)."""
    return tr("{name}: {problem}", name=name, problem=problem)


def _read(path: Path) -> ModelHeader:
    try:
        if path.is_dir():
            return read_folder(path)
        with open(path, "rb") as f:
            head = f.read(_SNIFF)
            fmt = sniff_format(head)
            if fmt is ModelFormat.UNKNOWN:
                return ModelHeader(
                    ModelFormat.UNKNOWN, errors=(tr("Not a model format the library reads."),)
                )
            f.seek(0)
            header = _READERS[fmt](f)
    except OSError as exc:
        return ModelHeader(
            ModelFormat.UNKNOWN,
            errors=(tr("Cannot read {name}: {reason}", name=path.name, reason=str(exc)),),
        )
    return header
