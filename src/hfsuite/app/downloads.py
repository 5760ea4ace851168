"""Downloading a repository: source → plan → space check → transfer → layout.

This is the operation behind ``hfsuite download`` (and, later, each queue task): it wires the
Hugging Face source, a storage layout and the engine's transfer together with the settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.app.accounts import hub_source
from hfsuite.core.events import Event
from hfsuite.core.remote import RepoSnapshot
from hfsuite.core.types import Layout, RepoRef
from hfsuite.app.network import http_options
from hfsuite.engine.http import HttpClient
from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout, StorageLayout
from hfsuite.engine.planner import DownloadPlan, check_disk_space, plan_download
from hfsuite.engine.transfer import Transfer, TransferControl, TransferOptions, TransferResult
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.sources.names import parse_repo_arg

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

__all__ = [
    "DownloadOutcome",
    "DownloadPlan",
    "DownloadRequest",
    "TransferControl",
    "download",
    "parse_repo_arg",
    "plan",
]


@dataclass
class DownloadRequest:
    """Everything ``hfsuite download`` can be asked.

    Attributes:
        ref: Repository and revision.
        paths: Explicit files or folders (empty: all).
        include: Glob patterns to keep.
        exclude: Glob patterns to drop.
        local_dir: Download into this folder (local-dir layout) instead of the HF cache.
        cache_dir: HF cache folder (default: the setting).
        connections: Connections per file (default: the setting).
        max_files: Files in parallel (default: the setting).
        limit_bps: This task's bandwidth limit (default: the setting; 0 = none).
        token: Explicit token.
        endpoint: Explicit endpoint (default: the setting).
        force: Download again even what is complete.
    """

    ref: RepoRef
    paths: Sequence[str] = ()
    include: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    local_dir: Path | None = None
    cache_dir: Path | None = None
    connections: int | None = None
    max_files: int | None = None
    limit_bps: int | None = None
    token: str | None = None
    endpoint: str | None = None
    force: bool = False


@dataclass
class DownloadOutcome:
    """What a download did."""

    plan: DownloadPlan
    result: TransferResult | None
    elapsed_s: float
    layout: Layout
    local_paths: dict[str, str] = field(default_factory=dict)

    @property
    def downloaded_bytes(self) -> int:
        """Bytes fetched over the network."""
        return self.result.downloaded_bytes if self.result else 0


def make_source(suite: Suite, request: DownloadRequest) -> HuggingFaceSource:
    """The Hugging Face source for a request (endpoint and token resolved).

    Token order: ``--token``, ``hfsuite auth login``'s, HF_TOKEN, hf's token file. A
    fine-grained token the Hub refuses on a public repo falls back to anonymous access, with a
    notice (:class:`HuggingFaceSource`).
    """
    return hub_source(suite, request.token, request.endpoint)


def make_layout(
    suite: Suite, request: DownloadRequest, plan_snapshot: RepoSnapshot
) -> StorageLayout:
    """The storage layout a request asks for."""
    if request.local_dir is not None:
        return LocalDirLayout(request.local_dir.expanduser(), plan_snapshot.commit)
    cache = request.cache_dir or suite.settings.hub_cache
    return HFCacheLayout(Path(cache).expanduser(), plan_snapshot)


def plan(
    suite: Suite, request: DownloadRequest, *, dry_run: bool = False
) -> tuple[HuggingFaceSource, StorageLayout, DownloadPlan]:
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


def download(
    suite: Suite,
    request: DownloadRequest,
    *,
    control: TransferControl | None = None,
    on_event: Callable[[Event], None] | None = None,
    on_plan: Callable[[DownloadPlan], None] | None = None,
    task_id: int | None = None,
) -> DownloadOutcome:
    """Plan, check space, and download.

    Raises:
        HfSuiteError: from any step, with an actionable message; OperationCancelled when
            ``control`` is cancelled (partial data kept for resume).
    """
    settings = suite.settings
    started = time.monotonic()
    source, layout, download_plan = plan(suite, request)
    if on_plan:
        on_plan(download_plan)
    check_disk_space(download_plan)
    control = control or TransferControl()
    limit = request.limit_bps if request.limit_bps is not None else settings.task_limit_bps
    if limit:
        control.set_limit(limit)
    client = HttpClient(
        http_options(settings), auth=source.auth
    )
    options = TransferOptions(
        connections_per_file=request.connections or settings.connections_per_file,
        files_in_parallel=request.max_files or settings.files_in_parallel,
        connections_per_host=max(
            settings.connections_per_host, request.connections or settings.connections_per_file
        ),
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
    finally:
        client.close()
    outcome = DownloadOutcome(
        plan=download_plan,
        result=result,
        elapsed_s=time.monotonic() - started,
        layout=Layout.LOCAL_DIR if request.local_dir is not None else Layout.HF_CACHE,
        local_paths={f.remote.path: f.local_path for f in result.files if f.local_path},
    )
    failed = result.failed
    if failed:
        raise failed[0].error  # type: ignore[misc]
    return outcome
