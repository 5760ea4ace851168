"""The Hugging Face cache layout: ``<type>s--<org>--<name>/{blobs,refs,snapshots}``.

Names are parsed and scanned files summed here; the only files read are the small ``refs``
files (branch and tag names → commit).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
BLOBS = "blobs"
REFS = "refs"
SNAPSHOTS = "snapshots"
# Folders of the cache root that are not repositories (lock files, the cache's own metadata).
NOT_REPOS = frozenset({".locks", "xet", ".DS_Store"})
# Files the official client ignores inside a repository folder.
IGNORED_FILES = frozenset({".DS_Store"})


@dataclass(frozen=True, slots=True)
class CachedRepo:
    """A repository folder of the cache, identified by its name."""

    repo_type: str  # "model", "dataset" or "space"
    repo_id: str  # "org/name"
    folder: str  # "models--org--name"


@dataclass(frozen=True, slots=True)
class HfRef:
    """One place a cached blob appears: a file of a revision's snapshot."""

    repo_type: str
    repo_id: str
    revision: str  # the commit hash (the snapshot folder's name)
    path: str  # the file's path in the repository, with "/"
    snapshot_path: str  # where the snapshot entry is on disk


def parse_repo_folder(name: str) -> CachedRepo | None:
    """The repository a cache folder holds, or None when the name is not a repo folder.

    Args:
        name: A folder name directly under the cache root, e.g. ``models--acme--tiny``.
    """
    if name in NOT_REPOS or "--" not in name:
        return None
    prefix, rest = name.split("--", maxsplit=1)
    repo_type = REPO_TYPES.get(prefix)
    if repo_type is None or not rest:
        return None
    return CachedRepo(repo_type=repo_type, repo_id=rest.replace("--", "/"), folder=name)


class CachedBlobLike(Protocol):
    """What :func:`summarize_hf_cache` needs of a scanned file."""

    @property
    def path(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def hf_refs(self) -> tuple[HfRef, ...]: ...


@dataclass
class CachedRepoSummary:
    """Totals of one cached repository, as the official client's cache scan reports them."""

    repo_type: str
    repo_id: str
    size_on_disk: int = 0  # each blob once
    nb_files: int = 0  # distinct blobs
    revisions: dict[str, set[str]] = field(default_factory=dict)  # commit -> repo paths
    refs: dict[str, set[str]] = field(default_factory=dict)  # commit -> branch/tag names


def summarize_hf_cache(files: Iterable[CachedBlobLike]) -> list[CachedRepoSummary]:
    """Per-repository totals of scanned HF-cache files, sorted by (type, id).

    Args:
        files: Scanned files; those without HF references are ignored.
    """
    repos: dict[tuple[str, str], CachedRepoSummary] = {}
    for f in files:
        counted: set[tuple[str, str]] = set()
        for ref in f.hf_refs:
            ident = (ref.repo_type, ref.repo_id)
            repo = repos.setdefault(ident, CachedRepoSummary(*ident))
            if ident not in counted:
                counted.add(ident)
                repo.size_on_disk += f.size
                repo.nb_files += 1
            repo.revisions.setdefault(ref.revision, set()).add(ref.path)
    return [repos[k] for k in sorted(repos)]


def read_refs(repo_folder: str) -> dict[str, set[str]]:
    """The branch and tag names of a cached repository, by commit (``main``, ``refs/pr/1``).

    Args:
        repo_folder: The repository's folder, e.g. ``<cache>/models--org--name``.

    Unreadable ref files are left out: refs only label revisions, the scan does not need them.
    """
    top = os.path.join(repo_folder, REFS)
    found: dict[str, set[str]] = {}
    for folder, _dirs, names in os.walk(top):
        for name in names:
            if name in IGNORED_FILES:
                continue
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as f:
                    commit = f.read().strip()
            except (OSError, UnicodeDecodeError):
                continue
            ref = os.path.relpath(path, top).replace(os.sep, "/")
            found.setdefault(commit, set()).add(ref)
    return found


def add_refs(summaries: Iterable[CachedRepoSummary], cache_root: str) -> None:
    """Fill each summary's ``refs`` from the cache's ref files."""
    for repo in summaries:
        folder = f"{repo.repo_type}s--{repo.repo_id.replace('/', '--')}"
        repo.refs = read_refs(os.path.join(cache_root, folder))
