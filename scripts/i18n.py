"""Translation catalogues: extract, update, compile, start a language, check.

    python scripts/i18n.py extract        # the CLI's template (.pot); the UI's .ts files
    python scripts/i18n.py update         # extract, then merge new strings into every .po
    python scripts/i18n.py compile        # .po -> .mo (Babel), .ts -> .qm (lrelease)
    python scripts/i18n.py add LANG       # start a language: its .po and .ts, compiled
    python scripts/i18n.py check          # exit 1 when a catalogue misses or leaves a string

The command line uses gettext: strings marked ``_()``, ``ngettext()``, ``pgettext()`` or
``N_()`` in the converted CLI modules are extracted with Babel into
``src/hfsuite/locale/hfsuite.pot``; each language has ``locale/<lang>/LC_MESSAGES/hfsuite.po``
and its compiled ``hfsuite.mo``.
The desktop app uses Qt's tools: ``pyside6-lupdate`` reads ``translate("Context", "…")`` /
``self.tr()`` calls of the converted UI modules into ``ui/i18n/hfsuite_<lang>.ts``, and
``lrelease`` compiles them to ``.qm``. Compiled files are committed: an install needs no build.

Click's and Typer's own words (``Usage:``, ``Options``, ``No such option``…) are marked in
``cli/click_words.py`` and so extracted with the rest; ``check`` also makes sure the installed
Click and Typer still say them in the English the templates expect (:func:`click_word_problems`).

Until every module is converted, :data:`CONVERTED_CLI` and :data:`CONVERTED_UI` list those that
are; extraction reads them only (docs/translation.md). Needs Babel (a dev dependency) and
PySide6 (its lupdate and lrelease).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "hfsuite"
LOCALE_DIR = PACKAGE / "locale"
POT = LOCALE_DIR / "hfsuite.pot"
QT_DIR = PACKAGE / "ui" / "i18n"
DOMAIN = "hfsuite"

CONVERTED_CLI: tuple[str, ...] = (
    "cli/output.py",
    "cli/auth_cmd.py",
    "cli/config_cmd.py",
    "cli/history_cmd.py",
    "cli/info_cmd.py",
    "cli/queue_cmd.py",
    "cli/queue_show.py",
    "cli/search_cmd.py",
    "cli/stats_cmd.py",
    "cli/updates_cmd.py",
    "cli/scan_cmd.py",
    "cli/library_cmd.py",
    "cli/library_views.py",
    "cli/dupes_cmd.py",
    "cli/tools_cmd.py",
    "cli/profiles_cmd.py",
    "cli/main.py",
    "cli/click_words.py",
    "cli/download_cmd.py",
    "cli/script_cmd.py",
    "cli/compare_cmd.py",
    "cli/gui_cmd.py",
    "cli/demo_cmd.py",
    "cli/comfyui_cmd.py",
    "cli/plugins_cmd.py",
    "cli/share_cmd.py",
    "cli/sync_cmd.py",
    "cli/completion_cmd.py",
    "cli/library_verify.py",
    "cli/progress.py",
    "cli/queue_progress.py",
    "cli/destination_flags.py",
    "cli/hf_flags.py",
    "cli/wording.py",
    "cli/tables.py",
    "cli/json_views.py",
    "cli/worker_cmd.py",
    "core/errors.py",
    "sources/huggingface.py",
    "sources/modelscope.py",
    "sources/direct.py",
    "sources/names.py",
    "sources/revisions.py",
    "sources/auth.py",
    "sources/tokens.py",
    "sources/hub_http.py",
    "sources/hub_catalog.py",
    "engine/disk_errors.py",
    "engine/filedownload.py",
    "engine/http.py",
    "engine/paths.py",
    "engine/planner.py",
    "engine/retry.py",
    "engine/timeouts.py",
    "engine/transfer.py",
    "engine/verify.py",
    "engine/xet/cas.py",
    "engine/xet/fetch.py",
    "app/accounts.py",
    "app/comfyui_fetch.py",
    "app/comfyui_missing.py",
    "app/compare.py",
    "app/desktop_check.py",
    "app/download/destinations.py",
    "app/download/offline.py",
    "app/download/operation.py",
    "app/download/sources.py",
    "app/history_ops.py",
    "app/library/dupes.py",
    "app/library/service.py",
    "app/profiles.py",
    "app/queue/add_ops.py",
    "app/queue/liveness.py",
    "app/queue/manager.py",
    "app/share.py",
    "app/sync/document.py",
    "app/sync/folder.py",
    "app/sync/transfer.py",
    "app/tool_targets.py",
    "app/tools.py",
    "config/store.py",
    "storage/database.py",
    "storage/migrate.py",
    "storage/repositories/profiles.py",
    "app/hub/apicache.py",
    "app/hub/catalog.py",
    "integrations/tools/detect.py",
    "app/config_ops.py",
    "config/settings.py",
    "app/plugins/sources.py",
    "app/script/plan.py",
    "app/script/render.py",
    "app/script/render_powershell.py",
    "app/script/quoting.py",
    "app/demo/sandbox.py",
    "app/statistics.py",
    "app/queue/tasks.py",
    "integrations/comfyui/reader.py",
    "integrations/comfyui/refs.py",
    "integrations/comfyui/workflow.py",
    "library/formats/_pickle_walk.py",
    "library/formats/_source.py",
    "library/formats/folders.py",
    "library/formats/gguf.py",
    "library/formats/onnx.py",
    "library/formats/pickle_zip.py",
    "library/formats/safetensors.py",
    "library/identify.py",
    "library/shards.py",
)
"""CLI modules whose user-visible strings are marked (paths under ``src/hfsuite``)."""

CONVERTED_UI: tuple[str, ...] = (
    "ui/dialogs/help_dialog.py",
    "ui/models/task_model.py",
    "ui/models/history_model.py",
    "ui/models/library_model.py",
    "ui/models/comfyui_model.py",
    "ui/tabs/downloads.py",
    "ui/tabs/downloads_actions.py",
    "ui/tabs/task_details.py",
    "ui/tabs/history.py",
    "ui/tabs/library.py",
    "ui/tabs/library_details.py",
    "ui/tabs/library_dupes.py",
    "ui/tabs/library_scan.py",
    "ui/tabs/comfyui.py",
    "ui/dialogs/reclaim_dialog.py",
    "ui/dialogs/roots_dialog.py",
    "ui/main_window.py",
    "ui/tabs/__init__.py",
    "ui/status.py",
    "ui/tray.py",
    "ui/shortcuts.py",
    "ui/tabs/browse.py",
    "ui/tabs/browse_repo.py",
    "ui/tabs/browse_download.py",
    "ui/tabs/settings.py",
    "ui/tabs/settings_fields.py",
    "ui/tabs/profiles.py",
    "ui/tabs/profiles_share.py",
    "ui/dialogs/add_dialog.py",
    "ui/dialogs/error_inspector.py",
    "ui/dialogs/stats_dashboard.py",
    "ui/dialogs/compare_dialog.py",
    "ui/dialogs/profile_dialog.py",
    "ui/models/task_files_model.py",
    "ui/models/failures_model.py",
    "ui/models/profiles_model.py",
    "ui/models/search_model.py",
    "ui/models/files_model.py",
    "ui/models/library_meta.py",
    "ui/models/formatting.py",
    "ui/widgets/toast.py",
    "ui/widgets/token_input.py",
    "ui/widgets/path_selector.py",
    "ui/widgets/search_bar.py",
    "ui/widgets/charts.py",
    "ui/widgets/speed_graph.py",
    "ui/widgets/target_combo.py",
)
"""UI modules whose user-visible strings go through Qt's ``translate``."""

