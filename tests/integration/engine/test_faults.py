"""Every fault knob of the emulator against the engine, over real loopback sockets."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes, read_tree, run_transfer

from hfsuite.core.errors import (
    AuthenticationError,
    GatedRepoError,
    OperationCancelled,
    RepoNotFoundError,
)
from hfsuite.core.events import FileRestarted, FileVerified, TransferProgressed, TransferRetrying
from hfsuite.engine.transfer import TransferControl

BIG = "big.safetensors"


@pytest.fixture
def files() -> dict[str, bytes]:
    return {BIG: pattern_bytes(8 * MIB + 777, seed=3), "config.json": b'{"x": 1}'}


@pytest.fixture
def hub(hub_factory, files):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=1 * MIB)
    h.create_repo("acme/m", files=files)
    return h


def _fetch(hub, tmp_path: Path, **kw):  # type: ignore[no-untyped-def]
    dest = tmp_path / "out"
    result = run_transfer(hub.url, "acme/m", dest, local_dir=True, **kw)
    return dest, result


def test_segmented_download_uses_several_connections(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    dest, _ = _fetch(hub, tmp_path, connections_per_file=4, min_segment=MIB, max_segment=2 * MIB)
    assert read_tree(dest) == files
    cdn = hub.log.filter(origin="cdn", method="GET")
    assert len({r.connection_id for r in cdn}) >= 2
    assert all(r.range for r in cdn), "every CDN request is ranged"
    # Bytes served can exceed the file by what sat in a socket buffer when a connection's tail
    # was taken over by an idle one (the victim closes its request); never by a whole segment.
    assert len(files[BIG]) <= sum(r.bytes_sent for r in cdn) <= len(files[BIG]) + 2 * MIB


def test_dropped_connections_are_resumed_mid_segment(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", origin="cdn", drop_after_bytes=300_000, count=5)
    events: list = []
    # One connection: no tail is ever taken over, so not a byte may be served twice.
    dest, _ = _fetch(hub, tmp_path, events=events, connections_per_file=1)
    assert read_tree(dest) == files
    assert sum(1 for e in events if isinstance(e, TransferRetrying)) >= 5
    served = sum(r.bytes_sent for r in hub.log.filter(origin="cdn", method="GET"))
    assert served == len(files[BIG]), "retries continue from the last byte written"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(hub, files, tmp_path, status):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", origin="cdn", status=status, count=3)
    dest, _ = _fetch(hub, tmp_path)
    assert read_tree(dest) == files


def test_429_retry_after_is_honoured(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", origin="cdn", status=429, retry_after_s=1, count=1)
    events: list = []
    started = time.monotonic()
    dest, _ = _fetch(hub, tmp_path, events=events, connections_per_file=1)
    assert read_tree(dest) == files
    waits = [e.delay_s for e in events if isinstance(e, TransferRetrying)]
    assert waits and waits[0] >= 1.0, "backoff (ms here) yields to Retry-After: 1"
    assert time.monotonic() - started >= 1.0


def test_ignored_range_falls_back_to_one_stream(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", origin="cdn", ignore_range=True)
    events: list = []
    dest, _ = _fetch(hub, tmp_path, events=events, connections_per_file=4)
    assert read_tree(dest) == files
    assert any(isinstance(e, FileRestarted) and "one stream" in e.reason for e in events)


def test_wrong_content_length_is_survived(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", origin="cdn", content_length_delta=5000, count=2)
    dest, _ = _fetch(hub, tmp_path)
    assert read_tree(dest) == files


def test_stall_is_detected_and_segment_retried(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", origin="cdn", stall_after_bytes=100_000, stall_s=10, count=1)
    events: list = []
    started = time.monotonic()
    dest, _ = _fetch(hub, tmp_path, events=events, read_timeout_s=0.5, connections_per_file=2)
    assert read_tree(dest) == files
    assert time.monotonic() - started < 8, "the stalled connection was abandoned, not waited out"
    assert any(isinstance(e, TransferRetrying) for e in events)


def test_expired_cdn_url_is_resolved_again(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.set_cdn_url_ttl(0.3)
    hub.throttle(per_connection_bps=2 * MIB)
    dest, _ = _fetch(hub, tmp_path, connections_per_file=2, max_segment=MIB, min_segment=MIB // 4)
    assert read_tree(dest) == files
    expired = [r for r in hub.log.filter(origin="cdn") if r.status == 403]
    resolves = [r for r in hub.log.filter(origin="hub") if BIG in r.path]
    assert expired, "the test must actually hit an expired URL"
    assert len(resolves) > 1


def test_content_change_restarts_the_file(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", change_content_after=1)
    events: list = []
    dest, _ = _fetch(hub, tmp_path, events=events, connections_per_file=2, max_segment=2 * MIB)
    changed = hub.mutated(hub.repo("acme/m").files()[BIG])
    assert any(isinstance(e, FileRestarted) for e in events)
    got = (dest / BIG).read_bytes()
    assert hashlib.sha256(got).hexdigest() == changed.sha256
    assert [e for e in events if isinstance(e, FileVerified) and e.path == BIG]


def test_a_change_midway_counts_what_was_fetched_before_as_refetched(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", change_content_after=3)  # the hub's redirect, then 2 segments
    _, result = _fetch(hub, tmp_path, connections_per_file=1, max_segment=2 * MIB)
    changed = hub.mutated(hub.repo("acme/m").files()[BIG])
    (big,) = [f for f in result.files if f.remote.path == BIG]
    assert big.discarded_bytes >= 2 * MIB, "two segments came before the change"
    assert result.refetched_bytes == big.discarded_bytes + big.duplicate_bytes
    assert big.downloaded_bytes == big.discarded_bytes + changed.size


def test_per_connection_cap_is_beaten_by_more_connections(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=4 * MIB)
    t0 = time.monotonic()
    _fetch(hub, tmp_path / "one", connections_per_file=1)
    one = time.monotonic() - t0
    t0 = time.monotonic()
    _fetch(hub, tmp_path / "four", connections_per_file=4, max_segment=MIB)
    four = time.monotonic() - t0
    assert one / four > 2.5, (one, four)


def test_limit_rate_is_accurate(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    control = TransferControl(limit_bps=4 * MIB)
    t0 = time.monotonic()
    _fetch(hub, tmp_path, control=control, connections_per_file=4)
    elapsed = time.monotonic() - t0
    expected = len(files[BIG]) / (4 * MIB)
    assert expected * 0.9 <= elapsed <= expected * 1.25, (elapsed, expected)


def test_limit_changed_while_running(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    control = TransferControl(limit_bps=1 * MIB)
    threading.Timer(0.5, control.set_limit, args=(0,)).start()
    t0 = time.monotonic()
    _fetch(hub, tmp_path, control=control)
    assert time.monotonic() - t0 < 4, "lifting the limit took effect at once"


def test_pause_resume_and_cancel_keep_partial_data(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=1 * MIB)
    control = TransferControl()
    errors: list = []
    progress: list[int] = []
    moving = threading.Event()

    def on_event(event) -> None:  # type: ignore[no-untyped-def]
        if isinstance(event, TransferProgressed):
            progress.append(event.done_bytes)
            if event.done_bytes > MIB:
                moving.set()

    def run() -> None:
        try:
            run_transfer(
                hub.url,
                "acme/m",
                tmp_path / "out",
                local_dir=True,
                control=control,
                connections_per_file=2,
                events=_Callback(on_event),
            )
        except Exception as exc:
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert moving.wait(10)
    control.pause()
    time.sleep(0.3)  # a read in flight lands
    paused_at = progress[-1]
    events_before = len(progress)
    time.sleep(0.6)
    # Progress is still reported while paused, and it does not move.
    assert len(progress) > events_before
    assert progress[-1] == paused_at, "bytes were written while paused"
    control.resume()
    deadline = time.monotonic() + 5
    while progress[-1] == paused_at and time.monotonic() < deadline:
        time.sleep(0.02)
    assert progress[-1] > paused_at, "resumed"
    control.cancel()
    worker.join(10)
    assert errors and isinstance(errors[0], OperationCancelled)
    partial = tmp_path / "out/.cache/huggingface/download" / f"{BIG}.hfsuite.incomplete"
    assert partial.exists(), "cancel keeps the partial file for resume"
    # A new run resumes and finishes with only the missing bytes.
    hub.clear_faults()
    rerun_started = time.time()
    dest, result = _fetch(hub, tmp_path)
    assert read_tree(dest) == files

    def rerun_served(records) -> int:  # type: ignore[no-untyped-def]
        # By arrival time: the cancelled requests are logged when their server threads notice,
        # which can be after the re-run started.
        return sum(
            r.bytes_sent for r in records if r.origin == "cdn" and r.started >= rerun_started
        )

    fetched = next(f.downloaded_bytes for f in result.files if f.remote.path == BIG)
    hub.log.wait_for(lambda records: rerun_served(records) >= fetched)
    assert 0 < rerun_served(hub.log.records) < len(files[BIG])


class _Callback(list):  # type: ignore[type-arg]
    """Something with ``append`` (what run_transfer subscribes) that calls a function."""

    def __init__(self, fn):  # type: ignore[no-untyped-def]
        super().__init__()
        self.fn = fn

    def append(self, item) -> None:  # type: ignore[no-untyped-def]
        self.fn(item)


def test_gated_private_and_bad_token_are_not_retried(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    h = hub_factory()
    h.create_repo("acme/gated", gated="manual", files={"a.bin": b"x" * 10})
    h.create_repo("acme/secret", private=True, files={"a.bin": b"x" * 10})
    h.add_token("hf_readtoken123456", user="bob", role="read")
    with pytest.raises(GatedRepoError, match=r"accept its conditions at http://.*/acme/gated"):
        run_transfer(h.url, "acme/gated", tmp_path / "a", token="hf_readtoken123456")
    with pytest.raises(RepoNotFoundError, match="acme/secret"):
        run_transfer(h.url, "acme/secret", tmp_path / "b")
    with pytest.raises(AuthenticationError, match="refused"):
        run_transfer(h.url, "acme/gated", tmp_path / "c", token="hf_notavalidtoken999")
    assert all(r.status < 500 for r in h.log)


def test_a_hard_error_on_one_file_is_the_error_reported(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    """Siblings stopped because of it must not be reported instead (found by the gated tests)."""
    h = hub_factory(lfs_threshold=MIB)
    h.create_repo(
        "acme/two", files={"a.bin": pattern_bytes(6 * MIB, 1), "b.bin": pattern_bytes(6 * MIB, 2)}
    )
    h.throttle(per_connection_bps=2 * MIB)
    h.add_fault("*b.bin*", origin="hub", status=403, methods=["GET"])
    for attempt in range(5):
        dest = tmp_path / f"d{attempt}"
        with pytest.raises(AuthenticationError, match="forbidden"):
            run_transfer(h.url, "acme/two", dest, local_dir=True, files_in_parallel=2)
        partial = dest / ".cache/huggingface/download/a.bin.hfsuite.incomplete"
        assert partial.exists() or (dest / "a.bin").exists()


def test_cancel_interrupts_a_stalled_read_at_once(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault(f"*{BIG}*", origin="cdn", stall_after_bytes=200_000, stall_s=20)
    control = TransferControl()
    outcome: list = []
    got_bytes = threading.Event()

    def on_event(event) -> None:  # type: ignore[no-untyped-def]
        if isinstance(event, TransferProgressed) and event.done_bytes >= 200_000:
            got_bytes.set()

    def run() -> None:
        try:
            _fetch(hub, tmp_path, control=control, read_timeout_s=30, events=_Callback(on_event))
        except Exception as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert got_bytes.wait(10)
    time.sleep(0.3)  # the connections are now blocked reading a stalled body
    started = time.monotonic()
    control.cancel()
    worker.join(10)
    assert not worker.is_alive()
    assert time.monotonic() - started < 2, "cancel did not wait for the 20 s stall"
    assert outcome and isinstance(outcome[0], OperationCancelled)


def test_a_failed_flush_to_disk_fails_the_file_and_keeps_the_partial_data(  # type: ignore[no-untyped-def]
    hub, files, tmp_path, monkeypatch
):
    # The flush before the rename runs beside the last hashing; its error must still count.
    import errno
    import os

    from hfsuite.core.errors import TransferError

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(TransferError, match="cannot write to disk"):
        _fetch(hub, tmp_path, connections_per_file=4, min_segment=MIB, max_segment=2 * MIB)
    dest = tmp_path / "out"
    assert not (dest / BIG).exists(), "an unflushed file never appears at its final path"
    partial = list(dest.rglob(f"{BIG}.hfsuite.incomplete"))
    assert partial and partial[0].stat().st_size == len(files[BIG])


def _fetch_slowly(hub, tmp_path: Path, events: list, **kw) -> Path:  # type: ignore[no-untyped-def,type-arg]
    """The file over 4 connections capped at 2 MiB/s each (a few checkpoints long)."""
    hub.throttle(per_connection_bps=2 * MIB)
    dest, _ = _fetch(
        hub,
        tmp_path,
        events=events,
        connections_per_file=4,
        min_segment=MIB,
        max_segment=2 * MIB,
        **kw,
    )
    return dest  # type: ignore[no-any-return]


def test_connections_never_wait_for_a_checkpoints_flush_to_disk(  # type: ignore[no-untyped-def]
    hub, files, tmp_path, monkeypatch
):
    """A checkpoint flushes the partial file to disk (tenths of a second on a busy disk);
    bytes keep arriving meanwhile. Here the first flush is held until the file is verified:
    that can only happen if the connections went on without it."""
    import os

    import hfsuite.engine.resume as resume

    verified = threading.Event()
    held = {"released_by_verify": None}
    real_fdatasync = os.fdatasync

    def slow_fdatasync(fd: int) -> None:
        if held["released_by_verify"] is None:
            held["released_by_verify"] = verified.wait(20)
        real_fdatasync(fd)

    monkeypatch.setattr(resume.os, "fdatasync", slow_fdatasync)

    def on_event(event) -> None:  # type: ignore[no-untyped-def]
        if isinstance(event, FileVerified) and event.path == BIG:
            verified.set()

    class Events(list):  # type: ignore[type-arg]
        def append(self, event) -> None:  # type: ignore[no-untyped-def]
            on_event(event)
            super().append(event)

    dest = _fetch_slowly(hub, tmp_path, Events())
    assert read_tree(dest) == files
    assert held["released_by_verify"] is True, "the download stood still during the flush"


def test_progress_goes_on_while_a_checkpoint_flushes_to_disk(  # type: ignore[no-untyped-def]
    hub, files, tmp_path, monkeypatch
):
    """A checkpoint flushes its file's data first, which takes as long as the disk needs
    (about a second of a 1 GiB download on a disk slower than the link, measured): progress
    events and write-backs must not stand still meanwhile. The first flush is held until three
    progress events have come out during it (2 s at most)."""
    import os

    import hfsuite.engine.resume as resume

    held, released = threading.Event(), threading.Event()
    during: list[TransferProgressed] = []
    real_fdatasync = os.fdatasync

    def slow_fdatasync(fd: int) -> None:
        if not held.is_set():
            held.set()
            released.wait(2)
            released.set()  # the hold is over, whatever ended it
        real_fdatasync(fd)

    monkeypatch.setattr(resume.os, "fdatasync", slow_fdatasync)

    class Events(list):  # type: ignore[type-arg]
        def append(self, event) -> None:  # type: ignore[no-untyped-def]
            if isinstance(event, TransferProgressed) and held.is_set() and not released.is_set():
                during.append(event)
                if len(during) >= 3:
                    released.set()
            super().append(event)

    dest = _fetch_slowly(hub, tmp_path, Events(), write_back_bytes=MIB)  # and write-backs
    assert read_tree(dest) == files
    assert held.is_set(), "no checkpoint was saved: the test proves nothing"
    assert len(during) >= 3, "no progress while a checkpoint flushed to disk"


def test_a_big_file_is_written_back_to_disk_while_it_arrives(  # type: ignore[no-untyped-def]
    hub, files, tmp_path, monkeypatch
):
    """The flush before the rename would otherwise write the whole file at once (0.1 s per
    200 MiB at the end of a download): the ticker starts background flushes as bytes come."""
    import os

    import hfsuite.engine.filedownload as filedownload

    synced_by: list[str] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced_by.append(threading.current_thread().name)
        real_fsync(fd)

    monkeypatch.setattr(filedownload.os, "fsync", counting_fsync)
    hub.throttle(per_connection_bps=2 * MIB)  # a few ticks long
    dest, _ = _fetch_written_back(hub, tmp_path)
    assert read_tree(dest) == files
    assert "hfsuite-write-back" in synced_by
    # The file is still flushed before its rename (a checkpoint's own fsync, of its state
    # file, may come at any time).
    assert [name for name in synced_by if name != "hfsuite-checkpoint"][-1] == "hfsuite-flush"


def test_a_failed_write_back_fails_the_file_even_when_the_last_flush_succeeds(  # type: ignore[no-untyped-def]
    hub, files, tmp_path, monkeypatch
):
    """Linux reports a write error to one fsync only: when the background flush gets it, the
    download must not be called complete."""
    import errno
    import os

    import hfsuite.engine.filedownload as filedownload
    from hfsuite.core.errors import TransferError

    real_fsync = os.fsync

    def failing_in_the_background(fd: int) -> None:
        if threading.current_thread().name == "hfsuite-write-back":
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(filedownload.os, "fsync", failing_in_the_background)
    hub.throttle(per_connection_bps=2 * MIB)
    with pytest.raises(TransferError, match="cannot write to disk"):
        _fetch_written_back(hub, tmp_path)
    assert not (tmp_path / "out" / BIG).exists()


def _fetch_written_back(hub, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two connections, a write-back each MiB, a tick each 0.05 s (the file: 8 MiB)."""
    return _fetch(
        hub,
        tmp_path,
        connections_per_file=2,
        min_segment=MIB,
        max_segment=2 * MIB,
        write_back_bytes=MIB,
        progress_interval_s=0.05,
    )
