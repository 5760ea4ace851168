"""Helpers shared by the engine integration tests."""

from __future__ import annotations

import os
from pathlib import Path

MIB = 1 << 20


def pattern_bytes(size: int, seed: int = 1) -> bytes:
    """Deterministic content that differs in every 1 KiB (so misplaced ranges are caught)."""
    block = bytearray()
    i = 0
    while len(block) < size:
        block += (seed * 1_000_003 + i).to_bytes(8, "little") * 128
        i += 1
    return bytes(block[:size])


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (except huggingface_hub's .cache) by relative path."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".cache" not in p.relative_to(root).parts:
            out[str(p.relative_to(root)).replace(os.sep, "/")] = p.read_bytes()
    return out
