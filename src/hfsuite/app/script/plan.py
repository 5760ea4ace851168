"""What a generated script downloads: a commit, the files with their hashes, a destination.

A :class:`ScriptPlan` is built at generation time through the real source metadata, the same
way a download plans (:func:`hfsuite.app.download.sources.make_source`, the source's
``snapshot``: the revision resolved to a commit, sizes and hashes a listing leaves out asked
with a HEAD each), and through the same selection (explicit paths, ``--include`` and
``--exclude``). Every value in it has been checked: repository paths that could write outside
the destination are refused here, before a script exists.

A plan comes from a plain request (:func:`plan_for_request`), a queued task
(:func:`plan_for_task`: its revision resolved now) or a history entry
(:func:`plan_for_history`: the commit it recorded, and exactly its files).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import quote

from hfsuite.app.download.destinations import destination_for
from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.download.sources import make_source
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.errors import EntryNotFoundError, NetworkError, ServerError, UsageError
from hfsuite.core.i18n import N_, tr
from hfsuite.core.remote import RemoteFile, RepoSnapshot, is_sha1, is_sha256
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.engine.layouts import repo_folder_name
from hfsuite.engine.paths import check_remote_path
from hfsuite.engine.planner import select_download

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.storage import HistoryRecord, TaskFileRecord, TaskRecord

__all__ = [
    "HashKind",
    "ScriptFile",
    "ScriptPlan",
    "plan_for_history",
    "plan_for_request",
    "plan_for_task",
    "with_known_hashes",
]

HashKind = str
"""``"sha256"`` (content SHA-256: LFS files), ``"git-sha1"`` (git blob id of a regular file)
or ``"size"`` (nothing better is known)."""


@dataclass(frozen=True)
class ScriptFile:
    """One file a script fetches and checks.

    Attributes:
        path: Its path in the repository (checked: relative, no ``..``, no control character).
        size: Its size in bytes.
        hash_kind: What :attr:`digest` is (see :data:`HashKind`).
        digest: The hex digest the downloaded bytes must have ("" for ``size``).
        etag: The name huggingface_hub gives its content (blob name in the HF cache).
        url_path: ``{prefix}{repo_id}/resolve/{commit}/{path}``, percent-encoded (the
            endpoint is prepended when the script runs).
    """

    path: str
    size: int
    hash_kind: HashKind
    digest: str
    etag: str
    url_path: str

    @property
    def depth(self) -> int:
        """How many folders the path has above the file."""
        return self.path.count("/")

    def blob_link(self) -> str:
        """The relative symlink from ``snapshots/{commit}/{path}`` to ``blobs/{etag}``."""
        return "../" * (2 + self.depth) + f"blobs/{self.etag}"


@dataclass(frozen=True)
class ScriptPlan:
    """Everything a generated script needs, resolved and checked.

    Attributes:
        repo_id: ``org/name``.
        repo_type: model, dataset or space.
        revision: The revision asked for (None: the default branch).
        commit: The 40-hex commit it resolved to at generation time.
        endpoint: The Hub's URL when the script was generated (its default at run time).
        destination: Where the files go (HF cache or a plain folder), as given.
        files: The files, in repository order.
        ref_name: In the HF cache, the ``refs/`` file that names the commit (None: none).
    """

    repo_id: str
    repo_type: RepoType
    revision: str | None
    commit: str
    endpoint: str
    destination: Destination
    files: tuple[ScriptFile, ...]
    ref_name: str | None

    @property
    def is_hf_cache(self) -> bool:
        """Whether the files go to the HF cache layout (else a plain folder)."""
        return self.destination.is_hf_cache

    @property
    def repo_folder(self) -> str:
        """``models--org--name``: the repository's folder in the HF cache."""
        return repo_folder_name(self.repo_id, self.repo_type)

    @property
    def total_bytes(self) -> int:
        """Sum of the files' sizes."""
        return sum(f.size for f in self.files)

    @property
    def display_name(self) -> str:
        """``datasets/org/name@abcdef12``, for messages."""
        return f"{self.repo_type.url_prefix}{self.repo_id}@{self.commit[:8]}"


