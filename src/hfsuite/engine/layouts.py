"""Where downloaded files go: huggingface_hub's cache layout, or a plain local folder.

HF cache (``HF_HUB_CACHE``), exactly as huggingface_hub writes it, so transformers, diffusers and
``hf_hub_download(local_files_only=True)`` use the files without downloading again::

    models--{org}--{name}/
      blobs/{etag}                          content; etag = sha256 (LFS) or git sha1
      blobs/{etag}.hfsuite.incomplete       our partial file (preallocated, written at offsets)
      blobs/{etag}.hfsuite.json             its resume state (written ranges, etag, commit)
      snapshots/{commit}/{path}             relative symlink to ../../blobs/{etag} (else a copy)
      refs/{revision}                       the commit, no newline (only when revision != commit)
      trees/{commit}.json                   every file of the commit (see engine.tree_cache)

Our partial files are not named ``{etag}.incomplete``: huggingface_hub ≤1.17 would try to resume
such a file by its length, and ours is preallocated to full size.

Local dir (e.g. a ComfyUI models folder)::

    {local_dir}/{path}                                            the file
    {local_dir}/.cache/huggingface/.gitignore, CACHEDIR.TAG
    {local_dir}/.cache/huggingface/download/{path}.metadata   "{commit}\\n{etag}\\n{timestamp}\\n"
    {local_dir}/.cache/huggingface/download/{path}.hfsuite.incomplete / .hfsuite.json

With the metadata file, ``hf download --local-dir`` sees the file as current and downloads
nothing. Files appear at their final path only when complete and verified (``os.replace``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hfsuite.core.errors import UnsafePathError
from hfsuite.core.remote import RemoteFile, RepoSnapshot, is_sha1
from hfsuite.core.types import RepoType
from hfsuite.engine.fileio import open_own
from hfsuite.engine.paths import KnownFolders, PathGuard, check_remote_path
from hfsuite.engine.tree_cache import tree_listing_json, tree_listing_path
from hfsuite.engine.verify import Expectation, hash_file

_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)


@dataclass(frozen=True)
class FileTarget:
    """Where one remote file is written while downloading and where it ends up.

    Attributes:
        remote: The file.
        final_path: Where the user (and other tools) find it.
        partial_path: The preallocated file written at offsets.
        state_path: Its resume state.
    """

    remote: RemoteFile
    final_path: Path
    partial_path: Path
    state_path: Path


class StorageLayout(Protocol):
    """A way of laying files out on disk."""

    def target(self, remote: RemoteFile) -> FileTarget:
        """Paths for one file (raises UnsafePathError for a hostile path)."""
        ...

    def is_complete(
        self, target: FileTarget, expectation: Expectation, repair: bool = True
    ) -> bool:
        """Whether the file is already in place and current (then it is skipped).

        With ``repair`` it may fix small things on the way (link a cached blob, write missing
        metadata for a file whose content checks out); without it, nothing is written.
        """
        ...

    def place(self, target: FileTarget) -> Path:
        """Move a complete, verified partial file to its final place; returns the final path."""
        ...

    def finish(self) -> None:
        """Called once after every file is placed (refs, markers)."""
        ...

    def final_path(self, path: str) -> Path:
        """Where the file at repo path ``path`` is found (raises UnsafePathError for a
        hostile path)."""
        ...

    @property
    def root(self) -> Path:
        """The folder everything is written under (for the disk-space check)."""
        ...


def repo_folder_name(repo_id: str, repo_type: RepoType) -> str:
    """``models--org--name`` as huggingface_hub names a repo's cache folder."""
    return "--".join([f"{repo_type.value}s", *repo_id.split("/")])


