"""Units: parsing and formatting byte counts, rates and durations.

Sizes use binary multiples for display (KiB, MiB…, as file managers on Linux do) but parsing
accepts both conventions: ``10M`` and ``10MB`` are decimal (10,000,000) like curl and aria2's
``--limit-rate``, ``10MiB`` is binary. A plain number is bytes.
"""

from __future__ import annotations

import math
import re

_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
_PARSE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(i?)([bB]?)(?:/s)?\s*$")
_DECIMAL = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
_BINARY = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def parse_size(text: str | int) -> int:
    """Parse a human byte count such as ``"10M"``, ``"1.5GiB"`` or ``"512k"``.

    Args:
        text: The text (or an int, returned unchanged).

    Returns:
        The number of bytes.

    Raises:
        ValueError: when the text is not a size.
    """
    if isinstance(text, int):
        if text < 0:
            raise ValueError("a size cannot be negative")
        return text
    match = _PARSE_RE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 500k, 10M, 1.5GiB, 0 for none)")
    number, prefix, binary, _ = match.groups()
    table = _BINARY if binary else _DECIMAL
    return int(float(number) * table[prefix.lower()])


def format_bytes(n: float) -> str:
    """Format a byte count for people: ``1536`` → ``"1.5 KiB"``."""
    if n < 0:
        return "-" + format_bytes(-n)
    if n < 1024:
        return f"{int(n)} B"
    exp = min(int(math.log(n, 1024)), len(_UNITS) - 1)
    value = n / 1024**exp
    return f"{value:.1f} {_UNITS[exp]}" if value < 100 else f"{value:.0f} {_UNITS[exp]}"


def format_rate(bps: float) -> str:
    """Format a speed in bytes per second: ``"12.3 MiB/s"``."""
    return format_bytes(bps) + "/s"


def format_duration(seconds: float | None) -> str:
    """Format a duration (an ETA, an elapsed time) as ``1h02m``, ``3m05s`` or ``42s``."""
    if seconds is None or math.isinf(seconds) or math.isnan(seconds):
        return "--"
    s = max(0, round(seconds))
    if s >= 3600:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"
