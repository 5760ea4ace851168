"""``hfsuite comfyui``: ComfyUI workflows and the models they need.

``refs`` lists every model a workflow names; more sub-commands join this group.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from hfsuite.app.comfyui_refs import ModelRef, WorkflowRefs, workflow_refs
from hfsuite.cli.json_views import document
from hfsuite.cli.output import json_option, out, print_json, print_warning
from hfsuite.cli.tables import FoldingTable
from hfsuite.cli.wording import counted

app = typer.Typer(
    help=(
        "ComfyUI workflows: the models they need.\n\n"
        "Examples:\n\n"
        "  hfsuite comfyui refs workflow.json\n\n"
        "  hfsuite comfyui refs ComfyUI_00001_.png --json"
    ),
    no_args_is_help=True,
)

REFS_HELP = """List every model a ComfyUI workflow, or an image/video made with ComfyUI or
A1111/Forge, names: node, input, file name and ComfyUI model folder.

Reads UI and API workflow JSON, workflows embedded in PNG, WebP, JPEG, FLAC, MP4 and WebM files,
and A1111/Forge generation parameters. Muted and bypassed nodes are listed as inactive;
names that would leave a model folder are listed as refused.

Examples:

  hfsuite comfyui refs workflow.json

  hfsuite comfyui refs ComfyUI_00001_.png --json
"""


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
    file: Path = typer.Argument(..., help="Workflow JSON, or a PNG/WebP/JPEG/FLAC/MP4/WebM file."),
    as_json: bool = json_option("JSON instead of a table (docs/json.md)."),
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
        f"{n} {label}"
        for n, label in (
            (inactive, "inactive"),
            (refused, "refused"),
            (urls, "with a download URL, see --json"),
        )
        if n
    ]
    more = f" ({', '.join(extra)})" if extra else ""
    what = " + ".join(found.contents)
    out.print(
        f"{counted(len(found.refs), 'model reference')}{more} in {escape(file.name)} "
        f"({found.source_format}: {what})."
    )


def _table(refs: list[ModelRef]) -> FoldingTable:
    table = FoldingTable(box=None, pad_edge=False)
    for name in ("node", "type", "input", "folder", "name", "state"):
        table.add_column(name)
    for ref in refs:
        node = ref.node_id or "-"
        state = (
            f"refused: {ref.refused}"
            if ref.refused
            else (
                "inactive" if not ref.active else ("declared" if ref.origin == "declared" else "")
            )
        )
        table.add_row(
            escape(node),
            escape(ref.node_type or "-"),
            escape(ref.input or "-"),
            escape(ref.folder or "?"),
            escape(ref.value),
            escape(state),
        )
    return table
