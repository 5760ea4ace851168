"""Compare two models side by side: two repositories, two revisions of one, or two local paths.

```
compare(suite, "org/model@v1.0", "org/model")      two revisions of one repository
compare(suite, "org/model", "@refs/pr/3")           B names A's repository at another revision
compare(suite, "org/a", "org/b")                    two repositories
compare(suite, "./a.safetensors", "./b.gguf")       two model files: their headers
compare(suite, "./folder-a", "org/b")               a local folder against a repository
```

The answer is pure data, a :class:`ComparisonResult`, shown by ``hfsuite compare`` and the
window's comparison dialog alike:

* **files** by path: added (only in B), removed (only in A), changed (both, but a different
  size, SHA-256 or git blob id), same. Hub listings give sizes, blob ids and LFS SHA-256s;
  local files up to :data:`HASHED_UP_TO` are hashed (git blob id and SHA-256) so that a small
  edited file counts as changed, bigger ones are compared by size.
* **config**: ``config.json`` (or a diffusers ``model_index.json``) of both sides, flattened
  to dotted keys (``text_config.hidden_size``), every key whose value differs. For two model
  files the same is done with what their headers say: format, kind, architecture, dtype,
  parameter and tensor counts, tensors per dtype, tensor names on one side only, and every
  metadata key (safetensors ``__metadata__``, GGUF key/values).
* **license, tags, total size** of each side.

Hub requests go through the API cache (:mod:`hfsuite.app.hub.catalog`); a commit's
``config.json`` is cached for good.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfsuite.app.accounts import hf_repo, hub_source
from hfsuite.app.hub import catalog
from hfsuite.app.hub.apicache import ApiCache, token_fingerprint
from hfsuite.core.errors import EntryNotFoundError, UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoRef, RepoType
from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import Identification, identify
from hfsuite.sources import hub_catalog

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

__all__ = [
    "HASHED_UP_TO",
    "Change",
    "ComparisonResult",
    "FileChange",
    "FileFacts",
    "Side",
    "SideKind",
    "ValueChange",
    "compare",
    "is_local_path",
]

HASHED_UP_TO = 16 * 1024 * 1024
"""Local files up to this size are hashed to tell a changed file of the same size."""
CONFIG_MAX = 4 * 1024 * 1024
"""A bigger ``config.json`` is not read."""
VALUE_MAX = 200
"""Values longer than this are cut (with an ellipsis) in the config differences."""
TENSOR_NAMES_LISTED = 12
"""At most this many tensor names are listed per side in a header comparison."""
CONFIG_NAMES = ("config.json", "model_index.json")
_SKIPPED_DIRS = {".git", ".cache", "__pycache__", ".hfsuite"}


class SideKind(enum.StrEnum):
    """What one side of a comparison is."""

    REPO = "repo"
    FILE = "file"
    FOLDER = "folder"


class Change(enum.StrEnum):
    """How a file or a value differs from A to B."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True, slots=True)
class FileFacts:
    """One file of a side: its path and what tells its content apart.

    Attributes:
        path: Relative to the repository or folder (``/`` separated).
        size: Bytes.
        blob_id: Git blob id (Hub listings; local files up to :data:`HASHED_UP_TO`).
        sha256: SHA-256 (Hub LFS files; local files up to :data:`HASHED_UP_TO`).
    """

    path: str
    size: int
    blob_id: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class FileChange:
    """One path in either side.

    Attributes:
        path: The file's path.
        change: Added (only in B), removed (only in A), changed or same.
        size_a: Its size in A (None when not there).
        size_b: Its size in B (None when not there).
    """

    path: str
    change: Change
    size_a: int | None
    size_b: int | None


@dataclass(frozen=True, slots=True)
class ValueChange:
    """One config or header key whose value differs.

    Attributes:
        key: Dotted key (``text_config.hidden_size``, ``metadata.general.name``).
        change: Added (only in B), removed (only in A) or changed.
        a: The value in A, as text (None when absent).
        b: The value in B, as text (None when absent).
    """

    key: str
    change: Change
    a: str | None
    b: str | None


