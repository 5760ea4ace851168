"""The command-line flags that say where a download goes, read into a destination."""

from __future__ import annotations

from pathlib import Path

from hfsuite.core.destination import Destination

__all__ = ["chosen_destination"]


def chosen_destination(local_dir: Path | None, cache_dir: Path | None) -> Destination | None:
    """The destination ``--local-dir`` / ``--cache-dir`` name.

    ``--local-dir`` wins when both are given; None when neither is (the default applies).
    """
    if local_dir is not None:
        return Destination.folder(local_dir)
    if cache_dir is not None:
        return Destination.hf_cache(cache_dir)
    return None
