"""The Xet download path: a Xet-backed file rebuilt from its reconstruction's xorb ranges.

``fetch`` (the segment fetcher and the choice of path), ``cas`` (token and reconstructions),
``decode`` (chunk bytes; LZ4 imported lazily), ``chunk_index`` (chunk reuse across revisions).
See docs/xet.md.
"""

from __future__ import annotations

from pathlib import Path

from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout, StorageLayout


def index_folder(layout: StorageLayout) -> Path | None:
    """Where a destination keeps its Xet chunk records: the repository's folder in the HF
    cache, ``.cache/huggingface/`` in a local dir; None for other layouts (no reuse)."""
    if isinstance(layout, HFCacheLayout):
        return layout.repo_dir / ".hfsuite-xet"
    if isinstance(layout, LocalDirLayout):
        return layout.local_dir / ".cache" / "huggingface" / "hfsuite-xet"
    return None
