"""Demo cars and test drives (issue 16): never on a sold car, the booking dialog offers the
cars free at the time chosen, and the demo fleet's calendar shows who has which car when."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QMessageBox

from app.db import models as m
from app.domain.validation import ValidationError
from app.services import activities
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.vehicle_calendar import VehicleCalendarDialog

TOMORROW = date.today() + timedelta(days=1)


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TOMORROW
    TOMORROW = date.today() + timedelta(days=1)


def _car(stock: str, use: str, model: str = "Golf") -> int:
    return m.Vehicle.create(
        vin=f"WVWZZZCDZSW{abs(hash(stock)) % 1_000_000:06d}",
        stock_number=stock,
        condition="new",
        brand="Volkswagen",
        model=model,
        use=use,
    ).id


def _drive(car: int, opportunity_id: int, owner: int, at: datetime) -> int:
    return activities.create(
        activities.ActivityInput(
            kind="test_drive",
            subject="Test drive",
            starts_at=at,
            ends_at=at + timedelta(hours=1),
            owner_id=owner,
            opportunity_id=opportunity_id,
            vehicle_id=car,
        )
    ).id


@pytest.fixture
def fleet(user: UserInfo) -> dict[str, int]:
    return {
        "demo": _car("D-1", "demo_fleet", "Tiguan"),
        "demo2": _car("D-2", "demo_fleet", "ID.4"),
        "stock": _car("N-1", "for_sale"),
        "sold": _car("N-2", "sold"),
    }


def test_a_sold_car_takes_no_test_drive(user: UserInfo, fleet) -> None:
    sale = factories.opportunity(user.id).id
    at = datetime.combine(TOMORROW, time(10))
    with pytest.raises(ValidationError) as refused:
        _drive(fleet["sold"], sale, user.id, at)
    assert "sold" in refused.value.errors["vehicle_id"]
    _drive(fleet["demo"], sale, user.id, at)  # the demo fleet is fine
    _drive(fleet["stock"], sale, user.id, at)  # and so is unsold stock


def test_the_booking_dialog_offers_the_cars_free_at_the_time_chosen(
    qtbot, user: UserInfo, fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    bert = add_user("bert", "salesperson", full_name="Bert Huber")
    other = factories.opportunity(bert.id, factories.customer("Huber", "Eva")).id
    _drive(fleet["demo"], other, bert.id, datetime.combine(TOMORROW, time(10)))
    sale = factories.opportunity(user.id).id
    dialog = ActivityDialog(None, user.id, opportunity_id=sale, kind="test_drive")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.starts.setDateTime(QDateTime(TOMORROW, time(10, 30)))

    offered = dialog._find_vehicles("")
    labels = {item.id: item for item in offered}
    assert fleet["sold"] not in labels  # never a sold car
    assert labels[fleet["demo"]].warn and "Bert Huber" in labels[fleet["demo"]].note
    assert "Huber, Eva" in labels[fleet["demo"]].note
    assert not labels[fleet["demo2"]].warn and not labels[fleet["stock"]].warn
    # The free ones first, the demo fleet before the stock.
    assert [item.id for item in offered] == [fleet["demo2"], fleet["stock"], fleet["demo"]]
    assert [item.id for item in dialog._find_vehicles("tig")] == [fleet["demo"]]

    dialog.starts.setDateTime(QDateTime(TOMORROW, time(14)))  # the afternoon: all free
    assert not any(item.warn for item in dialog._find_vehicles(""))
    discard = QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: discard))


def test_the_demo_fleet_calendar_shows_who_has_which_car_by_day_and_week(
    qtbot, user: UserInfo, fleet
) -> None:
    rossi = factories.customer("Rossi", "Maria")
    sale = factories.opportunity(user.id, rossi).id
    _drive(fleet["demo"], sale, user.id, datetime.combine(TOMORROW, time(10)))
    _drive(fleet["stock"], sale, user.id, datetime.combine(TOMORROW, time(12)))  # not a demo car
    dialog = VehicleCalendarDialog(day=TOMORROW)
    qtbot.addWidget(dialog)
    dialog.show()
    opened: list[int] = []
    dialog.open_opportunity.connect(opened.append)

    rows = [dialog.table.verticalHeaderItem(r).text() for r in range(dialog.table.rowCount())]
    assert len(rows) == 2 and any("Tiguan" in r for r in rows)  # the demo fleet only
    week = dialog.booked_cells()
    tiguan = next(r for r, text in enumerate(rows) if "Tiguan" in text)
    assert week == {
        (tiguan, 0): "10:00\u202fAM–11:00\u202fAM Anna, Rossi, Maria"
    }  # a week from the day

    dialog.day_button.setChecked(True)
    day = dialog.booked_cells()
    assert list(day) == [(tiguan, 10 - 8)]  # the hour from 10:00
    assert dialog.table.horizontalHeaderItem(2).text() == "10:00"
    dialog.table.cellDoubleClicked.emit(tiguan, 2)
    assert opened == [sale]

    dialog.next_button.click()  # the day after: nothing booked
    assert dialog.booked_cells() == {}
