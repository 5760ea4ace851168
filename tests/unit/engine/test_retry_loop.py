"""The engine's one retry loop: backoff, giving up with the right typed error, progress."""

from __future__ import annotations

import random

import pytest

from hfsuite.core.errors import NetworkError, OperationCancelled, ServerError, TransferError
from hfsuite.engine.retry import Retryable, RetryPolicy, give_up, run_with_retries

POLICY_TRIES = 4


class FakeControl:
    """Records checkpoints and waits instead of sleeping; can cancel on a given wait."""

    def __init__(self, cancel_on_sleep: int | None = None):
        self.checkpoints = 0
        self.sleeps: list[float] = []
        self.cancel_on_sleep = cancel_on_sleep

    def checkpoint(self) -> None:
        self.checkpoints += 1

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.cancel_on_sleep == len(self.sleeps):
            raise OperationCancelled("Download cancelled.")


class Attempts:
    """An attempt that fails with the given failures in turn, then succeeds."""

    def __init__(self, *failures: BaseException, advance: int = 0):
        self.failures = list(failures)
        self.calls = 0
        self.position = 0
        self.advance = advance  # bytes "kept" by each failed try

    def __call__(self) -> None:
        self.calls += 1
        if self.failures:
            self.position += self.advance
            raise self.failures.pop(0)


def _policy() -> RetryPolicy:
    return RetryPolicy(max_attempts=POLICY_TRIES, base_s=1.0, cap_s=8.0, rng=random.Random(0))


def _run(attempt: Attempts, control: FakeControl, *, with_progress: bool = False, **kw):  # type: ignore[no-untyped-def]
    retries: list[tuple[int, float, str]] = []
    run_with_retries(
        attempt,
        policy=kw.pop("policy", _policy()),
        control=control,
        what="w.bin",
        on_retry=lambda n, delay, reason: retries.append((n, delay, reason)),
        done=kw.pop("done", lambda: False),
        progress=(lambda: attempt.position) if with_progress else None,
    )
    return retries


def test_failures_are_retried_with_backoff_then_succeed() -> None:
    control = FakeControl()
    attempt = Attempts(Retryable("HTTP 503 from cdn"), Retryable("reset", network=True))
    retries = _run(attempt, control)
    assert attempt.calls == 3
    assert control.checkpoints == 3, "a pause is honoured before every try"
    assert [(n, reason) for n, _, reason in retries] == [(1, "HTTP 503 from cdn"), (2, "reset")]
    # Equal jitter: half of base * 2**(n-1) is fixed, half random.
    assert 0.5 <= retries[0][1] <= 1.0
    assert 1.0 <= retries[1][1] <= 2.0
    assert control.sleeps == [d for _, d, _ in retries]


@pytest.mark.parametrize(
    ("network", "error_type", "hint_word"),
    [(True, NetworkError, "network"), (False, ServerError, "server")],
)
def test_giving_up_keeps_network_and_server_failures_apart(  # type: ignore[no-untyped-def]
    network, error_type, hint_word
) -> None:
    control = FakeControl()
    attempt = Attempts(*[Retryable("boom", network=network) for _ in range(10)])
    with pytest.raises(error_type) as info:
        _run(attempt, control)
    assert type(info.value) is error_type
    assert info.value.exit_code == 5
    assert info.value.message.startswith(f"w.bin: giving up after {POLICY_TRIES} attempts (boom)")
    assert hint_word in (info.value.hint or "").lower()
    assert attempt.calls == POLICY_TRIES
    assert len(control.sleeps) == POLICY_TRIES - 1, "no wait after the last try"


def test_give_up_messages() -> None:
    network = give_up("a.bin", 3, Retryable("reset", network=True))
    server = give_up("a.bin", 3, Retryable("HTTP 502 from x"))
    assert isinstance(network, NetworkError) and not isinstance(network, ServerError)
    assert network.message == "a.bin: giving up after 3 attempts (reset)"
    assert isinstance(server, ServerError)
    assert server.message == "a.bin: giving up after 3 attempts (HTTP 502 from x)."


def test_a_try_that_kept_bytes_counts_as_a_first_failure() -> None:
    # Ten failures in a row, each after some progress: never gives up, backoff stays short.
    control = FakeControl()
    attempt = Attempts(*[Retryable("reset", network=True) for _ in range(10)], advance=1000)
    retries = _run(attempt, control, with_progress=True)
    assert attempt.calls == 11
    assert {n for n, _, _ in retries} == {1}


def test_without_progress_every_try_counts() -> None:
    # The single stream starts over each time: bytes read by a failed try are not kept.
    control = FakeControl()
    attempt = Attempts(*[Retryable("reset", network=True) for _ in range(10)], advance=1000)
    with pytest.raises(NetworkError):
        _run(attempt, control, with_progress=False)
    assert attempt.calls == POLICY_TRIES


def test_immediate_and_retry_after() -> None:
    control = FakeControl()
    attempt = Attempts(
        Retryable("link expired", immediate=True), Retryable("HTTP 429", retry_after_s=42.0)
    )
    retries = _run(attempt, control)
    assert [d for _, d, _ in retries] == [0.0, 42.0]


def test_done_stops_before_a_try() -> None:
    control = FakeControl()
    attempt = Attempts(Retryable("reset", network=True))
    state = {"done": False}

    def mark_done(n: int, delay: float, reason: str) -> None:
        state["done"] = True  # e.g. another file halted the transfer during the wait

    run_with_retries(
        attempt,
        policy=_policy(),
        control=control,
        what="w.bin",
        on_retry=mark_done,
        done=lambda: state["done"],
    )
    assert attempt.calls == 1
    assert _run(Attempts(), FakeControl(), done=lambda: True) == []


def test_other_errors_and_cancel_end_the_loop_at_once() -> None:
    control = FakeControl()
    attempt = Attempts(TransferError("disk full"))
    with pytest.raises(TransferError):
        _run(attempt, control)
    assert attempt.calls == 1 and control.sleeps == []
    control = FakeControl(cancel_on_sleep=1)
    attempt = Attempts(Retryable("HTTP 503"), Retryable("HTTP 503"))
    with pytest.raises(OperationCancelled):
        _run(attempt, control)
    assert attempt.calls == 1
