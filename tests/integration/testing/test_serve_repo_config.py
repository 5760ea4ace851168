"""``serve`` makes gated and private repos, branches, tags and pull requests from config files
(a repo folder's ``.hfsuite-repo.toml`` and ``--repo-config``), and serves non-Latin-1 names;
checked with the official client against the subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from emulator_test_helpers import run_hf, serve, tree_bytes
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

from hfsuite.testing import HubEmulator

REFS_CONFIG = """\
[[branches]]
name = "dev"
files = ".hfsuite/dev"
delete = ["old.txt"]
message = "Dev work"

[[tags]]
name = "v1.0"

[[tags]]
name = "dev-snapshot"
revision = "dev"

[[pull_requests]]
files = ".hfsuite/pr1"
message = "Proposal"
"""


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def config_root(tmp_path: Path) -> tuple[Path, Path]:
    """A served folder with repo-side configs, and a ``--repo-config`` JSON file."""
    root = tmp_path / "root"
    _write(root / "acme" / "unicode", {"模型 权重.bin": "weights", "config.json": "{}"})
    _write(
        root / "acme" / "gated",
        {"w.bin": "gated", ".hfsuite-repo.toml": 'gated = "manual"\ngranted = ["alice"]\n'},
    )
    _write(root / "acme" / "private", {"w.bin": "private"})
    _write(
        root / "acme" / "refs",
        {
            "a.txt": "main",
            "old.txt": "old",
            ".hfsuite-repo.toml": REFS_CONFIG,
            ".hfsuite/dev/a.txt": "dev",
            ".hfsuite/dev/sub/new.txt": "new on dev",
            ".hfsuite/pr1/a.txt": "proposed",
        },
    )
    _write(root / "datasets" / "acme" / "table", {"data.csv": "x\n1\n"})
    config = tmp_path / "repos.json"
    config.write_text(
        json.dumps(
            {
                "repos": {
                    "acme/private": {"private": True},
                    "datasets/acme/table": {"tags": [{"name": "v2"}], "metadata": {"likes": 7}},
                }
            }
        )
    )
    return root, config


@pytest.fixture
def configured(config_root: tuple[Path, Path]) -> Iterator[str]:
    root, config = config_root
    tokens = ["hf_alice:alice", "hf_bob:bob", "hf_acme:acme"]
    args = ["--root", str(root), "--repo-config", str(config)]
    with serve(*args, *(arg for t in tokens for arg in ("--token", t))) as (url, _):
        yield url


def test_gated_and_private_repos_from_config(configured, tmp_path):
    url = configured

    def get(repo_id: str, token: str | None = None) -> bytes:
        path = hf_hub_download(
            repo_id, "w.bin", endpoint=url, cache_dir=tmp_path / "cache", token=token
        )
        return Path(path).read_bytes()

    anonymous = httpx.get(f"{url}/acme/gated/resolve/main/w.bin")
    assert anonymous.status_code == 401 and anonymous.headers["x-error-code"] == "GatedRepo"
    with pytest.raises(GatedRepoError):
        get("acme/gated")
    with pytest.raises(GatedRepoError):
        get("acme/gated", "hf_bob")
    assert get("acme/gated", "hf_alice") == b"gated"
    assert HfApi(endpoint=url).model_info("acme/gated").gated == "manual"

    assert httpx.get(f"{url}/acme/private/resolve/main/w.bin").status_code == 401
    with pytest.raises(RepositoryNotFoundError):
        get("acme/private")
    with pytest.raises(RepositoryNotFoundError):
        get("acme/private", "hf_bob")
    assert get("acme/private", "hf_acme") == b"private"
    assert HfApi(endpoint=url).model_info("acme/private", token="hf_acme").private is True


def test_branches_tags_and_pull_requests_from_config(configured, tmp_path):
    url = configured
    api = HfApi(endpoint=url)
    refs = api.list_repo_refs("acme/refs", include_pull_requests=True)
    branches = {b.name: b.target_commit for b in refs.branches}
    tags = {t.name: t.target_commit for t in refs.tags}
    assert set(branches) == {"main", "dev"} and branches["main"] != branches["dev"]
    assert tags == {"v1.0": branches["main"], "dev-snapshot": branches["dev"]}
    assert [p.ref for p in refs.pull_requests] == ["refs/pr/1"]

    def snap(revision: str) -> dict[str, bytes]:
        folder = snapshot_download(
            "acme/refs", revision=revision, endpoint=url, cache_dir=tmp_path / revision
        )
        return tree_bytes(Path(folder))

    # the config file and the .hfsuite/ folder are not part of the repository
    assert snap("main") == {"a.txt": b"main", "old.txt": b"old"}
    assert snap("v1.0") == snap("main")
    assert snap("dev") == {"a.txt": b"dev", "sub/new.txt": b"new on dev"}
    assert snap("dev-snapshot") == snap("dev")
    assert snap("refs/pr/1") == {"a.txt": b"proposed", "old.txt": b"old"}
    assert [c.title for c in api.list_repo_commits("acme/refs", revision="dev")] == [
        "Dev work",
        "Initial commit",
    ]

    data_refs = api.list_repo_refs("acme/table", repo_type="dataset")
    assert [t.name for t in data_refs.tags] == ["v2"]
    assert api.dataset_info("acme/table").likes == 7


def test_hf_cli_downloads_non_latin1_file_names(configured, tmp_path):
    folder = run_hf(configured, tmp_path / "hf-home", "acme/unicode")
    assert tree_bytes(Path(folder)) == {"config.json": b"{}", "模型 权重.bin": b"weights"}


def test_config_refs_get_the_same_shas_at_every_start(config_root):
    root, config = config_root

    def shas() -> list[str]:
        hub = HubEmulator(root)
        hub.load_repo_config(config)
        repo = hub.repo("acme/refs")
        return [repo.revision_sha(r) for r in ("main", "dev", "v1.0", "refs/pr/1")]

    assert shas() == shas()


def test_serve_refuses_a_bad_config(config_root, tmp_path):
    root, _ = config_root
    bad = tmp_path / "bad.toml"
    bad.write_text('[repos."acme/refs"]\ngated = "sometimes"\n')
    command = [sys.executable, "-m", "hfsuite.testing.hub", "serve", "--root", str(root)]
    done = subprocess.run(
        [*command, "--repo-config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "bad.toml" in done.stderr and "gated must be" in done.stderr
