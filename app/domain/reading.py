"""Reading what a person types, strictly, in their locale: numbers, amounts, percentages, dates.

Babel's own parsing is lenient (German "12.50" becomes 1250): here a figure is read only
when a person of that locale reads it the same way, and anything else is refused with the
reading it would have had ("“12.50” is not a number in German: did you mean 12,50?").

- The locale's decimal mark, at most once; its group separator only between whole groups
  of the locale's sizes (3, or 3 then 2 in India), never in the decimals; digits only (no
  exponent, no "NaN"). Where the group separator is a no-break space (French), an ordinary
  space is taken for it, as people type it.
- Dates in the order of the locale's short date ("31.1.27", "31012027" in German; "1/31/27"
  in English), or as ISO ("2027-01-31"), which nobody reads another way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, UnknownLocaleError
from babel import dates as _dates
from babel import numbers as _numbers

from app.i18n import N_, Translator, _, current

# Spaces people type for a space that groups digits.
_SPACES = " \u00a0\u202f\u2009"
_MINUS = "-\u2212"


class ReadError(ValueError):
    """What was typed is not what the field takes; the message says what it would have been."""


@dataclass(frozen=True, slots=True)
class NumberRules:
    """How one locale writes a number."""

    decimal: str
    group: str
    primary: int  # the digits of the last group (3)
    secondary: int  # of the groups before it (3; 2 in India)

    def group_marks(self) -> str:
        """The characters read as the group separator: the locale's, and an ordinary space
        (and the other no-break spaces) where the locale's is a space."""
        if self.group in _SPACES:
            return _SPACES
        if self.group in "'\u2019":
            return "'\u2019"
        return self.group


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@cache
def number_rules(language: str) -> NumberRules:
    locale = _locale(language)
    pattern = locale.decimal_formats[None]
    primary, secondary = pattern.grouping if pattern.grouping else (3, 3)
    primary = primary if 0 < primary < 10 else 3
    secondary = secondary if 0 < secondary < 10 else primary
    return NumberRules(
        decimal=str(_numbers.get_decimal_symbol(locale)),
        group=str(_numbers.get_group_symbol(locale)),
        primary=primary,
        secondary=secondary,
    )


def _language_name(t: Translator) -> str:
    """The locale's language as the screen names it: 'German', 'Deutsch'."""
    try:
        return str(_locale(t.language).get_display_name(current().locale) or t.language)
    except (UnknownLocaleError, ValueError, AttributeError):
        return t.language


def _grouped(whole: str, marks: str, rules: NumberRules) -> str | None:
    """The digits of a whole part written with group separators, or None when a group is of
    the wrong size ('12.50' in German) or the separators are not all the same character."""
    parts = re.split(f"[{re.escape(marks)}]", whole)
    if len({c for c in whole if c in marks}) > 1 and rules.group not in _SPACES:
        return None
    if any(not p.isdigit() or not p.isascii() for p in parts):
        return None
    if len(parts[-1]) != rules.primary:
        return None
    if any(len(p) != rules.secondary for p in parts[1:-1]):
        return None
    first = parts[0]
    if not 1 <= len(first) <= rules.secondary:
        return None
    if first[0] == "0":
        return None
    return "".join(parts)


def _strict(text: str, rules: NumberRules) -> Decimal | None:
    """The number `text` is in the locale `rules` describe, or None when it is not one."""
    raw = text.strip()
    if not raw:
        return None
    sign = ""
    if raw[0] in _MINUS + "+":
        sign, raw = ("-" if raw[0] in _MINUS else ""), raw[1:]
    if not raw:
        return None
    marks = rules.group_marks()
    whole, point, fraction = raw.partition(rules.decimal)
    if point and (not fraction or not fraction.isdigit() or not fraction.isascii()):
        return None  # "12," "1,2,3" "1,5.000": nothing after the mark, or no digits only
    if not whole:
        if not point:
            return None
        digits = "0"  # ",5" is a half
    elif whole.isdigit() and whole.isascii():
        digits = whole
    else:
        grouped = _grouped(whole, marks, rules)
        if grouped is None:
            return None
        digits = grouped
    try:
        return Decimal(f"{sign}{digits}.{fraction}" if point else f"{sign}{digits}")
    except InvalidOperation:  # pragma: no cover - digits only reach here
        return None


