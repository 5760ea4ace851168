"""What a task becomes once its download ended: a pure decision over the row and the ending.

```
ending_of(outcome, error)   completed | stopped (cancelled, or no outcome) | failed
decide(row state, ending, mine, cancel_on_stop)  →  Decision(state to write, history outcome)
```

The runner reads the row in the write transaction that records the end, calls :func:`decide`,
and applies the decision (state, progress, history). Nothing here touches the database, so the
whole table of cases is tested without one (``tests/unit/app/test_task_outcome.py``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hfsuite.core.errors import OperationCancelled
from hfsuite.core.types import Outcome, TaskState


class Ending(enum.Enum):
    """How a task's download ended, as far as the download itself knows."""

    COMPLETED = "completed"
    """Every file is on disk and verified."""
    STOPPED = "stopped"
    """Cancelled through its control (a pause, a cancel, the runner stopping)."""
    FAILED = "failed"
    """An error."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What to write for a task whose download ended.

    Attributes:
        state: The row's new state; None leaves the row's state as it is.
        only_from: Change the state only if the row is in one of these (None: any).
        history: The history entry to write, which is also how the run is counted; None: no
            entry, the run counts as stopped (paused, requeued, removed).
    """

    state: TaskState | None = None
    only_from: tuple[TaskState, ...] | None = None
    history: Outcome | None = None


def ending_of(has_outcome: bool, error: BaseException | None) -> Ending:
    """Classify a finished download.

    Args:
        has_outcome: Whether the download returned an outcome.
        error: What it raised, if anything.
    """
    if error is None:
        return Ending.COMPLETED if has_outcome else Ending.STOPPED
    return Ending.STOPPED if isinstance(error, OperationCancelled) else Ending.FAILED


def decide(
    current: TaskState | None, ending: Ending, *, mine: bool, cancel_on_stop: bool
) -> Decision:
    """The next state of a task whose download ended.

    Args:
        current: The row's state now (None: the task was removed meanwhile).
        ending: How the download ended.
        mine: Whether the row still says RUNNING under this runner's claim.
        cancel_on_stop: Whether this runner was told to cancel (not requeue) what it stops.

    Returns:
        The decision; a removed task gets an empty one (nothing to write).
    """
    if current is None:
        return Decision()
    if ending is Ending.COMPLETED:
        # The bytes are there whatever happened to the row meanwhile.
        return Decision(TaskState.COMPLETED, history=Outcome.COMPLETED)
    if current is TaskState.CANCELLED:  # cancelled by a user while it ran: record it now
        return Decision(history=Outcome.CANCELLED)
    if ending is Ending.STOPPED:
        if mine and cancel_on_stop:
            return Decision(TaskState.CANCELLED, history=Outcome.CANCELLED)
        if mine:  # the runner stops: back to the queue, resumed by the next run
            return Decision(TaskState.QUEUED, only_from=(TaskState.RUNNING,))
        return Decision()  # paused or requeued meanwhile: leave it as the user put it
    if current is TaskState.RUNNING and mine:
        return Decision(TaskState.FAILED, history=Outcome.FAILED)
    # Failed, but the row was claimed by another runner meanwhile (ours was taken for dead):
    # that runner owns the task now, its own ending decides.
    return Decision()
