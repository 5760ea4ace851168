"""Sets of byte ranges: what part of a file is on disk.

A :class:`RangeSet` holds disjoint, sorted, half-open intervals ``[start, end)`` and merges
neighbours as they are added. It is what resume state persists ("these bytes are written") and
what the scheduler asks ("which bytes are still missing").
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator


class RangeSet:
    """Disjoint sorted half-open byte ranges.

    Args:
        ranges: Initial ``(start, end)`` pairs, in any order, overlapping or not.
    """

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()):
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in ranges:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Mark ``[start, end)`` as present, merging with touching or overlapping ranges."""
        if end <= start:
            return
        i = bisect.bisect_left(self._ends, start)
        j = bisect.bisect_right(self._starts, end)
        if i < j:
            start = min(start, self._starts[i])
            end = max(end, self._ends[j - 1])
        self._starts[i:j] = [start]
        self._ends[i:j] = [end]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(zip(self._starts, self._ends, strict=True))

    def __len__(self) -> int:
        return len(self._starts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RangeSet) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"RangeSet({list(self)!r})"

    @property
    def total(self) -> int:
        """Number of bytes covered."""
        return sum(e - s for s, e in self)

    def contiguous_prefix(self) -> int:
        """Length of the run that starts at byte 0 (0 if byte 0 is missing)."""
        if self._starts and self._starts[0] == 0:
            return self._ends[0]
        return 0

    def covers(self, start: int, end: int) -> bool:
        """True when every byte of ``[start, end)`` is present."""
        if end <= start:
            return True
        i = bisect.bisect_right(self._starts, start) - 1
        return i >= 0 and self._ends[i] >= end

    def missing(self, size: int) -> list[tuple[int, int]]:
        """The gaps in ``[0, size)``."""
        gaps, pos = [], 0
        for s, e in self:
            if s >= size:
                break
            if s > pos:
                gaps.append((pos, s))
            pos = max(pos, e)
        if pos < size:
            gaps.append((pos, size))
        return gaps

    def to_json(self) -> list[list[int]]:
        """A JSON-friendly list of ``[start, end]`` pairs."""
        return [[s, e] for s, e in self]

    @classmethod
    def from_json(cls, data: Iterable[Iterable[int]]) -> RangeSet:
        """Inverse of :meth:`to_json` (ignores malformed pairs)."""
        pairs = []
        for item in data:
            pair = list(item)
            if len(pair) == 2 and all(isinstance(x, int) and x >= 0 for x in pair):
                pairs.append((pair[0], pair[1]))
        return cls(pairs)
