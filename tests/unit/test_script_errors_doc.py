"""The messages of ``hfsuite script`` are in docs/errors.md word for word (placeholders aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_script_render import make_plan

from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.script.plan import plan_for_request
from hfsuite.app.script.render import Shell, parse_shell, render_script
from hfsuite.app.suite import Suite
from hfsuite.cli.main import exit_code
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.types import RepoRef, RepoType, SourceKind

ERRORS_MD = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def _templates() -> list[re.Pattern[str]]:
    section = ERRORS_MD.read_text(encoding="utf-8").split("## Download scripts", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    found = []
    for row in rows:
        for text in re.findall(r"`([^`]+)`", row.split(" | ")[0]):
            pattern = re.escape(text)
            pattern = re.sub(r"<[^&]+?>", ".+", pattern.replace("\\<", "<").replace("\\>", ">"))
            found.append(re.compile(pattern))
    return found


def _documented(message: str) -> bool:
    return any(t.fullmatch(message) for t in _templates())


def _suite(tmp_path: Path, env: dict[str, str] | None = None) -> Suite:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    return Suite(store.load(env=env or {}), store)


def _messages(tmp_path: Path) -> list[str]:
    found: list[str] = []

    def catch(call) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(HfSuiteError) as caught:
            call()
        found.append(caught.value.message)

    catch(lambda: parse_shell("zsh"))
    catch(lambda: render_script(make_plan(tmp_path, cache=True), Shell.POWERSHELL))
    offline = _suite(tmp_path, {"HF_HUB_OFFLINE": "1"})
    catch(lambda: plan_for_request(offline, DownloadRequest(ref=RepoRef("acme/m"))))
    online = _suite(tmp_path)
    for kind in (SourceKind.URL, SourceKind.MODELSCOPE):
        ref = RepoRef("acme/m", RepoType.MODEL, None, kind)
        request = DownloadRequest(ref=ref, destination=Destination.folder(tmp_path))
        catch(lambda request=request: plan_for_request(online, request))
    return found


def test_every_message_is_documented(tmp_path: Path) -> None:
    messages = _messages(tmp_path)
    assert len(messages) == 5
    for message in messages:
        assert _documented(message), message


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--task", "1", "--include", "*.json"],
        ["--profile", "loras", "acme/m"],
        ["acme/m", "--history", "1"],
    ],
)
def test_command_line_messages_are_documented(args: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    assert exit_code(["script", *args]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("Error: ")
    assert _documented(first.removeprefix("Error: ")), first
