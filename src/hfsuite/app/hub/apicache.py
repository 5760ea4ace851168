"""The API cache: Hub metadata kept in the database, with an expiry per kind.

```
kind          fresh for           key holds
search        5 minutes           endpoint, search URL and parameters (or the cursor URL)
repo_info     10 minutes          endpoint, repo, revision      (forever when pinned to a commit)
refs          5 minutes           endpoint, repo
model_card    forever             endpoint, repo, commit        (a commit's README never changes)
```

Every key also holds ``anon`` or a fingerprint of the token (a truncated SHA-256, never the
token), since private repositories make answers differ per account. ``refresh=True`` bypasses
fresh entries. Offline (the ``offline`` setting / ``HF_HUB_OFFLINE``) nothing is requested and
cached data is served, expired or not, with a note; when the Hub cannot be reached the same
happens instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from hfsuite.core.errors import NetworkError, ServerError
from hfsuite.core.i18n import joined, tr
from hfsuite.core.units import format_duration
from hfsuite.sources.hub_catalog import Freshness

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds each kind stays fresh (None: forever).
TTL_S: dict[str, float | None] = {
    "search": 300.0,
    "repo_info": 600.0,
    "refs": 300.0,
    "model_card": None,
}


def token_fingerprint(token: str | None) -> str:
    """``anon``, or a short one-way fingerprint of the token (for cache keys)."""
    if not token:
        return "anon"
    return "tok-" + hashlib.sha256(b"hfsuite-api-cache\0" + token.encode()).hexdigest()[:16]


class ApiCache:
    """Read-through cache of Hub metadata in the suite's database.

    Args:
        suite: Gives the database, the clock and the ``offline`` setting.
    """

    def __init__(self, suite: Suite):
        self.suite = suite

    @property
    def offline(self) -> bool:
        """Whether no request may be made."""
        return bool(self.suite.settings.offline)

    def get(
        self,
        key: str,
        kind: str,
        fetch: Callable[[], Any],
        *,
        what: str,
        ttl_s: float | str | None = "default",
        refresh: bool = False,
    ) -> tuple[Any, Freshness]:
        """The body for ``key``: fresh from the cache, else fetched (and stored).

        Args:
            key: Cache key (never containing a token).
            kind: Entry kind (see the module table).
            fetch: Makes the request; returns JSON-serialisable data.
            what: Words for notes and errors, e.g. ``"model info of org/name"``.
            ttl_s: Freshness in seconds, None for forever, ``"default"`` for the kind's.
            refresh: Ignore a fresh cached entry (still fall back to it when offline).

        Raises:
            NetworkError: offline (or unreachable) and nothing cached.
        """
        ttl: float | None = TTL_S.get(kind, 300.0) if isinstance(ttl_s, str) else ttl_s
        now = self.suite.clock.now()
        db = self.suite.database
        with db.read() as uow:
            entry = uow.api_cache.get(key, now, allow_stale=True)
        if entry is not None and not entry.is_expired(now) and not refresh and not self.offline:
            return entry.body, Freshness(from_cache=True, fetched_at=entry.fetched_at)
        if self.offline:
            if entry is None:
                raise NetworkError(
                    tr(
                        "Offline mode is on and there is no cached copy of the {what}.",
                        what=what,
                    ),
                    hint=tr(
                        "Turn offline mode off (unset HF_HUB_OFFLINE, or `hfsuite config set "
                        "offline false`) and try again."
                    ),
                )
            age = format_duration(max(0.0, now - entry.fetched_at))
            return entry.body, Freshness(
                from_cache=True,
                stale=entry.is_expired(now),
                fetched_at=entry.fetched_at,
                note=tr("Offline mode: showing the {what} cached {age} ago.", what=what, age=age),
            )
        try:
            body = fetch()
        except (NetworkError, ServerError) as exc:
            if entry is None:
                raise
            age = format_duration(max(0.0, now - entry.fetched_at))
            log.info("Serving cached %s: %s", what, exc.message)
            return entry.body, Freshness(
                from_cache=True,
                stale=True,
                fetched_at=entry.fetched_at,
                note=joined(
                    exc.message, tr("Showing the {what} cached {age} ago.", what=what, age=age)
                ),
            )
        with db.write() as uow:
            uow.api_cache.put(key, kind, body, fetched_at=now, ttl_s=ttl)
        return body, Freshness(from_cache=False, fetched_at=now)

    def purge(self, kind: str | None = None) -> int:
        """Forget cached entries (all, or one kind). Returns how many."""
        with self.suite.database.write() as uow:
            return uow.api_cache.purge(kind)
