"""``hfsuite share``: let one tool use another tool's models without a second copy
(ComfyUI's ``extra_model_paths.yaml``, or hard / symbolic links)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from hfsuite.cli.output import out, print_warning
from hfsuite.cli.wording import counted
from hfsuite.core.errors import HfSuiteError, OperationCancelled, UsageError
from hfsuite.core.units import format_bytes

if TYPE_CHECKING:
    from hfsuite.app.share import LinkPlan, YamlPlan

HELP = (
    "Let one tool use another tool's models, without copying them (docs/tools.md, "
    '"Sharing folders").\n\n'
    "With ComfyUI as --to, ComfyUI is pointed at the other tool's model folders: a section "
    "hfsuite_<tool> in its extra_model_paths.yaml (comments and other sections kept, a backup "
    "written first). With --link, each file of the kinds both tools have is hard- or "
    "symbolic-linked into the target's folders (any target; files already there are skipped, "
    "a different file of the same name is reported and left alone).\n\n"
    "Examples:\n\n"
    "  hfsuite share --from a1111 --to comfyui --dry-run\n\n"
    "  hfsuite share --from a1111 --to comfyui --yes\n\n"
    "  hfsuite share --from a1111 --to comfyui --link symlink --kinds loras --yes"
)


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("share", help=HELP)(share_command)


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            "Not sharing without confirmation: stdin is not a terminal.",
            hint="Check the plan, then run the same command with --yes "
            "(or with --dry-run to only show it).",
        )
    if not typer.confirm(question, default=False, err=True):
        raise OperationCancelled("Share cancelled: nothing was changed.")


def share_command(
    ctx: typer.Context,
    source: str = typer.Option(
        ..., "--from", metavar="TOOL", help="The tool whose models are shared (hfsuite tools ls)."
    ),
    target: str = typer.Option(..., "--to", metavar="TOOL", help="The tool that gets to use them."),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        "-n",
        help="Show the change (the YAML diff, or the links); change nothing.",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before changing anything."),
    link: str | None = typer.Option(
        None,
        "--link",
        metavar="hardlink|symlink",
        help="Link the files instead of a ComfyUI config.",
    ),
    kinds: str | None = typer.Option(
        None, "--kinds", metavar="K,...", help="Only these kinds (loras,checkpoints…); default all."
    ),
) -> None:
    from hfsuite.app.share import parse_kinds, plan_links, plan_yaml, resolve_pair
    from hfsuite.app.tools import ToolRegistry

    suite = ctx.find_root().obj.suite()
    registry = ToolRegistry(suite.store.path.parent)
    detection = registry.detect()
    for warning in registry.warnings:
        print_warning(warning)
    src, dst = resolve_pair(detection, source, target)
    selected = parse_kinds(kinds, src)
    if link is None:
        _share_yaml(plan_yaml(src, dst, selected), dry_run=dry_run, yes=yes, now=suite.clock.now())
    else:
        _share_links(plan_links(src, dst, selected, link.strip().lower()), dry_run=dry_run, yes=yes)


def _share_yaml(plan: YamlPlan, *, dry_run: bool, yes: bool, now: float) -> None:
    from hfsuite.app.share import apply_yaml

    for note in plan.skipped:
        out.print(f"[dim]left out: {escape(note)}[/]")
    if not plan.changed:
        out.print(
            f"{escape(str(plan.path))} already has section {escape(plan.section)} as it "
            "should be; nothing to change."
        )
        return
    sys.stdout.write(plan.diff())
    sys.stdout.flush()
    if dry_run:
        out.print("Dry run: nothing was changed.")
        return
    verb = "Change" if plan.exists else "Create"
    _confirm(f"{verb} {plan.path}?", yes)
    backup = apply_yaml(plan, now=now)
    kept = f" (the old file kept as {escape(str(backup))})" if backup else ""
    out.print(
        f"Wrote section {escape(plan.section)} to {escape(str(plan.path))}{kept}. "
        "Restart ComfyUI to see the models."
    )


def _share_links(plan: LinkPlan, *, dry_run: bool, yes: bool) -> None:
    from hfsuite.app.share import LinkOutcome, apply_links

    verb = "hard-link" if plan.mode.value == "hardlink" else "symlink"
    for note in plan.skipped_kinds:
        out.print(f"[dim]left out: {escape(note)}[/]")
    to_link = plan.of(LinkOutcome.LINK)
    present = plan.of(LinkOutcome.PRESENT)
    conflicts = plan.of(LinkOutcome.CONFLICT)
    for action in to_link:
        out.print(f"{verb} {escape(str(action.target))} -> {escape(str(action.source))}")
    for action in conflicts:
        print_warning(f"conflict: {action.target}: {action.reason}; left alone.")
    summary = (
        f"{counted(len(to_link), 'file')} to {verb} ({format_bytes(plan.bytes_to_share)} not "
        f"copied), {counted(len(present), 'file')} already there, "
        f"{counted(len(conflicts), 'conflict')}."
    )
    out.print(summary)
    if dry_run:
        out.print("Dry run: nothing was changed.")
        return
    if not to_link:
        return
    _confirm(f"Link {counted(len(to_link), 'file')} into {plan.target.name}?", yes)
    report = apply_links(plan)
    for path, why in report.failed:
        print_warning(f"not linked: {path}: {why}")
    out.print(
        f"Linked {counted(report.linked, 'file')} into {escape(plan.target.name)} "
        f"({format_bytes(report.shared_bytes)} not copied)."
    )
    if report.failed:
        raise HfSuiteError(
            f"{counted(len(report.failed), 'file')} could not be linked (listed above).",
            hint="A file may have appeared meanwhile; run the command again.",
        )
