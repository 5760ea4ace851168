"""The end of a task's run, decided without a database: (row state, error, outcome) → next."""

from __future__ import annotations

import pytest

from hfsuite.app.queue.outcome import Decision, Ending, decide, ending_of
from hfsuite.core.errors import HfSuiteError, OperationCancelled
from hfsuite.core.types import Outcome, TaskState

R, Q, P = TaskState.RUNNING, TaskState.QUEUED, TaskState.PAUSED
C, F, D = TaskState.CANCELLED, TaskState.FAILED, TaskState.COMPLETED
DONE = object()  # the download returned an outcome
CANCEL = OperationCancelled("Download cancelled.")
BROKEN = HfSuiteError("the server said no")
BUG = ValueError("unexpected")

# row state now, mine, cancel_on_stop, error, outcome → state written, only_from, history
TABLE: list[tuple[TaskState | None, bool, bool, BaseException | None, object, Decision]] = [
    # It completed: whatever the row says now, the bytes are there.
    (R, True, False, None, DONE, Decision(D, history=Outcome.COMPLETED)),
    (P, False, False, None, DONE, Decision(D, history=Outcome.COMPLETED)),
    (C, False, False, None, DONE, Decision(D, history=Outcome.COMPLETED)),
    (R, True, True, None, DONE, Decision(D, history=Outcome.COMPLETED)),
    # It stopped (cancelled through its control, or ended without an outcome).
    (R, True, False, CANCEL, None, Decision(Q, only_from=(R,))),  # the runner stops: requeue
    (R, True, False, None, None, Decision(Q, only_from=(R,))),
    (R, True, True, CANCEL, None, Decision(C, history=Outcome.CANCELLED)),  # download cancelled
    (C, False, False, CANCEL, None, Decision(history=Outcome.CANCELLED)),  # a user cancelled it
    (C, False, True, CANCEL, None, Decision(history=Outcome.CANCELLED)),
    (P, False, False, CANCEL, None, Decision()),  # paused: left as the user put it
    (P, False, True, CANCEL, None, Decision()),
    (Q, False, False, CANCEL, None, Decision()),  # requeued by another runner meanwhile
    (R, False, False, CANCEL, None, Decision()),  # running under someone else's claim
    # It failed.
    (R, True, False, BROKEN, None, Decision(F, history=Outcome.FAILED)),
    (R, True, False, BUG, None, Decision(F, history=Outcome.FAILED)),
    (R, True, True, BROKEN, None, Decision(F, history=Outcome.FAILED)),
    (R, False, False, BROKEN, None, Decision()),  # running under someone else's claim
    (C, False, False, BROKEN, None, Decision(history=Outcome.CANCELLED)),
    (P, False, False, BROKEN, None, Decision()),
    (Q, False, False, BUG, None, Decision()),
    # Removed while it ran: nothing to write, whatever happened.
    (None, False, False, None, DONE, Decision()),
    (None, False, False, CANCEL, None, Decision()),
    (None, False, False, BROKEN, None, Decision()),
]


@pytest.mark.parametrize(("state", "mine", "cancel_on_stop", "error", "outcome", "expected"), TABLE)
def test_the_next_state_of_a_task_whose_run_ended(
    state: TaskState | None,
    mine: bool,
    cancel_on_stop: bool,
    error: BaseException | None,
    outcome: object,
    expected: Decision,
) -> None:
    ending = ending_of(outcome is not None, error)
    assert decide(state, ending, mine=mine, cancel_on_stop=cancel_on_stop) == expected


def test_how_a_download_ended() -> None:
    assert ending_of(True, None) is Ending.COMPLETED
    assert ending_of(False, None) is Ending.STOPPED
    assert ending_of(False, CANCEL) is Ending.STOPPED
    assert ending_of(False, BROKEN) is Ending.FAILED
    assert ending_of(False, KeyboardInterrupt()) is Ending.FAILED
