"""``hfsuite auth``: log in and out, show the token in effect, check access to a repository."""

from __future__ import annotations

import sys

import typer

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

app = typer.Typer(
    help=(
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
    return str(typer.prompt("Hugging Face token (input hidden)", hide_input=True)).strip()


def _describe(info: TokenInfo) -> str:
    name = f" '{info.token_name}'" if info.token_name else ""
    return f"{info.user} ({info.role} token{name})"


@app.command("login")
def login_command(
    ctx: typer.Context,
    token: str = typer.Option(
        None, "--token", help="The token (default: read from stdin, or a hidden prompt)."
    ),
    as_json: bool = json_option(),
) -> None:
    """Validate a token with the Hub and store it for later runs.

    Examples:

      hfsuite auth login

      echo "$TOKEN" | hfsuite auth login --json
    """
    suite = _suite(ctx)
    result = login(suite, _read_token(token))
    if as_json:
        print_json(login_view(result))
    else:
        out.print(f"Logged in as {_describe(result.info)}.", highlight=False)
        out.print(f"Token stored in the {result.stored_in.value}: {result.location}")
    if result.warning:
        err.print(f"[yellow]Warning:[/] {result.warning}", markup=True, highlight=False)


@app.command("logout")
def logout_command(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Forget the token stored by `hfsuite auth login` (HF_TOKEN and hf's file stay).

    Examples:

      hfsuite auth logout
    """
    result = logout(_suite(ctx))
    if as_json:
        print_json(logout_view(result))
        return
    if result.removed:
        out.print("Removed the stored token from the " + " and ".join(result.removed) + ".")
    else:
        out.print("No token was stored by hfsuite.")
    if result.still_active is not None:
        where = result.still_active.location or result.still_active.origin.value
        out.print(
            f"[yellow]Note:[/] a token is still in effect from {result.still_active.origin.value}"
            f" ({where}).",
            markup=True,
            highlight=False,
        )


def _status_table(state: AuthStatus) -> FoldingTable:
    table = FoldingTable(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("endpoint", state.endpoint)
    table.add_row("token", f"{state.masked} (from {state.origin.value if state.origin else '-'})")
    if state.location:
        table.add_row("source", state.location)
    info = state.info
    if info is None:
        return table
    table.add_row("user", info.user + (f" ({info.fullname})" if info.fullname else ""))
    if info.orgs:
        table.add_row("orgs", ", ".join(info.orgs))
    table.add_row("role", info.role)
    if info.token_name:
        table.add_row("token name", info.token_name)
    if info.fine_grained:
        table.add_row("gated repos", "readable" if info.can_read_gated else "not readable")
        for grant in info.scopes:
            table.add_row(
                f"scope {grant.entity_type}", f"{grant.entity}: {', '.join(grant.permissions)}"
            )
        if info.global_permissions:
            table.add_row("global", ", ".join(info.global_permissions))
    return table


@app.command("status")
def status_command(
    ctx: typer.Context,
    token: str = typer.Option(None, "--token", help="Check this token instead."),
    as_json: bool = json_option(),
) -> None:
    """Show the token in effect: where it comes from, its owner, role and scopes.

    Without any token it says so ("Not logged in") and exits 0: that is a status, not an
    error. A token the Hub refuses exits 6.

    Examples:

      hfsuite auth status

      hfsuite auth status --json
    """
    state = status(_suite(ctx), token)
    if as_json:
        print_json(auth_status_view(state))
    elif state.origin is None:
        out.print("Not logged in: downloads are anonymous (public repositories only).")
    else:
        out.print(_status_table(state))
    if state.origin is not None and not state.valid:
        raise AuthenticationError(state.error or "The token was refused.", hint=state.hint)


@app.command("check")
def check_command(
    ctx: typer.Context,
    repo: str = typer.Argument(..., help="Repository: org/name, datasets/org/name or a Hub URL."),
    token: str = typer.Option(None, "--token", help="Check this token instead."),
    as_json: bool = json_option(),
) -> None:
    """Say whether the token in effect can download a repository, and if not, why.

    Examples:

      hfsuite auth check meta-llama/Llama-3.2-1B

      hfsuite auth check datasets/rajpurkar/squad --json
    """
    suite = _suite(ctx)
    report = check(suite, repo, token)
    _ref, _endpoint, path = hf_target(suite, repo, token)
    if path and not as_json:
        err.print(path_note(path, "checked"), markup=True, highlight=False)
    if as_json:
        print_json(access_view(report))
    elif report.readable:
        out.print(f"[green]OK:[/] {report.message}", markup=True, highlight=False)
        if report.hint:
            out.print(f"[yellow]Note:[/] {report.hint}", markup=True, highlight=False)
    if not report.readable:
        raise _refusal(report)
