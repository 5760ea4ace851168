"""Duplicate groups and reclaiming their space, on real file trees."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

import pytest

from hfsuite.core.clock import ManualClock
from hfsuite.library.duplicates import (
    Outcome,
    ReclaimLogEntry,
    ReclaimMode,
    apply_reclaim,
    find_duplicates,
    plan_reclaim,
    stale_temps,
    total_wasted,
)
from hfsuite.library.hashing import MIB, FileKey, Hasher, HashProgress, MemoryHashCache
from hfsuite.library.scanner import RootKind, ScannedFile, Scanner, ScanRoot

SIZE = 3 * MIB + 17


def _blob(seed: int, size: int = SIZE) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def _set_mtime(path: Path, seconds: int) -> None:
    os.utime(path, (seconds, seconds))


class CountingOpen:
    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, path: str) -> BinaryIO:
        self.opened.append(os.path.basename(path))
        return open(path, "rb", buffering=0)


def _scan(*roots: ScanRoot) -> list[ScannedFile]:
    return list(Scanner().scan(list(roots)).files.values())


def _used_bytes(root: Path) -> int:
    """Bytes held by distinct files under ``root`` (what a reclaim frees)."""
    seen: dict[tuple[int, int], int] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            st = os.lstat(os.path.join(folder, name))
            if not os.path.islink(os.path.join(folder, name)):
                seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Three copies of A (one of them hard-linked twice), two of B, and near-misses."""
    root = tmp_path / "lib"
    root.mkdir()
    a = _blob(1)
    (root / "a1.safetensors").write_bytes(a)
    (root / "a2.safetensors").write_bytes(a)
    (root / "sub").mkdir()
    (root / "sub" / "a3.safetensors").write_bytes(a)
    os.link(root / "sub" / "a3.safetensors", root / "sub" / "a3-link.safetensors")
    (root / "b1.bin").write_bytes(_blob(2, 5000))
    (root / "b2.bin").write_bytes(_blob(2, 5000))
    # same size as A, same first and last MiB, different middle: not a duplicate
    middle = bytearray(a)
    middle[MIB + 5] ^= 0xFF
    (root / "near.safetensors").write_bytes(bytes(middle))
    # same size as B, different start: dropped at the partial hash
    (root / "other.bin").write_bytes(b"X" + _blob(2, 5000)[1:])
    (root / "alias.safetensors").symlink_to(root / "a1.safetensors")
    (root / "empty1").write_bytes(b"")
    (root / "empty2").write_bytes(b"")
    for i, name in enumerate(["sub/a3.safetensors", "a1.safetensors", "a2.safetensors"]):
        _set_mtime(root / name, 1_600_000_000 + i)
    return root


def test_groups_are_narrowed_by_size_partial_and_full_hash(tree: Path) -> None:
    opener = CountingOpen()
    groups = find_duplicates(_scan(ScanRoot(str(tree))), Hasher(MemoryHashCache(), open_fn=opener))
    assert len(groups) == 2
    a, b = groups
    assert a.sha256 == hashlib.sha256(_blob(1)).hexdigest()
    assert sorted(os.path.basename(c.path) for c in a.copies) == [
        "a1.safetensors",
        "a2.safetensors",
        "a3-link.safetensors",
    ]
    linked = next(c for c in a.copies if len(c.paths) == 2)
    assert linked.nlink == 2
    assert a.wasted_bytes == 2 * SIZE and b.wasted_bytes == 5000
    assert total_wasted(groups) == 2 * SIZE + 5000
    # "other.bin" never reached the full hash; "near" did (its ends match A's)
    assert "other.bin" not in opener.opened and "near.safetensors" in opener.opened


def test_full_hashing_reports_progress_once_for_all_groups(tree: Path) -> None:
    seen: list[HashProgress] = []
    find_duplicates(_scan(ScanRoot(str(tree))), Hasher(MemoryHashCache()), on_progress=seen.append)
    # a1, a2, a3 (one of its two links), near, b1, b2
    assert (seen[-1].files_done, seen[-1].files_total) == (6, 6)
    assert seen[-1].bytes_done == 4 * SIZE + 2 * 5000


def test_known_hashes_are_not_recomputed(tree: Path) -> None:
    files = list(
        Scanner(hasher=Hasher(MemoryHashCache())).scan([ScanRoot(str(tree))]).files.values()
    )
    opener = CountingOpen()
    groups = find_duplicates(files, Hasher(MemoryHashCache(), open_fn=opener))
    assert len(groups) == 2 and opener.opened == []


