"""Which language the program speaks when nobody chose one: the system's, from the locale
environment (the command line, and the windows before a user's choice is known)."""

from __future__ import annotations

import locale
import os
import sys
from collections.abc import Callable, Iterable, Mapping

from app import i18n

# Read in this order, as GNU gettext does: LANGUAGE is a list of preferences; of the
# others, the first one set decides.
_LIST_VARIABLE = "LANGUAGE"
_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
_NO_LANGUAGE = {"", "C", "POSIX"}


def language_code(name: str) -> str:
    """'de_DE.UTF-8' -> 'de', 'fr-CH' -> 'fr', 'C' -> ''."""
    base = name.split(".", 1)[0].split("@", 1)[0]
    if base in _NO_LANGUAGE:
        return ""
    return base.replace("-", "_").split("_", 1)[0].lower()


def pick(candidates: Iterable[str], available: Iterable[str]) -> str:
    """The first of the system's languages the program has a catalogue for; English when
    none is (or the system names none)."""
    known = set(available)
    for candidate in candidates:
        code = language_code(candidate)
        if code in known or code == i18n.SOURCE_LANGUAGE:
            return code
    return i18n.SOURCE_LANGUAGE


def system_languages(
    environ: Mapping[str, str] | None = None,
    default_locale: Callable[[], str | None] | None = None,
) -> list[str]:
    """The languages the system asks for, most wanted first (as the environment names them)."""
    env = os.environ if environ is None else environ
    chosen = next((env[name] for name in _VARIABLES if env.get(name)), "")
    if language_code(chosen) == "" and chosen:
        return []  # LC_ALL=C: the program's own words, English (LANGUAGE is not read then)
    found = [part for part in env.get(_LIST_VARIABLE, "").split(":") if part]
    if chosen:
        found.append(chosen)
    elif not found:
        # Windows and a macOS session set none of them: the user's locale as Python sees it.
        name = (default_locale or _default_locale)()
        if name:
            found.append(name)
    return found


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language to speak when the user chose none: 'de' under LANG=de_DE.UTF-8."""
    return pick(system_languages(environ), i18n.available_languages())


def _default_locale() -> str | None:
    if sys.platform == "win32":
        # The language of Windows' own menus and dialogs (an LCID, e.g. 1031 for de_DE).
        import ctypes

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()
        return locale.windows_locale.get(lcid)
    try:
        return locale.getlocale()[0]
    except ValueError:
        return None


def native_name(language: str) -> str:
    """A language's name in that language, as its speakers look for it: 'Deutsch'."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(language).get_display_name(language) or language
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:]


__all__ = ["language_code", "native_name", "pick", "system_language", "system_languages"]
