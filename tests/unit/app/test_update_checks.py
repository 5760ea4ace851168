"""Update checks without a network: what counts as added, modified, removed, up to date."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from manager_unit_helpers import make_suite

from hfsuite.app.download.updates import ChangeKind, check_version, diff_files, selected_paths
from hfsuite.app.history_ops import TaskEnd, record_end
from hfsuite.app.queue.manager import DownloadManager
from hfsuite.app.queue.tasks import TaskOptions
from hfsuite.core.clock import ManualClock
from hfsuite.core.destination import Destination
from hfsuite.core.errors import RevisionNotFoundError
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import Layout, Outcome, RepoRef, RepoType, SourceKind, TaskState
from hfsuite.storage import FileSelection, ManifestEntry, ModelVersionRecord, TaskSpec

OLD, NEW = "1" * 40, "2" * 40


def _remote(path: str, oid: str = "o") -> RemoteFile:
    return RemoteFile(path, 1, "http://h/" + path, blob_id=oid * 40)


def _version(
    manifest: Sequence[str],
    selections: tuple[FileSelection, ...] | None,
    commit: str = OLD,
) -> ModelVersionRecord:
    return ModelVersionRecord(
        id=1,
        source=SourceKind.HUGGINGFACE,
        repo_type=RepoType.MODEL,
        repo_id="acme/m",
        revision="main",
        commit=commit,
        destination="/nowhere",
        layout=Layout.LOCAL_DIR,
        manifest=tuple(ManifestEntry(p, 1, git_oid="o" * 40) for p in manifest),
        downloaded_at=0.0,
        upstream_commit=None,
        checked_at=None,
        selections=selections,
    )


def _snapshots(listings: dict[str, list[RemoteFile]], head: str):  # type: ignore[no-untyped-def]
    def snapshot_of(ref: RepoRef) -> RepoSnapshot:
        commit = head if ref.revision == "main" else str(ref.revision)
        if commit not in listings:
            raise RevisionNotFoundError("gone")
        return RepoSnapshot(ref, commit, tuple(listings[commit]))

    return snapshot_of


def _kinds(changes) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(c.path, c.kind.value) for c in changes}


def test_added_files_follow_the_download_selection() -> None:
    listing = [_remote(p) for p in ("a.json", "b.json", "new.json", "new.bin", "docs/x.md")]
    selections = (FileSelection(include=("*.json",)), FileSelection(paths=("docs/",)))
    assert selected_paths(listing, selections) == {"a.json", "b.json", "new.json", "docs/x.md"}
    # An explicit path that is gone upstream selects nothing instead of failing the check.
    assert selected_paths(listing, [FileSelection(paths=("gone/",))]) == set()
    version = _version(["a.json", "b.json", "docs/x.md"], selections)
    update = check_version(version, _snapshots({NEW: listing}, NEW), lambda _p: True)
    assert _kinds(update.changes) == {("new.json", "added")}  # not new.bin: outside --include
    assert update.has_update and update.commit_moved


def test_same_commit_is_not_up_to_date_while_added_files_are_missing() -> None:
    listing = [_remote("a.txt"), _remote("new.txt")]
    version = _version(["a.txt"], (FileSelection(),), commit=NEW)
    update = check_version(version, _snapshots({NEW: listing}, NEW), lambda _p: True)
    assert not update.commit_moved
    assert _kinds(update.changes) == {("new.txt", "added")} and update.has_update


def test_removed_files_count_only_while_the_destination_holds_them() -> None:
    version = _version(["a.txt", "gone.txt"], (FileSelection(),), commit=NEW)
    snapshot_of = _snapshots({NEW: [_remote("a.txt")]}, NEW)
    kept = check_version(version, snapshot_of, lambda path: path == "gone.txt")
    assert _kinds(kept.changes) == {("gone.txt", "removed")} and kept.has_update
    deleted = check_version(version, snapshot_of, lambda _p: False)
    assert deleted.changes == () and not deleted.has_update


def test_unknown_selection_falls_back_to_the_downloaded_commit_listing() -> None:
    old = [_remote("a.txt"), _remote("skipped.bin")]
    new = [_remote("a.txt", "p"), _remote("skipped.bin", "q"), _remote("new.txt")]
    version = _version(["a.txt"], None)
    update = check_version(version, _snapshots({OLD: old, NEW: new}, NEW), lambda _p: True)
    assert _kinds(update.changes) == {("a.txt", "modified"), ("new.txt", "added")}
    # The downloaded commit is gone (force-push): only the tracked files are known.
    gone = check_version(version, _snapshots({NEW: new}, NEW), lambda _p: True)
    assert _kinds(gone.changes) == {
        ("a.txt", "modified"),
        ("new.txt", "added"),
        ("skipped.bin", "added"),
    }


def test_a_new_commit_that_changes_none_of_the_files_is_up_to_date() -> None:
    listing = [_remote("a.txt"), _remote("other.bin", "z")]
    version = _version(["a.txt"], (FileSelection(include=("*.txt",)),))
    update = check_version(version, _snapshots({NEW: listing}, NEW), lambda _p: True)
    assert update.commit_moved and not update.has_update
    assert update.to_dict()["update_available"] is False


def test_diff_without_presence_reports_every_removed_file() -> None:
    changes = diff_files([ManifestEntry("x", 1)], [], wanted=set())
    assert [(c.path, c.kind) for c in changes] == [("x", ChangeKind.REMOVED)]


@pytest.fixture
def manager(tmp_path: Path):  # type: ignore[no-untyped-def]
    suite = make_suite(tmp_path, ManualClock(wall_start=1_750_000_000.0))
    yield DownloadManager(suite)
    suite.close()


def _complete(manager: DownloadManager, task_id: int, files: Sequence[str]) -> None:
    task = manager.require(task_id)
    end = TaskEnd(Outcome.COMPLETED, NEW, [ManifestEntry(p, 1) for p in files])
    with manager.db.write() as uow:
        uow.tasks.set_state([task_id], TaskState.COMPLETED)
        record_end(uow, task, end, 1.0)


def _selections(manager: DownloadManager) -> tuple[FileSelection, ...] | None:
    with manager.db.read() as uow:
        (version,) = uow.model_versions.list_all()
    return version.selections


def test_completed_downloads_record_what_they_asked_for(manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dest = TaskOptions(destination=Destination.folder(tmp_path / "m"))
    json_only = TaskOptions(destination=dest.destination, include=("*.json",))
    (first,) = manager.add_repos(["acme/m"], json_only)
    _complete(manager, first, ["a.json"])
    assert _selections(manager) == (FileSelection(include=("*.json",)),)

    # An update naming tracked files adds nothing; a folder or other globs add a selection.
    task = manager.require(first)
    (update,) = manager.add(
        [
            TaskSpec(
                source=task.source,
                destination=task.destination,
                repo_id="acme/m",
                files=["a.json"],
                layout=task.layout,
            )
        ]
    )
    _complete(manager, update, ["a.json"])
    assert _selections(manager) == (FileSelection(include=("*.json",)),)
    (unet,) = manager.add_repos(
        ["acme/m"], TaskOptions(destination=dest.destination, paths=("unet/",))
    )
    _complete(manager, unet, ["unet/w.bin"])
    assert _selections(manager) == (
        FileSelection(include=("*.json",)),
        FileSelection(paths=("unet/",)),
    )
    # The whole repository makes the rest moot.
    (full,) = manager.add_repos(["acme/m"], dest)
    _complete(manager, full, ["a.json", "unet/w.bin", "b.bin"])
    assert _selections(manager) == (FileSelection(),)
