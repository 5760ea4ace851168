"""The seams of the task runner: what it needs from its host, and what a task's download is.

```
DownloadManager ──implements──► RunnerHost ◄──uses── QueueRunner ──runs──► DownloadJob
      │                                                   ▲                 (a fresh download,
      └── imports runner,         keeps LocalRunner ──────┘                  or an early one)
```

The runner (:mod:`hfsuite.app.queue.runner`) never imports the manager: it is given a
:class:`RunnerHost` (the manager, or a small fake in a test). The host keeps the runners of its
process as :class:`LocalRunner` values to wake them after a local change and to wait until they
let go of a task.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Protocol

from hfsuite.engine.transfer import TransferControl

if TYPE_CHECKING:
    from hfsuite.app.download.operation import DownloadOutcome, DownloadPlan, DownloadRequest
    from hfsuite.app.events import EventBus
    from hfsuite.app.queue.progress import ProgressTracker
    from hfsuite.app.suite import Suite
    from hfsuite.core.events import Event
    from hfsuite.storage import Database, TaskChanges


class LocalRunner(Protocol):
    """A runner as its host sees it."""

    def wake(self) -> None:
        """Re-check the database now (after a local change)."""

    def owns_any(self, task_ids: Collection[int]) -> bool:
        """Whether this runner is downloading one of these tasks."""

    def wait_released(self, task_ids: Collection[int], timeout_s: float) -> bool:
        """Wait until none of these tasks is downloading here. Returns whether that happened."""


class RunnerHost(Protocol):
    """What a runner needs: the queue's database, settings, events, progress and queue state."""

    @property
    def suite(self) -> Suite:
        """Settings, clock, redactor and shared bandwidth limit."""

    @property
    def db(self) -> Database:
        """The database the queue lives in."""

    @property
    def events(self) -> EventBus:
        """Where the runner publishes engine events and progress batches (and listens)."""

    @property
    def tracker(self) -> ProgressTracker:
        """Live progress of the tasks this process downloads."""

    @property
    def tasks_in_parallel(self) -> int:
        """How many tasks a queue runner downloads at once."""

    def sync(self) -> TaskChanges:
        """Pick up queue changes of any process and publish them as events."""

    def has_queued(self) -> bool:
        """Whether the last sync saw a task waiting to run (no database access)."""

    def attach(self, runner: LocalRunner) -> Callable[[], None]:
        """Know this runner while it runs; returns the function that forgets it again."""


class DownloadJob(Protocol):
    """A task's download as the runner drives it.

    Attributes:
        control: Cancels or limits the transfer.
        started_mono: When it started (monotonic clock), for the duration in history.
        started_at: When it started (epoch seconds).
    """

    control: TransferControl
    started_mono: float
    started_at: float

    def run(
        self,
        task_id: int,
        on_event: Callable[[Event], None],
        on_plan: Callable[[DownloadPlan], None],
    ) -> DownloadOutcome:
        """Download (or take over a download already running) for a task, until it ends.

        Raises:
            HfSuiteError: what the download raised (OperationCancelled when cancelled).
        """


class StartedDownload:
    """What every :class:`DownloadJob` starts with: its suite and request, a control of its own,
    and when it started (a fresh download now, an early one before its task existed).

    Args:
        suite: Settings, clock and shared bandwidth limit.
        request: What to download.
    """

    def __init__(self, suite: Suite, request: DownloadRequest):
        self.suite = suite
        self.request = request
        self.control = TransferControl()
        self.started_mono = suite.clock.monotonic()
        self.started_at = suite.clock.now()
