"""Match keys for finding a customer already on file: e-mail, phone number and name."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import phonenumberutil as _util
from rapidfuzz import fuzz, process

from app.domain.text import fold
from app.i18n import _

# The region a phone number without a country prefix belongs to; a setting may change it.
DEFAULT_REGION = "DE"
# How a phone number is typed with its country prefix, in the messages about one.
PHONE_EXAMPLE = "+39 02 1234 5678"


class _Reading(NamedTuple):
    """A typed number as the phone number library reads it: whether it reads at all, whether
    it has a possible number of digits, and then its E.164 form. (A named tuple: made for
    every number an import reads, at a third of a frozen dataclass's cost.)"""

    parsed: bool
    possible: bool = False
    e164: str = ""


# Numbers read and kept: a number is checked and then keyed (a save, every row of an
# import), and an import's file may name one number on many rows (a customer's forms).
_READINGS = 4_096


# "+39 02 1234567": a plus, a country code that starts with 1-9, then ASCII digits and
# spaces. The library's parse of such a text comes down to its country code and national
# number (no letters, extension, dialling prefix or second number can be in it).
_WITH_PLUS = re.compile(r"\+[1-9][0-9 ]{1,40}[0-9]", re.ASCII)


# The parse's own steps the reading takes, which a later version of the library may name
# otherwise: without them every number goes to the parse.
_STEPS_KNOWN = all(
    hasattr(_util, name)
    for name in ("_maybe_strip_national_prefix_carrier_code", "_test_number_length")
)
_POSSIBLE = (_util.ValidationResult.IS_POSSIBLE, _util.ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
# A national number the parse keeps unstripped of what looks like its national prefix.
_NOT_STRIPPED = (
    _util.ValidationResult.TOO_SHORT,
    _util.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    _util.ValidationResult.INVALID_LENGTH,
)


@lru_cache(maxsize=256)
def _code_metadata(
    country_code: int, region: str
) -> tuple[phonenumbers.PhoneMetadata | None, phonenumbers.PhoneMetadata | None]:
    """The metadata the parse of a number with this country code reads in `region` strips
    the national prefix by, and the one its possible-length check reads."""
    number_region = phonenumbers.region_code_for_country_code(country_code)
    own = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, number_region
    )
    if number_region != region:
        return own, own
    return phonenumbers.PhoneMetadata.metadata_for_region(region.upper(), None), own


@lru_cache(maxsize=1_024)
def _length_check(length: int, country_code: int, region: str, own: bool) -> int:
    """The library's possible-length check of a national number of `length` digits against
    the metadata the parse strips its national prefix by (`own` False) or its own (see
    _code_metadata): the check reads the number's length alone, so it is made once a
    length and country."""
    metadata = _code_metadata(country_code, region)[1 if own else 0]
    assert metadata is not None  # asked of the metadata _plus_reading found
    return _util._test_number_length("0" * length, metadata)


def _plus_reading(text: str, region: str) -> _Reading | None:
    """The library's reading of a text `_WITH_PLUS` matches, taken by the steps its parse,
    possible-length check and E.164 format take for one (`phonenumbers.parse`: the country
    code's longest-first, then the national prefix's stripping when what is left has a
    possible length); None where the parse would take another turn (no known country code,
    a national number of under 2 or over 17 digits), for the parse itself to read. The
    national number is all digits, so it is its own significant number, leading zeros and
    all."""
    digits = text[1:].replace(" ", "")
    for size in (1, 2, 3):
        country_code = int(digits[:size])
        if country_code in _util.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[size:]
    if not 2 <= len(national) <= 17:
        return None
    metadata, own = _code_metadata(country_code, region)
    if own is None:  # a known country code always has its own
        return None
    if metadata is not None:
        _carrier, stripped, _found = _util._maybe_strip_national_prefix_carrier_code(
            national, metadata
        )
        if stripped != national and _length_check(
            len(stripped), country_code, region, False
        ) not in (_NOT_STRIPPED):
            national = stripped
            if len(national) < 2:
                return None
    if _length_check(len(national), country_code, region, True) not in _POSSIBLE:
        return _Reading(parsed=True)
    return _Reading(True, True, f"+{country_code}{national}")


@lru_cache(maxsize=_READINGS)
def _reading(text: str, region: str) -> _Reading:
    """`text` (stripped, not empty) read in `region` once: the library's parse is most of
    what checking a number costs, and a number written with its country code ("+39 02
    1234567", most of a web form's) is read without it, to the same result."""
    if _STEPS_KNOWN and _WITH_PLUS.fullmatch(text):
        reading = _plus_reading(text, region)
        if reading is not None:
            return reading
    return _parsed_reading(text, region)


def _parsed_reading(text: str, region: str) -> _Reading:
    """`text` read by the phone number library's parse."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return _Reading(parsed=False)
    if not phonenumbers.is_possible_number(number):
        return _Reading(parsed=True)
    return _Reading(
        True, True, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    )


def email_key(email: str) -> str:
    return (email or "").strip().lower()


def phone_key(phone: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, so "+39 02 1234 5678" and "0039 02-12345678" are one number;
    the bare digits when it cannot be read as a phone number at all."""
    text = (phone or "").strip()
    if not text:
        return ""
    reading = _reading(text, region)
    if not reading.possible:
        return "".join(c for c in text if c.isdigit())
    return reading.e164


def phone_problem(phone: str, region: str = DEFAULT_REGION) -> str | None:
    """Why a typed phone number cannot be one, or None."""
    text = (phone or "").strip()
    if not text:
        return None
    if _WITH_PLUS.fullmatch(text):  # most of an import's: no letter, its digits all but one
        if len(text) - text.count(" ") - 1 < 5:
            return _("“{text}” is too short for a phone number.").format(text=text)
    elif any(map(str.isalpha, text)):  # map: no Python frame per character of every row
        return _("“{text}” has letters in it; type only the number, e.g. {example}.").format(
            text=text, example=PHONE_EXAMPLE
        )
    elif sum(map(str.isdigit, text)) < 5:
        return _("“{text}” is too short for a phone number.").format(text=text)
    reading = _reading(text, region)
    if not reading.parsed:
        return _("“{text}” is not a phone number; type it as e.g. {example}.").format(
            text=text, example=PHONE_EXAMPLE
        )
    if not reading.possible:
        return _("“{text}” has the wrong number of digits for a phone number.").format(text=text)
    return None


def name_key(*parts: str) -> str:
    """Names folded for comparison: no case, no accents, punctuation dropped, words sorted,
    so "Rossi, Maria", "maria rossi" and "María Rossi" share one key."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return " ".join(sorted(words))


def sort_key(text: str) -> str:
    """Text for sorting and searching: no case, no accents, punctuation kept ("Bäckerei" ->
    "backerei", "Weiß" -> "weiss"), folded as the search folds what is typed."""
    return fold(text or "")


def name_similarity(a: str, b: str) -> float:
    """0..1 between two name keys; 1 for the same words in any order."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


CLOSE_NAME = 0.85


def close_names(key: str, candidates: Sequence[tuple[int, str]]) -> list[int]:
    """The ids of the candidates (id, name key) whose key is at least CLOSE_NAME like `key`
    by name_similarity, in their order. RapidFuzz's ratio (twice the longest common
    subsequence over both lengths, in C) is never below difflib's (whose matching blocks
    are a common subsequence, not always the longest), so it passes over most names at
    once and every name difflib would take; difflib then decides, as it always did."""
    if not key:
        return []
    keys = [name for _id, name in candidates]
    # A hair under the threshold, so a float rounded the other way drops nothing.
    cutoff = CLOSE_NAME * 100 - 1e-6
    passed = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    chosen = sorted(index for _name, _score, index in passed)
    return [
        candidates[i][0] for i in chosen if name_similarity(candidates[i][1], key) >= CLOSE_NAME
    ]
