"""The Hub search by file name against the emulator: bounded (a few searches, a few listings),
exact names only, official repackaged repositories first."""

from __future__ import annotations

import os

from hfsuite.app.comfyui_missing import SearchLimits, search_file
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.testing import HubEmulator

NAME = "zorblax_vae_fp16.safetensors"


def test_search_is_bounded_and_ranked(hub: HubEmulator) -> None:
    for i in range(12):  # many repositories whose id matches: only a few are listed
        hub.create_repo(f"fans/zorblax-{i}", files={"other.safetensors": b"x"}, downloads=1000 + i)
    hub.create_repo("fans/zorblax-copy", files={NAME: os.urandom(64)}, downloads=5000)
    hub.create_repo(
        "Comfy-Org/zorblax_repackaged",
        files={f"split_files/vae/{NAME}": os.urandom(64)},
        downloads=3,
    )
    hub.log.clear()
    warnings: list[str] = []
    limits = SearchLimits(queries=3, listings=4, timeout_s=20)
    found = search_file(HuggingFaceSource(hub.url), NAME, limits, warnings)
    assert warnings == []
    searches = hub.log.filter(path="/api/models", method="GET")
    listings = [r for r in hub.log.filter(method="GET") if r.path.startswith("/api/models/")]
    assert 1 <= len(searches) <= 3
    assert len(listings) <= 4
    assert [c.repo_id for c in found] == ["Comfy-Org/zorblax_repackaged", "fans/zorblax-copy"]
    assert found[0].file == f"split_files/vae/{NAME}"
    assert found[0].confidence == "medium" and found[0].size == 64


def test_an_unreachable_hub_is_a_warning_not_an_error() -> None:
    warnings: list[str] = []
    limits = SearchLimits(timeout_s=10)
    assert search_file(HuggingFaceSource("http://127.0.0.1:9"), NAME, limits, warnings) == []
    assert warnings and all(NAME in w for w in warnings)
