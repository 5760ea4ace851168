"""``hfsuite download``: fetch a repository (or some of its files) now, with progress."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

import typer

from hfsuite.app.download.operation import (
    DownloadOutcome,
    DownloadPlan,
    DownloadRequest,
    parse_target,
    plan,
    preflight,
)
from hfsuite.cli import output  # output.out / output.err: Rich, made at first use
from hfsuite.cli.destination_flags import (
    chosen_destination,
    profile_option,
    subfolder_option,
    to_option,
    with_tool_or_profile,
)
from hfsuite.cli.gc_pause import imports_paused
from hfsuite.cli.hf_flags import (
    OutputFormat,
    XetMode,
    format_option,
    quiet_option,
    wants_json,
)
from hfsuite.cli.json_views import download_cancelled_view, download_done_view, plan_view
from hfsuite.cli.output import json_option, print_json
from hfsuite.cli.progress import JsonLinesDisplay, QuietDisplay, RichProgressDisplay, emit_json
from hfsuite.core.destination import Destination
from hfsuite.core.errors import HfSuiteError, NotFoundError, OperationCancelled, UsageError
from hfsuite.core.i18n import N_, _, joined, ngettext, tr
from hfsuite.core.types import RepoType, SourceKind
from hfsuite.core.units import format_bytes, format_duration, format_rate, parse_size

if TYPE_CHECKING:
    from hfsuite.app.download.offline import CachedFiles
    from hfsuite.app.queue.early import EarlyDownload
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite

HELP = _(
    """Download a repository from the Hub, or some of its files.

