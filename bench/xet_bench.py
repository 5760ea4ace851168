"""Xet bench: ``hf download`` with Xet on (hf_xet, the real default) and off beside ours.

Every scenario serves its files from its own emulator process with Xet on
(``python -m hfsuite.testing.hub serve --xet``): LFS files answer the resolve with
``X-Xet-Hash``, so ``hf download`` with hf_xet installed reconstructs them from the emulator's
CAS origin (v2 reconstructions, ranged xorb fetches), while ours and ``hf download`` with
``HF_HUB_DISABLE_XET=1`` follow the 302 to the CDN origin. Same files, same caps, same machine.

    python bench/xet_bench.py                                  # everything, 3 rounds (long)
    python bench/xet_bench.py --only capped-512m small --repeat 5
    python bench/xet_bench.py --size-mib 16 --small-count 50 --repeat 1   # smoke

Scenarios (names for --only):
  capped-512m, capped-2g   one LFS file, each connection capped (--cap-mbps, default 20 MB/s)
  free-512m, free-2g       one LFS file, no cap
  small                    1,000 files of 1-50 KB, all stored as LFS (so Xet serves them too)
  update-2g                a new revision of a 2 GiB file with 5 % of its bytes rewritten (16
                           places) downloaded into the folder that holds the old one: only the
                           update is timed (the emulator runs inside this process)

Tools: ``hfsuite`` (the default, ``--xet auto``), ``hfsuite (Xet on)``, ``hfsuite (Xet off)``
(``--xet on|off``: our Xet path, our resolve-redirect path), ``hf (Xet on)``, ``hf (Xet off)``.

The big files are random bytes with no repeated block (a file made of one repeated block would
let Xet deduplicate it, which no real weight file allows). Rounds are interleaved (each tool
once per round); per metric the median over the rounds is reported: wall seconds, MB/s, CPU
seconds of the tool's process tree, peak RSS of the tree, the file bytes the emulator served
(xorb bytes for Xet, including chunk headers) and the CPU seconds the emulator process itself
spent (serving xorbs costs it more than the CDN's sendfile: see the note in the output).
Before the rounds, every LFS file is chunked once by the emulator (timed, reported).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import download_bench as bench  # sibling scripts, read-only helpers
import engine_matrix as matrix

MIB = bench.MIB
TOOLS = ("hfsuite", "hfsuite (Xet on)", "hfsuite (Xet off)", "hf (Xet on)", "hf (Xet off)")
_HFSUITE_XET = {"hfsuite": None, "hfsuite (Xet on)": "on", "hfsuite (Xet off)": "off"}
BIG_REPO = "bench/xetbig"
SMALL_REPO = "bench/xetsmall"
BIG_NAME = "model.safetensors"


@dataclass(frozen=True)
class Scenario:
    name: str
    size_mib: int  # 0: the small-files scenario
    capped: bool


@dataclass
class Job:
    root: Path
    repo: str
    files: dict[str, Path]
    total: int


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    def size(mib: int) -> int:
        return args.size_mib or mib

    return [
        Scenario("capped-512m", size(512), True),
        Scenario("free-512m", size(512), False),
        Scenario("capped-2g", size(2048), True),
        Scenario("free-2g", size(2048), False),
        Scenario("small", 0, False),
        Scenario("update-2g", size(2048), False),
    ]


# --- files ------------------------------------------------------------------------------------
def make_unique_big(root: Path, size: int) -> Path:
    """A file of random bytes with no repeated block (Xet cannot deduplicate it)."""
    path = root / BIG_REPO / BIG_NAME
    if path.exists() and path.stat().st_size == size:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, 64 * MIB)
            fh.write(os.urandom(n))
            left -= n
    (root / BIG_REPO / "config.json").write_text('{"bench": true}')
    return path


def prepare(scenario: Scenario, work: Path, small_count: int) -> Job:
    if scenario.size_mib:
        root = work / f"root-{scenario.size_mib}m"
        big = make_unique_big(root, scenario.size_mib * MIB)
        return Job(root, BIG_REPO, {BIG_NAME: big}, big.stat().st_size)
    root = work / f"root-small-{small_count}"
    folder = root / SMALL_REPO
    if not folder.exists() or len(list(folder.rglob("*.bin"))) != small_count:
        rng = random.Random(42)  # the recipe of download_bench.make_small: 1-50 KB each
        for i in range(small_count):
            p = folder / f"part{i // 100:02d}" / f"f{i:04d}.bin"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(rng.randbytes(rng.randint(1024, 50 * 1024)))
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.bin"))}
    return Job(root, SMALL_REPO, files, sum(p.stat().st_size for p in files.values()))


# --- commands ---------------------------------------------------------------------------------
def command(tool: str, job: Job, out: Path, revision: str | None = None) -> list[str]:
    paths = list(job.files) if len(job.files) == 1 else []
    rev = ["--revision", revision] if revision else []
    if tool in _HFSUITE_XET:
        mode = _HFSUITE_XET[tool]
        xet = ["--xet", mode] if mode else []
        return [
            bench.hfsuite_bin(), "-q", "download", job.repo, *paths, *rev, "--local-dir",
            str(out), *xet,
        ]  # fmt: skip
    return [bench.hf_bin(), "download", job.repo, *paths, *rev, "--local-dir", str(out)]


def tool_env(tool: str, base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    if tool == "hf (Xet on)":
        env.pop("HF_HUB_DISABLE_XET", None)  # the default: Xet on when hf_xet is installed
    else:
        env["HF_HUB_DISABLE_XET"] = "1"
    return env


def warm_up(url: str, job: Job) -> float:
    """Resolve every LFS file once (the emulator chunks it on first use); return the seconds."""
    t0 = time.perf_counter()
    for path in job.files:
        req = urllib.request.Request(f"{url}/{job.repo}/resolve/main/{path}", method="HEAD")
        opener = urllib.request.build_opener(_NoRedirect())
        with opener.open(req, timeout=3600) as answer:
            answer.read()
    return time.perf_counter() - t0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None

    def http_error_302(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        return fp


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (not its children)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def served(emu: bench.Emulator, t0: float, t1: float) -> int:
    time.sleep(0.3)
    return sum(
        r["bytes_sent"]
        for r in emu.records()
        if t0 <= r["started"] <= t1
        and r["method"] == "GET"
        and (
            r.get("origin") == "cdn"
            or "/resolve/" in r["path"]
            or (r.get("origin") == "cas" and r["path"].startswith("/xorbs/"))
        )
    )


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        buf = bytearray(8 * MIB)
        while n := fh.readinto(buf):
            h.update(memoryview(buf)[:n])
    return h.hexdigest()


@dataclass
class Row:
    run: matrix.Measure
    emu_cpu: float
    xet_requests: int


def run_scenario(
    scenario: Scenario, job: Job, args: argparse.Namespace
) -> tuple[list[list[Row]], float, float]:
    extra = ["--xet", "--lfs-threshold", str(MIB if scenario.size_mib else 1)]
    if scenario.capped:
        extra += ["--per-connection-bps", str(int(args.cap_mbps * 1e6))]
    work: Path = args.work
    log = work / f"xetlog-{scenario.name}.jsonl"
    rounds: list[list[Row]] = []
    with bench.Emulator(job.root, log, work / f"xethashes-{job.root.name}.json", *extra) as emu:
        chunking_s = warm_up(emu.url, job)
        print(f"  {scenario.name:12} chunked in {chunking_s:.1f} s", flush=True)
        load = os.getloadavg()[0]
        base = bench.env_for(emu.url, work / "home")
        digests = {p: sha256_of(src) for p, src in job.files.items()} if scenario.size_mib else {}
        for round_no in range(args.repeat):
            rows = []
            for tool in args.tools:
                out = bench.fresh(work / "out")
                shutil.rmtree(work / "home" / "hf", ignore_errors=True)
                if scenario.size_mib:
                    bench.page_in(job.files[BIG_NAME])
                cpu0, t0 = proc_cpu(emu.proc.pid), time.time()
                run = matrix.measure(tool, command(tool, job, out), tool_env(tool, base), 3600)
                t1 = time.time()
                run.served = served(emu, t0, t1)
                emu_cpu = proc_cpu(emu.proc.pid) - cpu0
                xet = sum(
                    1
                    for r in emu.records()
                    if t0 <= r["started"] <= t1 and r.get("origin") == "cas"
                )
                run.ok = run.ok and all(
                    bench.check(out / p, src.stat().st_size) for p, src in job.files.items()
                )
                if run.ok and round_no == 0 and digests:
                    run.ok = all(sha256_of(out / p) == d for p, d in digests.items())
                    if not run.ok:
                        run.note = "WRONG BYTES"
                elif not run.ok and not run.note:
                    run.note = "files missing or of the wrong size"
                rows.append(Row(run, emu_cpu, xet))
                print(
                    f"  {scenario.name:12} {tool:17} {run.wall_s:8.2f} s  cpu {run.cpu_s:6.2f}"
                    f"  rss {run.peak_rss / MIB:6.0f} MiB  emu cpu {emu_cpu:6.2f}  cas req {xet}"
                    f"  {run.note}",
                    flush=True,
                )
                shutil.rmtree(out, ignore_errors=True)
            rounds.append(rows)
    return rounds, chunking_s, load


def changed_copy(old: Path, new: Path, share: float = 0.05, regions: int = 16) -> None:
    """``new``: ``old`` with ``share`` of its bytes rewritten in ``regions`` places."""
    if new.exists() and new.stat().st_size == old.stat().st_size:
        return
    shutil.copyfile(old, new)
    size = old.stat().st_size
    length = int(size * share / regions)
    rng = random.Random(7)
    with open(new, "r+b") as fh:
        for k in range(regions):
            fh.seek(k * (size // regions) + rng.randrange(0, size // regions - length))
            fh.write(rng.randbytes(length))


def run_update(
    scenario: Scenario, job: Job, args: argparse.Namespace
) -> tuple[list[list[Row]], float, float]:
    """The update scenario: old revision downloaded (not timed), then the new one (timed)."""
    from hfsuite.testing import HubEmulator

    old = job.files[BIG_NAME]
    new = old.with_name("model-v2.safetensors")
    changed_copy(old, new)
    work: Path = args.work
    hub = HubEmulator(lfs_threshold=MIB, xet=True).start()
    try:
        repo = hub.create_repo(BIG_REPO, files={BIG_NAME: old})
        first = repo.sha
        repo.commit({BIG_NAME: new})
        t0 = time.perf_counter()
        hub.xet_prepare(background=False)
        chunking_s = time.perf_counter() - t0
        print(f"  {scenario.name:12} chunked in {chunking_s:.1f} s", flush=True)
        load = os.getloadavg()[0]
        base = bench.env_for(hub.url, work / "home")
        digest = sha256_of(new)
        tools = [t for t in args.tools if t != "hf (Xet off)"]
        rounds: list[list[Row]] = []
        for _ in range(args.repeat):
            rows = []
            for tool in tools:
                out = bench.fresh(work / "out")
                shutil.rmtree(work / "home" / "hf", ignore_errors=True)
                env = tool_env(tool, base)
                first_run = matrix.measure(tool, command(tool, job, out, first), env, 3600)
                if first_run.ok:
                    bench.page_in(out / BIG_NAME)
                t0 = time.time()
                cpu0 = os.times()
                run = matrix.measure(tool, command(tool, job, out), env, 3600)
                cpu1 = os.times()
                run.served = sum(
                    r.bytes_sent
                    for r in hub.log.records
                    if r.started >= t0
                    and r.method == "GET"
                    and (r.origin == "cdn" or r.path.startswith("/xorbs/"))
                )
                run.ok = run.ok and first_run.ok and sha256_of(out / BIG_NAME) == digest
                if not run.ok and not run.note:
                    run.note = first_run.note or "WRONG BYTES"
                xet = sum(1 for r in hub.log.records if r.started >= t0 and r.origin == "cas")
                emu_cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
                rows.append(Row(run, emu_cpu, xet))
                print(
                    f"  {scenario.name:12} {tool:17} {run.wall_s:8.2f} s  cpu {run.cpu_s:6.2f}"
                    f"  served {run.served / MIB:8.1f} MiB  cas req {xet}  {run.note}",
                    flush=True,
                )
                shutil.rmtree(out, ignore_errors=True)
            rounds.append(rows)
        return rounds, chunking_s, load
    finally:
        hub.stop()


def table(
    scenario: Scenario,
    job: Job,
    rounds: list[list[Row]],
    chunking_s: float,
    load: float,
    cap: float,
) -> list[str]:
    what = (
        f"{scenario.size_mib} MiB, one file" if scenario.size_mib else f"{len(job.files):,} files"
    )
    if scenario.name.startswith("update"):
        what += ", its new revision (5 % rewritten) over the old one; served = bytes fetched"
    limit = f"{cap:g} MB/s per connection" if scenario.capped else "no cap"
    lines = [
        f"\n**{scenario.name}**: {what} ({job.total / MIB:.1f} MiB), {limit}; "
        f"emulator chunking before the rounds {chunking_s:.1f} s; load average {load:.1f}\n",
        "| tool | wall s | MB/s | CPU s | peak RSS MiB | served MiB | emulator CPU s "
        "| CAS requests | wall / ours | runs (wall s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    ours_wall = None
    for i in range(len(rounds[0])):
        runs = [r[i] for r in rounds]
        ok = [r for r in runs if r.run.ok]
        tool = runs[0].run.tool
        walls = " ".join(f"{r.run.wall_s:.2f}" for r in runs)
        if not ok:
            lines.append(f"| {tool} | – | – | – | – | – | – | – | – | FAILED {runs[0].run.note} |")
            continue
        wall = statistics.median(r.run.wall_s for r in ok)
        if tool == "hfsuite":
            ours_wall = wall  # the default (--xet auto): the other rows are compared with it
        ratio = f"{wall / ours_wall:.2f}" if ours_wall else "–"
        failed = len(runs) - len(ok)
        lines.append(
            f"| {tool} | {wall:.2f} | {job.total / wall / 1e6:.1f} "
            f"| {statistics.median(r.run.cpu_s for r in ok):.2f} "
            f"| {statistics.median(r.run.peak_rss for r in ok) / MIB:.0f} "
            f"| {statistics.median(r.run.served for r in ok) / MIB:.1f} "
            f"| {statistics.median(r.emu_cpu for r in ok):.2f} "
            f"| {statistics.median(r.xet_requests for r in ok):.0f} | {ratio} "
            f"| {walls}{f'; {failed} failed' if failed else ''} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="scenario names")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (median reported)")
    parser.add_argument("--cap-mbps", type=float, default=20.0, help="MB/s per connection")
    parser.add_argument("--size-mib", type=int, default=0, help="shrink every big file (smoke)")
    parser.add_argument("--small-count", type=int, default=1000)
    parser.add_argument("--tools", nargs="*", default=list(TOOLS), choices=TOOLS)
    parser.add_argument("--work", type=Path, default=Path("/tmp/hfsuite-xet-bench"))
    parser.add_argument("--report", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    chosen = [s for s in scenarios(args) if args.only is None or s.name in args.only]
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()}", flush=True)
    lines = [
        f"`python bench/xet_bench.py {' '.join(sys.argv[1:])}`".replace("  ", " "),
        f"\n{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.1f}",
    ]
    for scenario in chosen:
        job = prepare(scenario, args.work, args.small_count)
        if scenario.name.startswith("update"):
            rounds, chunking_s, load = run_update(scenario, job, args)
        else:
            rounds, chunking_s, load = run_scenario(scenario, job, args)
        lines += table(scenario, job, rounds, chunking_s, load, args.cap_mbps)
    lines.append(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
