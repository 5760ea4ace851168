"""The HTTP plumbing shared by the hub and CDN origins.

One :class:`EmulatorHandler` instance serves one keep-alive TCP connection. It parses the request
into a :class:`Request`, asks the origin's router for a :class:`Response`, applies the fault plan
(latency, error status, range games, drops, stalls, throttling) while writing it, and appends a
:class:`~hfsuite.testing._log.RequestRecord` once the response is finished.

File bodies are written with ``os.sendfile`` straight from disk when the blob is a file; throttled
or faulty bodies are cut into small chunks, still zero-copy for files.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from hfsuite.testing._content import Blob
from hfsuite.testing._faults import FaultPlan, TokenBucket
from hfsuite.testing._host import HubHost
from hfsuite.testing._log import RequestRecord

_connection_ids = itertools.count(1)
_SEND_CHUNK = 8 * 1024 * 1024
# Anything outside printable ASCII: http.server would encode it as latin-1 (crashing on other
# characters), and CR/LF would split the header.
_UNSAFE_HEADER_CHARS = re.compile(r"[^\x20-\x7e]+")
_UNSAFE_QUOTED_CHARS = re.compile(r'[^\x20-\x7e]|["\\]')


@dataclass
class Request:
    """A parsed request as the routers see it.

    Attributes:
        method: HTTP method (HEAD, GET, POST, ...).
        target: The raw request target (path and query).
        raw_path: The path before percent-decoding.
        path: The decoded path.
        segments: The raw path split on ``/`` then each part decoded (so ``refs%2Fpr%2F1``
            stays one segment).
        query: Parsed query (blank values kept).
        headers: Request headers (case-insensitive lookups via ``header()``).
        body: The request body.
        base_url: ``http://host:port`` of the origin as the client addressed it.
        plan: The faults that apply to this request.
    """

    method: str
    target: str
    raw_path: str
    path: str
    segments: list[str]
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    base_url: str
    plan: FaultPlan = field(default_factory=FaultPlan)

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        return self.headers.get(name.lower())

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def flag(self, name: str) -> bool:
        """A boolean query parameter (``true``/``True``/``1`` are true)."""
        return (self.param(name) or "").lower() in ("1", "true", "yes")

    @property
    def raw_query(self) -> str:
        """The query string without ``?``."""
        return urlsplit(self.target).query


@dataclass
class Response:
    """What a router answers.

    Attributes:
        status: Status code.
        headers: Headers in order (Content-Length is added from the body unless overridden).
        body: A small in-memory body.
        blob: Or a file body: ``blob`` bytes ``[start, start + length)``.
        start: Offset of the first body byte in ``blob``.
        length: Number of body bytes from ``blob``.
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    blob: Blob | None = None
    start: int = 0
    length: int = 0

    @property
    def body_length(self) -> int:
        """The number of body bytes a GET would carry."""
        return self.length if self.blob is not None else len(self.body)


