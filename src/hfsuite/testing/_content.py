"""File contents the emulator can serve: bytes, files on disk, synthetic blobs.

Every blob knows its size without reading it; its two hashes (the git blob sha1 used as the ETag
of regular files and the sha256 used for LFS files) are computed on first use and cached, so a
2 GiB file is hashed at most once, and only when a client asks for something that needs it.

A :class:`FileBlob` also exposes its path so the HTTP layer can stream it with ``os.sendfile``.
"""

from __future__ import annotations

import abc
import hashlib
import json
import os
import random
import threading
from collections.abc import Iterator
from pathlib import Path

_CHUNK = 1 << 20

LFS_POINTER_TEMPLATE = "version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def git_blob_sha1(data: bytes) -> str:
    """Return the git blob sha1 of ``data`` (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Blob(abc.ABC):
    """The bytes of one file version, with lazily computed, cached hashes.

    Subclasses implement :meth:`read` and :attr:`size`; everything else derives from them.
    """

    #: Size in bytes.
    size: int

    def __init__(self) -> None:
        self._hash_lock = threading.Lock()
        self._sha1: str | None = None
        self._sha256: str | None = None
        self.hash_store: HashStore | None = None

    # -- reading ---------------------------------------------------------------------------
    @abc.abstractmethod
    def read(self, offset: int, length: int) -> bytes:
        """Return up to ``length`` bytes starting at ``offset``."""

    def iter_chunks(
        self, start: int = 0, end: int | None = None, chunk: int = _CHUNK
    ) -> Iterator[bytes]:
        """Yield the bytes ``[start, end)`` in chunks of at most ``chunk`` bytes."""
        stop = self.size if end is None else min(end, self.size)
        pos = start
        while pos < stop:
            data = self.read(pos, min(chunk, stop - pos))
            if not data:
                return
            pos += len(data)
            yield data

    @property
    def path(self) -> Path | None:
        """The file on disk holding exactly these bytes (for zero-copy sending), if any."""
        return None

    @abc.abstractmethod
    def identity(self) -> str:
        """A cheap, deterministic string that changes when the content changes (no hashing)."""

    # -- hashes ----------------------------------------------------------------------------
    def _hash(self, kind: str) -> str:
        """Compute (once) the ``sha1`` (git blob) or ``sha256`` digest, using the store."""
        with self._hash_lock:
            cached = self._sha1 if kind == "sha1" else self._sha256
            if cached is not None:
                return cached
            digest = self.hash_store.get(self.identity(), kind) if self.hash_store else None
            if digest is None:
                h = hashlib.sha1(b"blob %d\0" % self.size) if kind == "sha1" else hashlib.sha256()
                for data in self.iter_chunks(chunk=4 * _CHUNK):
                    h.update(data)
                digest = h.hexdigest()
                if self.hash_store is not None:
                    self.hash_store.put(self.identity(), kind, digest)
            if kind == "sha1":
                self._sha1 = digest
            else:
                self._sha256 = digest
            return digest

    @property
    def git_sha1(self) -> str:
        """The git blob sha1 of the content (computed once, on first use)."""
        return self._sha1 or self._hash("sha1")

    @property
    def sha256(self) -> str:
        """The sha256 of the content (computed once, on first use)."""
        return self._sha256 or self._hash("sha256")

    def lfs_pointer(self) -> bytes:
        """The git-lfs pointer file that stands for this content in the git tree."""
        return LFS_POINTER_TEMPLATE.format(oid=self.sha256, size=self.size).encode()

    def read_all(self) -> bytes:
        """Return the whole content (only sensible for small blobs)."""
        return b"".join(self.iter_chunks())


class HashStore:
    """A JSON file remembering digests by blob identity, so restarts do not rehash big files.

    Identities of files include path, size and mtime, and those of synthetic blobs their size
    and seed, so a stale entry is never reused. In-memory blobs are never stored.

    Args:
        path: The JSON file (created on first write).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._data: dict[str, dict[str, str]] = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self._data = {}

    def get(self, identity: str, kind: str) -> str | None:
        """A remembered digest, or None."""
        if identity.startswith("bytes:"):
            return None
        with self._lock:
            return self._data.get(identity, {}).get(kind)

    def put(self, identity: str, kind: str, digest: str) -> None:
        """Remember a digest (written to disk at once, atomically)."""
        if identity.startswith("bytes:"):
            return
        with self._lock:
            self._data.setdefault(identity, {})[kind] = digest
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._data), "utf-8")
            os.replace(tmp, self.path)


