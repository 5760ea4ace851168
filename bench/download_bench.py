"""Download engine vs peers, against the Hub emulator on loopback, in one run.

Peers: ``hf download`` (huggingface_hub's CLI), ``aria2c`` (Debian's package; install with
``apt-get install aria2``) and ``curl``. Every tool downloads the same files from the same
emulator (``python -m hfsuite.testing.hub serve``, a separate process); wall time and CPU time
(user+sys of the tool's process tree) are measured per run, and ratios printed.

    python bench/download_bench.py                    # everything, 2 GiB file, 3 rounds (~15 min)
    python bench/download_bench.py --size-mib 512 --only throttled unthrottled
    python bench/download_bench.py --only throttled --tools hfsuite aria2c --repeat 5

Scenarios (names for --only):
  throttled    one big LFS file, server capped at 25 MB/s per connection (like a CDN):
               ours (-c 16) vs `hf download` vs `aria2c -x16 -s16 -k1M`
  unthrottled  the same file without a cap: ours vs `curl -o` vs aria2c vs `hf download`
               (also gives CPU seconds per GiB)
  small        1,000 files of 1-50 KB: ours vs `hf download`
  resume       kill -9 at ~50 %, re-run: bytes served for the re-run / bytes missing
  limit        --limit-rate 20M for ~30 s: achieved rate
The markdown table printed at the end goes into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MIB = 1 << 20
REPO = "bench/big"
SMALL_REPO = "bench/small"
BIG_NAME = "model.safetensors"


@dataclass
class Run:
    """One tool's run."""

    tool: str
    wall_s: float
    cpu_s: float
    ok: bool
    note: str = ""


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(tool: str, cmd: list[str], env: dict[str, str], timeout: float = 1800) -> Run:
    """Run a command to completion; wall and CPU time of its process tree."""
    c0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    note = "" if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["?"])[-1][:120]
    return Run(tool, wall, cpu, proc.returncode == 0, note)


class Emulator:
    """The emulator CLI in its own process, with a request log."""

    def __init__(self, root: Path, log: Path, hash_cache: Path, *extra: str):
        self.root = root
        self.log = log
        log.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hfsuite.testing.hub",
                "serve",
                "--root",
                str(root),
                "--request-log",
                str(log),
                "--hash-cache",
                str(hash_cache),
                "--prehash",
                *extra,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise RuntimeError("the emulator did not start")

    def records(self) -> list[dict]:
        with open(self.log, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(20)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_big(root: Path, size: int) -> Path:
    path = root / REPO / BIG_NAME
    if path.exists() and path.stat().st_size == size:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(64 * MIB)
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, len(block))
            fh.write(block[:n])
            left -= n
    (root / REPO / "config.json").write_text('{"bench": true}')
    return path


def make_small(root: Path, count: int = 1000) -> int:
    folder = root / SMALL_REPO
    if folder.exists() and len(list(folder.rglob("*.bin"))) == count:
        return sum(p.stat().st_size for p in folder.rglob("*.bin"))
    rng = random.Random(42)
    total = 0
    for i in range(count):
        p = folder / f"part{i // 100:02d}" / f"f{i:04d}.bin"
        p.parent.mkdir(parents=True, exist_ok=True)
        data = rng.randbytes(rng.randint(1024, 50 * 1024))
        p.write_bytes(data)
        total += len(data)
    return total


def env_for(url: str, home: Path) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE is dropped: an installed program runs from compiled bytecode
    # (pip compiles site-packages at install time; our editable source is compiled by the
    # warm-up run in main()), so neither Python tool pays for compiling its modules.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HF_", "HFSUITE_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        HF_ENDPOINT=url,
        HF_HOME=str(home / "hf"),
        HF_HUB_DISABLE_XET="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        HOME=str(home),
        NO_PROXY="127.0.0.1,localhost",
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
    )
    return env


def fresh(dir_: Path) -> Path:
    shutil.rmtree(dir_, ignore_errors=True)
    dir_.mkdir(parents=True)
    return dir_


def cdn_url(url: str) -> str:
    """The resolve URL (aria2c and curl follow the redirect to the CDN themselves)."""
    return f"{url}/{REPO}/resolve/main/{BIG_NAME}"


