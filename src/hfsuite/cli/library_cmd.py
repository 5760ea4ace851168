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
from hfsuite.cli.wording import counted
from hfsuite.core.errors import UsageError
from hfsuite.core.units import format_bytes

if TYPE_CHECKING:
    from hfsuite.app.library import LibraryService

EXTENSIONS = ("library_verify",)
"""Modules of :mod:`hfsuite.cli` that add sub-commands to this group, when installed."""
META_SHOWN = 200
"""Characters of one metadata value ``library show`` prints (``--json`` has the stored text)."""
EMPTY = "Nothing scanned yet — run `hfsuite scan`."

app = typer.Typer(
    help=(
        "The local model library: what is on disk, what it is, and the folders scanned.\n\n"
        "Examples:\n\n"
        "  hfsuite library ls --kind loras --sort size\n\n"
        "  hfsuite library roots add ~/apps/ComfyUI\n\n"
        "  hfsuite library ls --all --json"
    ),
    no_args_is_help=True,
)
roots_app = typer.Typer(
    help=(
        "The folders the library scans (the HF cache is one by default).\n\n"
        "Examples:\n\n"
        "  hfsuite library roots ls\n\n"
        "  hfsuite library roots add ~/apps/ComfyUI\n\n"
        "  hfsuite library roots rm ~/.cache/huggingface/hub"
    ),
    no_args_is_help=True,
)
app.add_typer(roots_app, name="roots")


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
        suggestion = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise UsageError(
            f"{option} {unknown[0]!r} is not a known value.{suggestion}",
            hint=f"Use one of: {', '.join(allowed)}.",
        )
    return chosen


@app.command("ls")
def list_command(
    ctx: typer.Context,
    kind: list[str] = typer.Option(None, "--kind", "-k", help="Only this kind (loras, vae, llm…)."),
    fmt: list[str] = typer.Option(None, "--format", "-f", help="Only this format (gguf…)."),
    sort: Sort = typer.Option(Sort.NAME, "--sort", "-s", help="Order: name, size or date."),
    under: str = typer.Option(None, "--under", help="Only files in this folder."),
    show_all: bool = typer.Option(
        False, "--all", "-a", help="Also files that are not models (READMEs, configs…)."
    ),
    limit: int = typer.Option(None, "--limit", "-n", min=1, help="At most this many rows."),
    as_json: bool = json_option("JSON instead of a table (docs/json.md)."),
) -> None:
    """List indexed files with what they are (models only, unless --all).

    Examples:

      hfsuite library ls

      hfsuite library ls --kind checkpoints --kind loras --sort size

      hfsuite library ls --format gguf --json
    """
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
        out.print(EMPTY)
        return
    headers = ("file", "kind", "format", "arch", "dtype", "params", "size", "autov2")
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
    shown = counted(totals.files, "file")
    if limit and len(rows) < totals.files:
        shown = f"{len(rows)} of {shown}"
    line = f"{shown}, {format_bytes(totals.bytes)}"
    if hidden:
        line += f" ({counted(hidden, 'other file')} not shown: --all)"
    out.print(line)


