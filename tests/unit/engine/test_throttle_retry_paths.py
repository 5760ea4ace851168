from __future__ import annotations

import random
from pathlib import Path

import pytest

from hfsuite.core.clock import ManualClock
from hfsuite.core.errors import UnsafePathError
from hfsuite.engine.paths import check_remote_path, safe_join
from hfsuite.engine.retry import RetryPolicy, parse_retry_after
from hfsuite.engine.throttle import Throttle, TokenBucket


def _simulate(bucket: TokenBucket, clock: ManualClock, seconds: float, chunk: int) -> int:
    """A greedy reader: reserve, wait as told, read; returns bytes read in ``seconds``."""
    got = 0
    start = clock.monotonic()
    while True:
        wait = bucket.reserve(chunk)
        clock.advance(wait)
        if clock.monotonic() - start > seconds:
            return got
        got += chunk
        clock.advance(0.0001)


@pytest.mark.parametrize("chunk", [4096, 65536, 1 << 20])
def test_long_run_rate_is_exact(chunk: int) -> None:
    clock = ManualClock()
    bucket = TokenBucket(20_000_000, clock=clock)
    got = _simulate(bucket, clock, 30.0, chunk)
    assert got / 30.0 == pytest.approx(20_000_000, rel=0.01)


def test_rate_change_takes_effect_and_zero_is_unlimited() -> None:
    clock = ManualClock()
    bucket = TokenBucket(1_000_000, clock=clock)
    first = _simulate(bucket, clock, 10.0, 65536)
    bucket.set_rate(4_000_000)
    second = _simulate(bucket, clock, 10.0, 65536)
    assert second / first == pytest.approx(4.0, rel=0.03)
    bucket.set_rate(0)
    assert bucket.reserve(10**12) == 0.0


def test_shared_bucket_splits_rate_between_connections() -> None:
    clock = ManualClock()
    shared = TokenBucket(10_000_000, clock=clock)
    task_a = Throttle(TokenBucket(0, clock=clock), shared)
    task_b = Throttle(TokenBucket(0, clock=clock), shared)
    total = 0
    t_end = 20.0
    next_free = [0.0, 0.0]
    while True:
        i = 0 if next_free[0] <= next_free[1] else 1
        clock.advance(max(0.0, next_free[i] - clock.monotonic()))
        if clock.monotonic() > t_end:
            break
        wait = (task_a if i == 0 else task_b).reserve(65536)
        next_free[i] = clock.monotonic() + wait
        total += 65536
    assert total / t_end == pytest.approx(10_000_000, rel=0.02)


def test_task_bucket_tighter_than_global_wins() -> None:
    clock = ManualClock()
    throttle = Throttle(TokenBucket(1_000_000, clock=clock), TokenBucket(50_000_000, clock=clock))
    assert throttle.chunk(1 << 20) == 50_000
    throttle.reserve(2_000_000)
    assert throttle.reserve(1) == pytest.approx(2.0, rel=0.01)


def test_backoff_grows_caps_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_s=1.0, cap_s=8.0, rng=random.Random(1))
    delays = [policy.delay(n) for n in range(1, 8)]
    assert all(0.5 <= d <= 1.0 for d in delays[:1])
    assert max(delays) <= 8.0
    assert delays[4] >= 4.0  # 2**4 capped at 8, equal jitter keeps at least half
    assert policy.delay(1, retry_after_s=12) == 12
    assert policy.delay(1, retry_after_s=10_000) == 300
    assert policy.should_retry(7) and not policy.should_retry(8)


def test_parse_retry_after() -> None:
    assert parse_retry_after("7", 0) == 7
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", 1445412480.0) == pytest.approx(10)
    assert parse_retry_after("soon", 0) is None
    assert parse_retry_after(None, 0) is None


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "../x",
        "a/../../x",
        "/etc/passwd",
        "C:/x",
        "a\\b",
        "a//b",
        "./a",
        "a/./b",
        "x\x00y",
        "a/",
    ],
)
def test_hostile_paths_refused(bad: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        check_remote_path(bad)
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path, bad)


def test_symlinked_folder_pointing_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "sub").symlink_to(outside)
    with pytest.raises(UnsafePathError, match="outside"):
        safe_join(dest, "sub/file.bin")


def test_normal_paths_join(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "unet/diffusion_pytorch_model.safetensors") == (
        tmp_path / "unet" / "diffusion_pytorch_model.safetensors"
    )
    assert check_remote_path("a b/ü.txt").parts == ("a b", "ü.txt")
