"""Time from ``hfsuite download`` starting to its first byte, against the Hub emulator.

Runs ``hfsuite -q download bench/big model.safetensors --local-dir OUT -c 16`` (the file
``download_bench.py`` uses, smaller) for several rounds; round 0 is a warm-up (bytecode
compiled, database created, as on any machine after the first run) and is not counted. From
the emulator's request log it reports, per variant, the median time from spawning the process
to the first metadata request (``/api/...``), the first data request (``/resolve/...``) and the
first CDN ``GET`` (the first byte), and the top imports of one extra run under
``PYTHONPROFILEIMPORTTIME`` (what ``python -X importtime`` prints).

    python bench/first_byte.py                          # the installed tree, 9 rounds
    python bench/first_byte.py --rounds 11 old=/tmp/prev new=src

A/B: each ``NAME=PATH`` is a variant run with its ``src`` first on ``PYTHONPATH`` (PATH is a
``src`` folder or a checkout, e.g. ``git worktree add /tmp/prev HEAD~1``); rounds are
interleaved and the order within a round alternates, so drift on a shared machine hits every
variant alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# download_bench.py sits beside this file; run as a script, its folder is not always on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from download_bench import (
    BIG_NAME,
    MIB,
    REPO,
    Emulator,
    env_for,
    fresh,
    hfsuite_bin,
    make_big,
)

PHASES = ("metadata", "data", "first byte")


@dataclass
class Variant:
    """One tree of the package under test, and what its rounds measured."""

    name: str
    pythonpath: str | None
    samples: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PHASES})
    failed: int = 0


def parse_variant(text: str) -> Variant:
    """``NAME=PATH`` as a :class:`Variant`; PATH is a ``src`` folder or a checkout holding one."""
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    tree = Path(path).resolve()
    if not (tree / "hfsuite").is_dir() and (tree / "src" / "hfsuite").is_dir():
        tree = tree / "src"
    if not (tree / "hfsuite").is_dir():
        raise argparse.ArgumentTypeError(f"no hfsuite package in {path}")
    return Variant(name, str(tree))


def variant_env(variant: Variant, url: str, home: Path) -> dict[str, str]:
    """The environment of one variant's runs (its own home, so its own database)."""
    env = env_for(url, home / variant.name)
    if variant.pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (variant.pythonpath, env.get("PYTHONPATH")) if p
        )
    return env


def command(out: Path) -> list[str]:
    """The command timed."""
    return [hfsuite_bin(), "-q", "download", REPO, BIG_NAME, "--local-dir", str(out), "-c", "16"]


def phases(records: list[dict], since: float) -> dict[str, float] | None:
    """Seconds from ``since`` to the first request of each phase, from the request log."""
    mine = sorted((r for r in records if r["started"] >= since), key=lambda r: r["started"])
    firsts = {
        "metadata": next(
            (r for r in mine if r["origin"] == "hub" and r["path"].startswith("/api/")), None
        ),
        "data": next((r for r in mine if "/resolve/" in r["path"]), None),
        "first byte": next(
            (r for r in mine if r["origin"] == "cdn" and r["method"] == "GET"), None
        ),
    }
    if any(r is None for r in firsts.values()):
        return None
    return {p: r["started"] - since for p, r in firsts.items() if r is not None}


def one_run(emu: Emulator, variant: Variant, work: Path, size: int) -> dict[str, float] | None:
    """One timed download; its phases, or None when it failed."""
    out = fresh(work / f"out-{variant.name}")
    env = variant_env(variant, emu.url, work / "home")
    since = time.time()
    proc = subprocess.run(command(out), env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or (out / BIG_NAME).stat().st_size != size:
        print(f"  {variant.name}: failed ({proc.stderr.strip()[-200:]})", file=sys.stderr)
        return None
    deadline = time.monotonic() + 5
    while True:  # a request's record is appended when its answer is finished
        found = phases(emu.records(), since)
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def import_profile(emu: Emulator, variant: Variant, work: Path, top: int) -> list[str]:
    """The ``top`` imports with the largest cumulative time in one run of the command.

    Only the outermost import of each chain is listed (an import's cumulative time contains
    its nested imports), so the rows add up to the total.
    """
    out = fresh(work / f"out-{variant.name}")
    env = variant_env(variant, emu.url, work / "home")
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    proc = subprocess.run(command(out), env=env, capture_output=True, text=True, timeout=600)
    rows: list[tuple[int, str]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        if not name.startswith("  "):  # the outermost level: one space after the bar
            rows.append((int(cumulative), name.strip()))
    total = sum(us for us, _ in rows)
    rows.sort(reverse=True)
    lines = [f"  imports of {variant.name}: {total / 1e6:.3f} s in all; top cumulative:"]
    lines += [f"    {us / 1e6:7.3f} s  {name}" for us, name in rows[:top]]
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("variants", nargs="*", type=parse_variant, help="NAME=PATH (A/B runs)")
    ap.add_argument("--rounds", type=int, default=9, help="rounds; round 0 is a warm-up")
    ap.add_argument("--size-mib", type=int, default=32)
    ap.add_argument("--top", type=int, default=15, help="imports listed per variant")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hfsuite-first-byte")
    args = ap.parse_args()
    variants: list[Variant] = args.variants or [Variant("current", None)]
    if len({v.name for v in variants}) != len(variants):
        ap.error("variant names must differ")
    size = args.size_mib * MIB
    work: Path = args.work
    root = work / "root"
    make_big(root, size)
    src = Path(__file__).resolve().parents[1] / "src"
    for tree in {v.pythonpath or str(src) for v in variants}:
        subprocess.run([sys.executable, "-m", "compileall", "-q", tree], capture_output=True)
    print(f"$ {' '.join(command(Path('OUT')))}")
    with Emulator(root, work / "log.jsonl", work / "hashes.json") as emu:
        for n in range(args.rounds):
            order = variants if n % 2 == 0 else variants[::-1]
            for variant in order:
                found = one_run(emu, variant, work, size)
                if n == 0:
                    continue
                if found is None:
                    variant.failed += 1
                    continue
                for phase, seconds in found.items():
                    variant.samples[phase].append(seconds)
            print(f"round {n}{' (warm-up)' if n == 0 else ''} done", file=sys.stderr)
        profiles = [line for v in variants for line in import_profile(emu, v, work, args.top)]
    print(f"\nmedian of {args.rounds - 1} interleaved round(s), seconds from spawn:")
    print(f"{'variant':12} " + " ".join(f"{p:>11}" for p in PHASES) + "  first byte, all runs")
    for v in variants:
        if not v.samples["first byte"]:
            print(f"{v.name:12} all runs failed")
            continue
        medians = " ".join(f"{statistics.median(v.samples[p]):11.3f}" for p in PHASES)
        runs = " ".join(f"{s:.2f}" for s in v.samples["first byte"])
        failed = f" ({v.failed} failed)" if v.failed else ""
        print(f"{v.name:12} {medians}  {runs}{failed}")
    print()
    print("\n".join(profiles))
    return 0 if all(v.failed == 0 for v in variants) else 1


if __name__ == "__main__":
    sys.exit(main())
