"""The pack's ``POST /hfsuite/fetch_missing`` handler, called as a plain coroutine."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from comfyui_standin import folder_paths_module

PACK = Path(__file__).resolve().parents[3] / "comfyui-hfsuite"

WORKFLOW = {
    "last_node_id": 1,
    "nodes": [
        {
            "id": 1,
            "type": "LoraLoader",
            "mode": 0,
            "inputs": [],
            "outputs": [],
            "widgets_values": ["style.safetensors", 1.0, 1.0],
        }
    ],
    "links": [],
    "version": 0.4,
}


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The pack's package, with a temp ComfyUI's folder_paths importable."""
    monkeypatch.setitem(sys.modules, "folder_paths", folder_paths_module(tmp_path / "ComfyUI"))
    monkeypatch.syspath_prepend(str(PACK))
    sys.modules.pop("comfyui_hfsuite", None)
    import comfyui_hfsuite

    yield comfyui_hfsuite
    for name in [n for n in sys.modules if n.startswith("comfyui_hfsuite")]:
        del sys.modules[name]


class Request:
    """What the handler reads of an aiohttp request."""

    def __init__(self, body: Any, raw: bool = False) -> None:
        self._body = body
        self._raw = raw

    async def json(self) -> Any:
        if self._raw:
            return json.loads(self._body)
        return self._body


def _payload(answer: Any) -> tuple[dict[str, Any], int]:
    """(payload, status) of an aiohttp json_response or of the pack's stand-in answer."""
    if hasattr(answer, "payload"):
        return answer.payload, answer.status
    return json.loads(answer.text), answer.status


