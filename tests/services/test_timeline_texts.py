"""The timeline's lines are whole sentences in the screen's language."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from app import i18n
from app.domain.process import StageVisit
from app.services import timeline
from tests.catalogues import catalogue

AT = datetime(2026, 12, 1, 10, 0)


def visits() -> list[StageVisit]:
    return [
        StageVisit("Interest", AT, None, "anna", False, None),
        StageVisit("Quotation", AT.replace(hour=11), None, "anna", True, None),
        StageVisit("Won", AT.replace(hour=12), None, "anna", False, "won"),
    ]


def test_the_timeline_reads_as_before_in_english() -> None:
    titles = [e.title for e in timeline.stage_entries(visits())]
    assert titles == [
        "Closed as won in Quotation",
        "Moved automatically to Quotation",
        "Moved to Interest",
    ]
    assert (
        timeline.activity_title("call", "Price", "Follow-up", "in") == "Call in: Price (Follow-up)"
    )
    entry = timeline.close_date_entry(AT, date(2026, 12, 1), date(2027, 1, 15), "anna")
    assert entry.title == "Est. close date Dec 1, 2026 → Jan 15, 2027"


def test_the_timeline_follows_the_screens_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = [
        (None, "Moved to {stage}", "Verschoben nach {stage}"),
        (None, "Closed as won in {stage}", "Gewonnen in {stage}"),
        (None, "Moved automatically to {stage}", "Automatisch verschoben nach {stage}"),
        (None, "Call in", "Anruf (eingehend)"),
        (None, "{kind}: {subject}", "{kind} – {subject}"),
        (None, "Est. close date set to {new}", "Abschluss geplant am {new}"),
    ]
    with catalogue(tmp_path, monkeypatch, entries):
        i18n.set_language("de")
        titles = [e.title for e in timeline.stage_entries(visits())]
        assert titles == [
            "Gewonnen in Quotation",
            "Automatisch verschoben nach Quotation",
            "Verschoben nach Interest",
        ]
        assert timeline.activity_title("call", "Preis", None, "in") == "Anruf (eingehend) – Preis"
        entry = timeline.close_date_entry(AT, None, date(2027, 1, 15), "anna")
        assert entry.title == "Abschluss geplant am 15.01.2027"  # as the language writes it
