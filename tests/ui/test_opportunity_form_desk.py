"""The opportunity form with the customer at the desk (issue 16): how to reach them at the
top, the primary demand, a form that fits a laptop, and a far close date asked about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QRect, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app import i18n
from app.db import models as m
from app.domain import dates
from app.services import accounts, demand, opportunities
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.shipped_catalogue import use_shipped
from ui.opportunities.opportunity_form import OpportunityDialog

YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No


def open_form(qtbot, user: UserInfo, opportunity_id: int | None) -> OpportunityDialog:  # type: ignore[no-untyped-def]
    dialog = OpportunityDialog(opportunity_id, user.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


class _Handler(QObject):
    """Stands in for the system's phone and mail programs: what they were asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def handler() -> _Handler:
    handler = _Handler()
    for scheme in ("tel", "mailto"):
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in ("tel", "mailto"):
        QDesktopServices.unsetUrlHandler(scheme)


def test_the_customer_s_phones_and_e_mails_are_at_the_top_and_open_the_system_programs(
    qtbot, user: UserInfo, handler: _Handler
) -> None:
    rossi = factories.customer("Rossi", "Maria", phone="+39 02 1234 5678", email="m@rossi.it")
    luca = accounts.add_contact(
        rossi, accounts.ContactInput("Luca", "Rossi", email="luca@rossi.it", phone="0171 555 12")
    ).id
    sale = factories.opportunity(user.id, rossi, primary_contact_id=luca).id
    dialog = open_form(qtbot, user, sale)

    strip = dialog.reach
    assert strip.isVisible()
    text = strip.label.text()
    for shown in ("+39 02 1234 5678", "m@rossi.it", "Luca Rossi", "luca@rossi.it", "0171 555 12"):
        assert shown in text
    # The links the label offers open the system's programs, not a browser page.
    strip.label.linkActivated.emit("tel:+390212345678")
    strip.open_link("mailto:luca@rossi.it")
    assert handler.opened == ["tel:+390212345678", "mailto:luca@rossi.it"]
    assert 'href="tel:+390212345678"' in text and 'href="mailto:m@rossi.it"' in text
    # Copyable: the button puts all of it on the clipboard, and the text can be selected.
    strip.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "+39 02 1234 5678" in copied and "luca@rossi.it" in copied


def test_primary_demand_is_edited_on_the_opportunity_and_a_wrong_price_is_kept(
    qtbot, user: UserInfo
) -> None:
    sale = factories.opportunity(user.id).id
    dialog = open_form(qtbot, user, sale)
    tab = dialog.demand_tab
    dialog.tabs.setCurrentWidget(tab)
    editor = tab.editor
    editor.add_button.click()
    editor.table.item(0, 1).setText("Golf GTI, white")
    editor.table.item(0, 2).setText("lots")
    editor.add_button.click()
    editor.table.cellWidget(1, 0).set_current_code("financing")
    editor.table.item(1, 1).setText("48 months, 10,000 down")
    editor.table.item(1, 3).setText("wants a low rate")
    assert not tab.save()
    assert "Line 1" in editor.message.text() and editor.table.item(0, 2).text() == "lots"
    assert demand.of_opportunity(sale) == []

    editor.table.item(0, 2).setText("38000")
    assert tab.save()
    saved = demand.of_opportunity(sale)
    assert [(x.kind, x.description, x.expected_price, x.comment) for x in saved] == [
        ("vehicle", "Golf GTI, white", Decimal("38000.00"), ""),
        ("financing", "48 months, 10,000 down", None, "wants a low rate"),
    ]
    # Read back when the form opens again and the tab is shown.
    again = open_form(qtbot, user, sale)
    again.tabs.setCurrentWidget(again.demand_tab)
    assert again.demand_tab.editor.table.rowCount() == 2
    # A line typed and not saved yet stays when the form's fields are saved.
    again.demand_tab.editor.add_button.click()
    again.demand_tab.editor.table.item(2, 1).setText("Tow bar")
    again.opportunity.topic.setText("Golf GTI for Rossi")
    assert again.save()
    assert again.demand_tab.editor.table.item(2, 1).text() == "Tow bar"


