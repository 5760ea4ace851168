from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfsuite.core import errors
from hfsuite.core.clock import ManualClock
from hfsuite.core.units import format_bytes, format_duration, format_rate, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("512", 512),
        ("10M", 10_000_000),
        ("10MB", 10_000_000),
        ("10MiB", 10 * 2**20),
        ("1.5G", 1_500_000_000),
        ("500k", 500_000),
        ("2KiB", 2048),
        ("20M/s", 20_000_000),
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("bad", ["", "fast", "-1", "10X", "1e3"])
def test_parse_size_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_size(bad)


@given(st.integers(min_value=0, max_value=2**60))
def test_format_bytes_never_fails(n: int) -> None:
    text = format_bytes(n)
    assert text.split()[1] in {"B", "KiB", "MiB", "GiB", "TiB", "PiB"}


def test_formatting() -> None:
    assert format_bytes(1536) == "1.5 KiB"
    assert format_rate(20 * 2**20) == "20.0 MiB/s"
    assert format_duration(3725) == "1h02m"
    assert format_duration(65) == "1m05s"
    assert format_duration(None) == "--"


def test_exit_codes_are_distinct_per_family() -> None:
    assert errors.UsageError("x").exit_code == 2
    assert errors.SettingsValueError("k", "a").exit_code == 3
    assert errors.MigrationError("x").exit_code == 4
    assert errors.NetworkError("x").exit_code == 5
    assert errors.GatedRepoError("x").exit_code == 6
    assert errors.EntryNotFoundError("x").exit_code == 7
    assert errors.IntegrityError("x").exit_code == 8
    assert errors.InsufficientSpaceError("/d", 10, 5).exit_code == 9
    assert errors.OperationCancelled("x").exit_code == 130
    assert errors.NetworkError.retryable and not errors.RepoNotFoundError.retryable


def test_insufficient_space_message_states_needed_and_free() -> None:
    e = errors.InsufficientSpaceError("/data", 3 * 2**30, 2**30)
    assert "/data" in e.message and "3.0 GiB" in e.message and "1.0 GiB" in e.message
    assert e.hint


def test_manual_clock() -> None:
    clock = ManualClock(start=10.0)
    clock.advance(2.5)
    assert clock.monotonic() == 12.5
    with pytest.raises(ValueError):
        clock.advance(-1)
