from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def hfsuite_cmd():  # type: ignore[no-untyped-def]
    """Run the installed ``hfsuite`` command (console script) with the sandboxed environment."""
    exe = shutil.which("hfsuite", path=str(Path(sys.executable).parent)) or shutil.which("hfsuite")
    assert exe, "the hfsuite console script is not installed"

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
        full_env = dict(os.environ, **(env or {}))
        return subprocess.run(
            [exe, *args], capture_output=True, text=True, env=full_env, input=input, timeout=120
        )

    return run