UI_NOTHING_TO_MARK: tuple[str, ...] = (
    "ui/__init__.py",
    "ui/app.py",
    "ui/bridge.py",
    "ui/context.py",
    "ui/icons.py",
    "ui/i18n/__init__.py",
    "ui/screenshot.py",
    "ui/speed_sampler.py",
    "ui/theme.py",
    "ui/waiting.py",
    "ui/dialogs/__init__.py",
    "ui/models/__init__.py",
    "ui/models/delegates.py",
    "ui/tabs/base.py",
    "ui/tabs/library_work.py",
    "ui/tabs/profiles_icons.py",
    "ui/widgets/__init__.py",
    "ui/widgets/_status.py",
    "ui/widgets/actions.py",
    "ui/widgets/progress_ring.py",
    "ui/widgets/table_setup.py",
)
"""UI modules checked and found without a string of their own for the window: plumbing, colours,
painting of texts made elsewhere. ``app.py`` and ``screenshot.py`` raise the ``gui`` command's
usage errors (the error-message plan in docs/translation.md); the application's name stays.
With :data:`CONVERTED_UI` this covers every module under ``ui/`` (a test holds it to that)."""

KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2), "tr": None}
_PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%n")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue (printed by ``check``)."""

    catalogue: str
    message: str
    what: str

    def __str__(self) -> str:
        return f"{self.catalogue}: {self.what}: {self.message!r}"


