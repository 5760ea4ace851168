"""The screenshots' Hub: realistic repositories with metadata, model cards and big files.

The catalog is what the Browse and History tabs show (a dozen well-known models, two of which
moved on after they were downloaded); the queue's repositories are what the Downloads tab
downloads (one of them gated, so its task fails). Big files are synthetic blobs generated on the
fly by the emulator.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

MIB = 1024**2
MB = 1000**2
DAY = 86400.0
CONFIG = b'{"architectures": ["AutoModel"], "torch_dtype": "bfloat16"}'
TOKENIZER = b'{"version": "1.0", "model": {"type": "BPE"}}' * 200

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
