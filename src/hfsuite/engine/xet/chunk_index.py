"""Which xorb chunks are already on disk, and where: the local record behind chunk reuse.

Every file downloaded through Xet leaves a record beside its destination: the terms of its
reconstruction (xorb hash, chunk range) with where their bytes are in the local file (offset,
length, and the length of each chunk when the download decoded them), plus the file's size and
modification time when the record was written. When another revision of a file is downloaded
into the same destination, each of its terms found inside a recorded term is copied from the
old file (``os.copy_file_range``, no network); only the rest is fetched.

Records are JSON files, one per local file, in a folder of the destination (the repository's
folder in the HF cache, ``.cache/huggingface/`` in a local dir): the engine writes them without
the database (a download moves bytes before the database opens), they go away with the
destination, and a record whose file was changed or removed since (size or mtime differ) is
ignored and deleted. The file-level SHA-256 is still checked after a reuse: when it fails, the
records of the files copied from are dropped and the file is downloaded again without them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfsuite.engine.ranges import RangeSet

log = logging.getLogger(__name__)

VERSION = 1
_MAX_RECORDS = 256  # records read per lookup (newest first)


@dataclass(frozen=True, slots=True)
class RecordedTerm:
    """Chunks ``[first, end)`` of xorb ``xorb`` at ``offset`` in a local file, ``length`` bytes;
    ``lens``: each chunk's length, when known."""

    xorb: str
    first: int
    end: int
    offset: int
    length: int
    lens: tuple[int, ...] | None = None

    def holds(self, first: int, end: int, length: int) -> bool:
        """Whether chunks ``[first, end)`` (``length`` bytes) are inside this term."""
        return self.first <= first and end <= self.end and length <= self.length

    def lens_of(self, first: int, end: int) -> tuple[int, ...] | None:
        """The lengths of chunks ``[first, end)``, when known."""
        if self.lens is None:
            return None
        return self.lens[first - self.first : end - self.first]

    def locate(self, first: int, end: int, length: int) -> int | None:
        """Offset in the local file of chunks ``[first, end)`` (``length`` bytes), when this
        term holds them and their place is known."""
        if not (self.first <= first and end <= self.end and length <= self.length):
            return None
        if self.lens is not None:
            head = sum(self.lens[: first - self.first])
            if sum(self.lens[first - self.first : end - self.first]) != length:
                return None
            return self.offset + head
        if first == self.first and (end < self.end or length == self.length):
            return self.offset
        if end == self.end:
            return self.offset + self.length - length
        return None


