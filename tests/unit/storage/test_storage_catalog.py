"""Profiles, the API cache and model versions (file hashes: test_library_storage.py)."""

from __future__ import annotations

import pytest

from hfsuite.core.errors import UsageError
from hfsuite.core.types import Layout, RepoRef, SourceKind
from hfsuite.storage import (
    Database,
    ManifestEntry,
    ModelVersionSpec,
    ProfileSpec,
)


def test_profiles_crud(db: Database) -> None:
    with db.write() as uow:
        loras = uow.profiles.create(
            ProfileSpec(
                name="ComfyUI loras",
                destination="/comfy/models/loras",
                settings={"connections": 8},
                origin="detected:comfyui",
            )
        )
        uow.profiles.create(ProfileSpec(name="HF cache", destination="/hf", layout=Layout.HF_CACHE))
        with pytest.raises(UsageError, match="already exists"):
            uow.profiles.create(ProfileSpec(name="ComfyUI loras", destination="/x"))
        with pytest.raises(UsageError, match="needs a name"):
            uow.profiles.create(ProfileSpec(name="  ", destination="/x"))
    assert loras.settings == {"connections": 8} and loras.origin == "detected:comfyui"
    with db.write() as uow:
        updated = uow.profiles.upsert_by_name(
            ProfileSpec(name="ComfyUI loras", destination="/new/loras")
        )
        assert updated.id == loras.id and updated.destination == "/new/loras"
        with pytest.raises(UsageError):
            uow.profiles.update(loras.id, ProfileSpec(name="HF cache", destination="/x"))
        with pytest.raises(UsageError, match="No profile"):
            uow.profiles.update(999, ProfileSpec(name="new", destination="/x"))
    with db.read() as uow:
        assert [p.name for p in uow.profiles.list_all()] == ["ComfyUI loras", "HF cache"]
        assert uow.profiles.get_by_name("HF cache").layout is Layout.HF_CACHE  # type: ignore[union-attr]
    with db.write() as uow:
        assert uow.profiles.delete(loras.id)
        assert not uow.profiles.delete(loras.id)
        assert uow.profiles.get(loras.id) is None


def test_api_cache_expiry_stale_use_and_purge(db: Database) -> None:
    now = 1000.0
    with db.write() as uow:
        uow.api_cache.put("info:a", "model_info", {"id": "a"}, fetched_at=now, ttl_s=60, etag="e")
        uow.api_cache.put("search:x", "search", [1, 2], fetched_at=now, ttl_s=10)
        uow.api_cache.put("forever", "refs", {"main": "c"}, fetched_at=now)
    with db.read() as uow:
        fresh = uow.api_cache.get("info:a", now + 30)
        assert fresh is not None and fresh.body == {"id": "a"} and fresh.etag == "e"
        assert uow.api_cache.get("info:a", now + 60) is None
        stale = uow.api_cache.get("info:a", now + 60, allow_stale=True)
        assert stale is not None and stale.is_expired(now + 60)
        assert uow.api_cache.get("forever", now + 10**9) is not None
        assert uow.api_cache.get("missing", now) is None
    with db.write() as uow:
        assert uow.api_cache.refresh("info:a", fetched_at=now + 100, ttl_s=60)
        uow.api_cache.put("search:x", "search", [3], fetched_at=now + 100, ttl_s=10)
        assert uow.api_cache.purge_expired(now + 105) == 0
        assert uow.api_cache.purge_expired(now + 200) == 2
        assert uow.api_cache.get("forever", now) is not None
        assert uow.api_cache.purge("refs") == 1
        assert uow.api_cache.purge() == 0


def test_model_versions_upsert_list_and_check(db: Database) -> None:
    manifest = [
        ManifestEntry("model.safetensors", 10, sha256="s" * 64),
        ManifestEntry("c.json", 2, git_oid="o"),
    ]
    first = ModelVersionSpec(
        source=SourceKind.HUGGINGFACE,
        repo_id="org/m",
        revision="main",
        commit="1" * 40,
        destination="/models/m",
        downloaded_at=10.0,
        manifest=manifest,
        endpoint="http://mirror.example",
    )
    with db.write() as uow:
        rec = uow.model_versions.upsert(first)
        uow.model_versions.mark_checked(rec.id, upstream_commit="2" * 40, checked_at=20.0)
        uow.model_versions.upsert(
            ModelVersionSpec(
                source=SourceKind.MODELSCOPE,
                repo_id="org/m",
                commit="9" * 40,
                destination="/ms",
                downloaded_at=11.0,
            )
        )
    with db.read() as uow:
        checked = uow.model_versions.get(rec.id)
        assert checked is not None and checked.update_available
        assert checked.endpoint == "http://mirror.example"
        assert checked.manifest == tuple(manifest)
        assert len(uow.model_versions.list_all()) == 2
        assert [v.source for v in uow.model_versions.list_all(SourceKind.MODELSCOPE)] == [
            SourceKind.MODELSCOPE
        ]
    # Downloading again into the same folder replaces the row and clears the check result.
    with db.write() as uow:
        again = uow.model_versions.upsert(
            ModelVersionSpec(
                source=SourceKind.HUGGINGFACE,
                repo_id="org/m",
                revision="main",
                commit="2" * 40,
                destination="/models/m",
                downloaded_at=30.0,
            )
        )
    assert again.id == rec.id and again.commit == "2" * 40 and not again.update_available
    assert again.endpoint is None  # downloaded again from the setting's endpoint
    with db.write() as uow:
        assert [v.commit for v in uow.model_versions.find(RepoRef("org/m"))] == ["2" * 40]
        assert uow.model_versions.delete(rec.id)
        assert uow.model_versions.get(rec.id) is None
