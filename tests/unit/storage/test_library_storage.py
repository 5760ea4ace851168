"""The library tables: roots, scanned files, the hash cache keyed by file identity, the
reclaim log; and the 0004 migration both ways."""

from __future__ import annotations

import sqlalchemy as sa

from hfsuite.core.clock import ManualClock
from hfsuite.storage import (
    Database,
    FileHashRecord,
    HashOrigin,
    HfRefEntry,
    LibraryFileSpec,
    LibraryQuery,
    LibrarySort,
    LocationUpdate,
    ReclaimLogSpec,
    create_engine_for,
    migrate,
    open_database,
)

SHA_A = "a" * 64
SHA_B = "b" * 10 + "c" * 54


def _spec(path: str, key: tuple[int, int, int, int], **kw: object) -> LibraryFileSpec:
    return LibraryFileSpec(path=path, root="/m", key=key, **kw)  # type: ignore[arg-type]


def test_hash_cache_is_keyed_by_device_inode_size_and_mtime(db: Database) -> None:
    key = (66, 1234, 100, 5)
    with db.write() as uow:
        uow.file_hashes.put(FileHashRecord(key, sha256=SHA_A.upper(), partial_hash="p1"))
        uow.file_hashes.put(FileHashRecord((66, 99, 100, 7), partial_hash="p2", computed_at=3.0))
    with db.read() as uow:
        hit = uow.file_hashes.get(key)
        assert hit is not None and hit.sha256 == SHA_A and hit.origin == HashOrigin.READ
        assert hit.computed_at > 0
        assert uow.file_hashes.get((66, 1234, 100, 6)) is None  # touched: mtime differs
        assert uow.file_hashes.get((67, 1234, 100, 5)) is None  # another device
        assert [r.key for r in uow.file_hashes.find_by_size(100)] == [(66, 99, 100, 7), key]
        assert [r.key for r in uow.file_hashes.find_by_sha256(SHA_A)] == [key]
        assert [r.key for r in uow.file_hashes.find_by_prefix("aaaaaaaaaa")] == [key]
    with db.write() as uow:
        # A later partial hash or AutoV1 never erases the full digest, nor its origin.
        uow.file_hashes.put(FileHashRecord(key, autov1="ABCD0123", origin=HashOrigin.READ))
        got = uow.file_hashes.get(key)
        assert got is not None and (got.sha256, got.autov1, got.partial_hash) == (
            SHA_A,
            "abcd0123",
            "p1",
        )
        uow.file_hashes.put(FileHashRecord(key, sha256=SHA_A, origin=HashOrigin.DOWNLOAD))
        assert uow.file_hashes.get(key).origin == HashOrigin.DOWNLOAD  # type: ignore[union-attr]
        assert [r.key for r in uow.file_hashes.find_by_autov1("abcd0123")] == [key]
        assert uow.file_hashes.delete([key, (1, 2, 3, 4)]) == 1
        assert uow.file_hashes.count() == 1


def test_inodes_beyond_a_signed_64_bit_integer_round_trip(db: Database) -> None:
    key = (2**64 - 5, 2**63 + 17, 10, 1)
    with db.write() as uow:
        uow.file_hashes.put(FileHashRecord(key, sha256=SHA_A))
        uow.library_files.upsert_many([_spec("/m/big", key)])
    with db.read() as uow:
        assert uow.file_hashes.get(key).key == key  # type: ignore[union-attr]
        rec = uow.library_files.get("/m/big")
        assert rec is not None and rec.key == key and rec.sha256 == SHA_A


