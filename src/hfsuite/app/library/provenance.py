"""Where a file of the library came from, and whether it changed upstream since.

A file is linked to a repository, revision and path when:

- it is in the Hugging Face cache (the cache's layout names them: ``hf_cache``);
- its SHA-256 is the hash of a file a download recorded: a tracked download's manifest
  (``download``), a history row (``history``) or a queue task's file (``queue``);
- its SHA-256 is the LFS oid of a file in a Hub listing cached by ``hfsuite info``
  (``hub_listing``).

The upstream check resolves that one repository again with the machinery of ``hfsuite
updates`` (:func:`hfsuite.app.download.updates.snapshotter` and
:func:`~hfsuite.app.download.updates.diff_files`) and compares the file. A revision that is a
commit is pinned (it cannot change). Offline, unreachable, or any other failure: the check says
``could not check: <reason>`` and nothing is raised.

``library show`` calls :func:`provenance_of` with the file's record and prints
:meth:`Provenance.lines`; ``--json`` adds :meth:`Provenance.to_dict` as ``provenance``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from hfsuite.app.download.updates import ChangeKind, Snapshotter, diff_files, snapshotter
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.remote import is_sha1, is_sha256
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.library.cache_layout import read_refs
from hfsuite.storage.records import ManifestEntry
from hfsuite.storage.schema import API_CACHE, HISTORY, MODEL_VERSIONS, TASK_FILES, TASKS

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.storage import Database

log = logging.getLogger(__name__)

SHORT_COMMIT = 12
_H = HISTORY
_MV = MODEL_VERSIONS
_T = TASKS
_TF = TASK_FILES
_C = API_CACHE


class RefLike(Protocol):
    """A place in the HF cache (``HfRef`` of a scan, ``HfRefEntry`` of the index)."""

    @property
    def repo_type(self) -> str: ...

    @property
    def repo_id(self) -> str: ...

    @property
    def revision(self) -> str: ...

    @property
    def path(self) -> str: ...


class FileRecordLike(Protocol):
    """What provenance needs of a library file (a scanned file, or the index's record)."""

    @property
    def path(self) -> str: ...

    @property
    def root(self) -> str: ...

    @property
    def sha256(self) -> str | None: ...

    @property
    def hf_blob(self) -> bool: ...

    @property
    def hf_refs(self) -> Sequence[RefLike]: ...


@dataclass(frozen=True, slots=True)
class Origin:
    """One repository file the bytes are known to come from.

    Attributes:
        source, repo_type, repo_id: The repository.
        revision: The branch, tag or commit asked for (None: the default branch).
        commit: The commit the file was at, when known.
        path: The file's path in the repository.
        found_in: ``hf_cache``, ``download``, ``history``, ``queue`` or ``hub_listing``.
        destination: Where that download went (downloads and history), else None.
    """

    source: SourceKind
    repo_type: RepoType
    repo_id: str
    revision: str | None
    commit: str | None
    path: str
    found_in: str
    destination: str | None = None

    @property
    def ref(self) -> RepoRef:
        """The repository at the revision asked for."""
        return RepoRef(self.repo_id, self.repo_type, self.revision, self.source)

    def label(self) -> str:
        """``org/name@rev path`` (``datasets/…`` for datasets, ``modelscope:`` for ModelScope;
        a commit is shortened to 12 digits, as the Hub shows it)."""
        prefix = "modelscope:" if self.source is SourceKind.MODELSCOPE else ""
        rev = self.revision or self.commit  # the default branch: the commit it was at
        at = f"@{rev[:SHORT_COMMIT] if is_sha1(rev) else rev}" if rev else ""
        kind = "" if self.repo_type is RepoType.MODEL else f"{self.repo_type.api_segment}/"
        return f"{prefix}{kind}{self.repo_id}{at} {self.path}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the repository fields, then ``commit``, ``path``, ``found_in``."""
        return {
            "source": self.source.value,
            "repo_type": self.repo_type.value,
            "repo_id": self.repo_id,
            "revision": self.revision,
            "commit": self.commit,
            "path": self.path,
            "found_in": self.found_in,
            "destination": self.destination,
        }


class UpstreamStatus:
    """Values of :attr:`UpstreamCheck.status`."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    REMOVED = "removed"
    PINNED = "pinned"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class UpstreamCheck:
    """What the source says about the file now.

    Attributes:
        status: ``unchanged``, ``changed``, ``removed`` (gone upstream), ``pinned`` (a commit
            was asked for: it cannot change) or ``unknown`` (the check failed: ``message``
            says why).
        revision: The revision checked (None: the default branch).
        current_commit: The commit it points to now (None when not checked).
        message: One line for people.
    """

    status: str
    revision: str | None
    current_commit: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "status": self.status,
            "revision": self.revision,
            "current_commit": self.current_commit,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a file came from (best first) and, if asked, what upstream says now."""

    sha256: str | None
    origins: tuple[Origin, ...]
    upstream: UpstreamCheck | None = None

    @property
    def origin(self) -> Origin:
        """The best-known origin (the one checked upstream)."""
        return self.origins[0]

    def lines(self) -> list[str]:
        """What ``library show`` prints: ``from org/name@rev path`` lines, then the check."""
        out = [f"from {o.label()} ({_FOUND_IN[o.found_in]})" for o in self.origins]
        if self.upstream is not None:
            out.append(self.upstream.message)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``library show --json``: ``provenance``)."""
        return {
            "sha256": self.sha256,
            "origins": [o.to_dict() for o in self.origins],
            "upstream": None if self.upstream is None else self.upstream.to_dict(),
        }


_FOUND_IN = {
    "hf_cache": "in the HF cache",
    "download": "a tracked download",
    "history": "download history",
    "queue": "a queued download",
    "hub_listing": "a cached Hub listing",
}
_ORDER = list(_FOUND_IN)


# --- finding origins --------------------------------------------------------------------------


def _cache_origins(record: FileRecordLike) -> list[Origin]:
    """Origins the HF cache layout tells (the revision is the branch or tag naming the commit)."""
    out = []
    refs_by_repo: dict[tuple[str, str], dict[str, set[str]]] = {}
    for ref in record.hf_refs:
        try:
            repo_type = RepoType(ref.repo_type)
        except ValueError:
            continue
        key = (ref.repo_type, ref.repo_id)
        if key not in refs_by_repo:
            folder = f"{repo_type.api_segment}--{ref.repo_id.replace('/', '--')}"
            refs_by_repo[key] = read_refs(os.path.join(record.root, folder)) if record.root else {}
        names = sorted(refs_by_repo[key].get(ref.revision, ()), key=lambda n: (n != "main", n))
        out.append(
            Origin(
                SourceKind.HUGGINGFACE,
                repo_type,
                ref.repo_id,
                names[0] if names else None,
                ref.revision,
                ref.path,
                "hf_cache",
            )
        )
    return out


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _entries(files: Any) -> list[ManifestEntry]:
    out = []
    for item in _json(files) or ():
        if isinstance(item, dict) and "path" in item:
            try:
                out.append(ManifestEntry.from_json(item))
            except (TypeError, ValueError):
                continue
    return out


def _repo(source: str, repo_type: str, repo_id: str | None) -> tuple[SourceKind, RepoType] | None:
    try:
        kind, rtype = SourceKind(source), RepoType(repo_type)
    except ValueError:
        return None
    if kind is SourceKind.URL or not repo_id:
        return None
    return kind, rtype


def _recorded_origins(db: Database, sha256: str) -> list[Origin]:
    """Origins of a SHA-256 in what downloads recorded, and in cached Hub listings."""
    out: list[Origin] = []
    like = f"%{sha256}%"
    with db.read() as uow:
        s = uow.session
        versions = s.execute(
            sa.select(_MV).where(sa.cast(_MV.c.manifest, sa.Text).like(like))
        ).mappings()
        for row in versions:
            repo = _repo(row["source"], row["repo_type"], row["repo_id"])
            for entry in _entries(row["manifest"]):
                if repo and entry.sha256 == sha256:
                    out.append(
                        Origin(
                            *repo,
                            row["repo_id"],
                            row["revision"],
                            row["commit"],
                            entry.path,
                            "download",
                            row["destination"],
                        )
                    )
        history = s.execute(
            sa.select(_H)
            .where(sa.cast(_H.c.files, sa.Text).like(like))
            .order_by(_H.c.finished_at.desc())
        ).mappings()
        for row in history:
            repo = _repo(row["source"], row["repo_type"], row["repo_id"])
            for entry in _entries(row["files"]):
                if repo and entry.sha256 == sha256:
                    out.append(
                        Origin(
                            *repo,
                            row["repo_id"],
                            row["revision"],
                            row["commit"],
                            entry.path,
                            "history",
                            row["destination"],
                        )
                    )
        tasks = s.execute(
            sa.select(
                _TF.c.path,
                _T.c.source,
                _T.c.repo_type,
                _T.c.repo_id,
                _T.c.revision,
                _T.c.resolved_commit,
                _T.c.destination,
            )
            .join(_T, _T.c.id == _TF.c.task_id)
            .where(_TF.c.sha256 == sha256)
            .order_by(_T.c.id.desc())
        ).mappings()
        for row in tasks:
            repo = _repo(row["source"], row["repo_type"], row["repo_id"])
            if repo:
                out.append(
                    Origin(
                        *repo,
                        row["repo_id"],
                        row["revision"],
                        row["resolved_commit"],
                        row["path"],
                        "queue",
                        row["destination"],
                    )
                )
        listings = s.execute(
            sa.select(_C.c.key, _C.c.body).where(
                _C.c.kind == "repo_info", sa.cast(_C.c.body, sa.Text).like(like)
            )
        ).mappings()
        for row in listings:
            out += _listing_origins(row["key"], _json(row["body"]), sha256)
    return out


def _listing_origins(key: str, body: Any, sha256: str) -> list[Origin]:
    """Origins of a SHA-256 in one cached ``info`` answer (key ``hf|…|repo_info|type|id|rev``)."""
    parts = key.split("|")
    if len(parts) < 7 or parts[3] != "repo_info" or not isinstance(body, dict):
        return []
    repo = _repo("huggingface", parts[4], parts[5])
    if repo is None:
        return []
    out = []
    for sibling in body.get("siblings") or ():
        lfs = sibling.get("lfs") if isinstance(sibling, dict) else None
        if isinstance(lfs, dict) and lfs.get("sha256") == sha256:
            out.append(
                Origin(
                    *repo,
                    parts[5],
                    parts[6] or None,
                    body.get("sha"),
                    str(sibling.get("rfilename")),
                    "hub_listing",
                )
            )
    return out


def _unique(origins: Iterable[Origin]) -> tuple[Origin, ...]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for o in sorted(origins, key=lambda o: _ORDER.index(o.found_in)):
        ident = (o.source, o.repo_type, o.repo_id, o.revision, o.commit, o.path)
        if ident not in seen:
            seen.add(ident)
            out.append(o)
    return tuple(out)


def find_origins(db: Database | None, record: FileRecordLike) -> tuple[Origin, ...]:
    """Every known origin of a file, best first (the HF cache's own layout, then downloads,
    history, the queue, cached Hub listings)."""
    found = _cache_origins(record)
    sha = (record.sha256 or "").lower()
    if db is not None and is_sha256(sha):
        found += _recorded_origins(db, sha)
    return _unique(found)


# --- the upstream check -----------------------------------------------------------------------


def _size(record: FileRecordLike) -> int:
    """The file's size (``size_bytes`` of an index record, ``size`` of a scanned file)."""
    return int(getattr(record, "size_bytes", None) or getattr(record, "size", 0) or 0)


