"""Screenshots of the statistics dashboard and the model comparison, light and dark, 1280×800::

    python scripts/panel_screenshots.py [--out docs/screenshots] [--themes light dark]

Builds, in a temporary HOME, what a person who has used the app for two months would have:

* two months of downloads (history rows and the per-day statistics ``hfsuite stats`` reads,
  written through the storage API as the queue writes them), a few failed or cancelled;
* a library: the HF cache, ComfyUI, A1111 and LM Studio folders of ``library_screenshots.py``
  (real headers, sparse data), scanned;
* two Llama repositories on a Hub emulator with their real file layout and config.json (big
  weights are synthetic blobs generated on the fly).

Then each panel is built with its ``stage_for_screenshot(ctx, options)`` (the function
``hfsuite gui --screenshot`` calls) and grabbed: ``stats-dashboard-{theme}.png`` (30 days) and
``compare-{theme}.png`` (Llama 3.1 8B against Llama 3.2 3B).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _screenshot_hub import DAY, MB, _big
from library_screenshots import build_library
from screenshots import _sandbox

GB = 1000**3

LLAMA_31 = {
    "architectures": ["LlamaForCausalLM"],
    "attention_bias": False,
    "bos_token_id": 128000,
    "eos_token_id": [128001, 128008, 128009],
    "hidden_act": "silu",
    "hidden_size": 4096,
    "initializer_range": 0.02,
    "intermediate_size": 14336,
    "max_position_embeddings": 131072,
    "model_type": "llama",
    "num_attention_heads": 32,
    "num_hidden_layers": 32,
    "num_key_value_heads": 8,
    "rms_norm_eps": 1e-05,
    "rope_scaling": {
        "factor": 8.0,
        "high_freq_factor": 4.0,
        "low_freq_factor": 1.0,
        "original_max_position_embeddings": 8192,
        "rope_type": "llama3",
    },
    "rope_theta": 500000.0,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.42.3",
    "vocab_size": 128256,
}
LLAMA_32 = {
    **LLAMA_31,
    "head_dim": 128,
    "hidden_size": 3072,
    "intermediate_size": 8192,
    "num_attention_heads": 24,
    "num_hidden_layers": 28,
    "rope_scaling": {**LLAMA_31["rope_scaling"], "factor": 32.0},  # type: ignore[dict-item]
    "tie_word_embeddings": True,
    "transformers_version": "4.45.0.dev0",
}


def _llama_files(config: dict[str, Any], shards: list[int], seed: int, policy: str) -> dict:
    from hfsuite.testing import synthetic

    count = len(shards)
    files: dict[str, Any] = {
        "config.json": json.dumps(config, indent=2).encode(),
        "generation_config.json": json.dumps(
            {"bos_token_id": 128000, "do_sample": True, "temperature": 0.6, "top_p": 0.9}
        ).encode(),
        "model.safetensors.index.json": b'{"metadata": {}, "weight_map": {}}' + b" " * 23_900,
        "special_tokens_map.json": b'{"bos_token": "<|begin_of_text|>"}',
        "tokenizer.json": synthetic(9_085_657, 31),  # the same tokenizer in both
        "tokenizer_config.json": b'{"model_max_length": 131072}' + b" " * (50_500 + seed),
        "LICENSE": policy.encode() * 40,
        "USE_POLICY.md": b"# Acceptable Use Policy\n" * (180 + seed),
        "README.md": b"# Llama\n" * (3000 + 400 * seed),
    }
    for i, size in enumerate(shards):
        files[f"model-{i + 1:05d}-of-{count:05d}.safetensors"] = _big(size, seed * 10 + i)
    return files


def build_compare_hub(hub: Any) -> None:
    """Two Llama repositories with their real layout, sizes, licenses and tags."""
    common = ["transformers", "safetensors", "llama", "facebook", "meta", "pytorch", "llama-3"]
    hub.create_repo(
        "meta-llama/Llama-3.1-8B-Instruct",
        files=_llama_files(
            LLAMA_31,
            [4_976_698_672, 4_999_802_720, 4_915_916_176, 1_168_138_808],
            1,
            "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\n",
        ),
        tags=[*common, "text-generation", "conversational", "en", "de", "fr", "license:llama3.1"],
        card_data={"license": "llama3.1"},
        pipeline_tag="text-generation",
        library_name="transformers",
    )
    hub.create_repo(
        "meta-llama/Llama-3.2-3B-Instruct",
        files=_llama_files(
            LLAMA_32, [4_965_799_096, 1_459_729_952], 2, "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\n"
        ),
        tags=[*common, "text-generation", "conversational", "llama-3.2", "en", "license:llama3.2"],
        card_data={"license": "llama3.2"},
        pipeline_tag="text-generation",
        library_name="transformers",
    )


# (repository, size in bytes) that the history picks from
DOWNLOADS = [
    ("meta-llama/Llama-3.1-8B-Instruct", 16.06 * GB),
    ("Qwen/Qwen2.5-7B-Instruct", 15.23 * GB),
    ("black-forest-labs/FLUX.1-dev", 23.8 * GB),
    ("stabilityai/stable-diffusion-xl-base-1.0", 6.94 * GB),
    ("openai/whisper-large-v3", 3.09 * GB),
    ("mistralai/Mistral-7B-Instruct-v0.3", 14.5 * GB),
    ("bartowski/Llama-3.2-3B-Instruct-GGUF", 2.02 * GB),
    ("BAAI/bge-m3", 2.27 * GB),
    ("sentence-transformers/all-MiniLM-L6-v2", 91 * MB),
    ("nerijs/pixel-art-xl", 171 * MB),
    ("madebyollin/sdxl-vae-fp16-fix", 335 * MB),
    ("microsoft/Phi-3.5-mini-instruct", 7.64 * GB),
    ("google/gemma-2-9b-it", 18.5 * GB),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 15.2 * GB),
]


def build_history(suite: Any) -> None:
    """Two months of downloads: a history row and the day's statistics for each."""
    from hfsuite.app.history_ops import local_day
    from hfsuite.core.types import Layout, Outcome, RepoType, SourceKind
    from hfsuite.storage import HistorySpec

    rng = random.Random(11)
    now = time.time()
    cache = str(Path.home() / ".cache" / "huggingface" / "hub")
    weights = [14, 9, 6, 8, 5, 5, 7, 4, 6, 5, 4, 3, 3, 4]  # how often each repository comes up
    with suite.database.write() as uow:
        for _ in range(46):
            age = rng.triangular(0, 62, 4)
            if 40 < age < 47:  # a holiday: two idle weeks show as gaps
                continue
            repo_id, size = rng.choices(DOWNLOADS, weights)[0]
            roll = rng.random()
            outcome = (
                Outcome.FAILED if roll < 0.06 else Outcome.CANCELLED if roll < 0.11 else
                Outcome.COMPLETED
            )  # fmt: skip
            got = int(size) if outcome is Outcome.COMPLETED else int(size * rng.uniform(0.05, 0.6))
            speed = rng.uniform(38, 112) * MB
            seconds = got / speed
            finished = now - age * DAY
            uow.history.add(
                HistorySpec(
                    source=SourceKind.HUGGINGFACE,
                    outcome=outcome,
                    destination=cache,
                    finished_at=finished,
                    started_at=finished - seconds,
                    repo_id=repo_id,
                    repo_type=RepoType.MODEL,
                    revision="main",
                    layout=Layout.HF_CACHE,
                    bytes_downloaded=got,
                    duration_s=seconds,
                    error="Connection reset by the server." if outcome is Outcome.FAILED else None,
                )
            )
            uow.stats.record(local_day(finished), outcome, bytes_downloaded=got, seconds=seconds)


