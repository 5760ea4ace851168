"""When to try again: exponential backoff with jitter, honouring ``Retry-After``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class RetryPolicy:
    """Backoff for retryable failures (connection errors, 5xx, 429, stalls).

    Attributes:
        max_attempts: Tries per segment/request before giving up (the first try counts).
        base_s: Delay before the first retry.
        cap_s: Longest delay between tries (a server's Retry-After may ask for more, up to
            ``retry_after_cap_s``).
        retry_after_cap_s: Longest Retry-After honoured.
        rng: Random source for the jitter (injected in tests).
    """

    max_attempts: int = 8
    base_s: float = 0.5
    cap_s: float = 30.0
    retry_after_cap_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after_s: float | None = None) -> float:
        """Seconds to wait before try number ``attempt + 1`` (``attempt`` counts from 1).

        "Equal jitter": half the exponential delay is fixed, half random, so retries from many
        connections spread out but never hammer the server immediately.
        """
        expo = min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1))
        delay = expo / 2 + self.rng.uniform(0, expo / 2)
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, self.retry_after_cap_s))
        return delay

    def should_retry(self, attempt: int) -> bool:
        """Whether another try is allowed after ``attempt`` tries."""
        return attempt < self.max_attempts


def parse_retry_after(value: str | None, now_epoch: float) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now_epoch)
