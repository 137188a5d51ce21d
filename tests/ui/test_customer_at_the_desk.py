"""The customer at the desk (issue 16): one opportunity per intention, the walk-in that asks
what the sale needs and is assigned to the salesperson's site, and the lead conversion that
carries the primary demand over."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.db import models as m
from app.services import demand, leads, opportunities
from app.services.opportunities import OpenSalesExist
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.ui.test_walk_in_dialog import CTRL, RETURN, Keyboard
from ui.common.second_sale_dialog import SecondSaleDialog
from ui.opportunities.walk_in_dialog import WalkInDialog

DISCARD = QMessageBox.StandardButton.Discard


@pytest.fixture
def home(user: UserInfo) -> dict[str, int]:
    """Anna sells at Innsbruck; the catalogue prices the Tiguan."""
    business = m.Business.create(name="Autohaus Alpen", kind="dealer")
    facility = m.Facility.create(business=business, name="Innsbruck")
    new_sales = m.Operation.create(facility=facility, name="New cars", kind="new_vehicle_sales")
    used_sales = m.Operation.create(facility=facility, name="Used cars", kind="used_vehicle_sales")
    m.User.update(home_business=business, home_facility=facility).where(
        m.User.id == user.id
    ).execute()
    for variant, price in (("Life", 4_150_000), ("R-Line", 4_890_000)):
        m.CatalogueEntry.create(
            brand="Volkswagen",
            vehicle_class="SUV",
            model="Tiguan",
            model_code="CT1",
            variant=variant,
            list_price_minor=price,
        )
    return {
        "business": business.id,
        "facility": facility.id,
        "new": new_sales.id,
        "used": used_sales.id,
    }


@pytest.fixture
def walk_in(qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    made: list[WalkInDialog] = []

    def make() -> WalkInDialog:
        dialog = WalkInDialog(user.id)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        made.append(dialog)
        return dialog

    yield make
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: DISCARD))
    for dialog in made:
        dialog.close()
        dialog.deleteLater()


def test_a_walk_in_asks_the_sale_s_needs_by_keyboard_and_is_assigned_to_the_home_site(
    qtbot, walk_in, home: dict[str, int], user: UserInfo
) -> None:
    started = time.monotonic()
    dialog = walk_in()
    created: list[int] = []
    dialog.created.connect(created.append)
    keyboard = Keyboard(qtbot)
    for text in ("Jürgen", "Weiß", "089 1234567", "j.weiss@example.de", "Volkswagen", "Tiguan"):
        keyboard.type(text)
        keyboard.next_field()
    keyboard.type("u")  # Used
    keyboard.next_field()
    keyboard.type("f")  # Finance
    keyboard.next_field()
    keyboard.type("38000")
    keyboard.next_field()
    keyboard.type("VW Polo 2015, 80000 km")
    keyboard.press(RETURN, CTRL)
    elapsed = time.monotonic() - started

    assert len(created) == 1 and not dialog.isVisible()
    assert elapsed < 30
    detail = opportunities.get(created[0])
    assert (detail.condition, detail.interest) == ("used", "finance")
    # The salesperson's home, and the facility's operation for used cars.
    assert (detail.business_id, detail.facility_id, detail.operation_id) == (
        home["business"],
        home["facility"],
        home["used"],
    )
    # The catalogue's price of the model proposes the revenue until a quote sets it.
    assert detail.est_revenue == Decimal("41500.00")
    assert "VW Polo 2015" in detail.description
    [line] = demand.of_opportunity(detail.id)
    assert (line.kind, line.description, line.expected_price) == (
        "vehicle",
        "Volkswagen Tiguan",
        Decimal("38000.00"),
    )


def test_a_bad_budget_is_refused_at_its_field_and_kept(qtbot, walk_in, home) -> None:
    dialog = walk_in()
    dialog.edits["last_name"].setText("Weiß")
    dialog.edits["phone"].setText("089 1234567")
    dialog.budget.setText("lots")
    assert not dialog.create_opportunity()
    assert "lots" in dialog.boxes["budget"].message.text()
    assert dialog.budget.text() == "lots"
    assert QApplication.focusWidget() is dialog.budget
    assert m.Opportunity.select().count() == 0


REAL_EXEC = SecondSaleDialog.__base__.exec  # the guard in conftest stands in for it


def _answer_second_sale(qtbot, act, monkeypatch) -> list[SecondSaleDialog]:  # type: ignore[no-untyped-def]
    """When the question comes, `act` on it (as the salesperson would)."""
    monkeypatch.setattr(SecondSaleDialog, "exec", REAL_EXEC)
    seen: list[SecondSaleDialog] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, SecondSaleDialog):
            seen.append(box)
            act(box)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen


def test_a_walk_in_for_a_customer_with_an_open_sale_names_it_and_opens_it(
    qtbot, walk_in, home, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rossi = factories.customer("Rossi", "Maria", phone="+39 02 1234 5678")
    bert = add_user("bert", "salesperson", full_name="Bert Huber")
    first = factories.opportunity(bert.id, rossi, topic="Golf for Rossi")
    dialog = walk_in()
    opened: list[int] = []
    dialog.open_existing.connect(opened.append)
    dialog.customer = None
    dialog._candidates = {}
    dialog._show_candidates(leads_candidates(dialog, rossi))
    dialog.use_customer(rossi)
    dialog.brand.setEditText("Volkswagen")
    dialog.model.setEditText("Golf")

    seen = _answer_second_sale(qtbot, lambda box: box.open_button.click(), monkeypatch)
    assert dialog.create_opportunity()
    assert "Bert Huber" in seen[0].list.item(0).text()
    assert "Golf for Rossi" in seen[0].list.item(0).text()
    assert opened == [first.id]
    assert m.Opportunity.select().count() == 1  # no second one


def test_going_on_with_a_second_sale_needs_a_reason_which_is_kept(
    qtbot, walk_in, home, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rossi = factories.customer("Rossi", "Maria", phone="+39 02 1234 5678")
    first = factories.opportunity(user.id, rossi, topic="Golf for Rossi")
    dialog = walk_in()
    dialog._show_candidates(leads_candidates(dialog, rossi))
    dialog.use_customer(rossi)
    dialog.brand.setEditText("Volkswagen")
    dialog.model.setEditText("Tiguan")
    created: list[int] = []
    dialog.created.connect(created.append)

    def go_on(box: SecondSaleDialog) -> None:
        box.go_on_button.click()  # no reason yet: refused at the field
        assert "Say why" in box.reason_box.message.text() and box.isVisible()
        box.reason.setText("A second car for the daughter")
        box.go_on_button.click()

    _answer_second_sale(qtbot, go_on, monkeypatch)
    assert dialog.create_opportunity()
    assert len(created) == 1 and created[0] != first.id
    note = m.Activity.get(m.Activity.opportunity == created[0])
    assert note.kind == "note" and note.description == "A second car for the daughter"
    assert f"#{first.id}" in note.subject


def leads_candidates(dialog: WalkInDialog, account_id: int):  # type: ignore[no-untyped-def]
    from app.services import accounts

    probe = accounts.AccountInput(first_name="Maria", last_name="Rossi")
    return [c for c in accounts.find_duplicates(probe, limit=6) if c.account_id == account_id]


def test_converting_a_lead_for_a_customer_with_an_open_sale_asks_and_carries_the_demand(
    user: UserInfo, home
) -> None:
    rossi = factories.customer("Rossi", "Maria", email="maria@example.it")
    factories.opportunity(user.id, rossi, topic="Golf for Rossi")
    lead = leads.create(
        leads.LeadInput(
            first_name="Maria",
            last_name="Rossi",
            email="maria@example.it",
            brand="Volkswagen",
            model="Tiguan",
            condition="new",
        )
    )
    demand.save_for_lead(
        lead.id,
        [
            demand.DemandLine("vehicle", "Tiguan R-Line, black", Decimal("45000"), "EUR", ""),
            demand.DemandLine("accessories", "Tow bar", Decimal("900"), "EUR", "for a caravan"),
        ],
        [],
    )
    with pytest.raises(OpenSalesExist) as asked:
        leads.convert(lead.id, account_id=rossi)
    assert [s.topic for s in asked.value.sales] == ["Golf for Rossi"]
    assert m.Opportunity.select().count() == 1  # nothing was made

    done = leads.convert(lead.id, account_id=rossi, second_reason="Wants a second car")
    detail = opportunities.get(done.opportunity_id)
    assert (detail.business_id, detail.facility_id, detail.operation_id) == (
        home["business"],
        home["facility"],
        home["new"],
    )
    assert detail.est_revenue == Decimal("41500.00")
    lines = demand.of_opportunity(done.opportunity_id)
    assert [(x.kind, x.description, x.expected_price, x.comment) for x in lines] == [
        ("vehicle", "Tiguan R-Line, black", Decimal("45000.00"), ""),
        ("accessories", "Tow bar", Decimal("900.00"), "for a caravan"),
    ]


def test_a_walk_in_close_date_more_than_five_years_ahead_is_asked_about(
    qtbot, walk_in, home, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from ui.common.qt import NO, YES

    dialog = walk_in()
    created: list[int] = []
    dialog.created.connect(created.append)
    dialog.edits["last_name"].setText("Weiß")
    dialog.edits["phone"].setText("089 1234567")
    asked: list[str] = []
    answers = [NO, YES]

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    # 31012027 typed as a date: the year 3101.
    dialog.close_date.set_date_value(date(3101, 1, 20))
    assert not dialog.create_opportunity()
    assert "more than 5 years ahead" in asked[0]
    assert m.Opportunity.select().count() == 0
    assert dialog.close_date.date_value() == date(3101, 1, 20)  # kept as typed
    assert dialog.boxes["est_close_date"].message.is_error
    assert QApplication.focusWidget() is dialog.close_date

    assert dialog.create_opportunity()  # asked again, and confirmed
    assert opportunities.get(created[0]).est_close_date == date(3101, 1, 20)
    assert len(asked) == 2
