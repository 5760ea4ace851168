"""A bug inside the engine fails a file with a message; it never kills a thread with a
traceback on the terminal, nor lets the download report a file done that is not in place.

Found by the engine matrix: the ticker published a background flush before starting it, the
file's thread waited for it (``RuntimeError: cannot join thread before it is started``), the
exception ended that thread, and ``hfsuite download`` exited 0 with the file still partial.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.core.errors import TransferError
from hfsuite.core.events import Event, FileCompleted, FileFailed
from hfsuite.engine import filedownload, fileio, transfer
from hfsuite.engine.filedownload import FileDownload

BIG = "big.safetensors"
SMALL = "config.json"


@pytest.fixture
def hub(hub_factory):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=1 * MIB)
    h.create_repo("acme/r", files={BIG: pattern_bytes(6 * MIB + 7, seed=3), SMALL: b'{"a": 1}'})
    return h


@pytest.fixture
def thread_tracebacks() -> Iterator[list[threading.ExceptHookArgs]]:
    """Exceptions that ended a thread (what Python prints as "Exception in thread …")."""
    seen: list[threading.ExceptHookArgs] = []
    saved = threading.excepthook
    threading.excepthook = seen.append
    yield seen
    threading.excepthook = saved


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


@pytest.fixture
def file_downloads(monkeypatch) -> list[FileDownload]:  # type: ignore[no-untyped-def]
    """Every FileDownload the test's transfers make, as they are made."""
    made: list[FileDownload] = []
    real_init = FileDownload.__init__

    def init(self: FileDownload, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(FileDownload, "__init__", init)
    return made


def test_a_bug_in_one_file_fails_that_file_with_a_message(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path, monkeypatch, thread_tracebacks
):
    real_run = FileDownload.run

    def run(self: FileDownload) -> None:
        if self.remote.path == BIG:
            _boom()
        real_run(self)

    monkeypatch.setattr(FileDownload, "run", run)
    events: list[Event] = []
    with pytest.raises(TransferError) as info:
        run_transfer(hub.url, "acme/r", tmp_path / "out", local_dir=True, events=events)
    assert info.value.message == f"Unexpected error: {BIG}: RuntimeError: boom"
    assert "bug in hfsuite" in (info.value.hint or "")
    assert not thread_tracebacks
    assert [e.path for e in events if isinstance(e, FileFailed)] == [BIG]
    assert [e.path for e in events if isinstance(e, FileCompleted)] == [SMALL]  # the other goes on
    assert not (tmp_path / "out" / BIG).exists()


def test_a_file_never_placed_is_never_reported_done(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path, monkeypatch
):
    # Whatever went wrong, a file whose run ended without placing it is a failure.
    monkeypatch.setattr(transfer.Transfer, "_run_file", lambda self, remote, outcome: None)
    with pytest.raises(TransferError, match="download ended with bytes missing"):
        run_transfer(hub.url, "acme/r", tmp_path / "out", local_dir=True)


def test_a_bug_in_a_connection_fails_the_file_not_the_thread(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path, monkeypatch, thread_tracebacks
):
    monkeypatch.setattr(FileDownload, "_fetch_segment", _boom)
    with pytest.raises(TransferError, match=f"Unexpected error: {BIG}: RuntimeError: boom"):
        run_transfer(hub.url, "acme/r", tmp_path / "out", local_dir=True)
    assert not thread_tracebacks


def test_a_bug_in_the_hashing_thread_fails_the_file(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path, monkeypatch, thread_tracebacks
):
    monkeypatch.setattr(filedownload.PrefixHasher, "run_behind", _boom)
    with pytest.raises(TransferError, match=f"Unexpected error: {BIG}: RuntimeError: boom"):
        run_transfer(hub.url, "acme/r", tmp_path / "out", local_dir=True)
    assert not thread_tracebacks


def test_a_bug_in_a_progress_tick_is_logged_and_the_download_goes_on(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path, monkeypatch, thread_tracebacks, caplog
):
    monkeypatch.setattr(FileDownload, "write_back", _boom)  # called by the ticker only
    run_transfer(hub.url, "acme/r", tmp_path / "out", local_dir=True, progress_interval_s=0.01)
    assert (tmp_path / "out" / BIG).stat().st_size == 6 * MIB + 7
    assert "a progress tick failed" in caplog.text
    assert not thread_tracebacks


def _fetch_written_back(hub, tmp_path: Path, **options: object) -> None:  # type: ignore[no-untyped-def]
    """The repo with a write-back each MiB of its big file and a tick each 5 ms."""
    run_transfer(
        hub.url,
        "acme/r",
        tmp_path / "out",
        local_dir=True,
        write_back_bytes=1 * MIB,
        small_file_bytes=1 * MIB,
        progress_interval_s=0.005,
        **options,
    )


def test_a_background_flush_is_started_before_anyone_can_wait_for_it(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path, monkeypatch, file_downloads
):
    # The race above, made certain: at the moment a write-back starts, the file's thread
    # must not be able to find it unstarted.
    seen_unstarted: list[bool] = []
    real_start = fileio.BackgroundFlush.start

    def start(self: fileio.BackgroundFlush) -> None:
        for download in list(file_downloads):
            if download._write_back is self:
                seen_unstarted.append(True)
        real_start(self)

    monkeypatch.setattr(fileio.BackgroundFlush, "start", start)
    _fetch_written_back(hub, tmp_path, global_bps=8 * MIB)  # slow: the ticker starts some
    write_backs = [d for d in file_downloads if d._write_back is not None]
    assert write_backs, "the ticker started no write-back: the test proves nothing"
    assert not seen_unstarted


def test_no_write_back_starts_once_a_file_s_bytes_are_complete(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path, monkeypatch, file_downloads
):
    # The flush before the rename writes what is left; a write-back the ticker started beside
    # it was a second flush of the same file that the end of the file then waited for too
    # (measured: 0.16-0.48 s of a 1 GiB download on a disk slower than the loopback).
    import os

    late: list[int] = []
    real_start = fileio.BackgroundFlush.start

    def start(self: fileio.BackgroundFlush) -> None:
        if self.name == "hfsuite-write-back":
            late.extend(
                d.scheduler.done.total
                for d in file_downloads
                if d._fd == self.fd and d.scheduler is not None and d.scheduler.complete
            )
        real_start(self)

    real_fsync = os.fsync
    final_flushes: list[str] = []

    def fsync(fd: int) -> None:
        if threading.current_thread().name == "hfsuite-flush":
            final_flushes.append("held")
            threading.Event().wait(0.3)  # a slow disk: the ticker keeps ticking meanwhile
        real_fsync(fd)

    monkeypatch.setattr(fileio.BackgroundFlush, "start", start)
    monkeypatch.setattr(os, "fsync", fsync)
    _fetch_written_back(hub, tmp_path)
    assert final_flushes, "no flush before the rename: the test proves nothing"
    assert (tmp_path / "out" / BIG).stat().st_size == 6 * MIB + 7
    assert late == []