def _atomic_write_text(path: Path, text: str, folders: KnownFolders | None = None) -> None:
    """Write a small text file so readers see the old or the new content, never a mix."""
    (folders or KnownFolders()).ensure(path.parent)
    # Unique per process and thread: two writers never share a temp file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        _write_in_place(tmp, text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_in_place(path: Path, text: str) -> None:
    """Write a small text file over what it held (a symlink at ``path`` is replaced).

    os-level calls: a text-mode open() asks whether the file is a terminal and where it stands
    (three more system calls for each file of a many-file repo)."""
    fd = open_own(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        data = text.encode("utf-8")
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)


class HFCacheLayout:
    """huggingface_hub's cache layout for one repo at one commit.

    Args:
        cache_dir: The HF cache folder (``HF_HUB_CACHE``).
        snapshot: The repo and commit being downloaded.
        use_symlinks: Link snapshot files to blobs (else copy, as huggingface_hub does on
            file systems without symlinks). ``None`` probes the file system.
    """

    def __init__(self, cache_dir: Path, snapshot: RepoSnapshot, use_symlinks: bool | None = None):
        self.cache_dir = cache_dir
        self.snapshot = snapshot
        check_remote_path(snapshot.ref.repo_id)
        self.repo_dir = cache_dir / repo_folder_name(snapshot.ref.repo_id, snapshot.ref.repo_type)
        self.blobs = self.repo_dir / "blobs"
        self.snapshot_dir = self.repo_dir / "snapshots" / snapshot.commit
        self._use_symlinks = use_symlinks
        # Files finish on several threads at once: the probe runs once, under this lock.
        self._probe_lock = threading.Lock()
        self._guard = PathGuard(self.snapshot_dir)
        self._targets: dict[RemoteFile, FileTarget] = {}
        self._folders = KnownFolders()

    @property
    def root(self) -> Path:
        return self.cache_dir

    def target(self, remote: RemoteFile) -> FileTarget:
        found = self._targets.get(remote)
        if found is not None:
            return found
        etag = remote.etag
        if not etag:
            raise ValueError(f"{remote.path}: the HF cache layout needs an etag")
        check_remote_path(etag)
        target = self._targets[remote] = FileTarget(
            remote=remote,
            final_path=self._guard.join(remote.path),
            partial_path=self.blobs / f"{etag}.hfsuite.incomplete",
            state_path=self.blobs / f"{etag}.hfsuite.json",
        )
        return target

    def _blob(self, target: FileTarget) -> Path:
        return self.blobs / str(target.remote.etag)

    def is_complete(
        self, target: FileTarget, expectation: Expectation, repair: bool = True
    ) -> bool:
        if target.final_path.exists():
            return True
        blob = self._blob(target)
        # Same content already cached under another revision: link it, no download.
        if blob.exists() and blob.stat().st_size == expectation.size:
            if repair:
                self._link(blob, target.final_path)
            return True
        return False

    def place(self, target: FileTarget) -> Path:
        blob = self._blob(target)
        self._folders.ensure(blob.parent)
        _chmod_default(target.partial_path)
        os.replace(target.partial_path, blob)
        target.state_path.unlink(missing_ok=True)
        self._link(blob, target.final_path)
        return target.final_path

    def _link(self, blob: Path, pointer: Path) -> None:
        self._folders.ensure(pointer.parent)
        if pointer.is_symlink() or pointer.exists():
            pointer.unlink()
        if self._symlinks_supported():
            os.symlink(os.path.relpath(blob, pointer.parent), pointer)
        else:
            tmp = pointer.with_name(f".{pointer.name}.tmp")
            try:
                shutil.copyfile(blob, tmp)
                os.replace(tmp, pointer)
            except BaseException:
                # A copy cut short (disk full) must not stay beside the snapshot.
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise

    def link_cached_files(self) -> list[str]:
        """Give this commit's snapshot every file of the commit whose content is already a
        blob here (from another revision), as huggingface_hub would link it.

        An update that fetched only the modified files must not leave ``refs/main`` pointing
        at a snapshot that holds only those: offline loaders read nothing but the snapshot.

        Returns:
            The paths linked now.
        """
        try:
            blobs = {entry.name: entry for entry in os.scandir(self.blobs) if entry.is_file()}
        except FileNotFoundError:
            return []
        linked = []
        for remote in self.snapshot.files:
            blob = blobs.get(remote.etag or "")
            if blob is None or blob.stat().st_size != remote.size:
                continue
            try:
                pointer = self._guard.join(remote.path)
            except UnsafePathError:
                continue  # a hostile path is refused when it is downloaded, never linked
            if pointer.exists():
                continue
            self._link(Path(blob.path), pointer)
            linked.append(remote.path)
        return linked

    def final_path(self, path: str) -> Path:
        """Where the file at repo path ``path`` is found in this commit's snapshot."""
        return self._guard.join(path)

    def _symlinks_supported(self) -> bool:
        with self._probe_lock:
            if self._use_symlinks is None:
                self._use_symlinks = self._probe_symlinks()
            return self._use_symlinks

    def _probe_symlinks(self) -> bool:
        """Whether this file system takes symbolic links (one probe per layout; the names are
        unique to this process and thread, so another download probing the same repo folder
        cannot make this one fail)."""
        probe_dir = self.repo_dir
        probe_dir.mkdir(parents=True, exist_ok=True)
        tag = f"{os.getpid()}-{threading.get_ident()}"
        src = probe_dir / f".hfsuite-probe-src-{tag}"
        dst = probe_dir / f".hfsuite-probe-dst-{tag}"
        try:
            src.touch()
            os.symlink(src.name, dst)
            return True
        except OSError:
            return False
        finally:
            dst.unlink(missing_ok=True)
            src.unlink(missing_ok=True)

    def finish(self) -> None:
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        self.link_cached_files()
        listing = tree_listing_path(self.repo_dir, self.snapshot.commit)
        hub_listing = self.snapshot.files and is_sha1(self.snapshot.commit)
        text = tree_listing_json(self.snapshot.files) if hub_listing else None
        if text is not None and not listing.exists():
            _atomic_write_text(listing, text)
        revision = self.snapshot.ref.revision
        if revision and revision != self.snapshot.commit:
            check_remote_path(revision)
            _atomic_write_text(self.repo_dir / "refs" / revision, self.snapshot.commit)
        elif not revision:
            _atomic_write_text(self.repo_dir / "refs" / "main", self.snapshot.commit)
        tag = self.cache_dir / "CACHEDIR.TAG"
        if not tag.exists():
            _atomic_write_text(tag, _CACHEDIR_TAG)


