"""The messages of profiles and ``--to`` are in docs/errors.md word for word (placeholders
aside), with their exit code."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integrations"))
from manager_unit_helpers import make_suite
from tools_layouts import comfyui, touch

from hfsuite.app.download.destinations import ByNameLayout, layout_for, remember_by_name
from hfsuite.app.profiles import ProfileService, resolve_download_target
from hfsuite.app.suite import Suite
from hfsuite.app.tools import ToolRegistry
from hfsuite.core.destination import Destination
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef
from hfsuite.engine.verify import Expectation
from hfsuite.integrations.tools.host import Host

ERRORS_MD = Path(__file__).resolve().parents[3] / "docs" / "errors.md"
REF = RepoRef("acme/lora")


def _rows() -> list[tuple[re.Pattern[str], int]]:
    section = ERRORS_MD.read_text(encoding="utf-8").split("## Profiles and `--to TOOL:KIND`", 1)[1]
    section = section.split("\n## ", 1)[0]
    found = []
    for row in (line for line in section.splitlines() if line.startswith("| `")):
        cells = row.split(" | ")
        text = re.findall(r"`([^`]+)`", cells[0])[0]
        pattern = re.sub(r"<[^>]+>", ".+", re.escape(text).replace("\\<", "<").replace("\\>", ">"))
        found.append((re.compile(pattern, re.S), int(cells[1])))
    return found


def _taken(folder: Path, owner: str | None) -> None:
    """A download of acme/two by name into ``folder``, where ``x.bin`` is someone else's."""
    touch(folder / "x.bin", "someone else's")
    if owner is not None:
        touch(folder / ".cache" / "huggingface" / "download" / "x.bin.hfsuite-origin", owner)
    remote = RemoteFile("x.bin", 3, "http://h/x", blob_id="e" * 40)
    layout = ByNameLayout(folder, "c" * 40, "huggingface:model:acme/two")
    layout.is_complete(layout.target(remote), Expectation.for_file(remote))


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    made = make_suite(tmp_path)
    yield made
    made.close()


def test_every_profile_message_is_documented(suite: Suite, tmp_path: Path) -> None:
    home = tmp_path / "home"
    comfyui(home / "ComfyUI")
    (home / ".lmstudio" / "models").mkdir(parents=True)
    (home / ".ollama" / "models" / "manifests").mkdir(parents=True)
    registry = ToolRegistry(tmp_path / "config", Host(home=home, system=False))
    service = ProfileService(suite, registry)
    service.detect()
    service.add(service.build("plain", folder=tmp_path / "plain"))

    def resolve(**kw: object) -> Callable[[], object]:
        return lambda: resolve_download_target(suite, REF, service=service, **kw)  # type: ignore[arg-type]

    twice = RepoSnapshot(
        REF,
        "c" * 40,
        (
            RemoteFile("a/x.bin", 1, "http://h/a", blob_id="a" * 40),
            RemoteFile("b/x.bin", 1, "http://h/b", blob_id="b" * 40),
        ),
    )
    by_name = layout_for(Destination.tool_folder("comfyui", "loras", tmp_path / "l"), twice)
    read_only = tmp_path / "ro"
    touch(read_only / ".cache")  # a file where the folder should be

    attempts: list[Callable[[], object]] = [
        resolve(to="comfyui"),
        resolve(to="krita:loras"),
        resolve(to="comfy-ui:loras"),
        resolve(to="fooocus:loras"),
        resolve(to=f"{tmp_path / 'nowhere'}:loras"),
        resolve(to="ollama:llm"),
        resolve(to="comfyui:paintings"),
        resolve(to="comfyui:lora"),
        resolve(to="comfyui:llm"),
        resolve(to="comfyui:loras", subfolder="../x"),
        resolve(to="lmstudio:llm", subfolder="x"),
        resolve(subfolder="x"),
        resolve(to="comfyui:loras", profile="plain"),
        resolve(to="comfyui:loras", chosen=Destination.folder("x")),
        resolve(profile="nope"),
        resolve(profile="plai"),
        resolve(profile="plain", subfolder="x"),
        lambda: by_name.target(twice.files[0]) and by_name.target(twice.files[1]),
        lambda: remember_by_name(read_only, "comfyui", "loras"),
        lambda: _taken(tmp_path / "taken", "huggingface:model:acme/one"),
        lambda: _taken(tmp_path / "mine", None),
        lambda: service.build("-bad", hf_cache=True),
        lambda: service.build("x"),
        lambda: service.build("x", hf_cache=True, folder=tmp_path),
        lambda: service.build("x", folder=tmp_path, subfolder="s"),
        lambda: service.build("x", folder=touch(tmp_path / "a-file")),
        lambda: service.add(service.build("plain", hf_cache=True)),
        lambda: service.remove("nope"),
    ]
    comfyui(tmp_path / "other" / "ComfyUI")
    registry.add(tmp_path / "other" / "ComfyUI")
    attempts.append(
        lambda: resolve_download_target(
            suite, REF, to="comfyui:loras", service=ProfileService(suite, registry)
        )
    )
    rows = _rows()
    for attempt in attempts:
        with pytest.raises(HfSuiteError) as caught:
            attempt()
        error = caught.value
        codes = [code for pattern, code in rows if pattern.fullmatch(error.message)]
        assert codes, f"not in docs/errors.md: {error.message}"
        assert error.exit_code in codes, error.message


def test_a_profile_whose_tool_is_gone_is_documented(suite: Suite, tmp_path: Path) -> None:
    home = tmp_path / "home"
    comfyui(home / "ComfyUI")
    service = ProfileService(suite, ToolRegistry(tmp_path / "c", Host(home=home, system=False)))
    service.detect()
    (home / "ComfyUI").rename(tmp_path / "moved")
    with pytest.raises(HfSuiteError) as caught:
        service.profile_destination(service.get("comfyui-loras"), REF)
    assert any(p.fullmatch(caught.value.message) for p, code in _rows() if code == 2)
