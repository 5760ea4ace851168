"""Cached hashes of files: what a finished download records (see
:mod:`hfsuite.storage.library_records` for the rest of the library's records).

Apart from them so that recording a download's digests does not create the library index's
records (each dataclass costs about a millisecond to create, in the import ``hfsuite download``
ends with).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

StatKey = tuple[int, int, int, int]
"""(device, inode, size in bytes, mtime in ns): what identifies a file's bytes without reading."""


class HashOrigin(enum.StrEnum):
    """Where a cached digest came from."""

    READ = "read"
    """Read from the file by the library (a scan with hashing, or a lazy hash)."""
    DOWNLOAD = "download"
    """The digest a finished download was verified against; the file was never re-read."""


@dataclass(frozen=True, slots=True)
class FileHashRecord:
    """Cached hashes of the bytes of one file identity.

    Attributes:
        key: (device, inode, size, mtime_ns) the hashes belong to.
        sha256: Full SHA-256 (hex), when computed.
        autov1: The old A1111 short hash (8 hex), when computed.
        partial_hash: SHA-256 of the first and last MiB (duplicate pre-filter), when computed.
        origin: ``read`` or ``download`` (:class:`HashOrigin`).
        computed_at: When the row was written (0 = now).
    """

    key: StatKey
    sha256: str | None = None
    autov1: str | None = None
    partial_hash: str | None = None
    origin: str = HashOrigin.READ
    computed_at: float = 0.0

    @property
    def size_bytes(self) -> int:
        """Size of the file hashed."""
        return self.key[2]