def json_response(
    data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A JSON response."""
    body = json.dumps(data).encode()
    return Response(
        status, [("Content-Type", "application/json; charset=utf-8"), *(headers or [])], body
    )


def text_response(
    text: str, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A plain-text response."""
    return Response(
        status, [("Content-Type", "text/plain; charset=utf-8"), *(headers or [])], text.encode()
    )


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """A ``Content-Disposition`` value for any file name, shaped like the Hub's.

    The RFC 5987 ``filename*`` carries the exact UTF-8 name percent-encoded; ``filename`` is an
    ASCII fallback (non-ASCII characters, quotes and backslashes become ``_``) for clients that
    only read that one, such as huggingface_hub's ``filename="…";`` pattern.
    """
    fallback = _UNSAFE_QUOTED_CHARS.sub("_", filename)
    return f"{disposition}; filename*=UTF-8''{quote(filename, safe='')}; filename=\"{fallback}\";"


def header_value(value: str) -> str:
    """``value`` made safe to send as a header: non-ASCII and control characters are
    percent-encoded as UTF-8 (printable ASCII values come back unchanged)."""
    return _UNSAFE_HEADER_CHARS.sub(lambda m: quote(m.group(), safe=""), value)


class EmulatorServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one origin (``hub`` or ``cdn``) of an emulator.

    Args:
        address: ``(host, port)`` to bind.
        emulator: The emulator whose fault settings and request log apply.
        origin: ``hub`` or ``cdn``.
        router: Answers the origin's requests.
        control: Answers ``/_emulator/…`` requests (never faulted, never logged).
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        emulator: HubHost,
        origin: str,
        router: Callable[[Request], Response],
        control: Callable[[Request], Response],
    ) -> None:
        self.emulator = emulator
        self.origin = origin
        self.router = router
        self.control = control
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, EmulatorHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (a download closing a connection it no longer needs) is
        normal traffic, not an error worth a traceback; anything else is reported."""
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def close_connections(self) -> None:
        """Shut down every open client connection (used when stopping)."""
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class EmulatorHandler(BaseHTTPRequestHandler):
    """Serves one connection for an :class:`EmulatorServer`."""

    protocol_version = "HTTP/1.1"
    server_version = "hfsuite-hub-emulator/1"
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        self.connection_id = next(_connection_ids)
        self._conn_bucket: TokenBucket | None = None
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log (the request log replaces it)."""

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    # -- request handling --------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        started = time.time()
        t0 = time.monotonic()
        emulator = self.server.emulator
        split = urlsplit(self.path)
        raw_path = split.path or "/"
        path = unquote(raw_path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(
            method=self.command,
            target=self.path,
            raw_path=raw_path,
            path=path,
            segments=[unquote(s) for s in raw_path.split("/")[1:]],
            query=parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=self._read_body(),
            base_url=f"http://{headers.get('host') or emulator.address_of(self.server.origin)}",
        )
        if path.startswith("/_emulator/"):
            self._write(self.server.control(req), req, FaultPlan())
            return
        target = path + ("?" + unquote(split.query) if split.query else "")
        plan = emulator.settings.plan(self.command, path, target, self.server.origin)
        req.plan = plan
        if plan.latency_s > 0:
            time.sleep(plan.latency_s)
        if plan.status is not None:
            response = _fault_status(plan)
        else:
            try:
                response = self.server.router(req)
            except Exception as exc:  # an emulator bug must look like a server error, not a 404
                response = json_response({"error": f"emulator error: {exc!r}"}, 500)
        status, sent = self._write(response, req, plan)
        emulator.log.append(
            RequestRecord(
                method=self.command,
                path=path,
                query=split.query,
                range=self.headers.get("Range"),
                status=status,
                bytes_sent=sent,
                connection_id=self.connection_id,
                origin=self.server.origin,
                authorization="authorization" in headers,
                started=started,
                duration_s=time.monotonic() - t0,
                user_agent=self.headers.get("User-Agent"),
            ),
            began=t0,
        )

    def _write(self, response: Response, req: Request, plan: FaultPlan) -> tuple[int, int]:
        """Write the response; return ``(status, body bytes sent)``."""
        length = response.body_length
        announced = length + plan.content_length_delta
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, header_value(value))
            self.send_header("Content-Length", str(max(0, announced)))
            if plan.content_length_delta:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if req.method == "HEAD" or length == 0:
                return response.status, 0
            if response.blob is None and not plan.alters_body:
                self.wfile.write(response.body)
                return response.status, len(response.body)
            return response.status, self._write_body(response, plan)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True
            return response.status, getattr(self, "_partial_sent", 0)

    def _buckets(self, is_file_body: bool) -> list[TokenBucket]:
        if not is_file_body:
            return []
        settings = self.server.emulator.settings
        buckets = []
        rate = settings.per_connection_bps
        if rate:
            if self._conn_bucket is None or self._conn_bucket.rate_bps != rate:
                self._conn_bucket = TokenBucket(rate)
            buckets.append(self._conn_bucket)
        total = settings.total_bucket
        if total is not None:
            buckets.append(total)
        return buckets

    def _write_body(self, response: Response, plan: FaultPlan) -> int:
        """Stream the body with throttling and faults; return the bytes written."""
        self._partial_sent = 0
        blob = response.blob
        total = response.length
        buckets = self._buckets(blob is not None)
        chunk = min([_SEND_CHUNK, *(b.chunk_size() for b in buckets)])
        drop_at = plan.drop_after_bytes
        stall_at = plan.stall_after_bytes
        stalled = False
        file_path = blob.path if blob is not None else None
        fh = open(file_path, "rb") if file_path is not None else None  # noqa: SIM115
        try:
            sent = 0
            while sent < total:
                if drop_at is not None and sent >= drop_at:
                    self._drop()
                    break
                if stall_at is not None and not stalled and sent >= stall_at:
                    stalled = True
                    time.sleep(plan.stall_s)
                n = min(chunk, total - sent)
                if drop_at is not None:
                    n = min(n, drop_at - sent)
                if stall_at is not None and not stalled:
                    n = min(n, stall_at - sent)
                for bucket in buckets:
                    bucket.consume(n)
                if fh is not None:
                    written = self._sendfile(fh.fileno(), response.start + sent, n)
                elif blob is not None:
                    data = blob.read(response.start + sent, n)
                    self.wfile.write(data)
                    written = len(data)
                else:
                    self.wfile.write(response.body[sent : sent + n])
                    written = n
                sent += written
                self._partial_sent = sent
                if written == 0:
                    break
            return sent
        finally:
            if fh is not None:
                fh.close()

    def _sendfile(self, fd: int, offset: int, count: int) -> int:
        out = self.connection.fileno()
        done = 0
        while done < count:
            n = os.sendfile(out, fd, offset + done, count - done)
            if n == 0:
                break
            done += n
            self._partial_sent += n
        return done

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _fault_status(plan: FaultPlan) -> Response:
    status = plan.status or 500
    headers: list[tuple[str, str]] = []
    retry_after = plan.retry_after_s
    if retry_after is None and status in (429, 503):
        retry_after = 1
    if retry_after is not None:
        headers.append(
            (
                "Retry-After",
                str(int(retry_after) if retry_after == int(retry_after) else retry_after),
            )
        )
    messages = {429: "Too Many Requests", 503: "Service Unavailable"}
    return json_response({"error": messages.get(status, "Injected fault")}, status, headers)
