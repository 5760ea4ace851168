"""Fault and realism knobs: throttling, latency, errors, dropped or stalled bodies, sparse lists.

A :class:`FaultSettings` holds the global knobs (per-connection and total bandwidth caps, the CDN
URL lifetime, sparse listings) and a list of :class:`FaultRule`. Each rule is scoped by a path glob
(matched against the decoded request path, and against ``path?query``), an optional method list and
an origin (``hub``, ``cdn`` or ``any``), and applies its faults to the first ``count`` matching
requests (all of them when ``count`` is ``None``). Every matching request increments the rule's
counter, HEAD requests included. ``change_content_after=K`` is counted independently: the (K+1)-th
and later matching requests see different bytes and a different ETag.

Rules and settings round-trip through plain dicts, which is what ``POST /_emulator/faults``
takes, so a test can reconfigure an emulator running in another process.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from hfsuite.core.clock import Clock, SystemClock


@dataclass
class FaultRule:
    """Faults for requests whose path matches ``path``.

    Attributes:
        path: fnmatch glob against the decoded path (or ``path?query``), e.g. ``"*.bin"``.
        methods: Only these HTTP methods (upper case); empty means all.
        origin: ``"hub"``, ``"cdn"`` or ``"any"``.
        count: Apply the faults to the first ``count`` matching requests only (None: always).
        latency_s: Sleep this long before answering.
        status: Answer with this status instead (e.g. 500, 503, 429).
        retry_after_s: ``Retry-After`` value sent with ``status`` (default 1 for 429/503).
        drop_after_bytes: Close the connection after this many body bytes.
        stall_after_bytes: Stop sending for ``stall_s`` seconds after this many body bytes.
        stall_s: Length of the stall.
        ignore_range: Answer ranged requests with 200 and the full body.
        content_length_delta: Announce ``Content-Length`` off by this much, send the real body,
            then close the connection.
        change_content_after: After this many matching requests the file's bytes (and so its
            ETag) change.
        probability: Apply the faults to this share of the matching requests (0 to 1), drawn
            from the settings' seeded random source, so runs repeat (benchmarks: "20 % of
            requests stall").
        matched: How many requests matched so far (read-only bookkeeping).
    """

    path: str = "*"
    methods: list[str] = field(default_factory=list)
    origin: str = "any"
    count: int | None = None
    latency_s: float = 0.0
    status: int | None = None
    retry_after_s: float | None = None
    drop_after_bytes: int | None = None
    stall_after_bytes: int | None = None
    stall_s: float = 0.0
    ignore_range: bool = False
    content_length_delta: int = 0
    change_content_after: int | None = None
    probability: float = 1.0
    matched: int = 0

    def matches(self, method: str, path: str, target: str, origin: str) -> bool:
        """Whether a request falls under this rule."""
        if self.origin not in ("any", origin):
            return False
        if self.methods and method.upper() not in [m.upper() for m in self.methods]:
            return False
        return fnmatch.fnmatchcase(path, self.path) or fnmatch.fnmatchcase(target, self.path)

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON-able data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        """Build a rule from JSON data (unknown keys raise ``TypeError``)."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise TypeError(f"unknown fault fields: {sorted(unknown)}")
        return cls(**{k: v for k, v in data.items() if k != "matched"})


@dataclass
class FaultPlan:
    """The faults that apply to one request (merged from all matching rules)."""

    latency_s: float = 0.0
    status: int | None = None
    retry_after_s: float | None = None
    drop_after_bytes: int | None = None
    stall_after_bytes: int | None = None
    stall_s: float = 0.0
    ignore_range: bool = False
    content_length_delta: int = 0
    content_changed: bool = False

    @property
    def alters_body(self) -> bool:
        """Whether the body must be sent chunk by chunk (no plain zero-copy send)."""
        return self.drop_after_bytes is not None or self.stall_after_bytes is not None


class TokenBucket:
    """A token bucket with debt: callers reserve bytes and sleep until the reservation is due.

    Args:
        rate_bps: Bytes per second.
        burst_bytes: Most bytes that can go out at once after an idle period.
        clock: Time source.
    """

    def __init__(self, rate_bps: float, burst_bytes: int | None = None, clock: Clock | None = None):
        self.rate_bps = float(rate_bps)
        self.burst_bytes = burst_bytes if burst_bytes is not None else max(4096, int(rate_bps / 50))
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._tokens = float(self.burst_bytes)
        self._last = self._clock.monotonic()

    def reserve(self, nbytes: int) -> float:
        """Take ``nbytes`` and return how long the caller must wait before sending them."""
        with self._lock:
            now = self._clock.monotonic()
            self._tokens = min(
                float(self.burst_bytes), self._tokens + (now - self._last) * self.rate_bps
            )
            self._last = now
            self._tokens -= nbytes
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate_bps

    def consume(self, nbytes: int) -> None:
        """Reserve ``nbytes`` and sleep until they may be sent."""
        wait = self.reserve(nbytes)
        if wait > 0:
            time.sleep(wait)

    def chunk_size(self) -> int:
        """A send size that keeps the rate smooth (about 20 sends per second)."""
        return max(1024, min(256 * 1024, int(self.rate_bps / 20)))


