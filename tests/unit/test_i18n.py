"""Translations: the language rules, the shipped catalogues, and Chinese through the real CLI.

* The language in effect: ``HFSUITE_LANGUAGE``, the ``language`` setting, the system's
  ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG``; English without loading a catalogue.
* Every string marked in a converted module (``scripts/i18n.py`` ``CONVERTED_CLI`` and
  ``CONVERTED_UI``) has a translation in every shipped catalogue, with the same placeholders,
  and the compiled ``.mo``/``.qm`` files match their sources (the check ``python
  scripts/i18n.py check`` runs).
* ``hfsuite stats --help`` and an error come out in Chinese with ``HFSUITE_LANGUAGE=zh_CN`` (or
  the setting, or ``LANG``), and in English with ``en``: the installed command, in a subprocess.
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

from hfsuite.core import i18n

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_language() -> Iterator[None]:
    """Tests here change the process's language: put it back afterwards."""
    saved = (i18n._language, i18n._catalogue)
    yield
    i18n._language, i18n._catalogue = saved


def load_script() -> ModuleType:
    """``scripts/i18n.py`` as a module (it is not part of the package)."""
    pytest.importorskip("babel", reason="Babel (a dev dependency) extracts the CLI's strings")
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


# --- the language in effect ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("de_DE@euro", "de_DE"),
        ("C", "en"),
        ("POSIX", "en"),
        ("ja", "ja"),
    ],
)
def test_locale_names_are_normalised(code: str, expected: str) -> None:
    assert i18n.normalize(code) == expected


def test_the_variable_beats_the_setting_which_beats_the_system() -> None:
    system = {"LANG": "de_DE.UTF-8"}
    assert i18n.resolve_language(None, system) == "de_DE"
    assert i18n.resolve_language("system", system) == "de_DE"
    assert i18n.resolve_language("auto", system) == "de_DE"
    assert i18n.resolve_language("zh_CN", system) == "zh_CN"
    assert i18n.resolve_language("zh_CN", {**system, "HFSUITE_LANGUAGE": "en"}) == "en"
    assert i18n.resolve_language("en", {**system, "HFSUITE_LANGUAGE": "system"}) == "en"


def test_the_system_variables_in_gettext_order() -> None:
    env = {"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8", "LANGUAGE": "zh_CN:en"}
    assert i18n.system_language(env) == "zh_CN"
    assert i18n.system_language({k: v for k, v in env.items() if k != "LANGUAGE"}) == "ja_JP"
    assert i18n.system_language({"LANG": "C.UTF-8"}) == "en"
    assert i18n.system_language({}) == "en"


def test_english_is_the_source_text(fresh_language: None) -> None:
    i18n.set_language("en")
    assert i18n._("[yellow]Hint:[/] {hint}") == "[yellow]Hint:[/] {hint}"
    assert i18n.ngettext("{n} file", "{n} files", 1) == "{n} file"
    assert i18n.ngettext("{n} file", "{n} files", 2) == "{n} files"
    assert i18n._catalogue is None  # no catalogue read for English


def test_chinese_from_the_shipped_catalogue(fresh_language: None) -> None:
    assert "zh_CN" in i18n.available_languages()
    i18n.set_language("zh_CN")
    assert i18n._("[yellow]Hint:[/] {hint}") == "[yellow]提示：[/]{hint}"
    assert i18n.ngettext("{n} file", "{n} files", 3).format(n=3) == "3 个文件"
    assert i18n._("a string nobody marked") == "a string nobody marked"


def test_a_region_falls_back_to_its_language_and_unknown_ones_to_english(
    fresh_language: None,
) -> None:
    i18n.set_language("pt_BR")  # no catalogue: the source text
    assert i18n._("[yellow]Hint:[/] {hint}") == "[yellow]Hint:[/] {hint}"
    assert i18n._candidates("zh_CN") == ["zh_CN", "zh"]


# --- the shipped catalogues ------------------------------------------------------------------
NOTHING_TO_MARK = {
    "cli/library_views.py",
    "cli/json_views.py",
    "cli/tables.py",
    "cli/wording.py",
}
"""Converted modules without a user-visible string (JSON documents, table cells, the table
class, and English-only counted nouns that translated text replaces with ``ngettext``)."""


def test_the_converted_modules_exist_and_use_the_markers() -> None:
    script = load_script()
    for rel in script.CONVERTED_CLI:
        text = (script.PACKAGE / rel).read_text(encoding="utf-8")
        assert rel in NOTHING_TO_MARK or "from hfsuite.core.i18n import" in text, rel
    for rel in script.CONVERTED_UI:
        text = (script.PACKAGE / rel).read_text(encoding="utf-8")
        assert "translate(" in text or ".tr(" in text, rel


def test_every_cli_string_is_translated_in_every_catalogue() -> None:
    script = load_script()
    assert script.languages(), "no catalogue shipped"
    problems = [str(p) for lang in script.languages() for p in script.cli_problems(lang)]
    assert not problems, "run `python scripts/i18n.py update`, translate, compile:\n" + "\n".join(
        problems
    )


