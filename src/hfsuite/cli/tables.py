"""Tables of the command line that never cut text silently.

Rich shortens a cell that does not fit its column with an ellipsis by default, so on a narrow
terminal a repository id, a path or an error lost its end with no way to see it. Every table
of the CLI is made here: its columns wrap, and a word longer than its column is folded onto
the next line. A command that shortens a value on purpose (a long error in ``queue ls``) says
so under the table and names the command that shows it whole.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

__all__ = ["ELLIPSIS", "FoldingTable", "shorten"]

ELLIPSIS = "…"


class FoldingTable(Table):
    """A :class:`rich.table.Table` whose columns fold what does not fit instead of cutting it
    (``overflow="fold"``, wrapping allowed), unless a column asks otherwise."""

    def add_column(self, *args: Any, **kwargs: Any) -> None:
        """Add a column; ``overflow`` defaults to ``fold`` (see :meth:`Table.add_column`)."""
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)


def shorten(text: str, width: int) -> tuple[str, bool]:
    """The first line of ``text`` within ``width`` characters, cut at a word where it can be
    and ending in an ellipsis when anything was left out; and whether it was.

    Args:
        text: The text (several lines, any length).
        width: The most characters to keep, the ellipsis included.
    """
    whole = " ".join(text.split())
    if len(whole) <= width:
        return whole, False
    room = whole[: width - 1]
    cut = room.rsplit(" ", 1)[0] if " " in room[width // 2 :] else room
    return cut.rstrip(" .,;:") + ELLIPSIS, True
