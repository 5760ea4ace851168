"""Repository settings files of the emulator: what they accept, what they refuse, how they apply.

The emulator is built but never started (no sockets): only its repositories are looked at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hfsuite.testing import Gating, HubEmulator, RepoConfigError


def _repo(root: Path, repo_id: str, files: dict[str, str]) -> Path:
    folder = root / repo_id
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_repo_side_file_sets_visibility_gating_access_and_metadata(tmp_path: Path) -> None:
    config = 'private = true\ngated = "auto"\ngranted = ["alice", "bob"]\n[metadata]\nlikes = 3\n'
    _repo(tmp_path, "acme/m", {"w.bin": "w", ".hfsuite-repo.toml": config})
    record = HubEmulator(tmp_path).repo("acme/m").record
    assert record.private and record.gating is Gating.AUTO
    assert record.granted_users == {"alice", "bob"}
    assert record.metadata.likes == 3
    assert record.head is not None and set(record.head.files) == {"w.bin"}


def test_json_repo_config_applies_to_models_and_datasets(tmp_path: Path) -> None:
    _repo(tmp_path / "root", "acme/m", {"a": "1"})
    _repo(tmp_path / "root" / "datasets", "acme/d", {"b": "2"})
    _repo(tmp_path, "extra", {"c": "3"})  # a branch's files, relative to the config file
    config = tmp_path / "repos.json"
    config.write_text(
        json.dumps(
            {
                "repos": {
                    "acme/m": {"gated": True, "branches": [{"name": "x", "files": "extra"}]},
                    "datasets/acme/d": {"tags": [{"name": "v1"}]},
                }
            }
        )
    )
    hub = HubEmulator(tmp_path / "root")
    configured = hub.load_repo_config(config)
    assert [r.repo_id for r in configured] == ["acme/m", "acme/d"]
    model = hub.repo("acme/m")
    assert model.record.gating is Gating.AUTO
    assert {p: b.read_all() for p, b in model.files("x").items()} == {"a": b"1", "c": b"3"}
    dataset = hub.repo("acme/d", "dataset")
    assert dataset.revision_sha("v1") == dataset.sha


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("visibility = 'private'\n", "unknown key(s) visibility"),
        ("gated = 'sometimes'\n", "gated must be"),
        ("gated = 1\n", "gated must be"),
        ("private = 'yes'\n", "private: expected bool"),
        ("granted = 'alice'\n", "granted: expected list"),
        ("[[branches]]\nrevision = 'main'\n", "branches[0]: name is required"),
        ("[[tags]]\nname = 'v1'\nfiles = 'x'\n", "tags[0]: unknown key(s) files"),
        ("[[branches]]\nname = 'b'\nfiles = 'nowhere'\n", "files: no folder"),
        ("[[tags]]\nname = 'v1'\nrevision = 'nope'\n", "unknown revision 'nope'"),
        ("gated = \n", ".hfsuite-repo.toml: "),
    ],
)
def test_a_bad_repo_side_file_is_refused_naming_the_file_and_key(
    tmp_path: Path, toml: str, message: str
) -> None:
    _repo(tmp_path, "acme/m", {"a": "1", ".hfsuite-repo.toml": toml})
    with pytest.raises(RepoConfigError, match=r"\.hfsuite-repo\.toml") as raised:
        HubEmulator(tmp_path)
    assert message in str(raised.value)


def test_repo_config_naming_an_unknown_repo_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "repos.toml"
    config.write_text('[repos."acme/ghost"]\nprivate = true\n')
    with pytest.raises(RepoConfigError, match="no model repository acme/ghost"):
        HubEmulator().load_repo_config(config)
    config.write_text("[other]\n")
    with pytest.raises(RepoConfigError, match="unknown key"):
        HubEmulator().load_repo_config(config)
