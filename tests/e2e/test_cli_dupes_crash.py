"""`hfsuite dupes reclaim` killed between making a link and renaming it over the duplicate (a
real SIGKILL of the installed command at that point): every path still reads its bytes, and
the next run removes the leftover link, completes, and frees what it reports."""

from __future__ import annotations

import hashlib
import os
import signal
import textwrap
from pathlib import Path

import pytest
from json_documents import document

from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore

MARK = ".hfsuite-reclaim-"

# Loaded by the command's interpreter at start-up (PYTHONPATH): the first rename of a reclaim's
# temporary link kills the process, as a power cut or `kill -9` would.
_SITE = f"""
import os
import signal

_real_replace = os.replace


def _replace(src, dst, *args, **kwargs):
    if "{MARK}" in os.fspath(src):
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_replace(src, dst, *args, **kwargs)


os.replace = _replace
"""


def _blob(seed: int, size: int) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def _used_bytes(root: Path) -> int:
    seen: dict[tuple[int, int], int] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                st = os.lstat(path)
                seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
        "HFSUITE_LOG_DIR": str(tmp_path / "logs"),
        "HF_ENDPOINT": "http://127.0.0.1:9",
    }


def _index(tmp_path: Path, root: Path) -> None:
    """Scan ``root`` into the library the command will read (same database)."""
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    suite = Suite(store.load(env=_env(tmp_path)), store)
    try:
        suite.library.add_root(root)
        suite.library.scan([str(root)])
    finally:
        suite.close()


@pytest.mark.parametrize("mode", ["hardlink", "symlink"])
def test_a_reclaim_killed_between_link_and_rename_recovers(  # type: ignore[no-untyped-def]
    hfsuite_cmd, tmp_path, mode
):
    lib = tmp_path / "lib"
    lib.mkdir()
    contents = {f"copy{i}.safetensors": _blob(1, 3 << 20) for i in range(3)}
    contents["other.bin"] = _blob(2, 1000)
    for i, (name, data) in enumerate(contents.items()):
        (lib / name).write_bytes(data)
        os.utime(lib / name, (1_700_000_000 + i, 1_700_000_000 + i))
    _index(tmp_path, lib)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(_SITE), encoding="utf-8")
    env = _env(tmp_path)
    args = ("dupes", "reclaim", f"--{mode}", "--yes", str(lib))
    before = _used_bytes(lib)

    killed = hfsuite_cmd(*args, env={**env, "PYTHONPATH": str(site)})
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr)
    leftovers = sorted(p.name for p in lib.iterdir() if MARK in p.name)
    assert len(leftovers) == 1, leftovers
    for name, data in contents.items():
        assert (lib / name).read_bytes() == data, name
    assert _used_bytes(lib) == before  # a link, not a copy: nothing was written or freed

    again = hfsuite_cmd(*args, "--json", env=env)
    assert again.returncode == 0, again.stderr
    report = document(again.stdout, "reclaim")
    assert report["stale_temps"] == [str(lib / leftovers[0])]
    assert (report["done"], report["skipped"], report["failed"]) == (2, 0, 0)
    assert report["freed_bytes"] == 2 * (3 << 20)
    assert before - _used_bytes(lib) == report["freed_bytes"]
    assert not [p for p in lib.iterdir() if MARK in p.name]
    for name, data in contents.items():
        assert (lib / name).read_bytes() == data, name
    linked = [lib / n for n in contents if n.startswith("copy")]
    if mode == "symlink":
        assert sum(p.is_symlink() for p in linked) == 2
    else:
        assert len({os.stat(p).st_ino for p in linked}) == 1
