"""Downloading a repository or a file: source → plan → space check → transfer → layout.

This is the operation behind ``hfsuite download`` and each queue task: it wires a source (the
Hugging Face Hub or a mirror, ModelScope, or a plain URL), a storage layout and the engine's
transfer together with the settings. Hugging Face downloads go to the HF cache or a local
folder; ModelScope repositories and URLs always go to a folder (``--local-dir``, else
``download_dir/<name>`` and ``download_dir``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hfsuite.app.accounts import read_name
from hfsuite.app.download.destinations import destination_for, layout_for
from hfsuite.app.download.sources import make_source
from hfsuite.app.network import http_options
from hfsuite.config import Settings
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.errors import HfSuiteError, UsageError
from hfsuite.core.events import Event
from hfsuite.core.headroom import Headroom
from hfsuite.core.i18n import tr
from hfsuite.core.remote import RepoSnapshot
from hfsuite.core.source import Source
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.engine.adapt import AdaptSettings
from hfsuite.engine.http import HttpClient
from hfsuite.engine.layouts import StorageLayout
from hfsuite.engine.planner import DownloadPlan, check_disk_space, plan_download
from hfsuite.engine.transfer import Transfer, TransferControl, TransferOptions, TransferResult
from hfsuite.sources.names import NameKind, parse_repo_arg
from hfsuite.sources.revisions import pick_revision

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

log = logging.getLogger(__name__)

__all__ = [
    "DownloadOutcome",
    "DownloadPlan",
    "DownloadRequest",
    "TransferControl",
    "download",
    "parse_repo_arg",
    "parse_target",
    "plan",
    "preflight",
]


@dataclass
class DownloadRequest:
    """Everything ``hfsuite download`` can be asked.

    Attributes:
        ref: Repository and revision.
        paths: Explicit files or folders (empty: all).
        include: Glob patterns to keep.
        exclude: Glob patterns to drop.
        destination: Where the files go (None: the HF cache; ModelScope repositories and
            plain URLs, which have none, go to ``download_dir``: see
            :func:`request_destination`).
        connections: Connections per file (default: the setting).
        max_files: Files in parallel (default: the setting).
        limit_bps: This task's bandwidth limit (default: the setting; 0 = none).
        token: Explicit token.
        endpoint: Explicit endpoint (default: the setting).
        force: Download again even what is complete.
        expected_sha256: For a plain URL: the SHA-256 the file must have.
        xet: Xet-backed files: ``auto``, ``on`` or ``off`` (see docs/xet.md; None: ``auto``).
    """

    ref: RepoRef
    paths: Sequence[str] = ()
    include: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    destination: Destination | None = None
    connections: int | None = None
    max_files: int | None = None
    limit_bps: int | None = None
    token: str | None = None
    endpoint: str | None = None
    force: bool = False
    expected_sha256: str | None = None
    xet: str | None = None


@dataclass
class DownloadOutcome:
    """What a download did."""

    plan: DownloadPlan
    result: TransferResult | None
    elapsed_s: float
    destination: Destination
    local_paths: dict[str, str] = field(default_factory=dict)

    @property
    def downloaded_bytes(self) -> int:
        """Bytes fetched over the network."""
        return self.result.downloaded_bytes if self.result else 0

    @property
    def refetched_bytes(self) -> int:
        """Bytes downloaded more than once (a stalled connection's tail taken over, a file
        started over); see :attr:`TransferResult.refetched_bytes`."""
        return self.result.refetched_bytes if self.result else 0

    @property
    def reused_bytes(self) -> int:
        """Bytes of Xet chunks copied from the older local files of an update instead of
        fetched; see :attr:`TransferResult.reused_bytes`."""
        return self.result.reused_bytes if self.result else 0


def request_destination(settings: Settings, request: DownloadRequest) -> Destination:
    """Where a request's files go: its destination, else (like ``hf download``) the HF cache,
    whatever the ``layout`` setting says; a plain folder for sources without an HF cache."""
    return destination_for(
        settings, request.ref, request.destination, kind=DestinationKind.HF_CACHE
    )


def make_layout(
    suite: Suite, request: DownloadRequest, plan_snapshot: RepoSnapshot
) -> StorageLayout:
    """The storage layout a request asks for."""
    return layout_for(request_destination(suite.settings, request), plan_snapshot)


def parse_target(
    suite: Suite,
    text: str,
    repo_type: RepoType | None = None,
    revision: str | None = None,
    *,
    token: str | None = None,
) -> tuple[RepoRef, list[str]]:
    """What a user asked to download: a repository (any source, any URL form), a file or folder
    in one (then its path), a plain file URL (``RepoRef(url, source=URL)``), or a plugin
    source's reference (``civitai:12345``, the same shape; plugins are asked only about text
    the built-in parser refuses or reads as a plain file URL).

    A Hub page URL such as ``…/tree/feature/new-weights/sub`` is read against the repository's
    branches and tags (asked with ``token``, see :func:`hfsuite.app.accounts.read_name`), so a
    branch with slashes is found.

    Raises:
        UsageError: the text names nothing downloadable, ``revision`` is not a valid
            revision, or the text names another revision than ``revision``.
    """
    try:
        name = read_name(suite, text, token)
    except UsageError:
        plugin_ref = _plugin_target(suite, text, repo_type, revision)
        if plugin_ref is None:
            raise
        return plugin_ref, []
    if name.kind is NameKind.URL:
        # a web page a plugin knows (its parser turns it into the plugin source's reference)
        plugin_ref = _plugin_target(suite, text, repo_type, revision)
        if plugin_ref is not None:
            return plugin_ref, []
        if repo_type is not None or revision is not None:
            raise UsageError(tr("--repo-type and --revision do not apply to a plain file URL."))
        return RepoRef(str(name.url), RepoType.MODEL, None, SourceKind.URL), []
    assert name.ref is not None
    ref = name.ref
    explicit_type = "://" in text or text.lower().startswith(
        ("modelscope:", "datasets/", "spaces/", "models/")
    )
    kind = ref.repo_type if explicit_type else (repo_type or ref.repo_type)
    ref = RepoRef(ref.repo_id, kind, pick_revision(text, ref.revision, revision), ref.source)
    return ref, [name.path] if name.path else []


def _plugin_target(
    suite: Suite, text: str, repo_type: RepoType | None, revision: str | None
) -> RepoRef | None:
    """A plugin source's reference for ``text`` (docs/plugins.md), or None."""
    from hfsuite.app.plugins.sources import plugin_target

    ref = plugin_target(suite.plugins, text)
    if ref is not None and (repo_type is not None or revision is not None):
        raise UsageError(tr("--repo-type and --revision do not apply to a plugin source's name."))
    return ref


