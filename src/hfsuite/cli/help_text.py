"""A command's help as paragraphs, so Rich wraps them to the terminal.

Typer's ``rich`` markup mode keeps every line break of a help text. Ours are written wrapped
at about 95 columns, so an 80-column terminal showed every such line broken in two ("now and
lists / the files that were added ..."). :func:`unwrapped` joins the lines of each prose
paragraph; a paragraph with an indented line (examples, a table) or a list item is kept as
written. :func:`unwrap_helps` applies it to a command and its sub-commands, once, when the
command is loaded (:func:`hfsuite.cli.main.load_command`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _joined(lines: list[str]) -> str:
    text = lines[0].strip()
    for line in lines[1:]:
        line = line.strip()
        if not line:
            continue
        # Chinese and Japanese do not put a space where a line was broken.
        glue = "" if text and _wide(text[-1]) and _wide(line[0]) else " "
        text = f"{text}{glue}{line}"
    return text


def _prose(lines: list[str]) -> bool:
    return not any(
        line[:1].isspace() or line.startswith(("- ", "* ", "\b")) for line in lines if line
    )


def unwrapped(text: str) -> str:
    """``text`` with the lines of each prose paragraph joined into one."""
    paragraphs = _PARAGRAPHS.split(text.strip("\n"))
    kept = [
        _joined(lines) if len(lines) > 1 and _prose(lines) else paragraph
        for paragraph in paragraphs
        for lines in [paragraph.split("\n")]
    ]
    return "\n\n".join(kept)


def unwrap_helps(command: Any) -> Any:
    """Unwrap the help of a Click command and of every sub-command it has; returns it."""
    if getattr(command, "help", None):
        command.help = unwrapped(command.help)
    for sub in getattr(command, "commands", {}).values():
        unwrap_helps(sub)
    return command
