"""``hfsuite tools``: the model tools installed here (ComfyUI, A1111, LM Studio…) and their
model folders; adding and removing the folders of tools that are not in a usual place."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from hfsuite.app.tools import TOOL_KINDS, DetectedTool, Detection, ToolChange, ToolRegistry
from hfsuite.cli.json_views import document
from hfsuite.cli.output import json_option, out, print_json, print_warning
from hfsuite.core.i18n import _, english, ngettext, pgettext

app = typer.Typer(
    help=_(
        "Find installed model tools (ComfyUI, A1111, Forge, SD.Next, InvokeAI, Fooocus, "
        "LM Studio, Ollama, Stability Matrix) and their model folders (docs/tools.md).\n\n"
        "Examples:\n\n  hfsuite tools detect\n\n  hfsuite tools ls --json\n\n"
        "  hfsuite tools add ~/apps/ComfyUI"
    ),
    no_args_is_help=True,
)

KINDS_HELP = ", ".join(TOOL_KINDS)


def _registry(ctx: typer.Context) -> ToolRegistry:
    suite = ctx.find_root().obj.suite()
    registry: ToolRegistry = suite.tool_registry()  # with the detectors plugins add
    return registry


def _warn(registry: ToolRegistry) -> None:
    for warning in registry.warnings:
        print_warning(warning)


def tool_json(tool: DetectedTool, added: bool) -> dict[str, Any]:
    """One tool in the ``tool-list``/``tool-change`` documents."""
    return {**tool.to_json(), "origin": "added" if added else "detected"}


def _list_document(detection: Detection, *, searched: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tools": [tool_json(t, t.name in detection.added) for t in detection.tools],
        "problems": [english(problem) for problem in detection.problems],
    }
    if searched:
        body["searched"] = [str(p) for p in dict.fromkeys(detection.searched)]
    return document("tool-list", body)


def _change_document(change: ToolChange) -> dict[str, Any]:
    return document(
        "tool-change",
        {
            "action": change.action,
            "changed": change.changed,
            "name": change.name,
            "path": str(change.path),
            "tool": tool_json(change.tool, True) if change.tool else None,
        },
    )


def _version(tool: DetectedTool) -> str:
    return tool.version or "-"


@app.command(
    "detect",
    help=_(
        "Look for tools in the usual places and the added folders, and show what "
        "was found.\n\n"
        "Examples:\n\n"
        "  hfsuite tools detect\n\n"
        "  hfsuite tools detect --json"
    ),
)
def detect(ctx: typer.Context, as_json: bool = json_option()) -> None:
    registry = _registry(ctx)
    detection = registry.detect()
    _warn(registry)
    if as_json:
        print_json(_list_document(detection, searched=True))
        return
    for problem in detection.problems:
        print_warning(problem)
    if not detection.tools:
        n = len(set(detection.searched))
        out.print(
            ngettext(
                "No tool found ({n} folder looked at). "
                "Add one that is elsewhere: hfsuite tools add PATH",
                "No tool found ({n} folders looked at). "
                "Add one that is elsewhere: hfsuite tools add PATH",
                n,
            ).format(n=n)
        )
        return
    width = max(len(t.name) for t in detection.tools)
    for tool in detection.tools:
        origin = pgettext("tool origin", "added") if tool.name in detection.added else _("found")
        notes = len(tool.notes)
        noted = (
            "  [dim]({})[/]".format(ngettext("{n} note", "{n} notes", notes).format(n=notes))
            if tool.notes
            else ""
        )
        out.print(
            f"{escape(tool.name.ljust(width))}  {escape(_summary(tool, origin))}{noted}",
            markup=True,
        )
    n = len(detection.tools)
    out.print(
        ngettext(
            "{n} tool; their folders: hfsuite tools ls",
            "{n} tools; their folders: hfsuite tools ls",
            n,
        ).format(n=n)
    )


@app.command(
    "ls",
    help=_(
        "List the known tools (found and added) with their model folders per "
        "kind.\n\n"
        "Examples:\n\n"
        "  hfsuite tools ls\n\n"
        "  hfsuite tools ls --json"
    ),
)
def ls(ctx: typer.Context, as_json: bool = json_option()) -> None:
    registry = _registry(ctx)
    detection = registry.detect()
    _warn(registry)
    if as_json:
        print_json(_list_document(detection, searched=False))
        return
    for problem in detection.problems:
        print_warning(problem)
    if not detection.tools:
        out.print(_("No tool known. Find them with: hfsuite tools detect"))
        return
    for i, tool in enumerate(detection.tools):
        if i:
            out.print()
        _print_tool(tool, added=tool.name in detection.added)


def _summary(tool: DetectedTool, origin: str) -> str:
    variant = f", {tool.variant}" if tool.variant else ""
    return f"{tool.display_name} {_version(tool)} ({origin}{variant})  {tool.root}"


def _print_tool(tool: DetectedTool, *, added: bool) -> None:
    summary = _summary(tool, pgettext("tool origin", "added") if added else _("found"))
    out.print(f"[bold]{escape(tool.name)}[/]  {escape(summary)}", markup=True)
    width = max((len(kind) for kind in tool.folders), default=0)
    for kind, paths in tool.folders.items():
        default = tool.default_folder.get(kind)
        for i, path in enumerate(paths):
            label = kind.ljust(width) if i == 0 else " " * width
            mark = _("  (downloads go here)") if path == default and len(paths) > 1 else ""
            out.print(f"  [cyan]{escape(label)}[/]  {escape(str(path))}{mark}", markup=True)
    for path in tool.config_files:
        out.print(_("  [dim]config: {path}[/]").format(path=escape(str(path))), markup=True)
    for note in tool.notes:
        out.print(_("  [dim]note: {note}[/]").format(note=escape(note)), markup=True)


@app.command(
    "add",
    help=_(
        "Add a tool that is not in a usual place (its type found from its files, "
        "or --type).\n\n"
        "Examples:\n\n"
        "  hfsuite tools add ~/apps/ComfyUI\n\n"
        "  hfsuite tools add ~/apps/ComfyUI --type comfyui --json"
    ),
)
def add(
    ctx: typer.Context,
    path: str = typer.Argument(..., help=_("The tool's install folder.")),
    kind: str | None = typer.Option(
        None,
        "--type",
        "-t",
        help=_("The tool's type: {kinds} (default: from its files).").format(kinds=KINDS_HELP),
    ),
    as_json: bool = json_option(),
) -> None:
    registry = _registry(ctx)
    change = registry.add(path, kind)
    _warn(registry)
    if as_json:
        print_json(_change_document(change))
        return
    tool = change.tool
    what = f"{tool.display_name} {_version(tool)}" if tool else ""
    if change.changed:
        out.print(
            _("Added {name}: {what} at {path}").format(
                name=escape(change.name), what=escape(what), path=escape(str(change.path))
            ),
            markup=True,
        )
    else:
        out.print(
            _("Already added as {name}: {path}").format(
                name=escape(change.name), path=escape(str(change.path))
            ),
            markup=True,
        )
    if tool is not None:
        _print_tool(tool, added=True)


@app.command(
    "rm",
    help=_(
        "Forget a folder added with `hfsuite tools add` (by the tool's name or "
        "its path).\n\n"
        "Examples:\n\n"
        "  hfsuite tools rm ~/apps/ComfyUI\n\n"
        "  hfsuite tools rm comfyui --json"
    ),
)
def rm(
    ctx: typer.Context,
    name_or_path: str = typer.Argument(..., metavar="NAME|PATH", help=_("Tool name or folder.")),
    as_json: bool = json_option(),
) -> None:
    registry = _registry(ctx)
    change = registry.remove(name_or_path)
    _warn(registry)
    if as_json:
        print_json(_change_document(change))
        return
    out.print(
        _("Removed {name} ({path}).").format(
            name=escape(change.name), path=escape(str(change.path))
        ),
        markup=True,
    )