class _Screen:
    def __init__(self, width: int, height: int) -> None:
        self._rect = QRect(0, 0, width, height)

    def availableGeometry(self) -> QRect:
        return self._rect


@pytest.fixture
def language(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The screen's language: English, or another from its shipped catalogue."""
    if request.param == i18n.SOURCE_LANGUAGE:
        yield request.param
        return
    shipped = use_shipped(tmp_path, monkeypatch, request.param)
    next(shipped)
    yield request.param
    next(shipped, None)


@pytest.mark.parametrize("language", ["en", "de"], indirect=True)
@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
def test_the_everyday_fields_show_without_scrolling(
    qtbot,
    user: UserInfo,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    height: int,
    language: str,
) -> None:
    monkeypatch.setattr(OpportunityDialog, "screen", lambda self: _Screen(width, height))
    car = m.Vehicle.create(
        vin="WVWZZZCDZSW123456",
        stock_number="N-10001",
        condition="new",
        brand="Volkswagen",
        model="Golf",
        variant="GTI",
        colour="Kings Red",
    )
    sale = factories.opportunity(user.id, vehicle_id=car.id).id
    dialog = open_form(qtbot, user, sale)
    assert dialog.width() <= width and dialog.height() <= height
    area = dialog.scroll_area
    assert area.verticalScrollBar().maximum() == 0  # nothing to scroll to
    viewport = area.viewport()
    everyday = [
        dialog.opportunity.topic,
        dialog.opportunity.account,
        dialog.opportunity.close_date,
        dialog.opportunity.revenue,
        dialog.opportunity.stage,
        dialog.branding.levels["brand"],
        dialog.branding.levels["model"],
        dialog.device.vehicle,
        dialog.assignment.operation,
    ]
    for field in everyday:
        assert field.isVisible()
        top_left = field.mapTo(viewport, field.rect().topLeft())
        bottom = top_left.y() + field.height()
        assert top_left.y() >= 0 and bottom <= viewport.height(), field
    # The Vehicle field shows the VIN and the stock number uncut.
    edit = dialog.device.vehicle.line_edit
    shown = edit.fontMetrics().horizontalAdvance(edit.text())
    assert "WVWZZZCDZSW123456" in edit.text() and "N-10001" in edit.text()
    assert shown <= edit.contentsRect().width()
    if width >= 1900:
        # A wide screen shows the tabs beside the sections, in German's longer words too:
        # no tab is wider than the room the sections leave.
        assert dialog.pages is None and dialog.tabs.isVisible()
        for index in range(dialog.tabs.count()):
            page = dialog.tabs.widget(index)
            assert page.minimumSizeHint().width() <= dialog.tabs.width(), dialog.tabs.tabText(index)
    else:
        # A laptop shows them as two pages.
        assert dialog.pages is not None


def test_the_way_to_pay_is_not_called_interest(qtbot, user: UserInfo) -> None:
    dialog = open_form(qtbot, user, factories.opportunity(user.id).id)
    buddy = dialog.branding.form.labelForField(dialog.branding.boxes["interest"])
    assert buddy.text().replace("&", "") == "Payment method"


def test_a_close_date_more_than_five_years_ahead_is_asked_about(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale = factories.opportunity(user.id)
    dialog = open_form(qtbot, user, sale.id)
    asked: list[str] = []
    answers = [NO, YES]

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    # 31012027 typed as a date: the year 3101.
    dialog.opportunity.close_date.set_date_value(date(3101, 1, 20))
    assert not dialog.save()
    assert "more than 5 years ahead" in asked[0]
    assert opportunities.get(sale.id).est_close_date == sale.est_close_date
    assert dialog.opportunity.close_date.date_value() == date(3101, 1, 20)  # kept as typed

    assert dialog.save()  # asked again, and confirmed
    assert opportunities.get(sale.id).est_close_date == date(3101, 1, 20)
    assert len(asked) == 2
    # A date within five years is not asked about.
    dialog.opportunity.close_date.set_date_value(dates.add_months(date.today(), 12))
    assert dialog.save() and len(asked) == 2


def test_a_new_opportunity_for_a_customer_with_an_open_one_asks_and_keeps_the_reason(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_opportunity_form import fill_required
    from ui.common.second_sale_dialog import SecondSaleDialog

    rossi = factories.customer("Rossi", "Maria")
    first = factories.opportunity(user.id, rossi, topic="Golf for Rossi")
    monkeypatch.setattr(SecondSaleDialog, "exec", SecondSaleDialog.__base__.exec)
    dialog = open_form(qtbot, user, None)
    fill_required(qtbot, dialog, "Tiguan for Rossi")
    opened: list[int] = []
    dialog.open_other.connect(opened.append)

    def answer(act) -> None:  # type: ignore[no-untyped-def]
        def look() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, SecondSaleDialog):
                act(box)
            else:
                QTimer.singleShot(20, look)

        QTimer.singleShot(0, look)

    answer(lambda box: box.open_button.click())
    assert not dialog.save()
    assert opened == [first.id] and m.Opportunity.select().count() == 1
    assert dialog.opportunity.topic.text() == "Tiguan for Rossi"  # kept as typed

    def go_on(box) -> None:  # type: ignore[no-untyped-def]
        box.reason.setText("Company car besides the family car")
        box.go_on_button.click()

    answer(go_on)
    assert dialog.save()
    note = m.Activity.get(m.Activity.opportunity == dialog.opportunity_id)
    assert note.description == "Company car besides the family car"


def test_picking_a_stock_vehicle_proposes_its_list_price(qtbot, user: UserInfo) -> None:
    car = m.Vehicle.create(
        vin="WVWZZZCDZSW123456",
        stock_number="N-1001",
        condition="new",
        brand="Volkswagen",
        model="Golf",
        list_price_minor=3_450_000,
    )
    sale = factories.opportunity(user.id, est_revenue=Decimal(0)).id
    dialog = open_form(qtbot, user, sale)
    assert dialog.opportunity.revenue.text() == ""
    from app.services import catalogue

    [choice] = [c for c in catalogue.find_vehicles("N-1001") if c.id == car.id]
    dialog.device.vehicle.pick(choice.id, choice.label)
    dialog.device.vehicle_picked.emit(choice)
    assert dialog.opportunity.revenue.amount() == Decimal("34500.00")
    assert dialog.save()
    assert opportunities.get(sale).est_revenue == Decimal("34500.00")


def test_the_lead_s_primary_demand_is_edited_on_the_lead_and_shown_when_the_quote_is_drafted(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import leads, quotes
    from ui.leads.lead_form import LeadDialog
    from ui.quotes.quote_editor import QuoteDialog

    lead = leads.create(leads.LeadInput(first_name="Petra", last_name="Novak", email="p@n.cz"))
    form = LeadDialog(lead.id, user.id)
    qtbot.addWidget(form)
    form.show()
    editor = form.demand
    editor.add_button.click()
    editor.table.item(0, 1).setText("Octavia Combi, automatic")
    editor.table.item(0, 2).setText("32000")
    editor.table.item(0, 3).setText("needs a tow bar")
    assert form.save_demand()
    done = leads.convert(lead.id, confirmed_new=True)

    quote = quotes.create(done.opportunity_id)
    drafting = QuoteDialog(quote.id)
    qtbot.addWidget(drafting)
    drafting.show()
    assert drafting.demand_hint.isVisible()
    shown = drafting.demand_hint.text()
    assert "Octavia Combi, automatic" in shown and "32,000.00" in shown
    assert "needs a tow bar" in shown
    discard = QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: discard))
