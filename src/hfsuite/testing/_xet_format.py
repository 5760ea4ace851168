"""Xet content addressing, as the Xet storage format defines it: chunks, hashes, xorb chunk bytes.

* **Chunking** is content-defined (a gear rolling hash): a chunk ends after byte ``i`` when the
  hash ``h = (h << 1) + GEAR[byte]`` (64-bit, restarted at 0 for each chunk) has its top 16 bits
  clear. The first ``MIN_CHUNK - 65`` bytes of a chunk are not hashed; chunks are at most
  ``MAX_CHUNK`` bytes (target 64 KiB, 8 KiB to 128 KiB).
* **Chunk hash**: BLAKE3 keyed with ``DATA_KEY``.
* **Xorb and file hashes**: an aggregated Merkle tree whose nodes hash ``"{hex} : {size}\\n"``
  lines with BLAKE3 keyed with ``INTERNAL_NODE_KEY``; a node closes after a child whose last
  64-bit word is divisible by 4 (from the third child on), or after 9 children. The file hash is
  the root hashed again with BLAKE3 keyed with 32 zero bytes.
* **Hex form**: the 32 bytes read as four little-endian 64-bit words, each printed as 16 hex digits.
* **Chunk bytes in a xorb**: an 8-byte header (version 0, compressed size as u24 LE, compression
  scheme, uncompressed size as u24 LE) then the data, raw (scheme 0) or as an LZ4 frame (scheme 1).

The chunker is vectorised with numpy: the gear hash of every position is computed for a whole
block at once (six shift-and-add doubling steps give the 64-byte window), positions whose hash
passes the mask become candidates, and a short sequential walk applies the per-chunk restart
(only the first 63 hashed bytes of each chunk need the exact restarted hash).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

import blake3
import lz4.frame
import numpy as np

TARGET_CHUNK = 64 * 1024
MIN_CHUNK = TARGET_CHUNK // 8
MAX_CHUNK = TARGET_CHUNK * 2
MAX_XORB_BYTES = 64 * 1024 * 1024  # (the store keeps its own copy of these limits)
MAX_XORB_CHUNKS = 8 * 1024
_MASK = 0xFFFF_0000_0000_0000
_M64 = (1 << 64) - 1
_WINDOW = 64
_SKIP = MIN_CHUNK - _WINDOW - 1  # bytes of a chunk never hashed

SCHEME_NONE = 0
SCHEME_LZ4 = 1
CHUNK_HEADER_SIZE = 8

DATA_KEY = bytes.fromhex("6697f5775b9550de3135cbaca597181c9de421109beb2b58b4d0b04b93adf229")
INTERNAL_NODE_KEY = bytes.fromhex(
    "017ec5c7a5472996fd946666b48a02e65ddd536f37c76dd2f86352e64a53713f"
)
_FILE_KEY = bytes(32)

# The gear table of the ``gearhash`` Rust crate (its DEFAULT_TABLE), which Xet chunking uses.
_GEAR_HEX = """
b088d3a9e840f559 5652c7f739ed20d6 45b28969898972ab 6b0a89d5b68ec777
368f573e8b7a31b7 1dc636dce936d94b 207a4c4e5554d5b6 a474b34628239acb
3b06a83e1ca3b912 90e78d6c2f02baf7 e1c92df7150d9a8a 8e95053a1086d3ad
5a2ef4f1b83a0722 a50fac949f807fae 0e7303eb80d8d681 99b07edc1570ad0f
689d2fb555fd3076 00005082119ea468 c4b08306a88fcc28 3eb0678af6374afd
f19f87ab86ad7436 f2129fbfbe6bc736 481149575c98a4ed 0000010695477bc5
1fba37801a9ceacc 3bf06fd663a49b6d 99687e9782e3874b 79a10673aa50d8e3
e4accf9e6211f420 2520e71f87579071 2bd5d3fd781a8a9b 00de4dcddd11c873
eaa9311c5a87392f db748eb617bc40ff af579a8df620bf6f 86a6e5da1b09c2b1
cc2fc30ac322a12e 355e2afec1f74267 2d99c8f4c021a47b bade4b4a9404cfc3
f7b518721d707d69 3286b6587bf32c20 0000b68886af270c a115d6e4db8a9079
484f7e9c97b2e199 ccca7bb75713e301 bf2584a62bb0f160 ade7e813625dbcc8
000070940d87955a 8ae69108139e626f bd776ad72fde38a2 fb6b001fc2fcc0cf
c7a474b8e67bc427 baf6f11610eb5d58 09cb1f5b6de770d1 b0b219e6977d4c47
00ccbc386ea7ad4a cc849d0adf973f01 73a3ef7d016af770 c807d2d386bdbdfe
7f2ac9966c791730 d037a86bc6c504da f3f17c661eaa609d aca626b04daae687
755a99374f4a5b07 90837ee65b2caede 6ee8ad93fd560785 0000d9e11053edd8
9e063bb2d21cdbd7 07ab77f12a01d2b2 ec550255e6641b44 78fb94a8449c14c6
c7510e1bc6c0f5f5 0000320b36e4cae3 827c33262c8b1a2d 14675f0b48ea4144
267bd3a6498deceb f1916ff982f5035e 86221b7ff434fb88 9dbecee7386f49d8
ea58f8cac80f8f4a 008d198692fc64d8 6d38704fbabf9a36 e032cb07d1e7be4c
228d21f6ad450890 635cb1bfc02589a5 4620a1739ca2ce71 a7e7dfe3aae5fb58
0c10ca932b3c0deb 2727fee884afed7b a2df1c6df9e2ab1f 4dcdd1ac0774f523
000070ffad33e24e a2ace87bc5977816 9892275ab4286049 c2861181ddf18959
bb9972a042483e19 ef70cd3766513078 00000513abfc9864 c058b61858c94083
09e850859725e0de 9197fb3bf83e7d94 7e1e626d12b64bce 520c54507f7b57d1
bee1797174e22416 6fd9ac3222e95587 0023957c9adfbf3e a01c7d7e234bbe15
aba2c758b8a38cbb 0d1fa0ceec3e2b30 0bb6a58b7e60b991 4333dd5b9fa26635
c2fd3b7d4001c1a3 fb41802454731127 65a56185a50d18cb f67a02bd8784b54f
696f11dd67e65063 00002022fca814ab 8cd6be912db9d852 695189b6e9ae8a57
ee9453b50ada0c28 d8fc5ea91a78845e ab86bf191a4aa767 0000c6b5c86415e5
267310178e08a22e ed2d101b078bca25 3b41ed84b226a8fb 13e622120f28dc06
a315f5ebfb706d26 8816c34e3301bace e9395b9cbb71fdae 002ce9202e721648
4283db1d2bb3c91c d77d461ad2b1a6a5 e2ec17e46eeb866b b8e0be4039fbc47c
dea160c4d5299d04 7eec86c8d28c3634 2119ad129f98a399 a6ccf46b61a283ef
2c52cedef658c617 2db4871169acdd83 0000f0d6f39ecbe9 3dd5d8c98d2f9489
8a1872a22b01f584 f282a4c40e7b3cf2 8020ec2ccb1ba196 6693b6e09e59e313
0000ce19cc7c83eb 20cb5735f6479c3b 762ebf3759d75a5b 207bfe823d693975
d77dc112339cd9d5 9ba7834284627d03 217dc513e95f51e9 b27b1a29fc5e7816
00d5cd9831bb662d 71e39b806d75734c 7e572af006fb1a23 a2734f2f6ae91f85
bf82c6b5022cddf2 5c3beac60761a0de cdc893bb47416998 6d1085615c187e01
77f8ae30ac277c5d 917c6b81122a2c91 5b75b699add16967 0000cf6ae79a069b
f3c40afa60de1104 2063127aa59167c3 621de62269d1894d d188ac1de62b4726
107036e2154b673c 0000b85f28553a1d f2ef4e4c18236f3d d9d6de6611b9f602
a1fc7955fb47911c eb85fd032f298dbd be27502fb3befae1 e3034251c4cd661e
441364d354071836 0082b36c75f2983e b145910316fa66f0 021c069c9847caf7
2910dfc75a4b5221 735b353e1c57a8b5 ce44312ce98ed96c bc942e4506bdfa65
f05086a71257941b fec3b215d351cead 00ae1055e0144202 f54b40846f42e454
00007fd9c8bcbcc8 bfbd9ef317de9bfe a804302ff2854e12 39ce4957a5e5d8d4
ffb9e2a45637ba84 55b9ad1d9ea0818b 00008acbf319178a 48e2bfc8d0fbfb38
8be39841e848b5e8 0e2712160696a08b d51096e84b44242a 1101ba176792e13a
c22e770f4531689d 1689eff272bbc56c 00a92a197f5650ec bc765990bda1784e
c61441e392fcb8ae 07e13a2ced31e4a0 92cbe984234e9d4d 8f4ff572bb7d8ac5
0b9670c00b963bd0 62955a581a03eb01 645f83e5ea000254 41fce516cd88f299
bbda9748da7a98cf 0000aab2fe4845fa 19761b069bf56555 8b8f5e8343b6ad56
3e5d1cfd144821d9 ec5c1e2ca2b0cd8f faf7e0fea7fbb57f 000000d3ba12961b
da3f90178401b18e 70ff906de33a5feb 0527d5a7c06970e7 22d8e773607c13e9
c9ab70df643c3bac eda4c6dc8abe12e3 ecef1f410033e78a 0024c2b274ac72cb
06740d954fa900b4 1d7a299b323d6304 b3c37cb298cbead5 c986e3c76178739b
9fabea364b46f58a 6da214c5af85cc56 17a43ed8b7a38f84 6eccec511d9adbeb
f9cab30913335afb 4a5e60c5f415eed2 00006967503672b4 9da51d121454bb87
84321e13b9bbc816 fb3d6fb6ab2fdd8d 60305eed8e160a8d cbbf4b14e9946ce8
00004f63381b10c3 07d5b7816fcc4e10 e5a536726a6a8155 57afb23447a07fdd
18f346f7abc9d394 636dc655d61ad33d cc8bab4939f7f3f6 63c7a906c1dd187b
"""
GEAR: tuple[int, ...] = tuple(int(word, 16) for word in _GEAR_HEX.split())
assert len(GEAR) == 256
_GEAR_NP = np.array(GEAR, dtype=np.uint64)


# -- hashes ------------------------------------------------------------------------------------
def chunk_hash(data: bytes | memoryview) -> bytes:
    """The 32-byte hash of one chunk (BLAKE3 keyed with ``DATA_KEY``)."""
    return blake3.blake3(data, key=DATA_KEY).digest()


def hash_hex(digest: bytes) -> str:
    """The Xet hex form: four little-endian u64 words, each as 16 hex digits."""
    words = struct.unpack("<4Q", digest)
    return "".join(f"{w:016x}" for w in words)


def hex_to_hash(text: str) -> bytes:
    """The inverse of :func:`hash_hex`."""
    return struct.pack("<4Q", *(int(text[i : i + 16], 16) for i in range(0, 64, 16)))


def _next_cut(nodes: Sequence[tuple[bytes, int]], start: int) -> int:
    remaining = len(nodes) - start
    if remaining <= 2:
        return len(nodes)
    end = start + min(9, remaining)
    for i in range(start + 2, end):
        if struct.unpack_from("<Q", nodes[i][0], 24)[0] % 4 == 0:
            return i + 1
    return end


def merkle_root(nodes: Sequence[tuple[bytes, int]]) -> bytes:
    """The aggregated Merkle root of ``(hash, size)`` leaves (32 zero bytes when empty)."""
    if not nodes:
        return bytes(32)
    level = list(nodes)
    while len(level) > 1:
        parents: list[tuple[bytes, int]] = []
        start = 0
        while start < len(level):
            cut = _next_cut(level, start)
            group = level[start:cut]
            text = "".join(f"{hash_hex(h)} : {size}\n" for h, size in group)
            digest = blake3.blake3(text.encode(), key=INTERNAL_NODE_KEY).digest()
            parents.append((digest, sum(size for _, size in group)))
            start = cut
        level = parents
    return level[0][0]


def file_hash(chunks: Sequence[tuple[bytes, int]]) -> bytes:
    """The file id of a file made of ``(chunk hash, size)`` chunks."""
    if not chunks:
        return bytes(32)
    return blake3.blake3(merkle_root(chunks), key=_FILE_KEY).digest()


def xorb_hash(chunks: Sequence[tuple[bytes, int]]) -> bytes:
    """The hash naming a xorb made of ``(chunk hash, size)`` chunks."""
    return merkle_root(chunks)


# -- chunk bytes in a xorb ---------------------------------------------------------------------
def compress_chunk(data: bytes) -> tuple[int, bytes]:
    """``(scheme, payload)`` for one chunk: an LZ4 frame when it is smaller, else raw."""
    packed = lz4.frame.compress(data)
    if len(packed) < len(data):
        return SCHEME_LZ4, packed
    return SCHEME_NONE, data


def chunk_header(compressed_size: int, scheme: int, size: int) -> bytes:
    """The 8-byte header in front of each chunk in a xorb."""
    return (
        bytes([0])
        + compressed_size.to_bytes(3, "little")
        + bytes([scheme])
        + size.to_bytes(3, "little")
    )


def decode_chunks(data: bytes) -> list[bytes]:
    """Decode consecutive xorb chunks (header + payload) back to their bytes."""
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        header = data[pos : pos + CHUNK_HEADER_SIZE]
        if len(header) < CHUNK_HEADER_SIZE or header[0] != 0:
            raise ValueError(f"bad chunk header at {pos}")
        packed = int.from_bytes(header[1:4], "little")
        scheme = header[4]
        size = int.from_bytes(header[5:8], "little")
        payload = data[pos + CHUNK_HEADER_SIZE : pos + CHUNK_HEADER_SIZE + packed]
        if scheme == SCHEME_LZ4:
            chunk = lz4.frame.decompress(payload)
        elif scheme == SCHEME_NONE:
            chunk = payload
        else:
            raise ValueError(f"unsupported compression scheme {scheme}")
        if len(chunk) != size:
            raise ValueError(f"chunk at {pos}: {len(chunk)} bytes, header says {size}")
        out.append(chunk)
        pos += CHUNK_HEADER_SIZE + packed
    return out


# -- chunking ----------------------------------------------------------------------------------
_HASH_BLOCK = 64 * 1024  # positions per vectorised step (small enough to stay in cache)
_READ_BLOCK = 16 * 1024 * 1024  # bytes read from the content at once
_THRESHOLD = np.uint64(1 << 48)  # hash & 0xFFFF000000000000 == 0  <=>  hash < 2**48
_SHIFTS = tuple((1 << k, np.uint64(1 << k)) for k in range(6))


def _candidates(window: np.ndarray[Any, np.dtype[np.uint8]], lead: int) -> np.ndarray[Any, Any]:
    """Offsets (from ``lead``) in ``window`` where the 64-byte gear hash passes the mask.

    ``window`` starts with ``lead`` bytes of context (at most 63). The hash at position ``i`` is
    ``sum(GEAR[b[i - k]] << k for k < 64)``, built by doubling: a 2w-byte window hash is the
    w-byte hash plus the w-byte hash w positions earlier shifted left by w.
    """
    found: list[np.ndarray[Any, Any]] = []
    h_buf = np.empty(_HASH_BLOCK + _WINDOW, dtype=np.uint64)
    t_buf = np.empty(_HASH_BLOCK + _WINDOW, dtype=np.uint64)
    pos = lead
    while pos < len(window):
        ctx = min(pos, _WINDOW - 1)
        part = window[pos - ctx : pos + _HASH_BLOCK]
        n = len(part)
        h = h_buf[:n]
        np.take(_GEAR_NP, part, out=h)
        for width, shift in _SHIFTS:
            if width >= n:
                break
            t = t_buf[: n - width]
            np.left_shift(h[:-width], shift, out=t)
            h[width:] += t
        hits = np.flatnonzero(h[ctx:] < _THRESHOLD)
        if hits.size:
            found.append(hits + (pos - lead))
        pos += n - ctx
    return np.concatenate(found) if found else np.zeros(0, dtype=np.intp)


class ChunkRecord:
    """One chunk of a content: where it ends, its hash and how it is stored in a xorb."""

    __slots__ = ("end", "hash", "packed_size", "scheme", "size")

    def __init__(self, end: int, size: int, digest: bytes, scheme: int, packed_size: int):
        self.end = end
        self.size = size
        self.hash = digest
        self.scheme = scheme
        self.packed_size = packed_size

    @property
    def start(self) -> int:
        """Offset of the chunk's first byte in the content."""
        return self.end - self.size


