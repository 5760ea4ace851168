"""``hfsuite config``: show, get, set, reset settings, and print where they are stored."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from hfsuite.app.config_ops import (
    describe_settings,
    get_setting,
    plain_value,
    reset_settings,
    set_setting,
    stored_note,
)
from hfsuite.cli.json_views import (
    config_path_view,
    setting_change_view,
    setting_view,
    settings_view,
)
from hfsuite.cli.output import json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.config import SettingsStore
from hfsuite.core.i18n import N_, _

app = typer.Typer(
    help=_(
        "Show and change settings (stored as TOML in the platform's config folder).\n\n"
        "Environment variables override the file: HFSUITE_<KEY> for every key, and HF_ENDPOINT, "
        "HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE, HTTPS_PROXY… as huggingface_hub reads them.\n\n"
        "Examples:\n\n  hfsuite config show\n\n  hfsuite config set layout local-dir\n\n"
        "  hfsuite config reset global_limit_bps"
    ),
    no_args_is_help=True,
)


def _state(ctx: typer.Context) -> Any:
    return ctx.find_root().obj


@app.command(
    "show",
    help=_(
        "Show every setting, its value in effect and where the value comes from.\n\n"
        "Examples:\n\n"
        "  hfsuite config show\n\n"
        "  hfsuite config show --json"
    ),
)
def show(
    ctx: typer.Context,
    as_json: bool = json_option(),
) -> None:
    suite = _state(ctx).suite()
    rows = describe_settings(suite.loaded)
    if as_json:
        print_json(settings_view(rows))
        return
    title = _("Settings ({path})").format(path=suite.store.path)
    table = FoldingTable(title=title, title_justify="left")
    table.add_column(_("key"), style="bold")
    table.add_column(_("value"), overflow="fold")
    table.add_column(_("from"), style="dim")
    for row in rows:
        table.add_row(row.key, row.display, shown_origin(row.origin))
    out.print(table)


ORIGINS = {
    "default": N_("default"),
    "file": N_("file"),
    "override": N_("override"),
}
"""Where a setting's value comes from, as ``config show`` says it (``--json`` keeps these)."""


def shown_origin(origin: str) -> str:
    """``origin`` (``default``, ``file``, ``env:NAME``, ``override``) in the language in effect:
    ``env:HFSUITE_X`` → ``环境变量:HFSUITE_X``, the variable's name kept."""
    if origin.startswith("env:"):
        return _("env:{variable}").format(variable=origin[4:])
    return _(ORIGINS[origin]) if origin in ORIGINS else origin


@app.command(
    "get",
    help=_("Print one setting's value.\n\nExamples:\n\n  hfsuite config get download_dir"),
)
def get(
    ctx: typer.Context,
    key: str = typer.Argument(..., help=_("Setting name, e.g. endpoint.")),
    as_json: bool = json_option(),
) -> None:
    row = get_setting(_state(ctx).suite().loaded, key)
    if as_json:
        print_json(setting_view(row))
    else:
        typer.echo(row.value if row.value is not None else "")


@app.command(
    "set",
    help=_(
        "Validate and store a setting.\n\n"
        "Examples:\n\n"
        "  hfsuite config set connections_per_file 16\n\n"
        "  hfsuite config set global_limit_bps 20M"
    ),
)
def set_(
    ctx: typer.Context,
    key: str = typer.Argument(..., help=_("Setting name.")),
    value: str = typer.Argument(..., help=_("New value (an empty string clears optional ones).")),
    as_json: bool = json_option(),
) -> None:
    state = _state(ctx)
    stored = set_setting(SettingsStore(), key, value)
    note = stored_note(key, value, stored)
    origin = state.suite().loaded.origins.get(key, "")
    if as_json:
        overridden_by = origin[4:] if origin.startswith("env:") else None
        print_json(setting_change_view(key, plain_value(stored), note, overridden_by))
        return
    out.print(f"{key} = {stored!r}" if stored is not None else _("{key} cleared").format(key=key))
    if note:
        text = _("[yellow]Note:[/] {note}").format(note=escape(note))
        out.print(text, highlight=False, soft_wrap=True)
    if origin.startswith("env:"):
        out.print(
            _(
                "[yellow]Note:[/] {variable} is set in the environment and overrides this value."
            ).format(variable=origin[4:]),
            markup=True,
        )


@app.command(
    "reset",
    help=_(
        "Return a setting (or all settings) to the default.\n\n"
        "Examples:\n\n"
        "  hfsuite config reset global_limit_bps\n\n"
        "  hfsuite config reset --yes"
    ),
)
def reset(
    ctx: typer.Context,
    key: str | None = typer.Argument(None, help=_("Setting to reset; all of them when omitted.")),
    yes: bool = typer.Option(
        False, "--yes", "-y", help=_("Do not ask before resetting everything.")
    ),
    as_json: bool = json_option(),
) -> None:
    if key is None and not yes:
        typer.confirm(_("Reset every setting to its default?"), abort=True)
    reset_settings(SettingsStore(), key)
    if as_json:
        origin = _state(ctx).suite().loaded.origins.get(key, "") if key else ""
        overridden_by = origin[4:] if origin.startswith("env:") else None
        print_json(setting_change_view(key, None, None, overridden_by))
        return
    if key:
        out.print(_("{key} reset to default").format(key=key))
    else:
        out.print(_("all settings reset to default"))


@app.command(
    "path",
    help=_("Print the settings file's path.\n\nExamples:\n\n  hfsuite config path"),
)
def path(as_json: bool = json_option()) -> None:
    if as_json:
        print_json(config_path_view(str(SettingsStore().path)))
        return
    typer.echo(str(SettingsStore().path))
