"""Workflows and generation parameters embedded in PNG, WebP, JPEG, FLAC and MP4 files, and
hostile containers (chunk bombs, cut files) that must end in a warning or a one-line error."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from comfyui_media_builders import (
    A1111_TEXT,
    API_PROMPT,
    UI_WORKFLOW,
    a1111_jpeg,
    a1111_png,
    comfy_png,
    comfy_png_compressed,
    comfy_webp,
    flac_with_comments,
    mp4_with_metadata,
    png_chunk,
    raw_png,
    webm_with_tags,
    zlib_bomb,
)

from hfsuite.core.errors import WorkflowError
from hfsuite.integrations.comfyui import media
from hfsuite.integrations.comfyui.a1111 import parse_parameters
from hfsuite.integrations.comfyui.reader import read_refs
from hfsuite.integrations.comfyui.refs import WorkflowRefs


def _pairs(found: WorkflowRefs) -> set[tuple[str | None, str, str | None]]:
    return {(r.node_id, r.value, r.folder) for r in found.refs}


COMFY_PAIRS = {
    ("4", "v1-5.ckpt", "checkpoints"),
    ("7", "ui_only.safetensors", "loras"),  # only in the UI workflow
    ("9", "4x.pth", "upscale_models"),  # only in the API prompt
}


def test_png_from_comfyui(tmp_path: Path) -> None:
    found = read_refs(comfy_png(tmp_path / "ComfyUI_00001_.png"))
    assert (found.source_format, found.contents) == ("png", ["workflow", "prompt"])
    assert _pairs(found) == COMFY_PAIRS  # UI and API merged, the checkpoint once
    assert found.warnings == []


def test_png_with_compressed_chunks(tmp_path: Path) -> None:
    found = read_refs(comfy_png_compressed(tmp_path / "z.png"))
    assert _pairs(found) == COMFY_PAIRS


def test_png_with_prompt_only(tmp_path: Path) -> None:
    found = read_refs(comfy_png(tmp_path / "p.png", workflow=None))
    assert found.contents == ["prompt"]
    assert {r.origin for r in found.refs} == {"input"}


def test_animated_webp_exif(tmp_path: Path) -> None:
    found = read_refs(comfy_webp(tmp_path / "anim.webp"))
    assert (found.source_format, sorted(found.contents)) == ("webp", ["prompt", "workflow"])
    assert _pairs(found) == COMFY_PAIRS


def test_extension_does_not_matter(tmp_path: Path) -> None:
    path = comfy_png(tmp_path / "really_a_png.json")
    assert read_refs(path).source_format == "png"


EXPECTED_A1111 = {
    ("Model", "realistic_v20", "checkpoints", "c0d1994c73", "autov2"),
    ("VAE", "vae-ft-mse.safetensors", "vae", "735e4c3a44", "autov2"),
    ("lora", "add_detail", "loras", "7c6bad76eb54", "autov3"),
    ("lora", "style_x", "loras", None, None),
    ("hypernet", "hn1", "hypernetworks", None, None),
    ("embedding", "EasyNegative", "embeddings", "c74b4e810b03", "autov3"),
    ("Hires upscaler", "4x-UltraSharp", "upscale_models", None, None),
}


def _a1111(found: WorkflowRefs) -> set[tuple[str | None, str, str | None, str | None, str | None]]:
    assert {r.origin for r in found.refs} == {"a1111"}
    return {(r.input, r.value, r.folder, r.hash, r.hash_type) for r in found.refs}


def test_a1111_png(tmp_path: Path) -> None:
    found = read_refs(a1111_png(tmp_path / "00001.png"))
    assert (found.source_format, found.contents) == ("png", ["parameters"])
    assert _a1111(found) == EXPECTED_A1111


@pytest.mark.parametrize("big_endian", [True, False])
def test_a1111_jpeg_user_comment(tmp_path: Path, big_endian: bool) -> None:
    found = read_refs(a1111_jpeg(tmp_path / "00001.jpg", big_endian=big_endian))
    assert (found.source_format, found.contents) == ("jpeg", ["parameters"])
    assert _a1111(found) == EXPECTED_A1111


def test_a1111_text_file(tmp_path: Path) -> None:
    path = tmp_path / "params.txt"
    path.write_text(A1111_TEXT)
    found = read_refs(path)
    assert found.source_format == "text"
    assert _a1111(found) == EXPECTED_A1111


def test_a1111_parameters_parts() -> None:
    prompt, negative, fields = parse_parameters(A1111_TEXT)
    assert prompt.startswith("photo of a duck")
    assert negative.startswith("monochrome")
    assert fields["Lora hashes"] == "add_detail: 7c6bad76eb54"
    assert fields["Steps"] == "15"


HASHES = {"model": "0123456789", "embed:badhands": "abcdefabcd"}


@pytest.mark.parametrize(
    "hashes",
    [json.dumps(json.dumps(HASHES)), json.dumps(HASHES)],
    ids=["quoted-as-a1111-writes-it", "unquoted"],
)
def test_a1111_civitai_hashes_and_builtin_upscaler(tmp_path: Path, hashes: str) -> None:
    text = (
        "a cat\nSteps: 20, Sampler: Euler, Model: base, Hires upscaler: Latent (nearest), "
        f"Hashes: {hashes}"
    )
    found = read_refs(a1111_png(tmp_path / "c.png", text))
    assert _a1111(found) == {
        ("Model", "base", "checkpoints", "0123456789", "autov2"),
        ("embedding", "badhands", "embeddings", "abcdefabcd", "autov2"),
    }


def test_flac_vorbis_comments(tmp_path: Path) -> None:
    path = tmp_path / "audio.flac"
    path.write_bytes(
        flac_with_comments({"prompt": json.dumps(API_PROMPT), "workflow": json.dumps(UI_WORKFLOW)})
    )
    found = read_refs(path)
    assert found.source_format == "flac"
    assert _pairs(found) == COMFY_PAIRS


def test_mp4_metadata(tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    path.write_bytes(
        mp4_with_metadata({"prompt": json.dumps(API_PROMPT), "workflow": json.dumps(UI_WORKFLOW)})
    )
    found = read_refs(path)
    assert found.source_format == "mp4"
    assert _pairs(found) == COMFY_PAIRS


@pytest.mark.parametrize("tags_first", [True, False])
def test_webm_tags(tmp_path: Path, tags_first: bool) -> None:
    path = tmp_path / "video.webm"
    tags = {"prompt": json.dumps(API_PROMPT), "workflow": json.dumps(UI_WORKFLOW)}
    path.write_bytes(webm_with_tags(tags, tags_first=tags_first))
    found = read_refs(path)
    assert found.source_format == "webm"
    assert _pairs(found) == COMFY_PAIRS


def test_image_without_metadata_is_a_clear_error(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "plain.png"
    Image.new("RGB", (4, 4)).save(path)
    with pytest.raises(WorkflowError, match="holds no ComfyUI workflow"):
        read_refs(path)


def test_ztxt_bomb_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(media, "MAX_TEXT_BYTES", 1 << 20)
    bomb = png_chunk(b"zTXt", b"workflow\0\0" + zlib_bomb(8 << 20))
    prompt = png_chunk(b"tEXt", b"prompt\0" + json.dumps(API_PROMPT).encode())
    path = tmp_path / "bomb.png"
    path.write_bytes(raw_png(bomb, prompt))
    found = read_refs(path)
    assert found.contents == ["prompt"]
    assert any("decompresses to more than" in w for w in found.warnings)


def test_oversized_text_chunk_is_skipped_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(media, "MAX_TEXT_BYTES", 1000)
    big = png_chunk(b"tEXt", b"workflow\0" + b"x" * 5000)
    path = tmp_path / "big.png"
    path.write_bytes(raw_png(big))
    with pytest.raises(WorkflowError, match=r"holds no ComfyUI workflow .*over the limit"):
        read_refs(path)


def test_other_text_chunks_are_skipped_unread(tmp_path: Path) -> None:
    """A chunk under another key is skipped by its length, however big it claims to be."""
    header = raw_png()[:33]
    path = tmp_path / "c.png"
    path.write_bytes(header + b"\x7f\xff\xff\xf0tEXtComment\0" + b"x" * 100)
    with pytest.raises(WorkflowError, match="holds no ComfyUI workflow"):
        read_refs(path)


def test_chunk_length_past_the_end(tmp_path: Path) -> None:
    header = raw_png()[:33]
    path = tmp_path / "cut.png"
    path.write_bytes(header + b"\x7f\xff\xff\xf0tEXtworkflow\0{")
    with pytest.raises(WorkflowError):
        read_refs(path)


def test_broken_compressed_chunk_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    prompt = png_chunk(b"tEXt", b"prompt\0" + json.dumps(API_PROMPT).encode())
    path.write_bytes(raw_png(png_chunk(b"zTXt", b"workflow\0\0not zlib"), prompt))
    found = read_refs(path)
    assert any("not valid compressed data" in w for w in found.warnings)
    assert found.contents == ["prompt"]


def test_embedded_json_that_is_broken_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "half.png"
    prompt = png_chunk(b"tEXt", b"prompt\0" + json.dumps(API_PROMPT).encode())
    path.write_bytes(raw_png(png_chunk(b"tEXt", b'workflow\0{"nodes": ['), prompt))
    found = read_refs(path)
    assert found.contents == ["prompt"]
    assert any("(workflow) is not valid JSON" in w for w in found.warnings)


def test_big_image_data_is_skipped_not_read(tmp_path: Path) -> None:
    """A 32 MiB IDAT chunk costs no memory: the reader seeks over it."""
    import tracemalloc

    prompt = png_chunk(b"tEXt", b"prompt\0" + json.dumps(API_PROMPT).encode())
    path = tmp_path / "large.png"
    with path.open("wb") as out:
        out.write(raw_png(prompt)[:-12])  # up to IEND
        size = 32 << 20
        out.write(size.to_bytes(4, "big") + b"IDAT")
        out.truncate(out.tell() + size)  # sparse zeros
        out.seek(0, 2)
        out.write(b"\0\0\0\0" + png_chunk(b"IEND", b""))
    tracemalloc.start()
    try:
        found = read_refs(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found.contents == ["prompt"]
    assert peak < 2 << 20, peak


def test_inflate_is_bounded() -> None:
    found = media.Embedded("png")
    assert media._inflate(zlib.compress(b"a" * 10), found, "x") == "a" * 10
