"""Provenance of library files against the Hub emulator: a downloaded file (local folder and
HF cache) is linked to repo, revision and path, through download history/manifests, the queue's
task files, the HF cache's layout and `info`'s cached listing; whether upstream changed is
asked of that one repository; offline and unreachable hubs give "could not check"."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dupes_helpers import blob, index_roots, sha
from jsonschema import Draft202012Validator

from hfsuite.app.hub.catalog import info
from hfsuite.app.library.provenance import UpstreamStatus, provenance_of
from hfsuite.app.queue.manager import DownloadManager, TaskOptions
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.library.scanner import RootKind, ScanRoot
from hfsuite.testing import HubEmulator

MIB = 1 << 20
SCHEMA = json.loads(
    (Path(__file__).parents[3] / "docs" / "json-schema" / "v1.json").read_text(encoding="utf-8")
)
PROVENANCE = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/provenance"})
FAST = {"poll_interval_s": 0.05, "progress_interval_s": 0.05, "flush_interval_s": 0.1}
WEIGHTS = blob(42, 2 * MIB + 3)


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    emulator = hub_factory(lfs_threshold=MIB)
    emulator.create_repo("acme/prov", files={"model.safetensors": WEIGHTS, "config.json": b"{}"})
    return emulator


def _suite(tmp_path: Path, endpoint: str, **env: str) -> Suite:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    loaded = store.load(
        env={
            "HFSUITE_DB_URL": os.environ.get(
                "HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"
            ),
            "HF_ENDPOINT": endpoint,
            "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
            **env,
        }
    )
    return Suite(loaded, store)


@pytest.fixture
def suite(tmp_path: Path, hub: HubEmulator) -> Iterator[Suite]:
    s = _suite(tmp_path, hub.url)
    yield s
    s.close()


def _download(suite: Suite, destination: Destination) -> None:
    manager = DownloadManager(suite)
    manager.sync()
    manager.add_repos(["acme/prov"], TaskOptions(destination=destination))
    assert manager.run(**FAST).completed == 1


def _record(suite: Suite, path: Path):  # type: ignore[no-untyped-def]
    return suite.library.file(path)


def test_a_downloaded_folder_file_is_linked_and_checked(
    suite: Suite, hub: HubEmulator, tmp_path: Path
) -> None:
    folder = tmp_path / "models" / "prov"
    _download(suite, Destination.folder(folder))
    index_roots(suite, ScanRoot(str(tmp_path / "models")))
    suite.library.scan([str(tmp_path / "models")], hash=True)
    record = _record(suite, folder / "model.safetensors")
    assert record.sha256 == sha(WEIGHTS)

    found = provenance_of(suite, record)
    assert found is not None
    # the tracked download, its history row and its task name the same file: told once
    assert [o.found_in for o in found.origins] == ["download"]
    best = found.origin
    assert (best.repo_id, best.path) == ("acme/prov", "model.safetensors")
    assert best.commit == hub.repo("acme/prov").sha
    assert found.lines()[0].startswith("from acme/prov")
    assert "model.safetensors" in found.lines()[0]
    assert found.upstream is not None and found.upstream.status == UpstreamStatus.UNCHANGED
    assert found.lines()[-1].startswith("unchanged upstream")
    PROVENANCE.validate(found.to_dict())

    # Upstream changes the file: the check says so, naming the new commit.
    hub.repo("acme/prov").commit({"model.safetensors": blob(43, 2 * MIB)})
    changed = provenance_of(suite, record)
    assert changed is not None and changed.upstream is not None
    assert changed.upstream.status == UpstreamStatus.CHANGED
    assert changed.upstream.current_commit == hub.repo("acme/prov").sha
    assert changed.upstream.message.startswith("changed upstream since")

    # Removed upstream.
    hub.repo("acme/prov").commit({}, delete=["model.safetensors"])
    gone = provenance_of(suite, record)
    assert gone is not None and gone.upstream is not None
    assert gone.upstream.status == UpstreamStatus.REMOVED

    # Each record alone still links the file: history, then the queue's task files.
    with suite.database.write() as uow:
        for version in uow.model_versions.list_all():
            uow.model_versions.delete(version.id)
    from_history = provenance_of(suite, record, check=False)
    assert from_history is not None
    assert [(o.found_in, o.repo_id, o.path) for o in from_history.origins] == [
        ("history", "acme/prov", "model.safetensors")
    ]
    with suite.database.write() as uow:
        uow.history.clear()
    from_queue = provenance_of(suite, record, check=False)
    assert from_queue is not None
    assert [(o.found_in, o.path) for o in from_queue.origins] == [("queue", "model.safetensors")]


def test_an_hf_cache_file_is_linked_by_the_cache_layout(
    suite: Suite, hub: HubEmulator, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _download(suite, Destination.hf_cache(cache))
    index_roots(suite, ScanRoot(str(cache), RootKind.HF_CACHE))
    (snapshot,) = (cache / "models--acme--prov" / "snapshots").iterdir()
    record = _record(suite, snapshot / "model.safetensors")
    assert record.hf_blob
    # Not hashed by anyone: the cache's layout alone tells where it is from.
    found = provenance_of(suite, dataclasses.replace(record, sha256=None))
    assert found is not None
    best = found.origin
    assert best.found_in == "hf_cache"
    assert (best.repo_id, best.revision, best.commit) == ("acme/prov", "main", snapshot.name)
    assert found.lines()[0] == "from acme/prov@main model.safetensors (in the HF cache)"
    assert found.upstream is not None and found.upstream.status == UpstreamStatus.UNCHANGED
    assert [o.found_in for o in found.origins] == ["hf_cache"]
    # With its hash, the download's records come after the layout.
    both = provenance_of(suite, dataclasses.replace(record, sha256=sha(WEIGHTS)), check=False)
    assert both is not None and both.origins[0].found_in == "hf_cache"
    assert "download" in {o.found_in for o in both.origins}


def test_a_copy_is_linked_through_the_cached_hub_listing(
    suite: Suite, hub: HubEmulator, tmp_path: Path
) -> None:
    info(suite, "acme/prov")  # caches the listing with the LFS oids
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "renamed.safetensors").write_bytes(WEIGHTS)
    index_roots(suite, ScanRoot(str(loose)))
    suite.library.scan([str(loose)], hash=True)
    found = provenance_of(suite, _record(suite, loose / "renamed.safetensors"), check=False)
    assert found is not None and found.upstream is None
    (origin,) = found.origins
    assert (origin.found_in, origin.repo_id, origin.path) == (
        "hub_listing",
        "acme/prov",
        "model.safetensors",
    )


def test_an_unknown_file_has_no_provenance(suite: Suite, tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "mine.bin").write_bytes(b"made here")
    index_roots(suite, ScanRoot(str(loose)))
    suite.library.scan([str(loose)], hash=True)
    assert provenance_of(suite, _record(suite, loose / "mine.bin")) is None


@pytest.mark.parametrize("why", ["offline", "unreachable"])
def test_a_check_that_cannot_be_made_says_why_and_never_raises(
    suite: Suite, hub: HubEmulator, tmp_path: Path, why: str
) -> None:
    folder = tmp_path / "models" / "prov"
    _download(suite, Destination.folder(folder))
    index_roots(suite, ScanRoot(str(tmp_path / "models")))
    suite.library.scan([str(tmp_path / "models")], hash=True)
    record = _record(suite, folder / "model.safetensors")
    suite.close()
    env = {"HF_HUB_OFFLINE": "1"} if why == "offline" else {}
    endpoint = hub.url if why == "offline" else "http://127.0.0.1:9"
    other = _suite(tmp_path, endpoint, **env)
    try:
        found = provenance_of(other, record)
    finally:
        other.close()
    assert found is not None and found.origin.repo_id == "acme/prov"
    assert found.upstream is not None and found.upstream.status == UpstreamStatus.UNKNOWN
    assert found.upstream.message.startswith("could not check: ")
    PROVENANCE.validate(found.to_dict())
    assert len(found.upstream.message) > len("could not check: ") + 5


def test_a_pinned_revision_is_not_asked(suite: Suite, hub: HubEmulator, tmp_path: Path) -> None:
    commit = hub.repo("acme/prov").sha
    folder = tmp_path / "models" / "pinned"
    manager = DownloadManager(suite)
    manager.sync()
    manager.add_repos([f"acme/prov@{commit}"], TaskOptions(destination=Destination.folder(folder)))
    assert manager.run(**FAST).completed == 1
    index_roots(suite, ScanRoot(str(tmp_path / "models")))
    suite.library.scan([str(tmp_path / "models")], hash=True)
    found = provenance_of(
        suite,
        _record(suite, folder / "model.safetensors"),
        snapshot_of=lambda ref: pytest.fail(f"asked about {ref}"),
    )
    assert found is not None and found.upstream is not None
    assert found.upstream.status == UpstreamStatus.PINNED
    assert os.path.basename(found.origin.path) == "model.safetensors"
