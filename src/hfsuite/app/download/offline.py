"""Downloads answered from disk alone, in offline mode (``HF_HUB_OFFLINE=1``, or the ``offline``
setting), as ``hf download`` answers them.

In the HF cache the revision is resolved through ``refs/`` (a commit sha is taken as it is), and
the snapshot of that commit must hold every file the download asks for: checked against the
commit's listing (``trees/{commit}.json``, see :mod:`hfsuite.engine.tree_cache`) when the cache
has it, else against what the snapshot folder holds. A plain folder (``--local-dir``) must hold
the files asked for. The answer is the folder; nothing is fetched and no task is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hfsuite.app.download.operation import DownloadRequest, request_destination
from hfsuite.config import Settings
from hfsuite.core.errors import SourceError, UnsafePathError
from hfsuite.core.i18n import N_, tr
from hfsuite.core.remote import RemoteFile, RepoSnapshot, is_sha1
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.layouts import repo_folder_name
from hfsuite.engine.paths import PathGuard
from hfsuite.engine.planner import select_download, select_files
from hfsuite.engine.tree_cache import read_ref, read_tree_listing

__all__ = ["OFFLINE_HINT", "CachedFiles", "offline_download"]

OFFLINE_HINT = N_(
    "Turn offline mode off (unset HF_HUB_OFFLINE, or `hfsuite config set offline false`) "
    "to download them."
)
_LOCAL_META = (".cache", "huggingface")  # a local folder's metadata, not repository files


@dataclass(frozen=True)
class CachedFiles:
    """A download found complete on disk.

    Attributes:
        ref: The repository and the revision asked for.
        commit: The commit the revision resolved to (None for a folder: not recorded there).
        folder: What ``hf download`` prints: the snapshot folder, or the local folder.
        files: The files the download asks for, all there.
        listed: Checked against the commit's full listing (else against what the folder holds).
    """

    ref: RepoRef
    commit: str | None
    folder: Path
    files: tuple[RemoteFile, ...]
    listed: bool

    @property
    def total_bytes(self) -> int:
        """Size of the files."""
        return sum(f.size for f in self.files)


def offline_download(settings: Settings, request: DownloadRequest) -> CachedFiles:
    """Answer a download from what is on disk, without a request to any server.

    Raises:
        SourceError: offline, and the download needs the network: nothing cached for that
            revision, or files missing (named, with how to go online).
        UsageError: the filters match none of the files (as online).
        EntryNotFoundError: an explicit path is not in the commit's listing.
    """
    ref = request.ref
    if ref.source is not SourceKind.HUGGINGFACE:
        raise SourceError(
            tr(
                "Offline mode is on, so {repo} cannot be downloaded: only Hugging Face "
                "downloads already on disk can be answered offline.",
                repo=ref.repo_id,
            ),
            hint=tr(OFFLINE_HINT),
        )
    if request.force:
        raise SourceError(
            tr("Offline mode is on, so --force cannot download the files again."),
            hint=tr(OFFLINE_HINT),
        )
    destination = request_destination(settings, request)
    if destination.is_hf_cache:
        return _from_cache(destination.path, request)
    return _from_folder(destination.path, request)


def _from_cache(cache: Path, request: DownloadRequest) -> CachedFiles:
    ref = request.ref
    repo_dir = cache / repo_folder_name(ref.repo_id, ref.repo_type)
    revision = ref.revision or "main"
    commit = revision if is_sha1(revision) else read_ref(repo_dir, revision)
    snapshot_dir = repo_dir / "snapshots" / commit if commit else None
    if commit is None or snapshot_dir is None or not snapshot_dir.is_dir():
        raise SourceError(
            tr(
                "Offline mode is on and the HF cache ({cache}) has no snapshot of {repo} at "
                "revision {revision}.",
                cache=cache,
                repo=ref.repo_id,
                revision=repr(revision),
            ),
            hint=tr(OFFLINE_HINT),
        )
    listing = read_tree_listing(repo_dir, commit)
    files = listing if listing is not None else _files_under(snapshot_dir)
    return _check(request, commit, snapshot_dir, files, listed=listing is not None)


def _from_folder(folder: Path, request: DownloadRequest) -> CachedFiles:
    revision = request.ref.revision
    commit = revision if is_sha1(revision) else None
    meta = folder.joinpath(*_LOCAL_META)
    listing = read_tree_listing(meta, commit) if commit else None
    files = listing if listing is not None else _files_under(folder, skip=meta)
    if not files and listing is None:
        raise SourceError(
            tr(
                "Offline mode is on and {folder} holds no files of {repo}.",
                folder=folder,
                repo=request.ref.repo_id,
            ),
            hint=tr(OFFLINE_HINT),
        )
    return _check(request, commit, folder, files, listed=listing is not None)


def _check(
    request: DownloadRequest,
    commit: str | None,
    folder: Path,
    files: tuple[RemoteFile, ...],
    *,
    listed: bool,
) -> CachedFiles:
    ref = request.ref
    snapshot = RepoSnapshot(ref, commit or "", files)
    paths = list(request.paths)
    absent: list[str] = []
    if paths and not listed:
        # Without the commit's listing, a path the folder does not hold is missing rather
        # than unknown: the folder only says what was downloaded.
        absent = [p.strip("/") for p in paths if not select_files(files, [p], strict=False)]
        paths = [p for p in paths if p.strip("/") not in absent]
    selected = (
        select_download(snapshot, paths, request.include, request.exclude)
        if paths or not absent
        else []
    )
    guard = PathGuard(folder)
    missing = absent + [f.path for f in selected if not _present(guard, f.path)]
    if missing:
        at = f" at {commit[:8]}" if commit else ""
        listed_names = ", ".join(missing[:5])
        values = {"count": len(missing), "repo": f"{ref.repo_id}{at}", "folder": folder}
        message = (
            tr(
                "Offline mode is on and {count} file(s) of {repo} are not on disk in {folder}: "
                "{files} (and {more} more).",
                files=listed_names,
                more=len(missing) - 5,
                **values,
            )
            if len(missing) > 5
            else tr(
                "Offline mode is on and {count} file(s) of {repo} are not on disk in {folder}: "
                "{files}.",
                files=listed_names,
                **values,
            )
        )
        raise SourceError(message, hint=tr(OFFLINE_HINT))
    return CachedFiles(ref, commit, folder, tuple(selected), listed)


def _present(guard: PathGuard, path: str) -> bool:
    try:
        return guard.join(path).is_file()
    except UnsafePathError:
        return False


def _files_under(folder: Path, skip: Path | None = None) -> tuple[RemoteFile, ...]:
    """What a folder holds, as repository files (a link whose blob is gone is listed, so it is
    reported missing)."""
    out = []
    for path in sorted(folder.rglob("*")):
        if skip is not None and path.is_relative_to(skip):
            continue
        if path.is_dir() and not path.is_symlink():
            continue
        size = path.stat().st_size if path.exists() else 0
        out.append(RemoteFile(path.relative_to(folder).as_posix(), size, ""))
    return tuple(out)
