"""A new HF cache snapshot holds every file whose content is already cached."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef
from hfsuite.engine.layouts import HFCacheLayout

OLD, NEW = "c" * 40, "d" * 40


def _lfs(path: str, content: bytes) -> RemoteFile:
    digest = hashlib.sha256(content).hexdigest()
    return RemoteFile(path, len(content), "http://h/" + path, sha256=digest, lfs=True)


def _place(layout: HFCacheLayout, remote: RemoteFile, content: bytes) -> None:
    target = layout.target(remote)
    target.partial_path.parent.mkdir(parents=True, exist_ok=True)
    target.partial_path.write_bytes(content)
    layout.place(target)


def test_finish_links_unchanged_files_and_moves_the_ref_last(tmp_path: Path) -> None:
    weights, config_v1, config_v2 = b"W" * 100, b"{1}", b"{2}"
    old_files = (_lfs("w/model.bin", weights), _lfs("config.json", config_v1))
    old = HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("acme/m"), OLD, old_files))
    for remote, content in zip(old_files, (weights, config_v1), strict=True):
        _place(old, remote, content)
    old.finish()

    new_files = (
        _lfs("w/model.bin", weights),
        _lfs("config.json", config_v2),
        _lfs("never.bin", b"not cached"),
        _lfs("truncated.bin", b"12345"),
    )
    # A blob of the wrong size (not ours to trust) is not linked.
    (old.blobs / str(new_files[3].etag)).write_bytes(b"123")
    new = HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("acme/m"), NEW, new_files))
    _place(new, new_files[1], config_v2)
    new.finish()

    snap = new.snapshot_dir
    found = {p.relative_to(snap).as_posix() for p in snap.rglob("*") if p.is_file()}
    assert found == {"w/model.bin", "config.json"}
    assert (snap / "w" / "model.bin").read_bytes() == weights
    assert os.readlink(snap / "w" / "model.bin") == f"../../../blobs/{new_files[0].etag}"
    assert (snap / "config.json").read_bytes() == config_v2
    assert (new.repo_dir / "refs" / "main").read_text() == NEW
    assert new.link_cached_files() == []  # nothing left to link


def test_copies_when_symlinks_are_off(tmp_path: Path) -> None:
    content = b"same"
    remote = _lfs("a.bin", content)
    old = HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("acme/m"), OLD, (remote,)), False)
    _place(old, remote, content)
    new = HFCacheLayout(tmp_path, RepoSnapshot(RepoRef("acme/m"), NEW, (remote,)), False)
    assert new.link_cached_files() == ["a.bin"]
    linked = new.final_path("a.bin")
    assert not linked.is_symlink() and linked.read_bytes() == content
