"""The three renderers: valid scripts that carry every value of the plan exactly.

bash scripts are checked with ``bash -n`` and their data read back by bash itself; Python
scripts are parsed as Python 3.8 and their data evaluated; PowerShell scripts (no pwsh here
unless installed) are checked as text: ASCII only, the right cmdlets, every value readable
back from its quoted form.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_script_quoting import HOSTILE, parse_powershell

from hfsuite.app.script.plan import ScriptFile, ScriptPlan
from hfsuite.app.script.render import Shell, parse_shell, render_script
from hfsuite.core.destination import Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.types import RepoType

COMMIT = "0123456789abcdef0123456789abcdef01234567"
ODD_PATHS = [
    "config.json",
    'sub dir/it\'s $HOME `id` "q".bin',
    "caf\u00e9/\u4e2d\u6587 \U0001f600.safetensors",
    "\u2018smart\u2019; Remove-Item -Recurse C: ;.txt",
    "!hist ^c *g? [s] {a,b} ~t #h ;s &a |p <i >o.txt",
]


def make_plan(dest: Path, *, cache: bool = False, paths: list[str] | None = None) -> ScriptPlan:
    files = []
    for i, path in enumerate(paths or ODD_PATHS):
        lfs = i % 2 == 1
        digest = f"{i:064x}" if lfs else f"{i:040x}"
        files.append(
            ScriptFile(
                path=path,
                size=10 * i,
                hash_kind="sha256" if lfs else "git-sha1",
                digest=digest,
                etag=digest,
                url_path=f"acme/m/resolve/{COMMIT}/x{i}",
            )
        )
    destination = Destination.hf_cache(dest) if cache else Destination.folder(dest)
    return ScriptPlan(
        repo_id="acme/m",
        repo_type=RepoType.MODEL,
        revision=None,
        commit=COMMIT,
        endpoint="https://hub.example/mirror's $x",
        destination=destination,
        files=tuple(files),
        ref_name="main" if cache else None,
    )


def _bash_values(script: str, tail: str) -> list[str]:
    """Run the script's assignments (up to its first function) followed by ``tail``."""
    head = script.split("\ndie() {", 1)[0]
    done = subprocess.run(["bash", "-c", head + "\n" + tail], capture_output=True, timeout=10)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8").split("\0")[:-1]


@pytest.mark.parametrize("cache", [False, True])
def test_bash_script_is_valid_and_carries_every_value(tmp_path: Path, cache: bool) -> None:
    dest = tmp_path / "dest with 'quote' $and `tick`"
    plan = make_plan(dest, cache=cache)
    script = render_script(plan, Shell.BASH)
    assert script.startswith("#!/usr/bin/env bash\n")
    syntax = subprocess.run(["bash", "-n"], input=script.encode(), capture_output=True)
    assert syntax.returncode == 0, syntax.stderr
    assert _bash_values(script, 'printf \'%s\\0\' "$DEST" "$DEFAULT_ENDPOINT" "$COMMIT"') == [
        str(dest),
        plan.endpoint,
        COMMIT,
    ]
    calls = "\n".join(line for line in script.splitlines() if line.startswith("get_file "))
    stub = 'get_file() { for a in "$@"; do printf \'%s\\0\' "$a"; done; }\n' + calls
    got = _bash_values(script, stub)
    width = 7 if cache else 6
    rows = [got[i : i + width] for i in range(0, len(got), width)]
    for row, f in zip(rows, plan.files, strict=True):
        expected = [f.path, str(f.size), f.hash_kind, f.digest, f.etag, f.url_path]
        assert row == expected + ([f.blob_link()] if cache else [])


def test_bash_script_uses_curl_with_resume_retries_and_fail(tmp_path: Path) -> None:
    script = render_script(make_plan(tmp_path), Shell.BASH)
    curl = [line for line in script.splitlines() if "curl " in line and "--location" in line]
    assert len(curl) == 2  # with and without a token
    for line in curl:
        assert "--fail" in line and "--retry 5" in line
    assert script.count('-C - -o "$part"') == 2
    assert "sha256sum" in script and "shasum -a 256" in script
    assert 'printf \'header = "Authorization: Bearer %s"\\n\' "$HF_TOKEN" |' in script
    assert "curl -K -" in script  # the token goes in on stdin, never in curl's arguments