def plan(
    suite: Suite, request: DownloadRequest, *, dry_run: bool = False
) -> tuple[Source, StorageLayout, DownloadPlan]:
    """Resolve the repo and plan the download (no bytes move; ``dry_run``: nothing written)."""
    source = make_source(suite, request)
    snapshot = source.snapshot(request.ref)
    layout = make_layout(suite, request, snapshot)
    download_plan = plan_download(
        snapshot,
        layout,
        paths=request.paths,
        include=request.include,
        exclude=request.exclude,
        force=request.force,
        dry_run=dry_run,
    )
    return source, layout, download_plan


def preflight(
    source: Source, request: DownloadRequest, download_plan: DownloadPlan, settings: Settings
) -> None:
    """What a download checks before a byte moves (a dry run checks it too, so that it says
    what the real run will say): that the source lets this account read the files, when any
    are to be fetched, and that they fit on disk with the room the ``space_headroom`` setting
    keeps free.

    Raises:
        AuthenticationError: gated, private, or the token refused (exit 6).
        NotFoundError: the repository is gone or hidden (exit 7).
        InsufficientSpaceError: the files do not fit (exit 9).
    """
    if download_plan.to_fetch:
        source.check_access(request.ref)
    check_disk_space(download_plan, Headroom.parse(settings.space_headroom))


