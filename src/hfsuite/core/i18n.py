"""Translations of the command line: ``_()``, ``ngettext()`` and the language in effect.

The CLI's strings are marked ``_("…")`` and looked up in gettext catalogues, domain
``hfsuite``, under ``hfsuite/locale/<lang>/LC_MESSAGES/hfsuite.mo`` (compiled files are part
of the package: an install needs no build step). The desktop app uses Qt's own mechanism
(``QCoreApplication.translate`` and ``.qm`` files, see ``hfsuite/ui/i18n/``); both follow the
language chosen here, by :func:`resolve_language`.

The language, highest priority first: ``HFSUITE_LANGUAGE``, the ``language`` setting, then the
system's ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG``. ``system`` and ``auto`` mean "from
the system". English needs no catalogue: when it is in effect, ``_()`` returns its argument
without importing :mod:`gettext` at all, so start-up costs nothing.

Strings with values use named placeholders, formatted after the lookup, so a translation can
move them: ``_("Downloaded {count} files").format(count=n)``. Counted nouns go through
:func:`ngettext`. Rich markup (``[bold]…[/]``) stays in the string, and in its translation.
Docs: docs/translation.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""Where the gettext catalogues live: ``<LOCALE_DIR>/<lang>/LC_MESSAGES/hfsuite.mo``."""
DOMAIN = "hfsuite"
SYSTEM_VALUES = ("system", "auto", "")
"""Setting values meaning "the system's language"."""
_SYSTEM_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class _Catalogue(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...
    def pgettext(self, context: str, message: str, /) -> str: ...


_language: str | None = None
_catalogue: _Catalogue | None = None


def normalize(code: str) -> str:
    """A locale name as catalogues are named: ``zh_CN.UTF-8`` → ``zh_CN``, ``zh-cn`` →
    ``zh_CN``, ``C``/``POSIX`` → ``en``; an empty string stays empty."""
    code = code.strip().split(".")[0].split("@")[0].replace("-", "_")
    if code in ("C", "POSIX"):
        return "en"
    lang, _sep, region = code.partition("_")
    return f"{lang.lower()}_{region.upper()}" if region else lang.lower()


def system_language(env: Mapping[str, str] | None = None) -> str:
    """The language the system asks for (``LANGUAGE`` may list several: the first counts)."""
    env = os.environ if env is None else env
    for name in _SYSTEM_VARIABLES:
        value = env.get(name, "")
        first = value.split(":")[0] if value else ""
        if first:
            return normalize(first) or "en"
    return "en"


def resolve_language(setting: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language in effect: ``HFSUITE_LANGUAGE``, else ``setting``, else the system's."""
    env = os.environ if env is None else env
    for value in (env.get("HFSUITE_LANGUAGE", ""), setting or ""):
        if value.strip() not in SYSTEM_VALUES:
            return normalize(value)
    return system_language(env)


def available_languages() -> list[str]:
    """The languages with a shipped catalogue, English (the source language) first."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return ["en", *found]


def set_language(language: str) -> None:
    """Use ``language`` from now on (its catalogue is read at the first lookup)."""
    global _language, _catalogue
    _language, _catalogue = normalize(language), None


def current_language() -> str:
    """The language ``_()`` translates into (resolved from the environment on first use)."""
    global _language
    if _language is None:
        _language = resolve_language()
    return _language


def _candidates(language: str) -> list[str]:
    """``zh_CN`` → ``["zh_CN", "zh"]``: a region falls back to its language."""
    lang = language.split("_")[0]
    return [language, lang] if lang != language else [language]


def is_source_language() -> bool:
    """Whether the language in effect is English, the source language (no catalogue)."""
    language = current_language()
    return language == "en" or language.startswith("en_")


def _load() -> _Catalogue | None:
    global _catalogue
    if is_source_language():
        return None
    if _catalogue is None:
        import gettext

        _catalogue = gettext.translation(
            DOMAIN,
            localedir=str(LOCALE_DIR),
            languages=_candidates(current_language()),
            fallback=True,
        )
    return _catalogue


def _(message: str) -> str:
    """``message`` in the language in effect (itself when there is no translation)."""
    catalogue = _load()
    return message if catalogue is None else catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted phrase for ``n``, translated: ``ngettext("{n} file", "{n}
    files", n).format(n=n)``."""
    catalogue = _load()
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context``: one English word that needs two translations
    (``pgettext("change", "added")`` a file new upstream, ``_("added")`` a date's label)."""
    catalogue = _load()
    return message if catalogue is None else catalogue.pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (a table of constants,
    translated where it is shown with ``_(value)``)."""
    return message


class Translated(str):
    """A translated text that remembers its English (:func:`tr`, :func:`english`)."""

    english: str


def tr(template: str, /, **values: object) -> str:
    """``_(template).format(**values)`` that also remembers the English text, for the places
    that must not depend on the user's language (JSON documents: :func:`english`).

    Used for error messages: ``raise UsageError(tr("Cannot read {path}.", path=p))`` shows
    the translation and writes ``"message": "Cannot read …"`` under ``--json``. Joining two
    such texts keeps both forms only through :func:`joined` (``+`` and f-strings make a
    plain string, whose English is then its translation). A value that is itself such a text
    (a translated word or message) goes into the English form in English.
    """
    text = Translated(_(template).format(**values))
    text.english = template.format(
        **{k: english(v) if isinstance(v, str) else v for k, v in values.items()}
    )
    return text


def joined(*parts: str, sep: str = " ") -> str:
    """``parts`` joined, in the language in effect and (for :func:`english`) in English."""
    text = Translated(sep.join(parts))
    text.english = sep.join(english(part) for part in parts)
    return text


def english(text: str) -> str:
    """The English of a text made by :func:`tr` (any other text as it is)."""
    return getattr(text, "english", text)
