"""The ``hfsuite`` command: global options, sub-command groups, and the error boundary.

Each sub-command lives in a module of its own, imported only when that command is looked up
(:class:`LazyGroup`, :data:`COMMANDS`). Failures arrive here as
:class:`~hfsuite.core.errors.HfSuiteError` and leave as a message plus the error's exit code.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import typer
from typer.core import TyperGroup

from hfsuite import __version__
from hfsuite.app.logs import configure_logging
from hfsuite.app.suite import Suite
from hfsuite.cli.gc_pause import end_startup
from hfsuite.cli.groups import SubcommandGroup, click_class
from hfsuite.cli.help_text import unwrap_helps
from hfsuite.cli.json_views import error_view
from hfsuite.cli.output import emit_json, print_error, print_warning
from hfsuite.config.store import SETTINGS_FILE_NAME, default_config_dir
from hfsuite.core import i18n
from hfsuite.core.errors import HfSuiteError, OperationCancelled, UsageError, unexpected_error
from hfsuite.core.i18n import N_, _, tr

COMMANDS: dict[str, tuple[str, bool]] = {
    "search": ("search_cmd", False),
    "info": ("info_cmd", False),
    "download": ("download_cmd", False),
    "script": ("script_cmd", False),
    "stats": ("stats_cmd", False),
    "compare": ("compare_cmd", False),
    "updates": ("updates_cmd", False),
    "gui": ("gui_cmd", False),
    "demo": ("demo_cmd", False),
    "config": ("config_cmd", True),
    "auth": ("auth_cmd", True),
    "queue": ("queue_cmd", True),
    "history": ("history_cmd", True),
    "tools": ("tools_cmd", True),
    "profiles": ("profiles_cmd", True),
    "comfyui": ("comfyui_cmd", True),
    "dupes": ("dupes_cmd", True),
    "scan": ("scan_cmd", False),
    "library": ("library_cmd", True),
    "plugins": ("plugins_cmd", True),
    "share": ("share_cmd", False),
    "sync": ("sync_cmd", True),
    "completion": ("completion_cmd", False),
    "worker": ("worker_cmd", False),
    "workers": ("worker_cmd", True),
}
"""Every sub-command, in the order ``--help`` lists them: its module in :mod:`hfsuite.cli`, and
whether the module holds a group (its ``app``) rather than one command (its ``register``)."""


def load_command(name: str) -> Any:
    """The Click command of sub-command ``name``, its module imported now.

    The module adds its command to a Typer of its own, built as Typer builds any group, so the
    command is the same as if it had been added to :data:`app` at start.
    """
    module_name, is_group = COMMANDS[name]
    module: Any = importlib.import_module(f"hfsuite.cli.{module_name}")
    holder = typer.Typer(rich_markup_mode="rich")
    if is_group:
        own = module.app.info.cls  # a group with a class of its own (dupes) keeps it
        holder.add_typer(
            module.app, name=name, cls=own if isinstance(own, type) else SubcommandGroup
        )
    else:
        module.register(holder)
    holder.callback()(lambda: None)  # a group, even with one command
    command = typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]
    return unwrap_helps(command)  # paragraphs that Rich wraps to the terminal's width


class LazyGroup(TyperGroup):
    """The root group: a sub-command's module is imported only when the command is looked up.

    Running ``hfsuite download`` imports the download command's module, not the ten others
    (their Rich tables, the catalog, the queue views: about 0.1 s before the first byte).
    ``--help``, completion and a misspelt command look every command up, so they see them all.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command's name, the lazy ones included, in :data:`COMMANDS` order."""
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command named ``cmd_name`` (its module imported on first use), or None."""
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Find the command ``args`` starts with; an unknown name loads every command first,
        so Typer's "Did you mean ...?" can look among them all."""
        if args and args[0] not in COMMANDS:
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


ROOT_HELP = N_(
    "HF Download Suite: find, download and organise AI models from the Hugging Face Hub "
    "and ModelScope.\n\nExamples:\n\n"
    "  hfsuite config show\n\n"
    "  hfsuite config set connections_per_file 16\n\n"
    "  hfsuite config set global_limit_bps 20M"
)
"""The root help; this module loads before the language is chosen, so the help texts here
are set translated by :func:`_install_language`."""

app = typer.Typer(
    name="hfsuite",
    cls=LazyGroup,
    help=ROOT_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)


@dataclass
class CliState:
    """What the global options decide, shared with every command through the Click context."""

    verbose: int = 0
    quiet: bool = False
    json_output: bool = False
    """The command's ``--json`` was given: errors are also printed as JSON on stdout."""
    overrides: dict[str, Any] = field(default_factory=dict)
    _suite: Suite | None = None

    def suite(self) -> Suite:
        """The Suite for this run, created (settings loaded, logging set up) on first use."""
        if self._suite is None:
            with _no_bare_log_lines():
                suite = Suite.open(self.overrides)
            console_level = (
                logging.ERROR
                if self.quiet
                else (
                    logging.DEBUG
                    if self.verbose >= 2
                    else logging.INFO
                    if self.verbose
                    else logging.WARNING
                )
            )
            configure_logging(
                suite.redactor, file_level=suite.settings.log_level, console_level=console_level
            )
            logging.getLogger("hfsuite.cli").info(
                "hfsuite %s: %s", __version__, " ".join(sys.argv[1:])
            )
            for warning in suite.loaded.warnings:
                print_warning(warning)
            self._suite = suite
            end_startup()
        return self._suite


