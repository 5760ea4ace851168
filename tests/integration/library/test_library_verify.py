"""library verify on real files: unchanged, changed (re-hashed and recorded), corrupt (same
stat, other bytes), missing, unreadable; hard links read once; PATH limits."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from dupes_helpers import blob, index_roots, make_suite, sha

from hfsuite.app.library import dupes
from hfsuite.app.library.hashes import stat_key
from hfsuite.app.library.verify import VerifyStatus, verify
from hfsuite.app.suite import Suite
from hfsuite.library import hashing
from hfsuite.library.hashing import FileKey
from hfsuite.library.scanner import ScanRoot

T0 = 1_700_000_000


@pytest.fixture
def suite(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = make_suite(tmp_path)
    yield s
    s.close()


@pytest.fixture
def lib(tmp_path: Path, suite: Suite) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    for i, name in enumerate(("same.bin", "rewritten.bin", "rotten.bin", "gone.bin", "locked.bin")):
        (root / name).write_bytes(blob(i, 50_000))
        os.utime(root / name, (T0, T0))
    os.link(root / "same.bin", root / "same-link.bin")
    (root / "unhashed.txt").write_text("never hashed")
    index_roots(suite, ScanRoot(str(root)))
    # Hash everything but the text file, as `hfsuite dupes` or `scan --hash` would.
    cache = suite.library.hash_cache
    for p in root.iterdir():
        if p.suffix == ".bin":
            cache.put(FileKey.of(os.stat(p)), sha(p.read_bytes()))
    cache.flush()
    return root


def _flip_byte_keeping_stat(path: Path) -> None:
    st = os.stat(path)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    with open(path, "r+b") as f:
        f.write(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_every_state_is_told_apart(
    suite: Suite, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (lib / "rewritten.bin").write_bytes(b"new content")
    _flip_byte_keeping_stat(lib / "rotten.bin")
    (lib / "gone.bin").unlink()

    def refusing_open(path: str, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("locked.bin"):
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    # (chmod 000 does not stop root; the hasher opens files through this name)
    monkeypatch.setattr(hashing, "open", refusing_open, raising=False)
    result = verify(dupes.suite_index(suite))
    monkeypatch.undo()
    states = {os.path.basename(f.path): f.status for f in result.files}
    assert states == {
        "same.bin": VerifyStatus.UNCHANGED,
        "same-link.bin": VerifyStatus.UNCHANGED,
        "rewritten.bin": VerifyStatus.CHANGED,
        "rotten.bin": VerifyStatus.CORRUPT,
        "gone.bin": VerifyStatus.MISSING,
        "locked.bin": VerifyStatus.UNREADABLE,
    }
    assert result.not_hashed == 1 and not result.ok
    locked = next(f for f in result.files if f.path.endswith("locked.bin"))
    assert locked.reason is not None and "Permission denied" in locked.reason
    rotten = next(f for f in result.files if f.path.endswith("rotten.bin"))
    assert rotten.recorded_sha256 == sha(blob(2, 50_000)) != rotten.sha256
    # the hard-linked pair is one read; every other readable file once
    assert result.read_bytes == 50_000 + len(b"new content") + 50_000
    # the rewritten file's new hash is recorded: until a rescan it is still "changed" (the
    # index holds the old stat), but nothing is read again
    with suite.database.read() as uow:
        rec = uow.file_hashes.get(stat_key(FileKey.of(os.stat(lib / "rewritten.bin"))))
    assert rec is not None and rec.sha256 == sha(b"new content")
    again = verify(dupes.suite_index(suite), [str(lib / "rewritten.bin")])
    assert [(f.status, f.sha256) for f in again.files] == [
        (VerifyStatus.CHANGED, sha(b"new content"))
    ]
    assert again.read_bytes == 0


def test_a_healthy_library_is_ok(suite: Suite, lib: Path) -> None:
    result = verify(dupes.suite_index(suite), [str(lib / "same.bin"), str(lib / "gone.bin")])
    assert result.ok
    assert result.counts == {
        "unchanged": 2,
        "changed": 0,
        "corrupt": 0,
        "missing": 0,
        "unreadable": 0,
    }
