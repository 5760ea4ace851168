"""What ``hfsuite download`` imports before its first byte moves.

Everything imported there is spent before the first ranged request is sent (docs/benchmarks.md,
Round 6): Rich (its consoles are made when first used, its progress bars after the bytes
start moving), the TOML parser (only when a settings file exists), ``urllib.request`` (only
with a proxy), the ModelScope source (only for ``ms:`` repositories) and the Xet path (only
for a file that takes it) are imported where they are used.
"""

from __future__ import annotations

import io

from rich.console import Console

from hfsuite.cli.progress import RichProgressDisplay
from hfsuite.core.events import FileCompleted, FileProgress, TransferProgressed
from import_probe import modules_after

_BEFORE_THE_FIRST_BYTE = (
    "import os, tempfile\n"
    "os.environ['XDG_CONFIG_HOME'] = tempfile.mkdtemp()\n"  # no settings file
    "os.environ.pop('HFSUITE_LANGUAGE', None)\n"
    "import hfsuite.cli.main\n"
    "hfsuite.cli.main._install_language()\n"
    "import hfsuite.cli.download_cmd, hfsuite.app.queue.early\n"
    "from hfsuite.app.download.sources import SOURCE_FACTORIES\n"
    "from hfsuite.config.store import SettingsStore\n"
    "SettingsStore().load()\n"
    "from hfsuite.engine.http import HttpClient, HttpOptions\n"
    "HttpClient(HttpOptions()).proxy_for('127.0.0.1')\n"
)


def test_a_download_loads_no_rich_toml_parser_proxy_code_modelscope_or_xet_path() -> None:
    loaded = modules_after(_BEFORE_THE_FIRST_BYTE)
    assert "hfsuite.engine.filedownload" in loaded  # the probe did reach the engine
    unused = (
        "rich",
        "tomllib",
        "urllib.request",
        "hfsuite.sources.modelscope",
        "hfsuite.engine.xet.fetch",
        "lz4",
    )
    for name in unused:
        assert name not in loaded, name


def test_a_terminal_display_still_draws_its_bars() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=True, color_system=None)
    with RichProgressDisplay(console) as display:
        display(
            TransferProgressed(
                1,
                done_bytes=512,
                total_bytes=1024,
                speed_bps=2048.0,
                eta_s=0.25,
                files=(FileProgress("model.safetensors", 1024, 512, 2048.0, 4),),
            )
        )
        display(FileCompleted(1, "model.safetensors", 1024, "/tmp/x"))
    drawn = buffer.getvalue()
    assert "total" in drawn
    assert "50.0%" in drawn
    assert "model.safetensors" in drawn


def test_a_quick_download_records_its_end_without_the_database_layer() -> None:
    """A download that ends within its first seconds writes the journal of finished downloads
    (app.queue.finished) and never imports SQLAlchemy or the storage layer."""
    loaded = modules_after(_BEFORE_THE_FIRST_BYTE + "import hfsuite.app.queue.finished\n")
    assert "hfsuite.app.queue.finished" in loaded
    for name in ("sqlalchemy", "hfsuite.storage", "hfsuite.app.queue.manager"):
        assert name not in loaded, name
