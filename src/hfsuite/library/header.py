"""What a model file's header says, read without loading any weights.

Every format reader returns a :class:`ModelHeader`. A reader never raises for a bad file: a
corrupt, truncated or hostile header comes back as a header whose ``errors`` say what is wrong,
with whatever was read before the problem.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import prod

__all__ = [
    "MAX_METADATA_ITEMS",
    "MAX_STRING",
    "MAX_TENSORS",
    "HeaderError",
    "ModelFormat",
    "ModelHeader",
    "TensorInfo",
    "clip_text",
    "dominant_dtype",
    "problem_text",
]

MAX_TENSORS = 100_000
"""At most this many tensors are kept by name (the count and parameter total cover all)."""
MAX_STRING = 4096
"""Metadata strings longer than this are cut (training tags can be megabytes)."""
MAX_METADATA_ITEMS = 4096
"""At most this many metadata entries are kept."""


class HeaderError(ValueError):
    """A header that cannot be read: corrupt, truncated, or beyond a reader's bounds.

    Its message is a :func:`hfsuite.core.i18n.tr` text (translated, English kept).
    """


def problem_text(exc: BaseException) -> str:
    """An exception's message for a header's ``errors``: a :class:`HeaderError`'s own text
    (which keeps its English for :func:`hfsuite.core.i18n.english`; ``str(exc)`` would not),
    anything else's ``str()``."""
    if isinstance(exc, HeaderError) and len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


class ModelFormat(enum.StrEnum):
    """The file formats the library reads."""

    SAFETENSORS = "safetensors"
    """A safetensors file: a JSON header, then raw tensor bytes."""
    GGUF = "gguf"
    """A GGUF file (llama.cpp / ggml): key/values, tensor infos, then (quantised) tensors."""
    PYTORCH_ZIP = "pytorch-zip"
    """A PyTorch checkpoint saved as a zip with a ``data.pkl`` (torch >= 1.6)."""
    PICKLE = "pickle"
    """A raw pickle stream (old PyTorch checkpoints, textual-inversion ``.pt`` files)."""
    ONNX = "onnx"
    """An ONNX model (a protobuf ``ModelProto``)."""
    DIFFUSERS = "diffusers"
    """A diffusers folder (``model_index.json``) or a diffusers component's ``config.json``."""
    TRANSFORMERS = "transformers"
    """A transformers model folder (``config.json``)."""
    UNKNOWN = "unknown"
    """Not a format the library recognises."""


@dataclass(frozen=True)
class TensorInfo:
    """One tensor as the header describes it.

    Attributes:
        dtype: The element type as the format names it (``F16``, ``BF16``, ``Q4_K``…).
        shape: The dimensions.
    """

    dtype: str
    shape: tuple[int, ...]

    @property
    def numel(self) -> int:
        """The number of elements (parameters) in the tensor."""
        return prod(self.shape)


@dataclass(frozen=True)
class ModelHeader:
    """What a reader found in one file's header.

    Attributes:
        format: The file format.
        tensors: Tensor name to dtype and shape, at most :data:`MAX_TENSORS` of them.
        tensor_count: How many tensors the header declares (may exceed ``len(tensors)``).
        metadata: Format metadata: strings cut to :data:`MAX_STRING` characters, arrays to a
            few items, at most :data:`MAX_METADATA_ITEMS` entries.
        parameter_count: Elements over all tensors, or None when the header does not tell.
        dtype: The dtype holding most parameters (the quantisation type for GGUF).
        warnings: Things worth knowing that do not stop the read (e.g. a pickle importing
            ``os.system``).
        errors: Why the header could not be read in full; empty when it was.
    """

    format: ModelFormat
    tensors: Mapping[str, TensorInfo] = field(default_factory=dict)
    tensor_count: int = 0
    metadata: Mapping[str, object] = field(default_factory=dict)
    parameter_count: int | None = None
    dtype: str | None = None
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the header was read without errors."""
        return not self.errors


def clip_text(text: str, limit: int = MAX_STRING) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dominant_dtype(tensors: Iterable[TensorInfo]) -> str | None:
    """The dtype holding the most elements, or None for no tensors."""
    counts: Counter[str] = Counter()
    for info in tensors:
        counts[info.dtype] += info.numel
    return counts.most_common(1)[0][0] if counts else None
