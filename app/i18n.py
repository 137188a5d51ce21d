"""The one translation function of the program, and the locale's formats (gettext + Babel).

Every text a user reads goes through this module:

- ``_("Save")`` translates a text into the screen's language, now (at the call).
- ``ngettext("{n} opportunity", "{n} opportunities", n).format(n=n)``: a text with a count.
  Whole sentences, named placeholders, filled in after translating; never glued from pieces.
- ``pgettext("stage", "Lost")``: one English word that needs two translations.
- ``N_("Est. revenue")`` only marks a text for extraction where it is defined at import time
  (column headers, choice labels); it is translated with ``_()`` where it is shown, so a
  change of language needs no restart. ``NP_("stage", "Lost")`` marks one with a context.

The screen's language is global and switched by ``set_language()`` at run time; the
module-level functions look up the current translator at each call. What is written for a
customer (documents, CSV exports) takes a ``Translator`` for the *document's* language as a
parameter instead, never the screen's: ``translator("de")``.

Catalogues: resources/translations/<language>/LC_MESSAGES/showroom.mo, compiled from the
.po files beside them; a language without one reads English.
"""

from __future__ import annotations

import gettext as _gettext
import re
import threading
from functools import cache, cached_property
from typing import TYPE_CHECKING

# Babel is imported where a format is asked for, not here: the main window imports this
# module before it is first shown, and Babel with its locale data takes some 15 ms to load,
# more than the rest of the window's frame. Texts need only the standard gettext.
if TYPE_CHECKING:
    from datetime import date, datetime
    from decimal import Decimal

    from babel import Locale

DOMAIN = "showroom"
SOURCE_LANGUAGE = "en"


