"""Speed histories for the graphs: bursty progress reports in, one point per tick out.

```
progress batches (when the engine has news) ──► update({task id: bytes/s})
timer tick (four a second)                  ──► sample(): one point per history
                                                  all downloads: the sum
                                                  each task seen: its speed, 0 when absent
```

The engine reports progress only while bytes move; once no report came for ``stale_after_s``
the downloads stopped (or stalled), so the next points are zeros instead of the last speed
repeated forever. Qt-free, with an injected clock, so it is tested without waiting.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Iterable, Mapping


class SpeedSampler:
    """Per-task and total speed histories, sampled at a steady pace.

    Args:
        clock: Monotonic seconds (tests inject a fake one).
        length: Points kept per history (the oldest fall off).
        stale_after_s: Speeds older than this count as zero.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        length: int = 240,
        stale_after_s: float = 1.5,
    ):
        self._clock = clock
        self._length = length
        self._stale_after_s = stale_after_s
        self._speeds: dict[int, float] = {}
        self._updated_at: float | None = None
        self._total: collections.deque[float] = collections.deque(maxlen=length)
        self._tasks: dict[int, collections.deque[float]] = {}

    def update(self, speeds: Mapping[int, float]) -> None:
        """The latest speeds (bytes per second) of the tasks that are moving."""
        self._speeds = dict(speeds)
        self._updated_at = self._clock()

    def sample(self) -> None:
        """Add one point to every history (call at a steady pace)."""
        fresh = (
            self._updated_at is not None and self._clock() - self._updated_at < self._stale_after_s
        )
        speeds = self._speeds if fresh else {}
        self._total.append(sum(speeds.values()))
        for task_id, speed in speeds.items():
            history = self._tasks.get(task_id)
            if history is None:
                history = self._tasks[task_id] = collections.deque(maxlen=self._length)
            history.append(speed)
        for task_id, history in self._tasks.items():
            if task_id not in speeds:
                history.append(0.0)

    def history(self, task_id: int | None = None) -> list[float]:
        """The sampled speeds of a task, or of all downloads together (oldest first)."""
        if task_id is None:
            return list(self._total)
        return list(self._tasks.get(task_id, ()))

    def tracks(self, task_id: int) -> bool:
        """Whether the task was ever seen moving (so it has a history of its own)."""
        return task_id in self._tasks

    def forget(self, task_ids: Iterable[int]) -> None:
        """Drop the histories of these tasks (they left the queue)."""
        for task_id in task_ids:
            self._tasks.pop(task_id, None)
            self._speeds.pop(task_id, None)
