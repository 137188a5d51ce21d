"""The import's fast paths answer exactly as the slow checks they stand in for: the
e-mail check by domain against email-validator on the whole address, and the table of
printable characters as one pattern against the per-character look-up."""

from __future__ import annotations

import sys

from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from app.domain import printable, validation
from app.domain.text import fold, searchable, umlaut_spellings


def _library(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


_EDGES = [
    "maria.rossi@example.it",
    "Maria.Rossi+cars@Example.IT",
    "m@example",
    "m@localhost",
    "m@example.invalid",
    "m@example.123",
    "m@-example.de",
    "m@example-.de",
    "m@example..de",
    "m@.example.de",
    "m@example.de.",
    "m@xn--mller-kva.de",
    "m@XN--MLLER-KVA.de",
    "m@müller.de",
    "mü@example.de",
    ".m@example.de",
    "m.@example.de",
    "m..r@example.de",
    '"m r"@example.de',
    "m r@example.de",
    "m@exa mple.de",
    "m@@example.de",
    "m@a@example.de",
    "m@[192.168.0.1]",
    "m@example.de\x00",
    "m\x00@example.de",
    "@example.de",
    "m@",
    "Maria <m@example.de>",
    "m@" + "a" * 63 + ".de",
    "m@" + "a" * 64 + ".de",
    "x" * 64 + "@example.de",
    "x" * 65 + "@example.de",
    "x" * 60 + "@" + ".".join(["a" * 60] * 3) + ".de",
    "x" * 64 + "@" + ".".join(["a" * 61] * 3) + ".de",
    "x" * 64 + "@" + ".".join(["a" * 62] * 3) + ".de",
]

_LOCAL = st.text(alphabet="abcXYZ09.+_-!#'~\"@ ü", min_size=0, max_size=70)
_DOMAIN = st.text(alphabet="abcXYZ09.-_ ü", min_size=0, max_size=70)


def test_the_email_check_answers_as_the_library_on_the_edges() -> None:
    for address in _EDGES:
        assert validation.is_email(address) == _library(address), address


@given(_LOCAL, st.sampled_from(["@", "@@", ""]), _DOMAIN)
def test_the_email_check_answers_as_the_library(local: str, at: str, domain: str) -> None:
    address = local + at + domain
    assert validation.is_email(address) == _library(address)


def test_the_printable_pattern_agrees_with_the_table_on_every_character() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert (printable.unprintable(char) == []) == printable.is_printable(char), hex(code)


def test_unprintable_names_each_character_once_in_order() -> None:
    assert printable.unprintable("a😀b\x00c😀\x00") == ["😀", "\x00"]


@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_an_ascii_text_is_searchable_as_the_whole_folding_makes_it(text: str) -> None:
    extra = umlaut_spellings(text)
    folded = fold(text)
    assert searchable(text) == (f"{folded} {extra}" if extra else folded)
