"""Translations of the whole command line: Click's and Typer's own words, the commands converted
last (``download``, ``sync``, ``compare``…), and English left exactly as it was.

* ``HFSUITE_LANGUAGE=zh_CN hfsuite queue ls --bogus``: the usage line, the ``--help`` hint and
  the error in Chinese, exit 2, no traceback; in English Click's own text, byte for byte.
* ``hfsuite download --help`` (and the root help) in Chinese: the command's help, its options,
  the panels' titles and the help option's text.
* :func:`~hfsuite.cli.click_words.translate_message` on Click's messages (suggestions and
  nested reasons included); a message it does not know stays as Click wrote it.
* ``scripts/i18n.py`` finds every English text of ``cli/click_words.py`` in the installed Click
  and Typer, and reports one that is not there.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from hfsuite.cli import click_words
from hfsuite.core import i18n

ROOT = Path(__file__).resolve().parents[2]


def load_script() -> ModuleType:
    """``scripts/i18n.py`` as a module (it is not part of the package)."""
    pytest.importorskip("babel", reason="Babel (a dev dependency) extracts the CLI's strings")
    spec = importlib.util.spec_from_file_location("i18n_script_cli", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fresh_language() -> Iterator[None]:
    """Tests here change the process's language: put it back afterwards."""
    saved = (i18n._language, i18n._catalogue)
    yield
    i18n._language, i18n._catalogue = saved
    click_words.install_click_words()  # back to what the restored language wants


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed ``hfsuite``, in a subprocess (the language is chosen at start)."""
    command = shutil.which("hfsuite", path=str(Path(sys.executable).parent))
    assert command, "the hfsuite command is not installed in this environment"
    full = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    full.update({"LANG": "C.UTF-8", "COLUMNS": "200", **env})
    return subprocess.run(
        [command, *args], capture_output=True, text=True, env=full, timeout=60, encoding="utf-8"
    )


# --- Click's words through the real command ---------------------------------------------------
def test_a_usage_error_in_chinese() -> None:
    result = run_cli("queue", "ls", "--bogus", HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 2
    assert result.stderr == (
        "用法： hfsuite queue ls [OPTIONS]\n"
        "运行 'hfsuite queue ls -h' 查看帮助。\n"
        "\n"
        "错误：没有此选项：--bogus\n"
    )
    assert result.stdout == ""


def test_a_usage_error_in_english_is_clicks_own() -> None:
    result = run_cli("queue", "ls", "--bogus", HFSUITE_LANGUAGE="en")
    assert result.returncode == 2
    assert result.stderr == (
        "Usage: hfsuite queue ls [OPTIONS]\n"
        "Try 'hfsuite queue ls -h' for help.\n"
        "\n"
        "Error: No such option: --bogus\n"
    )


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (("queue", "lss"), "没有此命令 'lss'。你是不是想输入 'ls'？", "Did you mean 'ls'?"),
        (("download",), "缺少参数 'repo'。", "Missing argument 'repo'."),
        (("share", "--to", "comfyui"), "缺少选项 '--from'。", "Missing option '--from'."),
        (
            ("download", "x", "--connections", "abc"),
            "'--connections' / '-c' 的值无效：应为有效的整数",
            "Invalid value for '--connections' / '-c': Input should be a valid integer",
        ),
        (("stats", "a", "b"), "多余的参数（a b）", "Got unexpected extra argument(s) (a b)"),
    ],
)
def test_usage_errors_in_both_languages(args: tuple[str, ...], chinese: str, english: str) -> None:
    zh = run_cli(*args, HFSUITE_LANGUAGE="zh_CN")
    assert zh.returncode == 2, zh.stderr
    assert chinese in zh.stderr
    assert "Traceback" not in zh.stderr
    en = run_cli(*args, HFSUITE_LANGUAGE="en")
    assert en.returncode == 2
    assert english in en.stderr
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.stderr)


def test_a_usage_error_under_json_keeps_the_english_message() -> None:
    result = run_cli("download", "x", "--json", "--connections", "abc", HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 2
    assert "应为有效的整数" in result.stderr
    assert "Input should be a valid integer" in result.stdout  # the JSON error document


# --- converted commands' help -----------------------------------------------------------------
def test_download_help_in_chinese() -> None:
    result = run_cli("download", "--help", HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "用法： hfsuite download" in out
    assert "从 Hub 下载一个仓库，或其中的部分文件。" in out
    assert "hfsuite download openai-community/gpt2 --dry-run --json" in out  # examples stay
    assert "只显示将要下载的内容。" in out  # --dry-run
    assert "按 hf download 的叫法选择输出" in out  # --format (hf_flags.py)
    assert "配置的目标和默认值" in out  # --profile (destination_flags.py)
    assert "显示此帮助信息并退出。" in out  # Click's help option
    for title in ("参数", "选项"):
        assert f"─ {title} ─" in out
    assert "Show this message" not in out
    assert "Only show what would be downloaded." not in out


def test_the_root_help_and_global_options_in_chinese() -> None:
    result = run_cli("--help", HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "从 Hugging Face Hub 和 ModelScope 查找、下载并整理 AI 模型" in out
    assert "输出更多信息（-vv：调试）。" in out
    assert "显示版本并退出。" in out
    assert "为当前 shell 安装补全。" in out
    assert "─ 命令 ─" in out
    assert "[默认：0]" in out
    english = run_cli("--help", HFSUITE_LANGUAGE="en").stdout
    assert "More output (-vv: debug). [default: 0]" in english
    assert "─ Commands ─" in english


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("sync", "folder", "--help"), "通过一个由云盘或 Syncthing 保持同步的文件夹运行一轮同步"),
        (("compare", "--help"), "比较两个模型"),
        (("plugins", "ls", "--help"), "列出已安装的插件"),
        (("library", "verify", "--help"), "重新读取文件，并与为它们记录的哈希比较。"),
        (("gui", "--help"), "打开桌面应用"),
        (("completion", "--help"), "输出某个 shell 的补全脚本"),
    ],
)
def test_help_of_the_commands_converted_last(args: tuple[str, ...], text: str) -> None:
    result = run_cli(*args, HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 0, result.stderr
    assert text in result.stdout


def test_a_message_of_a_converted_command_in_chinese() -> None:
    result = run_cli("download", "x", "--limit-rate", "fast", HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 2, result.stderr
    assert "--limit-rate 'fast' 不是一个速率。" in result.stderr
    english = run_cli("download", "x", "--limit-rate", "fast", HFSUITE_LANGUAGE="en")
    assert "--limit-rate 'fast' is not a rate." in english.stderr


# --- translate_message ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("No such option: --bogus", "没有此选项：--bogus"),
        (
            "No such option: --limt (Possible options: --limit)",
            "没有此选项：--limt（可用的选项：--limit）",
        ),
        ("No such command 'lss'. Did you mean 'ls'?", "没有此命令 'lss'。你是不是想输入 'ls'？"),
        ("Missing argument 'repo'.", "缺少参数 'repo'。"),
        ("Option '--revision' requires an argument.", "选项 '--revision' 需要一个值。"),
        (
            "Invalid value for 'shell': 'tcsh' is not one of 'bash', 'zsh', 'fish'.",
            "'shell' 的值无效：'tcsh' 不是 'bash', 'zsh', 'fish' 之一。",
        ),
        (
            "Invalid value for '-c': Input should be less than or equal to 64",
            "'-c' 的值无效：应小于或等于 64",
        ),
        ("Invalid value for 'x': something new", "'x' 的值无效：something new"),
        ("A message Click may add one day.", "A message Click may add one day."),
    ],
)
def test_click_messages_are_translated(english: str, chinese: str, fresh_language: None) -> None:
    i18n.set_language("zh_CN")
    assert click_words.translate_message(english) == chinese
    i18n.set_language("en")
    assert click_words.translate_message(english) == english


def test_panel_words_follow_the_language_and_english_puts_them_back(
    fresh_language: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer
    import typer.rich_utils

    small = typer.Typer(rich_markup_mode="rich")

    @small.command()
    def hello(name: str = typer.Option("x", help="Who.")) -> None:
        """Say hello."""

    def show_help() -> str:
        command = typer.main.get_command(small)
        ctx = command.make_context("small", ["--help"], resilient_parsing=True)
        print(command.get_help(ctx))
        return capsys.readouterr().out

    i18n.set_language("zh_CN")
    click_words.install_click_words()
    shown = show_help()
    assert "─ 选项 ─" in shown and "用法：" in shown and "显示此帮助信息并退出。" in shown
    assert typer.rich_utils.OPTIONS_PANEL_TITLE == "选项"
    i18n.set_language("en")
    click_words.install_click_words()
    assert typer.rich_utils.OPTIONS_PANEL_TITLE == "Options"
    assert typer.rich_utils.RICH_HELP == "Try [blue]'{command_path} {help_option}'[/] for help."
    assert not click_words._saved
    shown = show_help()
    assert "─ Options ─" in shown and "Usage:" in shown and "Show this message and exit." in shown


# --- the English templates against the installed Click and Typer ------------------------------
def test_clicks_english_is_still_what_the_templates_expect() -> None:
    script = load_script()
    assert script.click_word_problems() == []


def test_a_reworded_click_message_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = load_script()
    source = (script.PACKAGE / "cli" / "click_words.py").read_text(encoding="utf-8")
    changed = source.replace('N_("No such option: {name}")', 'N_("Frobnicated zorglub: {name}")')
    assert changed != source
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "click_words.py").write_text(changed, encoding="utf-8")
    monkeypatch.setattr(script, "PACKAGE", tmp_path)
    found = [p.message for p in script.click_word_problems()]
    assert found == ["Frobnicated zorglub: {name}"]


# --- config show's origins --------------------------------------------------------------------
def test_config_show_origins_are_translated_for_people(fresh_language: None) -> None:
    from hfsuite.cli.config_cmd import shown_origin

    i18n.set_language("zh_CN")
    assert shown_origin("default") == "默认"
    assert shown_origin("file") == "文件"
    assert (
        shown_origin("env:HFSUITE_CONNECTIONS_PER_FILE") == "环境变量:HFSUITE_CONNECTIONS_PER_FILE"
    )
    assert shown_origin("something-new") == "something-new"
    i18n.set_language("en")
    assert [shown_origin(o) for o in ("default", "file", "env:HFSUITE_X", "override")] == [
        "default",
        "file",
        "env:HFSUITE_X",
        "override",
    ]


def test_config_show_in_chinese_keeps_json_english(sandbox: Path) -> None:
    env = {"HFSUITE_LANGUAGE": "zh_CN", "HFSUITE_CONNECTIONS_PER_FILE": "4"}
    table = run_cli("config", "show", **env)
    assert table.returncode == 0, table.stderr
    assert "环境变量:HFSUITE_CONNECTIONS_PER_FILE" in table.stdout
    assert "默认" in table.stdout
    document = run_cli("config", "show", "--json", **env)
    assert '"origin": "env:HFSUITE_CONNECTIONS_PER_FILE"' in document.stdout
    assert '"origin": "default"' in document.stdout
    assert "默认" not in document.stdout


def test_english_start_up_loads_no_catalogue_and_no_click_words() -> None:
    """``hfsuite --version`` in English: no ``.mo`` read, ``cli/click_words.py`` not imported."""
    code = (
        "import sys\n"
        "from hfsuite.cli.main import exit_code\n"
        "from hfsuite.core import i18n\n"
        "assert exit_code(['--version']) == 0\n"
        "assert 'hfsuite.cli.click_words' not in sys.modules, 'click words imported'\n"
        "assert i18n._catalogue is None, 'a catalogue was read'\n"
        "assert exit_code(['queue', 'ls', '--bogus']) == 2\n"
        "assert 'hfsuite.cli.click_words' not in sys.modules, 'imported for an English error'\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env.update({"HFSUITE_LANGUAGE": "en", "LANG": "C.UTF-8"})
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "No such option: --bogus" in result.stderr


# --- error messages: translated for people, English in JSON ----------------------------------
def test_tr_remembers_the_english(fresh_language: None) -> None:
    i18n.set_language("zh_CN")
    text = i18n.tr("--limit-rate {value} is not a rate.", value="'fast'")
    assert text == "--limit-rate 'fast' 不是一个速率。"
    assert i18n.english(text) == "--limit-rate 'fast' is not a rate."
    both = i18n.joined(text, i18n.tr("Give one of them."))
    assert both == "--limit-rate 'fast' 不是一个速率。 请只指定其中一个。"
    assert i18n.english(both) == "--limit-rate 'fast' is not a rate. Give one of them."
    assert i18n.english("plain") == "plain"
    i18n.set_language("en")
    assert i18n.tr("Give one of them.") == "Give one of them."


def test_core_errors_in_chinese_keep_english_json(fresh_language: None) -> None:
    from hfsuite.cli.json_views import error_view
    from hfsuite.core.errors import InsufficientSpaceError

    i18n.set_language("zh_CN")
    error = InsufficientSpaceError(
        "/data", 3 * 2**30, 2**30, headroom_bytes=2**30, headroom_rule="5%"
    )
    assert error.message.startswith("可用空间不足：")
    assert "space_headroom (5%)" in (error.hint or "")
    body = error_view(error)["error"]
    assert body["message"] == (
        "Not enough free space: 3.0 GiB to download + 1.0 GiB kept free, "
        "but only 1.0 GiB is free on /data."
    )
    assert body["hint"] == (
        "Free some space, choose another destination, or select fewer files. The room kept "
        "free is the setting space_headroom (5%); `hfsuite config set space_headroom 0` keeps "
        "none."
    )
    i18n.set_language("en")
    assert InsufficientSpaceError("/data", 2, 1).message == (
        "Not enough free space: 2 B to download, but only 1 B is free on /data."
    )


def test_a_usage_error_under_json_in_chinese_keeps_the_english_document() -> None:
    result = run_cli("download", "x", "--limit-rate", "fast", "--json", HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 2
    assert "--limit-rate 'fast' 不是一个速率。" in result.stderr
    assert '"message": "--limit-rate \'fast\' is not a rate."' in result.stdout
    assert '"hint": "Examples: 500k, 10M, 1.5MiB."' in result.stdout


def test_queue_run_lines_pad_chinese_words_by_columns(fresh_language: None) -> None:
    from rich.cells import cell_len

    from hfsuite.cli.queue_progress import _word

    i18n.set_language("zh_CN")
    assert _word("started") == "已开始    "  # the event, not the start time's column header
    assert {cell_len(_word(k)) for k in ("started", "completed", "failed", "requeued")} == {10}
    i18n.set_language("en")
    assert [_word(k) for k in ("started", "completed", "failed", "requeued")] == [
        "started   ",
        "completed ",
        "failed    ",
        "requeued  ",
    ]


@pytest.mark.parametrize("args", [(), ("queue",)])
def test_a_group_without_a_command_shows_its_help_in_chinese(args: tuple[str, ...]) -> None:
    """No arguments is Click's "usage error" that shows the help: the help, nothing more."""
    result = run_cli(*args, HFSUITE_LANGUAGE="zh_CN")
    english = run_cli(*args, HFSUITE_LANGUAGE="en")
    assert result.returncode == english.returncode == 2
    shown, english_shown = result.stdout + result.stderr, english.stdout + english.stderr
    assert "用法： hfsuite" in shown
    assert "─ 命令 ─" in shown
    assert "错误：" not in shown
    assert "查看帮助" not in shown
    assert english_shown.count("\n") == shown.count("\n")


def test_a_suggestion_joined_to_an_error_keeps_its_english_in_json(sandbox: Path) -> None:
    result = run_cli("library", "ls", "--kind", "lora", "--json", HFSUITE_LANGUAGE="zh_CN")
    assert result.returncode == 2, result.stderr
    assert "--kind 'lora' 不是已知的值。" in result.stderr
    assert "'loras'" in result.stderr
    assert (
        "\"message\": \"--kind 'lora' is not a known value. Did you mean 'loras'?\""
        in result.stdout
    )


def test_a_translated_value_goes_into_the_english_form_in_english() -> None:
    from hfsuite.core import i18n

    i18n.set_language("zh_CN")
    try:
        word = i18n.tr("model")
        message = i18n.tr("{kind} {repo} was not found.", kind=word, repo="acme/x")
        assert i18n.english(message) == "model acme/x was not found."
        assert i18n.english(word) == "model"
    finally:
        i18n.set_language("en")
