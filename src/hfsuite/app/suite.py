"""The Suite facade: the one object the CLI and the desktop app hold.

It loads the settings once, owns the redactor every log line passes through, and opens the
database on first use. Later layers (download manager, sources, library) hang off it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hfsuite.config import LoadedSettings, Settings, SettingsStore
from hfsuite.core.clock import Clock, SystemClock
from hfsuite.core.redact import Redactor
from hfsuite.engine.throttle import TokenBucket

if TYPE_CHECKING:
    from hfsuite.app.library import LibraryService
    from hfsuite.app.plugins.service import Plugins
    from hfsuite.app.tools import ToolRegistry
    from hfsuite.storage import Database

log = logging.getLogger(__name__)


class Suite:
    """Wires settings, storage and (later) engine and sources together.

    Args:
        loaded: Settings as loaded (with where each value came from and any warnings).
        store: Where the settings file lives (for changes).
        clock: The clock every time-based computation uses.
    """

    def __init__(self, loaded: LoadedSettings, store: SettingsStore, clock: Clock | None = None):
        self.loaded = loaded
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.redactor = Redactor()
        #: The bandwidth limit shared by every download of this process.
        self.global_bucket = TokenBucket(loaded.settings.global_limit_bps, clock=self.clock)
        self._database: Database | None = None
        self._library: LibraryService | None = None
        self._plugins: Plugins | None = None
        self._network_ready = False

    @classmethod
    def open(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        store: SettingsStore | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Suite:
        """Load settings (overrides > env > file > defaults) and build a Suite."""
        store = store or SettingsStore()
        loaded = store.load(env=env, overrides=overrides)
        for warning in loaded.warnings:
            log.warning("%s", warning)
        return cls(loaded, store)

    def prepare_network(self) -> None:
        """Apply proxy/TLS settings to huggingface_hub's client (once, before metadata calls)."""
        if not self._network_ready:
            from hfsuite.app.network import configure_hub_client

            configure_hub_client(self.settings)
            self._network_ready = True

    @property
    def settings(self) -> Settings:
        """The settings in effect."""
        return self.loaded.settings

    @property
    def database(self) -> Database:
        """The database, opened (and migrated) on first use."""
        if self._database is None:
            from hfsuite.app.queue.journal import apply_finished
            from hfsuite.storage import open_database

            database = open_database(self.settings.db_url)
            # Direct downloads that ended without opening it (app.queue.journal).
            apply_finished(database, self.settings, self.clock.now())
            self._database = database
        return self._database

    @property
    def library(self) -> LibraryService:
        """The local model library (scan roots, scans, the index), made on first use."""
        if self._library is None:
            from hfsuite.app.library import LibraryService

            self._library = LibraryService(self, self._tool_model_folders)
        return self._library

    @property
    def plugins(self) -> Plugins:
        """The plugins (docs/plugins.md): nothing is imported from them until a hook is used."""
        if self._plugins is None:
            from hfsuite.app.plugins.service import Plugins

            self._plugins = Plugins(self.settings)
        return self._plugins

    def tool_registry(self) -> ToolRegistry:
        """The tools on this machine: detectors built in and those plugins add."""
        from hfsuite.app.tools import ToolRegistry

        return ToolRegistry(self.store.path.parent, extra_detectors=self.plugins.tool_detectors)

    def _tool_model_folders(self) -> list[str]:
        """Every model folder of the tools found on this machine (scan roots of the library)."""
        detection = self.tool_registry().detect()
        return [str(f) for tool in detection.tools for fs in tool.folders.values() for f in fs]

    def close(self) -> None:
        """Release the database and other resources (queued plugin actions: waited for,
        bounded)."""
        if self._plugins is not None:
            self._plugins.close()
        if self._database is not None:
            self._database.close()
            self._database = None

    def __enter__(self) -> Suite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