# --- tools ------------------------------------------------------------------------------------
def qt_tool(name: str) -> str:
    """The path of PySide6's ``lupdate`` or ``lrelease`` (beside the package, or on PATH)."""
    import PySide6

    here = Path(PySide6.__file__).parent
    for candidate in (here / name, here / f"{name}.exe", here / "Qt" / "bin" / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 (it ships lupdate and lrelease).")
    return found


def languages() -> list[str]:
    """The languages with a catalogue (a .po file), sorted."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def ts_path(lang: str) -> Path:
    return QT_DIR / f"{DOMAIN}_{lang}.ts"


# --- CLI: gettext with Babel ----------------------------------------------------------------
def cli_template() -> object:
    """A Babel catalogue of every string marked in :data:`CONVERTED_CLI`."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalog = Catalog(project="hfsuite", domain=DOMAIN, charset="utf-8")
    for rel in CONVERTED_CLI:
        for lineno, message, comments, context in extract_from_file(
            "python", PACKAGE / rel, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            catalog.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def write_po(catalog: object, path: Path) -> None:
    from babel.messages.pofile import write_po as babel_write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    babel_write_po(buffer, catalog, width=100, omit_header=False, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def read_po(path: Path) -> object:
    from babel.messages.pofile import read_po as babel_read_po

    with path.open("rb") as file:
        return babel_read_po(file, locale=path.parent.parent.name, domain=DOMAIN)


def mo_bytes(po: Path) -> bytes:
    """The compiled form of ``po`` (fuzzy entries left out, as gettext expects)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_po(po), use_fuzzy=False)  # type: ignore[arg-type]
    return buffer.getvalue()


# --- UI: Qt's lupdate and lrelease ------------------------------------------------------------
def run_lupdate(ts: Path, *, language: str | None = None) -> None:
    """Bring ``ts`` up to date with the converted UI modules (created if missing)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    args = [qt_tool("lupdate"), "-locations", "none", "-no-obsolete", "-silent"]
    if language:
        args += ["-target-language", language]
    args += [str(PACKAGE / rel) for rel in CONVERTED_UI] + ["-ts", str(ts)]
    subprocess.run(args, check=True)


def qm_bytes(ts: Path) -> bytes:
    """The compiled form of ``ts`` (lrelease; unfinished entries left out)."""
    with tempfile.TemporaryDirectory() as tmp:
        qm = Path(tmp) / "out.qm"
        subprocess.run(
            [qt_tool("lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)], check=True
        )
        return qm.read_bytes()


# --- commands ---------------------------------------------------------------------------------
def extract() -> None:
    """Write the CLI's template and bring every .ts up to date."""
    write_po(cli_template(), POT)
    for lang in languages():
        run_lupdate(ts_path(lang), language=lang)
    print(f"extracted: {POT.relative_to(ROOT)}, {len(languages())} .ts file(s)")


def update() -> None:
    """Extract, then merge the template into every .po (new strings empty, gone ones dropped)."""
    extract()
    template = cli_template()
    for lang in languages():
        catalog = read_po(po_path(lang))
        catalog.update(template, no_fuzzy_matching=True)  # type: ignore[attr-defined]
        catalog.obsolete.clear()  # type: ignore[attr-defined]
        write_po(catalog, po_path(lang))
        print(f"updated: {po_path(lang).relative_to(ROOT)}, {ts_path(lang).relative_to(ROOT)}")


def compile_all() -> None:
    """Compile every .po to .mo and every .ts to .qm."""
    for lang in languages():
        po = po_path(lang)
        po.with_suffix(".mo").write_bytes(mo_bytes(po))
        ts = ts_path(lang)
        if ts.exists():
            ts.with_suffix(".qm").write_bytes(qm_bytes(ts))
        print(f"compiled: {lang}")


def add(lang: str) -> None:
    """Start ``lang``: an empty .po from the template and a .ts, then compile."""
    from babel import Locale, UnknownLocaleError
    from babel.messages.catalog import Catalog

    try:
        locale = Locale.parse(lang)
    except (ValueError, UnknownLocaleError) as exc:
        message = f"{lang!r} is not a language code such as de, ja or pt_BR ({exc})."
        raise SystemExit(message) from None
    if po_path(lang).exists():
        raise SystemExit(f"{lang} exists already: run `python scripts/i18n.py update`.")
    template = cli_template()
    catalog = Catalog(locale=locale, project="hfsuite", domain=DOMAIN, charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)  # type: ignore[arg-type]
    write_po(catalog, po_path(lang))
    run_lupdate(ts_path(lang), language=lang)
    write_po(template, POT)
    compile_all()
    print(f"added {lang}: translate {po_path(lang).relative_to(ROOT)} and")
    print(f"  {ts_path(lang).relative_to(ROOT)} (Qt Linguist: pyside6-linguist), then compile.")


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def cli_problems(lang: str) -> list[Problem]:
    """What ``lang``'s .po misses, leaves empty or fuzzy, or gets wrong; a stale .mo."""
    name = str(po_path(lang).relative_to(ROOT))
    catalog = read_po(po_path(lang))
    problems: list[Problem] = []
    for message in cli_template():  # type: ignore[attr-defined]
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)  # type: ignore[attr-defined]
        key = message.id if isinstance(message.id, str) else message.id[0]
        if entry is None:
            problems.append(Problem(name, key, "missing"))
            continue
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        if entry.fuzzy or not all(strings):
            problems.append(Problem(name, key, "fuzzy" if entry.fuzzy else "untranslated"))
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        wanted = _placeholders(ids[-1])
        for string in strings:
            if _placeholders(string) != wanted:
                problems.append(Problem(name, key, f"placeholders differ in {string!r}"))
    mo = po_path(lang).with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != mo_bytes(po_path(lang)):
        problems.append(Problem(str(mo.relative_to(ROOT)), "", "stale: run compile"))
    return problems


def _ts_messages(ts: Path) -> Iterable[tuple[str, ET.Element]]:
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message


def ui_problems(lang: str) -> list[Problem]:
    """What ``lang``'s .ts misses or leaves unfinished (against a fresh lupdate); a stale .qm."""
    ts = ts_path(lang)
    name = str(ts.relative_to(ROOT))
    if not ts.exists():
        return [Problem(name, "", "missing file: run `scripts/i18n.py add`")]
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / ts.name
        shutil.copy(ts, fresh)
        run_lupdate(fresh, language=lang)
        shipped = {(c, m.findtext("source")) for c, m in _ts_messages(ts)}
        for context, message in _ts_messages(fresh):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if (context, source) not in shipped:
                problems.append(Problem(name, f"{context}: {source}", "missing"))
                continue
            assert translation is not None
            forms = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(forms):
                problems.append(Problem(name, f"{context}: {source}", "untranslated"))
                continue
            for form in forms:
                if _placeholders(form) != _placeholders(source):
                    problems.append(
                        Problem(name, f"{context}: {source}", f"placeholders differ in {form!r}")
                    )
    qm = ts.with_suffix(".qm")
    if not qm.exists() or qm.read_bytes() != qm_bytes(ts):
        problems.append(Problem(str(qm.relative_to(ROOT)), "", "stale: run compile"))
    return problems


def click_word_problems() -> list[Problem]:
    """The English texts of Click and Typer that ``cli/click_words.py`` translates and the
    installed Click/Typer (and pydantic-core, whose messages Typer passes on) no longer contain.

    Click's and Typer's words reach the catalogues like any other string: ``cli/click_words.py``
    marks them (it is in :data:`CONVERTED_CLI`), so ``update`` and ``add`` bring them to every
    language. What can go stale is the English: an upgrade that rewords a message leaves a
    template that matches nothing. Each template's literal parts (between placeholders) must
    be found in the installed sources, whole or else word by word (``Missing argument`` is
    built there from ``Missing {param_type}``).
    """
    import importlib
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_click_words", PACKAGE / "cli" / "click_words.py"
    )
    assert spec is not None and spec.loader is not None
    words = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(words)
    corpus: list[str] = []
    for name in ("typer", "click", "pydantic_core"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for path in Path(module.__file__ or "").parent.rglob("*"):
            if path.suffix in (".py", ".so", ".pyd", ".pyi") and path.is_file():
                corpus.append(path.read_bytes().decode("latin-1"))
    text = "\n".join(corpus)
    templates = [
        *words.PANEL_WORDS.values(),
        *words.COMPLETION_WORDS.values(),
        words.USAGE,
        words.HELP_OPTION,
        words.TRY_HELP,
        words.ERROR,
        words.DID_YOU_MEAN,
        words.POSSIBLE_OPTIONS,
        *words.MESSAGES,
    ]
    problems = []
    for template in templates:
        for part in re.split(r"\{[a-z_]*\}", template):
            part = part.strip(" ().:'[]")
            if not part or part in text:
                continue
            if not all(word in text for word in re.findall(r"[A-Za-z]{2,}", part)):
                name = "cli/click_words.py"
                problems.append(Problem(name, template, "not in the installed Click/Typer"))
                break
    return problems


def check() -> int:
    """Print every problem of every language; 1 when there is one."""
    problems = [p for lang in languages() for p in (*cli_problems(lang), *ui_problems(lang))]
    problems += click_word_problems()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {', '.join(languages()) or 'no language'}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("extract", "update", "compile", "check"):
        sub.add_parser(name)
    sub.add_parser("add").add_argument("lang", help="language code: de, ja, pt_BR…")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
    elif args.command == "update":
        update()
    elif args.command == "compile":
        compile_all()
    elif args.command == "add":
        add(args.lang)
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
