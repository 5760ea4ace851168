"""Queue benchmark: 10,000 tasks through the real manager, and the runner's memory over time.

    python bench/queue_10k.py [--tasks 10000] [--cycles 2000] [--downloads 1000]

Phase 1 times what the desktop app and the CLI do to a big queue (add, list, page, reorder,
drag and drop, priorities, pause/resume all, another process's view catching up).
Phase 2 runs the queue runner over the 10,000 paused tasks for many poll cycles while a client
thread keeps changing the queue, sampling traced Python memory and RSS.
Phase 3 lets the runner download many tiny tasks from the Hub emulator (each one plans, fetches,
verifies, writes history and statistics) and samples memory every 10 % of them.
Memory should be flat: growth after warm-up is printed, and the script fails if it is large.
Everything runs on loopback in a temporary folder; nothing is kept.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hfsuite.app.events import EventQueue, TaskCompleted
from hfsuite.app.queue.manager import DownloadManager, MoveDirection, TaskOptions
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.core.types import Priority, TaskState
from hfsuite.testing import HubEmulator

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    """Resident memory of this process in MiB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * PAGE / (1 << 20)


def timed(label: str, fn: Callable[[], Any], results: list[tuple[str, float]]) -> Any:
    start = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - start
    results.append((label, elapsed))
    print(f"  {label:<44} {elapsed * 1000:9.1f} ms", flush=True)
    return value


def make_suite(folder: Path, endpoint: str, **env: str) -> Suite:
    store = SettingsStore(folder / "settings.toml")
    loaded = store.load(
        env={
            "HFSUITE_DB_URL": f"sqlite:///{folder / 'queue.db'}",
            "HF_ENDPOINT": endpoint,
            "HFSUITE_HF_HOME": str(folder / "hf-home"),
            **env,
        }
    )
    return Suite(loaded, store)