@dataclass(frozen=True)
class Side:
    """One side of a comparison.

    Attributes:
        spec: What was given (``org/name@rev``, a path).
        kind: A Hub repository, a local file or a local folder.
        name: The repository id, or the absolute path.
        repo_type: ``model``, ``dataset`` or ``space`` (repositories).
        revision: The revision asked for (repositories).
        commit: The commit it resolved to (repositories).
        license: The license (repositories).
        tags: The Hub tags (repositories).
        files: The files, sorted by path (a local file: itself).
        format: A local file's format (``safetensors``, ``gguf``…).
        config_name: Which config file was read (``config.json``…), or ``header``.
        config: The flattened config (or header facts), key -> value as text.
        tensor_names: A local model file's tensor names (as far as its header lists them).
    """

    spec: str
    kind: SideKind
    name: str
    repo_type: str | None = None
    revision: str | None = None
    commit: str | None = None
    license: str | None = None
    tags: tuple[str, ...] = ()
    files: tuple[FileFacts, ...] = ()
    format: str | None = None
    config_name: str | None = None
    config: Mapping[str, str] = field(default_factory=dict)
    tensor_names: tuple[str, ...] = ()

    @property
    def total_size(self) -> int:
        """Bytes of every file."""
        return sum(f.size for f in self.files)

    @property
    def title(self) -> str:
        """A short name: ``org/name@rev`` or the file name."""
        if self.kind is SideKind.REPO:
            return self.name + (f"@{self.revision}" if self.revision else "")
        return Path(self.name).name or self.name


@dataclass(frozen=True)
class ComparisonResult:
    """Two sides and how they differ (files by path, config keys, tags).

    Attributes:
        a: The first side.
        b: The second side.
        files: Every path of either side, sorted; see :attr:`differences` for the others.
        config: Every config/header key whose value differs, sorted.
        notes: Things to know (a config missing on one side, a header read with errors).
    """

    a: Side
    b: Side
    files: tuple[FileChange, ...]
    config: tuple[ValueChange, ...]
    notes: tuple[str, ...] = ()

    def count(self, change: Change) -> int:
        """How many files have that change."""
        return sum(1 for f in self.files if f.change is change)

    @property
    def differences(self) -> tuple[FileChange, ...]:
        """The files that are added, removed or changed."""
        return tuple(f for f in self.files if f.change is not Change.SAME)

    @property
    def tags_added(self) -> tuple[str, ...]:
        """Tags only B has."""
        return tuple(t for t in self.b.tags if t not in set(self.a.tags))

    @property
    def tags_removed(self) -> tuple[str, ...]:
        """Tags only A has."""
        return tuple(t for t in self.a.tags if t not in set(self.b.tags))

    @property
    def size_delta(self) -> int:
        """B's total size minus A's."""
        return self.b.total_size - self.a.total_size

    @property
    def identical(self) -> bool:
        """No file, config, license or tag differs."""
        return (
            not self.differences
            and not self.config
            and self.a.license == self.b.license
            and not self.tags_added
            and not self.tags_removed
        )


# --- naming the sides -------------------------------------------------------------------------
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def is_local_path(text: str) -> bool:
    """Whether ``text`` names a local path: it starts like one (``/``, ``./``, ``~``, ``C:\\``)
    or something exists there. Everything else is read as a Hub name."""
    if text in (".", "..") or text.startswith(("/", "./", "../", "~", ".\\", "..\\", "\\\\")):
        return True
    if _DRIVE.match(text):
        return True
    return "://" not in text and os.path.exists(text)


def compare(
    suite: Suite,
    a: str,
    b: str,
    *,
    token: str | None = None,
    refresh: bool = False,
) -> ComparisonResult:
    """Compare ``a`` with ``b`` (from A to B: "added" is only in B).

    Args:
        suite: The suite (settings, API cache, token).
        a: ``org/name``, ``org/name@rev``, a Hub URL, or a local file or folder.
        b: The same forms; ``@rev`` alone names A's repository at another revision.
        token: Hub token (default: the one in effect).
        refresh: Ask the Hub again even when its answers are cached.

    Raises:
        UsageError: a path that does not exist, a name that is no repository, or a model file
            compared with a repository or folder.
        RepoNotFoundError, RevisionNotFoundError, AuthenticationError, NetworkError: the Hub.
    """
    if b.startswith("@") and not is_local_path(a):
        ref, _ = hf_repo(suite, a, token)
        prefix = "" if ref.repo_type is RepoType.MODEL else f"{ref.repo_type.api_segment}/"
        b = f"{prefix}{ref.repo_id}{b}"
    side_a = _side(suite, a, token, refresh)
    side_b = _side(suite, b, token, refresh)
    if (side_a.kind is SideKind.FILE) != (side_b.kind is SideKind.FILE):
        one = side_a if side_a.kind is SideKind.FILE else side_b
        raise UsageError(
            tr(
                "{spec} is one model file; it can only be compared with another model file.",
                spec=repr(one.spec),
            ),
            hint=tr("Compare two files, or two repositories / folders."),
        )
    notes: list[str] = []
    if side_a.config_name and side_b.config_name and side_a.config_name != side_b.config_name:
        notes.append(tr("A has {a}, B has {b}.", a=side_a.config_name, b=side_b.config_name))
    for side, which in ((side_a, "A"), (side_b, "B")):
        if side.kind is not SideKind.FILE and side.config_name is None:
            notes.append(tr("{which} ({title}) has no config.json.", which=which, title=side.title))
        errors = side.config.get("errors")
        if errors:
            notes.append(
                tr(
                    "{which}'s header could not be read in full: {errors}",
                    which=which,
                    errors=errors,
                )
            )
    return ComparisonResult(
        a=side_a,
        b=side_b,
        files=_file_changes(side_a.files, side_b.files),
        config=(*diff_values(side_a.config, side_b.config), *_tensor_rows(side_a, side_b)),
        notes=tuple(notes),
    )


