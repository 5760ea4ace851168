"""Start-up with the cyclic garbage collector paused (the ``hfsuite`` command's, see launch.py).

A command spends most of its first half second importing (Typer, Rich, pydantic, SQLAlchemy
and the suite's own modules) and building classes. Those imports allocate hundreds of
thousands of objects and create almost no garbage, yet they trigger Python's cyclic collector
about 160 times, and its full collections walk everything loaded so far: measured on
``hfsuite library ls`` (1,000 rows), 58 ms of a 0.55 s command.

So :func:`hfsuite.cli.launch.entry` turns the collector off before the first import, and
:func:`end_startup` turns it back on once the suite is open
(:meth:`hfsuite.cli.main.CliState.suite`), after :func:`gc.freeze` has moved everything
loaded so far out of the collector's sight: long runs
(``queue run``, ``worker``, ``gui``) then collect as usual, and their full collections no longer
walk the modules. A command that never opens the suite gets the collector back after
:data:`STARTUP_PAUSE_S` at the latest.

``hfsuite download`` has a second burst: it opens the queue's database (SQLAlchemy and the
storage layer, imported then) while its first bytes move, and that import is what the end of
a short download waits for. :func:`imports_paused` pauses the collector for it the same way
(measured on a 200 MiB download: 0.03 s less to the end).

Only that entry point pauses the collector: importing :mod:`hfsuite` as a library, or running
:func:`hfsuite.cli.main.exit_code` in a test, changes nothing.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

STARTUP_PAUSE_S = 2.0
"""The longest the collector stays off, whatever the command does."""

_managed = False  # the launcher started this process: later pauses are allowed too
_paused = False
_timer: threading.Timer | None = None
_lock = threading.Lock()


def launch() -> None:
    """The ``hfsuite`` command starts: pause the collector for start-up (see the module)."""
    global _managed
    _managed = True
    pause_collector()


def pause_collector(limit_s: float = STARTUP_PAUSE_S) -> None:
    """Turn the cyclic collector off until :func:`end_startup`, at most ``limit_s`` seconds.

    Does nothing when the collector is already off (someone else's choice, which stays).
    """
    global _paused, _timer
    with _lock:
        if not gc.isenabled():
            return
        gc.disable()
        _paused = True
        _timer = threading.Timer(limit_s, end_startup)
        _timer.daemon = True
        _timer.name = "hfsuite-gc-resume"
        _timer.start()


def end_startup() -> None:
    """Start-up is over: freeze what is loaded and turn the collector back on, if
    :func:`pause_collector` turned it off (otherwise nothing changes)."""
    global _paused, _timer
    with _lock:
        if _timer is not None and _timer is not threading.current_thread():
            _timer.cancel()
        _timer = None
        if not _paused:
            return
        _paused = False
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def imports_paused() -> Iterator[None]:
    """Pause the collector for a later burst of imports, as for start-up; in a process the
    launcher started only (elsewhere, and when the collector is already off, nothing changes).
    """
    if not _managed:
        yield
        return
    pause_collector()
    try:
        yield
    finally:
        end_startup()
