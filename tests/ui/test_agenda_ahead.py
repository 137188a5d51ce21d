"""The agenda looks ahead (issue 16): the coming days and a week, with test drives' cars and
close dates, and a note that says when to call again becomes a task in one click."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtWidgets import QMessageBox

from app.db import models as m
from app.domain.dates import add_months, follow_up_date
from app.domain.reading import format_day
from app.services import activities
from app.services.workspace import UserInfo
from tests import factories
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.agenda import AgendaPage

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


def _at(days: int, hour: int) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), time(hour))


def test_the_agenda_shows_the_coming_days_and_a_week(qtbot, user: UserInfo) -> None:
    rossi = factories.customer("Rossi", "Maria")
    sale = factories.opportunity(
        user.id, rossi, topic="Tiguan for Rossi", est_close_date=TODAY + timedelta(days=3)
    ).id
    car = m.Vehicle.create(
        vin="WVGZZZ5NZPW123456", stock_number="D-7", condition="new", brand="Volkswagen",
        model="Tiguan", use="demo_fleet",
    ).id  # fmt: skip
    for kind, subject, at, extra in (
        ("appointment", "Trade-in appraisal", _at(1, 9), {}),
        ("test_drive", "Test drive", _at(2, 11), {"vehicle_id": car}),
        ("task", "Send the finance offer", _at(4, 17), {}),
        ("appointment", "Far ahead", _at(20, 9), {}),
    ):
        activities.create(
            activities.ActivityInput(
                kind=kind, subject=subject, starts_at=at, owner_id=user.id,
                opportunity_id=sale, **extra,
            )
        )  # fmt: skip
    page = AgendaPage(user.id)
    qtbot.addWidget(page)
    page.show()

    rows = page.coming_rows
    assert [r.subject for r in rows] == [
        "Trade-in appraisal",
        "Test drive",
        "Tiguan for Rossi",  # the close date
        "Send the finance offer",
    ]
    drive = rows[1]
    assert "Tiguan · D-7" in drive.vehicle
    model = page.coming.model
    texts = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert texts[2][2] == "Close date" and "Rossi, Maria" in texts[2][5]
    assert texts[1][4].startswith("Volkswagen Tiguan")
    assert page.coming.title() == "Coming days (4)"

    page.span.setCurrentIndex(2)  # next week, Monday to Sunday
    monday = TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=7)
    assert all(monday <= r.starts_at.date() < monday + timedelta(days=7) for r in page.coming_rows)


def test_the_words_of_a_note_name_the_follow_up_day() -> None:
    today = date(2026, 12, 6)
    assert follow_up_date("Call again in 6 months", today) == date(2027, 6, 6)
    assert follow_up_date("ring back in two weeks", today) == date(2026, 12, 20)
    assert follow_up_date("Try again next year", today) == date(2027, 12, 6)
    assert follow_up_date("Not interested for now", today) is None


def test_a_note_becomes_a_follow_up_task_in_one_click(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale = factories.opportunity(user.id).id
    note = activities.create(
        activities.ActivityInput(
            kind="note",
            subject="Not before the bonus: call again in 6 months",
            starts_at=datetime.now().replace(microsecond=0),
            done=True,
            owner_id=user.id,
            opportunity_id=sale,
        )
    ).id
    dialog = ActivityDialog(note, user.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.follow_up_row.isVisible()
    due = add_months(TODAY, 6)
    assert dialog.follow_up_due() == due  # read from the note

    dialog.follow_up_button.click()
    task = m.Activity.get((m.Activity.kind == "task") & (m.Activity.opportunity == sale))
    assert task.starts_at.date() == due and not task.done
    assert task.subject == "Follow up: Not before the bonus: call again in 6 months"
    assert format_day(due) in dialog.follow_up_note.text()  # Jun 6, 2027
    assert not dialog.follow_up_button.isEnabled()  # one task, not two
    discard = QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: discard))
