"""Helpers shared by the emulator tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from pathlib import Path


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (following symlinks, skipping ``.cache``) as path -> bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }
