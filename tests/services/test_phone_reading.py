"""A phone number written with its country code ("+39 02 1234567") is read without the
library's whole parse: it gives what the parse gives, for every country code, length,
spacing and region, or leaves the number to the parse."""

from __future__ import annotations

import random

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import phonenumberutil

from app.services import matching

_REGIONS = (
    "DE",
    "IT",
    "GB",
    "US",
    "FR",
    "CH",
    "AT",
    "AR",
    "MX",
    "BR",
    "RU",
    "JP",
    "ZZ",
    "de",
    "001",
)
_CODES = sorted(phonenumberutil.COUNTRY_CODE_TO_REGION_CODE)


def _library(text: str, region: str) -> tuple[bool, bool, str]:
    """(read at all, a possible number, its E.164 form), from the library's parse."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False, False, ""
    if not phonenumbers.is_possible_number(number):
        return True, False, ""
    return True, True, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _as_read(text: str, region: str) -> tuple[bool, bool, str]:
    matching._reading.cache_clear()
    reading = matching._reading(text, region)
    return reading.parsed, reading.possible, reading.e164


def _spaced(digits: str, gaps: list[int]) -> str:
    """The digits with the given runs of spaces after them, in turn."""
    return "".join(d + " " * gaps[i % len(gaps)] for i, d in enumerate(digits)).strip()


@settings(max_examples=1500, deadline=None)
@given(
    code=st.sampled_from(_CODES),
    national=st.text(alphabet="0123456789", max_size=20)
    | st.text(alphabet="019", max_size=20)
    | st.builds(lambda n: "0" + n, st.text(alphabet="0123456789", max_size=14)),
    gaps=st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=1, max_size=6),
    region=st.sampled_from(_REGIONS),
)
@example(code=39, national="021000000", gaps=[0, 0, 1], region="DE")
@example(code=39, national="3331234567", gaps=[0], region="IT")
@example(code=49, national="01711234567", gaps=[1], region="DE")
@example(code=44, national="2079460000", gaps=[0], region="GB")
@example(code=1, national="2", gaps=[1], region="US")
@example(code=7, national="8", gaps=[0], region="RU")
@example(code=800, national="12345678", gaps=[0], region="DE")
def test_a_number_with_its_country_code_reads_as_the_library_reads_it(
    code: int, national: str, gaps: list[int], region: str
) -> None:
    text = "+" + _spaced(str(code) + national, gaps)
    assert _as_read(text, region) == _library(text, region), (text, region)


@settings(max_examples=800, deadline=None)
@given(
    text=st.text(alphabet="+0123456789 -()./x#,;", min_size=1, max_size=24).map(str.strip),
    region=st.sampled_from(_REGIONS),
)
@example(text="+0049 30 1234567", region="DE")
@example(text="+999 1234567", region="DE")
@example(text="+39 02 1234 5678 ext 12", region="DE")
@example(text="++39 02 1234567", region="DE")
@example(text="+39  02  1234567", region="DE")
def test_any_typed_number_reads_as_the_library_reads_it(text: str, region: str) -> None:
    if text:
        assert _as_read(text, region) == _library(text, region), (text, region)


def test_every_country_code_reads_as_the_library_reads_it() -> None:
    rng = random.Random(7)
    for code in _CODES:
        for length in range(0, 19):
            national = "".join(rng.choice("0123456789") for _ in range(length))
            for zeros in ("", "0", "00"):
                text = f"+{code} {zeros}{national}"
                region = rng.choice(_REGIONS)
                assert _as_read(text, region) == _library(text, region), (text, region)


def test_a_web_forms_number_is_read_without_the_parse() -> None:
    assert matching._STEPS_KNOWN, "the library no longer names the parse's steps so"
    for text in ("+39 02 1000000", "+49 30 1234567", "+4930123456", "+44 20 7946 0000"):
        assert matching._plus_reading(text, "DE") is not None, text
    for text in ("+0049 30 1234567", "+999 1234567", "030 1234567", "+39 02-1234567"):
        assert not matching._WITH_PLUS.fullmatch(text) or not matching._plus_reading(text, "DE")


def _problem_by_the_characters(text: str, region: str) -> str | None:
    """phone_problem as it read every number: its letters, then its digits counted one by
    one, then the reading."""
    text = text.strip()
    if not text:
        return None
    if any(map(str.isalpha, text)):
        return "letters"
    if sum(map(str.isdigit, text)) < 5:
        return "too short"
    reading = matching._reading(text, region)
    if not reading.parsed:
        return "not a number"
    return None if reading.possible else "wrong length"


def _kind(problem: str | None) -> str | None:
    if problem is None:
        return None
    for words, kind in (
        ("letters", "letters"),
        ("too short", "too short"),
        ("not a phone", "not a number"),
        ("wrong number", "wrong length"),
    ):
        if words in problem:
            return kind
    raise AssertionError(problem)


@settings(max_examples=600, deadline=None)
@given(
    text=st.text(alphabet="+0123456789 ", min_size=1, max_size=12)
    | st.text(alphabet="+0123456789 -ab٣", min_size=1, max_size=20),
    region=st.sampled_from(_REGIONS),
)
@example(text="+39 1", region="DE")
@example(text="+39 12", region="DE")
@example(text="+3912", region="DE")
@example(text="+391234", region="DE")
@example(text="+4 9 1", region="DE")
@example(text="+39 1٣", region="DE")
def test_a_numbers_problem_is_the_same_however_its_characters_are_counted(
    text: str, region: str
) -> None:
    """A number with its country code (no letter, every character but the plus and the
    spaces a digit) has its digits counted at once; the problem found is the same."""
    assert _kind(matching.phone_problem(text, region)) == _problem_by_the_characters(
        text, region
    ), text
