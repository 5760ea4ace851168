"""`hfsuite download` end to end: the installed command against the emulator."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from json_documents import document

from hfsuite.engine.resume import load_state

MIB = 1 << 20


@pytest.fixture
def served(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    content = os.urandom(24 * MIB)
    hub.create_repo("acme/big", files={"model.safetensors": content, "config.json": b"{}"})
    return hub, content


def test_dry_run_json(hfsuite_cmd, served, tmp_path):  # type: ignore[no-untyped-def]
    hub, content = served
    result = hfsuite_cmd(
        "download",
        "acme/big",
        "--endpoint",
        hub.url,
        "--dry-run",
        "--json",
        "--local-dir",
        str(tmp_path / "d"),
    )
    assert result.returncode == 0, result.stderr
    data = document(result.stdout, "plan")
    assert data["file_count"] == 2 and data["repo_id"] == "acme/big"
    assert data["bytes_to_download"] == len(content) + 2
    assert {f["path"] for f in data["files"]} == {"model.safetensors", "config.json"}
    assert not (tmp_path / "d").exists()


def test_download_prints_path_and_exit_codes(hfsuite_cmd, served, tmp_path):  # type: ignore[no-untyped-def]
    hub, content = served
    result = hfsuite_cmd(
        "download", "acme/big", "--endpoint", hub.url, "--cache-dir", str(tmp_path / "c")
    )
    assert result.returncode == 0, result.stderr
    snapshot = Path(result.stdout.strip())
    assert (snapshot / "model.safetensors").read_bytes() == content
    missing = hfsuite_cmd("download", "acme/nope", "--endpoint", hub.url)
    assert missing.returncode == 7
    assert "acme/nope was not found" in missing.stderr
    bad = hfsuite_cmd("download", "acme/big", "nope.bin", "--endpoint", hub.url)
    assert bad.returncode == 7 and "nope.bin" in bad.stderr
    assert hfsuite_cmd("download", "not a repo").returncode == 2


def test_kill_9_then_rerun_fetches_only_missing_bytes(served, tmp_path, hfsuite_exe):  # type: ignore[no-untyped-def]
    hub, content = served
    hub.throttle(per_connection_bps=2 * MIB)  # 24 MiB over 4 connections: ~3 s
    dest = tmp_path / "d"
    cmd = [
        hfsuite_exe,
        "download",
        "acme/big",
        "--endpoint",
        hub.url,
        "--local-dir",
        str(dest),
        "-c",
        "4",
    ]
    env = dict(os.environ)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state_path = dest / ".cache/huggingface/download/model.safetensors.hfsuite.json"
    deadline = time.monotonic() + 30
    done = 0
    while time.monotonic() < deadline:
        state = load_state(state_path)
        done = state.ranges.total if state else 0
        if done >= len(content) * 0.4:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert done >= len(content) * 0.4, "the download did not get far enough"
    state = load_state(state_path)
    assert state is not None
    missing = len(content) - state.ranges.total
    assert 0 < missing < len(content)

    hub.clear_faults()
    # Requests of the killed process are logged when the server notices the broken socket,
    # possibly after this point: count only requests that arrive from now on.
    rerun_started = time.time()
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    served_again = sum(
        r.bytes_sent for r in hub.log.filter(origin="cdn") if r.started >= rerun_started
    )
    assert served_again <= missing * 1.05, (served_again, missing)
    assert (dest / "model.safetensors").read_bytes() == content
    assert not state_path.exists()


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(served, tmp_path, hfsuite_exe):  # type: ignore[no-untyped-def]
    hub, _ = served
    hub.throttle(per_connection_bps=1 * MIB)
    dest = tmp_path / "d"
    cmd = [hfsuite_exe, "download", "acme/big", "--endpoint", hub.url, "--local-dir", str(dest)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    state_path = dest / ".cache/huggingface/download/model.safetensors.hfsuite.json"
    deadline = time.monotonic() + 30
    while not state_path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "run the same command again to resume" in err
    assert (dest / ".cache/huggingface/download/model.safetensors.hfsuite.incomplete").exists()


def test_hf_cli_after_our_local_dir_download_fetches_nothing(served, tmp_path, hfsuite_exe):  # type: ignore[no-untyped-def]
    """The official `hf download --local-dir` sees our files as current."""
    import shutil
    import sys

    hub, content = served
    dest = tmp_path / "d"
    ours = subprocess.run(
        [hfsuite_exe, "download", "acme/big", "--endpoint", hub.url, "--local-dir", str(dest)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ours.returncode == 0, ours.stderr
    hf = shutil.which("hf", path=str(Path(sys.executable).parent))
    assert hf, "huggingface_hub's hf CLI is installed with the package"
    started = time.time()
    env = dict(
        os.environ, HF_ENDPOINT=hub.url, HF_HUB_DISABLE_XET="1", HF_HOME=str(tmp_path / "hf-home")
    )
    result = subprocess.run(
        [hf, "download", "acme/big", "--local-dir", str(dest)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fetched = [
        r
        for r in hub.log.records
        if r.started >= started
        and r.method == "GET"
        and ("/resolve/" in r.path or r.origin == "cdn")
    ]
    assert fetched == [], [r.path for r in fetched]
    assert (dest / "model.safetensors").read_bytes() == content


def test_a_database_that_cannot_be_opened_stops_the_download_and_keeps_its_bytes(  # type: ignore[no-untyped-def]
    hfsuite_cmd, served, tmp_path
):
    """Bytes start moving before the database is opened; when it then cannot be (here: one
    written by a newer hfsuite), the download stops with that error and its partial data stays
    for a later run. (Slow enough to need its task: seconds more to go after the first one.)"""
    hub, _ = served
    db = tmp_path / "newer.db"
    env = _newer_database(hfsuite_cmd, db)
    hub.throttle(per_connection_bps=MIB // 16)
    dest = tmp_path / "d"
    result = hfsuite_cmd(
        "download", "acme/big", "--endpoint", hub.url, "--local-dir", str(dest), env=env
    )
    assert result.returncode == 4, result.stderr
    assert "newer version" in result.stderr
    assert not (dest / "model.safetensors").exists()
    partial = dest / ".cache/huggingface/download/model.safetensors.hfsuite.incomplete"
    assert partial.exists(), "the bytes fetched so far are kept for a later run"


def test_a_quick_download_with_a_database_that_cannot_be_opened_keeps_its_record(  # type: ignore[no-untyped-def]
    hfsuite_cmd, served, tmp_path
):
    """A download that ends within its first seconds never opens the database: it completes,
    and its record waits in the journal of finished downloads (not lost) until an hfsuite that
    can open the database does; every command that needs it still says why it cannot."""
    hub, content = served
    db = tmp_path / "newer.db"
    env = _newer_database(hfsuite_cmd, db)
    dest = tmp_path / "d"
    result = hfsuite_cmd(
        "download", "acme/big", "--endpoint", hub.url, "--local-dir", str(dest), env=env
    )
    assert result.returncode == 0, result.stderr
    assert (dest / "model.safetensors").read_bytes() == content
    journal = list(Path(os.environ["XDG_DATA_HOME"], "hfsuite", "finished").glob("*/*.json"))
    listed = hfsuite_cmd("queue", "ls", env=env)
    assert listed.returncode == 4 and "newer version" in listed.stderr
    assert len(journal) == 1 and journal[0].exists(), "kept for a version that can apply it"


def _newer_database(hfsuite_cmd, db):  # type: ignore[no-untyped-def]
    """A database at ``db`` as a newer hfsuite would leave it; the env naming it."""
    import sqlite3

    env = {"HFSUITE_DB_URL": f"sqlite:///{db}"}
    assert hfsuite_cmd("queue", "ls", env=env).returncode == 0  # creates it
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    return env
