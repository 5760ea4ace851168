"""Duplicate files and reclaiming their space.

Grouping narrows by size, then a partial hash (first and last MiB), then the full SHA-256.
Paths of one file (hard links, links into the HF cache's blobs) are one copy, never
duplicates of each other. Reclaiming replaces a duplicate by a hard link or a symbolic link to
the kept copy, or deletes it; every replacement is atomic (a link under a temporary name in the
same folder, then a rename over the duplicate), a file that changed since it was hashed is
skipped, the kept copy is checked before each action, and every action is logged.
"""

from __future__ import annotations

import enum
import os
import secrets
import stat as stat_mod
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hfsuite.core.clock import Clock, SystemClock
from hfsuite.library.hashing import (
    FileKey,
    Hasher,
    HashProgress,
    OpenFn,
    StatFn,
    partial_digest,
)
from hfsuite.library.scanner import ScannedFile

TEMP_MARK = ".hfsuite-reclaim-"


@dataclass(frozen=True, slots=True)
class Copy:
    """One physical copy of the bytes: a file (device, inode) and every known path to it."""

    paths: tuple[str, ...]
    key: FileKey
    nlink: int
    hf_blob: bool
    symlinks: tuple[str, ...] = ()  # scanned symbolic links that lead to this file

    @property
    def path(self) -> str:
        """The first path (the one actions name)."""
        return self.paths[0]


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Files with the same bytes, stored more than once."""

    size: int
    sha256: str
    copies: tuple[Copy, ...]

    @property
    def wasted_bytes(self) -> int:
        """Bytes that one copy per group would save."""
        return self.size * (len(self.copies) - 1)


def total_wasted(groups: Iterable[DuplicateGroup]) -> int:
    """Bytes wasted by all groups."""
    return sum(g.wasted_bytes for g in groups)


def _copies(files: Iterable[ScannedFile]) -> list[Copy]:
    by_id: dict[tuple[int, int], list[ScannedFile]] = {}
    pointers: dict[tuple[int, int], list[str]] = {}
    for f in files:
        if f.key.size == 0:
            continue
        if f.is_symlink:  # a pointer to another file, never a copy of it
            pointers.setdefault(f.key.file_id, []).append(f.path)
            continue
        by_id.setdefault(f.key.file_id, []).append(f)
    out = []
    for same in by_id.values():
        same.sort(key=lambda f: (not f.hf_blob, f.path))
        out.append(
            Copy(
                paths=tuple(f.path for f in same),
                key=same[0].key,
                nlink=max(f.nlink for f in same),
                hf_blob=any(f.hf_blob for f in same),
                symlinks=tuple(sorted(pointers.get(same[0].key.file_id, ()))),
            )
        )
    return out


def find_duplicates(
    files: Iterable[ScannedFile],
    hasher: Hasher,
    *,
    open_fn: OpenFn | None = None,
    on_progress: Callable[[HashProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[DuplicateGroup]:
    """Groups of files with identical bytes, largest waste first.

    Args:
        files: Scanned files (hashes already known are used as they are).
        hasher: Computes full hashes (through its cache) for candidates left after the cheap
            steps.
        open_fn: Opens files for the partial hash (injectable for tests).
        on_progress: Progress of the full hashing (the slow part).
        cancel: Stops the full hashing; groups are then built from the hashes known so far.
    """
    file_list = list(files)
    known = {f.key.file_id: f.sha256 for f in file_list if f.sha256 is not None}
    by_size: dict[int, list[Copy]] = {}
    for copy in _copies(file_list):
        by_size.setdefault(copy.key.size, []).append(copy)
    candidates: list[list[Copy]] = []
    for size, same_size in by_size.items():
        if len(same_size) < 2:
            continue
        by_partial: dict[str, list[Copy]] = {}
        for copy in same_size:
            try:
                if open_fn is None:
                    digest = partial_digest(copy.path, size)
                else:
                    digest = partial_digest(copy.path, size, open_fn)
            except OSError:
                continue
            by_partial.setdefault(digest, []).append(copy)
        candidates += [c for c in by_partial.values() if len(c) > 1]
    # One hashing run for every candidate: the files of all groups are hashed in parallel.
    need = {c.path: c.key.size for cs in candidates for c in cs if c.key.file_id not in known}
    run = hasher.hash_files(list(need), sizes=need, on_progress=on_progress, cancel=cancel)
    groups: list[DuplicateGroup] = []
    for copies in candidates:
        by_full: dict[str, list[Copy]] = {}
        for copy in copies:
            full = known.get(copy.key.file_id) or run.hashes.get(copy.path)
            if full is not None:
                by_full.setdefault(full, []).append(copy)
        groups += [
            DuplicateGroup(same[0].key.size, full, tuple(same))
            for full, same in by_full.items()
            if len(same) > 1
        ]
    groups.sort(key=lambda g: (-g.wasted_bytes, g.sha256))
    return groups


class ReclaimMode(enum.Enum):
    """How a duplicate's space is reclaimed."""

    HARDLINK = "hardlink"
    """Replace the duplicate by a hard link to the kept copy (same file system only)."""
    SYMLINK = "symlink"
    """Replace the duplicate by a symbolic link to the kept copy."""
    DELETE = "delete"
    """Remove the duplicate."""


