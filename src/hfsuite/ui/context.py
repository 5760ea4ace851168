"""What every tab and dialog receives: the app facade plus helpers for the UI thread.

``run_async`` is the one way to do slow work (network, disk, database): the function runs on a
worker thread, and its result (or its error) comes back on the Qt main thread. Errors reach
the user through one presenter (``show_error``), toasts through ``notify``; the main window
installs both.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from hfsuite.core.errors import HfSuiteError
from hfsuite.ui.bridge import EngineBridge

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Relay(QObject):
    """Lives on the main thread; a queued signal carries results back to it."""

    finished = Signal(object, object, object)  # callback, value, error

    @Slot(object, object, object)
    def deliver(self, callback: Any, value: Any, error: Any) -> None:
        callback(value, error)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, callback: Callable[[Any, Any], None]):
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.callback = callback

    def run(self) -> None:
        try:
            value, error = self.fn(), None
        except BaseException as exc:
            value, error = None, exc
        self.relay.finished.emit(self.callback, value, error)


class UiContext(QObject):
    """Shared by the main window, tabs and dialogs.

    Args:
        suite: The application facade (settings, database…).
        manager: The download manager (queue, history, events).
        pool: Worker threads for :meth:`run_async` (default: a private pool).
    """

    #: Ask the main window to switch theme (``system``, ``light`` or ``dark``).
    theme_requested = Signal(str)
    #: The global speed limit changed (bytes per second, 0: none); views showing it follow.
    global_limit_changed = Signal(int)

    def __init__(self, suite: Suite, manager: DownloadManager, pool: QThreadPool | None = None):
        super().__init__()
        self.suite = suite
        self.manager = manager
        self.pool = pool or QThreadPool()
        self.pool.setMaxThreadCount(max(4, self.pool.maxThreadCount()))
        self._relay = _Relay()
        self._relay.finished.connect(self._relay.deliver)
        self._pending = 0
        #: Set by :meth:`close`: no new background job starts (a late timer or event must not
        #: reopen the database the suite has closed).
        self.closed = False
        self._bridge: EngineBridge | None = None
        #: Installed by the main window: shows an error (toast with details).
        self.error_presenter: Callable[[BaseException], None] = _log_error
        #: Installed by the main window: shows a short notice.
        self.notifier: Callable[[str], None] = lambda text: log.info("%s", text)

    def run_async(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn`` on a worker thread; ``on_done(result)`` or ``on_error(exc)`` on this thread.

        Without ``on_error`` an error goes to :meth:`show_error`. Cancellation
        (:class:`~hfsuite.core.errors.OperationCancelled`) is not shown. Once the context is
        closed nothing runs.
        """
        if self.closed:
            return
        self._pending += 1

        def callback(value: Any, error: Any) -> None:
            self._pending -= 1
            if error is None:
                if on_done is not None:
                    on_done(value)
            elif on_error is not None:
                on_error(error)
            else:
                self.show_error(error)

        self.pool.start(_Job(fn, self._relay, callback))

    @property
    def bridge(self) -> EngineBridge:
        """Manager events as batched Qt signals (created on first use, shared by all tabs)."""
        if self._bridge is None:
            self._bridge = EngineBridge(self.manager, self.run_async)
        return self._bridge

    @property
    def busy(self) -> bool:
        """Whether background jobs are still running (tests wait on this)."""
        return self._pending > 0

    def set_global_limit(self, rate_bps: int) -> None:
        """Change the bandwidth limit of all downloads at once (in memory, not saved)."""
        rate_bps = max(0, int(rate_bps))
        if rate_bps != self.suite.global_bucket.rate_bps:
            self.suite.global_bucket.set_rate(rate_bps)
            self.global_limit_changed.emit(rate_bps)

    def close(self, timeout_ms: int = 10_000) -> None:
        """Stop the bridge's timers and wait for background jobs (the app is closing)."""
        self.closed = True
        if self._bridge is not None:
            self._bridge.close()
        self.pool.waitForDone(timeout_ms)

    def show_error(self, error: BaseException) -> None:
        """Present an error to the user (the one error presenter)."""
        from hfsuite.core.errors import OperationCancelled

        if isinstance(error, OperationCancelled):
            return
        if not isinstance(error, HfSuiteError):
            log.error("unexpected error", exc_info=error)
        self.error_presenter(error)

    def notify(self, text: str) -> None:
        """Show a short notice (a toast)."""
        self.notifier(text)


def _log_error(error: BaseException) -> None:
    log.error("%s", error)
