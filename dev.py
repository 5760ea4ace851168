#!/usr/bin/env python3
"""Set up and run the HF Download Suite from a fresh clone with nothing but Python 3.11+ and pip.

    python3 dev.py run [ARGS...]   create .venv, install the suite (with the desktop app), run `hfsuite ARGS`
    python3 dev.py test [ARGS...]  create .venv, install the suite with test tools, type-check (mypy)
                                   and run the whole test suite

The virtual environment is made once and reinstalled only when pyproject.toml changes.
Extra ARGS after `test` go to pytest (e.g. `python3 dev.py test -k settings`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("HFSUITE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_env(extras: str) -> None:
    """Create the venv and install the project with the given extras, if not done already."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print(f"dev.py: creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".hfsuite-installed-{extras.replace(',', '-')}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"dev.py: installing hfsuite[{extras}] (editable)", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=False
    )
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{extras}]"], check=True
    )
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        ensure_env("gui")
        exe = BIN / ("hfsuite.exe" if os.name == "nt" else "hfsuite")
        return subprocess.call([str(exe), *(rest or ["--help"])])
    ensure_env("gui,dev")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # The environment's commands (hfsuite, hf) first on PATH, as in an activated venv.
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    if not rest:
        # Types first (DESIGN.md: mypy in CI), so pytest's summary is the last thing printed.
        typed = subprocess.call([str(PYTHON), "-m", "mypy"], cwd=ROOT, env=env)
        if typed != 0:
            return typed
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
