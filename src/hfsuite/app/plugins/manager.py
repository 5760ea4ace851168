"""Finding, loading and calling plugins, each one isolated from the others and from the suite.

Plugins are found through the ``hfsuite.plugins`` entry-point group, and only when a hook is
first needed (:meth:`PluginManager.load`): a command that calls no hook never scans the
installed distributions nor imports a plugin. Every call of a plugin's hook goes through
:meth:`PluginManager.call`, which

* runs it in a thread of its own and waits at most ``hook_timeout_s`` for it (a plugin that
  hangs is left running in the background, its thread a daemon, and is disabled);
* catches whatever it raises: the plugin is reported once (a warning line; the traceback in the
  log, and on the console at ``-v``) and disabled for the rest of the run;
* checks what it returns where a hook returns something.

A plugin that cannot be imported (or implements a hook that does not exist) is
``failed-to-load``; one named in the ``disabled_plugins`` setting is ``disabled`` and never
imported; with ``no_plugins`` (``HFSUITE_NO_PLUGINS=1``) nothing is scanned at all.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint
from typing import Any, Literal

import pluggy

from hfsuite.app.plugins.specs import (
    ENTRY_POINT_GROUP,
    HOOK_NAMES,
    PROJECT,
    HookSpecs,
    PluginSource,
)

__all__ = [
    "HOOK_TIMEOUT_S",
    "PluginInfo",
    "PluginManager",
    "PluginState",
    "installed_entry_points",
    "split_names",
]

log = logging.getLogger(__name__)

HOOK_TIMEOUT_S = 60.0
"""How long one hook call may take before its plugin is disabled (it goes on in the
background, but nothing waits for it)."""

PluginState = Literal["loaded", "disabled", "disabled-after-error", "failed-to-load"]

RESERVED_PREFIXES = frozenset(
    ("hf", "http", "https", "modelscope", "datasets", "spaces", "models", "file")
)
"""Name prefixes the built-in parser owns; a plugin source cannot claim them."""


@dataclass
class PluginInfo:
    """One plugin as ``hfsuite plugins ls`` shows it.

    Attributes:
        name: The entry point's name.
        value: What it points at (``module`` or ``module:attribute``).
        distribution: The installed distribution that publishes it.
        version: That distribution's version.
        module_file: The plugin module's file (None when it cannot be found).
        hooks: The hooks it implements.
        state: ``loaded``, ``disabled`` (by the settings), ``disabled-after-error`` (it
            raised, hung or answered nonsense this run) or ``failed-to-load``.
        error: Why it is disabled or failed, one line.
    """

    name: str
    value: str
    distribution: str | None = None
    version: str | None = None
    module_file: str | None = None
    hooks: list[str] = field(default_factory=list)
    state: PluginState = "loaded"
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The plugin as plain JSON values."""
        return {
            "name": self.name,
            "entry_point": f"{self.name} = {self.value}",
            "distribution": self.distribution,
            "version": self.version,
            "module_file": self.module_file,
            "hooks": list(self.hooks),
            "state": self.state,
            "error": self.error,
        }


def installed_entry_points() -> list[EntryPoint]:
    """The entry points of the ``hfsuite.plugins`` group, each name once (the first found)."""
    from importlib.metadata import entry_points

    seen: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        seen.setdefault(ep.name, ep)
    return sorted(seen.values(), key=lambda ep: ep.name)


def split_names(text: str) -> frozenset[str]:
    """The plugin names of a comma- or space-separated setting, normalised."""
    return frozenset(_norm(n) for n in text.replace(",", " ").split() if n.strip())


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


