"""Names and sources that plugins add: ``civitai:12345``, and the page URLs a plugin reads.

A plugin source's reference travels through the suite like a plain file URL: a
``RepoRef(reference, source=SourceKind.URL)``, stored in a queue task's ``url``, downloaded to a
folder (``download_dir`` or ``--local-dir``), never the HF cache. Only the source differs:
:func:`make_plugin_source` builds the plugin's, wrapped in :class:`GuardedSource` so that
whatever it raises becomes one clear :class:`~hfsuite.core.errors.SourceError` and the plugin is
disabled for the rest of the run.

The built-in parser reads every name first. Plugins are asked only about text it refuses
(``civitai:12345``) or reads as a plain file URL (a web page a plugin knows): ids, Hub and
ModelScope names never load a plugin.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from hfsuite.app.plugins.manager import PluginManager
from hfsuite.app.plugins.specs import SourceContext
from hfsuite.core.errors import HfSuiteError, SourceError, UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import HttpAnswer, RemoteFile, RepoSnapshot, RequestAuth
from hfsuite.core.source import Source
from hfsuite.core.types import RepoRef, RepoType, SourceKind

if TYPE_CHECKING:
    from hfsuite.app.plugins.service import Plugins

__all__ = [
    "GuardedSource",
    "SourceContext",
    "is_plugin_reference",
    "make_plugin_source",
    "plugin_target",
]

log = logging.getLogger(__name__)

_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9-]+):")
_BUILT_IN = frozenset(("hf", "http", "https", "modelscope"))
T = TypeVar("T")


def _prefix_of(value: str) -> str | None:
    match = _PREFIX.match(value.strip())
    return match.group(1).lower() if match else None


def is_plugin_reference(value: str) -> bool:
    """Whether a ``SourceKind.URL`` ref's text is a plugin reference, not an http(s) URL."""
    prefix = _prefix_of(value)
    return prefix is not None and prefix not in _BUILT_IN


def plugin_target(plugins: Plugins, text: str) -> RepoRef | None:
    """What a plugin makes of ``text``: the ref of a plugin source's reference, or None.

    ``text`` that starts with a prefix a plugin source claims is that source's reference;
    otherwise the plugins' name parsers are asked (the first answer wins). An answer whose
    prefix no source claims is ignored, with a warning.

    Raises:
        UsageError: ``text`` starts with a prefix (``civitai:``) that no plugin claims.
    """
    if not plugins.enabled:
        return None
    value = text.strip()
    sources = plugins.sources()
    prefix = _prefix_of(value)
    if prefix is not None and prefix in sources:
        return _ref(prefix, value)
    answer = plugins.manager.parse_name(value)
    if answer is None:
        if prefix is not None and prefix not in _BUILT_IN and "//" not in value:
            raise UsageError(
                tr(
                    "{value} names a {prefix}: source, and no plugin provides one.",
                    value=repr(value),
                    prefix=prefix,
                ),
                hint=tr(
                    "Install the plugin for it; `hfsuite plugins ls` lists the plugins "
                    "installed and their state (docs/plugins.md)."
                ),
            )
        return None
    prefix = _prefix_of(answer)
    if prefix is None or prefix not in sources:
        log.warning(
            "A plugin read %r as %r, but no plugin source claims that prefix; ignored.",
            value,
            answer,
        )
        return None
    return _ref(prefix, answer.strip())


def _ref(prefix: str, value: str) -> RepoRef:
    rest = value.split(":", 1)[1]
    if not rest.strip() or any(c.isspace() or ord(c) < 32 for c in rest):
        raise UsageError(
            tr("{value} is not a {prefix}: reference.", value=repr(value), prefix=prefix),
            hint=tr("Write it as {prefix}:NAME, without spaces.", prefix=prefix),
        )
    return RepoRef(f"{prefix}:{rest}", RepoType.MODEL, None, SourceKind.URL)


