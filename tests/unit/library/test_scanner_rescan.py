"""The unchanged-rescan fast path: a file whose stat still matches keeps its previous record
object; any difference the record holds (mtime, size, inode, link count, root, a missing hash)
takes the ordinary path."""

from __future__ import annotations

import os
from pathlib import Path

from hfsuite.library.hashing import Hasher, MemoryHashCache
from hfsuite.library.scanner import Scanner, ScanRoot


def _files(root: Path, names: dict[str, bytes]) -> None:
    for name, data in names.items():
        (root / name).write_bytes(data)


def test_unchanged_files_keep_their_previous_record_objects(tmp_path: Path) -> None:
    _files(tmp_path, {"a": b"a" * 10, "b": b"b" * 10, "c": b"c" * 10, "d": b"d"})
    scanner = Scanner(hasher=Hasher(MemoryHashCache()))
    first = scanner.scan([ScanRoot(str(tmp_path))]).files
    a, b, c, d = (str(tmp_path / n) for n in "abcd")
    st = os.stat(b)
    os.utime(b, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # same size, newer mtime
    os.link(c, tmp_path / "c-link")  # c's link count changes, its bytes do not
    (tmp_path / "d").unlink()
    (tmp_path / "d").write_bytes(b"D")  # same size, new inode
    again = Scanner(hasher=Hasher(MemoryHashCache())).scan(
        [ScanRoot(str(tmp_path))], previous=first
    )
    assert again.files[a] is first[a]
    assert again.files[b] is not first[b] and again.files[b].key.mtime_ns > first[b].key.mtime_ns
    assert again.files[c] is not first[c] and again.files[c].nlink == 2
    assert again.files[c].sha256 == first[c].sha256  # same key: the hash is kept
    assert again.files[d].sha256 != first[d].sha256
    # b (new mtime), d (new inode) and the new hard link path are read again; a and c are not
    assert again.hashed_files == 3


def test_a_previous_record_without_a_hash_is_hashed_when_a_hasher_is_given(
    tmp_path: Path,
) -> None:
    _files(tmp_path, {"a": b"abc"})
    plain = Scanner().scan([ScanRoot(str(tmp_path))]).files
    assert plain[str(tmp_path / "a")].sha256 is None
    same = Scanner().scan([ScanRoot(str(tmp_path))], previous=plain).files
    assert same[str(tmp_path / "a")] is plain[str(tmp_path / "a")]
    hashed = Scanner(hasher=Hasher(MemoryHashCache())).scan(
        [ScanRoot(str(tmp_path))], previous=plain
    )
    assert hashed.hashed_files == 1 and hashed.files[str(tmp_path / "a")].sha256


def test_a_record_from_another_root_is_not_reused_as_is(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    _files(tmp_path / "sub", {"x": b"x"})
    scanner = Scanner(hasher=Hasher(MemoryHashCache()))
    outer = scanner.scan([ScanRoot(str(tmp_path))]).files
    inner = scanner.scan([ScanRoot(str(tmp_path / "sub"))], previous=outer).files
    path = str(tmp_path / "sub" / "x")
    assert inner[path] is not outer[path]
    assert inner[path].root == str(tmp_path / "sub") and inner[path].sha256 == outer[path].sha256
