"""Walk the folders that hold models and report every file with the key that identifies it.

Roots are the Hugging Face cache (each blob once, with every repo/revision/path that refers
to it), folders the user added and tool folders. Problems (permission errors, symlink loops,
files vanishing mid-scan) are recorded per path and the walk goes on. A rescan is incremental:
files whose :class:`FileKey` is unchanged keep their previous record (and its hash), only new
or changed files are hashed again; :func:`diff_scan` tells what was added, changed, removed
and moved.
"""

from __future__ import annotations

import enum
import errno
import operator
import os
import stat as stat_mod
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import NamedTuple

from hfsuite.core.clock import Clock, SystemClock
from hfsuite.library.cache_layout import (
    BLOBS,
    IGNORED_FILES,
    SNAPSHOTS,
    HfRef,
    parse_repo_folder,
)
from hfsuite.library.hashing import FileKey, Hasher, StatFn

PROGRESS_INTERVAL_S = 0.2
ScandirFn = Callable[[str], Iterable[os.DirEntry[str]]]


def _scandir(path: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as it:
        return list(it)


_entry_name = operator.attrgetter("name")  # a sort key without a Python call per entry


def shown_path(path: str) -> str:
    """``path`` as text that can be printed and stored: bytes that are not UTF-8 (a name from
    another system's encoding, kept by Python as surrogates) written as ``\\xff``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _named(
    entries: Iterable[os.DirEntry[str]], problems: list[ScanProblem]
) -> list[os.DirEntry[str]]:
    """``entries`` sorted by name, without those whose name is not UTF-8: the index keeps
    paths as text, so such a file is a problem of the scan (rename it to index it), not the
    end of it."""
    kept = sorted(entries, key=_entry_name)
    if all(name.isascii() for name in map(_entry_name, kept)):
        return kept  # the common case: nothing to encode
    named = []
    for entry in kept:
        try:
            entry.name.encode("utf-8")
        except UnicodeEncodeError:
            problems.append(
                ScanProblem(
                    shown_path(entry.path),
                    ProblemKind.ERROR,
                    "the name is not valid UTF-8; rename it to have it indexed",
                )
            )
            continue
        named.append(entry)
    return named


class RootKind(enum.Enum):
    """What a scan root is."""

    HF_CACHE = "hf_cache"
    """A Hugging Face cache folder (``HF_HUB_CACHE``): repos, revisions and shared blobs."""
    USER = "user"
    """A folder the user added."""
    TOOL = "tool"
    """A folder of a known tool (ComfyUI, A1111, …); walked like any folder for now."""


class ProblemKind(enum.Enum):
    """Why a path could not be scanned."""

    PERMISSION = "permission"
    """Reading the file or listing the folder was refused."""
    VANISHED = "vanished"
    """The path was listed but was gone when it was examined."""
    CHANGED = "changed"
    """The file changed (grew, was rewritten) while it was read."""
    SYMLINK_LOOP = "symlink_loop"
    """A symbolic link leads back into a folder already being walked."""
    BROKEN_LINK = "broken_link"
    """A symbolic link points at nothing."""
    ERROR = "error"
    """Any other operating-system error."""


@dataclass(frozen=True, slots=True)
class ScanRoot:
    """A folder to scan."""

    path: str
    kind: RootKind = RootKind.USER


class ScannedFile(NamedTuple):
    """One file found by a scan (a named tuple: a scan makes one per file; see FileKey).

    ``path`` is where the bytes are: for the HF cache the blob, with ``hf_refs`` listing the
    snapshot entries pointing at it; a symbolic link elsewhere is reported at its own path with
    the key of its target and ``is_symlink`` set.
    """

    path: str
    key: FileKey
    root: str
    nlink: int = 1
    is_symlink: bool = False
    hf_blob: bool = False
    hf_refs: tuple[HfRef, ...] = ()
    sha256: str | None = None

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return self.key.size


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """A path the scan could not read; recorded, and the scan went on."""

    path: str
    kind: ProblemKind
    message: str


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """Progress of a running scan."""

    files: int
    bytes: int
    current_path: str | None
    done: bool = False


@dataclass
class ScanResult:
    """Everything one scan found, keyed by path."""

    files: dict[str, ScannedFile] = field(default_factory=dict)
    problems: list[ScanProblem] = field(default_factory=list)
    cancelled: bool = False
    hashed_files: int = 0  # files read this time (new or changed)


@dataclass(frozen=True, slots=True)
class Move:
    """A file that disappeared at one path and appeared at another."""

    old: ScannedFile
    new: ScannedFile


@dataclass
class ScanDiff:
    """What changed between two scans."""

    added: list[ScannedFile] = field(default_factory=list)
    changed: list[ScannedFile] = field(default_factory=list)
    removed: list[ScannedFile] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)


def _problem_kind(exc: OSError) -> ProblemKind:
    if isinstance(exc, PermissionError):
        return ProblemKind.PERMISSION
    if isinstance(exc, FileNotFoundError):
        return ProblemKind.VANISHED
    if exc.errno == errno.ELOOP:
        return ProblemKind.SYMLINK_LOOP
    return ProblemKind.ERROR


class Scanner:
    """Walks scan roots.

    Args:
        stat: Follows symbolic links (``os.stat``); injectable to simulate errors.
        lstat: Does not follow them (``os.lstat``).
        scandir: Lists a folder's entries.
        clock: Times progress reports.
        hasher: When given, new and changed files are hashed during the scan (through its
            cache); unchanged files keep the previous scan's hash.
    """

    def __init__(
        self,
        *,
        stat: StatFn = os.stat,
        lstat: StatFn = os.lstat,
        scandir: ScandirFn = _scandir,
        clock: Clock | None = None,
        hasher: Hasher | None = None,
    ):
        self._stat = stat
        self._lstat = lstat
        self._scandir = scandir
        self.clock = clock or SystemClock()
        self.hasher = hasher

    # -- walking ---------------------------------------------------------------------------

    def iter_root(
        self, root: ScanRoot, problems: list[ScanProblem], cancel: threading.Event | None = None
    ) -> Iterator[ScannedFile]:
        """Yield the files of one root (HF-cache blobs once, with their references)."""
        top = os.path.abspath(root.path)
        if root.kind is RootKind.HF_CACHE:
            yield from self._iter_hf_cache(top, problems, cancel)
        else:
            yield from self._iter_tree(top, top, problems, cancel)

    def _iter_tree(
        self,
        top: str,
        root: str,
        problems: list[ScanProblem],
        cancel: threading.Event | None,
        previous: Mapping[str, ScannedFile] | None = None,
    ) -> Iterator[ScannedFile]:
        """Yield the regular files under ``top``.

        With ``previous``, a file whose record there still matches what ``stat`` says (same
        key, link count, symlink flag and root, no HF references) is yielded as that very
        record: a rescan of an unchanged tree builds no new objects. This loop runs once per
        file, so it is kept flat (no helper calls, locals for attribute lookups).
        """
        stat = self._stat
        try:
            st = stat(top)
        except OSError as exc:
            problems.append(ScanProblem(top, _problem_kind(exc), str(exc)))
            return
        is_set = cancel.is_set if cancel is not None else None
        prev_get = previous.get if previous else None
        s_isdir, s_isreg = stat_mod.S_ISDIR, stat_mod.S_ISREG
        # Folders on the current path from the root: coming back into one of them is a loop.
        # Any folder already walked (reached again through a link) is not walked twice.
        visited = {(st.st_dev, st.st_ino)}
        stack: list[tuple[str, tuple[tuple[int, int], ...]]] = [(top, ((st.st_dev, st.st_ino),))]
        while stack:
            folder, ancestors = stack.pop()
            if is_set is not None and is_set():
                return
            try:
                entries = _named(self._scandir(folder), problems)
            except OSError as exc:
                problems.append(ScanProblem(folder, _problem_kind(exc), str(exc)))
                continue
            subfolders = []
            for entry in entries:
                if is_set is not None and is_set():
                    return
                path = entry.path
                try:
                    is_link = entry.is_symlink()
                    st = stat(path)
                except OSError as exc:
                    kind = _problem_kind(exc)
                    if kind is ProblemKind.VANISHED and is_link and self._exists_l(path):
                        kind = ProblemKind.BROKEN_LINK
                    problems.append(ScanProblem(path, kind, str(exc)))
                    continue
                mode = st.st_mode
                if s_isreg(mode):
                    old = prev_get(path) if prev_get is not None else None
                    if old is not None:
                        key = old.key
                        if (
                            key.mtime_ns == st.st_mtime_ns
                            and key.size == st.st_size
                            and key.inode == st.st_ino
                            and key.device == st.st_dev
                            and old.nlink == st.st_nlink
                            and old.is_symlink is is_link
                            and old.root == root
                            and not old.hf_refs
                            and not old.hf_blob
                        ):
                            yield old
                            continue
                    yield ScannedFile(
                        path,
                        FileKey(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns),
                        root,
                        st.st_nlink,
                        is_link,
                    )
                elif s_isdir(mode):
                    ident = (st.st_dev, st.st_ino)
                    if ident in ancestors:
                        problems.append(
                            ScanProblem(path, ProblemKind.SYMLINK_LOOP, "leads back into a parent")
                        )
                    elif ident not in visited:
                        visited.add(ident)
                        subfolders.append((path, (*ancestors, ident)))
                # anything else (sockets, fifos, devices) is not a model file
            stack.extend(reversed(subfolders))

    def _exists_l(self, path: str) -> bool:
        try:
            self._lstat(path)
        except OSError:
            return False
        return True

    def _iter_hf_cache(
        self, top: str, problems: list[ScanProblem], cancel: threading.Event | None
    ) -> Iterator[ScannedFile]:
        try:
            repo_entries = _named(self._scandir(top), problems)
        except OSError as exc:
            problems.append(ScanProblem(top, _problem_kind(exc), str(exc)))
            return
        for entry in repo_entries:
            if cancel is not None and cancel.is_set():
                return
            repo = parse_repo_folder(entry.name)
            if repo is None or not entry.is_dir(follow_symlinks=False):
                continue
            refs: dict[str, list[HfRef]] = {}
            loose: list[ScannedFile] = []
            snapshots = os.path.join(entry.path, SNAPSHOTS)
            for revision_entry in self._list(snapshots, problems):
                if not revision_entry.is_dir(follow_symlinks=False):
                    continue
                # Every path the walk yields is the revision folder, a separator, then the
                # file's path in the repository: cut, not os.path.relpath (slow, per file).
                cut = len(revision_entry.path) + 1
                for sub in self._iter_tree(revision_entry.path, top, problems, cancel):
                    rel = sub.path[cut:]
                    if os.sep != "/":
                        rel = rel.replace(os.sep, "/")
                    ref = HfRef(repo.repo_type, repo.repo_id, revision_entry.name, rel, sub.path)
                    if sub.is_symlink:
                        try:
                            link = os.readlink(sub.path)
                        except OSError as exc:  # replaced or removed since it was listed
                            problems.append(ScanProblem(sub.path, _problem_kind(exc), str(exc)))
                            continue
                        # The first hop is the blob (the official client reads it the same way).
                        target = os.path.normpath(os.path.join(os.path.dirname(sub.path), link))
                        refs.setdefault(target, []).append(ref)
                    else:
                        loose.append(sub._replace(hf_refs=(ref,)))
            blobs = os.path.join(entry.path, BLOBS)
            seen: set[str] = set()
            for blob in self._list(blobs, problems):
                if blob.name in IGNORED_FILES or blob.name.endswith(".incomplete"):
                    continue
                try:
                    st = self._lstat(blob.path)
                except OSError as exc:
                    problems.append(ScanProblem(blob.path, _problem_kind(exc), str(exc)))
                    continue
                if not stat_mod.S_ISREG(st.st_mode):
                    continue
                seen.add(blob.path)
                yield ScannedFile(
                    path=blob.path,
                    key=FileKey.of(st),
                    root=top,
                    nlink=st.st_nlink,
                    hf_blob=True,
                    hf_refs=tuple(refs.get(blob.path, ())),
                )
            for target, target_refs in refs.items():
                if target not in seen:
                    for ref in target_refs:
                        problems.append(
                            ScanProblem(
                                ref.snapshot_path,
                                ProblemKind.BROKEN_LINK,
                                f"blob missing: {target}",
                            )
                        )
            yield from loose

    def _list(self, folder: str, problems: list[ScanProblem]) -> list[os.DirEntry[str]]:
        try:
            return _named(self._scandir(folder), problems)
        except FileNotFoundError:
            return []
        except OSError as exc:
            problems.append(ScanProblem(folder, _problem_kind(exc), str(exc)))
            return []

    # -- a whole scan ------------------------------------------------------------------------

    def scan(
        self,
        roots: list[ScanRoot],
        *,
        previous: Mapping[str, ScannedFile] | None = None,
        on_progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ScanResult:
        """Scan every root.

        Args:
            roots: Where to look; a path under two roots is reported once.
            previous: The previous scan's files (path → record): an unchanged file keeps its
                record, so its hash is not recomputed.
            on_progress: Called a few times per second and once at the end.
            cancel: When set, the scan stops soon and returns what it found
                (``cancelled`` set).
        """
        result = ScanResult()
        previous = previous or {}
        found_files = result.files
        problems = result.problems
        hasher = self.hasher
        is_set = cancel.is_set if cancel is not None else None
        prev_get = previous.get
        monotonic = self.clock.monotonic
        files = 0
        total = 0
        last = monotonic()
        to_hash: list[str] = []
        for root in roots:
            top = os.path.abspath(root.path)
            if root.kind is RootKind.HF_CACHE:
                walk = self._iter_hf_cache(top, problems, cancel)
            else:
                walk = self._iter_tree(top, top, problems, cancel, previous)
            # Paths are unique within a root: only a later root can report one again.
            overlap = bool(found_files)
            for found in walk:
                path = found.path
                if overlap and path in found_files:
                    continue
                if found.sha256 is not None:
                    pass  # only a previous record has a hash: the walk found it unchanged
                elif (old := prev_get(path)) is found:  # unchanged, but never hashed
                    if hasher is not None and not found.is_symlink:
                        to_hash.append(path)
                elif old is not None and old.key == found.key and old.sha256 is not None:
                    same = (old.nlink, old.is_symlink, old.hf_refs, old.root) == (
                        found.nlink,
                        found.is_symlink,
                        found.hf_refs,
                        found.root,
                    )
                    found = old if same else found._replace(sha256=old.sha256)
                elif hasher is not None and not found.is_symlink:
                    to_hash.append(path)
                found_files[path] = found
                files += 1
                total += found.key.size
                if on_progress is not None:
                    now = monotonic()
                    if now - last >= PROGRESS_INTERVAL_S:
                        last = now
                        on_progress(ScanProgress(files, total, path))
            if is_set is not None and is_set():
                break
        if hasher is not None and to_hash and not (is_set is not None and is_set()):
            self._hash_new(result, to_hash, cancel)
        result.cancelled = bool(is_set is not None and is_set())
        if on_progress is not None:
            on_progress(ScanProgress(files, total, None, done=True))
        return result

    def _hash_new(
        self, result: ScanResult, paths: list[str], cancel: threading.Event | None
    ) -> None:
        assert self.hasher is not None
        run = self.hasher.hash_files(
            paths, cancel=cancel, sizes={p: result.files[p].key.size for p in paths}
        )
        result.hashed_files = run.read_files
        for path, digest in run.hashes.items():
            rec = result.files[path]
            if run.keys[path] == rec.key:
                result.files[path] = rec._replace(sha256=digest)
            else:
                result.problems.append(
                    ScanProblem(path, ProblemKind.CHANGED, "changed between listing and hashing")
                )
        for problem in run.problems:
            kind = ProblemKind.CHANGED if "changed while" in problem.message else ProblemKind.ERROR
            result.problems.append(ScanProblem(problem.path, kind, problem.message))

    def start(
        self,
        roots: list[ScanRoot],
        *,
        previous: Mapping[str, ScannedFile] | None = None,
        on_progress: Callable[[ScanProgress], None] | None = None,
    ) -> BackgroundScan:
        """Run :meth:`scan` in a background thread."""
        return BackgroundScan(self, roots, previous, on_progress)


class BackgroundScan:
    """A scan running in its own thread: ``cancel()`` it, or wait for ``result()``."""

    def __init__(
        self,
        scanner: Scanner,
        roots: list[ScanRoot],
        previous: Mapping[str, ScannedFile] | None,
        on_progress: Callable[[ScanProgress], None] | None,
    ):
        self.cancel_event = threading.Event()
        self._future: Future[ScanResult] = Future()

        def run() -> None:
            try:
                self._future.set_result(
                    scanner.scan(
                        roots, previous=previous, on_progress=on_progress, cancel=self.cancel_event
                    )
                )
            except BaseException as exc:  # handed to the caller of result()
                self._future.set_exception(exc)

        self._thread = threading.Thread(target=run, name="library-scan", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the scan to stop; :meth:`result` then returns what was found so far."""
        self.cancel_event.set()

    def result(self, timeout: float | None = None) -> ScanResult:
        """Wait for the scan and return its result."""
        return self._future.result(timeout)


def diff_scan(previous: Mapping[str, ScannedFile], current: Mapping[str, ScannedFile]) -> ScanDiff:
    """What changed between two scans.

    A file gone from one path and present at a new one is a move when both are the same file
    (same device and inode) or hold the same bytes (same SHA-256 and size).
    """
    diff = ScanDiff()
    gone = [f for p, f in previous.items() if p not in current]
    new = [f for p, f in current.items() if p not in previous]
    for path, now in current.items():
        before = previous.get(path)
        if before is not None and before.key != now.key:
            diff.changed.append(now)
    # Same inode *and* same size and mtime: a rename keeps both, a reused inode does not.
    by_inode: dict[FileKey, list[ScannedFile]] = {}
    by_hash: dict[tuple[str, int], list[ScannedFile]] = {}
    for f in gone:
        by_inode.setdefault(f.key, []).append(f)
        if f.sha256:
            by_hash.setdefault((f.sha256, f.key.size), []).append(f)
    matched: set[str] = set()
    for f in new:
        candidates = [o for o in by_inode.get(f.key, []) if o.path not in matched]
        if not candidates and f.sha256:
            candidates = [
                o for o in by_hash.get((f.sha256, f.key.size), []) if o.path not in matched
            ]
        if candidates:
            matched.add(candidates[0].path)
            diff.moved.append(Move(candidates[0], f))
        else:
            diff.added.append(f)
    diff.removed = [f for f in gone if f.path not in matched]
    return diff
