"""The emulator's Xet content store: files chunked once, chunks packed into xorbs, deduplicated.

Each blob served through Xet is chunked once per emulator process (cached by the blob's
identity, which changes with its content). Its chunks are looked up in a chunk index; chunks the
store already holds (from another file or an older revision) are referenced where they are, new
ones are packed, in file order, into new xorbs of at most 64 MiB / 8,192 chunks. A revision that
changes part of a file therefore shares the untouched chunks, and the xorbs holding them, with
the previous one, as on the Hub.

Xorbs are never materialised: a :class:`XorbBlob` reads its chunks from the source blobs on
demand (recompressing LZ4 chunks), so multi-GB files cost no memory beyond their chunk lists.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hfsuite.testing._content import Blob

if TYPE_CHECKING:
    from hfsuite.testing._xet_format import ChunkRecord

# Format limits (see _xet_format, which is imported only when Xet is used: it needs numpy,
# blake3 and lz4, which plain emulator users, such as `hfsuite demo`, may not have installed).
CHUNK_HEADER_SIZE = 8
MAX_XORB_BYTES = 64 * 1024 * 1024
MAX_XORB_CHUNKS = 8 * 1024
SCHEME_LZ4 = 1


@dataclass
class XorbEntry:
    """One chunk stored in a xorb, with where its bytes come from."""

    source: Blob
    offset: int
    size: int
    digest: bytes
    scheme: int
    packed_size: int

    @property
    def stored_size(self) -> int:
        """Bytes of the chunk in the serialised xorb (header included)."""
        return CHUNK_HEADER_SIZE + self.packed_size


@dataclass
class Xorb:
    """A xorb: chunks in order, and the byte offset of each chunk in its serialised form."""

    entries: list[XorbEntry] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    hash_hex: str = ""

    @property
    def byte_size(self) -> int:
        """Size of the serialised xorb."""
        return self.starts[-1]

    def add(self, entry: XorbEntry) -> int:
        """Append a chunk; return its index."""
        self.entries.append(entry)
        self.starts.append(self.starts[-1] + entry.stored_size)
        return len(self.entries) - 1

    def seal(self) -> None:
        """Compute the xorb's hash (its name) once no chunk will be added."""
        from hfsuite.testing._xet_format import hash_hex, xorb_hash

        self.hash_hex = hash_hex(xorb_hash([(e.digest, e.size) for e in self.entries]))

    def byte_range(self, first: int, end: int) -> tuple[int, int]:
        """``(start, end_inclusive)`` bytes of chunks ``[first, end)`` in the serialised xorb."""
        return self.starts[first], self.starts[end] - 1


@dataclass(frozen=True)
class Term:
    """Chunks ``[first, end)`` of one xorb: ``size`` decoded bytes at ``offset`` in the file."""

    xorb: Xorb
    first: int
    end: int
    size: int
    offset: int


@dataclass
class XetFile:
    """A file as Xet knows it: its id and the terms that rebuild it."""

    file_id: str
    size: int
    chunk_count: int
    terms: list[Term]
    chunk_hashes: list[bytes]
    term_offsets: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.term_offsets = [t.offset for t in self.terms]

    def terms_for(self, start: int, end: int) -> tuple[list[Term], int]:
        """Terms covering bytes ``[start, end]`` (inclusive), narrowed to whole chunks.

        Returns:
            The terms, and the offset of ``start`` inside the first one.
        """
        i = bisect.bisect_right(self.term_offsets, start) - 1
        out: list[Term] = []
        skip = 0
        while i < len(self.terms) and self.terms[i].offset <= end:
            term = self.terms[i]
            first, last = term.first, term.end
            pos = term.offset
            entries = term.xorb.entries
            # drop leading chunks before `start`, trailing chunks after `end`
            while first < last - 1 and pos + entries[first].size <= start:
                pos += entries[first].size
                first += 1
            tail = pos + sum(e.size for e in entries[first:last])
            while last - 1 > first and tail - entries[last - 1].size > end:
                tail -= entries[last - 1].size
                last -= 1
            if not out:
                skip = start - pos
            out.append(Term(term.xorb, first, last, tail - pos, pos))
            i += 1
        return out, skip


class XorbBlob(Blob):
    """The serialised bytes of a xorb, produced on demand from the chunks' source blobs."""

    def __init__(self, xorb: Xorb) -> None:
        super().__init__()
        self.xorb = xorb
        self.size = xorb.byte_size

    def identity(self) -> str:
        return f"xorb:{self.xorb.hash_hex}"

    def read(self, offset: int, length: int) -> bytes:
        stop = min(self.size, offset + length)
        if offset >= stop:
            return b""
        xorb = self.xorb
        first = bisect.bisect_right(xorb.starts, offset) - 1
        last = bisect.bisect_left(xorb.starts, stop)  # chunks [first, last) overlap the range
        parts = list(self._serialise(first, last))
        data = b"".join(parts)
        base = xorb.starts[first]
        return data[offset - base : stop - base]

    def _serialise(self, first: int, last: int) -> Iterator[bytes]:
        import lz4.frame

        from hfsuite.testing._xet_format import chunk_header

        entries = self.xorb.entries[first:last]
        i = 0
        while i < len(entries):
            # read runs of chunks that sit back to back in the same source with one call
            j = i + 1
            while (
                j < len(entries)
                and entries[j].source is entries[i].source
                and entries[j].offset == entries[j - 1].offset + entries[j - 1].size
            ):
                j += 1
            run = entries[i:j]
            raw = run[0].source.read(run[0].offset, sum(e.size for e in run))
            pos = 0
            for e in run:
                data = raw[pos : pos + e.size]
                pos += e.size
                payload = lz4.frame.compress(data) if e.scheme == SCHEME_LZ4 else data
                yield chunk_header(len(payload), e.scheme, e.size)
                yield payload
            i = j


