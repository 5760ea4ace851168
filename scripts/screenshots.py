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

GIB = 1024**3
MIB = 1024**2
MB = 1000**2
DAY = 86400.0
CONFIG = b'{"architectures": ["AutoModel"], "torch_dtype": "bfloat16"}'
TOKENIZER = b'{"version": "1.0", "model": {"type": "BPE"}}' * 200
TOKEN = "hf_pJ3kQm8vXz2LtR9wYb4NcD7sFh1Ga6Ue"

README = """---
license: {license}
language: [en]
pipeline_tag: {task}
---
# {name}

**{name}** is a {desc}. It was trained on a curated mix of public data and tuned for
helpful, harmless answers.

## Model details

| Property | Value |
|---|---|
| Developed by | {org} |
| Architecture | decoder-only transformer |
| Context length | 128k tokens |
| License | {license} |

## Quick start

```python
from transformers import pipeline

pipe = pipeline("{task}", model="{repo}")
print(pipe("Explain segmented downloads in one sentence."))
```

## Intended use

Research and commercial use in English. See the license for the terms that apply.

## Limitations

Like every language model it can produce inaccurate or biased text; evaluate it for your use.
"""


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


def _llm_files(params_b: float, seed: int, shards: int) -> dict[str, Any]:
    total = int(params_b * 2 * 1e9)
    files: dict[str, Any] = {
        "config.json": b'{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096}',
        "generation_config.json": b'{"temperature": 0.6, "top_p": 0.9}',
        "tokenizer.json": _big(9 * MIB + 85_000, seed + 100),
        "tokenizer_config.json": b'{"model_max_length": 131072}' + b" " * 50_000,
        "special_tokens_map.json": b'{"bos_token": "<s>"}',
        "model.safetensors.index.json": b'{"weight_map": {}}' + b" " * 23_000,
    }
    for i in range(shards):
        name = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        files[name] = _big(total // shards + i * 7_919, seed + i)
    return files


CATALOG: list[dict[str, Any]] = [
    dict(
        repo="meta-llama/Llama-3.1-8B-Instruct",
        task="text-generation",
        lib="transformers",
        license="llama3.1",
        downloads=5_310_000,
        likes=4_120,
        days=6,
        gated="auto",
        params=8.0,
        shards=4,
        tags=["llama", "conversational", "en", "facebook"],
    ),
    dict(
        repo="Qwen/Qwen2.5-7B-Instruct",
        task="text-generation",
        lib="transformers",
        license="apache-2.0",
        downloads=2_480_000,
        likes=812,
        days=21,
        params=7.6,
        shards=4,
        tags=["qwen2", "chat", "conversational", "en", "zh"],
    ),
    dict(
        repo="mistralai/Mistral-7B-Instruct-v0.3",
        task="text-generation",
        lib="transformers",
        license="apache-2.0",
        downloads=1_920_000,
        likes=1_650,
        days=45,
        params=7.2,
        shards=3,
        tags=["mistral", "conversational", "vllm"],
    ),
    dict(
        repo="stabilityai/stable-diffusion-xl-base-1.0",
        task="text-to-image",
        lib="diffusers",
        license="openrail++",
        downloads=1_740_000,
        likes=6_230,
        days=90,
        params=3.5,
        shards=2,
        tags=["stable-diffusion", "sdxl", "onnx"],
    ),
    dict(
        repo="black-forest-labs/FLUX.1-dev",
        task="text-to-image",
        lib="diffusers",
        license="flux-1-dev-non-commercial",
        downloads=1_560_000,
        likes=10_900,
        days=12,
        gated="auto",
        params=12.0,
        shards=3,
        tags=["flux", "image-generation"],
    ),
    dict(
        repo="openai/whisper-large-v3",
        task="automatic-speech-recognition",
        lib="transformers",
        license="apache-2.0",
        downloads=4_020_000,
        likes=4_410,
        days=160,
        params=1.55,
        shards=1,
        tags=["whisper", "audio", "hf-asr-leaderboard"],
    ),
    dict(
        repo="sentence-transformers/all-MiniLM-L6-v2",
        task="sentence-similarity",
        lib="sentence-transformers",
        license="apache-2.0",
        downloads=96_400_000,
        likes=3_350,
        days=300,
        params=0.023,
        shards=1,
        tags=["feature-extraction", "bert", "en"],
    ),
    dict(
        repo="google/gemma-2-9b-it",
        task="text-generation",
        lib="transformers",
        license="gemma",
        downloads=610_000,
        likes=690,
        days=70,
        gated="manual",
        params=9.2,
        shards=4,
        tags=["gemma2", "conversational"],
    ),
    dict(
        repo="microsoft/Phi-3.5-mini-instruct",
        task="text-generation",
        lib="transformers",
        license="mit",
        downloads=880_000,
        likes=860,
        days=33,
        params=3.8,
        shards=2,
        tags=["phi3", "nlp", "code", "multilingual"],
    ),
    dict(
        repo="bartowski/Llama-3.2-3B-Instruct-GGUF",
        task="text-generation",
        lib="gguf",
        license="llama3.2",
        downloads=420_000,
        likes=150,
        days=3,
        params=3.2,
        shards=1,
        tags=["gguf", "llama", "imatrix"],
    ),
    dict(
        repo="BAAI/bge-m3",
        task="sentence-similarity",
        lib="sentence-transformers",
        license="mit",
        downloads=3_900_000,
        likes=2_070,
        days=120,
        params=0.57,
        shards=1,
        tags=["xlm-roberta", "feature-extraction", "multilingual"],
    ),
    dict(
        repo="deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        task="text-generation",
        lib="transformers",
        license="mit",
        downloads=1_210_000,
        likes=640,
        days=1,
        params=7.6,
        shards=2,
        tags=["qwen2", "reasoning", "conversational"],
    ),
]


def build_catalog(hub: Any) -> dict[str, str]:
    """Create the repositories; returns repo id → first commit (for the "updated" story)."""
    now = time.time()
    first_commits = {}
    for i, spec in enumerate(CATALOG):
        org, name = spec["repo"].split("/")
        files = _llm_files(spec["params"], seed=i * 50, shards=spec["shards"])
        desc = {
            "text-generation": "instruction-tuned language model",
            "text-to-image": "latent text-to-image diffusion model",
            "automatic-speech-recognition": "multilingual speech recognition model",
            "sentence-similarity": "sentence embedding model",
        }[spec["task"]]
        files["README.md"] = README.format(
            name=name,
            org=org,
            repo=spec["repo"],
            license=spec["license"],
            task=spec["task"],
            desc=desc,
        ).encode()
        repo = hub.create_repo(
            spec["repo"],
            gated=spec.get("gated", False),
            downloads=spec["downloads"],
            likes=spec["likes"],
            trending_score=spec["likes"] // (spec["days"] + 1),
            pipeline_tag=spec["task"],
            library_name=spec["lib"],
            tags=[spec["lib"], *spec["tags"], f"license:{spec['license']}"],
            card_data={"license": spec["license"]},
        )
        first_commits[spec["repo"]] = repo.commit(files, timestamp=now - spec["days"] * DAY)
    # Two repositories moved on after they were downloaded.
    hub.repo("Qwen/Qwen2.5-7B-Instruct").commit(
        {"tokenizer.json": _big(9 * MIB + 91_000, 777), "generation_config.json": b'{"t": 0.7}'},
        timestamp=now - 2 * DAY,
    )
    hub.repo("openai/whisper-large-v3").commit(
        {"model-00001-of-00001.safetensors": _big(3_100_000_000, 778)}, timestamp=now - DAY
    )
    return first_commits


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


QUEUE_META: dict[str, tuple[str, str, int, int]] = {
    "BAAI/bge-small-en-v1.5": ("sentence-similarity", "sentence-transformers", 4_100_000, 320),
    "openai/whisper-base": ("automatic-speech-recognition", "transformers", 1_050_000, 230),
    "stabilityai/sdxl-vae": ("text-to-image", "diffusers", 310_000, 640),
    "Qwen/Qwen2.5-1.5B-Instruct": ("text-generation", "transformers", 1_300_000, 410),
    "openai/whisper-large-v3-turbo": (
        "automatic-speech-recognition",
        "transformers",
        2_900_000,
        2_100,
    ),
    "HuggingFaceTB/SmolLM2-1.7B-Instruct": ("text-generation", "transformers", 260_000, 590),
    "nomic-ai/nomic-embed-text-v1.5": (
        "sentence-similarity",
        "sentence-transformers",
        760_000,
        540,
    ),
    GATED: ("text-generation", "transformers", 1_400_000, 1_700),
}


def build_hub(hub: Any) -> dict[str, str]:
    """Serve the catalog (with metadata and model cards) and the queue's repositories (one of
    them gated, so its task fails with a clear message). Returns the catalog's first commits."""
    commits = build_catalog(hub)
    weights = {**REPOS, GATED: {"model.safetensors": 2471 * MB}}
    for seed, (repo_id, files) in enumerate(weights.items(), start=1):
        if repo_id in commits:  # in the catalog already (its files are small enough)
            continue
        task, lib, downloads, likes = QUEUE_META[repo_id]
        hub.create_repo(
            repo_id,
            gated="manual" if repo_id == GATED else False,
            files=_model(files, 99 if repo_id == GATED else seed),
            downloads=downloads,
            likes=likes,
            trending_score=likes // 10,
            pipeline_tag=task,
            library_name=lib,
            tags=[lib, task],
        )
    return commits


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
