"""The Xet path's pure parts: chunk decoding, reconstruction parsing, chunk records."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hfsuite.engine.ranges import RangeSet
from hfsuite.engine.xet.cas import parse_reconstruction
from hfsuite.engine.xet.chunk_index import ChunkIndex, RecordedTerm, Unplaced, copy_range
from hfsuite.engine.xet.decode import ChunkDecoder, XorbFormatError, ungroup4

lz4_frame = pytest.importorskip("lz4.frame", reason="chunks are LZ4 frames")


def _chunk(data: bytes, scheme: int) -> bytes:
    if scheme == 0:
        payload = data
    elif scheme == 1:
        payload = lz4_frame.compress(data)
    else:  # byte grouping 4, then LZ4
        grouped = b"".join(data[k::4] for k in range(4))
        payload = lz4_frame.compress(grouped)
    return (
        bytes([0])
        + len(payload).to_bytes(3, "little")
        + bytes([scheme])
        + len(data).to_bytes(3, "little")
        + payload
    )


def test_ungroup4_inverts_the_byte_grouping() -> None:
    for n in range(0, 13):
        data = bytes(range(n))
        assert ungroup4(b"".join(data[k::4] for k in range(4))) == data


def test_chunks_decode_whatever_the_pieces_they_arrive_in() -> None:
    chunks = [os.urandom(5000), b"abc" * 4000, bytes(range(256)) * 30 + b"x"]
    stream = b"".join(_chunk(c, s) for c, s in zip(chunks, (0, 1, 2), strict=True))
    for piece in (1, 7, 4096, len(stream)):
        decoder = ChunkDecoder()
        out: list[bytes] = []
        for i in range(0, len(stream), piece):
            out += decoder.feed(stream[i : i + piece])
        assert out == chunks
        assert decoder.pending == 0


def test_a_bad_chunk_is_a_format_error() -> None:
    good = _chunk(b"hello world" * 100, 1)
    with pytest.raises(XorbFormatError):
        ChunkDecoder().feed(b"\x01" + good[1:])  # unknown header version
    lying = good[:5] + (5).to_bytes(3, "little") + good[8:]  # the size does not match
    with pytest.raises(XorbFormatError):
        ChunkDecoder().feed(lying)


def test_v1_and_v2_reconstructions_parse_to_the_same_terms() -> None:
    terms = [
        {"hash": "aa", "unpacked_length": 100, "range": {"start": 2, "end": 4}},
        {"hash": "bb", "unpacked_length": 50, "range": {"start": 0, "end": 1}},
    ]

    def rng(a: int, b: int) -> dict[str, int]:
        return {"start": a, "end": b}

    v2 = {
        "offset_into_first_range": 7,
        "terms": terms,
        "xorbs": {
            "aa": [{"url": "u-a", "ranges": [{"chunks": rng(0, 5), "bytes": rng(0, 99)}]}],
            "bb": [{"url": "u-b", "ranges": [{"chunks": rng(0, 1), "bytes": rng(0, 9)}]}],
        },
    }
    v1 = {
        "offset_into_first_range": 7,
        "terms": terms,
        "fetch_info": {
            "aa": [{"range": rng(0, 5), "url": "u-a", "url_range": rng(0, 99)}],
            "bb": [{"range": rng(0, 1), "url": "u-b", "url_range": rng(0, 9)}],
        },
    }
    a, b = parse_reconstruction(v2), parse_reconstruction(v1)
    assert a == b
    assert a.skip == 7 and a.length == 150
    assert (a.terms[0].url_first, a.terms[0].first, a.terms[0].end) == (0, 2, 4)
    with pytest.raises(ValueError):
        parse_reconstruction({"terms": terms, "xorbs": {}})


def test_a_recorded_term_locates_the_chunks_it_holds() -> None:
    with_lens = RecordedTerm("x", 10, 14, 1000, 40, (5, 10, 15, 10))
    assert with_lens.locate(11, 13, 25) == 1005
    assert with_lens.locate(11, 13, 24) is None  # lengths disagree
    assert with_lens.locate(9, 12, 30) is None  # starts before the term
    bare = RecordedTerm("x", 10, 14, 1000, 40)
    assert bare.locate(10, 12, 15) == 1000  # a prefix
    assert bare.locate(12, 14, 25) == 1015  # a suffix
    assert bare.locate(11, 13, 25) is None  # the middle needs the chunk lengths


def test_records_plan_copies_and_go_stale_with_their_file(tmp_path: Path) -> None:
    old = tmp_path / "old.bin"
    old.write_bytes(bytes(range(256)) * 4)
    index = ChunkIndex(tmp_path / "index")
    index.save(
        old, "fileid", [RecordedTerm("x", 0, 4, 0, 512, None), RecordedTerm("y", 0, 2, 512, 512)]
    )
    terms = [(0, "y", 0, 2, 512), (512, "z", 0, 1, 100), (612, "x", 0, 4, 512)]
    copies, unplaced = index.plan(terms, RangeSet())
    assert [(c.source_offset, c.offset, c.length) for c in copies] == [(512, 0, 512), (0, 612, 512)]
    assert unplaced == []
    assert index.plan(terms, RangeSet([(0, 512)]))[0] == copies[1:]  # resumed: not copied again
    # a term inside a recorded one, at a place the record cannot tell: to be searched for
    middle = [(0, "x", 1, 3, 200)]
    assert index.plan(middle, RangeSet()) == ([], [Unplaced(str(old.resolve()), 0, 512, 0, 200, 0)])
    new = tmp_path / "new.bin"
    new.write_bytes(bytes(1124))
    src, dst = os.open(old, os.O_RDONLY), os.open(new, os.O_RDWR)
    try:
        copy_range(src, dst, 512, 0, 512)
    finally:
        os.close(src)
        os.close(dst)
    assert new.read_bytes()[:512] == old.read_bytes()[512:]
    old.write_bytes(b"changed")  # size and mtime differ: the record is dropped
    assert index.plan(terms, RangeSet()) == ([], [])
    assert not list((tmp_path / "index").glob("*.json"))
