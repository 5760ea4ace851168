"""`hfsuite download` says early what the download will meet: a filter that matches nothing,
no access, not enough space, offline mode; and a dry run says what the real run will say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hfsuite.testing import HubEmulator

ALICE = "hf_aliceE2Etoken000001"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
FILES = {
    "config.json": b'{"model_type": "tiny"}',
    "model.safetensors": b"W" * 6000,
    "tokenizer.json": b"{}",
    "README.md": b"# tiny\n",
}


@pytest.fixture
def served(hub: HubEmulator) -> HubEmulator:
    hub.create_repo("acme/tiny-model", files=FILES)
    hub.create_repo("meta/gated", gated="manual", files={"a.bin": b"a" * 100})
    hub.add_token(ALICE, user="alice")
    return hub


def _env(hub: HubEmulator, **extra: str) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.url, **NO_KEYRING, **extra}


def _listed(hfsuite_cmd: Any, env: dict[str, str], *command: str) -> list[dict[str, Any]]:
    """The rows of `history ls --json` or `queue ls --json` (a bare list, or a document)."""
    result = hfsuite_cmd(*command, "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    if isinstance(data, dict):
        data = data.get("entries", data.get("tasks"))
    return data  # type: ignore[no-any-return]


def _history(hfsuite_cmd: Any, env: dict[str, str]) -> list[dict[str, Any]]:
    return _listed(hfsuite_cmd, env, "history", "ls")


# --- a filter that matches nothing -------------------------------------------------------------


def test_a_filter_that_matches_nothing_is_a_usage_error(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    env = _env(served)
    dest = tmp_path / "d"
    for extra in ((), ("--dry-run",), ("--dry-run", "--json")):
        got = hfsuite_cmd(
            "download", "acme/tiny-model", "--include", "*.gguf", "--local-dir", str(dest),
            *extra, env=env,
        )  # fmt: skip
        assert got.returncode == 2, (extra, got.stderr)
        assert "no file of acme/tiny-model matches --include '*.gguf'" in got.stderr
        assert "It has 4 files: README.md, config.json, model.safetensors, tokenizer.json." in (
            got.stderr
        )
        assert "Downloaded" not in got.stderr and "bytes_to_download" not in got.stdout
    assert not dest.exists()
    assert _history(hfsuite_cmd, env) == []
    assert _listed(hfsuite_cmd, env, "queue", "ls") == []


def test_a_queued_task_whose_filter_matches_nothing_fails_with_the_reason(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    env = _env(served)
    added = hfsuite_cmd(
        "queue", "add", "acme/tiny-model", "--include", "*.gguf", "--local-dir",
        str(tmp_path / "d"), env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    hfsuite_cmd("queue", "run", env=env)
    (task,) = _listed(hfsuite_cmd, env, "queue", "ls")
    assert task["state"] == "failed"
    assert "no file of acme/tiny-model matches --include '*.gguf'" in task["error"]
    assert all(h["outcome"] != "completed" for h in _history(hfsuite_cmd, env))


# --- access and space: the dry run says what the real run says -----------------------------------


def test_dry_run_on_a_gated_repo_fails_like_the_real_run(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    env = _env(served)
    args = ("download", "meta/gated", "--token", ALICE, "--local-dir", str(tmp_path / "g"))
    real = hfsuite_cmd(*args, env=env)
    dry = hfsuite_cmd(*args, "--dry-run", env=env)
    assert real.returncode == 6, real.stderr
    assert dry.returncode == 6, dry.stderr
    message = "Model meta/gated is gated: accept its conditions at"
    assert message in real.stderr and message in dry.stderr
    assert "a.bin" in dry.stdout  # the plan is still shown
    served.grant_access("meta/gated", "alice")
    assert hfsuite_cmd(*args, "--dry-run", env=env).returncode == 0


# --- offline mode: answered from the HF cache ---------------------------------------------------


def test_offline_download_of_a_cached_snapshot_prints_its_path(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    cache = tmp_path / "hf-cache"
    online = hfsuite_cmd("download", "acme/tiny-model", "--cache-dir", str(cache), env=_env(served))
    assert online.returncode == 0, online.stderr
    snapshot = Path(online.stdout.strip())
    requests = len(served.log.records)
    offline = _env(served, HF_HUB_OFFLINE="1")

    got = hfsuite_cmd("download", "acme/tiny-model", "--cache-dir", str(cache), env=offline)
    assert got.returncode == 0, got.stderr
    assert Path(got.stdout.strip()) == snapshot
    assert "Offline mode: 4 files of acme/tiny-model@" in got.stderr
    some = hfsuite_cmd(
        "download", "acme/tiny-model", "config.json", "--cache-dir", str(cache), env=offline
    )
    assert some.returncode == 0 and Path(some.stdout.strip()) == snapshot
    dry = hfsuite_cmd(
        "download", "acme/tiny-model", "--cache-dir", str(cache), "--dry-run", "--json",
        env=offline,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert plan["bytes_to_download"] == 0 and len(plan["files"]) == 4
    nothing = hfsuite_cmd(
        "download", "acme/tiny-model", "--include", "*.gguf", "--cache-dir", str(cache),
        env=offline,
    )  # fmt: skip
    assert nothing.returncode == 2 and "It has 4 files" in nothing.stderr
    assert len(served.log.records) == requests, "offline: no request at all"

    # A file of the commit gone from the cache: named, and offline mode blamed.
    (snapshot / "model.safetensors").unlink()
    broken = hfsuite_cmd("download", "acme/tiny-model", "--cache-dir", str(cache), env=offline)
    assert broken.returncode == 5
    assert "Offline mode is on and 1 file(s) of acme/tiny-model at" in broken.stderr
    assert "model.safetensors." in broken.stderr and "HF_HUB_OFFLINE" in broken.stderr
    # Only what the download asks for matters.
    json_only = hfsuite_cmd(
        "download", "acme/tiny-model", "--include", "*.json", "--cache-dir", str(cache),
        env=offline,
    )  # fmt: skip
    assert json_only.returncode == 0, json_only.stderr


def test_offline_download_of_something_never_cached_says_so(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    offline = _env(served, HF_HUB_OFFLINE="1")
    cache = tmp_path / "hf-cache"
    got = hfsuite_cmd("download", "acme/tiny-model", "--cache-dir", str(cache), env=offline)
    assert got.returncode == 5
    assert "Offline mode is on and the HF cache" in got.stderr
    assert "has no snapshot of acme/tiny-model at revision 'main'" in got.stderr
    assert _history(hfsuite_cmd, offline) == []
