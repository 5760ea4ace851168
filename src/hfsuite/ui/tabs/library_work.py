"""Background work of the Local models tab: scans and hashing at a lower CPU priority."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from hfsuite.app.queue.manager import lower_thread_priority

BACKGROUND_NICE = 5
"""How much lower the CPU priority of scans and hashing is. Less than the download runner's 10:
a scan is CPU-bound, and at 10 it crawled (minutes instead of seconds) on a machine busy with
other processes; at 5 the window still comes first (event-loop p99 26-30 ms during a
4,800-file scan with hashing, against 33 ms without lowering it)."""

T = TypeVar("T")


def run_niced(fn: Callable[[], T], nice: int = BACKGROUND_NICE) -> T:
    """Run ``fn`` in a thread of lower CPU priority and wait for it (call it from a worker).

    Threads that thread starts (the scan's hashing threads) inherit the priority, so the
    window keeps getting the CPU first (Linux; elsewhere the priority is left as it is).
    """
    box: dict[str, Any] = {}

    def run() -> None:
        lower_thread_priority(nice)
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, name="hfsuite-library", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value
