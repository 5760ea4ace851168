"""Segmented and single-stream downloads retry and give up alike (one retry loop), and a
file's download runs from its FileContext alone, without a Transfer."""

from __future__ import annotations

import hashlib
import random

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.core.clock import SystemClock
from hfsuite.core.errors import NetworkError, ServerError
from hfsuite.core.events import Event, FileRestarted, FileStarted, FileVerified, TransferRetrying
from hfsuite.core.types import RepoRef
from hfsuite.engine.context import FileContext, HostSlots, TransferControl, TransferOptions
from hfsuite.engine.filedownload import FileDownload
from hfsuite.engine.http import HttpClient, HttpOptions
from hfsuite.engine.layouts import LocalDirLayout
from hfsuite.engine.retry import RetryPolicy
from hfsuite.engine.throttle import Throttle, TokenBucket
from hfsuite.engine.verify import Expectation
from hfsuite.sources.huggingface import HuggingFaceSource

BIG = "big.safetensors"
TRIES = 3


@pytest.fixture
def files() -> dict[str, bytes]:
    return {BIG: pattern_bytes(6 * MIB + 321, seed=5)}


@pytest.fixture
def hub(hub_factory, files):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=1 * MIB)
    h.create_repo("acme/r", files=files)
    return h


def _retry() -> RetryPolicy:
    return RetryPolicy(max_attempts=TRIES, base_s=0.01, cap_s=0.02, rng=random.Random(0))


@pytest.mark.parametrize("ranges", ["honoured", "ignored"])
def test_a_connection_that_keeps_failing_is_a_network_error_on_both_paths(  # type: ignore[no-untyped-def]
    hub, tmp_path, ranges
):
    # Every CDN answer is cut before its first body byte: no try makes progress.
    hub.add_fault(f"*{BIG}*", origin="cdn", drop_after_bytes=0, ignore_range=ranges == "ignored")
    events: list[Event] = []
    with pytest.raises(NetworkError) as info:
        run_transfer(
            hub.url,
            "acme/r",
            tmp_path / "out",
            local_dir=True,
            events=events,
            retry=_retry(),
            connections_per_file=2,
        )
    error = info.value
    assert not isinstance(error, ServerError)
    assert error.exit_code == 5
    assert error.message.startswith(f"{BIG}: giving up after {TRIES} attempts (")
    assert "network" in (error.hint or "")
    one_stream = [e for e in events if isinstance(e, FileRestarted) and "one stream" in e.reason]
    assert bool(one_stream) == (ranges == "ignored")
    retries = [e for e in events if isinstance(e, TransferRetrying)]
    assert retries and {e.attempt for e in retries} <= set(range(1, TRIES))
    if ranges == "ignored":
        # The single stream reports its retries as the segments do, then gives up after TRIES.
        after_fallback = events[events.index(one_stream[0]) :]
        assert [e.attempt for e in after_fallback if isinstance(e, TransferRetrying)] == [1, 2]
        full_gets = [r for r in hub.log.filter(origin="cdn", method="GET") if not r.range]
        assert len(full_gets) == TRIES


def test_a_file_downloads_from_its_context_alone(hub, files, tmp_path):  # type: ignore[no-untyped-def]
    source = HuggingFaceSource(hub.url)
    snapshot = source.snapshot(RepoRef("acme/r"))
    remote = next(f for f in snapshot.files if f.path == BIG)
    layout = LocalDirLayout(tmp_path / "out", snapshot.commit)
    target = layout.target(remote)
    events: list[Event] = []
    client = HttpClient(HttpOptions(read_timeout_s=5.0), auth=source.auth)
    options = TransferOptions(connections_per_file=3, min_segment=MIB, max_segment=2 * MIB)
    control = TransferControl()
    ctx = FileContext(
        options=options,
        client=client,
        control=control,
        throttle=Throttle(control.bucket, TokenBucket(0)),
        clock=SystemClock(),
        emit=events.append,
        error_mapper=source.map_error,
        host_slots=HostSlots(options.connections_per_host),
        halted=lambda: False,
        task_id=7,
    )
    download = FileDownload(ctx, target, Expectation.for_file(remote))
    try:
        download.run()
    finally:
        client.close()
    data = target.partial_path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(files[BIG]).hexdigest()
    assert download.fetched_bytes == len(files[BIG])
    assert [type(e) for e in events] == [FileStarted, FileVerified]
    assert {e.task_id for e in events} == {7}
    hub.log.wait_for(lambda rs: len({r.connection_id for r in rs if r.origin == "cdn"}) >= 2)
