"""Plugins: pluggy hooks published through the ``hfsuite.plugins`` entry-point group.

What a plugin author imports::

    from hfsuite.app.plugins import CompletedDownload, TaskNotice, hookimpl

See :mod:`hfsuite.app.plugins.specs` for the hooks and docs/plugins.md for the whole story.
The manager (:mod:`~hfsuite.app.plugins.manager`) and the background queue
(:mod:`~hfsuite.app.plugins.dispatch`) are imported only when the suite first needs a hook.
"""

from hfsuite.app.plugins.specs import (
    ENTRY_POINT_GROUP,
    CompletedDownload,
    DownloadedFile,
    HookSpecs,
    PluginSource,
    SourceContext,
    TaskNotice,
    hookimpl,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "CompletedDownload",
    "DownloadedFile",
    "HookSpecs",
    "PluginSource",
    "SourceContext",
    "TaskNotice",
    "hookimpl",
]
