"""``hfsuite library``: the local model library's index and its scan roots.

Extension point: another module may add sub-commands to this group. ``library verify`` lives
in ``cli/library_verify.py``, which defines ``register(app: typer.Typer) -> None`` adding its
command to the group; it is registered at the end of this module (:func:`_register_extensions`)
when present. Add further sub-commands the same way rather than editing this module.
"""

from __future__ import annotations

import difflib
import importlib
import os
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from hfsuite.cli.groups import SubcommandGroup
from hfsuite.cli.library_views import (
    FAST_ROWS,
    aligned_lines,
    file_detail_view,
    file_list_view,
    json_safe,
    params_text,
    root_change_view,
    roots_view,
    shown_name,
)
from hfsuite.cli.output import json_option, out, print_json
from hfsuite.cli.tables import FoldingTable, shorten
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import N_, _, joined, ngettext, tr
from hfsuite.core.units import format_bytes

if TYPE_CHECKING:
    from hfsuite.app.library import LibraryService

EXTENSIONS = ("library_verify",)
"""Modules of :mod:`hfsuite.cli` that add sub-commands to this group, when installed."""
META_SHOWN = 200
"""Characters of one metadata value ``library show`` prints (``--json`` has the stored text)."""
EMPTY = N_("Nothing scanned yet — run `hfsuite scan`.")
"""Shown translated, ``_(EMPTY)``."""

app = typer.Typer(
    help=_(
        "The local model library: what is on disk, what it is, and the folders scanned.\n\n"
        "Examples:\n\n"
        "  hfsuite library ls --kind loras --sort size\n\n"
        "  hfsuite library roots add ~/apps/ComfyUI\n\n"
        "  hfsuite library ls --all --json"
    ),
    no_args_is_help=True,
)
roots_app = typer.Typer(
    help=_(
        "The folders the library scans (the HF cache is one by default).\n\n"
        "Examples:\n\n"
        "  hfsuite library roots ls\n\n"
        "  hfsuite library roots add ~/apps/ComfyUI\n\n"
        "  hfsuite library roots rm ~/.cache/huggingface/hub"
    ),
    no_args_is_help=True,
)
app.add_typer(roots_app, name="roots", cls=SubcommandGroup)


class Sort(StrEnum):
    """Orders of ``library ls``."""

    NAME = "name"
    SIZE = "size"
    DATE = "date"


def _library(ctx: typer.Context) -> LibraryService:
    service: LibraryService = ctx.find_root().obj.suite().library
    return service


