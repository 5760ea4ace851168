"""Running our engine's transfer against the Xet emulator (imported by name: this folder is on
sys.path)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from hfsuite.core.types import RepoRef
from hfsuite.engine.http import HttpClient, HttpOptions
from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout
from hfsuite.engine.planner import plan_download
from hfsuite.engine.retry import RetryPolicy
from hfsuite.engine.throttle import TokenBucket
from hfsuite.engine.transfer import Transfer, TransferOptions, TransferResult
from hfsuite.sources.huggingface import HuggingFaceSource

MIB = 1 << 20


def run_engine(
    hub_url: str,
    repo_id: str,
    dest: Path,
    *,
    revision: str | None = None,
    local_dir: bool = True,
    events: list[Any] | None = None,
    control: Any = None,
    global_bps: int = 0,
    raise_failed: bool = True,
    **options: Any,
) -> TransferResult:
    """Plan and run a transfer through the engine (Xet mode ``on`` unless told otherwise)."""
    source = HuggingFaceSource(hub_url, None)
    snapshot = source.snapshot(RepoRef(repo_id, revision=revision))
    layout = LocalDirLayout(dest, snapshot.commit) if local_dir else HFCacheLayout(dest, snapshot)
    plan = plan_download(snapshot, layout)
    opts: dict[str, Any] = {
        "retry": RetryPolicy(base_s=0.01, cap_s=0.05, rng=random.Random(0)),
        "progress_interval_s": 0.05,
        "checkpoint_interval_s": 0.1,
        "xet": "on",
    }
    opts.update(options)
    client = HttpClient(HttpOptions(read_timeout_s=10.0), auth=source.auth)
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
    if raise_failed and result.failed:
        error = result.failed[0].error
        assert error is not None
        raise error
    return result
