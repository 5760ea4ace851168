"""One writer per destination file across processes: the second waits, cancellably, and a
dead holder never blocks the file. The lock is on the partial file itself: no file of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hfsuite.core.errors import OperationCancelled
from hfsuite.engine.writer_lock import WriterLock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from hfsuite.engine.writer_lock import WriterLock
    with WriterLock(Path(sys.argv[1]), time.sleep):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _holder(partial: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(partial), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_waits_until_the_first_lets_go(tmp_path: Path) -> None:
    partial = tmp_path / "blobs" / "abc.hfsuite.incomplete"
    holder = _holder(partial, 0.5)
    waits: list[float] = []
    told: list[bool] = []
    try:
        with WriterLock(
            partial, lambda s: (waits.append(s), holder.poll()), lambda: told.append(True)
        ):
            assert holder.wait(10) == 0  # we got it only after the holder was done
            assert sorted(p.name for p in partial.parent.iterdir()) == [partial.name]
    finally:
        holder.kill()
        holder.wait()
    assert waits and told == [True]
    assert not partial.exists()  # the empty file the lock made goes on release


def test_a_partial_file_with_bytes_stays_for_a_resume(tmp_path: Path) -> None:
    partial = tmp_path / "x.incomplete"
    with WriterLock(partial, lambda s: None):
        partial.write_bytes(b"half a file")  # what a download wrote before it stopped
    assert partial.read_bytes() == b"half a file"


def test_a_waiting_writer_can_be_cancelled(tmp_path: Path) -> None:
    partial = tmp_path / "x.incomplete"
    holder = _holder(partial, 30)

    def cancelled(_: float) -> None:
        raise OperationCancelled("Download cancelled.")

    try:
        with pytest.raises(OperationCancelled), WriterLock(partial, cancelled):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_the_file_free(tmp_path: Path) -> None:
    partial = tmp_path / "x.incomplete"
    holder = _holder(partial, 30)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert partial.exists()  # left behind by the dead process, as its partial file would be

    def never(_: float) -> None:
        raise AssertionError("waited for a dead process")

    with WriterLock(partial, never):
        pass
    assert not partial.exists()


def test_a_partial_file_placed_while_waiting_is_not_trusted(tmp_path: Path) -> None:
    partial = tmp_path / "x.incomplete"
    final = tmp_path / "x"
    first = WriterLock(partial, lambda s: None)
    first.__enter__()
    partial.write_bytes(b"the whole file")
    calls = 0

    def wait(_: float) -> None:
        nonlocal calls
        calls += 1
        partial.rename(final)  # the holder places its file and lets go while we wait
        first.release()

    with WriterLock(partial, wait):
        assert calls == 1
        # The lock is on a new partial file at the path, not on the placed one.
        assert partial.exists() and partial.stat().st_ino != final.stat().st_ino
    assert final.read_bytes() == b"the whole file"
    assert not partial.exists()


def test_a_symlink_at_the_partial_path_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    folder = tmp_path / "dest"
    folder.mkdir()
    partial = folder / "x.incomplete"
    partial.symlink_to(outside)
    with WriterLock(partial, lambda s: None):
        assert not partial.is_symlink()
    assert outside.read_text() == "keep me"
