"""Records of the local model library: scan roots, scanned files, reclaim log (cached hashes:
:mod:`hfsuite.storage.hash_records`).

Like :mod:`hfsuite.storage.records`: ``…Spec`` objects go in, frozen ``…Record`` objects come
out, detached from any session. A file's identity on disk is a :data:`StatKey`, the tuple
(device, inode, size, mtime_ns) that :class:`hfsuite.library.hashing.FileKey` holds (storage
does not import the library package; ``app/`` converts).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from hfsuite.storage.hash_records import StatKey


class LibrarySort(enum.StrEnum):
    """Orders of :meth:`~hfsuite.storage.repositories.LibraryFileRepository.find`."""

    NAME = "name"
    """By path (folder, then file name)."""
    SIZE = "size"
    """Largest first."""
    DATE = "date"
    """Most recently modified first."""


@dataclass(frozen=True, slots=True)
class LibraryRootRecord:
    """A folder the library scans.

    Attributes:
        id: Row id.
        path: Absolute path of the folder.
        kind: ``hf_cache``, ``user`` or ``tool`` (:class:`hfsuite.library.scanner.RootKind`).
        added_at: When it was added.
        enabled: False for a default root the user removed (not scanned, not listed).
    """

    id: int
    path: str
    kind: str
    added_at: float
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class HfRefEntry:
    """One place of the HF cache a file appears: a path in a revision of a repository."""

    repo_type: str
    repo_id: str
    revision: str
    path: str

    def to_json(self) -> dict[str, str]:
        """The JSON form stored in ``library_files.hf_refs``."""
        return {
            "repo_type": self.repo_type,
            "repo_id": self.repo_id,
            "revision": self.revision,
            "path": self.path,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HfRefEntry:
        """The entry stored as ``data``."""
        return cls(
            str(data["repo_type"]), str(data["repo_id"]), str(data["revision"]), str(data["path"])
        )


@dataclass(frozen=True, slots=True)
class LibraryFileSpec:
    """What a scan found about one file (written as one ``library_files`` row).

    Attributes:
        path: Absolute path (for the HF cache: the blob).
        root: The scan root it was found under.
        key: (device, inode, size, mtime_ns) when it was examined.
        nlink: Hard links to the file.
        is_symlink: Reached through a symbolic link (path is the link, key its target's).
        hf_blob: A blob of the HF cache.
        format: ``safetensors``, ``gguf``… or ``unknown`` (a library ``ModelFormat`` value).
        kind: A ComfyUI folder key or ``llm``/``transformers``/``diffusers``/``unknown``.
        architecture, dtype, parameter_count, context_length, tensor_count: From the header.
        metadata: Header metadata, bounded (see ``app/library``), or None.
        warnings: Reader warnings (e.g. a pickle importing code-running functions).
        problem_kind: Why the file could not be read in full, as a short word, or None.
        problem: The message for ``problem_kind``.
        hf_refs: Every HF-cache revision/path this file appears as.
    """

    path: str
    root: str
    key: StatKey
    nlink: int = 1
    is_symlink: bool = False
    hf_blob: bool = False
    format: str = "unknown"
    kind: str = "unknown"
    architecture: str | None = None
    dtype: str | None = None
    parameter_count: int | None = None
    context_length: int | None = None
    tensor_count: int | None = None
    metadata: Mapping[str, Any] | None = None
    warnings: Sequence[str] = ()
    problem_kind: str | None = None
    problem: str | None = None
    hf_refs: Sequence[HfRefEntry] = ()

    @property
    def size_bytes(self) -> int:
        """The file's size."""
        return self.key[2]


@dataclass(frozen=True, slots=True)
class LibraryFileRecord:
    """One ``library_files`` row, with its cached hashes (None until hashed).

    Attributes are those of :class:`LibraryFileSpec`, plus the row id, when the file was
    first and last seen by a scan, and the digest and AutoV1 hash of its current key.
    """

    id: int
    path: str
    root: str
    key: StatKey
    nlink: int
    is_symlink: bool
    hf_blob: bool
    format: str
    kind: str
    architecture: str | None
    dtype: str | None
    parameter_count: int | None
    context_length: int | None
    tensor_count: int | None
    metadata: Mapping[str, Any] | None
    warnings: tuple[str, ...]
    problem_kind: str | None
    problem: str | None
    hf_refs: tuple[HfRefEntry, ...]
    first_seen: float
    last_seen: float
    sha256: str | None = None
    autov1: str | None = None
    hash_origin: str | None = None

    @property
    def size_bytes(self) -> int:
        """The file's size."""
        return self.key[2]

    @property
    def mtime_ns(self) -> int:
        """The file's modification time, in nanoseconds."""
        return self.key[3]

    @property
    def autov2(self) -> str | None:
        """The first 10 hex digits of the SHA-256 (what A1111 and CivitAI print)."""
        return self.sha256[:10] if self.sha256 else None


class IndexEntry(NamedTuple):
    """The little a rescan needs of a stored file to tell whether it changed.

    A named tuple rather than a frozen dataclass: a rescan builds one per indexed file, and a
    frozen dataclass's ``__init__`` (one ``object.__setattr__`` a field) cost more than the
    query that reads the rows.

    Attributes:
        id: Row id.
        path: Absolute path.
        key: The stat key recorded.
        nlink, is_symlink, root: As recorded.
        hf_refs_json: ``hf_refs`` as stored (compared as a whole).
        sha256: The cached digest of ``key``, or None.
    """

    id: int
    path: str
    key: StatKey
    nlink: int
    is_symlink: bool
    root: str
    hf_refs: tuple[HfRefEntry, ...]
    sha256: str | None


@dataclass(frozen=True, slots=True)
class LibraryQuery:
    """A filter and order for listing library files (every field optional).

    Attributes:
        kinds: Only these kinds.
        formats: Only these formats.
        root: Only files under this scan root.
        under: Only files whose path starts with this folder.
        models_only: Leave out files of format ``unknown`` (READMEs, configs…).
        sort: The order.
        limit: At most this many.
        with_metadata: Read each file's header metadata too (left out of listings: it is the
            largest column).
    """

    kinds: Sequence[str] = ()
    formats: Sequence[str] = ()
    root: str | None = None
    under: str | None = None
    models_only: bool = False
    sort: LibrarySort = LibrarySort.NAME
    limit: int | None = None
    with_metadata: bool = False


@dataclass(frozen=True, slots=True)
class LibraryTotals:
    """How many files a query matches and their bytes."""

    files: int = 0
    bytes: int = 0


@dataclass(frozen=True, slots=True)
class ReclaimLogSpec:
    """One reclaiming action, as it is logged.

    Attributes:
        mode: ``hardlink``, ``symlink`` or ``delete``.
        path: The duplicate acted on.
        keep: The copy kept, if any.
        outcome: ``done``, ``skipped``, ``failed`` or ``planned`` (a dry run).
        reason: Why it was skipped or failed.
        bytes: Bytes reclaimed (0 unless done).
        at: When (0 = now).
    """

    mode: str
    path: str
    keep: str | None
    outcome: str
    reason: str | None = None
    bytes: int = 0
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class ReclaimLogRecord:
    """A logged reclaiming action (see :class:`ReclaimLogSpec`)."""

    id: int
    at: float
    mode: str
    path: str
    keep: str | None
    outcome: str
    reason: str | None
    bytes: int


@dataclass
class LocationUpdate:
    """A file whose bytes are unchanged but whose links, references or root changed."""

    path: str
    root: str
    nlink: int
    is_symlink: bool
    hf_refs: Sequence[HfRefEntry] = field(default_factory=tuple)
