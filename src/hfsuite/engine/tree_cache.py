"""huggingface_hub's cached tree listings: every file of a commit, readable offline.

huggingface_hub (2.4 and later) keeps the listing of each commit it downloaded next to the
snapshots, ``models--org--name/trees/{commit}.json``::

    {"format_version": 1,
     "files": {"config.json": {"size": 519, "blob_id": "<git sha1>"},
               "model.safetensors": {"size": 1234, "blob_id": "<git sha1 of the pointer>",
                                     "lfs_sha256": "<sha256>", "lfs_size": 1234}}}

Offline it checks a snapshot against it before answering from the cache; so does ``hfsuite
download`` in offline mode. A commit never changes, so a listing never goes stale. Older
huggingface_hub versions ignore the folder.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hfsuite.core.errors import UnsafePathError
from hfsuite.core.remote import RemoteFile, is_sha1
from hfsuite.engine.paths import check_remote_path

FORMAT_VERSION = 1


def tree_listing_path(repo_dir: Path, commit: str) -> Path:
    """Where the listing of ``commit`` is kept in a repository's cache folder."""
    return repo_dir / "trees" / f"{commit}.json"


def tree_listing_json(files: Sequence[RemoteFile]) -> str | None:
    """The listing of a commit's files as huggingface_hub writes it; None when a file has no
    git blob id (not a listing from the Hub: nothing is written rather than a wrong one)."""
    entries: dict[str, dict[str, Any]] = {}
    for f in files:
        if not f.blob_id:
            return None
        entry: dict[str, Any] = {"size": f.size, "blob_id": f.blob_id}
        if f.lfs and f.sha256:
            entry["lfs_sha256"] = f.sha256
            entry["lfs_size"] = f.size
        entries[f.path] = entry
    data = {"format_version": FORMAT_VERSION, "files": dict(sorted(entries.items()))}
    return json.dumps(data, indent=1)


def read_tree_listing(repo_dir: Path, commit: str) -> tuple[RemoteFile, ...] | None:
    """Every file of ``commit`` as listed in the cache (no URLs); None when no usable listing
    is there (none, another format, unreadable, or a hostile path in it)."""
    if not is_sha1(commit):
        return None
    try:
        data = json.loads(tree_listing_path(repo_dir, commit).read_text(encoding="utf-8"))
        if data.get("format_version") != FORMAT_VERSION:
            return None
        files = []
        for path, info in data["files"].items():
            check_remote_path(path)
            sha256 = info.get("lfs_sha256")
            files.append(
                RemoteFile(
                    path=path,
                    size=int(info["size"]),
                    url="",
                    blob_id=str(info["blob_id"]),
                    sha256=sha256,
                    lfs=sha256 is not None,
                )
            )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnsafePathError):
        return None
    return tuple(files)


def read_ref(repo_dir: Path, revision: str) -> str | None:
    """The commit a branch or tag points to in the cache (``refs/{revision}``), as
    huggingface_hub resolves it offline; None when the cache has no such ref."""
    try:
        check_remote_path(revision)
        commit = (repo_dir / "refs" / revision).read_text(encoding="utf-8").strip()
    except (OSError, UnsafePathError):
        return None
    return commit if is_sha1(commit) else None
