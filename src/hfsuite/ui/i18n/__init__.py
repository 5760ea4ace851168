"""The desktop app's translations: ``hfsuite_<lang>.qm`` beside this file, and Qt's own.

The UI's strings go through ``QCoreApplication.translate("Context", "…")`` (one context per
module, named after its main class); ``scripts/i18n.py`` extracts them with ``pyside6-lupdate``
into ``hfsuite_<lang>.ts`` and compiles them with ``lrelease``. :func:`install_translators`
loads the language in effect (:func:`hfsuite.core.i18n.resolve_language`: ``HFSUITE_LANGUAGE``,
the ``language`` setting, the system's) into the application, with Qt's own catalogue
(``qt_<lang>.qm``: standard buttons such as OK and Cancel) when PySide6 ships one.
Docs: docs/translation.md.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from hfsuite.core.i18n import set_language

QM_DIR = Path(__file__).resolve().parent
log = logging.getLogger(__name__)
_installed: list[QTranslator] = []
"""The translators in the application now (kept alive here; replaced by the next call)."""


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Mark ``source`` for extraction in ``context`` and return it unchanged (a table of
    English constants, shown through ``translate(context, value)``). PySide6's own is typed
    as returning ``object``."""
    return source


def _names(language: str) -> list[str]:
    lang = language.split("_")[0]
    return [language, lang] if lang != language else [language]


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load ``language``'s catalogues into ``app`` (nothing for English).

    Calling it again (another language, a second window in tests) first removes what the
    previous call installed.

    Returns:
        The installed translators.
    """
    set_language(language)  # what the app's own _() calls (shared code) translate into
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language == "en" or language.startswith("en_"):
        return []
    installed = _installed
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in _names(language):
        ours = QTranslator(app)
        if ours.load(str(QM_DIR / f"hfsuite_{name}.qm")):
            app.installTranslator(ours)
            installed.append(ours)
            break
    for base in ("qtbase", "qt"):
        qt = QTranslator(app)
        if any(qt.load(f"{base}_{name}", qt_dir) for name in _names(language)):
            app.installTranslator(qt)
            installed.append(qt)
            break
    if not installed:
        log.info("no translation for %s: the window stays in English", language)
    return installed
