"""Tracked downloads keep what they asked for (explicit paths, include and exclude globs)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from hfsuite.core.types import SourceKind
from hfsuite.storage import (
    Database,
    FileSelection,
    ModelVersionSpec,
    create_engine_for,
    migrate,
    open_database,
)


def prepare(db_url: str) -> None:
    """Make a SQLite URL's folder (open_database does), before building an engine by hand."""
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _spec(**kw: object) -> ModelVersionSpec:
    base: dict[str, object] = {
        "source": SourceKind.HUGGINGFACE,
        "repo_id": "org/m",
        "commit": "1" * 40,
        "destination": "/models/m",
        "downloaded_at": 1.0,
    }
    return ModelVersionSpec(**{**base, **kw})  # type: ignore[arg-type]


def test_selections_round_trip_and_unknown_stays_none(db: Database) -> None:
    chosen = (FileSelection(include=("*.json",), exclude=("fp32/*",)), FileSelection(("unet/",)))
    with db.write() as uow:
        rec = uow.model_versions.upsert(_spec(selections=chosen))
        unknown = uow.model_versions.upsert(_spec(destination="/other"))
    assert rec.selections == chosen
    assert unknown.selections is None
    assert FileSelection().everything and not chosen[0].everything
    assert FileSelection.from_json(chosen[0].to_json()) == chosen[0]
    assert FileSelection().to_json() == {}


def test_rows_from_before_selections_are_kept_with_an_unknown_selection(db_url: str) -> None:
    prepare(db_url)
    engine = create_engine_for(db_url)
    migrate.upgrade(engine, "old", target="0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO model_versions (source, repo_type, repo_id, revision, "commit",'
                " destination, layout, manifest, downloaded_at) VALUES ('huggingface', 'model',"
                " 'org/old', 'main', '" + "a" * 40 + "', '/m', 'local-dir',"
                ' \'[{"path": "a.txt", "size": 1}]\', 5.0)'
            )
        )
    engine.dispose()
    db = open_database(db_url)
    try:
        with db.read() as uow:
            (old,) = uow.model_versions.list_all()
        assert old.repo_id == "org/old" and old.selections is None
        assert [e.path for e in old.manifest] == ["a.txt"]
    finally:
        db.close()
