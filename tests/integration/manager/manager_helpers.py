"""Repositories and helpers shared by the download-manager tests."""

from __future__ import annotations

import os
from pathlib import Path

MIB = 1 << 20

REPOS = {
    "acme/alpha": {"model.safetensors": os.urandom(3 * MIB), "config.json": b'{"a": 1}'},
    "acme/beta": {"weights.bin": os.urandom(2 * MIB), "README.md": b"# beta\n"},
    "acme/gamma": {"model.gguf": os.urandom(2 * MIB)},
    "acme/delta": {"tokenizer.json": b'{"v": 1}' * 1000},
    "acme/epsilon": {"data.bin": os.urandom(1 * MIB + 17)},
}

SLOW_REPO = "acme/slow"
SLOW_FILES = {"model.safetensors": os.urandom(8 * MIB), "config.json": b'{"slow": true}'}
"""A repo big enough that a throttled download can be paused well before it ends."""


def cached_file(cache: Path, repo_id: str, path: str) -> Path:
    """The snapshot file of a repo in an HF cache (the only snapshot)."""
    (snapshot,) = (cache / f"models--{repo_id.replace('/', '--')}" / "snapshots").iterdir()
    return snapshot / path
