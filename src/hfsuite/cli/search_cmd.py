"""``hfsuite search``: find repositories on the Hub."""

from __future__ import annotations

from urllib.parse import urlsplit

import typer
from rich.markup import escape

from hfsuite.app.hub.catalog import SORT_KEYS, search
from hfsuite.cli.json_views import search_view
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import _, tr
from hfsuite.core.types import RepoType

HELP = _("""Search the Hub for models (or datasets and spaces).

Results are cached for 5 minutes (--refresh asks again); offline, cached results are shown
with a note.

Examples:

  hfsuite search llama --sort likes --limit 10

  hfsuite search --author stabilityai --filter diffusers

  hfsuite search whisper --filter automatic-speech-recognition --json

  hfsuite search squad --type dataset
""")


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("search", help=HELP)(search_command)


def _check_cursor(cursor: str) -> None:
    """Refuse text that is no search cursor at all (a cursor is the URL of the next page, as
    ``search --json`` prints it); one of another endpoint is refused when the search runs."""
    parts = urlsplit(cursor)
    if parts.scheme not in ("http", "https") or not parts.netloc or "/api/" not in parts.path:
        raise UsageError(
            tr("{cursor} is not a valid search cursor.", cursor=repr(cursor)),
            hint=tr(
                "Pass the next_cursor of a previous `hfsuite search --json` page, "
                "or start the search again."
            ),
        )


def search_command(
    ctx: typer.Context,
    query: str = typer.Argument(None, help=_("Words in the repository id.")),
    author: str = typer.Option(None, "--author", help=_("Only this user's or org's repositories.")),
    filters: list[str] = typer.Option(
        None, "--filter", help=_("Task, library or tag to require (repeat).")
    ),
    sort: str = typer.Option(
        "downloads", "--sort", help=_("downloads, likes, trending, updated or created.")
    ),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help=_("Results per page.")),
    repo_type: RepoType = typer.Option(
        RepoType.MODEL, "--type", help=_("model, dataset or space.")
    ),
    cursor: str = typer.Option(
        None, "--cursor", help=_("Continue after a previous page (--json).")
    ),
    refresh: bool = typer.Option(False, "--refresh", help=_("Ignore cached results.")),
    as_json: bool = json_option(),
    token: str = typer.Option(None, "--token", help=_("Hub token (default: the one in effect).")),
) -> None:
    if sort not in SORT_KEYS:
        raise UsageError(
            tr("Unknown sort {sort}.", sort=repr(sort)),
            hint=tr("Use one of: {choices}", choices=", ".join(SORT_KEYS)),
        )
    if cursor is not None:
        _check_cursor(cursor)
    suite = ctx.find_root().obj.suite()
    page = search(
        suite,
        query,
        author=author,
        filters=filters or (),
        sort=sort,
        limit=limit,
        repo_type=repo_type,
        cursor=cursor,
        token=token,
        refresh=refresh,
    )
    fresh = page.freshness
    if as_json:
        print_json(search_view(page))
        return
    if fresh.note:
        note = _("[yellow]Note:[/] {note}").format(note=escape(fresh.note))
        err.print(note, markup=True, highlight=False)
    if not page.hits:
        out.print(_("No repositories found."))
        return
    table = FoldingTable(title_justify="left")
    table.add_column(_("id"), overflow="fold", style="bold")
    table.add_column(_("downloads"), justify="right")
    table.add_column(_("likes"), justify="right")
    table.add_column(_("task"))
    table.add_column(_("library"))
    table.add_column(_("updated"))
    gated, private = _(" (gated)"), _(" (private)")
    for hit in page.hits:
        table.add_row(
            hit.id + (gated if hit.gated else "") + (private if hit.private else ""),
            f"{hit.downloads:,}",
            f"{hit.likes:,}",
            hit.pipeline_tag or "",
            hit.library_name or "",
            (hit.last_modified or "")[:10],
        )
    out.print(table)
    if page.has_next:
        err.print(
            _("More results: raise --limit (now {limit}) or narrow the search.").format(limit=limit)
        )
