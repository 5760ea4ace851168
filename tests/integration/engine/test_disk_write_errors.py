"""A disk that refuses a write (full, over quota, no permission, read-only, name too long) at
each write point of a download: a typed error naming the file and its folder, the right exit
code, no temp file left, the data already written kept, and a re-run that completes."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.core.errors import (
    DestinationNotWritableError,
    DiskFullError,
    HfSuiteError,
    PathTooLongError,
)
from hfsuite.testing import HubEmulator

REPO = "acme/disk"
BIG = "w.bin"
FILES = {BIG: pattern_bytes(3 * MIB + 77, seed=11), "config.json": b'{"a": 1}'}
BIG_SHA = hashlib.sha256(FILES[BIG]).hexdigest()

EXPECTED: dict[int, tuple[type[HfSuiteError], int]] = {
    errno.ENOSPC: (DiskFullError, 9),
    errno.EDQUOT: (DiskFullError, 9),
    errno.EACCES: (DestinationNotWritableError, 8),
    errno.EPERM: (DestinationNotWritableError, 8),
    errno.EROFS: (DestinationNotWritableError, 8),
    errno.ENAMETOOLONG: (PathTooLongError, 2),
}

# write point -> (layout is a local dir, the function patched, which call fails)
POINTS: dict[str, tuple[bool, str, Callable[[str, str | None], bool]]] = {
    "data": (False, "pwrite", lambda src, dst: True),
    "rename": (False, "replace", lambda src, dst: src.endswith(".hfsuite.incomplete")),
    "snapshot-link": (False, "symlink", lambda src, dst: "/snapshots/" in str(dst)),
    "refs": (False, "replace", lambda src, dst: "/refs/" in str(dst)),
    "trees": (False, "replace", lambda src, dst: "/trees/" in str(dst)),
    # Written in place (huggingface_hub's way): refused when it is created.
    "metadata": (True, "open", lambda src, dst: src.endswith(".metadata")),
}


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=MIB)
    h.create_repo(REPO, files=FILES)
    return h


@contextmanager
def refusing(point: str, code: int) -> Iterator[list[str]]:
    """Make the write at ``point`` fail with ``code``; yields the files it refused."""
    _, name, matches = POINTS[point]
    real = getattr(os, name)
    refused: list[str] = []
    written = [0]

    def fake(*args: Any, **kwargs: Any) -> Any:
        if name == "pwrite":
            target = os.readlink(f"/proc/self/fd/{args[0]}")
            if BIG_SHA not in target and f"{BIG}.hfsuite" not in target:
                return real(*args, **kwargs)
            # Let the first MiB through, so there is partial data to keep.
            if written[0] >= MIB:
                refused.append("<data>")
                raise OSError(code, os.strerror(code))
            written[0] += len(args[1])
            return real(*args, **kwargs)
        if name == "open":
            path = str(args[0])
            if matches(path, None):
                refused.append(path)
                raise OSError(code, os.strerror(code), path)
            return real(*args, **kwargs)
        src, dst = str(args[0]), str(args[1])
        if matches(src, dst):
            refused.append(dst)
            raise OSError(code, os.strerror(code), src, None, dst)
        return real(*args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(os, name, fake)
    try:
        yield refused
    finally:
        mp.undo()


def _final(dest: Path, local: bool) -> Path:
    if local:
        return dest / BIG
    (snapshot,) = (dest / "models--acme--disk" / "snapshots").iterdir()
    return snapshot / BIG


def _temp_files(dest: Path) -> list[Path]:
    return [p for p in dest.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("code", list(EXPECTED), ids=lambda c: errno.errorcode[c])
@pytest.mark.parametrize("point", list(POINTS))
def test_a_refused_write_is_a_typed_error_and_a_rerun_completes(
    hub: HubEmulator, tmp_path: Path, point: str, code: int
) -> None:
    local = POINTS[point][0]
    dest = tmp_path / "out"
    with refusing(point, code) as refused, pytest.raises(HfSuiteError) as info:
        run_transfer(hub.url, REPO, dest, local_dir=local, connections_per_file=2)
    assert refused, "the fault was injected"
    error = info.value
    kind, code_out = EXPECTED[code]
    assert type(error) is kind and error.exit_code == code_out
    # The file and its folder are named (with several files refused, the first to fail).
    files = [next(dest.rglob("*.hfsuite.incomplete"))] if point == "data" else refused
    assert any(str(f) in error.message and str(Path(f).parent) in error.message for f in files)
    if isinstance(error, DiskFullError):
        assert error.path in error.message and "resumes" in str(error.hint)
        if point == "data":
            assert "still to write" in error.message and error.needed_bytes > 0
    assert not _temp_files(dest), "no temp file is left behind"
    if point == "data":
        (partial,) = dest.rglob("*.hfsuite.incomplete")
        assert partial.stat().st_size == len(FILES[BIG]), "the partial data is kept"

    result = run_transfer(hub.url, REPO, dest, local_dir=local)
    final = _final(dest, local)
    assert hashlib.sha256(final.read_bytes()).digest() == hashlib.sha256(FILES[BIG]).digest()
    if point == "data":
        assert result.downloaded_bytes < len(FILES[BIG]), "the re-run resumed"
    if not local:
        refs = dest / "models--acme--disk" / "refs" / "main"
        assert refs.read_text() == final.parent.name
    assert not _temp_files(dest)


@pytest.mark.parametrize("code", list(EXPECTED), ids=lambda c: errno.errorcode[c])
def test_resume_state_that_cannot_be_saved_never_blocks_the_data(
    hub: HubEmulator, tmp_path: Path, code: int, caplog: pytest.LogCaptureFixture
) -> None:
    dest = tmp_path / "out"
    real = os.replace

    def fake(src: Any, dst: Any) -> None:
        if str(src).endswith(".hfsuite.json.tmp"):
            raise OSError(code, os.strerror(code), str(src), None, str(dst))
        real(src, dst)

    mp = pytest.MonkeyPatch()
    mp.setattr(os, "replace", fake)
    caplog.set_level(logging.DEBUG, logger="hfsuite.engine.resume")
    try:
        # Slowed down to about half a second, so that several checkpoints fail.
        run_transfer(
            hub.url,
            REPO,
            dest,
            checkpoint_interval_s=0.001,
            connections_per_file=2,
            global_bps=6 * MIB,
        )
    finally:
        mp.undo()
    final = _final(dest, False)
    assert final.read_bytes() == FILES[BIG]
    assert not _temp_files(dest), "the state's temp file is removed after each failure"
    failed = [r for r in caplog.records if "cannot save resume state" in r.getMessage()]
    # Per file: the big one fails at many checkpoints and warns once; the small one may reach
    # a checkpoint too (timing), and then warns once as well.
    big = [r for r in failed if r.args and r.args[0] == BIG]
    warned = Counter(r.args[0] for r in failed if r.levelno == logging.WARNING and r.args)
    assert len(big) > 1 and warned[BIG] == 1, "warned once, not at every checkpoint"
    assert all(n == 1 for n in warned.values()), warned


def test_state_is_retried_after_a_passing_failure(hub: HubEmulator, tmp_path: Path) -> None:
    from hfsuite.engine.ranges import RangeSet
    from hfsuite.engine.resume import CheckpointWriter, ResumeState, load_state

    path = tmp_path / "x.hfsuite.json"
    real = os.replace
    failures = [1]

    def flaky(src: Any, dst: Any) -> None:
        if failures[0]:
            failures[0] -= 1
            raise OSError(errno.ENOSPC, "No space left on device", str(src))
        real(src, dst)

    mp = pytest.MonkeyPatch()
    mp.setattr(os, "replace", flaky)
    try:
        writer = CheckpointWriter(path, "x", retry_delay_s=0)
        state = ResumeState(10, "e", None, RangeSet([(0, 5)]))
        assert writer.save(state, None)
    finally:
        mp.undo()
    loaded = load_state(path)
    assert loaded is not None and loaded.ranges.total == 5
    assert writer.failures == 0 and not _temp_files(tmp_path)


def test_data_and_state_both_refused_then_a_rerun_completes(
    hub: HubEmulator, tmp_path: Path
) -> None:
    dest = tmp_path / "out"
    real = os.replace

    def fake(src: Any, dst: Any) -> None:
        if str(src).endswith(".hfsuite.json.tmp"):
            raise OSError(errno.ENOSPC, "No space left on device", str(src), None, str(dst))
        real(src, dst)

    with refusing("data", errno.ENOSPC), pytest.raises(DiskFullError):
        mp = pytest.MonkeyPatch()
        mp.setattr(os, "replace", fake)
        try:
            run_transfer(hub.url, REPO, dest, connections_per_file=2)
        finally:
            mp.undo()
    assert not _temp_files(dest)
    run_transfer(hub.url, REPO, dest)
    assert _final(dest, False).read_bytes() == FILES[BIG]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=errno.errorcode.get)
def test_a_snapshot_copy_cut_short_leaves_no_temp_file(tmp_path: Path, code: int) -> None:
    # Without symlinks the snapshot gets a copy of the blob, written beside it first.
    from hfsuite.core.remote import RemoteFile, RepoSnapshot
    from hfsuite.core.types import RepoRef
    from hfsuite.engine.layouts import HFCacheLayout
    from hfsuite.engine.verify import Expectation

    remote = RemoteFile(BIG, len(FILES[BIG]), "http://h/w", sha256=BIG_SHA, lfs=True)
    layout = HFCacheLayout(
        tmp_path, RepoSnapshot(RepoRef(REPO), "c" * 40, (remote,)), use_symlinks=False
    )
    target = layout.target(remote)
    layout.blobs.mkdir(parents=True)
    (layout.blobs / BIG_SHA).write_bytes(FILES[BIG])
    real = os.replace

    def fake(src: Any, dst: Any) -> None:
        if "/snapshots/" in str(dst):
            raise OSError(code, os.strerror(code), str(src), None, str(dst))
        real(src, dst)

    mp = pytest.MonkeyPatch()
    mp.setattr(os, "replace", fake)
    try:
        with pytest.raises(OSError):
            layout.is_complete(target, Expectation.for_file(remote))
    finally:
        mp.undo()
    assert not _temp_files(tmp_path) and not target.final_path.exists()
    assert layout.is_complete(target, Expectation.for_file(remote))
    assert target.final_path.read_bytes() == FILES[BIG]


@pytest.mark.parametrize("local", [True, False], ids=["local-dir", "hf-cache"])
def test_a_name_too_long_for_the_file_system_for_real(
    hub_factory, tmp_path: Path, local: bool
) -> None:  # type: ignore[no-untyped-def]
    # No injection: the file system itself refuses a 300-character name (most allow 255).
    name = "n" * 300 + ".bin"
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/long", files={name: b"x" * 100, "config.json": b"{}"})
    dest = tmp_path / "out"
    with pytest.raises(PathTooLongError) as info:
        run_transfer(hub.url, "acme/long", dest, local_dir=local)
    assert info.value.exit_code == 2 and name in info.value.message
    assert "is too long for the file system of" in info.value.message
    assert not _temp_files(dest)


@pytest.mark.parametrize("local", [True, False], ids=["local-dir", "hf-cache"])
def test_a_file_where_the_destination_folder_must_be_is_named(
    hub: HubEmulator, tmp_path: Path, local: bool
) -> None:
    # No injection: the destination's parent is a file, so the system answers ENOTDIR.
    blocker = tmp_path / "models"
    blocker.write_text("not a folder")
    with pytest.raises(DestinationNotWritableError) as info:
        run_transfer(hub.url, REPO, blocker / "out", local_dir=local)
    assert info.value.exit_code == 8
    assert f"{blocker} is a file, not a folder" in info.value.message
    assert "move that file out of the way" in (info.value.hint or "")
    assert blocker.read_text() == "not a folder"  # left as it was