def _other_readings(text: str, rules: NumberRules) -> list[Decimal]:
    """What the text would be in the locales that swap the two marks ("12.50" read the
    English way in German), to suggest in the refusal."""
    swapped = []
    if rules.decimal == ",":
        swapped.append(NumberRules(".", ",", rules.primary, rules.secondary))
    elif rules.decimal == ".":
        swapped.append(NumberRules(",", ".", rules.primary, rules.secondary))
        swapped.append(NumberRules(",", "\u00a0", rules.primary, rules.secondary))
    found = []
    if any(c in _SPACES for c in text.strip()):
        # "12 500" in German: spaces group the digits, as anyone reads them.
        packed = "".join(c for c in text.strip() if c not in _SPACES)
        value = _strict(packed, rules)
        if value is not None:
            found.append(value)
    for other in swapped:
        value = _strict(text.replace("\u2019", "'"), other)
        if value is not None:
            found.append(value)
    return found


def _suggestion(value: Decimal, t: Translator) -> str:
    exponent = value.as_tuple().exponent
    digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return t.format_decimal(value, digits)


# The refusals, whole sentences for each kind of figure: (exponent, did you mean, example).
_REFUSALS = {
    "number": (
        N_("“{text}” is not a number in {language}: type the digits in full."),
        N_("“{text}” is not a number in {language}: did you mean {reading}?"),
        N_("“{text}” is not a number in {language}: type it as {example}."),
    ),
    "amount": (
        N_("“{text}” is not an amount in {language}: type the digits in full."),
        N_("“{text}” is not an amount in {language}: did you mean {reading}?"),
        N_("“{text}” is not an amount in {language}: type it as {example}."),
    ),
}


def read_number(text: str, t: Translator | None = None, kind: str = "number") -> Decimal:
    """The number typed, in `t`'s locale (the screen's when not given). Raises ReadError,
    with the reading it would have had when there is one. `kind` ('number', 'amount')
    names the figure in the message."""
    t = t if t is not None else current()
    rules = number_rules(t.language)
    value = _strict(text, rules)
    if value is not None:
        return value
    exponent, did_you_mean, type_as = _REFUSALS.get(kind, _REFUSALS["number"])
    language = _language_name(t)
    shown = text.strip()
    if re.fullmatch(r"[+\-]?[\d.,\s]*\d[eE][+\-]?\d+", shown):
        raise ReadError(_(exponent).format(text=shown, language=language))
    readings = [v for v in _other_readings(shown, rules) if v.is_finite()]
    if readings:
        reading = _suggestion(readings[0], t)
        raise ReadError(_(did_you_mean).format(text=shown, language=language, reading=reading))
    example = t.format_decimal(Decimal("12500.5"), 2)
    raise ReadError(_(type_as).format(text=shown, language=language, example=example))


def read_amount(text: str, t: Translator | None = None) -> Decimal:
    """An amount of money, as read_number reads it (the currency stands beside the field)."""
    return read_number(text, t, kind="amount")


def read_percent(text: str, t: Translator | None = None) -> Decimal:
    """A percentage as a number of percent: '19', '19 %', '5,5 %' (German) -> 19, 5.5."""
    raw = text.strip()
    if raw.endswith("%"):
        raw = raw[:-1].rstrip(_SPACES)
    return read_number(raw, t)


# --- dates ------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_MARKS = re.compile(r"[./\-\s]+")


@cache
def date_order(language: str) -> str:
    """The order of day, month and year in the locale's short date: 'dmy', 'mdy', 'ymd'."""
    pattern = _locale(language).date_formats["short"].pattern
    seen: list[str] = []
    for char in pattern:
        key = {"d": "d", "M": "m", "L": "m", "y": "y"}.get(char)
        if key and key not in seen:
            seen.append(key)
    order = "".join(seen)
    return order if sorted(order) == ["d", "m", "y"] else "dmy"


@cache
def date_pattern(language: str) -> str:
    """The locale's short date with a four-digit year, as CLDR (and Qt) write patterns:
    'dd.MM.yyyy' (German), 'dd/MM/yyyy' (French, Italian), 'M/d/yyyy' (English)."""
    pattern = _locale(language).date_formats["short"].pattern
    return re.sub(r"y+", "yyyy", pattern)


def _year(raw: str, today: date) -> int | None:
    if len(raw) == 4:
        return int(raw)
    if len(raw) == 2:
        # Two digits are this century, unless that is more than 50 years ahead ("31.1.87").
        year = today.year // 100 * 100 + int(raw)
        return year - 100 if year > today.year + 50 else year
    return None


