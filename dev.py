#!/usr/bin/env python3
"""Set up and run the HF Download Suite from a fresh clone with nothing but Python 3.11+ and pip.

    python3 dev.py run [ARGS...]   create .venv, install the suite (with the desktop app), run `hfsuite ARGS`
                                   (no ARGS: `hfsuite demo`, the suite at work offline in a minute)
    python3 dev.py test [ARGS...]  create .venv, install the suite with test tools, type-check (mypy)
                                   and run the whole test suite (PostgreSQL is installed with
                                   apt-get when missing and possible; else its tests skip)
    python3 dev.py test --postgres [ARGS...]
                                   the same with PostgreSQL as every test's default database
                                   (HFSUITE_TEST_DB=postgresql: a new database per test on a
                                   throwaway server; the run stops if none can be started)
    python3 dev.py lock            refresh the locks in requirements/ to the newest versions that
                                   pyproject.toml allows, reinstall from them and run the test suite

The virtual environment is made once and reinstalled only when pyproject.toml or a lock changes.
Dependencies are installed from the exact versions in requirements/*.txt (one lock per extra
set), so a fresh clone tests what was tested; pyproject.toml keeps the compatible ranges.
Extra ARGS after `test` go to pytest (e.g. `python3 dev.py test -k settings`).
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("HFSUITE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
LOCKS = ROOT / "requirements"
# Extra set -> lock file. Each lock pins every package of that set for every platform.
LOCK_FILES = {"": "cli.txt", "gui": "gui.txt", "gui,dev": "dev.txt"}
# The lock tool, pinned like everything else (only `dev.py lock` uses it).
UV = "uv==0.13.9"


def ensure_env(extras: str) -> None:
    """Create the venv and install the locked dependencies of ``extras`` and the suite (editable),
    if not done already for these exact files."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print(f"dev.py: creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    lock = LOCKS / LOCK_FILES[extras]
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + lock.read_bytes() + extras.encode()
    ).hexdigest()
    stamp = VENV / f".hfsuite-installed-{extras.replace(',', '-') or 'cli'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"dev.py: installing requirements/{lock.name} and hfsuite[{extras}] (editable)", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=False)
    subprocess.run([*pip, "-r", str(lock)], check=True)
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    subprocess.run([*pip, "--no-deps", "-e", target], check=True)
    # Anything the lock does not pin that an earlier install left behind is reported, not kept
    # silently: `pip check` fails on a broken set.
    subprocess.run([str(PYTHON), "-m", "pip", "check"], check=True, stdout=subprocess.DEVNULL)
    stamp.write_text(digest)


def ensure_postgres() -> None:
    """Make PostgreSQL's server programs available to the tests that run the storage on it.

    They start a throwaway server (initdb + pg_ctl) and are skipped without one, so a missing
    server never fails the run. When none is installed, a Debian machine where we are root gets
    it from apt-get; elsewhere the reason is printed. HFSUITE_TEST_NO_PG=1 turns this off.
    """
    if os.environ.get("HFSUITE_TEST_NO_PG", "") not in ("", "0"):
        return

    def found() -> bool:
        return bool(shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb"))

    if found():
        return
    skip = "the PostgreSQL storage tests will be skipped"
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            f"dev.py: PostgreSQL is not installed (no initdb); {skip}. Install it (Debian: "
            "apt-get install postgresql) to run them.",
            flush=True,
        )
        return
    print("dev.py: PostgreSQL is not installed; installing it with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]
    for step in ([install], [["apt-get", "update", "-q"], install]):
        for command in step:
            try:
                done = subprocess.run(
                    command,
                    env=env,
                    check=False,
                    timeout=900,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                print(f"dev.py: {' '.join(command)} failed ({exc}); {skip}.", flush=True)
                return
            if done.returncode != 0:
                reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
                print(f"dev.py: {' '.join(command)} failed: {reason}", flush=True)
                break
        if found():
            return
    print(f"dev.py: PostgreSQL could not be installed; {skip}.", flush=True)


def refresh_locks() -> None:
    """Compile every lock anew from pyproject.toml's ranges, taking the newest versions."""
    ensure_env("gui,dev")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", UV], check=True)
    for extras, name in LOCK_FILES.items():
        command = [
            str(PYTHON), "-m", "uv", "pip", "compile", "pyproject.toml", "--upgrade",
            "--universal", "--python-version", "3.11", "--quiet",
            "--custom-compile-command", "python3 dev.py lock",
            "-o", f"requirements/{name}",
        ]
        for extra in filter(None, extras.split(",")):
            command += ["--extra", extra]
        print(f"dev.py: locking requirements/{name}", flush=True)
        subprocess.run(command, cwd=ROOT, check=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "lock"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "lock":
        refresh_locks()
        print("dev.py: running the tests against the refreshed locks", flush=True)
        command, rest = "test", []
    if command == "run":
        ensure_env("gui")
        exe = BIN / ("hfsuite.exe" if os.name == "nt" else "hfsuite")
        return subprocess.call([str(exe), *(rest or ["demo"])])
    if rest[:1] == ["--postgres"]:
        # Every test's default database is a new PostgreSQL one (tests/conftest.py).
        rest = rest[1:]
        os.environ["HFSUITE_TEST_DB"] = "postgresql"
    if os.environ.get("HFSUITE_TEST_DB") == "postgresql":
        os.environ.pop("HFSUITE_TEST_NO_PG", None)  # that mode needs the server
    ensure_env("gui,dev")
    ensure_postgres()
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
