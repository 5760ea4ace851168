"""The ComfyUI node pack (comfyui-hfsuite/) loaded as ComfyUI loads it, against a stand-in of
ComfyUI's folder_paths over a temp ComfyUI, downloading through the Hub emulator."""

from __future__ import annotations

import importlib.util
import os
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from comfyui_standin import ProgressBar, comfy_modules, folder_paths_module, server_module

from hfsuite.core.errors import HfSuiteError, NotFoundError

PACK = Path(__file__).resolve().parents[3] / "comfyui-hfsuite"
MIB = 1 << 20


def load_pack(name: str = "comfyui-hfsuite") -> ModuleType:
    """Import the pack's folder the way ComfyUI imports a custom node (its __init__.py by path,
    under the folder's name)."""
    spec = importlib.util.spec_from_file_location(name, PACK / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def comfyui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A temp ComfyUI: its folder_paths, comfy and server stand-ins importable; the pack's
    modules forgotten afterwards."""
    folder_paths = folder_paths_module(tmp_path / "ComfyUI")
    monkeypatch.setitem(sys.modules, "folder_paths", folder_paths)
    for name, module in comfy_modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    ProgressBar.made.clear()
    yield folder_paths
    for name in [n for n in sys.modules if n.startswith(("comfyui-hfsuite", "comfyui_hfsuite"))]:
        del sys.modules[name]


@pytest.fixture
def served(hub_factory, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An emulated Hub with a LoRA in a subfolder of its repository; HF_ENDPOINT points at it
    (the node takes the endpoint from the suite's settings and the environment)."""
    hub = hub_factory(lfs_threshold=MIB)
    content = os.urandom(3 * MIB + 17)
    hub.create_repo(
        "acme/style-lora",
        files={"split_files/loras/style.safetensors": content, "README.md": b"# style"},
    )
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    return hub, content


def _get_bytes(hub) -> int:  # type: ignore[no-untyped-def]
    return sum(r.bytes_sent for r in hub.log.records if r.method == "GET")


def test_pack_exports_what_comfyui_reads(comfyui: ModuleType) -> None:
    pack = load_pack()
    assert list(pack.NODE_CLASS_MAPPINGS) == ["HFSuiteDownload"]
    assert pack.NODE_DISPLAY_NAME_MAPPINGS == {"HFSuiteDownload": "HF Download (hfsuite)"}
    assert (PACK / pack.WEB_DIRECTORY / "hfsuite.js").is_file()
    node = pack.NODE_CLASS_MAPPINGS["HFSuiteDownload"]
    inputs = node.INPUT_TYPES()
    assert list(inputs["required"]) == ["repo_id", "filename", "revision", "folder"]
    assert inputs["required"]["revision"] == ("STRING", {"default": "main"})
    keys, options = inputs["required"]["folder"]
    assert keys == sorted(k for k in comfyui.folder_names_and_paths if k != "custom_nodes")
    assert "loras" in keys and "custom_nodes" not in keys and options["default"] == "checkpoints"
    assert list(inputs["optional"]) == ["subfolder"]
    assert node.RETURN_TYPES == ("STRING",) and callable(getattr(node(), node.FUNCTION))


def test_pack_imports_without_comfyui() -> None:
    """No ComfyUI at all: the pack still imports (nothing registered), so pip and tests can."""
    for name in ("folder_paths", "server", "comfy", "comfy.utils"):
        assert name not in sys.modules
    try:
        pack = load_pack("comfyui-hfsuite-bare")
        assert "HFSuiteDownload" in pack.NODE_CLASS_MAPPINGS
        assert pack.comfyui_hfsuite.register_routes() is False
    finally:
        for name in [n for n in sys.modules if n.startswith("comfyui-hfsuite")]:
            del sys.modules[name]


def test_node_downloads_into_the_loras_folder(comfyui: ModuleType, served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub, content = served
    pack = load_pack()
    node = pack.NODE_CLASS_MAPPINGS["HFSuiteDownload"]()
    (name,) = node.download(
        "acme/style-lora", "split_files/loras/style.safetensors", "main", "loras"
    )
    assert name == "style.safetensors"  # by name, as the loader's combo lists it
    loras = Path(comfyui.get_folder_paths("loras")[0])
    assert (loras / "style.safetensors").read_bytes() == content
    assert comfyui.get_filename_list("loras") == ["style.safetensors"]
    assert comfyui.get_full_path("loras", name) == str(loras / "style.safetensors")
    # ComfyUI's progress bar followed the bytes to the end
    assert ProgressBar.made, "no comfy.utils.ProgressBar was made"
    bar = ProgressBar.made[-1]
    assert bar.total == len(content) and bar.updates[-1] == (len(content), len(content))
    assert all(a[0] <= b[0] for a, b in zip(bar.updates, bar.updates[1:], strict=False))

    # again: already there with the Hub's size, so nothing is downloaded
    sent = _get_bytes(hub)
    (again,) = node.download(
        "acme/style-lora", "split_files/loras/style.safetensors", "main", "loras"
    )
    assert again == "style.safetensors"
    assert _get_bytes(hub) - sent < 4096  # metadata only, not the file's 3 MiB


def test_node_subfolder_and_history(comfyui: ModuleType, served, hfsuite_exe: str) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    _, content = served
    pack = load_pack()
    name = pack.comfyui_hfsuite.download_file(
        "acme/style-lora", "split_files/loras/style.safetensors", "main", "loras", "sdxl"
    )
    assert name == os.path.join("sdxl", "style.safetensors")
    assert comfyui.get_filename_list("loras") == [name]
    full = comfyui.get_full_path("loras", name)
    assert full is not None and Path(full).read_bytes() == content
    # the download is the suite's own: a queue task that ended in history
    listed = subprocess.run(
        [hfsuite_exe, "history", "ls", "--json"], capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    assert "acme/style-lora" in listed.stdout


def test_node_a_folder_key_the_suite_does_not_know(comfyui: ModuleType, served) -> None:  # type: ignore[no-untyped-def]
    """A key of another pack (add_model_folder_path): still by name, in its first path."""
    extra = Path(comfyui.models_dir) / "ipadapter"
    comfyui.folder_names_and_paths["ipadapter"] = ([str(extra)], {".safetensors"})
    pack = load_pack()
    name = pack.comfyui_hfsuite.download_file(
        "acme/style-lora", "split_files/loras/style.safetensors", "main", "ipadapter"
    )
    assert name == "style.safetensors"
    assert comfyui.get_filename_list("ipadapter") == ["style.safetensors"]


def test_node_refuses_bad_input(comfyui: ModuleType, served) -> None:  # type: ignore[no-untyped-def]
    pack = load_pack()
    download = pack.comfyui_hfsuite.download_file
    with pytest.raises(ValueError, match="not one of ComfyUI's model folders"):
        download("acme/style-lora", "x.safetensors", "main", "nope")
    with pytest.raises(ValueError, match="not one of ComfyUI's model folders"):
        download("acme/style-lora", "x.safetensors", "main", "custom_nodes")
    for bad in ("../escape", "/abs", "a/../../b"):
        with pytest.raises(ValueError, match="subfolder"):
            download("acme/style-lora", "x.safetensors", "main", "loras", bad)
    with pytest.raises(NotFoundError):
        download("acme/style-lora", "split_files/nope.safetensors", "main", "loras")
    with pytest.raises(NotFoundError):
        download("acme/missing", "x.safetensors", "main", "loras")
    assert comfyui.get_filename_list("loras") == []


def test_pack_pyproject_for_pip_and_the_registry() -> None:
    data = tomllib.loads((PACK / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    assert "comfyui" not in project["name"].lower()  # the registry's naming rule
    assert any(d.split(";")[0].strip().startswith("hfsuite") for d in project["dependencies"])
    assert data["tool"]["comfy"]["PublisherId"] and data["tool"]["comfy"]["DisplayName"]
    assert data["tool"]["setuptools"]["packages"] == ["comfyui_hfsuite"]
    assert (PACK / "comfyui_hfsuite" / "__init__.py").is_file()


def test_routes_register_on_comfyuis_server(
    comfyui: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = server_module()
    monkeypatch.setitem(sys.modules, "server", server)
    pack = load_pack()
    handler = server.PromptServer.instance.routes.posts["/hfsuite/fetch_missing"]
    assert handler is pack.comfyui_hfsuite.fetch_missing_route


def test_node_uses_hf_token_from_the_environment(  # type: ignore[no-untyped-def]
    comfyui: ModuleType, served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A private repository: refused without a token, downloaded with HF_TOKEN set."""

    hub, _ = served
    token = "hf_" + "N" * 34
    hub.add_token(token, user="acme", role="read")
    hub.create_repo("acme/private-vae", private=True, files={"vae.safetensors": b"v" * 4096})
    pack = load_pack()
    download = pack.comfyui_hfsuite.download_file
    with pytest.raises(HfSuiteError):
        download("acme/private-vae", "vae.safetensors", "main", "vae")
    monkeypatch.setenv("HF_TOKEN", token)
    assert download("acme/private-vae", "vae.safetensors", "main", "vae") == "vae.safetensors"
    assert comfyui.get_filename_list("vae") == ["vae.safetensors"]
    full = comfyui.get_full_path("vae", "vae.safetensors")
    assert full is not None and Path(full).read_bytes() == b"v" * 4096


def test_node_takes_a_file_url_and_reruns_when_the_file_is_gone(  # type: ignore[no-untyped-def]
    comfyui: ModuleType, served
) -> None:
    hub, content = served
    pack = load_pack()
    node_type = pack.NODE_CLASS_MAPPINGS["HFSuiteDownload"]
    url = f"{hub.url}/acme/style-lora/blob/main/split_files/loras/style.safetensors"
    before = node_type.IS_CHANGED(url, "", "main", "checkpoints", "")
    assert before == "absent"
    (name,) = node_type().download(url, "", "main", "checkpoints")
    assert name == "style.safetensors"
    assert comfyui.get_filename_list("checkpoints") == ["style.safetensors"]
    after = node_type.IS_CHANGED(url, "", "main", "checkpoints", "")
    assert after.startswith(f"{len(content)}:")
    # ComfyUI runs the node again when this changes: a file removed since is fetched again
    full = comfyui.get_full_path("checkpoints", name)
    assert full is not None
    Path(full).unlink()
    assert node_type.IS_CHANGED(url, "", "main", "checkpoints", "") == "absent"
    with pytest.raises(ValueError, match="filename is needed"):
        node_type().download("acme/style-lora", "", "main", "checkpoints")


def test_node_uses_the_file_there_when_the_hub_is_out_of_reach(  # type: ignore[no-untyped-def]
    comfyui: ModuleType, served
) -> None:
    hub, content = served
    pack = load_pack()
    download = pack.comfyui_hfsuite.download_file
    args = ("acme/style-lora", "split_files/loras/style.safetensors", "main", "loras")
    assert download(*args) == "style.safetensors"
    hub.stop()
    assert download(*args) == "style.safetensors"  # the workflow runs on what the folder has
    with pytest.raises(HfSuiteError):
        download("acme/style-lora", "split_files/loras/other.safetensors", "main", "loras")
    loras = Path(comfyui.get_folder_paths("loras")[0])
    assert (loras / "style.safetensors").read_bytes() == content
