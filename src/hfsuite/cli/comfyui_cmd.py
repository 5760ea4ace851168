"""``hfsuite comfyui``: ComfyUI workflows and the models they need.

``refs`` lists every model a workflow names; ``missing`` says which of them a ComfyUI install
lacks and where each can be downloaded from; ``fetch`` downloads them into the right folders.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from hfsuite.app.comfyui_refs import ModelRef, WorkflowRefs, workflow_refs
from hfsuite.cli.json_views import document, error_view
from hfsuite.cli.output import err, json_option, out, print_error, print_json, print_warning
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import N_, _, ngettext, pgettext, tr

if TYPE_CHECKING:
    from hfsuite.app.comfyui_fetch import FetchStep
    from hfsuite.app.comfyui_missing import Candidate, MissingItem, MissingReport

app = typer.Typer(
    help=_(
        "ComfyUI workflows: the models they need.\n\n"
        "Examples:\n\n"
        "  hfsuite comfyui refs workflow.json\n\n"
        "  hfsuite comfyui refs ComfyUI_00001_.png --json\n\n"
        "  hfsuite comfyui missing workflow.json\n\n"
        "  hfsuite comfyui fetch workflow.json --yes"
    ),
    no_args_is_help=True,
)

REFS_HELP = _(
    """List every model a ComfyUI workflow, or an image/video made with ComfyUI or
A1111/Forge, names: node, input, file name and ComfyUI model folder.

Reads UI and API workflow JSON, workflows embedded in PNG, WebP, JPEG, FLAC, MP4 and WebM files,
and A1111/Forge generation parameters. Muted and bypassed nodes are listed as inactive;
names that would leave a model folder are listed as refused.

Examples:

  hfsuite comfyui refs workflow.json

  hfsuite comfyui refs ComfyUI_00001_.png --json
"""
)
STATUSES = (
    N_("present"),
    N_("elsewhere"),
    N_("missing"),
    N_("resolved"),
    N_("unresolved"),
    N_("refused"),
    N_("inactive"),
    N_("declared"),
)
"""The states and statuses shown in the tables (``_(status)`` where shown; JSON keeps them)."""


def ref_view(ref: ModelRef) -> dict[str, Any]:
    """One reference as JSON (docs/json.md, ``workflow-refs``)."""
    return asdict(ref)


def refs_view(found: WorkflowRefs) -> dict[str, Any]:
    """The ``workflow-refs`` document."""
    return document(
        "workflow-refs",
        {
            "path": found.path,
            "source_format": found.source_format,
            "contents": list(found.contents),
            "refs": [ref_view(r) for r in found.refs],
            "ref_count": len(found.refs),
            "warnings": list(found.warnings),
        },
    )


@app.command("refs", help=REFS_HELP)
def refs_command(
    file: Path = typer.Argument(
        ..., help=_("Workflow JSON, or a PNG/WebP/JPEG/FLAC/MP4/WebM file.")
    ),
    as_json: bool = json_option(_("JSON instead of a table (docs/json.md).")),
) -> None:
    found = workflow_refs(file)
    if as_json:
        print_json(refs_view(found))
        return
    for warning in found.warnings:
        print_warning(warning)
    if found.refs:
        out.print(_table(found.refs))
    inactive = sum(not r.active for r in found.refs)
    refused = sum(r.refused is not None for r in found.refs)
    urls = sum(r.url is not None for r in found.refs)
    extra = [
        label.format(n=n)
        for n, label in (
            (inactive, _("{n} inactive")),
            (refused, _("{n} refused")),
            (urls, _("{n} with a download URL, see --json")),
        )
        if n
    ]
    more = f" ({_(', ').join(extra)})" if extra else ""
    what = " + ".join(found.contents)
    count = len(found.refs)
    out.print(
        _("{refs}{more} in {file} ({format}: {what}).").format(
            refs=ngettext("{n} model reference", "{n} model references", count).format(n=count),
            more=more,
            file=escape(file.name),
            format=found.source_format,
            what=what,
        ),
        markup=True,
    )


def _state(ref: ModelRef) -> str:
    if ref.refused:
        return _("refused: {reason}").format(reason=ref.refused)
    if not ref.active:
        return _("inactive")
    return _("declared") if ref.origin == "declared" else ""


def _table(refs: list[ModelRef]) -> FoldingTable:
    states = [_state(ref) for ref in refs]
    table = FoldingTable(box=None, pad_edge=False)
    for name in (_("node"), _("type"), _("input"), _("folder")):
        table.add_column(name)
    # The file's name is what a user looks for: the other columns fold before it does (on 80
    # columns it was cut into 18-character pieces), and a state column only when one is said.
    longest = max((len(ref.value) for ref in refs), default=0)
    table.add_column(_("name"), min_width=min(longest, 40))
    if any(states):
        table.add_column(_("state"))
    for ref, state in zip(refs, states, strict=True):
        cells = [ref.node_id or "-", ref.node_type or "-", ref.input or "-", ref.folder or "?"]
        table.add_row(*cells, ref.value, *([state] if any(states) else []))
    return table


# --- missing / fetch -------------------------------------------------------------------------

MISSING_HELP = _(
    """Which models of a workflow a ComfyUI install lacks, and where to get each.

