"""Duplicate files of the library and reclaiming their space (``hfsuite dupes``).

The pure work (grouping by size, partial hash and full hash; planning and carrying out
atomic replacements) is in :mod:`hfsuite.library.duplicates`. This module adds what needs the
application: which files (the library index, limited to the folders asked for), where hashes
are kept (the library's hash cache: a file is read once, whatever command reads it), keeping
the Hugging Face cache valid, and logging every action (the ``reclaim_log`` table and the log
file).

The index is seen through :class:`LibraryIndex`, a narrow protocol: the files of the last
scan as :class:`~hfsuite.library.scanner.ScannedFile`, the hash cache, and a sink for the
reclaim log. :func:`suite_index` builds it from the suite's library service.

Rules that keep the HF cache whole (on top of the pure planner, which never replaces a blob):

- the cache is recognised by its scan root and by its layout (``…/models--org--name/blobs``),
  so a cache scanned as part of a plain folder is protected the same way;
- blobs are kept first and never replaced (a group of blobs only is listed as left alone);
- a file of a cache's snapshot folder that is not a symbolic link (a cache made without
  symlinks) is never deleted, and is replaced by a symbolic link only when it would point at a
  blob of the cache; a hard link (the same bytes, still a regular file) is always fine;
- temporary names left by a reclaim that was killed between making a link and renaming it
  over the duplicate are removed before anything else (they are only ever extra links to the
  kept copy, never the last copy of anything).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import stat as stat_mod
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Protocol

from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.library.cache_layout import BLOBS, SNAPSHOTS, parse_repo_folder
from hfsuite.library.duplicates import (
    TEMP_MARK,
    Copy,
    ReclaimAction,
    ReclaimReport,
    apply_reclaim,
    find_duplicates,
    plan_reclaim,
    stale_temps,
    total_wasted,
)

# Re-exported for the CLI and the window, which do not import the library package.
from hfsuite.library.duplicates import DuplicateGroup as DuplicateGroup
from hfsuite.library.duplicates import Outcome as Outcome
from hfsuite.library.duplicates import ReclaimLogEntry as ReclaimLogEntry
from hfsuite.library.duplicates import ReclaimMode as ReclaimMode
from hfsuite.library.hashing import FileKey, HashCache, Hasher, HashProgress, HashRun, OpenFn
from hfsuite.library.scanner import ScannedFile

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

log = logging.getLogger("hfsuite.library.reclaim")

BeforeRename = Callable[[str, str], None]


class FlushableHashCache(HashCache, Protocol):
    """A hash cache that buffers what is put until :meth:`flush`."""

    def flush(self) -> None:
        """Write what was put since the last flush."""
        ...


class LibraryIndex(Protocol):
    """What duplicate finding, reclaiming and verifying need of the library index
    (:class:`~hfsuite.app.library.LibraryService` is one: ``suite.library``)."""

    def indexed_files(self) -> list[ScannedFile]:
        """Every file of the last scan (hashes filled in where cached)."""
        ...

    def roots(self) -> list[str]:
        """The scanned folders (absolute paths)."""
        ...

    @property
    def hash_cache(self) -> FlushableHashCache:
        """Where digests are looked up and recorded (flushed by the caller)."""
        ...

    def record_reclaim(self, entry: ReclaimLogEntry) -> None:
        """Append one action to the reclaim log (the database table)."""
        ...


# --- choosing files ---------------------------------------------------------------------------


def _is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _places(f: ScannedFile) -> list[str]:
    """Where a file shows: its path, and for a cache blob every snapshot entry leading to it."""
    return [f.path, *(r.snapshot_path for r in f.hf_refs if r.snapshot_path)]


def select_files(
    files: Iterable[ScannedFile], paths: Sequence[str], roots: Sequence[str] = ()
) -> list[ScannedFile]:
    """The indexed files under ``paths`` (every file when ``paths`` is empty).

    A cache blob counts as under a folder when one of its snapshot entries is.

    Raises:
        UsageError: a path does not exist, or is neither under a scanned folder nor holds an
            indexed file (scan it first: ``hfsuite scan PATH``).
    """
    file_list = list(files)
    if not paths:
        return file_list
    wanted: list[str] = []
    for given in paths:
        absolute = os.path.abspath(os.path.expanduser(given))
        if not os.path.lexists(absolute):
            raise UsageError(tr("No such file or folder: {path}", path=given))
        forms = {absolute, os.path.realpath(absolute)}
        inside_root = any(_is_under(form, root) for form in forms for root in roots)
        matched = any(_is_under(p, form) for f in file_list for p in _places(f) for form in forms)
        if not (inside_root or matched):
            raise UsageError(
                tr("{path} is not in the library index.", path=given),
                hint=tr("Scan it first: hfsuite scan {path}", path=given),
            )
        wanted += forms
    return [f for f in file_list if any(_is_under(p, w) for p in _places(f) for w in wanted)]


def refresh(files: Iterable[ScannedFile]) -> tuple[list[ScannedFile], list[str]]:
    """The files as they are now: keys re-read, hashes kept only for unchanged keys.

    The index holds the last scan; since then a reclaim may have replaced files by links or
    removed them, and files may have been rewritten. Returns the files still there, and the
    paths that are gone. Temporary names of a killed reclaim are left out; a file in the
    ``blobs`` folder of an HF-cache repository is marked as a blob whatever root it was
    scanned under.
    """
    now: list[ScannedFile] = []
    gone: list[str] = []
    for f in files:
        if TEMP_MARK in os.path.basename(f.path):
            continue
        try:
            lst = os.lstat(f.path)
            st = os.stat(f.path) if stat_mod.S_ISLNK(lst.st_mode) else lst
        except OSError:
            gone.append(f.path)
            continue
        if not stat_mod.S_ISREG(st.st_mode):
            gone.append(f.path)
            continue
        key = FileKey.of(st)
        is_link = stat_mod.S_ISLNK(lst.st_mode)
        # A cache blob found under a plain root (a parent of the cache was added) is one too.
        blob = f.hf_blob or (not is_link and cache_part(f.path) == BLOBS)
        if key == f.key and is_link == f.is_symlink and st.st_nlink == f.nlink:
            now.append(f if blob == f.hf_blob else f._replace(hf_blob=True))
            continue
        now.append(
            f._replace(
                key=key,
                nlink=st.st_nlink,
                is_symlink=is_link,
                hf_blob=blob,
                sha256=f.sha256 if key == f.key else None,
            )
        )
    return now, gone


# --- finding duplicates -----------------------------------------------------------------------


@dataclass
class DupesResult:
    """What :func:`find` found.

    Attributes:
        groups: Duplicate groups, largest waste first.
        files: The files considered (as they are now), by path.
        gone: Indexed paths that no longer exist (a rescan forgets them).
        problems: Files that could not be hashed, with why.
        hashed_bytes: Bytes read to hash files this time (0 when every hash was cached).
    """

    groups: list[DuplicateGroup]
    files: dict[str, ScannedFile]
    gone: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    hashed_bytes: int = 0

    @property
    def wasted_bytes(self) -> int:
        """Bytes one copy per group would save."""
        return total_wasted(self.groups)


class _CountingHasher(Hasher):
    """A :class:`Hasher` that remembers what its runs read and what failed."""

    def __init__(self, cache: HashCache, *, workers: int | None = None):
        super().__init__(cache, workers=workers)
        self.read_bytes = 0
        self.problems: list[tuple[str, str]] = []

    def hash_files(
        self,
        paths: Iterable[str],
        *,
        on_progress: Callable[[HashProgress], None] | None = None,
        cancel: threading.Event | None = None,
        sizes: Mapping[str, int] | None = None,
    ) -> HashRun:
        run = super().hash_files(paths, on_progress=on_progress, cancel=cancel, sizes=sizes)
        self.read_bytes += run.read_bytes
        self.problems += [(p.path, p.message) for p in run.problems]
        return run


def _skipping_known(files: Sequence[ScannedFile]) -> OpenFn:
    """Opens files for the partial hash, but reads nothing for sizes whose every file has a
    known SHA-256: there the "partial hash" is taken of that SHA-256, which groups them the
    same way (equal digests, equal bytes), so a library hashed before is not read again."""
    unknown = {f.key.size for f in files if f.sha256 is None and not f.is_symlink}
    known = {
        f.path: f.sha256
        for f in files
        if f.sha256 is not None and not f.is_symlink and f.key.size not in unknown
    }

    def open_fn(path: str) -> BinaryIO:
        digest = known.get(path)
        if digest is not None:
            return io.BytesIO(digest.encode())
        return open(path, "rb", buffering=0)

    return open_fn


def find(
    index: LibraryIndex,
    paths: Sequence[str] = (),
    *,
    on_progress: Callable[[HashProgress], None] | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> DupesResult:
    """Duplicate groups among the indexed files under ``paths`` (all of them when empty).

    Sizes narrow first, then the first and last MiB, then the full SHA-256, which comes from
    and goes to the index's hash cache. Hard links of one file, and symbolic links (the HF
    cache's snapshot entries among them), are one copy, never duplicates.

    Raises:
        UsageError: see :func:`select_files`.
    """
    chosen = select_files(index.indexed_files(), paths, index.roots())
    current, gone = refresh(chosen)
    # The index's hashes are those of the keys it recorded; a file changed since is looked up
    # in the cache by its new key (by the hasher, and only if its size has a twin).
    cache = index.hash_cache
    hasher = _CountingHasher(cache, workers=workers)
    try:
        groups = find_duplicates(
            current,
            hasher,
            open_fn=_skipping_known(current),
            on_progress=on_progress,
            cancel=cancel,
        )
    finally:
        cache.flush()
    return DupesResult(
        groups=groups,
        files={f.path: f for f in current},
        gone=gone,
        problems=hasher.problems,
        hashed_bytes=hasher.read_bytes,
    )


# --- planning ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """A duplicate the plan leaves alone, and why (it is not an action: nothing is logged)."""

    path: str
    keep: str
    reason: str


@dataclass
class ReclaimPlan:
    """The actions a reclaim takes, and the duplicates it refuses to touch."""

    mode: ReclaimMode
    actions: list[ReclaimAction]
    refused: list[Refusal] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)  # every file considered (for stale temps)

    @property
    def bytes_to_free(self) -> int:
        """What the actions free when every one is done."""
        return sum(a.frees_bytes for a in self.actions)


HF_BLOB = "a blob of the HF cache: never replaced (the cache's snapshots point at it)"
HF_CACHE_DELETE = "in the HF cache: deleting it would break the snapshot that holds it"
HF_CACHE_SYMLINK = (
    "in the HF cache: a symbolic link out of the cache could break it (use --hardlink)"
)
OTHER_DEVICE = (
    "on another file system than the kept copy: a hard link cannot cross file systems "
    "(--symlink or --delete can)"
)


def cache_part(path: str) -> str | None:
    """``blobs`` or ``snapshots`` when ``path`` lies in that folder of an HF-cache repository
    (``…/models--org--name/blobs/…``), whatever scan root it was found under; else None."""
    parts = os.path.normpath(path).split(os.sep)
    for i in range(len(parts) - 2):
        if parts[i + 1] in (BLOBS, SNAPSHOTS) and parse_repo_folder(parts[i]) is not None:
            return parts[i + 1]
    return None


def _is_blob(f: ScannedFile | None, path: str) -> bool:
    return (f is not None and f.hf_blob) or cache_part(path) == BLOBS


def _refusal(action: ReclaimAction, files: dict[str, ScannedFile]) -> str:
    """Why an action would break the HF cache ("" when it would not).

    The cache is recognised by the scan (a root of kind HF cache) and, should it have been
    scanned as a plain folder (a parent of it added as a root), by its layout.
    """
    f = files.get(action.path)
    if _is_blob(f, action.path):
        return HF_BLOB
    in_snapshot = (f is not None and bool(f.hf_refs)) or cache_part(action.path) == SNAPSHOTS
    if not in_snapshot:
        return ""
    if action.mode is ReclaimMode.DELETE:
        return HF_CACHE_DELETE
    if action.mode is ReclaimMode.SYMLINK and not _is_blob(files.get(action.keep), action.keep):
        return HF_CACHE_SYMLINK
    return ""


def _kept_order(group: DuplicateGroup) -> list[Copy]:
    """The group's copies, the one a plan keeps first (as the pure planner ranks them)."""
    return sorted(group.copies, key=lambda c: (not c.hf_blob, c.key.mtime_ns, c.path))


