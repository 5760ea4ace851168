"""The partial file carries the writer's lock: a resume state whose partial file is gone starts
afresh (the lock's new, empty file is never taken for the bytes the state lists), and a file
creates its partial file and its metadata, nothing else."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.core.events import FileRestarted
from hfsuite.engine.ranges import RangeSet
from hfsuite.engine.resume import ResumeState, save_state
from hfsuite.testing import HubEmulator

REPO = "acme/partial"
BIG = "model.safetensors"
FILES = {BIG: pattern_bytes(3 * MIB + 5, seed=7), "config.json": b'{"a": 1}'}


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=MIB)
    h.create_repo(REPO, files=FILES)
    return h


def test_a_state_without_its_partial_file_starts_afresh(hub: HubEmulator, tmp_path: Path) -> None:
    dest = tmp_path / "local"
    meta = dest / ".cache" / "huggingface" / "download"
    meta.mkdir(parents=True)
    # A run stopped half-way, and the user deleted the partial file but not its state.
    etag = hashlib.sha256(FILES[BIG]).hexdigest()  # an LFS file's etag
    size = len(FILES[BIG])
    save_state(
        meta / f"{BIG}.hfsuite.json",
        ResumeState(size, etag, None, RangeSet([(0, size // 2)])),
        None,
    )
    events: list[object] = []
    result = run_transfer(hub.url, REPO, dest, local_dir=True, events=events)
    assert (dest / BIG).read_bytes() == FILES[BIG]
    assert not [e for e in events if isinstance(e, FileRestarted)]  # no failed verification
    big = next(f for f in result.files if f.remote.path == BIG)
    assert big.downloaded_bytes == size and big.discarded_bytes == 0
    assert sorted(p.name for p in meta.iterdir()) == ["config.json.metadata", f"{BIG}.metadata"]


def test_a_file_creates_its_partial_file_and_its_metadata_and_nothing_else(
    hub: HubEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[str] = []
    real_open = os.open

    def spying_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & os.O_CREAT and not os.path.exists(path):
            created.append(os.path.basename(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spying_open)
    run_transfer(hub.url, REPO, tmp_path / "local", local_dir=True)
    # Per file: its partial file (placed by a rename) and its metadata; no lock file, no
    # temporary file. (Once per download, .gitignore and CACHEDIR.TAG, written atomically.)
    per_file = [n for n in created if not n.startswith(".") and n != "CACHEDIR.TAG"]
    assert sorted(per_file) == sorted(
        [f"{name}.hfsuite.incomplete" for name in FILES] + [f"{name}.metadata" for name in FILES]
    )
