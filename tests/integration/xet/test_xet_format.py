"""The emulator's Xet content addressing matches the Xet format (hf_xet is the oracle)."""

from __future__ import annotations

from pathlib import Path

import pytest
from xet_helpers import random_bytes

from hfsuite.testing import synthetic
from hfsuite.testing._xet_format import (
    MAX_CHUNK,
    MIN_CHUNK,
    SCHEME_LZ4,
    SCHEME_NONE,
    chunk_boundaries_reference,
    chunk_content,
    chunk_header,
    compress_chunk,
    decode_chunks,
    file_hash,
    hash_hex,
    hex_to_hash,
    merkle_root,
)

hf_xet = pytest.importorskip("hf_xet", reason="hf_xet (the Xet client) is the hashing oracle")


def _contents() -> dict[str, bytes]:
    return {
        "tiny": b"hello",
        "one-chunk": random_bytes(MIN_CHUNK - 1, 1),
        "two-chunks": random_bytes(70_000, 2),
        "random-3m": random_bytes(3_000_000, 3),
        "low-entropy": b"abc" * 100_000 + bytes(300_000) + random_bytes(100_000, 4),
        "zeros": bytes(5 * MAX_CHUNK + 17),
        "synthetic": synthetic(4_000_000, seed=5).read_all(),
    }


@pytest.mark.parametrize("name", list(_contents()))
def test_file_ids_match_hf_xet(name: str, tmp_path: Path) -> None:
    data = _contents()[name]
    path = tmp_path / name
    path.write_bytes(data)
    records = chunk_content(lambda o, n: data[o : o + n], len(data))
    assert [r.end for r in records] == chunk_boundaries_reference(data)
    assert b"".join(data[r.start : r.end] for r in records) == data
    assert all(r.size <= MAX_CHUNK for r in records)
    assert all(r.size >= MIN_CHUNK for r in records[:-1])
    ours = hash_hex(file_hash([(r.hash, r.size) for r in records]))
    (theirs,) = hf_xet.hash_files([str(path)])
    assert ours == theirs.hash


def test_chunking_does_not_depend_on_read_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    import hfsuite.testing._xet_format as fmt

    data = random_bytes(1_500_000, 6)
    whole = [r.end for r in chunk_content(lambda o, n: data[o : o + n], len(data))]
    monkeypatch.setattr(fmt, "_READ_BLOCK", 100_003)
    small = [r.end for r in chunk_content(lambda o, n: data[o : o + n], len(data))]
    assert whole == small == chunk_boundaries_reference(data)


def test_merkle_reference_vector() -> None:
    # the xet-core reference: three leaves (sizes 100, 200, 300), their node hash and file hash
    leaves = [
        (hex_to_hash("cfc5d07f6f03c29bbf424132963fe08d19a37d5757aaf520bf08119f05cd56d6"), 100),
        (hex_to_hash("c3e67584b5c4fc2a89837ec39e40f2c8a6bb0b2987ac94cd4b31e5fbdd210a72"), 200),
        (hex_to_hash("0d2beb91b9196929a5ddec9f6e306924ddf4a24268e3e59fd8464738d525af37"), 300),
    ]
    assert hash_hex(merkle_root(leaves)) == (
        "71ec1275fca074724e2dd666921b3277c7cee603e4d025bcab2d4050015be2bc"
    )
    assert hash_hex(file_hash(leaves)) == (
        "54e55dccc6653c612bdb5576c5d3cb34bb31bc4e100248abccf4c908b3ef7715"
    )


def test_chunks_are_lz4_framed_only_when_it_helps() -> None:
    text = b"the same line again\n" * 3000
    noise = random_bytes(60_000, 7)
    scheme_text, packed_text = compress_chunk(text)
    scheme_noise, packed_noise = compress_chunk(noise)
    assert scheme_text == SCHEME_LZ4 and len(packed_text) < len(text) // 10
    assert scheme_noise == SCHEME_NONE and packed_noise == noise
    serialised = (
        chunk_header(len(packed_text), scheme_text, len(text))
        + packed_text
        + chunk_header(len(packed_noise), scheme_noise, len(noise))
        + packed_noise
    )
    assert decode_chunks(serialised) == [text, noise]
    header = chunk_header(len(packed_text), SCHEME_LZ4, len(text))
    assert header[0] == 0 and header[4] == SCHEME_LZ4
    assert int.from_bytes(header[1:4], "little") == len(packed_text)
    assert int.from_bytes(header[5:8], "little") == len(text)


def test_the_emulator_imports_without_the_xet_dependencies() -> None:
    # numpy, blake3 and lz4 are only needed once Xet is used (`hfsuite demo` runs the emulator
    # on installs without the dev extra)
    import subprocess
    import sys

    code = (
        "import sys, hfsuite.testing, hfsuite.testing.hub\n"
        "print(sorted(m for m in ('numpy', 'blake3', 'lz4') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
