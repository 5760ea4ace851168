"""``hfsuite compare``: two repositories, two revisions of one, or two local files side by side."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from hfsuite.app.compare import Change, ComparisonResult, Side, SideKind, compare
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.i18n import N_, _, english, ngettext
from hfsuite.core.units import format_bytes

HELP = _(
    """Compare two models: files (added, removed, changed), config, license, tags, size.

A and B are each org/name, org/name@revision, a Hub URL, or a local file or folder. B may be
@revision alone: A's repository at that revision. Two model files are compared by their headers
(format, dtypes, tensor count, metadata and GGUF keys).

Examples:

  hfsuite compare openai-community/gpt2 openai-community/gpt2-medium

  hfsuite compare openai-community/gpt2@v1.0 @main

  hfsuite compare openai-community/gpt2 qwen/Qwen2-0.5B --json
"""
)

MARK = {"added": "+", "removed": "-", "changed": "~", "same": " "}
STYLE = {"added": "green", "removed": "red", "changed": "yellow", "same": "dim"}


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("compare", help=HELP)(compare_command)


def compare_command(
    ctx: typer.Context,
    a: str = typer.Argument(..., metavar="A", help=_("org/name[@rev], a Hub URL or a local path.")),
    b: str = typer.Argument(
        ..., metavar="B", help=_("The same forms, or @rev (A at another rev).")
    ),
    all_files: bool = typer.Option(False, "--all", help=_("List unchanged files too.")),
    refresh: bool = typer.Option(False, "--refresh", help=_("Ignore cached Hub information.")),
    as_json: bool = json_option(),
    token: str = typer.Option(None, "--token", help=_("Hub token (default: the one in effect).")),
) -> None:
    suite = ctx.find_root().obj.suite()
    result = compare(suite, a, b, token=token, refresh=refresh)
    if as_json:
        print_json(comparison_view(result))
        return
    _print(result, all_files)


def _side_view(side: Side) -> dict[str, Any]:
    repo = side.kind is SideKind.REPO
    return {
        "kind": side.kind.value,
        "spec": side.spec,
        "source": "huggingface" if repo else None,
        "repo_type": side.repo_type,
        "repo_id": side.name if repo else None,
        "revision": side.revision,
        "commit": side.commit,
        "path": None if repo else side.name,
        "license": side.license,
        "tags": list(side.tags),
        "format": side.format,
        "config": side.config_name,
        "total_files": len(side.files),
        "total_bytes": side.total_size,
    }


def comparison_view(result: ComparisonResult) -> dict[str, Any]:
    """The ``comparison`` JSON document (docs/json.md)."""
    return {
        "schema": "hfsuite/comparison/v1",
        "a": _side_view(result.a),
        "b": _side_view(result.b),
        "summary": {
            "added": result.count(Change.ADDED),
            "removed": result.count(Change.REMOVED),
            "changed": result.count(Change.CHANGED),
            "same": result.count(Change.SAME),
            "config_changes": len(result.config),
            "delta_bytes": result.size_delta,
            "identical": result.identical,
        },
        "file_count": len(result.files),
        "files": [
            {"path": f.path, "change": f.change.value, "a_bytes": f.size_a, "b_bytes": f.size_b}
            for f in result.files
        ],
        "config": [
            {"key": c.key, "change": c.change.value, "a": c.a, "b": c.b} for c in result.config
        ],
        "tags_added": list(result.tags_added),
        "tags_removed": list(result.tags_removed),
        "notes": [english(note) for note in result.notes],
    }


def _size(value: int | None) -> str:
    return "-" if value is None else format_bytes(value)


def _delta(value: int) -> str:
    if value == 0:
        return _("same size")
    return ("+" if value > 0 else "-") + format_bytes(abs(value))


def _print(result: ComparisonResult, all_files: bool) -> None:
    a, b = result.a, result.b
    for note in result.notes:
        err.print(
            _("[yellow]Note:[/] {note}").format(note=escape(note)), markup=True, highlight=False
        )
    head = FoldingTable(box=None, pad_edge=False, show_header=True)
    head.add_column("")
    head.add_column("A", overflow="fold")
    head.add_column("B", overflow="fold")
    rows = [
        (N_("name"), a.title, b.title),
        (N_("commit"), (a.commit or "-")[:12], (b.commit or "-")[:12]),
        (N_("license"), a.license or "-", b.license or "-"),
        (N_("files"), str(len(a.files)), str(len(b.files))),
        (N_("total size"), format_bytes(a.total_size), format_bytes(b.total_size)),
    ]
    if a.kind is not SideKind.REPO and b.kind is not SideKind.REPO:
        rows = [r for r in rows if r[0] not in ("commit", "license")]
    if a.format or b.format:
        rows.insert(1, (N_("format"), a.format or "-", b.format or "-"))
    for label, *values in rows:
        head.add_row(_(label), *values)
    out.print(head)
    if result.tags_added or result.tags_removed:
        tags = [f"[green]+{escape(t)}[/]" for t in result.tags_added]
        tags += [f"[red]-{escape(t)}[/]" for t in result.tags_removed]
        out.print(_("tags: {tags}").format(tags=" ".join(tags)), markup=True)
    shown = result.files if all_files else result.differences
    summary = _(
        "{added} added, {removed} removed, {changed} changed, {same} same ({delta})"
    ).format(
        added=result.count(Change.ADDED),
        removed=result.count(Change.REMOVED),
        changed=result.count(Change.CHANGED),
        same=result.count(Change.SAME),
        delta=_delta(result.size_delta),
    )
    out.print()
    if shown:
        files = FoldingTable(
            title=_("Files: {summary}").format(summary=summary), title_justify="left", box=None
        )
        files.add_column("", width=1)
        files.add_column(_("file"), overflow="fold")
        files.add_column("A", justify="right")
        files.add_column("B", justify="right")
        for f in shown:
            style = STYLE[f.change.value]
            files.add_row(
                MARK[f.change.value], f.path, _size(f.size_a), _size(f.size_b), style=style
            )
        out.print(files)
    else:
        out.print(_("Files: {summary}").format(summary=summary))
    out.print()
    what = a.config_name if a.config_name == b.config_name else "config"
    shown_what = _("Header") if what == "header" else _("config") if what == "config" else what
    if result.config:
        count = len(result.config)
        table = FoldingTable(
            title=_("{what}: {differences}").format(
                what=shown_what,
                differences=ngettext("{n} difference", "{n} differences", count).format(n=count),
            ),
            title_justify="left",
            box=None,
        )
        table.add_column("", width=1)
        table.add_column(_("key"), overflow="fold")
        table.add_column("A", overflow="fold")
        table.add_column("B", overflow="fold")
        for c in result.config:
            table.add_row(
                MARK[c.change.value], c.key, c.a or "-", c.b or "-", style=STYLE[c.change.value]
            )
        out.print(table)
    elif a.config_name or b.config_name:
        out.print(_("{what}: no differences").format(what=shown_what))
    if result.identical:
        out.print(_("[green]A and B are the same.[/]"), markup=True)