def _git_oid(record: FileRecordLike) -> str | None:
    """A cache blob of a small file is named by its git blob id."""
    name = os.path.basename(record.path)
    return name if record.hf_blob and is_sha1(name) else None


def check_upstream(
    origin: Origin, record: FileRecordLike, snapshot_of: Snapshotter
) -> UpstreamCheck:
    """Whether the file at ``origin`` changed upstream since (never raises)."""
    if origin.revision and is_sha1(origin.revision):
        return UpstreamCheck(
            UpstreamStatus.PINNED,
            origin.revision,
            origin.revision,
            f"pinned to commit {origin.revision[:10]}: upstream cannot change it",
        )
    shown = origin.revision or "the default branch"
    try:
        current = snapshot_of(origin.ref)
        have = ManifestEntry(origin.path, _size(record), record.sha256, _git_oid(record))
        changes = diff_files([have], current.files, wanted=set())
    except HfSuiteError as exc:
        return _could_not(origin, exc.message)
    except Exception as exc:  # never crash `library show` over a check
        log.warning("Upstream check of %s failed", origin.ref, exc_info=True)
        return _could_not(origin, str(exc) or type(exc).__name__)
    at = f"{shown} is at {current.commit[:10]}"
    if not changes:
        return UpstreamCheck(
            UpstreamStatus.UNCHANGED, origin.revision, current.commit, f"unchanged upstream ({at})"
        )
    if changes[0].kind is ChangeKind.REMOVED:
        return UpstreamCheck(
            UpstreamStatus.REMOVED,
            origin.revision,
            current.commit,
            f"removed upstream since ({at})",
        )
    return UpstreamCheck(
        UpstreamStatus.CHANGED,
        origin.revision,
        current.commit,
        f"changed upstream since ({at}; `hfsuite updates` lists tracked downloads)",
    )


