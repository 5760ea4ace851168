"""A direct download that ends within its first seconds never opens the database: its record
goes to the journal of finished downloads, which the next opening of the database applies.

The installed command against the emulator: what the journal leaves in the database is what
a download that needed its task (a slow one) leaves, row for row; an unreadable entry is set
aside, not applied and not fatal.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy

MIB = 1 << 20

# Columns that differ between any two runs (times, durations, run ids, inode numbers); the
# ``sequences`` table counts changes (a task that ran has more of them than one recorded done).
_VOLATILE = (
    "_at",
    "duration",
    "seconds",
    "heartbeat",
    "claimed_by",
    "change_seq",
    "device",
    "inode",
    "mtime",
)


@pytest.fixture
def served(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    content = os.urandom(12 * MIB)
    hub.create_repo("acme/big", files={"model.safetensors": content, "config.json": b"{}"})
    return hub, content


def _journal(data_home: Path) -> list[Path]:
    return sorted((data_home / "hfsuite" / "finished").glob("*/*.json"))


def _rows(url: str, dest: Path) -> dict[str, list[dict[str, object]]]:
    """Every table's rows, the volatile columns left out and the destination named alike."""
    engine = sqlalchemy.create_engine(url)
    out: dict[str, list[dict[str, object]]] = {}
    try:
        with engine.connect() as conn:
            for table in sorted(sqlalchemy.inspect(conn).get_table_names()):
                if table == "sequences":
                    continue
                rows = conn.execute(sqlalchemy.text(f'SELECT * FROM "{table}"')).mappings()
                out[table] = sorted(
                    (
                        {
                            k: (str(v).replace(str(dest), "<dest>") if isinstance(v, str) else v)
                            for k, v in row.items()
                            if not any(part in k for part in _VOLATILE)
                        }
                        for row in rows
                    ),
                    key=repr,
                )
    finally:
        engine.dispose()
    return out


def test_a_quick_download_is_recorded_as_one_that_needed_its_task(  # type: ignore[no-untyped-def]
    served, hfsuite_cmd, tmp_path
):
    hub, content = served
    quick_home, slow_home = tmp_path / "quick", tmp_path / "slow"
    quick_url, slow_url = f"sqlite:///{tmp_path / 'quick.db'}", f"sqlite:///{tmp_path / 'slow.db'}"
    quick = {"HF_ENDPOINT": hub.url, "XDG_DATA_HOME": str(quick_home), "HFSUITE_DB_URL": quick_url}
    slow = {"HF_ENDPOINT": hub.url, "XDG_DATA_HOME": str(slow_home), "HFSUITE_DB_URL": slow_url}
    dest = tmp_path / "d"

    done = hfsuite_cmd("download", "acme/big", "--local-dir", str(dest), env=quick)
    assert done.returncode == 0, done.stderr
    assert (dest / "model.safetensors").read_bytes() == content
    assert len(_journal(quick_home)) == 1, "ended within its first seconds: journaled"
    listed = hfsuite_cmd("queue", "ls", "--json", env=quick)  # opens the database: applies it
    assert listed.returncode == 0, listed.stderr
    assert _journal(quick_home) == []
    (task,) = json.loads(listed.stdout)["tasks"]
    assert (task["repo_id"], task["state"]) == ("acme/big", "completed")

    # The same download, slow enough (64 KiB/s per connection) to be adopted by its task
    # while it runs, into the same folder (emptied) so that every path is the same.
    for f in dest.rglob("*"):
        if f.is_file():
            f.unlink()
    hub.throttle(per_connection_bps=MIB // 16)
    done = hfsuite_cmd("download", "acme/big", "--local-dir", str(dest), env=slow)
    assert done.returncode == 0, done.stderr
    assert _journal(slow_home) == [], "slow: its task adopted it while it ran"
    assert (dest / "model.safetensors").read_bytes() == content

    quick_rows, slow_rows = _rows(quick_url, dest), _rows(slow_url, dest)
    for table in ("tasks", "task_files", "history", "daily_stats", "model_versions"):
        assert quick_rows.get(table), f"no {table} rows: {sorted(quick_rows)}"
    assert quick_rows == slow_rows
    assert any(r.get("sha256") for r in quick_rows["file_hashes"]), "the verified hash is kept"


def test_an_unreadable_journal_entry_is_set_aside(  # type: ignore[no-untyped-def]
    served, hfsuite_cmd, tmp_path
):
    hub, _ = served
    env = {"HF_ENDPOINT": hub.url}
    done = hfsuite_cmd("download", "acme/big", "--local-dir", str(tmp_path / "d"), env=env)
    assert done.returncode == 0, done.stderr
    data_home = Path(os.environ["XDG_DATA_HOME"])
    (entry,) = _journal(data_home)
    bad = entry.with_name("0-not-json.json")
    bad.write_text("{ cut short", encoding="utf-8")

    listed = hfsuite_cmd("queue", "ls", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr
    assert [t["state"] for t in json.loads(listed.stdout)["tasks"]] == ["completed"]
    assert _journal(data_home) == []
    assert (entry.parent / "unreadable" / bad.name).read_text() == "{ cut short"


def test_a_full_journal_makes_the_next_download_open_the_database(  # type: ignore[no-untyped-def]
    served, hfsuite_cmd, tmp_path
):
    """Downloads run in a loop with nothing else opening the database: once the journal holds
    its limit of entries, the next quick download records itself in the database, which
    applies (here: sets aside, being unreadable) the waiting ones."""
    from hfsuite.app.queue.journal import MAX_PENDING

    hub, _ = served
    env = {"HF_ENDPOINT": hub.url}
    first = hfsuite_cmd("download", "acme/big", "--local-dir", str(tmp_path / "a"), env=env)
    assert first.returncode == 0, first.stderr
    data_home = Path(os.environ["XDG_DATA_HOME"])
    (entry,) = _journal(data_home)
    for n in range(MAX_PENDING - 1):
        entry.with_name(f"0-{n:03}.json").write_text("{}", encoding="utf-8")

    again = hfsuite_cmd("download", "acme/big", "--local-dir", str(tmp_path / "b"), env=env)
    assert again.returncode == 0, again.stderr
    assert _journal(data_home) == [], "the database opened and applied every waiting entry"
    assert len(list((entry.parent / "unreadable").iterdir())) == MAX_PENDING - 1
