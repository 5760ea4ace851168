"""The plugin messages of docs/errors.md, each produced by the code and found word for word
(values stand as ``<text>``, ``<prefix>``, ``<name>``…)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from hfsuite.app.plugins import PluginSource, SourceContext, hookimpl
from hfsuite.app.plugins.dispatch import ActionQueue
from hfsuite.app.plugins.manager import PluginManager
from hfsuite.app.plugins.service import Plugins
from hfsuite.app.plugins.sources import make_plugin_source, plugin_target
from hfsuite.config import Settings
from hfsuite.core.errors import HfSuiteError, SourceError, UsageError

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


def _documented(error: HfSuiteError, **values: str) -> bool:
    message = error.message
    for placeholder, given in values.items():
        quoted = given.startswith("'")
        message = message.replace(given, f"'<{placeholder}>'" if quoted else f"<{placeholder}>")
    return f"| `{message}` | {error.exit_code} |" in DOC


class EP:
    dist = None
    module = __name__

    def __init__(self, name: str, obj: Any):
        self.name, self.obj = name, obj

    @property
    def value(self) -> str:
        return f"{__name__}:{self.name}"

    def load(self) -> Any:
        if isinstance(self.obj, BaseException):
            raise self.obj
        return self.obj


class Civitai:
    @hookimpl
    def hfsuite_sources(self) -> list[PluginSource]:
        def make(ctx: SourceContext) -> Any:
            raise KeyError("k")

        return [PluginSource("civitai", make)]


def plugins_of(*eps: EP) -> Plugins:
    return Plugins(Settings(), PluginManager(entry_points=lambda: list(eps)))  # type: ignore[arg-type,return-value]


def test_name_and_source_errors_are_documented() -> None:
    plugins = plugins_of(EP("civ", Civitai()))
    with pytest.raises(UsageError) as unknown:
        plugin_target(plugins, "nope:1")
    assert _documented(unknown.value, text="nope:1", prefix="nope")
    with pytest.raises(UsageError) as empty:
        plugin_target(plugins, "civitai: ")
    assert _documented(empty.value, text="'civitai:'", prefix="civitai")
    with pytest.raises(SourceError) as failed:
        make_plugin_source(plugins, SourceContext("civitai:1"))
    message = failed.value.message.replace("civitai", "<prefix>").replace("civ ", "<name> ")
    assert message.startswith("The <prefix>: source of plugin <name> failed: ")
    assert "| `The <prefix>: source of plugin <name> failed: <error>` | 5 |" in DOC
    with pytest.raises(UsageError) as gone:
        make_plugin_source(plugins, SourceContext("civitai:1"))
    assert _documented(gone.value, text="civitai:1", prefix="civitai")


def test_the_revision_flags_error_is_documented() -> None:
    from hfsuite.app.download.operation import _plugin_target

    class FakeSuite:
        plugins = plugins_of(EP("civ", Civitai()))

    with pytest.raises(UsageError) as flags:
        _plugin_target(FakeSuite(), "civitai:1", None, "main")  # type: ignore[arg-type]
    assert _documented(flags.value)


def test_warnings_are_documented(caplog: pytest.LogCaptureFixture) -> None:
    class Raises:
        @hookimpl
        def hfsuite_notify(self) -> None:
            raise ValueError("v")

    manager = PluginManager(
        entry_points=lambda: [EP("a", ImportError("i")), EP("b", Raises())]  # type: ignore[list-item]
    )
    with caplog.at_level(logging.WARNING):
        manager.call("hfsuite_notify", {})
        manager.disable("a", "never loaded")  # not loaded: nothing said
    texts = [r.getMessage() for r in caplog.records]
    assert texts == [
        "Plugin a failed to load and is skipped: ImportError: i",
        "Plugin b raised an error in hfsuite_notify; it is disabled for the rest of this run: "
        "ValueError: v",
    ]
    rows = [line for line in DOC.splitlines() if line.startswith("| `Plugin <name>")]
    assert any("failed to load and is skipped: <error>" in row for row in rows)
    assert any(
        "raised an error in <hook>; it is disabled for the rest of this run" in r for r in rows
    )
    assert "| `Too many plugin calls are waiting; <hook> is not run for this task" in DOC
    assert "| `<n> plugin calls still running after 30 s are not waited for.` |" in DOC
    queue = ActionQueue(manager, max_pending=1)
    queue.close(0)
