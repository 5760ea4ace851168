"""``hfsuite completion bash|zsh|fish``: print the shell's completion script.

The script is Typer's (the same ``hfsuite --show-completion`` prints for the shell it detects),
named here so it can be written to a file or ``eval``-ed without detecting anything. When the
shell completes, it runs ``hfsuite`` with ``_HFSUITE_COMPLETE=complete_<shell>`` (Typer's
spelling of Click's protocol), which answers from the commands' names, options and choices;
a command's module is imported only when its name is completed past.
"""

from __future__ import annotations

import enum

import typer

from hfsuite.core.i18n import _

HELP = _(
    """Print the completion script of a shell: commands, options and choices on Tab.

Load it from the shell's start-up file (hfsuite --install-completion does it for you):

  bash: echo 'eval "$(hfsuite completion bash)"' >> ~/.bashrc

  zsh: hfsuite completion zsh > "${fpath[1]}/_hfsuite"

  fish: hfsuite completion fish > ~/.config/fish/completions/hfsuite.fish

Examples:

  hfsuite completion bash

  hfsuite completion zsh

  hfsuite completion fish
"""
)

COMPLETE_VAR = "_HFSUITE_COMPLETE"
"""The environment variable the scripts set when they ask ``hfsuite`` for completions."""


class Shell(enum.StrEnum):
    """The shells a script is printed for."""

    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


def completion_script(shell: Shell | str) -> str:
    """The completion script of ``shell`` for the ``hfsuite`` command."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(
        prog_name="hfsuite", complete_var=COMPLETE_VAR, shell=Shell(shell).value
    )


def register(app: typer.Typer) -> None:
    """Add the ``completion`` command to the main app."""
    app.command("completion", help=HELP)(completion_command)


def completion_command(
    shell: Shell = typer.Argument(..., help=_("bash, zsh or fish."), case_sensitive=False),
) -> None:
    typer.echo(completion_script(shell).rstrip("\n"))
