"""Library benchmark: scanning many files, rescanning them unchanged, and hashing big files.

    python bench/library_bench.py [--files 10000] [--file-kib 16] [--large-count 4]
                                  [--large-mib 256] [--workers N]

Phase 1 builds ``--files`` small files in 100 folders and times a first scan (walk, stat and
SHA-256 of every file) against an unchanged rescan (walk and stat; every file keeps its previous
record, nothing is read). It also traces the Python memory the walk itself holds while it streams
1/10 of the files and all of them: it should not grow with the number of files.
Phase 2 writes ``--large-count`` files of ``--large-mib`` MiB and compares the parallel hasher
with coreutils ``sha256sum`` run on one file after the other, then one file alone, then the
hasher's read buffer sizes. Files are read once beforehand so both sides hash from the page
cache. Everything lives in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from hfsuite.library.hashing import MIB, Hasher, MemoryHashCache, sha256_file
from hfsuite.library.scanner import Scanner, ScanProblem, ScanRoot


def build_small_files(root: Path, count: int, size: int) -> None:
    chunk = os.urandom(size)
    for i in range(count):
        folder = root / f"d{i % 100:03}"
        folder.mkdir(exist_ok=True)
        # distinct bytes per file, so every file is a real hash
        (folder / f"f{i:06}.bin").write_bytes(i.to_bytes(8, "little") + chunk[8:])


def build_large_files(root: Path, count: int, size_mib: int) -> list[str]:
    paths = []
    block = os.urandom(MIB)
    for i in range(count):
        path = root / f"large{i}.bin"
        with open(path, "wb") as f:
            for j in range(size_mib):
                f.write(j.to_bytes(8, "little") + i.to_bytes(8, "little") + block[16:])
        paths.append(str(path))
    return paths


def walk_peak(root: Path) -> tuple[int, int]:
    """(files seen, peak traced bytes) while streaming the walk without keeping records."""
    problems: list[ScanProblem] = []
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    seen = sum(1 for _ in Scanner().iter_root(ScanRoot(str(root)), problems))
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return seen, peak


def phase_scan(root: Path, files: int, file_kib: int, workers: int) -> None:
    build_small_files(root, files, file_kib * 1024)
    roots = [ScanRoot(str(root))]
    t0 = time.perf_counter()
    first = Scanner(hasher=Hasher(MemoryHashCache(), workers=workers)).scan(roots)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = Scanner(hasher=Hasher(MemoryHashCache(), workers=workers)).scan(
        roots, previous=first.files
    )
    t_again = time.perf_counter() - t0
    assert len(first.files) == len(again.files) == files and again.hashed_files == 0
    print(f"scan of {files:,} files of {file_kib} KiB ({workers} hash threads)")
    print(f"  first scan (walk + hash)   {t_first:8.3f} s  ({first.hashed_files:,} files read)")
    print(f"  unchanged rescan           {t_again:8.3f} s  ({again.hashed_files} files read)")
    print(f"  rescan speed-up            {t_first / t_again:8.1f}x  (target >= 20x, <= 2 s)")
    part_files, part_peak = walk_peak(root / "d000")
    # one folder holds 1/100 of the files; the whole tree 100x more
    all_files, all_peak = walk_peak(root)
    print(
        f"  walk memory: {part_files:,} files peak {part_peak / 1024:.0f} KiB, "
        f"{all_files:,} files peak {all_peak / 1024:.0f} KiB"
    )


def sha256sum(paths: list[str]) -> float:
    t0 = time.perf_counter()
    for path in paths:
        subprocess.run(["sha256sum", path], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def phase_hash(root: Path, count: int, size_mib: int, workers: int) -> None:
    paths = build_large_files(root, count, size_mib)
    for path in paths:  # warm the page cache for both sides
        sha256_file(path)
    total = count * size_mib
    t_tool = sha256sum(paths)
    t0 = time.perf_counter()
    run = Hasher(MemoryHashCache(), workers=workers).hash_files(paths)
    t_ours = time.perf_counter() - t0
    assert len(run.hashes) == count
    print(f"hashing {count} x {size_mib} MiB ({workers} threads)")
    print(f"  sha256sum file after file  {total / t_tool:8.0f} MiB/s")
    print(f"  parallel hasher            {total / t_ours:8.0f} MiB/s")
    print(f"  ratio                      {t_tool / t_ours:8.2f}x  (target >= 1.6x)")
    t_tool1 = sha256sum(paths[:1])
    t0 = time.perf_counter()
    Hasher(MemoryHashCache(), workers=1).sha256(paths[0])
    t_ours1 = time.perf_counter() - t0
    tool_rate, our_rate = size_mib / t_tool1, size_mib / t_ours1
    print(f"  one file: sha256sum {tool_rate:.0f} MiB/s, hasher {our_rate:.0f} MiB/s")
    print(f"  one file ratio             {t_tool1 / t_ours1:8.2f}x  (target >= 0.95x)")
    for buf_mib in (1, 2, 4, 8):
        t0 = time.perf_counter()
        sha256_file(paths[0], buffer_size=buf_mib * MIB)
        dt = time.perf_counter() - t0
        print(f"  buffer {buf_mib} MiB: {size_mib / dt:.0f} MiB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--file-kib", type=int, default=16)
    parser.add_argument("--large-count", type=int, default=4)
    parser.add_argument("--large-mib", type=int, default=256)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-hash", action="store_true", help="only the scan phase")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, threads alive: {threading.active_count()}")
    with tempfile.TemporaryDirectory(prefix="library-bench-") as tmp:
        small = Path(tmp) / "small"
        small.mkdir()
        phase_scan(small, args.files, args.file_kib, args.workers)
        if not args.skip_hash:
            large = Path(tmp) / "large"
            large.mkdir()
            phase_hash(large, args.large_count, args.large_mib, args.workers)


if __name__ == "__main__":
    main()