class PluginManager:
    """The plugins of this run.

    Args:
        enabled: False: no plugin is looked for (``no_plugins``).
        disabled: Names (entry point or distribution) never to load.
        entry_points: Where plugins are found (default: the installed distributions).
        hook_timeout_s: How long a hook call may take.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        disabled: Iterable[str] = (),
        entry_points: Callable[[], Sequence[EntryPoint]] | None = None,
        hook_timeout_s: float = HOOK_TIMEOUT_S,
    ):
        self.enabled = enabled
        self.disabled = frozenset(_norm(n) for n in disabled)
        self.hook_timeout_s = hook_timeout_s
        self._entry_points = entry_points or installed_entry_points
        self._pm = pluggy.PluginManager(PROJECT)
        self._pm.add_hookspecs(HookSpecs)
        self._infos: dict[str, PluginInfo] = {}
        self._loaded = False
        self._lock = threading.RLock()
        self._sources: dict[str, tuple[str, PluginSource]] | None = None

    # --- loading -----------------------------------------------------------------------------

    @property
    def is_loaded(self) -> bool:
        """Whether the entry points were looked at (a hook was needed)."""
        return self._loaded

    def load(self) -> None:
        """Find and import the plugins (once; later calls return at once)."""
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            if not self.enabled:
                return
            try:
                found = list(self._entry_points())
            except Exception as exc:  # a broken distribution's metadata
                log.warning("Cannot list the installed plugins: %s", _one_line(exc))
                return
            for ep in found:
                self._load_one(ep)

    def _load_one(self, ep: EntryPoint) -> None:
        dist = getattr(ep, "dist", None)
        info = PluginInfo(
            ep.name,
            ep.value,
            getattr(dist, "name", None) if dist is not None else None,
            getattr(dist, "version", None) if dist is not None else None,
        )
        self._infos[ep.name] = info
        names = {_norm(ep.name)} | ({_norm(info.distribution)} if info.distribution else set())
        if names & self.disabled:
            info.state, info.error = "disabled", "named in the disabled_plugins setting"
            info.module_file = _module_file(ep.module)
            return
        try:
            obj = ep.load()
            if isinstance(obj, type):
                obj = obj()
            info.module_file = _module_file(ep.module)
            unknown = sorted(
                n for n in dir(obj) if n.startswith(f"{PROJECT}_") and n not in HOOK_NAMES
            )
            if unknown:
                raise ValueError(f"no such hook: {', '.join(unknown)}")
            self._pm.register(obj, name=ep.name)
        except BaseException as exc:  # a plugin's import may raise anything
            if isinstance(exc, KeyboardInterrupt):
                raise
            info.module_file = info.module_file or _module_file(ep.module)
            info.state, info.error = "failed-to-load", _one_line(exc)
            self._report(info, "failed to load and is skipped", exc)
            return
        info.hooks = [
            hook
            for hook in HOOK_NAMES
            if any(impl.plugin_name == ep.name for impl in self._impls(hook))
        ]

    # --- what is there -----------------------------------------------------------------------

    def plugins(self) -> list[PluginInfo]:
        """Every plugin found (loading them first), by name."""
        self.load()
        with self._lock:
            return [self._infos[name] for name in sorted(self._infos)]

    def active(self, hook: str) -> list[str]:
        """The plugins that implement ``hook`` and are still enabled (loading them first)."""
        self.load()
        with self._lock:
            return [
                impl.plugin_name
                for impl in self._impls(hook)  # registration order: by name
                if self._infos.get(impl.plugin_name, PluginInfo("", "")).state == "loaded"
            ]

    def _impls(self, hook: str) -> list[pluggy.HookImpl]:
        caller = getattr(self._pm.hook, hook, None)
        return list(caller.get_hookimpls()) if caller is not None else []

    # --- calling -----------------------------------------------------------------------------

    def call(
        self,
        hook: str,
        kwargs: dict[str, Any],
        *,
        check: Callable[[Any], Any] | None = None,
        first: bool = False,
        only: str | None = None,
    ) -> list[tuple[str, Any]]:
        """Call ``hook`` on every enabled plugin that implements it, each isolated.

        Args:
            hook: The hook's name.
            kwargs: Its arguments.
            check: Validates (and may convert) one plugin's answer; raising disables the
                plugin as if the hook had raised.
            first: Stop at the first answer that is not None (``hfsuite_parse_name``).
            only: Call this plugin alone.

        Returns:
            ``(plugin name, answer)`` for each plugin that answered without failing.
        """
        answers: list[tuple[str, Any]] = []
        for name in self.active(hook):
            if only is not None and name != only:
                continue
            impl = next((i for i in self._impls(hook) if i.plugin_name == name), None)
            if impl is None:
                continue
            args = {k: v for k, v in kwargs.items() if k in impl.argnames}
            ok, value = self._run(name, hook, impl.function, args)
            if not ok:
                continue
            if check is not None:
                try:
                    value = check(value)
                except Exception as exc:
                    self.disable(name, f"gave an answer hfsuite cannot use from {hook}", exc)
                    continue
            answers.append((name, value))
            if first and value is not None:
                break
        return answers

    def _run(
        self, name: str, hook: str, function: Callable[..., Any], args: dict[str, Any]
    ) -> tuple[bool, Any]:
        box: dict[str, Any] = {}
        done = threading.Event()

        def target() -> None:
            try:
                box["value"] = function(**args)
            except BaseException as exc:  # anything a plugin raises is its own
                box["error"] = exc
            finally:
                done.set()

        thread = threading.Thread(target=target, name=f"hfsuite-plugin-{name}", daemon=True)
        thread.start()
        if not done.wait(self.hook_timeout_s):
            self.disable(
                name, f"took longer than {self.hook_timeout_s:g} s in {hook} (left running)"
            )
            return False, None
        error = box.get("error")
        if error is not None:
            self.disable(name, f"raised an error in {hook}", error)
            return False, None
        return True, box.get("value")

    def disable(self, name: str, why: str, exc: BaseException | None = None) -> None:
        """Disable a loaded plugin for the rest of the run, reporting it once."""
        with self._lock:
            info = self._infos.get(name)
            if info is None or info.state != "loaded":
                return
            info.state = "disabled-after-error"
            info.error = f"{why}: {_one_line(exc)}" if exc is not None else why
            self._sources = None
        self._report(info, f"{why}; it is disabled for the rest of this run", exc)

    def _report(self, info: PluginInfo, what: str, exc: BaseException | None) -> None:
        where = f" ({info.distribution} {info.version})" if info.distribution else ""
        detail = f": {_one_line(exc)}" if exc is not None else ""
        log.warning("Plugin %s%s %s%s", info.name, where, what, detail)
        if exc is not None:
            trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            log.info("Plugin %s: %s", info.name, trace.rstrip())

    # --- the hooks, typed --------------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, PluginSource]]:
        """Each prefix a plugin source claims -> (plugin, source); the first plugin (by name)
        wins a prefix two claim, and the other is told so."""
        with self._lock:
            if self._sources is not None:
                return dict(self._sources)
        claimed: dict[str, tuple[str, PluginSource]] = {}
        for name, found in self.call("hfsuite_sources", {}, check=_check_sources):
            for source in found:
                prefix = source.prefix.lower()
                if prefix in claimed:
                    log.warning(
                        "Plugin %s claims the prefix %s: that %s already claimed; ignored.",
                        name,
                        prefix,
                        claimed[prefix][0],
                    )
                    continue
                claimed[prefix] = (name, source)
        with self._lock:
            self._sources = claimed
        return dict(claimed)

    def parse_name(self, text: str) -> str | None:
        """The first plugin's reading of ``text`` as a plugin source's reference, or None."""
        for _name, answer in self.call(
            "hfsuite_parse_name", {"text": text}, check=_check_reference, first=True
        ):
            if answer is not None:
                return str(answer)
        return None


def _module_file(module: str) -> str | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError, AttributeError):
        return None
    return spec.origin if spec is not None and spec.origin not in (None, "built-in") else None


def _check_sources(value: Any) -> list[PluginSource]:
    if value is None:
        return []
    items = list(value)
    for item in items:
        if not isinstance(item, PluginSource):
            raise TypeError(f"expected PluginSource entries, got {type(item).__name__}")
        prefix = item.prefix.lower()
        if not prefix or not all(c.isalnum() or c == "-" for c in prefix):
            raise ValueError(f"{item.prefix!r} is not a prefix (letters, digits and -)")
        if prefix in RESERVED_PREFIXES:
            raise ValueError(f"the prefix {item.prefix!r} is the suite's own")
    return items


def _check_reference(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or ":" not in value:
        raise TypeError(f"expected 'prefix:name' or None, got {value!r}")
    return value
