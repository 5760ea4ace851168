"""The demo's sandbox: a home folder of its own, and the environment that keeps the suite in it.

Every place the suite (or Python, Qt, huggingface_hub) would write to is pointed inside the
sandbox: ``HOME`` and the XDG folders, the suite's settings, database, logs and download folder,
``HF_HOME``. Variables that would steer a run elsewhere (``HF_*``, ``HFSUITE_*``, proxies) are
dropped, and tokens are neither read nor stored: the demo Hub needs none.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hfsuite.config import SettingsStore
from hfsuite.config.store import SETTINGS_FILE_NAME
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr

#: The file that marks a folder as a demo sandbox (so ``--home`` may reuse it, and only it).
MARKER = ".hfsuite-demo"
_DROPPED_PREFIXES = ("HF_", "HFSUITE_", "HUGGINGFACE_", "MODELSCOPE_")
_DROPPED = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}


@dataclass(frozen=True)
class DemoSandbox:
    """Where everything of one demo run lives.

    Attributes:
        root: The sandbox folder.
        temporary: Whether it is removed at the end (not with ``--home``).
    """

    root: Path
    temporary: bool

    @property
    def home(self) -> Path:
        """The demo's ``HOME``."""
        return self.root / "home"

    @property
    def config_dir(self) -> Path:
        """The suite's settings folder."""
        return self.home / ".config" / "hfsuite"

    @property
    def log_dir(self) -> Path:
        """The suite's log folder."""
        return self.home / ".local" / "state" / "hfsuite" / "log"

    @property
    def database(self) -> Path:
        """The suite's database (queue, history)."""
        return self.home / ".local" / "share" / "hfsuite" / "hfsuite.db"

    @property
    def hf_home(self) -> Path:
        """``HF_HOME``: the HF cache is its ``hub`` folder."""
        return self.home / ".cache" / "huggingface"

    @property
    def hub_cache(self) -> Path:
        """The HF cache, where transformers and diffusers look."""
        return self.hf_home / "hub"

    @property
    def comfyui(self) -> Path:
        """A ComfyUI installation's folder (only the parts the demo fills)."""
        return self.home / "ComfyUI"

    @property
    def comfyui_models(self) -> Path:
        """ComfyUI's ``models`` folder (``checkpoints/``, ``loras/``…)."""
        return self.comfyui / "models"

    @property
    def comfyui_user(self) -> Path:
        """ComfyUI's user folder; saved workflows are in its ``workflows/``."""
        return self.comfyui / "user" / "default"

    def environment(self, endpoint: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for a suite process that stays in the sandbox.

        Args:
            endpoint: The Hub to use (the demo's emulator).
            base: The environment to start from (default: this process's), minus what would
                steer the suite elsewhere.
        """
        base = os.environ if base is None else base
        env = {
            name: value
            for name, value in base.items()
            if not name.startswith(_DROPPED_PREFIXES) and name.upper() not in _DROPPED
        }
        home = str(self.home)
        env.update(
            HOME=home,
            USERPROFILE=home,
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local" / "share"),
            XDG_STATE_HOME=str(self.home / ".local" / "state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            HFSUITE_CONFIG_DIR=str(self.config_dir),
            HFSUITE_LOG_DIR=str(self.log_dir),
            HF_ENDPOINT=endpoint,
            HF_HUB_DISABLE_TELEMETRY="1",
            NO_PROXY="127.0.0.1,localhost",
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
        if os.name == "nt":
            env.update(
                APPDATA=str(self.home / "AppData" / "Roaming"),
                LOCALAPPDATA=str(self.home / "AppData" / "Local"),
            )
        return env


def open_sandbox(home: Path | None = None) -> DemoSandbox:
    """Create the sandbox (a temporary folder, or ``home`` kept afterwards) and its settings.

    Raises:
        UsageError: ``home`` holds files and is not an earlier demo's sandbox.
    """
    if home is None:
        sandbox = DemoSandbox(Path(tempfile.mkdtemp(prefix="hfsuite-demo-")), temporary=True)
    else:
        root = Path(os.path.abspath(home.expanduser()))
        if root.exists() and not root.is_dir():
            raise UsageError(
                tr("--home {root} is a file.", root=root), hint=tr("Give a new or empty folder.")
            )
        if root.is_dir() and any(root.iterdir()) and not (root / MARKER).is_file():
            raise UsageError(
                tr("--home {root} is not empty and was not made by hfsuite demo.", root=root),
                hint=tr("Give a new or empty folder, or leave --home out for a temporary one."),
            )
        sandbox = DemoSandbox(root, temporary=False)
    sandbox.home.mkdir(parents=True, exist_ok=True)
    (sandbox.root / MARKER).write_text("A sandbox of `hfsuite demo`.\n", encoding="utf-8")
    store = SettingsStore(sandbox.config_dir / SETTINGS_FILE_NAME)
    for key, value in (
        ("db_url", f"sqlite:///{sandbox.database}"),
        ("hf_home", str(sandbox.hf_home)),
        ("download_dir", str(sandbox.home / "Downloads" / "hfsuite")),
        ("token_source", "none"),
        ("tasks_in_parallel", "3"),
    ):
        store.set(key, value)
    return sandbox


def close_sandbox(sandbox: DemoSandbox) -> None:
    """Remove a temporary sandbox (a ``--home`` one is kept)."""
    if sandbox.temporary:
        shutil.rmtree(sandbox.root, ignore_errors=True)
