"""``hfsuite info``: everything about one repository (and its files with --files)."""

from __future__ import annotations

import typer

from hfsuite.app.accounts import hf_target
from hfsuite.app.hub.catalog import info
from hfsuite.cli.json_views import details_view
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.cli.wording import counted
from hfsuite.core.units import format_bytes

HELP = """Show a repository: commit, access, license, tags, size (--files: every file).

Also the task, library, downloads, likes and last change.

Cached for 10 minutes (for good when REPO is pinned to a commit); --refresh asks again.

Examples:

  hfsuite info openai-community/gpt2

  hfsuite info openai-community/gpt2@v1.0 --files

  hfsuite info datasets/rajpurkar/squad --json
"""


def path_note(path: str, what: str) -> str:
    """The note for a URL that names a file or folder: the command is about the whole repo.

    Args:
        path: The file or folder the URL named.
        what: What happens to the repository (``shown``, ``checked``).
    """
    return (
        f"[yellow]Note:[/] the URL names {path!r} inside the repository; the whole repository "
        f"is {what}."
    )


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("info", help=HELP)(info_command)


def info_command(
    ctx: typer.Context,
    repo: str = typer.Argument(..., help="org/name, datasets/org/name[@rev] or a Hub URL."),
    files: bool = typer.Option(False, "--files", help="List the files with their sizes."),
    revision: str = typer.Option(None, "--revision", help="Branch, tag, commit or PR ref."),
    refresh: bool = typer.Option(False, "--refresh", help="Ignore cached information."),
    as_json: bool = json_option(),
    token: str = typer.Option(None, "--token", help="Hub token (default: the one in effect)."),
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
        err.print(f"[yellow]Note:[/] {d.freshness.note}", markup=True, highlight=False)
    if path:
        err.print(path_note(path, "shown"), markup=True, highlight=False)
    access = "private" if d.private else "public"
    if d.gated:
        access += f", gated ({d.gated})"
    table = FoldingTable(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows = [
        ("id", d.id),
        ("type", d.repo_type.value),
        ("commit", (d.commit or "-") + (f" ({d.revision})" if d.revision else "")),
        ("access", access),
        ("license", d.license or "-"),
        ("task", d.pipeline_tag or "-"),
        ("library", d.library_name or "-"),
        ("tags", ", ".join(d.tags) or "-"),
        ("downloads", f"{d.downloads:,}"),
        ("likes", f"{d.likes:,}"),
        ("last modified", d.last_modified or "-"),
        ("files", f"{len(d.files)} ({format_bytes(d.total_size)})"),
    ]
    for key, value in rows:
        table.add_row(key, value)
    out.print(table)
    if files:
        listing = FoldingTable(title_justify="left")
        listing.add_column("file", overflow="fold")
        listing.add_column("size", justify="right")
        listing.add_column("lfs")
        for f in d.files:
            listing.add_row(f.path, format_bytes(f.size), "yes" if f.lfs else "")
        listing.add_section()
        listing.add_row(counted(len(d.files), "file"), format_bytes(d.total_size), "", style="bold")
        out.print(listing)
