"""The download's own files (partial file, metadata) are opened without following a symlink
planted at their path, with or without the system's ``O_NOFOLLOW`` (Windows has none)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hfsuite.engine import fileio

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges there")


def _planted(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    path = tmp_path / "dest" / "x.hfsuite.incomplete"
    path.parent.mkdir()
    path.symlink_to(outside)
    return path, outside


@pytest.mark.parametrize("nofollow", [True, False], ids=["O_NOFOLLOW", "without O_NOFOLLOW"])
def test_a_symlink_at_the_path_is_replaced_by_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nofollow: bool
) -> None:
    if not nofollow:
        monkeypatch.delattr(os, "O_NOFOLLOW")
        monkeypatch.setattr(fileio, "_NO_FOLLOW", os.O_CLOEXEC)
    path, outside = _planted(tmp_path)
    fd = fileio.open_partial(path, empty=True)
    try:
        os.write(fd, b"partial bytes")
    finally:
        os.close(fd)
    assert not path.is_symlink() and path.read_bytes() == b"partial bytes"
    assert outside.read_text() == "keep me"


def test_an_existing_partial_file_is_kept_unless_emptied(tmp_path: Path) -> None:
    path = tmp_path / "x.hfsuite.incomplete"
    path.write_bytes(b"resume me")
    os.close(fileio.open_partial(path))
    assert path.read_bytes() == b"resume me"
    os.close(fileio.open_partial(path, empty=True))
    assert path.read_bytes() == b""
    assert fileio.file_size(path) == 0 and fileio.file_size(tmp_path / "none") is None
