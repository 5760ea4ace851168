"""``hfsuite share``: let one tool use another tool's models without a second copy
(ComfyUI's ``extra_model_paths.yaml``, or hard / symbolic links)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from hfsuite.cli.output import out, print_warning
from hfsuite.core.errors import HfSuiteError, OperationCancelled, UsageError
from hfsuite.core.i18n import _, ngettext, tr
from hfsuite.core.units import format_bytes

if TYPE_CHECKING:
    from hfsuite.app.share import LinkPlan, YamlPlan

HELP = _(
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
            tr("Not sharing without confirmation: stdin is not a terminal."),
            hint=tr(
                "Check the plan, then run the same command with --yes "
                "(or with --dry-run to only show it)."
            ),
        )
    if not typer.confirm(question, default=False, err=True):
        raise OperationCancelled(tr("Share cancelled: nothing was changed."))


def share_command(
    ctx: typer.Context,
    source: str = typer.Option(
        ...,
        "--from",
        metavar="TOOL",
        help=_("The tool whose models are shared (hfsuite tools ls)."),
    ),
    target: str = typer.Option(
        ..., "--to", metavar="TOOL", help=_("The tool that gets to use them.")
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        "-n",
        help=_("Show the change (the YAML diff, or the links); change nothing."),
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help=_("Do not ask before changing anything.")),
    link: str | None = typer.Option(
        None,
        "--link",
        metavar="hardlink|symlink",
        help=_("Link the files instead of a ComfyUI config."),
    ),
    kinds: str | None = typer.Option(
        None,
        "--kinds",
        metavar="K,...",
        help=_("Only these kinds (loras,checkpoints…); default all."),
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
        out.print(_("[dim]left out: {note}[/]").format(note=escape(note)), markup=True)
    if not plan.changed:
        out.print(
            _("{path} already has section {section} as it should be; nothing to change.").format(
                path=escape(str(plan.path)), section=escape(plan.section)
            ),
            markup=True,
        )
        return
    sys.stdout.write(plan.diff())
    sys.stdout.flush()
    if dry_run:
        out.print(_("Dry run: nothing was changed."))
        return
    question = _("Change {path}?") if plan.exists else _("Create {path}?")
    _confirm(question.format(path=plan.path), yes)
    backup = apply_yaml(plan, now=now)
    kept = _(" (the old file kept as {path})").format(path=escape(str(backup))) if backup else ""
    out.print(
        _("Wrote section {section} to {path}{kept}. Restart ComfyUI to see the models.").format(
            section=escape(plan.section), path=escape(str(plan.path)), kept=kept
        ),
        markup=True,
    )


def _share_links(plan: LinkPlan, *, dry_run: bool, yes: bool) -> None:
    from hfsuite.app.share import LinkOutcome, apply_links

    verb = "hard-link" if plan.mode.value == "hardlink" else "symlink"
    for note in plan.skipped_kinds:
        out.print(_("[dim]left out: {note}[/]").format(note=escape(note)), markup=True)
    to_link = plan.of(LinkOutcome.LINK)
    present = plan.of(LinkOutcome.PRESENT)
    conflicts = plan.of(LinkOutcome.CONFLICT)
    for action in to_link:
        out.print(
            f"{verb} {escape(str(action.target))} -> {escape(str(action.source))}", markup=True
        )
    for action in conflicts:
        print_warning(
            _("conflict: {path}: {reason}; left alone.").format(
                path=action.target, reason=action.reason
            )
        )
    to_do = (
        _("{files} to hard-link ({size} not copied)")
        if verb == "hard-link"
        else _("{files} to symlink ({size} not copied)")
    )
    summary = (
        to_do.format(files=_files(len(to_link)), size=format_bytes(plan.bytes_to_share))
        + ", "
        + _("{files} already there").format(files=_files(len(present)))
        + ", "
        + ngettext("{n} conflict", "{n} conflicts", len(conflicts)).format(n=len(conflicts))
        + "."
    )
    out.print(summary)
    if dry_run:
        out.print(_("Dry run: nothing was changed."))
        return
    if not to_link:
        return
    _confirm(
        _("Link {files} into {tool}?").format(files=_files(len(to_link)), tool=plan.target.name),
        yes,
    )
    report = apply_links(plan)
    for path, why in report.failed:
        print_warning(_("not linked: {path}: {reason}").format(path=path, reason=why))
    out.print(
        _("Linked {files} into {tool} ({size} not copied).").format(
            files=_files(report.linked),
            tool=escape(plan.target.name),
            size=format_bytes(report.shared_bytes),
        ),
        markup=True,
    )
    if report.failed:
        raise HfSuiteError(
            tr("{files} could not be linked (listed above).", files=_files(len(report.failed))),
            hint=tr("A file may have appeared meanwhile; run the command again."),
        )


def _files(count: int) -> str:
    return ngettext("{n} file", "{n} files", count).format(n=count)
