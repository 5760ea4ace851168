"""``hfsuite plugins``: the plugins installed here, what they implement and whether they run
(docs/plugins.md)."""

from __future__ import annotations

from typing import Any

import typer
from rich.cells import cell_len
from rich.markup import escape

from hfsuite.app.plugins.manager import PluginInfo
from hfsuite.cli.json_views import document
from hfsuite.cli.output import json_option, out
from hfsuite.core.i18n import _, ngettext

app = typer.Typer(
    help=_(
        "Plugins: extra sources, tool detectors, post-download actions and notifications, "
        "installed as Python packages (docs/plugins.md).\n\n"
        "Examples:\n\n  hfsuite plugins ls\n\n  hfsuite plugins ls --json\n\n"
        "  HFSUITE_NO_PLUGINS=1 hfsuite plugins ls"
    ),
    no_args_is_help=True,
)

_STATE_STYLE = {
    "loaded": "green",
    "disabled": "dim",
    "disabled-after-error": "yellow",
    "failed-to-load": "red",
}


def _list_document(enabled: bool, plugins: list[PluginInfo]) -> dict[str, Any]:
    return document("plugin-list", {"enabled": enabled, "plugins": [p.to_json() for p in plugins]})


@app.command(
    "ls",
    help=_(
        "List the installed plugins: where each comes from, the hooks it implements, and its\n"
        "state (loaded, disabled, disabled-after-error, failed-to-load with the reason).\n\n"
        "Examples:\n\n"
        "  hfsuite plugins ls\n\n"
        "  hfsuite plugins ls --json"
    ),
)
def ls(ctx: typer.Context, as_json: bool = json_option()) -> None:
    suite = ctx.find_root().obj.suite()
    plugins = suite.plugins
    found = plugins.manager.plugins() if plugins.enabled else []
    if as_json:
        from hfsuite.cli.output import print_json

        print_json(_list_document(plugins.enabled, found))
        return
    if not plugins.enabled:
        out.print(_("Plugins are turned off (no_plugins setting or HFSUITE_NO_PLUGINS=1)."))
        return
    if not found:
        out.print(
            _(
                "No plugin installed. A plugin is a Python package with an entry point in the "
                "'hfsuite.plugins' group (docs/plugins.md)."
            )
        )
        return
    for i, info in enumerate(found):
        if i:
            out.print()
        _print_plugin(info)
    loaded = sum(1 for p in found if p.state == "loaded")
    plugins_text = ngettext("{n} plugin", "{n} plugins", len(found)).format(n=len(found))
    out.print("\n" + _("{plugins}, {loaded} loaded").format(plugins=plugins_text, loaded=loaded))
    if any(p.state == "failed-to-load" for p in found) and not ctx.find_root().obj.verbose:
        out.print(
            _("[dim]Why a plugin failed, with its traceback: hfsuite -v plugins ls[/]"), markup=True
        )


def _print_plugin(info: PluginInfo) -> None:
    style = _STATE_STYLE.get(info.state, "")
    dist = f"{info.distribution} {info.version or ''}".strip() if info.distribution else "-"
    out.print(
        f"[bold]{escape(info.name)}[/]  [{style}]{escape(info.state)}[/]  {escape(dist)}",
        markup=True,
    )
    out.print(
        f"  {_label(_('entry point'))}{escape(info.name)} = {escape(info.value)}", markup=True
    )
    out.print(f"  {_label(_('module'))}{escape(info.module_file or '-')}", markup=True)
    out.print(f"  {_label(_('hooks'))}{escape(', '.join(info.hooks) or '-')}", markup=True)
    if info.error:
        out.print(f"  [{style}]{_label(_('why'))}{escape(info.error)}[/]", markup=True)


def _label(text: str) -> str:
    """``text`` padded to the labels' column (13 cells; a CJK character takes two)."""
    return text + " " * max(1, 13 - cell_len(text))
