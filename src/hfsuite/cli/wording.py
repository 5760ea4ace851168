"""Counted nouns for CLI messages: ``1 task``, ``2 tasks``, never ``1 task(s)``.

English only: a noun passed in cannot be translated. Text a person reads uses
``ngettext("{n} file", "{n} files", n).format(n=n)`` from :mod:`hfsuite.core.i18n` instead
(docs/translation.md); the CLI's commands no longer call :func:`counted`. Kept for plugins
and scripts that import it.
"""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` followed by ``noun`` in the number it takes.

    Args:
        count: How many.
        noun: The singular (``task``, ``file``).
        plural: The plural when it is not ``noun + "s"``.

    Returns:
        ``"1 task"``, ``"0 tasks"``, ``"3 entries"`` (with ``plural="entries"``).
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