class Translator:
    """The texts and formats of one language. The methods are named as the extraction
    keywords are (``t._``, ``t.ngettext``, ``t.pgettext``, ``t.npgettext``), so
    ``pybabel extract`` finds the texts of documents written with ``t._("Quote")``."""

    def __init__(
        self, language: str = SOURCE_LANGUAGE, catalogue: _gettext.NullTranslations | None = None
    ) -> None:
        self.language = language
        self._catalogue = catalogue if catalogue is not None else _gettext.NullTranslations()

    @cached_property
    def locale(self) -> Locale:
        """Babel's locale of the language (CLDR data), loaded when first needed."""
        from babel import Locale, UnknownLocaleError

        try:
            return Locale.parse(self.language.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            # A language Babel has no data for still gets its texts; its formats are English.
            return Locale.parse(SOURCE_LANGUAGE)

    @property
    def has_catalogue(self) -> bool:
        """Whether a compiled catalogue was found (False: every text reads English)."""
        return type(self._catalogue) is not _gettext.NullTranslations

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    # --- texts ---------------------------------------------------------------------------

    def _(self, message: str) -> str:
        return self._catalogue.gettext(message)

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalogue.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._catalogue.npgettext(context, singular, plural, n)

    # --- formats (CLDR, through Babel) -------------------------------------------------------

    def format_number(self, value: int | Decimal | float) -> str:
        """12500 -> '12,500' (en), '12.500' (de)."""
        from babel import numbers as _numbers

        return _numbers.format_decimal(value, locale=self.locale)

    def decimal_symbol(self) -> str:
        """The decimal mark: '.' (en), ',' (de)."""
        from babel import numbers as _numbers

        return str(_numbers.get_decimal_symbol(self.locale))

    def _pattern(self, pattern: str, digits: int) -> str:
        """The locale's own pattern (its grouping: 3 then 2 in India) with ``digits`` decimals."""
        fraction = "." + "0" * digits if digits else ""
        return re.sub(r"0(?:\.[0#]+)?", lambda _m: "0" + fraction, pattern, count=1)

    def format_decimal(self, value: Decimal | float, digits: int) -> str:
        """A number with exactly ``digits`` decimals: (1.5, 2) -> '1.50' (en), '1,50' (de)."""
        from babel import numbers as _numbers

        pattern = self._pattern(self.locale.decimal_formats[None].pattern, digits)
        return _numbers.format_decimal(
            value, format=pattern, locale=self.locale, decimal_quantization=True
        )

    def format_percent(self, value: Decimal | float, digits: int = 0) -> str:
        """0.25 -> '25%' (en), '25\u00a0%' (de), as the locale writes a percentage."""
        from babel import numbers as _numbers

        pattern = self._pattern(self.locale.percent_formats[None].pattern, digits)
        return _numbers.format_percent(value, format=pattern, locale=self.locale)

    def format_money(self, amount: Decimal, currency: str) -> str:
        """As CLDR writes it: '€12,500.00' (en), '12.500,00\u00a0€' (de)."""
        from babel import numbers as _numbers

        return _numbers.format_currency(amount, currency, locale=self.locale)

    def format_compact_money(self, amount: Decimal | float, currency: str) -> str:
        """A chart axis's amount, short: '€1.5M' (en), '1,5 Mio. €' (de), '€250K'."""
        from babel import numbers as _numbers

        return _numbers.format_compact_currency(
            amount, currency, locale=self.locale, fraction_digits=1
        )

    def format_date(self, value: date, length: str = "medium") -> str:
        """'short', 'medium', 'long' or 'full' as CLDR has them: 'Jan 31, 2027' (en medium)."""
        from babel import dates as _dates

        return _dates.format_date(value, format=length, locale=self.locale)

    def format_datetime(self, value: datetime, length: str = "medium") -> str:
        from babel import dates as _dates

        return _dates.format_datetime(value, format=length, locale=self.locale)


ENGLISH = Translator(SOURCE_LANGUAGE)

_lock = threading.Lock()
_current: Translator = ENGLISH


@cache
def translator(language: str) -> Translator:
    """The translator of a language (cached): its catalogue if one is shipped, else English
    texts. For documents and exports, which are written in their reader's language."""
    if not language or language == SOURCE_LANGUAGE:
        return ENGLISH
    from app import paths  # here, so app.domain may import this module without appdirs

    catalogue = _gettext.translation(
        DOMAIN, localedir=paths.translations_dir(), languages=[language], fallback=True
    )
    return Translator(language, catalogue)


def available_languages() -> list[str]:
    """English and every language with a compiled catalogue, sorted."""
    from app import paths

    found = {
        mo.parent.parent.name
        for mo in paths.translations_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
        if mo.is_file()
    }
    return sorted(found | {SOURCE_LANGUAGE})


def set_language(language: str) -> Translator:
    """Switch the screen's language from now on (a window shown before keeps its texts until
    it is built again). An unknown language reads English."""
    global _current
    with _lock:
        _current = translator(language)
    return _current


def current() -> Translator:
    """The screen's translator: the one ``set_language`` chose last (English at start)."""
    return _current


def language() -> str:
    return _current.language


def _(message: str) -> str:
    """The text in the screen's language."""
    return _current.gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural text for ``n``, in the screen's language. Keep ``n`` as a named
    placeholder: ``ngettext("{n} quote", "{n} quotes", n).format(n=n)``."""
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A text with a context, for one English word that translates two ways."""
    return _current.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _current.npgettext(context, singular, plural, n)


def NP_(context: str, message: str) -> tuple[str, str]:
    """Marks a text with a context for extraction without translating it; ``pgettext(*pair)``
    translates it where it is shown."""
    return context, message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural pair for extraction without translating it;
    ``ngettext(*pair, n)`` translates it where the number is known."""
    return singular, plural


def N_(message: str) -> str:
    """Marks a text for extraction without translating it: for texts defined at import time,
    translated by ``_()`` where they are shown."""
    return message


__all__ = [
    "DOMAIN",
    "ENGLISH",
    "NN_",
    "NP_",
    "N_",
    "SOURCE_LANGUAGE",
    "Translator",
    "_",
    "available_languages",
    "current",
    "gettext",
    "language",
    "ngettext",
    "npgettext",
    "pgettext",
    "set_language",
    "translator",
]
