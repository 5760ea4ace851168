"""Talking to a Xet CAS: the read token and reconstructions.

The token comes from the Hub's ``xet-read-token`` route (the ``xet-auth`` link of a resolve
answer), sent with the Hub credentials like any Hub request; it names the CAS URL and is cached
until a minute before it expires (per token route and credentials), and fetched again when the
CAS answers 401. Reconstructions come from ``/v2/reconstructions/{id}`` (V2 JSON, ``xorbs``);
a CAS that answers 404 or 501 there is asked ``/v1/`` (``fetch_info``) from then on.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from hfsuite.core.clock import Clock
from hfsuite.core.errors import NetworkError, ServerError
from hfsuite.core.i18n import tr
from hfsuite.engine.context import ErrorMapper
from hfsuite.engine.http import HttpClient, Response
from hfsuite.engine.retry import Retryable, parse_retry_after

_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
_REFRESH_BEFORE_S = 60.0
_MAX_JSON = 64 << 20

_tokens: dict[tuple[str, str], tuple[str, str, float]] = {}
_tokens_lock = threading.Lock()
_v1_only: set[str] = set()  # CAS URLs without /v2/ reconstructions


@dataclass(frozen=True, slots=True)
class XetTerm:
    """Chunks ``[first, end)`` of one xorb, ``length`` file bytes once decoded.

    ``url`` serves the xorb; bytes ``url_start..url_end`` (inclusive) of it hold chunks from
    ``url_first`` on (``url_first <= first``).
    """

    xorb: str
    first: int
    end: int
    length: int
    url: str
    url_start: int
    url_end: int
    url_first: int


@dataclass(frozen=True, slots=True)
class Reconstruction:
    """The terms that rebuild a byte range; the first ``skip`` bytes of the first term come
    before the range asked for."""

    skip: int
    terms: tuple[XetTerm, ...]

    @property
    def length(self) -> int:
        """Decoded bytes of every term together."""
        return sum(t.length for t in self.terms)


def parse_reconstruction(body: Any) -> Reconstruction:
    """A V1 (``fetch_info``) or V2 (``xorbs``) reconstruction answer.

    Raises:
        ValueError: a body that is not a reconstruction (or names a xorb range it lacks).
    """
    if not isinstance(body, dict) or not isinstance(body.get("terms"), list):
        raise ValueError("not a reconstruction")
    where: dict[str, list[tuple[int, int, str, int, int]]] = {}
    if isinstance(body.get("xorbs"), dict):
        for name, fetches in body["xorbs"].items():
            for fetch in fetches:
                for rng in fetch["ranges"]:
                    c, b = rng["chunks"], rng["bytes"]
                    where.setdefault(name, []).append(
                        (int(c["start"]), int(c["end"]), str(fetch["url"]), b["start"], b["end"])
                    )
    elif isinstance(body.get("fetch_info"), dict):
        for name, items in body["fetch_info"].items():
            for item in items:
                c, b = item["range"], item["url_range"]
                where.setdefault(name, []).append(
                    (int(c["start"]), int(c["end"]), str(item["url"]), b["start"], b["end"])
                )
    terms = []
    for raw in body["terms"]:
        name = str(raw["hash"])
        first, end = int(raw["range"]["start"]), int(raw["range"]["end"])
        for c0, c1, url, b0, b1 in where.get(name, ()):
            if c0 <= first and end <= c1:
                terms.append(
                    XetTerm(name, first, end, int(raw["unpacked_length"]), url, b0, b1, c0)
                )
                break
        else:
            raise ValueError(f"no fetch range covers chunks {first}-{end} of xorb {name[:12]}…")
    return Reconstruction(int(body.get("offset_into_first_range") or 0), tuple(terms))


class XetAccess:
    """One Xet file's reconstructions, with the CAS token they need.

    Args:
        client: The engine's HTTP client (proxy, TLS, timeouts; Hub credentials for the Hub).
        token_url: The Hub route that hands out CAS read tokens for this file's repository.
        file_id: The file's Xet hash.
        clock: For token expiry.
        error_mapper: The source's reading of a refused token request (gated, private…).
    """

    def __init__(
        self,
        client: HttpClient,
        token_url: str,
        file_id: str,
        clock: Clock,
        error_mapper: ErrorMapper,
    ):
        self.client = client
        self.token_url = token_url
        self.file_id = file_id
        self.clock = clock
        self.error_mapper = error_mapper
        self.requests = 0  # reconstruction requests made

    # -- token ---------------------------------------------------------------------------------
    def _key(self) -> tuple[str, str]:
        auth = self.client.auth.headers_for(self.token_url).get("Authorization", "")
        return self.token_url, auth

    def token(self, *, refresh: bool = False) -> tuple[str, str]:
        """``(cas_url, token)``, from the cache unless ``refresh`` or about to expire."""
        key = self._key()
        now = self.clock.now()
        with _tokens_lock:
            found = _tokens.get(key)
        if found is not None and not refresh and now < found[2] - _REFRESH_BEFORE_S:
            return found[0], found[1]
        try:
            resp = self.client.request("GET", self.token_url, follow_redirects=True)
        except NetworkError as exc:
            raise Retryable(exc.message, network=True) from exc
        body = self._read_json(resp, "the Xet token route")
        cas = resp.header("X-Xet-Cas-Url") or (body.get("casUrl") if body else None)
        token = resp.header("X-Xet-Access-Token") or (body.get("accessToken") if body else None)
        exp_text = resp.header("X-Xet-Token-Expiration") or (body.get("exp") if body else None)
        if not cas or not token:
            raise ServerError(
                tr("{url} did not hand out a Xet token.", url=self.token_url),
                hint=tr("Use --xet off to download through the resolve redirect."),
            )
        try:
            expires = float(exp_text) if exp_text is not None else now + 600
        except (TypeError, ValueError):
            expires = now + 600
        with _tokens_lock:
            _tokens[key] = (str(cas).rstrip("/"), str(token), expires)
        return str(cas).rstrip("/"), str(token)

    def _read_json(self, resp: Response, what: str) -> dict[str, Any]:
        try:
            if resp.status in _RETRY_STATUS:
                retry_after = parse_retry_after(resp.header("Retry-After"), self.clock.now())
                resp.read_all()
                raise Retryable(f"HTTP {resp.status} from {what}", retry_after)
            if resp.status >= 400:
                raise self.error_mapper(resp)
            data = resp.read_all(_MAX_JSON)
        finally:
            resp.close()
        try:
            parsed = json.loads(data.decode("utf-8")) if data else {}
        except ValueError:
            raise Retryable(f"{what} answered with something other than JSON") from None
        return parsed if isinstance(parsed, dict) else {}

    # -- reconstructions -----------------------------------------------------------------------
    def reconstruction(self, start: int | None = None, end: int | None = None) -> Reconstruction:
        """The terms of bytes ``[start, end)`` (the whole file when ``start`` is None).

        Raises:
            RangePastEnd: the CAS says the range starts past the end of the file (416).
            Retryable: a transient failure (network, 5xx, 429); NetworkError/ServerError when
            the CAS refuses for good.
        """
        headers: dict[str, str] = {}
        if start is not None:
            last = "" if end is None else str(end - 1)
            headers["Range"] = f"bytes={start}-{last}"
        refreshed = False
        while True:
            cas, token = self.token(refresh=refreshed)
            version = 1 if cas in _v1_only else 2
            url = f"{cas}/v{version}/reconstructions/{self.file_id}"
            try:
                self.requests += 1
                resp = self.client.request(
                    "GET", url, {**headers, "Authorization": f"Bearer {token}"}
                )
            except NetworkError as exc:
                raise Retryable(exc.message, network=True) from exc
            if resp.status == 401 and not refreshed:
                resp.read_all()
                resp.close()
                refreshed = True  # expired or revoked: ask the Hub for a new token once
                continue
            if resp.status in (404, 501) and version == 2:
                resp.read_all()
                resp.close()
                _v1_only.add(cas)
                continue
            if resp.status == 416:
                resp.close()
                raise RangePastEnd()
            if resp.status in _RETRY_STATUS:
                retry_after = parse_retry_after(resp.header("Retry-After"), self.clock.now())
                resp.read_all()
                resp.close()
                raise Retryable(f"HTTP {resp.status} from the Xet CAS", retry_after)
            if resp.status >= 400:
                resp.read_all()
                resp.close()
                raise ServerError(
                    tr(
                        "The Xet CAS answered HTTP {status} for file {file}….",
                        status=resp.status,
                        file=self.file_id[:12],
                    ),
                    hint=tr("Use --xet off to download through the resolve redirect."),
                )
            try:
                data = resp.read_all(_MAX_JSON)
            finally:
                resp.close()
            try:
                return parse_reconstruction(json.loads(data.decode("utf-8")))
            except (ValueError, KeyError, TypeError) as exc:
                raise Retryable(f"an unreadable reconstruction ({exc})") from None


class RangePastEnd(Exception):
    """The CAS answered 416: the range starts at or past the end of the file."""