def _side(suite: Suite, spec: str, token: str | None, refresh: bool) -> Side:
    if is_local_path(spec):
        return _local_side(spec)
    return _repo_side(suite, spec, token, refresh)


# --- the Hub ----------------------------------------------------------------------------------
def _repo_side(suite: Suite, spec: str, token: str | None, refresh: bool) -> Side:
    details = catalog.info(suite, spec, token=token, refresh=refresh)
    ref, endpoint = hf_repo(suite, spec, token)
    files = tuple(FileFacts(f.path, f.size, f.blob_id, f.sha256) for f in details.files)
    config_name = next((n for n in CONFIG_NAMES if any(f.path == n for f in files)), None)
    config: dict[str, str] = {}
    if config_name is not None and details.commit:
        size = next(f.size for f in files if f.path == config_name)
        pinned = RepoRef(details.id, ref.repo_type, details.commit, ref.source)
        text = None
        if size <= CONFIG_MAX:
            text = _remote_text(suite, pinned, config_name, token, endpoint)
        config = _config_values(text) if text is not None else {"error": "could not be read"}
    return Side(
        spec=spec,
        kind=SideKind.REPO,
        name=details.id,
        repo_type=ref.repo_type.value,
        revision=ref.revision,
        commit=details.commit,
        license=details.license,
        tags=tuple(t for t in details.tags if not t.startswith("license:")),
        files=files,
        config_name=config_name,
        config=config,
    )


def _remote_text(
    suite: Suite, ref: RepoRef, path: str, token: str | None, endpoint: str | None
) -> str | None:
    """A small file of a repository at a commit (cached for good), None when it is not there."""
    source = hub_source(suite, token, endpoint)
    fingerprint = token_fingerprint(source.token)
    parts = ("hf", source.endpoint, fingerprint, "repo_file", ref.repo_type.value, ref.repo_id)
    key = "|".join((*parts, ref.revision or "", path))

    def fetch() -> dict[str, Any]:
        try:
            response = hub_catalog._get(source, source.file_url(ref, path), None, ref)
        except EntryNotFoundError:
            return {"text": None}
        return {"text": response.content[: CONFIG_MAX + 1].decode("utf-8", "replace")}

    body, _ = ApiCache(suite).get(
        key,
        "repo_file",
        fetch,
        what=tr("{path} of {repo}", path=path, repo=ref.repo_id),
        ttl_s=None,
    )
    text = body.get("text") if isinstance(body, dict) else None
    return text if isinstance(text, str) else None


# --- local paths ------------------------------------------------------------------------------
def _local_side(spec: str) -> Side:
    where = Path(os.path.expanduser(spec)).resolve()
    if not where.exists():
        raise UsageError(
            tr("No file or folder at {spec}.", spec=repr(spec)),
            hint=tr("Give an existing model file or folder, or a Hub name (org/name)."),
        )
    if where.is_dir():
        files = tuple(_walk(where))
        config_name = next((n for n in CONFIG_NAMES if (where / n).is_file()), None)
        config: dict[str, str] = {}
        if config_name is not None:
            path = where / config_name
            config = (
                _config_values(path.read_text(encoding="utf-8", errors="replace"))
                if path.stat().st_size <= CONFIG_MAX
                else {"error": "too big to read"}
            )
        return Side(
            spec=spec,
            kind=SideKind.FOLDER,
            name=str(where),
            files=files,
            config_name=config_name,
            config=config,
        )
    found = identify(where)
    return Side(
        spec=spec,
        kind=SideKind.FILE,
        name=str(where),
        files=(_facts(where, where.name),),
        format=found.format.value,
        config_name="header",
        config=header_values(found),
        tensor_names=tuple(sorted(found.header.tensors)),
    )


