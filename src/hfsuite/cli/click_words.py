"""Click's and Typer's own words in the language in effect: the help panels' titles, ``Usage:``,
the help option's text, and the usage errors (``No such option: --x``, ``Missing argument``…).

Typer since 0.2x ships its own copy of Click (``typer._click``) whose texts are plain English
strings, not gettext lookups; only Typer's ``rich_utils`` constants go through the stdlib
``gettext`` (domain ``messages``, looked up once, when that module is imported). So these
words are in this project's catalogue (domain ``hfsuite``, marked below like any other string)
and applied here, at start, when the language is not English:

* :func:`install_click_words` sets Typer's panel constants (when a help is rendered), the
  default ``Usage:`` prefix of Click's help formatter, and the help option's text from the
  translations. In English it does
  nothing (nothing imported or opened) and puts back what an earlier call changed.
* :func:`show_click_error` prints a usage error as Click does, its words translated: the usage
  line, ``Try '…' for help.`` and ``Error: …``, the message matched against Click's English
  templates (:data:`MESSAGES`); a message no template matches is shown as Click wrote it.

``python scripts/i18n.py check`` (and ``tests/unit/test_i18n_cli.py``) also reads the
installed Click and Typer sources and fails when one of these English texts is no longer there,
so an upgrade that rewords Click shows up. Docs: docs/translation.md.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import typer

from hfsuite.cli.groups import click_class
from hfsuite.core import i18n
from hfsuite.core.i18n import N_, _

PANEL_WORDS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}
"""``typer.rich_utils`` constants (the rich help's words) and their English text."""

USAGE = N_("Usage:")
HELP_OPTION = N_("Show this message and exit.")
TRY_HELP = N_("Try '{command} {option}' for help.")
ERROR = N_("Error: {message}")

MESSAGES: tuple[str, ...] = (
    N_("No such option: {name}"),
    N_("No such command {name}."),
    N_("Missing command."),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
    N_("Missing parameter: {name}"),
    N_("Invalid value for {name}: {reason}"),
    N_("Invalid value: {reason}"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("{value} is not one of {choices}."),
    N_("Value {value} is not a valid {kind}."),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be less than or equal to {limit}"),
    N_("Input should be greater than or equal to {limit}"),
    N_("Input should be less than {limit}"),
    N_("Input should be greater than {limit}"),
)
"""Click's, Typer's and its validator's usage-error messages, as templates: ``{name}`` stands for
what Click put there (kept as it is; ``{reason}`` is translated in turn)."""

DID_YOU_MEAN = N_("{message} Did you mean {names}?")
POSSIBLE_OPTIONS = N_("{message} (Possible options: {names})")

_SUFFIXES = (
    (re.compile(r"(?P<head>.*)\. Did you mean (?P<names>.+)\?", re.S), DID_YOU_MEAN, "."),
    (re.compile(r"(?P<head>.*) \(Possible options: (?P<names>.+)\)", re.S), POSSIBLE_OPTIONS, ""),
)
"""What Typer adds to a message (a suggestion), and what the message ended with before."""

COMPLETION_WORDS: dict[str, str] = {
    "Install completion for the current shell.": N_("Install completion for the current shell."),
    "Show completion for the current shell, to copy it or customize the installation.": N_(
        "Show completion for the current shell, to copy it or customize the installation."
    ),
    "Install completion for the specified shell.": N_(
        "Install completion for the specified shell."
    ),
    "Show completion for the specified shell, to copy it or customize the installation.": N_(
        "Show completion for the specified shell, to copy it or customize the installation."
    ),
}
"""The help of Typer's ``--install-completion`` and ``--show-completion`` options."""
_FIELD = re.compile(r"\{([a-z_]+)\}")
_compiled: list[tuple[re.Pattern[str], str]] = []
_saved: dict[str, Any] = {}
"""What :func:`install_click_words` replaced, to put back (tests switch languages in-process)."""


def _pattern(template: str) -> re.Pattern[str]:
    """``No such option: {name}`` → a regex matching the whole English message."""
    parts, last = [], 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts) + r"\Z", re.S)


def translate_message(message: str) -> str:
    """A Click usage-error message in the language in effect (as it is when no template of
    :data:`MESSAGES` matches it, or in English)."""
    if i18n.is_source_language():
        return message
    for suffix, template, restore in _SUFFIXES:
        found = suffix.fullmatch(message)
        if found:
            head = translate_message(found["head"] + restore)
            return _(template).format(message=head, names=found["names"])
    if not _compiled:
        _compiled.extend((_pattern(t), t) for t in MESSAGES)
    for pattern, template in _compiled:
        found = pattern.match(message)
        if found:
            values = found.groupdict()
            if "reason" in values:
                values["reason"] = translate_message(values["reason"])
            return _(template).format(**values)
    return message


