"""Resume state of a partial file, persisted next to it as JSON.

``{"version": 1, "size": …, "etag": …, "commit": …, "ranges": [[start, end], …]}`` lists the
byte ranges known to be on disk. The data file is flushed (``fdatasync``) *before* the state
that claims its bytes is replaced (atomically), so after a crash, kill -9 or power loss the
state never claims bytes that are not on disk. A state that is missing, unreadable, or for
another etag/size means starting that file over.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from hfsuite.engine.ranges import RangeSet

VERSION = 1


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
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(state.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
