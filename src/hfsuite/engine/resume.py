"""Resume state of a partial file, persisted next to it as JSON.

``{"version": 1, "size": …, "etag": …, "commit": …, "ranges": [[start, end], …]}`` lists the
byte ranges known to be on disk. The data file is flushed (``fdatasync``) *before* the state
that claims its bytes is replaced (atomically), so after a crash, kill -9 or power loss the
state never claims bytes that are not on disk. A state that is missing, unreadable, or for
another etag/size means starting that file over.

A state that cannot be written (disk full, no permission) never fails the data transfer:
:class:`CheckpointWriter` tries again a few times, removes its temp file, and warns once; a
later run resumes from the last state that was written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from hfsuite.engine.ranges import RangeSet

VERSION = 1
#: Tries of one checkpoint before it is given up (the next checkpoint tries again).
SAVE_TRIES = 3

log = logging.getLogger(__name__)


@dataclass
class ResumeState:
    """What a previous run left of one file."""

    size: int
    etag: str | None
    commit: str | None
    ranges: RangeSet

    def to_json(self) -> str:
        """Serialise."""
        return json.dumps(
            {
                "version": VERSION,
                "size": self.size,
                "etag": self.etag,
                "commit": self.commit,
                "ranges": self.ranges.to_json(),
            }
        )


def load_state(path: Path) -> ResumeState | None:
    """Read a state file; None when missing or unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None
        return ResumeState(
            size=int(data["size"]),
            etag=data.get("etag"),
            commit=data.get("commit"),
            ranges=RangeSet.from_json(data.get("ranges") or []),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_state(path: Path, state: ResumeState, data_fd: int | None) -> None:
    """Flush the data file, then atomically replace the state file."""
    if data_fd is not None:
        try:
            os.fdatasync(data_fd)
        except (AttributeError, OSError):
            os.fsync(data_fd)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(state.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        # After a successful replace the temp file is gone; after a failure it must not stay.
        with contextlib.suppress(OSError):
            os.unlink(tmp)


class CheckpointWriter:
    """Saves one file's resume state, never letting a failure reach the data transfer.

    Args:
        path: The state file.
        what: The file's repo path (for the warning).
        retry_delay_s: Pause between tries.
    """

    def __init__(self, path: Path, what: str, retry_delay_s: float = 0.05):
        self.path = path
        self.what = what
        self.retry_delay_s = retry_delay_s
        self.failures = 0
        self._warned = False

    def save(self, state: ResumeState, data_fd: int | None) -> bool:
        """Flush the data and write the state, trying again a few times; whether it was saved.

        The first failure is logged as a warning, later ones at debug level only.
        """
        error: OSError | None = None
        for attempt in range(SAVE_TRIES):
            try:
                save_state(self.path, state, data_fd)
                return True
            except OSError as exc:
                error = exc
                if attempt + 1 < SAVE_TRIES:
                    time.sleep(self.retry_delay_s)
        self.failures += 1
        level = logging.DEBUG if self._warned else logging.WARNING
        self._warned = True
        log.log(
            level,
            "cannot save resume state of %s (%s); the data is kept and the download goes on",
            self.what,
            error,
        )
        return False
