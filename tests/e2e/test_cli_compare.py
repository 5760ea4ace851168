"""``hfsuite compare`` through the installed command, against the emulator: two repositories, two
revisions of one (``@rev`` for B), two local model files, the JSON document (validated against
docs/json-schema/v1.json), and mistakes: an unknown repository or revision, a missing path, a
file against a repository; each a clear message and the exit code of core/errors.py."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from json_documents import document

from hfsuite.core.errors import NotFoundError, UsageError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "library"))
from model_builders import VAE, write_gguf, write_safetensors

KIB = 1 << 10


@pytest.fixture
def served(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=16 * KIB)
    shared = os.urandom(20 * KIB)
    one = hub.create_repo(
        "acme/one",
        files={
            "config.json": json.dumps({"hidden_size": 1024, "vocab_size": 32000}).encode(),
            "model.safetensors": os.urandom(40 * KIB),
            "tokenizer.json": shared,
        },
        tags=["llama", "en", "license:mit"],
        card_data={"license": "mit"},
    )
    one.create_tag("v1.0")
    one.commit({"config.json": json.dumps({"hidden_size": 2048, "vocab_size": 32000}).encode()})
    hub.create_repo(
        "acme/two",
        files={
            "config.json": json.dumps({"hidden_size": 1024}).encode(),
            "model-00001-of-00002.safetensors": os.urandom(30 * KIB),
            "model-00002-of-00002.safetensors": os.urandom(30 * KIB),
            "tokenizer.json": shared,
        },
        tags=["llama", "conversational", "license:apache-2.0"],
        card_data={"license": "apache-2.0"},
    )
    env = {
        "HF_ENDPOINT": hub.url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "HFSUITE_DOWNLOAD_DIR": str(tmp_path / "dl"),
    }
    return hub, env


def test_two_repositories_as_a_table(served, hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    result = hfsuite_cmd("compare", "acme/one", "acme/two", env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2 added, 1 removed, 1 changed, 1 same" in out
    assert "model-00001-of-00002.safetensors" in out and "model.safetensors" in out
    assert "tokenizer.json" not in out  # unchanged files only with --all
    assert "hidden_size" in out and "vocab_size" in out
    assert "+conversational" in out and "-en" in out
    assert "mit" in out and "apache-2.0" in out
    every = hfsuite_cmd("compare", "acme/one", "acme/two", "--all", env=env)
    assert "tokenizer.json" in every.stdout


def test_two_revisions_as_json(served, hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    hub, env = served
    result = hfsuite_cmd("compare", "acme/one@v1.0", "@main", "--json", env=env)
    assert result.returncode == 0, result.stderr
    doc = document(result.stdout, "comparison")
    assert doc["a"]["repo_id"] == doc["b"]["repo_id"] == "acme/one"
    assert (doc["a"]["revision"], doc["b"]["revision"]) == ("v1.0", "main")
    assert doc["b"]["commit"] == hub.repo("acme/one").sha
    assert doc["a"]["commit"] == hub.repo("acme/one").revision_sha("v1.0")
    changes = {f["path"]: f["change"] for f in doc["files"]}
    assert changes == {
        "config.json": "changed",
        "model.safetensors": "same",
        "tokenizer.json": "same",
    }
    assert doc["config"] == [{"key": "hidden_size", "change": "changed", "a": "1024", "b": "2048"}]
    assert doc["summary"]["identical"] is False and doc["file_count"] == 3


def test_two_local_model_files(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    a = write_safetensors(tmp_path / "a.safetensors", VAE, {"title": "first"})
    b = write_gguf(tmp_path / "b.gguf")  # type: ignore[call-arg]
    result = hfsuite_cmd("compare", str(a), str(b), "--json", env=env)
    assert result.returncode == 0, result.stderr
    doc = document(result.stdout, "comparison")
    assert (doc["a"]["kind"], doc["a"]["format"], doc["b"]["format"]) == (
        "file",
        "safetensors",
        "gguf",
    )
    config = {c["key"]: (c["a"], c["b"]) for c in doc["config"]}
    assert config["format"] == ("safetensors", "gguf")
    assert config["tensors"] == ("5", "2")
    assert config["metadata.title"] == ("first", None)
    assert config["metadata.general.architecture"] == (None, "llama")
    table = hfsuite_cmd("compare", str(a), str(b), env=env)
    assert "Header:" in table.stdout and "metadata.general.name" in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("acme/one", "acme/nope"), NotFoundError.exit_code, "acme/nope was not found"),
        (("acme/one@no-such-branch", "acme/two"), NotFoundError.exit_code, "no-such-branch"),
        (("./missing.safetensors", "acme/two"), UsageError.exit_code, "No file or folder at"),
    ],
)
def test_mistakes_are_clear_errors(served, hfsuite_cmd, args, code, message) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    result = hfsuite_cmd("compare", *args, env=env)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    as_json = hfsuite_cmd("compare", *args, "--json", env=env)
    assert as_json.returncode == code
    error = document(as_json.stdout.strip().splitlines()[-1], "error")["error"]
    assert error["exit_code"] == code and message in error["message"]


def test_a_file_against_a_repository_is_refused(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    a = write_safetensors(tmp_path / "a.safetensors", VAE)
    result = hfsuite_cmd("compare", str(a), "acme/two", env=env)
    assert result.returncode == UsageError.exit_code
    assert "can only be compared with another model file" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_has_examples(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("compare", "--help")
    assert result.returncode == 0
    assert "hfsuite compare openai-community/gpt2@v1.0 @main" in result.stdout
