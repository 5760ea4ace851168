"""What a user types wrong gets Click's usual usage error, never a traceback.

Run through the installed ``hfsuite`` command, as a user would: every case must print the
command's usage line, a hint to its ``--help``, the problem in one line, and exit 2. These ran
into Python tracebacks once a Typer that bundles its own copy of Click was installed (the
error boundary caught the separate ``click`` package's exception class, which no longer
matched), so they run against whatever Typer the environment has: the lock's and the newest.
"""

from __future__ import annotations

import pytest

from hfsuite.cli import main as cli_main
from hfsuite.core.errors import HfSuiteError

CASES = [
    # (argv, usage line the error must show, words the error line must contain)
    (["queue", "ls", "--bogus"], "Usage: hfsuite queue ls", "No such option: --bogus"),
    (["queue", "ls", "-v"], "Usage: hfsuite queue ls", "No such option: -v"),
    (["download"], "Usage: hfsuite download", "Missing argument"),
    (["download", "--connections", "abc", "x/y"], "Usage: hfsuite download", "--connections"),
    (["download", "--limit-rate"], "Usage: hfsuite download", "requires an argument"),
    (["bogus"], "Usage: hfsuite [OPTIONS] COMMAND", "No such command 'bogus'"),
    (["queue", "frobnicate"], "Usage: hfsuite queue", "No such command 'frobnicate'"),
    (["history", "ls", "--nope"], "Usage: hfsuite history ls", "No such option: --nope"),
    (["history", "export", "--limit"], "Usage: hfsuite history export", "--limit"),
    (["config", "set"], "Usage: hfsuite config set", "Missing argument"),
    (["config", "nope"], "Usage: hfsuite config", "No such command 'nope'"),
    (["auth", "login", "--bogus"], "Usage: hfsuite auth login", "No such option: --bogus"),
    (["stats", "--days", "many"], "Usage: hfsuite stats", "--days"),
    (["search", "--limit", "ten", "bert"], "Usage: hfsuite search", "--limit"),
    (["info", "a/b", "extra"], "Usage: hfsuite info", "unexpected extra argument"),
    (["queue", "priority", "high", "abc"], "Usage: hfsuite queue priority", "ids"),
    (["-v", "queue", "add", "--priority"], "Usage: hfsuite queue add", "--priority"),
    # A choice outside an enum: Typer's wording, without the "Value error, " its validator adds.
    (["library", "ls", "--sort", "bogus"], "Usage: hfsuite library ls", "'--sort' / '-s': 'bogus'"),
    (["download", "--repo-type", "bogus", "x/y"], "Usage: hfsuite download", "'bogus' is not one"),
]


@pytest.mark.parametrize(("argv", "usage", "problem"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_errors_are_one_line_and_exit_2(hfsuite_cmd, argv, usage, problem) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd(*argv)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 2, output
    assert usage in result.stderr, result.stderr
    assert "--help" in result.stderr or "-h' for help" in result.stderr, result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1, result.stderr
    assert problem.lower() in error_lines[0].lower(), result.stderr
    assert "Value error" not in error_lines[0], result.stderr


def test_help_and_version_still_exit_0(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    for argv in (["--help"], ["queue", "ls", "--help"], ["--version"]):
        result = hfsuite_cmd(*argv)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stdout + result.stderr


def _failing_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``hfsuite config show`` fail with an error that has technical details."""

    def boom(*_args: object, **_kwargs: object) -> None:
        raise HfSuiteError("it broke", hint="try again", details="DETAIL-LINE")

    monkeypatch.setattr(cli_main.Suite, "open", boom)


def test_details_need_the_parsed_verbose_option(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _failing_command(monkeypatch)
    assert cli_main.exit_code(["config", "show"]) == 1
    quiet = capsys.readouterr().err
    assert "it broke" in quiet and "DETAIL-LINE" not in quiet

    assert cli_main.exit_code(["-v", "config", "show"]) == 1
    assert "DETAIL-LINE" in capsys.readouterr().err


def test_a_dash_v_that_is_only_an_argument_is_not_verbose(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Scanning argv for "-v" made any argument spelled "-v" (after "--") switch details on.
    _failing_command(monkeypatch)
    assert cli_main.exit_code(["info", "--", "-v"]) == 1
    err = capsys.readouterr().err
    assert "it broke" in err and "DETAIL-LINE" not in err


@pytest.mark.parametrize(
    ("args", "typed", "suggestion"),
    [
        (("queue", "remove", "3"), "remove", "Did you mean 'rm', 'move', 'resume'?"),
        (("queue", "delete", "3"), "delete", "Did you mean 'rm'?"),
        (("history", "list"), "list", "Did you mean 'ls'?"),
        (("library", "roots", "remove", "/x"), "remove", "Did you mean 'rm'?"),
        (("queue", "info", "3"), "info", "Did you mean 'show'?"),
    ],
)
def test_another_word_for_a_command_names_the_command(hfsuite_cmd, args, typed, suggestion):  # type: ignore[no-untyped-def]
    # Typer suggests close spellings only: "remove" got 'move' and 'resume', never 'rm'.
    result = hfsuite_cmd(*args)
    assert result.returncode == 2, result.stderr
    assert f"Error: No such command '{typed}'. {suggestion}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("download", "acme/x", "--local-dir", ""),
        ("download", "acme/x", "--local-dir="),
        ("queue", "add", "acme/x", "--cache-dir", "  "),
        ("script", "acme/x", "--local-dir", ""),
    ],
)
def test_an_empty_folder_is_refused_not_taken_for_the_current_one(hfsuite_cmd, tmp_path, args):  # type: ignore[no-untyped-def]
    # `--local-dir "$OUT"` with OUT unset downloaded into the folder the command ran in.
    result = hfsuite_cmd(*args)
    assert result.returncode == 2, result.stderr
    option = next(a for a in args if a.startswith("--")).rstrip("=")
    assert f"Error: {option} is empty." in result.stderr, result.stderr
    assert "Hint: Give a folder; . is the current one." in result.stderr