Several connections per file, resumable after a crash (run the same command again),
verified (SHA-256 / git sha1), into the HF cache (transformers and diffusers find it),
with --local-dir a plain folder, or with --to TOOL:KIND / --profile NAME a tool's model
folder such as ComfyUI's models/loras (docs/profiles.md). The download is a queue task run
at once (outside the queue's slots) and is recorded in history (hfsuite history ls).

Examples:

  hfsuite download openai-community/gpt2

  hfsuite download openai-community/gpt2 config.json tokenizer.json

  hfsuite download openai-community/gpt2 --include "*.safetensors" --exclude "*fp32*"

  hfsuite download datasets/rajpurkar/squad --local-dir ./squad --limit-rate 20M

  hfsuite download openai-community/gpt2 --dry-run --json

  hfsuite download https://huggingface.co/openai-community/gpt2/blob/main/onnx/model.onnx

  hfsuite download modelscope:qwen/Qwen2-0.5B --local-dir ./qwen

  hfsuite download https://example.org/file.safetensors --sha256 <hex> --local-dir ./models

  hfsuite download openai-community/gpt2 model.safetensors --to comfyui:checkpoints

  hfsuite download openai-community/gpt2 model.safetensors --profile comfyui-checkpoints

hf download's spellings work too, with the same meaning: --type, --force-download,
--max-workers (= --max-files), --format json|quiet|human, -q/--quiet.
"""
)


_INTERRUPTED = N_(
    "Download interrupted. Partial data is kept: run the same command again to resume."
)
"""English in the JSON stream, translated in the message, ``_(_INTERRUPTED)``."""
_EARLY_WAIT_S = 5.0  # longest wait for the first bytes before the database is opened anyway
# The task of a direct download is made once its bytes have moved for _ADOPT_AFTER_S with
# _ADOPT_IF_LEFT_S or more to go, or after _ADOPT_BY_S; one ending sooner goes to the journal.
_ADOPT_AFTER_S = 1.5
_ADOPT_IF_LEFT_S = 3.0
_ADOPT_BY_S = 8.0
_POLL_S = 0.05
_TASK_END_HOOKS = ("hfsuite_post_download", "hfsuite_notify")


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("download", help=HELP)(download_command)


def download_command(
    ctx: typer.Context,
    repo: str = typer.Argument(
        ...,
        help=_(
            "What to download: org/name (datasets/…, spaces/…), a Hub or mirror URL of a repo, "
            "folder or file, hf://…, modelscope:owner/name or a ModelScope URL, or a plain file "
            "URL."
        ),
    ),
    paths: list[str] = typer.Argument(None, help=_("Files or folders to download (default: all).")),
    repo_type: RepoType = typer.Option(
        None,
        "--repo-type",
        "--type",
        help=_("model, dataset or space (--type: as in hf download)."),
    ),
    revision: str = typer.Option(None, "--revision", help=_("Branch, tag, commit or PR ref.")),
    include: list[str] = typer.Option(None, "--include", help=_("Glob of files to keep (repeat).")),
    exclude: list[str] = typer.Option(None, "--exclude", help=_("Glob of files to drop (repeat).")),
    local_dir: Path = typer.Option(None, "--local-dir", help=_("Download into this folder.")),
    cache_dir: Path = typer.Option(None, "--cache-dir", help=_("HF cache folder.")),
    profile: str = profile_option(),
    to: str = to_option(),
    subfolder: str = subfolder_option(),
    connections: int = typer.Option(
        None, "--connections", "-c", min=1, max=64, help=_("Connections per file.")
    ),
    max_files: int = typer.Option(
        None,
        "--max-files",
        "--max-workers",
        min=1,
        max=64,
        help=_("Files downloaded at once (--max-workers: as in hf download)."),
    ),
    limit_rate: str = typer.Option(
        None, "--limit-rate", help=_("Bandwidth limit, e.g. 10M, 500k.")
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help=_("Only show what would be downloaded.")),
    as_json: bool = json_option(_("JSON lines instead of a progress display (docs/json.md).")),
    output_format: OutputFormat = format_option(),
    quiet: bool = quiet_option(),
    token: str = typer.Option(
        None, "--token", help=_("Hub token (default: HF_TOKEN, hf auth login).")
    ),
    endpoint: str = typer.Option(
        None, "--endpoint", help=_("Hub URL or mirror (default: setting).")
    ),
    force: bool = typer.Option(
        False, "--force", "--force-download", help=_("Download again even complete files.")
    ),
    sha256: str = typer.Option(
        None, "--sha256", help=_("For a plain URL: the SHA-256 the file must have.")
    ),
    xet: XetMode = typer.Option(
        XetMode.auto,
        "--xet",
        help=_(
            "Xet-backed files: through Xet (on), through the resolve redirect (off), or "
            "whichever is faster for the file (auto: Xet for an update whose chunks are mostly "
            "on disk, else the redirect; docs/xet.md)."
        ),
    ),
) -> None:
    state = ctx.find_root().obj
    as_json = wants_json(as_json, output_format)
    overrides = {"endpoint": endpoint} if endpoint else {}
    state.overrides.update(overrides)
    suite = state.suite()
    if token:
        suite.redactor.add_secret(token)
    limit_bps = None
    if limit_rate is not None:
        try:
            limit_bps = parse_size(limit_rate)
        except ValueError:
            raise UsageError(
                tr("--limit-rate {value} is not a rate.", value=repr(limit_rate)),
                hint=tr("Examples: 500k, 10M, 1.5MiB."),
            ) from None
    ref, named_paths = parse_target(suite, repo, repo_type, revision, token=token)
    if sha256 is not None and ref.source is not SourceKind.URL:
        raise UsageError(tr("--sha256 applies to plain file URLs; hub files are verified anyway."))
    request = DownloadRequest(
        ref=ref,
        paths=[*named_paths, *(paths or ())],
        expected_sha256=sha256,
        include=include or None,
        exclude=exclude or None,
        destination=chosen_destination(local_dir, cache_dir),
        connections=connections,
        max_files=max_files,
        limit_bps=limit_bps,
        token=token,
        endpoint=endpoint,
        force=force,
        xet=xet.value,
    )
    # --profile/--to: the tool's folder, the profile's defaults under the flags given
    request = with_tool_or_profile(suite, request, profile, to, subfolder, dry_run=dry_run)
    if suite.settings.offline:
        from hfsuite.app.download.offline import offline_download

        _print_cached(offline_download(suite.settings, request), as_json, dry_run, state.quiet)
        return
    if dry_run:
        source, _request, the_plan = plan(suite, request, dry_run=True)
        _print_plan(the_plan, as_json)
        preflight(source, request, the_plan, suite.settings)  # as the real run checks them
        return

    from hfsuite.app.queue.early import EarlyDownload

    # Bytes start moving first; the display (Rich's, on a terminal) is made while they do and
    # watches the download itself. The queue's database (SQLAlchemy and the storage layer to
    # import, the task to add) is opened only once the download has moved for a while and is
    # not about to end: the task then adopts the running download, its events so far
    # replayed, and it is in the queue and ends in history like any other. A download that
    # ends first is recorded in the journal of finished downloads, which the next opening of
    # the database applies (app.queue.finished): the same task, history and hashes, without
    # the import competing with the transfer for the machine's cores.
    early = EarlyDownload(suite, request).start()
    try:
        display = _display(as_json, state.quiet)
        early.watch(display)
    except BaseException as exc:
        _stop(early, exc, as_json)
        raise
    with display:
        try:
            early.wait_moving(_EARLY_WAIT_S)
            # The plugins told of each task's end get its id: such a download needs its task.
            needs_task = _plugins_watch_ends(suite)
            ended = early.wait(0) if needs_task else _ends_soon(early, suite)
            if ended and _nothing_to_keep(early.error):
                raise early.error  # a typo or a missing repo: no queue task to leave behind
            if ended and not needs_task and early.error is None and _journaled(suite, early):
                outcome = early.result()
                running = None
            else:
                with imports_paused():  # SQLAlchemy and the storage layer, while bytes move
                    from hfsuite.app.queue.manager import DownloadManager

                    manager = DownloadManager(suite)
                    running = manager.adopt(early)
        except BaseException as exc:
            _stop(early, exc, as_json)
            raise
        if running is not None:
            running.wait_to_end()
    if running is not None:
        try:
            outcome = running.result()
        except OperationCancelled:
            raise _cancelled(as_json) from None
        except HfSuiteError as exc:
            for line in display.lines(exc):
                output.err.print(f"hfsuite: {line}", highlight=False, markup=False, soft_wrap=True)
            _after_failure(manager, running.task_id, exc)
            raise
    _print_summary(outcome, as_json, state.quiet)


def _ends_soon(early: EarlyDownload, suite: Suite) -> bool:
    """Wait while the download looks like ending soon; returns whether it ended.

    It does not once it has moved for ``_ADOPT_AFTER_S`` with ``_ADOPT_IF_LEFT_S`` or more
    still to go (or no estimate), nor after ``_ADOPT_BY_S`` whatever its estimate, nor when
    its bytes never started moving: its task is then made while it runs.
    """
    clock = suite.clock
    while not early.wait(_POLL_S):
        since = early.moving_since
        if since is None:
            return False
        moving_s = clock.monotonic() - since
        if moving_s >= _ADOPT_BY_S:
            return False
        eta = early.eta_s
        if moving_s >= _ADOPT_AFTER_S and (eta is None or eta >= _ADOPT_IF_LEFT_S):
            return False
    return True


def _plugins_watch_ends(suite: Suite) -> bool:
    """Whether a plugin is told of each task's end (read while the bytes move: the installed
    packages' entry points, and the plugins' modules)."""
    plugins = suite.plugins
    return plugins.enabled and any(plugins.manager.active(h) for h in _TASK_END_HOOKS)


def _journaled(suite: Suite, early: EarlyDownload) -> bool:
    """Record a completed download that no task adopted in the journal of finished downloads;
    False when it must be recorded in the database now (the journal cannot be written, or is
    full: app.queue.finished)."""
    from hfsuite.app.queue.finished import journal_finished

    clock = suite.clock
    return journal_finished(
        suite.settings,
        early.request,
        early.result(),
        started_at=early.started_at,
        duration_s=max(0.0, clock.monotonic() - early.started_mono),
        finished_at=clock.now(),
    )


def _display(as_json: bool, quiet: bool) -> JsonLinesDisplay | RichProgressDisplay | QuietDisplay:
    """JSON lines, Rich's progress on a terminal, or nothing."""
    if as_json:
        return JsonLinesDisplay()
    if sys.stderr.isatty() and not quiet:
        return RichProgressDisplay(output.err)
    return QuietDisplay()


