"""``hfsuite info``: everything about one repository (and its files with --files)."""

from __future__ import annotations

import typer
from rich.markup import escape

from hfsuite.app.accounts import hf_target
from hfsuite.app.hub.catalog import info
from hfsuite.cli.json_views import details_view
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.i18n import _, ngettext
from hfsuite.core.units import format_bytes

HELP = _("""Show a repository: commit, access, license, tags, size (--files: every file).

Also the task, library, downloads, likes and last change.

Cached for 10 minutes (for good when REPO is pinned to a commit); --refresh asks again.

Examples:

  hfsuite info openai-community/gpt2

  hfsuite info openai-community/gpt2@v1.0 --files

  hfsuite info datasets/rajpurkar/squad --json
""")


def path_note(path: str, what: str) -> str:
    """The note for a URL that names a file or folder: the command is about the whole repo.

    Args:
        path: The file or folder the URL named.
        what: What happens to the repository: ``shown`` or ``checked``.
    """
    if what == "checked":
        text = _(
            "[yellow]Note:[/] the URL names {path} inside the repository; the whole "
            "repository is checked."
        )
    else:
        text = _(
            "[yellow]Note:[/] the URL names {path} inside the repository; the whole "
            "repository is shown."
        )
    return text.format(path=escape(repr(path)))


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("info", help=HELP)(info_command)


def info_command(
    ctx: typer.Context,
    repo: str = typer.Argument(..., help=_("org/name, datasets/org/name[@rev] or a Hub URL.")),
    files: bool = typer.Option(False, "--files", help=_("List the files with their sizes.")),
    revision: str = typer.Option(None, "--revision", help=_("Branch, tag, commit or PR ref.")),
    refresh: bool = typer.Option(False, "--refresh", help=_("Ignore cached information.")),
    as_json: bool = json_option(),
    token: str = typer.Option(None, "--token", help=_("Hub token (default: the one in effect).")),
) -> None:
    suite = ctx.find_root().obj.suite()
    if revision:
        repo = f"{repo}@{revision}" if "://" not in repo and "@" not in repo else repo
    _ref, _endpoint, path = hf_target(suite, repo, token)
    d = info(suite, repo, token=token, refresh=refresh)
    if as_json:
        print_json(details_view(d))
        return
    if d.freshness.note:
        note = _("[yellow]Note:[/] {note}").format(note=escape(d.freshness.note))
        err.print(note, markup=True, highlight=False)
    if path:
        err.print(path_note(path, "shown"), markup=True, highlight=False)
    access = _("private") if d.private else _("public")
    if d.gated:
        access = _("{access}, gated ({mode})").format(access=access, mode=d.gated)
    table = FoldingTable(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows = [
        (_("id"), d.id),
        (_("type"), d.repo_type.value),
        (_("commit"), (d.commit or "-") + (f" ({d.revision})" if d.revision else "")),
        (_("access"), access),
        (_("license"), d.license or "-"),
        (_("task"), d.pipeline_tag or "-"),
        (_("library"), d.library_name or "-"),
        (_("tags"), ", ".join(d.tags) or "-"),
        (_("downloads"), f"{d.downloads:,}"),
        (_("likes"), f"{d.likes:,}"),
        (_("last modified"), d.last_modified or "-"),
        (_("files"), f"{len(d.files)} ({format_bytes(d.total_size)})"),
    ]
    for key, value in rows:
        table.add_row(key, value)
    out.print(table)
    if files:
        listing = FoldingTable(title_justify="left")
        listing.add_column(_("file"), overflow="fold")
        listing.add_column(_("size"), justify="right")
        listing.add_column(_("lfs"))
        for f in d.files:
            listing.add_row(f.path, format_bytes(f.size), _("yes") if f.lfs else "")
        listing.add_section()
        total = ngettext("{n} file", "{n} files", len(d.files)).format(n=len(d.files))
        listing.add_row(total, format_bytes(d.total_size), "", style="bold")
        out.print(listing)
