"""``hfsuite auth``: log in and out, show the token in effect, check access to a repository."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from hfsuite.app.accounts import (
    AccessReport,
    AccessVerdict,
    AuthStatus,
    TokenInfo,
    check,
    hf_target,
    login,
    logout,
    status,
)
from hfsuite.app.suite import Suite
from hfsuite.cli.info_cmd import path_note
from hfsuite.cli.json_views import access_view, auth_status_view, login_view, logout_view
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.errors import (
    AuthenticationError,
    GatedRepoError,
    HfSuiteError,
    RepoNotFoundError,
)
from hfsuite.core.i18n import N_, _, tr

# Where a token is stored or comes from (TokenOrigin's values), as the messages name them.
_PLACES = (N_("keyring"), N_("suite token file"), N_("hf token file"))

app = typer.Typer(
    help=_(
        "Hugging Face tokens: log in (stored in the system keyring, or a file only you can "
        "read), see whose token is in effect and what it may do, and check a repository.\n\n"
        "Token order: --token, the stored token, HF_TOKEN, then the file of `hf auth login`.\n\n"
        "Examples:\n\n  hfsuite auth login\n\n  echo $TOKEN | hfsuite auth login\n\n"
        "  hfsuite auth status\n\n  hfsuite auth check meta-llama/Llama-3.2-1B\n\n"
        "  hfsuite auth logout"
    ),
    no_args_is_help=True,
)


def _refusal(report: AccessReport) -> HfSuiteError:
    """The error ``check`` ends with (exit 6 for access problems, 7 when not found)."""
    if report.verdict is AccessVerdict.NOT_FOUND:
        return RepoNotFoundError(report.message, hint=report.hint or None)
    if report.verdict.value.startswith("gated"):
        return GatedRepoError(report.message, hint=report.hint or None)
    return AuthenticationError(report.message, hint=report.hint or None)


def _suite(ctx: typer.Context) -> Suite:
    return ctx.find_root().obj.suite()


def _read_token(token: str | None) -> str:
    if token:
        return token
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    return str(typer.prompt(_("Hugging Face token (input hidden)"), hide_input=True)).strip()


def _describe(info: TokenInfo) -> str:
    named = info.token_name
    text = _("{user} ({role} token '{name}')") if named else _("{user} ({role} token)")
    return text.format(user=info.user, role=info.role, name=info.token_name)


@app.command(
    "login",
    help=_(
        "Validate a token with the Hub and store it for later runs.\n\nExamples:\n\n"
        '  hfsuite auth login\n\n  echo "$TOKEN" | hfsuite auth login --json'
    ),
)
def login_command(
    ctx: typer.Context,
    token: str = typer.Option(
        None, "--token", help=_("The token (default: read from stdin, or a hidden prompt).")
    ),
    as_json: bool = json_option(),
) -> None:
    suite = _suite(ctx)
    result = login(suite, _read_token(token))
    if as_json:
        print_json(login_view(result))
    else:
        out.print(_("Logged in as {who}.").format(who=_describe(result.info)), highlight=False)
        stored = _("Token stored in the {place}: {location}")
        out.print(stored.format(place=_(result.stored_in.value), location=result.location))
    if result.warning:
        warning = _("[yellow]Warning:[/] {text}").format(text=escape(result.warning))
        err.print(warning, markup=True, highlight=False)


@app.command(
    "logout",
    help=_(
        "Forget the token stored by `hfsuite auth login` (HF_TOKEN and hf's file stay)."
        "\n\nExamples:\n\n  hfsuite auth logout"
    ),
)
def logout_command(ctx: typer.Context, as_json: bool = json_option()) -> None:
    result = logout(_suite(ctx))
    if as_json:
        print_json(logout_view(result))
        return
    if result.removed:
        places = _(" and ").join(_(str(place)) for place in result.removed)
        out.print(_("Removed the stored token from the {places}.").format(places=places))
    else:
        out.print(_("No token was stored by hfsuite."))
    if result.still_active is not None:
        where = result.still_active.location or result.still_active.origin.value
        out.print(
            _("[yellow]Note:[/] a token is still in effect from {origin} ({where}).").format(
                origin=_(result.still_active.origin.value), where=escape(where)
            ),
            markup=True,
            highlight=False,
        )


def _status_table(state: AuthStatus) -> FoldingTable:
    table = FoldingTable(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row(_("endpoint"), state.endpoint)
    origin = _(state.origin.value) if state.origin else "-"
    table.add_row(
        _("token"), _("{masked} (from {origin})").format(masked=state.masked, origin=origin)
    )
    if state.location:
        table.add_row(_("source"), state.location)
    info = state.info
    if info is None:
        return table
    table.add_row(_("user"), info.user + (f" ({info.fullname})" if info.fullname else ""))
    if info.orgs:
        table.add_row(_("orgs"), ", ".join(info.orgs))
    table.add_row(_("role"), info.role)
    if info.token_name:
        table.add_row(_("token name"), info.token_name)
    if info.fine_grained:
        readable = _("readable") if info.can_read_gated else _("not readable")
        table.add_row(_("gated repos"), readable)
        for grant in info.scopes:
            table.add_row(
                _("scope {type}").format(type=grant.entity_type),
                f"{grant.entity}: {', '.join(grant.permissions)}",
            )
        if info.global_permissions:
            table.add_row(_("global"), ", ".join(info.global_permissions))
    return table


@app.command(
    "status",
    help=_(
        "Show the token in effect: where it comes from, its owner, role and scopes.\n\n"
        'Without any token it says so ("Not logged in") and exits 0: that is a status, not an '
        "error. A token the Hub refuses exits 6.\n\nExamples:\n\n  hfsuite auth status\n\n"
        "  hfsuite auth status --json"
    ),
)
def status_command(
    ctx: typer.Context,
    token: str = typer.Option(None, "--token", help=_("Check this token instead.")),
    as_json: bool = json_option(),
) -> None:
    state = status(_suite(ctx), token)
    if as_json:
        print_json(auth_status_view(state))
    elif state.origin is None:
        out.print(_("Not logged in: downloads are anonymous (public repositories only)."))
    else:
        out.print(_status_table(state))
    if state.origin is not None and not state.valid:
        raise AuthenticationError(state.error or tr("The token was refused."), hint=state.hint)


@app.command(
    "check",
    help=_(
        "Say whether the token in effect can download a repository, and if not, why.\n\n"
        "Examples:\n\n  hfsuite auth check meta-llama/Llama-3.2-1B\n\n"
        "  hfsuite auth check datasets/rajpurkar/squad --json"
    ),
)
def check_command(
    ctx: typer.Context,
    repo: str = typer.Argument(
        ..., help=_("Repository: org/name, datasets/org/name or a Hub URL.")
    ),
    token: str = typer.Option(None, "--token", help=_("Check this token instead.")),
    as_json: bool = json_option(),
) -> None:
    suite = _suite(ctx)
    report = check(suite, repo, token)
    _ref, _endpoint, path = hf_target(suite, repo, token)
    if path and not as_json:
        err.print(path_note(path, "checked"), markup=True, highlight=False)
    if as_json:
        print_json(access_view(report))
    elif report.readable:
        ok = _("[green]OK:[/] {message}").format(message=escape(report.message))
        out.print(ok, markup=True, highlight=False)
        if report.hint:
            note = _("[yellow]Note:[/] {note}").format(note=escape(report.hint))
            out.print(note, markup=True, highlight=False)
    if not report.readable:
        raise _refusal(report)