class Outcome(enum.Enum):
    """What happened to one action."""

    PLANNED = "planned"
    """Dry run: the action would be taken."""
    DONE = "done"
    """The action was taken."""
    SKIPPED = "skipped"
    """The action was not taken (the reason says why); nothing changed."""
    FAILED = "failed"
    """The action failed part-way; the duplicate is still in place."""


@dataclass(frozen=True, slots=True)
class ReclaimAction:
    """Replace (or delete) ``path`` whose bytes are also at ``keep``."""

    mode: ReclaimMode
    path: str
    keep: str
    key: FileKey  # what ``path`` was when it was hashed
    keep_key: FileKey  # what ``keep`` was when it was hashed
    frees_bytes: int  # 0 when another path still holds the same inode

    def describe(self) -> str:
        """One line for the dry-run listing."""
        verb = {
            ReclaimMode.HARDLINK: "hard-link",
            ReclaimMode.SYMLINK: "symlink",
            ReclaimMode.DELETE: "delete",
        }[self.mode]
        target = "" if self.mode is ReclaimMode.DELETE else f" -> {self.keep}"
        return f"{verb} {self.path}{target} (frees {self.frees_bytes} bytes)"


def _keep_first(copies: Iterable[Copy]) -> list[Copy]:
    # The HF blob stays (the cache's links point at it), then the oldest, then by path.
    return sorted(copies, key=lambda c: (not c.hf_blob, c.key.mtime_ns, c.path))


def plan_reclaim(groups: Iterable[DuplicateGroup], mode: ReclaimMode) -> list[ReclaimAction]:
    """The actions that leave one copy per group (per file system, for hard links).

    HF-cache blobs are never replaced (the cache's own links point at them); when a group holds
    several, only the non-blob copies are acted on. Bytes are counted as freed on the last path
    of an inode, and only when every link to it is replaced. In DELETE mode a duplicate that
    scanned symbolic links lead to is replaced by a symbolic link instead, so they keep working.
    """
    actions: list[ReclaimAction] = []
    for group in groups:
        buckets: dict[int, list[Copy]] = {}
        for copy in group.copies:
            bucket = copy.key.device if mode is ReclaimMode.HARDLINK else 0
            buckets.setdefault(bucket, []).append(copy)
        for copies in buckets.values():
            if len(copies) < 2:
                continue
            keep, *rest = _keep_first(copies)
            for copy in rest:
                if copy.hf_blob:
                    continue
                whole = len(copy.paths) >= copy.nlink
                copy_mode = mode
                if mode is ReclaimMode.DELETE and copy.symlinks:
                    copy_mode = ReclaimMode.SYMLINK
                for i, path in enumerate(copy.paths):
                    last = i == len(copy.paths) - 1
                    actions.append(
                        ReclaimAction(
                            mode=copy_mode,
                            path=path,
                            keep=keep.path,
                            key=copy.key,
                            keep_key=keep.key,
                            frees_bytes=group.size if (whole and last) else 0,
                        )
                    )
    return actions


