"""The space check: room kept free that follows the space_headroom setting and is stated apart
from the files' bytes, and a dry run that refuses what the real run refuses (same message, same
exit code)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hfsuite.cli.main import exit_code
from hfsuite.core.errors import InsufficientSpaceError
from hfsuite.core.headroom import AUTO_MAX_BYTES, AUTO_MIN_BYTES, Headroom
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef
from hfsuite.engine.layouts import LocalDirLayout
from hfsuite.engine.planner import check_disk_space, plan_download
from hfsuite.testing import HubEmulator

KIB, MIB = 1024, 1024 * 1024


def _free_space(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    real: Callable[[Any], Any] = shutil.disk_usage

    def fake(path: Any) -> Any:
        usage = real(path)
        return type(usage)(usage.total, usage.total - free, free)

    monkeypatch.setattr(shutil, "disk_usage", fake)


def test_auto_headroom_scales_with_the_download() -> None:
    auto = Headroom()
    assert auto.for_bytes(6 * KIB) == AUTO_MIN_BYTES == MIB
    assert auto.for_bytes(500 * MIB) == 5 * MIB
    assert auto.for_bytes(100 * 1024 * MIB) == AUTO_MAX_BYTES == 64 * MIB


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
        f"Not enough free space: 6.0 KiB to download + 1.0 MiB kept free, but only 512 KiB is "
        f"free on {tmp_path}."
    )
    assert "space_headroom (auto: 1 % of the download, 1.0 MiB to 64.0 MiB)" in str(info.value.hint)
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
    message = "6.0 KiB to download + 1.0 MiB kept free, but only 100 KiB is free"
    assert message in dry.err and message in real.err
    assert not (tmp_path / "d" / "w.bin").exists()


@pytest.mark.parametrize(
    ("text", "normalised", "for_96_mib"),
    [
        ("auto", "auto", MIB),
        (" AUTO ", "auto", MIB),
        ("5%", "5%", int(96 * MIB * 0.05)),
        ("0", "0", 0),
        ("64MiB", "64MiB", 64 * MIB),
        ("500M", "500M", 500_000_000),
    ],
)
def test_the_headroom_setting_reads_auto_a_share_or_a_size(
    text: str, normalised: str, for_96_mib: int
) -> None:
    rule = Headroom.parse(text)
    assert rule.text == normalised
    assert rule.for_bytes(96 * MIB) == for_96_mib


@pytest.mark.parametrize("text", ["lots", "150%", "-1%", "-5M"])
def test_the_headroom_setting_refuses_other_values(tmp_path: Path, text: str) -> None:
    from hfsuite.config import SettingsStore
    from hfsuite.core.errors import SettingsValueError

    with pytest.raises(SettingsValueError) as info:
        SettingsStore(tmp_path / "settings.toml").load(env={"HFSUITE_SPACE_HEADROOM": text})
    assert "auto, a percentage such as 5%" in str(info.value)


def test_the_message_states_the_files_and_the_room_kept_free_apart(
    hub: HubEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The case of the report: 96 MiB to download, with the setting at 64 MiB, reads as the
    files' size plus the room kept free, never as one unexplained 160 MiB."""
    hub.create_repo("acme/big", files={"w.bin": b"w" * 96 * MIB})
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HFSUITE_SPACE_HEADROOM", "64MiB")
    _free_space(monkeypatch, 120 * MIB)
    args = ["download", "acme/big", "--local-dir", str(tmp_path / "d"), "--dry-run"]

    assert exit_code(args) == 9
    err = " ".join(capsys.readouterr().err.split())
    assert "96.0 MiB to download + 64.0 MiB kept free, but only 120 MiB is free on" in err
    # the sum never appears as a size (the temp folder's own name may hold any digits)
    assert not re.search(r"\b160(\.0)? ?(MiB|MB)", err)
    assert "space_headroom (64.0 MiB)" in err and "config set space_headroom 0" in err

    monkeypatch.setenv("HFSUITE_SPACE_HEADROOM", "0")
    assert exit_code(args) == 0  # 96 MiB alone fit in 120 MiB
    capsys.readouterr()