@contextlib.contextmanager
def _no_bare_log_lines() -> Iterator[None]:
    """Hold back records logged before :func:`configure_logging` installs the handlers.

    With no handler at all, Python prints a warning record bare on stderr (its last-resort
    handler). Opening the suite logs the settings file's warnings, and :meth:`CliState.suite`
    prints them itself, once, as warnings.
    """
    root = logging.getLogger()
    held = logging.NullHandler()
    root.addHandler(held)
    try:
        yield
    finally:
        root.removeHandler(held)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hfsuite {__version__}")
        raise typer.Exit()


def _click_exception_types() -> tuple[type[Exception], type[BaseException], type[BaseException]]:
    """Click's usage-error base, exit and abort classes, wherever this Typer keeps Click
    (:func:`hfsuite.cli.groups.click_class`)."""
    click_exception: type[Exception] = click_class("ClickException")
    module = sys.modules[click_exception.__module__]
    exit_type: type[BaseException] = getattr(module, "Exit", typer.Exit)
    abort_type: type[BaseException] = getattr(module, "Abort", typer.Abort)
    return click_exception, exit_type, abort_type


_VERBOSE = typer.Option(0, "--verbose", "-v", count=True, help=N_("More output (-vv: debug)."))
_QUIET = typer.Option(False, "--quiet", "-q", help=N_("Only errors."))
_VERSION = typer.Option(
    False, "--version", callback=_version, is_eager=True, help=N_("Print the version and exit.")
)
_TRANSLATED: tuple[tuple[Any, str], ...] = tuple(
    (option, option.help) for option in (_VERBOSE, _QUIET, _VERSION)
)
"""The global options and their English help, translated at start (:func:`_install_language`)."""


@app.callback()
def main(
    ctx: typer.Context,
    verbose: int = _VERBOSE,
    quiet: bool = _QUIET,
    version: bool = _VERSION,
) -> None:
    """HF Download Suite command line."""
    state = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    state.verbose, state.quiet = verbose, quiet
    ctx.obj = state


def run(argv: list[str] | None = None) -> None:
    """Run the app and turn errors into exit codes (raises SystemExit, like any CLI)."""
    sys.exit(exit_code(argv))


def exit_code(argv: list[str] | None = None) -> int:
    """Run the app; the process exit code it ends with (errors printed).

    Usage errors (an unknown option or command, a missing argument, a value of the wrong
    type) print the command's usage, a hint to ``--help`` and the problem, and exit 2, as any
    Click program does; ``-v`` shows an error's technical detail, read from the parsed option.
    """
    click_exception, click_exit, click_abort = _click_exception_types()
    _install_language()
    state = CliState()
    try:
        args = sys.argv[1:] if argv is None else argv
        _check_text(args)
        _check_folders(args)
        result = app(args=argv, standalone_mode=False, obj=state)
    except HfSuiteError as exc:
        if isinstance(exc, OperationCancelled):
            # Not an error: say what happened and how to continue, nothing more.
            print_warning(exc.message)
            return exc.exit_code
        if state.json_output:
            emit_json(error_view(exc))
        print_error(exc, verbose=state.verbose > 0)
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort, click_abort):
        return 130
    except (typer.Exit, click_exit) as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except click_exception as exc:
        if getattr(exc, "ctx", True) is None:
            # Some parser errors ("Option '--x' requires an argument.") come without the
            # command they belong to; find it so the usage line and the --help hint show.
            exc.ctx = _command_context(sys.argv[1:] if argv is None else argv)  # type: ignore[attr-defined]
        message = getattr(exc, "message", None)
        if isinstance(message, str):
            # Typer checks choices with a validator whose errors start "Value error, ".
            exc.message = message.replace("Value error, ", "")  # type: ignore[attr-defined]
        if i18n.is_source_language():
            exc.show()  # type: ignore[attr-defined]
        else:
            importlib.import_module("hfsuite.cli.click_words").show_click_error(exc)
        code = int(getattr(exc, "exit_code", 2))
        if state.json_output or _asks_json(sys.argv[1:] if argv is None else argv):
            emit_json(error_view(None, message=exc.format_message(), exit_code=code))  # type: ignore[attr-defined]
        return code
    except Exception as exc:  # a bug: one line and where its traceback is, never the traceback
        logging.getLogger(__name__).info("the command failed unexpectedly", exc_info=exc)
        error = unexpected_error(exc, download=False)
        if state.json_output:
            emit_json(error_view(error))
        print_error(error, verbose=state.verbose > 0)
        return error.exit_code
    # Click returns an explicit ``ctx.exit(code)`` (e.g. ``--help``) as the result.
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def _check_text(args: list[str]) -> None:
    """Refuse an argument that is not UTF-8 (a name in another system's encoding, which Python
    keeps as surrogates): the queue, the history and the library keep names and paths as text.

    Raises:
        UsageError: naming the argument, its odd bytes written as ``\\xff``.
    """
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(arg).decode("utf-8", "backslashreplace")
            raise UsageError(
                tr("The argument {arg} is not valid UTF-8 text.", arg=shown),
                hint=tr(
                    "hfsuite keeps names and paths as text (queue, history, library): rename "
                    "the file or folder to a UTF-8 name."
                ),
            ) from None


