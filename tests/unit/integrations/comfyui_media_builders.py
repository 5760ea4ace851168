"""Small files with embedded workflows, made the way ComfyUI and A1111 make them (Pillow),
plus raw chunk builders for hostile PNG/FLAC/MP4 files."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

UI_WORKFLOW: dict[str, Any] = {
    "last_node_id": 2,
    "last_link_id": 0,
    "version": 0.4,
    "links": [],
    "nodes": [
        {"id": 4, "type": "CheckpointLoaderSimple", "mode": 0, "widgets_values": ["v1-5.ckpt"]},
        {"id": 7, "type": "LoraLoader", "mode": 0, "widgets_values": ["ui_only.safetensors", 1, 1]},
    ],
}
API_PROMPT: dict[str, Any] = {
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5.ckpt"}},
    "9": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x.pth"}},
}
A1111_TEXT = (
    "photo of a duck <lora:add_detail:0.6>, <lyco:style_x:1>\n"
    "Negative prompt: monochrome, <hypernet:hn1:0.5>\n"
    "Steps: 15, Sampler: UniPC, CFG scale: 5, Seed: 235284042, Size: 512x400, "
    "Model hash: c0d1994c73, Model: realistic_v20, VAE hash: 735e4c3a44, "
    'VAE: vae-ft-mse.safetensors, Lora hashes: "add_detail: 7c6bad76eb54", '
    'TI hashes: "EasyNegative: c74b4e810b03", Hires upscaler: 4x-UltraSharp, Version: v1.7.0'
)


def comfy_png(path: Path, workflow: Any = UI_WORKFLOW, prompt: Any = API_PROMPT) -> Path:
    """A PNG as ComfyUI's SaveImage writes it: tEXt ``prompt`` and ``workflow``."""
    info = PngInfo()
    if prompt is not None:
        info.add_text("prompt", json.dumps(prompt))
    if workflow is not None:
        info.add_text("workflow", json.dumps(workflow))
    Image.new("RGB", (8, 8), "white").save(path, format="PNG", pnginfo=info)
    return path


def comfy_png_compressed(path: Path) -> Path:
    """The same, with zTXt and iTXt chunks (Pillow's ``zip=True``)."""
    info = PngInfo()
    info.add_text("prompt", json.dumps(API_PROMPT), zip=True)
    info.add_itxt("workflow", json.dumps(UI_WORKFLOW), zip=True)
    Image.new("RGB", (8, 8), "white").save(path, pnginfo=info)
    return path


def comfy_webp(path: Path) -> Path:
    """An animated WebP as ComfyUI's SaveAnimatedWEBP writes it: Exif 0x0110/0x010F."""
    exif = Image.Exif()
    exif[0x0110] = "prompt:" + json.dumps(API_PROMPT)
    exif[0x010F] = "workflow:" + json.dumps(UI_WORKFLOW)
    frames = [Image.new("RGB", (8, 8), c) for c in ("red", "blue")]
    frames[0].save(path, save_all=True, append_images=frames[1:], exif=exif, lossless=True)
    return path


def a1111_png(path: Path, text: str = A1111_TEXT) -> Path:
    """A PNG as A1111/Forge writes it: tEXt ``parameters``."""
    info = PngInfo()
    info.add_text("parameters", text)
    Image.new("RGB", (8, 8), "white").save(path, pnginfo=info)
    return path


def a1111_jpeg(path: Path, text: str = A1111_TEXT, big_endian: bool = True) -> Path:
    """A JPEG as A1111 writes it: Exif UserComment ``UNICODE\\0`` + UTF-16."""
    exif = Image.Exif()
    encoding = "utf-16-be" if big_endian else "utf-16-le"
    exif.get_ifd(0x8769)[0x9286] = b"UNICODE\0" + text.encode(encoding)
    Image.new("RGB", (8, 8), "white").save(path, format="JPEG", exif=exif.tobytes())
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(*chunks: bytes) -> bytes:
    """A PNG from chunks: signature, a 1x1 IHDR, the chunks, an empty IDAT, IEND."""
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(b"\0\0"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(chunks) + idat + png_chunk(b"IEND", b"")


def zlib_bomb(size: int) -> bytes:
    """Compressed zeros that inflate to ``size`` bytes (a few KiB on disk)."""
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    out = io.BytesIO()
    for _ in range(size >> 20):
        out.write(compressor.compress(block))
    out.write(compressor.flush())
    return out.getvalue()


def flac_with_comments(comments: dict[str, str]) -> bytes:
    """A FLAC header with STREAMINFO and a Vorbis comment block (ComfyUI's SaveAudio)."""
    streaminfo = b"\0" * 34
    vendor = b"hfsuite-test"
    entries = [f"{k}={v}".encode() for k, v in comments.items()]
    body = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(entries))
    body += b"".join(struct.pack("<I", len(e)) + e for e in entries)
    blocks = bytes([0]) + len(streaminfo).to_bytes(3, "big") + streaminfo
    blocks += bytes([0x80 | 4]) + len(body).to_bytes(3, "big") + body
    return b"fLaC" + blocks


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4_with_metadata(items: dict[str, str]) -> bytes:
    """An MP4 skeleton with ``moov/meta`` keys + ilst, as FFmpeg's ``use_metadata_tags``."""
    names = list(items)
    keys = struct.pack(">II", 0, len(names)) + b"".join(
        struct.pack(">I", 8 + len(n.encode())) + b"mdta" + n.encode() for n in names
    )
    ilst = b"".join(
        _box(
            struct.pack(">I", i + 1),
            _box(b"data", struct.pack(">II", 1, 0) + items[n].encode()),
        )
        for i, n in enumerate(names)
    )
    hdlr = _box(b"hdlr", b"\0" * 8 + b"mdta" + b"\0" * 13)
    meta = _box(b"meta", b"\0\0\0\0" + hdlr + _box(b"keys", keys) + _box(b"ilst", ilst))
    moov = _box(b"moov", _box(b"udta", meta))
    ftyp = _box(b"ftyp", b"isom\0\0\2\0isomiso2mp41")
    return ftyp + _box(b"mdat", b"\0" * 64) + moov


def _ebml(element_id: int, body: bytes, unknown_size: bool = False) -> bytes:
    head = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    size = b"\x01" + (b"\xff" * 7 if unknown_size else len(body).to_bytes(7, "big"))
    return head + size + body


def webm_with_tags(tags: dict[str, str], tags_first: bool = True) -> bytes:
    """A WebM skeleton: EBML header, a segment with Info, a Cluster and Tags (FFmpeg-like)."""
    header = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    simple = b"".join(
        _ebml(0x67C8, _ebml(0x45A3, k.upper().encode()) + _ebml(0x4487, v.encode()))
        for k, v in tags.items()
    )
    tag_block = _ebml(0x1254C367, _ebml(0x7373, _ebml(0x63C0, b"") + simple))
    info = _ebml(0x1549A966, _ebml(0x2AD7B1, b"\x0f\x42\x40"))
    cluster = _ebml(0x1F43B675, b"\0" * 256)
    children = info + (tag_block + cluster if tags_first else cluster + tag_block)
    return header + _ebml(0x18538067, children)