@dataclass(frozen=True)
class Options:
    """What ``hfsuite gui --screenshot`` hands the panels (the fields they read)."""

    path: Path
    size: tuple[int, int] = (1280, 800)
    timeout_s: float = 60.0
    search: str | None = None
    open_repo: str | None = None
    select: tuple[str, ...] = ()


def render(out: Path, themes: list[str]) -> None:
    """Stage each panel in each theme and save it as a PNG."""
    from PySide6.QtWidgets import QApplication

    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite
    from hfsuite.ui import theme as ui_theme
    from hfsuite.ui.context import UiContext
    from hfsuite.ui.dialogs import compare_dialog, stats_dashboard

    app = QApplication.instance() or QApplication([])
    suite = Suite.open()
    manager = DownloadManager(suite)
    ctx = UiContext(suite, manager)
    shots = {
        "stats-dashboard": (stats_dashboard.stage_for_screenshot, {"search": "30d"}),
        "compare": (
            compare_dialog.stage_for_screenshot,
            {"select": ("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.2-3B-Instruct")},
        ),
    }
    try:
        for name in themes:
            ui_theme.apply_theme(app, name)  # type: ignore[arg-type]
            for shot, (stage, extra) in shots.items():
                target = out / f"{shot}-{name}.png"
                widget = stage(ctx, Options(target, **extra))  # type: ignore[arg-type]
                widget.show()
                for _ in range(20):
                    app.processEvents()
                if not widget.grab().save(str(target)):
                    raise SystemExit(f"could not write {target}")
                widget.close()
                widget.deleteLater()
                app.processEvents()
                print(f"saved {target}")
    finally:
        ctx.close()
        suite.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    args = parser.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hfsuite-panel-shots-") as tmp:
        root = Path(tmp)
        env = _sandbox(root)
        os.environ.update(env)
        from _screenshot_stage import configure

        from hfsuite.app.suite import Suite
        from hfsuite.testing import HubEmulator

        hub = HubEmulator().start()
        try:
            configure(root, hub)
            build_compare_hub(hub)
            roots = build_library(Path(env["HOME"]), hub)
            suite = Suite.open()
            for folder in roots:
                suite.library.add_root(folder)
            suite.library.scan()
            build_history(suite)
            suite.close()
            render(out, args.themes)
        finally:
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