def _other_blobs(groups: Iterable[DuplicateGroup], mode: ReclaimMode) -> list[Refusal]:
    """Further cache blobs of a group (the same file in two cached repositories): kept."""
    out = []
    for group in groups:
        keep, *rest = _kept_order(group)
        for copy in rest:
            other_device = mode is ReclaimMode.HARDLINK and copy.key.device != keep.key.device
            if copy.hf_blob and not other_device:
                out.append(Refusal(copy.path, keep.path, HF_BLOB))
    return out


def _other_devices(groups: Iterable[DuplicateGroup]) -> list[Refusal]:
    """In a hard-link plan, the copy each further file system keeps (one per device)."""
    out = []
    for group in groups:
        ranked = _kept_order(group)
        keep = ranked[0]
        seen = {keep.key.device}
        for copy in ranked[1:]:
            if copy.key.device not in seen:
                seen.add(copy.key.device)
                out.append(Refusal(copy.path, keep.path, OTHER_DEVICE))
    return out


def plan(result: DupesResult, mode: ReclaimMode) -> ReclaimPlan:
    """What reclaiming ``result``'s groups in ``mode`` does; see the module's rules.

    A hard-link plan keeps one copy per file system (a link cannot cross them); the copies
    kept that way are listed as refusals, so the bytes they hold are not a surprise.
    """
    actions = plan_reclaim(result.groups, mode)
    refused: list[Refusal] = _other_blobs(result.groups, mode)
    if mode is ReclaimMode.HARDLINK:
        refused += _other_devices(result.groups)
    blocked: set[tuple[int, int]] = set()
    kept: list[ReclaimAction] = []
    for action in actions:
        reason = _refusal(action, result.files)
        if reason:
            refused.append(Refusal(action.path, action.keep, reason))
            blocked.add(action.key.file_id)
        else:
            kept.append(action)
    # A file with a path left in place keeps its bytes: the other paths free nothing.
    final = [dataclasses.replace(a, frees_bytes=0) if a.key.file_id in blocked else a for a in kept]
    return ReclaimPlan(mode, final, refused, sorted(result.files))


