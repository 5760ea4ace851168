"""Every value a generated script holds is data for its shell, whatever characters it has."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfsuite.app.script.quoting import bash_quote, powershell_quote, python_literal
from hfsuite.core.errors import UsageError

HOSTILE = [
    "",
    "plain.txt",
    "with space/and more.bin",
    "it's",
    "'; rm -rf ~; echo '",
    '"double" quotes',
    "$HOME and ${PATH} and $(id)",
    "`id` backticks",
    "back\\slash",
    "new\nline and\ttab\rcr",
    "caf\u00e9 \u4e2d\u6587 \U0001f600 \u202eright-to-left",
    "\u2018smart\u2019 \u201aquotes\u201b",
    "-starts-with-dash",
    "!history ^caret *glob? [set] {a,b} ~tilde #hash ;semi &amp |pipe <in >out",
]
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


def parse_powershell(expr: str) -> str:
    """Read back the restricted PowerShell expressions :func:`powershell_quote` writes."""
    if expr.startswith("(") and expr.endswith(")"):
        expr = expr[1:-1]
    parts = re.findall(
        r"'(?:[^']|'')*'|\[string\]\[char\]0x[0-9A-F]{4}|\[char\]::ConvertFromUtf32\(0x[0-9A-F]+\)",
        expr,
    )
    assert " + ".join(parts) == expr, expr  # nothing but those terms between the pluses
    out = []
    for part in parts:
        if part.startswith("'"):
            out.append(part[1:-1].replace("''", "'"))
        else:
            out.append(chr(int(re.search(r"0x([0-9A-F]+)", part).group(1), 16)))  # type: ignore[union-attr]
    return "".join(out)


@pytest.mark.parametrize("value", HOSTILE)
def test_bash_reads_back_exactly_the_value(value: str) -> None:
    done = subprocess.run(
        ["bash", "-c", f"printf '%s' {bash_quote(value)}"], capture_output=True, timeout=10
    )
    assert done.returncode == 0
    assert done.stdout.decode("utf-8") == value


@given(TEXT)
@settings(max_examples=60, deadline=None)
def test_bash_round_trips_any_text(value: str) -> None:
    done = subprocess.run(
        ["bash", "-c", f"printf '%s' {bash_quote(value)}"], capture_output=True, timeout=10
    )
    assert done.stdout.decode("utf-8", "surrogateescape") == value


@given(TEXT)
def test_python_literal_round_trips_and_is_ascii(value: str) -> None:
    literal = python_literal(value)
    assert literal.isascii()
    assert ast.literal_eval(literal) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_powershell_expression_is_ascii_and_reads_back(value: str) -> None:
    expr = powershell_quote(value)
    assert expr.isascii()
    assert parse_powershell(expr) == value
    # No expandable string, no backtick escape, no subexpression: single quotes only.
    assert '"' not in re.sub(r"'(?:[^']|'')*'", "", expr)


@given(TEXT)
def test_powershell_round_trips_any_text(value: str) -> None:
    assert parse_powershell(powershell_quote(value)) == value


def test_smart_quotes_never_end_a_powershell_string() -> None:
    # PowerShell ends a single-quoted string at U+2018/2019/201A/201B too: none is written raw.
    expr = powershell_quote("a\u2019; Remove-Item -Recurse C:\\ ;\u2018")
    assert not any(q in expr for q in "\u2018\u2019\u201a\u201b")
    assert "[string][char]0x2019" in expr and "[string][char]0x2018" in expr


@pytest.mark.parametrize("quote", [bash_quote, powershell_quote, python_literal])
def test_a_nul_is_refused(quote) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="NUL"):
        quote("a\x00b")


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="pwsh is not installed")
@pytest.mark.parametrize("value", HOSTILE)
def test_pwsh_reads_back_exactly_the_value(value: str) -> None:
    done = subprocess.run(
        ["pwsh", "-NoProfile", "-Command", f"[Console]::Out.Write({powershell_quote(value)})"],
        capture_output=True,
        timeout=60,
    )
    assert done.stdout.decode("utf-8") == value
