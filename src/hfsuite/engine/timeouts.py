"""Bounded waits and few retries for requests a person is waiting on (metadata, listings).

Shared by the engine's own client (:meth:`hfsuite.engine.http.HttpClient.fetch`) and the client
the application gives huggingface_hub (``hfsuite.app.network``), so both say the same thing
when a server stays silent (:func:`no_answer_error`: the host, the limit that ran out and the
setting that raises it) and retry the same way (:func:`retry_idempotent`: timeouts, lost
connections and 429/5xx answers of idempotent requests, 3 tries, short pauses).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from hfsuite.core.errors import HfSuiteError, NetworkError
from hfsuite.core.i18n import N_, tr
from hfsuite.engine.retry import RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)

#: Methods that may be sent again after a timeout without changing anything on the server.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Answers of a busy or briefly broken server, worth another try of an idempotent request.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Which setting bounds each kind of timeout (named in the error's hint).
_TIMEOUT_SETTING = {
    "connect": "connect_timeout_s",
    "pool": "connect_timeout_s",
    "read": "read_timeout_s",
    "write": "read_timeout_s",
}
#: The kinds of timeout in words (inside "No answer from … (read timeout) …").
_TIMEOUT_WORDS = {
    "connect": N_("connect timeout"),
    "pool": N_("pool timeout"),
    "read": N_("read timeout"),
    "write": N_("write timeout"),
}
_T = TypeVar("_T")


def metadata_retry_policy() -> RetryPolicy:
    """Few, short retries for metadata: a person is waiting for the answer."""
    return RetryPolicy(max_attempts=3, base_s=0.5, cap_s=4.0, retry_after_cap_s=10.0)


def no_answer_error(url: str, seconds: float | None, kind: str, doing: str) -> NetworkError:
    """The error for a server that stayed silent: names the host, the limit and the setting.

    Args:
        url: What was asked (only its host and port are shown).
        seconds: The limit that ran out (None: unknown).
        kind: ``connect``, ``read``, ``write`` or ``pool``.
        doing: What was going on, e.g. ``requesting /api/models/org/name`` (a :func:`tr`
            text, translated with the message).
    """
    setting = _TIMEOUT_SETTING.get(kind, "read_timeout_s")
    more = max(60.0, 2 * (seconds or 0))
    word = _TIMEOUT_WORDS.get(kind)
    words = tr(word) if word else tr("{kind} timeout", kind=kind)
    hint = tr(
        "Check your connection, the proxy settings and the endpoint; if the server is only "
        "slow, give it more time: `hfsuite config set {setting} {more}`.",
        setting=setting,
        more=format(more, "g"),
    )
    if seconds:
        message = tr(
            "No answer from {host} within {seconds} s ({kind}) while {doing}.",
            host=host_of(url),
            seconds=format(seconds, "g"),
            kind=words,
            doing=doing,
        )
    else:
        message = tr(
            "No answer from {host} ({kind}) while {doing}.",
            host=host_of(url),
            kind=words,
            doing=doing,
        )
    return NetworkError(message, hint=hint)


def host_of(url: str) -> str:
    """``host`` or ``host:port`` of a URL (never its credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"{host}:{parts.port}" if parts.port else host


def retry_idempotent(
    attempt: Callable[[], _T],
    url: str,
    *,
    policy: RetryPolicy,
    transient: Callable[[Exception], bool],
    busy: Callable[[_T], tuple[str, float | None] | None],
    discard: Callable[[_T], None],
    sleep: Callable[[float], None] = time.sleep,
) -> _T:
    """Call ``attempt`` (one idempotent request) until it gives an answer worth keeping.

    Args:
        attempt: Sends the request once.
        url: What is requested (its host is named in the log line of a retry).
        policy: How many tries, and the waits between them.
        transient: Whether a failure of ``attempt`` is worth another try (a timeout, a lost
            connection); other failures are raised at once.
        busy: For an answer: None to keep it; else the server asked for another try (429,
            5xx): what it said, and the seconds its ``Retry-After`` asked for (or None).
        discard: Releases an answer that is not kept.
        sleep: Waits between tries.

    Returns:
        The first answer worth keeping, or the last one when the tries ran out.

    Raises:
        Exception: the last failure of ``attempt`` when the tries ran out (or at once when it
            is not transient).
    """
    tries = 0
    while True:
        tries += 1
        retry_after: float | None = None
        try:
            result = attempt()
        except Exception as exc:
            if not (transient(exc) and policy.should_retry(tries)):
                raise
            reason = (
                exc.message
                if isinstance(exc, HfSuiteError)
                else f"Request to {host_of(url)} failed: {str(exc) or repr(exc)}"
            )
        else:
            verdict = busy(result)
            if verdict is None or not policy.should_retry(tries):
                return result
            discard(result)
            reason, retry_after = verdict
        delay = policy.delay(tries, retry_after)
        log.warning(
            "%s; trying again in %.1f s (attempt %d of %d).",
            reason.rstrip("."),
            delay,
            tries + 1,
            policy.max_attempts,
        )
        sleep(delay)


def busy_answer(status: int, url: str, retry_after: str | None) -> tuple[str, float | None] | None:
    """Whether an answer asks for another try (429, 5xx), as ``retry_idempotent``'s ``busy``.

    Args:
        status: The answer's HTTP status.
        url: The URL that answered.
        retry_after: Its ``Retry-After`` header, if any.

    Returns:
        None for an answer to keep; else what the server said, and the seconds it asked for.
    """
    if status not in RETRY_STATUSES:
        return None
    return f"{host_of(url)} answered HTTP {status}", parse_retry_after(retry_after, time.time())