def _stop(early: EarlyDownload, exc: BaseException, as_json: bool) -> None:
    """Cancel a download no task has taken over (its partial data and resume state stay on
    disk) because of ``exc``; a Ctrl-C raises :func:`_cancelled`'s error instead."""
    early.cancel_and_wait()
    if isinstance(exc, KeyboardInterrupt):
        raise _cancelled(as_json) from None


def _cancelled(as_json: bool) -> OperationCancelled:
    """The error a Ctrl-C ends with; under ``--json`` the stream's last line says so first."""
    if as_json:
        emit_json(download_cancelled_view(_INTERRUPTED))
    return OperationCancelled(tr(_INTERRUPTED))


def _nothing_to_keep(error: BaseException | None) -> TypeGuard[HfSuiteError]:
    """Whether a download failed for a reason a retry cannot fix (a usage error, a repository
    or file that does not exist), so its task would only clutter the queue."""
    return isinstance(error, (UsageError, NotFoundError))


def _after_failure(manager: DownloadManager, task_id: int, error: HfSuiteError) -> None:
    """Drop the task of a download that failed before any byte for a reason a retry cannot
    fix; otherwise say which task stays in the queue to retry."""
    task = manager.get(task_id)
    if task is None:
        return
    if _nothing_to_keep(error) and not task.bytes_done:
        manager.remove([task_id])
        return
    retry = tr("It stays in the queue as task {id}: hfsuite queue retry {id}", id=task_id)
    error.hint = joined(error.hint, retry) if error.hint else retry


