"""The emulator's request log: a clear forgets the requests under way, not only finished ones."""

from __future__ import annotations

import time

from hfsuite.testing._log import RequestLog, RequestRecord


def _record(path: str) -> RequestRecord:
    return RequestRecord(
        method="GET",
        path=path,
        query="",
        range=None,
        status=401,
        bytes_sent=0,
        connection_id=1,
        origin="hub",
        authorization=False,
        started=time.time(),
        duration_s=0.0,
    )


def test_a_request_answered_before_a_clear_but_recorded_after_it_is_forgotten() -> None:
    log = RequestLog()
    began = time.monotonic()
    log.clear()
    log.append(_record("/late"), began=began)
    assert log.records == []


def test_requests_that_arrive_after_a_clear_are_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    mirror = tmp_path / "log.jsonl"
    log = RequestLog(mirror)
    early = time.monotonic()
    log.clear()
    log.append(_record("/after"), began=time.monotonic())
    log.append(_record("/unknown-start"))
    log.append(_record("/late"), began=early)
    log.close()
    assert [r.path for r in log.records] == ["/after", "/unknown-start"]
    # The file mirrors every request the server answered, cleared or not.
    assert mirror.read_text(encoding="utf-8").count("\n") == 3