# --- carrying it out --------------------------------------------------------------------------


STALE_BLOCKS = "a leftover of an interrupted reclaim cannot be removed"


def stale_temp_files(paths: Iterable[str]) -> list[str]:
    """Temporary names a killed reclaim left in the folders of ``paths``."""
    found = []
    for folder in sorted({os.path.dirname(p) for p in paths}):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found += [os.path.join(folder, n) for n in sorted(names) if TEMP_MARK in n]
    return found


def clean_stale_temps(paths: Iterable[str]) -> list[str]:
    """Remove the temporary names a killed reclaim left in the folders of ``paths``.

    Such a name is a hard or symbolic link to a kept copy made just before it was renamed over
    a duplicate; the duplicate is still in place, so removing the link loses nothing.
    Returns the names removed.
    """
    removed = []
    for temp in stale_temp_files(paths):
        try:
            os.unlink(temp)
        except OSError as exc:
            log.warning("Cannot remove the leftover %s: %s", temp, exc)
            continue
        log.info("reclaim: removed the leftover %s of an interrupted reclaim", temp)
        removed.append(temp)
    return removed


@dataclass
class ReclaimResult:
    """What :func:`reclaim` did."""

    plan: ReclaimPlan
    report: ReclaimReport
    entries: list[ReclaimLogEntry]
    dry_run: bool
    stale_temps: list[str] = field(default_factory=list)  # removed (listed in a dry run)


