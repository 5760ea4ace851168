"""A disk that fills up during `hfsuite download`, end to end through the installed command:
exit 9 with a message naming the file and the folder, no traceback, no temp file left, and
the same command run again completes."""

from __future__ import annotations

import textwrap
from pathlib import Path

MIB = 1 << 20

# Loaded by the child's interpreter at start-up (PYTHONPATH): the disk is full for refs/.
_SITE = """
import errno
import os

_real_replace = os.replace


def _replace(src, dst, *args, **kwargs):
    if "/refs/" in os.fspath(dst):
        raise OSError(errno.ENOSPC, "No space left on device", os.fspath(src), None,
                      os.fspath(dst))
    return _real_replace(src, dst, *args, **kwargs)


os.replace = _replace
"""


def test_disk_full_at_refs_exits_9_without_a_traceback(  # type: ignore[no-untyped-def]
    hfsuite_cmd, hub_factory, tmp_path
):
    hub = hub_factory(lfs_threshold=MIB)
    content = bytes(range(256)) * (2 * MIB // 256)
    hub.create_repo("acme/full", files={"w.bin": content, "config.json": b"{}"})
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(_SITE), encoding="utf-8")
    cache = tmp_path / "cache"
    args = ("download", "acme/full", "--endpoint", hub.url, "--cache-dir", str(cache))

    full = hfsuite_cmd(*args, env={"PYTHONPATH": str(site)})
    assert full.returncode == 9, full.stderr
    refs = cache / "models--acme--full" / "refs"
    assert "Traceback" not in full.stderr and "unexpectedly" not in full.stderr
    assert "Disk full while writing" in full.stderr
    assert str(refs / "main") in full.stderr and str(refs) in full.stderr
    assert "the same download again resumes" in full.stderr.replace("\n", " ")
    assert not [p for p in cache.rglob("*") if p.name.endswith(".tmp")]
    assert not (refs / "main").exists()

    again = hfsuite_cmd(*args)
    assert again.returncode == 0, again.stderr
    snapshot = Path(again.stdout.strip())
    assert (snapshot / "w.bin").read_bytes() == content
    assert (refs / "main").read_text() == snapshot.name
