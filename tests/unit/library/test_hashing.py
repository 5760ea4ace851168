"""SHA-256 once per file key, the short forms image tools print, and the parallel hasher."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path
from typing import BinaryIO

import pytest

from hfsuite.core.clock import ManualClock
from hfsuite.library.hashing import (
    MIB,
    FileKey,
    Hasher,
    HashProgress,
    MemoryHashCache,
    autov1_file,
    autov2,
    partial_digest,
    record_verified,
    resolve_model_hash,
    sha256_file,
)


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CountingOpen:
    """Opens files and counts how often each was opened."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, path: str) -> BinaryIO:
        self.opened.append(path)
        return open(path, "rb", buffering=0)


@pytest.mark.parametrize("buffer_size", [1, 7, 1024, 4 * MIB])
def test_sha256_file_matches_hashlib_for_any_buffer(tmp_path: Path, buffer_size: int) -> None:
    data = os.urandom(3 * 1024 + 5)
    path = _write(tmp_path / "f.bin", data)
    assert sha256_file(path, buffer_size=buffer_size) == _sha(data)


def test_autov2_is_the_first_ten_hex_digits() -> None:
    full = _sha(b"model")
    assert autov2(full.upper()) == full[:10]


def test_autov1_hashes_64_kib_at_one_mib(tmp_path: Path) -> None:
    data = os.urandom(MIB) + b"\x01" * 0x10000 + os.urandom(5000)
    path = _write(tmp_path / "m.ckpt", data)
    assert autov1_file(path) == _sha(b"\x01" * 0x10000)[:8]
    short = _write(tmp_path / "short.ckpt", b"x" * 100)
    assert autov1_file(short) == _sha(b"")[:8]


def test_partial_digest_reads_only_the_ends(tmp_path: Path) -> None:
    middle_a = b"a" * MIB
    middle_b = b"b" * MIB
    head, tail = os.urandom(MIB), os.urandom(MIB)
    a = _write(tmp_path / "a", head + middle_a + tail)
    b = _write(tmp_path / "b", head + middle_b + tail)
    assert partial_digest(a, 3 * MIB) == partial_digest(b, 3 * MIB)
    c = _write(tmp_path / "c", b"small")
    assert partial_digest(c, 5) == _sha(b"small")


def test_resolve_model_hash_by_full_autov2_and_autov1(tmp_path: Path) -> None:
    one = _sha(b"one")
    two = _sha(b"two")
    hashes = {"/m/one.safetensors": one, "/m/two.safetensors": two}
    assert resolve_model_hash(one, hashes) == ["/m/one.safetensors"]
    assert resolve_model_hash(f" {one[:10].upper()} ", hashes) == ["/m/one.safetensors"]
    v1 = {"/m/one.safetensors": "deadbeef", "/m/two.safetensors": "0badf00d"}
    assert resolve_model_hash("0badf00d", hashes, v1.get) == ["/m/two.safetensors"]
    assert resolve_model_hash("not-hex", hashes) == []
    assert resolve_model_hash("ab", hashes) == []


def test_hasher_reads_a_file_once_per_key(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.bin", b"weights" * 1000)
    opener = CountingOpen()
    cache = MemoryHashCache()
    hasher = Hasher(cache, open_fn=opener)
    assert hasher.sha256(path) == _sha(b"weights" * 1000)
    assert hasher.sha256(path) == _sha(b"weights" * 1000)
    assert opener.opened == [path]
    # a new mtime is a new key: read again
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    hasher.sha256(path)
    assert opener.opened == [path, path]
    assert len(cache) == 2


def test_a_verified_download_is_recorded_without_reading(tmp_path: Path) -> None:
    data = b"downloaded"
    path = _write(tmp_path / "d.bin", data)
    cache = MemoryHashCache()
    key = record_verified(cache, os.stat(path), _sha(data).upper())
    assert key == FileKey.of(os.stat(path))
    opener = CountingOpen()
    assert Hasher(cache, open_fn=opener).sha256(path) == _sha(data)
    assert opener.opened == []


def test_hash_files_in_parallel_with_progress_and_problems(tmp_path: Path) -> None:
    datas = {f"f{i}": os.urandom(10_000 + i) for i in range(12)}
    paths = [_write(tmp_path / n, d) for n, d in datas.items()]
    missing = str(tmp_path / "missing")
    seen: list[HashProgress] = []
    run = Hasher(MemoryHashCache(), workers=4, clock=ManualClock()).hash_files(
        [*paths, missing], on_progress=seen.append
    )
    assert run.hashes == {p: _sha(datas[Path(p).name]) for p in paths}
    assert [p.path for p in run.problems] == [missing]
    assert run.read_files == 12 and run.read_bytes == sum(len(d) for d in datas.values())
    final = seen[-1]
    assert (final.files_done, final.files_total) == (13, 13)
    assert final.bytes_done == final.bytes_total == run.read_bytes
    # second run: all from the cache, nothing read, progress still complete
    seen.clear()
    hasher = Hasher(MemoryHashCache(), workers=2)
    hasher.hash_files(paths)
    again = hasher.hash_files(paths, on_progress=seen.append)
    assert again.read_bytes == 0 and len(again.hashes) == 12
    assert seen[-1].bytes_done == seen[-1].bytes_total


def test_a_file_growing_while_hashed_is_a_problem_and_not_cached(tmp_path: Path) -> None:
    path = _write(tmp_path / "growing.bin", b"x" * 50_000)

    def open_and_grow(p: str) -> BinaryIO:
        f = open(p, "rb", buffering=0)  # noqa: SIM115 - returned to the hasher, which closes it
        with open(p, "ab") as w:
            w.write(b"more")
        return f

    cache = MemoryHashCache()
    run = Hasher(cache, open_fn=open_and_grow).hash_files([path])
    assert run.hashes == {}
    assert "changed while it was hashed" in run.problems[0].message
    assert len(cache) == 0


def test_permission_error_is_recorded_per_file(tmp_path: Path) -> None:
    ok = _write(tmp_path / "ok", b"ok")
    locked = _write(tmp_path / "locked", b"no")

    def deny(p: str) -> BinaryIO:
        if p == locked:
            raise PermissionError(13, "Permission denied", p)
        return open(p, "rb", buffering=0)

    run = Hasher(MemoryHashCache(), open_fn=deny).hash_files([ok, locked])
    assert list(run.hashes) == [ok]
    assert "Permission denied" in run.problems[0].message


def test_cancel_stops_between_reads(tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"c{i}", b"z" * 4096) for i in range(5)]
    cancel = threading.Event()

    class Cancelling(io.RawIOBase):
        def __init__(self, p: str) -> None:
            self._f = open(p, "rb", buffering=0)  # noqa: SIM115 - closed in close()

        def readinto(self, b):  # type: ignore[no-untyped-def, override]
            cancel.set()
            return self._f.readinto(b)

        def close(self) -> None:
            self._f.close()
            super().close()

    run = Hasher(MemoryHashCache(), workers=1, open_fn=Cancelling, buffer_size=1024).hash_files(
        paths, cancel=cancel
    )
    assert run.cancelled and run.hashes == {}
