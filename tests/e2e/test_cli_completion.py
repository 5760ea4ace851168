"""Shell completion: ``hfsuite completion bash|zsh|fish`` prints a script, and the bash script,
loaded into a real bash and called the way ``complete -F`` calls it, completes commands,
options and choices by asking the installed ``hfsuite`` (``_HFSUITE_COMPLETE=complete_bash``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _bash_complete(hfsuite_exe: str, words: list[str]) -> list[str]:
    """What bash offers for the command line ``words`` (the last word being completed): the
    script from ``hfsuite completion bash`` is eval'ed, the function ``complete -p hfsuite``
    names is called with COMP_WORDS/COMP_CWORD set as bash sets them, COMPREPLY printed."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    words_text = " ".join(f"'{w}'" for w in words)
    script = f"""
set -e
eval "$(hfsuite completion bash)"
spec=$(complete -p hfsuite)
function=$(printf '%s\\n' "$spec" | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')
COMP_WORDS=({words_text})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
"$function" hfsuite "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(hfsuite_exe).parent), env.get("PATH", "")])
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_bash_script_is_printed(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("completion", "bash")
    assert result.returncode == 0, result.stderr
    assert "_HFSUITE_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _hfsuite_completion hfsuite" in result.stdout


def test_zsh_and_fish_scripts_are_printed(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    zsh = hfsuite_cmd("completion", "zsh")
    assert zsh.returncode == 0 and zsh.stdout.startswith("#compdef hfsuite")
    assert "_HFSUITE_COMPLETE=complete_zsh" in zsh.stdout
    fish = hfsuite_cmd("completion", "fish")
    assert fish.returncode == 0 and "complete --command hfsuite" in fish.stdout
    assert "_HFSUITE_COMPLETE=complete_fish" in fish.stdout
    bad = hfsuite_cmd("completion", "tcsh")
    assert bad.returncode == 2 and "tcsh" in bad.stderr


def test_bash_completes_a_command(hfsuite_exe: str) -> None:
    assert _bash_complete(hfsuite_exe, ["hfsuite", "dow"]) == ["download"]
    assert "completion" in _bash_complete(hfsuite_exe, ["hfsuite", "co"])


def test_bash_completes_a_subcommands_options_and_choices(hfsuite_exe: str) -> None:
    assert _bash_complete(hfsuite_exe, ["hfsuite", "download", "--lo"]) == ["--local-dir"]
    options = _bash_complete(hfsuite_exe, ["hfsuite", "download", "--"])
    assert {"--local-dir", "--include", "--revision", "--to", "--json"} <= set(options)
    assert _bash_complete(hfsuite_exe, ["hfsuite", "download", "x", "--repo-type", "d"]) == [
        "dataset"
    ]
    assert _bash_complete(hfsuite_exe, ["hfsuite", "queue", "pa"]) == ["pause"]
    assert _bash_complete(hfsuite_exe, ["hfsuite", "completion", "z"]) == ["zsh"]


def test_zsh_protocol_answers(hfsuite_exe: str) -> None:
    """The zsh script's request, made directly: Typer's zsh protocol lists the matches."""
    env = dict(
        os.environ, _HFSUITE_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="hfsuite download --lo"
    )
    result = subprocess.run([hfsuite_exe], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "--local-dir" in result.stdout
