"""Build the desktop bundle: one folder with one ``hfsuite`` executable (PyInstaller).

The executable is the whole program: ``hfsuite gui`` opens the desktop app and every other
command works as with the installed ``hfsuite`` (``hfsuite download …``, ``hfsuite demo``…).
Nothing else needs to be installed on the machine that runs it (Python, PySide6, Qt's plugins
are inside the folder)::

    python scripts/build_desktop.py                 # -> dist/hfsuite/hfsuite
    python scripts/build_desktop.py --out /tmp/b    # -> /tmp/b/hfsuite/hfsuite

Needs the ``gui`` and ``dev`` extras (PySide6, PyInstaller): ``python3 dev.py test`` installs
both. What goes in, and what is left out, is listed in docs/bundle.md:

* every ``hfsuite`` module (the commands and the window's tabs are imported by name, which
  PyInstaller cannot see) and data file, the database migrations as files (Alembic reads
  ``env.py`` and ``versions/*.py`` from disk), Alembic's modules, SQLite's dialect;
* Qt: QtCore, QtGui, QtWidgets and their plugins (platforms ``xcb``, ``wayland``,
  ``offscreen``…, image formats, styles); Qt's own translations only for the languages the
  app ships (``qtbase_zh_CN.qm``…); no QtNetwork/QML/Quick/PDF/WebEngine/multimedia;
* not the test tools (pytest, hypothesis, mypy), not numpy/blake3 (only the emulator's Xet
  mode uses them, and the bundled ``hfsuite demo`` does not), not huggingface_hub's ``hf_xet``
  (the engine fetches Xet files itself, with ``lz4``, which is in), not tkinter.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "hfsuite"

# ``python -m hfsuite ARGS`` from inside the program (``hfsuite demo`` starts its steps that
# way) arrives at a frozen executable as ``hfsuite -m hfsuite ARGS``: the same command.
ENTRY = '''\
"""The bundle's executable: the hfsuite command line (``hfsuite gui``: the desktop app)."""
import sys

if sys.argv[1:3] == ["-m", "hfsuite"]:
    del sys.argv[1:3]

from hfsuite.cli.launch import entry

entry()
'''

EXCLUDED_MODULES = (
    # test and build tools
    "pytest", "_pytest", "hypothesis", "mypy", "ruff", "pproxy", "jsonschema", "PyInstaller",
    "setuptools", "pip", "IPython",
    "hfsuite.testing.pytest_plugin",
    # the emulator's Xet mode (the demo does not use it) and the library tests' writers; lz4
    # stays (the engine's own Xet path decodes with it)
    "hfsuite.testing._xet_format", "numpy", "blake3", "safetensors", "gguf",
    # huggingface_hub's Xet client: the suite's engine downloads Xet files itself
    "hf_xet",
    # GUI toolkits and Qt modules the window does not use
    "tkinter", "_tkinter", "matplotlib",
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtDBus", "PySide6.QtDesigner",
    "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtPrintSupport", "PySide6.QtSvg", "PySide6.QtSvgWidgets",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtMultimedia",
    "PySide6.QtNetworkAuth", "PySide6.QtCharts", "PySide6.Qt3DCore",
)  # fmt: skip
"""Modules left out of the bundle (see the module docstring)."""

HIDDEN_IMPORTS = ("sqlalchemy.dialects.sqlite", "alembic.runtime.migration", "alembic.ddl.sqlite")
COLLECTED_PACKAGES = ("hfsuite", "alembic", "rich")
"""Packages whose every submodule goes in: modules imported by name at run time."""

TRANSLATIONS = ("PySide6/Qt/translations", "PySide6/translations")
"""Where PySide6 keeps Qt's own catalogues (Linux and macOS; Windows). Only those of the
languages the app ships (``hfsuite/ui/i18n/hfsuite_<lang>.qm``) stay: Qt's standard buttons
in that language; the other few hundred files go."""


def shipped_languages() -> list[str]:
    """The languages the desktop app has a catalogue for (``zh_CN``…)."""
    folder = _package_dir("hfsuite") / "ui" / "i18n"
    return sorted(p.stem.removeprefix("hfsuite_") for p in folder.glob("hfsuite_*.qm"))


def prune_translations(internal: Path, languages: list[str]) -> None:
    """Remove Qt's catalogues under ``internal`` but those of ``languages``."""
    keep = {f"{base}_{name}.qm" for lang in languages
            for name in {lang, lang.split("_")[0]} for base in ("qt", "qtbase")}  # fmt: skip
    for relative in TRANSLATIONS:
        folder = internal / relative
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name in keep:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"build_desktop: the {name} package is not installed in this Python.")
    return Path(next(iter(spec.submodule_search_locations)))


def pyinstaller_args(out: Path, work: Path, entry: Path) -> list[str]:
    """PyInstaller's command line for the bundle."""
    migrations = _package_dir("hfsuite") / "storage" / "migrations"
    args = [
        str(entry),
        "--name", NAME,
        "--onedir",
        "--console",
        "--noconfirm",
        "--clean",
        "--log-level", "WARN",
        "--distpath", str(out),
        "--workpath", str(work / "build"),
        "--specpath", str(work),
        "--paths", str(_package_dir("hfsuite").parent),
        "--add-data", f"{migrations}{os.pathsep}hfsuite/storage/migrations",
        # the package's own data files (tables shipped beside the code), and its metadata
        "--collect-data", "hfsuite",
        "--copy-metadata", "hfsuite",
    ]  # fmt: skip
    for package in COLLECTED_PACKAGES:
        args += ["--collect-submodules", package]
    for module in HIDDEN_IMPORTS:
        args += ["--hidden-import", module]
    for module in EXCLUDED_MODULES:
        args += ["--exclude-module", module]
    return args


def folder_size(path: Path) -> int:
    """Bytes in every file under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(out: Path, *, work: Path | None = None) -> Path:
    """Build the bundle into ``out/hfsuite``; returns the executable's path."""
    if importlib.util.find_spec("PyInstaller") is None:
        sys.exit("build_desktop: PyInstaller is not installed (pip install 'hfsuite[dev]').")
    if importlib.util.find_spec("PySide6") is None:
        sys.exit("build_desktop: PySide6 is not installed (pip install 'hfsuite[gui]').")
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hfsuite-bundle-") as temp:
        work_dir = (work or Path(temp)).resolve()
        work_dir.mkdir(parents=True, exist_ok=True)
        entry = work_dir / f"{NAME}_bundle_entry.py"
        entry.write_text(ENTRY, encoding="utf-8")
        command = [sys.executable, "-m", "PyInstaller", *pyinstaller_args(out, work_dir, entry)]
        subprocess.run(command, check=True, cwd=work_dir)
    bundle = out / NAME
    internal = bundle / "_internal"
    prune_translations(internal, shipped_languages())
    exe = bundle / (f"{NAME}.exe" if os.name == "nt" else NAME)
    if not exe.exists():
        sys.exit(f"build_desktop: PyInstaller made no {exe}")
    return exe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "dist", help="folder for the bundle (default: dist/)"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="PyInstaller's work folder (default: a temp one)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    exe = build(args.out, work=args.work)
    seconds = time.monotonic() - started
    size = folder_size(exe.parent)
    print(f"build_desktop: {exe} ({size / 2**20:.0f} MiB in {exe.parent}, {seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
