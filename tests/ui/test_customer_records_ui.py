"""A customer's activities and documents, a lead's activities and the agenda's Mark done and
column widths, as a salesperson uses them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from app.db import models as m
from app.domain.reading import format_day
from app.services import activities, deals, leads, quotes
from app.services.activities import ActivityInput
from app.services.leads import LeadInput
from app.services.quotes import LineInput, QuoteInput
from app.services.workspace import UserInfo
from tests import factories
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.agenda import AgendaPage
from ui.activities.timeline import TimelineWidget
from ui.customers.customer_form import AccountFormDialog
from ui.leads.lead_form import LeadDialog
from ui.quotes.document_preview import DocumentPreviewDialog

LEFT = Qt.MouseButton.LeftButton
KEY_RETURN = Qt.Key.Key_Return
NOW = datetime.now().replace(second=0, microsecond=0)
YESTERDAY = NOW - timedelta(days=1)


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global NOW, YESTERDAY
    NOW = datetime.now().replace(second=0, microsecond=0)
    YESTERDAY = NOW - timedelta(days=1)


def _titles(timeline: TimelineWidget) -> list[str]:
    model = timeline.model
    return [model.index(row).data() for row in range(model.rowCount())]


def _select(timeline: TimelineWidget, title: str) -> None:
    timeline.view.setCurrentIndex(timeline.model.index(_titles(timeline).index(title)))


def _save(qtbot, dialog: ActivityDialog) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dialog.saved, timeout=2000):
        qtbot.mouseClick(dialog.save_button, LEFT)


def _log(kind: str, subject: str, at: datetime, **parent: int) -> int:
    data = ActivityInput(kind=kind, subject=subject, starts_at=at, done=kind == "note")
    for name, value in parent.items():
        setattr(data, f"{name}_id", value)
    return activities.create(data).id


@pytest.fixture
def open_form(qtbot, user: UserInfo):  # type: ignore[no-untyped-def]
    def make(account_id: int | None) -> AccountFormDialog:
        dialog = AccountFormDialog(account_id, current_user_id=user.id)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


# --- the customer's activities ------------------------------------------------------------------


def test_the_customer_form_lists_every_activity_and_logs_one_for_the_customer(
    qtbot, user: UserInfo, open_form
) -> None:
    maria = factories.customer()
    car = m.Vehicle.create(
        vin="WVWZZZCDZSW123456", stock_number="N-1", condition="new", brand="VW", model="Golf"
    )
    lead = leads.create(LeadInput(first_name="Maria", last_name="Rossi", email="m@example.it")).id
    _log("note", "Came in through the web form", YESTERDAY - timedelta(days=2), lead=lead)
    leads.convert(lead, account_id=maria)
    sale = factories.opportunity(user.id, maria, topic="Golf for Rossi", vehicle_id=car.id).id
    _log("note", "Trade-in has a dented door", YESTERDAY - timedelta(days=1), opportunity=sale)
    _log("note", "Prefers calls after 17:00", YESTERDAY, account=maria)
    dialog = open_form(maria)
    tab = dialog.tabs.indexOf(dialog.activities)
    assert dialog.tabs.tabText(tab) == "Ac&tivities (3)"
    dialog.tabs.setCurrentIndex(tab)
    assert _titles(dialog.activities) == [
        "Note: Prefers calls after 17:00",
        "Note: Trade-in has a dented door",
        "Note: Came in through the web form",
    ]

    call = dialog.activities.add_activity("call")
    assert isinstance(call, ActivityDialog)
    qtbot.keyClicks(call.subject, "Asked about winter tyres")
    call.direction.setCurrentIndex(call.direction.findData("in"))
    _save(qtbot, call)

    assert _titles(dialog.activities)[0] == "Call in: Asked about winter tyres"
    assert dialog.tabs.tabText(tab) == "Ac&tivities (4)"
    logged = m.Activity.get(m.Activity.subject == "Asked about winter tyres")
    assert (logged.account_id, logged.opportunity_id, logged.lead_id) == (maria, None, None)
    assert logged.owner_id == user.id


def test_a_customers_activity_of_a_closed_sale_opens_read_only(
    qtbot, user: UserInfo, open_form
) -> None:
    maria = factories.customer()
    closed = factories.opportunity(user.id, maria, topic="Polo for Rossi").id
    _log("task", "Send the brochure", YESTERDAY, opportunity=closed)
    deals.close_lost([closed], "Price")
    task = _log("task", "Call back about the service", YESTERDAY, account=maria)
    dialog = open_form(maria)
    timeline = dialog.activities

    _select(timeline, "Task: Send the brochure")
    assert timeline.open_button.isEnabled() and not timeline.done_button.isEnabled()
    opened = timeline.open_current()
    assert opened is not None and opened.read_only
    assert not opened.save_button.isVisibleTo(opened)
    opened.reject()

    _select(timeline, "Task: Call back about the service")
    assert timeline.done_button.isEnabled()
    qtbot.mouseClick(timeline.done_button, LEFT)
    assert activities.get(task).done
    assert all(b.isEnabled() for b in timeline.add_buttons.values())


def test_an_activity_saved_from_the_customer_form_refreshes_its_sales_not_the_typed_details(
    qtbot, user: UserInfo, open_form
) -> None:
    maria = factories.customer()
    car = m.Vehicle.create(
        vin="WVWZZZCDZSW123456", stock_number="N-1", condition="new", brand="VW", model="Golf"
    )
    sale = factories.opportunity(user.id, maria, topic="Golf for Rossi", vehicle_id=car.id).id
    task = _log("appointment", "Showroom visit", NOW + timedelta(days=1), opportunity=sale)
    dialog = open_form(maria)
    assert dialog.opportunities.item(0, 1).text() == "Interest"
    m.Opportunity.update(topic="Golf GTI for Rossi").where(m.Opportunity.id == sale).execute()
    dialog.fields.edits["city"].setText("Milano")  # typed, not saved

    opened = dialog.activities.open_activity(task)
    qtbot.keyClicks(opened.subject, " with the family")
    _save(qtbot, opened)

    assert dialog.opportunities.item(0, 0).text() == "Golf GTI for Rossi"
    assert dialog.fields.edits["city"].text() == "Milano" and dialog.is_modified()
    dialog._baseline = dialog.fields.state()


def test_a_new_customer_has_no_activities_or_documents_yet(open_form) -> None:
    dialog = open_form(None)
    for page in (dialog.activities, dialog.documents):
        assert not dialog.tabs.isTabEnabled(dialog.tabs.indexOf(page))
    assert not any(b.isEnabled() for b in dialog.activities.add_buttons.values())


# --- the customer's documents -------------------------------------------------------------------


def _quote(opportunity_id: int) -> int:
    draft = quotes.create(opportunity_id)
    line = LineInput("vehicle", "Volkswagen Golf", Decimal("1"), Decimal("25000"), Decimal("19"))
    return quotes.save(
        draft.id, QuoteInput(valid_until=draft.valid_until, lines=[line]), draft.version
    ).id


def test_the_customer_form_lists_its_documents_and_previews_them(
    qtbot, user: UserInfo, open_form, monkeypatch: pytest.MonkeyPatch
) -> None:
    m.Business.create(name="J&C Motors", kind="dealer", city="München")
    maria = factories.customer()
    car = m.Vehicle.create(
        vin="WVWZZZCDZSW123456", stock_number="N-1", condition="new", brand="VW", model="Golf"
    )
    sale = factories.opportunity(user.id, maria, topic="Golf for Rossi", vehicle_id=car.id).id
    first = _quote(sale)
    quotes.present(first)
    second = quotes.revise(first).id
    quotes.present(second)
    form_number = deals.accept_quote(second)
    _quote(factories.opportunity(user.id, maria, topic="Polo for Rossi").id)  # a draft
    previews: list[DocumentPreviewDialog] = []
    monkeypatch.setattr(DocumentPreviewDialog, "open", lambda self: previews.append(self))

    dialog = open_form(maria)
    tab = dialog.documents
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Doc&uments (3)"
    dialog.tabs.setCurrentWidget(tab)
    model = tab.model
    cells = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    today = format_day(date.today())
    golf = f"#{sale} Golf for Rossi"
    assert cells == [
        [form_number, "Order form", today, "Awaiting the customer's signature", "€29,750.00", golf],
        ["Q-00001 rev. 2", "Quote", today, "Accepted", "€29,750.00", golf],
        ["Q-00001", "Quote", today, "Revised", "€29,750.00", golf],
    ]  # fmt: skip
    assert not tab.preview_button.isEnabled() and not tab.empty.isVisibleTo(tab)

    tab.table.setCurrentIndex(model.index(1, 0))
    assert tab.preview_button.isEnabled()
    qtbot.mouseClick(tab.preview_button, LEFT)
    tab.table.setCurrentIndex(model.index(0, 0))
    tab.table.setFocus()
    qtbot.keyClick(tab.table, KEY_RETURN)

    assert [p.reference for p in previews] == ["Q-00001-r2", form_number]
    assert previews[0].document.pageCount() >= 1
    for preview in previews:
        preview.deleteLater()


def test_a_customer_without_documents_says_so(open_form) -> None:
    dialog = open_form(factories.customer())
    tab = dialog.documents
    dialog.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 0 and tab.empty.isVisibleTo(tab)
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Doc&uments"
    assert tab.preview_current() is None


# --- the lead's activities ----------------------------------------------------------------------


@pytest.fixture
def lead_form(qtbot, user: UserInfo):  # type: ignore[no-untyped-def]
    made: list[LeadDialog] = []

    def make(lead_id: int | None) -> LeadDialog:
        dialog = LeadDialog(lead_id, user.id)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:  # leave without the unsaved-changes question
        dialog._baseline = dialog.state()
        dialog.close()
        dialog.deleteLater()


def test_a_lead_logs_calls_and_tasks_once_it_is_saved(qtbot, user: UserInfo, lead_form) -> None:
    dialog = lead_form(None)
    timeline = dialog.activities
    dialog.tabs.setCurrentWidget(timeline)
    assert not any(b.isEnabled() for b in timeline.add_buttons.values())
    assert timeline.hint.text() == "Save the lead first to add activities."
    dialog.tabs.setCurrentIndex(0)
    qtbot.keyClicks(dialog.edits["last_name"], "Rossi")
    qtbot.keyClicks(dialog.edits["email"], "maria@example.it")
    assert dialog.save()
    dialog.tabs.setCurrentWidget(timeline)
    assert all(b.isEnabled() for b in timeline.add_buttons.values())
    assert not timeline.hint.isVisibleTo(timeline)

    call = timeline.add_activity("call")
    assert call is not None
    qtbot.keyClicks(call.subject, "Wants a lease over 36 months")
    call.direction.setCurrentIndex(call.direction.findData("out"))
    _save(qtbot, call)
    task = timeline.add_activity("task")
    assert task is not None
    qtbot.keyClicks(task.subject, "Send the lease offer")
    _save(qtbot, task)

    assert sorted(_titles(timeline)) == [
        "Call out: Wants a lease over 36 months",
        "Task: Send the lease offer",
    ]
    assert dialog.tabs.tabText(dialog.tabs.indexOf(timeline)) == "Ac&tivities (2)"
    lead_id = dialog.lead_id
    logged = m.Activity.get(m.Activity.subject == "Send the lease offer")
    assert (logged.lead_id, logged.opportunity_id, logged.account_id) == (lead_id, None, None)
    _select(timeline, "Task: Send the lease offer")
    qtbot.mouseClick(timeline.done_button, LEFT)
    assert activities.get(logged.id).done and not timeline.done_button.isEnabled()


def test_a_refused_save_from_the_activities_tab_shows_the_field_to_fix(
    qtbot, user: UserInfo, lead_form
) -> None:
    lead = leads.create(LeadInput(last_name="Rossi", email="maria@example.it")).id
    dialog = lead_form(lead)
    dialog.edits["email"].setText("not an address")
    dialog.tabs.setCurrentWidget(dialog.activities)
    assert not dialog.save()
    assert dialog.tabs.currentWidget() is dialog.scroll_area
    assert dialog.boxes["email"].message.isVisibleTo(dialog)


def test_a_converted_leads_activities_can_be_read_not_changed(
    qtbot, user: UserInfo, lead_form
) -> None:
    lead = leads.create(LeadInput(last_name="Rossi", email="maria@example.it")).id
    task = _log("task", "Call back", YESTERDAY, lead=lead)
    leads.convert(lead, confirmed_new=True)
    dialog = lead_form(lead)
    timeline = dialog.activities
    dialog.tabs.setCurrentWidget(timeline)

    assert not any(b.isEnabled() for b in timeline.add_buttons.values())
    assert "converted" in timeline.hint.text() and timeline.hint.isVisibleTo(timeline)
    _select(timeline, "Task: Call back")
    assert not timeline.done_button.isEnabled() and not timeline.mark_current_done()
    assert timeline.add_activity("note") is None
    opened = timeline.open_current()
    assert opened is not None and opened.read_only
    opened.reject()
    assert not activities.get(task).done


# --- the agenda ---------------------------------------------------------------------------------


def test_todays_appointments_are_marked_done_from_the_agenda(qtbot, user: UserInfo) -> None:
    morning = datetime.combine(date.today(), datetime.min.time()) + timedelta(hours=9)
    sale = factories.opportunity(user.id).id
    first, second = (
        activities.create(
            ActivityInput(
                kind="appointment",
                subject=subject,
                starts_at=morning + timedelta(hours=hours),
                opportunity_id=sale,
                owner_id=user.id,
            )
        ).id
        for subject, hours in (("Showroom visit", 0), ("Handover rehearsal", 2))
    )
    page = AgendaPage(user.id)
    qtbot.addWidget(page)
    page.show()
    assert not page.today_done_button.isEnabled()

    page.today.view.setCurrentIndex(page.today.model.index(0, 0))
    assert page.today_done_button.isEnabled()
    qtbot.mouseClick(page.today_done_button, LEFT)

    assert activities.get(first).done and not activities.get(second).done
    kinds = [page.today.model.index(r, 1).data() for r in range(2)]
    assert kinds == ["Appointment (done)", "Appointment"]
    # The next one is selected, so a morning's worth is ticked off in a row.
    assert page.today.view.currentIndex().row() == 1 and page.today_done_button.isEnabled()
    page.today.view.setCurrentIndex(page.today.model.index(0, 0))
    assert not page.today_done_button.isEnabled() and not page.mark_done(page.today)


def test_the_agendas_customer_column_shows_the_whole_name(qtbot, user: UserInfo) -> None:
    customer = factories.customer("Papadopoulou-Wiśniewska", "Anna-Katharina")
    sale = factories.opportunity(user.id, customer).id
    activities.create(
        ActivityInput(
            kind="task",
            subject="Check the delivery date with the factory and call the customer back",
            starts_at=NOW - timedelta(days=4),
            opportunity_id=sale,
            owner_id=user.id,
        )
    )
    page = AgendaPage(user.id)
    qtbot.addWidget(page)
    page.resize(1400, 760)
    page.show()
    qtbot.waitExposed(page)

    view = page.overdue.view
    header = view.header()
    last = header.count() - 1
    assert page.overdue.model.index(0, last).data() == (
        f"Papadopoulou-Wiśniewska, Anna-Katharina · #{sale}"
    )
    needed = view.sizeHintForColumn(last)
    assert header.sectionSize(last) >= needed
    assert header.sectionViewportPosition(last) + needed <= view.viewport().width()
    # The subject gives way instead, and stays whole in its tooltip.
    subject = page.overdue.model.index(0, 3)
    assert header.sectionSize(3) < view.sizeHintForColumn(3)
    assert subject.data(Qt.ItemDataRole.ToolTipRole).endswith("call the customer back")
