"""Workers on one PostgreSQL queue: download throughput with 1, 2, 3 workers, and the claim rate.

    python bench/workers_bench.py [--tasks 12] [--file-mib 8] [--cap-mib 4] [--slots 2]
                                  [--claims 10000] [--claimers 1 3]

Everything runs on this machine: a throwaway PostgreSQL server (initdb in a temporary folder,
on a free loopback port: hfsuite.testing.postgres) and the project's Hub emulator.

Phase 1, throughput. The emulator caps every connection at ``--cap-mib`` MiB/s (as a CDN that
limits each connection, or a host's own bandwidth), each task downloads one file over one
connection, each worker runs ``--slots`` tasks at once. ``hfsuite worker --until-empty`` is
started 1, 2 and 3 times in parallel on a fresh queue and a fresh shared folder; the wall time
from start to the last worker's exit gives the throughput (start-up included). Every file is
checked afterwards. On one host the workers share its CPU: the scaling shown is what more
connection slots buy, not more machines.

Phase 2, claims. ``--claims`` tasks are queued, then ``--claimers`` threads (each its own
connection, as workers on other hosts) claim one task per transaction until none is left:
claims per second. Then the cost of the writes a fleet makes without downloading: one worker
heartbeat, and one progress flush of 4 running tasks (what each worker writes every second),
timed over 1,000 repetitions; from them the load of 100 workers is projected.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from hfsuite.core.clock import SystemClock
from hfsuite.core.types import SourceKind, TaskState
from hfsuite.storage import Database, ProgressUpdate, TaskSpec, open_database
from hfsuite.testing import HubEmulator
from hfsuite.testing.postgres import PostgresCluster, PostgresUnavailable

MIB = 1 << 20
HFSUITE = shutil.which("hfsuite", path=str(Path(sys.executable).parent)) or "hfsuite"


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def phase_throughput(
    cluster: PostgresCluster, work: Path, args: argparse.Namespace
) -> dict[int, tuple[float, float]]:
    print(
        f"Phase 1: {args.tasks} tasks of {args.file_mib} MiB, one connection each, "
        f"{args.cap_mib} MiB/s per connection, {args.slots} slot(s) per worker"
    )
    hub = HubEmulator(lfs_threshold=MIB).start()
    contents = {f"bench/m{i:03d}": os.urandom(args.file_mib * MIB) for i in range(args.tasks)}
    for repo_id, data in contents.items():
        hub.create_repo(repo_id, files={"model.safetensors": data})
    hub.throttle(per_connection_bps=args.cap_mib * MIB)
    results: dict[int, tuple[float, float]] = {}
    try:
        for workers in (1, 2, 3):
            name = f"bench_workers_{workers}_{os.getpid()}"
            url = cluster.create_database(name)
            store = work / f"store-{workers}"
            env = dict(
                os.environ,
                HFSUITE_DB_URL=url,
                HF_ENDPOINT=hub.url,
                HOME=str(work / f"home-{workers}"),
                XDG_CONFIG_HOME=str(work / f"home-{workers}" / ".config"),
                XDG_DATA_HOME=str(work / f"home-{workers}" / ".data"),
                HFSUITE_HF_HOME=str(work / f"hf-{workers}"),
            )
            added = subprocess.run(
                [HFSUITE, "queue", "add", *contents, "--cache-dir", str(store),
                 "--connections", "1", "--json"],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if added.returncode != 0:
                raise SystemExit(f"queue add failed: {added.stderr}")
            cpu0, start = children_cpu_s(), time.perf_counter()
            procs = [
                subprocess.Popen(
                    [
                        HFSUITE,
                        "worker",
                        "--until-empty",
                        "--slots",
                        str(args.slots),
                        "--name",
                        f"bench-{i}",
                        "--json",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for i in range(workers)
            ]
            for p in procs:
                p.wait()
            wall = time.perf_counter() - start
            cpu = children_cpu_s() - cpu0
            for p in procs:
                if p.returncode != 0:
                    raise SystemExit(f"a worker failed: {p.stderr.read() if p.stderr else ''}")
            for repo_id, data in contents.items():
                folder = store / f"models--{repo_id.replace('/', '--')}" / "snapshots"
                got = next(folder.iterdir()) / "model.safetensors"
                if hashlib.sha256(got.read_bytes()).digest() != hashlib.sha256(data).digest():
                    raise SystemExit(f"wrong bytes: {repo_id}")
            total = args.tasks * args.file_mib * MIB
            results[workers] = (wall, cpu)
            print(
                f"  {workers} worker(s): {wall:6.2f} s  {total / wall / MIB:7.1f} MiB/s  "
                f"CPU {cpu:5.2f} s  (bytes checked)",
                flush=True,
            )
            cluster.drop_database(name)
            shutil.rmtree(store, ignore_errors=True)
    finally:
        hub.stop()
    one = results[1][0]
    print(
        "  speed-up: " + ", ".join(f"{k} workers {one / w:.2f}x" for k, (w, _) in results.items())
    )
    return results


def _fill(db: Database, n: int) -> None:
    specs = [
        TaskSpec(source=SourceKind.HUGGINGFACE, repo_id=f"org{i % 97}/m{i}", destination="/d")
        for i in range(n)
    ]
    with db.write() as uow:
        uow.tasks.add_many(specs)


def phase_claims(cluster: PostgresCluster, args: argparse.Namespace) -> None:
    print(f"Phase 2: claims of {args.claims:,} queued tasks, one per transaction")
    for claimers in args.claimers:
        name = f"bench_claims_{claimers}_{os.getpid()}"
        db = open_database(cluster.create_database(name), clock=SystemClock())
        start = time.perf_counter()
        _fill(db, args.claims)
        fill_s = time.perf_counter() - start
        counts = [0] * claimers

        def claim(index: int, db: Database = db, counts: list[int] = counts) -> None:
            while True:
                with db.write() as uow:
                    got = uow.tasks.claim_next(1, f"bench:{index}:worker:1")
                if not got:
                    return
                counts[index] += 1

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(claimers)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        with db.read() as uow:
            running = uow.tasks.count_by_state().get(TaskState.RUNNING, 0)
        assert sum(counts) == running == args.claims, (counts, running)
        print(
            f"  {claimers} claimer(s): {args.claims / elapsed:8.0f} claims/s "
            f"({elapsed:.2f} s; queueing them took {fill_s:.2f} s; each claimed once)",
            flush=True,
        )
        if claimers == args.claimers[-1]:
            _fleet_writes(db)
        db.close()
        cluster.drop_database(name)


def _fleet_writes(db: Database) -> None:
    with db.write() as uow:
        uow.workers.register("bench:1:worker:1", name="b", host="bench", pid=1, slots=4)
        ids = [t.id for t in uow.tasks.list_queue([TaskState.RUNNING], limit=4)]
    beat, flush = [], []
    for i in range(1000):
        t0 = time.perf_counter()
        with db.write() as uow:
            uow.workers.beat("bench:1:worker:1", running=4, bytes_per_s=1e8, tasks_done=i, slots=4)
        t1 = time.perf_counter()
        with db.write() as uow:
            uow.tasks.update_progress_many([ProgressUpdate(t, i * 1000, None) for t in ids])
        beat.append(t1 - t0)
        flush.append(time.perf_counter() - t1)
    b, f = statistics.median(beat) * 1000, statistics.median(flush) * 1000
    # Each worker: one progress flush per second while it downloads, one heartbeat per 5 s.
    per_worker_ms = f + b / 5
    print(f"  heartbeat write: {b:.2f} ms median; progress flush of 4 tasks: {f:.2f} ms median")
    print(
        f"  projected: 100 downloading workers hold the queue's write lock "
        f"{per_worker_ms * 100 / 10:.1f} % of each second ({per_worker_ms * 100:.0f} ms/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=12)
    parser.add_argument("--file-mib", type=int, default=8)
    parser.add_argument("--cap-mib", type=int, default=4)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--claimers", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    try:
        cluster = PostgresCluster().start()
    except (PostgresUnavailable, OSError) as exc:
        raise SystemExit(f"no PostgreSQL server for the benchmark: {exc}") from None
    work = Path(tempfile.mkdtemp(prefix="hfsuite-workers-bench-"))
    try:
        if not args.skip_throughput:
            phase_throughput(cluster, work, args)
        phase_claims(cluster, args)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