def _destination(the_plan: DownloadPlan, destination: Destination) -> str:
    if not destination.is_hf_cache:
        return str(the_plan.destination)
    files = the_plan.files
    if files:
        # The snapshot folder: what `hf download` prints for a cache download.
        target = files[0].target.final_path
        depth = len(files[0].remote.path.split("/"))
        return str(target.parents[depth - 1])
    return str(the_plan.destination)


def _print_summary(outcome: DownloadOutcome, as_json: bool, quiet: bool) -> None:
    the_plan = outcome.plan
    result = outcome.result
    fetched = outcome.downloaded_bytes
    skipped = sum(1 for f in (result.files if result else []) if f.skipped)
    speed = fetched / outcome.elapsed_s if outcome.elapsed_s > 0 else 0.0
    dest = _destination(the_plan, outcome.destination)
    if as_json:
        emit_json(download_done_view(outcome, dest))
        return
    if not quiet:
        count = len(the_plan.files) - skipped
        if count == 0 and skipped:  # not "Downloaded 0 files, 0 B in 0s (0 B/s)"
            text = ngettext(
                "Nothing to download: {n} file already complete",
                "Nothing to download: {n} files already complete",
                skipped,
            ).format(n=skipped)
        else:
            text = _("Downloaded {files}, {size} in {duration} ({rate})").format(
                files=ngettext("{n} file", "{n} files", count).format(n=count),
                size=format_bytes(fetched),
                duration=format_duration(outcome.elapsed_s),
                rate=format_rate(speed),
            )
            if skipped:
                text += _("; {n} already complete").format(n=skipped)
        text += f" — {the_plan.snapshot.ref.repo_id}@{the_plan.snapshot.commit[:8]}"
        output.line(text, err=True)
    output.line(dest)  # a plain line: no Rich to import for it after the last byte (-q)


def _print_plan(the_plan: DownloadPlan, as_json: bool) -> None:
    if as_json:
        print_json(plan_view(the_plan))
        return
    from hfsuite.cli.tables import FoldingTable  # Rich's tables: a dry run's only

    table = FoldingTable(
        title=f"{the_plan.snapshot.ref.repo_id} @ {the_plan.snapshot.commit[:12]}",
        title_justify="left",
    )
    table.add_column(_("file"), overflow="fold")
    table.add_column(_("size"), justify="right")
    table.add_column(_("action"))
    table.add_column(_("to download"), justify="right")
    for f in the_plan.files:
        table.add_row(
            f.remote.path, format_bytes(f.remote.size), f.action, format_bytes(f.missing_bytes)
        )
    table.add_section()
    table.add_row(
        ngettext("{n} file", "{n} files", len(the_plan.files)).format(n=len(the_plan.files)),
        format_bytes(the_plan.total_bytes),
        "",
        format_bytes(the_plan.missing_bytes),
        style="bold",
    )
    output.out.print(table)


def _print_cached(cached: CachedFiles, as_json: bool, dry_run: bool, quiet: bool) -> None:
    """Offline: what is on disk answers the download, as ``hf download`` does (the folder on
    stdout); a dry run says the same (with ``--json``, as a plan with nothing to fetch)."""
    from hfsuite.cli.json_views import document, ref_fields

    repo, commit, path = cached.ref.repo_id, cached.commit or "", str(cached.folder)
    if as_json and dry_run:
        files = [
            {"path": f.path, "size": f.size, "action": "skip", "bytes_to_download": 0}
            for f in cached.files
        ]
        body = {**ref_fields(cached.ref), "commit": commit, "destination": path}
        body |= {"file_count": len(files), "files": files, "total_bytes": cached.total_bytes}
        print_json(document("plan", {**body, "bytes_to_download": 0}))
        return
    if as_json:
        count = len(cached.files)
        body = {"event": "Done", **ref_fields(cached.ref), "commit": commit}
        body |= {"file_count": count, "skipped_count": count, "downloaded_bytes": 0}
        emit_json(document("download-event", {**body, "elapsed_s": 0.0, "path": path}))
        return
    if not quiet:
        at = f"@{commit[:8]}" if commit else ""
        count = len(cached.files)
        output.err.print(
            _(
                "Offline mode: {files} of {repo} already on disk ({size}); nothing to download."
            ).format(
                files=ngettext("{n} file", "{n} files", count).format(n=count),
                repo=f"{repo}{at}",
                size=format_bytes(cached.total_bytes),
            ),
            highlight=False,
        )
    output.out.print(path, highlight=False, soft_wrap=True)
