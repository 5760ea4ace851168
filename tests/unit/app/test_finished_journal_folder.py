"""Where the journal of finished downloads lives: one folder per database, none for a database
no other process could apply it to."""

from __future__ import annotations

from pathlib import Path

from hfsuite.app.queue.journal import journal_folder
from hfsuite.config import Settings


def test_each_database_has_a_journal_of_its_own(tmp_path: Path) -> None:
    one = journal_folder(Settings(db_url=f"sqlite:///{tmp_path / 'one.db'}"))
    two = journal_folder(Settings(db_url=f"sqlite:///{tmp_path / 'two.db'}"))
    pg = journal_folder(Settings(db_url="postgresql+psycopg://u:secret@127.0.0.1:5432/q"))
    assert one is not None and two is not None and pg is not None
    assert len({one, two, pg}) == 3
    assert one.parent == two.parent == pg.parent and one.parent.name == "finished"
    assert "secret" not in str(pg), "the URL (and its password) is hashed, not written out"


def test_an_in_memory_database_has_no_journal() -> None:
    assert journal_folder(Settings(db_url="sqlite://")) is None
    assert journal_folder(Settings(db_url="sqlite:///:memory:")) is None
