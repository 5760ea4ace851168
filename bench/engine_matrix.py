"""Engine matrix: ours vs ``aria2c -x16`` and ``hf download``, scenario by scenario, in one run.

Every tool runs with its default settings (aria2c with its usual ``-x16 -s16 -k1M``), once per
round, rounds interleaved; the median of the rounds is reported. ``curl -L -o`` (one
connection, no verification) runs in the uncapped one-file scenario: the single-stream bar.
aria2c runs twice: as it is, and with ``--checksum=sha-256=<hex>`` (we verify every byte, so
the comparison should too). Each scenario serves the files from its own emulator process
(``python -m hfsuite.testing.hub serve``) with a request log.

    python bench/engine_matrix.py                         # the full matrix, 3 rounds (long)
    python bench/engine_matrix.py --only capped-512m stalls --repeat 5
    python bench/engine_matrix.py --size-mib 8 --small-count 40 --stall-s 1 --repeat 1  # smoke

Scenarios (names for --only):
  capped-200m, capped-512m, capped-2g   one LFS file, each connection capped (--cap-mbps)
  free-1g                               one 1 GiB LFS file, no cap
  stalls                                capped; 20 % of the file's requests stall (--stall-s)
                                        after 1 MiB of body
  resets                                capped; 30 % of the file's requests are cut after
                                        2 MiB of body (the connection is closed)
  small                                 1,000 files of 1-50 KB

Per tool and scenario: wall seconds, MB/s, CPU seconds (user+sys of the tool's process tree) and
CPU seconds per GiB, peak memory (the tool's max RSS as GNU time reports it, or the largest sum
of VmRSS over its process tree sampled every 0.05 s if larger), bytes downloaded twice (file
bytes the emulator served during the run minus the size of the files) and peer wall / ours.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import download_bench as bench  # a sibling script, not a package

MIB = bench.MIB
TOOLS = ("hfsuite", "aria2c", "aria2c+sha256", "hf download", "curl")
ARIA2_USUAL = ["-x16", "-s16", "-k1M"]
ARIA2_QUIET = [
    "--allow-overwrite=true",
    "--auto-file-renaming=false",
    "--console-log-level=warn",
    "--summary-interval=0",
]


@dataclass(frozen=True)
class Scenario:
    """One row group of the matrix.

    Attributes:
        name: Its name for ``--only``.
        title: What it is, for the report.
        size_mib: Size of the file (0: the small-files scenario).
        capped: Whether each connection is capped at ``--cap-mbps``.
        fault: A fault rule for the file's requests (``probability`` applied by the emulator).
    """

    name: str
    title: str
    size_mib: int
    capped: bool = False
    fault: dict[str, object] | None = None


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    """The matrix, sized by the command line (``--size-mib`` shrinks every file for a smoke)."""

    def size(mib: int) -> int:
        return args.size_mib or mib

    on_file = {"path": f"*{bench.BIG_NAME}*", "methods": ["GET"]}
    cap = f"{args.cap_mbps:g} MB/s per connection"
    fault_mib = size(args.fault_size_mib)
    return [
        Scenario("capped-200m", f"{size(200)} MiB, {cap}", size(200), capped=True),
        Scenario("capped-512m", f"{size(512)} MiB, {cap}", size(512), capped=True),
        Scenario("capped-2g", f"{size(2048)} MiB, {cap}", size(2048), capped=True),
        Scenario("free-1g", f"{size(1024)} MiB, no cap", size(1024)),
        Scenario(
            "stalls",
            f"{fault_mib} MiB, {cap}, {args.stall_share:.0%} of requests stall {args.stall_s:g} s",
            fault_mib,
            capped=True,
            fault=on_file
            | {"probability": args.stall_share, "stall_after_bytes": MIB, "stall_s": args.stall_s},
        ),
        Scenario(
            "resets",
            f"{fault_mib} MiB, {cap}, {args.reset_share:.0%} of requests cut after 2 MiB",
            fault_mib,
            capped=True,
            fault=on_file | {"probability": args.reset_share, "drop_after_bytes": 2 * MIB},
        ),
        Scenario("small", f"{args.small_count:,} small files (1-50 KB)", 0),
    ]


# --- measuring one run -----------------------------------------------------------------------
@dataclass
class Measure:
    """One tool's run."""

    tool: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss: int = 0
    served: int = 0
    ok: bool = False
    note: str = ""
    stderr: list[str] = field(default_factory=list)


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_rss(pid: int) -> int:
    """The resident memory of ``pid`` and all its descendants, in bytes."""
    kids = _children()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += kids.get(p, [])
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