def test_files_upsert_join_hashes_and_keep_first_seen(db: Database, clock: ManualClock) -> None:
    refs = (HfRefEntry("model", "acme/tiny", "c" * 40, "model.safetensors"),)
    with db.write() as uow:
        uow.library_files.upsert_many(
            [
                _spec(
                    "/m/a.safetensors",
                    (1, 10, 300, 5),
                    format="safetensors",
                    kind="loras",
                    architecture="sdxl",
                    metadata={"ss_network_dim": "16"},
                    hf_refs=refs,
                    hf_blob=True,
                ),
                _spec("/m/b.gguf", (1, 11, 900, 9), format="gguf", kind="llm"),
                _spec("/m/readme.md", (1, 12, 10, 1)),
            ]
        )
        uow.file_hashes.put(FileHashRecord((1, 10, 300, 5), sha256=SHA_B))
    first = db.clock.now()
    clock.advance(60)
    with db.write() as uow:  # rescan: b changed, a unchanged
        uow.library_files.upsert_many(
            [_spec("/m/b.gguf", (1, 11, 901, 10), format="gguf", kind="llm", dtype="Q4_K")]
        )
    with db.read() as uow:
        repo = uow.library_files
        a = repo.get("/m/a.safetensors")
        assert a is not None and a.sha256 == SHA_B and a.autov2 == SHA_B[:10]
        assert a.hf_refs == refs and a.metadata == {"ss_network_dim": "16"}
        b = repo.get("/m/b.gguf")
        assert b is not None and b.first_seen == first and b.last_seen == first + 60
        assert b.size_bytes == 901 and b.dtype == "Q4_K" and b.sha256 is None
        assert repo.get("/nope") is None
        names = [r.path for r in repo.find(LibraryQuery(sort=LibrarySort.NAME))]
        assert names == ["/m/a.safetensors", "/m/b.gguf", "/m/readme.md"]
        by_size = [r.path for r in repo.find(LibraryQuery(sort=LibrarySort.SIZE))]
        assert by_size == ["/m/b.gguf", "/m/a.safetensors", "/m/readme.md"]
        by_date = [r.path for r in repo.find(LibraryQuery(sort=LibrarySort.DATE))]
        assert by_date[0] == "/m/b.gguf"
        assert [r.path for r in repo.find(LibraryQuery(kinds=["llm"]))] == ["/m/b.gguf"]
        models = LibraryQuery(models_only=True)
        assert [r.path for r in repo.find(models)] == ["/m/a.safetensors", "/m/b.gguf"]
        assert repo.totals(models).files == 2 and repo.totals(models).bytes == 1201
        assert [r.path for r in repo.find_by_sha256(SHA_B)] == ["/m/a.safetensors"]
        assert [r.path for r in repo.find_by_hash_prefix(SHA_B[:10])] == ["/m/a.safetensors"]
        assert [r.path for r in repo.find_by_size(10)] == ["/m/readme.md"]
        assert [r.path for r in repo.find_by_hf_path("acme/tiny", "model.safetensors")] == [
            "/m/a.safetensors"
        ]
        assert repo.count_by("kind") == {"llm": 1, "loras": 1, "unknown": 1}
        assert [e.path for e in repo.index(under="/m")] == [
            "/m/a.safetensors",
            "/m/b.gguf",
            "/m/readme.md",
        ]


def test_a_rescan_rewrites_last_seen_only_when_it_is_older_than_the_resolution(
    db: Database, clock: ManualClock
) -> None:
    from hfsuite.storage.repositories.library_files import LAST_SEEN_RESOLUTION_S

    with db.write() as uow:
        uow.library_files.upsert_many([_spec("/m/a", (1, 1, 1, 1)), _spec("/m/b", (1, 2, 1, 1))])
    first = db.clock.now()
    clock.advance(60)
    with db.write() as uow:  # an unchanged rescan a minute later writes nothing
        assert uow.library_files.touch_all(root="/m") == 0
    clock.advance(LAST_SEEN_RESOLUTION_S)
    with db.write() as uow:
        assert uow.library_files.touch_all(root="/m") == 2
    with db.read() as uow:
        a = uow.library_files.get("/m/a")
        assert a is not None and a.first_seen == first
        assert a.last_seen == first + 60 + LAST_SEEN_RESOLUTION_S


def test_under_does_not_match_a_sibling_with_the_same_prefix(db: Database) -> None:
    with db.write() as uow:
        uow.library_files.upsert_many(
            [_spec("/m/a/x", (1, 1, 1, 1)), _spec("/m/ab/y", (1, 2, 1, 1))]
        )
    with db.read() as uow:
        assert [r.path for r in uow.library_files.find(LibraryQuery(under="/m/a"))] == ["/m/a/x"]
        assert [r.path for r in uow.library_files.find(LibraryQuery(under="/m/a/"))] == ["/m/a/x"]


