"""Groups of sub-commands (``hfsuite queue``, ``library``, ...): a usage error for a word that
is another name for one of their commands names it (``queue remove``: did you mean ``rm``?).
Typer suggests only close spellings (``lst``: ``ls``), not other words."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

SYNONYMS: dict[str, tuple[str, ...]] = {
    "rm": ("remove", "delete", "del"),
    "ls": ("list",),
    "show": ("info", "get"),
}
"""Other words for a sub-command: typed instead of it, the usage error names the command (the
spelling stays one: ``queue remove`` is not run as ``queue rm``)."""


class SubcommandGroup(TyperGroup):
    """A group of sub-commands whose "No such command" also answers synonyms (``remove``:
    did you mean ``rm``?), which Typer's close-match suggestion does not find."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """As Typer's, with the command a synonym stands for added to the suggestion."""
        try:
            return super().resolve_command(ctx, args)
        except click_class("UsageError") as exc:
            typed = args[0].lower() if args else ""
            meant = [name for name, words in SYNONYMS.items() if typed in words]
            meant = [name for name in meant if name in self.commands]
            message = str(getattr(exc, "message", ""))
            if meant and message:
                head, _, close = message.partition(" Did you mean ")
                names = [repr(meant[0]), *(n for n in close.rstrip("?").split(", ") if n)]
                names = list(dict.fromkeys(names))  # the synonym's command first, once
                exc.message = f"{head} Did you mean {', '.join(names)}?"
            raise


def click_class(name: str) -> Any:
    """The exception class ``name`` (``ClickException``, ``UsageError``…) of the Click this
    Typer uses: Typer up to 0.2x re-exported the ``click`` package, newer releases ship their
    own copy as ``typer._click``. Both are found through ``typer.BadParameter``'s bases, never
    by importing ``click`` (a ``click`` installed beside a Typer with its own copy holds other
    classes, which would catch nothing)."""
    return next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == name)
