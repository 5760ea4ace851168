"""ModelScope and direct URLs through the same engine (emulator's /api/v1 and CDN routes)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes

from hfsuite.core.errors import EntryNotFoundError, IntegrityError, RepoNotFoundError
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.engine.http import HttpClient, HttpOptions
from hfsuite.engine.layouts import LocalDirLayout
from hfsuite.engine.planner import plan_download
from hfsuite.engine.transfer import Transfer, TransferOptions
from hfsuite.sources.direct import DirectUrlSource
from hfsuite.sources.modelscope import ModelScopeSource

FILES = {
    "configuration.json": b'{"framework": "pytorch"}',
    "weights/model.safetensors": pattern_bytes(5 * MIB + 3, seed=11),
}


@pytest.fixture
def ms_hub(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("qwen/tiny", files=FILES)
    hub.create_repo("qwen/data", repo_type="dataset", files={"train.csv": b"a,b\n1,2\n"})
    return hub


def _run(source, snapshot, dest: Path):  # type: ignore[no-untyped-def]
    layout = LocalDirLayout(dest, snapshot.commit)
    plan = plan_download(snapshot, layout)
    client = HttpClient(HttpOptions(), auth=source.auth)
    result = Transfer(client, layout, source.map_error, options=TransferOptions()).run(
        [f.remote for f in plan.files]
    )
    client.close()
    if result.failed:
        raise result.failed[0].error  # type: ignore[misc]
    return result


def test_modelscope_model_listing_and_download(ms_hub, tmp_path):  # type: ignore[no-untyped-def]
    ms_hub.add_token("ms-token-123", user="qwen")
    client = HttpClient()
    source = ModelScopeSource(ms_hub.url, client, token="ms-token-123")
    snap = source.snapshot(RepoRef("qwen/tiny", source=SourceKind.MODELSCOPE))
    assert snap.ref.revision == "master" and snap.ref.source is SourceKind.MODELSCOPE
    assert snap.commit == ms_hub.repo("qwen/tiny").sha
    by_path = {f.path: f for f in snap.files}
    assert set(by_path) == set(FILES)
    assert (
        by_path["weights/model.safetensors"].sha256
        == hashlib.sha256(FILES["weights/model.safetensors"]).hexdigest()
    )
    _run(source, snap, tmp_path / "ms")
    for path, content in FILES.items():
        assert (tmp_path / "ms" / path).read_bytes() == content
    # The token went to the endpoint only, never to the CDN.
    assert all(not r.authorization for r in ms_hub.log.filter(origin="cdn"))
    assert any(r.authorization for r in ms_hub.log.filter(origin="hub"))


def test_modelscope_dataset_and_errors(ms_hub, tmp_path):  # type: ignore[no-untyped-def]
    source = ModelScopeSource(ms_hub.url, HttpClient())
    snap = source.snapshot(RepoRef("qwen/data", RepoType.DATASET, source=SourceKind.MODELSCOPE))
    assert [f.path for f in snap.files] == ["train.csv"]
    with pytest.raises(RepoNotFoundError, match="ModelScope model qwen/missing was not found"):
        source.snapshot(RepoRef("qwen/missing", source=SourceKind.MODELSCOPE))


def test_direct_url_with_and_without_expected_hash(ms_hub, tmp_path):  # type: ignore[no-untyped-def]
    content = FILES["weights/model.safetensors"]
    url = f"{ms_hub.url}/qwen/tiny/resolve/main/weights/model.safetensors"
    source = DirectUrlSource(HttpClient(), sha256=hashlib.sha256(content).hexdigest())
    snap = source.snapshot(RepoRef(url, source=SourceKind.URL))
    (remote,) = snap.files
    assert remote.path == "model.safetensors" and remote.size == len(content)
    _run(source, snap, tmp_path / "d")
    assert (tmp_path / "d" / "model.safetensors").read_bytes() == content

    source = DirectUrlSource(HttpClient(), sha256="0" * 64, filename="renamed.bin")
    wrong = source.snapshot(RepoRef(url, source=SourceKind.URL))
    with pytest.raises(IntegrityError, match="different bytes"):
        _run(source, wrong, tmp_path / "w")
    assert not (tmp_path / "w" / "renamed.bin").exists(), "a file that fails its hash never appears"


def test_direct_url_missing(ms_hub):  # type: ignore[no-untyped-def]
    source = DirectUrlSource(HttpClient())
    with pytest.raises(EntryNotFoundError, match="Nothing at"):
        source.snapshot(
            RepoRef(f"{ms_hub.url}/qwen/tiny/resolve/main/nope.bin", source=SourceKind.URL)
        )


def test_direct_url_hash_mismatch_without_server_hash(ms_hub, tmp_path):  # type: ignore[no-untyped-def]
    """The server names no sha256: the bytes are hashed and refused at once, saying which hash
    was expected and which arrived (the user's hash is final: fetching again cannot help)."""
    url = f"{ms_hub.url}/qwen/tiny/resolve/main/configuration.json"
    source = DirectUrlSource(HttpClient(), sha256="1" * 64)
    snap = source.snapshot(RepoRef(url, source=SourceKind.URL))
    with pytest.raises(IntegrityError) as info:
        _run(source, snap, tmp_path / "w")
    got = hashlib.sha256(FILES["configuration.json"]).hexdigest()[:12]
    assert info.value.message == (
        f"configuration.json: sha256 mismatch: expected {'1' * 12}…, got {got}…."
    )
    assert "differs from the one the SHA-256 pins" in (info.value.hint or "")
    assert "proxy" not in str(info.value)
    assert not any((tmp_path / "w").rglob("configuration.json"))
    gets = [r for r in ms_hub.log.filter(method="GET") if r.path.endswith("configuration.json")]
    assert len(gets) == 1, "a mismatch with the user's hash is not downloaded again"
