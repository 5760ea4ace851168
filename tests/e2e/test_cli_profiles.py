"""`hfsuite profiles` and `--profile`/`--to` end to end: tools laid out in a sandboxed home,
files downloaded from the emulator into their folders through the installed command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from database_rows import query
from json_documents import document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from tools_layouts import comfyui

KIB = 1 << 10
QUIET = {"OLLAMA_MODELS": "", "INVOKEAI_ROOT": "", "COMMANDLINE_ARGS": ""}
"""Variables of the machine running the tests that would point detection elsewhere."""

_SYSTEM_COMFYUI = [
    p for p in ("/opt/ComfyUI", "/workspace/ComfyUI", "/ComfyUI") if Path(p).exists()
]
pytestmark = pytest.mark.skipif(
    bool(_SYSTEM_COMFYUI),
    reason=f"a system-wide ComfyUI ({', '.join(_SYSTEM_COMFYUI)}) would make `comfyui` ambiguous",
)


@pytest.fixture
def world(hub_factory, sandbox: Path):  # type: ignore[no-untyped-def]
    """The emulator with a LoRA repository (its file in a subfolder) and a GGUF repository;
    a home with ComfyUI and LM Studio in their usual places."""
    hub = hub_factory(lfs_threshold=16 * KIB)
    lora = os.urandom(40 * KIB)
    gguf = os.urandom(48 * KIB)
    hub.create_repo(
        "acme/lora",
        files={"split_files/loras/style.safetensors": lora, "README.md": b"# a lora\n"},
    )
    hub.create_repo("TheOrg/Tiny-GGUF", files={"tiny-q4.gguf": gguf, "README.md": b"x"})
    comfy = comfyui(sandbox / "ComfyUI")
    (sandbox / ".lmstudio" / "models").mkdir(parents=True)
    env = {**QUIET, "HF_ENDPOINT": hub.url}
    return hub, comfy, sandbox / ".lmstudio" / "models", lora, gguf, env


def _ok(result) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_detect_then_download_with_a_profile_lands_in_the_tool_folder(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    _, comfy, _, lora, _, env = world
    found = document(hfsuite_cmd("profiles", "detect", "--json", env=env).stdout, "profile-detect")
    by_name = {p["name"]: p for p in found["profiles"]}
    assert by_name["comfyui-loras"]["status"] == "created"
    assert by_name["comfyui-loras"]["path"] == str(comfy / "models" / "loras")
    assert by_name["comfyui-loras"]["files"] == "by-name"
    assert by_name["lmstudio-llm"]["tool_type"] == "lmstudio"
    assert not any(p["tool_type"] == "ollama" for p in found["profiles"])

    again = document(hfsuite_cmd("profiles", "detect", "--json", env=env).stdout, "profile-detect")
    assert {p["status"] for p in again["profiles"]} == {"unchanged"}

    result = hfsuite_cmd(
        "download", "acme/lora", "--include", "*.safetensors", "--profile", "comfyui-loras",
        env=env,
    )  # fmt: skip
    _ok(result)
    landed = comfy / "models" / "loras" / "style.safetensors"
    assert landed.read_bytes() == lora
    assert not (comfy / "models" / "loras" / "split_files").exists()
    assert result.stdout.strip() == str(comfy / "models" / "loras")

    listed = document(hfsuite_cmd("profiles", "ls", "--json", env=env).stdout, "profile-list")
    assert "comfyui-loras" in {p["name"] for p in listed["profiles"]}
    shown = document(
        hfsuite_cmd("profiles", "show", "comfyui-loras", "--json", env=env).stdout, "profile"
    )
    assert (shown["tool"], shown["model_kind"], shown["exists"]) == ("comfyui", "loras", True)


def test_a_profile_the_user_replaced_is_left_alone_by_detect(hfsuite_cmd, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, _, _, lora, _, env = world
    _ok(hfsuite_cmd("profiles", "detect", env=env))
    mine = tmp_path / "my-loras"
    changed = document(
        hfsuite_cmd(
            "profiles", "add", "comfyui-loras", "--folder", str(mine), "--replace",
            "--include", "*.safetensors", "--json", env=env,
        ).stdout,
        "profile-change",
    )  # fmt: skip
    assert changed["action"] == "replace" and changed["profile"]["edited"] is True
    again = document(hfsuite_cmd("profiles", "detect", "--json", env=env).stdout, "profile-detect")
    kept = next(p for p in again["profiles"] if p["name"] == "comfyui-loras")
    assert kept["status"] == "kept" and kept["path"] == str(mine)

    # the profile's include applies; a plain folder keeps repository paths
    _ok(hfsuite_cmd("download", "acme/lora", "--profile", "comfyui-loras", env=env))
    assert (mine / "split_files" / "loras" / "style.safetensors").read_bytes() == lora
    assert not (mine / "README.md").exists()

    taken = hfsuite_cmd("profiles", "add", "comfyui-loras", "--hf-cache", env=env)
    assert taken.returncode == 2 and "already exists" in taken.stderr
    gone = document(
        hfsuite_cmd("profiles", "rm", "comfyui-loras", "--json", env=env).stdout,
        "profile-change",
    )
    assert gone["action"] == "rm"
    assert hfsuite_cmd("profiles", "show", "comfyui-loras", env=env).returncode == 2


def test_download_to_comfyui_with_a_subfolder(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    _, comfy, _, lora, _, env = world
    _ok(
        hfsuite_cmd(
            "download", "acme/lora", "split_files/loras/style.safetensors",
            "--to", "comfyui:loras", "--subfolder", "sdxl", env=env,
        )
    )  # fmt: skip
    assert (comfy / "models" / "loras" / "sdxl" / "style.safetensors").read_bytes() == lora
    _ok(hfsuite_cmd("download", "acme/lora", "--to", "comfyui:loras", env=env))
    assert (comfy / "models" / "loras" / "style.safetensors").read_bytes() == lora
    assert (comfy / "models" / "loras" / "README.md").is_file()


def test_a_dry_run_to_a_tool_writes_nothing(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    _, comfy, _, _, _, env = world
    result = hfsuite_cmd(
        "download", "acme/lora", "--to", "comfyui:loras", "--dry-run", "--json", env=env
    )
    _ok(result)
    plan = document(result.stdout, "plan")
    assert plan["destination"] == str(comfy / "models" / "loras")
    assert {f["path"] for f in plan["files"]} == {
        "split_files/loras/style.safetensors",
        "README.md",
    }
    assert list((comfy / "models" / "loras").iterdir()) == []


def test_download_to_lmstudio_lands_publisher_repo_file(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    _, _, models, _, gguf, env = world
    result = hfsuite_cmd(
        "download", "TheOrg/Tiny-GGUF", "--include", "*.gguf", "--to", "lmstudio:llm", env=env
    )
    _ok(result)
    assert (models / "TheOrg" / "Tiny-GGUF" / "tiny-q4.gguf").read_bytes() == gguf
    assert sorted(p.name for p in (models / "TheOrg" / "Tiny-GGUF").iterdir()) == [
        ".cache",
        "tiny-q4.gguf",
    ]


def test_queue_add_with_a_profile_then_run(hfsuite_cmd, world, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    _, comfy, models, lora, gguf, env = world
    _ok(hfsuite_cmd("profiles", "detect", env=env))
    added = document(
        hfsuite_cmd(
            "queue", "add", "acme/lora", "--include", "*.safetensors",
            "--profile", "comfyui-loras", "--json", env=env,
        ).stdout,
        "queue-change",
    )  # fmt: skip
    [task_id] = added["task_ids"]
    _ok(hfsuite_cmd("queue", "add", "TheOrg/Tiny-GGUF", "--to", "lmstudio:llm", env=env))
    _ok(hfsuite_cmd("queue", "run", env=env))
    assert (comfy / "models" / "loras" / "style.safetensors").read_bytes() == lora
    assert not (comfy / "models" / "loras" / "split_files").exists()
    assert (models / "TheOrg" / "Tiny-GGUF" / "tiny-q4.gguf").read_bytes() == gguf
    shown = document(
        hfsuite_cmd("queue", "show", str(task_id), "--json", env=env).stdout, "task-detail"
    )
    assert shown["destination"] == str(comfy / "models" / "loras")
    assert shown["include"] == ["*.safetensors"]
    # The default database: a SQLite file in the data folder, or the test's PostgreSQL one.
    url = os.environ.get("HFSUITE_DB_URL") or "sqlite:///" + str(
        next(p for p in sandbox.rglob("*.db") if p.is_file())
    )
    [(profile_id,)] = query(url, "SELECT profile_id FROM tasks WHERE id = :id", id=task_id)
    assert profile_id is not None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--profile", "nope"], "No profile named 'nope'"),
        (["--to", "krita:loras"], "No tool is named 'krita'"),
        (["--to", "comfyui:lora"], "Did you mean loras"),
        (["--to", "comfyui:llm"], "has no folder for llm"),
        (["--to", "comfyui"], "is not TOOL:KIND"),
        (["--to", "ollama:llm"], "Ollama is not a download destination"),
        (["--profile", "comfyui-loras", "--local-dir", "x"], "--profile and --local-dir"),
        (["--to", "comfyui:loras", "--profile", "comfyui-loras"], "--profile and --to"),
        (["--subfolder", "x"], "--subfolder applies with --to"),
        (["--to", "comfyui:loras", "--subfolder", "../up"], "is not a folder name"),
        (["--to", "lmstudio:llm", "--subfolder", "x"], "does not apply to LM Studio"),
    ],
)
def test_mistakes_are_clear_errors(hfsuite_cmd, world, args, expected) -> None:  # type: ignore[no-untyped-def]
    _, comfy, _, _, _, env = world
    (comfy.parent / ".ollama" / "models" / "manifests").mkdir(parents=True)
    _ok(hfsuite_cmd("profiles", "detect", env=env))
    for command in (["download", "acme/lora"], ["queue", "add", "acme/lora"]):
        result = hfsuite_cmd(*command, *args, env=env)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    listed = document(hfsuite_cmd("queue", "ls", "--json", env=env).stdout, "task-list")
    assert listed["tasks"] == []


def test_an_ambiguous_tool_lists_the_candidates(hfsuite_cmd, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, comfy, _, lora, _, env = world
    other = comfyui(tmp_path / "apps" / "ComfyUI")
    _ok(hfsuite_cmd("tools", "add", str(other), env=env))
    result = hfsuite_cmd("download", "acme/lora", "--to", "comfyui:loras", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "2 ComfyUI installs are known" in result.stderr
    assert f"comfyui-1 ({comfy})" in result.stderr and f"comfyui-2 ({other})" in result.stderr
    _ok(hfsuite_cmd("download", "acme/lora", "--to", "comfyui-2:loras", env=env))
    assert (other / "models" / "loras" / "style.safetensors").read_bytes() == lora
    _ok(hfsuite_cmd("download", "acme/lora", "--to", f"{comfy}:vae", env=env))
    assert (comfy / "models" / "vae" / "style.safetensors").read_bytes() == lora
    _ok(hfsuite_cmd("download", "acme/lora", "--to", "comfyui-1:checkpoints", env=env))
    assert (comfy / "models" / "checkpoints" / "style.safetensors").read_bytes() == lora


def test_a_profile_whose_tool_is_gone(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    _, comfy, _, _, _, env = world
    _ok(hfsuite_cmd("profiles", "detect", env=env))
    for path in sorted(comfy.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    comfy.rmdir()
    result = hfsuite_cmd("download", "acme/lora", "--profile", "comfyui-loras", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "The tool of profile comfyui-loras is gone" in result.stderr
    assert "profiles detect" in result.stderr
    shown = document(
        hfsuite_cmd("profiles", "show", "comfyui-loras", "--json", env=env).stdout, "profile"
    )
    assert shown["exists"] is False
    told = hfsuite_cmd("profiles", "show", "comfyui-loras", env=env)
    assert told.returncode == 0 and "does not exist now" in " ".join(told.stderr.split())
    detected = document(
        hfsuite_cmd("profiles", "detect", "--json", env=env).stdout, "profile-detect"
    )
    assert "comfyui-loras" in detected["stale"]


def test_same_file_name_twice_is_refused_before_any_byte(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    hub, comfy, _, _, _, env = world
    hub.create_repo("acme/two", files={"a/x.safetensors": b"1" * 100, "b/x.safetensors": b"2" * 9})
    result = hfsuite_cmd("download", "acme/two", "--to", "comfyui:loras", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "would both land as x.safetensors" in result.stderr
    assert not (comfy / "models" / "loras" / "x.safetensors").exists()
    assert hfsuite_cmd("queue", "ls", "--json", env=env).stdout.count('"id"') == 0


def test_another_model_s_file_of_the_same_name_is_kept_unless_forced(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    hub, comfy, _, lora, _, env = world
    other = os.urandom(20 * KIB)
    hub.create_repo("someone/else", files={"style.safetensors": other})
    _ok(hfsuite_cmd("download", "acme/lora", "--to", "comfyui:loras", env=env))
    landed = comfy / "models" / "loras" / "style.safetensors"
    refused = hfsuite_cmd("download", "someone/else", "--to", "comfyui:loras", env=env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "already there with other content (from acme/lora)" in refused.stderr
    assert landed.read_bytes() == lora
    _ok(hfsuite_cmd("download", "acme/lora", "--to", "comfyui:loras", env=env))  # its own: fine
    _ok(hfsuite_cmd("download", "someone/else", "--to", "comfyui:loras", "--force", env=env))
    assert landed.read_bytes() == other
