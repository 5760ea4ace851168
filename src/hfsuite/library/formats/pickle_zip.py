"""PyTorch checkpoints (``.ckpt/.pt/.pth/.bin``): a zip with ``data.pkl``, or a raw pickle.

The pickle is never loaded: its opcodes are walked as data (``_pickle_walk``) to find tensor
names, storage dtypes and shapes, and the imports it names. Imports that can run code when the
file is unpickled (``os.system``, ``builtins.eval``…) are reported as warnings. From the zip
only the central directory and the pickle member's first :data:`MAX_PICKLE` bytes are read.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import BinaryIO

from hfsuite.core.i18n import tr
from hfsuite.library.formats._pickle_walk import Call, Global, PersistentId, walk_pickle
from hfsuite.library.formats._source import Source, opened, size_of
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

__all__ = ["MAX_PICKLE", "MAX_RATIO", "read_pickle", "read_pytorch_zip", "unsafe_globals"]

MAX_PICKLE = 64 * 1024 * 1024
"""At most this many bytes of a pickle are inspected (a checkpoint's is a few MB)."""
MAX_RATIO = 200
"""A zip member declaring more than this times its compressed size is treated as a zip bomb."""
_MAX_DEPTH = 12

_STORAGE_DTYPES = {
    "FloatStorage": "F32", "HalfStorage": "F16", "BFloat16Storage": "BF16",
    "DoubleStorage": "F64", "LongStorage": "I64", "IntStorage": "I32", "ShortStorage": "I16",
    "CharStorage": "I8", "ByteStorage": "U8", "BoolStorage": "BOOL",
    "Float8_e4m3fnStorage": "F8_E4M3", "Float8_e5m2Storage": "F8_E5M2",
}  # fmt: skip
_UNSAFE_MODULES = frozenset(
    {"os", "posix", "nt", "subprocess", "sys", "socket", "shutil", "runpy", "importlib",
     "pty", "webbrowser", "ctypes", "marshal", "pickle", "_pickle", "code", "commands",
     "multiprocessing", "asyncio", "requests", "urllib", "http", "platform", "signal"}
)  # fmt: skip
_UNSAFE_BUILTINS = frozenset(
    {"eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "__import__",
     "globals", "locals", "vars", "input", "breakpoint", "apply", "execfile"}
)  # fmt: skip


def unsafe_globals(names: list[str]) -> list[str]:
    """The imports among ``names`` that can run code or touch the system when unpickled."""
    unsafe = []
    for dotted in names:
        module, _, attr = dotted.rpartition(".")
        top = module.split(".")[0]
        if top in _UNSAFE_MODULES or (
            top in ("builtins", "__builtin__") and attr in _UNSAFE_BUILTINS
        ):
            unsafe.append(dotted)
    return unsafe


def read_pytorch_zip(source: Source) -> ModelHeader:
    """Read a zip checkpoint: the central directory, then ``data.pkl`` walked as opcodes.

    Args:
        source: A path, or a binary file positioned at the file's start.

    Returns:
        The header; unsafe imports are in ``warnings``, every import in
        ``metadata["pickle.globals"]``. A bad file gives ``errors`` instead of an exception.
    """
    try:
        with opened(source) as f:
            data = _pickle_member(_Clamped(f))
    # zipfile reports a damaged archive through all of these.
    except (
        HeaderError, OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError,
        RuntimeError, struct.error, OverflowError, zlib.error,
    ) as exc:  # fmt: skip
        return ModelHeader(ModelFormat.PYTORCH_ZIP, errors=(problem_text(exc),))
    return _from_pickle(ModelFormat.PYTORCH_ZIP, data)


def read_pickle(source: Source) -> ModelHeader:
    """Read a raw pickle checkpoint (legacy torch format: several pickles in a row).

    Args:
        source: A path, or a binary file positioned at the pickle's start.

    Returns:
        As :func:`read_pytorch_zip`.
    """
    try:
        with opened(source) as f:
            data = f.read(min(MAX_PICKLE, size_of(f) - f.tell()))
    except OSError as exc:
        return ModelHeader(ModelFormat.PICKLE, errors=(problem_text(exc),))
    return _from_pickle(ModelFormat.PICKLE, data)


class _Clamped(io.RawIOBase):
    """A read-only view of a file whose reads never ask for more than what is left.

    zipfile reads sizes straight from the directory records; a lying size must not become a
    multi-gigabyte buffer.
    """

    def __init__(self, f: BinaryIO) -> None:
        self._f, self._base = f, f.tell()
        self._size = size_of(f) - self._base

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._f.tell() - self._base

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.tell(), io.SEEK_END: self._size}[whence]
        self._f.seek(self._base + max(0, base + offset))
        return self.tell()

    def read(self, n: int | None = -1) -> bytes:
        left = max(0, self._size - self.tell())
        return self._f.read(left if n is None or n < 0 else min(n, left))

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _pickle_member(f: _Clamped) -> bytes:
    with zipfile.ZipFile(f) as archive:
        members = [i for i in archive.infolist() if i.filename.rsplit("/", 1)[-1] == "data.pkl"]
        if not members:
            raise HeaderError(tr("The zip has no data.pkl: not a PyTorch checkpoint."))
        info = min(members, key=lambda i: i.filename.count("/"))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise HeaderError(
                tr(
                    "data.pkl uses an unsupported compression ({method}).",
                    method=info.compress_type,
                )
            )
        if info.compress_type != zipfile.ZIP_STORED and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise HeaderError(
                tr(
                    "data.pkl declares {size} bytes from {compressed} compressed: a zip bomb.",
                    size=info.file_size,
                    compressed=info.compress_size,
                )
            )
        with archive.open(info) as member:
            return member.read(MAX_PICKLE)


