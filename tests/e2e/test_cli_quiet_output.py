"""What `hfsuite download` prints at its end: the destination, one plain line (nothing of Rich
with -q), and a summary that says when there was nothing to fetch.

Rich's console cost 20-28 ms of imports after the last byte only to print that path; the line
is now written as it is (with the control codes Rich drops dropped too).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

MIB = 1 << 20

_RUN = (
    "import sys\n"
    "from hfsuite.cli.main import exit_code\n"
    "code = exit_code(sys.argv[1:])\n"
    "sys.stderr.write(f'\\nrich imported: {\"rich\" in sys.modules}\\n')\n"
    "sys.exit(code)\n"
)


@pytest.fixture
def hub(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/quiet", files={"w.bin": b"q" * (2 * MIB), "config.json": b"{}"})
    return hub


def test_a_quiet_download_prints_its_folder_without_rich(hub, tmp_path):  # type: ignore[no-untyped-def]
    dest = tmp_path / "out"
    args = ["-q", "download", "acme/quiet", "--endpoint", hub.url, "--local-dir", str(dest)]
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{dest}\n"
    assert (dest / "w.bin").stat().st_size == 2 * MIB
    assert "rich imported: False" in done.stderr, done.stderr


def test_the_summary_and_the_folder_are_plain_lines(hfsuite_cmd, hub, tmp_path):  # type: ignore[no-untyped-def]
    dest = tmp_path / "out"
    result = hfsuite_cmd("download", "acme/quiet", "--endpoint", hub.url, "--local-dir", str(dest))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{dest}\n"
    assert "Downloaded 2 files" in result.stderr and "acme/quiet@" in result.stderr


def test_a_download_with_nothing_left_to_fetch_says_so(hfsuite_cmd, hub, tmp_path):  # type: ignore[no-untyped-def]
    dest = tmp_path / "out"
    args = ("download", "acme/quiet", "--endpoint", hub.url, "--local-dir", str(dest))
    assert hfsuite_cmd(*args).returncode == 0
    again = hfsuite_cmd(*args)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{dest}\n"
    assert "Nothing to download: 2 files already complete — acme/quiet@" in again.stderr
    assert "Downloaded 0 files" not in again.stderr