def hfsuite_bin() -> str:
    return shutil.which("hfsuite", path=str(Path(sys.executable).parent)) or "hfsuite"


def hf_bin() -> str:
    return shutil.which("hf", path=str(Path(sys.executable).parent)) or "hf"


def page_in(path: Path) -> None:
    """Read a served file once so it is in the page cache, as a CDN serves from memory.

    This VM drops pages of files from its cache now and then although most memory is free
    (seen: 100 MB of the 2 GiB file gone between two runs, and a run reading 400 MB/s from
    disk); reading the file before every timed run keeps that out of the figures."""
    with open(path, "rb", buffering=0) as fh:
        buf = bytearray(16 * MIB)
        while fh.readinto(buf):
            pass


def check(path: Path, size: int) -> bool:
    return path.exists() and path.stat().st_size == size


# --- scenarios ------------------------------------------------------------------------------
def median_runs(rounds: list[list[Run]]) -> list[Run]:
    """Per tool, the run of median wall time over the rounds (all walls kept in the note)."""
    out = []
    for i, first in enumerate(rounds[0]):
        runs = [r[i] for r in rounds]
        ok = [r for r in runs if r.ok]
        if not ok:
            out.append(first)
            continue
        wall = statistics.median(r.wall_s for r in ok)
        cpu = statistics.median(r.cpu_s for r in ok)
        walls = " ".join(f"{r.wall_s:.2f}" for r in runs)
        failed = len(runs) - len(ok)
        note = f"runs: {walls}" + (f" ({failed} failed: {runs[0].note})" if failed else "")
        out.append(Run(first.tool, wall, cpu, True, note))
    return out


def big_file_runs(
    emu: Emulator, work: Path, size: int, tools: list[str], repeat: int = 1
) -> list[Run]:
    """Each tool once per round, rounds interleaved (so drift on the machine hits all alike)."""
    return median_runs([_big_file_round(emu, work, size, tools) for _ in range(repeat)])


def _big_file_round(emu: Emulator, work: Path, size: int, tools: list[str]) -> list[Run]:
    runs = []
    env = env_for(emu.url, work / "home")
    for tool in tools:
        out = fresh(work / f"out-{tool}")
        if tool == "hfsuite":
            cmd = [
                hfsuite_bin(),
                "-q",
                "download",
                REPO,
                BIG_NAME,
                "--local-dir",
                str(out),
                "-c",
                "16",
            ]
        elif tool == "hf download":
            cmd = [hf_bin(), "download", REPO, BIG_NAME, "--local-dir", str(out)]
        elif tool == "aria2c":
            cmd = [
                "aria2c",
                "-x16",
                "-s16",
                "-k1M",
                "--file-allocation=falloc",
                "--allow-overwrite=true",
                "--auto-file-renaming=false",
                "--console-log-level=warn",
                "--summary-interval=0",
                "-d",
                str(out),
                "-o",
                BIG_NAME,
                cdn_url(emu.url),
            ]
        elif tool == "curl":
            cmd = ["curl", "-sSfL", "-o", str(out / BIG_NAME), cdn_url(emu.url)]
        else:
            raise ValueError(tool)
        if shutil.which(cmd[0]) is None and not Path(cmd[0]).exists():
            runs.append(Run(tool, 0, 0, False, f"{cmd[0]} not installed"))
            continue
        page_in(emu.root / REPO / BIG_NAME)
        run = timed(tool, cmd, env)
        run.ok = run.ok and check(out / BIG_NAME, size)
        runs.append(run)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / "home" / "hf", ignore_errors=True)
    return runs


def small_runs(emu: Emulator, work: Path, repeat: int = 1) -> list[Run]:
    return median_runs([_small_round(emu, work) for _ in range(repeat)])


def _small_round(emu: Emulator, work: Path) -> list[Run]:
    env = env_for(emu.url, work / "home")
    runs = []
    for tool, cmd in (
        ("hfsuite", [hfsuite_bin(), "-q", "download", SMALL_REPO]),
        ("hf download", [hf_bin(), "download", SMALL_REPO]),
    ):
        out = fresh(work / "out-small")
        runs.append(timed(tool, [*cmd, "--local-dir", str(out)], env))
        shutil.rmtree(work / "home" / "hf", ignore_errors=True)
    return runs


