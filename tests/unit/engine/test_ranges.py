from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from hfsuite.engine.ranges import RangeSet


def test_merge_and_gaps() -> None:
    r = RangeSet([(10, 20), (0, 5), (5, 10), (30, 40)])
    assert list(r) == [(0, 20), (30, 40)]
    assert r.total == 30
    assert r.contiguous_prefix() == 20
    assert r.missing(50) == [(20, 30), (40, 50)]
    assert r.covers(0, 20) and not r.covers(15, 31)


def test_json_round_trip_ignores_junk() -> None:
    r = RangeSet([(0, 3), (7, 9)])
    assert RangeSet.from_json(r.to_json()) == r
    assert list(RangeSet.from_json([[1, 2], ["a", 3], [5], [-1, 4]])) == [(1, 2)]


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=40))
def test_matches_a_bitmap(pairs: list[tuple[int, int]]) -> None:
    r = RangeSet()
    bits = [False] * 200
    for a, b in pairs:
        r.add(a, b)
        for i in range(a, min(b, 200)):
            bits[i] = True
    assert r.total == sum(bits)
    starts_ends = list(r)
    assert all(s < e for s, e in starts_ends)
    assert all(e1 < s2 for (_, e1), (s2, _) in itertools.pairwise(starts_ends))
    gaps = r.missing(200)
    assert sum(e - s for s, e in gaps) == 200 - sum(bits)
