"""One writer per destination file across processes: the second waits, cancellably, and a
dead holder never blocks the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hfsuite.core.errors import OperationCancelled
from hfsuite.engine.writer_lock import WriterLock, lock_path_for

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
            assert lock_path_for(partial).exists()
    finally:
        holder.kill()
        holder.wait()
    assert waits and told == [True]
    assert not lock_path_for(partial).exists()  # removed on release


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
    assert lock_path_for(partial).exists()  # left behind by the dead process

    def never(_: float) -> None:
        raise AssertionError("waited for a dead process")

    with WriterLock(partial, never):
        pass
    assert not lock_path_for(partial).exists()


def test_a_lock_file_removed_while_waiting_is_not_trusted(tmp_path: Path) -> None:
    partial = tmp_path / "x.incomplete"
    first = WriterLock(partial, lambda s: None)
    first.__enter__()
    calls = 0

    def wait(_: float) -> None:
        nonlocal calls
        calls += 1
        first.release()  # the holder removes the file and lets go while we wait

    with WriterLock(partial, wait) as second:
        assert second.path.exists() and calls == 1