def resume_run(emu: Emulator, work: Path, size: int) -> dict[str, float]:
    """kill -9 ours at ~50 %, re-run; bytes served for the re-run vs bytes missing."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from hfsuite.engine.resume import load_state

    env = env_for(emu.url, work / "home")
    out = fresh(work / "out-resume")
    cmd = [hfsuite_bin(), "-q", "download", REPO, BIG_NAME, "--local-dir", str(out), "-c", "16"]
    state_path = out / ".cache/huggingface/download" / f"{BIG_NAME}.hfsuite.json"
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = 0
    while proc.poll() is None:
        state = load_state(state_path)
        done = state.ranges.total if state else 0
        if done >= size // 2:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state = load_state(state_path)
    missing = size - (state.ranges.total if state else 0)
    time.sleep(1.0)  # let the server log the killed requests
    t_rerun = time.time()
    run = timed("hfsuite re-run", cmd, env)
    served = sum(
        r["bytes_sent"]
        for r in emu.records()
        if r["started"] >= t_rerun and r.get("origin") == "cdn"
    )
    ok = run.ok and check(out / BIG_NAME, size)
    shutil.rmtree(out, ignore_errors=True)
    return {
        "killed_at": done / size,
        "missing": missing,
        "served": served,
        "ratio": served / missing if missing else float("nan"),
        "ok": ok,
    }


def limit_run(emu: Emulator, work: Path, rate: int, seconds: float) -> dict[str, float]:
    """--limit-rate: the rate achieved over ``seconds``, from the progress events (JSON lines)."""
    env = env_for(emu.url, work / "home")
    out = fresh(work / "out-limit")
    cmd = [
        hfsuite_bin(),
        "download",
        REPO,
        BIG_NAME,
        "--local-dir",
        str(out),
        "--limit-rate",
        str(rate),
        "--json",
    ]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    samples: list[tuple[float, int]] = []
    first = None
    for line in proc.stdout:
        event = json.loads(line)
        if event.get("event") != "TransferProgressed":
            continue
        now = time.monotonic()
        if first is None:
            first = now
        if now - first >= 2.0:  # skip start-up and the initial burst
            samples.append((now, event["done_bytes"]))
        if samples and now - samples[0][0] >= seconds:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    shutil.rmtree(out, ignore_errors=True)
    (t0, b0), (t1, b1) = samples[0], samples[-1]
    achieved = (b1 - b0) / (t1 - t0)
    return {"target": rate, "achieved": achieved, "error": achieved / rate - 1, "window_s": t1 - t0}


def warm_up(root: Path, work: Path, hash_cache: Path) -> None:
    """One small real download by each Python tool before anything is timed: bytecode
    compiled, modules in the page cache, our database created (as on any machine after the
    first run), the emulator's prehashed index loaded."""
    src = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], capture_output=True)
    with Emulator(root, work / "log-warm.jsonl", hash_cache) as emu:
        env = env_for(emu.url, work / "home")
        for cmd in (
            [hfsuite_bin(), "-q", "download", SMALL_REPO, "part00/f0000.bin"],
            [hf_bin(), "download", SMALL_REPO, "part00/f0000.bin"],
        ):
            out = fresh(work / "out-warm")
            subprocess.run([*cmd, "--local-dir", str(out)], env=env, capture_output=True)
        shutil.rmtree(work / "out-warm", ignore_errors=True)
        shutil.rmtree(work / "home" / "hf", ignore_errors=True)


