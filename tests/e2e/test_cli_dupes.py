"""The duplicate journey through the installed command: scan -> dupes -> reclaim --dry-run
(nothing changes) -> reclaim --yes -> dupes shows none -> library ls still lists the kept
files; the plan is refused without a terminal unless --yes; library verify's exit codes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from database_rows import query
from isolated_env import isolated_env
from json_documents import document

MIB = 1 << 20


def _blob(seed: int, size: int) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def _env(tmp_path: Path) -> dict[str, str]:
    return isolated_env(tmp_path)


def _state(root: Path) -> dict[str, tuple[int, ...]]:
    out = {}
    for p in sorted(root.rglob("*")):
        st = os.lstat(p)
        out[str(p)] = (st.st_ino, st.st_mode, st.st_nlink, st.st_size, st.st_mtime_ns)
    return out


def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "models"
    (lib / "a").mkdir(parents=True)
    (lib / "b").mkdir()
    big = _blob(1, 3 * MIB + 5)
    (lib / "a" / "model.safetensors").write_bytes(big)
    (lib / "b" / "model-copy.safetensors").write_bytes(big)
    (lib / "b" / "model-again.safetensors").write_bytes(big)
    (lib / "a" / "notes.txt").write_text("same text")
    (lib / "b" / "notes.txt").write_text("same text")
    (lib / "a" / "unique.bin").write_bytes(_blob(2, 5000))
    for i, p in enumerate(sorted(lib.rglob("*"))):
        if p.is_file():
            os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))
    return lib


def test_scan_dupes_reclaim_journey(hfsuite_cmd, tmp_path):  # type: ignore[no-untyped-def]
    env = _env(tmp_path)
    lib = _library(tmp_path)
    scanned = hfsuite_cmd("scan", str(lib), env=env)
    assert scanned.returncode == 0, scanned.stderr

    listed = hfsuite_cmd("dupes", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    found = document(listed.stdout, "dupes")
    assert found["group_count"] == 2
    big, small = found["groups"]
    assert big["size_bytes"] == 3 * MIB + 5 and len(big["paths"]) == 3
    assert big["wasted_bytes"] == 2 * (3 * MIB + 5)
    assert small["paths"] == [str(lib / "a" / "notes.txt"), str(lib / "b" / "notes.txt")]
    assert found["wasted_bytes"] == big["wasted_bytes"] + small["wasted_bytes"]
    assert found["hashed_bytes"] > 0
    text = hfsuite_cmd("dupes", env=env)
    assert "wasted" in text.stdout and str(lib / "b" / "model-copy.safetensors") in text.stdout

    # hashes are read once: a second listing reads nothing
    assert document(hfsuite_cmd("dupes", "--json", env=env).stdout, "dupes")["hashed_bytes"] == 0

    before = _state(lib)
    dry = hfsuite_cmd("dupes", "reclaim", "--hardlink", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "Plan (hardlink): 3 actions" in dry.stdout
    assert (
        f"hard-link {lib / 'b' / 'model-copy.safetensors'} -> {lib / 'a' / 'model.safetensors'}"
        in dry.stdout
    )
    assert "Dry run: nothing was changed." in dry.stdout
    assert _state(lib) == before

    refused = hfsuite_cmd("dupes", "reclaim", "--hardlink", env=env, input="")
    assert refused.returncode == 2
    assert "Plan (hardlink)" in refused.stdout  # the plan is shown before the question
    assert "Not reclaiming without confirmation: stdin is not a terminal." in refused.stderr
    assert "--yes" in refused.stderr and "Traceback" not in refused.stderr
    assert _state(lib) == before

    done = hfsuite_cmd("dupes", "reclaim", "--hardlink", "--yes", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = document(done.stdout, "reclaim")
    assert (report["done"], report["skipped"], report["failed"]) == (3, 0, 0)
    assert report["freed_bytes"] == found["wasted_bytes"]
    assert {a["outcome"] for a in report["actions"]} == {"done"}
    for name in ("a/model.safetensors", "b/model-copy.safetensors", "b/model-again.safetensors"):
        assert (lib / name).read_bytes() == _blob(1, 3 * MIB + 5)
    assert os.stat(lib / "a" / "model.safetensors").st_nlink == 3

    after = document(hfsuite_cmd("dupes", "--json", env=env).stdout, "dupes")
    assert after["groups"] == [] and after["wasted_bytes"] == 0
    assert "No duplicate files" in hfsuite_cmd("dupes", env=env).stdout

    ls = hfsuite_cmd("library", "ls", "--all", "--json", env=env)
    assert ls.returncode == 0, ls.stderr
    paths = {f["path"] for f in document(ls.stdout, "library-list")["files"]}
    assert str(lib / "a" / "model.safetensors") in paths
    assert str(lib / "a" / "unique.bin") in paths

    logged = query(
        env["HFSUITE_DB_URL"], "SELECT mode, outcome, bytes FROM reclaim_log ORDER BY id"
    )
    assert [o for _m, o, _b in logged] == ["planned"] * 3 + ["done"] * 3
    assert sum(b for _m, o, b in logged if o == "done") == report["freed_bytes"]
    log = (tmp_path / "logs" / "hfsuite.log").read_text(encoding="utf-8")
    assert f"reclaim hardlink done {lib / 'b' / 'model-copy.safetensors'}" in log


def test_reclaim_delete_then_verify(hfsuite_cmd, tmp_path):  # type: ignore[no-untyped-def]
    env = _env(tmp_path)
    lib = _library(tmp_path)
    assert hfsuite_cmd("scan", str(lib), "--hash", env=env).returncode == 0
    done = hfsuite_cmd(
        "dupes", "reclaim", "--delete", "--yes", str(lib / "b"), str(lib / "a"), env=env
    )
    assert done.returncode == 0, done.stderr
    assert "3 done, 0 skipped, 0 failed" in done.stdout
    assert not (lib / "b" / "model-copy.safetensors").exists()
    assert (lib / "a" / "model.safetensors").read_bytes() == _blob(1, 3 * MIB + 5)
    ls = document(hfsuite_cmd("library", "ls", "--all", "--json", env=env).stdout, "library-list")
    assert str(lib / "b" / "model-copy.safetensors") not in {f["path"] for f in ls["files"]}

    ok = hfsuite_cmd("library", "verify", "--json", env=env)
    assert ok.returncode == 0, ok.stderr
    verified = document(ok.stdout, "library-verify")
    assert verified["ok"] and verified["counts"]["unchanged"] == verified["file_count"] == 3

    (lib / "a" / "unique.bin").unlink()
    bad = hfsuite_cmd("library", "verify", env=env)
    assert bad.returncode == 8
    assert "missing" in bad.stdout and str(lib / "a" / "unique.bin") in bad.stdout
    assert "1 file corrupt, missing or unreadable." in bad.stderr


def test_unknown_paths_and_modes_are_usage_errors(hfsuite_cmd, tmp_path):  # type: ignore[no-untyped-def]
    env = _env(tmp_path)
    lib = _library(tmp_path)
    assert hfsuite_cmd("scan", str(lib), env=env).returncode == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    result = hfsuite_cmd("dupes", str(outside), "--json", env=env)
    assert result.returncode == 2
    assert f"{outside} is not in the library index." in result.stderr
    assert (
        document(result.stdout, "error")["error"]["hint"]
        == f"Scan it first: hfsuite scan {outside}"
    )
    asked = hfsuite_cmd("dupes", "reclaim", "--symlink", "--json", env=env, input="")
    assert asked.returncode == 2
    assert document(asked.stdout, "error")["error"]["type"] == "UsageError"
    assert "Plan (symlink): 3 actions" in asked.stderr  # the plan, on stderr beside the JSON
    assert all(not p.is_symlink() for p in lib.rglob("*"))
    both = hfsuite_cmd("dupes", "reclaim", "--hardlink", "--delete", env=env)
    assert both.returncode == 2
    assert "Choose one way to reclaim: --hardlink, --symlink or --delete." in both.stderr
