"""Handing out byte ranges of one file to parallel connections.

There is no fixed split. Missing bytes sit in a queue of gaps, lowest offset first; a connection
that asks for work gets the next segment from the front (so the written prefix grows nearly
contiguously, which lets SHA-256 follow right behind). When the queue is empty, an idle
connection *steals* the second half of the largest segment still in flight, so a slow
connection never holds up the tail of a file. The victim notices its segment end moved and
stops there.

All methods are thread-safe; the transfer loop may call them from any thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from hfsuite.engine.ranges import RangeSet

MIB = 1 << 20
_ALIGN = 64 * 1024


@dataclass(eq=False)
class Segment:
    """A range of the file assigned to one connection.

    Attributes:
        start: First byte of the segment.
        end: One past the last byte; can move down when another connection steals the tail.
        pos: Next byte to be reserved for writing (``start <= pos <= end``).
    """

    start: int
    end: int
    pos: int = field(default=-1)

    def __post_init__(self) -> None:
        if self.pos < 0:
            self.pos = self.start

    @property
    def remaining(self) -> int:
        """Bytes not yet reserved."""
        return self.end - self.pos


class SegmentScheduler:
    """Assigns the missing bytes of one file to connections.

    Args:
        size: File size in bytes.
        done: Bytes already on disk (from a previous run).
        connections: How many connections will share the file (sizes the segments).
        min_segment: Never split below this (a steal needs twice this much left).
        max_segment: Upper bound of a fresh segment.
    """

    def __init__(
        self,
        size: int,
        done: RangeSet | None = None,
        *,
        connections: int = 8,
        min_segment: int = 1 * MIB,
        max_segment: int = 64 * MIB,
    ):
        self.size = size
        self.done = RangeSet(done or ())
        self.connections = max(1, connections)
        self.min_segment = max(_ALIGN, min_segment)
        self.max_segment = max(self.min_segment, max_segment)
        self._gaps: list[tuple[int, int]] = self.done.missing(size)
        self._active: list[Segment] = []
        self._ramp = 0  # segments handed out so far in the staggered first wave
        self._lock = threading.Lock()

    # --- handing out work ----------------------------------------------------------------
    def share(self, connections: int) -> None:
        """Size the segments handed out from now on for ``connections`` connections.

        A file whose count settled below the one it was sized for gets longer segments: fewer
        requests, each connection busy longer between two of them (a 1 GiB file kept at 4
        connections took 56-71 requests instead of 159).
        """
        with self._lock:
            self.connections = max(1, connections)

    def next_segment(self) -> Segment | None:
        """The next segment for an idle connection, or None when nothing is left to take."""
        with self._lock:
            if self._gaps:
                return self._take_from_gaps()
            return self._steal()

    def _take_from_gaps(self) -> Segment:
        start, end = self._gaps[0]
        unassigned = sum(e - s for s, e in self._gaps)
        want = _clamp(-(-unassigned // self.connections), self.min_segment, self.max_segment)
        if self._ramp < self.connections:  # the staggered first wave
            self._ramp += 1
            want = max(self.min_segment, want * self._ramp // self.connections)
        cut = min(end, _align_up(start + want))
        if end - cut < self.min_segment // 2:  # don't leave a crumb behind
            cut = end
        if cut >= end:
            self._gaps.pop(0)
        else:
            self._gaps[0] = (cut, end)
        seg = Segment(start, cut)
        self._active.append(seg)
        return seg

    def _steal(self) -> Segment | None:
        victim = max(self._active, key=lambda s: s.remaining, default=None)
        if victim is None or victim.remaining < 2 * self.min_segment:
            return None
        split = _align_up(victim.pos + victim.remaining // 2)
        if split >= victim.end:
            return None
        seg = Segment(split, victim.end)
        victim.end = split
        self._active.append(seg)
        return seg

    def take_over(self, victim: Segment) -> Segment | None:
        """The unreserved rest of ``victim`` as a new segment (its connection went silent).

        The victim's end moves to where it stands, so if its connection wakes up it stops at
        its next :meth:`reserve`. None when the victim is no longer active or has nothing left.
        """
        with self._lock:
            if victim not in self._active or victim.remaining <= 0:
                return None
            seg = Segment(victim.pos, victim.end)
            victim.end = victim.pos
            self._active.append(seg)
            return seg

    # --- bookkeeping while writing -------------------------------------------------------
    def reserve(self, seg: Segment, nbytes: int) -> int:
        """Reserve up to ``nbytes`` at ``seg.pos`` for writing; returns how many may be written.

        0 means the segment is complete (or its tail was stolen): stop reading this response.
        """
        with self._lock:
            n = max(0, min(nbytes, seg.end - seg.pos))
            seg.pos += n
            return n

    def written(self, start: int, nbytes: int) -> None:
        """Record that ``[start, start + nbytes)`` is on disk."""
        with self._lock:
            self.done.add(start, start + nbytes)

    def release(self, seg: Segment, written_upto: int | None = None) -> None:
        """A connection is done with ``seg`` (finished, failed or cancelled).

        Bytes reserved but not written (``written_upto`` .. ``seg.pos``) and the unreserved rest
        go back to the queue so another connection picks them up.
        """
        with self._lock:
            if seg in self._active:
                self._active.remove(seg)
            back_from = seg.pos if written_upto is None else min(written_upto, seg.pos)
            if back_from < seg.end:
                self._return_gap(back_from, seg.end)
            seg.end = min(seg.end, back_from)

    def _return_gap(self, start: int, end: int) -> None:
        gaps = RangeSet(self._gaps)
        gaps.add(start, end)
        self._gaps = list(gaps)

    # --- state -------------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """Every byte of the file is written."""
        with self._lock:
            return self.done.covers(0, self.size)

    def has_work(self) -> bool:
        """Whether a new connection would get something: a gap, or a segment worth splitting."""
        with self._lock:
            if self._gaps:
                return True
            return any(s.remaining >= 2 * self.min_segment for s in self._active)

    def left(self) -> int:
        """Bytes not yet reserved by a connection: the gaps and what the segments in flight
        have still to take."""
        with self._lock:
            return sum(e - s for s, e in self._gaps) + sum(s.remaining for s in self._active)

    @property
    def active_count(self) -> int:
        """Segments currently held by connections."""
        with self._lock:
            return len(self._active)

    def prefix_end(self) -> int:
        """End of the written bytes counted from the start of the file."""
        with self._lock:
            return self.done.contiguous_prefix()

    def snapshot(self) -> RangeSet:
        """A copy of the written ranges (for persisting resume state)."""
        with self._lock:
            return RangeSet(self.done)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _align_up(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN
