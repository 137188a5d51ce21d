"""The opportunity form and the new-customer dialog, driven through their widgets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QMessageBox,
    QStyle,
    QWidget,
)
from shiboken6 import getCppPointer

from app.db import models as m
from app.domain import vin
from app.domain.dates import default_close_date
from app.services import leads, opportunities, reference
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.conflicts import answer_conflict
from ui.common.widgets import LookupEdit
from ui.customers.customer_dialog import AccountDialog
from ui.opportunities.opportunity_form import OpportunityDialog

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel
YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No
CTRL = Qt.KeyboardModifier.ControlModifier

GOLF_VIN = vin.with_check_digit("WVWZZZCDZRW012345")
TIGUAN_VIN = vin.with_check_digit("WVGZZZ5NZRW054321")


@dataclass
class Site:
    business: int
    facility: int
    operation: int
    golf: int  # stock vehicle N-1001
    tiguan: int  # stock vehicle N-1002
    rossi: int  # a customer


@pytest.fixture
def site(user: UserInfo) -> Site:
    """Two dealers (so nothing is chosen for the user), a catalogue, two stock vehicles."""
    business = m.Business.create(name="Alpen Auto", kind="dealer")
    facility = m.Facility.create(business=business, name="Innsbruck")
    m.Facility.create(business=business, name="Hall in Tirol")
    operation = m.Operation.create(
        facility=facility, name="New-vehicle sales", kind="new_vehicle_sales"
    )
    m.Operation.create(facility=facility, name="Used-vehicle sales", kind="used_vehicle_sales")
    other = m.Business.create(name="Bergland Motors", kind="dealer")
    m.Facility.create(business=other, name="Kufstein")
    for brand, vehicle_class, model, code, variant in (
        ("Volkswagen", "Compact", "Golf", "CD1", "GTI"),
        ("Volkswagen", "Compact", "Golf", "CD1", "Life"),
        ("Volkswagen", "SUV", "Tiguan", "CT1", "Elegance"),
        ("Škoda", "Compact", "Octavia", "NX", "Style"),
    ):
        m.CatalogueEntry.create(
            brand=brand, vehicle_class=vehicle_class, model=model, model_code=code, variant=variant
        )
    golf = m.Vehicle.create(
        vin=GOLF_VIN,
        stock_number="N-1001",
        condition="new",
        brand="Volkswagen",
        vehicle_class="Compact",
        model="Golf",
        model_code="CD1",
        variant="GTI",
        colour="Kings Red",
    )
    tiguan = m.Vehicle.create(
        vin=TIGUAN_VIN,
        stock_number="N-1002",
        condition="new",
        brand="Volkswagen",
        vehicle_class="SUV",
        model="Tiguan",
        model_code="CT1",
        variant="Elegance",
        colour="Pure White",
    )
    rossi = factories.customer("Rossi", "Maria", city="Innsbruck")
    return Site(business.id, facility.id, operation.id, golf.id, tiguan.id, rossi)


@pytest.fixture(autouse=True)
def no_blocking_questions(monkeypatch) -> None:
    """A test that fails with a half-filled form must not wait for an answer while its
    widgets are closed; tests that ask a question patch their own answer over this one."""
    patch_question(monkeypatch, DISCARD)


def open_form(qtbot, user: UserInfo, opportunity_id: int | None = None) -> OpportunityDialog:
    dialog = OpportunityDialog(opportunity_id, user.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def has_focus(dialog: QWidget, widget: QWidget) -> bool:
    """Whether the keys typed next go to `widget`: the application's focus when it is in the
    dialog, else the dialog's own. Compared by address, since after earlier tests a reused
    address can come back as another wrapper."""
    focused = QApplication.focusWidget()
    if focused is None or focused.window() is not dialog:
        focused = dialog.focusWidget()
    return focused is not None and getCppPointer(focused)[0] == getCppPointer(widget)[0]


def type_into(qtbot, widget: QWidget, text: str, replace: bool = False) -> None:
    widget.setFocus()
    if replace:
        select_all = getattr(widget, "selectAll", None) or widget.lineEdit().selectAll
        select_all()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            # QTest types ASCII only; a key event carrying the text is what a keyboard sends.
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                )


def pick(qtbot, lookup: LookupEdit, text: str, row: int = 0) -> str:
    """Type into a lookup, wait for its list, choose a row with the keyboard; the row's text."""
    type_into(qtbot, lookup.line_edit, text, replace=True)
    popup = lookup.completer.popup()
    # A slow machine may list the choices for part of the text first; wait for the whole.
    qtbot.waitUntil(lambda: popup.isVisible() and lookup.searched_for == text)
    for _ in range(row + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    shown = popup.currentIndex().data()
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lookup.current_id() is not None)
    # The offscreen platform can leave the closed list as the active window.
    window = lookup.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return str(shown)


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered; offered: {items(combo)}"
    combo.setCurrentIndex(index)


def items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def message(dialog: OpportunityDialog, field: str) -> str:
    box = dialog.boxes[field]
    return box.message.text() if box.message.isVisible() else ""


def click_save(qtbot, dialog: OpportunityDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def fill_required(qtbot, dialog: OpportunityDialog, topic: str = "Golf for Rossi") -> None:
    type_into(qtbot, dialog.opportunity.topic, topic)
    pick(qtbot, dialog.opportunity.account, "Ross")


def answer_message_box(qtbot, button_text: str) -> list[str]:
    """Click `button_text` in the next modal message box, from inside its own event loop."""
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
        assert isinstance(button, QAbstractButton)
        button.click()

    QTimer.singleShot(0, click)
    return seen


def patch_question(monkeypatch, answer: QMessageBox.StandardButton) -> list[tuple[str, object]]:
    calls: list[tuple[str, object]] = []

    def question(parent, title, text, buttons, default=None):  # type: ignore[no-untyped-def]
        calls.append((text, buttons))
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return calls


def refuse_question(monkeypatch) -> None:
    def question(*args: object) -> None:
        raise AssertionError("nothing was changed, so closing must not ask")

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


# Creating and editing


def test_a_new_opportunity_is_created_from_all_four_sections(
    qtbot, user: UserInfo, site: Site
) -> None:
    dialog = open_form(qtbot, user)
    assert dialog.windowTitle() == "New opportunity"
    assert has_focus(dialog, dialog.opportunity.topic)

    section = dialog.opportunity
    type_into(qtbot, section.topic, "Golf GTI for the Rossi family")
    shown = pick(qtbot, section.account, "ross")
    assert "Rossi, Maria" in shown
    assert section.contact.currentText() == "Maria Rossi"  # her own contact, chosen for her
    type_into(qtbot, section.revenue.line_edit, "41,250.50")  # English, the screen's
    type_into(qtbot, section.accessories.line_edit, "1200")
    type_into(qtbot, section.trade_in.line_edit, "8,000")
    choose(section.currency, "CHF")
    assert section.revenue.currency_label.text() == "CHF"
    assert section.owner.current_id() == user.id
    choose(section.stage, "Quotation")
    choose(section.channel, "Walk-in")
    type_into(qtbot, section.source, "Spring open day")
    type_into(qtbot, section.description, "Wants it before the summer.")

    branding = dialog.branding
    choose(branding.interest, "Finance")
    choose(branding.condition, "New")
    type_into(qtbot, branding.levels["brand"], "Volkswagen")
    choose(branding.levels["vehicle_class"], "Compact")
    choose(branding.levels["model"], "Golf")
    choose(branding.levels["model_code"], "CD1")
    choose(branding.levels["variant"], "GTI")

    device = dialog.device
    shown = pick(qtbot, device.vehicle, "N-100")
    assert "N-1001" in shown  # the vehicle fitting the branding comes first
    assert message(dialog, "vehicle_id") == ""
    device.delivery.setFocus()
    qtbot.keyClick(device.delivery, Qt.Key.Key_Up)  # an empty date starts from today
    assert device.delivery.date_value() == TODAY

    assignment = dialog.assignment
    assert not assignment.facility.isEnabled()
    choose(assignment.business, "Alpen Auto")
    assert items(assignment.facility) == ["—", "Hall in Tirol", "Innsbruck"]
    choose(assignment.facility, "Innsbruck")
    assert items(assignment.operation) == ["—", "New-vehicle sales", "Used-vehicle sales"]
    choose(assignment.operation, "New-vehicle sales")

    with qtbot.waitSignal(dialog.saved) as saved:
        click_save(qtbot, dialog)
    new_id = saved.args[0]
    detail = opportunities.get(new_id)
    assert detail.topic == "Golf GTI for the Rossi family"
    assert detail.account_id == site.rossi and detail.primary_contact_id is not None
    assert detail.est_close_date == default_close_date(TODAY)
    assert (detail.est_revenue, detail.est_revenue_accessories, detail.est_trade_in) == (
        Decimal("41250.50"),
        Decimal("1200.00"),
        Decimal("8000.00"),
    )
    assert detail.currency == "CHF" and detail.owner_id == user.id
    assert detail.stage_name == "Quotation" and detail.probability is None
    assert (detail.channel, detail.source) == ("walk_in", "Spring open day")
    assert detail.description == "Wants it before the summer."
    assert (detail.interest, detail.condition) == ("finance", "new")
    assert (detail.brand, detail.vehicle_class, detail.model) == ("Volkswagen", "Compact", "Golf")
    assert (detail.model_code, detail.variant) == ("CD1", "GTI")
    assert detail.vehicle_id == site.golf and detail.scheduled_delivery == TODAY
    assert (detail.business_id, detail.facility_id, detail.operation_id) == (
        site.business,
        site.facility,
        site.operation,
    )
    assert dialog.windowTitle() == f"Opportunity #{new_id} — Golf GTI for the Rossi family"
    assert not dialog.is_modified()
    assert section.revenue.text() == "41,250.50"


def test_an_opportunity_is_edited_and_saved_with_ctrl_s(qtbot, user: UserInfo, site: Site) -> None:
    created = factories.opportunity(user.id, site.rossi, topic="Golf for Rossi", brand="Volkswagen")
    dialog = open_form(qtbot, user, created.id)
    assert dialog.windowTitle() == f"Opportunity #{created.id} — Golf for Rossi"
    assert dialog.opportunity.revenue.text() == "31,500.00"
    # A standard process moves one stage at a time: no skipping to Contract.
    assert items(dialog.opportunity.stage) == ["Interest", "Quotation"]

    type_into(qtbot, dialog.opportunity.topic, "Golf GTI for Rossi", replace=True)
    type_into(qtbot, dialog.opportunity.revenue.line_edit, "33000", replace=True)
    choose(dialog.opportunity.stage, "Quotation")
    assert dialog.is_modified()
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(dialog.opportunity.topic, Qt.Key.Key_S, CTRL)

    detail = opportunities.get(created.id)
    assert detail.topic == "Golf GTI for Rossi"
    assert detail.est_revenue == Decimal("33000.00")
    assert detail.stage_name == "Quotation"
    assert detail.brand == "Volkswagen"  # untouched fields stay as they were
    assert detail.version == created.version + 1
    assert dialog.isVisible() and not dialog.is_modified()
    assert dialog.windowTitle() == f"Opportunity #{created.id} — Golf GTI for Rossi"
    assert items(dialog.opportunity.stage) == ["Interest", "Quotation", "Contract"]


def test_fields_the_form_does_not_show_survive_a_save(qtbot, user: UserInfo, site: Site) -> None:
    without_stages = next(
        k.id for k in reference.opportunity_kinds() if k.label == "Without stages"
    )
    created = factories.opportunity(user.id, site.rossi, kind_id=without_stages, stage_id=None)
    dialog = open_form(qtbot, user, created.id)
    assert not dialog.opportunity.stage.isEnabled()
    type_into(qtbot, dialog.opportunity.probability, "35", replace=True)
    assert dialog.save()
    detail = opportunities.get(created.id)
    assert detail.kind_id == without_stages and detail.stage_id is None
    assert detail.probability == 35


def test_an_opportunity_from_a_lead_keeps_its_lead_and_may_stay_at_qualify(
    qtbot, user: UserInfo, site: Site
) -> None:
    lead = leads.create(
        leads.LeadInput(
            last_name="Rossi", email="m.rossi@example.it", brand="Volkswagen", model="Golf"
        )
    )
    converted = leads.convert(lead.id, account_id=site.rossi)
    dialog = open_form(qtbot, user, converted.opportunity_id)
    assert dialog.opportunity.stage.currentText() == "Qualify"
    assert items(dialog.opportunity.stage) == ["Qualify", "Interest"]
    type_into(qtbot, dialog.opportunity.source, "Web form")
    assert dialog.save()
    detail = opportunities.get(converted.opportunity_id)
    assert detail.lead_id == lead.id and detail.stage_name == "Qualify"

    # Only a lead's opportunity starts at Qualify; one typed in starts later.
    dialog = open_form(qtbot, user)
    assert "Qualify" not in items(dialog.opportunity.stage)


# Refusals


def test_a_refused_save_keeps_the_input_and_says_what_to_fix_at_each_field(
    qtbot, user: UserInfo, site: Site
) -> None:
    dialog = open_form(qtbot, user)
    section = dialog.opportunity
    type_into(qtbot, section.revenue.line_edit, "-5")
    type_into(qtbot, section.accessories.line_edit, "12,5x")
    type_into(qtbot, section.trade_in.line_edit, "250000000")
    type_into(qtbot, section.source, "Phone call")
    type_into(qtbot, dialog.branding.levels["brand"], "Volkswagen")
    type_into(qtbot, dialog.device.vehicle.line_edit, "WVWZZZCDZRW01234")  # one character short
    dialog.device.delivery.set_date_value(TODAY - timedelta(days=1))

    with qtbot.assertNotEmitted(dialog.saved):
        click_save(qtbot, dialog)

    assert m.Opportunity.select().count() == 0
    assert dialog.isVisible()
    assert "cannot be empty" in message(dialog, "topic")
    assert "customer" in message(dialog, "account_id").lower()
    assert "cannot be negative" in message(dialog, "est_revenue")
    assert "not an amount" in message(dialog, "est_revenue_accessories")
    assert "more than any sale" in message(dialog, "est_trade_in")
    assert "17 characters" in message(dialog, "vehicle_id")
    assert "in the past" in message(dialog, "scheduled_delivery")
    assert dialog.boxes["topic"].message.is_error
    assert message(dialog, "source") == ""
    assert "Not saved" in dialog.message.text()
    # Every value as typed, and the first field to fix has the focus.
    assert section.revenue.text() == "-5"
    assert section.accessories.text() == "12,5x"
    assert section.trade_in.text() == "250000000"
    assert section.source.text() == "Phone call"
    assert dialog.branding.levels["brand"].currentText() == "Volkswagen"
    assert dialog.device.vehicle.text() == "WVWZZZCDZRW01234"
    assert dialog.device.delivery.date_value() == TODAY - timedelta(days=1)
    assert has_focus(dialog, section.topic)

    # Fixing the fields makes the same form save.
    fill_required(qtbot, dialog)
    assert message(dialog, "topic") == ""  # the message goes once there is a topic
    for edit in (section.revenue, section.accessories, section.trade_in):
        type_into(qtbot, edit.line_edit, "100", replace=True)
    dialog.device.vehicle.line_edit.clear()
    dialog.device.delivery.clear_date()
    assert dialog.save()
    assert m.Opportunity.select().count() == 1


def test_a_wrong_check_digit_only_warns(qtbot, user: UserInfo, site: Site) -> None:
    wrong = GOLF_VIN[:8] + ("1" if GOLF_VIN[8] != "1" else "2") + GOLF_VIN[9:]
    odd = m.Vehicle.create(
        vin=wrong, stock_number="U-7", condition="used", brand="Volkswagen", model="Polo"
    )
    dialog = open_form(qtbot, user)
    fill_required(qtbot, dialog)
    type_into(qtbot, dialog.device.vehicle.line_edit, wrong.lower())
    assert dialog.save()
    detail = opportunities.get(dialog.opportunity_id or 0)
    assert detail.vehicle_id == odd.id
    assert "check digit" in message(dialog, "vehicle_id")
    assert not dialog.boxes["vehicle_id"].message.is_error
    # The branding was empty, so the vehicle filled it.
    assert (detail.condition, detail.brand, detail.model) == ("used", "Volkswagen", "Polo")


def test_a_typed_vin_is_checked_when_the_user_moves_on(qtbot, user: UserInfo, site: Site) -> None:
    dialog = open_form(qtbot, user)
    vehicle = dialog.device.vehicle
    type_into(qtbot, vehicle.line_edit, GOLF_VIN[:16])
    assert message(dialog, "vehicle_id") == ""  # not while typing
    qtbot.keyClick(vehicle.line_edit, Qt.Key.Key_Return)
    assert "17 characters; this one has 16" in message(dialog, "vehicle_id")
    type_into(qtbot, vehicle.line_edit, vin.with_check_digit("WVWZZZCDZRW099999"), replace=True)
    qtbot.keyClick(vehicle.line_edit, Qt.Key.Key_Return)
    assert "No vehicle in stock has the VIN" in message(dialog, "vehicle_id")
    assert vehicle.current_id() is None


def test_a_reserved_vehicle_cannot_be_taken_and_the_form_names_the_holder(
    qtbot, user: UserInfo, site: Site
) -> None:
    holder = factories.opportunity(
        user.id, site.rossi, topic="Golf GTI for Rossi", vehicle_id=site.golf
    )
    dialog = open_form(qtbot, user)
    fill_required(qtbot, dialog, "Golf for Bauer")
    shown = pick(qtbot, dialog.device.vehicle, "N-1001")
    assert f"reserved by #{holder.id}" in shown
    said = message(dialog, "vehicle_id")
    assert f"#{holder.id}" in said and "Golf GTI for Rossi" in said
    assert dialog.boxes["vehicle_id"].message.is_error

    assert not dialog.save()
    said = message(dialog, "vehicle_id")
    assert f"#{holder.id}" in said and "Golf GTI for Rossi" in said
    assert has_focus(dialog, dialog.device.vehicle.line_edit)
    assert m.Opportunity.select().count() == 1

    # Free when picked, taken by another desk before the save: the service refuses it.
    pick(qtbot, dialog.device.vehicle, "N-1002")
    assert message(dialog, "vehicle_id") == ""
    other = factories.opportunity(
        user.id, site.rossi, topic="Tiguan at desk 2", vehicle_id=site.tiguan
    )
    assert not dialog.save()
    said = message(dialog, "vehicle_id")
    assert f"#{other.id}" in said and "Tiguan at desk 2" in said
    assert dialog.device.vehicle.current_id() == site.tiguan


def test_the_holder_keeps_its_own_vehicle(qtbot, user: UserInfo, site: Site) -> None:
    holder = factories.opportunity(user.id, site.rossi, vehicle_id=site.golf)
    dialog = open_form(qtbot, user, holder.id)
    assert "N-1001" in dialog.device.vehicle.text()
    assert message(dialog, "vehicle_id") == ""
    type_into(qtbot, dialog.opportunity.topic, " (GTI)")
    assert dialog.save()
    assert opportunities.get(holder.id).vehicle_id == site.golf


# Pickers


def test_each_branding_picker_offers_what_fits_the_one_before(
    qtbot, user: UserInfo, site: Site
) -> None:
    dialog = open_form(qtbot, user)
    levels = dialog.branding.levels
    assert items(levels["brand"]) == ["Volkswagen", "Škoda"]
    assert items(levels["model"]) == ["Golf", "Octavia", "Tiguan"]  # nothing picked yet

    type_into(qtbot, levels["brand"], "volkswagen")
    assert items(levels["vehicle_class"]) == ["Compact", "SUV"]
    assert items(levels["model"]) == ["Golf", "Tiguan"]
    choose(levels["vehicle_class"], "Compact")
    assert items(levels["model"]) == ["Golf"]
    choose(levels["model"], "Golf")
    assert items(levels["model_code"]) == ["CD1"]
    assert items(levels["variant"]) == ["GTI", "Life"]
    choose(levels["variant"], "Life")

    # Another brand: what no longer fits is emptied, what still fits stays.
    type_into(qtbot, levels["brand"], "Škoda", replace=True)
    assert items(levels["model"]) == ["Octavia"]
    assert levels["vehicle_class"].currentText() == "Compact"
    assert levels["model"].currentText() == ""
    assert levels["variant"].currentText() == ""

    # A brand the catalogue does not know: nothing offered, free text kept.
    type_into(qtbot, levels["brand"], "Lada", replace=True)
    assert items(levels["model"]) == []
    type_into(qtbot, levels["model"], "Niva")
    type_into(qtbot, levels["variant"], "Legend 4x4")
    fill_required(qtbot, dialog, "Niva for the farm")
    assert dialog.save()
    detail = opportunities.get(dialog.opportunity_id or 0)
    assert (detail.brand, detail.model, detail.variant) == ("Lada", "Niva", "Legend 4x4")


def test_the_vehicle_list_puts_the_branding_first_and_fills_empty_branding(
    qtbot, user: UserInfo, site: Site
) -> None:
    dialog = open_form(qtbot, user)
    type_into(qtbot, dialog.branding.levels["model"], "Tiguan")
    dialog.device.vehicle.line_edit.setFocus()
    qtbot.keyClick(dialog.device.vehicle.line_edit, Qt.Key.Key_Down)
    popup = dialog.device.vehicle.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    listed = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert "N-1002" in listed[0] and "N-1001" in listed[1]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.device.vehicle.current_id() == site.tiguan
    levels = dialog.branding.levels
    assert levels["brand"].currentText() == "Volkswagen"
    assert levels["model"].currentText() == "Tiguan"  # typed by the user, kept
    assert levels["variant"].currentText() == "Elegance"
    assert dialog.branding.condition.current_code() == "new"
    # Typing over the pick undoes it, so the field never means another vehicle.
    type_into(qtbot, dialog.device.vehicle.line_edit, "x")
    assert dialog.device.vehicle.current_id() is None


def test_probability_follows_the_stage_until_typed_and_reset_returns_it(
    qtbot, user: UserInfo, site: Site
) -> None:
    dialog = open_form(qtbot, user)
    section = dialog.opportunity
    assert items(section.stage) == ["Interest", "Quotation", "Contract", "Delivery"]
    assert section.probability.value() == 20
    assert section.probability_hint.text() == "follows the stage"
    assert section.probability_reset.isHidden()
    choose(section.stage, "Quotation")
    assert section.probability.value() == 40

    type_into(qtbot, section.probability, "55", replace=True)
    assert section.probability.value() == 55 and section.probability_by_hand()
    choose(section.stage, "Contract")
    assert section.probability.value() == 55
    assert section.probability_hint.text() == "typed by hand"
    assert not section.probability_reset.isHidden()
    assert "75" in section.probability_reset.text()

    qtbot.mouseClick(section.probability_reset, Qt.MouseButton.LeftButton)
    assert section.probability.value() == 75 and not section.probability_by_hand()
    choose(section.stage, "Delivery")
    assert section.probability.value() == 90

    type_into(qtbot, section.probability, "60", replace=True)
    fill_required(qtbot, dialog)
    assert dialog.save()
    saved_id = dialog.opportunity_id or 0
    assert opportunities.get(saved_id).probability == 60
    qtbot.mouseClick(section.probability_reset, Qt.MouseButton.LeftButton)
    assert dialog.save()
    detail = opportunities.get(saved_id)
    assert detail.probability is None
    assert opportunities.effective_probability(detail) == 90


def test_assignment_pickers_offer_what_belongs_to_the_one_before(
    qtbot, user: UserInfo, site: Site
) -> None:
    created = factories.opportunity(
        user.id,
        site.rossi,
        business_id=site.business,
        facility_id=site.facility,
        operation_id=site.operation,
    )
    dialog = open_form(qtbot, user, created.id)
    assignment = dialog.assignment
    assert assignment.operation.currentText() == "New-vehicle sales"
    choose(assignment.business, "Bergland Motors")
    assert items(assignment.facility) == ["—", "Kufstein"]
    assert assignment.facility.current_id() is None
    assert assignment.operation.current_id() is None and not assignment.operation.isEnabled()
    assert dialog.save()
    detail = opportunities.get(created.id)
    assert detail.facility_id is None and detail.operation_id is None


def test_the_further_salespeople_read_whole_beside_the_menu_arrow(
    qtbot, user: UserInfo, site: Site
) -> None:
    dialog = open_form(qtbot, user, None)
    picker = dialog.assignment.salespeople
    arrow = picker.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, picker)
    text = picker.fontMetrics().horizontalAdvance(picker.text())
    assert picker.width() >= text + arrow + 12


# Closing, conflicts, read-only


def test_closing_with_unsaved_changes_asks_first(
    qtbot, user: UserInfo, site: Site, monkeypatch
) -> None:
    dialog = open_form(qtbot, user)
    type_into(qtbot, dialog.opportunity.topic, "Half typed")

    calls = patch_question(monkeypatch, CANCEL)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(calls) == 1 and dialog.isVisible()
    assert calls[0][1] == SAVE | DISCARD | CANCEL
    assert "Half typed" in calls[0][0]
    assert dialog.opportunity.topic.text() == "Half typed"

    # Save, but the save is refused (no customer): the form stays open with the input.
    calls = patch_question(monkeypatch, SAVE)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert len(calls) == 1 and dialog.isVisible()
    assert message(dialog, "account_id")

    calls = patch_question(monkeypatch, DISCARD)
    dialog.close()
    assert len(calls) == 1 and not dialog.isVisible()
    assert m.Opportunity.select().count() == 0


def test_save_from_the_question_saves_and_closes(
    qtbot, user: UserInfo, site: Site, monkeypatch
) -> None:
    created = factories.opportunity(user.id, site.rossi)
    dialog = open_form(qtbot, user, created.id)
    refuse_question(monkeypatch)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing changed: closes at once
    assert not dialog.isVisible()

    dialog = open_form(qtbot, user, created.id)
    type_into(qtbot, dialog.opportunity.source, "Referral from the Bauers")
    patch_question(monkeypatch, SAVE)
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert opportunities.get(created.id).source == "Referral from the Bauers"


def test_a_conflict_shows_what_changed_and_offers_reload_or_keep_editing(
    qtbot, user: UserInfo, site: Site
) -> None:
    created = factories.opportunity(user.id, site.rossi, topic="Golf for Rossi")
    dialog = open_form(qtbot, user, created.id)
    type_into(qtbot, dialog.opportunity.topic, "Mine: Golf GTI", replace=True)
    elsewhere = opportunities.get(created.id)
    elsewhere.topic = "Theirs: Golf Variant"
    opportunities.update(created.id, elsewhere, elsewhere.version)

    seen = answer_conflict("keep")
    assert not dialog.save()
    [topic] = [c for c in seen[0] if c.name == "topic"]
    assert (topic.opened, topic.theirs, topic.yours) == (
        "Golf for Rossi",
        "Theirs: Golf Variant",
        "Mine: Golf GTI",
    )
    assert topic.clash
    assert dialog.opportunity.topic.text() == "Mine: Golf GTI"
    assert opportunities.get(created.id).topic == "Theirs: Golf Variant"

    answer_conflict("reload")
    assert not dialog.save()
    assert dialog.opportunity.topic.text() == "Theirs: Golf Variant"
    assert not dialog.is_modified()
    dialog.opportunity.topic.setFocus()
    qtbot.keyClick(dialog.opportunity.topic, Qt.Key.Key_End)
    type_into(qtbot, dialog.opportunity.topic, " (agreed)")
    assert dialog.save()
    assert opportunities.get(created.id).topic == "Theirs: Golf Variant (agreed)"


def test_saving_mine_over_theirs_keeps_their_other_changes(
    qtbot, user: UserInfo, site: Site
) -> None:
    created = factories.opportunity(user.id, site.rossi, topic="Golf for Rossi")
    dialog = open_form(qtbot, user, created.id)
    type_into(qtbot, dialog.opportunity.topic, "Mine: Golf GTI", replace=True)
    elsewhere = opportunities.get(created.id)
    elsewhere.topic = "Theirs: Golf Variant"
    elsewhere.source = "Their source"
    opportunities.update(created.id, elsewhere, elsewhere.version)

    seen = answer_conflict("overwrite")
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    names = {c.name: c for c in seen[0]}
    assert names["source"].changed_by_them and not names["source"].changed_by_you
    saved = opportunities.get(created.id)
    assert (saved.topic, saved.source) == ("Mine: Golf GTI", "Their source")
    assert dialog.opportunity.topic.text() == "Mine: Golf GTI"
    assert dialog.version == saved.version


def test_a_closed_opportunity_opens_read_only(
    qtbot, user: UserInfo, site: Site, monkeypatch
) -> None:
    created = factories.opportunity(user.id, site.rossi, topic="Delivered Golf")
    m.Opportunity.update(status="won").where(m.Opportunity.id == created.id).execute()
    dialog = open_form(qtbot, user, created.id)
    assert dialog.read_only
    assert "won" in dialog.banner.text() and dialog.banner.isVisible()
    assert dialog.opportunity.topic.isReadOnly()
    assert not dialog.branding.levels["brand"].isEnabled()
    assert not dialog.assignment.business.isEnabled()
    assert dialog.device.vehicle.line_edit.isReadOnly()
    assert dialog.save_button.isHidden() and dialog.save_close_button.isHidden()
    qtbot.keyClicks(dialog.opportunity.topic, "more")
    assert dialog.opportunity.topic.text() == "Delivered Golf"
    assert not dialog.save()
    refuse_question(monkeypatch)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_tab_order_follows_the_form(qtbot, user: UserInfo, site: Site) -> None:
    dialog = open_form(qtbot, user)
    section = dialog.opportunity
    section.topic.setFocus()
    expected = [
        section.account.line_edit,
        section.new_account_button,
        section.contact,
        section.close_date,
        section.revenue.line_edit,
        section.accessories.line_edit,
    ]
    for widget in expected:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert has_focus(dialog, widget)


# The new-customer dialog


def _account_dialog(qtbot, dialog: OpportunityDialog) -> AccountDialog:
    qtbot.mouseClick(dialog.opportunity.new_account_button, Qt.MouseButton.LeftButton)
    account_dialog = dialog.opportunity.account_dialog
    assert account_dialog is not None
    qtbot.waitExposed(account_dialog)
    return account_dialog


def test_a_customer_is_created_inline_and_refusals_show_at_the_fields(
    qtbot, user: UserInfo, site: Site
) -> None:
    dialog = open_form(qtbot, user)
    type_into(qtbot, dialog.opportunity.account.line_edit, "Jürgen Weiß")
    account_dialog = _account_dialog(qtbot, dialog)
    edits = account_dialog.edits
    assert (edits["first_name"].text(), edits["last_name"].text()) == ("Jürgen", "Weiß")
    type_into(qtbot, edits["email"], "juergen@")
    type_into(qtbot, edits["phone"], "0512 abc")
    qtbot.mouseClick(account_dialog.create_button, Qt.MouseButton.LeftButton)
    boxes = account_dialog.boxes
    assert account_dialog.isVisible()
    assert "e-mail address" in boxes["email"].message.text()
    assert boxes["phone"].message.text()
    assert edits["email"].text() == "juergen@"

    type_into(qtbot, edits["email"], "juergen.weiss@example.at", replace=True)
    type_into(qtbot, edits["phone"], "+43 512 123456", replace=True)
    type_into(qtbot, edits["city"], "Innsbruck")
    qtbot.mouseClick(account_dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.opportunity.account.current_id() is not None)
    account = m.Account.get(m.Account.last_name == "Weiß")
    assert dialog.opportunity.account.current_id() == account.id
    assert "Weiß, Jürgen" in dialog.opportunity.account.text()
    assert dialog.opportunity.contact.currentText() == "Jürgen Weiß"
    type_into(qtbot, dialog.opportunity.topic, "Tiguan for Weiß")
    assert dialog.save()
    assert opportunities.get(dialog.opportunity_id or 0).account_id == account.id


def test_a_look_alike_customer_can_be_used_instead(qtbot, user: UserInfo, site: Site) -> None:
    dialog = open_form(qtbot, user)
    account_dialog = _account_dialog(qtbot, dialog)
    edits = account_dialog.edits
    type_into(qtbot, edits["first_name"], "maria")
    type_into(qtbot, edits["last_name"], "ROSSI")
    qtbot.mouseClick(account_dialog.create_button, Qt.MouseButton.LeftButton)
    assert account_dialog.duplicates_panel.isVisible()
    assert "Rossi, Maria" in account_dialog.duplicates_list.item(0).text()
    qtbot.mouseClick(account_dialog.use_button, Qt.MouseButton.LeftButton)
    assert dialog.opportunity.account.current_id() == site.rossi
    assert m.Account.select().count() == 1


def test_a_removed_opportunity_opens_read_only_saying_so(qtbot, user: UserInfo) -> None:
    dialog = open_form(qtbot, user, 4242)
    assert dialog.read_only and dialog.banner.isVisible()
    assert "#4242 no longer exists" in dialog.banner.text()
    assert dialog.windowTitle().startswith("Opportunity #4242")
    assert not dialog.tabs.isEnabled()


def test_an_opportunity_removed_meanwhile_is_saved_as_a_new_one_when_asked(
    qtbot, user: UserInfo, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = factories.opportunity(user.id, site.rossi, topic="Golf for Rossi")
    dialog = open_form(qtbot, user, created.id)
    type_into(qtbot, dialog.opportunity.topic, "Golf GTI for Rossi", replace=True)
    dialog.opportunity_id = 4242  # as if it had been removed elsewhere since it was opened

    asked = patch_question(monkeypatch, NO)
    assert not dialog.save()
    assert asked[0][0] == (
        "Opportunity #4242 no longer exists. Save what is in the form as a new opportunity?"
    )
    assert dialog.message.text() == "Not saved: Opportunity #4242 no longer exists."
    assert dialog.opportunity.topic.text() == "Golf GTI for Rossi"

    patch_question(monkeypatch, YES)
    with qtbot.waitSignal(dialog.saved) as saved:
        assert dialog.save()
    assert saved.args[0] not in (created.id, 4242)
    assert opportunities.get(saved.args[0]).topic == "Golf GTI for Rossi"