def download(
    suite: Suite,
    request: DownloadRequest,
    *,
    control: TransferControl | None = None,
    on_event: Callable[[Event], None] | None = None,
    on_plan: Callable[[DownloadPlan], None] | None = None,
    task_id: int | None = None,
) -> DownloadOutcome:
    """Plan, check access and space (:func:`preflight`), and download.

    Raises:
        HfSuiteError: from any step, with an actionable message; OperationCancelled when
            ``control`` is cancelled (partial data kept for resume).
    """
    settings = suite.settings
    started = time.monotonic()
    source, layout, download_plan = plan(suite, request)
    if on_plan:
        on_plan(download_plan)
    control = control or TransferControl()
    # The access check runs beside the first ranges (the listing already answered with this
    # token); when it fails, the transfer is stopped and its error is the one reported.
    access = _AccessCheck(source, request.ref, control) if download_plan.to_fetch else None
    try:
        check_disk_space(download_plan, Headroom.parse(settings.space_headroom))
    except BaseException:
        if access is not None:
            access.wait()
        raise
    limit = request.limit_bps if request.limit_bps is not None else settings.task_limit_bps
    if limit:
        control.set_limit(limit)
    client = HttpClient(http_options(settings), auth=_LiveAuth(source))
    options = TransferOptions(
        connections_per_file=request.connections or settings.connections_per_file,
        adapt=AdaptSettings()
        if request.connections is None and settings.adaptive_connections
        else None,
        max_connections_per_file=settings.max_connections_per_file,
        files_in_parallel=request.max_files or settings.files_in_parallel,
        connections_per_host=max(
            settings.connections_per_host, request.connections or settings.connections_per_file
        ),
        xet=request.xet or "auto",
    )
    transfer = Transfer(
        client,
        layout,
        source.map_error,
        options=options,
        control=control,
        global_bucket=suite.global_bucket,
        on_event=on_event,
        clock=suite.clock,
        task_id=task_id,
        force=request.force,
    )
    try:
        result = transfer.run([pf.remote for pf in download_plan.files])
    except BaseException:
        if access is not None:
            access.wait()  # its error, when it has one, says why the transfer stopped
        raise
    finally:
        client.close()
    if access is not None:
        access.wait()
    outcome = DownloadOutcome(
        plan=download_plan,
        result=result,
        elapsed_s=time.monotonic() - started,
        destination=request_destination(settings, request),
        local_paths={f.remote.path: f.local_path for f in result.files if f.local_path},
    )
    log.info(
        "%s: %d bytes downloaded; re-fetched (received more than once): %d bytes",
        request.ref.repo_id,
        result.downloaded_bytes,
        result.refetched_bytes,
    )
    failed = result.failed
    if failed:
        raise failed[0].error  # type: ignore[misc]
    return outcome


class _LiveAuth:
    """The source's credentials as they are now (an access check may drop a refused token)."""

    def __init__(self, source: Source):
        self._source = source

    def headers_for(self, url: str) -> dict[str, str]:
        return self._source.auth.headers_for(url)


class _AccessCheck:
    """``source.check_access(ref)`` in a thread of its own; a refusal cancels ``control``.

    :meth:`wait` re-raises the refusal (the reason the transfer was cancelled).
    """

    def __init__(self, source: Source, ref: RepoRef, control: TransferControl):
        self._source, self._ref, self._control = source, ref, control
        self.error: HfSuiteError | None = None
        self._thread = threading.Thread(target=self._run, name="hfsuite-access", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._source.check_access(self._ref)
        except HfSuiteError as exc:
            self.error = exc
            self._control.cancel()

    def wait(self) -> None:
        """Wait for the answer; raise the refusal if there was one."""
        self._thread.join()
        if self.error is not None:
            raise self.error
