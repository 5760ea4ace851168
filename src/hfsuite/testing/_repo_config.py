"""Per-repository settings for served folders: gating, visibility, extra refs, metadata.

A repository folder may hold ``.hfsuite-repo.toml`` (never served, nor is the ``.hfsuite/``
folder beside it); ``serve --repo-config FILE`` (TOML or JSON) gives the same settings for
several repositories at once, under ``[repos."<org>/<name>"]`` (``"datasets/<org>/<name>"``,
``"spaces/<org>/<name>"`` for other types)::

    private = true
    gated = "manual"                # false (default), true or "auto", "manual"
    granted = ["alice"]             # users who may download a gated repo
    xet = true                      # LFS files through Xet (default: the emulator's setting)

    [[branches]]
    name = "dev"
    revision = "main"               # where it starts (default: the default branch)
    files = ".hfsuite/dev"          # optional folder committed on top of it
    delete = ["old.bin"]            # optional paths (or "folder/") to remove

    [[tags]]
    name = "v1.0"
    revision = "main"

    [[pull_requests]]               # refs/pr/1, refs/pr/2, … in this order
    base = "main"
    files = ".hfsuite/pr1"

    [metadata]                      # search metadata: downloads, likes, tags, …
    downloads = 42

Relative ``files`` folders are resolved from the repository folder (repo-side file) or from the
config file's folder (``--repo-config``). Branches are created in order, then tags, then pull
requests, so a tag may point at a branch defined above it.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hfsuite.testing._content import Blob, Content, FileBlob

REPO_CONFIG_NAME = ".hfsuite-repo.toml"
SIDE_FOLDER = ".hfsuite"
_TOP_KEYS = {
    *("private", "gated", "granted", "branches", "tags", "pull_requests", "metadata", "xet")
}
_REF_KEYS = {
    "branches": {"name", "revision", "files", "delete", "message"},
    "tags": {"name", "revision"},
    "pull_requests": {"base", "files", "delete", "message"},
}
_TYPE_PREFIXES = {"datasets": "dataset", "spaces": "space"}


class RepoConfigError(ValueError):
    """A repository config that cannot be used (the message names the file and the key)."""


@dataclass(frozen=True)
class RefSpec:
    """One extra branch, tag or pull request.

    Attributes:
        name: Branch or tag name (None for pull requests).
        revision: Where the ref starts (the base, for pull requests); default branch when None.
        files: A folder whose files are committed on top of ``revision``.
        delete: Paths (or folder prefixes ending in ``/``) removed in that commit.
        message: The commit message.
    """

    name: str | None = None
    revision: str | None = None
    files: Path | None = None
    delete: tuple[str, ...] = ()
    message: str | None = None


@dataclass
class RepoConfig:
    """The settings of one repository (None/empty: leave as created).

    Attributes:
        source: Where the settings come from (used in error messages).
    """

    source: str = ""
    private: bool | None = None
    gated: bool | str | None = None
    granted: tuple[str, ...] = ()
    branches: list[RefSpec] = field(default_factory=list)
    tags: list[RefSpec] = field(default_factory=list)
    pull_requests: list[RefSpec] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    xet: bool | None = None


class ConfigurableRepo(Protocol):
    """What :func:`apply_repo_config` uses of a repository handle (an ``EmulatedRepo``)."""

    def set_private(self, private: bool) -> None: ...

    def set_gated(self, gated: Any) -> None: ...

    def grant_access(self, user: str) -> None: ...

    def set_metadata(self, **fields: Any) -> None: ...

    def set_xet(self, enabled: bool | None) -> None: ...

    def create_branch(self, name: str, revision: str | None = None) -> str: ...

    def create_tag(self, name: str, revision: str | None = None) -> str: ...

    def commit(
        self,
        files: Mapping[str, Content] | None = None,
        *,
        branch: str | None = None,
        message: str = ...,
        delete: Iterable[str] = (),
        timestamp: float | None = None,
    ) -> str: ...

    def create_pr(
        self,
        files: Mapping[str, Content] | None = None,
        *,
        base: str | None = None,
        message: str = ...,
        delete: Iterable[str] = (),
        timestamp: float | None = None,
    ) -> int: ...


def folder_files(folder: Path, skip_top: Iterable[str] = ()) -> tuple[dict[str, Blob], float]:
    """The files under ``folder`` as repo path -> blob, and a stable commit time.

    ``.git`` folders are skipped everywhere, names in ``skip_top`` only at the top level. The
    time is the newest mtime in whole seconds (0 when empty), so a commit made from an unchanged
    folder gets the same sha at every start.
    """
    skipped = set(skip_top)
    files: dict[str, Blob] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        top = Path(dirpath) == folder
        dirnames[:] = sorted(d for d in dirnames if d != ".git" and not (top and d in skipped))
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if (top and name in skipped) or not full.is_file():
                continue
            files[full.relative_to(folder).as_posix()] = FileBlob(full)
    mtimes = [os.stat(b.path).st_mtime for b in files.values() if b.path is not None]
    return files, float(int(max(mtimes))) if mtimes else 0.0


def parse_repo_config(data: Mapping[str, Any], base: Path, where: str) -> RepoConfig:
    """Validate one repository's settings.

    Args:
        data: The parsed table.
        base: The folder relative ``files`` paths start from.
        where: Names the source in error messages (file, and repo for ``--repo-config``).

    Raises:
        RepoConfigError: On an unknown key or a value of the wrong kind.
    """
    _check_keys(data, _TOP_KEYS, where)
    config = RepoConfig(source=where)
    if "private" in data:
        config.private = _typed(data["private"], bool, f"{where}: private")
    if "gated" in data:
        if not isinstance(data["gated"], bool) and data["gated"] not in ("auto", "manual"):
            raise RepoConfigError(f'{where}: gated must be false, true, "auto" or "manual"')
        config.gated = data["gated"]
    config.granted = _strings(data.get("granted", []), f"{where}: granted")
    config.branches = _refs(data, "branches", base, where)
    config.tags = _refs(data, "tags", base, where)
    config.pull_requests = _refs(data, "pull_requests", base, where)
    config.metadata = dict(_typed(data.get("metadata", {}), dict, f"{where}: metadata"))
    if "xet" in data:
        config.xet = _typed(data["xet"], bool, f"{where}: xet")
    return config


def read_repo_side_config(folder: Path) -> RepoConfig | None:
    """The ``.hfsuite-repo.toml`` of a repository folder, if it has one."""
    path = folder / REPO_CONFIG_NAME
    if not path.is_file():
        return None
    return parse_repo_config(_load(path), folder, str(path))


def read_repos_config(path: str | os.PathLike[str]) -> dict[tuple[str, str], RepoConfig]:
    """A ``--repo-config`` file: ``(repo_type, repo_id)`` -> settings.

    Keys of its ``repos`` table are ``<org>/<name>`` (models), ``datasets/<org>/<name>`` or
    ``spaces/<org>/<name>``.

    Raises:
        RepoConfigError: When the file cannot be read or parsed, or holds something unknown.
    """
    file = Path(path)
    data = _load(file)
    _check_keys(data, {"repos"}, str(file))
    repos = _typed(data.get("repos", {}), dict, f"{file}: repos")
    found: dict[tuple[str, str], RepoConfig] = {}
    for key, table in repos.items():
        where = f"{file}: repos.{key!r}"
        first, _, rest = key.partition("/")
        repo_type, repo_id = (
            (_TYPE_PREFIXES[first], rest) if first in _TYPE_PREFIXES else ("model", key)
        )
        table = _typed(table, dict, where)
        found[(repo_type, repo_id)] = parse_repo_config(table, file.parent, where)
    return found


def apply_repo_config(repo: ConfigurableRepo, config: RepoConfig) -> None:
    """Apply ``config`` to ``repo``: visibility, gating, access, metadata, then refs.

    Raises:
        RepoConfigError: When a ref starts from a revision the repository does not have.
    """
    try:
        _apply(repo, config)
    except KeyError as exc:  # an unknown revision
        raise RepoConfigError(f"{config.source}: {exc.args[0]}") from exc


def _apply(repo: ConfigurableRepo, config: RepoConfig) -> None:
    if config.private is not None:
        repo.set_private(config.private)
    if config.gated is not None:
        repo.set_gated(config.gated)
    for user in config.granted:
        repo.grant_access(user)
    if config.metadata:
        repo.set_metadata(**config.metadata)
    if config.xet is not None:
        repo.set_xet(config.xet)
    for spec in config.branches:
        assert spec.name is not None  # parse_repo_config requires it
        repo.create_branch(spec.name, spec.revision)
        if spec.files is not None or spec.delete:
            files, timestamp = _spec_files(spec)
            repo.commit(
                files,
                branch=spec.name,
                message=spec.message or f"Update {spec.name}",
                delete=spec.delete,
                timestamp=timestamp,
            )
    for spec in config.tags:
        assert spec.name is not None
        repo.create_tag(spec.name, spec.revision)
    for spec in config.pull_requests:
        files, timestamp = _spec_files(spec)
        repo.create_pr(
            files,
            base=spec.revision,
            message=spec.message or "Pull request",
            delete=spec.delete,
            timestamp=timestamp,
        )


def _spec_files(spec: RefSpec) -> tuple[dict[str, Blob], float | None]:
    if spec.files is None:
        return {}, None
    files, timestamp = folder_files(spec.files)
    return files, timestamp or None


def _refs(data: Mapping[str, Any], kind: str, base: Path, where: str) -> list[RefSpec]:
    entries = _typed(data.get(kind, []), list, f"{where}: {kind}")
    return [_ref(entry, kind, base, f"{where}: {kind}[{i}]") for i, entry in enumerate(entries)]


def _ref(entry: Any, kind: str, base: Path, where: str) -> RefSpec:
    entry = _typed(entry, dict, where)
    _check_keys(entry, _REF_KEYS[kind], where)
    name = entry.get("name")
    if kind != "pull_requests" and (not isinstance(name, str) or not name):
        raise RepoConfigError(f"{where}: name is required")
    revision = entry.get("base" if kind == "pull_requests" else "revision")
    if revision is not None:
        _typed(revision, str, f"{where}: revision")
    files = None
    if "files" in entry:
        files = base / _typed(entry["files"], str, f"{where}: files")
        if not files.is_dir():
            raise RepoConfigError(f"{where}: files: no folder {files}")
    message = entry.get("message")
    if message is not None:
        _typed(message, str, f"{where}: message")
    return RefSpec(
        name=name,
        revision=revision,
        files=files,
        delete=_strings(entry.get("delete", []), f"{where}: delete"),
        message=message,
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as exc:  # JSONDecodeError and TOMLDecodeError are ValueErrors
        raise RepoConfigError(f"{path}: {exc}") from exc
    return _typed(data, dict, str(path))


def _check_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RepoConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def _typed(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise RepoConfigError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = _typed(value, list, where)
    if not all(isinstance(item, str) for item in items):
        raise RepoConfigError(f"{where}: expected a list of strings")
    return tuple(items)
