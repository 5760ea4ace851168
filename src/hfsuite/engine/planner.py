"""Planning a download before a byte moves: which files, how many bytes, does it fit.

Selection follows ``hf download``: explicit paths (a path naming a folder selects everything
under it), then ``--include``/``--exclude`` globs with huggingface_hub's own
``filter_repo_objects`` (fnmatch; a pattern ending in ``/`` means the folder). Files already
complete in the layout are skipped; partial files count only their missing bytes.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hfsuite.core.errors import EntryNotFoundError, InsufficientSpaceError, UsageError
from hfsuite.core.headroom import Headroom
from hfsuite.core.i18n import joined, tr
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.engine.layouts import FileTarget, StorageLayout
from hfsuite.engine.resume import load_state
from hfsuite.engine.verify import Expectation


@dataclass(frozen=True)
class PlannedFile:
    """One file of a plan.

    Attributes:
        remote: The file on the hub.
        target: Where it goes.
        action: ``download``, ``resume`` or ``skip`` (already complete).
        missing_bytes: Bytes still to fetch.
    """

    remote: RemoteFile
    target: FileTarget
    action: str
    missing_bytes: int


@dataclass(frozen=True)
class DownloadPlan:
    """What a download will do."""

    snapshot: RepoSnapshot
    files: tuple[PlannedFile, ...]
    destination: Path

    @property
    def to_fetch(self) -> list[PlannedFile]:
        """Files with bytes to fetch."""
        return [f for f in self.files if f.action != "skip"]

    @property
    def total_bytes(self) -> int:
        """Size of every selected file."""
        return sum(f.remote.size for f in self.files)

    @property
    def missing_bytes(self) -> int:
        """Bytes still to download."""
        return sum(f.missing_bytes for f in self.files)


def select_files(
    files: Sequence[RemoteFile],
    paths: Sequence[str] = (),
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    *,
    strict: bool = True,
) -> list[RemoteFile]:
    """Filter a repo's files like ``hf download`` does.

    Args:
        files: The repository's files.
        paths: Explicit files or folders (empty: all).
        include: Glob patterns to keep.
        exclude: Glob patterns to drop.
        strict: Refuse an explicit path that matches nothing (else it selects nothing).

    Raises:
        EntryNotFoundError: with ``strict``, an explicit path matches no file or folder.
    """
    from huggingface_hub.utils import filter_repo_objects

    selected = list(files)
    if paths:
        wanted: list[RemoteFile] = []
        for path in paths:
            norm = path.strip("/")
            hits = [f for f in selected if f.path == norm or f.path.startswith(norm + "/")]
            if not hits and strict:
                raise EntryNotFoundError(
                    tr("The repository has no file or folder {path}.", path=repr(path)),
                    hint=tr(
                        "Check the path (case-sensitive); `hfsuite info REPO --files` lists them."
                    ),
                )
            wanted.extend(h for h in hits if h not in wanted)
        selected = wanted
    if include or exclude:
        selected = list(
            filter_repo_objects(
                selected,
                allow_patterns=list(include) if include else None,
                ignore_patterns=list(exclude) if exclude else None,
                key=lambda f: f.path,
            )
        )
    return selected


def describe_files(files: Sequence[RemoteFile], names: int = 5) -> str:
    """A short summary of a repository's files, for a filter that matched none of them:
    their names when there are few, else how many of each extension there are."""
    if not files:
        return tr("It has no files.")
    count = len(files)
    if count <= names:
        listed = ", ".join(f.path for f in files)
        if count == 1:
            return tr("It has 1 file: {files}.", files=listed)
        return tr("It has {count} files: {files}.", count=count, files=listed)
    no_extension = "(no extension)"
    counts = Counter(PurePosixPath(f.path).suffix.lower() or no_extension for f in files)
    common = counts.most_common(6)
    shown = ", ".join(f"{n} {ext}" for ext, n in common)
    rest = len(counts) - len(common)
    if rest == 1:
        return tr("It has {count} files: {shown} and 1 other extension.", count=count, shown=shown)
    if rest:
        return tr(
            "It has {count} files: {shown} and {rest} other extensions.",
            count=count,
            shown=shown,
            rest=rest,
        )
    return tr("It has {count} files: {shown}.", count=count, shown=shown)


def select_download(
    snapshot: RepoSnapshot,
    paths: Sequence[str] = (),
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> list[RemoteFile]:
    """The files of ``snapshot`` a download takes (:func:`select_files`), refusing filters
    that leave nothing: a download of nothing is a mistake in the patterns, not a success.

    Raises:
        EntryNotFoundError: an explicit path matches no file or folder.
        UsageError: ``include``/``exclude`` leave nothing (the message says what the
            repository has).
    """
    selected = select_files(snapshot.files, paths, include, exclude)
    if not selected and (include or exclude):
        raise _nothing_matched(snapshot, paths, include, exclude)
    return selected


def _nothing_matched(
    snapshot: RepoSnapshot,
    paths: Sequence[str],
    include: Sequence[str] | None,
    exclude: Sequence[str] | None,
) -> UsageError:
    asked = [repr(p) for p in paths]
    asked += [f"--include {p!r}" for p in include or ()]
    asked += [f"--exclude {p!r}" for p in exclude or ()]
    repo = snapshot.ref.repo_id
    return UsageError(
        joined(
            tr(
                "Nothing to download: no file of {repo} matches {asked}.",
                repo=repo,
                asked=" ".join(asked),
            ),
            describe_files(snapshot.files),
        ),
        hint=tr(
            "Patterns are matched against the whole path, case-sensitively ('*.gguf', "
            "'onnx/*'); `hfsuite info {repo} --files` lists the files.",
            repo=repo,
        ),
    )


def plan_download(
    snapshot: RepoSnapshot,
    layout: StorageLayout,
    *,
    paths: Sequence[str] = (),
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> DownloadPlan:
    """Select files and find out, for each, whether it must be fetched and how much of it.

    Raises:
        EntryNotFoundError: an explicit path matches no file or folder.
        UsageError: ``include``/``exclude`` leave nothing to download (the message says what
            the repository has).
    """
    planned = []
    for remote in select_download(snapshot, paths, include, exclude):
        target = layout.target(remote)  # refuses hostile paths before anything is written
        expectation = Expectation.for_file(remote)
        if force and not dry_run:
            for stale in (target.partial_path, target.state_path):
                stale.unlink(missing_ok=True)
        elif not force and layout.is_complete(target, expectation, repair=not dry_run):
            planned.append(PlannedFile(remote, target, "skip", 0))
            continue
        state = None if force else load_state(target.state_path)
        if state and state.size == remote.size and state.etag == remote.etag:
            have = state.ranges.total
            planned.append(PlannedFile(remote, target, "resume", max(0, remote.size - have)))
        else:
            planned.append(PlannedFile(remote, target, "download", remote.size))
    return DownloadPlan(snapshot, tuple(planned), layout.root)


def check_disk_space(plan: DownloadPlan, headroom: Headroom | None = None) -> None:
    """Refuse a plan that does not fit on every volume it writes to, with the room
    ``headroom`` keeps free there besides the bytes written (default: ``auto``).

    Partial files are preallocated, so a partial already on disk needs no new space.

    Raises:
        InsufficientSpaceError: naming the folder, the bytes to write, the room kept free and
            the bytes free.
    """
    rule = headroom or Headroom()
    need: dict[int, tuple[Path, int]] = {}
    volumes: dict[Path, tuple[Path, int]] = {}  # a folder's existing ancestor and its device
    for pf in plan.to_fetch:
        parent = pf.target.partial_path.parent
        if parent not in volumes:  # once per folder, not per file (a repo of many files)
            ancestor = _existing_ancestor(parent)
            volumes[parent] = (ancestor, os.stat(ancestor).st_dev)
        folder, dev = volumes[parent]
        new_bytes = pf.remote.size - _allocated(pf.target.partial_path)
        path, total = need.get(dev, (folder, 0))
        need[dev] = (path, total + max(0, new_bytes))
    for folder, needed in need.values():
        if needed == 0:
            continue
        free = shutil.disk_usage(folder).free
        kept = rule.for_bytes(needed)
        if needed + kept > free:
            raise InsufficientSpaceError(
                str(folder), needed, free, headroom_bytes=kept, headroom_rule=rule.describe()
            )


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _allocated(path: Path) -> int:
    try:
        st = os.stat(path)
    except OSError:
        return 0
    blocks = getattr(st, "st_blocks", None)
    return min(st.st_size, blocks * 512) if blocks is not None else st.st_size
