"""The space check: headroom that scales with the download, stated apart, and a dry run that
refuses what the real run refuses (same message, same exit code)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hfsuite.cli.main import exit_code
from hfsuite.core.errors import InsufficientSpaceError
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef
from hfsuite.engine.layouts import LocalDirLayout
from hfsuite.engine.planner import (
    HEADROOM_MAX_BYTES,
    HEADROOM_MIN_BYTES,
    check_disk_space,
    headroom_for,
    plan_download,
)
from hfsuite.testing import HubEmulator

KIB, MIB = 1024, 1024 * 1024


def _free_space(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    real: Callable[[Any], Any] = shutil.disk_usage

    def fake(path: Any) -> Any:
        usage = real(path)
        return type(usage)(usage.total, usage.total - free, free)

    monkeypatch.setattr(shutil, "disk_usage", fake)


def test_headroom_scales_with_the_download() -> None:
    assert headroom_for(6 * KIB) == HEADROOM_MIN_BYTES == MIB
    assert headroom_for(500 * MIB) == 5 * MIB
    assert headroom_for(100 * 1024 * MIB) == HEADROOM_MAX_BYTES == 64 * MIB


def test_a_small_download_needs_its_size_plus_a_small_headroom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = RemoteFile("w.bin", 6 * KIB, "http://h/w.bin", sha256="0" * 64, lfs=True)
    plan = plan_download(
        RepoSnapshot(RepoRef("a/b"), "c" * 40, (f,)), LocalDirLayout(tmp_path / "d", "c" * 40)
    )
    _free_space(monkeypatch, 2 * MIB)
    check_disk_space(plan)  # fits: 6 KiB + 1 MiB, where the old flat margin wanted 64 MiB
    _free_space(monkeypatch, 512 * KIB)
    with pytest.raises(InsufficientSpaceError) as info:
        check_disk_space(plan)
    assert info.value.message == (
        f"Not enough free space in {tmp_path}: the download needs 6.0 KiB (+ 1.0 MiB headroom "
        "for file system overhead) but only 512 KiB is free."
    )
    assert info.value.needed_bytes == 6 * KIB and info.value.headroom_bytes == MIB


def test_dry_run_refuses_what_the_real_run_refuses(
    hub: HubEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hub.create_repo("acme/tiny-model", files={"w.bin": b"w" * 6 * KIB, "config.json": b"{}"})
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    _free_space(monkeypatch, 100 * KIB)
    args = ["download", "acme/tiny-model", "--local-dir", str(tmp_path / "d")]

    assert exit_code([*args, "--dry-run"]) == 9
    dry = capsys.readouterr()
    assert "w.bin" in dry.out  # the plan is shown, then what stops the real run
    assert exit_code(args) == 9
    real = capsys.readouterr()
    message = "the download needs 6.0 KiB (+ 1.0 MiB headroom for file system overhead)"
    assert message in dry.err and message in real.err
    assert not (tmp_path / "d" / "w.bin").exists()
