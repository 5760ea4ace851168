"""Command-line options out of launch scripts: ``webui-user.sh``/``.bat``'s
``COMMANDLINE_ARGS``, a portable ComfyUI's ``run_*.bat``, comfy-cli's launch extras.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path

from hfsuite.integrations.tools.host import Notes, read_text

_SH_ASSIGN = re.compile(r"^\s*(?:export\s+)?COMMANDLINE_ARGS=(.*)$")
_BAT_ASSIGN = re.compile(r'^\s*set\s+"?COMMANDLINE_ARGS=(.*?)"?\s*$', re.I)


def split_args(text: str, *, windows: bool, notes: Notes, where: str) -> list[str]:
    """``text`` split as the shell would (``cmd.exe`` quoting on Windows: ``\\`` is a plain
    character, double quotes group). Unbalanced quotes: split on blanks, with a note."""
    try:
        if windows:
            lexer = shlex.shlex(text, posix=False, punctuation_chars=False)
            lexer.whitespace_split = True
            lexer.escape = ""
            lexer.quotes = '"'
            return [t[1:-1] if len(t) >= 2 and t[0] == t[-1] == '"' else t for t in lexer]
        return shlex.split(text, comments=False)
    except ValueError:
        notes.add(f"Unbalanced quotes in the launch options of {where}; read word by word.")
        return text.split()


def commandline_args(script: Path, notes: Notes, *, windows: bool) -> list[str] | None:
    """The options ``COMMANDLINE_ARGS`` holds at the end of an A1111-style ``webui-user``
    script, or None when the script does not set it (or does not exist).

    Commented lines are skipped; a later assignment replaces an earlier one, and one that
    names ``$COMMANDLINE_ARGS``/``%COMMANDLINE_ARGS%`` extends it.
    """
    text = read_text(script, notes, what="launch script")
    if text is None:
        return None
    value: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if windows:
            if stripped.lower().startswith(("rem ", "::")) or stripped.lower() == "rem":
                continue
            match = _BAT_ASSIGN.match(line)
        else:
            if stripped.startswith("#"):
                continue
            match = _SH_ASSIGN.match(line)
        if not match:
            continue
        raw = match.group(1).strip()
        if not windows:
            parts = split_args(raw, windows=False, notes=notes, where=str(script))
            raw = parts[0] if len(parts) == 1 else " ".join(parts)
        previous = value or ""
        raw = raw.replace("%COMMANDLINE_ARGS%", previous).replace("${COMMANDLINE_ARGS}", previous)
        value = raw.replace("$COMMANDLINE_ARGS", previous)
    if value is None:
        return None
    return split_args(value, windows=windows, notes=notes, where=str(script))


def option_values(args: list[str], names: Iterable[str], *, many: bool = False) -> list[str]:
    """Every value given to any of the options ``names`` (``--x V`` and ``--x=V``), in order.

    With ``many`` (``nargs='+'``), an option followed by several values before the next
    option gives them all.
    """
    wanted = set(names)
    found: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=")
        if name in wanted:
            if eq:
                found.append(inline)
            else:
                j = i + 1
                while j < len(args) and not args[j].startswith("--"):
                    found.append(args[j])
                    j += 1
                    if not many:
                        break
                i = j
                continue
        i += 1
    return found


def bat_python_args(script: Path, notes: Notes) -> list[str]:
    """The options on the lines of a ``.bat`` that start Python (a portable ComfyUI's
    ``run_nvidia_gpu.bat``: ``.\\python_embeded\\python.exe -s ComfyUI\\main.py ...``)."""
    text = read_text(script, notes, what="launch script")
    args: list[str] = []
    for line in (text or "").splitlines():
        if "python" in line.lower() and "main.py" in line.lower():
            args += split_args(line, windows=True, notes=notes, where=str(script))
    return args