Every active reference is looked for as ComfyUI would: in each folder registered for its
folder key (models/<key>, the legacy unet/clip folders, extra_model_paths.yaml). A file the
library index knows elsewhere on disk (by name, or by the hash the workflow declares) is
reported as elsewhere. Missing ones are resolved, best first: the URL the workflow declares,
the known-models index, the download history, the library, a Hub search by file name
(docs/comfyui.md).

Examples:

  hfsuite comfyui missing workflow.json

  hfsuite comfyui missing ComfyUI_00001_.png --comfyui comfyui --json
"""
)

FETCH_HELP = _(
    """Download every missing model of a workflow into the right ComfyUI folder.

What `hfsuite comfyui missing` resolves is downloaded to the folder key's download folder
(ComfyUI's models/<key>, or extra_model_paths.yaml's is_default folder), with the
reference's subfolder (Wan/lora.safetensors -> models/loras/Wan/lora.safetensors). Each
download is a queue task run now, recorded in history; Ctrl-C keeps partial files (run the
same command again). A SHA-256 the workflow declares is checked. Without --yes the plan is
shown and confirmed on the terminal.

Examples:

  hfsuite comfyui fetch workflow.json --dry-run

  hfsuite comfyui fetch workflow.json --yes

  hfsuite comfyui fetch workflow.json --comfyui comfyui --yes --json
