"""Figures and dates typed in the user's locale: read strictly, refused with the reading."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.reading import (
    ReadError,
    format_day,
    format_typed_date,
    read_amount,
    read_date,
    read_number,
    read_percent,
)
from app.i18n import translator

LANGUAGES = ("en", "de", "it", "fr", "de_CH", "en_IN")
TODAY = date(2026, 12, 6)

# The marks each locale writes, spelled out here rather than taken from the module under test.
MARKS = {
    "en": (".", ","),
    "de": (",", "."),
    "it": (",", "."),
    "fr": (",", "\u202f"),
    "de_CH": (".", "'"),
    "en_IN": (".", ","),
}
GROUPS = {"en_IN": (3, 2)}  # the last group, then the ones before it


def reference_reading(text: str, language: str) -> Decimal | None:
    """How a person of the locale reads `text`: a regular expression of the locale's way of
    writing a number (an independent reading to hold the parser to)."""
    point, group = MARKS[language]
    last, before = GROUPS.get(language, (3, 3))
    groups = {group, " ", "\u00a0"} if group == "\u202f" else {group}
    sep = "[" + re.escape("".join(groups)) + "]"
    whole = rf"(?:\d+|[1-9]\d{{0,{before - 1}}}(?:{sep}\d{{{before}}})*{sep}\d{{{last}}})"
    if last == before:
        whole = rf"(?:\d+|[1-9]\d{{0,2}}(?:{sep}\d{{3}})+)"
    number = rf"([+\-]?)({whole})?(?:{re.escape(point)}(\d+))?"
    found = re.fullmatch(number, text.strip())
    if found is None or (found.group(2) is None and found.group(3) is None):
        return None
    sign, digits, fraction = found.groups()
    digits = re.sub(sep, "", digits or "0")
    return Decimal(f"{'-' if sign == '-' else ''}{digits}" + (f".{fraction}" if fraction else ""))


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("de", "12.500", Decimal("12500")),
        ("de", "12.500,50", Decimal("12500.50")),
        ("de", "12,5", Decimal("12.5")),
        ("it", "1.250.000", Decimal("1250000")),
        ("fr", "12 500,00", Decimal("12500.00")),  # an ordinary space
        ("fr", "12\u202f500,00", Decimal("12500.00")),
        ("fr", "12\u00a0500", Decimal("12500")),
        ("en", "12,500.50", Decimal("12500.50")),
        ("en", "12.5", Decimal("12.5")),
        ("de_CH", "12'500.50", Decimal("12500.50")),
        ("en_IN", "12,34,567", Decimal("1234567")),
        ("de", "-1.000", Decimal("-1000")),
        ("de", ",5", Decimal("0.5")),
    ],
)
def test_a_figure_reads_as_the_locale_writes_it(language: str, typed: str, value: Decimal) -> None:
    assert read_number(typed, translator(language)) == value


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("de", "12.50", "“12.50” is not an amount in German: did you mean 12,50?"),
        ("en", "12,50", "“12,50” is not an amount in English: did you mean 12.50?"),
        ("en", "12.500,00", "did you mean 12,500.00?"),
        ("de", "12 500", "did you mean 12.500?"),
        ("de", "1e3", "type the digits in full"),
        ("en", "1E3", "type the digits in full"),
        ("de", "1,2,3", "is not an amount in German"),
        ("de", "1.2.3", "is not an amount in German"),
        ("en", "1.2.3", "is not an amount in English"),
        ("fr", "12.500", "did you mean 12,500?"),
        ("de", "NaN", "is not an amount"),
        ("de", "Infinity", "is not an amount"),
        ("de", "12,", "is not an amount"),
        ("de", "", "is not an amount"),
        ("de", "٣", "is not an amount"),  # an Arabic-Indic three is a digit to str.isdigit
    ],
)
def test_a_malformed_figure_is_refused_with_its_reading(
    language: str, typed: str, message: str
) -> None:
    with pytest.raises(ReadError, match=re.escape(message)):
        read_amount(typed, translator(language))


@pytest.mark.parametrize("language", LANGUAGES)
@given(
    value=st.decimals(
        min_value=Decimal("-100000000"), max_value=Decimal("100000000"), places=2
    ).filter(lambda v: v.is_finite())
)
@settings(max_examples=200, deadline=None)
def test_formatting_then_reading_gives_the_value_back(language: str, value: Decimal) -> None:
    t = translator(language)
    assert read_number(t.format_decimal(value, 2), t) == value
    assert read_number(t.format_number(value), t) == value
    assert read_percent(t.format_percent(value / 100, 2), t) == value


@pytest.mark.parametrize("language", LANGUAGES)
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2070, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_a_date_written_by_the_locale_reads_back(language: str, day: date) -> None:
    t = translator(language)
    assert read_date(format_typed_date(day, t), TODAY, t) == day
    assert read_date(day.isoformat(), TODAY, t) == day


FIGURE_CHARACTERS = "0123456789.,'-+ \u00a0\u202fe"


@pytest.mark.parametrize("language", LANGUAGES)
@given(typed=st.text(alphabet=FIGURE_CHARACTERS, min_size=1, max_size=14))
@settings(max_examples=500, deadline=None)
def test_no_string_reads_as_another_number_than_a_person_reads(language: str, typed: str) -> None:
    t = translator(language)
    expected = reference_reading(typed, language)
    try:
        read = read_number(typed, t)
    except ReadError:
        read = None
    assert read == expected, (typed, read, expected)


@pytest.mark.parametrize(
    ("language", "typed", "day"),
    [
        ("de", "31012027", date(2027, 1, 31)),
        ("de", "31.1.27", date(2027, 1, 31)),
        ("de", "31.01.2027", date(2027, 1, 31)),
        ("de", "310127", date(2027, 1, 31)),
        ("de", "31.1.", date(2026, 1, 31)),
        ("fr", "31/01/2027", date(2027, 1, 31)),
        ("it", "31/1/27", date(2027, 1, 31)),
        ("en", "1/31/27", date(2027, 1, 31)),
        ("en", "01312027", date(2027, 1, 31)),
        ("en_IN", "31/01/2027", date(2027, 1, 31)),
        ("de", "2027-01-31", date(2027, 1, 31)),
        ("de", "1.2.87", date(1987, 2, 1)),
    ],
)
def test_a_date_reads_in_the_locales_order(language: str, typed: str, day: date) -> None:
    assert read_date(typed, TODAY, translator(language)) == day


@pytest.mark.parametrize(
    ("language", "typed"),
    [("de", "31.02.2027"), ("en", "31/01/2027"), ("de", "1/31/27"), ("de", "3101202"),
     ("de", "31.1.202"), ("de", "tomorrow"), ("fr", "31.13.2027")],
)  # fmt: skip
def test_a_date_that_is_none_is_refused_with_the_form_to_type(language: str, typed: str) -> None:
    t = translator(language)
    with pytest.raises(ReadError, match=re.escape(format_typed_date(TODAY, t))):
        read_date(typed, TODAY, t)


@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    year=st.integers(2000, 2049),
    mark=st.sampled_from([".", "/", "-", " "]),
)
def test_a_typed_date_is_never_read_as_another_day(
    day: int, month: int, year: int, mark: str
) -> None:
    """Day first in German: either that day, or refused (31 April), never a shifted day."""
    typed = f"{day}{mark}{month}{mark}{year % 100:02d}"
    try:
        real = date(year, month, day)
    except ValueError:
        real = None
    try:
        read = read_date(typed, TODAY, translator("de"))
    except ReadError:
        read = None
    assert read == real


def test_a_figure_is_read_in_the_screens_language_when_none_is_given() -> None:
    from app import i18n

    i18n.set_language("de")
    try:
        assert read_number("12.500") == Decimal("12500")
        assert read_date("31.1.27", TODAY) == date(2027, 1, 31)
    finally:
        i18n.set_language("en")
    assert read_number("12.500") == Decimal("12.5")
    assert read_date("1/31/27", TODAY) == TODAY + timedelta(days=56)


def test_a_date_is_shown_as_the_locale_writes_it() -> None:
    day = date(2027, 1, 31)
    assert format_day(day, translator("de")) == "31.01.2027"
    assert format_day(day, translator("it")) == "31/01/2027"
    assert format_day(day, translator("fr")) == "31/01/2027"
    assert format_day(day, translator("en")) == "Jan 31, 2027"
    assert format_typed_date(day, translator("en")) == "1/31/2027"


def test_a_moment_joins_the_day_and_the_time_as_the_locale_does() -> None:
    from datetime import datetime

    from app.domain.reading import format_moment

    moment = datetime(2026, 12, 4, 19, 48)
    assert format_moment(moment, translator("de")) == "04.12.2026, 19:48"
    assert format_moment(moment, translator("fr")) == "04/12/2026 19:48"
    assert format_moment(moment, translator("en")) == "Dec 4, 2026, 7:48\u202fPM"