def _from_pickle(fmt: ModelFormat, data: bytes) -> ModelHeader:
    if not data.startswith(b"\x80"):
        return ModelHeader(fmt, errors=(tr("Not a pickle (no protocol opcode)."),))
    globals_: list[str] = []
    errors: list[str] = []
    tensors: dict[str, TensorInfo] = {}
    metadata: dict[str, object] = {}
    count, parameters, start = 0, 0, 0
    # Legacy torch files are a magic number, a protocol, system info, then the object.
    for _ in range(4):
        walk = walk_pickle(data, start)
        globals_ += [g for g in walk.globals if g not in globals_]
        if walk.error:
            if len(data) >= MAX_PICKLE:
                errors.append(
                    tr(
                        "Only the first {limit} bytes of the pickle were inspected.",
                        limit=MAX_PICKLE,
                    )
                )
            else:
                errors.append(walk.error)
        found: dict[str, TensorInfo] = {}
        _collect(walk.value, "", found, metadata, 0)
        for name, info in found.items():
            count += 1
            parameters += info.numel
            if len(tensors) < MAX_TENSORS:
                tensors[name] = info
        if walk.end is None or walk.end >= len(data) or found:
            break
        start = walk.end
    metadata["pickle.globals"] = [clip_text(g, 200) for g in globals_[:256]]
    unsafe = unsafe_globals(globals_)
    return ModelHeader(
        fmt,
        tensors=tensors,
        tensor_count=count,
        metadata=metadata,
        parameter_count=parameters if count else None,
        dtype=dominant_dtype(tensors.values()),
        warnings=tuple(f"Imports {g}: can run code when the file is loaded." for g in unsafe),
        errors=tuple(errors),
    )


def _collect(
    value: object, prefix: str, tensors: dict[str, TensorInfo], meta: dict[str, object], depth: int
) -> None:
    """Tensors (by dotted path) and top-level scalars found in a walked value."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, Call) and isinstance(value.func, Global) and value.func.name in (
        "OrderedDict", "dict"
    ):  # fmt: skip
        value = value.state if isinstance(value.state, dict) else {}
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if not isinstance(key, str) or len(tensors) > MAX_TENSORS:
            continue
        # A checkpoint's weights usually sit under "state_dict"; the key is not part of the name.
        path = prefix if key == "state_dict" and not prefix else f"{prefix}{key}"
        info = _tensor(item, 0)
        if info is not None:
            tensors[path] = info
        elif isinstance(item, (dict, Call)):
            _collect(item, f"{path}." if path else "", tensors, meta, depth + 1)
        elif (
            not prefix
            and isinstance(item, (str, int, float, bool))
            and len(meta) < MAX_METADATA_ITEMS
        ):
            meta[clip_text(key, 256)] = clip_text(item) if isinstance(item, str) else item


def _tensor(value: object, depth: int) -> TensorInfo | None:
    """The tensor a ``torch._utils._rebuild_*`` call describes, if it is one."""
    if not isinstance(value, Call) or not isinstance(value.func, Global) or depth > 2:
        return None
    args = value.args if isinstance(value.args, tuple) else ()
    if value.func.name == "_rebuild_parameter" and args:
        return _tensor(args[0], depth + 1)
    if not value.func.name.startswith("_rebuild_tensor") or len(args) < 3:
        return None
    storage, size = args[0], args[2]
    dtype = "unknown"
    if isinstance(storage, PersistentId) and isinstance(storage.value, tuple):
        kind = storage.value[1] if len(storage.value) > 1 else None
        if isinstance(kind, Global):
            dtype = _STORAGE_DTYPES.get(kind.name, kind.name)
    if not isinstance(size, tuple) or not all(isinstance(d, int) and d >= 0 for d in size):
        return None
    return TensorInfo(dtype, size)
