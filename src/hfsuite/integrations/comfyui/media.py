"""Workflows and generation text embedded in images, audio and video, read without decoding.

Only container structure is read; pixels, audio and video are skipped with ``seek``. Every
size comes from the file and is checked before anything is read or decompressed:

* **PNG**: ``tEXt``/``zTXt``/``iTXt`` chunks (and ComfyUI's APNG ``comf`` chunk) keyed
  ``prompt`` (API JSON), ``workflow`` (UI JSON) or ``parameters`` (A1111);
* **WebP**: the ``EXIF`` chunk, whose IFD0 ASCII tags ComfyUI fills with ``"prompt:{…}"``
  and ``"workflow:{…}"``, and the Exif ``UserComment`` A1111 writes;
* **JPEG**: the Exif ``UserComment`` (``UNICODE\\0`` + UTF-16) and ``COM`` segments;
* **FLAC**: Vorbis comments ``prompt=``/``workflow=`` (ComfyUI's SaveAudio);
* **MP4/MOV**: ``moov``'s ``keys``/``ilst`` metadata (ComfyUI's SaveVideo);
* **WebM/MKV**: the segment's ``Tags`` (``SimpleTag`` name/string pairs; ComfyUI's SaveWEBM).
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

MAX_TEXT_BYTES = 64 * 1024 * 1024
"""One embedded text (chunk, tag, comment) larger than this is skipped, compressed or not."""

MAX_TOTAL_TEXT_BYTES = 128 * 1024 * 1024
"""All embedded texts of one file together."""

MAX_BLOCKS = 100_000
"""Chunks, segments or boxes walked in one file."""

WANTED_KEYS = ("workflow", "prompt", "parameters")
"""Embedded texts that are read; any other key is skipped unread."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_KEYWORD_PEEK = 80


@dataclass
class Embedded:
    """The texts found in one file, by key, and what was skipped on the way."""

    container: str
    texts: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _budget: int = MAX_TOTAL_TEXT_BYTES

    def put(self, key: str, text: str) -> None:
        """Keep ``text`` under ``key`` (the first one found wins), within the total budget."""
        key = key.strip().lower()
        if key not in WANTED_KEYS or key in self.texts:
            return
        self._budget -= len(text)
        if self._budget < 0:
            self.warnings.append(f"embedded '{key}' skipped: the file's texts exceed the limit")
            return
        self.texts[key] = text


def sniff(head: bytes) -> str | None:
    """The container ``head`` (the file's first 16 bytes) starts, or None."""
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"\xff\xd8":
        return "jpeg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide"):
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def read_embedded(stream: BinaryIO, container: str) -> Embedded:
    """The embedded texts of ``stream`` (at its start), a file of kind ``container``."""
    found = Embedded(container)
    reader = {
        "png": _png,
        "webp": _webp,
        "jpeg": _jpeg,
        "flac": _flac,
        "mp4": _mp4,
        "webm": _matroska,
    }.get(container)
    if reader is None:
        found.warnings.append(f"metadata of {container} files is not read")
        return found
    reader(stream, found)
    return found


