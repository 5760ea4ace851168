"""ETag header values reduced to the bare tag, the one way every module does it."""

from __future__ import annotations

import pytest

from hfsuite.core.remote import normalize_etag

SHA = "a" * 64


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f'"{SHA}"', SHA),  # strong, quoted (what the hub and CDNs send)
        (f'W/"{SHA}"', SHA),  # weak
        (f'  W/"{SHA}"  ', SHA),  # surrounding whitespace
        (SHA, SHA),  # unquoted
        ('"abc-123"', "abc-123"),  # not a hash: kept as it is
        ("W/abc", "abc"),
    ],
)
def test_quotes_and_weak_marker_are_removed(header: str, expected: str) -> None:
    assert normalize_etag(header) == expected


@pytest.mark.parametrize("header", [None, "", "   ", '""', 'W/""', "W/"])
def test_missing_or_empty_is_none(header: str | None) -> None:
    assert normalize_etag(header) is None