class BytesBlob(Blob):
    """Content held in memory."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = bytes(data)
        self.size = len(self.data)

    def read(self, offset: int, length: int) -> bytes:
        return self.data[offset : offset + length]

    def identity(self) -> str:
        return f"bytes:{self.size}:{hashlib.sha1(self.data).hexdigest()}"


class FileBlob(Blob):
    """Content read from a file on disk, never loaded into memory.

    The size is taken when the blob is created; the file must not change afterwards.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self._path = Path(path).resolve()
        st = self._path.stat()
        self.size = st.st_size
        self._mtime_ns = st.st_mtime_ns

    @property
    def path(self) -> Path:
        return self._path

    def read(self, offset: int, length: int) -> bytes:
        with open(self._path, "rb") as fh:
            return os.pread(fh.fileno(), length, offset)

    def iter_chunks(
        self, start: int = 0, end: int | None = None, chunk: int = _CHUNK
    ) -> Iterator[bytes]:
        stop = self.size if end is None else min(end, self.size)
        with open(self._path, "rb") as fh:
            pos = start
            while pos < stop:
                data = os.pread(fh.fileno(), min(chunk, stop - pos), pos)
                if not data:
                    return
                pos += len(data)
                yield data

    def identity(self) -> str:
        return f"file:{self._path}:{self.size}:{self._mtime_ns}"


class SyntheticBlob(Blob):
    """Deterministic pseudo-random content of a given size, generated on the fly.

    Args:
        size: Size in bytes.
        seed: Different seeds give different content.
    """

    _PATTERN_SIZE = 1 << 20

    def __init__(self, size: int, seed: int = 0) -> None:
        super().__init__()
        if size < 0:
            raise ValueError("size must be >= 0")
        self.size = size
        self.seed = seed
        self._pattern = random.Random(seed).randbytes(self._PATTERN_SIZE)

    def _block(self, index: int) -> bytes:
        # Each 1 MiB block is the pattern rotated by a block-dependent amount, with the block
        # index stamped at the start, so no two blocks are equal (dedup cannot cheat).
        shift = (index * 7919) % self._PATTERN_SIZE
        block = self._pattern[shift:] + self._pattern[:shift]
        return index.to_bytes(8, "little") + block[8:]

    def read(self, offset: int, length: int) -> bytes:
        stop = min(self.size, offset + length)
        parts: list[bytes] = []
        pos = offset
        while pos < stop:
            index, inner = divmod(pos, self._PATTERN_SIZE)
            take = min(self._PATTERN_SIZE - inner, stop - pos)
            parts.append(self._block(index)[inner : inner + take])
            pos += take
        return b"".join(parts)

    def identity(self) -> str:
        return f"synthetic:{self.size}:{self.seed}"


class MutatedBlob(Blob):
    """Another blob's content with every byte flipped (same size, different hashes).

    Used by the "content changes between requests" fault.
    """

    _TABLE = bytes(b ^ 0x5A for b in range(256))

    def __init__(self, base: Blob) -> None:
        super().__init__()
        self.base = base
        self.size = base.size

    def read(self, offset: int, length: int) -> bytes:
        return self.base.read(offset, length).translate(self._TABLE)

    def iter_chunks(
        self, start: int = 0, end: int | None = None, chunk: int = _CHUNK
    ) -> Iterator[bytes]:
        for data in self.base.iter_chunks(start, end, chunk):
            yield data.translate(self._TABLE)

    def identity(self) -> str:
        return "mutated:" + self.base.identity()


def synthetic(size: int, seed: int = 0) -> SyntheticBlob:
    """Return a deterministic synthetic blob of ``size`` bytes (see :class:`SyntheticBlob`)."""
    return SyntheticBlob(size, seed)


Content = bytes | str | os.PathLike[str] | Blob
"""What a file can be given as: bytes, text (UTF-8), a path on disk, or a :class:`Blob`."""


def as_blob(value: Content) -> Blob:
    """Turn any accepted content value into a :class:`Blob`.

    ``bytes`` are kept in memory, ``str`` is UTF-8 text, an ``os.PathLike`` is a file on disk
    served without loading it, and a :class:`Blob` is used as is.
    """
    if isinstance(value, Blob):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return BytesBlob(bytes(value))
    if isinstance(value, str):
        return BytesBlob(value.encode("utf-8"))
    if isinstance(value, os.PathLike):
        return FileBlob(value)
    raise TypeError(f"unsupported content type: {type(value).__name__}")
