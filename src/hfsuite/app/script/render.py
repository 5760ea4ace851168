"""Which renderer writes which shell's script."""

from __future__ import annotations

import enum
from collections.abc import Callable

from hfsuite.app.script.plan import ScriptPlan
from hfsuite.app.script.render_bash import render_bash
from hfsuite.app.script.render_powershell import render_powershell
from hfsuite.app.script.render_python import render_python
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr

__all__ = ["Shell", "parse_shell", "render_script"]


class Shell(enum.StrEnum):
    """The languages a script is generated in."""

    BASH = "bash"
    POWERSHELL = "powershell"
    PYTHON = "python"


_ALIASES = {"sh": Shell.BASH, "pwsh": Shell.POWERSHELL, "ps1": Shell.POWERSHELL, "py": Shell.PYTHON}

_RENDERERS: dict[Shell, Callable[[ScriptPlan], str]] = {
    Shell.BASH: render_bash,
    Shell.POWERSHELL: render_powershell,
    Shell.PYTHON: render_python,
}


def parse_shell(text: str) -> Shell:
    """``--shell``'s value (``bash``, ``powershell``, ``python``; ``sh``, ``pwsh``, ``ps1``,
    ``py`` too).

    Raises:
        UsageError: any other.
    """
    name = text.strip().lower()
    try:
        return _ALIASES.get(name) or Shell(name)
    except ValueError:
        raise UsageError(
            tr("Unknown shell {shell}.", shell=repr(text)),
            hint=tr("Use --shell bash, powershell or python."),
        ) from None


def render_script(plan: ScriptPlan, shell: Shell) -> str:
    """The script downloading ``plan`` in ``shell``'s language.

    Raises:
        UsageError: the shell cannot write this plan (PowerShell and the HF cache).
    """
    return _RENDERERS[shell](plan)
