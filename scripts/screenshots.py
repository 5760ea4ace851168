"""Screenshots of the Downloads tab with a running queue, light and dark, at 1280×800.

Starts a Hub emulator with realistic repositories (big files are synthetic blobs generated on
the fly), builds a queue in a temporary database — three completed downloads, one failed (a
gated model), one paused half-way, two resumed mid-download, three waiting — then runs
``hfsuite gui --screenshot`` in a subprocess for each theme while the emulator serves the
running downloads at a realistic, throttled speed::

    python scripts/screenshots.py [--out docs/screenshots] [--themes light dark] [--settle 8]

Everything (HOME, settings, database, downloads) lives in a temporary folder: the script never
touches the user's real configuration. Needs a few GB of free disk space for a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MIB = 1024**2
MB = 1000**2
CONFIG = b'{"architectures": ["AutoModel"], "torch_dtype": "bfloat16"}'
TOKENIZER = b'{"version": "1.0", "model": {"type": "BPE"}}' * 200


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


def _big(size: int, seed: int) -> Any:
    """A synthetic blob; above 1 GB with a made-up sha256 (no hashing of gigabytes to list it:
    those files never finish while the script runs)."""
    from hfsuite.testing import synthetic

    blob = synthetic(size, seed)
    if size > 1000 * MB:
        blob._sha256 = hashlib.sha256(f"{seed}:{size}".encode()).hexdigest()
    return blob


def _model(weights: dict[str, int], seed: int) -> dict[str, Any]:
    files: dict[str, Any] = {"config.json": CONFIG, "tokenizer.json": TOKENIZER}
    for i, (name, size) in enumerate(weights.items()):
        files[name] = _big(size, seed * 100 + i)
    return files


REPOS: dict[str, dict[str, int]] = {
    # completed before the screenshot
    "BAAI/bge-small-en-v1.5": {"model.safetensors": 133 * MB},
    "sentence-transformers/all-MiniLM-L6-v2": {"model.safetensors": 91 * MB},
    "openai/whisper-base": {"model.safetensors": 290 * MB},
    # paused half-way
    "stabilityai/sdxl-vae": {"diffusion_pytorch_model.safetensors": 335 * MB},
    # downloading while the screenshot is taken
    "Qwen/Qwen2.5-1.5B-Instruct": {"model.safetensors": 3087 * MB},
    "openai/whisper-large-v3-turbo": {"model.safetensors": 1618 * MB},
    # waiting
    "HuggingFaceTB/SmolLM2-1.7B-Instruct": {"model.safetensors": 3423 * MB},
    "nomic-ai/nomic-embed-text-v1.5": {"model.safetensors": 547 * MB},
    "microsoft/Phi-3.5-mini-instruct": {
        "model-00001-of-00002.safetensors": 4972 * MB,
        "model-00002-of-00002.safetensors": 2669 * MB,
    },
}
GATED = "meta-llama/Llama-3.2-1B"


def build_hub(hub: Any) -> None:
    """Serve the repositories (one of them gated, so its task fails with a clear message)."""
    for seed, (repo_id, weights) in enumerate(REPOS.items(), start=1):
        hub.create_repo(repo_id, files=_model(weights, seed))
    hub.create_repo(GATED, gated="manual", files=_model({"model.safetensors": 2471 * MB}, 99))


def wait(cond: Callable[[], bool], timeout_s: float = 120.0, what: str = "") -> None:
    """Poll until ``cond()`` holds."""
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what or cond}")
        time.sleep(0.1)


def build_queue(suite: Any, hub: Any) -> None:
    """Fill the queue: completed, failed, paused part-way, resumed part-way, waiting."""
    from hfsuite.app.manager import DownloadManager, TaskOptions
    from hfsuite.core.types import Priority, TaskState

    manager = DownloadManager(suite)
    manager.sync()
    options = TaskOptions()
    done = [
        "BAAI/bge-small-en-v1.5",
        "sentence-transformers/all-MiniLM-L6-v2",
        "openai/whisper-base",
    ]
    manager.add_repos([*done, GATED], options)
    manager.run()  # until the queue is empty: three complete, the gated one fails

    def progress(task_id: int) -> float:
        live = manager.progress().get(task_id)
        return live.fraction if live else 0.0

    # part-way: run, then pause each one at its mark; the paused ones keep their bytes
    hub.throttle(per_connection_bps=12 * MIB)
    marks = {
        "stabilityai/sdxl-vae": 0.38,
        "Qwen/Qwen2.5-1.5B-Instruct": 0.46,
        "openai/whisper-large-v3-turbo": 0.21,
    }
    manager.tasks_in_parallel = 3
    ids = dict(zip(marks, manager.add_repos(list(marks), options), strict=True))
    manager.start(poll_interval_s=0.2)
    pending = dict(ids)
    end = time.monotonic() + 300
    while pending and time.monotonic() < end:
        for name, task_id in list(pending.items()):
            if progress(task_id) >= marks[name]:
                manager.pause([task_id])
                del pending[name]
        time.sleep(0.05)
    wait(
        lambda: all(
            (t := manager.get(i)) is not None and t.state is TaskState.PAUSED for i in ids.values()
        ),
        what="paused tasks",
    )
    manager.stop()
    # these two run again when the app starts; the VAE stays paused
    manager.resume([ids["Qwen/Qwen2.5-1.5B-Instruct"], ids["openai/whisper-large-v3-turbo"]])
    manager.add_repos(["HuggingFaceTB/SmolLM2-1.7B-Instruct", "nomic-ai/nomic-embed-text-v1.5"])
    manager.add_repos(["microsoft/Phi-3.5-mini-instruct"], TaskOptions(priority=Priority.LOW))


def shoot(env: dict[str, str], out: Path, theme: str, settle_s: float) -> None:
    """Run ``hfsuite gui --screenshot`` for one theme."""
    command = [
        sys.executable, "-m", "hfsuite", "gui",
        "--screenshot", str(out / f"downloads-{theme}.png"),
        "--tab", "downloads", "--size", "1280x800",
        "--theme", theme, "--settle", str(settle_s),
    ]  # fmt: skip
    subprocess.run(command, env={**os.environ, **env}, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    parser.add_argument("--settle", type=float, default=8.0, help="seconds of live data")
    args = parser.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="hfsuite-shots-") as tmp:
        root = Path(tmp)
        env = _sandbox(root)
        from hfsuite.app.suite import Suite
        from hfsuite.testing import HubEmulator

        hub = HubEmulator().start()
        try:
            build_hub(hub)
            env.update(
                {
                    "HF_ENDPOINT": hub.url,
                    "HFSUITE_DB_URL": f"sqlite:///{root / 'hfsuite.db'}",
                    "HFSUITE_HF_HOME": str(root / "hf-home"),
                    "HFSUITE_DOWNLOAD_DIR": str(root / "downloads"),
                }
            )
            os.environ.update(env)
            suite = Suite.open()
            build_queue(suite, hub)
            suite.close()
            # in the app: about 13 MiB/s per file, like a good home connection
            hub.throttle(per_connection_bps=1.6 * MIB)
            for theme in args.themes:
                shoot(env, out, theme, args.settle)
                print(f"saved {out / f'downloads-{theme}.png'}")
        finally:
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
