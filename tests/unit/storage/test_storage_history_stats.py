"""History (filters, favorites, export) and per-day statistics."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hfsuite.core.types import Layout, Outcome, RepoRef, RepoType, SourceKind
from hfsuite.storage import Database, HistoryQuery, HistorySpec, ManifestEntry

DAY = 86_400.0
T0 = 1_750_000_000.0


@pytest.fixture
def entries(db: Database) -> list[int]:
    rows = [
        HistorySpec(
            source=SourceKind.HUGGINGFACE,
            repo_id="stabilityai/sdxl",
            revision="main",
            commit="a" * 40,
            layout=Layout.HF_CACHE,
            outcome=Outcome.COMPLETED,
            destination="/cache",
            files=[ManifestEntry("unet/model.safetensors", 1000), ManifestEntry("über.json", 10)],
            bytes_downloaded=1010,
            duration_s=2.0,
            started_at=T0 - 2,
            finished_at=T0,
        ),
        HistorySpec(
            source=SourceKind.HUGGINGFACE,
            repo_id="org/data",
            repo_type=RepoType.DATASET,
            outcome=Outcome.FAILED,
            destination="/data",
            error="403 Forbidden: gated",
            finished_at=T0 + DAY,
        ),
        HistorySpec(
            source=SourceKind.URL,
            url="https://example.com/lora_100%.safetensors",
            outcome=Outcome.CANCELLED,
            destination="/loras",
            finished_at=T0 + 2 * DAY,
        ),
    ]
    with db.write() as uow:
        return [uow.history.add(r) for r in rows]


def repos(db: Database, query: HistoryQuery | None = None) -> list[str | None]:
    with db.read() as uow:
        return [h.repo_id or h.url for h in uow.history.find(query)]


def test_add_and_read_back(db: Database, entries: list[int]) -> None:
    with db.read() as uow:
        entry = uow.history.get(entries[0])
        assert uow.history.get(9999) is None
    assert entry is not None
    assert entry.files[1] == ManifestEntry("über.json", 10)
    assert entry.average_speed_bps == 505.0 and entry.layout is Layout.HF_CACHE
    assert entry.commit == "a" * 40 and not entry.is_favorite


def test_filters(db: Database, entries: list[int]) -> None:
    assert repos(db) == [
        "https://example.com/lora_100%.safetensors",
        "org/data",
        "stabilityai/sdxl",
    ]
    assert repos(db, HistoryQuery(text="SDXL")) == ["stabilityai/sdxl"]
    assert repos(db, HistoryQuery(text="unet/model")) == ["stabilityai/sdxl"]  # file names
    assert repos(db, HistoryQuery(text="über")) == ["stabilityai/sdxl"]
    assert repos(db, HistoryQuery(text="gated")) == ["org/data"]
    assert repos(db, HistoryQuery(text="100%")) == ["https://example.com/lora_100%.safetensors"]
    assert repos(db, HistoryQuery(text="a_b")) == []  # '_' is literal, not a wildcard
    assert repos(db, HistoryQuery(since=T0 + 1, until=T0 + 2 * DAY)) == ["org/data"]
    assert repos(db, HistoryQuery(outcomes=[Outcome.COMPLETED, Outcome.FAILED])) == [
        "org/data",
        "stabilityai/sdxl",
    ]
    assert repos(db, HistoryQuery(source=SourceKind.URL)) == [
        "https://example.com/lora_100%.safetensors"
    ]
    assert repos(db, HistoryQuery(limit=1, offset=1)) == ["org/data"]
    with db.read() as uow:
        assert uow.history.count(HistoryQuery(outcomes=[Outcome.FAILED])) == 1
        assert uow.history.count() == 3


def test_favorites(db: Database, entries: list[int]) -> None:
    ref = RepoRef("stabilityai/sdxl")
    with db.write() as uow:
        fav = uow.history.add_favorite(ref)
        again = uow.history.add_favorite(ref, note="the good one")
        uow.history.add_favorite(RepoRef("org/never-downloaded"))
    assert fav.id == again.id and again.note == "the good one"
    assert repos(db, HistoryQuery(favorites_only=True)) == ["stabilityai/sdxl"]
    with db.read() as uow:
        assert uow.history.is_favorite(ref)
        assert not uow.history.is_favorite(RepoRef("stabilityai/sdxl", RepoType.DATASET))
        assert [f.repo_id for f in uow.history.list_favorites()] == [
            "org/never-downloaded",
            "stabilityai/sdxl",
        ]
        assert uow.history.latest_for(ref).is_favorite  # type: ignore[union-attr]
    with db.write() as uow:
        assert uow.history.clear() == 3
        assert uow.history.is_favorite(ref)  # favorites outlive history
        assert uow.history.remove_favorite(ref)
        assert not uow.history.remove_favorite(ref)


def test_export_rows_are_flat_and_json_ready(db: Database, entries: list[int]) -> None:
    with db.read() as uow:
        rows = uow.history.export_rows(HistoryQuery(outcomes=[Outcome.COMPLETED]))
    (row,) = rows
    json.dumps(rows)  # serialisable as is
    assert row["finished_at"] == "2025-06-15T15:06:40+00:00"
    assert row["file_count"] == 2 and row["files"][0] == {
        "path": "unet/model.safetensors",
        "size": 1000,
    }
    assert row["outcome"] == "completed" and row["average_speed_bps"] == 505.0
    assert not any("token" in key for key in row)


def test_delete_and_clear_before(db: Database, entries: list[int]) -> None:
    with db.write() as uow:
        assert uow.history.delete([entries[0]]) == 1
        assert uow.history.delete([]) == 0
        assert uow.history.clear(before=T0 + 1.5 * DAY) == 1
    assert repos(db) == ["https://example.com/lora_100%.safetensors"]


def test_daily_stats_upsert_and_summary(db: Database) -> None:
    today = date(2025, 6, 15)
    with db.write() as uow:
        uow.stats.record(today, Outcome.COMPLETED, bytes_downloaded=1000, seconds=2.0)
        uow.stats.record(today, Outcome.COMPLETED, bytes_downloaded=3000, seconds=2.0)
        uow.stats.record(today, Outcome.FAILED, bytes_downloaded=0, seconds=0.5)
        uow.stats.record(date(2025, 6, 13), Outcome.CANCELLED, bytes_downloaded=10, seconds=1)
        uow.stats.record(date(2025, 5, 1), Outcome.COMPLETED, bytes_downloaded=10, seconds=1)
    with db.read() as uow:
        day = uow.stats.get(today)
        empty = uow.stats.get(date(2025, 6, 14))
        summary = uow.stats.summary(today, days=7)
        assert uow.stats.summary(today, days=0).days == ()
    assert (day.downloads, day.failures, day.bytes_downloaded, day.seconds) == (2, 1, 4000, 4.5)
    assert empty.downloads == 0 and empty.average_speed_bps == 0.0
    assert [d.day for d in summary.days] == [date(2025, 6, 9 + i) for i in range(7)]
    assert summary.downloads == 2 and summary.failures == 1
    assert summary.days[4].cancelled == 1
    assert summary.bytes_downloaded == 4010
    assert summary.average_speed_bps == pytest.approx(4010 / 5.5)
