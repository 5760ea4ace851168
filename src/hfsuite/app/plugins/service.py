"""``suite.plugins``: the suite's plugins, loaded when a hook is first needed.

:class:`Plugins` is what the rest of the application calls: the tool detectors plugins add
(for :class:`~hfsuite.app.tools.ToolRegistry`), and :meth:`Plugins.task_ended`, which the queue
runner calls when a task completes or fails (post-download actions and notifications, run in
the background by :class:`~hfsuite.app.plugins.dispatch.ActionQueue`). Nothing is imported from
a plugin until one of those is used, and nothing at all with ``no_plugins``.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfsuite.app.plugins.dispatch import DRAIN_TIMEOUT_S, ActionQueue
from hfsuite.app.plugins.manager import PluginManager, split_names
from hfsuite.app.plugins.specs import (
    CompletedDownload,
    DownloadedFile,
    PluginSource,
    TaskNotice,
)
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import DetectedTool

if TYPE_CHECKING:
    from hfsuite.config import Settings
    from hfsuite.engine.planner import DownloadPlan
    from hfsuite.storage import TaskRecord

__all__ = ["NO_PLUGINS_ENV", "Plugins", "completed_download", "task_notice"]

log = logging.getLogger(__name__)

NO_PLUGINS_ENV = "HFSUITE_NO_PLUGINS"
"""The environment variable (the ``no_plugins`` setting) that turns every plugin off."""

ToolDetector = Callable[[Host], list[DetectedTool]]


class Plugins:
    """The plugins of one suite.

    Args:
        settings: ``no_plugins`` and ``disabled_plugins`` are read.
        manager: The manager to use (tests give one with their own entry points).
    """

    def __init__(self, settings: Settings, manager: PluginManager | None = None):
        self.enabled = not settings.no_plugins
        self._disabled = split_names(settings.disabled_plugins)
        self._manager = manager
        self._actions: ActionQueue | None = None
        self._lock = threading.Lock()

    @property
    def manager(self) -> PluginManager:
        """The plugin manager (made on first use; the entry points are read on first call)."""
        with self._lock:
            if self._manager is None:
                self._manager = PluginManager(enabled=self.enabled, disabled=self._disabled)
            return self._manager

    # --- tools -------------------------------------------------------------------------------

    def tool_detectors(self) -> list[ToolDetector]:
        """One detector per plugin implementing ``hfsuite_detect_tools`` (isolated: a plugin
        that fails yields nothing and is disabled). Empty with ``no_plugins``."""
        if not self.enabled:
            return []
        manager = self.manager
        names = manager.active("hfsuite_detect_tools")
        return [_ToolDetector(manager, name) for name in names]

    # --- sources -----------------------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, PluginSource]]:
        """Prefix -> (plugin, source) of every plugin source. Empty with ``no_plugins``."""
        return self.manager.sources() if self.enabled else {}

    # --- the end of a task -------------------------------------------------------------------

    def prepare(self) -> None:
        """Load the plugins in the background now (a task starts), not when it ends."""
        if not self.enabled:
            return
        try:
            self._queue().prepare()
        except Exception:
            log.exception("cannot load the plugins ahead of a task's end")

    def task_ended(
        self,
        notice: TaskNotice,
        download: CompletedDownload | None = None,
    ) -> None:
        """Queue the notifications of a task's end and, when it completed, its post-download
        actions. Returns at once; never raises."""
        if not self.enabled:
            return
        try:
            actions = self._queue()
            if download is not None:
                actions.submit("hfsuite_post_download", {"download": download})
            actions.submit("hfsuite_notify", {"notice": notice})
        except Exception:
            log.exception("cannot hand the end of task %s to the plugins", notice.task_id)

    def _queue(self) -> ActionQueue:
        with self._lock:
            if self._actions is None:
                self._actions = ActionQueue(self._manager_unlocked())
                atexit.register(self.close)
            return self._actions

    def _manager_unlocked(self) -> PluginManager:
        if self._manager is None:
            self._manager = PluginManager(enabled=self.enabled, disabled=self._disabled)
        return self._manager

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Wait until the queued plugin calls have run (tests, the window's exit)."""
        actions = self._actions
        return actions.wait_idle(timeout_s) if actions is not None else True

    def close(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Wait (bounded) for queued post-download actions and notifications, then stop."""
        with self._lock:
            actions, self._actions = self._actions, None
        if actions is not None:
            atexit.unregister(self.close)
            try:
                actions.close(timeout_s)
            except KeyboardInterrupt:  # Ctrl-C while waiting at exit: stop waiting
                log.warning("Plugin calls still running are not waited for (interrupted).")


class _ToolDetector:
    """A plugin's ``hfsuite_detect_tools`` as a plain detector function."""

    def __init__(self, manager: PluginManager, name: str):
        self.manager, self.name = manager, name

    def __call__(self, host: Host) -> list[DetectedTool]:
        answers = self.manager.call(
            "hfsuite_detect_tools", {"host": host}, check=_check_tools, only=self.name
        )
        return [tool for _name, tools in answers for tool in tools]


def _check_tools(value: Any) -> list[DetectedTool]:
    if value is None:
        return []
    tools = list(value)
    for tool in tools:
        if not isinstance(tool, DetectedTool):
            raise TypeError(f"expected DetectedTool entries, got {type(tool).__name__}")
    return tools


def completed_download(
    task: TaskRecord, plan: DownloadPlan, local_paths: Mapping[str, str] | None = None
) -> CompletedDownload:
    """What the post-download hook gets for a task that completed with ``plan``."""
    local_paths = local_paths or {}
    files = tuple(
        DownloadedFile(
            pf.remote.path,
            Path(local_paths.get(pf.remote.path) or pf.target.final_path),
            pf.remote.size,
            pf.remote.sha256,
        )
        for pf in plan.files
    )
    return CompletedDownload(
        task_id=task.id,
        repo=task.repo_id or task.url or "",
        repo_type=task.repo_type.value,
        source=task.source.value,
        revision=task.revision,
        commit=plan.snapshot.commit,
        destination=plan.destination,
        files=files,
    )


def task_notice(
    task: TaskRecord,
    plan: DownloadPlan | None,
    *,
    completed: bool,
    error: str | None,
    duration_s: float,
) -> TaskNotice:
    """What the notification hook gets for a task that ended."""
    return TaskNotice(
        event="finished" if completed else "failed",
        task_id=task.id,
        repo=task.repo_id or task.url or "",
        source=task.source.value,
        revision=task.revision,
        commit=plan.snapshot.commit if plan is not None else task.resolved_commit,
        error=None if completed else error,
        files=len(plan.files) if plan is not None else (task.files_total or 0),
        total_bytes=plan.total_bytes if plan is not None else (task.bytes_total or 0),
        duration_s=duration_s,
    )
