"""Quoting any value safely into a bash, PowerShell or Python script.

Every value a generated script holds (paths, the repository, the destination, the endpoint)
goes through one of these, so a file name with spaces, quotes, ``$``, backticks, newlines or
any Unicode character is data in the script, never code. A NUL cannot be carried by any of
the three and is refused.
"""

from __future__ import annotations

from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr

__all__ = ["bash_quote", "powershell_quote", "python_literal"]

# PowerShell ends a single-quoted string at any of these, not only at the ASCII quote.
_PS_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise UsageError(
            tr("Refusing a value with a NUL character in a script: {value}.", value=repr(value))
        )
    return value


def bash_quote(value: str) -> str:
    """``value`` as one bash word, taken literally: single quotes (``'`` written ``'\\''``).

    Raises:
        UsageError: the value holds a NUL (no shell string can).
    """
    _no_nul(value)
    return "'" + value.replace("'", "'\\''") + "'"


def powershell_quote(value: str) -> str:
    """``value`` as a PowerShell expression made of ASCII only.

    ASCII runs go in single quotes (nothing is expanded there; a quote is doubled), and every
    other character is written ``[char]0x....`` (``[char]::ConvertFromUtf32`` beyond the BMP),
    so the script reads the same whatever code page Windows PowerShell 5.1 assumes for a file
    without a byte-order mark.

    Raises:
        UsageError: the value holds a NUL.
    """
    _no_nul(value)
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            parts.append("'" + "".join(run) + "'")
            run.clear()

    for char in value:
        code = ord(char)
        if 0x20 <= code < 0x7F:
            run.append("''" if char in _PS_QUOTES else char)
            continue
        flush()
        if code > 0xFFFF:
            parts.append(f"[char]::ConvertFromUtf32(0x{code:X})")
        else:
            parts.append(f"[string][char]0x{code:04X}")
    flush()
    if not parts:
        return "''"
    if len(parts) == 1 and parts[0].startswith("'"):
        return parts[0]
    return "(" + " + ".join(parts) + ")"


def python_literal(value: str | int | None) -> str:
    """``value`` as a Python literal made of ASCII only (``ascii()``: escapes for the rest).

    Raises:
        UsageError: a string holds a NUL (refused like everywhere else, though Python could).
    """
    if isinstance(value, str):
        _no_nul(value)
    return ascii(value)
