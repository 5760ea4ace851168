"""A file's bytes through Xet: reconstructions, xorb ranges, decoded chunks at their offsets.

The Xet path plugs into :class:`~hfsuite.engine.filedownload.FileDownload` as a segment
fetcher: the same scheduler hands out byte ranges of the file, the same connections, watchdog,
retry loop, throttle, hashing thread and resume state run around it. For a segment
``[pos, end)`` it asks the CAS for the reconstruction of those bytes (so a resumed or retried
segment asks only for what is missing), GETs each term's xorb byte range (throttled on the
bytes that cross the wire: compressed), decodes the chunks and writes the part of each chunk
that falls in the segment. A refused xorb URL (403: signed URLs expire) asks for the
reconstruction again; a 401 from the CAS fetches a new token once.

Before the first segment, the whole file's reconstruction is read once: every term already
recorded in the destination's :class:`~hfsuite.engine.xet.chunk_index.ChunkIndex` is copied
from the older local file and counts as done (``reused_bytes``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from hfsuite.core.errors import IntegrityError, NetworkError, TransferError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import RemoteFile, normalize_etag
from hfsuite.engine.changes import RemoteChanged
from hfsuite.engine.context import FileContext
from hfsuite.engine.http import Response
from hfsuite.engine.ranges import RangeSet
from hfsuite.engine.retry import Retryable, parse_retry_after, run_with_retries
from hfsuite.engine.scheduler import Segment
from hfsuite.engine.watchdog import ConnectionState
from hfsuite.engine.xet import may_take_xet
from hfsuite.engine.xet.cas import RangePastEnd, Reconstruction, XetAccess, XetTerm
from hfsuite.engine.xet.chunk_index import ChunkIndex, Copy, RecordedTerm, Unplaced, copy_range
from hfsuite.engine.xet.decode import (
    HEADER_SIZE,
    SCHEME_NONE,
    ChunkDecoder,
    XorbFormatError,
    lz4_available,
)

log = logging.getLogger(__name__)

_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
MODES = ("auto", "on", "off")
AUTO_MIN_REUSE = 0.2
"""``auto`` takes the Xet path for a file when at least this share of it is already on disk
(an update): measured here, the Xet path moves a fresh file at 0.7-0.9x the resolve
redirect's speed, so it pays once a fifth of the bytes need not be fetched (docs/xet.md)."""
_ANCHOR_BYTES = 4096  # what of a raw chunk is searched for in the old file


class Sink(Protocol):
    """What the fetcher needs of its file download."""

    def write_decoded(self, seg: Segment, start: int, data: bytes | memoryview) -> int:
        """Write decoded bytes at ``start`` (== ``seg.pos``); how many were kept."""
        ...

    def count_received(self, nbytes: int, conn: ConnectionState) -> None:
        """Bytes that crossed the wire (progress floor, statistics)."""
        ...

    def track(self, resp: Response | None, old: Response | None = None) -> None:
        """Register an open response (cancel shuts it down); unregister ``old``."""
        ...

    def stopping(self) -> bool:
        """The download is stopping."""
        ...


@dataclass
class XetPlan:
    """Where a Xet file comes from."""

    file_id: str
    token_url: str


def _link_targets(header: str | None) -> dict[str, str]:
    """``rel -> url`` of a ``Link`` header."""
    out: dict[str, str] = {}
    for part in (header or "").split(","):
        url, _, params = part.partition(";")
        url = url.strip()
        if not (url.startswith("<") and url.endswith(">")):
            continue
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "rel":
                out[value.strip().strip('"')] = url[1:-1]
    return out


def discover(ctx: FileContext, remote: RemoteFile) -> XetPlan | None:
    """The file's Xet id and token route: from its metadata, else from a HEAD of its resolve
    URL (the redirect is not followed). None: the file is not Xet-backed.

    Raises:
        RemoteChanged: the Hub announces another version than the one planned.
    """
    if remote.xet_hash and remote.xet_auth_url:
        return XetPlan(remote.xet_hash, remote.xet_auth_url)
    try:
        resp = ctx.client.request("HEAD", remote.url, follow_redirects=False)
    except NetworkError as exc:
        log.info(
            "%s: no answer to the Xet probe (%s); using the resolve redirect", remote.path, exc
        )
        return None
    resp.release()
    if resp.status >= 400:
        return None  # the bridge path reports the error the way it always has
    linked = normalize_etag(resp.header("X-Linked-Etag"))
    if linked and remote.etag and linked != remote.etag:
        size = resp.header("X-Linked-Size") or ""
        raise RemoteChanged(
            f"the server now has a different version (etag {linked[:12]}…, expected "
            f"{remote.etag[:12]}…)",
            linked,
            int(size) if size.isdigit() else None,
        )
    file_id = resp.header("X-Xet-Hash") or remote.xet_hash
    token_url = _link_targets(resp.header("Link")).get("xet-auth")
    if not file_id or not token_url:
        return None
    return XetPlan(file_id.lower(), token_url)