def chunk_content(
    read: Callable[[int, int], bytes], size: int, *, compress: bool = True
) -> list[ChunkRecord]:
    """Chunk a ``size``-byte content read through ``read(offset, length)`` in one pass.

    A chunk ends after the first byte where the hash passes the mask once the chunk holds at
    least ``MIN_CHUNK`` bytes (by then the per-chunk hash has seen a full 64-byte window, so it
    equals the window hash computed over the whole content), or at ``MAX_CHUNK`` bytes, or at
    the end. Each chunk is hashed and, when ``compress`` is true, LZ4-compressed once to decide
    its scheme (the compressed bytes are not kept).
    """
    records: list[ChunkRecord] = []
    start = 0  # first byte of the chunk being built
    carry = b""  # bytes [start, pos) not yet part of a finished chunk
    tail = b""  # the 63 bytes before pos (hash context)
    pos = 0
    while pos < size:
        n = min(_READ_BLOCK, size - pos)
        block = read(pos, n)
        if len(block) != n:
            raise OSError(f"short read at {pos}: {len(block)} of {n} bytes")
        window = np.frombuffer(tail + block, dtype=np.uint8)
        cands = _candidates(window, len(tail)) + pos
        view = memoryview(block)
        stop = pos + n
        while True:
            limit = min(start + MAX_CHUNK, size)
            idx = int(np.searchsorted(cands, start + MIN_CHUNK - 1))
            if idx < len(cands) and int(cands[idx]) < limit:
                end = int(cands[idx]) + 1
            elif limit <= stop:
                end = limit
            else:
                break
            if start < pos:
                data = carry + bytes(view[: end - pos])
            else:
                data = bytes(view[start - pos : end - pos])
            records.append(_record(data, end, compress))
            start = end
            if start >= size:
                break
        carry = carry + block if start < pos else bytes(view[start - pos :])
        tail = (tail + block)[-(_WINDOW - 1) :]
        pos = stop
    return records


def _record(data: bytes, end: int, compress: bool) -> ChunkRecord:
    scheme, payload = compress_chunk(data) if compress else (SCHEME_NONE, data)
    return ChunkRecord(end, len(data), chunk_hash(data), scheme, len(payload))


def chunk_boundaries(read: Callable[[int, int], bytes], size: int) -> list[int]:
    """The end offset of every chunk of a content (see :func:`chunk_content`)."""
    return [r.end for r in chunk_content(read, size, compress=False)]


def chunk_boundaries_reference(data: bytes) -> list[int]:
    """A direct byte-by-byte port of the chunker (slow; for tests of the vectorised one)."""
    ends: list[int] = []
    start = 0
    while start < len(data):
        pos = start + _SKIP
        limit = min(start + MAX_CHUNK, len(data))
        h = 0
        end = limit
        while pos < limit:
            h = ((h << 1) + GEAR[data[pos]]) & _M64
            pos += 1
            if h & _MASK == 0 and pos - start >= MIN_CHUNK:
                end = pos
                break
        ends.append(end)
        start = end
    return ends
