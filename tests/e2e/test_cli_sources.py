"""`hfsuite download` and `queue` with every kind of name: file URLs, ModelScope, plain URLs."""

from __future__ import annotations

import hashlib
import os

import pytest
from json_documents import document

MIB = 1 << 20


@pytest.fixture
def served(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    weights = os.urandom(3 * MIB)
    hub.create_repo("acme/m", files={"unet/w.safetensors": weights, "config.json": b"{}"})
    return hub, weights


def test_hub_file_url_downloads_just_that_file(hfsuite_cmd, served, tmp_path):  # type: ignore[no-untyped-def]
    hub, weights = served
    url = f"{hub.url}/acme/m/blob/main/unet/w.safetensors"
    result = hfsuite_cmd(
        "download", url, "--local-dir", str(tmp_path / "d"), env={"HF_ENDPOINT": hub.url}
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d/unet/w.safetensors").read_bytes() == weights
    assert not (tmp_path / "d/config.json").exists()


def test_modelscope_name_downloads_into_a_folder(hfsuite_cmd, served, tmp_path):  # type: ignore[no-untyped-def]
    hub, weights = served
    env = {"MODELSCOPE_ENDPOINT": hub.url}
    result = hfsuite_cmd(
        "download", "modelscope:acme/m", "--local-dir", str(tmp_path / "ms"), env=env
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ms/unet/w.safetensors").read_bytes() == weights
    listed = document(hfsuite_cmd("history", "ls", "--json", env=env).stdout, "history-list")[
        "entries"
    ]
    assert any(item.get("source") == "modelscope" for item in listed), listed


def test_plain_url_with_expected_sha256(hfsuite_cmd, served, tmp_path):  # type: ignore[no-untyped-def]
    hub, weights = served
    url = f"{hub.url}/acme/m/resolve/main/unet/w.safetensors"
    good = hfsuite_cmd(
        "download",
        url,
        "--sha256",
        hashlib.sha256(weights).hexdigest(),
        "--local-dir",
        str(tmp_path / "u"),
    )
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "u/w.safetensors").read_bytes() == weights
    bad = hfsuite_cmd("download", url, "--sha256", "0" * 64, "--local-dir", str(tmp_path / "b"))
    assert bad.returncode == 8
    assert "different bytes" in bad.stderr
    assert not (tmp_path / "b/w.safetensors").exists()


def test_queue_accepts_mixed_names(hfsuite_cmd, served, tmp_path):  # type: ignore[no-untyped-def]
    hub, weights = served
    names = tmp_path / "list.txt"
    # The plain URL names the server "localhost": 127.0.0.1 is the ModelScope endpoint here.
    plain = hub.url.replace("127.0.0.1", "localhost") + "/acme/m/resolve/main/config.json"
    names.write_text(f"# models to fetch\nmodelscope:acme/m\n\n{plain}\n")
    env = {"MODELSCOPE_ENDPOINT": hub.url, "HFSUITE_DOWNLOAD_DIR": str(tmp_path / "dl")}
    added = hfsuite_cmd("queue", "add", "-i", str(names), env=env)
    assert added.returncode == 0, added.stderr
    run = hfsuite_cmd("queue", "run", env=env)
    assert run.returncode == 0, run.stderr + run.stdout
    assert (tmp_path / "dl/m/unet/w.safetensors").read_bytes() == weights
    assert (tmp_path / "dl/config.json").read_bytes() == b"{}"
