"""One file's download: a preallocated partial file, its connections, its hash.

Workers take segments from the :class:`~hfsuite.engine.scheduler.SegmentScheduler`, GET them with
``Range`` (following the hub's redirect to the CDN by hand, so an expired signed URL can be
resolved again) and write at offsets with ``os.pwrite``. The
:class:`~hfsuite.engine.verify.PrefixHasher` hashes the written prefix: a small file's single
connection feeds it directly; for a big file a hashing thread follows the prefix, reading the
bytes back while they are still in the page cache. The flush to disk before the final rename
runs while the last bytes are hashed; for a big file most of it has already been done in the
background (:meth:`FileDownload.write_back`, every ``write_back_bytes``), so that flush waits
for the last part only (200 MiB: 0.1 s of its end otherwise, measured).

A download knows its transfer only through a :class:`~hfsuite.engine.context.FileContext`
(options, client, control, throttle, clock, events, error mapping). Each segment, and the single
stream used when a server ignores ``Range``, is tried by
:func:`~hfsuite.engine.retry.run_with_retries`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from hfsuite.core.errors import (
    HfSuiteError,
    IntegrityError,
    NetworkError,
    ServerError,
    TransferError,
    unexpected_error,
)
from hfsuite.core.events import (
    FileProgress,
    FileRestarted,
    FileStarted,
    FileVerified,
    TransferRetrying,
)
from hfsuite.core.i18n import tr
from hfsuite.core.remote import is_sha256, normalize_etag
from hfsuite.core.speed import SpeedMeter
from hfsuite.engine.adapt import Backlog
from hfsuite.engine.changes import RemoteChanged
from hfsuite.engine.connections import Connections
from hfsuite.engine.context import FileContext
from hfsuite.engine.fileio import BackgroundFlush, file_size, open_partial, read_buffer
from hfsuite.engine.http import Response, link_refused
from hfsuite.engine.layouts import FileTarget
from hfsuite.engine.ranges import RangeSet
from hfsuite.engine.resume import CheckpointWriter, ResumeState, load_state
from hfsuite.engine.retry import Retryable, parse_retry_after, run_with_retries
from hfsuite.engine.scheduler import Segment, SegmentScheduler
from hfsuite.engine.verify import Expectation, HashKind, PrefixHasher, mismatch_error
from hfsuite.engine.watchdog import ConnectionState, ProgressWatch
from hfsuite.engine.xet import may_take_xet
from hfsuite.engine.xet.chunk_index import ChunkIndex

if TYPE_CHECKING:
    from hfsuite.engine.xet.fetch import XetFetcher
    from hfsuite.engine.xet.lookup import XetRecordLookup

log = logging.getLogger(__name__)

_XET_LOOKUP_WAIT_S = 5.0  # how long a finished file waits for its Xet facts (engine.xet.lookup)
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
_REDIRECT_STATUS = {301, 302, 303, 307, 308}


class RangeIgnored(Exception):
    """The server answered a ranged request with the whole body."""


class Halted(Exception):
    """The transfer stopped this file because another file failed for good."""


class FileDownload:
    """One file's download: its partial file, scheduler, hasher and connections.

    Args:
        ctx: What the transfer shares with its files (options, client, control, events…).
        target: Where the file goes.
        expectation: The size and hash the bytes must have.
    """

    def __init__(
        self,
        ctx: FileContext,
        target: FileTarget,
        expectation: Expectation,
        xet_index: ChunkIndex | None = None,
    ):
        self.ctx = ctx
        self.target = target
        self.remote = target.remote
        self.expectation = expectation
        self.location: str | None = None  # resolved CDN URL, shared by the workers
        self.fetched_bytes = 0
        self.duplicate_bytes = 0  # received but dropped: a range another connection took over
        self.backlog = Backlog()  # how often reads found bytes waiting (connection policy)
        self._lock = threading.Lock()  # counters, errors, open responses (held briefly)
        # The descriptor's lifetime vs a checkpoint, which flushes the file to disk (about a
        # second on a disk slower than the link). Never the lock above: connections take that
        # one for every chunk, and must not wait for a flush; nor does the ticker (write_back).
        self._fd_lock = threading.Lock()
        self._fd: int | None = None
        self._write_back: BackgroundFlush | None = None  # the background flush (under _fd_lock)
        self._written_back = 0  # bytes written when it started
        self._errors: list[BaseException] = []
        self._range_ignored = threading.Event()
        self._abort = threading.Event()
        self._workers = 0
        self.meter = SpeedMeter(ctx.clock)
        self.scheduler: SegmentScheduler | None = None
        self._responses: set[Response] = set()
        self.hasher: PrefixHasher | None = None
        self._hash_thread = False  # a hashing thread follows the prefix (big files)
        self.connections: Connections | None = None  # a big file's connections
        self._progress: ProgressWatch | None = None  # the file's rate against the floor
        self._checkpoints = CheckpointWriter(target.state_path, self.remote.path)
        self._xet_index = xet_index
        self.xet: XetFetcher | None = None  # the Xet path, when this file takes it
        self._xet_record: XetFetcher | None = None  # writes the chunk record after placing
        self._xet_lookup: XetRecordLookup | None = None  # finds that fetcher beside the bytes

    # --- lifecycle ---------------------------------------------------------------------------
    def run(self) -> None:
        """Download the missing bytes, verify them, leave the partial file complete."""
        size = self.expectation.size
        opts = self.ctx.options
        done = self._open_partial()
        try:
            done = self._start_xet(done)
        except BaseException:
            self._close()
            raise
        self.scheduler = SegmentScheduler(
            size,
            done,
            connections=min(self._most_connections(), opts.connections_per_host),
            min_segment=opts.min_segment,
            max_segment=opts.max_segment
            if size > opts.small_file_bytes
            else max(size, opts.min_segment),
        )
        assert self._fd is not None
        self.hasher = PrefixHasher(self.expectation, self._fd)
        self.ctx.emit(FileStarted(self.ctx.task_id, self.remote.path, size, done.total))
        completed = False
        flushing: BackgroundFlush | None = None
        try:
            if size > 0 and not self.scheduler.complete:
                self._run_workers()
            if self.scheduler.complete and size > opts.small_file_bytes:
                # Durable before the rename makes it visible. The disk flush runs while the
                # last bytes are hashed; small files skip it (a lost one is cheap to fetch
                # again, and one flush each would dominate a repo of many files).
                flushing = BackgroundFlush(self._fd)
                flushing.start()
            self.hasher.catch_up(self.scheduler.done.contiguous_prefix())
            if not self.scheduler.complete:
                if self.ctx.halted():
                    raise Halted()  # another file's error stopped us; that error is the news
                raise TransferError(
                    tr("{path}: download ended with bytes missing.", path=self.remote.path)
                )
            if not self.hasher.matches():
                if self.xet is not None:
                    self.xet.forget_sources()  # a copied chunk may be the bad one
                got, pinned = self.hasher.result(), self.remote.pinned
                raise mismatch_error(self.remote.path, self.expectation, got, pinned=pinned)
            self.ctx.emit(
                FileVerified(self.ctx.task_id, self.remote.path, str(self.expectation.kind))
            )
            log.debug(
                "%s verified (%s); %d of %d bytes read back for hashing",
                self.remote.path,
                self.expectation.kind,
                self.hasher.reread_bytes,
                size,
            )
            if flushing is not None:
                flushing.wait()  # a failed flush is a failed write (OSError, as before)
            with self._fd_lock:
                background = self._write_back
            if background is not None:
                background.wait()  # its error may be the only report of a failed write
            completed = True
        finally:
            if flushing is not None:
                flushing.join()  # the descriptor stays open until the flush is done
            if not completed:
                self.save_checkpoint()  # what a later run resumes from
            self._close()

    def _open_partial(self) -> RangeSet:
        path, size = self.target.partial_path, self.expectation.size
        self.ctx.folders.ensure(path.parent)
        state = load_state(self.target.state_path)
        done = RangeSet()
        if state is not None and file_size(path) == size:  # not the writer lock's empty file
            if state.size == size and state.etag == self.remote.etag:
                done = state.ranges
            else:
                self.ctx.emit(
                    FileRestarted(
                        self.ctx.task_id,
                        self.remote.path,
                        "the file changed on the server since the partial download; "
                        "starting it over",
                    )
                )
        # Nothing to resume: emptied in place, not replaced (the writer lock is on this file).
        self._fd = open_partial(path, empty=not done)
        if os.fstat(self._fd).st_size != size:
            os.ftruncate(self._fd, size)
            if hasattr(os, "posix_fallocate") and size > self.ctx.options.small_file_bytes:
                # Else a sparse file; the disk-space check already ran.
                with contextlib.suppress(OSError):
                    os.posix_fallocate(self._fd, 0, size)
        return done

    # --- the Xet path (engine.xet) -----------------------------------------------------------
    def _start_xet(self, done: RangeSet) -> RangeSet:
        """Take the Xet path when the transfer's ``xet`` option says so; copy the chunks the
        destination already has. Returns the bytes on disk."""
        size = self.expectation.size
        index = self._xet_index
        if self.ctx.options.xet == "auto" and (index is None or index.is_empty()):
            # Nothing on disk to reuse: auto takes the resolve redirect at once, and the Xet
            # facts for the file's chunk record are asked beside its bytes (engine.xet.lookup).
            if index is not None and may_take_xet(self.ctx, self.remote, size):
                from hfsuite.engine.xet.lookup import XetRecordLookup

                self._xet_lookup = XetRecordLookup(self.ctx, self.remote, size, index).start()
            return done
        from hfsuite.engine.xet.fetch import XetFetcher, choose

        try:
            plan = choose(self.ctx, self.remote, size)
            if plan is None:
                return done
            fetcher = XetFetcher(self.ctx, self.remote, plan, self._xet_index)
            assert self._fd is not None
            prepared = fetcher.prepare(self._fd, size, done)
            self.fetched_bytes += fetcher.anchor_bytes
            self._xet_record = fetcher  # the record for later updates, whichever path
            if prepared is None:
                return done  # auto: nothing much to reuse, the resolve redirect is faster
            self.xet = fetcher
            return prepared
        except (NetworkError, ServerError, TransferError) as exc:
            if self.ctx.options.xet != "auto":
                raise
            # auto: the CAS failing is no reason to fail a file the resolve redirect serves
            log.warning(
                "%s: the Xet path failed (%s); using the resolve redirect",
                self.remote.path,
                exc.message,
            )
            self.xet = None
            return done

    @property
    def reused_bytes(self) -> int:
        """Bytes copied from older local files instead of fetched (Xet chunk reuse)."""
        return self.xet.reused_bytes if self.xet is not None else 0

    def record_xet(self, local_path: Path) -> None:
        """After the file is in place: record its Xet chunks for later updates."""
        if self._xet_lookup is not None:
            self._xet_record = self._xet_lookup.fetcher(_XET_LOOKUP_WAIT_S)
        if self._xet_record is not None:
            self._xet_record.record(local_path)

    def _xet_range(self, seg: Segment, conn: ConnectionState) -> None:
        assert self.xet is not None
        self.xet.stream_range(seg, conn, self)

    def write_decoded(self, seg: Segment, start: int, data: bytes | memoryview) -> int:
        """Write decoded bytes at ``start`` (the segment's position); how many were kept."""
        assert self.scheduler is not None and self.hasher is not None and self._fd is not None
        n = self.scheduler.reserve(seg, len(data))
        if n == 0:
            return 0
        chunk = memoryview(data)[:n]
        os.pwrite(self._fd, chunk, start)
        if not self._hash_thread:
            self.hasher.feed(start, chunk)
        self.scheduler.written(start, n)
        return n

    def count_received(self, nbytes: int, conn: ConnectionState) -> None:
        """Bytes that crossed the wire on the Xet path (compressed)."""
        with self._lock:
            self.fetched_bytes += nbytes
            fetched = self.fetched_bytes
        if self._progress is not None:
            self._check_floor(self._progress.observe(self.ctx.clock.monotonic(), fetched), conn)

    def track(self, resp: Response | None, old: Response | None = None) -> None:
        """Register an open response (a cancel shuts it down); unregister ``old``."""
        with self._lock:
            if old is not None:
                self._responses.discard(old)
            if resp is not None:
                self._responses.add(resp)

    def stopping(self) -> bool:
        """The download is stopping (an error, a halt)."""
        return self._stopping()

    def _close(self) -> None:
        with self._fd_lock:  # not while the ticker is checkpointing with this descriptor
            if self._write_back is not None:
                self._write_back.join()  # nor while a background flush uses it
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def interrupt_reads(self) -> None:
        """Shut down the sockets of responses being read (for an immediate cancel)."""
        with self._lock:
            responses = list(self._responses)
        for resp in responses:
            resp.abort()

    def discard(self) -> None:
        """Empty the partial file and delete its state (to start over). Emptied, not deleted:
        the writer lock is on it (and removes it on release if nothing fills it again)."""
        if file_size(self.target.partial_path) is not None:
            os.close(open_partial(self.target.partial_path, empty=True))
        self.target.state_path.unlink(missing_ok=True)

    def save_checkpoint(self) -> None:
        """Persist which ranges are on disk (flushing the data first)."""
        with self._fd_lock:
            fd, sched = self._fd, self.scheduler
            if sched is None or fd is None:
                return
            state = ResumeState(self.expectation.size, self.remote.etag, None, sched.snapshot())
            self._checkpoints.save(state, fd)

    def write_back(self) -> None:
        """Start flushing the bytes written so far to disk in the background, once
        ``write_back_bytes`` more than at the last start are written (a big file only).

        Called by the transfer's ticker. The flush before the rename then has only the last
        part to write; without it, a file that arrives faster than the disk's own writeback
        ends with all of its bytes to flush at once. Connections never wait for it.
        """
        sched, opts = self.scheduler, self.ctx.options
        if sched is None or opts.write_back_bytes <= 0:
            return
        if self.expectation.size <= opts.small_file_bytes:
            return
        done = sched.done.total
        if done >= self.expectation.size:
            return  # complete: the flush before the rename writes the rest, once
        if done - self._written_back < opts.write_back_bytes:
            return
        if not self._fd_lock.acquire(blocking=False):
            return  # a checkpoint is flushing the file (that is a write-back too): never wait
        try:
            running = self._write_back
            if self._fd is None or (running is not None and running.is_alive()):
                return
            if running is not None and running.error is not None:
                return  # the end of the download reports it
            self._written_back = done
            flush = BackgroundFlush(self._fd, name="hfsuite-write-back")
            flush.start()  # before anyone can see it: run() waits for what it finds here
            self._write_back = flush
        finally:
            self._fd_lock.release()

    def progress(self) -> FileProgress:
        """Current progress of this file."""
        done = self.scheduler.done.total if self.scheduler else 0
        self.meter.update(done)
        return FileProgress(
            self.remote.path, self.expectation.size, done, self.meter.speed_bps, self._workers
        )

    # --- workers -------------------------------------------------------------------------
    def _run_workers(self) -> None:
        assert self.scheduler is not None
        opts = self.ctx.options
        missing = self.expectation.size - self.scheduler.done.total
        self._progress = ProgressWatch(opts.floor, self.ctx.clock.monotonic())
        if self.expectation.size <= opts.small_file_bytes:
            # One connection writes in order and feeds the hasher itself: no extra threads.
            budget = self.ctx.budget
            if budget is None:
                self._worker(ConnectionState())
            elif budget.take(self._stopping, small=True):
                try:
                    self._worker(ConnectionState())
                finally:
                    budget.give_back(small=True)
        else:
            # Hashing runs in a thread of its own, beside the connections.
            hasher, scheduler = self.hasher, self.scheduler
            assert hasher is not None
            ceiling = min(
                self._most_connections(), opts.connections_per_host, -(-missing // opts.min_segment)
            )
            adapt = opts.adapt
            if adapt is not None:
                adapt = dataclasses.replace(adapt, start=adapt.start_for(missing))
            self.connections = Connections(
                scheduler,
                self._worker,
                count=ceiling,
                adapt=adapt,
                stall=opts.stall,
                monotonic=self.ctx.clock.monotonic,
                received=lambda: self.fetched_bytes,
                stopping=self._stopping,
                abandon=self._abandon,
                budget=self.ctx.budget,
                backlog=lambda: self.backlog,
            )
            stop_hashing = threading.Event()
            hashing = threading.Thread(
                target=self._hash_behind,
                args=(hasher, scheduler.prefix_end, stop_hashing),
                name="hfsuite-hash",
                daemon=True,
            )
            self._hash_thread = True
            hashing.start()
            try:
                self.connections.run()
            finally:
                # Never left running: it maps the file, which may be cut short next (restart).
                stop_hashing.set()
                hashing.join()
                self._hash_thread = False
            log.debug(
                "%s: %d connections at most, %d stalls, %d bytes received twice",
                self.remote.path,
                self.connections.peak,
                self.connections.watchdog.stalls,
                self.duplicate_bytes,
            )
        if self._range_ignored.is_set() and not self.scheduler.complete:
            self._errors.clear()
            self._abort.clear()
            self._single_stream()
        if self._errors:
            raise self._errors[0]

    def _hash_behind(
        self, hasher: PrefixHasher, prefix_end: Callable[[], int], stop: threading.Event
    ) -> None:
        """The hashing thread: follows the prefix; a failure fails the file (never a thread's
        traceback on the terminal)."""
        try:
            hasher.run_behind(prefix_end, stop)
        except Exception as exc:
            self._fail_unexpectedly(exc, "hashing")

    def _most_connections(self) -> int:
        opts = self.ctx.options
        return opts.max_connections_per_file if opts.adapt else opts.connections_per_file

    def _abandon(self, state: ConnectionState) -> None:
        """Shut down a stalled connection's response (its segment is asked for again)."""
        abort = state.abort
        if abort is not None:
            log.info("%s: a connection stalled; asking for its bytes again", self.remote.path)
            abort()

    def _stopping(self) -> bool:
        return self._abort.is_set() or self.ctx.halted()

    def _fail(self, exc: BaseException) -> None:
        with self._lock:
            self._errors.append(exc)
        self._abort.set()

    def _fail_unexpectedly(self, exc: Exception, where: str) -> None:
        """A bug in ``where``: the file fails with a message, the log has the traceback."""
        log.error("%s: %s failed unexpectedly", self.remote.path, where, exc_info=exc)
        self._fail(unexpected_error(exc, TransferError, about=self.remote.path))

    def _worker(self, conn: ConnectionState) -> None:
        assert self.scheduler is not None
        connections = self.connections
        with self._lock:
            self._workers += 1
        try:
            while not self._stopping():
                seg = (
                    connections.next_segment(conn)
                    if connections is not None
                    else self.scheduler.next_segment()
                )
                if seg is None:
                    return
                conn.work = seg
                try:
                    self._fetch_segment(seg, conn)
                finally:
                    conn.work = None
                    self.scheduler.release(seg)
        except RangeIgnored:
            self._range_ignored.set()
            self._abort.set()
        except (HfSuiteError, RemoteChanged, OSError) as exc:
            self._fail(exc)
        except Exception as exc:
            self._fail_unexpectedly(exc, "a connection")
        finally:
            with self._lock:
                self._workers -= 1

    def _fetch_segment(self, seg: Segment, conn: ConnectionState) -> None:
        """Fetch one segment, retrying what can be retried (each retry resumes where it broke)."""
        fetch = self._stream_range if self.xet is None else self._xet_range
        run_with_retries(
            lambda: fetch(seg, conn),
            policy=self.ctx.options.retry,
            control=self.ctx.control,
            what=self.remote.path,
            on_retry=self._on_retry,
            done=lambda: seg.pos >= seg.end or self._stopping(),
            progress=lambda: seg.pos,
        )

    def _on_retry(self, attempt: int, delay: float, reason: str) -> None:
        self.ctx.emit(TransferRetrying(self.ctx.task_id, self.remote.path, attempt, delay, reason))
        log.info("%s: retry %d in %.1fs: %s", self.remote.path, attempt, delay, reason)

    def _open(self, start: int, end: int, ranged: bool, conn: ConnectionState) -> Response:
        """GET the file's bytes ``[start, end)``, following redirects to the CDN by hand."""
        headers = {"Range": f"bytes={start}-{end - 1}"} if ranged else {}
        url = self.location or self.remote.url
        resolved = False  # the hub gave the link in this call: too fresh to have expired
        for _ in range(10):
            try:
                resp = self.ctx.client.request("GET", url, headers, follow_redirects=False)
            except NetworkError as exc:
                raise Retryable(exc.message, network=True) from exc
            if resp.status in _REDIRECT_STATUS:
                location = resp.header("Location")
                linked = normalize_etag(resp.header("X-Linked-Etag"))
                # The watchdog sees this read too: a redirect whose body never comes must not
                # hold the segment until the read timeout.
                conn.abort, conn.waiting_since = resp.abort, self.ctx.clock.monotonic()
                try:
                    resp.read_all()
                finally:
                    conn.abort, conn.waiting_since = None, None
                resp.release()
                if not location:
                    raise Retryable(f"redirect without Location from {url}")
                self._check_linked_etag(linked, resp.header("X-Linked-Size"))
                url = urljoin(url, location)
                self.location = url
                resolved = True
                continue
            if resp.status in (200, 206):
                return resp
            body_status = resp.status
            from_cdn = url != self.remote.url  # reached through a redirect
            if from_cdn and body_status in (401, 403, 410):
                resp.read_all()
                resp.close()
                if resolved and body_status != 410:
                    raise link_refused(url, body_status)
                if self.location == url:
                    self.location = None  # signed URL expired: resolve again
                raise Retryable("the download link expired; resolving it again", immediate=True)
            if body_status == 416:
                resp.close()
                raise RemoteChanged(
                    "the server says the requested range is past the end of the file"
                )
            if body_status in _RETRY_STATUS:
                retry_after = parse_retry_after(resp.header("Retry-After"), self.ctx.clock.now())
                resp.read_all()
                resp.close()
                raise Retryable(f"HTTP {body_status} from {urlsplit(url).netloc}", retry_after)
            error = self.ctx.error_mapper(resp)
            resp.close()
            raise error
        raise Retryable("too many redirects")

    def _check_linked_etag(self, linked: str | None, linked_size: str | None) -> None:
        planned = self.remote.etag
        if linked and planned and linked != planned:
            size = int(linked_size) if linked_size and linked_size.isdigit() else None
            raise RemoteChanged(
                f"the server now has a different version (etag {linked[:12]}…, expected "
                f"{planned[:12]}…)",
                new_etag=linked,
                new_size=size,
            )

    def _stream_range(self, seg: Segment, conn: ConnectionState) -> None:
        size = self.expectation.size
        ranged = not (seg.pos == 0 and seg.end == size)
        slot = self.ctx.host_slots.slot(self.location or self.remote.url)
        with slot:
            resp = self._open(seg.pos, seg.end, ranged=True, conn=conn)
            with self._lock:
                self._responses.add(resp)
            conn.abandoned = False
            conn.abort = resp.abort
            try:
                if resp.status == 200:
                    total = resp.content_length
                    if total is not None and total != size:
                        raise RemoteChanged(f"the server sent {total} bytes, expected {size}")
                    if ranged:
                        raise RangeIgnored()
                else:
                    self._check_content_range(resp, seg.pos)
                self._check_served_etag(resp)
                self._read_body(resp, seg, conn)
            except BaseException:
                resp.close()
                raise
            finally:
                conn.abort = None
                with self._lock:
                    self._responses.discard(resp)
            if seg.pos >= seg.end and resp.raw.length not in (None, 0):
                resp.close()  # our segment ended (or was stolen) before the response did
            else:
                resp.release()

    def _check_served_etag(self, resp: Response) -> None:
        """A CDN that names the content by its sha256 tells us when it is not what we planned."""
        if self.expectation.kind is not HashKind.SHA256:
            return
        served = normalize_etag(resp.header("ETag"))
        if served is None or not is_sha256(served) or served == self.expectation.digest:
            return
        if self.remote.pinned:
            raise IntegrityError(
                tr(
                    "{path}: the server offers different bytes (sha256 {served}…) than the "
                    "expected sha256 {expected}…",
                    path=self.remote.path,
                    served=served[:12],
                    expected=str(self.expectation.digest)[:12],
                )
            )
        raise RemoteChanged(
            f"the server now sends a different version (etag {served[:12]}…)",
            new_etag=served,
            new_size=self.expectation.size,
        )

    def _check_content_range(self, resp: Response, start: int) -> None:
        value = resp.header("Content-Range") or ""
        try:
            unit_range, total = value.split("/", 1)
            first = int(unit_range.split()[1].split("-")[0])
        except (ValueError, IndexError):
            raise Retryable(f"bad Content-Range {value!r}") from None
        if total.strip() != "*" and int(total) != self.expectation.size:
            raise RemoteChanged(f"the file is now {total} bytes, expected {self.expectation.size}")
        if first != start:
            raise Retryable(f"the server sent bytes from {first}, asked for {start}")

    def _read_body(self, resp: Response, seg: Segment, conn: ConnectionState) -> None:
        assert self.scheduler is not None and self.hasher is not None and self._fd is not None
        hasher = self.hasher
        behind = self._hash_thread  # a hashing thread follows the prefix: nothing to feed
        ctx = self.ctx
        view = read_buffer(ctx.options.buffer_bytes)
        throttle = ctx.throttle
        control = ctx.control
        monotonic = ctx.clock.monotonic
        connections = self.connections
        quarter = len(view) // 4
        while seg.pos < seg.end:
            if self._stopping():
                return
            if control.paused and self._progress is not None:
                control.checkpoint()
                self._progress.pause(monotonic(), self.fetched_bytes)  # paused is not slow
            control.checkpoint()
            want = min(throttle.chunk(len(view)), seg.end - seg.pos)
            wait = throttle.reserve(want)
            if wait > 0:
                control.sleep(wait)
            conn.waiting_since = monotonic()
            try:
                got = resp.readinto(view[:want])
            except NetworkError as exc:
                throttle.refund(want)
                if conn.abandoned:
                    raise Retryable(
                        "no data while the other connections received theirs; asking again",
                        immediate=True,
                        network=True,
                    ) from exc
                raise Retryable(exc.message, network=True) from exc
            finally:
                conn.waiting_since = None
            if got:
                conn.received(monotonic())
            if got < want:
                throttle.refund(want - got)
            if got == 0:
                raise Retryable("the server closed the response early", short=True)
            # bytes that came meanwhile, while the connection count may still change with them
            waiting = resp.waiting() if connections is not None and connections.measuring else None
            start = seg.pos
            n = self.scheduler.reserve(seg, got)
            if n == 0:
                with self._lock:
                    self.duplicate_bytes += got
                return
            chunk = view[:n]
            os.pwrite(self._fd, chunk, start)
            if not behind:
                hasher.feed(start, chunk)
            self.scheduler.written(start, n)
            with self._lock:
                self.fetched_bytes += n
                self.duplicate_bytes += got - n
                fetched = self.fetched_bytes
                if waiting is not None:
                    before = self.backlog
                    self.backlog = Backlog(before.reads + 1, before.waiting + (waiting >= quarter))
            if self._progress is not None:
                self._check_floor(self._progress.observe(monotonic(), fetched), conn)
            if n < got:
                return  # the tail of this segment was taken by another connection

    def _check_floor(self, verdict: str, conn: ConnectionState) -> None:
        """Act on the file's rate against the progress floor (a server that trickles)."""
        if verdict == ProgressWatch.OK:
            return
        floor = self.ctx.options.floor
        if verdict == ProgressWatch.RETRY:
            log.info(
                "%s: below %g B/s for %g s; asking for every range again",
                self.remote.path,
                floor.min_bps,
                floor.window_s,
            )
            if self.connections is not None:
                for state in self.connections.watchdog.states():
                    if state is not conn:
                        self._abandon(state)
            raise Retryable(
                f"below {floor.min_bps:g} B/s for {floor.window_s:g} s; asking again",
                immediate=True,
                network=True,
            )
        raise NetworkError(
            tr(
                "{path}: the server sent less than {rate} bytes per second for {seconds} s, "
                "even after the file's ranges were asked for again.",
                path=self.remote.path,
                rate=format(floor.min_bps, "g"),
                seconds=format(2 * floor.window_s, "g"),
            ),
            hint=tr(
                "The server or a proxy is trickling the file; try again later or another "
                "endpoint. Run the same download again to resume."
            ),
        )

    def _single_stream(self) -> None:
        """The server ignores Range: fetch the whole file in one stream from byte 0."""
        assert self._fd is not None
        fd = self._fd
        self.ctx.emit(
            FileRestarted(
                self.ctx.task_id,
                self.remote.path,
                "the server does not support ranges; using one stream",
            )
        )
        size = self.expectation.size

        def one_stream() -> None:
            # Every try starts over from byte 0, with a fresh scheduler and hasher.
            self.scheduler = SegmentScheduler(
                size, connections=1, min_segment=size or 1, max_segment=size or 1
            )
            self.hasher = PrefixHasher(self.expectation, fd)
            seg = self.scheduler.next_segment()
            assert seg is not None
            resp = self._open(0, size, ranged=False, conn=ConnectionState())
            try:
                self._read_body(resp, seg, ConnectionState())
            finally:
                resp.close()

        run_with_retries(
            one_stream,
            policy=self.ctx.options.retry,
            control=self.ctx.control,
            what=self.remote.path,
            on_retry=self._on_retry,
            done=self._stopping,
        )
