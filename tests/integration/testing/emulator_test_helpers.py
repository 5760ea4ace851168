"""Helpers shared by the emulator tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (following symlinks, skipping ``.cache``) as path -> bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }


@contextmanager
def serve(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``python -m hfsuite.testing.hub serve ARGS`` in a subprocess: yields (base URL, process).

    The URL is read from the line the command prints once both origins accept connections;
    the process gets SIGTERM on exit unless it already ended.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "hfsuite.testing.hub", "serve", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)


def run_hf(url: str, hf_home: Path, *args: str) -> str:
    """``hf download ARGS`` against ``url``; returns the folder or file it printed."""
    env = dict(os.environ, HF_ENDPOINT=url, HF_HUB_DISABLE_XET="1", HF_HOME=str(hf_home))
    sibling = Path(sys.executable).with_name("hf")
    hf = str(sibling) if sibling.exists() else shutil.which("hf") or "hf"
    done = subprocess.run(
        [hf, "download", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    # 2.x prints "✓ Downloaded" then "  path: <folder>"; older versions print the bare path
    for line in done.stdout.splitlines():
        if line.strip().startswith("path:"):
            return line.split("path:", 1)[1].strip()
    return done.stdout.strip().splitlines()[-1]