def _build(day: str, month: str, year: int | None) -> date | None:
    if year is None or not (1 <= len(day) <= 2 and 1 <= len(month) <= 2):
        return None
    try:
        return date(year, int(month), int(day))
    except ValueError:
        return None


def _strict_date(text: str, order: str, today: date) -> date | None:
    raw = text.strip().rstrip(".")
    if not raw or not raw.isascii():
        return None
    iso = _ISO.match(raw)
    if iso:
        return _build(iso.group(3), iso.group(2), int(iso.group(1)))
    if raw.isdigit():
        # Typed without marks: 8 digits (31012027), 6 (310127) or 4 (3101: this year).
        if order == "ymd":
            if len(raw) == 8:
                return _build(raw[6:], raw[4:6], int(raw[:4]))
            if len(raw) == 6:
                return _build(raw[4:], raw[2:4], _year(raw[:2], today))
            return None
        parts = {8: (raw[:2], raw[2:4], raw[4:]), 6: (raw[:2], raw[2:4], raw[4:])}.get(len(raw))
        if parts is None and len(raw) == 4:
            parts = (raw[:2], raw[2:], str(today.year))
        if parts is None:
            return None
        first, second, year = parts
        day, month = (first, second) if order.index("d") < order.index("m") else (second, first)
        return _build(day, month, _year(year, today))
    pieces = _DATE_MARKS.split(raw)
    if not all(p.isdigit() for p in pieces):
        return None
    if len(pieces) == 2:
        # Day and month: this year ("31.1." in German).
        if order == "ymd":
            month, day = pieces
        else:
            first, second = pieces
            day, month = (first, second) if order.index("d") < order.index("m") else (second, first)
        return _build(day, month, today.year)
    if len(pieces) != 3:
        return None
    named = dict(zip(order, pieces, strict=True))
    return _build(named["d"], named["m"], _year(named["y"], today))


def read_date(text: str, today: date, t: Translator | None = None) -> date:
    """The date typed, in the order of `t`'s locale (the screen's when not given); a two-digit
    year is this century's. Raises ReadError with the form to type it in."""
    t = t if t is not None else current()
    found = _strict_date(text, date_order(t.language), today)
    if found is not None:
        return found
    raise ReadError(
        _("“{text}” is not a date in {language}: type it as {example}.").format(
            text=text.strip(), language=_language_name(t), example=format_typed_date(today, t)
        )
    )


def format_typed_date(value: date, t: Translator | None = None) -> str:
    """A date as it is typed in the locale, digits and a four-digit year: '31.01.2027' (de),
    '31/01/2027' (fr, it), '1/31/2027' (en): what a date field shows and reads back."""
    t = t if t is not None else current()
    return _dates.format_date(value, format=date_pattern(t.language), locale=t.locale)


def format_day(value: date, t: Translator | None = None) -> str:
    """A date as the locale shows it in a list or a document: the digits where the day comes
    first ('31.01.2027', '31/01/2027'); where the month comes first (English), CLDR's medium
    date ('Jan 31, 2027'), which a reader used to the day first cannot misread."""
    t = t if t is not None else current()
    if date_order(t.language) == "mdy":
        return t.format_date(value, "medium")
    return format_typed_date(value, t)


def format_moment(value: datetime, t: Translator | None = None) -> str:
    """A moment: the day as format_day writes it and the time, joined as the locale joins
    them: '04.12.2026, 19:48' (de), '04/12/2026 19:48' (fr), 'Dec 4, 2026, 7:48 PM' (en)."""
    t = t if t is not None else current()
    joined = str(t.locale.datetime_formats["short"])
    return joined.replace("{1}", format_day(value.date(), t)).replace("{0}", format_clock(value, t))


def format_clock(value: datetime | time, t: Translator | None = None) -> str:
    """A time of day as the locale writes it: '09:05' (de, fr, it), '9:05 AM' (en)."""
    t = t if t is not None else current()
    return str(_dates.format_time(value, format="short", locale=t.locale))


def format_day_month(value: date, t: Translator | None = None) -> str:
    """Day and month, short, as the locale writes them: '6.12.' (de), '06/12' (fr), '12/6'
    (en): a column of a week."""
    t = t if t is not None else current()
    return _dates.format_skeleton("Md", value, locale=t.locale)


__all__ = [
    "NumberRules",
    "ReadError",
    "date_order",
    "date_pattern",
    "format_clock",
    "format_day",
    "format_day_month",
    "format_moment",
    "format_typed_date",
    "number_rules",
    "read_amount",
    "read_date",
    "read_number",
    "read_percent",
]
