"""``hfsuite stats``: downloads, bytes and average speed per day."""

from __future__ import annotations

import typer

from hfsuite.cli.json_views import stats_view
from hfsuite.cli.output import json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.i18n import _, ngettext
from hfsuite.core.units import format_bytes, format_duration, format_rate

HELP = _("""Download statistics per day and in total.

Examples:

  hfsuite stats

  hfsuite stats --days 7 --json
""")


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("stats", help=HELP)(stats_command)


def stats_command(
    ctx: typer.Context,
    days: int = typer.Option(30, "--days", "-d", min=1, max=3660, help=_("How many days back.")),
    as_json: bool = json_option(_("JSON instead of a table (docs/json.md).")),
    all_days: bool = typer.Option(False, "--all-days", help=_("List idle days too.")),
) -> None:
    from hfsuite.app.history_ops import local_day, stats_summary  # brings in the database

    suite = ctx.find_root().obj.suite()
    summary = stats_summary(suite.database, local_day(suite.clock.now()), days)
    if as_json:
        print_json(stats_view(summary))
        return
    title = ngettext("Last {n} day", "Last {n} days", days).format(n=days)
    table = FoldingTable(box=None, pad_edge=False, title=title, title_justify="left")
    headers = (
        _("day"),
        _("completed"),
        _("failed"),
        _("cancelled"),
        _("downloaded"),
        _("time"),
        _("avg speed"),
    )
    for i, name in enumerate(headers):
        table.add_column(name, justify="left" if i == 0 else "right")
    for d in summary.days:
        idle = not (d.downloads or d.failures or d.cancelled or d.bytes_downloaded)
        if idle and not all_days:
            continue
        table.add_row(
            d.day.isoformat(),
            str(d.downloads),
            str(d.failures),
            str(d.cancelled),
            format_bytes(d.bytes_downloaded),
            format_duration(d.seconds),
            format_rate(d.average_speed_bps),
        )
    table.add_section()
    table.add_row(
        _("total"),
        str(summary.downloads),
        str(summary.failures),
        str(sum(d.cancelled for d in summary.days)),
        format_bytes(summary.bytes_downloaded),
        format_duration(summary.seconds),
        format_rate(summary.average_speed_bps),
        style="bold",
    )
    out.print(table)