@app.command("show")
def show_command(
    ctx: typer.Context,
    path: str = typer.Argument(..., help="A scanned file (an HF-cache snapshot entry works)."),
    check: bool = typer.Option(
        True,
        "--check/--no-check",
        help="Ask the hub whether the file changed upstream since (one request).",
    ),
    as_json: bool = json_option("JSON instead of text (docs/json.md)."),
) -> None:
    """Everything the index knows of one file.

    What it is, its hashes, where it came from (and whether it changed upstream), its metadata.

    Examples:

      hfsuite scan && hfsuite library show ~/.cache/huggingface/hub/*gpt2/snapshots/*/config.json

      hfsuite scan ~/apps/ComfyUI && hfsuite library show ~/apps/ComfyUI/main.py --json
    """
    from hfsuite.app.library.provenance import provenance_of

    suite = ctx.find_root().obj.suite()
    f = suite.library.file(path)
    origin = provenance_of(suite, f, check=check)
    if as_json:
        print_json(file_detail_view(f, origin.to_dict() if origin else None))
        return
    table = FoldingTable(box=None, pad_edge=False, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    rows: list[tuple[str, str]] = [
        ("path", f.path),
        ("root", f.root),
        ("format", f.format),
        ("kind", f.kind),
        ("architecture", f.architecture or "-"),
        ("dtype", f.dtype or "-"),
        (
            "parameters",
            f"{params_text(f.parameter_count)} ({f.parameter_count:,})"
            if f.parameter_count
            else "-",
        ),
        ("context length", f"{f.context_length:,}" if f.context_length else "-"),
        ("tensors", f"{f.tensor_count:,}" if f.tensor_count else "-"),
        ("size", f"{format_bytes(f.size_bytes)} ({f.size_bytes:,} bytes)"),
        ("modified", datetime.fromtimestamp(f.mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")),
        ("sha256", f.sha256 or "not hashed yet (hfsuite scan --hash)"),
    ]
    if f.sha256:
        rows.append(("autov2", f.autov2 or ""))
        rows.append(("hash from", "download (verified)" if f.hash_origin == "download" else "read"))
    if f.autov1:
        rows.append(("autov1", f.autov1))
    if f.nlink > 1:
        rows.append(("hard links", str(f.nlink)))
    for ref in f.hf_refs:
        rows.append(
            ("hf cache", f"{ref.repo_type} {ref.repo_id} @ {ref.revision[:12]}: {ref.path}")
        )
    for line in origin.lines() if origin else []:
        rows.append(("provenance", line))
    if f.problem:
        rows.append(("problem", f"{f.problem_kind}: {f.problem}"))
    for warning in f.warnings:
        rows.append(("warning", warning))
    for key, value in (f.metadata or {}).items():
        text, cut = shorten(json_safe(value), META_SHOWN)
        rows.append((f"meta {key}", text + (" (whole: --json)" if cut else "")))
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)


def _params_detail(count: int | None) -> str:
    return f"{params_text(count)} ({count:,})" if count else "-"


@roots_app.command("ls")
def roots_list_command(
    ctx: typer.Context, as_json: bool = json_option("JSON instead of a table (docs/json.md).")
) -> None:
    """List the scan roots with how many files of each are indexed.

    Examples:

      hfsuite library roots ls

      hfsuite library roots ls --json
    """
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
        out.print("No scan roots. Add one: hfsuite library roots add FOLDER")
        return
    table = FoldingTable(box=None, pad_edge=False)
    for name in ("root", "kind", "files", "size"):
        table.add_column(name, justify="right" if name in ("files", "size") else "left")
    for r in roots:
        files, size = counts[r.path]
        exists = "" if os.path.isdir(r.path) else " (not there)"
        table.add_row(r.path + exists, r.kind, str(files), format_bytes(size))
    out.print(table)


@roots_app.command("add")
def roots_add_command(
    ctx: typer.Context,
    path: str = typer.Argument(..., help="A folder to scan."),
    as_json: bool = json_option("JSON instead of text (docs/json.md)."),
) -> None:
    """Add a folder to scan (then run hfsuite scan).

    Examples:

      hfsuite library roots add ~/apps/ComfyUI

      hfsuite library roots add ~/apps/ComfyUI --json
    """
    root = _library(ctx).add_root(path)
    if as_json:
        print_json(root_change_view("add", root.path, root.kind, 0))
        return
    out.print(f"Scan root {root.path} ({root.kind}). Index it: hfsuite scan {root.path}")


@roots_app.command("rm")
def roots_remove_command(
    ctx: typer.Context,
    path: str = typer.Argument(..., help="A scan root."),
    as_json: bool = json_option("JSON instead of text (docs/json.md)."),
) -> None:
    """Stop scanning a folder; its files leave the index (nothing is deleted on disk).

    Examples:

      hfsuite library roots rm ~/.cache/huggingface/hub

      hfsuite library roots add ~/apps/ComfyUI && hfsuite library roots rm ~/apps/ComfyUI
    """
    library = _library(ctx)
    removed = library.remove_root(path)
    where = os.path.abspath(os.path.expanduser(path))
    if as_json:
        print_json(root_change_view("remove", where, None, removed))
        return
    out.print(f"Removed scan root {where}; {counted(removed, 'file')} left the index.")


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
