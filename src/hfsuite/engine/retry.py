"""When to try again: exponential backoff with jitter, honouring ``Retry-After``.

:func:`run_with_retries` is the one retry loop of the engine: every segment of a file and the
single stream used when a server ignores ``Range`` go through it, so both give up the same way
(:class:`~hfsuite.core.errors.NetworkError` when the connection kept failing,
:class:`~hfsuite.core.errors.TransferError` when its answers kept ending short,
:class:`~hfsuite.core.errors.ServerError` when the server failed otherwise).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from hfsuite.core.errors import HfSuiteError, NetworkError, ServerError, TransferError
from hfsuite.core.i18n import tr


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


class Retryable(Exception):
    """A failure worth another try.

    Args:
        reason: What failed, for events, logs and the final error.
        retry_after_s: How long the server asked us to wait (``Retry-After``), if it did.
        immediate: Try again at once (e.g. an expired link to resolve again).
        network: The connection failed, not the server.
        short: The answer ended cleanly before the bytes asked for (a truncating server or
            proxy): a failure to move the file's bytes, never a complete file.
    """

    def __init__(
        self,
        reason: str,
        retry_after_s: float | None = None,
        immediate: bool = False,
        network: bool = False,
        short: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s
        self.immediate = immediate
        self.network = network
        self.short = short


class RetryControl(Protocol):
    """Pause and cancel as the retry loop needs them (a transfer's control)."""

    def checkpoint(self) -> None:
        """Block while paused; raise ``OperationCancelled`` when cancelled."""
        ...

    def sleep(self, seconds: float) -> None:
        """Sleep, raising ``OperationCancelled`` early on cancel."""
        ...


def give_up(what: str, attempts: int, failure: Retryable) -> HfSuiteError:
    """The error to raise once ``failure`` used up every try.

    Args:
        what: What was being fetched (a file's path), for the message.
        attempts: Tries made.
        failure: The last failure.

    Returns:
        A :class:`NetworkError` when the connection failed, a :class:`TransferError` when the
        answers kept ending short, else a :class:`ServerError`.
    """
    if failure.short:
        return TransferError(
            tr(
                "{what}: giving up after {attempts} attempts ({reason}; the server sent fewer "
                "bytes than asked for).",
                what=what,
                attempts=attempts,
                reason=failure.reason,
            ),
            hint=tr(
                "The server or a proxy keeps cutting the file short; nothing short was kept as "
                "complete. Try again later: the same download resumes."
            ),
        )
    if failure.network:
        return NetworkError(
            tr(
                "{what}: giving up after {attempts} attempts ({reason})",
                what=what,
                attempts=attempts,
                reason=failure.reason,
            ),
            hint=tr(
                "Check your network connection and proxy settings; run the same download again "
                "to resume."
            ),
        )
    return ServerError(
        tr(
            "{what}: giving up after {attempts} attempts ({reason}).",
            what=what,
            attempts=attempts,
            reason=failure.reason,
        ),
        hint=tr("The server keeps failing; try again later."),
    )


def run_with_retries(
    attempt: Callable[[], None],
    *,
    policy: RetryPolicy,
    control: RetryControl,
    what: str,
    on_retry: Callable[[int, float, str], None],
    done: Callable[[], bool],
    progress: Callable[[], int] | None = None,
) -> None:
    """Call ``attempt`` until it returns, retrying each :class:`Retryable` it raises.

    Args:
        attempt: One try; raises :class:`Retryable` for a failure worth another try (any other
            exception ends the loop at once).
        policy: How many tries and how long to wait between them.
        control: Pauses before each try; cancel interrupts the waits.
        what: What is fetched (a file's path), for the final error.
        on_retry: Told ``(attempt, delay_s, reason)`` before each wait.
        done: Checked before each try: nothing (more) to do, e.g. the transfer is stopping.
        progress: A counter of what tries keep (bytes written and resumed from); a failure
            after it advanced counts as a first failure. None when every try starts over.

    Raises:
        NetworkError: the connection kept failing through every try.
        TransferError: the answers kept ending before the bytes asked for.
        ServerError: the server kept failing through every try.
        OperationCancelled: cancelled while paused or waiting.
    """
    tries = 0
    while not done():
        control.checkpoint()
        tries += 1
        before = progress() if progress is not None else 0
        try:
            attempt()
            return
        except Retryable as exc:
            if progress is not None and progress() > before:
                tries = 1  # progress was made: this is a fresh failure
            if not policy.should_retry(tries):
                raise give_up(what, tries, exc) from None
            delay = 0.0 if exc.immediate else policy.delay(tries, exc.retry_after_s)
            on_retry(tries, delay, exc.reason)
            control.sleep(delay)