class LocalDirLayout:
    """Files at their repo paths under a folder, with huggingface_hub's local-dir metadata.

    Args:
        local_dir: The destination folder.
        commit: The commit being downloaded (written to each file's metadata).
        clock: ``time.time`` replacement for the metadata timestamp (tests).
    """

    def __init__(self, local_dir: Path, commit: str, now: object = time.time):
        self.local_dir = local_dir
        self.commit = commit
        self._meta_root = local_dir / ".cache" / "huggingface"
        self._download = self._meta_root / "download"
        self._now = now
        self._guard = PathGuard(local_dir)
        self._meta_guard = PathGuard(self._download)
        self._targets: dict[RemoteFile, FileTarget] = {}
        self._markers_written = False  # .gitignore and CACHEDIR.TAG beside the metadata
        self._folders = KnownFolders()

    @property
    def root(self) -> Path:
        return self.local_dir

    def target(self, remote: RemoteFile) -> FileTarget:
        found = self._targets.get(remote)
        if found is not None:
            return found
        final = self._guard.join(remote.path)
        side = self._meta_guard.join(remote.path)
        target = self._targets[remote] = FileTarget(
            remote=remote,
            final_path=final,
            partial_path=side.with_name(side.name + ".hfsuite.incomplete"),
            state_path=side.with_name(side.name + ".hfsuite.json"),
        )
        return target

    def final_path(self, path: str) -> Path:
        """Where the file at repo path ``path`` is found in the folder."""
        return self._guard.join(path)

    def _metadata_path(self, target: FileTarget) -> Path:
        side = target.partial_path
        return side.with_name(side.name[: -len(".hfsuite.incomplete")] + ".metadata")

    def is_complete(
        self, target: FileTarget, expectation: Expectation, repair: bool = True
    ) -> bool:
        final = target.final_path
        if not final.is_file():
            return False
        meta = self._read_metadata(target)
        etag = target.remote.etag
        if meta is not None:
            commit, meta_etag, stamp = meta
            fresh = final.stat().st_mtime - 1 <= stamp
            if fresh and etag and meta_etag == etag and final.stat().st_size == expectation.size:
                if commit != self.commit and repair:
                    self._write_metadata(target)
                return True
        # No (usable) metadata: accept the file only if its content checks out.
        if hash_file(final, expectation):
            if repair:
                self._write_metadata(target)
            return True
        return False

    def _read_metadata(self, target: FileTarget) -> tuple[str, str, float] | None:
        try:
            lines = self._metadata_path(target).read_text(encoding="utf-8").splitlines()
            return lines[0].strip(), lines[1].strip(), float(lines[2].strip())
        except (OSError, IndexError, ValueError):
            return None

    def _write_metadata(self, target: FileTarget) -> None:
        self._ensure_markers()
        stamp = self._now()  # type: ignore[operator]
        # Written in place, as huggingface_hub does (under the writer lock), not through a
        # temporary file and a rename: one rename less for each file of a many-file download
        # (0.3 s of 1,000 files here). A reader finding it cut short takes it for missing and
        # checks the file's content instead (is_complete), which also rewrites it.
        path = self._metadata_path(target)
        self._folders.ensure(path.parent)
        _write_in_place(path, f"{self.commit}\n{target.remote.etag or ''}\n{stamp}\n")

    def _ensure_markers(self) -> None:
        if self._markers_written:
            return  # once per download, not once per file (three file-system calls each)
        self._meta_root.mkdir(parents=True, exist_ok=True)
        gitignore = self._meta_root / ".gitignore"
        if not gitignore.exists():
            _atomic_write_text(gitignore, "*")
        tag = self._meta_root / "CACHEDIR.TAG"
        if not tag.exists():
            _atomic_write_text(tag, _CACHEDIR_TAG)
        self._markers_written = True

    def place(self, target: FileTarget) -> Path:
        self._folders.ensure(target.final_path.parent)
        _chmod_default(target.partial_path)
        os.replace(target.partial_path, target.final_path)
        target.state_path.unlink(missing_ok=True)
        self._write_metadata(target)
        return target.final_path

    def finish(self) -> None:
        self._ensure_markers()


def _chmod_default(path: Path) -> None:
    # Same as huggingface_hub: a downloaded file gets 0o666 minus the umask.
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~process_umask())


_UMASK_LOCK = threading.Lock()
_umask: int | None = None


def process_umask() -> int:
    """The process's umask, read once and remembered.

    ``os.umask`` can only read it by setting it, and the umask is the whole process's: while it
    is 0, a file another thread creates (a lock file, a metadata file, a partial file) would be
    world-writable. So it is read where it can be read without a change (Linux: the ``Umask:``
    line of ``/proc/self/status``), and elsewhere set and restored once, under a lock.
    """
    global _umask
    with _UMASK_LOCK:
        if _umask is None:
            with (
                contextlib.suppress(OSError, ValueError),
                open("/proc/self/status", encoding="ascii", errors="replace") as status,
            ):
                for line in status:
                    if line.startswith("Umask:"):
                        _umask = int(line.split()[1], 8)
                        break
            if _umask is None:
                _umask = os.umask(0o022)
                os.umask(_umask)
        return _umask