def plan_for_request(
    suite: Suite, request: DownloadRequest, *, ref_name: str | bool | None = True
) -> ScriptPlan:
    """Resolve a download request into a script plan.

    Args:
        suite: Settings (endpoint, offline mode), token and network options.
        request: What to download (Hugging Face repositories only).
        ref_name: ``True``: the HF cache ref a download of ``request`` writes (the revision
            asked, ``main`` without one, none for a commit); otherwise that exact name.

    Raises:
        UsageError: not a Hugging Face repository, or a hostile path asked for.
        UnsafePathError: the repository lists a path that could escape the destination.
        NetworkError: offline mode is on, or the Hub cannot be reached.
        NotFoundError: the repository, revision or a named file does not exist.
    """
    _require_hub(request.ref)
    for path in request.paths:
        check_remote_path(path.rstrip("/") or path)  # a folder may end in '/'; no more
    if suite.settings.offline:
        raise NetworkError(
            tr(
                "Offline mode is on (HF_HUB_OFFLINE), but a script pins the commit and the "
                "files' hashes, which only the Hub can tell."
            ),
            hint=tr("Unset HF_HUB_OFFLINE or run `hfsuite config set offline false`."),
        )
    source = make_source(suite, request)
    snapshot = source.snapshot(request.ref)
    if not is_sha1(snapshot.commit):
        raise ServerError(
            tr(
                "The Hub named no 40-hex commit for {ref} ({commit}).",
                ref=request.ref,
                commit=repr(snapshot.commit),
            )
        )
    selected = select_download(snapshot, request.paths, request.include, request.exclude)
    if ref_name is True:
        ref_name = _cache_ref(request.ref.revision, snapshot.commit)
    return _plan(suite, request, snapshot, selected, ref_name or None)


def plan_for_task(
    suite: Suite,
    task: TaskRecord,
    files: Sequence[TaskFileRecord] = (),
    destination: Destination | None = None,
) -> ScriptPlan:
    """The plan of a queued task: its repository, revision, selection and destination (or
    ``destination``), the revision resolved to its commit now.

    Raises:
        UsageError: the task downloads a plain URL or from ModelScope; others as
            :func:`plan_for_request`.
    """
    from hfsuite.app.queue.tasks import request_for

    request = request_for(task)
    _require_hub(request.ref, f"Task {task.id}")
    if destination is not None:
        request = replace(request, destination=destination)
    plan = plan_for_request(suite, request)
    return with_known_hashes(plan, {f.path: (f.sha256, None) for f in files})


def plan_for_history(
    suite: Suite, record: HistoryRecord, destination: Destination | None = None
) -> ScriptPlan:
    """The plan of a history entry: the commit it recorded (its revision when it recorded
    none) and exactly the files it lists, to its destination (or ``destination``).

    Raises:
        UsageError: the entry is a plain URL or ModelScope download.
        EntryNotFoundError: a file it lists is no longer at that commit.
        Others as :func:`plan_for_request`.
    """
    if not record.repo_id or record.source is not SourceKind.HUGGINGFACE:
        _require_hub(RepoRef(record.repo_id or record.url or "?", source=record.source),
                     f"History entry {record.id}")  # fmt: skip
    assert record.repo_id is not None
    pinned = record.commit if is_sha1(record.commit) else None
    ref = RepoRef(record.repo_id, record.repo_type, pinned or record.revision, record.source)
    request = DownloadRequest(
        ref=ref, destination=destination or _stored_destination(record), endpoint=record.endpoint
    )
    wanted = [f.path for f in record.files]
    for path in wanted:
        check_remote_path(path)
    plan = plan_for_request(suite, request, ref_name=None if pinned else True)
    if not wanted:
        return plan
    by_path = {f.path: f for f in plan.files}
    missing = [p for p in wanted if p not in by_path]
    if missing:
        raise EntryNotFoundError(
            tr(
                "{name} no longer has {count} file(s) of history entry {id}: {files}.",
                name=plan.display_name,
                count=len(missing),
                id=record.id,
                files=", ".join(repr(p) for p in missing[:5]),
            ),
            hint=tr("Generate a script from the repository instead: hfsuite script REPO."),
        )
    plan = replace(plan, files=tuple(by_path[p] for p in wanted))
    return with_known_hashes(plan, {f.path: (f.sha256, f.git_oid) for f in record.files})


def task_of(suite: Suite, task_id: int) -> tuple[TaskRecord, list[TaskFileRecord]]:
    """A stored task and its planned files.

    Raises:
        UsageError: there is no such task.
    """
    with suite.database.read() as uow:
        task = uow.tasks.get(task_id)
        files = uow.task_files.list_for(task_id) if task is not None else []
    if task is None:
        raise UsageError(
            tr("There is no task {id}.", id=task_id), hint=tr("List tasks: hfsuite queue ls")
        )
    return task, files


def history_of(suite: Suite, entry_id: int) -> HistoryRecord:
    """A history entry.

    Raises:
        UsageError: there is no such entry.
    """
    from hfsuite.app.history_ops import get_history

    return get_history(suite.database, entry_id)


