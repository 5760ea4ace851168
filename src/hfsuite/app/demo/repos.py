"""The demo's repositories: a small LLM and a small diffusion model, generated, never stored.

Weights are real safetensors files (an 8-byte header length, a JSON header naming each tensor's
dtype, shape and byte range, then the data) whose tensor data is the emulator's synthetic,
deterministic content: the same bytes every run, produced on the fly while they are served. The
diffusion repository also holds a ComfyUI workflow that loads its checkpoint and LoRA.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

from hfsuite.app.demo.workflow import comfyui_workflow
from hfsuite.testing import Blob, HubEmulator, SyntheticBlob

LLM_REPO = "hfsuite-demo/tiny-llm"
DIFFUSION_REPO = "hfsuite-demo/tiny-diffusion"
CHECKPOINT = "tiny-diffusion.safetensors"
LORA = "tiny-diffusion-watercolor-lora.safetensors"
WORKFLOW = "workflows/tiny-diffusion-watercolor.json"

#: When the demo's repositories were committed (2025-06-02, UTC).
COMMITTED = 1_748_822_400.0
_DTYPE_BYTES = {"BF16": 2, "F16": 2, "F32": 4}
Tensor = tuple[str, str, Sequence[int]]


class SafetensorsBlob(Blob):
    """A safetensors file: a real header over synthetic tensor data.

    Args:
        tensors: ``(name, dtype, shape)`` in file order; each tensor's bytes follow the last.
        seed: Seed of the synthetic data (same seed, same bytes).
        metadata: The header's ``__metadata__`` (strings only, as the format wants).
    """

    def __init__(
        self, tensors: Sequence[Tensor], seed: int, metadata: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        header: dict[str, Any] = {"__metadata__": metadata or {"format": "pt"}}
        offset = 0
        for name, dtype, shape in tensors:
            end = offset + _DTYPE_BYTES[dtype] * prod(shape)
            header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, end]}
            offset = end
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
        self.header = struct.pack("<Q", len(text)) + text
        self.data = SyntheticBlob(offset, seed)
        self.size = len(self.header) + offset

    def read(self, offset: int, length: int) -> bytes:
        head = self.header[offset : offset + length]
        start = max(offset - len(self.header), 0)
        rest = length - len(head)
        return head + (self.data.read(start, rest) if rest > 0 else b"")

    def identity(self) -> str:
        return f"safetensors:{len(self.header)}:{self.data.identity()}"


def llm_tensors(vocab: int = 32000, hidden: int = 512, layers: int = 8) -> list[Tensor]:
    """A Llama-shaped decoder in bfloat16 (about 110 MiB with the defaults)."""
    inter = hidden * 11 // 4
    tensors: list[Tensor] = [("model.embed_tokens.weight", "BF16", (vocab, hidden))]
    for i in range(layers):
        p = f"model.layers.{i}."
        tensors += [(p + "input_layernorm.weight", "BF16", (hidden,))]
        tensors += [(p + f"self_attn.{x}_proj.weight", "BF16", (hidden, hidden)) for x in "qkvo"]
        tensors += [
            (p + "post_attention_layernorm.weight", "BF16", (hidden,)),
            (p + "mlp.gate_proj.weight", "BF16", (inter, hidden)),
            (p + "mlp.up_proj.weight", "BF16", (inter, hidden)),
            (p + "mlp.down_proj.weight", "BF16", (hidden, inter)),
        ]
    return [
        *tensors,
        ("model.norm.weight", "BF16", (hidden,)),
        ("lm_head.weight", "BF16", (vocab, hidden)),
    ]


def checkpoint_tensors() -> list[Tensor]:
    """A single-file Stable-Diffusion-shaped checkpoint in float16 (about 60 MiB)."""
    tensors: list[Tensor] = [
        (
            "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight",
            "F16",
            (49408, 256),
        )
    ]
    tensors += [
        (f"model.diffusion_model.input_blocks.{i}.0.weight", "F16", (320, 320, 3, 3))
        for i in range(12)
    ]
    tensors += [
        (
            f"first_stage_model.decoder.up.{i // 3}.block.{i % 3}.conv1.weight",
            "F16",
            (256, 256, 3, 3),
        )
        for i in range(12)
    ]
    return [*tensors, ("model.diffusion_model.out.2.weight", "F16", (4, 320, 3, 3))]


def lora_tensors(rank: int = 32) -> list[Tensor]:
    """A LoRA for the checkpoint: down/up pairs for the UNet's attention layers (about 4 MiB)."""
    tensors: list[Tensor] = []
    for block in range(12):
        for proj in ("to_q", "to_k", "to_v", "to_out_0"):
            name = f"lora_unet_input_blocks_{block}_1_transformer_blocks_0_attn1_{proj}"
            tensors += [
                (f"{name}.lora_down.weight", "F16", (rank, 640)),
                (f"{name}.lora_up.weight", "F16", (640, rank)),
            ]
    return tensors


