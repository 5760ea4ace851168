"""Queue changes pushed to other processes through PostgreSQL's LISTEN/NOTIFY.

A write transaction that moved the queue's change cursor (added, claimed, paused, finished,
removed a task…) sends ``NOTIFY hfsuite_queue`` as it commits (:meth:`Database.write`). A
:class:`QueueListener` holds one connection that LISTENs and calls back at once, so a worker on
another host picks up a new task, or stops a paused one, in milliseconds instead of at its next
poll. Polling stays as the fallback (SQLite has no notifications; a listener whose connection
drops reconnects with a back-off and meanwhile the poll carries on).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "hfsuite_queue"
"""The channel queue changes are announced on."""
_WAIT_S = 1.0
"""How long one wait for notifications lasts before the listener checks whether to stop."""


class QueueListener:
    """Calls ``on_change`` (in its own thread) whenever another transaction changed the queue.

    Args:
        engine: The engine of a PostgreSQL database (``Database.engine``; on SQLite
            :meth:`start` does nothing).
        on_change: Called after each batch of notifications; must not block.
    """

    def __init__(self, engine: Engine, on_change: Callable[[], None]):
        self.engine = engine
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()
        """Set while the LISTEN connection is up (tests wait for it)."""

    def start(self) -> QueueListener:
        """Start listening (PostgreSQL only). Returns self."""
        if self.engine.dialect.name != "postgresql" or self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._run, name="hfsuite-listen", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and close the connection (within about a second)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(_WAIT_S * 3)
            self._thread = None

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                self._listen()
                backoff = 0.5
            except Exception as exc:  # a dropped connection: polling carries on meanwhile
                self.listening.clear()
                log.info("queue notifications interrupted (%s); retrying", exc)
                if self._stop.wait(backoff):
                    return
                backoff = min(backoff * 2, 30.0)

    def _listen(self) -> None:
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql(f"LISTEN {CHANNEL}")
            driver: Any = conn.connection.driver_connection
            self.listening.set()
            try:
                while not self._stop.is_set():
                    got = False
                    for _ in driver.notifies(timeout=_WAIT_S, stop_after=1):
                        got = True
                    if got:
                        self.on_change()
            finally:
                self.listening.clear()
                conn.exec_driver_sql(f"UNLISTEN {CHANNEL}")
