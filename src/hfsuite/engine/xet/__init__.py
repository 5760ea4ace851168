"""The Xet download path: a Xet-backed file rebuilt from its reconstruction's xorb ranges.

``fetch`` (the segment fetcher and the choice of path), ``cas`` (token and reconstructions),
``decode`` (chunk bytes; LZ4 imported lazily), ``chunk_index`` (chunk reuse across revisions),
``lookup`` (a new file's Xet facts, asked beside its transfer). See docs/xet.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout, StorageLayout

if TYPE_CHECKING:
    from hfsuite.core.remote import RemoteFile
    from hfsuite.engine.context import FileContext


def index_folder(layout: StorageLayout) -> Path | None:
    """Where a destination keeps its Xet chunk records: the repository's folder in the HF
    cache, ``.cache/huggingface/`` in a local dir; None for other layouts (no reuse)."""
    if isinstance(layout, HFCacheLayout):
        return layout.repo_dir / ".hfsuite-xet"
    if isinstance(layout, LocalDirLayout):
        return layout.local_dir / ".cache" / "huggingface" / "hfsuite-xet"
    return None


def may_take_xet(ctx: FileContext, remote: RemoteFile, size: int) -> bool:
    """What :func:`~hfsuite.engine.xet.fetch.choose` tells without a request or an import:
    an LFS file with bytes, bigger than ``small_file_bytes`` under ``auto``, unless the
    ``xet`` option is ``off``."""
    mode = ctx.options.xet
    if mode == "off" or not remote.lfs or size == 0:
        return False
    return mode != "auto" or size > ctx.options.small_file_bytes
