"""identify() on random and mutated bytes: a per-file error at worst, never an exception or a
large allocation; and format sniffing by magic bytes."""

from __future__ import annotations

import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builders import (
    VAE,
    onnx_model,
    pickle_bytes,
    state_dict,
    write_gguf,
    write_safetensors,
    write_torch_zip,
)

from hfsuite.library.formats.gguf import read_gguf
from hfsuite.library.formats.onnx import read_onnx
from hfsuite.library.formats.pickle_zip import read_pickle, read_pytorch_zip
from hfsuite.library.formats.safetensors import read_safetensors
from hfsuite.library.header import ModelFormat, ModelHeader
from hfsuite.library.identify import identify, sniff_format

MAX_ALLOCATED = 8 * 1024 * 1024


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """One valid file of each format, to mutate."""
    folder = tmp_path_factory.mktemp("seeds")
    return {
        "safetensors": write_safetensors(folder / "a", VAE, {"k": "v"}).read_bytes(),
        "gguf": write_gguf(folder / "b").read_bytes(),
        "zip": write_torch_zip(folder / "c", state_dict({"w": (2, 2)})).read_bytes(),
        "pickle": pickle_bytes(state_dict({"emb_params": (1, 768)})),
        "onnx": onnx_model({"w": (4, 4)}),
        "deflated-zip": _deflated_zip(folder / "d"),
    }


def _deflated_zip(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/data.pkl", pickle_bytes(state_dict({"w": (2, 2)})))
    return path.read_bytes()


def _identify_bounded(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    tracemalloc.start()
    try:
        found = identify(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_ALLOCATED + 4 * len(data), peak
    assert isinstance(found.kind, str) and isinstance(found.errors, tuple)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=512))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    _identify_bounded(tmp_path / "random.bin", data)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["safetensors", "gguf", "zip", "pickle", "onnx", "deflated-zip"]),
    edits=st.lists(st.tuples(st.integers(0, 2**16), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(0, 2**16)),
    magic_prefix=st.sampled_from([b"", b"GGUF\x03\x00\x00\x00", b"\x80\x04", b"PK\x03\x04"]),
)
def test_mutated_files(
    tmp_path: Path,
    seeds: dict[str, bytes],
    kind: str,
    edits: list[tuple[int, int]],
    cut: int | None,
    magic_prefix: bytes,
) -> None:
    data = bytearray(seeds[kind])
    for offset, byte in edits:
        data[offset % len(data)] = byte
    mutated = magic_prefix + bytes(data[:cut])
    _identify_bounded(tmp_path / "mutated.bin", mutated)


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"GGUF\x03\x00\x00\x00", ModelFormat.GGUF),
        (b"PK\x03\x04\x14\x00", ModelFormat.PYTORCH_ZIP),
        ((10).to_bytes(8, "little") + b'{"a":1}', ModelFormat.SAFETENSORS),
        ((2**40).to_bytes(8, "little") + b"{", ModelFormat.UNKNOWN),
        (b"\x80\x02}q\x00", ModelFormat.PICKLE),
        (b"\x08\x08\x12\x07pytorch", ModelFormat.ONNX),
        (b"<html>", ModelFormat.UNKNOWN),
        (b"", ModelFormat.UNKNOWN),
    ],
)
def test_sniff_by_magic_bytes(head: bytes, fmt: ModelFormat) -> None:
    assert sniff_format(head) is fmt


def test_unreadable_and_unknown_paths(tmp_path: Path) -> None:
    missing = identify(tmp_path / "nope.safetensors")
    assert missing.kind == "unknown" and "Cannot read" in missing.errors[0]
    text = tmp_path / "notes.safetensors"
    text.write_text("hello")
    assert identify(text).format is ModelFormat.UNKNOWN


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reader=st.sampled_from([read_safetensors, read_gguf, read_pytorch_zip, read_pickle, read_onnx]),
    prefix=st.sampled_from([b"", b"GGUF\x03\x00\x00\x00", b"\x80\x02", b"PK\x03\x04", b"\x08\x08"]),
    data=st.binary(max_size=256),
)
def test_each_reader_on_bytes_not_its_format(
    tmp_path: Path, reader: Callable[[Path], ModelHeader], prefix: bytes, data: bytes
) -> None:
    # Readers are public: called directly, whatever the bytes, they report and never raise.
    path = tmp_path / "any.bin"
    path.write_bytes(prefix + data)
    header = reader(path)
    assert isinstance(header, ModelHeader) and isinstance(header.errors, tuple)
