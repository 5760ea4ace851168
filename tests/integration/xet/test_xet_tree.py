"""Tree listings and paths-info of a Xet repository carry ``xetHash`` (as the Hub's do)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from xet_helpers import random_bytes

from hfsuite.testing import HubEmulator

pytest.importorskip("blake3", reason="the emulator's Xet mode hashes chunks with BLAKE3")

FILES = {"config.json": b"{}", "model.bin": random_bytes(300_000, 61)}


def test_tree_entries_of_lfs_files_carry_the_xet_hash(hub_factory: Any) -> None:
    hub: HubEmulator = hub_factory(lfs_threshold=64 * 1024, xet=True)
    repo = hub.create_repo("acme/tiny", files=FILES)
    tree = httpx.get(f"{hub.url}/api/models/acme/tiny/tree/main").json()
    by_path = {e["path"]: e for e in tree}
    assert by_path["model.bin"]["xetHash"] == repo.xet_file("model.bin").file_id
    assert "xetHash" not in by_path["config.json"]  # a regular file is not in Xet
    info = httpx.post(
        f"{hub.url}/api/models/acme/tiny/paths-info/main", data={"paths": ["model.bin"]}
    ).json()
    assert info[0]["xetHash"] == by_path["model.bin"]["xetHash"]
    # and huggingface_hub reads it
    from huggingface_hub import HfApi

    (entry,) = [
        e
        for e in HfApi(endpoint=hub.url).list_repo_tree("acme/tiny")
        if getattr(e, "path", "") == "model.bin"
    ]
    assert getattr(entry, "xet_hash", None) == by_path["model.bin"]["xetHash"]


def test_a_repository_without_xet_lists_no_xet_hash(hub_factory: Any) -> None:
    hub: HubEmulator = hub_factory(lfs_threshold=64 * 1024)
    hub.create_repo("acme/plain", files=FILES)
    tree = httpx.get(f"{hub.url}/api/models/acme/plain/tree/main").json()
    assert not any("xetHash" in e for e in tree)
