"""A fault rule's ``probability`` applies it to that share of the matching requests."""

from __future__ import annotations

from hfsuite.testing._faults import FaultRule, FaultSettings


def _dropped(settings: FaultSettings, n: int) -> int:
    return sum(
        settings.plan("GET", "/f.bin", "/f.bin", "cdn").drop_after_bytes is not None
        for _ in range(n)
    )


def test_probability_applies_to_about_that_share_and_repeats() -> None:
    first, second = FaultSettings(), FaultSettings()
    for settings in (first, second):
        settings.update(
            {"add_rules": [{"path": "*.bin", "probability": 0.3, "drop_after_bytes": 9}]}
        )
    hits = _dropped(first, 2000)
    assert 500 < hits < 700
    assert _dropped(second, 2000) == hits  # seeded: a benchmark's faults repeat
    (rule,) = first.rules
    assert rule.matched == 2000


def test_probability_round_trips_and_defaults_to_always() -> None:
    rule = FaultRule.from_dict({"path": "*", "probability": 0.2, "stall_after_bytes": 1})
    assert FaultRule.from_dict(rule.to_dict()).probability == 0.2
    settings = FaultSettings()
    settings.add_rule(FaultRule(path="*.bin", drop_after_bytes=1))
    assert _dropped(settings, 50) == 50
