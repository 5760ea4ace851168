"""Helpers for the duplicate, reclaim, verify and provenance tests: a suite on a temporary
database, file contents, an index filled the way a scan fills it, and disk usage counted by
distinct inodes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.library.scanner import ScanRoot

MIB = 1024 * 1024


def make_suite(tmp_path: Path, **env: str) -> Suite:
    """A Suite on a database in ``tmp_path`` (the CLI sees it with ``cli_env``)."""
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    loaded = store.load(env={**cli_env(tmp_path), **env})
    return Suite(loaded, store)


def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment that points the installed command at the same database."""
    return {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
        "HFSUITE_LOG_DIR": str(tmp_path / "logs"),
    }


def blob(seed: int, size: int) -> bytes:
    """``size`` bytes that differ for every seed."""
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def index_roots(suite: Suite, *roots: ScanRoot) -> None:
    """Add ``roots`` to the library and scan them, as ``hfsuite scan`` does."""
    for root in roots:
        suite.library.add_root(root.path, root.kind)
    suite.library.scan([root.path for root in roots])


def used_bytes(*folders: Path) -> int:
    """Bytes held by distinct regular files under ``folders`` (symbolic links hold none)."""
    seen: dict[tuple[int, int], int] = {}
    for top in folders:
        for folder, _dirs, names in os.walk(top):
            for name in names:
                st = os.lstat(os.path.join(folder, name))
                if not os.path.islink(os.path.join(folder, name)):
                    seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


def make_hf_cache(cache: Path, repo: str, files: dict[str, bytes], commit: str) -> dict[str, Path]:
    """A cache folder as huggingface_hub writes it (blobs named by SHA-256, snapshot symlinks);
    returns repo path -> blob."""
    folder = cache / f"models--{repo.replace('/', '--')}"
    (folder / "refs").mkdir(parents=True, exist_ok=True)
    (folder / "refs" / "main").write_text(commit)
    blobs: dict[str, Path] = {}
    for path, data in files.items():
        b = folder / "blobs" / sha(data)
        b.parent.mkdir(parents=True, exist_ok=True)
        b.write_bytes(data)
        link = folder / "snapshots" / commit / path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(b, link.parent))
        blobs[path] = b
    return blobs