def _walk(root: Path) -> Iterator[FileFacts]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file():
                yield _facts(path, path.relative_to(root).as_posix())


def _facts(path: Path, rel: str) -> FileFacts:
    size = path.stat().st_size
    if size > HASHED_UP_TO:
        return FileFacts(rel, size)
    data = path.read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    return FileFacts(rel, size, blob, hashlib.sha256(data).hexdigest())


# --- the differences --------------------------------------------------------------------------
def _same_content(a: FileFacts, b: FileFacts) -> bool:
    if a.size != b.size:
        return False
    if a.sha256 and b.sha256:
        return a.sha256.lower() == b.sha256.lower()
    if a.blob_id and b.blob_id:
        return a.blob_id == b.blob_id
    return True  # same size and nothing else to go by


def _file_changes(
    files_a: tuple[FileFacts, ...], files_b: tuple[FileFacts, ...]
) -> tuple[FileChange, ...]:
    by_a = {f.path: f for f in files_a}
    by_b = {f.path: f for f in files_b}
    if len(files_a) == 1 and len(files_b) == 1 and not (by_a.keys() & by_b.keys()):
        # Two single files by different names: compare them with each other.
        (one_a,), (one_b,) = files_a, files_b
        change = Change.SAME if _same_content(one_a, one_b) else Change.CHANGED
        return (FileChange(f"{one_a.path} → {one_b.path}", change, one_a.size, one_b.size),)
    rows = []
    for path in sorted(by_a.keys() | by_b.keys()):
        fa, fb = by_a.get(path), by_b.get(path)
        if fa is None:
            rows.append(FileChange(path, Change.ADDED, None, fb.size if fb else None))
        elif fb is None:
            rows.append(FileChange(path, Change.REMOVED, fa.size, None))
        else:
            change = Change.SAME if _same_content(fa, fb) else Change.CHANGED
            rows.append(FileChange(path, change, fa.size, fb.size))
    return tuple(rows)


def diff_values(a: Mapping[str, str], b: Mapping[str, str]) -> tuple[ValueChange, ...]:
    """Every key whose value differs between two flattened configs, sorted by key."""
    rows = []
    for key in sorted(a.keys() | b.keys()):
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        change = Change.ADDED if va is None else Change.REMOVED if vb is None else Change.CHANGED
        rows.append(ValueChange(key, change, va, vb))
    return tuple(rows)


def _text(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def flatten(value: object, prefix: str = "") -> dict[str, str]:
    """A JSON object as dotted keys -> values as text (lists stay whole, as JSON)."""
    if isinstance(value, Mapping) and (value or not prefix):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix or "(value)": _text(value)}


def _config_values(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        return {"error": f"not JSON ({exc})"}
    return flatten(data) if isinstance(data, dict) else {"(value)": _text(data)}


def header_values(found: Identification) -> dict[str, str]:
    """What a model file's header says, as key -> text, for :func:`diff_values`."""
    header = found.header
    values: dict[str, object] = {
        "format": found.format.value,
        "kind": found.kind,
        "architecture": found.architecture,
        "dtype": found.dtype,
        "quantization": found.quantization,
        "parameters": found.parameter_count,
        "tensors": header.tensor_count if found.format is not ModelFormat.UNKNOWN else None,
        "context_length": found.context_length,
    }
    per_dtype: dict[str, int] = {}
    for info in header.tensors.values():
        per_dtype[info.dtype] = per_dtype.get(info.dtype, 0) + 1
    for dtype, count in per_dtype.items():
        values[f"tensors.{dtype}"] = f"{count} tensors"
    for key, value in header.metadata.items():
        values[f"metadata.{key}"] = value
    if header.errors:
        values["errors"] = "; ".join(header.errors)
    return {k: _text(v) for k, v in values.items() if v is not None}


def _tensor_rows(a: Side, b: Side) -> list[ValueChange]:
    """Tensor names on one side only (two model files)."""
    names_a, names_b = set(a.tensor_names), set(b.tensor_names)
    rows = []
    for key, only, change in (
        ("tensor names only in A", sorted(names_a - names_b), Change.REMOVED),
        ("tensor names only in B", sorted(names_b - names_a), Change.ADDED),
    ):
        if only:
            shown = ", ".join(only[:TENSOR_NAMES_LISTED])
            more = len(only) - TENSOR_NAMES_LISTED
            text = f"{len(only)}: {shown}" + (f" (+{more} more)" if more > 0 else "")
            removed = change is Change.REMOVED
            rows.append(
                ValueChange(key, change, text if removed else None, None if removed else text)
            )
    return rows