def phase_operations(manager: DownloadManager, n: int) -> list[tuple[str, float]]:
    print(f"Phase 1: {n:,} tasks")
    results: list[tuple[str, float]] = []
    names = [f"org{i % 97}/model-{i}" for i in range(n)]
    ids = timed(f"add {n:,} (one transaction)", lambda: manager.add_repos(names), results)
    tasks = timed("list all (queue order)", manager.list_tasks, results)
    assert len(tasks) == n
    timed(
        "list one page of 100 at offset n/2",
        lambda: manager.list_tasks(limit=100, offset=n // 2),
        results,
    )
    timed("counts by state", manager.counts, results)
    timed(f"reorder all {n:,} (reverse)", lambda: manager.reorder(list(reversed(ids))), results)
    timed(
        "100 drag-and-drops (move_before)",
        lambda: [manager.move_before(ids[i], ids[-1 - i]) for i in range(100)],
        results,
    )
    timed(
        "100 moves to the top",
        lambda: [manager.move(ids[i * 7], MoveDirection.TOP) for i in range(100)],
        results,
    )
    timed(
        f"priority high for {n // 10:,}",
        lambda: manager.set_priority(ids[::10], Priority.HIGH),
        results,
    )
    timed("pause all", manager.pause, results)
    timed("resume all", manager.resume, results)
    timed("pause all again", manager.pause, results)
    other = DownloadManager(manager.suite)
    other.sync()
    manager.reorder(ids)
    changes = timed(f"another process syncs {n:,} changed rows", other.sync, results)
    assert len(changes.tasks) == n
    return results


def phase_idle_runner(manager: DownloadManager, cycles: int) -> tuple[float, float]:
    print(f"Phase 2: runner over {len(manager.list_tasks()):,} paused tasks, {cycles:,} polls")
    stop = threading.Event()
    ids = [t.id for t in manager.list_tasks(limit=200)]

    def churn() -> None:  # another client keeps changing the queue
        i = 0
        while not stop.is_set():
            manager.move(ids[i % len(ids)], MoveDirection.TOP)
            manager.set_priority([ids[(i * 3) % len(ids)]], Priority(i % 3))
            i += 1
            time.sleep(0.002)

    samples: list[tuple[int, float, float]] = []
    counter = {"n": 0}
    original = manager.sync

    def counting_sync():  # type: ignore[no-untyped-def]
        counter["n"] += 1
        return original()

    manager.sync = counting_sync  # type: ignore[method-assign]
    failure: list[BaseException] = []

    def run() -> None:
        try:
            manager.run(watch=True, stop=stop, poll_interval_s=0.0, progress_interval_s=0.001)
        except BaseException as exc:
            failure.append(exc)

    runner = threading.Thread(target=run, daemon=True)
    client = threading.Thread(target=churn, daemon=True)
    runner.start()
    client.start()
    next_sample = cycles // 10
    deadline = time.monotonic() + 600
    while counter["n"] < cycles:
        if not runner.is_alive() or time.monotonic() > deadline:
            stop.set()
            raise RuntimeError(f"runner stopped after {counter['n']} polls: {failure}")
        time.sleep(0.01)
        if counter["n"] >= next_sample:
            gc.collect()
            samples.append((counter["n"], tracemalloc.get_traced_memory()[0] / 2**20, rss_mib()))
            next_sample += cycles // 10
    stop.set()
    runner.join(30)
    client.join(5)
    manager.sync = original  # type: ignore[method-assign]
    return _report(samples, "polls")


def phase_downloads(folder: Path, hub: HubEmulator, n: int) -> tuple[float, float]:
    print(f"Phase 3: runner downloads {n:,} tiny tasks from the emulator")
    suite = make_suite(folder / "p3", hub.url, HFSUITE_TASKS_IN_PARALLEL="4")
    manager = DownloadManager(suite)
    manager.sync()
    done = EventQueue()
    manager.subscribe(done)
    cache = folder / "p3" / "cache"
    names = [f"bench/tiny-{i % 50}" for i in range(n)]
    manager.add_repos(names, TaskOptions(destination=Destination.hf_cache(cache)))
    samples: list[tuple[int, float, float]] = []
    stop = threading.Event()
    runner = threading.Thread(target=manager.run, kwargs={"watch": False, "stop": stop})
    started = time.perf_counter()
    runner.start()
    completed = 0
    while runner.is_alive() or done.get(timeout=0) is not None:
        event = done.get(timeout=0.5)
        if isinstance(event, TaskCompleted):
            completed += 1
            if completed % max(1, n // 10) == 0:
                gc.collect()
                samples.append((completed, tracemalloc.get_traced_memory()[0] / 2**20, rss_mib()))
    runner.join()
    elapsed = time.perf_counter() - started
    states = manager.counts()
    print(
        f"  {states[TaskState.COMPLETED]:,} completed in {elapsed:.1f} s "
        f"({states[TaskState.COMPLETED] / elapsed:.0f} tasks/s)"
    )
    suite.close()
    return _report(samples, "tasks")


def _report(samples: list[tuple[int, float, float]], unit: str) -> tuple[float, float]:
    for count, traced, rss in samples:
        print(f"    after {count:>6,} {unit}: traced {traced:7.2f} MiB   RSS {rss:7.1f} MiB")
    if len(samples) < 3:
        return 0.0, 0.0
    warm = samples[1]  # the first sample includes one-time warm-up (imports, caches, pools)
    last = samples[-1]
    traced_growth, rss_growth = last[1] - warm[1], last[2] - warm[2]
    print(f"  growth after warm-up: traced {traced_growth:+.2f} MiB, RSS {rss_growth:+.1f} MiB")
    return traced_growth, rss_growth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=2_000)
    parser.add_argument("--downloads", type=int, default=1_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, HubEmulator(lfs_threshold=1 << 20) as hub:
        folder = Path(tmp)
        for i in range(50):
            hub.create_repo(f"bench/tiny-{i}", files={"config.json": b'{"i": %d}' % i})
        suite = make_suite(folder, hub.url)
        manager = DownloadManager(suite)
        manager.sync()
        phase_operations(manager, args.tasks)
        tracemalloc.start()  # after the timings: tracing slows Python down several times
        idle = phase_idle_runner(manager, args.cycles)
        suite.close()
        busy = phase_downloads(folder, hub, args.downloads)
    worst = max(idle[0], busy[0])
    if worst > 5.0:
        print(f"FAIL: traced memory grew by {worst:.1f} MiB after warm-up")
        return 1
    print("OK: memory flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
