"""Records of the smaller tables: profiles, the API answer cache, daily stats and
model versions (what a download fetched, for update checks).

Like :mod:`hfsuite.storage.records` (tasks and history): ``…Spec`` objects go in, frozen
``…Record`` objects come out, detached from any session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hfsuite.core.types import Layout, RepoType, SourceKind
from hfsuite.storage.records import ManifestEntry

# --- profiles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileSpec:
    """A named destination, e.g. "ComfyUI loras".

    Attributes:
        name: Unique, shown to people.
        destination: The folder downloads go to.
        layout: HF cache or local dir.
        settings: Extra per-profile settings (JSON-serialisable; never secrets).
        origin: ``"manual"`` or what created it, e.g. ``"detected:comfyui"``.
    """

    name: str
    destination: str
    layout: Layout = Layout.LOCAL_DIR
    settings: dict[str, Any] = field(default_factory=dict)
    origin: str = "manual"


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """A stored profile."""

    id: int
    name: str
    destination: str
    layout: Layout
    settings: dict[str, Any]
    origin: str
    created_at: float
    updated_at: float


# --- caches --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiCacheEntry:
    """A cached API response.

    Attributes:
        key: Cache key (e.g. the request URL with sorted parameters; never a token).
        kind: What it is (``"model_info"``, ``"search"``…), for purging by kind.
        body: The decoded JSON body.
        etag: The response's ETag, for conditional revalidation.
        fetched_at: When it was fetched.
        expires_at: When it goes stale; ``None`` means never.
    """

    key: str
    kind: str
    body: Any
    etag: str | None
    fetched_at: float
    expires_at: float | None

    def is_expired(self, now: float) -> bool:
        """Whether the entry is stale at ``now``."""
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True, slots=True)
class DailyStats:
    """One day's download statistics.

    Attributes:
        day: The (local) day.
        downloads: Completed downloads.
        failures: Failed downloads.
        cancelled: Cancelled downloads.
        bytes_downloaded: Bytes transferred.
        seconds: Time spent transferring.
    """

    day: date
    downloads: int = 0
    failures: int = 0
    cancelled: int = 0
    bytes_downloaded: int = 0
    seconds: float = 0.0

    @property
    def average_speed_bps(self) -> float:
        """Average transfer speed over the day's download time (0 when idle)."""
        return self.bytes_downloaded / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class StatsSummary:
    """Statistics over a range of days (every day present, idle ones as zeros).

    Attributes:
        days: One entry per day, oldest first.
    """

    days: tuple[DailyStats, ...]

    @property
    def downloads(self) -> int:
        """Completed downloads over the range."""
        return sum(d.downloads for d in self.days)

    @property
    def failures(self) -> int:
        """Failed downloads over the range."""
        return sum(d.failures for d in self.days)

    @property
    def bytes_downloaded(self) -> int:
        """Bytes over the range."""
        return sum(d.bytes_downloaded for d in self.days)

    @property
    def seconds(self) -> float:
        """Download time over the range."""
        return sum(d.seconds for d in self.days)

    @property
    def average_speed_bps(self) -> float:
        """Average speed over the range's download time."""
        total = self.seconds
        return self.bytes_downloaded / total if total > 0 else 0.0


# --- model versions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileSelection:
    """Which files of a repository one download asked for (``hf download`` semantics).

    Attributes:
        paths: Explicit files or folders (empty: the whole repository).
        include: Glob patterns to keep.
        exclude: Glob patterns to drop.
    """

    paths: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        """The whole repository was asked for."""
        return not (self.paths or self.include or self.exclude)

    def to_json(self) -> dict[str, Any]:
        """The compact JSON form stored in the database (empty parts are left out)."""
        data = {"paths": self.paths, "include": self.include, "exclude": self.exclude}
        return {k: list(v) for k, v in data.items() if v}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileSelection:
        """Inverse of :meth:`to_json`."""
        return cls(
            paths=tuple(str(p) for p in data.get("paths", ())),
            include=tuple(str(p) for p in data.get("include", ())),
            exclude=tuple(str(p) for p in data.get("exclude", ())),
        )


@dataclass(frozen=True, slots=True)
class ModelVersionSpec:
    """What was downloaded where, for "check for updates".

    One row per (source, repo type, repo id, destination): downloading the same repo into the
    same folder again replaces the row, since the folder now holds the newer files.
    """

    source: SourceKind
    repo_id: str
    commit: str
    destination: str
    downloaded_at: float
    repo_type: RepoType = RepoType.MODEL
    revision: str | None = None
    layout: Layout = Layout.LOCAL_DIR
    manifest: Sequence[ManifestEntry] = ()
    selections: Sequence[FileSelection] | None = None
    """What the downloads into this destination asked for (any of them selects a file);
    None when unknown (rows written before selections were recorded)."""
    endpoint: str | None = None
    """The endpoint its last download used when it had its own (``--endpoint``: a mirror),
    where its update checks ask; None: the setting's."""


@dataclass(frozen=True, slots=True)
class ModelVersionRecord:
    """A tracked download, plus the result of the last update check.

    Attributes:
        upstream_commit: The commit the revision pointed to at the last check.
        checked_at: When the last check ran.
        selections: As :attr:`ModelVersionSpec.selections`.
        endpoint: As :attr:`ModelVersionSpec.endpoint`.
    """

    id: int
    source: SourceKind
    repo_type: RepoType
    repo_id: str
    revision: str | None
    commit: str
    destination: str
    layout: Layout
    manifest: tuple[ManifestEntry, ...]
    downloaded_at: float
    upstream_commit: str | None
    checked_at: float | None
    selections: tuple[FileSelection, ...] | None = None
    endpoint: str | None = None

    @property
    def update_available(self) -> bool:
        """True when the last check saw a different upstream commit."""
        return self.upstream_commit is not None and self.upstream_commit != self.commit


# --- workers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkerRecord:
    """A queue runner as it last reported itself.

    Attributes:
        id: Its claim (``host:pid:kind:token``), the value of ``tasks.claimed_by`` for the
            tasks it runs.
        name: The name it was given (``hfsuite worker --name``), else ``host-pid``.
        host / pid: Where it runs.
        slots: How many tasks it runs at once.
        started_at / heartbeat_at / stopped_at: Epoch seconds (``stopped_at`` when it ended
            normally; a killed worker only stops beating).
        running: Tasks it ran at its last heartbeat.
        bytes_per_s: Its download speed at its last heartbeat.
        tasks_done: Tasks it finished (any outcome) since it started.
    """

    id: str
    name: str
    host: str
    pid: int
    slots: int
    started_at: float
    heartbeat_at: float
    stopped_at: float | None
    running: int
    bytes_per_s: float
    tasks_done: int

    def heartbeat_age(self, now: float) -> float:
        """Seconds since its last heartbeat."""
        return max(0.0, now - self.heartbeat_at)