GNU_TIME = Path("/usr/bin/time")


def measure(tool: str, cmd: list[str], env: dict[str, str], timeout_s: float) -> Measure:
    """Run ``cmd`` to its end: wall time, CPU time and peak memory of its process tree.

    The kernel's max RSS of our own child is useless here (it counts the Python process the
    child was forked from), so the tool runs under GNU time, whose ``%M`` is the tool's own
    max RSS, and the tree's sum is sampled besides.
    """
    peak = 0
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(rss_file), *cmd]
        t0 = time.perf_counter()
        with open(Path(tmp) / "err", "w+b") as err:
            proc = subprocess.Popen(
                wrapped if GNU_TIME.exists() else cmd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            done = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not done.wait(0.05):
                    peak = max(peak, tree_rss(proc.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            killer = threading.Timer(timeout_s, proc.kill)
            killer.start()
            _, status, usage = os.wait4(proc.pid, 0)  # CPU of the tool and its children
            proc.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - t0
            killer.cancel()
            done.set()
            sampler.join()
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()
        if rss_file.exists():
            text = rss_file.read_text().strip().splitlines()
            if text and text[-1].isdigit():
                peak = max(peak, int(text[-1]) * 1024)
    run = Measure(tool, wall, usage.ru_utime + usage.ru_stime, peak)
    run.ok = proc.returncode == 0
    tail = [line for line in tail if not line.startswith("Command exited with")]
    run.note = "" if run.ok else f"exit {proc.returncode}: " + (tail or ["?"])[-1][:100]
    run.stderr = tail[-40:]
    return run


def failure_report(
    work: Path, scenario: str, tool: str, cmd: list[str], run: Measure, job: Job, out: Path
) -> Path:
    """Write what a failed run left: its command, its stderr, the files it wrote and their
    sizes against the expected ones (``<work>/failures/``)."""
    folder = work / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"{scenario}-{tool.replace(' ', '_')}-{time.strftime('%H%M%S')}.txt"
    lines = [" ".join(cmd), f"wall {run.wall_s:.2f} s, {run.note}", "", "stderr (tail):"]
    lines += run.stderr or ["(empty)"]
    lines += ["", "files written:"]
    lines += [
        f"  {p.relative_to(out)}  {p.stat().st_size}" for p in sorted(out.rglob("*")) if p.is_file()
    ] or ["  (none)"]
    lines += ["", "expected:"]
    lines += [f"  {path}  {src.stat().st_size}" for path, src in job.files.items()][:20]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def served_bytes(emu: bench.Emulator, t0: float, t1: float) -> int:
    """File bytes the emulator sent for requests that arrived between ``t0`` and ``t1``."""
    time.sleep(0.3)  # requests are logged once their answer ends
    return sum(
        r["bytes_sent"]
        for r in emu.records()
        if t0 <= r["started"] <= t1
        and r["method"] == "GET"
        and (r.get("origin") == "cdn" or "/resolve/" in r["path"])
    )


# --- files and commands ----------------------------------------------------------------------
def sha256_of(path: Path, memo: dict[Path, str]) -> str:
    """The file's SHA-256 (computed once per run)."""
    if path not in memo:
        h = hashlib.sha256()
        with open(path, "rb", buffering=0) as fh:
            buf = bytearray(8 * MIB)
            while n := fh.readinto(buf):
                h.update(memoryview(buf)[:n])
        memo[path] = h.hexdigest()
    return memo[path]


@dataclass
class Job:
    """What the tools fetch in one scenario."""

    root: Path  # the folder the emulator serves
    repo: str
    files: dict[str, Path]  # repo path -> the served file
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(p.stat().st_size for p in self.files.values())


def command(tool: str, job: Job, url: str, out: Path, work: Path) -> list[str]:
    """The command line of ``tool`` fetching ``job`` into ``out`` (default settings)."""
    single = len(job.files) == 1
    paths = list(job.files) if single else []
    if tool == "hfsuite" or tool.startswith("hfsuite@"):
        return [bench.hfsuite_bin(), "-q", "download", job.repo, *paths, "--local-dir", str(out)]
    if tool == "hf download":
        return [bench.hf_bin(), "download", job.repo, *paths, "--local-dir", str(out)]
    if tool == "curl":  # one connection, no verification: the bar for a single stream
        (path,) = job.files
        resolve = f"{url}/{job.repo}/resolve/main/{path}"
        return ["curl", "-sS", "-f", "-L", "--create-dirs", "-o", str(out / path), resolve]
    checksum = tool == "aria2c+sha256"
    base = ["aria2c", *ARIA2_USUAL, *ARIA2_QUIET]
    if single:
        (path,) = job.files
        sums = [f"--checksum=sha-256={job.digests[path]}"] if checksum else []
        resolve = f"{url}/{job.repo}/resolve/main/{path}"
        return [*base, *sums, "-d", str(out), "-o", path, resolve]
    listing = work / "aria2-input.txt"
    with open(listing, "w", encoding="utf-8") as fh:
        for path in job.files:
            folder, _, name = path.rpartition("/")
            fh.write(f"{url}/{job.repo}/resolve/main/{path}\n  dir={out / folder}\n  out={name}\n")
            if checksum:
                fh.write(f"  checksum=sha-256={job.digests[path]}\n")
    return [*base, "-i", str(listing)]


def complete(job: Job, out: Path) -> bool:
    """Every file is there with its size."""
    return all(bench.check(out / path, src.stat().st_size) for path, src in job.files.items())


def prepare(scenario: Scenario, work: Path, small_count: int, memo: dict[Path, str]) -> Job:
    """The served folder of a scenario and what the tools fetch from it."""
    if scenario.size_mib:
        root = work / f"root-{scenario.size_mib}m"
        big = bench.make_big(root, scenario.size_mib * MIB)
        job = Job(root, bench.REPO, {bench.BIG_NAME: big})
    else:
        root = work / f"root-small-{small_count}"
        bench.make_small(root, small_count)
        folder = root / bench.SMALL_REPO
        files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.bin"))}
        job = Job(root, bench.SMALL_REPO, files)
    job.digests = {path: sha256_of(p, memo) for path, p in job.files.items()}
    return job


# --- running the matrix ----------------------------------------------------------------------
def run_scenario(
    scenario: Scenario, job: Job, args: argparse.Namespace, tools: list[str]
) -> list[list[Measure]]:
    """Every tool once per round, rounds interleaved, against one emulator."""
    extra = ["--lfs-threshold", str(MIB)]  # a smoke's small "big" file is LFS too (CDN)
    if scenario.capped:
        extra += ["--per-connection-bps", str(int(args.cap_mbps * 1e6))]
    if scenario.fault:
        extra += ["--fault", json.dumps(scenario.fault)]
    work: Path = args.work
    rounds: list[list[Measure]] = []
    log = work / f"log-{scenario.name}.jsonl"
    with bench.Emulator(job.root, log, work / f"hashes-{job.root.name}.json", *extra) as emu:
        env = bench.env_for(emu.url, work / "home")
        args.load.append(os.getloadavg()[0])
        for _ in range(args.repeat):
            runs = []
            for tool in tools:
                if tool == "curl" and (len(job.files) != 1 or scenario.capped):
                    continue  # one file per command, one connection: the uncapped bar only
                out = bench.fresh(work / "out")
                cmd = command(tool, job, emu.url, out, work)
                if shutil.which(cmd[0]) is None and not Path(cmd[0]).exists():
                    runs.append(Measure(tool, note=f"{cmd[0]} not installed"))
                    continue
                if scenario.size_mib:  # served from memory, as a CDN does
                    bench.page_in(job.files[bench.BIG_NAME])
                t0 = time.time()
                tree = args.variants.get(tool)
                run_env = dict(env, PYTHONPATH=tree) if tree else env
                run = measure(tool, cmd, run_env, args.timeout)
                run.served = served_bytes(emu, t0, time.time())
                run.ok = run.ok and complete(job, out)
                if not run.ok and not run.note:
                    run.note = "files missing or of the wrong size"
                if not run.ok:
                    report = failure_report(work, scenario.name, tool, cmd, run, job, out)
                    run.note += f" ({report.name})"
                runs.append(run)
                print(f"  {scenario.name:12} {tool:14} {run.wall_s:8.2f} s  {run.note}", flush=True)
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(work / "home" / "hf", ignore_errors=True)
            rounds.append(runs)
    return rounds


def median_of(runs: list[Measure]) -> Measure:
    """Per metric, the median over the successful rounds (the walls of all kept in the note)."""
    ok = [r for r in runs if r.ok]
    if not ok:
        return runs[0]

    def med(metric: Callable[[Measure], float]) -> float:
        return statistics.median(metric(r) for r in ok)

    walls = " ".join(f"{r.wall_s:.2f}" for r in runs)
    failed = len(runs) - len(ok)
    why = next((r.note for r in runs if not r.ok), "")
    note = f"runs: {walls}" + (f"; {failed} failed: {why}" if failed else "")
    return Measure(
        runs[0].tool,
        med(lambda r: r.wall_s),
        med(lambda r: r.cpu_s),
        int(med(lambda r: r.peak_rss)),
        int(med(lambda r: r.served)),
        True,
        note,
    )


def table(scenario: Scenario, job: Job, rounds: list[list[Measure]]) -> list[str]:
    """The scenario's rows as a markdown table."""
    total = job.total
    medians = [median_of([r[i] for r in rounds]) for i in range(len(rounds[0]))]
    ours = next((m for m in medians if m.tool == "hfsuite" and m.ok), None)
    lines = [
        f"\n**{scenario.name}**: {scenario.title} ({total / MIB:.1f} MiB)\n",
        "| tool | wall s | MB/s | CPU s | CPU s/GiB | peak RSS MiB | twice MiB | wall / ours "
        "| note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in medians:
        if not m.ok:
            lines.append(f"| {m.tool} | – | – | – | – | – | – | – | FAILED {m.note} |")
            continue
        ratio = f"{m.wall_s / ours.wall_s:.2f}" if ours else "–"
        lines.append(
            f"| {m.tool} | {m.wall_s:.2f} | {total / m.wall_s / 1e6:.1f} | {m.cpu_s:.2f} "
            f"| {m.cpu_s / (total / 2**30):.2f} | {m.peak_rss / MIB:.0f} "
            f"| {max(0, m.served - total) / MIB:.1f} | {ratio} | {m.note} |"
        )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", default=None, help="scenario names (default: all)")
    ap.add_argument("--tools", nargs="*", default=None, help=f"a subset of {', '.join(TOOLS)}")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved rounds (median)")
    ap.add_argument("--cap-mbps", type=float, default=20.0, help="per-connection cap, MB/s")
    ap.add_argument("--size-mib", type=int, default=0, help="one size for every file (smoke)")
    ap.add_argument("--fault-size-mib", type=int, default=512, help="file of stalls/resets")
    ap.add_argument("--stall-s", type=float, default=10.0, help="length of each stall")
    ap.add_argument("--stall-share", type=float, default=0.2)
    ap.add_argument("--reset-share", type=float, default=0.3)
    ap.add_argument("--small-count", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=1800.0, help="per run, seconds")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hfsuite-matrix")
    ap.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also run the hfsuite of another tree (a checkout or its src) as tool hfsuite@NAME",
    )
    args = ap.parse_args()
    args.variants = {}
    for text in args.variant:
        name, _, path = text.partition("=")
        tree = Path(path).resolve()
        args.variants[f"hfsuite@{name}"] = str(tree / "src" if (tree / "src").is_dir() else tree)
    args.load = []
    chosen = [s for s in scenarios(args) if args.only is None or s.name in args.only]
    unknown = set(args.only or ()) - {s.name for s in scenarios(args)}
    if unknown:
        ap.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    tools = [t for t in TOOLS if args.tools is None or t in args.tools] + list(args.variants)
    args.work.mkdir(parents=True, exist_ok=True)
    memo: dict[Path, str] = {}
    small_root = args.work / f"root-small-{args.small_count}"
    bench.make_small(small_root, args.small_count)
    bench.warm_up(small_root, args.work, args.work / f"hashes-{small_root.name}.json")
    report = [
        f"machine: {os.cpu_count()} cores; median of {args.repeat} interleaved round(s); "
        "'twice' = file bytes served minus file size"
    ]
    for scenario in chosen:
        print(f"{scenario.name}: {scenario.title}", flush=True)
        job = prepare(scenario, args.work, args.small_count, memo)
        rounds = run_scenario(scenario, job, args, tools)
        report += table(scenario, job, rounds)
        report.append(
            f"\nload average (1 min) at the start of the scenario: {args.load[-1]:.2f}, "
            f"at its end: {os.getloadavg()[0]:.2f}"
        )
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
