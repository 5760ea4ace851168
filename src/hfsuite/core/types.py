"""Value types shared by every layer: what a repo is, what state a task is in.

These are plain, immutable where it makes sense, and free of I/O. Enums carry a docstring per
member so that the CLI, the UI and the database all mean the same thing by a state.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RepoType(enum.StrEnum):
    """Kind of repository on a hub."""

    MODEL = "model"
    """A model repository (no URL prefix on the Hub)."""
    DATASET = "dataset"
    """A dataset repository (``datasets/`` prefix)."""
    SPACE = "space"
    """A Space (``spaces/`` prefix)."""

    @property
    def api_segment(self) -> str:
        """The plural used in API paths: ``models``, ``datasets``, ``spaces``."""
        return f"{self.value}s"

    @property
    def url_prefix(self) -> str:
        """The prefix of file URLs: ``""`` for models, ``datasets/`` and ``spaces/`` otherwise."""
        return "" if self is RepoType.MODEL else f"{self.value}s/"


class SourceKind(enum.StrEnum):
    """Where a task's bytes come from."""

    HUGGINGFACE = "huggingface"
    """The Hugging Face Hub or a mirror of it."""
    MODELSCOPE = "modelscope"
    """ModelScope."""
    URL = "url"
    """A plain HTTP(S) file URL."""


class Layout(enum.StrEnum):
    """How downloaded files are laid out on disk."""

    HF_CACHE = "hf-cache"
    """huggingface_hub's cache: ``models--org--name/{blobs,snapshots,refs}``."""
    LOCAL_DIR = "local-dir"
    """Files at their repo paths in a plain folder, with huggingface_hub's local-dir metadata."""


class TaskState(enum.StrEnum):
    """Life cycle of a download task in the queue."""

    QUEUED = "queued"
    """Waiting for a free slot."""
    RUNNING = "running"
    """Being downloaded by the runner."""
    PAUSED = "paused"
    """Stopped by the user; stays paused across restarts until resumed."""
    COMPLETED = "completed"
    """Every selected file is on disk and verified."""
    FAILED = "failed"
    """Stopped by an error that retries did not overcome."""
    CANCELLED = "cancelled"
    """Stopped by the user for good."""

    @property
    def is_final(self) -> bool:
        """True for states a task does not leave without a user action (retry, re-download)."""
        return self in (TaskState.COMPLETED, TaskState.FAILED, TaskState.CANCELLED)


class Priority(enum.IntEnum):
    """Queue priority; higher runs first. Within one priority the manual order decides."""

    LOW = 0
    """Runs after everything else."""
    NORMAL = 1
    """The default."""
    HIGH = 2
    """Runs before normal and low tasks."""


class Outcome(enum.StrEnum):
    """How a finished task ended, as recorded in history."""

    COMPLETED = "completed"
    """All files downloaded and verified."""
    FAILED = "failed"
    """An error stopped the task."""
    CANCELLED = "cancelled"
    """The user cancelled it."""


@dataclass(frozen=True, slots=True)
class RepoRef:
    """A repository on a hub, optionally at a revision.

    Attributes:
        repo_id: ``org/name`` (or a bare ``name`` for legacy Hub ids).
        repo_type: model, dataset or space.
        revision: branch, tag, commit sha or PR ref; ``None`` means the default branch.
        source: which hub.
    """

    repo_id: str
    repo_type: RepoType = RepoType.MODEL
    revision: str | None = None
    source: SourceKind = SourceKind.HUGGINGFACE

    def __str__(self) -> str:
        prefix = "" if self.repo_type is RepoType.MODEL else f"{self.repo_type.api_segment}/"
        rev = f"@{self.revision}" if self.revision else ""
        return f"{prefix}{self.repo_id}{rev}"
