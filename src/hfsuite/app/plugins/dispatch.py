"""Running post-download actions and notifications off the engine's threads, bounded.

A finished task hands its hook calls to an :class:`ActionQueue`: one dispatcher thread (a
daemon, started on the first call) takes them in order and runs each plugin's hook through
:meth:`~hfsuite.app.plugins.manager.PluginManager.call` (its own thread, a time limit, errors
caught). The runner that finished the task only puts an item on a queue, so a slow plugin never
delays a transfer, the queue's bookkeeping or the next task.

Bounds: at most ``max_pending`` calls wait (more are dropped with a warning); each call may take
``hook_timeout_s``; when the process ends, :meth:`ActionQueue.close` waits at most
``drain_timeout_s`` for what is queued, then says how many calls were not run.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from hfsuite.app.plugins.manager import PluginManager

__all__ = ["DRAIN_TIMEOUT_S", "MAX_PENDING", "ActionQueue"]

log = logging.getLogger(__name__)

MAX_PENDING = 256
"""Hook calls that may wait at once."""
DRAIN_TIMEOUT_S = 30.0
"""How long the end of the process waits for queued plugin calls."""

_STOP = object()
_LOAD = object()  # an item that only loads the plugins


class ActionQueue:
    """Hook calls run in order by one background thread.

    Args:
        manager: Loads the plugins (in the dispatcher thread, on its first call) and calls them.
        max_pending: Calls that may wait at once.
    """

    def __init__(self, manager: PluginManager, *, max_pending: int = MAX_PENDING):
        self.manager = manager
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_pending)
        self._idle = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._closed = False
        self.dropped = 0

    @property
    def pending(self) -> int:
        """Calls queued or running."""
        with self._idle:
            return self._pending

    def prepare(self) -> None:
        """Load the plugins now, in the dispatcher thread, so the first call at a task's end
        does not wait for it (reading every installed package's entry points, importing the
        plugins: 20 ms here, more in a large environment). Returns at once."""
        with self._idle:
            if self._thread is None and not self._closed:
                self._queue.put_nowait(_LOAD)  # the queue is empty: no thread took anything
                self._queued()

    def submit(self, hook: str, kwargs: dict[str, Any]) -> bool:
        """Queue one hook call; False when it was dropped (closed, or too many waiting)."""
        with self._idle:
            if self._closed:
                return False
            try:
                self._queue.put_nowait((hook, kwargs))
            except queue.Full:
                self.dropped += 1
                if self.dropped == 1:
                    log.warning(
                        "Too many plugin calls are waiting; %s is not run for this task "
                        "(and later ones while the plugins are busy).",
                        hook,
                    )
                return False
            self._queued()
        return True

    def _queued(self) -> None:
        """Count an item just queued; start the dispatcher on the first (``_idle`` held)."""
        self._pending += 1
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="hfsuite-plugins", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            hook, kwargs = ("load", {}) if item is _LOAD else item
            try:
                self.manager.load()
                if item is not _LOAD:
                    self.manager.call(hook, kwargs)
            except Exception:  # the manager isolates plugins; this is our own bug
                log.exception("plugin call %s failed", hook)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Wait until every queued call has run; returns whether that happened in time."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout_s)

    def close(self, timeout_s: float = DRAIN_TIMEOUT_S) -> int:
        """Take no more calls, wait at most ``timeout_s`` for the queued ones, stop the thread.

        Returns:
            How many calls were still queued or running when the time ran out (they are
            abandoned: a post-download action is not retried later).
        """
        with self._idle:
            self._closed = True
        finished = self.wait_idle(timeout_s)
        left = 0 if finished else self.pending
        if left:
            log.warning(
                "%d plugin call%s still running after %g s %s not waited for.",
                left,
                "" if left == 1 else "s",
                timeout_s,
                "is" if left == 1 else "are",
            )
        if self._thread is not None and finished:
            self._queue.put(_STOP)
        return left
