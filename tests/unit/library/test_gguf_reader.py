"""GGUF files written by the gguf package, and hostile ones written by hand."""

from __future__ import annotations

import struct
from pathlib import Path

import gguf
import pytest
from model_builders import write_gguf

from hfsuite.library.formats.gguf import read_gguf
from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import identify


def test_llama_gguf_key_values_tensors_and_quantisation(tmp_path: Path) -> None:
    found = identify(write_gguf(tmp_path / "tiny.Q8_0.gguf", context=8192))
    assert (found.format, found.kind, found.architecture) == (ModelFormat.GGUF, "llm", "llama")
    assert found.errors == ()
    meta = found.header.metadata
    assert meta["gguf.version"] == 3
    assert meta["llama.context_length"] == 8192
    assert meta["general.name"] == "tiny-test"
    assert meta["tokenizer.ggml.tokens"] == {"count": 100, "first": [f"tok{i}" for i in range(16)]}
    assert found.header.tensor_count == 2
    assert found.header.tensors["blk.0.attn_q.weight"].dtype == "Q8_0"
    assert found.header.tensors["blk.0.attn_q.weight"].shape == (64, 64)
    assert (found.dtype, found.parameter_count) == ("Q8_0", 64 * 64 + 64)
    assert found.context_length == 8192


def test_quantisation_preset_from_file_type(tmp_path: Path) -> None:
    header = read_gguf(write_gguf(tmp_path / "m.gguf", file_type=gguf.LlamaFileType.MOSTLY_Q4_K_M))
    assert header.dtype == "Q4_K_M" and header.metadata["general.file_type"] == 15


def test_quantised_flux_gguf_is_a_diffusion_model(tmp_path: Path) -> None:
    found = identify(write_gguf(tmp_path / "flux1-dev-Q8_0.gguf", arch="flux"))
    assert (found.kind, found.architecture) == ("diffusion_models", "flux")


PAD = b"\0" * 32


def _gguf(*parts: bytes) -> bytes:
    return b"GGUF" + struct.pack("<I", 3) + b"".join(parts)


def _s(text: bytes, length: int | None = None) -> bytes:
    return struct.pack("<Q", len(text) if length is None else length) + text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GGUF" + struct.pack("<I", 1), "version 1"),
        (_gguf(struct.pack("<QQ", 2**62, 0)), "Absurd counts"),
        (_gguf(struct.pack("<QQ", 1000, 1000)), "do not fit"),
        (_gguf(struct.pack("<QQ", 0, 1), _s(b"k", 2**40), PAD), "past the end"),
        # A string value claiming an exabyte.
        (
            _gguf(struct.pack("<QQ", 0, 1), _s(b"key"), struct.pack("<I", 8), _s(b"", 2**60), PAD),
            "past the end",
        ),
        # An array claiming 2**50 items.
        (
            _gguf(struct.pack("<QQ", 0, 1), _s(b"key"), struct.pack("<IIQ", 9, 4, 2**50), PAD),
            "past the end",
        ),
        (
            _gguf(struct.pack("<QQ", 0, 1), _s(b"key"), struct.pack("<I", 99), b"\0" * 16),
            "value type 99",
        ),
        (_gguf(struct.pack("<QQ", 0, 1), _s(b"key"), b"\0\0"), "Truncated"),
    ],
    ids=["v1", "absurd", "no-room", "key-len", "string-len", "array-len", "type", "truncated"],
)
def test_hostile_headers_are_per_file_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(data)
    header = read_gguf(path)
    assert header.format is ModelFormat.GGUF
    assert len(header.errors) == 1 and message in header.errors[0], header.errors


def test_truncated_file_keeps_what_was_read(tmp_path: Path) -> None:
    whole = write_gguf(tmp_path / "whole.gguf").read_bytes()
    # Cut inside the tensor infos: the key/values are all there, the tensors are not.
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole[: whole.index(b"blk.0.attn_norm.weight") + 4])
    header = read_gguf(cut)
    assert header.errors and header.metadata["general.architecture"] == "llama"
    assert header.parameter_count is None
