"""The languages a customer's documents are written in (their correspondence language)."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from app.i18n import SOURCE_LANGUAGE, Translator, current

# The languages the program writes documents in: English and the catalogues it ships.
CORRESPONDENCE_LANGUAGES: tuple[str, ...] = ("de", "en", "fr", "it")


def language_name(code: str, t: Translator | None = None) -> str:
    """A language as the screen (or `t`) names it: 'German', 'Deutsch', 'allemand'."""
    t = t if t is not None else current()
    try:
        name = Locale.parse(code).get_display_name(t.locale)
    except (UnknownLocaleError, ValueError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def from_tag(tag: str) -> str:
    """The correspondence language of a language tag or a browser's Accept-Language
    ('de-DE', 'fr_CH', 'it-IT,it;q=0.9,en;q=0.8', 'Deutsch'), or '' when it names none of
    them."""
    stripped = (tag or "").strip()
    if not stripped:
        return ""  # most rows of an import have no language at all
    for part in re.split(r"[,;\s]+", stripped):
        code = part.replace("_", "-").split("-")[0].lower()
        if code in CORRESPONDENCE_LANGUAGES:
            return code
    return _written_out().get(stripped.lower(), "")


@lru_cache(maxsize=1)
def _written_out() -> dict[str, str]:
    """Each correspondence language's name in English and in itself ("german", "deutsch"),
    lower case, to its code: CLDR's fixed data, built once rather than for every tag."""
    names: dict[str, str] = {}
    # Reversed so that, were two languages to share a name, the first one wins as before.
    for code in reversed(CORRESPONDENCE_LANGUAGES):
        names[language_name(code, _translator_for(code)).lower()] = code
        names[(Locale.parse(code).get_display_name("en") or code).lower()] = code
    return names


def _translator_for(code: str) -> Translator:
    return Translator(code)


def check(code: str) -> str:
    """The code when it is a correspondence language, else ''."""
    code = (code or "").strip().lower()
    return code if code in CORRESPONDENCE_LANGUAGES else ""


__all__ = ["CORRESPONDENCE_LANGUAGES", "SOURCE_LANGUAGE", "check", "from_tag", "language_name"]
