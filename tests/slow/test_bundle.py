"""The desktop bundle (scripts/build_desktop.py): built once into a temp folder, then run.

Slow (a PyInstaller build: about a minute on two cores), and part of every ``python3 dev.py
test`` run: the ``slow`` marker only labels the test, nothing deselects it.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from hfsuite import __version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20
BUILD_BUDGET_S = 300  # "under ~5 minutes on this 2-core machine"


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built bundle's executable."""
    if find_spec("PyInstaller") is None or find_spec("PySide6") is None:
        pytest.fail("the dev and gui extras (PyInstaller, PySide6) are needed: python3 dev.py test")
    root = tmp_path_factory.mktemp("bundle")
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(root / "pyinstaller-cache"))
    started = time.monotonic()
    built = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_desktop.py"), "--out", str(root / "dist")],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    seconds = time.monotonic() - started
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-5000:]
    exe = root / "dist" / "hfsuite" / "hfsuite"
    assert exe.is_file() and os.access(exe, os.X_OK)
    size = _folder_size(exe.parent)
    print(f"\nbundle: built in {seconds:.0f} s, {size / MIB:.0f} MiB ({exe.parent})")
    assert seconds < BUILD_BUDGET_S * 2, f"the build took {seconds:.0f} s"
    return exe


def test_bundle_leaves_out_what_it_does_not_need(bundle: Path) -> None:
    internal = bundle.parent / "_internal"
    assert _folder_size(bundle.parent) < 400 * MIB
    # Qt's own catalogues only for the languages the app ships (its standard buttons)
    qt_translations = {p.name for p in (internal / "PySide6" / "Qt" / "translations").iterdir()}
    assert qt_translations == {"qt_zh_CN.qm", "qtbase_zh_CN.qm"}
    assert (internal / "hfsuite" / "ui" / "i18n" / "hfsuite_zh_CN.qm").is_file()
    assert (internal / "hfsuite" / "locale" / "zh_CN" / "LC_MESSAGES" / "hfsuite.mo").is_file()
    for absent in ("numpy", "pytest", "_pytest", "hypothesis", "mypy", "tkinter", "hf_xet"):
        assert not (internal / absent).exists(), absent
    plugins = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    assert (plugins / "libqoffscreen.so").is_file() and (plugins / "libqxcb.so").is_file()
    versions = internal / "hfsuite" / "storage" / "migrations" / "versions"
    assert (versions / "0001_initial_schema.py").is_file()


def test_bundle_version(bundle: Path) -> None:
    result = subprocess.run([str(bundle), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"hfsuite {__version__}"
    completion = subprocess.run(
        [str(bundle), "completion", "bash"], capture_output=True, text=True, timeout=60
    )
    assert completion.returncode == 0, completion.stderr
    assert "complete -o default -F _hfsuite_completion hfsuite" in completion.stdout
    # the engine's Xet path is there: lz4 is bundled
    assert list((bundle.parent / "_internal").glob("lz4*"))


def test_bundle_speaks_the_shipped_language(bundle: Path) -> None:
    """The command line's catalogues are in the bundle: help in Chinese with zh_CN."""
    runs = {
        lang: subprocess.run(
            [str(bundle), "stats", "--help"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=dict(os.environ, HFSUITE_LANGUAGE=lang),
            timeout=60,
        )
        for lang in ("zh_CN", "en")
    }
    assert all(run.returncode == 0 for run in runs.values())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in runs["zh_CN"].stdout)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in runs["en"].stdout)


def test_bundle_downloads_byte_identical(bundle: Path, hub_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    content = os.urandom(5 * MIB + 123)
    hub.create_repo("acme/tiny", files={"model.safetensors": content, "config.json": b"{}"})
    target = tmp_path / "out"
    result = subprocess.run(
        [str(bundle), "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (target / "model.safetensors").read_bytes() == content
    assert (target / "config.json").read_bytes() == b"{}"
    # the database (migrated by the bundled Alembic scripts) recorded it
    history = subprocess.run(
        [str(bundle), "history", "ls", "--json"], capture_output=True, text=True, timeout=60
    )
    assert history.returncode == 0, history.stderr
    assert "acme/tiny" in history.stdout


def test_bundle_downloads_through_xet(bundle: Path, hub_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The engine's own Xet path (chunks from the emulated CAS, LZ4-framed ones decoded by the
    bundled lz4): byte-identical, and the file's bytes came from the CAS."""
    hub = hub_factory(lfs_threshold=64 * 1024, xet=True)
    text = b"a line that LZ4 packs well, again and again\n" * 40_000
    weights = os.urandom(2 * MIB + 5)
    hub.create_repo("acme/xet", files={"model.bin": weights, "text.bin": text})
    hub.xet_prepare(background=False)
    target = tmp_path / "xet"
    result = subprocess.run(
        [str(bundle), "download", "acme/xet", "--endpoint", hub.url, "--xet", "on",
         "--local-dir", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (target / "model.bin").read_bytes() == weights
    assert (target / "text.bin").read_bytes() == text
    hub.log.wait_for(lambda rs: any(r.origin == "cas" and r.path.startswith("/xorbs/") for r in rs))


def test_bundle_gui_screenshot(bundle: Path, tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [str(bundle), "gui", "--screenshot", str(shot), "--size", "800x600", "--settle", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (800, 600)
    assert len(data) > 5000  # a drawn window, not a blank


def test_bundle_runs_the_demo(bundle: Path) -> None:
    """The demo starts its steps as ``python -m hfsuite …``: in the bundle that is the bundle's
    own executable again (``hfsuite -m hfsuite …``), which runs them."""
    result = subprocess.run(
        [str(bundle), "demo", "--speed", "0"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    said = result.stdout + result.stderr
    assert "The ComfyUI workflow finds the checkpoint and the LoRA it loads." in said
