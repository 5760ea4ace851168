"""The scanner walks real file trees: HF cache blobs once, problems recorded, incremental
rescans and the diff between two scans."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from hfsuite.core.clock import ManualClock
from hfsuite.library.cache_layout import add_refs, parse_repo_folder, summarize_hf_cache
from hfsuite.library.hashing import Hasher, MemoryHashCache
from hfsuite.library.scanner import (
    ProblemKind,
    RootKind,
    Scanner,
    ScanProgress,
    ScanRoot,
    diff_scan,
)


def _tree(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _hf_cache(root: Path) -> dict[str, str]:
    """A small HF cache: two revisions sharing a blob, one blob of its own each."""
    repo = root / "models--acme--tiny"
    blobs = {"e1": b"shared config", "e2": b"weights v1", "e3": b"weights v2"}
    for name, data in blobs.items():
        (repo / "blobs").mkdir(parents=True, exist_ok=True)
        (repo / "blobs" / name).write_bytes(data)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("b" * 40)
    layout = {
        "a" * 40: {"config.json": "e1", "w/model.bin": "e2"},
        "b" * 40: {"config.json": "e1", "w/model.bin": "e3"},
    }
    for rev, files in layout.items():
        for rel, blob in files.items():
            link = repo / "snapshots" / rev / rel
            link.parent.mkdir(parents=True, exist_ok=True)
            depth = rel.count("/") + 2
            link.symlink_to(os.path.join(*([".."] * depth), "blobs", blob))
    (root / ".locks" / "models--acme--tiny").mkdir(parents=True)
    (root / "version.txt").write_text("1")
    return {name: str(repo / "blobs" / name) for name in blobs}


def test_parse_repo_folder() -> None:
    repo = parse_repo_folder("datasets--org--name--with--dashes")
    assert repo is not None and (repo.repo_type, repo.repo_id) == (
        "dataset",
        "org/name/with/dashes",
    )
    assert parse_repo_folder(".locks") is None
    assert parse_repo_folder("things--a--b") is None


def test_user_folder_lists_every_regular_file(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.safetensors": b"1" * 10, "sub/b.ckpt": b"22", "sub/deep/c.pt": b""})
    os.mkfifo(tmp_path / "pipe")
    result = Scanner().scan([ScanRoot(str(tmp_path))])
    rel = {os.path.relpath(p, tmp_path): f.key.size for p, f in result.files.items()}
    assert rel == {"a.safetensors": 10, "sub/b.ckpt": 2, "sub/deep/c.pt": 0}
    assert not result.problems and not result.cancelled


def test_a_name_that_is_not_utf8_is_a_problem_and_the_scan_goes_on(tmp_path: Path) -> None:
    # A file and a folder named in another system's encoding (Python keeps the odd bytes as
    # surrogates, which the index, text, cannot store): a crash of the whole scan before.
    _tree(tmp_path, {"good.safetensors": b"1", "sub/é.ckpt": b"22"})
    base = os.fsencode(tmp_path)
    with open(os.path.join(base, b"bad\xff.safetensors"), "wb") as f:
        f.write(b"333")
    os.makedirs(os.path.join(base, b"odd\xfe", b"deep"))
    result = Scanner().scan([ScanRoot(str(tmp_path))])
    rel = {os.path.relpath(p, tmp_path) for p in result.files}
    assert rel == {"good.safetensors", os.path.join("sub", "é.ckpt")}
    shown = sorted(p.path for p in result.problems)
    assert shown == [f"{tmp_path}/bad\\xff.safetensors", f"{tmp_path}/odd\\xfe"]
    assert all(p.kind is ProblemKind.ERROR and "UTF-8" in p.message for p in result.problems)
    for problem in result.problems:
        problem.path.encode("utf-8")  # printable and storable


def test_overlapping_roots_report_a_file_once(tmp_path: Path) -> None:
    _tree(tmp_path, {"sub/x": b"x"})
    result = Scanner().scan([ScanRoot(str(tmp_path)), ScanRoot(str(tmp_path / "sub"))])
    assert list(result.files) == [str(tmp_path / "sub" / "x")]


def test_hf_cache_counts_each_blob_once_with_its_references(tmp_path: Path) -> None:
    blobs = _hf_cache(tmp_path)
    result = Scanner().scan([ScanRoot(str(tmp_path), RootKind.HF_CACHE)])
    assert sorted(result.files) == sorted(blobs.values())
    shared = result.files[blobs["e1"]]
    assert shared.hf_blob
    assert sorted((r.revision[0], r.path) for r in shared.hf_refs) == [
        ("a", "config.json"),
        ("b", "config.json"),
    ]
    (ref,) = result.files[blobs["e3"]].hf_refs
    assert (ref.repo_type, ref.repo_id, ref.path) == ("model", "acme/tiny", "w/model.bin")
    assert not result.problems


def test_hf_cache_broken_snapshot_link_is_a_problem(tmp_path: Path) -> None:
    blobs = _hf_cache(tmp_path)
    os.unlink(blobs["e2"])
    result = Scanner().scan([ScanRoot(str(tmp_path), RootKind.HF_CACHE)])
    assert len(result.files) == 2
    assert [p.kind for p in result.problems] == [ProblemKind.BROKEN_LINK]
    assert result.problems[0].path.endswith("w/model.bin")


def test_symlink_loop_and_broken_link_are_recorded_and_the_scan_goes_on(tmp_path: Path) -> None:
    _tree(tmp_path, {"models/a.bin": b"a", "models/z.bin": b"z"})
    (tmp_path / "models" / "loop").symlink_to(tmp_path)
    (tmp_path / "models" / "self").symlink_to("self")
    (tmp_path / "models" / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "e.bin").write_bytes(b"e")
    (tmp_path / "models" / "linked").symlink_to(tmp_path / "elsewhere")
    result = Scanner().scan([ScanRoot(str(tmp_path / "models"))])
    names = sorted(os.path.relpath(p, tmp_path / "models") for p in result.files)
    assert names == ["a.bin", "linked/e.bin", "z.bin"]
    kinds = {os.path.basename(p.path): p.kind for p in result.problems}
    assert kinds["dangling"] is ProblemKind.BROKEN_LINK
    assert kinds["self"] is ProblemKind.SYMLINK_LOOP
    # the link to tmp_path is walked (it is not a parent of models/), but its "models" folder
    # leads back into the walk, and "elsewhere" was already walked through "linked"
    loops = [os.path.relpath(p.path, tmp_path / "models") for p in result.problems]
    assert "loop/models" in loops and not any("elsewhere" in p for p in loops)


def test_symlinked_file_is_reported_at_its_path_with_its_targets_key(tmp_path: Path) -> None:
    _tree(tmp_path, {"real.bin": b"real"})
    (tmp_path / "alias.bin").symlink_to(tmp_path / "real.bin")
    files = Scanner().scan([ScanRoot(str(tmp_path))]).files
    alias, real = files[str(tmp_path / "alias.bin")], files[str(tmp_path / "real.bin")]
    assert alias.is_symlink and not real.is_symlink and alias.key == real.key


def test_permission_errors_and_vanished_files_are_per_path(tmp_path: Path) -> None:
    _tree(tmp_path, {"ok.bin": b"1", "locked/x.bin": b"2", "secret.bin": b"3", "gone.bin": b"4"})
    locked = str(tmp_path / "locked")

    def stat(path: str) -> os.stat_result:
        if path.endswith("secret.bin"):
            raise PermissionError(13, "Permission denied", path)
        if path.endswith("gone.bin"):
            raise FileNotFoundError(2, "No such file or directory", path)
        return os.stat(path)

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        if path == locked:
            raise PermissionError(13, "Permission denied", path)
        with os.scandir(path) as it:
            yield from it

    result = Scanner(stat=stat, scandir=scandir).scan([ScanRoot(str(tmp_path))])
    assert list(result.files) == [str(tmp_path / "ok.bin")]
    kinds = {os.path.basename(p.path): p.kind for p in result.problems}
    assert kinds == {
        "gone.bin": ProblemKind.VANISHED,
        "locked": ProblemKind.PERMISSION,
        "secret.bin": ProblemKind.PERMISSION,
    }


def test_missing_root_is_a_problem(tmp_path: Path) -> None:
    result = Scanner().scan([ScanRoot(str(tmp_path / "nope"))])
    assert [p.kind for p in result.problems] == [ProblemKind.VANISHED]


class CountingOpen:
    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, path: str) -> BinaryIO:
        self.opened.append(os.path.basename(path))
        return open(path, "rb", buffering=0)


def test_rescan_rereads_only_new_and_changed_files(tmp_path: Path) -> None:
    _tree(tmp_path, {"a": b"a" * 100, "b": b"b" * 100, "c": b"c" * 100})
    opener = CountingOpen()
    # a fresh cache each time: only the previous scan's records avoid reading
    first = Scanner(hasher=Hasher(MemoryHashCache(), open_fn=opener)).scan(
        [ScanRoot(str(tmp_path))]
    )
    assert sorted(opener.opened) == ["a", "b", "c"] and first.hashed_files == 3
    assert first.files[str(tmp_path / "a")].sha256 == hashlib.sha256(b"a" * 100).hexdigest()
    opener.opened.clear()
    (tmp_path / "b").write_bytes(b"B" * 101)
    (tmp_path / "d").write_bytes(b"d")
    second = Scanner(hasher=Hasher(MemoryHashCache(), open_fn=opener)).scan(
        [ScanRoot(str(tmp_path))], previous=first.files
    )
    assert sorted(opener.opened) == ["b", "d"] and second.hashed_files == 2
    assert all(f.sha256 for f in second.files.values())


def test_diff_finds_added_changed_removed_and_moves(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {"keep": b"k", "edit": b"e", "drop": b"d", "renamed": b"r", "copied": b"same bytes"},
    )
    scanner = Scanner(hasher=Hasher(MemoryHashCache()))
    before = scanner.scan([ScanRoot(str(tmp_path))]).files
    (tmp_path / "edit").write_bytes(b"edited")
    os.unlink(tmp_path / "drop")
    os.rename(tmp_path / "renamed", tmp_path / "sub-renamed")
    # moved across a copy: new inode, same bytes
    shutil.copyfile(tmp_path / "copied", tmp_path / "copied-elsewhere")
    os.unlink(tmp_path / "copied")
    (tmp_path / "fresh").write_bytes(b"new")
    after = scanner.scan([ScanRoot(str(tmp_path))], previous=before).files
    diff = diff_scan(before, after)
    name = os.path.basename
    assert [name(f.path) for f in diff.added] == ["fresh"]
    assert [name(f.path) for f in diff.changed] == ["edit"]
    assert [name(f.path) for f in diff.removed] == ["drop"]
    assert sorted((name(m.old.path), name(m.new.path)) for m in diff.moved) == [
        ("copied", "copied-elsewhere"),
        ("renamed", "sub-renamed"),
    ]


def test_progress_is_throttled_by_the_clock_and_ends_with_done(tmp_path: Path) -> None:
    _tree(tmp_path, {f"f{i:02}": b"x" * i for i in range(20)})
    clock = ManualClock()
    seen: list[ScanProgress] = []

    def on_progress(p: ScanProgress) -> None:
        seen.append(p)

    def stat(path: str) -> os.stat_result:
        clock.advance(0.05)
        return os.stat(path)

    Scanner(stat=stat, clock=clock).scan([ScanRoot(str(tmp_path))], on_progress=on_progress)
    assert 3 <= len(seen) <= 7
    assert seen[-1] == ScanProgress(20, sum(range(20)), None, done=True)
    assert all(p.current_path for p in seen[:-1])


def test_cancel_returns_what_was_found(tmp_path: Path) -> None:
    _tree(tmp_path, {f"d{i}/f": b"x" for i in range(10)})
    cancel = threading.Event()
    calls = 0

    def stat(path: str) -> os.stat_result:
        nonlocal calls
        calls += 1
        if calls == 14:
            cancel.set()
        return os.stat(path)

    result = Scanner(stat=stat).scan([ScanRoot(str(tmp_path))], cancel=cancel)
    assert result.cancelled and 0 < len(result.files) < 10


def test_background_scan_can_be_cancelled(tmp_path: Path) -> None:
    _tree(tmp_path, {f"f{i}": b"x" for i in range(5)})
    entered, release = threading.Event(), threading.Event()

    def stat(path: str) -> os.stat_result:
        entered.set()
        release.wait(5)
        return os.stat(path)

    job = Scanner(stat=stat).start([ScanRoot(str(tmp_path))])
    assert entered.wait(5)
    job.cancel()
    release.set()
    result = job.result(timeout=5)
    assert result.cancelled and len(result.files) < 5


def test_hf_cache_without_symlinks_reports_snapshot_files_themselves(tmp_path: Path) -> None:
    # the official client copies files into snapshots where symbolic links are not available
    snap = tmp_path / "datasets--org--set" / "snapshots" / ("c" * 40)
    _tree(snap, {"data/train.csv": b"a,b\n"})
    (tmp_path / "datasets--org--set" / "blobs").mkdir()
    (tmp_path / "datasets--org--set" / "blobs" / "x.incomplete").write_bytes(b"partial")
    result = Scanner().scan([ScanRoot(str(tmp_path), RootKind.HF_CACHE)])
    (only,) = result.files.values()
    assert only.path == str(snap / "data" / "train.csv") and not only.hf_blob
    (ref,) = only.hf_refs
    assert (ref.repo_type, ref.repo_id, ref.path) == ("dataset", "org/set", "data/train.csv")


def test_a_file_growing_during_the_scan_is_recorded_and_the_scan_goes_on(tmp_path: Path) -> None:
    _tree(tmp_path, {"grows.bin": b"g" * 1000, "steady.bin": b"s" * 1000})

    def open_and_grow(p: str) -> BinaryIO:
        f = open(p, "rb", buffering=0)  # noqa: SIM115 - the hasher closes it
        if p.endswith("grows.bin"):
            with open(p, "ab") as w:
                w.write(b"+")
        return f

    result = Scanner(hasher=Hasher(MemoryHashCache(), open_fn=open_and_grow)).scan(
        [ScanRoot(str(tmp_path))]
    )
    assert [(os.path.basename(p.path), p.kind) for p in result.problems] == [
        ("grows.bin", ProblemKind.CHANGED)
    ]
    assert result.files[str(tmp_path / "grows.bin")].sha256 is None
    assert result.files[str(tmp_path / "steady.bin")].sha256 is not None


def test_a_warm_hash_cache_spares_reading_without_a_previous_scan(tmp_path: Path) -> None:
    _tree(tmp_path, {"a": b"a", "b": b"b"})
    cache = MemoryHashCache()
    Scanner(hasher=Hasher(cache)).scan([ScanRoot(str(tmp_path))])
    opener = CountingOpen()
    result = Scanner(hasher=Hasher(cache, open_fn=opener)).scan([ScanRoot(str(tmp_path))])
    assert opener.opened == [] and all(f.sha256 for f in result.files.values())
    assert result.hashed_files == 0


def test_summary_of_a_cache_counts_blobs_once_and_reads_refs(tmp_path: Path) -> None:
    _hf_cache(tmp_path)
    pr = tmp_path / "models--acme--tiny" / "refs" / "refs" / "pr"
    pr.mkdir(parents=True)
    (pr / "1").write_text("a" * 40)
    result = Scanner().scan([ScanRoot(str(tmp_path), RootKind.HF_CACHE)])
    (repo,) = summarize_hf_cache(result.files.values())
    add_refs([repo], str(tmp_path))
    assert (repo.repo_id, repo.nb_files) == ("acme/tiny", 3)
    assert repo.size_on_disk == len(b"shared config") + len(b"weights v1") + len(b"weights v2")
    assert repo.revisions == {rev: {"config.json", "w/model.bin"} for rev in ("a" * 40, "b" * 40)}
    assert repo.refs == {"b" * 40: {"main"}, "a" * 40: {"refs/pr/1"}}
