"""Layouts and planner without a network: hostile paths, completeness, space check."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from hfsuite.core.errors import InsufficientSpaceError, UnsafePathError
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef
from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout
from hfsuite.engine.planner import check_disk_space, plan_download, select_files

COMMIT = "a" * 40


def _file(path: str, content: bytes = b"x", lfs: bool = True) -> RemoteFile:
    return RemoteFile(
        path=path,
        size=len(content),
        url="http://h/" + path,
        sha256=hashlib.sha256(content).hexdigest() if lfs else None,
        blob_id="b" * 40,
        lfs=lfs,
    )


@pytest.mark.parametrize(
    "hostile", ["../evil.bin", "/etc/cron.d/x", "a/../../b", "a\\..\\b", "C:/x"]
)
@pytest.mark.parametrize("layout_kind", ["cache", "local"])
def test_hostile_remote_paths_are_refused_before_anything_is_written(
    tmp_path: Path, hostile: str, layout_kind: str
) -> None:
    snap = RepoSnapshot(RepoRef("acme/m"), COMMIT, (_file("ok.bin"), _file(hostile)))
    dest = tmp_path / "dest"
    layout = HFCacheLayout(dest, snap) if layout_kind == "cache" else LocalDirLayout(dest, COMMIT)
    with pytest.raises(UnsafePathError):
        plan_download(snap, layout)
    assert {p.name for p in tmp_path.iterdir()} <= {"home", "dest"}  # home: the test sandbox
    assert not [p for p in tmp_path.rglob("*") if p.name in ("evil.bin", "x", "b")]


def test_hostile_repo_id_or_revision_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("../../x"), COMMIT))
    snap = RepoSnapshot(RepoRef("acme/m", revision="../../../etc"), COMMIT)
    with pytest.raises(UnsafePathError):
        HFCacheLayout(tmp_path, snap).finish()


def test_cache_layout_reuses_a_blob_from_another_revision(tmp_path: Path) -> None:
    content = b"weights"
    f = _file("w.bin", content)
    old = HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("acme/m"), "c" * 40, (f,)))
    blob = old.blobs / str(f.etag)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(content)
    new = HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("acme/m"), COMMIT, (f,)))
    plan = plan_download(new.snapshot, new)
    assert [p.action for p in plan.files] == ["skip"]
    assert (new.snapshot_dir / "w.bin").read_bytes() == content


def test_local_dir_accepts_matching_file_without_metadata_and_rejects_changed(
    tmp_path: Path,
) -> None:
    content = b"hello"
    f = _file("h.txt", content)
    (tmp_path / "h.txt").write_bytes(content)
    layout = LocalDirLayout(tmp_path, COMMIT)
    assert (
        plan_download(RepoSnapshot(RepoRef("a/b"), COMMIT, (f,)), layout).files[0].action == "skip"
    )
    assert (tmp_path / ".cache/huggingface/download/h.txt.metadata").read_text().startswith(COMMIT)
    (tmp_path / "h.txt").write_bytes(b"HELLO")
    os.utime(tmp_path / "h.txt", (1e10, 1e10))  # modified after the metadata was written
    plan = plan_download(RepoSnapshot(RepoRef("a/b"), COMMIT, (f,)), layout)
    assert plan.files[0].action == "download"


@pytest.mark.parametrize("cut", [b"", COMMIT.encode()])  # empty, or cut after its first line
def test_a_metadata_file_cut_short_is_taken_for_missing_and_rewritten(
    tmp_path: Path, cut: bytes
) -> None:
    content = b"hello"
    f = _file("h.txt", content)
    (tmp_path / "h.txt").write_bytes(content)
    meta = tmp_path / ".cache/huggingface/download/h.txt.metadata"
    meta.parent.mkdir(parents=True)
    meta.write_bytes(cut)  # written in place: a crash may leave it so
    layout = LocalDirLayout(tmp_path, COMMIT)
    plan = plan_download(RepoSnapshot(RepoRef("a/b"), COMMIT, (f,)), layout)
    assert plan.files[0].action == "skip"  # the content checked out
    assert meta.read_text().splitlines()[:2] == [COMMIT, f.etag]


def test_a_symlink_at_the_metadata_path_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    dest = tmp_path / "dest"
    content = b"hello"
    (dest / ".cache/huggingface/download").mkdir(parents=True)
    (dest / "h.txt").write_bytes(content)
    meta = dest / ".cache/huggingface/download/h.txt.metadata"
    meta.symlink_to(outside)
    layout = LocalDirLayout(dest, COMMIT)
    plan_download(RepoSnapshot(RepoRef("a/b"), COMMIT, (_file("h.txt", content),)), layout)
    assert not meta.is_symlink() and meta.read_text().startswith(COMMIT)
    assert outside.read_text() == "keep me"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    content = b"hello"
    (tmp_path / "h.txt").write_bytes(content)
    layout = LocalDirLayout(tmp_path, COMMIT)
    plan_download(
        RepoSnapshot(RepoRef("a/b"), COMMIT, (_file("h.txt", content),)), layout, dry_run=True
    )
    assert not (tmp_path / ".cache").exists()


def test_space_check_states_needed_and_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = RemoteFile("big.bin", 10 * 2**30, "http://h/big.bin", sha256="0" * 64, lfs=True)
    layout = LocalDirLayout(tmp_path / "dl", COMMIT)
    plan = plan_download(RepoSnapshot(RepoRef("a/b"), COMMIT, (f,)), layout)
    real = shutil.disk_usage

    def fake_usage(path):  # type: ignore[no-untyped-def]
        u = real(path)
        return type(u)(u.total, u.total - 2**30, 2**30)

    monkeypatch.setattr(shutil, "disk_usage", fake_usage)
    with pytest.raises(InsufficientSpaceError) as info:
        check_disk_space(plan)
    assert "10.0 GiB to download + 64.0 MiB kept free" in info.value.message
    assert "only 1.0 GiB is free" in info.value.message
    assert str(tmp_path) in info.value.message
    assert not (tmp_path / "dl").exists(), "nothing was created"


def test_select_files_folder_and_globs() -> None:
    files = [_file(p) for p in ["a.json", "unet/x.safetensors", "unet/y.bin", "vae/z.bin"]]
    names = lambda fs: sorted(f.path for f in fs)  # noqa: E731
    assert names(select_files(files, ["unet"])) == ["unet/x.safetensors", "unet/y.bin"]
    assert names(select_files(files, include=["*.bin"])) == ["unet/y.bin", "vae/z.bin"]
    assert names(select_files(files, exclude=["unet/*"])) == ["a.json", "vae/z.bin"]


def test_symlink_probe_from_many_finishing_files_at_once_links_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files finish on several threads together; the symlink probe must not race itself into
    "no symlinks" (which made later snapshot entries copies instead of links)."""
    import contextlib
    import threading

    from hfsuite.engine import layouts

    files = [_file(f"f{i}.bin", bytes([i]) * 10) for i in range(8)]
    layout = HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("acme/m"), COMMIT, tuple(files)))
    real_symlink = os.symlink
    two_inside = threading.Barrier(2, timeout=0.5)

    def symlink_held_open(src: str, dst: str) -> None:
        # Keep the probe's link in place until a second prober comes (the race), or for half a
        # second when none can (the probe is serialised).
        real_symlink(src, dst)
        with contextlib.suppress(threading.BrokenBarrierError):
            two_inside.wait()

    monkeypatch.setattr(layouts.os, "symlink", symlink_held_open)
    barrier = threading.Barrier(len(files))
    answers: list[bool] = []

    def probe() -> None:
        barrier.wait()
        answers.append(layout._symlinks_supported())

    threads = [threading.Thread(target=probe) for _ in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [True] * len(files)
    assert not list(layout.repo_dir.glob(".hfsuite-probe-*"))


@pytest.mark.parametrize("layout_kind", ["cache", "local"])
def test_a_placed_file_gets_0o666_minus_the_umask_without_the_umask_ever_changing(
    tmp_path: Path, layout_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The umask is the whole process's: setting it to 0 to read it (as the files of other
    threads are created) would leave their files world-writable. Linux shows it unchanged."""
    import stat

    import hfsuite.engine.layouts as layouts

    set_umask = os.umask
    old = set_umask(0o027)
    try:
        monkeypatch.setattr(layouts, "_umask", None)  # read again, under this umask

        def no_umask_calls(mask: int) -> int:
            raise AssertionError("os.umask called while other threads may create files")

        if os.path.exists("/proc/self/status"):
            monkeypatch.setattr(layouts.os, "umask", no_umask_calls)
        remote = _file("sub/model.bin", b"weights")
        snap = RepoSnapshot(RepoRef("acme/m"), COMMIT, (remote,))
        dest = tmp_path / "dest"
        layout = (
            HFCacheLayout(dest, snap) if layout_kind == "cache" else LocalDirLayout(dest, COMMIT)
        )
        target = layout.target(remote)
        target.partial_path.parent.mkdir(parents=True, exist_ok=True)
        target.partial_path.write_bytes(b"weights")
        os.chmod(target.partial_path, 0o600)
        placed = layout.place(target)
    finally:
        set_umask(old)
    assert stat.S_IMODE(placed.resolve().stat().st_mode) == 0o640
