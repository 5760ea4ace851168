"""Screenshots of the Browse, History and Settings tabs, light and dark, at 1280×800.

Fills a Hub emulator with realistic repositories (large files are synthetic blobs that are never
downloaded), a database with a history of downloads (two of which changed upstream since), and a
stored token, then renders the main window offscreen on each tab::

    python scripts/screenshots_tabs.py [--out docs/screenshots] [--tabs browse history settings]

Everything (HOME, settings, database, HF cache) lives in a temporary folder: the script never
touches the user's real configuration.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GIB = 1024**3
MIB = 1024**2
DAY = 86400.0

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


def _sandbox(root: Path) -> None:
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(home)
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        os.environ[name] = str(home / sub)
    for name in list(os.environ):
        if name.startswith(("HF_", "HFSUITE_")) or name.lower().endswith("_proxy"):
            del os.environ[name]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def _big(size: int, seed: int) -> Any:
    """A synthetic blob with a made-up sha256, so listing it costs no hashing of gigabytes."""
    from hfsuite.testing import synthetic

    blob = synthetic(size, seed)
    blob._sha256 = hashlib.sha256(f"{seed}:{size}".encode()).hexdigest()
    return blob


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


REPOS: list[dict[str, Any]] = [
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


def build_hub(hub: Any) -> dict[str, str]:
    """Create the repositories; returns repo id → first commit (for the "updated" story)."""
    now = time.time()
    first_commits = {}
    for i, spec in enumerate(REPOS):
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


def wait(cond: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Let Qt run until ``cond()`` holds."""
    from PySide6.QtTest import QTest

    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("timed out waiting for the UI")
        QTest.qWait(25)


def prepare_browse(tab: Any) -> None:
    wait(tab.is_ready)
    tab.search_bar.set_history(["flux", "whisper", "embedding"])
    tab.search_bar.setText("instruct")
    with_results = tab.search_finished
    hits: list[int] = []
    with_results.connect(hits.append)
    tab.search_bar.search_now()
    wait(lambda: bool(hits))
    tab.select_result(1)  # Qwen: its card is readable (gated repos hide their README)
    wait(lambda: tab.opened is not None)
    tab.detail_tabs.setCurrentIndex(0)


def prepare_browse_files(tab: Any) -> None:
    prepare_browse(tab)
    tab.select_result(0)  # Llama 3.1: gated, four shards
    wait(lambda: tab.opened is not None and tab.opened.id.startswith("meta-llama"))
    tab.detail_tabs.setCurrentIndex(1)
    files = [f.path for f in tab.files_model.files]
    tab.files_model.set_checked([p for p in files if p.endswith(".safetensors") or "json" in p])


def prepare_history(tab: Any) -> None:
    wait(tab.is_ready)
    tab.check_updates()
    wait(lambda: bool(tab.update_reports), 60)
    tab.select_rows([1])


def prepare_settings(tab: Any) -> None:
    wait(tab.is_ready)
    tab.token_input.edit.setText("hf_pJ3kQm8vXz2LtR9wYb4NcD7sFh1Ga6Ue")
    tab.validate_token(tab.token_input.token())
    wait(lambda: tab.token_input.status.property("status") == "ok")
    if tab.fields["global_limit_bps"].read() != "40M":
        tab.set_text("global_limit_bps", "40M")
        tab.commit("global_limit_bps")
        wait(lambda: tab.message_of("global_limit_bps") == "Saved.")


PREPARE = {
    "browse": prepare_browse,
    "browse-files": prepare_browse_files,
    "history": prepare_history,
    "settings": prepare_settings,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument(
        "--tabs", nargs="+", default=["browse", "browse-files", "history", "settings"]
    )
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.lower().split("x"))

    with tempfile.TemporaryDirectory(prefix="hfsuite-shots-") as tmp:
        root = Path(tmp)
        _sandbox(root)
        from PySide6.QtWidgets import QApplication

        from hfsuite.app import accounts
        from hfsuite.app.manager import DownloadManager
        from hfsuite.app.suite import Suite
        from hfsuite.config import SettingsStore
        from hfsuite.testing import HubEmulator
        from hfsuite.ui.context import UiContext
        from hfsuite.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication(sys.argv[:1])
        with HubEmulator() as hub:
            commits = build_hub(hub)
            hub.add_token(
                "hf_pJ3kQm8vXz2LtR9wYb4NcD7sFh1Ga6Ue",
                user="alex",
                role="read",
                orgs=["acme-ai"],
                display_name="laptop",
            )
            store = SettingsStore(root / "cfg" / "settings.toml")
            store.set("endpoint", hub.url)
            store.set("db_url", f"sqlite:///{root / 'hfsuite.db'}")
            store.set("hf_home", str(Path.home() / ".cache" / "huggingface"))
            store.set("download_dir", str(Path.home() / "Models"))
            store.set("tasks_in_parallel", "3")
            suite = Suite(store.load(), store)
            build_history(suite, hub, commits, suite.settings.hub_cache)
            accounts.login(suite, "hf_pJ3kQm8vXz2LtR9wYb4NcD7sFh1Ga6Ue")
            for theme in args.themes:
                for name in args.tabs:
                    manager = DownloadManager(suite)
                    ctx = UiContext(suite, manager)
                    window = MainWindow(
                        ctx, theme=theme, state_path=root / f"gui-{theme}.ini", restore=False
                    )
                    window.resize(width, height)
                    window.show()
                    tab = window.show_tab(name.split("-")[0])
                    PREPARE[name](tab)
                    wait(lambda ctx=ctx: not ctx.busy)
                    app.processEvents()
                    target = out / f"{name}-{theme}.png"
                    window.grab().save(str(target))
                    print(target)
                    window.close()
                    window.deleteLater()
                    ctx.pool.waitForDone(10_000)
            suite.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
