"""The plugin manager: lazy loading, isolation (errors, hangs, bad answers), disabling, the
background queue of post-download actions and notifications, and the typed hooks."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hfsuite.app.plugins import (
    CompletedDownload,
    DownloadedFile,
    PluginSource,
    TaskNotice,
    hookimpl,
)
from hfsuite.app.plugins.dispatch import ActionQueue
from hfsuite.app.plugins.manager import PluginManager, split_names
from hfsuite.app.plugins.service import Plugins
from hfsuite.app.tools import ToolRegistry
from hfsuite.config import Settings
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import DetectedTool


@dataclass
class Dist:
    name: str
    version: str = "1.0"


@dataclass
class FakeEntryPoint:
    """What the manager reads of an importlib.metadata.EntryPoint."""

    name: str
    obj: Any
    dist: Dist | None = None
    module: str = __name__
    loads: int = 0

    @property
    def value(self) -> str:
        return f"{self.module}:{self.name}"

    def load(self) -> Any:
        self.loads += 1
        if isinstance(self.obj, BaseException):
            raise self.obj
        return self.obj


def manager_of(*eps: FakeEntryPoint, **kwargs: Any) -> PluginManager:
    return PluginManager(entry_points=lambda: list(eps), **kwargs)  # type: ignore[arg-type]


def notice(task_id: int = 1) -> TaskNotice:
    return TaskNotice("finished", task_id, "acme/x", "huggingface")


class Recorder:
    def __init__(self) -> None:
        self.seen: list[Any] = []

    @hookimpl
    def hfsuite_notify(self, notice: TaskNotice) -> None:
        self.seen.append(notice)

    @hookimpl
    def hfsuite_post_download(self, download: CompletedDownload) -> None:
        self.seen.append(download)


class Exploding:
    def __init__(self) -> None:
        self.calls = 0

    @hookimpl
    def hfsuite_notify(self, notice: TaskNotice) -> None:
        self.calls += 1
        raise RuntimeError("kaboom")


class Hanging:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()

    @hookimpl
    def hfsuite_notify(self, notice: TaskNotice) -> None:
        self.entered.set()
        self.release.wait(30)


# --- loading ---------------------------------------------------------------------------------


def test_nothing_is_looked_for_until_a_hook_is_needed() -> None:
    asked: list[int] = []

    def entry_points() -> list[Any]:
        asked.append(1)
        return [FakeEntryPoint("rec", Recorder())]

    manager = PluginManager(entry_points=entry_points)
    assert not manager.is_loaded and asked == []
    assert [p.name for p in manager.plugins()] == ["rec"]
    manager.plugins()
    assert asked == [1]  # once


def test_no_plugins_looks_for_nothing() -> None:
    def entry_points() -> list[Any]:
        raise AssertionError("entry points read although plugins are off")

    plugins = Plugins(
        Settings(no_plugins=True), PluginManager(enabled=False, entry_points=entry_points)
    )
    assert plugins.tool_detectors() == [] and plugins.sources() == {}
    plugins.task_ended(notice())
    plugins.close()
    assert plugins.manager.plugins() == []


def test_states_loaded_disabled_and_failed() -> None:
    good = FakeEntryPoint("good", Recorder(), Dist("good-dist", "2.3"))
    off_by_name = FakeEntryPoint("off", RuntimeError("must not be imported"))
    off_by_dist = FakeEntryPoint("other", RuntimeError("nor this"), Dist("Off_Dist"))
    broken = FakeEntryPoint("broken", ImportError("No module named 'missing_dep'"))

    class Typo:
        @hookimpl
        def hfsuite_post_donwload(self, download: Any) -> None: ...

    typo = FakeEntryPoint("typo", Typo())
    manager = manager_of(good, off_by_name, off_by_dist, broken, typo, disabled=["off", "off-dist"])
    infos = {p.name: p for p in manager.plugins()}
    assert infos["good"].state == "loaded"
    assert (infos["good"].distribution, infos["good"].version) == ("good-dist", "2.3")
    assert infos["good"].hooks == ["hfsuite_post_download", "hfsuite_notify"]
    assert infos["good"].module_file == __file__
    assert infos["off"].state == infos["other"].state == "disabled"
    assert off_by_name.loads == off_by_dist.loads == 0
    assert infos["broken"].state == "failed-to-load"
    assert infos["broken"].error == "ImportError: No module named 'missing_dep'"
    assert infos["typo"].state == "failed-to-load"
    assert "no such hook: hfsuite_post_donwload" in str(infos["typo"].error)
    assert infos["good"].to_json()["entry_point"] == f"good = {__name__}:good"


def test_a_class_is_instantiated() -> None:
    manager = manager_of(FakeEntryPoint("cls", Recorder))
    assert manager.call("hfsuite_notify", {"notice": notice()}) == [("cls", None)]


def test_split_names() -> None:
    assert split_names(" a, B_c  d ,") == {"a", "b-c", "d"}


# --- isolation -------------------------------------------------------------------------------


def test_a_hook_that_raises_disables_its_plugin_and_is_reported_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad, good = Exploding(), Recorder()
    manager = manager_of(FakeEntryPoint("bad", bad), FakeEntryPoint("good", good))
    with caplog.at_level(logging.INFO, logger="hfsuite.app.plugins"):
        for i in range(3):
            answers = manager.call("hfsuite_notify", {"notice": notice(i)})
            assert [name for name, _ in answers] == ["good"]
    assert bad.calls == 1 and len(good.seen) == 3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Plugin bad" in warnings[0].getMessage()
    assert "RuntimeError: kaboom" in warnings[0].getMessage()
    traces = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("Traceback (most recent call last)" in t and "kaboom" in t for t in traces)
    [info] = [p for p in manager.plugins() if p.name == "bad"]
    assert info.state == "disabled-after-error"
    assert info.error == "raised an error in hfsuite_notify: RuntimeError: kaboom"


def test_a_hook_that_hangs_is_left_behind_and_disabled() -> None:
    hanging, good = Hanging(), Recorder()
    manager = manager_of(
        FakeEntryPoint("hang", hanging), FakeEntryPoint("good", good), hook_timeout_s=0.05
    )
    try:
        answers = manager.call("hfsuite_notify", {"notice": notice()})
        assert [name for name, _ in answers] == ["good"]
        assert hanging.entered.is_set()
        [info] = [p for p in manager.plugins() if p.name == "hang"]
        assert info.state == "disabled-after-error"
        assert "took longer than 0.05 s in hfsuite_notify" in str(info.error)
        assert manager.active("hfsuite_notify") == ["good"]
    finally:
        hanging.release.set()


def test_answers_are_checked() -> None:
    class BadTools:
        @hookimpl
        def hfsuite_detect_tools(self, host: Host) -> list[Any]:
            return ["not a tool"]

    class BadPrefix:
        @hookimpl
        def hfsuite_sources(self) -> list[PluginSource]:
            return [PluginSource("hf", lambda ctx: None)]  # type: ignore[arg-type,return-value]

    manager = manager_of(FakeEntryPoint("tools", BadTools()), FakeEntryPoint("pre", BadPrefix()))
    plugins = Plugins(Settings(), manager)
    host = Host(home=Path("/nonexistent"), system=False)
    assert [d(host) for d in plugins.tool_detectors()] == [[]]
    assert plugins.sources() == {}
    states = {p.name: (p.state, p.error) for p in manager.plugins()}
    assert states["tools"][0] == "disabled-after-error"
    assert "expected DetectedTool entries, got str" in str(states["tools"][1])
    assert "the prefix 'hf' is the suite's own" in str(states["pre"][1])


def test_sources_first_claim_wins_and_parse_name_takes_the_first_answer() -> None:
    made = object()

    class Civitai:
        @hookimpl
        def hfsuite_sources(self) -> list[PluginSource]:
            return [PluginSource("civitai", lambda ctx: made, "Civitai models")]  # type: ignore[arg-type,return-value]

        @hookimpl
        def hfsuite_parse_name(self, text: str) -> str | None:
            if text.startswith("https://civitai.com/models/"):
                return "civitai:" + text.rsplit("/", 1)[1]
            return None

    class Another:
        @hookimpl
        def hfsuite_sources(self) -> list[PluginSource]:
            return [PluginSource("CivitAI", lambda ctx: None)]  # type: ignore[arg-type,return-value]

        @hookimpl
        def hfsuite_parse_name(self, text: str) -> str | None:
            return "another:" + text

    manager = manager_of(FakeEntryPoint("a-civitai", Civitai()), FakeEntryPoint("b", Another()))
    sources = manager.sources()
    assert list(sources) == ["civitai"]
    plugin, source = sources["civitai"]
    assert plugin == "a-civitai" and source.description == "Civitai models"
    assert manager.parse_name("https://civitai.com/models/123") == "civitai:123"
    assert manager.parse_name("x") == "another:x"


# --- tools -----------------------------------------------------------------------------------


def test_plugin_tools_join_detection(tmp_path: Path) -> None:
    root = tmp_path / "home" / "Thing"
    root.mkdir(parents=True)

    class Finder:
        @hookimpl
        def hfsuite_detect_tools(self, host: Host) -> list[DetectedTool]:
            return [DetectedTool("ignored", "thing", "1.0", root, {"loras": [root / "l"]})]

    plugins = Plugins(Settings(), manager_of(FakeEntryPoint("finder", Finder())))
    registry = ToolRegistry(
        tmp_path / "cfg",
        Host(home=tmp_path / "home", system=False),
        extra_detectors=plugins.tool_detectors,
    )
    detection = registry.detect()
    [tool] = detection.tools
    assert (tool.name, tool.kind, tool.root) == ("thing", "thing", root)
    assert root in detection.searched


# --- the background queue --------------------------------------------------------------------


def test_task_ended_runs_actions_off_the_callers_thread() -> None:
    hanging, rec = Hanging(), Recorder()
    manager = manager_of(FakeEntryPoint("a-hang", hanging), FakeEntryPoint("rec", rec))
    plugins = Plugins(Settings(), manager)
    download = CompletedDownload(
        1, "acme/x", "model", "huggingface", None, "abc", Path("/d"),
        (DownloadedFile("a.bin", Path("/d/a.bin"), 3, None),),
    )  # fmt: skip
    try:
        plugins.task_ended(notice(), download)  # returns although a plugin hangs
        assert hanging.entered.wait(10)
        assert not plugins.wait_idle(0.01)
        assert rec.seen == [download]  # its notification waits behind the hanging plugin's
    finally:
        hanging.release.set()
    assert plugins.wait_idle(10)
    assert rec.seen == [download, notice()]
    plugins.close()
    plugins.task_ended(notice(2))  # after close: a new queue
    assert plugins.wait_idle(10)
    assert rec.seen[-1] == notice(2)
    plugins.close()


def test_prepare_loads_the_plugins_in_the_background_before_a_task_ends() -> None:
    readers: list[str] = []
    rec = Recorder()

    def entry_points() -> list[Any]:
        readers.append(threading.current_thread().name)
        return [FakeEntryPoint("rec", rec)]

    plugins = Plugins(Settings(), PluginManager(entry_points=entry_points))
    plugins.prepare()
    plugins.prepare()  # a second task starting: nothing more to do
    assert plugins.wait_idle(10)
    assert plugins.manager.is_loaded and readers == ["hfsuite-plugins"]
    assert rec.seen == []  # loaded, nothing called
    plugins.task_ended(notice())
    assert plugins.wait_idle(10)
    assert rec.seen == [notice()] and len(readers) == 1
    plugins.close()


def test_prepare_does_nothing_without_plugins_or_after_close() -> None:
    def entry_points() -> list[Any]:
        raise AssertionError("entry points read")

    manager = PluginManager(enabled=False, entry_points=entry_points)
    off = Plugins(Settings(no_plugins=True), manager)
    off.prepare()
    assert off.wait_idle(1)
    actions = ActionQueue(PluginManager(entry_points=entry_points))
    actions.close(timeout_s=1)
    actions.prepare()
    assert actions.pending == 0


def test_the_queue_is_bounded_and_close_does_not_wait_forever(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hanging = Hanging()
    manager = manager_of(FakeEntryPoint("hang", hanging))
    actions = ActionQueue(manager, max_pending=2)
    try:
        assert actions.submit("hfsuite_notify", {"notice": notice(1)})
        assert hanging.entered.wait(10)
        assert actions.submit("hfsuite_notify", {"notice": notice(2)})
        assert actions.submit("hfsuite_notify", {"notice": notice(3)})
        assert not actions.submit("hfsuite_notify", {"notice": notice(4)})  # full
        assert actions.dropped == 1
        assert actions.close(timeout_s=0.01) == 3
        assert not actions.submit("hfsuite_notify", {"notice": notice(5)})  # closed
        assert "Too many plugin calls are waiting" in caplog.text
        assert "3 plugin calls still running" in caplog.text
    finally:
        hanging.release.set()
    assert actions.wait_idle(10)


def test_starting_the_cli_imports_no_plugin_machinery(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from hfsuite.cli.main import exit_code\n"
        "assert exit_code(['config', 'show']) == 0\n"
        "print(sorted(m for m in sys.modules if m == 'pluggy' or m.startswith("
        "'hfsuite.app.plugins')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
