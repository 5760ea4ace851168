"""Identify a model file or folder: format by its magic bytes, then kind and architecture.

:func:`identify` never raises for a bad file and reads only headers: what a file is comes back
as an :class:`Identification`, what went wrong in its ``errors``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hfsuite.library.classify import classify
from hfsuite.library.formats._source import Source
from hfsuite.library.formats.folders import read_folder
from hfsuite.library.formats.gguf import read_gguf
from hfsuite.library.formats.onnx import read_onnx
from hfsuite.library.formats.pickle_zip import read_pickle, read_pytorch_zip
from hfsuite.library.formats.safetensors import MAX_HEADER, read_safetensors
from hfsuite.library.header import ModelFormat, ModelHeader

__all__ = ["Identification", "identify", "sniff_format"]

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
    """

    path: Path
    format: ModelFormat
    kind: str
    architecture: str | None
    dtype: str | None
    parameter_count: int | None
    context_length: int | None
    header: ModelHeader

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

    Args:
        path: A model file, or a diffusers/transformers folder.

    Returns:
        The identification; an unreadable or unrecognised file gives kind ``unknown`` and
        ``errors`` saying why.
    """
    where = Path(path)
    header = _read(where)
    found = classify(header) if header.ok or header.tensors else None
    return Identification(
        path=where,
        format=header.format,
        kind=found.kind if found else "unknown",
        architecture=found.architecture if found else None,
        dtype=header.dtype,
        parameter_count=header.parameter_count,
        context_length=_context_length(header),
        header=header,
    )


def _context_length(header: ModelHeader) -> int | None:
    meta = header.metadata
    key = f"{meta.get('general.architecture')}.context_length"
    value = meta.get(key, meta.get("max_position_embeddings"))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _read(path: Path) -> ModelHeader:
    try:
        if path.is_dir():
            return read_folder(path)
        with open(path, "rb") as f:
            head = f.read(_SNIFF)
            fmt = sniff_format(head)
            if fmt is ModelFormat.UNKNOWN:
                return ModelHeader(
                    ModelFormat.UNKNOWN, errors=("Not a model format the library reads.",)
                )
            f.seek(0)
            header = _READERS[fmt](f)
    except OSError as exc:
        return ModelHeader(ModelFormat.UNKNOWN, errors=(f"Cannot read {path.name}: {exc}",))
    return header
