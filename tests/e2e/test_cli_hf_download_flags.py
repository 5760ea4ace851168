"""`hfsuite download` takes `hf download`'s spellings with their meaning: the same argument
lists run through both commands against the emulator land the same files in the same places."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from json_documents import json_lines

from hfsuite.testing import HubEmulator

KIB = 1024
DEST = "{dest}"

CASES = [
    ["acme/tiny", "--local-dir", DEST],
    ["acme/tiny", "config.json", "weights/a.bin", "--local-dir", DEST, "--max-workers", "1"],
    ["acme/data", "--type", "dataset", "--include", "data/*", "--local-dir", DEST, "-q"],
    ["acme/data", "--repo-type", "dataset", "--exclude", "*.md", "--cache-dir", DEST],
    ["acme/tiny", "--exclude", "*.bin", "--cache-dir", DEST, "--format", "quiet"],
    ["acme/tiny", "--include", "weights/*", "--local-dir", DEST, "--format", "human"],
    ["acme/tiny", "--revision", "v1", "--type", "model", "--local-dir", DEST, "--quiet"],
]


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub: HubEmulator = hub_factory(lfs_threshold=4 * KIB)
    tiny = hub.create_repo(
        "acme/tiny",
        files={
            "config.json": b'{"a": 1}',
            "README.md": b"# tiny",
            "weights/a.bin": os.urandom(40 * KIB),
            "weights/b.bin": os.urandom(12 * KIB),
        },
    )
    tiny.create_tag("v1")
    tiny.commit({"config.json": b'{"a": 2}'})
    hub.create_repo(
        "acme/data",
        "dataset",
        files={
            "README.md": b"# data",
            "data/train.csv": b"x\n1\n" * 2000,
            "data/test.csv": b"x\n2\n",
        },
    )
    return hub


def installed_command(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed next to this Python"
    return found


def _run(tool: str, args: list[str], dest: Path, hub: HubEmulator, home: Path):  # type: ignore[no-untyped-def]
    env = dict(
        os.environ,
        HF_ENDPOINT=hub.url,
        HF_HUB_DISABLE_XET="1",
        HF_HOME=str(home / "hf-home"),
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
    )
    argv = [installed_command(tool), "download", *(str(dest) if a == DEST else a for a in args)]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


def _landed(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (links followed) by relative path, leaving out the tools'
    own bookkeeping: ``.cache/`` of a local folder, ``.locks/`` and ``blobs/`` of a cache (the
    snapshots name the same bytes)."""
    found = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        parts = rel.split("/")
        if ".cache" in parts or ".locks" in parts or "blobs" in parts or path.is_dir():
            continue
        found[rel] = path.read_bytes()
    return found


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c[:1] + c[2:]) for c in CASES])
def test_the_same_arguments_download_the_same_files_to_the_same_places(
    hub: HubEmulator, tmp_path: Path, args: list[str]
) -> None:
    theirs = _run("hf", args, tmp_path / "hf" / "dest", hub, tmp_path / "hf")
    assert theirs.returncode == 0, theirs.stderr
    ours = _run("hfsuite", args, tmp_path / "ours" / "dest", hub, tmp_path / "ours")
    assert ours.returncode == 0, ours.stderr

    landed = _landed(tmp_path / "hf" / "dest")
    assert landed, "hf download fetched nothing: the case tests nothing"
    assert _landed(tmp_path / "ours" / "dest") == landed
    # Both print where the files are, as the last line of stdout (hf's human format as
    # "  path: …").
    where = {
        tool: Path(
            result.stdout.strip().splitlines()[-1].strip().removeprefix("path: ")
        ).relative_to(tmp_path / tool)
        for tool, result in (("hf", theirs), ("ours", ours))
    }
    assert where["hf"] == where["ours"]
    if "-q" in args or "--quiet" in args or "quiet" in args:
        assert ours.stderr == "" and ours.stdout.strip() == str(tmp_path / "ours" / where["ours"])


def test_force_download_fetches_again_in_both(hub: HubEmulator, tmp_path: Path) -> None:
    args = ["acme/tiny", "--include", "weights/*", "--local-dir", DEST]
    fetched: dict[str, int] = {}
    for tool in ("hf", "hfsuite"):
        dest, home = tmp_path / tool / "dest", tmp_path / tool
        assert _run(tool, args, dest, hub, home).returncode == 0
        started = time.time()
        again = _run(tool, [*args, "--force-download"], dest, hub, home)
        assert again.returncode == 0, again.stderr
        fetched[tool] = sum(
            r.bytes_sent
            for r in hub.log.records
            if r.started >= started
            and r.method == "GET"
            and ("/resolve/" in r.path or r.origin == "cdn")
        )
    # Both fetch both files once more (ours may add a small probe of the server).
    assert min(fetched.values()) >= 52 * KIB, fetched


def test_format_json_prints_our_documented_json(hub: HubEmulator, tmp_path: Path) -> None:
    args = ["acme/data", "--type", "dataset", "--local-dir", DEST, "--format", "json"]
    ours = _run("hfsuite", args, tmp_path / "dest", hub, tmp_path)
    assert ours.returncode == 0, ours.stderr
    events = json_lines(ours.stdout, "download-event")
    done = events[-1]
    assert done["event"] == "Done" and done["repo_type"] == "dataset"
    assert done["path"] == str(tmp_path / "dest") and done["file_count"] == 3

    plan = _run("hfsuite", [*args, "--dry-run"], tmp_path / "dest2", hub, tmp_path)
    assert json.loads(plan.stdout)["schema"] == "hfsuite/plan/v1"

    both = _run("hfsuite", [*args, "--json", "--format", "quiet"], tmp_path / "d3", hub, tmp_path)
    assert both.returncode == 2 and "--json and --format quiet" in both.stderr


def test_quiet_after_the_subcommand_is_the_global_quiet(hub: HubEmulator, tmp_path: Path) -> None:
    exe = installed_command("hfsuite")
    outputs = []
    for i, argv in enumerate(
        (
            ["download", "acme/data", "--type", "dataset", "-q"],
            ["-q", "download", "acme/data", "--type", "dataset"],
        )
    ):
        home = tmp_path / str(i)
        env = dict(os.environ, HF_ENDPOINT=hub.url, HF_HOME=str(home / "hf"))
        full = [exe, *argv, "--local-dir", str(home / "dest")]
        result = subprocess.run(full, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs.append((result.stderr, result.stdout.replace(str(home), "")))
    assert outputs[0] == outputs[1] == ("", "/dest\n")
