"""Screenshots of the desktop app, every tab in light and dark, at 1280×800.

Starts a Hub emulator with realistic repositories (big files are synthetic blobs generated on
the fly, with metadata and model cards), writes a month of download history, builds a queue —
three completed downloads, one failed (a gated model), one paused half-way, two resumed
mid-download, three waiting — then runs the real window once per image while the emulator serves
the running downloads at a realistic, throttled speed::

    hfsuite gui --screenshot FILE --tab NAME --size 1280x800 --theme T [--search Q --open REPO
        --select GLOB --check-updates]

Regenerate everything in docs/screenshots with::

    python scripts/screenshots.py [--out docs/screenshots] [--themes light dark] [--only browse]

Everything (HOME, settings, database, downloads) lives in a temporary folder: the script never
touches the user's real configuration. Needs a few GB of free disk space for a few minutes.
The repositories are in ``_screenshot_hub.py``; the settings, history and queue in
``_screenshot_stage.py``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _screenshot_hub import MIB, build_hub
from _screenshot_stage import build_history, build_queue, configure

TOKEN = "hf_pJ3kQm8vXz2LtR9wYb4NcD7sFh1Ga6Ue"


def _sandbox(root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        env[name] = str(home / sub)
    for name in list(os.environ):
        if name.startswith(("HF_", "HFSUITE_")) or name.lower().endswith("_proxy"):
            del os.environ[name]
    os.environ.update(env)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


SHOTS: dict[str, list[str]] = {
    "downloads": ["--tab", "downloads"],
    "browse": ["--tab", "browse", "--search", "instruct", "--open", "Qwen/Qwen2.5-7B-Instruct"],
    "browse-files": [
        "--tab", "browse", "--search", "instruct", "--open", "meta-llama/Llama-3.1-8B-Instruct",
        "--select", "*.safetensors", "--select", "*.json",
    ],
    "history": ["--tab", "history", "--check-updates"],
    "settings": ["--tab", "settings"],
}  # fmt: skip


def shoot(env: dict[str, str], target: Path, name: str, theme: str, settle_s: float) -> None:
    """Run ``hfsuite gui --screenshot`` for one image."""
    command = [
        sys.executable, "-m", "hfsuite", "gui", "--screenshot", str(target),
        *SHOTS[name], "--size", "1280x800", "--theme", theme, "--settle", str(settle_s),
    ]  # fmt: skip
    subprocess.run(command, env={**os.environ, **env}, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    parser.add_argument("--only", nargs="+", choices=list(SHOTS), default=list(SHOTS))
    parser.add_argument("--settle", type=float, default=8.0, help="seconds of live data")
    args = parser.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="hfsuite-shots-") as tmp:
        root = Path(tmp)
        env = _sandbox(root)
        from hfsuite.app import accounts
        from hfsuite.app.suite import Suite
        from hfsuite.testing import HubEmulator

        hub = HubEmulator().start()
        try:
            commits = build_hub(hub)
            hub.add_token(TOKEN, user="alex", role="read", orgs=["acme-ai"], display_name="laptop")
            configure(root, hub)
            suite = Suite.open()
            accounts.login(suite, TOKEN)
            build_history(suite, hub, commits, suite.settings.hub_cache)
            build_queue(suite, hub)
            suite.close()
            # in the app: about 13 MiB/s per file, like a good home connection
            hub.throttle(per_connection_bps=1.6 * MIB)
            for theme in args.themes:
                for name in args.only:
                    target = out / f"{name}-{theme}.png"
                    settle = args.settle if name == "downloads" else min(args.settle, 3.0)
                    shoot(env, target, name, theme, settle)
                    print(f"saved {target}")
        finally:
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