@dataclass(frozen=True)
class DemoRepo:
    """One generated repository: its id, files, and what the Hub says about it."""

    repo_id: str
    files: dict[str, Blob | bytes]
    metadata: dict[str, Any]

    def lfs_paths(self) -> Iterator[str]:
        """The weights, stored with git-lfs as on the Hub (whatever their size)."""
        return (path for path in self.files if path.endswith(".safetensors"))


def _json(data: object) -> bytes:
    return json.dumps(data, indent=2).encode() + b"\n"


def _card(title: str, body: str, front: dict[str, str]) -> bytes:
    lines = ["---", *(f"{k}: {v}" for k, v in front.items()), "---", f"# {title}", "", body]
    return ("\n".join(lines) + "\n").encode()


def demo_repos() -> list[DemoRepo]:
    """The repositories the demo serves (the same bytes every time)."""
    llm = DemoRepo(
        LLM_REPO,
        {
            "README.md": _card(
                "tiny-llm",
                "A small Llama-shaped chat model generated for the HF Download Suite demo. "
                "Its weights are synthetic: it downloads like a real model, it does not talk.",
                {
                    "license": "apache-2.0",
                    "pipeline_tag": "text-generation",
                    "library_name": "transformers",
                },
            ),
            "config.json": _json(
                {
                    "architectures": ["LlamaForCausalLM"],
                    "hidden_size": 512,
                    "intermediate_size": 1408,
                    "num_hidden_layers": 8,
                    "num_attention_heads": 8,
                    "vocab_size": 32000,
                    "torch_dtype": "bfloat16",
                }
            ),
            "generation_config.json": _json({"temperature": 0.7, "top_p": 0.9}),
            "tokenizer_config.json": _json(
                {"model_max_length": 2048, "tokenizer_class": "LlamaTokenizer"}
            ),
            "model.safetensors": SafetensorsBlob(llm_tensors(), seed=101),
        },
        {
            "pipeline_tag": "text-generation",
            "library_name": "transformers",
            "tags": [
                "transformers",
                "llama",
                "text-generation",
                "conversational",
                "license:apache-2.0",
            ],
            "downloads": 48_210,
            "likes": 312,
            "card_data": {"license": "apache-2.0"},
        },
    )
    checkpoint = SafetensorsBlob(
        checkpoint_tensors(), seed=202, metadata={"modelspec.architecture": "stable-diffusion-v1"}
    )
    diffusion = DemoRepo(
        DIFFUSION_REPO,
        {
            "README.md": _card(
                "tiny-diffusion",
                f"A small Stable-Diffusion-shaped checkpoint (`{CHECKPOINT}`), a watercolor LoRA "
                f"(`{LORA}`) and a ComfyUI workflow that uses both (`{WORKFLOW}`), generated for "
                "the HF Download Suite demo. The weights are synthetic.",
                {
                    "license": "openrail",
                    "pipeline_tag": "text-to-image",
                    "library_name": "diffusers",
                },
            ),
            "model_index.json": _json(
                {"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.30.0"}
            ),
            "scheduler/scheduler_config.json": _json(
                {"_class_name": "EulerDiscreteScheduler", "num_train_timesteps": 1000}
            ),
            CHECKPOINT: checkpoint,
            LORA: SafetensorsBlob(lora_tensors(), seed=303, metadata={"ss_network_dim": "32"}),
            WORKFLOW: _json(comfyui_workflow(CHECKPOINT, LORA)),
        },
        {
            "pipeline_tag": "text-to-image",
            "library_name": "diffusers",
            "tags": [
                "diffusers",
                "stable-diffusion",
                "text-to-image",
                "comfyui",
                "license:openrail",
            ],
            "downloads": 12_940,
            "likes": 207,
            "card_data": {"license": "openrail"},
        },
    )
    return [llm, diffusion]


def serve_demo_repos(hub: HubEmulator) -> list[DemoRepo]:
    """Create the demo's repositories on a started emulator."""
    repos = demo_repos()
    for repo in repos:
        handle = hub.create_repo(repo.repo_id, **repo.metadata)
        # A fixed time makes the same commit every run: a kept sandbox is up to date.
        handle.commit(
            repo.files, message="Add the demo files", lfs=repo.lfs_paths(), timestamp=COMMITTED
        )
    return repos
