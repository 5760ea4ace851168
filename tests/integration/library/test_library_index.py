"""The library index through the app layer (LibraryService on a real database): incremental
rescans read nothing unchanged, notice changes, deletions and moves; problems are recorded per
path and the scan goes on; a cancelled scan keeps whole rows; the HF cache agrees with
huggingface_hub's own scan."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import gguf
import pytest
from huggingface_hub import scan_cache_dir

from hfsuite.app.events import LibraryScanProgressed
from hfsuite.app.library import LibraryQuery, ScanSummary, identity, scan
from hfsuite.app.library.scan import LibraryScan, ScanTarget
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.errors import UsageError
from hfsuite.library.cache_layout import add_refs, summarize_hf_cache
from hfsuite.library.scanner import RootKind, Scanner
from hfsuite.testing import HubEmulator
from hfsuite.testing.pytest_plugin import HubFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "library"))
from model_builders import VAE, sd_unet, write_gguf, write_gguf_split, write_safetensors
from test_hf_cache_scan import _fill_cache


@pytest.fixture(params=["sqlite", "postgresql"])
def suite(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Suite]:
    """A Suite on a SQLite file, or on a new PostgreSQL database (skipped without a server)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    if request.param == "postgresql":
        url = str(request.getfixturevalue("postgres_url"))
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": url,
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
    }
    s = Suite(store.load(env=env), store)
    yield s
    s.close()


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """A folder with real model files and one that is no model."""
    folder = tmp_path / "models"
    (folder / "loras").mkdir(parents=True)
    write_safetensors(
        folder / "sdxl.safetensors",
        sd_unet("model.diffusion_model.", 2048, sdxl=True),
        {"modelspec.architecture": "stable-diffusion-xl-v1-base"},
    )
    write_safetensors(folder / "vae.safetensors", VAE)
    write_gguf(folder / "tiny.gguf")  # type: ignore[call-arg]
    (folder / "loras" / "notes.txt").write_text("not a model")
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths whose header the scan reads."""
    seen: list[str] = []
    real = identity.identify

    def counting(path: str) -> object:
        seen.append(str(path))
        return real(path)

    monkeypatch.setattr(identity, "identify", counting)
    return seen


def _by_name(suite: Suite) -> dict[str, object]:
    return {Path(f.path).name: f for f in suite.library.files(LibraryQuery())}


def test_first_scan_identifies_and_a_rescan_reads_nothing(
    suite: Suite, models: Path, reads: list[str]
) -> None:
    first = suite.library.scan([str(models)], hash=True)
    assert (first.files, first.added, first.identified, first.issues) == (4, 4, 4, [])
    assert first.hashed_files == 4 and first.hashed_bytes == first.bytes
    files = _by_name(suite)
    sdxl = files["sdxl.safetensors"]
    assert (sdxl.format, sdxl.architecture) == ("safetensors", "sdxl")  # type: ignore[attr-defined]
    assert files["vae.safetensors"].kind == "vae"  # type: ignore[attr-defined]
    assert files["tiny.gguf"].format == "gguf"  # type: ignore[attr-defined]
    assert files["notes.txt"].format == "unknown"  # type: ignore[attr-defined]
    assert all(f.sha256 and f.autov1 for f in files.values())  # type: ignore[attr-defined]
    assert suite.library.roots() == [suite.library.default_hf_cache(), str(models)]
    reads.clear()

    again = suite.library.scan(hash=True)
    assert (again.unchanged, again.added, again.changed, again.removed) == (4, 0, 0, 0)
    assert again.identified == 0 and reads == []
    assert again.hashed_files == 0 and again.hashed_bytes == 0


def test_changed_file_is_read_again_and_its_old_hash_is_not_used(
    suite: Suite, models: Path, reads: list[str]
) -> None:
    suite.library.scan([str(models)], hash=True)
    old = _by_name(suite)["vae.safetensors"]
    reads.clear()
    write_safetensors(models / "vae.safetensors", {**VAE, "decoder.conv_out.weight": (3, 4, 3, 3)})
    result = suite.library.scan([str(models)])
    assert (result.changed, result.unchanged, result.identified) == (1, 3, 1)
    assert reads == [str(models / "vae.safetensors")]
    now = _by_name(suite)["vae.safetensors"]
    assert now.id == old.id and now.size_bytes != old.size_bytes  # type: ignore[attr-defined]
    assert now.sha256 is None  # type: ignore[attr-defined]
    hashed = suite.library.scan([str(models)], hash=True)
    assert hashed.hashed_files == 1
    assert _by_name(suite)["vae.safetensors"].sha256 not in (None, old.sha256)  # type: ignore[attr-defined]


def test_deletion_is_noticed(suite: Suite, models: Path) -> None:
    suite.library.scan([str(models)])
    (models / "tiny.gguf").unlink()
    result = suite.library.scan()
    assert result.removed == 1 and "tiny.gguf" not in _by_name(suite)


def test_rename_is_a_move_by_inode_without_reading(
    suite: Suite, models: Path, reads: list[str]
) -> None:
    suite.library.scan([str(models)], hash=True)
    before = _by_name(suite)["sdxl.safetensors"]
    reads.clear()
    (models / "sdxl.safetensors").rename(models / "loras" / "renamed.safetensors")
    result = suite.library.scan()
    assert [(Path(m.old_path).name, Path(m.new_path).name, m.by) for m in result.moved] == [
        ("sdxl.safetensors", "renamed.safetensors", "inode")
    ]
    assert (result.added, result.removed, result.identified, reads) == (0, 0, 0, [])
    after = _by_name(suite)["renamed.safetensors"]
    assert (after.id, after.first_seen, after.sha256, after.architecture) == (  # type: ignore[attr-defined]
        before.id,  # type: ignore[attr-defined]
        before.first_seen,  # type: ignore[attr-defined]
        before.sha256,  # type: ignore[attr-defined]
        "sdxl",
    )


def test_copy_then_delete_is_a_move_by_hash(suite: Suite, models: Path) -> None:
    suite.library.scan([str(models)], hash=True)
    before = _by_name(suite)["vae.safetensors"]
    shutil.copy2(models / "vae.safetensors", models / "loras" / "vae-copy.safetensors")
    (models / "vae.safetensors").unlink()
    result = suite.library.scan()  # no --hash: only the candidate of the same size is hashed
    assert [(Path(m.new_path).name, m.by) for m in result.moved] == [
        ("vae-copy.safetensors", "sha256")
    ]
    assert result.removed == 0 and result.hashed_files == 1
    after = _by_name(suite)["vae-copy.safetensors"]
    assert after.id == before.id and after.sha256 == before.sha256  # type: ignore[attr-defined]


def test_hard_link_is_a_second_path_not_read_again(
    suite: Suite, models: Path, reads: list[str]
) -> None:
    suite.library.scan([str(models)], hash=True)
    reads.clear()
    os.link(models / "tiny.gguf", models / "loras" / "linked.gguf")
    result = suite.library.scan()
    assert (result.added, result.identified, result.moved, reads) == (1, 0, [], [])
    files = _by_name(suite)
    assert files["linked.gguf"].sha256 == files["tiny.gguf"].sha256  # type: ignore[attr-defined]
    assert files["linked.gguf"].format == "gguf"  # type: ignore[attr-defined]
    assert files["tiny.gguf"].nlink == 2  # type: ignore[attr-defined]


def test_unreadable_folder_and_file_are_recorded_and_the_scan_goes_on(
    suite: Suite, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = str(models / "loras")
    real_scandir = os.scandir

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        if path == locked:
            raise PermissionError(13, "Permission denied", path)
        with real_scandir(path) as it:
            yield from it

    real_open = open

    def guarded_open(path: str, *args: object, **kwargs: object) -> object:
        if str(path).endswith("vae.safetensors"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(identity, "open", guarded_open, raising=False)
    run = LibraryScan(suite.database, suite.clock, scanner=Scanner(scandir=scandir))
    suite.library.add_root(models)
    result = run.run([ScanTarget(str(models), RootKind.USER)])
    kinds = {(Path(i.path).name, i.kind) for i in result.issues}
    assert kinds == {("loras", "permission"), ("vae.safetensors", "permission")}
    files = _by_name(suite)
    assert set(files) == {"sdxl.safetensors", "vae.safetensors", "tiny.gguf"}
    vae = files["vae.safetensors"]
    assert vae.problem_kind == "permission" and vae.format == "unknown"  # type: ignore[attr-defined]


def test_file_vanishing_or_growing_mid_scan(
    suite: Suite, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_describe = identity.describe

    def racing(found, root):  # type: ignore[no-untyped-def]
        name = Path(found.path).name
        if name == "tiny.gguf":
            os.unlink(found.path)
        elif name == "vae.safetensors":
            with open(found.path, "ab") as f:
                f.write(b"more")
        return real_describe(found, root)

    monkeypatch.setattr(scan, "describe", racing)
    result = suite.library.scan([str(models)])
    kinds = {(Path(i.path).name, i.kind) for i in result.issues}
    assert kinds == {("tiny.gguf", "vanished"), ("vae.safetensors", "changed")}
    files = _by_name(suite)
    assert "tiny.gguf" not in files and files["vae.safetensors"].problem_kind == "changed"  # type: ignore[attr-defined]
    monkeypatch.setattr(scan, "describe", real_describe)
    again = suite.library.scan([str(models)])  # the grown file is read again, now whole
    assert again.changed == 1 and _by_name(suite)["vae.safetensors"].problem is None  # type: ignore[attr-defined]


def test_cancel_mid_scan_keeps_whole_rows_and_removes_nothing(
    suite: Suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        write_safetensors(folder / f"m{i:02}.safetensors", {"w": (2, 2)})
    suite.library.scan([str(folder)])
    for i in range(40, 80):
        write_safetensors(folder / f"m{i:02}.safetensors", {"w": (2, 2)})
    (folder / "m00.safetensors").unlink()
    monkeypatch.setattr(scan, "BATCH", 8)
    cancel = threading.Event()
    real_describe = identity.describe
    described: list[str] = []

    def slow(found, root):  # type: ignore[no-untyped-def]
        described.append(found.path)
        if len(described) == 20:
            cancel.set()
        return real_describe(found, root)

    monkeypatch.setattr(scan, "describe", slow)
    result = suite.library.scan(cancel=cancel)
    assert result.cancelled and result.removed == 0
    rows = suite.library.files(LibraryQuery())
    assert len(rows) == 40 + result.added  # m00 is gone from disk, not yet from the index
    assert 0 < result.added < 40 and str(folder / "m00.safetensors") in {r.path for r in rows}
    assert all(r.format == "safetensors" and r.kind for r in rows)
    monkeypatch.setattr(scan, "describe", real_describe)
    finished = suite.library.scan()
    assert not finished.cancelled and finished.removed == 1
    assert suite.library.totals().files == 79


def test_roots_add_and_remove(suite: Suite, models: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="No such folder"):
        suite.library.add_root(tmp_path / "missing")
    with pytest.raises(UsageError, match="is a file"):
        suite.library.add_root(models / "tiny.gguf")
    suite.library.scan([str(models)])
    assert suite.library.remove_root(models) == 4
    assert suite.library.totals().files == 0
    with pytest.raises(UsageError, match="not a scan root"):
        suite.library.remove_root(models)
    cache = suite.library.default_hf_cache()
    suite.library.remove_root(cache)
    assert suite.library.roots() == []
    suite.library.add_root(models)
    assert suite.library.roots() == [str(models)]  # the removed default stays out


def test_scan_of_a_subfolder_only_touches_it(suite: Suite, models: Path) -> None:
    suite.library.scan([str(models)])
    (models / "tiny.gguf").unlink()
    result = suite.library.scan([str(models / "loras")])
    assert result.files == 1 and result.removed == 0
    assert suite.library.scan().removed == 1


def test_hf_cache_root_agrees_with_scan_cache_dir(
    suite: Suite, hub_factory: HubFactory, tmp_path: Path
) -> None:
    hub: HubEmulator = hub_factory(lfs_threshold=64 * 1024)
    cache = Path(suite.library.default_hf_cache())
    cache.mkdir(parents=True)
    _fill_cache(hub, cache)
    theirs = scan_cache_dir(cache)
    result: ScanSummary = suite.library.scan()
    # The emulator's "weights" are random bytes: a header problem is all that may be reported.
    assert {i.kind for i in result.issues} <= {"header"}
    assert result.bytes == theirs.size_on_disk
    stored = suite.library.indexed_files()
    assert sum(f.size for f in stored) == theirs.size_on_disk
    ours = summarize_hf_cache(stored)
    add_refs(ours, str(cache))
    expected = sorted(theirs.repos, key=lambda r: (r.repo_type, r.repo_id))
    assert [(r.repo_type, r.repo_id, r.size_on_disk, r.nb_files) for r in ours] == [
        (r.repo_type, r.repo_id, r.size_on_disk, r.nb_files) for r in expected
    ]
    for mine, official in zip(ours, expected, strict=True):
        assert set(mine.revisions) == {rev.commit_hash for rev in official.revisions}
    # Every snapshot entry points back at an indexed blob, as the index records it.
    for f in stored:
        for ref in f.hf_refs:
            assert os.path.realpath(ref.snapshot_path) == f.path
    # `library show` of a snapshot entry finds its blob.
    for f in stored:
        for ref in f.hf_refs:
            assert suite.library.file(ref.snapshot_path).path == f.path


def test_progress_events_name_the_phase_and_end_with_done(suite: Suite, models: Path) -> None:
    events: list[LibraryScanProgressed] = []
    suite.library.scan([str(models)], hash=True, on_progress=events.append)
    assert events[-1].phase == "done" and events[-1].files == 4
    hashing = [e for e in events if e.phase == "hash"]
    assert hashing and hashing[-1].files_total == 4
    assert hashing[-1].files == 4 and hashing[-1].bytes == hashing[-1].bytes_total


def test_model_hash_values_resolve_to_files(suite: Suite, models: Path) -> None:
    suite.library.scan([str(models)], hash=True)
    vae = _by_name(suite)["vae.safetensors"]
    sha = vae.sha256  # type: ignore[attr-defined]
    assert [f.path for f in suite.library.find_by_hash(sha.upper())] == [vae.path]  # type: ignore[attr-defined]
    assert vae.path in [f.path for f in suite.library.find_by_hash(sha[:10])]  # type: ignore[attr-defined]
    assert vae.path in [f.path for f in suite.library.find_by_hash(vae.autov1)]  # type: ignore[attr-defined]
    assert suite.library.find_by_hash("not-hex") == [] and suite.library.find_by_hash("abc") == []


def test_lazy_sha256_is_read_once_then_cached(suite: Suite, models: Path) -> None:
    suite.library.scan([str(models)])
    target = models / "tiny.gguf"
    digest = suite.library.sha256(target)
    assert _by_name(suite)["tiny.gguf"].sha256 == digest  # type: ignore[attr-defined]
    again = suite.library.scan([str(models)], hash=True)
    assert again.hashed_files == 3 and again.cached_hashes == 1


def test_a_root_inside_another_keeps_its_files(
    suite: Suite, models: Path, reads: list[str]
) -> None:
    suite.library.add_root(models)
    suite.library.add_root(models / "loras")
    first = suite.library.scan()
    assert first.files == 4 and first.identified == 4
    notes = _by_name(suite)["notes.txt"]
    assert notes.root == str(models / "loras")  # type: ignore[attr-defined]
    reads.clear()
    again = suite.library.scan()
    assert (again.unchanged, again.identified, again.removed, reads) == (4, 0, 0, [])


def test_a_reader_that_raises_is_recorded_and_the_scan_goes_on(
    suite: Suite, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = identity.identify

    def broken(path: str) -> object:
        if str(path).endswith(".gguf"):
            raise RuntimeError("reader bug")
        return real(path)

    monkeypatch.setattr(identity, "identify", broken)
    result = suite.library.scan([str(models)])
    assert [(Path(i.path).name, i.kind) for i in result.issues] == [("tiny.gguf", "error")]
    assert _by_name(suite)["tiny.gguf"].problem_kind == "error"  # type: ignore[attr-defined]
    assert len(_by_name(suite)) == 4


def test_quantisation_and_shard_sets_reach_the_index(suite: Suite, tmp_path: Path) -> None:
    """A quantised GGUF lists its quantisation as its precision, and each split of a GGUF set
    says which set it belongs to and where in it (the library readers' shard detection, kept)."""
    folder = tmp_path / "llms"
    folder.mkdir()
    write_gguf(folder / "q4.gguf", file_type=gguf.LlamaFileType.MOSTLY_Q4_K_M)
    first_split = write_gguf_split(folder / "big.gguf", tensors=5, per_split=2)
    suite.library.scan([str(folder)])
    files = _by_name(suite)
    assert files["q4.gguf"].dtype == "Q4_K_M"  # type: ignore[attr-defined]
    split = suite.library.file(str(first_split))
    assert split is not None and split.metadata is not None
    assert split.metadata["shard.count"] == 3
    assert split.metadata["shard.index"] == 1
    second = suite.library.file(str(folder / "big-00002-of-00003.gguf"))
    assert second is not None and second.metadata is not None
    assert (second.metadata["shard.index"], second.metadata["shard.of"]) == (2, str(first_split))


def test_tool_folders_become_roots_once_and_a_removed_one_stays_out(tmp_path: Path) -> None:
    """Kind folders inside a tool's ``models`` become one root; folders elsewhere stay as
    they are (never their parent); missing ones and folders inside a root are left out."""
    from hfsuite.app.library import LibraryService

    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
    }
    comfy = tmp_path / "ComfyUI" / "models"
    mine = tmp_path / "mine"
    for folder in (comfy / "loras", comfy / "vae", mine / "loras", mine / "llms"):
        folder.mkdir(parents=True)
    write_safetensors(comfy / "vae" / "vae.safetensors", VAE)
    folders = [str(comfy / "loras"), str(comfy / "vae"), str(mine / "loras"), str(mine / "llms")]
    folders += [str(tmp_path / "gone"), str(comfy / "loras" / "inner")]
    s = Suite(store.load(env=env), store)
    try:
        service = LibraryService(s, lambda: folders)
        summary = service.scan()
        assert sorted(service.roots()[1:]) == sorted(
            [str(comfy), str(mine / "llms"), str(mine / "loras")]
        )
        assert summary.files == 1
        assert service.file(str(comfy / "vae" / "vae.safetensors")).kind == "vae"
        service.remove_root(str(comfy))
    finally:
        s.close()
    s = Suite(store.load(env=env), store)
    try:
        again = LibraryService(s, lambda: folders)
        again.scan()
        assert str(comfy) not in again.roots()
    finally:
        s.close()