# --- helpers --------------------------------------------------------------------------------


def _require_hub(ref: RepoRef, what: str | None = None) -> None:
    if ref.source is SourceKind.HUGGINGFACE:
        return
    url = ref.source is SourceKind.URL
    if what:
        template = (
            N_(
                "Scripts are generated for Hugging Face repositories only; "
                "{what} downloads a plain file URL."
            )
            if url
            else N_(
                "Scripts are generated for Hugging Face repositories only; {what} downloads a "
                "ModelScope repository."
            )
        )
    else:
        template = (
            N_(
                "Scripts are generated for Hugging Face repositories only; "
                "{what} is a plain file URL."
            )
            if url
            else N_(
                "Scripts are generated for Hugging Face repositories only; {what} is a "
                "ModelScope repository."
            )
        )
    raise UsageError(
        tr(template, what=what or ref.repo_id), hint=tr("Use hfsuite download for it.")
    )


def _cache_ref(revision: str | None, commit: str) -> str | None:
    """The ``refs/`` file a download writes in the HF cache (as the engine's layout does)."""
    if not revision:
        return "main"
    return None if revision == commit else revision


def _plan(
    suite: Suite,
    request: DownloadRequest,
    snapshot: RepoSnapshot,
    selected: Sequence[RemoteFile],
    ref_name: str | None,
) -> ScriptPlan:
    ref = snapshot.ref
    check_remote_path(ref.repo_id)
    if not _destination(suite, request).is_hf_cache:
        ref_name = None  # only the HF cache has refs
    if ref_name is not None:
        check_remote_path(ref_name)
    base = f"{ref.repo_type.url_prefix}{quote(ref.repo_id, safe='/')}/resolve/{snapshot.commit}/"
    files = tuple(_script_file(remote, base) for remote in selected)
    destination = _destination(suite, request)
    endpoint = (request.endpoint or suite.settings.endpoint).rstrip("/")
    return ScriptPlan(
        repo_id=ref.repo_id,
        repo_type=ref.repo_type,
        revision=request.ref.revision,
        commit=snapshot.commit,
        endpoint=endpoint,
        destination=destination,
        files=files,
        ref_name=ref_name,
    )


def _destination(suite: Suite, request: DownloadRequest) -> Destination:
    """Where the request's files go (the HF cache when none is chosen, as for a download)."""
    return destination_for(
        suite.settings, request.ref, request.destination, kind=DestinationKind.HF_CACHE
    ).expanded()


def _script_file(remote: RemoteFile, base: str) -> ScriptFile:
    path = str(check_remote_path(remote.path))
    if path != remote.path:
        raise UsageError(
            tr("Refusing the remote path {remote}: it is not normalised.", remote=repr(remote.path))
        )
    etag = remote.etag or ""
    if not etag:
        raise ServerError(
            tr("The Hub gave no hash for {path}; cannot pin it.", path=repr(remote.path))
        )
    check_remote_path(etag)
    if is_sha256(remote.sha256):
        kind, digest = "sha256", str(remote.sha256)
    elif not remote.lfs and is_sha1(remote.blob_id):
        kind, digest = "git-sha1", str(remote.blob_id)
    else:
        kind, digest = "size", ""
    return ScriptFile(
        path=path,
        size=int(remote.size),
        hash_kind=kind,
        digest=digest,
        etag=etag,
        url_path=base + quote(path, safe="/"),
    )


def _stored_destination(record: HistoryRecord) -> Destination:
    """Where a history entry's files went (rows older than the layout column: the HF cache,
    as ``history redownload`` reads them)."""
    if record.layout is not None:
        return Destination.from_stored(record.layout, record.destination)
    return Destination.hf_cache(record.destination)


def with_known_hashes(
    plan: ScriptPlan, known: dict[str, tuple[str | None, str | None]]
) -> ScriptPlan:
    """``plan`` with a stored SHA-256 or git blob id (``{path: (sha256, git_oid)}``, from a
    task's planned files or a history manifest) for files the Hub gave neither."""
    files = []
    for f in plan.files:
        sha256, oid = known.get(f.path, (None, None))
        if f.hash_kind == "size" and is_sha256(sha256):
            f = replace(f, hash_kind="sha256", digest=str(sha256))
        elif f.hash_kind == "size" and is_sha1(oid):
            f = replace(f, hash_kind="git-sha1", digest=str(oid))
        files.append(f)
    return replace(plan, files=tuple(files))