def test_hf_cache_links_are_not_duplicates_but_a_copy_of_a_blob_is(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    repo = cache / "models--acme--tiny"
    (repo / "blobs").mkdir(parents=True)
    (repo / "blobs" / "etag").write_bytes(_blob(7, 4000))
    for rev in ("r1", "r2"):
        (repo / "snapshots" / rev).mkdir(parents=True)
        (repo / "snapshots" / rev / "model.bin").symlink_to("../../blobs/etag")
    user = tmp_path / "user"
    user.mkdir()
    (user / "via-link.bin").symlink_to(repo / "blobs" / "etag")
    roots = [ScanRoot(str(cache), RootKind.HF_CACHE), ScanRoot(str(user))]
    assert find_duplicates(_scan(*roots), Hasher(MemoryHashCache())) == []
    (user / "copy.bin").write_bytes(_blob(7, 4000))
    _set_mtime(user / "copy.bin", 1_000_000_000)  # older, but the blob is kept
    (group,) = find_duplicates(_scan(*roots), Hasher(MemoryHashCache()))
    (action,) = plan_reclaim([group], ReclaimMode.SYMLINK)
    assert action.path == str(user / "copy.bin") and action.keep == str(repo / "blobs" / "etag")


def _plan(tree: Path, mode: ReclaimMode) -> list:  # type: ignore[type-arg]
    groups = find_duplicates(_scan(ScanRoot(str(tree))), Hasher(MemoryHashCache()))
    return plan_reclaim(groups, mode)


def test_plan_keeps_the_oldest_and_replaces_every_link_of_a_duplicate(tree: Path) -> None:
    actions = _plan(tree, ReclaimMode.HARDLINK)
    a_actions = [x for x in actions if x.key.size == SIZE]
    # the oldest copy is kept (its first path, by name)
    assert {x.keep for x in a_actions} == {str(tree / "sub" / "a3-link.safetensors")}
    assert sorted(os.path.relpath(x.path, tree) for x in a_actions) == [
        "a1.safetensors",
        "a2.safetensors",
    ]
    assert sum(x.frees_bytes for x in actions) == 2 * SIZE + 5000


def test_a_copy_with_a_link_outside_the_scan_frees_nothing(tmp_path: Path) -> None:
    keep = tmp_path / "keep"
    dup = tmp_path / "dup"
    keep.write_bytes(b"same")
    dup.write_bytes(b"same")
    os.link(dup, tmp_path.parent / f"{tmp_path.name}-outside")
    try:
        groups = find_duplicates(_scan(ScanRoot(str(tmp_path))), Hasher(MemoryHashCache()))
        (action,) = plan_reclaim(groups, ReclaimMode.DELETE)
        assert action.frees_bytes == 0
    finally:
        os.unlink(tmp_path.parent / f"{tmp_path.name}-outside")


def test_hard_links_are_planned_per_file_system() -> None:
    def rec(path: str, dev: int, ino: int, mtime: int) -> ScannedFile:
        return ScannedFile(path, FileKey(dev, ino, 10, mtime), "/", sha256="f" * 64)

    files = [
        rec("/d1/a", 1, 1, 5),
        rec("/d1/b", 1, 2, 6),
        rec("/d2/c", 2, 1, 1),
        rec("/d2/d", 2, 9, 7),
    ]
    from hfsuite.library.duplicates import DuplicateGroup, _copies

    group = DuplicateGroup(10, "f" * 64, tuple(_copies(files)))
    hard = plan_reclaim([group], ReclaimMode.HARDLINK)
    assert sorted((x.path, x.keep) for x in hard) == [("/d1/b", "/d1/a"), ("/d2/d", "/d2/c")]
    sym = plan_reclaim([group], ReclaimMode.SYMLINK)
    assert {x.keep for x in sym} == {"/d2/c"} and len(sym) == 3


@pytest.mark.parametrize("mode", list(ReclaimMode))
def test_reclaim_frees_the_reported_bytes_and_keeps_paths_readable(
    tree: Path, mode: ReclaimMode
) -> None:
    contents = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    before = _used_bytes(tree)
    actions = _plan(tree, mode)
    log: list[ReclaimLogEntry] = []
    report = apply_reclaim(actions, log.append, clock=ManualClock())
    assert report.done == len(actions) and report.skipped == report.failed == 0
    assert report.freed_bytes == sum(x.frees_bytes for x in actions) == 2 * SIZE + 5000
    assert before - _used_bytes(tree) == report.freed_bytes
    deleted = {Path(x.path) for x in actions if x.mode is ReclaimMode.DELETE}
    for path, data in contents.items():
        if path in deleted:
            assert not os.path.lexists(path)
        else:
            assert path.read_bytes() == data
    if mode is ReclaimMode.SYMLINK:
        assert all(os.path.islink(x.path) for x in actions)
    if mode is ReclaimMode.DELETE:
        assert len(deleted) == 2 and (tree / "alias.safetensors").read_bytes() == _blob(1)
    assert [e.outcome for e in log] == [Outcome.DONE] * len(actions)
    assert not list(tree.rglob("*hfsuite-reclaim*"))


def test_dry_run_lists_every_action_and_touches_nothing(tree: Path) -> None:
    actions = _plan(tree, ReclaimMode.DELETE)
    snapshot = {p: _ident(p) for p in tree.rglob("*")}
    log: list[ReclaimLogEntry] = []
    report = apply_reclaim(actions, log.append, dry_run=True)
    assert [e.action for e in log] == actions and {e.outcome for e in log} == {Outcome.PLANNED}
    assert report.done == 0 and report.freed_bytes == 0
    assert {p: _ident(p) for p in tree.rglob("*")} == snapshot
    lines = [x.describe() for x in actions]
    # a1 has a symbolic link to it ("alias"): it becomes a link instead of going away
    assert sum(line.startswith("delete ") for line in lines) == 2
    assert [line for line in lines if line.startswith("symlink ")] == [
        f"symlink {tree / 'a1.safetensors'} -> {tree / 'sub' / 'a3-link.safetensors'}"
        f" (frees {SIZE} bytes)"
    ]


def _ident(path: Path) -> tuple[int, int, int, int]:
    st = os.lstat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_nlink)


