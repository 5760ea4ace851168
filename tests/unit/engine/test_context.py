"""What a transfer shares with its files: host slots, a frozen context, no import cycle."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import hfsuite.engine
from hfsuite.core.clock import ManualClock
from hfsuite.engine import context, transfer
from hfsuite.engine.context import FileContext, HostSlots, TransferControl, TransferOptions
from hfsuite.engine.http import HttpClient
from hfsuite.engine.throttle import Throttle, TokenBucket


def test_host_slots_are_per_host_and_bounded() -> None:
    slots = HostSlots(2)
    cdn = slots.slot("https://cdn.example/a/b?sig=1")
    assert slots.slot("https://cdn.example/other") is cdn
    hub = slots.slot("https://hub.example/a")
    assert hub is not cdn
    assert cdn.acquire(blocking=False) and cdn.acquire(blocking=False)
    assert not cdn.acquire(blocking=False), "a third connection to the same host waits"
    assert hub.acquire(blocking=False), "other hosts are not affected"


def test_file_context_is_frozen() -> None:
    control = TransferControl()
    client = HttpClient()
    try:
        ctx = FileContext(
            options=TransferOptions(),
            client=client,
            control=control,
            throttle=Throttle(control.bucket, TokenBucket(0)),
            clock=ManualClock(),
            emit=lambda event: None,
            error_mapper=lambda answer: NotImplementedError(),  # type: ignore[arg-type,return-value]
            host_slots=HostSlots(4),
            halted=lambda: False,
        )
        with pytest.raises(dataclasses.FrozenInstanceError):
            ctx.task_id = 3  # type: ignore[misc]
        assert ctx.task_id is None
    finally:
        client.close()


def test_transfer_exports_the_same_options_and_control() -> None:
    assert transfer.TransferOptions is context.TransferOptions
    assert transfer.TransferControl is context.TransferControl


def _engine_imports() -> dict[str, set[str]]:
    root = Path(hfsuite.engine.__file__).parent
    graph: dict[str, set[str]] = {}
    for path in root.glob("*.py"):
        name = path.stem
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "hfsuite.engine."
            ):
                deps.add((node.module or "").split(".")[2])
            elif isinstance(node, ast.Import):
                deps |= {
                    a.name.split(".")[2] for a in node.names if a.name.startswith("hfsuite.engine.")
                }
        graph[name] = deps
    return graph


def test_engine_modules_import_each_other_without_a_cycle() -> None:
    graph = _engine_imports()
    assert "transfer" not in graph["filedownload"]
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph.get(name, ())):
            assert state.get(dep) != 1, "import cycle: " + " -> ".join([*path, name, dep])
            if dep not in state:
                visit(dep, [*path, name])
        state[name] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