@dataclass(frozen=True, slots=True)
class ReclaimLogEntry:
    """One line of the reclaim log."""

    time: float
    action: ReclaimAction
    outcome: Outcome
    reason: str = ""


@dataclass
class ReclaimReport:
    """The totals of :func:`apply_reclaim`."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    freed_bytes: int = 0


def _rand_suffix() -> str:
    return secrets.token_hex(4)


def stale_temps(path: str) -> list[str]:
    """Temporary names a crashed reclaim left next to ``path``."""
    folder, name = os.path.split(path)
    prefix = name + TEMP_MARK
    try:
        return sorted(
            os.path.join(folder, n) for n in os.listdir(folder or ".") if n.startswith(prefix)
        )
    except OSError:
        return []


def apply_reclaim(
    actions: Iterable[ReclaimAction],
    log: Callable[[ReclaimLogEntry], None],
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
    lstat: StatFn = os.lstat,
    before_rename: Callable[[str, str], None] | None = None,
) -> ReclaimReport:
    """Carry out reclaim actions, logging each one.

    Args:
        actions: From :func:`plan_reclaim`.
        log: Receives one entry per action (PLANNED in a dry run).
        dry_run: List the actions without touching anything.
        clock: Stamps log entries.
        lstat: ``os.lstat`` (injectable for tests).
        before_rename: Called with (temporary name, path) after the link is made and before it
            is renamed over the duplicate; an exception there behaves as a crash at that point.
    """
    clock = clock or SystemClock()
    report = ReclaimReport()
    for action in actions:

        def note(outcome: Outcome, reason: str = "", a: ReclaimAction = action) -> None:
            log(ReclaimLogEntry(clock.now(), a, outcome, reason))

        if dry_run:
            note(Outcome.PLANNED)
            continue
        for temp in stale_temps(action.path):
            os.unlink(temp)
        reason = _check(action, lstat)
        if reason:
            report.skipped += 1
            note(Outcome.SKIPPED, reason)
            continue
        try:
            if action.mode is ReclaimMode.DELETE:
                os.unlink(action.path)
            else:
                temp = f"{action.path}{TEMP_MARK}{_rand_suffix()}"
                if action.mode is ReclaimMode.HARDLINK:
                    os.link(action.keep, temp)
                else:
                    os.symlink(os.path.abspath(action.keep), temp)
                if before_rename is not None:
                    before_rename(temp, action.path)
                os.replace(temp, action.path)
        except OSError as exc:
            report.failed += 1
            note(Outcome.FAILED, str(exc))
            continue
        report.done += 1
        report.freed_bytes += action.frees_bytes
        note(Outcome.DONE)
    return report


def _check(action: ReclaimAction, lstat: StatFn) -> str:
    """Why the action must not run now ("" when it may)."""
    try:
        keep = lstat(action.keep)
    except OSError as exc:
        return f"the kept copy is not readable: {exc}"
    if not stat_mod.S_ISREG(keep.st_mode) or FileKey.of(keep) != action.keep_key:
        return "the kept copy changed since it was hashed"
    try:
        st = lstat(action.path)
    except OSError as exc:
        return f"the duplicate is gone: {exc}"
    if not stat_mod.S_ISREG(st.st_mode):
        return "the duplicate is no longer a regular file"
    if (st.st_dev, st.st_ino) == (keep.st_dev, keep.st_ino):
        return "already the same file as the kept copy"
    if FileKey.of(st) != action.key:
        return "the duplicate changed since it was hashed"
    return ""