class Recorder:
    """A runner that records the command and the workflow file it names while it runs."""

    def __init__(self, returncode: int = 0, stdout: str = "", stderr: str = "") -> None:
        self.commands: list[list[str]] = []
        self.workflows: list[Any] = []
        self.result = (returncode, stdout, stderr)

    def __call__(self, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        self.commands.append(list(command))
        self.workflows.append(json.loads(Path(command[5]).read_text(encoding="utf-8")))
        code, out, err = self.result
        return subprocess.CompletedProcess(list(command), code, out, err)


def test_route_runs_the_fetch_command(pack: ModuleType, tmp_path: Path) -> None:
    document = {"ok": True, "downloaded": 1, "failed": 0, "counts": {"present": 0}}
    runner = Recorder(stdout=json.dumps(document) + "\n")
    answer = asyncio.run(pack.fetch_missing_route(Request({"workflow": WORKFLOW}), run=runner))
    payload, status = _payload(answer)
    assert status == 200
    assert payload == {"ok": True, "exit_code": 0, "result": document, "error": None}
    (command,) = runner.commands
    base = str(tmp_path / "ComfyUI")  # folder_paths.base_path
    assert command[:5] == [sys.executable, "-m", "hfsuite", "comfyui", "fetch"]
    assert command[5].endswith("workflow.json")
    assert command[6:] == ["--comfyui", base, "--yes", "--json"]
    assert runner.workflows == [WORKFLOW]
    assert not Path(command[5]).exists()  # the temp file is gone afterwards


def test_route_reports_a_failed_fetch(pack: ModuleType) -> None:
    error_document = {"error": {"message": "acme/x was not found", "exit_code": 7}}
    runner = Recorder(7, json.dumps(error_document), "hfsuite: acme/x was not found\n")
    answer = asyncio.run(pack.fetch_missing_route(Request(WORKFLOW), run=runner, comfyui_base="/c"))
    payload, status = _payload(answer)
    assert status == 500
    assert payload["ok"] is False and payload["exit_code"] == 7
    assert payload["error"] == "hfsuite: acme/x was not found"
    assert payload["result"] == error_document
    assert runner.commands[0][6:8] == ["--comfyui", "/c"]
    assert runner.workflows == [WORKFLOW]  # a bare workflow body is accepted too


def test_route_refuses_a_body_that_is_no_workflow(pack: ModuleType) -> None:
    runner = Recorder()
    for body in (Request("not json", raw=True), Request([1, 2]), Request({"workflow": {}})):
        payload, status = _payload(asyncio.run(pack.fetch_missing_route(body, run=runner)))
        assert status == 400 and payload["ok"] is False
    assert runner.commands == []


def test_route_reads_json_lines_output(pack: ModuleType) -> None:
    runner = Recorder(stdout='{"event": "progress"}\nnot json\n{"ok": true, "downloaded": 2}\n')
    payload, _ = _payload(asyncio.run(pack.fetch_missing_route(Request(WORKFLOW), run=runner)))
    assert payload["result"] == {"ok": True, "downloaded": 2}


def _fetch_command_exists() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "hfsuite", "comfyui", "fetch", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return probe.returncode == 0


def test_route_runs_the_real_command(  # type: ignore[no-untyped-def]
    pack: ModuleType, tmp_path: Path, hub_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command for real, against the emulator: the workflow's LoRA that is there stays, the
    one it declares a URL for is downloaded into models/loras."""
    if not _fetch_command_exists():
        pytest.skip("this hfsuite has no 'comfyui fetch' command yet")
    hub = hub_factory(lfs_threshold=4096)
    lora = os.urandom(20_000)
    hub.create_repo("acme/new-lora", files={"loras/new_lora.safetensors": lora})
    monkeypatch.setenv("HF_ENDPOINT", hub.url)  # the command inherits ComfyUI's environment
    comfy = tmp_path / "ComfyUI"
    for name in ("main.py", "folder_paths.py", "nodes.py"):
        (comfy / name).parent.mkdir(parents=True, exist_ok=True)
        (comfy / name).write_text("", encoding="utf-8")
    loras = comfy / "models" / "loras"
    loras.mkdir(parents=True)
    (loras / "style.safetensors").write_bytes(b"x" * 100)
    url = f"{hub.url}/acme/new-lora/resolve/main/loras/new_lora.safetensors"
    declared = {"name": "new_lora.safetensors", "url": url, "directory": "loras"}
    flow = json.loads(json.dumps(WORKFLOW))
    flow["nodes"].append(
        {"id": 2, "type": "LoraLoader", "mode": 0, "inputs": [], "outputs": [],
         "widgets_values": ["new_lora.safetensors", 1.0, 1.0],
         "properties": {"models": [declared]}}
    )  # fmt: skip
    answer = asyncio.run(pack.fetch_missing_route(Request({"workflow": flow})))
    payload, status = _payload(answer)
    assert status == 200, payload
    assert payload["ok"] is True and payload["exit_code"] == 0
    result = payload["result"]
    assert result["counts"]["present"] == 1 and result["downloaded"] == 1, result
    assert (loras / "new_lora.safetensors").read_bytes() == lora
    assert (loras / "style.safetensors").read_bytes() == b"x" * 100


def test_frontend_extension_posts_the_workflow(tmp_path: Path) -> None:
    """web/js/hfsuite.js under node with ComfyUI's app and api faked: the menu command posts
    app.graph.serialize() to the route and tells the counts."""
    import shutil

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the extension's script is checked only with it)")
    script = (PACK / "web" / "js" / "hfsuite.js").read_text(encoding="utf-8")
    script = script.replace("../../scripts/app.js", "./app.mjs").replace(
        "../../scripts/api.js", "./api.mjs"
    )
    (tmp_path / "hfsuite.mjs").write_text(script, encoding="utf-8")
    (tmp_path / "app.mjs").write_text(
        "export const app = { registerExtension(e) { globalThis.extension = e; },"
        " graph: { serialize: () => ({ nodes: [{ id: 1 }] }) },"
        " extensionManager: { toast: { add: (t) => globalThis.toasts.push(t) } } };\n",
        encoding="utf-8",
    )
    (tmp_path / "api.mjs").write_text(
        "export const api = { fetchApi: async (route, options) => {"
        " globalThis.posted = { route, options };"
        " return { json: async () => ({ ok: true, exit_code: 0, error: null,"
        " result: { downloaded: 2, failed: 0, counts: { present: 3, unresolved: 1 } } }) }; } };\n",
        encoding="utf-8",
    )
    (tmp_path / "run.mjs").write_text(
        "globalThis.toasts = [];\n"
        "await import('./hfsuite.mjs');\n"
        "const e = globalThis.extension;\n"
        "const menu = e.menuCommands[0].commands[0];\n"
        "await e.commands.find((c) => c.id === menu).function();\n"
        "console.log(JSON.stringify({ name: e.name, label: e.commands[0].label,"
        " posted: globalThis.posted, toasts: globalThis.toasts }));\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [node, str(tmp_path / "run.mjs")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["label"] == "Fetch missing models (hfsuite)"
    assert seen["posted"]["route"] == "/hfsuite/fetch_missing"
    assert seen["posted"]["options"]["method"] == "POST"
    assert json.loads(seen["posted"]["options"]["body"]) == {"workflow": {"nodes": [{"id": 1}]}}
    last = seen["toasts"][-1]
    assert last["severity"] == "success"
    assert last["detail"] == "2 downloaded, 3 already present, 1 not found on the Hub"
