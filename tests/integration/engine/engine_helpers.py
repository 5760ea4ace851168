"""Helpers shared by the engine integration tests."""

from __future__ import annotations

import os
from pathlib import Path

MIB = 1 << 20


def pattern_bytes(size: int, seed: int = 1) -> bytes:
    """Deterministic content that differs in every 1 KiB (so misplaced ranges are caught)."""
    block = bytearray()
    i = 0
    while len(block) < size:
        block += (seed * 1_000_003 + i).to_bytes(8, "little") * 128
        i += 1
    return bytes(block[:size])


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (except huggingface_hub's .cache) by relative path."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".cache" not in p.relative_to(root).parts:
            out[str(p.relative_to(root)).replace(os.sep, "/")] = p.read_bytes()
    return out


def run_transfer(
    hub_url: str,
    repo_id: str,
    dest: Path,
    *,
    local_dir: bool = False,
    token: str | None = None,
    events: list | None = None,
    control=None,
    global_bps: int = 0,
    read_timeout_s: float = 5.0,
    **options,
):  # type: ignore[no-untyped-def]
    """Plan and run a transfer straight through the engine with test-friendly options.

    Retries back off in milliseconds so fault tests stay fast; any TransferOptions field can be
    overridden by keyword.
    """
    import random

    from hfsuite.core.types import RepoRef
    from hfsuite.engine.http import HttpClient, HttpOptions
    from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout
    from hfsuite.engine.planner import plan_download
    from hfsuite.engine.retry import RetryPolicy
    from hfsuite.engine.throttle import TokenBucket
    from hfsuite.engine.transfer import Transfer, TransferOptions
    from hfsuite.sources.huggingface import HuggingFaceSource

    source = HuggingFaceSource(hub_url, token)
    snapshot = source.snapshot(RepoRef(repo_id))
    layout = LocalDirLayout(dest, snapshot.commit) if local_dir else HFCacheLayout(dest, snapshot)
    plan = plan_download(snapshot, layout)
    opts = {
        "retry": RetryPolicy(base_s=0.01, cap_s=0.05, rng=random.Random(0)),
        "progress_interval_s": 0.05,
        "checkpoint_interval_s": 0.1,
    }
    opts.update(options)
    client = HttpClient(HttpOptions(read_timeout_s=read_timeout_s), auth=source.auth)
    transfer = Transfer(
        client,
        layout,
        source.map_error,
        options=TransferOptions(**opts),
        control=control,
        global_bucket=TokenBucket(global_bps),
        on_event=(events.append if events is not None else None),
    )
    try:
        result = transfer.run([f.remote for f in plan.files])
    finally:
        client.close()
    if result.failed:
        raise result.failed[0].error  # as app.downloads.download does
    return result
