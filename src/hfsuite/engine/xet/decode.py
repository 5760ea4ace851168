"""Xorb chunk bytes back to file bytes, fed piece by piece as a response arrives.

Each chunk in a xorb is an 8-byte header — version (0), compressed size (u24 LE), compression
scheme, uncompressed size (u24 LE) — then the payload: raw (scheme 0), an LZ4 frame (scheme 1),
or an LZ4 frame of the bytes regrouped four ways (scheme 2, "byte grouping 4": every 4th byte
first, then the next…). LZ4 comes from the ``lz4`` package, imported on first use: without it
the Xet path is not available (:func:`lz4_available`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

HEADER_SIZE = 8
SCHEME_NONE = 0
SCHEME_LZ4 = 1
SCHEME_BG4_LZ4 = 2
MAX_CHUNK_BYTES = 1 << 24  # the u24 size fields' limit


class XorbFormatError(ValueError):
    """Bytes that are not xorb chunks (a corrupt or truncated answer)."""


def lz4_available() -> bool:
    """Whether the ``lz4`` package can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("lz4.frame") is not None
    except (ImportError, ValueError):
        return False


def _lz4_decompress() -> Callable[[Any], bytes]:
    import lz4.frame

    decompress: Callable[[Any], bytes] = lz4.frame.decompress
    return decompress


def ungroup4(data: bytes) -> bytes:
    """Undo the byte grouping of scheme 2: group ``k`` holds bytes ``k, k+4, k+8…``."""
    n = len(data)
    out = bytearray(n)
    pos = 0
    for k in range(4):
        count = n // 4 + (1 if k < n % 4 else 0)
        out[k::4] = data[pos : pos + count]
        pos += count
    return bytes(out)


class ChunkDecoder:
    """Decodes consecutive chunks from bytes fed in arbitrary pieces.

    ``feed`` returns the chunks completed by the new bytes, in order; ``pending`` is how many
    bytes of an incomplete chunk are held.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._decompress = _lz4_decompress()

    @property
    def pending(self) -> int:
        """Bytes held of a chunk not complete yet."""
        return len(self._buf)

    def feed(self, data: bytes | memoryview) -> list[bytes]:
        """Add bytes; return the chunks they complete.

        Raises:
            XorbFormatError: a header or payload that cannot be decoded.
        """
        buf = self._buf
        buf += data
        out: list[bytes] = []
        pos = 0
        end = len(buf)
        while end - pos >= HEADER_SIZE:
            if buf[pos] != 0:
                raise XorbFormatError(f"unknown chunk header version {buf[pos]}")
            packed = int.from_bytes(buf[pos + 1 : pos + 4], "little")
            scheme = buf[pos + 4]
            size = int.from_bytes(buf[pos + 5 : pos + 8], "little")
            if end - pos - HEADER_SIZE < packed:
                break
            payload = bytes(buf[pos + HEADER_SIZE : pos + HEADER_SIZE + packed])
            out.append(self._decode(payload, scheme, size))
            pos += HEADER_SIZE + packed
        if pos:
            del buf[:pos]
        return out

    def _decode(self, payload: bytes, scheme: int, size: int) -> bytes:
        if scheme == SCHEME_NONE:
            chunk = payload
        elif scheme in (SCHEME_LZ4, SCHEME_BG4_LZ4):
            try:
                chunk = self._decompress(payload)
            except Exception as exc:  # lz4 raises RuntimeError on bad frames
                raise XorbFormatError(f"a chunk does not decompress: {exc}") from None
            if scheme == SCHEME_BG4_LZ4:
                chunk = ungroup4(chunk)
        else:
            raise XorbFormatError(f"unknown chunk compression scheme {scheme}")
        if len(chunk) != size:
            raise XorbFormatError(f"a chunk decoded to {len(chunk)} bytes, its header says {size}")
        return chunk
