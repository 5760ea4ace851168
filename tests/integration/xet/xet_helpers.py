"""Helpers shared by the Xet emulator tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from hfsuite.testing._xet_format import decode_chunks


def random_bytes(size: int, seed: int) -> bytes:
    """Deterministic bytes with no repeats (so chunks do not deduplicate within a file)."""
    return random.Random(seed).randbytes(size)


def hf_command() -> str:
    """The ``hf`` console script of this environment."""
    sibling = Path(sys.executable).with_name("hf")
    found = str(sibling) if sibling.exists() else shutil.which("hf")
    assert found, "the hf command is not installed in this environment"
    return found


def run_hf_xet(url: str, hf_home: Path, *args: str, timeout: float = 180) -> str:
    """``hf download ARGS`` with Xet ON (hf_xet installed, HF_HUB_DISABLE_XET unset).

    Returns the path the command printed.
    """
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_DISABLE_XET"}
    env.update(HF_ENDPOINT=url, HF_HOME=str(hf_home), HF_HUB_DISABLE_TELEMETRY="1")
    done = subprocess.run(
        [hf_command(), "download", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    for line in done.stdout.splitlines():
        if line.strip().startswith("path:"):
            return line.split("path:", 1)[1].strip()
    return done.stdout.strip().splitlines()[-1]


def xet_token(hub_url: str, repo_id: str, revision: str = "main") -> dict[str, Any]:
    """The JSON answer of the xet-read-token route."""
    answer = httpx.get(f"{hub_url}/api/models/{repo_id}/xet-read-token/{revision}")
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()
    return data


def reconstruct(
    cas_url: str, token: str, file_id: str, start: int, end: int, version: int = 2
) -> bytes:
    """Bytes ``[start, end]`` of a file, rebuilt the way a Xet client does (independently of
    hf_xet): ask for the reconstruction with a Range, fetch each term's xorb range, decode the
    chunks, skip ``offset_into_first_range`` and keep ``end - start + 1`` bytes."""
    headers = {"Authorization": f"Bearer {token}", "Range": f"bytes={start}-{end}"}
    answer = httpx.get(f"{cas_url}/v{version}/reconstructions/{file_id}", headers=headers)
    answer.raise_for_status()
    body = answer.json()
    out = bytearray()
    for term in body["terms"]:
        first, last = term["range"]["start"], term["range"]["end"]
        url, chunk0, byte_range = _fetch_for(body, term["hash"], first, last, version)
        got = httpx.get(url, headers={"Range": f"bytes={byte_range[0]}-{byte_range[1]}"})
        assert got.status_code == 206, got.status_code
        chunks = decode_chunks(got.content)
        data = b"".join(chunks[first - chunk0 : last - chunk0])
        assert len(data) == term["unpacked_length"]
        out += data
    skip = body["offset_into_first_range"]
    return bytes(out[skip : skip + end - start + 1])


def _fetch_for(
    body: dict[str, Any], xorb: str, first: int, last: int, version: int
) -> tuple[str, int, tuple[int, int]]:
    if version == 1:
        for item in body["fetch_info"][xorb]:
            if item["range"]["start"] <= first and last <= item["range"]["end"]:
                rng = item["url_range"]
                return item["url"], item["range"]["start"], (rng["start"], rng["end"])
    else:
        for fetch in body["xorbs"][xorb]:
            for rng in fetch["ranges"]:
                if rng["chunks"]["start"] <= first and last <= rng["chunks"]["end"]:
                    b = rng["bytes"]
                    return fetch["url"], rng["chunks"]["start"], (b["start"], b["end"])
    raise AssertionError(f"no fetch info covers chunks {first}-{last} of {xorb}")
