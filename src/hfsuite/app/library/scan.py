"""One library scan, streamed into the database.

```
roots ──► Scanner.iter_root (walk, stat)           compare with the stored index (by path)
             │ unchanged key ─► nothing read (a changed link count / HF reference: one UPDATE)
             │ new or changed ─► identify (header only, a few threads) ─► upsert, 256 at a time
             ▼
          end of a root: gone paths ─► moves (same inode, or same SHA-256 and size) / deletions
          --hash: every file without a cached digest ─► Hasher (threads) ─► file_hashes
```

Each batch is one write transaction, so a crash or a cancel leaves whole rows only; deletions
and moves are decided only when a root was walked to its end (a cancelled scan never takes a
file it did not reach for a deleted one). Memory holds the stored index of the roots being
scanned (path, key, a few small fields per file), never the identified rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from hfsuite.app.events import LibraryScanProgressed
from hfsuite.app.library.hashes import DatabaseHashCache, add_autov1, file_key, stat_key
from hfsuite.app.library.identity import describe, ref_entries
from hfsuite.app.library.model import MoveInfo, ScanIssue, ScanSummary, ScanTarget
from hfsuite.core.clock import Clock
from hfsuite.library.hashing import FileKey, Hasher, HashProgress
from hfsuite.library.scanner import RootKind, ScannedFile, Scanner, ScanProblem, ScanRoot
from hfsuite.storage import Database, IndexEntry, LibraryFileSpec, LocationUpdate

BATCH = 256
"""Files identified and written per transaction."""
IDENTIFY_THREADS = 4
"""Headers read at once (the work is mostly waiting for the disk)."""
PROGRESS_INTERVAL_S = 0.2

ProgressFn = Callable[[LibraryScanProgressed], None]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a scan builds its many small objects.

    Reading a 10,000-file index back and walking the tree allocate tens of thousands of
    tuples, which start full collections over every object the process holds (SQLAlchemy's
    alone are many): about 40 ms of an unchanged rescan's 0.15 s. Nothing made here forms
    cycles, so nothing is lost by collecting later; the previous state comes back at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LibraryScan:
    """Runs one scan (see the module docstring). Use :meth:`run` once.

    Args:
        db: The database.
        clock: For progress pacing and timing.
        hash_files: Also hash every file without a cached digest.
        on_progress: Receives progress events (a few per second, and at each phase's end).
        cancel: Stops the scan soon when set.
        scanner: The walker (injectable for tests).
        hash_workers: Threads for hashing (default: the number of cores).
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        hash_files: bool = False,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        scanner: Scanner | None = None,
        hash_workers: int | None = None,
    ):
        self.db = db
        self.clock = clock
        self.hash_files = hash_files
        self.on_progress = on_progress
        self.cancel = cancel or threading.Event()
        self.scanner = scanner or Scanner(clock=clock)
        self.hash_workers = hash_workers
        self.summary = ScanSummary()
        self._last_report = -1.0
        self._seen_paths: set[str] = set()

    # -- progress ------------------------------------------------------------------------------

    def _report(
        self, phase: str, current: str | None, *, force: bool = False, **extra: int
    ) -> None:
        if self.on_progress is None:
            return
        now = self.clock.monotonic()
        if not force and now - self._last_report < PROGRESS_INTERVAL_S:
            return
        self._last_report = now
        s = self.summary
        self.on_progress(
            LibraryScanProgressed(
                None,
                phase=phase,
                files=extra.get("files", s.files),
                bytes=extra.get("bytes", s.bytes),
                current_path=current,
                files_total=extra.get("files_total"),
                bytes_total=extra.get("bytes_total"),
            )
        )

    # -- the run -------------------------------------------------------------------------------

    def run(self, targets: list[ScanTarget]) -> ScanSummary:
        """Scan ``targets`` and return the summary (also when cancelled)."""
        started = time.perf_counter()
        self.summary.roots = [t.under or t.root for t in targets]
        try:
            for target in targets:
                if self.cancel.is_set():
                    break
                self._scan_target(target)
            if self.hash_files and not self.cancel.is_set():
                self._hash_missing(targets)
        finally:
            self.summary.cancelled = self.cancel.is_set()
            self.summary.elapsed_s = time.perf_counter() - started
            self._report("done", None, force=True)
        return self.summary

    def _scan_target(self, target: ScanTarget) -> None:
        top = target.under or target.root
        if not os.path.isdir(top):
            if target.kind is not RootKind.HF_CACHE or target.under is not None:
                self.summary.issues.append(
                    ScanIssue(top, "missing", "the folder is not there; its files are kept")
                )
            return  # an absent HF cache holds nothing; a missing folder may be unmounted
        with _gc_paused(), self.db.read() as uow:
            previous = {
                e.path: e for e in uow.library_files.index(root=target.root, under=target.under)
            }
        by_key = {e.key: e.path for e in previous.values()}
        problems: list[ScanProblem] = []
        pending: list[ScannedFile] = []
        known: list[tuple[str, LibraryFileSpec]] = []
        locations: list[LocationUpdate] = []
        added: list[tuple[str, FileKey]] = []
        seen: set[str] = set()
        with _gc_paused():
            pool = ThreadPoolExecutor(IDENTIFY_THREADS, thread_name_prefix="identify")
            try:
                # Runs once per file: kept flat, with locals for what it looks up each time.
                seen_paths, inner, root = self._seen_paths, target.inner, target.root
                summary, report = self.summary, self._report
                progress = self.on_progress is not None
                walk = self.scanner.iter_root(ScanRoot(top, target.kind), problems, self.cancel)
                for found in walk:
                    path = found.path
                    if path in seen_paths or (inner and _inside_any(path, inner)):
                        continue  # under two roots: the first one (or the innermost) has it
                    seen_paths.add(path)
                    seen.add(path)
                    key = found.key  # a FileKey equals (and hashes as) the stored key tuple
                    summary.files += 1
                    summary.bytes += key.size
                    old = previous.get(path)
                    if old is not None and old.key == key:
                        summary.unchanged += 1
                        if (
                            old.nlink != found.nlink
                            or old.is_symlink != found.is_symlink
                            or old.root != root
                            or old.hf_refs
                            or found.hf_refs
                        ) and self._location_changed(old, found, root):
                            locations.append(self._location(found, root))
                    elif old is None and key in by_key:
                        # The same bytes are indexed at another path (renamed, hard-linked).
                        added.append((path, key))
                        summary.added += 1
                        known.append((by_key[key], self._bare_spec(found, root)))
                    else:
                        if old is None:
                            added.append((path, key))
                        pending.append(found)
                    if len(pending) >= BATCH or len(locations) + len(known) >= BATCH * 4:
                        self._write(pool, pending, known, locations, root, previous)
                        pending, known, locations = [], [], []
                    if progress:
                        report("walk", path)
                self._write(pool, pending, known, locations, target.root, previous)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
                self.summary.issues += [
                    ScanIssue(p.path, p.kind.value, p.message) for p in problems
                ]
        if self.cancel.is_set():
            return  # unreached files are not gone: nothing is removed
        gone = [e for path, e in previous.items() if path not in seen]
        if gone:
            self._moves_and_removals(gone, added)
        with self.db.write() as uow:
            uow.library_files.touch_all(root=target.root, under=target.under)

    @staticmethod
    def _bare_spec(found: ScannedFile, root: str) -> LibraryFileSpec:
        return LibraryFileSpec(
            path=found.path,
            root=root,
            key=stat_key(found.key),
            nlink=found.nlink,
            is_symlink=found.is_symlink,
            hf_blob=found.hf_blob,
            hf_refs=ref_entries(found.hf_refs),
        )

    @staticmethod
    def _location_changed(old: IndexEntry, found: ScannedFile, root: str) -> bool:
        if not old.hf_refs and not found.hf_refs:  # most files: no HF-cache references
            return (old.nlink, old.is_symlink, old.root) != (found.nlink, found.is_symlink, root)
        return (old.nlink, old.is_symlink, old.root, old.hf_refs) != (
            found.nlink,
            found.is_symlink,
            root,
            ref_entries(found.hf_refs),
        )

    @staticmethod
    def _location(found: ScannedFile, root: str) -> LocationUpdate:
        return LocationUpdate(
            found.path, root, found.nlink, found.is_symlink, ref_entries(found.hf_refs)
        )

    def _write(
        self,
        pool: ThreadPoolExecutor,
        pending: list[ScannedFile],
        known: list[tuple[str, LibraryFileSpec]],
        locations: list[LocationUpdate],
        root: str,
        previous: dict[str, IndexEntry],
    ) -> None:
        specs: list[LibraryFileSpec] = []
        if pending:
            gc.collect(0)  # the collector is paused (_gc_paused): free a batch's young cycles
            for found, (spec, problem) in zip(
                pending, pool.map(lambda f: _describe_safely(f, root), pending), strict=True
            ):
                self.summary.identified += 1
                if spec is None:
                    self.summary.issues.append(ScanIssue(found.path, "vanished", problem or ""))
                    self.summary.files -= 1
                    self.summary.bytes -= found.size
                    continue
                if problem:
                    self.summary.issues.append(
                        ScanIssue(found.path, spec.problem_kind or "error", problem)
                    )
                if found.path in previous:
                    self.summary.changed += 1
                else:
                    self.summary.added += 1
                specs.append(spec)
                self._report("identify", found.path)
        if specs or locations or known:
            with self.db.write() as uow:
                uow.library_files.upsert_many(specs)
                for source, spec in known:
                    uow.library_files.clone_identity(source, [spec])
                uow.library_files.update_locations(locations)

    # -- moves and deletions -------------------------------------------------------------------

    def _moves_and_removals(self, gone: list[IndexEntry], added: list[tuple[str, FileKey]]) -> None:
        moves: list[MoveInfo] = []
        taken: set[str] = set()
        by_key: dict[FileKey, list[IndexEntry]] = {}
        for entry in gone:
            by_key.setdefault(file_key(entry.key), []).append(entry)
        unmatched: list[tuple[str, FileKey]] = []
        for path, key in added:
            candidates = [e for e in by_key.get(key, []) if e.path not in taken]
            if candidates:
                taken.add(candidates[0].path)
                moves.append(MoveInfo(candidates[0].path, path, "inode"))
            else:
                unmatched.append((path, key))
        by_hash: dict[tuple[str, int], list[IndexEntry]] = {}
        with self.db.read() as uow:
            for entry in gone:
                if entry.path in taken:
                    continue
                known = uow.file_hashes.get(entry.key)
                if known is not None and known.sha256:
                    by_hash.setdefault((known.sha256, entry.key[2]), []).append(entry)
        sizes = {size for _sha, size in by_hash}
        worth_hashing = [(p, k) for p, k in unmatched if k.size in sizes]
        if worth_hashing:
            digests = self._hash_paths([p for p, _k in worth_hashing], phase="moves")
            for path, key in worth_hashing:
                digest = digests.get(path)
                candidates = [
                    e for e in by_hash.get((digest or "", key.size), []) if e.path not in taken
                ]
                if candidates:
                    taken.add(candidates[0].path)
                    moves.append(MoveInfo(candidates[0].path, path, "sha256"))
        removed = [e.path for e in gone if e.path not in taken]
        with self.db.write() as uow:
            for move in moves:
                uow.library_files.merge_move(move.old_path, move.new_path)
            uow.library_files.delete_paths(removed)
        self.summary.moved += moves
        self.summary.added -= len(moves)
        self.summary.removed += len(removed)

    # -- hashing -------------------------------------------------------------------------------

    def _hash_paths(
        self, paths: list[str], *, phase: str, known_missing: Iterable[FileKey] = ()
    ) -> dict[str, str]:
        if not paths:
            return {}
        with DatabaseHashCache(self.db, known_missing=known_missing) as cache:
            hasher = Hasher(cache, workers=self.hash_workers, clock=self.clock)

            def progress(p: HashProgress) -> None:
                self._report(
                    phase,
                    p.current_path,
                    force=p.current_path is None,
                    files=p.files_done,
                    bytes=p.bytes_done,
                    files_total=p.files_total,
                    bytes_total=p.bytes_total,
                )

            run = hasher.hash_files(paths, on_progress=progress, cancel=self.cancel)
            read = [(p, k) for p, k in run.keys.items() if k in cache.written]
            self.summary.hashed_bytes += run.read_bytes
            self.summary.hashed_files += run.read_files
            self.summary.cached_hashes += len(run.hashes) - run.read_files
            # AutoV1 for files read now (64 KiB each, still in the page cache).
            if not self.cancel.is_set():
                add_autov1(cache, read)
        self.summary.issues += [ScanIssue(p.path, "hash", p.message) for p in run.problems]
        return run.hashes

    def _hash_missing(self, targets: list[ScanTarget]) -> None:
        """Hash every file of ``targets`` whose current key has no digest (one path per key)."""

        missing: dict[tuple[int, int, int, int], str] = {}  # key -> one path
        with self.db.read() as uow:
            for target in targets:
                entries = uow.library_files.index(
                    root=target.root, under=target.under, with_hashes=True
                )
                for entry in entries:
                    if entry.sha256 is not None:
                        self.summary.cached_hashes += 1  # known: read before, or downloaded
                    elif entry.key not in missing:
                        missing[entry.key] = entry.path
        paths = [p for p in missing.values() if os.path.lexists(p)]
        self._hash_paths(paths, phase="hash", known_missing=(file_key(k) for k in missing))


def _inside_any(path: str, folders: tuple[str, ...]) -> bool:
    return any(path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


def _describe_safely(found: ScannedFile, root: str) -> tuple[LibraryFileSpec | None, str | None]:
    """:func:`describe`, with a reader's unexpected exception recorded on the file."""
    try:
        return describe(found, root)
    except Exception as exc:  # a reader bug must not stop the scan: recorded, scan goes on
        message = f"could not be identified: {exc!r}"
        bare = LibraryScan._bare_spec(found, root)
        return dataclasses.replace(bare, problem_kind="error", problem=message), message