def make_plugin_source(plugins: Plugins, context: SourceContext) -> Source:
    """The source of a plugin reference (``civitai:12345``), guarded.

    Raises:
        UsageError: no enabled plugin claims the prefix.
        SourceError: the plugin failed to make its source (it is disabled).
    """
    prefix = _prefix_of(context.reference) or ""
    found = plugins.sources().get(prefix)
    if found is None:
        raise UsageError(
            tr(
                "No plugin provides {prefix}: names, so {reference} cannot be downloaded.",
                prefix=prefix,
                reference=repr(context.reference),
            ),
            hint=tr(
                "`hfsuite plugins ls` lists the plugins installed and their state "
                "(docs/plugins.md)."
            ),
        )
    name, spec = found
    manager = plugins.manager
    try:
        source = spec.make(context)
    except HfSuiteError:
        raise
    except Exception as exc:
        raise _failed(manager, name, prefix, "could not make its source", exc) from exc
    missing = [m for m in _METHODS if not callable(getattr(source, m, None))]
    if missing:
        error = TypeError(f"its source has no {', '.join(missing)}")
        raise _failed(manager, name, prefix, "gave a source hfsuite cannot use", error)
    return GuardedSource(manager, name, prefix, source)


_METHODS = ("snapshot", "file_metadata", "file_url", "map_error", "check_access")


def _failed(
    manager: PluginManager, name: str, prefix: str, what: str, exc: BaseException
) -> SourceError:
    manager.disable(name, f"{what} for {prefix}: names", exc)
    return SourceError(
        tr(
            "The {prefix}: source of plugin {name} failed: {error}: {reason}",
            prefix=prefix,
            name=name,
            error=type(exc).__name__,
            reason=exc,
        ),
        hint=tr(
            "The plugin is disabled for this run; `hfsuite -v` shows its traceback. "
            "Report it to the plugin's author."
        ),
    )


class GuardedSource:
    """A plugin's source, whose unexpected exceptions become one :class:`SourceError` (and
    disable the plugin); typed errors (:class:`HfSuiteError`) pass unchanged. Its snapshots keep
    the reference that was asked for, so the task and history name it."""

    kind = SourceKind.URL

    def __init__(self, manager: PluginManager, name: str, prefix: str, source: Any):
        self._manager, self._name, self._prefix, self._source = manager, name, prefix, source

    @property
    def auth(self) -> RequestAuth:
        """The plugin source's credentials."""
        auth: RequestAuth = self._guard("auth", lambda: self._source.auth)
        return auth

    def _guard(self, what: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except HfSuiteError:
            raise
        except Exception as exc:
            raise _failed(
                self._manager, self._name, self._prefix, f"failed in {what}", exc
            ) from exc

    def snapshot(self, ref: RepoRef) -> RepoSnapshot:
        """The plugin's snapshot of ``ref``, under ``ref``."""
        snapshot = self._guard("snapshot", lambda: self._source.snapshot(ref))
        if not isinstance(snapshot, RepoSnapshot):
            error = TypeError(f"snapshot gave {type(snapshot).__name__}, not a RepoSnapshot")
            raise _failed(self._manager, self._name, self._prefix, "answered nonsense", error)
        return dataclasses.replace(snapshot, ref=ref)

    def file_metadata(self, ref: RepoRef, path: str) -> RemoteFile:
        """One file of ``ref``."""
        remote: RemoteFile = self._guard(
            "file_metadata", lambda: self._source.file_metadata(ref, path)
        )
        return remote

    def file_url(self, ref: RepoRef, path: str) -> str:
        """Where a file's bytes are served."""
        url: str = self._guard("file_url", lambda: self._source.file_url(ref, path))
        return url

    def map_error(self, answer: HttpAnswer) -> HfSuiteError:
        """The plugin's typed error for an error answer (a generic one if it fails)."""
        try:
            error = self._source.map_error(answer)
        except Exception as exc:
            self._manager.disable(self._name, f"failed in map_error for {self._prefix}:", exc)
            error = None
        if isinstance(error, HfSuiteError):
            return error
        return SourceError(
            tr(
                "{prefix}: the server answered HTTP {status}.",
                prefix=self._prefix,
                status=answer.status,
            )
        )

    def check_access(self, ref: RepoRef) -> None:
        """The plugin's access check."""
        self._guard("check_access", lambda: self._source.check_access(ref))