class XetStore:
    """Chunked files, the chunk index and the xorbs of one emulator.

    Args:
        enabled: Whether repositories serve their LFS files through Xet unless they say
            otherwise (see :meth:`set_repo`).
        reconstruction_v2: Answer ``/v2/reconstructions`` (False: 404, so clients use V1).
        token_ttl_s: Lifetime of the CAS access tokens handed out by the token route.
    """

    def __init__(
        self, enabled: bool = False, reconstruction_v2: bool = True, token_ttl_s: float = 3600.0
    ) -> None:
        self.enabled = enabled
        self.reconstruction_v2 = reconstruction_v2
        self.token_ttl_s = token_ttl_s
        self._lock = threading.Lock()
        self._repo_flags: dict[int, tuple[object, bool]] = {}
        self._by_identity: dict[str, XetFile] = {}
        self._identity_locks: dict[str, threading.Lock] = {}
        self._files: dict[str, XetFile] = {}
        self._chunks: dict[bytes, tuple[Xorb, int]] = {}
        self._xorbs: dict[str, Xorb] = {}
        self.chunking_seconds = 0.0
        self.chunked_bytes = 0

    # -- which repositories ----------------------------------------------------------------
    def set_repo(self, record: object, enabled: bool | None) -> None:
        """Turn Xet on or off for one repository record (None: follow the server default)."""
        with self._lock:
            if enabled is None:
                self._repo_flags.pop(id(record), None)
            else:
                self._repo_flags[id(record)] = (record, enabled)

    def serves(self, record: object) -> bool:
        """Whether the repository serves its LFS files through Xet."""
        found = self._repo_flags.get(id(record))
        return found[1] if found is not None and found[0] is record else self.enabled

    # -- content ---------------------------------------------------------------------------
    def file_for(self, blob: Blob) -> XetFile:
        """The Xet file of ``blob``, chunking and packing it on first use."""
        key = blob.identity()
        found = self._by_identity.get(key)
        if found is not None:
            return found
        with self._lock:
            lock = self._identity_locks.setdefault(key, threading.Lock())
        with lock:
            found = self._by_identity.get(key)
            if found is not None:
                return found
            from hfsuite.testing._xet_format import chunk_content

            t0 = time.perf_counter()
            records = chunk_content(blob.read, blob.size)
            with self._lock:
                xet_file = self._pack(blob, records)
                self.chunking_seconds += time.perf_counter() - t0
                self.chunked_bytes += blob.size
                self._by_identity[key] = xet_file
                self._files.setdefault(xet_file.file_id, xet_file)
            return xet_file

    def _pack(self, blob: Blob, records: Sequence[ChunkRecord]) -> XetFile:
        placed: list[tuple[Xorb, int]] = []
        open_xorb: Xorb | None = None
        new_xorbs: list[Xorb] = []
        for rec in records:
            where = self._chunks.get(rec.hash)
            if where is None:
                if (
                    open_xorb is None
                    or len(open_xorb.entries) >= MAX_XORB_CHUNKS
                    or open_xorb.byte_size + CHUNK_HEADER_SIZE + rec.packed_size > MAX_XORB_BYTES
                ):
                    open_xorb = Xorb()
                    new_xorbs.append(open_xorb)
                entry = XorbEntry(blob, rec.start, rec.size, rec.hash, rec.scheme, rec.packed_size)
                where = (open_xorb, open_xorb.add(entry))
                self._chunks[rec.hash] = where
            placed.append(where)
        for xorb in new_xorbs:
            xorb.seal()
            self._xorbs[xorb.hash_hex] = xorb
        terms: list[Term] = []
        offset = 0
        i = 0
        while i < len(placed):
            xorb, first = placed[i]
            j = i + 1
            while j < len(placed) and placed[j][0] is xorb and placed[j][1] == placed[j - 1][1] + 1:
                j += 1
            size = sum(r.size for r in records[i:j])
            terms.append(Term(xorb, first, first + (j - i), size, offset))
            offset += size
            i = j
        from hfsuite.testing._xet_format import file_hash, hash_hex

        digest = file_hash([(r.hash, r.size) for r in records])
        return XetFile(hash_hex(digest), blob.size, len(records), terms, [r.hash for r in records])

    def lookup_file(self, file_id: str) -> XetFile | None:
        """A file known by its id (only files already chunked)."""
        return self._files.get(file_id)

    def lookup_xorb(self, name: str) -> Xorb | None:
        """A xorb by its hex hash."""
        return self._xorbs.get(name)

    def chunk_count(self) -> int:
        """Distinct chunks stored."""
        return len(self._chunks)

    def xorb_count(self) -> int:
        """Xorbs stored."""
        return len(self._xorbs)

    def stats(self) -> dict[str, object]:
        """Figures for ``GET /_emulator/xet``."""
        with self._lock:
            return {
                "enabled": self.enabled,
                "files": len(self._by_identity),
                "chunks": len(self._chunks),
                "xorbs": len(self._xorbs),
                "chunked_bytes": self.chunked_bytes,
                "chunking_seconds": round(self.chunking_seconds, 3),
            }
