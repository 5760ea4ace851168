"""Script plans from the emulator: the commit and hashes as the download path gets them,
hostile paths refused before a script exists."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hfsuite.app.download.operation import DownloadRequest, plan
from hfsuite.app.script.plan import plan_for_request
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.core.errors import (
    EntryNotFoundError,
    NetworkError,
    RepoNotFoundError,
    RevisionNotFoundError,
    UnsafePathError,
    UsageError,
)
from hfsuite.core.types import RepoRef, RepoType, SourceKind

MIB = 1 << 20
FILES = {
    "config.json": b"{}",
    "weights/model.safetensors": b"w" * (MIB + 3),
    "weights/other.bin": b"o" * 100,
}


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    s = Suite(
        store.load(
            env={
                "HFSUITE_DB_URL": os.environ.get(
                    "HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"
                )
            }
        ),
        store,
    )
    yield s
    s.close()


def _request(hub, repo: str = "acme/m", **kw) -> DownloadRequest:  # type: ignore[no-untyped-def]
    kw.setdefault("destination", Destination.folder("/tmp/never-written"))
    return DownloadRequest(ref=RepoRef(repo, revision=kw.pop("revision", None)),
                           endpoint=hub.url, **kw)  # fmt: skip


def test_the_plan_pins_the_commit_and_every_hash_the_download_plan_has(suite, hub_factory) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    repo = hub.create_repo("acme/m", files=FILES)
    repo.create_branch("dev")
    newer = repo.commit({"config.json": b'{"v": 2}'}, branch="dev")
    ours = plan_for_request(suite, _request(hub, revision="dev"))
    _, _, theirs = plan(suite, _request(hub, revision="dev"), dry_run=True)
    assert ours.commit == newer == theirs.snapshot.commit
    assert ours.revision == "dev" and ours.ref_name is None  # a folder has no refs
    by_path = {f.remote.path: f.remote for f in theirs.files}
    for f in ours.files:
        remote = by_path[f.path]
        assert f.size == remote.size and f.etag == remote.etag
        assert f.digest == (remote.sha256 if remote.lfs else remote.blob_id)
        assert f.url_path == f"acme/m/resolve/{newer}/{f.path}"
    kinds = {f.path: f.hash_kind for f in ours.files}
    assert kinds == {
        "config.json": "git-sha1",
        "weights/model.safetensors": "sha256",
        "weights/other.bin": "git-sha1",
    }


def test_a_sparse_listing_is_completed_as_the_download_path_does(suite, hub_factory) -> None:  # type: ignore[no-untyped-def]
    full = hub_factory(lfs_threshold=MIB)
    full.create_repo("acme/m", files=FILES)
    sparse = hub_factory(lfs_threshold=MIB, sparse_listing=True)
    sparse.create_repo("acme/m", files=FILES)
    a = plan_for_request(suite, _request(full))
    b = plan_for_request(suite, _request(sparse))
    assert [(f.path, f.size, f.hash_kind, f.digest) for f in a.files] == [
        (f.path, f.size, f.hash_kind, f.digest) for f in b.files
    ]
    # one HEAD per bare file; the server appends a record just after its answer, so wait for it
    heads = sparse.log.wait_for(lambda rs: sum(r.method == "HEAD" for r in rs) >= len(FILES))
    assert sum(r.method == "HEAD" for r in heads) == len(FILES)


def test_hf_cache_refs_follow_the_engine(suite, hub_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    repo = hub.create_repo("acme/m", files={"a.txt": b"a"})
    repo.create_tag("v1")
    cache = Destination.hf_cache(tmp_path / "c")
    assert plan_for_request(suite, _request(hub, destination=cache)).ref_name == "main"
    assert plan_for_request(suite, _request(hub, destination=cache, revision="v1")).ref_name == "v1"
    pinned = plan_for_request(suite, _request(hub, destination=cache, revision=repo.sha))
    assert pinned.ref_name is None and pinned.commit == repo.sha


@pytest.mark.parametrize(
    "hostile",
    ["../evil.txt", "a/../../b.txt", "dir\\..\\..\\evil.txt", "ctl\x07.txt", "nul\x00.txt"],
)
def test_a_hostile_path_listed_by_the_server_is_refused(suite, hub_factory, hostile) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo("acme/m", files={"fine.txt": b"ok", hostile: b"pwned"})
    with pytest.raises(UnsafePathError, match="Refusing the remote path"):
        plan_for_request(suite, _request(hub))


@pytest.mark.parametrize("hostile", ["../x", "/abs", "a/../b", "nul\x00byte"])
def test_a_hostile_path_asked_for_is_refused_before_the_hub_is_asked(suite, hub, hostile) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsafePathError):
        plan_for_request(suite, _request(hub, paths=[hostile]))
    assert len(hub.log) == 0


def test_mistakes_are_typed_errors(suite, hub_factory) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo("acme/m", files={"a.txt": b"a"})
    with pytest.raises(RepoNotFoundError):
        plan_for_request(suite, _request(hub, "acme/nope"))
    with pytest.raises(RevisionNotFoundError):
        plan_for_request(suite, _request(hub, revision="nope"))
    with pytest.raises(EntryNotFoundError):
        plan_for_request(suite, _request(hub, paths=["b.txt"]))
    with pytest.raises(UsageError, match="Nothing to download"):
        plan_for_request(suite, _request(hub, include=["*.gguf"]))
    other = DownloadRequest(ref=RepoRef("acme/m", RepoType.MODEL, None, SourceKind.MODELSCOPE))
    with pytest.raises(UsageError, match="Hugging Face repositories only"):
        plan_for_request(suite, other)


def test_offline_mode_refuses(tmp_path, hub) -> None:  # type: ignore[no-untyped-def]
    store = SettingsStore(tmp_path / "cfg2" / "settings.toml")
    offline = Suite(store.load(env={"HF_HUB_OFFLINE": "1"}), store)
    with pytest.raises(NetworkError, match="Offline mode is on"):
        plan_for_request(offline, _request(hub))
    assert len(hub.log) == 0