def _read_exact(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


# --- PNG ---------------------------------------------------------------------------------


def _png(stream: BinaryIO, found: Embedded) -> None:
    stream.seek(len(PNG_SIGNATURE))
    for _ in range(MAX_BLOCKS):
        header = _read_exact(stream, 8)
        if header is None:
            return
        length, kind = struct.unpack(">I4s", header)
        if kind == b"IEND":
            return
        if length > 0x7FFFFFFF:
            found.warnings.append("PNG chunk with an invalid length; the rest is not read")
            return
        if kind in (b"tEXt", b"zTXt", b"iTXt", b"comf"):
            _png_text(stream, kind, length, found)
        else:
            stream.seek(length + 4, 1)  # data and CRC
    found.warnings.append(f"more than {MAX_BLOCKS} PNG chunks; the rest is not read")


def _png_text(stream: BinaryIO, kind: bytes, length: int, found: Embedded) -> None:
    label = kind.decode("ascii")
    peek = stream.read(min(length, _KEYWORD_PEEK))
    keyword = peek.split(b"\0", 1)[0].decode("latin-1", "replace")
    if b"\0" not in peek or keyword.lower() not in WANTED_KEYS:
        stream.seek(length - len(peek) + 4, 1)
        return
    if length > MAX_TEXT_BYTES:
        found.warnings.append(f"PNG {label} '{keyword}' of {length} bytes skipped (over the limit)")
        stream.seek(length - len(peek) + 4, 1)
        return
    rest = _read_exact(stream, length - len(peek))
    if rest is None:
        found.warnings.append(f"PNG {label} '{keyword}' is cut short")
        return
    stream.seek(4, 1)
    body = (peek + rest)[len(keyword.encode("latin-1", "replace")) + 1 :]
    text: str | None
    if kind == b"tEXt":
        text = body.decode("latin-1")
    elif kind == b"comf":
        text = body.decode("utf-8", "replace")
    elif kind == b"zTXt":
        text = _inflate(body[1:], found, f"PNG zTXt '{keyword}'")
    else:
        text = _itxt(body, found, keyword)
    if text is not None:
        found.put(keyword, text)


def _itxt(body: bytes, found: Embedded, keyword: str) -> str | None:
    if len(body) < 2:
        return None
    compressed = body[0] == 1
    rest = body[2:]
    parts = rest.split(b"\0", 2)  # language tag, translated keyword, text
    if len(parts) < 3:
        return None
    data = parts[2]
    if compressed:
        return _inflate(data, found, f"PNG iTXt '{keyword}'", encoding="utf-8")
    return data.decode("utf-8", "replace")


def _inflate(data: bytes, found: Embedded, what: str, encoding: str = "latin-1") -> str | None:
    """Decompress at most :data:`MAX_TEXT_BYTES` (a zlib bomb stops there)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_TEXT_BYTES)
    except zlib.error:
        found.warnings.append(f"{what} is not valid compressed data")
        return None
    if inflater.unconsumed_tail:
        found.warnings.append(f"{what} decompresses to more than {MAX_TEXT_BYTES} bytes; skipped")
        return None
    return out.decode(encoding, "replace")


# --- WebP, JPEG: Exif ---------------------------------------------------------------------


def _webp(stream: BinaryIO, found: Embedded) -> None:
    stream.seek(12)
    for _ in range(MAX_BLOCKS):
        header = _read_exact(stream, 8)
        if header is None:
            return
        kind, size = struct.unpack("<4sI", header)
        padded = size + (size & 1)
        if kind == b"EXIF":
            if size > MAX_TEXT_BYTES:
                found.warnings.append(f"WebP EXIF chunk of {size} bytes skipped (over the limit)")
                stream.seek(padded, 1)
                continue
            data = _read_exact(stream, size)
            if data is None:
                found.warnings.append("WebP EXIF chunk is cut short")
                return
            stream.seek(padded - size, 1)
            if data.startswith(b"Exif\0\0"):
                data = data[6:]
            _exif(data, found)
        else:
            stream.seek(padded, 1)
    found.warnings.append(f"more than {MAX_BLOCKS} WebP chunks; the rest is not read")


def _jpeg(stream: BinaryIO, found: Embedded) -> None:
    stream.seek(2)
    for _ in range(MAX_BLOCKS):
        marker = _read_exact(stream, 2)
        if marker is None or marker[0] != 0xFF:
            return
        code = marker[1]
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:
            continue
        if code in (0xDA, 0xD9):  # image data starts: no metadata after this
            return
        size_bytes = _read_exact(stream, 2)
        if size_bytes is None:
            return
        size = struct.unpack(">H", size_bytes)[0] - 2
        if size < 0:
            return
        data = _read_exact(stream, size)
        if data is None:
            found.warnings.append("JPEG segment is cut short")
            return
        if code == 0xE1 and data.startswith(b"Exif\0\0"):
            _exif(data[6:], found)
        elif code == 0xFE:
            found.put("parameters", data.decode("utf-8", "replace"))
    found.warnings.append(f"more than {MAX_BLOCKS} JPEG segments; the rest is not read")


_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 7: 1}
_EXIF_IFD = 0x8769
_USER_COMMENT = 0x9286
_MAX_IFD_ENTRIES = 1000


def _exif(data: bytes, found: Embedded) -> None:
    """Read ComfyUI's ``key:json`` IFD0 strings and the UserComment of a TIFF block."""
    if data[:2] == b"II":
        order = "<"
    elif data[:2] == b"MM":
        order = ">"
    else:
        return
    if len(data) < 8:
        return
    offsets = [struct.unpack(order + "I", data[4:8])[0]]
    seen: set[int] = set()
    while offsets:
        offset = offsets.pop()
        if offset in seen or offset + 2 > len(data):
            continue
        seen.add(offset)
        count = min(struct.unpack(order + "H", data[offset : offset + 2])[0], _MAX_IFD_ENTRIES)
        for i in range(count):
            at = offset + 2 + 12 * i
            if at + 12 > len(data):
                break
            tag, kind, n, value = struct.unpack(order + "HHII", data[at : at + 12])
            if tag == _EXIF_IFD and kind in (4, 13):
                offsets.append(value)
                continue
            if kind not in (1, 2, 7):  # BYTE, ASCII, UNDEFINED (writers differ)
                continue
            size = n * _TYPE_SIZES[kind]
            raw = data[at + 8 : at + 8 + size] if size <= 4 else data[value : value + size]
            if len(raw) != size:
                continue
            if tag == _USER_COMMENT:
                found.put("parameters", _user_comment(raw, order))
            else:
                text = raw.rstrip(b"\0").decode("utf-8", "replace")
                key, sep, rest = text.partition(":")
                if sep and key.strip().lower() in WANTED_KEYS:
                    found.put(key, rest)


def _user_comment(raw: bytes, order: str) -> str:
    """Exif UserComment: an 8-byte character code, then the text."""
    code, body = raw[:8], raw[8:]
    if code.startswith(b"UNICODE"):
        first = "utf-16-be" if order == ">" else "utf-16-le"
        second = "utf-16-le" if first == "utf-16-be" else "utf-16-be"
        for encoding in (first, second):
            text = body.decode(encoding, "replace")
            if text and sum(c.isascii() for c in text) >= len(text) * 0.6:
                return text.rstrip("\0")
        return body.decode(first, "replace").rstrip("\0")
    return body.decode("utf-8", "replace").rstrip("\0")


# --- FLAC ----------------------------------------------------------------------------------


def _flac(stream: BinaryIO, found: Embedded) -> None:
    stream.seek(4)
    for _ in range(MAX_BLOCKS):
        header = _read_exact(stream, 4)
        if header is None:
            return
        last, kind = header[0] & 0x80, header[0] & 0x7F
        size = int.from_bytes(header[1:4], "big")
        if kind == 4:
            data = _read_exact(stream, size)
            if data is None:
                found.warnings.append("FLAC comment block is cut short")
                return
            _vorbis_comments(data, found)
        else:
            stream.seek(size, 1)
        if last:
            return


def _vorbis_comments(data: bytes, found: Embedded) -> None:
    if len(data) < 8:
        return
    vendor = struct.unpack("<I", data[:4])[0]
    at = 4 + vendor
    if at + 4 > len(data):
        return
    count = struct.unpack("<I", data[at : at + 4])[0]
    at += 4
    for _ in range(min(count, MAX_BLOCKS)):
        if at + 4 > len(data):
            return
        size = struct.unpack("<I", data[at : at + 4])[0]
        comment = data[at + 4 : at + 4 + size]
        at += 4 + size
        key, sep, value = comment.partition(b"=")
        if sep:
            found.put(key.decode("ascii", "replace"), value.decode("utf-8", "replace"))


# --- MP4 / MOV -----------------------------------------------------------------------------

_CONTAINERS = (b"moov", b"udta", b"meta", b"ilst", b"trak", b"mdia")
_MAX_DEPTH = 8


def _mp4(stream: BinaryIO, found: Embedded) -> None:
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(0)
    for _ in range(MAX_BLOCKS):
        start = stream.tell()
        box = _box_header(stream, end)
        if box is None:
            return
        kind, header_size, size = box
        if kind == b"moov":
            if size > MAX_TEXT_BYTES:
                found.warnings.append(f"MP4 moov box of {size} bytes skipped (over the limit)")
            else:
                data = _read_exact(stream, size - header_size)
                if data is None:
                    found.warnings.append("MP4 moov box is cut short")
                    return
                _mp4_meta(data, found, 0)
        stream.seek(start + size)


def _box_header(stream: BinaryIO, end: int) -> tuple[bytes, int, int] | None:
    start = stream.tell()
    header = _read_exact(stream, 8)
    if header is None:
        return None
    size, kind = struct.unpack(">I4s", header)
    header_size = 8
    if size == 1:
        large = _read_exact(stream, 8)
        if large is None:
            return None
        size, header_size = struct.unpack(">Q", large)[0], 16
    elif size == 0:
        size = end - start
    if size < header_size or start + size > end:
        return None
    return kind, header_size, size


def _boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    found: list[tuple[bytes, bytes]] = []
    at = 0
    while at + 8 <= len(data) and len(found) < MAX_BLOCKS:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if size < 8 or at + size > len(data):
            break
        found.append((kind, data[at + 8 : at + size]))
        at += size
    return found


def _mp4_meta(data: bytes, found: Embedded, depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    keys: list[str] = []
    for kind, body in _boxes(data):
        if kind == b"meta":
            # ISO meta is a full box (4 bytes of version/flags); QuickTime's is not.
            _mp4_meta(body[4:] if body[:4] == b"\0\0\0\0" else body, found, depth + 1)
        elif kind == b"keys" and len(body) >= 8:
            keys = _mp4_keys(body)
        elif kind == b"ilst":
            _mp4_items(body, keys, found)
        elif kind in _CONTAINERS:
            _mp4_meta(body, found, depth + 1)


def _mp4_keys(body: bytes) -> list[str]:
    count = struct.unpack(">I", body[4:8])[0]
    keys: list[str] = []
    at = 8
    for _ in range(min(count, MAX_BLOCKS)):
        if at + 8 > len(body):
            break
        size = struct.unpack(">I", body[at : at + 4])[0]
        if size < 8:
            break
        keys.append(body[at + 8 : at + size].decode("utf-8", "replace"))
        at += size
    return keys


def _mp4_items(body: bytes, keys: list[str], found: Embedded) -> None:
    for kind, item in _boxes(body):
        index = int.from_bytes(kind, "big")
        name = keys[index - 1] if 1 <= index <= len(keys) else kind.decode("latin-1")
        for inner, payload in _boxes(item):
            if inner == b"data" and len(payload) >= 8:
                found.put(name.rsplit(".", 1)[-1], payload[8:].decode("utf-8", "replace"))


# --- WebM / Matroska (EBML) ------------------------------------------------------------------

_SEGMENT = 0x18538067
_TAGS = 0x1254C367
_TAG = 0x7373
_SIMPLE_TAG = 0x67C8
_TAG_NAME = 0x45A3
_TAG_STRING = 0x4487
_EBML_HEADER = 0x1A45DFA3


def _ebml_number(stream: BinaryIO, keep_marker: bool) -> tuple[int, bool] | None:
    """An EBML variable-length number (an element id or size); and whether it is all ones
    (an unknown size)."""
    first = stream.read(1)
    if not first or first[0] == 0:
        return None
    length = 8 - first[0].bit_length() + 1
    rest = _read_exact(stream, length - 1)
    if rest is None:
        return None
    value = first[0] if keep_marker else first[0] & (0xFF >> length)
    for byte in rest:
        value = (value << 8) | byte
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, unknown


def _ebml_element(stream: BinaryIO) -> tuple[int, int | None] | None:
    """The next element's id and data size (None: unknown size)."""
    element = _ebml_number(stream, keep_marker=True)
    size = _ebml_number(stream, keep_marker=False) if element else None
    if element is None or size is None:
        return None
    return element[0], None if size[1] else size[0]


def _matroska(stream: BinaryIO, found: Embedded) -> None:
    """Walk the top level and the segment's children by size; read ``Tags`` only."""
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(0)
    for _ in range(MAX_BLOCKS):
        element = _ebml_element(stream)
        if element is None:
            return
        kind, size = element
        if kind == _SEGMENT:
            continue  # descend: its children follow
        if size is None:
            return  # a live stream's cluster of unknown size: nothing more is findable
        if kind == _TAGS:
            if size > MAX_TEXT_BYTES:
                found.warnings.append(f"WebM/MKV tags of {size} bytes skipped (over the limit)")
            else:
                data = _read_exact(stream, size)
                if data is None:
                    found.warnings.append("WebM/MKV tags are cut short")
                    return
                _matroska_tags(data, found)
                continue
        if stream.tell() + size > end:
            return
        stream.seek(size, 1)


def _matroska_tags(data: bytes, found: Embedded, depth: int = 0) -> None:
    stream = io.BytesIO(data)
    name: str | None = None
    value: str | None = None
    while stream.tell() < len(data):
        element = _ebml_element(stream)
        if element is None or element[1] is None:
            return
        kind, size = element
        body = stream.read(size)
        if kind in (_TAG, _SIMPLE_TAG) and depth < _MAX_DEPTH:
            _matroska_tags(body, found, depth + 1)
        elif kind == _TAG_NAME:
            name = body.decode("utf-8", "replace")
        elif kind == _TAG_STRING:
            value = body.decode("utf-8", "replace")
    if name is not None and value is not None:
        found.put(name, value)
