"""The official huggingface_hub client, pointed at the emulator, behaves as against the Hub.

Everything runs in-process over real loopback sockets; ``endpoint=`` and ``cache_dir=`` are
passed explicitly because huggingface_hub reads its env vars at import time.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import pytest
from emulator_test_helpers import tree_bytes
from huggingface_hub import (
    HfApi,
    hf_hub_download,
    scan_cache_dir,
    snapshot_download,
)
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from hfsuite.testing import HubEmulator, synthetic

LFS_THRESHOLD = 64 * 1024
CONFIG = b'{"model_type": "tiny"}\n'


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    path = tmp_path / "hf-cache"
    path.mkdir()
    return path


@pytest.fixture
def small_hub(hub_factory) -> HubEmulator:
    """An emulator with a 64 KiB LFS threshold and one model with an LFS weight."""
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD)
    hub.create_repo(
        "acme/tiny",
        files={
            "config.json": CONFIG,
            "weights/model.safetensors": synthetic(300_000, seed=1),
            "README.md": "# tiny\n",
        },
    )
    return hub


def test_hf_hub_download_regular_and_lfs_files_are_byte_identical(small_hub, cache_dir):
    config = hf_hub_download(
        "acme/tiny", "config.json", endpoint=small_hub.url, cache_dir=cache_dir
    )
    weights = hf_hub_download(
        "acme/tiny", "weights/model.safetensors", endpoint=small_hub.url, cache_dir=cache_dir
    )
    assert Path(config).read_bytes() == CONFIG
    assert Path(weights).read_bytes() == synthetic(300_000, seed=1).read_all()
    # the LFS file went hub (302) -> CDN, the regular one straight from the hub
    small_hub.log.wait_for(lambda rs: any(r.origin == "cdn" for r in rs))
    assert small_hub.log.filter(path="*/model.safetensors", method="HEAD")[0].status == 302
    cdn = small_hub.log.filter(origin="cdn")
    assert [r.status for r in cdn] == [200] and not cdn[0].authorization
    # what the client wrote is a valid HF cache
    info = scan_cache_dir(cache_dir)
    assert not info.warnings
    (repo,) = info.repos
    assert repo.repo_id == "acme/tiny" and repo.nb_files == 2
    offline = hf_hub_download(
        "acme/tiny", "config.json", cache_dir=cache_dir, local_files_only=True
    )
    assert offline == config


def test_snapshot_download_branches_tags_prs_and_shas(hub, cache_dir):
    repo = hub.create_repo("acme/history")
    first = repo.commit({"a.txt": b"one", "keep.txt": b"kept"}, message="first")
    repo.create_tag("v1.0")
    second = repo.commit({"a.txt": b"two", "b/c.txt": b"new"}, message="second")
    repo.commit({"dev.txt": b"dev only"}, branch="dev", message="dev work")
    pr = repo.create_pr({"a.txt": b"proposed"}, delete=["keep.txt"])
    assert pr == 1 and first != second

    def snap(revision: str, sub: str) -> dict[str, bytes]:
        folder = snapshot_download(
            "acme/history", revision=revision, endpoint=hub.url, cache_dir=cache_dir / sub
        )
        return tree_bytes(Path(folder))

    assert snap("main", "m") == {"a.txt": b"two", "b/c.txt": b"new", "keep.txt": b"kept"}
    assert snap("v1.0", "t") == {"a.txt": b"one", "keep.txt": b"kept"}
    assert snap(first, "s") == {"a.txt": b"one", "keep.txt": b"kept"}
    assert snap(first[:10], "short") == {"a.txt": b"one", "keep.txt": b"kept"}
    assert snap("dev", "d")["dev.txt"] == b"dev only"
    assert snap("refs/pr/1", "pr") == {"a.txt": b"proposed", "b/c.txt": b"new"}
    # the refs/pr revision reached the server %2F-encoded and resolved to the PR commit
    assert hub.log.filter(path="/api/models/acme/history/revision/refs/pr/1")
    refs = HfApi(endpoint=hub.url).list_repo_refs("acme/history", include_pull_requests=True)
    assert {b.name for b in refs.branches} == {"main", "dev"}
    assert [t.name for t in refs.tags] == ["v1.0"] and refs.tags[0].target_commit == first
    assert [p.ref for p in refs.pull_requests] == ["refs/pr/1"]
    commits = HfApi(endpoint=hub.url).list_repo_commits("acme/history")
    assert [c.title for c in commits] == ["second", "first"]


def test_local_dir_download_and_file_on_disk_content(hub, tmp_path, cache_dir):
    big = tmp_path / "big.bin"
    big.write_bytes(synthetic(2_000_000, seed=7).read_all())
    hub.create_repo("acme/disk", files={"big.bin": big, "small.txt": "hello"})
    local = tmp_path / "local"
    snapshot_download("acme/disk", local_dir=local, endpoint=hub.url, cache_dir=cache_dir)
    assert tree_bytes(local) == {"big.bin": big.read_bytes(), "small.txt": b"hello"}
    meta = (local / ".cache/huggingface/download/small.txt.metadata").read_text().splitlines()
    assert meta[0] == hub.repo("acme/disk").sha
    # a second run sees the files as current and fetches no file bytes
    hub.log.clear()
    snapshot_download("acme/disk", local_dir=local, endpoint=hub.url, cache_dir=cache_dir)
    assert not hub.log.filter(method="GET", path="*/resolve/*")


def test_dataset_and_space_repos(hub, cache_dir):
    hub.create_repo("acme/data", "dataset", files={"train/part-0.csv": b"a,b\n1,2\n"})
    hub.create_repo("acme/app", "space", files={"app.py": b"print('hi')\n"})
    path = hf_hub_download(
        "acme/data", "train/part-0.csv", repo_type="dataset", endpoint=hub.url, cache_dir=cache_dir
    )
    assert Path(path).read_bytes() == b"a,b\n1,2\n"
    assert "datasets--acme--data" in path
    space = snapshot_download("acme/app", repo_type="space", endpoint=hub.url, cache_dir=cache_dir)
    assert tree_bytes(Path(space)) == {"app.py": b"print('hi')\n"}
    assert HfApi(endpoint=hub.url).dataset_info("acme/data").id == "acme/data"


def test_error_classes(hub, cache_dir):
    repo = hub.create_repo("acme/gated", gated="manual", files={"w.bin": b"secret"})
    hub.create_repo("acme/private", private=True, files={"w.bin": b"private"})
    hub.add_token("hf_alice", user="alice")
    hub.add_token("hf_acme", user="bob", orgs=["acme"])

    def get(repo_id: str, filename: str = "w.bin", **kw):
        return hf_hub_download(repo_id, filename, endpoint=hub.url, cache_dir=cache_dir, **kw)

    with pytest.raises(GatedRepoError):
        get("acme/gated")
    with pytest.raises(GatedRepoError):
        get("acme/gated", token="hf_alice")
    assert hub.request_access("acme/gated", "alice") is False  # manual: pending
    with pytest.raises(GatedRepoError, match="awaiting a review"):
        get("acme/gated", token="hf_alice")
    hub.grant_access("acme/gated", "alice")
    assert Path(get("acme/gated", token="hf_alice")).read_bytes() == b"secret"
    repo.set_gated("auto")
    hub.add_token("hf_carol", user="carol")
    assert hub.request_access("acme/gated", "carol") is True
    assert Path(get("acme/gated", token="hf_carol", force_download=True)).read_bytes() == b"secret"

    with pytest.raises(RepositoryNotFoundError):
        get("acme/missing")
    with pytest.raises(RepositoryNotFoundError):
        get("acme/private")
    with pytest.raises(RepositoryNotFoundError):
        get("acme/private", token="hf_alice")
    assert Path(get("acme/private", token="hf_acme")).read_bytes() == b"private"
    with pytest.raises(RevisionNotFoundError):
        get("acme/private", token="hf_acme", revision="nope")
    with pytest.raises(EntryNotFoundError):
        get("acme/private", "nope.txt", token="hf_acme")
    # the 404 carried X-Repo-Commit, so the client cached the miss
    assert list(cache_dir.rglob(".no_exist/*/nope.txt"))

    api = HfApi(endpoint=hub.url)
    assert api.model_info("acme/gated").gated == "auto"  # metadata stays public
    with pytest.raises(GatedRepoError):
        api.auth_check("acme/gated")
    api.auth_check("acme/gated", token="hf_alice")
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("acme/private")
    with pytest.raises(HfHubHTTPError, match="Invalid user token"):
        api.whoami(token="hf_bogus")


def test_fine_grained_tokens(hub, cache_dir):
    hub.create_repo("alice/mine", private=True, files={"f": b"1"})
    hub.create_repo("alice/other", private=True, files={"f": b"2"})
    hub.create_repo("corp/gated", gated="auto", files={"f": b"3"})
    hub.grant_access("corp/gated", "alice")
    hub.add_token(
        "hf_fg", user="alice", role="fineGrained", scopes=["alice/mine"], can_read_gated=False
    )
    api = HfApi(endpoint=hub.url, token="hf_fg")
    me = api.whoami()
    assert me["name"] == "alice"
    access = me["auth"]["accessToken"]
    assert access["role"] == "fineGrained"
    assert access["fineGrained"]["canReadGatedRepos"] is False
    assert access["fineGrained"]["scoped"][0]["entity"]["name"] == "alice/mine"
    got = hf_hub_download("alice/mine", "f", token="hf_fg", endpoint=hub.url, cache_dir=cache_dir)
    assert Path(got).read_bytes() == b"1"
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("alice/other", "f", token="hf_fg", endpoint=hub.url, cache_dir=cache_dir)
    with pytest.raises(GatedRepoError):
        hf_hub_download("corp/gated", "f", token="hf_fg", endpoint=hub.url, cache_dir=cache_dir)
    hub.add_token("hf_w", user="alice", role="write")
    assert HfApi(endpoint=hub.url).whoami(token="hf_w")["auth"]["accessToken"]["role"] == "write"


def test_model_info_tree_and_paths_info(small_hub):
    repo = small_hub.repo("acme/tiny")
    repo.set_metadata(
        downloads=42,
        likes=7,
        tags=["transformers", "en"],
        pipeline_tag="fill-mask",
        library_name="transformers",
        card_data={"license": "mit"},
    )
    api = HfApi(endpoint=small_hub.url)
    info = api.model_info("acme/tiny", files_metadata=True)
    assert info.sha == repo.sha and info.downloads == 42 and info.likes == 7
    assert info.pipeline_tag == "fill-mask" and info.card_data["license"] == "mit"
    by_name = {s.rfilename: s for s in info.siblings}
    weights = by_name["weights/model.safetensors"]
    blob = repo.files()["weights/model.safetensors"]
    assert weights.lfs.sha256 == blob.sha256 and weights.size == 300_000
    assert by_name["config.json"].blob_id == repo.files()["config.json"].git_sha1
    tree = list(api.list_repo_tree("acme/tiny", recursive=True))
    assert [e.path for e in tree] == [
        "README.md",
        "config.json",
        "weights",
        "weights/model.safetensors",
    ]
    sub = list(api.list_repo_tree("acme/tiny", path_in_repo="weights", expand=True))
    assert sub[0].lfs.sha256 == blob.sha256 and sub[0].last_commit.oid == repo.sha
    infos = api.get_paths_info("acme/tiny", ["config.json", "weights", "nope"])
    assert sorted(i.path for i in infos) == ["config.json", "weights"]
    # pagination: absolute Link rel="next" on the emulator's own host
    r = httpx.get(
        f"{small_hub.url}/api/models/acme/tiny/tree/main",
        params={"recursive": "true", "limit": "2"},
    )
    assert len(r.json()) == 2
    next_url = r.links["next"]["url"]
    assert next_url.startswith(small_hub.url + "/api/models/acme/tiny/tree/main?")
    assert [e["path"] for e in httpx.get(next_url).json()] == [
        "weights",
        "weights/model.safetensors",
    ]
    # %2F-encoded path and revision
    r = httpx.get(f"{small_hub.url}/api/models/acme/tiny/tree/main/weights%2F")
    assert r.status_code == 200
    assert (
        httpx.get(f"{small_hub.url}/api/models/acme/tiny/tree/nope").headers["X-Error-Code"]
        == "RevisionNotFound"
    )


def test_list_models_search_sort_and_pagination(hub):
    for i, (downloads, likes) in enumerate([(10, 3), (30, 1), (20, 2)]):
        hub.create_repo(
            f"org{i % 2}/model-{i}",
            files={"f": b"x"},
            downloads=downloads,
            likes=likes,
            tags=["gguf"] if i else ["safetensors"],
            pipeline_tag="text-generation",
        )
    hub.create_repo("org0/hidden", private=True, files={"f": b"x"})
    api = HfApi(endpoint=hub.url)
    by_downloads = [m.id for m in api.list_models(sort="downloads")]
    assert by_downloads == ["org1/model-1", "org0/model-2", "org0/model-0"]
    assert [m.id for m in api.list_models(author="org0", sort="likes")] == [
        "org0/model-0",
        "org0/model-2",
    ]
    assert [m.id for m in api.list_models(filter="gguf", sort="downloads")] == [
        "org1/model-1",
        "org0/model-2",
    ]
    assert [m.id for m in api.list_models(search="model-2")] == ["org0/model-2"]
    full = next(iter(api.list_models(search="model-0", full=True)))
    assert full.sha == hub.repo("org0/model-0").sha and full.siblings[0].rfilename == "f"
    r = httpx.get(f"{hub.url}/api/models", params={"sort": "downloads", "limit": 2})
    assert len(r.json()) == 2 and r.links["next"]["url"].startswith(hub.url + "/api/models?")
    assert [m["id"] for m in httpx.get(r.links["next"]["url"]).json()] == ["org0/model-0"]
    assert len(list(api.list_models(limit=2))) == 2


def test_renamed_repo_redirects(hub, cache_dir):
    hub.create_repo("old-org/model", files={"config.json": CONFIG})
    hub.rename_repo("old-org/model", "new-org/model")
    r = httpx.get(f"{hub.url}/api/models/old-org/model?blobs=true")
    assert r.status_code == 307
    assert r.headers["Location"] == "/api/models/new-org/model?blobs=true"
    r = httpx.head(f"{hub.url}/old-org/model/resolve/main/config.json")
    assert (
        r.status_code == 307 and r.headers["Location"] == "/new-org/model/resolve/main/config.json"
    )
    assert r.headers["X-Repo-Commit"] == hub.repo("new-org/model").sha
    assert HfApi(endpoint=hub.url).model_info("old-org/model").id == "new-org/model"
    path = hf_hub_download("old-org/model", "config.json", endpoint=hub.url, cache_dir=cache_dir)
    assert Path(path).read_bytes() == CONFIG


def test_non_latin1_file_names_download_with_an_rfc5987_disposition(small_hub, cache_dir):
    weights = synthetic(100_000, seed=3)
    small_hub.create_repo(
        "acme/unicode",
        files={
            "模型 权重.bin": b"tiny weights",
            "权重/大 模型.safetensors": weights,
            "café.json": "{}",
        },
    )

    def get(filename: str, **kw) -> bytes:
        path = hf_hub_download(
            "acme/unicode", filename, endpoint=small_hub.url, cache_dir=cache_dir, **kw
        )
        return Path(path).read_bytes()

    assert get("模型 权重.bin") == b"tiny weights"
    assert get("权重/大 模型.safetensors") == weights.read_all()  # via the CDN
    assert get("café.json") == b"{}"

    r = httpx.get(f"{small_hub.url}/acme/unicode/resolve/main/{quote('模型 权重.bin')}")
    assert r.status_code == 200 and r.content == b"tiny weights"
    disposition = r.headers["content-disposition"]
    assert disposition == (
        "inline; filename*=UTF-8''%E6%A8%A1%E5%9E%8B%20%E6%9D%83%E9%87%8D.bin; "
        'filename="__ __.bin";'
    )
    star = disposition.split("filename*=", 1)[1].split(";", 1)[0]
    assert star.startswith("UTF-8''") and unquote(star[len("UTF-8''") :]) == "模型 权重.bin"
    assert all(value.isascii() for _, value in r.headers.raw)
    cafe = httpx.get(f"{small_hub.url}/acme/unicode/resolve/main/caf%C3%A9.json")
    assert "filename*=UTF-8''caf%C3%A9.json;" in cafe.headers["content-disposition"]

    # other headers that carry a name stay ASCII too: the error message naming a revision,
    # and the CDN Location of a repository whose id is not ASCII
    with pytest.raises(RevisionNotFoundError):
        get("模型 权重.bin", revision="分支")
    small_hub.create_repo("acme/模型", files={"w.bin": weights})
    r = httpx.get(f"{small_hub.url}/acme/{quote('模型')}/resolve/main/w.bin")
    assert r.status_code == 302 and r.headers["location"].isascii()
    assert httpx.get(r.headers["location"]).content == weights.read_all()