def _check(values: list[str] | None, allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = [v.strip().lower() for v in values or []]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        close = difflib.get_close_matches(unknown[0], allowed, n=2, cutoff=0.6)
        message = tr(
            "{option} {value} is not a known value.", option=option, value=repr(unknown[0])
        )
        if close:
            # " or " is in the user's language in both forms (no English to keep for it)
            choices = _(" or ").join(repr(c) for c in close)
            message = joined(message, tr(" Did you mean {choices}?", choices=choices), sep="")
        raise UsageError(
            message,
            hint=tr("Use one of: {choices}.", choices=", ".join(allowed)),
        )
    return chosen


@app.command(
    "ls",
    help=_(
        "List indexed files with what they are (models only, unless --all).\n\n"
        "Examples:\n\n"
        "  hfsuite library ls\n\n"
        "  hfsuite library ls --kind checkpoints --kind loras --sort size\n\n"
        "  hfsuite library ls --format gguf --json"
    ),
)
def list_command(
    ctx: typer.Context,
    kind: list[str] = typer.Option(
        None, "--kind", "-k", help=_("Only this kind (loras, vae, llm…).")
    ),
    fmt: list[str] = typer.Option(None, "--format", "-f", help=_("Only this format (gguf…).")),
    sort: Sort = typer.Option(Sort.NAME, "--sort", "-s", help=_("Order: name, size or date.")),
    under: str = typer.Option(None, "--under", help=_("Only files in this folder.")),
    show_all: bool = typer.Option(
        False, "--all", "-a", help=_("Also files that are not models (READMEs, configs…).")
    ),
    limit: int = typer.Option(None, "--limit", "-n", min=1, help=_("At most this many rows.")),
    as_json: bool = json_option(_("JSON instead of a table (docs/json.md).")),
) -> None:
    from hfsuite.app.library import FORMATS, KINDS, LibraryQuery, LibrarySort

    kinds = _check(kind, KINDS, "--kind")
    formats = _check(fmt, FORMATS, "--format")
    library = _library(ctx)
    query = LibraryQuery(
        kinds=kinds,
        formats=formats,
        under=os.path.abspath(os.path.expanduser(under)) if under else None,
        models_only=not show_all and not formats,
        sort=LibrarySort(sort.value),
        limit=limit,
    )
    rows = library.files(query)
    totals = library.totals(query)
    everything = library.totals()
    hidden = 0
    if query.models_only:
        hidden = library.totals(LibraryQuery(kinds=kinds, under=query.under)).files - totals.files
    if as_json:
        print_json(file_list_view(rows, totals.bytes, hidden, everything.files))
        return
    if everything.files == 0:
        out.print(_(EMPTY))
        return
    headers = (
        _("file"),
        _("kind"),
        _("format"),
        _("arch"),
        _("dtype"),
        _("params"),
        _("size"),
        "autov2",
    )
    right = {5, 6}
    cells = [
        (
            shown_name(f),
            f.kind,
            f.format,
            f.architecture or "",
            f.dtype or "",
            params_text(f.parameter_count),
            format_bytes(f.size_bytes),
            f.autov2 or "",
        )
        for f in rows
    ]
    lines = aligned_lines(headers, cells, right, out.width) if len(rows) > FAST_ROWS else None
    if lines is not None:
        out.print(lines[0], style="bold", markup=False, highlight=False)
        out.file.write("".join(line + "\n" for line in lines[1:]))
    else:
        table = FoldingTable(box=None, pad_edge=False)
        for i, name in enumerate(headers):
            table.add_column(name, justify="right" if i in right else "left")
        for f, row in zip(rows, cells, strict=True):
            table.add_row(*row, style="red" if f.problem else None)
        out.print(table)
    shown = ngettext("{n} file", "{n} files", totals.files).format(n=totals.files)
    if limit and len(rows) < totals.files:
        shown = _("{shown} of {total}").format(shown=len(rows), total=shown)
    line = f"{shown}, {format_bytes(totals.bytes)}"
    if hidden:
        line += ngettext(
            " ({n} other file not shown: --all)", " ({n} other files not shown: --all)", hidden
        ).format(n=hidden)
    out.print(line)


@app.command(
    "show",
    help=_(
        "Everything the index knows of one file.\n\n"
        "What it is, its hashes, where it came from (and whether it changed "
        "upstream), its metadata.\n\n"
        "Examples:\n\n"
        "  hfsuite scan && hfsuite library show "
        "~/.cache/huggingface/hub/*gpt2/snapshots/*/config.json\n\n"
        "  hfsuite scan ~/apps/ComfyUI && hfsuite library show "
        "~/apps/ComfyUI/main.py --json"
    ),
)
def show_command(
    ctx: typer.Context,
    path: str = typer.Argument(..., help=_("A scanned file (an HF-cache snapshot entry works).")),
    check: bool = typer.Option(
        True,
        "--check/--no-check",
        help=_("Ask the hub whether the file changed upstream since (one request)."),
    ),
    as_json: bool = json_option(_("JSON instead of text (docs/json.md).")),
) -> None:
    from hfsuite.app.library.provenance import provenance_of

    suite = ctx.find_root().obj.suite()
    f = suite.library.file(path)
    origin = provenance_of(suite, f, check=check)
    if as_json:
        print_json(file_detail_view(f, origin.to_dict() if origin else None))
        return
    table = FoldingTable(box=None, pad_edge=False, show_header=False)
    table.add_column(_("field"), style="bold")
    table.add_column(_("value"))
    rows: list[tuple[str, str]] = [
        (_("path"), f.path),
        (_("root"), f.root),
        (_("format"), f.format),
        (_("kind"), f.kind),
        (_("architecture"), f.architecture or "-"),
        (_("dtype"), f.dtype or "-"),
        (
            _("parameters"),
            f"{params_text(f.parameter_count)} ({f.parameter_count:,})"
            if f.parameter_count
            else "-",
        ),
        (_("context length"), f"{f.context_length:,}" if f.context_length else "-"),
        (_("tensors"), f"{f.tensor_count:,}" if f.tensor_count else "-"),
        (
            _("size"),
            _("{size} ({bytes} bytes)").format(
                size=format_bytes(f.size_bytes), bytes=f"{f.size_bytes:,}"
            ),
        ),
        (
            _("modified"),
            datetime.fromtimestamp(f.mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S"),
        ),
        ("sha256", f.sha256 or _("not hashed yet (hfsuite scan --hash)")),
    ]
    if f.sha256:
        rows.append(("autov2", f.autov2 or ""))
        origin_text = _("download (verified)") if f.hash_origin == "download" else _("read")
        rows.append((_("hash from"), origin_text))
    if f.autov1:
        rows.append(("autov1", f.autov1))
    if f.nlink > 1:
        rows.append((_("hard links"), str(f.nlink)))
    for ref in f.hf_refs:
        rows.append(
            (_("hf cache"), f"{ref.repo_type} {ref.repo_id} @ {ref.revision[:12]}: {ref.path}")
        )
    for line in origin.lines() if origin else []:
        rows.append((_("provenance"), line))
    if f.problem:
        rows.append((_("problem"), f"{f.problem_kind}: {f.problem}"))
    for warning in f.warnings:
        rows.append((_("warning"), warning))
    whole = _(" (whole: --json)")
    for key, value in (f.metadata or {}).items():
        text, cut = shorten(json_safe(value), META_SHOWN)
        rows.append((_("meta {key}").format(key=key), text + (whole if cut else "")))
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)


def _params_detail(count: int | None) -> str:
    return f"{params_text(count)} ({count:,})" if count else "-"


@roots_app.command(
    "ls",
    help=_(
        "List the scan roots with how many files of each are indexed.\n\n"
        "Examples:\n\n"
        "  hfsuite library roots ls\n\n"
        "  hfsuite library roots ls --json"
    ),
)
def roots_list_command(
    ctx: typer.Context, as_json: bool = json_option(_("JSON instead of a table (docs/json.md)."))
) -> None:
    from hfsuite.app.library import LibraryQuery

    library = _library(ctx)
    roots = library.root_records()
    counts = {}
    for r in roots:
        t = library.totals(LibraryQuery(root=r.path))
        counts[r.path] = (t.files, t.bytes)
    if as_json:
        print_json(roots_view(roots, counts))
        return
    if not roots:
        out.print(_("No scan roots. Add one: hfsuite library roots add FOLDER"))
        return
    table = FoldingTable(box=None, pad_edge=False)
    for i, name in enumerate((_("root"), _("kind"), _("files"), _("size"))):
        table.add_column(name, justify="right" if i >= 2 else "left")
    not_there = _(" (not there)")
    for r in roots:
        files, size = counts[r.path]
        exists = "" if os.path.isdir(r.path) else not_there
        table.add_row(r.path + exists, r.kind, str(files), format_bytes(size))
    out.print(table)


@roots_app.command(
    "add",
    help=_(
        "Add a folder to scan (then run hfsuite scan).\n\n"
        "Examples:\n\n"
        "  hfsuite library roots add ~/apps/ComfyUI\n\n"
        "  hfsuite library roots add ~/apps/ComfyUI --json"
    ),
)
def roots_add_command(
    ctx: typer.Context,
    path: str = typer.Argument(..., help=_("A folder to scan.")),
    as_json: bool = json_option(_("JSON instead of text (docs/json.md).")),
) -> None:
    root = _library(ctx).add_root(path)
    if as_json:
        print_json(root_change_view("add", root.path, root.kind, 0))
        return
    out.print(
        _("Scan root {path} ({kind}). Index it: hfsuite scan {path}").format(
            path=root.path, kind=root.kind
        )
    )


@roots_app.command(
    "rm",
    help=_(
        "Stop scanning a folder; its files leave the index (nothing is deleted "
        "on disk).\n\n"
        "Examples:\n\n"
        "  hfsuite library roots rm ~/.cache/huggingface/hub\n\n"
        "  hfsuite library roots add ~/apps/ComfyUI && hfsuite library roots rm "
        "~/apps/ComfyUI"
    ),
)
def roots_remove_command(
    ctx: typer.Context,
    path: str = typer.Argument(..., help=_("A scan root.")),
    as_json: bool = json_option(_("JSON instead of text (docs/json.md).")),
) -> None:
    library = _library(ctx)
    removed = library.remove_root(path)
    where = os.path.abspath(os.path.expanduser(path))
    if as_json:
        print_json(root_change_view("remove", where, None, removed))
        return
    out.print(
        ngettext(
            "Removed scan root {root}; {n} file left the index.",
            "Removed scan root {root}; {n} files left the index.",
            removed,
        ).format(root=where, n=removed)
    )


def _register_extensions() -> None:
    """Let the modules of :data:`EXTENSIONS` add their sub-commands, when they exist."""
    for name in EXTENSIONS:
        try:
            module = importlib.import_module(f"hfsuite.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"hfsuite.cli.{name}":
                raise
            continue
        module.register(app)


_register_extensions()