"""
)

_COMFYUI_HELP = _("The ComfyUI install: its folder, or its name in `hfsuite tools ls`.")


def candidate_view(candidate: Candidate | None) -> dict[str, Any] | None:
    """One candidate (docs/json.md, ``comfyui-missing``)."""
    if candidate is None:
        return None
    return {
        "source": candidate.source,
        "confidence": candidate.confidence,
        "kind": candidate.kind,
        "repo_id": candidate.repo_id,
        "revision": candidate.revision,
        "file": candidate.file,
        "url": candidate.url,
        "size": candidate.size,
        "sha256": candidate.sha256,
        "downloads": candidate.downloads,
    }


def item_view(item: MissingItem) -> dict[str, Any]:
    ref = item.ref
    return {
        "value": ref.value,
        "folder": ref.folder,
        "node_id": ref.node_id,
        "node_type": ref.node_type,
        "input": ref.input,
        "status": item.status,
        "found_at": str(item.found_at) if item.found_at else None,
        "destination": str(item.destination) if item.destination else None,
        "resolution": candidate_view(item.resolution),
        "candidates": [candidate_view(c) for c in item.candidates],
        "reason": item.reason,
    }


def _report_body(report: MissingReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "comfyui": {"name": report.tool.name, "root": str(report.tool.root)},
        "items": [item_view(i) for i in report.items],
        "counts": report.counts(),
        "warnings": list(report.warnings),
    }


def missing_view(report: MissingReport) -> dict[str, Any]:
    """The ``comfyui-missing`` document."""
    return document("comfyui-missing", _report_body(report))


def fetch_view(report: MissingReport, steps: list[FetchStep], dry_run: bool) -> dict[str, Any]:
    """The ``comfyui-fetch`` document: the report, and per item what the fetch did."""
    by_item = {id(item): step for step in steps for item in step.items}
    body = _report_body(report)
    for view, item in zip(body["items"], report.items, strict=True):
        step = by_item.get(id(item))
        view["result"] = step.result if step else "skipped"
        view["error"] = error_view(step.error)["error"] if step and step.error else None
    downloaded = sum(s.result == "downloaded" for s in steps)
    failed = sum(s.result == "failed" for s in steps)
    body |= {"dry_run": dry_run, "downloaded": downloaded, "failed": failed, "ok": failed == 0}
    return document("comfyui-fetch", body)


def _where(candidate: Candidate) -> str:
    if candidate.kind == "hub":
        at = f"@{candidate.revision}" if candidate.revision and candidate.revision != "main" else ""
        return f"{candidate.repo_id}{at}/{candidate.file}"
    return candidate.url or "?"


def _print_report(report: MissingReport, show_all: bool = True) -> None:
    for warning in report.warnings:
        print_warning(warning)
    root = report.tool.root
    table = FoldingTable(box=None, pad_edge=False)
    for name in (_("folder"), _("name"), _("status"), _("from / where")):
        table.add_column(name)
    for item in report.items:
        if item.status == "present" and not show_all:
            continue
        if item.status == "missing" and item.resolution is not None:
            c = item.resolution
            detail = f"{c.source} ({c.confidence}): {_where(c)}"
            if item.candidates:
                detail += " " + _("(+{n} other candidates, see --json)").format(
                    n=len(item.candidates)
                )
        elif item.status == "missing":
            detail = _("not found: ") + (item.reason or "")
        elif item.status in ("present", "elsewhere"):
            detail = _shown_path(item.found_at, root)
        else:
            detail = item.reason or ""
        status = _(item.status)
        table.add_row(item.ref.folder or "?", item.ref.value, status, detail)
    if report.items:
        out.print(table)
    counts = report.counts()
    parts = [
        f"{counts[k]} {_(k)}"
        for k in ("present", "elsewhere", "resolved", "unresolved", "refused", "inactive")
        if counts[k]
    ]
    missing = counts["missing"]
    out.print(
        _("{models} for {tool} ({root})").format(
            models=ngettext("{n} missing model", "{n} missing models", missing).format(n=missing),
            tool=escape(report.tool.name),
            root=escape(str(root)),
        )
        + (_(": {parts}.").format(parts=_(", ").join(parts)) if parts else _(".")),
        markup=True,
    )


def _shown_path(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


@app.command("missing", help=MISSING_HELP)
def missing_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=_("Workflow JSON, or an image/video made with ComfyUI.")),
    comfyui: str = typer.Option(None, "--comfyui", help=_COMFYUI_HELP),
    no_search: bool = typer.Option(False, "--no-search", help=_("Do not search the Hub.")),
    as_json: bool = json_option(_("JSON instead of a table (docs/json.md).")),
) -> None:
    from hfsuite.app.comfyui_missing import check_missing

    suite = ctx.find_root().obj.suite()
    report = check_missing(suite, file, comfyui, use_search=not no_search)
    if as_json:
        print_json(missing_view(report))
        return
    _print_report(report)


@app.command("fetch", help=FETCH_HELP)
def fetch_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=_("Workflow JSON, or an image/video made with ComfyUI.")),
    comfyui: str = typer.Option(None, "--comfyui", help=_COMFYUI_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help=_("Show the plan; change nothing.")),
    yes: bool = typer.Option(False, "--yes", "-y", help=_("Do not ask before downloading.")),
    no_search: bool = typer.Option(False, "--no-search", help=_("Do not search the Hub.")),
    as_json: bool = json_option(_("One JSON document at the end (docs/json.md).")),
) -> None:
    from hfsuite.app.comfyui_fetch import plan_fetch, run_fetch
    from hfsuite.app.comfyui_missing import check_missing
    from hfsuite.app.comfyui_refs import workflow_refs

    state = ctx.find_root().obj
    suite = state.suite()
    if not (yes or dry_run) and not sys.stdin.isatty():
        workflow_refs(file)  # a file that is not there or no workflow says so first
        raise UsageError(
            tr("fetch asks before downloading, and there is no terminal to ask on."),
            hint=tr("Add --yes to download without asking, or --dry-run to see the plan."),
        )
    report = check_missing(suite, file, comfyui, use_search=not no_search)
    steps = plan_fetch(report)
    if not as_json:
        _print_report(report, show_all=False)
        _print_plan(steps)
    if dry_run or not steps:
        if as_json:
            print_json(fetch_view(report, steps, dry_run))
        return
    files = ngettext("{n} file", "{n} files", len(steps)).format(n=len(steps))
    if not yes and not typer.confirm(_("Download {files}?").format(files=files), err=True):
        raise typer.Exit(1)
    display = _display(as_json, state.quiet)
    with display:
        run_fetch(suite, report.tool, steps, on_event=None if as_json else display,
                  on_step=None if as_json else _print_step)  # fmt: skip
    failed = [s for s in steps if s.error is not None]
    if as_json:
        print_json(fetch_view(report, steps, dry_run=False))
    else:
        done = sum(s.result == "downloaded" for s in steps)
        unresolved = report.counts()["unresolved"]
        tail = _("; {n} not resolved (see above)").format(n=unresolved) if unresolved else ""
        err.print(
            _("Downloaded {done} of {files}{tail}.").format(done=done, files=files, tail=tail),
            highlight=False,
        )
    if failed:
        first = failed[0].error
        assert first is not None
        for step in failed:
            assert step.error is not None
            print_error(step.error)
        raise typer.Exit(first.exit_code)


def _display(as_json: bool, quiet: bool) -> Any:
    from hfsuite.cli.progress import QuietDisplay, RichProgressDisplay

    if not as_json and sys.stderr.isatty() and not quiet:
        return RichProgressDisplay(err)
    return QuietDisplay()


def _print_plan(steps: list[FetchStep]) -> None:
    if not steps:
        out.print(_("Nothing to download."))
        return
    table = FoldingTable(box=None, pad_edge=False)
    for name in (_("to"), pgettext("fetch", "from"), pgettext("fetch", "source")):
        table.add_column(name)
    for step in steps:
        c = step.candidate
        table.add_row(str(step.destination), _where(c), f"{c.source} ({c.confidence})")
    out.print(table)


def _print_step(step: FetchStep) -> None:
    if step.error is not None:
        err.print(
            _("Failed: {name}: {message}").format(
                name=step.destination.name, message=step.error.message
            ),
            highlight=False,
        )
    else:
        err.print(
            _("Downloaded {path}").format(path=step.destination), highlight=False, soft_wrap=True
        )
