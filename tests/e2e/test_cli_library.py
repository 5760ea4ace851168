"""`hfsuite scan` and `hfsuite library ls|show|roots` end to end: the installed command, its
tables and JSON documents (validated against the schema), and what a user types wrong."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy.exc
from database_rows import query
from isolated_env import isolated_env
from json_documents import document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "library"))
from model_builders import VAE, sd_unet, write_gguf, write_safetensors

MIB = 1 << 20


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return isolated_env(tmp_path)


@pytest.fixture
def models(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    (folder / "loras").mkdir(parents=True)
    write_safetensors(
        folder / "sdxl.safetensors",
        sd_unet("model.diffusion_model.", 2048, sdxl=True),
        {"modelspec.architecture": "stable-diffusion-xl-v1-base"},
    )
    write_safetensors(folder / "vae.safetensors", VAE)
    write_gguf(folder / "tiny.gguf")  # type: ignore[call-arg]
    (folder / "loras" / "notes.txt").write_text("not a model")
    return folder


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def _fails(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr, result.stderr


def test_empty_library_says_how_to_start(hfsuite_cmd, env) -> None:  # type: ignore[no-untyped-def]
    result = _ok(hfsuite_cmd("library", "ls", env=env))
    assert "Nothing scanned yet — run `hfsuite scan`" in result.stdout
    data = document(_ok(hfsuite_cmd("library", "ls", "--json", env=env)).stdout, "library-list")
    assert (data["file_count"], data["indexed_files"], data["files"]) == (0, 0, [])


def test_scan_then_list_show_and_filter(hfsuite_cmd, env, models) -> None:  # type: ignore[no-untyped-def]
    scan = document(
        _ok(hfsuite_cmd("scan", str(models), "--hash", "--json", env=env)).stdout, "scan"
    )
    assert scan["added_roots"] == [str(models)]
    assert (scan["file_count"], scan["added"], scan["hashed_files"]) == (4, 4, 4)
    again = _ok(hfsuite_cmd("scan", env=env))
    assert "4 unchanged" in again.stdout and "0 new" in again.stdout

    listing = document(_ok(hfsuite_cmd("library", "ls", "--json", env=env)).stdout, "library-list")
    assert [Path(f["path"]).name for f in listing["files"]] == [
        "sdxl.safetensors",
        "tiny.gguf",
        "vae.safetensors",
    ]
    assert listing["hidden_files"] == 1 and listing["indexed_files"] == 4
    sdxl = listing["files"][0]
    assert (sdxl["format"], sdxl["architecture"], sdxl["source"]) == ("safetensors", "sdxl", None)
    assert len(sdxl["sha256"]) == 64 and sdxl["autov2"] == sdxl["sha256"][:10]

    by_size = document(
        _ok(hfsuite_cmd("library", "ls", "--all", "--sort", "size", "--json", env=env)).stdout,
        "library-list",
    )
    sizes = [f["size_bytes"] for f in by_size["files"]]
    assert sizes == sorted(sizes, reverse=True) and by_size["file_count"] == 4
    vae = document(
        _ok(hfsuite_cmd("library", "ls", "--kind", "vae", "--json", env=env)).stdout,
        "library-list",
    )
    assert [Path(f["path"]).name for f in vae["files"]] == ["vae.safetensors"]
    gguf = document(
        _ok(hfsuite_cmd("library", "ls", "--format", "gguf", "--json", env=env)).stdout,
        "library-list",
    )
    assert [f["format"] for f in gguf["files"]] == ["gguf"]

    table = _ok(hfsuite_cmd("library", "ls", env=env)).stdout
    assert "sdxl.safetensors" in table and "3 files," in table and "--all" in table

    shown = document(
        _ok(
            hfsuite_cmd("library", "show", str(models / "sdxl.safetensors"), "--json", env=env)
        ).stdout,
        "library-file",
    )
    assert shown["metadata"]["modelspec.architecture"] == "stable-diffusion-xl-v1-base"
    text = _ok(hfsuite_cmd("library", "show", str(models / "sdxl.safetensors"), env=env)).stdout
    assert "sdxl" in text and shown["sha256"] in text.replace("\n", "").replace(" ", "")


def test_narrow_terminal_folds_the_table(hfsuite_cmd, env, models) -> None:  # type: ignore[no-untyped-def]
    _ok(hfsuite_cmd("scan", str(models), env=env))
    narrow = _ok(hfsuite_cmd("library", "ls", env={**env, "COLUMNS": "60"})).stdout
    assert all(len(line) <= 60 for line in narrow.splitlines())
    assert "3 files," in narrow


def test_roots_ls_add_rm(hfsuite_cmd, env, models, tmp_path) -> None:  # type: ignore[no-untyped-def]
    roots = document(
        _ok(hfsuite_cmd("library", "roots", "ls", "--json", env=env)).stdout, "library-roots"
    )
    assert [(r["path"], r["kind"]) for r in roots["roots"]] == [
        (str(tmp_path / "hf-home" / "hub"), "hf_cache")
    ]
    added = document(
        _ok(hfsuite_cmd("library", "roots", "add", str(models), "--json", env=env)).stdout,
        "library-root-change",
    )
    assert (added["action"], added["kind"]) == ("add", "user")
    _ok(hfsuite_cmd("scan", env=env))
    listed = _ok(hfsuite_cmd("library", "roots", "ls", env=env)).stdout
    assert str(models) in listed
    removed = document(
        _ok(hfsuite_cmd("library", "roots", "rm", str(models), "--json", env=env)).stdout,
        "library-root-change",
    )
    assert removed["files_removed"] == 4
    after = document(_ok(hfsuite_cmd("library", "ls", "--json", env=env)).stdout, "library-list")
    assert after["indexed_files"] == 0


def test_user_mistakes_are_clear_errors(hfsuite_cmd, env, models, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _fails(hfsuite_cmd("library", "ls", "--kind", "nope", env=env), 2, "--kind 'nope'", "loras")
    _fails(hfsuite_cmd("library", "ls", "--format", "zip", env=env), 2, "--format 'zip'")
    _fails(hfsuite_cmd("library", "ls", "--sort", "bad", env=env), 2, "--sort", "name")
    _fails(
        hfsuite_cmd("library", "show", str(models / "tiny.gguf"), env=env),
        2,
        "not in the library index",
        "hfsuite scan",
    )
    _fails(hfsuite_cmd("library", "show", str(tmp_path / "nope.gguf"), env=env), 2, "No such file")
    _fails(
        hfsuite_cmd("library", "roots", "add", str(tmp_path / "missing"), env=env),
        2,
        "No such folder",
    )
    _fails(
        hfsuite_cmd("library", "roots", "add", str(models / "tiny.gguf"), env=env),
        2,
        "is a file, not a folder",
    )
    _fails(hfsuite_cmd("library", "roots", "rm", str(models), env=env), 2, "not a scan root")
    _fails(hfsuite_cmd("scan", str(tmp_path / "missing"), env=env), 2, "No such folder")
    error = hfsuite_cmd("library", "ls", "--kind", "nope", "--json", env=env)
    assert document(error.stdout, "error")["error"]["exit_code"] == 2


def test_downloaded_file_is_not_read_again_by_scan_hash(hfsuite_cmd, env, hub_factory) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    weights = os.urandom(3 * MIB)
    hub.create_repo("acme/tiny", files={"model.safetensors": weights, "config.json": b"{}"})
    _ok(hfsuite_cmd("download", "acme/tiny", "--endpoint", hub.url, env=env))
    scan = document(_ok(hfsuite_cmd("scan", "--hash", "--json", env=env)).stdout, "scan")
    assert scan["file_count"] == 2
    # Only config.json (2 bytes, checked by its git blob id) is read; the LFS file's digest
    # was recorded by the download that verified it.
    assert (scan["hashed_files"], scan["hashed_bytes"], scan["cached_hashes"]) == (1, 2, 1)
    listing = document(
        _ok(hfsuite_cmd("library", "ls", "--all", "--json", env=env)).stdout, "library-list"
    )
    model = next(f for f in listing["files"] if f["source"]["path"] == "model.safetensors")
    assert model["hash_origin"] == "download"
    assert model["source"]["repo_id"] == "acme/tiny" and model["source"]["kind"] == "hf_cache"
    import hashlib

    assert model["sha256"] == hashlib.sha256(weights).hexdigest()


def _indexed(url: str) -> int:
    try:
        return int(query(url, "SELECT count(*) FROM library_files")[0][0])
    except sqlalchemy.exc.SQLAlchemyError:  # not created yet
        return 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_cancels_the_scan_keeping_what_was_recorded(hfsuite_exe, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "big"
    folder.mkdir()
    write_safetensors(folder / "small.safetensors", {"w": (2, 2)})
    with open(folder / "huge.bin", "wb") as f:  # sparse: no disk used, seconds to hash
        f.truncate(16 * 1024 * MIB)
    proc = subprocess.Popen(
        [hfsuite_exe, "scan", str(folder), "--hash"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, **env),
    )
    # Wait until the walk has recorded both files: the scan is then hashing huge.bin.
    db = env["HFSUITE_DB_URL"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _indexed(db) < 2:
        time.sleep(0.1)
    assert _indexed(db) == 2
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err and "Scan stopped" in err
    listing = subprocess.run(
        [hfsuite_exe, "library", "ls", "--all", "--json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, **env),
        check=True,
    )
    data = document(listing.stdout, "library-list")
    names = {Path(f["path"]).name: f for f in data["files"]}
    assert set(names) == {"small.safetensors", "huge.bin"}
    assert names["huge.bin"]["sha256"] is None