def choose(ctx: FileContext, remote: RemoteFile, size: int) -> XetPlan | None:
    """Whether this file may go through Xet under the transfer's ``xet`` option.

    ``off``: never. ``on``: every LFS file that is Xet-backed (an error without ``lz4``).
    ``auto``: Xet-backed LFS files bigger than ``small_file_bytes`` when ``lz4`` is there; they
    take the Xet path only when :meth:`XetFetcher.prepare` finds at least ``AUTO_MIN_REUSE`` of
    them on disk already (an update), else the resolve redirect, which moved a fresh file
    faster in the measurements (docs/benchmarks.md), and their chunks are recorded.

    Raises:
        TransferError: ``on`` without the ``lz4`` package.
    """
    mode = ctx.options.xet
    if not may_take_xet(ctx, remote, size):
        return None
    if not lz4_available():
        if mode == "on":
            raise TransferError(
                tr("The Xet download path (--xet on) needs the lz4 package."),
                hint=tr(
                    "Install it (pip install lz4), or use --xet auto or --xet off to download "
                    "through the resolve redirect."
                ),
            )
        log.info("%s: lz4 is not installed; downloading through the resolve redirect", remote.path)
        return None
    return discover(ctx, remote)


@dataclass
class _Seen:
    """Chunk lengths decoded in this run, by xorb and chunk index."""

    lens: dict[tuple[str, int], int] = field(default_factory=dict)