@dataclass(frozen=True, slots=True)
class Copy:
    """``length`` bytes at ``source_offset`` of ``source`` go to ``offset`` in the new file
    (the new term ``index``); ``lens``: its chunk lengths when the record knew them."""

    source: str
    source_offset: int
    offset: int
    length: int
    index: int = -1
    lens: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A new term (``index``, at ``offset``, ``length`` bytes) whose chunks a recorded term
    holds somewhere inside ``[region_offset, region_offset + region_length)`` of ``source``,
    at a place the record cannot tell (no chunk lengths): found by searching for its first
    chunk there."""

    source: str
    region_offset: int
    region_length: int
    offset: int
    length: int
    index: int


@dataclass
class Record:
    """One local file's terms."""

    path: str
    size: int
    mtime_ns: int
    xet_hash: str
    terms: list[RecordedTerm]

    def to_json(self) -> dict[str, Any]:
        """Serialisable form."""
        return {
            "version": VERSION,
            "path": self.path,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "xet_hash": self.xet_hash,
            "terms": [
                [t.xorb, t.first, t.end, t.offset, t.length, list(t.lens) if t.lens else None]
                for t in self.terms
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> Record | None:
        """The record, or None for anything else."""
        try:
            if data.get("version") != VERSION:
                return None
            terms = [
                RecordedTerm(
                    str(x),
                    int(a),
                    int(b),
                    int(o),
                    int(n),
                    tuple(int(v) for v in ls) if ls else None,
                )
                for x, a, b, o, n, ls in data["terms"]
            ]
            return cls(
                str(data["path"]), int(data["size"]), int(data["mtime_ns"]),
                str(data["xet_hash"]), terms,
            )  # fmt: skip
        except (AttributeError, KeyError, TypeError, ValueError):
            return None

    def still_valid(self) -> bool:
        """The file is there with the size and mtime it had when recorded."""
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return st.st_size == self.size and st.st_mtime_ns == self.mtime_ns


class ChunkIndex:
    """The records of one destination folder.

    Args:
        folder: Where the records live (created on first write).
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def _name(self, local_path: str) -> Path:
        digest = hashlib.sha256(local_path.encode("utf-8", "surrogateescape")).hexdigest()
        return self.folder / f"{digest[:32]}.json"

    def is_empty(self) -> bool:
        """Whether there is no record at all (a new file has nothing on disk to reuse)."""
        try:
            with os.scandir(self.folder) as entries:
                return not any(entry.name.endswith(".json") for entry in entries)
        except OSError:
            return True

    def records(self) -> list[Record]:
        """Valid records, newest first; stale ones are deleted."""
        try:
            files = sorted(
                self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True
            )
        except OSError:
            return []
        out: list[Record] = []
        for path in files[:_MAX_RECORDS]:
            try:
                record = Record.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                record = None
            if record is None or not record.still_valid():
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            out.append(record)
        return out

    def save(self, local_path: Path, xet_hash: str, terms: list[RecordedTerm]) -> None:
        """Record ``local_path`` (resolved: a cache snapshot link records its blob)."""
        real = os.path.realpath(local_path)
        try:
            st = os.stat(real)
            self.folder.mkdir(parents=True, exist_ok=True)
            record = Record(real, st.st_size, st.st_mtime_ns, xet_hash, terms)
            target = self._name(real)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_text(json.dumps(record.to_json()), encoding="utf-8")
            os.replace(tmp, target)
        except OSError as exc:
            log.warning("cannot record the Xet chunks of %s (%s)", local_path, exc)

    def forget(self, local_paths: set[str]) -> None:
        """Drop the records of these files (their bytes did not verify)."""
        for path in local_paths:
            with contextlib.suppress(OSError):
                self._name(path).unlink()

    def plan(
        self, terms: list[tuple[int, str, int, int, int]], done: RangeSet
    ) -> tuple[list[Copy], list[Unplaced]]:
        """Copies that fill the new file's terms from recorded files, and the terms a record
        holds at a place it cannot tell.

        Args:
            terms: ``(offset, xorb, first, end, length)`` of the new file's reconstruction.
            done: Bytes the new file already has (resumed): not copied again.
        """
        by_xorb: dict[str, list[tuple[Record, RecordedTerm]]] = {}
        for record in self.records():
            for t in record.terms:
                by_xorb.setdefault(t.xorb, []).append((record, t))
        copies: list[Copy] = []
        unplaced: list[Unplaced] = []
        for i, (offset, xorb, first, end, length) in enumerate(terms):
            if done.covers(offset, offset + length):
                continue
            holder: Unplaced | None = None
            for record, t in by_xorb.get(xorb, ()):
                at = t.locate(first, end, length)
                if at is not None:
                    lens = t.lens_of(first, end)
                    copies.append(Copy(record.path, at, offset, length, i, lens))
                    holder = None
                    break
                if holder is None and t.holds(first, end, length):
                    holder = Unplaced(record.path, t.offset, t.length, offset, length, i)
            if holder is not None:
                unplaced.append(holder)
        return copies, unplaced


def copy_range(src_fd: int, dst_fd: int, src_offset: int, dst_offset: int, length: int) -> None:
    """Copy bytes between files at offsets (``copy_file_range`` where the system has it)."""
    copy_file_range = getattr(os, "copy_file_range", None)
    while length > 0:
        n = 0
        if copy_file_range is not None:
            try:
                n = copy_file_range(src_fd, dst_fd, min(length, 1 << 30), src_offset, dst_offset)
            except OSError:
                copy_file_range = None  # another file system, an old kernel: copy by hand
                continue
        else:
            data = os.pread(src_fd, min(length, 8 << 20), src_offset)
            n = os.pwrite(dst_fd, data, dst_offset) if data else 0
        if n <= 0:
            raise OSError(f"short copy: {length} bytes left at offset {src_offset}")
        src_offset += n
        dst_offset += n
        length -= n
