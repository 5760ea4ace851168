"""The engine's HTTP client: stdlib ``http.client`` connections, pooled per host, one per thread.

Why this and not aiohttp or httpx: measured on loopback (bench/http_clients.py, numbers in
docs/benchmarks.md), blocking ``http.client`` reading with ``readinto`` into a reused buffer in
worker threads moved a 1 GiB file with 4–16 ranged connections at ~1.5 GB/s for 0.66 CPU-s/GiB;
aiohttp managed ~0.62 GB/s at 1.1–1.4 CPU-s/GiB, pycurl 0.5–0.7 GB/s, httpx 0.3 GB/s at 2.8
CPU-s/GiB. The socket read releases the GIL, ``readinto`` avoids a copy per chunk, and a
thread per connection makes pause/cancel/stall handling plain code.

Redirects are followed here, by hand, so that the token (from :class:`RequestAuth`) is sent only
to the hosts it belongs to: every hop asks ``auth.headers_for(url)`` afresh.

Nothing waits forever: connecting is bounded by ``connect_timeout_s``, every wait for a byte by
``read_timeout_s``; a server that stays silent fails with an error naming the host and the limit.
Small metadata requests (:meth:`HttpClient.fetch`) are retried (see
:mod:`hfsuite.engine.timeouts`).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import sys
import threading
from base64 import b64encode
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from hfsuite.core.errors import AuthenticationError, NetworkError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import FetchedResponse, RequestAuth
from hfsuite.engine.retry import RetryPolicy
from hfsuite.engine.timeouts import (
    IDEMPOTENT_METHODS,
    busy_answer,
    host_of,
    metadata_retry_policy,
    no_answer_error,
    retry_idempotent,
)

try:  # how many received bytes wait in a socket (POSIX); measured, never required
    import fcntl
    import termios

    _FIONREAD: int | None = termios.FIONREAD
except (ImportError, AttributeError):  # pragma: no cover - Windows
    _FIONREAD = None

USER_AGENT = "hfsuite/0.1"
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_HOPS = 10


class NoAuth:
    """Sends no credentials anywhere."""

    def headers_for(self, url: str) -> dict[str, str]:
        return {}


@dataclass
class HttpOptions:
    """Connection settings.

    Attributes:
        connect_timeout_s: Time to establish a connection.
        read_timeout_s: No byte for this long ⇒ the read fails (the stall watchdog).
        verify_tls: Verify certificates (off only when the user says so).
        proxy: Proxy URL (``http://``, ``socks5://``, ``socks5h://``, ``socks4://``;
            ``user:password@`` allowed), or None.
        no_proxy: Comma-separated hosts reached directly (as in ``NO_PROXY``).
        user_agent: Sent with every request.
        extra_headers: Sent with every request.
        metadata_retry: Tries of an idempotent :meth:`HttpClient.fetch` on timeouts, lost
            connections and 429/5xx answers.
    """

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    verify_tls: bool = True
    proxy: str | None = None
    no_proxy: str = ""
    user_agent: str = USER_AGENT
    extra_headers: dict[str, str] = field(default_factory=dict)
    metadata_retry: RetryPolicy = field(default_factory=metadata_retry_policy)


def waiting_bytes(sock: socket.socket | None) -> int | None:
    """Bytes received by the kernel for ``sock`` and not read yet (``FIONREAD``); None where
    that cannot be asked (no socket, a closed one, no ``fcntl``)."""
    if sock is None or _FIONREAD is None:
        return None
    try:
        answer = fcntl.ioctl(sock.fileno(), _FIONREAD, b"\0\0\0\0")
    except (OSError, ValueError):
        return None
    return int.from_bytes(answer, sys.byteorder)


class Response:
    """An open response. Read the body with :meth:`readinto`, then :meth:`release` or :meth:`close`.

    Attributes:
        status: HTTP status code.
        headers: Response headers (case-insensitive lookups via :meth:`header`).
        url: The URL that produced this response (after redirects).
    """

    def __init__(
        self,
        client: HttpClient,
        key: tuple[str, str, int],
        conn: http.client.HTTPConnection,
        raw: http.client.HTTPResponse,
        url: str,
        sock: socket.socket | None = None,
    ):
        self._client = client
        self._key = key
        self._conn: http.client.HTTPConnection | None = conn
        # The socket itself: http.client detaches it from the connection when the server says
        # "Connection: close", and abort() must reach it all the same.
        self._sock: socket.socket | None = sock
        self.raw = raw
        self.status = raw.status
        self.url = url

    def header(self, name: str, default: str | None = None) -> str | None:
        """A response header (case-insensitive)."""
        return self.raw.getheader(name, default)

    @property
    def content_length(self) -> int | None:
        """``Content-Length`` as an int, if present and valid."""
        value = self.header("Content-Length")
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def readinto(self, buffer: memoryview) -> int:
        """Read what has arrived (at most ``len(buffer)`` bytes) into ``buffer``; 0 at the end.

        One socket read at most, like ``read1``: a slow connection returns small pieces as they
        come instead of blocking until the buffer is full, so progress stays live, pause and
        cancel act at once, and a connection whose tail was taken over stops reading promptly.

        Raises:
            NetworkError: the connection failed or stalled.
        """
        raw = self.raw
        try:
            if raw.chunked or raw.length is None or raw.fp is None:
                return raw.readinto(buffer)
            n = min(len(buffer), raw.length)
            if n == 0:
                return 0
            got = raw.fp.readinto1(buffer[:n])
            if got == 0:
                raise http.client.IncompleteRead(b"", raw.length)
            raw.length -= got
            if raw.length == 0:
                raw.close()  # what http.client does at the end of a body (keeps the socket)
            return got
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise self._client.read_failed(self.url, exc) from exc

    def waiting(self) -> int | None:
        """Bytes already in the kernel's receive queue for this response's socket, not read
        yet (``FIONREAD``); None where that cannot be asked (no socket, no ``fcntl``)."""
        return waiting_bytes(self._sock or getattr(self._conn, "sock", None))

    def read_all(self, limit: int = 1 << 20) -> bytes:
        """Read a small body completely (error pages, JSON)."""
        try:
            return self.raw.read(limit)
        except (OSError, http.client.HTTPException):
            return b""

    def release(self) -> None:
        """Give the connection back to the pool if the body was read to its end, else close."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self.raw.isclosed() and not self.raw.will_close:
            self._client._put(self._key, conn)
        else:
            conn.close()

    def abort(self) -> None:
        """Shut the socket down from another thread: a blocked read returns at once."""
        sock = self._sock or getattr(self._conn, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Close the connection (the body was not read to its end)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class HttpClient:
    """A pool of keep-alive connections shared by the engine's worker threads.

    Args:
        options: Timeouts, TLS and proxy settings.
        auth: Which headers (token) go to which host.
    """

    def __init__(self, options: HttpOptions | None = None, auth: RequestAuth | None = None):
        self.options = options or HttpOptions()
        self.auth: RequestAuth = auth or NoAuth()
        self._idle: dict[tuple[str, str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._ssl_context: ssl.SSLContext | None = None

    @property
    def _ssl(self) -> ssl.SSLContext:
        # Built on first https use: loading the CA store costs ~20 ms, wasted on http.
        if self._ssl_context is None:
            context = ssl.create_default_context()
            if not self.options.verify_tls:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self._ssl_context = context
        return self._ssl_context

    # --- pool --------------------------------------------------------------------------------
    def proxy_for(self, host: str) -> str | None:
        """The proxy URL to use for ``host`` (None: connect directly; NO_PROXY honoured)."""
        proxy = self.options.proxy
        if not proxy:
            return None
        import urllib.request  # only with a proxy set

        if self.options.no_proxy and urllib.request.proxy_bypass_environment(  # type: ignore[attr-defined]
            host, {"no": self.options.no_proxy}
        ):
            return None
        return proxy

    def _get(self, key: tuple[str, str, int]) -> http.client.HTTPConnection:
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                return idle.pop()
        scheme, host, port = key
        timeout = self.options.connect_timeout_s
        proxy = self.proxy_for(host)
        if proxy is None:
            if scheme == "https":
                return http.client.HTTPSConnection(host, port, timeout=timeout, context=self._ssl)
            return http.client.HTTPConnection(host, port, timeout=timeout)
        p = urlsplit(proxy)
        if p.scheme.startswith("socks"):
            return _socks_connection(scheme, host, port, proxy, timeout, self._ssl)
        check_proxy(proxy)
        if scheme == "https":
            # CONNECT tunnel through the proxy, then TLS to the target inside it.
            tunnel = http.client.HTTPSConnection(
                p.hostname or "", p.port or 80, timeout=timeout, context=self._ssl
            )
            tunnel.set_tunnel(host, port, headers=_proxy_auth_header(p))
            return tunnel
        return http.client.HTTPConnection(p.hostname or "", p.port or 80, timeout=timeout)

    def _put(self, key: tuple[str, str, int], conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < 64:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            conns = [c for lst in self._idle.values() for c in lst]
            self._idle.clear()
        for conn in conns:
            conn.close()

    # --- requests ----------------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        follow_redirects: bool = True,
        body: bytes | None = None,
    ) -> Response:
        """Send a request and return the response with its body unread.

        Redirects are followed (unless told not to) with the credentials recomputed per hop.

        Raises:
            NetworkError: connection refused/reset/timed out.
        """
        for _ in range(_MAX_HOPS):
            resp = self._send(method, url, headers, body)
            if not follow_redirects or resp.status not in _REDIRECTS:
                return resp
            location = resp.header("Location")
            resp.read_all()
            resp.release()
            if not location:
                return resp
            url = urljoin(url, location)
            if resp.status == 303:
                method, body = "GET", None
        raise NetworkError(tr("Too many redirects starting at {url}.", url=url))

    def fetch(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        follow_redirects: bool = True,
        body: bytes | None = None,
        limit: int = 64 << 20,
    ) -> FetchedResponse:
        """Send a request and read the whole answer (for metadata; see :class:`Fetcher`).

        An idempotent request (GET, HEAD) that times out, loses its connection or gets a
        429/5xx answer is tried again, as ``options.metadata_retry`` allows; then the last
        answer is returned or the last failure raised.

        Raises:
            NetworkError: no connection, or the server stayed silent longer than the timeouts
                (the message names the host and which timeout ran out).
        """

        def once() -> FetchedResponse:
            return self._fetch_once(method, url, headers, follow_redirects, body, limit)

        if method.upper() not in IDEMPOTENT_METHODS:
            return once()
        return retry_idempotent(
            once,
            url,
            policy=self.options.metadata_retry,
            transient=_transient,
            busy=lambda answer: busy_answer(
                answer.status, answer.url, answer.header("Retry-After")
            ),
            discard=lambda answer: None,
        )

    def _fetch_once(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None,
        follow_redirects: bool,
        body: bytes | None,
        limit: int,
    ) -> FetchedResponse:
        resp = self.request(method, url, headers, follow_redirects=follow_redirects, body=body)
        try:
            data = b"" if method == "HEAD" else resp.raw.read(limit)
        except (OSError, http.client.HTTPException) as exc:
            resp.close()
            raise self.read_failed(resp.url, exc) from exc
        hdrs = {k.lower(): v for k, v in resp.raw.getheaders()}
        resp.release()
        return FetchedResponse(resp.status, resp.url, hdrs, data)

    def _send(
        self, method: str, url: str, headers: Mapping[str, str] | None, body: bytes | None
    ) -> Response:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise NetworkError(
                tr("Cannot fetch {url}: only http and https URLs are supported.", url=repr(url))
            )
        port = parts.port or (443 if scheme == "https" else 80)
        key = (scheme, parts.hostname, port)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        proxy = self.proxy_for(parts.hostname)
        via_http_proxy = proxy is not None and scheme == "http" and not proxy.startswith("socks")
        if via_http_proxy:
            target = url  # absolute-form for a plain HTTP proxy
        all_headers = {
            "User-Agent": self.options.user_agent,
            "Accept-Encoding": "identity",
            **self.options.extra_headers,
            **self.auth.headers_for(url),
            **(headers or {}),
        }
        if via_http_proxy and proxy is not None:
            all_headers.update(_proxy_auth_header(urlsplit(proxy)))
        for attempt in (1, 2):
            conn = self._get(key)
            fresh = conn.sock is None
            if fresh:
                self._connect(conn, url)
            phase = "write"
            sock = conn.sock
            try:
                if conn.sock is not None:
                    conn.sock.settimeout(self.options.read_timeout_s)
                conn.request(method, target, body=body, headers=all_headers)
                phase = "read"
                raw = conn.getresponse()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                if isinstance(exc, TimeoutError):
                    seconds = self.options.read_timeout_s
                    raise no_answer_error(
                        url, seconds, phase, tr("requesting {path}", path=_path(url))
                    ) from exc
                # A pooled keep-alive connection the server already closed: try once more.
                if (
                    not fresh
                    and attempt == 1
                    and isinstance(
                        exc, (ConnectionError, http.client.RemoteDisconnected, BrokenPipeError)
                    )
                ):
                    continue
                raise NetworkError(
                    tr(
                        "Request to {origin} failed: {reason}.",
                        origin=_origin(url),
                        reason=_describe(exc),
                    )
                ) from exc
            if method == "HEAD":
                raw.read()
            return Response(self, key, conn, raw, url, sock)
        raise AssertionError("unreachable")

    def read_failed(self, url: str, exc: BaseException) -> NetworkError:
        """The error for a body that could not be read: silent too long, or cut off."""
        if isinstance(exc, TimeoutError):
            seconds = self.options.read_timeout_s
            return no_answer_error(url, seconds, "read", tr("reading {path}", path=_path(url)))
        return NetworkError(
            tr(
                "Connection lost while reading {url}: {reason}",
                url=_origin(url) + _path(url),
                reason=repr(exc),
            )
        )

    def _connect(self, conn: http.client.HTTPConnection, url: str) -> None:
        """Open a new connection (TCP, proxy tunnel, TLS) within ``connect_timeout_s``."""
        try:
            conn.connect()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            if isinstance(exc, TimeoutError):
                seconds = self.options.connect_timeout_s
                raise no_answer_error(
                    url, seconds, "connect", tr("opening a connection for {path}", path=_path(url))
                ) from exc
            raise connect_error(url, exc) from exc


def connect_error(url: str, exc: BaseException) -> NetworkError:
    """The error for a connection that could not be opened: a host name that does not resolve
    and a refused connection name the host and say what to check; other failures (TLS, a
    reset) say what went wrong."""
    if isinstance(exc, socket.gaierror):
        message = tr("Cannot reach {host}: its name does not resolve (DNS).", host=host_of(url))
    elif isinstance(exc, ConnectionRefusedError):
        message = tr("Cannot reach {host}: connection refused.", host=host_of(url))
    else:
        return NetworkError(
            tr("Request to {origin} failed: {reason}.", origin=_origin(url), reason=_describe(exc))
        )
    return NetworkError(
        message, hint=tr("Check your connection, the proxy settings and the endpoint.")
    )


def link_refused(url: str, status: int) -> AuthenticationError:
    """The error for a file server that refuses a download link the hub has just given: no
    expired link (that one is resolved again) but a refusal, the same for every file of the
    repository, so the download stops at once with one message (no file named)."""
    return AuthenticationError(
        tr(
            "The file server {host} refused the download (HTTP {status}) right after the Hub "
            "sent it there.",
            host=host_of(url),
            status=status,
        ),
        hint=tr(
            "Check that your account still has access to the repository (for a gated one, that "
            "its conditions are accepted), then retry; a proxy in between can also refuse it."
        ),
    )


def _transient(exc: Exception) -> bool:
    """A failure another try of the same request may not meet: a timeout, a lost connection."""
    return isinstance(exc, NetworkError) and isinstance(
        exc.__cause__, TimeoutError | ConnectionError | http.client.HTTPException
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message})"
    return repr(exc)


def check_proxy(proxy: str) -> None:
    """Refuse a proxy URL this client cannot go through: it speaks to ``http://`` (CONNECT)
    and ``socks4/4a/5/5h://`` proxies, not to ``https://`` ones (TLS inside TLS).

    Raises:
        NetworkError: naming the proxy (never its password).
    """
    p = urlsplit(proxy)
    if p.scheme != "http" and not p.scheme.startswith("socks"):
        shown = f"{p.scheme}://{p.hostname}" + (f":{p.port}" if p.port else "")
        raise NetworkError(
            tr("Proxy {proxy}: only http:// and socks proxies are supported.", proxy=shown),
            hint=tr("Use the proxy's http:// (CONNECT) or socks5:// address."),
        )


def _proxy_auth_header(proxy: SplitResult) -> dict[str, str]:
    if proxy.username is None:
        return {}
    raw = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()
    return {"Proxy-Authorization": "Basic " + b64encode(raw).decode("ascii")}


class _SocksConnection(http.client.HTTPConnection):
    """Plain HTTP to ``host:port`` through a SOCKS proxy."""

    def __init__(self, host: str, port: int, proxy_url: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._proxy_url = proxy_url

    def connect(self) -> None:
        self.sock = _socks_socket(self._proxy_url, self.host, self.port, self.timeout)


class _SocksHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to ``host:port`` through a SOCKS proxy."""

    def __init__(
        self, host: str, port: int, proxy_url: str, timeout: float, context: ssl.SSLContext
    ):
        super().__init__(host, port, timeout=timeout, context=context)
        self._proxy_url = proxy_url
        self._tls = context

    def connect(self) -> None:
        raw = _socks_socket(self._proxy_url, self.host, self.port, self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _socks_socket(proxy_url: str, host: str, port: int, timeout: float | None) -> socket.socket:
    from python_socks import ProxyError
    from python_socks.sync import Proxy

    # socks5h / socks4a: the proxy resolves host names (python-socks: rdns).
    rdns = proxy_url.startswith(("socks5h", "socks4a"))
    url = proxy_url.replace("socks5h://", "socks5://", 1).replace("socks4a://", "socks4://", 1)
    try:
        return Proxy.from_url(url, rdns=rdns).connect(host, port, timeout=timeout)
    except (ProxyError, OSError) as exc:
        p = urlsplit(proxy_url)  # never show the proxy's password
        shown = f"{p.scheme}://{p.hostname}:{p.port}"
        raise NetworkError(
            tr(
                "Cannot reach {host}:{port} through the proxy {proxy}: {reason}.",
                host=host,
                port=port,
                proxy=shown,
                reason=exc,
            )
        ) from exc


def _socks_connection(
    scheme: str, host: str, port: int, proxy_url: str, timeout: float, context: ssl.SSLContext
) -> http.client.HTTPConnection:
    if scheme == "https":
        return _SocksHTTPSConnection(host, port, proxy_url, timeout, context)
    return _SocksConnection(host, port, proxy_url, timeout)
