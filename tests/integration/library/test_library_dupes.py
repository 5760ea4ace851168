"""Duplicates and reclaim through the library index (database, hash cache, reclaim log) on
real file trees: groups, PATH limits, hashing once, each mode freeing what it reports, the HF
cache kept whole, refusals and per-action failures."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from dupes_helpers import MIB, blob, index_roots, make_hf_cache, make_suite, sha, used_bytes

from hfsuite.app.library import dupes
from hfsuite.app.suite import Suite
from hfsuite.core.errors import UsageError
from hfsuite.library.duplicates import TEMP_MARK, Outcome, ReclaimMode
from hfsuite.library.scanner import RootKind, ScanRoot
from hfsuite.storage.schema import FILE_HASHES

SIZE = 3 * MIB + 11


@pytest.fixture
def suite(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = make_suite(tmp_path)
    yield s
    s.close()


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """Three copies of A (one with a second hard link), two of B, a symlink to A, near-misses."""
    root = tmp_path / "lib"
    (root / "sub").mkdir(parents=True)
    a = blob(1, SIZE)
    (root / "a1.safetensors").write_bytes(a)
    (root / "a2.safetensors").write_bytes(a)
    (root / "sub" / "a3.safetensors").write_bytes(a)
    os.link(root / "sub" / "a3.safetensors", root / "sub" / "a3-link.safetensors")
    (root / "a-symlink.safetensors").symlink_to(root / "a1.safetensors")
    (root / "b1.bin").write_bytes(blob(2, 5000))
    (root / "sub" / "b2.bin").write_bytes(blob(2, 5000))
    near = bytearray(a)
    near[MIB + 7] ^= 0xFF
    (root / "near.safetensors").write_bytes(bytes(near))
    for i, p in enumerate(sorted(root.rglob("*"))):
        if p.is_file() and not p.is_symlink():
            os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))
    return root


def _state(root: Path) -> dict[Path, tuple[int, ...]]:
    """What a reclaim could change (reading changes only access times)."""
    out: dict[Path, tuple[int, ...]] = {}
    for p in root.rglob("*"):
        st = os.lstat(p)
        out[p] = (st.st_dev, st.st_ino, st.st_mode, st.st_nlink, st.st_size, st.st_mtime_ns)
    return out


def _groups(result: dupes.DupesResult) -> dict[int, list[list[str]]]:
    return {
        g.size: sorted([os.path.basename(p) for p in c.paths] for c in g.copies)
        for g in result.groups
    }


def test_groups_exclude_hard_links_and_symlinks_and_count_waste(suite: Suite, lib: Path) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    result = dupes.find(dupes.suite_index(suite))
    assert _groups(result) == {
        SIZE: [["a1.safetensors"], ["a2.safetensors"], ["a3-link.safetensors", "a3.safetensors"]],
        5000: [["b1.bin"], ["b2.bin"]],
    }
    assert result.wasted_bytes == 2 * SIZE + 5000
    a_group = result.groups[0]
    assert a_group.sha256 == sha(blob(1, SIZE))
    (with_link,) = [c for c in a_group.copies if c.symlinks]
    assert with_link.path.endswith("a1.safetensors")


def test_hashes_go_to_the_cache_and_a_second_run_reads_nothing(
    suite: Suite, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    first = dupes.find(dupes.suite_index(suite))
    assert first.hashed_bytes >= 3 * SIZE  # a1, a2, a3 (and near, which matches the edges)
    with suite.database.read() as uow:
        stored = {r.sha256 for r in uow.session.execute(sa.select(FILE_HASHES.c.sha256))}
    assert sha(blob(1, SIZE)) in stored and sha(blob(2, 5000)) in stored
    opened: list[str] = []

    def counting_open(path: str, *args: Any, **kwargs: Any) -> Any:
        opened.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(dupes, "open", counting_open, raising=False)
    again = dupes.find(dupes.suite_index(suite))
    assert again.hashed_bytes == 0
    assert _groups(again) == _groups(first)
    # not even the first and last MiB are read again: every file of those sizes is hashed
    assert opened == []
    (lib / "a4.safetensors").write_bytes(blob(1, SIZE))
    index_roots(suite, ScanRoot(str(lib)))
    third = dupes.find(dupes.suite_index(suite))
    assert len(third.groups[0].copies) == 4 and third.hashed_bytes == SIZE
    assert str(lib / "a4.safetensors") in opened and len(opened) >= 4  # its size is read again


def test_paths_limit_the_files_and_unknown_paths_are_refused(
    suite: Suite, lib: Path, tmp_path: Path
) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    only_sub = dupes.find(index, [str(lib / "sub")])
    assert only_sub.groups == []  # a3 and its link are one file; b2's twin is outside
    two = dupes.find(index, [str(lib / "a1.safetensors"), str(lib / "sub")])
    assert _groups(two) == {SIZE: [["a1.safetensors"], ["a3-link.safetensors", "a3.safetensors"]]}
    with pytest.raises(UsageError, match="No such file or folder"):
        dupes.find(index, [str(tmp_path / "nowhere")])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(UsageError, match="not in the library index") as info:
        dupes.find(index, [str(elsewhere)])
    assert info.value.hint == f"Scan it first: hfsuite scan {elsewhere}"


@pytest.mark.parametrize("mode", list(ReclaimMode))
def test_each_mode_frees_the_reported_bytes_and_keeps_paths_readable(
    suite: Suite, lib: Path, mode: ReclaimMode
) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    contents = {p: p.read_bytes() for p in lib.rglob("*") if p.is_file() or p.is_symlink()}
    before = used_bytes(lib)
    plan = dupes.plan(dupes.find(index), mode)
    assert plan.bytes_to_free == 2 * SIZE + 5000
    run = dupes.reclaim(index, plan, forget=dupes.index_forgetter(suite))
    assert (run.report.done, run.report.skipped, run.report.failed) == (len(plan.actions), 0, 0)
    assert run.report.freed_bytes == plan.bytes_to_free
    assert before - used_bytes(lib) == plan.bytes_to_free
    deleted = {Path(a.path) for a in plan.actions} if mode is ReclaimMode.DELETE else set()
    for path, data in contents.items():
        if path in deleted:
            assert not os.path.lexists(path)
        else:
            assert path.read_bytes() == data, path
    # a1 has a symlink to it: in delete mode it would have been kept or turned into a link
    assert (lib / "a-symlink.safetensors").read_bytes() == contents[lib / "a1.safetensors"]
    assert not [p for p in lib.rglob(f"*{TEMP_MARK}*")]
    with suite.database.read() as uow:
        logged = uow.reclaim_log.recent()
    assert len(logged) == len(plan.actions)
    assert {r.outcome for r in logged} == {"done"}
    assert sum(r.bytes for r in logged) == plan.bytes_to_free
    # Nothing left to reclaim, and the index no longer lists deleted files.
    assert dupes.find(index).groups == []
    if deleted:
        with suite.database.read() as uow:
            listed = {r.path for r in uow.library_files.stream()}
        assert not listed & {str(p) for p in deleted}


def test_dry_run_changes_nothing_and_logs_the_plan(suite: Suite, lib: Path) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    before = _state(lib)
    plan = dupes.plan(dupes.find(index), ReclaimMode.DELETE)
    run = dupes.reclaim(index, plan, dry_run=True)
    assert run.report.done == 0 and run.report.freed_bytes == 0
    assert {e.outcome for e in run.entries} == {Outcome.PLANNED}
    assert _state(lib) == before
    with suite.database.read() as uow:
        assert {r.outcome for r in uow.reclaim_log.recent()} == {"planned"}


def test_a_file_changed_since_it_was_hashed_is_skipped(suite: Suite, lib: Path) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    plan = dupes.plan(dupes.find(index), ReclaimMode.HARDLINK)
    target = next(a for a in plan.actions if a.path.endswith("b2.bin"))
    Path(target.path).write_bytes(blob(3, 5000))
    run = dupes.reclaim(index, plan)
    (skipped,) = [e for e in run.entries if e.outcome is Outcome.SKIPPED]
    assert skipped.action.path == target.path
    assert "changed since it was hashed" in skipped.reason
    assert Path(target.path).read_bytes() == blob(3, 5000)


def test_a_mode_the_file_system_refuses_fails_that_action_only(
    suite: Suite, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    plan = dupes.plan(dupes.find(index), ReclaimMode.HARDLINK)
    real_link = os.link

    def link(src: str, dst: str) -> None:
        if "b1.bin" in src or "b2.bin" in dst:
            raise OSError(errno.EXDEV, "Invalid cross-device link", src, None, dst)
        real_link(src, dst)

    monkeypatch.setattr(os, "link", link)
    run = dupes.reclaim(index, plan)
    failed = [e for e in run.entries if e.outcome is Outcome.FAILED]
    assert len(failed) == 1 and "cross-device" in failed[0].reason
    assert run.report.done == len(plan.actions) - 1
    assert (lib / "sub" / "b2.bin").read_bytes() == blob(2, 5000)
    assert not [p for p in lib.rglob(f"*{TEMP_MARK}*")]


def test_copies_on_another_file_system_are_named_in_a_hardlink_plan(
    suite: Suite, lib: Path
) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(lib).st_dev:
        pytest.skip("no second file system (/dev/shm) to put a copy on")
    other = shm / f"hfsuite-dupes-{os.getpid()}"
    other.mkdir()
    try:
        (other / "b3.bin").write_bytes(blob(2, 5000))
        index_roots(suite, ScanRoot(str(lib)), ScanRoot(str(other)))
        plan = dupes.plan(dupes.find(dupes.suite_index(suite)), ReclaimMode.HARDLINK)
        assert any(
            r.path == str(other / "b3.bin") and "another file system" in r.reason
            for r in plan.refused
        )
        assert all(not a.path.startswith(str(other)) for a in plan.actions)
    finally:
        for p in other.iterdir():
            p.unlink()
        other.rmdir()


def test_the_hf_cache_stays_valid(suite: Suite, tmp_path: Path) -> None:
    data = blob(7, 2 * MIB + 5)
    commit = "c" * 40
    cache = tmp_path / "hf"
    blobs = make_hf_cache(cache, "acme/m", {"model.safetensors": data}, commit)
    user = tmp_path / "models"
    user.mkdir()
    (user / "copy.safetensors").write_bytes(data)
    index_roots(suite, ScanRoot(str(cache), RootKind.HF_CACHE), ScanRoot(str(user)))
    index = dupes.suite_index(suite)
    result = dupes.find(index)
    (group,) = result.groups
    assert len(group.copies) == 2  # the snapshot's symlink is not a third copy
    plan = dupes.plan(result, ReclaimMode.DELETE)
    assert [a.path for a in plan.actions] == [str(user / "copy.safetensors")]
    dupes.reclaim(index, plan)
    snapshot = cache / "models--acme--m" / "snapshots" / commit / "model.safetensors"
    assert blobs["model.safetensors"].read_bytes() == data
    assert snapshot.read_bytes() == data


def test_snapshot_files_of_a_cache_without_symlinks_are_never_deleted(
    suite: Suite, tmp_path: Path
) -> None:
    data = blob(8, 4000)
    commit = "d" * 40
    snapshot = tmp_path / "hf" / "models--acme--flat" / "snapshots" / commit / "w.bin"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_bytes(data)
    user = tmp_path / "models"
    user.mkdir()
    (user / "w.bin").write_bytes(data)
    os.utime(user / "w.bin", (1_600_000_000, 1_600_000_000))  # older: it is the one kept
    index_roots(suite, ScanRoot(str(tmp_path / "hf"), RootKind.HF_CACHE), ScanRoot(str(user)))
    index = dupes.suite_index(suite)
    for mode in (ReclaimMode.DELETE, ReclaimMode.SYMLINK):
        plan = dupes.plan(dupes.find(index), mode)
        assert plan.actions == []
        (refusal,) = plan.refused
        assert refusal.path == str(snapshot) and "HF cache" in refusal.reason
    plan = dupes.plan(dupes.find(index), ReclaimMode.HARDLINK)
    assert [a.path for a in plan.actions] == [str(snapshot)]
    run = dupes.reclaim(index, plan)
    assert run.report.done == 1
    assert os.path.samefile(snapshot, user / "w.bin") and snapshot.read_bytes() == data
    assert not snapshot.is_symlink()


def test_stale_temps_of_a_killed_run_are_removed_first(suite: Suite, lib: Path) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    leftover = lib / f"a2.safetensors{TEMP_MARK}dead"
    os.link(lib / "a1.safetensors", leftover)
    plan = dupes.plan(dupes.find(index), ReclaimMode.SYMLINK)
    dry = dupes.reclaim(index, plan, dry_run=True)
    assert dry.stale_temps == [str(leftover)] and leftover.exists()
    run = dupes.reclaim(index, plan)
    assert run.stale_temps == [str(leftover)]
    assert not leftover.exists()
    assert run.report.failed == 0


def test_the_same_blob_in_two_cached_repositories_is_left_alone(
    suite: Suite, tmp_path: Path
) -> None:
    data = blob(9, 6000)
    cache = tmp_path / "hf"
    make_hf_cache(cache, "acme/one", {"lora.safetensors": data}, "1" * 40)
    make_hf_cache(cache, "acme/two", {"lora.safetensors": data}, "2" * 40)
    index_roots(suite, ScanRoot(str(cache), RootKind.HF_CACHE))
    result = dupes.find(dupes.suite_index(suite))
    (group,) = result.groups
    assert all(c.hf_blob for c in group.copies) and group.wasted_bytes == 6000
    for mode in ReclaimMode:
        plan = dupes.plan(result, mode)
        assert plan.actions == [] and plan.bytes_to_free == 0
        (refusal,) = plan.refused
        assert refusal.reason == dupes.HF_BLOB
        assert "models--acme--two" in refusal.path and "models--acme--one" in refusal.keep


def test_a_leftover_that_cannot_be_removed_skips_its_action_only(
    suite: Suite, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    leftover = lib / "sub" / f"b2.bin{TEMP_MARK}dead"
    os.link(lib / "b1.bin", leftover)
    plan = dupes.plan(dupes.find(index), ReclaimMode.HARDLINK)
    real_unlink = os.unlink

    def unlink(path: str, *args: object, **kwargs: object) -> None:
        if TEMP_MARK in os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        real_unlink(path)

    monkeypatch.setattr(os, "unlink", unlink)
    run = dupes.reclaim(index, plan)
    (skipped,) = [e for e in run.entries if e.outcome is Outcome.SKIPPED]
    assert skipped.action.path == str(lib / "sub" / "b2.bin")
    assert skipped.reason == f"{dupes.STALE_BLOCKS}: {leftover}"
    assert (run.report.done, run.report.skipped, run.report.failed) == (len(plan.actions) - 1, 1, 0)
    assert leftover.exists() and (lib / "sub" / "b2.bin").read_bytes() == blob(2, 5000)


@pytest.mark.parametrize("mode", [ReclaimMode.HARDLINK, ReclaimMode.SYMLINK])
def test_the_index_shows_the_links_after_a_reclaim(
    suite: Suite, lib: Path, mode: ReclaimMode
) -> None:
    from hfsuite.app.library.verify import VerifyStatus, verify

    index_roots(suite, ScanRoot(str(lib)))
    index = dupes.suite_index(suite)
    run = dupes.reclaim(index, dupes.plan(dupes.find(index), mode))
    assert dupes.rescan_touched(suite, run) == [str(lib)]  # sub/ is inside lib/
    replaced = run.entries[0].action.path
    record = suite.library.file(replaced)
    if mode is ReclaimMode.HARDLINK:
        assert record.key[1] == os.stat(replaced).st_ino and record.nlink >= 2
    else:
        assert record.is_symlink
    checked = verify(index)
    assert {f.status for f in checked.files} == {VerifyStatus.UNCHANGED}


@pytest.mark.parametrize("mode", list(ReclaimMode))
def test_a_cache_scanned_as_a_plain_folder_is_still_kept_whole(
    suite: Suite, tmp_path: Path, mode: ReclaimMode
) -> None:
    data = blob(10, 7000)
    home = tmp_path / "hf-parent"  # a parent of the cache added as a plain folder
    blobs = make_hf_cache(home / "hub", "acme/m", {"w.bin": data}, "e" * 40)
    flat = home / "hub" / "models--acme--flat" / "snapshots" / ("f" * 40) / "w.bin"
    flat.parent.mkdir(parents=True)
    flat.write_bytes(data)
    mine = home / "mine.bin"
    mine.write_bytes(data)
    for i, p in enumerate((mine, flat, blobs["w.bin"])):  # the user's copy is the oldest
        os.utime(p, (1_600_000_000 + i, 1_600_000_000 + i))
    index_roots(suite, ScanRoot(str(home)))
    assert all(r.kind == "user" for r in suite.library.root_records() if r.path == str(home))
    index = dupes.suite_index(suite)
    plan = dupes.plan(dupes.find(index), mode)
    touched = {a.path for a in plan.actions}
    assert str(blobs["w.bin"]) not in touched
    if mode is ReclaimMode.DELETE:
        assert touched == {str(mine)}
        assert {r.path for r in plan.refused} == {str(flat)}
    else:
        assert touched == {str(mine), str(flat)}  # both become links to the blob
    dupes.reclaim(index, plan)
    snapshot = home / "hub" / "models--acme--m" / "snapshots" / ("e" * 40) / "w.bin"
    assert blobs["w.bin"].read_bytes() == data and not blobs["w.bin"].is_symlink()
    assert snapshot.read_bytes() == data and flat.read_bytes() == data
