"""When a note asks to follow up, read in the language it is written in."""

from __future__ import annotations

from datetime import date

import pytest

from app import i18n
from app.domain.dates import follow_up_date

SUNDAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("language", "note", "day"),
    [
        ("en", "Call again in 6 months", date(2027, 6, 6)),
        ("en", "call tomorrow", date(2026, 12, 7)),
        ("en", "try next Monday", date(2026, 12, 7)),
        ("en", "next Friday at the showroom", date(2026, 12, 11)),
        ("de", "In zwei Wochen nachfassen", date(2026, 12, 20)),
        ("de", "nächsten Montag anrufen", date(2026, 12, 7)),
        ("de", "Kunde meldet sich übermorgen", date(2026, 12, 8)),
        ("de", "morgen zurückrufen", date(2026, 12, 7)),
        ("de", "in 6 Monaten wieder melden", date(2027, 6, 6)),
        ("de", "nächstes Jahr", date(2027, 12, 6)),
        ("it", "richiamare tra 3 mesi", date(2027, 3, 6)),
        ("it", "lunedì prossimo", date(2026, 12, 7)),
        ("it", "richiamare domani", date(2026, 12, 7)),
        ("fr", "rappeler dans deux semaines", date(2026, 12, 20)),
        ("fr", "lundi prochain", date(2026, 12, 7)),
        ("fr", "après-demain", date(2026, 12, 8)),
        ("fr", "rappeler demain", date(2026, 12, 7)),
        ("fr", "le mois prochain", date(2027, 1, 6)),
        ("de", "call tomorrow", date(2026, 12, 7)),  # English mixed into a German screen
    ],
)
def test_a_note_names_its_follow_up_in_its_language(language: str, note: str, day: date) -> None:
    assert follow_up_date(note, SUNDAY, language) == day


@pytest.mark.parametrize(
    ("language", "note"),
    [("de", "Guten Morgen, kein Interesse"), ("de", "heute morgen angerufen"),
     ("fr", "Pas intéressé"), ("it", "Non interessato"), ("en", "Not interested for now")],
)  # fmt: skip
def test_a_note_without_a_time_names_no_day(language: str, note: str) -> None:
    assert follow_up_date(note, SUNDAY, language) is None


def test_the_screens_language_reads_the_note_when_none_is_given() -> None:
    i18n.set_language("de")
    try:
        assert follow_up_date("in drei Wochen", SUNDAY) == date(2026, 12, 27)
    finally:
        i18n.set_language("en")
    assert follow_up_date("in drei Wochen", SUNDAY) is None