def test_every_ui_string_is_translated_in_every_catalogue() -> None:
    script = load_script()
    pytest.importorskip("PySide6", reason="lupdate and lrelease come with PySide6")
    problems = [str(p) for lang in script.languages() for p in script.ui_problems(lang)]
    assert not problems, "run `python scripts/i18n.py update`, translate, compile:\n" + "\n".join(
        problems
    )


def test_the_check_finds_a_missing_and_an_untranslated_string(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is not vacuous: a new marked string, and an emptied translation, are found."""
    script = load_script()
    package = tmp_path / "src" / "hfsuite"
    (package / "cli").mkdir(parents=True)
    (package / "cli" / "new_cmd.py").write_text(
        'from hfsuite.core.i18n import _\nHELP = _("A brand new help text.")\n'
        'TITLE = _("[yellow]Hint:[/] {hint}")\n'
    )
    po = script.po_path("zh_CN").read_text(encoding="utf-8")
    po = po.replace('msgstr "[yellow]提示：[/]{hint}"', 'msgstr ""')
    locale = package / "locale" / "zh_CN" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    (locale / "hfsuite.po").write_text(po, encoding="utf-8")
    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr(script, "PACKAGE", package)
    monkeypatch.setattr(script, "LOCALE_DIR", package / "locale")
    monkeypatch.setattr(script, "CONVERTED_CLI", ("cli/new_cmd.py",))
    found = {(p.what, p.message) for p in script.cli_problems("zh_CN")}
    assert ("missing", "A brand new help text.") in found
    assert ("untranslated", "[yellow]Hint:[/] {hint}") in found
    assert ("stale: run compile", "") in found  # no .mo beside this .po


# --- the real command ------------------------------------------------------------------------
def installed_command(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"the {name} command is not installed in this environment"
    return found


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    full.update({"LANG": "C.UTF-8", "COLUMNS": "200", **env})
    return subprocess.run(
        [installed_command("hfsuite"), *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=60,
        encoding="utf-8",
    )


def test_help_in_chinese_and_in_english() -> None:
    chinese = run_cli("stats", "--help", HFSUITE_LANGUAGE="zh_CN")
    assert chinese.returncode == 0, chinese.stderr
    assert "按天及总计的下载统计" in chinese.stdout
    assert "也列出没有下载的日子" in chinese.stdout
    assert "--all-days" in chinese.stdout  # flags stay as they are
    english = run_cli("stats", "--help", HFSUITE_LANGUAGE="en")
    assert "Download statistics per day and in total." in english.stdout
    assert "按天" not in english.stdout


def test_an_error_in_chinese_and_in_english(tmp_path: Path) -> None:
    bad = "not a repository name!"
    chinese = run_cli("info", bad, HFSUITE_LANGUAGE="zh_CN")
    assert chinese.returncode != 0
    assert "错误：" in chinese.stderr, chinese.stderr
    assert "Traceback" not in chinese.stderr
    english = run_cli("info", bad, HFSUITE_LANGUAGE="en")
    assert english.returncode == chinese.returncode
    assert "Error:" in english.stderr and "错误" not in english.stderr


def test_an_error_raised_by_a_converted_command_is_chinese_through_and_through() -> None:
    chinese = run_cli("queue", "pause", HFSUITE_LANGUAGE="zh_CN")
    assert chinese.returncode == 2, chinese.stderr
    assert "错误：要暂停哪些任务？" in chinese.stderr
    assert "提示：请给出任务 ID，或使用 --all。" in chinese.stderr
    english = run_cli("queue", "pause", HFSUITE_LANGUAGE="en")
    assert "Error: Which tasks should I pause?" in english.stderr
    assert "Hint: Give task ids, or --all." in english.stderr


def test_the_setting_and_the_system_locale_choose_chinese_too(sandbox: Path) -> None:
    from hfsuite.config.store import default_config_dir

    by_locale = run_cli("stats", "--help", LANG="zh_CN.UTF-8")
    assert "按天及总计的下载统计" in by_locale.stdout
    settings = default_config_dir() / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('language = "zh_CN"\n', encoding="utf-8")
    by_setting = run_cli("stats", "--help")
    assert "按天及总计的下载统计" in by_setting.stdout
    overridden = run_cli("stats", "--help", HFSUITE_LANGUAGE="en")
    assert "Download statistics per day" in overridden.stdout


def test_the_compiled_catalogues_are_package_files() -> None:
    """The .mo and .qm files sit inside the package (an install needs no build step)."""
    package = Path(i18n.__file__).resolve().parents[1]
    assert list((package / "locale").glob("*/LC_MESSAGES/hfsuite.mo"))
    assert list((package / "ui" / "i18n").glob("hfsuite_*.qm"))
    assert package / "locale" == sys.modules["hfsuite.core.i18n"].LOCALE_DIR
