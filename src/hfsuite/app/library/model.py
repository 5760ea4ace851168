"""What a library scan reports: its summary, the paths it could not read, the moves it found,
and what it is asked to scan (plain values, cheap to import for listings)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hfsuite.library.header import ModelFormat
from hfsuite.library.scanner import RootKind

FORMATS: tuple[str, ...] = tuple(f.value for f in ModelFormat)
"""Every format a library file can have (``library ls --format``)."""


@dataclass(frozen=True, slots=True)
class ScanIssue:
    """A path the scan could not read (in full); the scan went on.

    Attributes:
        path: The file or folder.
        kind: ``permission``, ``vanished``, ``changed``, ``symlink_loop``, ``broken_link``,
            ``header`` (the header could not be read) or ``error``.
        message: What happened.
    """

    path: str
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class MoveInfo:
    """A file found at a new path that is the one a vanished path held."""

    old_path: str
    new_path: str
    by: str  # "inode" or "sha256"


@dataclass
class ScanSummary:
    """What one scan did.

    Attributes:
        roots: The folders scanned.
        files: Files seen (each HF-cache blob once).
        bytes: Their total size.
        added, changed, unchanged, removed: Files by what happened to them.
        moved: Files found at a new path (kept with their history and hash).
        identified: Headers read (new and changed files).
        hashed_files, hashed_bytes: Files and bytes read to hash them.
        cached_hashes: Files whose digest was already known (nothing read).
        issues: Paths that could not be read, with why.
        cancelled: The scan was stopped; what it recorded is kept.
        elapsed_s: Wall time.
    """

    roots: list[str] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    moved: list[MoveInfo] = field(default_factory=list)
    identified: int = 0
    hashed_files: int = 0
    hashed_bytes: int = 0
    cached_hashes: int = 0
    issues: list[ScanIssue] = field(default_factory=list)
    cancelled: bool = False
    elapsed_s: float = 0.0


@dataclass(frozen=True, slots=True)
class ScanTarget:
    """One registered root to scan, possibly only a folder inside it."""

    root: str
    kind: RootKind
    under: str | None = None  # only this folder of a user/tool root
    inner: tuple[str, ...] = ()  # roots inside this one: their files are theirs, skipped here