class XetFetcher:
    """One file's Xet transfer (see the module docstring).

    Args:
        ctx: The transfer's shared context.
        remote: The file.
        plan: Its Xet id and token route.
        index: The destination's chunk records (None: no reuse, nothing recorded).
    """

    def __init__(
        self, ctx: FileContext, remote: RemoteFile, plan: XetPlan, index: ChunkIndex | None
    ):
        self.ctx = ctx
        self.remote = remote
        self.plan = plan
        self.index = index
        self.access = XetAccess(
            ctx.client, plan.token_url, plan.file_id, ctx.clock, ctx.error_mapper
        )
        self.full: Reconstruction | None = None
        self.reused_bytes = 0
        self.sources: set[str] = set()  # local files copied from
        self.anchor_bytes = 0  # fetched to place terms in old files
        self._carried: dict[int, tuple[int, ...]] = {}  # chunk lengths of copied terms
        self._seen = _Seen()

    # -- before the first segment -----------------------------------------------------------
    def read_reconstruction(self, size: int) -> Reconstruction:
        """Ask the CAS for the file's whole reconstruction (kept as :attr:`full`, which
        :meth:`record` writes down).

        Raises:
            RemoteChanged: it describes another size than ``size``.
            NetworkError, ServerError: the CAS cannot be asked.
        """
        full = self._run_retrying(lambda: self.access.reconstruction())
        if full.length != size:
            raise RemoteChanged(
                f"the Xet reconstruction describes {full.length} bytes, expected {size}"
            )
        self.full = full
        return full

    def prepare(self, fd: int, size: int, done: RangeSet) -> RangeSet | None:
        """Read the whole reconstruction; copy what the chunk index has on disk into ``fd``.

        Returns:
            ``done`` with the copied ranges added; None when ``auto`` finds too little to reuse
            for the Xet path to pay (the file then takes the resolve redirect, and this
            fetcher only writes its record afterwards).
        """
        full = self.read_reconstruction(size)
        copies: list[Copy] = []
        unplaced: list[Unplaced] = []
        if self.index is not None:
            terms = []
            offset = 0
            for t in full.terms:
                terms.append((offset, t.xorb, t.first, t.end, t.length))
                offset += t.length
            copies, unplaced = self.index.plan(terms, done)
        reusable = sum(c.length for c in copies) + sum(u.length for u in unplaced)
        if self.ctx.options.xet == "auto" and reusable < AUTO_MIN_REUSE * size:
            log.debug(
                "%s: %d of %d bytes reusable; resolve redirect", self.remote.path, reusable, size
            )
            return None
        if not copies and not unplaced:
            return done
        out = RangeSet(done)
        fds: dict[str, int] = {}

        def source(path: str) -> int:
            found = fds.get(path)
            if found is None:
                found = fds[path] = os.open(path, os.O_RDONLY)
            return found

        try:
            copies += self._place(unplaced, source)
            for copy in copies:
                copy_range(source(copy.source), fd, copy.source_offset, copy.offset, copy.length)
                out.add(copy.offset, copy.offset + copy.length)
                self.reused_bytes += copy.length
                self.sources.add(copy.source)
                if copy.lens is not None:
                    self._carried[copy.index] = copy.lens
        except OSError as exc:
            log.info(
                "%s: reusing local chunks stopped (%s); fetching the rest", self.remote.path, exc
            )
        finally:
            for src in fds.values():
                os.close(src)
        log.info(
            "%s: %d of %d bytes reused from %d local file(s)",
            self.remote.path,
            self.reused_bytes,
            size,
            len(self.sources),
        )
        return out

    def _place(self, unplaced: list[Unplaced], source: Callable[[str], int]) -> list[Copy]:
        """Find each unplaced term in its old file by the start of its first chunk (fetched:
        4 KiB, or one chunk when it is compressed, instead of the whole term)."""
        assert self.full is not None
        copies: list[Copy] = []
        regions: dict[tuple[str, int], bytes] = {}
        for u in unplaced:
            term = self.full.terms[u.index]
            if term.url_first != term.first:
                continue  # the range starts before the term: not worth decoding up to it
            try:
                anchor = self._first_chunk(term)
            except (Retryable, NetworkError, XorbFormatError) as exc:
                log.debug("%s: no anchor chunk (%s)", self.remote.path, exc)
                continue
            key = (u.source, u.region_offset)
            region = regions.get(key)
            if region is None:
                region = regions[key] = os.pread(source(u.source), u.region_length, u.region_offset)
            at = region.find(anchor)
            if at < 0 or region.find(anchor, at + 1) >= 0 or at + u.length > len(region):
                continue  # not there, or not only there: fetch the term
            copies.append(Copy(u.source, u.region_offset + at, u.offset, u.length, u.index))
        return copies

    def _first_chunk(self, term: XetTerm) -> bytes:
        """The start of a term's first chunk: its first 4 KiB when the chunk is stored raw (one
        small request), else the whole chunk, fetched and decoded."""
        header = self._xorb_bytes(term, term.url_start, HEADER_SIZE + _ANCHOR_BYTES)
        if len(header) < HEADER_SIZE or header[0] != 0:
            raise Retryable("no chunk header where the reconstruction says")
        packed = int.from_bytes(header[1:4], "little")
        if header[4] == SCHEME_NONE:
            return header[HEADER_SIZE : HEADER_SIZE + min(packed, _ANCHOR_BYTES)]
        whole = header + self._xorb_bytes(
            term, term.url_start + len(header), HEADER_SIZE + packed - len(header)
        )
        chunks = ChunkDecoder().feed(whole)
        if not chunks:
            raise Retryable("an anchor chunk did not arrive whole")
        return chunks[0]

    def _xorb_bytes(self, term: XetTerm, start: int, length: int) -> bytes:
        last = min(term.url_end, start + length - 1)
        if last < start:
            return b""
        wait = self.ctx.throttle.reserve(last - start + 1)
        if wait > 0:
            self.ctx.control.sleep(wait)
        resp = self.ctx.client.request("GET", term.url, {"Range": f"bytes={start}-{last}"})
        try:
            if resp.status not in (200, 206):
                raise Retryable(f"HTTP {resp.status} for an anchor chunk")
            data = resp.read_all(last - start + 1)
        finally:
            resp.close()
        self.anchor_bytes += len(data)
        return data

    def _run_retrying(self, call: Callable[[], Reconstruction]) -> Reconstruction:
        result: list[Reconstruction] = []

        def attempt() -> None:
            try:
                result.append(call())
            except RangePastEnd:
                raise RemoteChanged("the Xet CAS says the file is shorter") from None

        run_with_retries(
            attempt,
            policy=self.ctx.options.retry,
            control=self.ctx.control,
            what=self.remote.path,
            on_retry=lambda n, d, r: log.info(
                "%s: retry %d in %.1fs: %s", self.remote.path, n, d, r
            ),
            done=lambda: bool(result),
        )
        return result[0]

    # -- segments -----------------------------------------------------------------------------
    def stream_range(self, seg: Segment, conn: ConnectionState, sink: Sink) -> None:
        """One try at the segment's missing bytes (raises Retryable for another)."""
        if seg.pos >= seg.end:
            return
        try:
            recon = self.access.reconstruction(seg.pos, seg.end)
        except RangePastEnd:
            raise RemoteChanged("the Xet CAS says the range is past the end of the file") from None
        file_pos = seg.pos - recon.skip
        for term in recon.terms:
            if seg.pos >= seg.end or sink.stopping():
                return
            start = file_pos
            file_pos += term.length
            if file_pos <= seg.pos:
                continue
            self._fetch_term(term, start, seg, conn, sink)

    def _fetch_term(
        self, term: XetTerm, term_start: int, seg: Segment, conn: ConnectionState, sink: Sink
    ) -> None:
        ctx = self.ctx
        headers = {"Range": f"bytes={term.url_start}-{term.url_end}"}
        with ctx.host_slots.slot(term.url):
            try:
                resp = ctx.client.request("GET", term.url, headers)
            except NetworkError as exc:
                raise Retryable(exc.message, network=True) from exc
            sink.track(resp)
            conn.abandoned = False
            conn.abort = resp.abort
            try:
                self._check_status(resp)
                whole = self._decode_body(resp, term, term_start, seg, conn, sink)
            except BaseException:
                resp.close()
                raise
            finally:
                conn.abort = None
                sink.track(None, resp)
            if whole:
                resp.release()
            else:
                resp.close()

    def _check_status(self, resp: Response) -> None:
        status = resp.status
        if status in (200, 206):
            return
        resp.read_all()
        if status in (401, 403, 410):
            raise Retryable(
                "a xorb link expired; asking for the reconstruction again", immediate=True
            )
        if status in _RETRY_STATUS:
            retry_after = parse_retry_after(resp.header("Retry-After"), self.ctx.clock.now())
            raise Retryable(f"HTTP {status} from the Xet storage", retry_after)
        raise Retryable(f"HTTP {status} for a xorb range")

    def _decode_body(
        self,
        resp: Response,
        term: XetTerm,
        term_start: int,
        seg: Segment,
        conn: ConnectionState,
        sink: Sink,
    ) -> bool:
        """Decode the term's chunks and write their part in the segment; whether the response
        was read to its end."""
        ctx = self.ctx
        throttle, control, monotonic = ctx.throttle, ctx.control, ctx.clock.monotonic
        wanted = term.url_end - term.url_start + 1
        decoder = ChunkDecoder()
        buf = bytearray(min(ctx.options.buffer_bytes, max(wanted, 1)))
        view = memoryview(buf)
        index = term.url_first
        pos = term_start  # file offset of the next chunk of the term
        received = 0
        seen = self._seen.lens
        while received < wanted:
            if sink.stopping():
                return False
            control.checkpoint()
            want = min(throttle.chunk(len(buf)), wanted - received)
            wait = throttle.reserve(want)
            if wait > 0:
                control.sleep(wait)
            conn.waiting_since = monotonic()
            try:
                got = resp.readinto(view[:want])
            except NetworkError as exc:
                throttle.refund(want)
                raise Retryable(exc.message, immediate=conn.abandoned, network=True) from exc
            finally:
                conn.waiting_since = None
            if got < want:
                throttle.refund(want - got)
            if got == 0:
                raise Retryable("the Xet storage closed the response early", short=True)
            conn.received(monotonic())
            received += got
            sink.count_received(got, conn)
            try:
                chunks = decoder.feed(view[:got])
            except XorbFormatError as exc:
                raise Retryable(f"unreadable xorb data ({exc})") from None
            for chunk in chunks:
                i = index
                index += 1
                if i < term.first:
                    continue
                if i >= term.end:
                    break
                seen[(term.xorb, i)] = len(chunk)
                lo, pos = pos, pos + len(chunk)
                if pos <= seg.pos:
                    continue
                data = memoryview(chunk)[seg.pos - lo :] if lo < seg.pos else memoryview(chunk)
                room = seg.end - seg.pos
                if room <= 0:
                    return False
                kept = sink.write_decoded(seg, seg.pos, data[:room])
                if kept < len(data):
                    return False  # our segment ended (or its tail was taken over)
            if index >= term.end:
                if pos - term_start != term.length:
                    raise IntegrityError(
                        tr(
                            "{path}: a Xet term decoded to {got} bytes, the reconstruction says "
                            "{length}.",
                            path=self.remote.path,
                            got=pos - term_start,
                            length=term.length,
                        )
                    )
                return received >= wanted and not decoder.pending
        if decoder.pending:
            raise Retryable("a xorb range ended inside a chunk", short=True)
        raise Retryable("a xorb range ended before the chunks of its term", short=True)

    # -- after the file is placed ---------------------------------------------------------------
    def record(self, local_path: Path) -> None:
        """Write the chunk record of the finished file (for later updates)."""
        if self.index is None or self.full is None:
            return
        terms: list[RecordedTerm] = []
        offset = 0
        for n, t in enumerate(self.full.terms):
            lens = [self._seen.lens.get((t.xorb, i)) for i in range(t.first, t.end)]
            known: tuple[int, ...] | None = tuple(v for v in lens if v is not None)
            if known is None or len(known) != t.end - t.first or sum(known) != t.length:
                known = self._carried.get(n)
            terms.append(RecordedTerm(t.xorb, t.first, t.end, offset, t.length, known))
            offset += t.length
        self.index.save(local_path, self.plan.file_id, terms)

    def forget_sources(self) -> None:
        """The file did not verify after a reuse: stop trusting the files copied from."""
        if self.index is not None and self.sources:
            self.index.forget(self.sources)
            self.sources.clear()