FOLDER_OPTIONS = ("--local-dir", "--cache-dir")
"""Options whose value is a folder: an empty one is refused, not taken for the current folder
(``--local-dir "$OUT"`` with ``OUT`` unset put a whole repository where the command ran)."""


def _check_folders(args: list[str]) -> None:
    """Refuse an empty value of a folder option (Click turns ``""`` into ``.``).

    Raises:
        UsageError: naming the option.
    """
    for i, arg in enumerate(args):
        if arg == "--":
            return
        option, equals, value = arg.partition("=")
        if option not in FOLDER_OPTIONS:
            continue
        if not equals:
            if i + 1 >= len(args):
                return  # Click says the value is missing
            value = args[i + 1]
        if not value.strip():
            raise UsageError(
                tr("{option} is empty.", option=option),
                hint=tr("Give a folder; . is the current one."),
            )


def thread_failed(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook`` of the command: an exception that ends a thread is a bug; it
    goes to the log with its traceback and to the terminal as one line (the traceback there
    only with ``-vv``), instead of Python's "Exception in thread" print-out."""
    if args.exc_type is SystemExit:
        return
    error = args.exc_value
    text = str(error).strip() if error is not None else ""
    logging.getLogger(__name__).error(
        "Unexpected error in thread %s: %s%s (a bug in hfsuite; the log has the traceback)",
        args.thread.name if args.thread is not None else "?",
        args.exc_type.__name__,
        f": {text}" if text else "",
        exc_info=error,
    )


def _install_language() -> None:
    """Choose the CLI's language before any command module loads (their help texts are
    translated when imported): ``HFSUITE_LANGUAGE``, the settings file's ``language``, then the
    system's (docs/translation.md). The file is read bare: its problems are reported later."""
    value = None
    if not os.environ.get("HFSUITE_LANGUAGE"):
        try:
            with open(default_config_dir() / SETTINGS_FILE_NAME, "rb") as file:
                import tomllib  # only when there is a settings file

                value = tomllib.load(file).get("language")
        except (OSError, ValueError):  # no file, or not TOML (TOMLDecodeError)
            value = None
    i18n.set_language(i18n.resolve_language(value if isinstance(value, str) else None))
    app.info.help = _(ROOT_HELP)
    for option, english in _TRANSLATED:
        option.help = _(english)
    if not i18n.is_source_language() or _CLICK_WORDS in sys.modules:
        # Click's and Typer's words; in English nothing to do (unless an earlier call in this
        # process, a test's, translated them), so the module is not even imported.
        importlib.import_module(_CLICK_WORDS).install_click_words()


_CLICK_WORDS = "hfsuite.cli.click_words"


def _asks_json(argv: list[str]) -> bool:
    """Whether the command line has ``--json`` (for errors found before it was parsed)."""
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


def _command_context(argv: list[str]) -> Any:
    """A Click context for the (sub)command that ``argv`` names, for its usage line."""
    command = typer.main.get_command(app)
    ctx = command.context_class(command, info_name="hfsuite")
    for token in argv:
        if token.startswith("-"):
            continue
        get_command = getattr(command, "get_command", None)
        sub = get_command(ctx, token) if get_command is not None else None
        if sub is None:
            break
        command = sub
        ctx = command.context_class(command, info_name=token, parent=ctx)
    return ctx


def entry() -> None:
    """Run the command line, then exit fast (called by :func:`hfsuite.cli.launch.entry`).

    A normal interpreter shutdown tears down every imported module one by one, which costs
    about 0.17 s after the work is done (measured: 0.17 s vs 0.006 s for the modules a
    download imports). Once the command has returned, nothing is left to do but flush: the
    database commits are durable, files are closed, and downloads wrote their resume state.
    So standard streams and log handlers are flushed, ``atexit`` handlers run, and the process
    ends. The slow path stays when it matters: a window was open (Qt saves state in
    destructors) or a non-daemon thread is still running (Python would wait for it).
    """
    threading.excepthook = thread_failed
    code = exit_code()
    if "PySide6" in sys.modules or any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    ):
        sys.exit(code)
    _flush_and_exit(code)


def _flush_and_exit(code: int) -> None:
    try:
        atexit._run_exitfuncs()  # logging.shutdown() is one of them
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
                stream.flush()
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