def _click_module() -> Any:
    """The Click package this Typer uses (``typer._click``, or ``click`` for older Typers)."""
    base = click_class("ClickException")
    return sys.modules[base.__module__.rsplit(".", 1)[0]]


def install_click_words() -> None:
    """Translate Click's and Typer's words for the language in effect (see the module's doc).

    Cheap: the patched classes are loaded already. Typer's ``rich_utils`` (Rich's markdown and
    more, some 70 ms) is not imported here: its constants are set when a help is rendered,
    which imports it anyway.
    """
    if i18n.is_source_language():
        if _saved:
            _restore()
        return
    import importlib

    click = _click_module()
    formatter = importlib.import_module(f"{click.__name__}.formatting").HelpFormatter
    command = importlib.import_module(f"{click.__name__}.core").Command
    typer_core = importlib.import_module("typer.core")
    helped = (typer_core.TyperCommand, typer_core.TyperGroup)
    if not _saved:
        _saved["write_usage"] = formatter.write_usage
        _saved["get_help_option"] = command.get_help_option
        for cls in helped:
            _saved[f"{cls.__name__}.format_help"] = cls.__dict__["format_help"]
    for option in _completion_options():
        if option.help in COMPLETION_WORDS:
            option.english_help = option.help
        option.help = _(COMPLETION_WORDS[option.english_help])
    write_usage, get_help_option = _saved["write_usage"], _saved["get_help_option"]

    def translated_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, f"{_(USAGE)} " if prefix is None else prefix)

    def translated_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None and option.help == HELP_OPTION:
            option.help = _(HELP_OPTION)
        return option

    formatter.write_usage = translated_usage
    command.get_help_option = translated_help_option
    for cls in helped:
        cls.format_help = _translated_format_help(_saved[f"{cls.__name__}.format_help"])


def _translated_format_help(format_help: Any) -> Any:
    """``format_help`` that first sets Typer's panel words (``typer.rich_utils``) translated."""

    def translated(self: Any, ctx: Any, formatter: Any) -> Any:
        import importlib

        rich_utils = importlib.import_module("typer.rich_utils")
        for name, english in PANEL_WORDS.items():
            _saved.setdefault(f"rich_utils.{name}", getattr(rich_utils, name))
            setattr(rich_utils, name, _(english))
        return format_help(self, ctx, formatter)

    return translated


def _completion_options() -> list[Any]:
    """The ``typer.Option`` objects of Typer's completion options (their help is read each
    time a command is built)."""
    import importlib
    import inspect

    completion = importlib.import_module("typer.completion")
    options = []
    for name in (
        "_install_completion_placeholder_function",
        "_install_completion_no_auto_placeholder_function",
    ):
        function = getattr(completion, name, None)
        if function is not None:
            for parameter in inspect.signature(function).parameters.values():
                if getattr(parameter.default, "help", None) is not None:
                    options.append(parameter.default)
    return [o for o in options if getattr(o, "english_help", o.help) in COMPLETION_WORDS]


def _restore() -> None:
    import importlib

    click = _click_module()
    if f"rich_utils.{next(iter(PANEL_WORDS))}" in _saved:
        rich_utils = importlib.import_module("typer.rich_utils")
        for name in PANEL_WORDS:
            setattr(rich_utils, name, _saved[f"rich_utils.{name}"])
    typer_core = importlib.import_module("typer.core")
    for cls in (typer_core.TyperCommand, typer_core.TyperGroup):
        cls.format_help = _saved[f"{cls.__name__}.format_help"]
    for option in _completion_options():
        option.help = getattr(option, "english_help", option.help)
    importlib.import_module(f"{click.__name__}.formatting").HelpFormatter.write_usage = _saved[
        "write_usage"
    ]
    importlib.import_module(f"{click.__name__}.core").Command.get_help_option = _saved[
        "get_help_option"
    ]
    _saved.clear()


def show_click_error(exc: Any) -> None:
    """Print a Click usage error on stderr as Click's ``show()`` does, in the language in
    effect (in English, Click's own ``show()``, byte for byte)."""
    click = _click_module()
    plain = (click.exceptions.UsageError.show, click.exceptions.ClickException.show)
    if i18n.is_source_language() or type(exc).show not in plain:
        exc.show()  # English, or an error that shows something else (no arguments: the help)
        return
    ctx = getattr(exc, "ctx", None)
    color = None
    if ctx is not None:
        color = ctx.color
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _(TRY_HELP).format(command=ctx.command_path, option=ctx.help_option_names[0])
            hint += "\n"
        typer.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=color)
    message = translate_message(exc.format_message())
    typer.echo(_(ERROR).format(message=message), err=True, color=color)
