"""Help texts are paragraphs that Rich wraps to the terminal, not lines wrapped at 95 columns.

Typer's ``rich`` mode kept every line break of a help text, so on an 80-column terminal each
source line was broken in two (a long line, then a short one).
"""

from __future__ import annotations

import os
import subprocess
import sys

from hfsuite.cli.help_text import unwrapped


def test_the_lines_of_a_prose_paragraph_are_joined() -> None:
    text = "Summary.\n\nFirst line of a paragraph\nthat goes on here.\n\nAnother one\nends."
    assert (
        unwrapped(text)
        == "Summary.\n\nFirst line of a paragraph that goes on here.\n\nAnother one ends."
    )


def test_examples_lists_and_short_paragraphs_stay_as_written() -> None:
    text = (
        "Examples:\n\n  hfsuite ls\n\n  hfsuite ls --json\n  --all\n\n"
        "- one item\n- another\n\n\bverbatim\nlines"
    )
    assert unwrapped(text) == text


def test_chinese_lines_are_joined_without_a_space() -> None:
    assert unwrapped("则显示为已中断：\n下次运行 hfsuite\nqueue run 时") == (
        "则显示为已中断：下次运行 hfsuite queue run 时"
    )


def _help(*args: str, columns: int) -> list[str]:
    env = dict(os.environ, COLUMNS=str(columns), LINES="50")
    done = subprocess.run(
        [sys.executable, "-m", "hfsuite", *args, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_paragraph_of_help_fills_the_terminal_s_width() -> None:
    # "Compares what each destination holds ..." is five source lines: it took five lines at
    # any width (ten at 80 columns); it now takes what the width needs.
    assert _paragraph_lines(columns=200) <= 3
    assert _paragraph_lines(columns=80) <= 7  # it was ten: each source line cut in two


def _paragraph_lines(columns: int) -> int:
    lines = _help("updates", columns=columns)
    start = next(i for i, line in enumerate(lines) if "Compares what each destination" in line)
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return end - start