@pytest.mark.parametrize("cache", [False, True])
def test_python_script_parses_as_python_3_8_and_carries_every_value(
    tmp_path: Path, cache: bool
) -> None:
    dest = tmp_path / "d\u00e9st 'q' \"qq\""
    plan = make_plan(dest, cache=cache)
    script = render_script(plan, Shell.PYTHON)
    assert script.isascii()
    tree = ast.parse(script, feature_version=(3, 8))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
    data: dict[str, object] = {}
    exec(script.split("\nimport hashlib", 1)[0], data)  # only the assignments
    assert data["DEST"] == str(dest)
    assert data["COMMIT"] == COMMIT
    assert data["DEFAULT_ENDPOINT"] == plan.endpoint
    assert data["LAYOUT"] == ("hf-cache" if cache else "local-dir")
    assert data["REF_NAME"] == plan.ref_name
    assert data["FILES"] == [
        (f.path, f.size, f.hash_kind, f.digest, f.etag, f.url_path) for f in plan.files
    ]


def test_python_script_keeps_the_token_off_redirects(tmp_path: Path) -> None:
    script = render_script(make_plan(tmp_path), Shell.PYTHON)
    assert 'add_unredirected_header("Authorization", "Bearer " + token)' in script
    assert 'os.environ.get("HF_TOKEN")' in script
    assert 'os.environ.get("HF_ENDPOINT")' in script


def test_powershell_script_is_ascii_and_carries_every_value(tmp_path: Path) -> None:
    dest = tmp_path / "d\u00e9st 'q'"
    plan = make_plan(dest)
    script = render_script(plan, Shell.POWERSHELL)
    assert script.isascii()
    for needed in (
        "Invoke-WebRequest @params",
        "Get-FileHash -Algorithm SHA256 -LiteralPath",
        "$env:HF_TOKEN",
        "$env:HF_ENDPOINT",
        "$ErrorActionPreference = 'Stop'",
    ):
        assert needed in script, needed
    assert "Invoke-Expression" not in script and "iex " not in script
    values = dict(re.findall(r"^\$(\w+) = (.+)$", script.split("$Files = @(")[0], re.M))
    assert parse_powershell(values["Dest"]) == str(dest)
    assert parse_powershell(values["DefaultEndpoint"]) == plan.endpoint
    assert parse_powershell(values["Commit"]) == COMMIT
    rows = re.findall(r"^    @\{ Path = (.+?); Size = (\d+); Kind = ", script, re.M)
    assert [(parse_powershell(p), int(s)) for p, s in rows] == [
        (f.path, f.size) for f in plan.files
    ]
    assert script.count("{") == script.count("}")
    assert script.count("(") == script.count(")")


def test_powershell_refuses_the_hf_cache(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="plain folder only") as caught:
        render_script(make_plan(tmp_path, cache=True), Shell.POWERSHELL)
    assert "--local-dir" in str(caught.value.hint)


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="pwsh is not installed")
def test_pwsh_parses_the_script(tmp_path: Path) -> None:
    path = tmp_path / "get.ps1"
    path.write_text(render_script(make_plan(tmp_path / "d"), Shell.POWERSHELL))
    check = (
        "$e = $null; [void][System.Management.Automation.Language.Parser]::ParseFile("
        f"'{path}', [ref]$null, [ref]$e); if ($e) {{ $e; exit 1 }}"
    )
    done = subprocess.run(["pwsh", "-NoProfile", "-Command", check], capture_output=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("text", "shell"),
    [
        ("bash", Shell.BASH),
        ("SH", Shell.BASH),
        ("pwsh", Shell.POWERSHELL),
        ("PowerShell", Shell.POWERSHELL),
        ("py", Shell.PYTHON),
        ("python", Shell.PYTHON),
    ],
)
def test_shell_names(text: str, shell: Shell) -> None:
    assert parse_shell(text) is shell


def test_an_unknown_shell_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="Unknown shell 'zsh'"):
        parse_shell("zsh")


def test_hostile_values_survive_every_renderer(tmp_path: Path) -> None:
    paths = [p for p in HOSTILE if p and "\n" not in p and "\t" not in p and "\\" not in p]
    plan = make_plan(tmp_path, paths=paths)
    for shell in Shell:
        assert render_script(plan, shell)  # nothing refused, nothing raised
