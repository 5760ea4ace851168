"""The hooks a plugin may implement, and the values they receive and return.

A plugin is any module or object with functions marked :data:`hookimpl` whose names are those
of :class:`HookSpecs`, published under the ``hfsuite.plugins`` entry-point group::

    # pyproject.toml of the plugin
    [project.entry-points."hfsuite.plugins"]
    my-plugin = "my_plugin"

    # my_plugin.py
    from hfsuite.app.plugins import CompletedDownload, hookimpl

    @hookimpl
    def hfsuite_post_download(download: CompletedDownload) -> None:
        ...

A plugin implements any subset of the hooks, and may leave out arguments it does not use
(pluggy passes only the ones a function names). See docs/plugins.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pluggy

from hfsuite.core.remote import Fetcher
from hfsuite.core.source import Source
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import DetectedTool

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROJECT",
    "CompletedDownload",
    "DownloadedFile",
    "HookSpecs",
    "PluginSource",
    "SourceContext",
    "TaskNotice",
    "hookimpl",
    "hookspec",
]

PROJECT = "hfsuite"
"""The pluggy project name: markers of another project are not ours."""
ENTRY_POINT_GROUP = "hfsuite.plugins"
"""The entry-point group plugins are published under."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Mark a plugin's function as the implementation of the hook of the same name."""


@dataclass(frozen=True)
class DownloadedFile:
    """One file of a finished download, in its final place (verified, moved, metadata written).

    Attributes:
        repo_path: The file's path in the repository (for a plain URL: its file name).
        local_path: Where it is on disk now.
        size: Its size in bytes.
        sha256: Its SHA-256 when the source gave one (a Git LFS file), else None.
    """

    repo_path: str
    local_path: Path
    size: int
    sha256: str | None = None


@dataclass(frozen=True)
class CompletedDownload:
    """A task whose files are all on disk: what :meth:`HookSpecs.hfsuite_post_download` gets.

    Attributes:
        task_id: The queue task (None outside the queue).
        repo: The repository id (``org/name``) or, for a plain URL, the URL.
        repo_type: ``model``, ``dataset`` or ``space``.
        source: ``huggingface``, ``modelscope`` or ``url``.
        revision: The revision asked for (None: the default branch).
        commit: The commit it resolved to (None when the source has none).
        destination: The folder the files went to (a snapshot folder of the HF cache, or the
            local folder).
        files: Every file of the download, including those already complete before it ran.
    """

    task_id: int | None
    repo: str
    repo_type: str
    source: str
    revision: str | None
    commit: str | None
    destination: Path
    files: tuple[DownloadedFile, ...] = ()


@dataclass(frozen=True)
class TaskNotice:
    """A task that ended: what :meth:`HookSpecs.hfsuite_notify` gets.

    Attributes:
        event: ``finished`` (every file on disk) or ``failed``.
        task_id: The queue task (None outside the queue).
        repo: The repository id or URL.
        source: ``huggingface``, ``modelscope`` or ``url``.
        revision: The revision asked for.
        commit: The commit it resolved to, when known.
        error: Why it failed (None when it finished).
        files: How many files the task has.
        total_bytes: Their size together.
        duration_s: How long the run took.
    """

    event: Literal["finished", "failed"]
    task_id: int | None
    repo: str
    source: str
    revision: str | None = None
    commit: str | None = None
    error: str | None = None
    files: int = 0
    total_bytes: int = 0
    duration_s: float = 0.0


@dataclass(frozen=True)
class SourceContext:
    """What the suite tells a plugin's source factory.

    Attributes:
        reference: The reference being downloaded (``civitai:12345``).
        token: A token given on the command line (None: the plugin finds its own).
        expected_sha256: A SHA-256 given with ``--sha256`` (the source should pin it).
        offline: The suite runs offline: the source should make no network request.
        fetcher: An HTTP client with the suite's proxy, TLS and timeout settings, for the
            source's metadata requests (:class:`~hfsuite.core.remote.Fetcher`); the bytes are
            fetched by the engine from each file's ``url``.
    """

    reference: str
    token: str | None = None
    expected_sha256: str | None = None
    offline: bool = False
    fetcher: Fetcher | None = None


@dataclass(frozen=True)
class PluginSource:
    """A source a plugin adds, and the prefix of the names it claims.

    Attributes:
        prefix: The scheme it claims, without the colon (``civitai`` for ``civitai:12345``);
            lower case letters, digits and ``-``. The built-in prefixes (``hf``,
            ``modelscope``, ``http``, ``https``, ``datasets``, ``spaces``, ``models``) are
            refused.
        make: Builds the :class:`~hfsuite.core.source.Source` for one download.
        description: One line for ``hfsuite plugins ls``.
    """

    prefix: str
    make: Callable[[SourceContext], Source]
    description: str = ""


class HookSpecs:
    """Every hook. Each is optional; none may block for long (see docs/plugins.md)."""

    @hookspec
    def hfsuite_sources(self) -> list[PluginSource]:  # type: ignore[empty-body]
        """Extra sources, each with the prefix it claims (``civitai:``).

        Asked when a name the built-in parser refuses (or reads as a plain file URL) is read;
        the answer is kept for the run (asked again after a plugin is disabled).
        """

    @hookspec(firstresult=True)
    def hfsuite_parse_name(self, text: str) -> str | None:
        """Turn what a user typed or pasted (a web page URL, a short name) into a reference
        of a plugin source (``civitai:12345``), or None when it is not this plugin's.

        Asked only about text the built-in parser refuses or reads as a plain file URL (Hub
        ids and URLs never reach a plugin); the first plugin (by name) to answer wins.
        """

    @hookspec
    def hfsuite_detect_tools(self, host: Host) -> list[DetectedTool]:  # type: ignore[empty-body]
        """Tools this plugin finds on ``host`` (its home, environment and platform), as
        :class:`~hfsuite.integrations.tools.model.DetectedTool` entries, shown by
        ``hfsuite tools detect`` beside the built-in ones (their ``kind`` is the plugin's own
        word, e.g. ``exampletool``)."""

    @hookspec
    def hfsuite_post_download(self, download: CompletedDownload) -> None:
        """Act on a finished download's files (write a checksum beside each, copy, index…).

        Runs after every file is final, in the plugins' own thread (never a transfer thread),
        with a time limit; an exception disables the plugin for the rest of the run.
        """

    @hookspec
    def hfsuite_notify(self, notice: TaskNotice) -> None:
        """Hear that a task finished or failed (send a desktop notice, call a webhook…).

        Same thread and limits as :meth:`hfsuite_post_download`.
        """


HOOK_NAMES: tuple[str, ...] = tuple(
    name for name in vars(HookSpecs) if name.startswith(f"{PROJECT}_")
)
"""Every hook's name, in the order above."""
