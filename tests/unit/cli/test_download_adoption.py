"""When ``hfsuite download`` makes the task of a download it started before opening the
database: not while the download looks like ending soon (it then goes to the journal of
finished downloads), at once when it does not. The clock is a manual one, moved by the waits."""

from __future__ import annotations

from dataclasses import dataclass, field

from hfsuite.cli import download_cmd
from hfsuite.core.clock import ManualClock


@dataclass
class _Suite:
    clock: ManualClock = field(default_factory=ManualClock)


class _Early:
    """A download whose bytes began at ``moving_since``, reporting ``etas`` one per wait, that
    ends after ``ends_after_s`` of waiting (None: never)."""

    def __init__(
        self,
        clock: ManualClock,
        etas: list[float | None],
        ends_after_s: float | None,
        moving_since: float | None = 0.0,
    ):
        self.clock, self.etas, self.ends_after_s = clock, list(etas), ends_after_s
        self.moving_since = moving_since
        self.eta_s: float | None = None

    def wait(self, timeout_s: float) -> bool:
        self.clock.advance(timeout_s)
        if self.etas:
            self.eta_s = self.etas.pop(0)
        return self.ends_after_s is not None and self.clock.monotonic() >= self.ends_after_s


def _ends_soon(
    etas: list[float | None], ends_after_s: float | None, **kw: object
) -> tuple[bool, float]:
    suite = _Suite()
    early = _Early(suite.clock, etas, ends_after_s, **kw)  # type: ignore[arg-type]
    ended = download_cmd._ends_soon(early, suite)  # type: ignore[arg-type]
    return ended, suite.clock.monotonic()


def test_a_download_about_to_end_is_waited_for() -> None:
    # 1.6 s of bytes, each estimate under the threshold: no task is made for it.
    ended, at = _ends_soon([1.5, 1.2, 0.9, 0.6] + [0.3] * 100, ends_after_s=1.6)
    assert ended and 1.6 <= at < 1.6 + 2 * download_cmd._POLL_S


def test_a_long_download_gets_its_task_after_its_first_second() -> None:
    ended, at = _ends_soon([30.0] * 1000, ends_after_s=None)
    assert not ended
    assert (
        download_cmd._ADOPT_AFTER_S <= at < download_cmd._ADOPT_AFTER_S + 2 * download_cmd._POLL_S
    )


def test_a_download_with_no_estimate_gets_its_task() -> None:
    ended, at = _ends_soon([None] * 1000, ends_after_s=None)
    assert not ended and at < download_cmd._ADOPT_AFTER_S + 2 * download_cmd._POLL_S


def test_a_download_that_keeps_saying_it_ends_soon_gets_its_task_in_the_end() -> None:
    ended, at = _ends_soon([0.5] * 10_000, ends_after_s=None)
    assert not ended
    assert download_cmd._ADOPT_BY_S <= at < download_cmd._ADOPT_BY_S + 2 * download_cmd._POLL_S


def test_a_download_whose_bytes_never_started_gets_its_task_at_once() -> None:
    ended, at = _ends_soon([], ends_after_s=None, moving_since=None)
    assert not ended and at <= download_cmd._POLL_S