OFFLINE = "offline mode is on (HF_HUB_OFFLINE, or the offline setting)"


def _could_not(origin: Origin, reason: str) -> UpstreamCheck:
    return UpstreamCheck(
        UpstreamStatus.UNKNOWN, origin.revision, None, f"could not check: {reason.strip()}"
    )


def provenance_of(
    suite: Suite,
    record: FileRecordLike,
    *,
    check: bool = True,
    snapshot_of: Snapshotter | None = None,
) -> Provenance | None:
    """Where a library file came from, and whether upstream changed since.

    Args:
        suite: Gives the database (recorded downloads, cached listings) and the sources.
        record: The file: ``path``, ``root``, ``sha256`` (None when not hashed: only the HF
            cache's layout can tell then), ``hf_blob``, ``hf_refs``, and ``size_bytes`` or
            ``size``. The index's record or a scanned file
            (:class:`~hfsuite.library.scanner.ScannedFile`) fits.
        check: Ask the source about the best origin (one request); False: origins only.
        snapshot_of: How to resolve a repository (default: its source).

    Returns:
        None when no origin is known; else the origins, best first, and the check. The check
        never raises: offline, unreachable or failing, its message is ``could not check:
        <reason>``.
    """
    origins = find_origins(suite.database, record)
    if not origins:
        return None
    upstream = None
    if check and snapshot_of is None and suite.settings.offline:
        upstream = _could_not(origins[0], OFFLINE)
    elif check:
        try:
            snap = snapshot_of or snapshotter(suite)
        except Exception as exc:  # building a source failed: still no crash
            upstream = _could_not(origins[0], str(exc))
        else:
            upstream = check_upstream(origins[0], record, snap)
    return Provenance(record.sha256, origins, upstream)
