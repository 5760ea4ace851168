"""Opening databases: new, old (upgraded in place), newer than this program, and corrupt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from hfsuite.core.errors import MigrationError, StorageError
from hfsuite.core.types import RepoRef, SourceKind, TaskState
from hfsuite.storage import Database, TaskSpec, create_engine_for, migrate, open_database
from hfsuite.storage.schema import metadata


def prepare(db_url: str) -> None:
    """Make a SQLite URL's folder (open_database does), before building an engine by hand."""
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_new_database_is_created_at_head_with_its_folder(db_url: str, backend: str) -> None:
    if backend == "sqlite":
        assert not _file(db_url).parent.exists()
    else:
        engine = create_engine_for(db_url)
        with engine.connect() as conn:
            assert migrate.current_revisions(conn) == ()  # empty: the tables come on first use
        engine.dispose()
    db = open_database(db_url)
    try:
        assert db.dialect == backend
        if backend == "sqlite":
            assert _file(db_url).is_file()
        assert db.schema_revision() == migrate.head_revision()
        assert migrate.known_revisions() == {"0001", "0002", "0003", "0004", "0005", "0006", "0007"}
    finally:
        db.close()


def test_head_schema_matches_the_schema_tables(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


@pytest.mark.sqlite_only
def test_every_connection_is_configured(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_reopening_is_a_no_op(db_url: str) -> None:
    open_database(db_url).close()
    db = open_database(db_url)
    assert db.schema_revision() == migrate.head_revision()
    db.close()


def test_downgrade_and_upgrade_scripts_round_trip(db_url: str) -> None:
    open_database(db_url).close()
    engine = create_engine_for(db_url)
    try:
        from alembic import command

        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "base")
        with engine.connect() as conn:
            assert migrate.current_revisions(conn) == ()
        migrate.upgrade(engine, "test", target="head")
        with engine.connect() as conn:
            assert migrate.current_revisions(conn) == (migrate.head_revision(),)
    finally:
        engine.dispose()


def test_database_at_first_revision_is_upgraded_in_place_keeping_rows(db_url: str) -> None:
    prepare(db_url)
    engine = create_engine_for(db_url)
    migrate.upgrade(engine, "old", target="0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tasks (source, repo_id, repo_type, include_globs, exclude_globs,"
                " destination, layout, priority, rank, state, bytes_done, files_done,"
                " created_at, updated_at) VALUES ('huggingface', 'org/old', 'model', '[]',"
                " '[\"*.bin\"]', '/models', 'local-dir', 1, 1.0, 'paused', 10, 0, 1.0, 2.0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO history (source, repo_id, repo_type, files, bytes_downloaded,"
                " duration_s, destination, outcome, finished_at) VALUES ('huggingface',"
                " 'org/done', 'model', '[{\"path\": \"a.txt\", \"size\": 3}]', 3, 1.5, '/m',"
                " 'completed', 100.0)"
            )
        )
    with engine.connect() as conn:
        assert migrate.current_revisions(conn) == ("0001",)
    engine.dispose()

    db = open_database(db_url)
    try:
        assert db.schema_revision() == migrate.head_revision()
        with db.read() as uow:
            (task,) = uow.tasks.list_queue()
            history = uow.history.find()
            cursor = uow.tasks.current_cursor()
        assert (task.repo_id, task.state, task.exclude, task.bytes_done) == (
            "org/old",
            TaskState.PAUSED,
            ("*.bin",),
            10,
        )
        assert task.change_seq == 1 and cursor == 1
        assert task.endpoint is None  # 0006: a task of before runs with the setting's endpoint
        assert [h.repo_id for h in history] == ["org/done"]
        assert history[0].files[0].size_bytes == 3
        # The new tables work on the upgraded file.
        with db.write() as uow:
            uow.tasks.add(
                TaskSpec(
                    source=SourceKind.HUGGINGFACE,
                    repo_id="org/new",
                    destination="/m",
                    endpoint="http://mirror.example",
                )
            )
            uow.history.add_favorite(RepoRef("org/done"))
        with db.read() as uow:
            tasks = uow.tasks.list_queue()
            assert [t.repo_id for t in tasks] == ["org/old", "org/new"]
            assert tasks[1].endpoint == "http://mirror.example"
            assert uow.history.find()[0].is_favorite
    finally:
        db.close()


