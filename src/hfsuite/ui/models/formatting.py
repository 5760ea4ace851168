"""Short, human formatting shared by the Browse and History views."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def compact_count(n: int) -> str:
    """``1234`` → ``1.2k``, ``2_500_000`` → ``2.5M`` (download and like counters)."""
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= limit:
            value = n / limit
            text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
            return text.removesuffix(".0") + suffix
    return str(n)


def parse_iso(text: str | None) -> float | None:
    """An ISO-8601 time (``2024-05-01T12:00:00.000Z``) as epoch seconds, or None."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def relative_time(ts: float | None, now: float | None = None) -> str:
    """``ts`` relative to ``now``: ``just now``, ``5 min ago``, ``3 days ago``, ``on 2024-01-02``"""
    if ts is None:
        return "—"
    delta = (time.time() if now is None else now) - ts
    if delta < 60:
        return translate("Formatting", "just now")
    days, hours, minutes = int(delta // 86400), int(delta // 3600), int(delta // 60)
    if days > 30:
        day = datetime.fromtimestamp(ts).strftime("%Y-%m-%d")
        return translate("Formatting", "on {date}").format(date=day)
    if days:
        if days == 1:
            return translate("Formatting", "1 day ago")
        return translate("Formatting", "%n days ago", None, days)
    if hours:
        if hours == 1:
            return translate("Formatting", "1 hour ago")
        return translate("Formatting", "%n hours ago", None, hours)
    return translate("Formatting", "%n min ago", None, minutes)


def local_time(ts: float | None) -> str:
    """Epoch seconds as local ``YYYY-MM-DD HH:MM``."""
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")
