"""Training metadata kept readable: what a LoRA (or fine-tune) says about how it was made.

kohya's sd-scripts write ``ss_*`` keys (``ss_tag_frequency`` is a JSON object of every caption
tag per dataset folder, often megabytes); the modelspec standard writes ``modelspec.*`` keys.
:func:`summarize_tag_frequency` turns the tag counts into a bounded top list while the reader
still has the whole text, :func:`training_summary` picks what a person wants to see.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping

from hfsuite.library.header import clip_text

__all__ = ["MAX_TAGS_SCANNED", "TOP_TAGS", "summarize_tag_frequency", "training_summary"]

TOP_TAGS = 25
"""How many of the most frequent training tags are kept."""
MAX_TAGS_SCANNED = 1_000_000
"""At most this many (folder, tag) entries are counted; the rest are ignored."""
_TEXT = 512

# ss_* key -> summary key, in display order.
_KOHYA = (
    ("ss_base_model_version", "base_model"), ("ss_sd_model_name", "trained_on"),
    ("ss_output_name", "output_name"), ("ss_network_module", "network_module"),
    ("ss_network_dim", "network_dim"), ("ss_network_alpha", "network_alpha"),
    ("ss_resolution", "resolution"), ("ss_num_train_images", "train_images"),
    ("ss_num_epochs", "epochs"), ("ss_max_train_steps", "max_steps"),
    ("ss_learning_rate", "learning_rate"), ("ss_training_comment", "comment"),
    ("ss_training_started_at", "started_at"), ("ss_training_finished_at", "finished_at"),
)  # fmt: skip
_MODELSPEC_SKIPPED = ("modelspec.thumbnail",)  # a base64 image: not readable text


def summarize_tag_frequency(text: str) -> tuple[list[list[object]], int] | None:
    """The most frequent tags of an ``ss_tag_frequency`` JSON text, and how many distinct tags.

    Returns:
        ``([[tag, count], …] (at most :data:`TOP_TAGS`), distinct tag count)``, or None when the
        text is not the ``{folder: {tag: count}}`` object kohya writes.
    """
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    counts: Counter[str] = Counter()
    scanned = 0
    for folder in parsed.values():
        if not isinstance(folder, dict):
            continue
        for tag, count in folder.items():
            scanned += 1
            if scanned > MAX_TAGS_SCANNED:
                break
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                counts[clip_text(str(tag).strip(), 200)] += count
    top = [[tag, count] for tag, count in counts.most_common(TOP_TAGS)]
    return top, len(counts)


def training_summary(metadata: Mapping[str, object]) -> dict[str, object]:
    """What a header's metadata says about training, with readable keys; empty when nothing.

    kohya keys become ``base_model``, ``output_name``, ``network_dim``…; ``top_tags`` and
    ``tag_count`` come from the reader's ``ss_tag_frequency`` summary; every ``modelspec.*``
    key is kept (but the thumbnail) under its own name, texts cut to 512 characters.
    """
    summary: dict[str, object] = {}
    for key, name in _KOHYA:
        value = metadata.get(key)
        if value not in (None, "", "None"):
            summary[name] = clip_text(value, _TEXT) if isinstance(value, str) else value
    top = metadata.get("ss_tag_frequency.top")
    if isinstance(top, list) and top:
        summary["top_tags"] = top
        summary["tag_count"] = metadata.get("ss_tag_frequency.count")
    for key, value in metadata.items():
        if key.startswith("modelspec.") and key not in _MODELSPEC_SKIPPED:
            summary[key] = clip_text(value, _TEXT) if isinstance(value, str) else value
    return summary