def test_database_from_a_newer_program_is_refused(db_url: str, backend: str) -> None:
    open_database(db_url).close()
    engine = create_engine_for(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(MigrationError) as info:
        open_database(db_url)
    message = str(info.value)
    assert "newer version" in message and "0099_future" in message
    assert (str(_file(db_url)) if backend == "sqlite" else db_url) in message
    assert info.value.exit_code == 4


def test_corrupt_file_is_refused_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database, just some text" * 100)
    with pytest.raises(StorageError) as info:
        open_database(f"sqlite:///{path}")
    assert not isinstance(info.value, MigrationError)
    assert str(path) in str(info.value)
    assert "not a database" in str(info.value)


@pytest.mark.sqlite_only
def test_damaged_header_is_refused(db_url: str) -> None:
    open_database(db_url).close()
    path = _file(db_url)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    data[0:16] = b"garbage-garbage!"
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match=str(path)):
        open_database(db_url)


def test_unwritable_folder_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="Cannot create the folder"):
        open_database(f"sqlite:///{blocker / 'sub' / 'db.sqlite'}")


def test_other_backends_are_refused() -> None:
    with pytest.raises(StorageError, match="only SQLite and PostgreSQL") as info:
        open_database("mysql://me:secret@localhost/hfsuite")
    assert "secret" not in str(info.value) and "***" in str(info.value)
    with pytest.raises(StorageError, match="must be psycopg"):
        open_database("postgresql+psycopg2://me:secret@localhost/hfsuite")
    with pytest.raises(StorageError, match="not valid"):
        open_database("not a url://")


def test_in_memory_database_works() -> None:
    db = open_database("sqlite://")
    with db.write() as uow:
        uow.tasks.add(TaskSpec(source=SourceKind.URL, url="https://x/y.bin", destination="/d"))
    with db.read() as uow:
        assert len(uow.tasks.list_queue()) == 1
    db.close()


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    """Opening an up-to-date database trusts HEAD_REVISION instead of asking Alembic."""
    from hfsuite.storage import migrate

    assert migrate.head_revision() == migrate.HEAD_REVISION


def _shape(engine: Engine) -> dict[str, object]:
    """Every table's columns (type, nullability, default), keys, indices and rows."""
    inspector = sa.inspect(engine)
    shape: dict[str, object] = {}
    with engine.connect() as conn:
        for name in sorted(inspector.get_table_names()):
            columns = [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(name)
            ]
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            shape[name] = {
                "columns": columns,
                "primary key": inspector.get_pk_constraint(name),
                "foreign keys": sorted(map(repr, inspector.get_foreign_keys(name))),
                "indices": sorted(map(repr, inspector.get_indexes(name))),
                "unique": sorted(map(repr, inspector.get_unique_constraints(name))),
                "checks": sorted(map(repr, inspector.get_check_constraints(name))),
                "rows": sorted(map(repr, conn.execute(sa.select(table)).all())),
            }
    return shape


def test_a_new_database_is_the_one_the_migrations_build(
    db_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # open_database gives a new database the schema at once (no Alembic); every migration run
    # on an empty database must give the same tables, keys, indices and rows.
    created = open_database(db_url)
    created.close()
    if db_url.startswith("sqlite"):
        migrated_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        migrated_url = str(request.getfixturevalue("postgres_url_2"))
    migrated = create_engine_for(migrated_url)
    created_engine = create_engine_for(db_url)
    try:
        migrate.upgrade(migrated, "migrated")
        assert _shape(created_engine) == _shape(migrated)
        assert "sequences" in _shape(created_engine)  # the comparison saw the tables
    finally:
        migrated.dispose()
        created_engine.dispose()


def test_a_new_database_does_not_import_alembic(tmp_path: Path) -> None:
    code = (
        "import sys; from hfsuite.storage import open_database; "
        f"open_database('sqlite:///{tmp_path / 'new.db'}').close(); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_database_created_meanwhile_is_not_created_twice(db_url: str) -> None:
    db = open_database(db_url)
    try:
        assert not migrate.create_new(db.write_engine, "again")  # not empty: left as it is
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM sequences")).scalar() == 1
            assert migrate.current_revisions(conn) == (migrate.HEAD_REVISION,)
    finally:
        db.close()


@pytest.mark.sqlite_only
def test_tables_without_a_stamp_are_left_to_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odd.db'}"
    engine = create_engine_for(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
    try:
        assert not migrate.create_new(engine, "odd")
    finally:
        engine.dispose()
    db = open_database(url)  # the migrations run, beside the table that was there
    try:
        with db.engine.connect() as conn:
            assert migrate.current_revisions(conn) == (migrate.HEAD_REVISION,)
            assert conn.execute(text("SELECT COUNT(*) FROM notes")).scalar() == 0
    finally:
        db.close()
