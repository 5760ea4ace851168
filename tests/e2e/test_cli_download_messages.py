"""`hfsuite download` tells a failure once: no line repeats the ``Error:`` line, a reason shared by
every file is told once, a wrong ``--sha256`` says which hash arrived, and an unknown host is
named (not a raw resolver error)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from hfsuite.testing import HubEmulator

FILES = {"a.txt": b"a" * 3000, "b.txt": b"b" * 3000, "c.txt": b"c" * 3000}


@pytest.fixture
def served(hub_factory: Any) -> HubEmulator:
    hub: HubEmulator = hub_factory(lfs_threshold=1000)
    hub.create_repo("acme/multi", files=FILES)
    hub.create_repo("acme/small", files={"config.json": b'{"x": 1}'})
    return hub


def test_a_reason_every_file_meets_is_told_once(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    served.add_fault("*/resolve/*", origin="hub", status=403)
    env = {"HF_ENDPOINT": served.url}
    result = hfsuite_cmd("download", "acme/multi", "--local-dir", str(tmp_path / "d"), env=env)
    assert result.returncode == 6, result.stderr
    assert result.stderr.count("is forbidden") == 1, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr


def test_a_file_server_refusing_every_file_is_told_once(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    served.add_fault("*", origin="cdn", status=403)
    env = {"HF_ENDPOINT": served.url}
    result = hfsuite_cmd("download", "acme/multi", "--local-dir", str(tmp_path / "d"), env=env)
    assert result.returncode == 6, result.stderr
    assert result.stderr.startswith("Error: The file server "), result.stderr
    assert result.stderr.count("refused the download") == 1, result.stderr
    assert "giving up" not in result.stderr
    refused = [r for r in served.log.filter(origin="cdn") if r.status == 403]
    assert len(refused) <= len(FILES), "not asked again and again"


def test_a_wrong_sha256_is_downloaded_once_and_says_what_arrived(
    hfsuite_cmd: Any, served: HubEmulator, tmp_path: Path
) -> None:
    url = f"{served.url}/acme/small/resolve/main/config.json"  # a plain URL: no HF_ENDPOINT
    got = hashlib.sha256(b'{"x": 1}').hexdigest()[:12]
    result = hfsuite_cmd("download", url, "--sha256", "0" * 64, "--local-dir", str(tmp_path))
    assert result.returncode == 8, result.stderr
    first = result.stderr.splitlines()[0]
    assert first == f"Error: config.json: sha256 mismatch: expected {'0' * 12}…, got {got}….", (
        result.stderr
    )
    assert "differs from the one the SHA-256 pins" in result.stderr
    assert "proxy" not in result.stderr and "again" not in result.stderr.split("Hint:")[0]
    gets = [r for r in served.log.filter(method="GET") if r.path.endswith("config.json")]
    assert len(gets) == 1, gets
    assert not (tmp_path / "config.json").exists()


def test_an_unknown_modelscope_host_is_named_with_a_hint(hfsuite_cmd: Any, tmp_path: Path) -> None:
    env = {"MODELSCOPE_ENDPOINT": "http://nonexistent.invalid"}
    result = hfsuite_cmd(
        "download", "modelscope:acme/m", "--local-dir", str(tmp_path / "m"), env=env
    )
    assert result.returncode == 5, result.stderr
    assert result.stderr.startswith(
        "Error: Cannot reach nonexistent.invalid: its name does not resolve (DNS).\n"
        "Hint: Check your connection, the proxy settings and the endpoint."
    ), result.stderr
    assert "`hfsuite config get modelscope_endpoint`" in result.stderr
    assert "gaierror" not in result.stderr
