"""Events the engine and the download manager publish (past tense: they report what happened).

Progress is batched by the publisher (a few events per second), never one event per chunk.
Subscribers (the CLI's progress display, the desktop app's bridge) must not block.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every event. ``task_id`` is None for a transfer outside the queue."""

    task_id: int | None


@dataclass(frozen=True, slots=True)
class FileProgress:
    """Progress of one file inside a :class:`TransferProgressed` batch."""

    path: str
    size: int
    done_bytes: int
    speed_bps: float
    connections: int


@dataclass(frozen=True, slots=True)
class TransferProgressed(Event):
    """Periodic progress of a running transfer (a few times per second)."""

    done_bytes: int
    total_bytes: int
    speed_bps: float
    eta_s: float | None
    files: tuple[FileProgress, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class FileStarted(Event):
    """A file began (or resumed) transferring."""

    path: str
    size: int
    resumed_bytes: int


@dataclass(frozen=True, slots=True)
class FileRestarted(Event):
    """A file's partial data was discarded and it starts over (remote changed, bad hash)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class FileVerified(Event):
    """A file's bytes matched its expected hash (or size when no hash is known)."""

    path: str
    method: str  # "sha256", "git-sha1" or "size"


@dataclass(frozen=True, slots=True)
class FileCompleted(Event):
    """A file is at its final path."""

    path: str
    size: int
    local_path: str
    skipped: bool = False  # already present before this run


@dataclass(frozen=True, slots=True)
class FileFailed(Event):
    """A file could not be downloaded; ``message`` is the actionable error text."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class TransferRetrying(Event):
    """A request failed and will be retried after ``delay_s``."""

    path: str
    attempt: int
    delay_s: float
    reason: str