def _log_line(entry: ReclaimLogEntry) -> str:
    a = entry.action
    target = "" if a.mode is ReclaimMode.DELETE else f" -> {a.keep}"
    why = f": {entry.reason}" if entry.reason else ""
    freed = a.frees_bytes if entry.outcome in (Outcome.DONE, Outcome.PLANNED) else 0
    return f"reclaim {a.mode.value} {entry.outcome.value} {a.path}{target} ({freed} bytes){why}"


def reclaim(
    index: LibraryIndex,
    the_plan: ReclaimPlan,
    *,
    dry_run: bool = False,
    before_rename: BeforeRename | None = None,
    on_entry: Callable[[ReclaimLogEntry], None] | None = None,
    forget: Callable[[list[str]], None] | None = None,
) -> ReclaimResult:
    """Carry out a plan (or, with ``dry_run``, log it as planned), logging every action.

    Each action goes to the log file and to the index's reclaim log as it happens, so a killed
    run leaves the record of what it did. A file that changed since it was hashed is skipped; a
    mode the file system cannot do (a hard link across devices, a symbolic link where they are
    not allowed) fails that action with the system's reason, and the run goes on. ``forget``
    removes deleted duplicates from the index (:func:`index_forgetter`).
    """
    entries: list[ReclaimLogEntry] = []
    scope = [*the_plan.scope, *(a.path for a in the_plan.actions)]
    stale = stale_temp_files(scope) if dry_run else clean_stale_temps(scope)

    def note(entry: ReclaimLogEntry) -> None:
        entries.append(entry)
        log.info("%s", _log_line(entry))
        index.record_reclaim(entry)
        deleted = entry.outcome is Outcome.DONE and entry.action.mode is ReclaimMode.DELETE
        if forget is not None and deleted:
            forget([entry.action.path])
        if on_entry is not None:
            on_entry(entry)

    # A leftover that could not be removed would stop the run at that action: skip it instead.
    runnable: list[ReclaimAction] = []
    blocked: list[tuple[ReclaimAction, str]] = []
    for action in the_plan.actions:
        left = [] if dry_run else stale_temps(action.path)
        if left:
            blocked.append((action, f"{STALE_BLOCKS}: {left[0]}"))
        else:
            runnable.append(action)
    for action, reason in blocked:
        note(ReclaimLogEntry(time.time(), action, Outcome.SKIPPED, reason))
    report = apply_reclaim(runnable, note, dry_run=dry_run, before_rename=before_rename)
    report.skipped += len(blocked)
    return ReclaimResult(the_plan, report, entries, dry_run, stale)