@pytest.mark.parametrize("mode", [ReclaimMode.HARDLINK, ReclaimMode.SYMLINK])
def test_a_crash_between_link_and_rename_leaves_everything_readable(
    tree: Path, mode: ReclaimMode
) -> None:
    contents = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    actions = _plan(tree, mode)

    class Crash(Exception):
        pass

    def crash(temp: str, path: str) -> None:
        raise Crash(temp)

    with pytest.raises(Crash) as crashed:
        apply_reclaim(actions, lambda e: None, before_rename=crash)
    temp = str(crashed.value)
    assert os.path.lexists(temp) and stale_temps(actions[0].path) == [temp]
    for path, data in contents.items():
        assert path.read_bytes() == data
    report = apply_reclaim(actions, lambda e: None)
    assert report.done == len(actions) and not os.path.lexists(temp)
    for path, data in contents.items():
        assert path.read_bytes() == data


def test_a_file_changed_since_hashing_is_skipped(tree: Path) -> None:
    actions = _plan(tree, ReclaimMode.DELETE)
    target = next(x for x in actions if x.path.endswith("a2.safetensors"))
    with open(target.path, "r+b") as f:
        f.write(b"changed")
    os.utime(target.path, ns=(0, target.key.mtime_ns + 1))
    log: list[ReclaimLogEntry] = []
    report = apply_reclaim(actions, log.append)
    skipped = [e for e in log if e.outcome is Outcome.SKIPPED]
    assert [e.action.path for e in skipped] == [target.path]
    assert "changed since it was hashed" in skipped[0].reason
    assert os.path.exists(target.path) and report.skipped == 1


def test_the_last_copy_is_never_removed(tree: Path) -> None:
    actions = _plan(tree, ReclaimMode.DELETE)
    b = next(x for x in actions if x.key.size == 5000)
    # a conflicting plan that deletes the kept copy first, then the duplicate
    reverse = type(b)(b.mode, b.keep, b.path, b.keep_key, b.key, b.frees_bytes)
    log: list[ReclaimLogEntry] = []
    apply_reclaim([reverse, b], log.append)
    assert [e.outcome for e in log] == [Outcome.DONE, Outcome.SKIPPED]
    assert "kept copy is not readable" in log[1].reason
    assert os.path.exists(b.path)


def test_a_rerun_skips_what_is_already_linked(tree: Path) -> None:
    actions = _plan(tree, ReclaimMode.HARDLINK)
    apply_reclaim(actions, lambda e: None)
    log: list[ReclaimLogEntry] = []
    report = apply_reclaim(actions, log.append)
    assert report.done == 0 and report.freed_bytes == 0
    assert all("already the same file" in e.reason for e in log)
