"""The screenshots' state: settings, a month of download history and a queue part-way through.

Everything is written through the suite's own API (settings store, database, download manager),
into the sandbox the main script set up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _screenshot_hub import DAY, GATED, MIB


def configure(root: Path, hub: Any) -> None:
    """Write the sandbox's settings file, as a user would have it (paths under ~)."""
    from hfsuite.config import SettingsStore

    home = Path.home()
    store = SettingsStore()
    store.set("endpoint", hub.url)
    store.set("db_url", f"sqlite:///{root / 'hfsuite.db'}")
    store.set("hf_home", str(home / ".cache" / "huggingface"))
    store.set("download_dir", str(home / "Models"))
    store.set("tasks_in_parallel", "3")


def _sha(blob: Any) -> str | None:
    return blob.sha256 if blob.size >= 10 * MIB else None


def build_history(suite: Any, hub: Any, commits: dict[str, str], cache: Path) -> None:
    """A month of downloads: completed, one failed, one cancelled, two favorites."""
    from hfsuite.app.history_ops import set_favorite
    from hfsuite.core.types import Layout, Outcome, RepoRef, SourceKind
    from hfsuite.storage import HistorySpec, ManifestEntry, ModelVersionSpec

    home = Path.home()
    now = time.time()
    rows = [
        ("meta-llama/Llama-3.1-8B-Instruct", Outcome.COMPLETED, 0.05, None, 4, 88e6),
        ("Qwen/Qwen2.5-7B-Instruct", Outcome.COMPLETED, 0.9, None, 4, 112e6),
        (
            "black-forest-labs/FLUX.1-dev",
            Outcome.FAILED,
            1.2,
            "Model black-forest-labs/FLUX.1-dev is gated: accept its conditions at "
            "https://huggingface.co/black-forest-labs/FLUX.1-dev, then retry.",
            0,
            0,
        ),
        ("openai/whisper-large-v3", Outcome.COMPLETED, 3.4, "comfy", 1, 64e6),
        ("stabilityai/stable-diffusion-xl-base-1.0", Outcome.COMPLETED, 5.1, "comfy", 2, 97e6),
        ("sentence-transformers/all-MiniLM-L6-v2", Outcome.COMPLETED, 8.0, None, 1, 41e6),
        ("mistralai/Mistral-7B-Instruct-v0.3", Outcome.CANCELLED, 11.5, None, 1, 73e6),
        ("BAAI/bge-m3", Outcome.COMPLETED, 17.0, None, 1, 102e6),
        ("microsoft/Phi-3.5-mini-instruct", Outcome.COMPLETED, 26.0, "lmstudio", 2, 95e6),
    ]
    with suite.database.write() as uow:
        for repo_id, outcome, age, extra, shards, speed in rows:
            name = repo_id.split("/")[1]
            if extra == "comfy":
                dest, layout = str(home / "ComfyUI" / "models" / name), Layout.LOCAL_DIR
            elif extra == "lmstudio":
                dest = str(home / ".lmstudio" / "models" / repo_id)
                layout = Layout.LOCAL_DIR
            else:
                dest, layout = str(cache), Layout.HF_CACHE
            blobs = hub.repo(repo_id).files(commits[repo_id])
            wanted = ["config.json", "tokenizer.json"]
            wanted += sorted(p for p in blobs if p.endswith(".safetensors"))[:shards]
            files = [
                ManifestEntry(path, blobs[path].size, sha256=_sha(blobs[path])) for path in wanted
            ]
            size = sum(f.size_bytes for f in files)
            done_bytes = size if outcome is Outcome.COMPLETED else int(size * 0.37)
            duration = done_bytes / speed if speed else 2.0
            finished = now - age * DAY
            uow.history.add(
                HistorySpec(
                    source=SourceKind.HUGGINGFACE,
                    outcome=outcome,
                    destination=dest,
                    finished_at=finished,
                    started_at=finished - duration,
                    repo_id=repo_id,
                    revision="main",
                    commit=commits[repo_id],
                    layout=layout,
                    files=tuple(files) if outcome is not Outcome.FAILED else (),
                    bytes_downloaded=done_bytes if outcome is not Outcome.FAILED else 0,
                    duration_s=duration,
                    error=extra if outcome is Outcome.FAILED else None,
                )
            )
            if outcome is Outcome.COMPLETED:
                uow.model_versions.upsert(
                    ModelVersionSpec(
                        source=SourceKind.HUGGINGFACE,
                        repo_id=repo_id,
                        commit=commits[repo_id],
                        destination=dest,
                        downloaded_at=finished,
                        revision="main",
                        layout=layout,
                        manifest=tuple(files),
                    )
                )
    for repo_id in ("meta-llama/Llama-3.1-8B-Instruct", "openai/whisper-large-v3"):
        set_favorite(suite.database, RepoRef(repo_id), True)


def wait(cond: Callable[[], bool], timeout_s: float = 120.0, what: str = "") -> None:
    """Poll until ``cond()`` holds."""
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what or cond}")
        time.sleep(0.1)


def build_queue(suite: Any, hub: Any) -> None:
    """Fill the queue: completed, failed, paused part-way, resumed part-way, waiting."""
    from hfsuite.app.queue.manager import DownloadManager, TaskOptions
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
    hub.throttle(per_connection_bps=24 * MIB)
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