class FaultSettings:
    """Global knobs plus fault rules; thread-safe.

    Args:
        per_connection_bps: Cap on each TCP connection's body bytes per second (None: no cap).
        total_bps: Cap shared by all connections (None: no cap).
        cdn_url_ttl_s: Lifetime of signed CDN URLs.
        sparse_listing: Answer like a server that keeps no file metadata (an older mirror, a
            proxy): repo info's ``siblings`` carry only ``rfilename`` (``blobs=true`` is
            ignored) and tree / paths-info entries only ``type`` and ``path``. Sizes and hashes
            are then known only from a HEAD of each file's resolve URL.
    """

    def __init__(
        self,
        per_connection_bps: float | None = None,
        total_bps: float | None = None,
        cdn_url_ttl_s: float = 3600.0,
        sparse_listing: bool = False,
    ) -> None:
        self._lock = threading.Lock()
        self.per_connection_bps = per_connection_bps
        self.total_bps = total_bps
        self.cdn_url_ttl_s = cdn_url_ttl_s
        self.sparse_listing = sparse_listing
        self.rules: list[FaultRule] = []
        self._rng = random.Random(0)
        self._total_bucket: TokenBucket | None = None
        self._rebuild_total()

    def _rebuild_total(self) -> None:
        self._total_bucket = TokenBucket(self.total_bps) if self.total_bps else None

    @property
    def total_bucket(self) -> TokenBucket | None:
        """The shared bucket for ``total_bps`` (None when uncapped)."""
        return self._total_bucket

    def update(self, data: dict[str, Any]) -> None:
        """Apply a JSON-style update.

        Keys: ``per_connection_bps``, ``total_bps``, ``cdn_url_ttl_s`` (set; null clears a cap),
        ``sparse_listing`` (true/false), ``rules`` (replace the rule list), ``add_rules``
        (append), ``reset`` (true: clear all first). Unknown keys raise ``ValueError``.
        """
        allowed = {
            "per_connection_bps",
            "total_bps",
            "cdn_url_ttl_s",
            "sparse_listing",
            "rules",
            "add_rules",
            "reset",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        new_rules = [FaultRule.from_dict(r) for r in data.get("rules", [])]
        added = [FaultRule.from_dict(r) for r in data.get("add_rules", [])]
        with self._lock:
            if data.get("reset"):
                self.per_connection_bps = None
                self.total_bps = None
                self.cdn_url_ttl_s = 3600.0
                self.sparse_listing = False
                self.rules = []
            if "per_connection_bps" in data:
                self.per_connection_bps = data["per_connection_bps"] or None
            if "total_bps" in data:
                self.total_bps = data["total_bps"] or None
            if "cdn_url_ttl_s" in data:
                self.cdn_url_ttl_s = float(data["cdn_url_ttl_s"])
            if "sparse_listing" in data:
                self.sparse_listing = bool(data["sparse_listing"])
            if "rules" in data:
                self.rules = new_rules
            self.rules.extend(added)
            self._rebuild_total()

    def add_rule(self, rule: FaultRule) -> FaultRule:
        """Append a rule and return it."""
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule and cap."""
        self.update({"reset": True})

    def to_dict(self) -> dict[str, Any]:
        """The current settings (with rule counters) as JSON-able data."""
        with self._lock:
            return {
                "per_connection_bps": self.per_connection_bps,
                "total_bps": self.total_bps,
                "cdn_url_ttl_s": self.cdn_url_ttl_s,
                "sparse_listing": self.sparse_listing,
                "rules": [r.to_dict() for r in self.rules],
            }

    def plan(self, method: str, path: str, target: str, origin: str) -> FaultPlan:
        """Count this request against the matching rules and merge their faults."""
        plan = FaultPlan()
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path, target, origin):
                    continue
                rule.matched += 1
                if (
                    rule.change_content_after is not None
                    and rule.matched > rule.change_content_after
                ):
                    plan.content_changed = True
                if rule.count is not None and rule.matched > rule.count:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                plan.latency_s += rule.latency_s
                if rule.status is not None:
                    plan.status = rule.status
                    plan.retry_after_s = rule.retry_after_s
                if rule.drop_after_bytes is not None:
                    plan.drop_after_bytes = rule.drop_after_bytes
                if rule.stall_after_bytes is not None:
                    plan.stall_after_bytes = rule.stall_after_bytes
                    plan.stall_s = rule.stall_s
                plan.ignore_range = plan.ignore_range or rule.ignore_range
                plan.content_length_delta += rule.content_length_delta
        return plan
