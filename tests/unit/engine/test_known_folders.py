"""A download asks the file system for each folder once; a join resolves each folder once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hfsuite.core.errors import UnsafePathError
from hfsuite.engine.paths import KnownFolders, PathGuard


def test_a_folder_is_created_once_then_known(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    made: list[Path] = []
    real_mkdir = Path.mkdir

    def counting_mkdir(self: Path, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        made.append(self)
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", counting_mkdir)
    folders = KnownFolders()
    folders.ensure(tmp_path / "a" / "b")
    after_first = len(made)
    for _ in range(3):
        folders.ensure(tmp_path / "a" / "b")
    assert len(made) == after_first, "a known folder is not asked for again"
    folders.ensure(tmp_path / "a" / "c")
    assert made[after_first:] == [tmp_path / "a" / "c"]
    assert (tmp_path / "a" / "b").is_dir() and (tmp_path / "a" / "c").is_dir()


def test_a_folder_that_is_a_file_is_an_error_not_known(tmp_path: Path) -> None:
    (tmp_path / "taken").write_bytes(b"")
    folders = KnownFolders()
    for _ in range(2):  # not remembered after failing: asked again, fails again
        with pytest.raises(FileExistsError):
            folders.ensure(tmp_path / "taken")


def test_a_guard_resolves_each_folder_once_existing_or_not(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = os.path.realpath

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os.path, "realpath", counting)
    guard = PathGuard(tmp_path / "dest")
    for i in range(50):
        guard.join(f"not-yet/f{i}.bin")
    assert calls.count(str(tmp_path / "dest" / "not-yet")) == 1


def test_a_linked_folder_leading_out_is_still_refused(tmp_path: Path) -> None:
    dest, outside = tmp_path / "dest", tmp_path / "outside"
    dest.mkdir()
    outside.mkdir()
    (dest / "sub").symlink_to(outside)
    guard = PathGuard(dest)
    guard.join("ok/a.bin")
    with pytest.raises(UnsafePathError):
        guard.join("sub/a.bin")
