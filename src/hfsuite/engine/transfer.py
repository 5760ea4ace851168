"""Moving bytes: several files at once, several ranged connections per file.

```
Transfer.run(files)                  builds one FileContext (engine.context) for all its files
  ├── file runners: files_in_parallel threads (big files first, then small ones), plus up to
  │   connections_per_host/2 minus those for small files only; each runs one file at a time
  │     └── under a WriterLock (engine.writer_lock: one writer per file across processes)
  │         FileDownload(FileContext, target): preallocated partial file, SegmentScheduler,
  │         PrefixHasher; each segment (or single stream) is tried by retry.run_with_retries
  │           ├── small file: one connection in the runner's own thread, feeding the hasher
  │           ├── big file: Connections (engine.connections) in the runner's thread starts the
  │           │   connection threads (4, more while the rate rises: engine.adapt; or a fixed
  │           │   connections_per_file), each holding a unit of the task's ConnectionBudget
  │           │   (engine.context: small files take what big ones do not want), abandons
  │           │   stalled ones (engine.watchdog) and lets idle ones take over a silent tail
  │           │   (endgame); each: next_segment → GET Range →
  │           │   pwrite; a hashing thread: SHA-256 of the written prefix as it grows;
  │           │   a write-back thread: fsync every write_back_bytes (the ticker starts it);
  │           │   a flush thread: fsync before the rename, beside the last hashing
  │           ├── server ignores Range: one stream from byte 0, in the runner's thread
  │           └── Xet-backed file taking the Xet path (engine.xet, --xet): before the first
  │               segment, chunks an older local file holds are copied in (an update); then
  │               each segment is a reconstruction of its bytes, its xorb ranges decoded and
  │               written by the same connections, throttle, hashing and resume state
  └── ticker thread: progress events (a few per second), write-back starts, and each
      checkpoint_interval_s a checkpoint thread: every active file's resume state (its data
      flushed first), one such thread at a time
```

Faults: connection errors, stalls (the watchdog while other connections flow, else the socket
read timeout), 5xx, 408 and 429 are retried with backoff (honouring Retry-After) per segment
(a stalled response at once); an expired CDN URL (403/410 from the CDN) is
resolved again; 401/403/404 from the hub become the source's typed errors and are not retried.
A server that ignores Range gets one stream from byte 0, retried the same way (from byte 0).
When the tries run out, a connection that kept failing is a NetworkError and a server that
kept failing a ServerError, whichever path it was. A file whose bytes do not match the
expected hash is downloaded once more, then fails with IntegrityError (at once when the hash
is the user's own, ``--sha256``). A write the disk refuses (full, quota, permission,
read-only, name too long) is a typed error (engine.disk_errors) naming the file and its
folder; resume state that cannot be saved only warns (engine.resume).
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hfsuite.core.clock import Clock, SystemClock
from hfsuite.core.errors import (
    HfSuiteError,
    IntegrityError,
    NetworkError,
    OperationCancelled,
    SourceError,
    TransferError,
    unexpected_error,
)
from hfsuite.core.events import (
    Event,
    FileCompleted,
    FileFailed,
    FileRestarted,
    TransferProgressed,
)
from hfsuite.core.i18n import tr
from hfsuite.core.remote import RemoteFile, is_sha256, normalize_etag
from hfsuite.core.speed import SpeedMeter
from hfsuite.engine.context import (
    ConnectionBudget,
    ErrorMapper,
    FileContext,
    HostSlots,
    TransferControl,
    TransferOptions,
)
from hfsuite.engine.disk_errors import disk_error
from hfsuite.engine.filedownload import FileDownload, Halted, RemoteChanged
from hfsuite.engine.http import HttpClient
from hfsuite.engine.layouts import FileTarget, StorageLayout
from hfsuite.engine.throttle import Throttle, TokenBucket
from hfsuite.engine.verify import Expectation
from hfsuite.engine.writer_lock import WriterLock
from hfsuite.engine.xet import index_folder as xet_index_folder
from hfsuite.engine.xet.chunk_index import ChunkIndex

__all__ = [
    "ErrorMapper",
    "FileOutcome",
    "Transfer",
    "TransferControl",
    "TransferOptions",
    "TransferResult",
]

log = logging.getLogger(__name__)


@dataclass
class FileOutcome:
    """How one file ended."""

    remote: RemoteFile
    local_path: str | None = None
    skipped: bool = False
    error: HfSuiteError | None = None
    downloaded_bytes: int = 0
    duplicate_bytes: int = 0
    discarded_bytes: int = 0
    reused_bytes: int = 0


@dataclass
class TransferResult:
    """Outcome of :meth:`Transfer.run`."""

    files: list[FileOutcome]

    @property
    def failed(self) -> list[FileOutcome]:
        """Files that ended with an error."""
        return [f for f in self.files if f.error is not None]

    @property
    def downloaded_bytes(self) -> int:
        """Bytes fetched over the network in this run."""
        return sum(f.downloaded_bytes for f in self.files)

    @property
    def duplicate_bytes(self) -> int:
        """Bytes received but dropped because another connection had taken their range over
        (a stalled or slow connection's tail); not part of :attr:`downloaded_bytes`."""
        return sum(f.duplicate_bytes for f in self.files)

    @property
    def refetched_bytes(self) -> int:
        """Bytes downloaded more than once: :attr:`duplicate_bytes`, plus what a file that
        started over (failed verification, changed on the server) had fetched before (part of
        :attr:`downloaded_bytes`)."""
        return sum(f.duplicate_bytes + f.discarded_bytes for f in self.files)

    @property
    def reused_bytes(self) -> int:
        """Bytes of Xet chunks copied from older local files (an update) instead of fetched;
        not part of :attr:`downloaded_bytes`."""
        return sum(f.reused_bytes for f in self.files)


class Transfer:
    """Downloads a list of files into a storage layout.

    Args:
        client: The HTTP client (auth decides which hosts see the token).
        layout: Where files go (HF cache or local dir).
        error_mapper: The source's translation of error responses into typed errors.
        options: Limits and tuning.
        control: Pause/resume/cancel/limit handle.
        global_bucket: The bandwidth limit shared with every other transfer.
        on_event: Receives events (from worker threads; must not block).
        clock: Time source.
        task_id: Put on every event.
        force: Download even files that are already complete.
    """

    def __init__(
        self,
        client: HttpClient,
        layout: StorageLayout,
        error_mapper: ErrorMapper,
        *,
        options: TransferOptions | None = None,
        control: TransferControl | None = None,
        global_bucket: TokenBucket | None = None,
        on_event: Callable[[Event], None] | None = None,
        clock: Clock | None = None,
        task_id: int | None = None,
        force: bool = False,
    ):
        self.force = force
        self.client = client
        self.layout = layout
        self.error_mapper = error_mapper
        self.options = options or TransferOptions()
        self.control = control or TransferControl()
        self.clock = clock or SystemClock()
        self.throttle = Throttle(self.control.bucket, global_bucket or TokenBucket(0))
        self.task_id = task_id
        self._on_event = on_event or (lambda e: None)
        self._active: dict[str, FileDownload] = {}
        self._active_lock = threading.Lock()
        self.meter = SpeedMeter(self.clock)
        self._total_bytes = 0
        self._finished_bytes = 0
        self._stop_ticker = threading.Event()
        self._checkpointing: threading.Thread | None = None  # the last checkpoints' thread
        self._halt = threading.Event()  # a hard error (bad token, gated…) stops every file
        self._count_lock = threading.Lock()
        folder = xet_index_folder(layout)
        self._xet_index = ChunkIndex(folder) if folder is not None else None
        self._file_context = FileContext(
            options=self.options,
            client=client,
            control=self.control,
            throttle=self.throttle,
            clock=self.clock,
            emit=self.emit,
            error_mapper=error_mapper,
            host_slots=HostSlots(self.options.connections_per_host),
            halted=self._halt.is_set,
            task_id=task_id,
            budget=ConnectionBudget(self.options.connections_per_host),
        )

    # --- public ------------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        """Publish an event, never letting a subscriber's failure break the transfer."""
        try:
            self._on_event(event)
        except Exception:
            log.exception("event subscriber failed")

    def run(self, files: Sequence[RemoteFile]) -> TransferResult:
        """Download every file; returns per-file outcomes.

        Raises:
            OperationCancelled: cancel was requested (partial data is kept for resume).
        """
        outcomes = {f.path: FileOutcome(remote=f) for f in files}
        self._total_bytes = sum(f.size for f in files)
        # Big files (several connections each) are limited to files_in_parallel at once; small
        # files take one connection each, so more of them run together (as hf download's 8
        # workers do), up to the per-host connection budget.
        small_limit = self.options.small_file_bytes
        big: queue.SimpleQueue[RemoteFile] = queue.SimpleQueue()
        small: queue.SimpleQueue[RemoteFile] = queue.SimpleQueue()
        for f in sorted(files, key=lambda f: -f.size):  # big files first: they set the pace
            (small if f.size <= small_limit else big).put(f)
        n_big = sum(1 for f in files if f.size > small_limit)
        n_small = len(files) - n_big
        remove_listener = self.control.on_cancel(self._interrupt_reads)
        ticker = threading.Thread(target=self._tick, name="hfsuite-ticker", daemon=True)
        ticker.start()
        cancelled: list[OperationCancelled] = []

        def runner(queues: tuple[queue.SimpleQueue[RemoteFile], ...]) -> None:
            while not self._halt.is_set():
                remote = _next_from(queues)
                if remote is None:
                    return
                outcome = outcomes[remote.path]
                try:
                    self._run_file(remote, outcome)
                except OperationCancelled as exc:
                    cancelled.append(exc)
                    return
                except Halted:
                    return  # not an error of its own: the partial file is kept for a re-run
                except Exception as exc:
                    if isinstance(exc, OSError):
                        exc = disk_error(exc, self.layout.root, what=remote.path)
                    elif not isinstance(exc, HfSuiteError):
                        # A bug: the file fails with a message (the traceback goes to the log,
                        # not to the terminal from a dying thread), the others go on.
                        log.error("%s failed unexpectedly", remote.path, exc_info=exc)
                        exc = unexpected_error(exc, TransferError, about=remote.path)
                    outcome.error = exc
                    self.emit(FileFailed(self.task_id, remote.path, str(exc)))
                    # An account problem applies to every file of the repo: stop early.
                    if isinstance(exc, SourceError) and not exc.retryable:
                        self._halt.set()
                        return

        big_runners = max(1, min(self.options.files_in_parallel, len(files)))
        small_runners = min(n_small, max(0, self.options.connections_per_host // 2 - big_runners))
        threads = [
            threading.Thread(
                target=runner, args=((big, small),), name=f"hfsuite-file-{i}", daemon=True
            )
            for i in range(big_runners)
        ] + [
            threading.Thread(
                target=runner, args=((small,),), name=f"hfsuite-small-{i}", daemon=True
            )
            for i in range(small_runners)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self._stop_ticker.set()
        ticker.join()
        if self._checkpointing is not None:
            self._checkpointing.join()  # no state file written after the transfer returns
        remove_listener()
        self._publish_progress()
        if not cancelled and not self._halt.is_set():
            for outcome in outcomes.values():
                if outcome.error is None and outcome.local_path is None:
                    # Never reported done without its file in place, whatever went wrong.
                    outcome.error = TransferError(
                        tr("{path}: download ended with bytes missing.", path=outcome.remote.path)
                    )
                    self.emit(FileFailed(self.task_id, outcome.remote.path, str(outcome.error)))
        failed_hard = [o for o in outcomes.values() if o.error is not None]
        if cancelled and not failed_hard:
            raise cancelled[0]
        if not failed_hard:
            try:
                self.layout.finish()
            except OSError as exc:
                raise disk_error(exc, self.layout.root, what=tr("the download's metadata")) from exc
        return TransferResult(files=list(outcomes.values()))

    # --- per file ----------------------------------------------------------------------------
    def _run_file(self, remote: RemoteFile, outcome: FileOutcome) -> None:
        target = self.layout.target(remote)
        expectation = Expectation.for_file(remote)
        if not self.force and self._already_there(remote, target, expectation, outcome):
            return
        # One writer per file across processes (workers sharing a folder): wait for another
        # one, then find its file complete or resume where it stopped.
        folders = self._file_context.folders
        with WriterLock(target.partial_path, self.control.sleep, ensure_folder=folders.ensure):
            if not self.force and self._already_there(remote, target, expectation, outcome):
                return
            self._fetch_file(remote, outcome, target, expectation)

    def _already_there(
        self, remote: RemoteFile, target: FileTarget, expectation: Expectation, outcome: FileOutcome
    ) -> bool:
        if not self.layout.is_complete(target, expectation):
            return False
        outcome.local_path = str(target.final_path)
        outcome.skipped = True
        self._add_finished(remote.size)
        self.emit(FileCompleted(self.task_id, remote.path, remote.size, outcome.local_path, True))
        return True

    def _fetch_file(
        self, remote: RemoteFile, outcome: FileOutcome, target: FileTarget, expectation: Expectation
    ) -> None:
        restarts = 0
        while True:
            self.control.checkpoint()
            download = FileDownload(self._file_context, target, expectation, self._xet_index)
            with self._active_lock:
                self._active[remote.path] = download
            try:
                download.run()
            except RemoteChanged as exc:
                outcome.discarded_bytes += download.fetched_bytes
                restarts += 1
                if restarts > self.options.max_file_restarts:
                    raise TransferError(
                        tr(
                            "{path} keeps changing on the server ({reason}).",
                            path=remote.path,
                            reason=exc.reason,
                        ),
                        hint=tr("Try again later."),
                    ) from None
                self.emit(FileRestarted(self.task_id, remote.path, exc.reason))
                download.discard()
                if remote.pinned:
                    raise IntegrityError(
                        tr(
                            "{path}: the server no longer serves the expected file ({reason}).",
                            path=remote.path,
                            reason=exc.reason,
                        ),
                        hint=tr("Check the expected SHA-256 and the link."),
                    ) from None
                if not exc.new_etag:
                    # Only the size or a range told us; ask the hub what it serves now.
                    exc.new_etag, exc.new_size = self._probe(remote)
                if exc.new_etag and is_sha256(exc.new_etag):
                    # Fetch and verify the version the server has now, under its own etag.
                    remote = dataclasses.replace(
                        remote, sha256=exc.new_etag, size=exc.new_size or remote.size, lfs=True
                    )
                    target = self.layout.target(remote)
                    expectation = Expectation.for_file(remote)
                continue
            except IntegrityError as exc:
                outcome.discarded_bytes += download.fetched_bytes
                restarts += 1
                download.discard()
                if remote.pinned:
                    raise  # the user's hash: the server's file is another one, not a bad copy
                if restarts > self.options.max_file_restarts:
                    raise IntegrityError(
                        tr(
                            "{path} failed verification twice ({reason}); the partial file was "
                            "deleted.",
                            path=remote.path,
                            reason=exc.message,
                        ),
                        hint=tr("The server or a proxy may be corrupting data; try again later."),
                    ) from None
                self.emit(
                    FileRestarted(self.task_id, remote.path, f"{exc.message} Downloading it again.")
                )
                etag, size = (None, None) if remote.pinned else self._probe(remote)
                if etag and is_sha256(etag) and etag != remote.etag:
                    # The bytes changed under us: fetch what the hub serves now.
                    remote = dataclasses.replace(
                        remote, sha256=etag, size=size or remote.size, lfs=True
                    )
                    target = self.layout.target(remote)
                    expectation = Expectation.for_file(remote)
                continue
            except OSError as exc:
                done = download.scheduler.done.total if download.scheduler else 0
                raise disk_error(
                    exc,
                    target.partial_path,
                    what=remote.path,
                    needed_bytes=max(0, expectation.size - done),
                ) from exc
            finally:
                outcome.downloaded_bytes += download.fetched_bytes
                outcome.duplicate_bytes += download.duplicate_bytes
                outcome.reused_bytes += download.reused_bytes
                with self._active_lock:
                    self._active.pop(remote.path, None)
            break
        try:
            outcome.local_path = str(self.layout.place(target))
        except OSError as exc:
            raise disk_error(exc, target.final_path, what=remote.path) from exc
        download.record_xet(target.final_path)
        self._add_finished(remote.size)
        self.emit(FileCompleted(self.task_id, remote.path, remote.size, outcome.local_path))

    def _probe(self, remote: RemoteFile) -> tuple[str | None, int | None]:
        """The etag and size the hub announces for a file now (HEAD, redirect not followed)."""
        try:
            resp = self.client.request("HEAD", remote.url, follow_redirects=False)
        except NetworkError:
            return None, None
        resp.release()
        etag = normalize_etag(resp.header("X-Linked-Etag") or resp.header("ETag"))
        size_text = resp.header("X-Linked-Size") or resp.header("Content-Length") or ""
        return etag, int(size_text) if size_text.isdigit() else None

    def _add_finished(self, nbytes: int) -> None:
        with self._count_lock:
            self._finished_bytes += nbytes

    @property
    def halted(self) -> bool:
        """A hard error stopped the transfer."""
        return self._halt.is_set()

    # --- progress and checkpoints ------------------------------------------------------------
    def _tick(self) -> None:
        last_checkpoint = self.clock.monotonic()
        was_paused = False
        while not self._stop_ticker.wait(self.options.progress_interval_s):
            try:
                last_checkpoint, was_paused = self._tick_once(last_checkpoint, was_paused)
            except Exception:  # a bug: logged; progress and checkpoints go on
                log.exception("a progress tick failed")

    def _tick_once(self, last_checkpoint: float, was_paused: bool) -> tuple[float, bool]:
        """One tick: progress events, write-backs, a checkpoint when one is due; returns the
        time of the last checkpoint and whether the transfer was paused."""
        paused = self.control.paused
        if paused != was_paused:  # speeds start afresh on pausing and on resuming
            self.meter.reset()
            for download in self._active_downloads():
                download.meter.reset()
        self._publish_progress()  # paused too (speed 0): a view shows where it stands
        if paused:
            return last_checkpoint, True
        for download in self._active_downloads():
            download.write_back()
        now = self.clock.monotonic()
        if now - last_checkpoint >= self.options.checkpoint_interval_s:
            saving = self._checkpointing
            if saving is None or not saving.is_alive():  # never two at once
                last_checkpoint = now
                self._start_checkpoints()
        return last_checkpoint, False

    def _start_checkpoints(self) -> None:
        """Save every active file's resume state in a thread of its own.

        Each checkpoint flushes its file's data to disk first, which takes as long as the disk
        needs: on a disk slower than the link, about a second of a 1 GiB download (measured),
        during which a ticker that saved them itself published no progress and started no
        write-back.
        """
        thread = threading.Thread(
            target=self._save_checkpoints,
            args=(self._active_downloads(),),
            name="hfsuite-checkpoint",
            daemon=True,
        )
        self._checkpointing = thread
        thread.start()

    @staticmethod
    def _save_checkpoints(downloads: list[FileDownload]) -> None:
        for download in downloads:
            try:
                download.save_checkpoint()
            except Exception:  # a bug: logged; the download goes on
                log.exception("a checkpoint failed")

    def _interrupt_reads(self) -> None:
        for download in self._active_downloads():
            download.interrupt_reads()

    def _active_downloads(self) -> list[FileDownload]:
        with self._active_lock:
            return list(self._active.values())

    def _publish_progress(self) -> None:
        with self._active_lock:
            active = list(self._active.values())
        files = tuple(d.progress() for d in active)
        done = self._finished_bytes + sum(f.done_bytes for f in files)
        self.meter.update(done)
        speed = self.meter.speed_bps
        self.emit(
            TransferProgressed(
                self.task_id,
                done_bytes=done,
                total_bytes=self._total_bytes,
                speed_bps=speed,
                eta_s=self.meter.eta_s(self._total_bytes - done),
                files=files,
            )
        )


def _next_from(queues: tuple[queue.SimpleQueue[RemoteFile], ...]) -> RemoteFile | None:
    for q in queues:
        try:
            return q.get_nowait()
        except queue.Empty:
            continue
    return None