# --- the suite's index ------------------------------------------------------------------------


def suite_index(suite: Suite) -> LibraryIndex:
    """The library index of ``suite`` (its library service)."""
    return suite.library


def index_forgetter(suite: Suite) -> Callable[[list[str]], None]:
    """Removes paths a reclaim deleted from the index, so listings stop showing them."""

    def forget(paths: list[str]) -> None:
        with suite.database.write() as uow:
            uow.library_files.delete_paths(paths)

    return forget


def touched_folders(entries: Iterable[ReclaimLogEntry]) -> list[str]:
    """The folders of the paths a reclaim changed (a folder inside another one listed once)."""
    folders = sorted({os.path.dirname(e.action.path) for e in entries if e.outcome is Outcome.DONE})
    out: list[str] = []
    for folder in folders:  # sorted: a folder comes before the folders inside it
        if os.path.isdir(folder) and not any(_is_under(folder, o) for o in out):
            out.append(folder)
    return out


def rescan_touched(suite: Suite, run: ReclaimResult) -> list[str]:
    """Scan again the folders a reclaim changed, so the index shows the links (their inodes,
    link counts, symbolic links) at once rather than after the next ``hfsuite scan``.

    Returns the folders scanned.
    """
    folders = touched_folders(run.entries)
    if folders and not run.dry_run:
        suite.library.scan(folders)
    return folders