def test_move_keeps_the_row_and_locations_update(db: Database) -> None:
    with db.write() as uow:
        uow.library_files.upsert_many([_spec("/m/old", (1, 5, 3, 3), kind="vae")])
    with db.read() as uow:
        before = uow.library_files.get("/m/old")
    with db.write() as uow:
        uow.library_files.move("/m/old", _spec("/m/new", (1, 5, 3, 3), kind="vae"))
        uow.library_files.update_locations(
            [LocationUpdate("/m/new", "/m", nlink=2, is_symlink=False)]
        )
    with db.read() as uow:
        after = uow.library_files.get("/m/new")
        assert uow.library_files.get("/m/old") is None
    assert before is not None and after is not None
    assert (after.id, after.first_seen, after.nlink) == (before.id, before.first_seen, 2)


def test_roots_and_removing_a_root_drops_its_files(db: Database) -> None:
    with db.write() as uow:
        hf = uow.library_roots.add("/hf/hub", "hf_cache")
        assert uow.library_roots.add("/hf/hub", "user") == hf  # already there: unchanged
        uow.library_roots.add("/m", "user")
        uow.library_files.upsert_many([_spec("/m/a", (1, 1, 1, 1)), _spec("/m/b", (1, 2, 1, 1))])
    with db.write() as uow:
        assert [r.path for r in uow.library_roots.all()] == ["/hf/hub", "/m"]
        assert uow.library_roots.remove("/m") and not uow.library_roots.remove("/m")
        assert uow.library_files.delete_root("/m") == 2
    with db.read() as uow:
        assert uow.library_files.totals().files == 0
        assert [r.kind for r in uow.library_roots.all()] == ["hf_cache"]


def test_prune_keeps_referenced_and_recent_hashes(db: Database, clock: ManualClock) -> None:
    with db.write() as uow:
        uow.file_hashes.put_many(
            [FileHashRecord((1, 1, 1, 1), sha256=SHA_A), FileHashRecord((1, 2, 1, 1), SHA_A)]
        )
        uow.library_files.upsert_many([_spec("/m/a", (1, 1, 1, 1))])
    clock.advance(10)
    with db.write() as uow:
        uow.file_hashes.put(FileHashRecord((1, 3, 1, 1), sha256=SHA_A))
        assert uow.file_hashes.prune_unreferenced(older_than=db.clock.now() - 5) == 1
        assert uow.file_hashes.get((1, 2, 1, 1)) is None
        assert uow.file_hashes.count() == 2


def test_reclaim_log(db: Database, clock: ManualClock) -> None:
    with db.write() as uow:
        uow.reclaim_log.add(ReclaimLogSpec("hardlink", "/m/b", "/m/a", "done", bytes=10))
        clock.advance(1)
        uow.reclaim_log.add_many(
            [ReclaimLogSpec("delete", "/m/c", "/m/a", "skipped", reason="changed since hashed")]
        )
    with db.read() as uow:
        log = uow.reclaim_log.recent()
    assert [(e.path, e.outcome, e.bytes) for e in log] == [
        ("/m/c", "skipped", 0),
        ("/m/b", "done", 10),
    ]
    assert log[0].reason == "changed since hashed"


def test_0004_downgrade_restores_the_path_keyed_file_hashes(db_url: str) -> None:
    open_database(db_url).close()
    engine = create_engine_for(db_url)
    try:
        from alembic import command

        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0003")
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            assert not insp.has_table("library_files") and not insp.has_table("reclaim_log")
            assert "path" in {c["name"] for c in insp.get_columns("file_hashes")}
        migrate.upgrade(engine, "test", target="head")
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            assert insp.has_table("library_roots") and insp.has_table("reclaim_log")
            assert "inode" in {c["name"] for c in insp.get_columns("file_hashes")}
    finally:
        engine.dispose()