# --- report ---------------------------------------------------------------------------------
def fmt_runs(title: str, runs: list[Run], size: int, baseline: str) -> list[str]:
    base = next((r for r in runs if r.tool == baseline and r.ok), None)
    lines = [
        f"\n{title}",
        f"{'tool':16} {'wall s':>8} {'MB/s':>8} {'CPU s':>7} {'CPU s/GiB':>9}  note",
    ]
    for r in runs:
        speed = size / r.wall_s / 1e6 if r.wall_s else 0
        lines.append(
            f"{r.tool:16} {r.wall_s:8.2f} {speed:8.1f} {r.cpu_s:7.2f} "
            f"{r.cpu_s / (size / 2**30):9.2f}  {r.note if r.ok else 'FAILED ' + r.note}"
        )
    if base:
        for r in runs:
            if r.ok and r.tool != baseline:
                lines.append(
                    f"  {baseline} is {r.wall_s / base.wall_s:.2f}x faster than {r.tool}"
                    f" (wall time {r.tool}/{baseline})"
                )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mib", type=int, default=2048)
    ap.add_argument("--cap-mbps", type=float, default=25.0, help="per-connection cap, MB/s")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hfsuite-bench")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--limit-seconds", type=float, default=30.0)
    ap.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of the big-file and small-file scenarios; medians are reported",
    )
    ap.add_argument(
        "--tools",
        nargs="*",
        default=None,
        help="only these tools in the big-file scenarios (e.g. hfsuite aria2c)",
    )
    args = ap.parse_args()
    size = args.size_mib * MIB
    want = set(args.only or ["throttled", "unthrottled", "small", "resume", "limit"])
    work = args.work
    root = work / "root"
    print(f"preparing {args.size_mib} MiB file and 1,000 small files in {root} …", flush=True)
    make_big(root, size)
    small_total = make_small(root)
    hash_cache = work / "hashes.json"
    warm_up(root, work, hash_cache)

    def pick(tools: list[str]) -> list[str]:
        return [t for t in tools if args.tools is None or t in args.tools]

    report: list[str] = [
        f"machine: {os.cpu_count()} cores; file {args.size_mib} MiB; "
        f"median of {args.repeat} interleaved round(s)"
    ]

    if "throttled" in want:
        cap = int(args.cap_mbps * 1e6)
        with Emulator(
            root, work / "log-throttled.jsonl", hash_cache, "--per-connection-bps", str(cap)
        ) as emu:
            runs = big_file_runs(
                emu, work, size, pick(["hfsuite", "aria2c", "hf download"]), args.repeat
            )
        report += fmt_runs(
            f"throttled: {args.cap_mbps:g} MB/s per connection", runs, size, "hfsuite"
        )
    if "unthrottled" in want:
        with Emulator(root, work / "log-free.jsonl", hash_cache) as emu:
            runs = big_file_runs(
                emu, work, size, pick(["hfsuite", "curl", "aria2c", "hf download"]), args.repeat
            )
        report += fmt_runs("unthrottled", runs, size, "hfsuite")
        ours = next((r for r in runs if r.tool == "hfsuite" and r.ok), None)
        for peer in ("curl", "aria2c"):
            p = next((r for r in runs if r.tool == peer and r.ok), None)
            if ours and p:
                report.append(f"  throughput ours/{peer}: {p.wall_s / ours.wall_s:.2f}")
    if "small" in want:
        with Emulator(root, work / "log-small.jsonl", hash_cache) as emu:
            runs = small_runs(emu, work, args.repeat)
        report += fmt_runs(
            f"1,000 small files ({small_total / 1e6:.1f} MB)", runs, small_total, "hfsuite"
        )
    if "resume" in want:
        cap = int(args.cap_mbps * 1e6)
        with Emulator(
            root, work / "log-resume.jsonl", hash_cache, "--per-connection-bps", str(cap)
        ) as emu:
            res = resume_run(emu, work, size)
        report.append(
            f"\nresume: killed at {res['killed_at']:.0%}; missing {res['missing'] / MIB:.1f} MiB, "
            f"served on re-run {res['served'] / MIB:.1f} MiB, ratio {res['ratio']:.3f} "
            f"({'ok' if res['ok'] else 'FAILED'}); `hf download` re-sends the whole file"
        )
    if "limit" in want:
        with Emulator(root, work / "log-limit.jsonl", hash_cache) as emu:
            res = limit_run(emu, work, 20_000_000, args.limit_seconds)
        report.append(
            f"\n--limit-rate 20M over {res['window_s']:.1f} s: achieved "
            f"{res['achieved'] / 1e6:.2f} MB/s ({res['error']:+.1%})"
        )
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
