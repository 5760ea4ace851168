"""`hfsuite tools` end to end: detect, ls, add, rm in a sandboxed home, and the mistakes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from json_documents import document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from tools_layouts import a1111, comfyui, fooocus, touch

QUIET = {"OLLAMA_MODELS": "", "INVOKEAI_ROOT": "", "COMMANDLINE_ARGS": ""}
"""Variables of the machine running the tests that would point detection elsewhere."""


def _mine(tools: list[dict[str, object]], sandbox: Path) -> list[dict[str, object]]:
    """The tools inside the sandbox (a machine-wide install elsewhere is not the test's)."""
    return [t for t in tools if Path(str(t["root"])).is_relative_to(sandbox.parent)]


def test_detect_and_ls_in_a_home_with_tools(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    comfy = comfyui(sandbox / "ComfyUI")
    touch(
        comfy / "extra_model_paths.yaml",
        "a111:\n  base_path: ~/stable-diffusion-webui\n"
        "  loras: |\n    models/Lora\n    models/LyCORIS\n",
    )
    webui = a1111(
        sandbox / "stable-diffusion-webui",
        script='export COMMANDLINE_ARGS="--ckpt-dir /srv/ckpt"\n',
    )
    (sandbox / ".ollama" / "models" / "manifests").mkdir(parents=True)

    result = hfsuite_cmd("tools", "detect", env=QUIET)
    assert result.returncode == 0, result.stderr
    for text in ("comfyui", "a1111", "ollama", str(comfy), "0.3.60"):
        assert text in result.stdout
    assert "Traceback" not in result.stderr

    found = document(hfsuite_cmd("tools", "detect", "--json", env=QUIET).stdout, "tool-list")
    tools = {t["name"]: t for t in _mine(found["tools"], sandbox)}
    assert set(tools) == {"comfyui", "a1111", "ollama"}
    assert str(sandbox / "ComfyUI") in found["searched"]
    assert tools["comfyui"]["folders"]["loras"] == [
        str(comfy / "models" / "loras"),
        str(webui / "models" / "Lora"),
        str(webui / "models" / "LyCORIS"),
    ]
    assert tools["a1111"]["default_folder"]["checkpoints"] == "/srv/ckpt"
    assert tools["ollama"]["default_folder"] == {}
    assert {t["origin"] for t in tools.values()} == {"detected"}

    listed = hfsuite_cmd("tools", "ls", env=QUIET)
    assert listed.returncode == 0, listed.stderr
    assert "loras" in listed.stdout and str(webui / "models" / "Lora") in listed.stdout
    ls_json = document(hfsuite_cmd("tools", "ls", "--json", env=QUIET).stdout, "tool-list")
    assert "searched" not in ls_json


def test_add_ls_rm_an_install_elsewhere(hfsuite_cmd, sandbox: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = fooocus(tmp_path / "apps" / "Fooocus", config={"path_loras": "/data/loras"})

    added = hfsuite_cmd("tools", "add", str(tmp_path / "apps"), env=QUIET)
    assert added.returncode == 0, added.stderr
    assert "Added fooocus" in added.stdout and "/data/loras" in added.stdout

    again = document(
        hfsuite_cmd("tools", "add", str(root), "--type", "fooocus", "--json", env=QUIET).stdout,
        "tool-change",
    )
    assert (again["action"], again["changed"], again["name"]) == ("add", False, "fooocus")
    assert again["tool"]["origin"] == "added"

    tools = document(hfsuite_cmd("tools", "ls", "--json", env=QUIET).stdout, "tool-list")["tools"]
    [tool] = _mine(tools, sandbox)
    assert (tool["name"], tool["origin"], tool["version"]) == ("fooocus", "added", "2.5.5")
    assert tool["folders"]["loras"] == ["/data/loras"]

    stored = json.loads((sandbox / ".config" / "hfsuite" / "tools.json").read_text())
    assert stored["tools"] == [{"name": "fooocus", "kind": "fooocus", "path": str(root)}]

    removed = document(
        hfsuite_cmd("tools", "rm", "fooocus", "--json", env=QUIET).stdout, "tool-change"
    )
    assert (removed["action"], removed["changed"], removed["tool"]) == ("rm", True, None)
    assert (
        _mine(
            document(hfsuite_cmd("tools", "ls", "--json", env=QUIET).stdout, "tool-list")["tools"],
            sandbox,
        )
        == []
    )

    hfsuite_cmd("tools", "add", str(root), env=QUIET)
    by_path = hfsuite_cmd("tools", "rm", str(root), env=QUIET)
    assert by_path.returncode == 0 and "Removed fooocus" in by_path.stdout


def test_mistakes_are_clear_errors_without_traceback(
    hfsuite_cmd, sandbox: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "photos").mkdir()
    comfy = comfyui(tmp_path / "c")
    cases = [
        (("tools", "add", str(tmp_path / "missing")), "No such folder"),
        (("tools", "add", str(tmp_path / "photos")), "not a folder of a known tool"),
        (("tools", "add", str(comfy), "--type", "ollama"), "does not hold Ollama; looked for"),
        (("tools", "add", str(comfy), "--type", "paint"), "Unknown tool type 'paint'"),
        (("tools", "rm", "nothing-here"), "No added tool is named or at 'nothing-here'"),
    ]
    for args, message in cases:
        result = hfsuite_cmd(*args, env=QUIET)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Hint:" in result.stderr
        assert "Traceback" not in result.stderr
    looked = hfsuite_cmd("tools", "add", str(tmp_path / "photos"), env=QUIET).stderr
    assert "folder_paths.py" in looked and "invokeai.yaml" in looked
    failed = hfsuite_cmd("tools", "rm", "nothing-here", "--json", env=QUIET)
    assert document(failed.stdout.strip().splitlines()[-1], "error")["error"]["exit_code"] == 2

    comfyui(sandbox / "ComfyUI")
    detected_only = hfsuite_cmd("tools", "rm", "comfyui", env=QUIET)
    assert detected_only.returncode == 2
    assert "found in a usual place, not added" in detected_only.stderr


def test_a_broken_tools_file_is_a_warning(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    touch(sandbox / ".config" / "hfsuite" / "tools.json", "{broken")
    result = hfsuite_cmd("tools", "ls", env=QUIET)
    assert result.returncode == 0, result.stderr
    assert "not valid JSON" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_home_says_how_to_add(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("tools", "detect", env=QUIET)
    assert result.returncode == 0, result.stderr
    found = document(hfsuite_cmd("tools", "detect", "--json", env=QUIET).stdout, "tool-list")
    if not found["tools"]:  # a machine-wide install (e.g. /opt/ComfyUI) may show up
        assert "hfsuite tools add PATH" in result.stdout
