"""The sales process inside the opportunity form and the main window, as a user goes through
it: the stage bar, the timeline, contacts and history tabs, closing and reopening, the agenda
tab and closing several opportunities from the list."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.db import models as m
from app.domain import vin
from app.domain.reading import format_day
from app.services import accounts, activities, deals, opportunities, process, reference
from app.services.activities import ActivityInput
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.ui.keyboard import type_text
from ui.activities.activity_dialog import ActivityDialog, to_qdatetime
from ui.admin.stage_setup_dialog import StageSetupDialog
from ui.opportunities.close_dialogs import CloseLostDialog, CloseWonDialog
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.opportunities.opportunity_list import COL_STATUS
from ui.opportunities.stage_bar import CURRENT, PASSED
from ui.shell.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
YES = QMessageBox.StandardButton.Yes
SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel
SELECT_ROW = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
TOMORROW_10 = datetime.combine(date.today() + timedelta(days=1), datetime.min.time()).replace(
    hour=10
)


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TOMORROW_10
    TOMORROW_10 = datetime.combine(date.today() + timedelta(days=1), datetime.min.time()).replace(
        hour=10
    )


def open_form(qtbot, user: UserInfo, opportunity_id: int | None) -> OpportunityDialog:  # type: ignore[no-untyped-def]
    dialog = OpportunityDialog(opportunity_id, user.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def answer(monkeypatch: pytest.MonkeyPatch, reply: QMessageBox.StandardButton) -> list[str]:
    """Answer every question with `reply`, keeping what each one asked."""
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return reply

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def stage_id(name: str) -> int:
    return next(s.id for s in reference.stage_infos(1) if s.name == name)


def click_segment(qtbot, dialog: OpportunityDialog, name: str) -> None:  # type: ignore[no-untyped-def]
    segment = dialog.stage_bar.segment_named(name)
    assert segment is not None and segment.isEnabled(), f"{name} cannot be clicked"
    with qtbot.waitSignal(dialog.changed, timeout=2000):
        qtbot.mouseClick(segment, LEFT, pos=segment.rect().center())


def close_as_lost(qtbot, dialog: OpportunityDialog, reason: str = "Price") -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.close_lost_button, LEFT)
    closing = dialog.close_dialog
    assert isinstance(closing, CloseLostDialog)
    closing.reason.setCurrentIndex(closing.reason.findText(reason))
    with qtbot.waitSignal(dialog.changed, timeout=2000):
        qtbot.mouseClick(closing.close_button, LEFT)


def tab_titles(dialog: OpportunityDialog) -> list[str]:
    return [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]


def timeline_titles(dialog: OpportunityDialog) -> list[str]:
    model = dialog.timeline.model
    return [model.index(row).data() for row in range(model.rowCount())]


# --- the stage bar in the form ------------------------------------------------------------


def test_a_saved_opportunity_shows_its_stage_bar_and_moves_with_it(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, topic="Golf for Rossi")
    dialog = open_form(qtbot, user, opp.id)
    assert dialog.process_row.isVisible() and dialog.stage_bar.isVisible()
    assert dialog.stage_bar.segment_named("Interest").place == CURRENT
    assert tab_titles(dialog) == [
        "Contacts",
        "Primary demand",
        "Timeline",
        "Quotes and documents",
        "History",
    ]
    assert dialog.tabs.isEnabled() and not dialog.tabs_hint.isVisible()

    click_segment(qtbot, dialog, "Quotation")
    assert opportunities.get(opp.id).stage_name == "Quotation"
    assert dialog.stage_bar.segment_named("Quotation").place == CURRENT
    assert dialog.stage_bar.segment_named("Interest").place == PASSED
    # The section's stage and probability follow, and the form is not left behind: a save
    # after the move is no conflict.
    assert dialog.opportunity.stage.currentText() == "Quotation"
    assert dialog.opportunity.probability.value() == 40
    assert not dialog.is_modified()
    assert "Moved to Quotation" in timeline_titles(dialog)
    type_text(qtbot, dialog.opportunity.source, "Spring open day")
    assert dialog.save()
    detail = opportunities.get(opp.id)
    assert (detail.stage_name, detail.source) == ("Quotation", "Spring open day")


def test_what_was_typed_survives_a_stage_move(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    dialog = open_form(qtbot, user, opp.id)
    type_text(qtbot, dialog.opportunity.source, "Referral from the Bauers")
    click_segment(qtbot, dialog, "Quotation")
    assert dialog.opportunity.source.text() == "Referral from the Bauers"
    assert dialog.opportunity.stage.currentText() == "Quotation"
    assert dialog.opportunity.probability.value() == 40  # follows the stage
    assert dialog.is_modified()
    # A probability typed by hand stays through the next move.
    dialog.opportunity.probability.setValue(55)
    click_segment(qtbot, dialog, "Contract")
    assert dialog.opportunity.stage.currentText() == "Contract"
    assert dialog.opportunity.probability.value() == 55
    assert dialog.opportunity.probability_by_hand()
    assert dialog.save()  # the version came along with the moves
    detail = opportunities.get(opp.id)
    assert (detail.stage_name, detail.source) == ("Contract", "Referral from the Bauers")
    assert detail.probability == 55


def test_a_new_opportunity_shows_its_tabs_disabled_until_saved(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    account = factories.customer("Rossi", "Maria")
    dialog = open_form(qtbot, user, None)
    assert not dialog.process_row.isVisible()
    assert not dialog.tabs.isEnabled()
    assert dialog.tabs_hint.isVisible() and "Save the opportunity first" in dialog.tabs_hint.text()
    assert not dialog.timeline.add_buttons["appointment"].isEnabled()

    type_text(qtbot, dialog.opportunity.topic, "Tiguan for Rossi")
    dialog.opportunity.account.pick(account, "Rossi, Maria")
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    assert dialog.tabs.isEnabled() and not dialog.tabs_hint.isVisible()
    assert dialog.process_row.isVisible()
    assert dialog.stage_bar.opportunity_id == dialog.opportunity_id
    assert dialog.timeline.add_buttons["appointment"].isEnabled()
    assert dialog.contacts_tab.opportunity_id == dialog.opportunity_id


# --- the timeline tab -----------------------------------------------------------------------


def test_a_test_drive_from_the_timeline_tab_moves_the_stage_to_interest(
    qtbot, user: UserInfo
) -> None:  # type: ignore[no-untyped-def]
    lead = m.Lead.create(last_name="Rossi", email="maria@example.it")
    opp = factories.opportunity(user.id, stage_id=stage_id("Qualify"), lead_id=lead.id)
    vehicle = m.Vehicle.create(
        vin=vin.with_check_digit("WVWZZZCDZRW012345"),
        stock_number="N-1001",
        condition="new",
        brand="Volkswagen",
        model="Golf",
    ).id
    dialog = open_form(qtbot, user, opp.id)
    assert dialog.stage_bar.segment_named("Qualify").place == CURRENT
    dialog.tabs.setCurrentWidget(dialog.timeline)

    qtbot.mouseClick(dialog.timeline.add_buttons["test_drive"], LEFT)
    drive = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, ActivityDialog) and w.isVisible()
    )
    qtbot.keyClicks(drive.subject, "Test drive Golf GTI")
    drive.starts.setDateTime(to_qdatetime(TOMORROW_10))
    drive.vehicle.pick(vehicle, "N-1001 Volkswagen Golf")
    with qtbot.waitSignal(dialog.changed, timeout=2000):
        qtbot.mouseClick(drive.save_button, LEFT)

    assert opportunities.get(opp.id).stage_name == "Interest"
    assert dialog.stage_bar.segment_named("Interest").place == CURRENT
    assert dialog.opportunity.stage.currentText() == "Interest"
    titles = timeline_titles(dialog)
    assert titles[:2] == ["Test drive: Test drive Golf GTI", "Moved automatically to Interest"]
    history = dialog.history_tab.stages
    assert history.topLevelItem(0).text(1) == "Interest"
    assert history.topLevelItem(0).text(4) == "Automatically"


# --- closing and reopening ------------------------------------------------------------------


def test_close_as_lost_makes_the_form_read_only_and_reopen_makes_it_editable(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, topic="Golf for Rossi")
    process.move_to_stage(opp.id, stage_id("Quotation"))
    dialog = open_form(qtbot, user, opp.id)
    assert dialog.close_lost_button.isEnabled() and dialog.close_won_button.isEnabled()
    assert not dialog.reopen_button.isEnabled()

    close_as_lost(qtbot, dialog, "Price")
    detail = opportunities.get(opp.id)
    assert (detail.status, detail.stage_name) == ("lost", "Lost")
    assert dialog.read_only and dialog.banner.isVisible() and "lost" in dialog.banner.text()
    assert dialog.opportunity.topic.isReadOnly() and not dialog.branding.interest.isEnabled()
    assert dialog.save_button.isHidden()
    assert dialog.stage_bar.badge.isVisible()
    assert not any(s.isEnabled() for s in dialog.stage_bar.segments.values())
    assert not any(b.isEnabled() for b in dialog.timeline.add_buttons.values())
    assert dialog.timeline.add_activity("note") is None
    assert "reopen" in dialog.timeline.hint.text()
    assert not dialog.contacts_tab.add_button.isEnabled()
    assert not dialog.close_lost_button.isEnabled() and not dialog.close_won_button.isEnabled()
    assert dialog.reopen_button.isEnabled()
    assert "Closed as lost in Quotation" in timeline_titles(dialog)

    asked = answer(monkeypatch, YES)
    with qtbot.waitSignal(dialog.changed, timeout=2000):
        qtbot.mouseClick(dialog.reopen_button, LEFT)
    assert asked and "back to Quotation" in asked[0]
    detail = opportunities.get(opp.id)
    assert (detail.status, detail.stage_name) == ("open", "Quotation")
    assert not dialog.read_only and not dialog.banner.isVisible()
    assert not dialog.opportunity.topic.isReadOnly()
    assert dialog.stage_bar.segment_named("Quotation").place == CURRENT
    assert all(b.isEnabled() for b in dialog.timeline.add_buttons.values())
    assert dialog.close_lost_button.isEnabled() and not dialog.reopen_button.isEnabled()
    assert timeline_titles(dialog)[0] == "Reopened, back to Quotation"
    type_text(qtbot, dialog.opportunity.source, "Came back after all")
    assert dialog.save()


def test_closing_with_unsaved_changes_asks_to_save_them_first(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    dialog = open_form(qtbot, user, opp.id)
    type_text(qtbot, dialog.opportunity.source, "Phone call")

    asked = answer(monkeypatch, CANCEL)
    qtbot.mouseClick(dialog.close_lost_button, LEFT)
    assert len(asked) == 1 and dialog.close_dialog is None
    assert dialog.opportunity.source.text() == "Phone call"

    answer(monkeypatch, SAVE)
    qtbot.mouseClick(dialog.close_lost_button, LEFT)
    assert isinstance(dialog.close_dialog, CloseLostDialog)
    assert opportunities.get(opp.id).source == "Phone call"
    dialog.close_dialog.reject()


def test_close_as_won_from_the_form(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    dialog = open_form(qtbot, user, opp.id)
    qtbot.mouseClick(dialog.close_won_button, LEFT)
    closing = dialog.close_dialog
    assert isinstance(closing, CloseWonDialog)
    closing.note.setPlainText("Delivered with winter tyres")
    with qtbot.waitSignal(dialog.changed, timeout=2000):
        qtbot.mouseClick(closing.close_button, LEFT)
    assert opportunities.get(opp.id).status == "won"
    assert dialog.read_only and dialog.stage_bar.badge.text() == "Won"
    assert dialog.opportunity.probability.value() == 100


# --- the contacts and history tabs ----------------------------------------------------------


def test_the_contacts_tab_adds_a_contact_with_a_role_and_saves_it(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    company = accounts.create(
        accounts.AccountInput(kind="company", company_name="Fleet GmbH", email="f@example.de")
    ).id
    boss = accounts.add_contact(
        company, accounts.ContactInput(first_name="Eva", last_name="Klein")
    ).id
    driver = accounts.add_contact(
        company, accounts.ContactInput(first_name="Tom", last_name="Groß")
    ).id
    opp = factories.opportunity(user.id, company, primary_contact_id=boss)
    dialog = open_form(qtbot, user, opp.id)
    tab = dialog.contacts_tab
    dialog.tabs.setCurrentWidget(tab)
    assert tab.tree.topLevelItemCount() == 1
    assert tab.tree.topLevelItem(0).text(1) == "Primary contact"
    assert [tab.contact.itemText(i) for i in range(tab.contact.count())] == ["Tom Groß"]
    assert not tab.add_button.isEnabled()  # no role chosen yet

    tab.contact.set_current_id(driver)
    tab.role.set_current_code("driver")
    qtbot.mouseClick(tab.add_button, LEFT)
    listed = accounts.opportunity_contacts(opp.id)
    assert [(c.contact_id, c.role) for c in listed] == [(boss, ""), (driver, "driver")]
    assert tab.tree.topLevelItemCount() == 2
    assert tab.role_combos[driver].current_code() == "driver"
    assert tab.contact.count() == 0 and tab.empty.isVisible()

    tab.role_combos[driver].set_current_code("co_buyer")  # saved as it is picked
    assert accounts.opportunity_contacts(opp.id)[1].role == "co_buyer"
    tab.select_contact(driver)
    qtbot.mouseClick(tab.remove_button, LEFT)
    assert [c.contact_id for c in accounts.opportunity_contacts(opp.id)] == [boss]
    assert not dialog.is_modified()  # nothing left to save: each change was saved


def test_the_history_tab_lists_each_stage_with_its_time_and_who_moved_it(
    qtbot, user: UserInfo
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, est_close_date=date.today() + timedelta(days=30))
    m.StageChange.update(created_at=datetime.now() - timedelta(days=5, hours=1)).where(
        m.StageChange.opportunity == opp.id
    ).execute()
    process.move_to_stage(opp.id, stage_id("Quotation"))
    detail = opportunities.get(opp.id)
    detail.est_close_date = date.today() + timedelta(days=45)
    opportunities.update(opp.id, detail, detail.version)

    dialog = open_form(qtbot, user, opp.id)
    history = dialog.history_tab
    rows = [
        [history.stages.topLevelItem(r).text(c) for c in range(5)]
        for r in range(history.stages.topLevelItemCount())
    ]
    assert [r[1:] for r in rows] == [
        ["Quotation", "less than a day so far", user.full_name, "By hand"],
        ["Interest", "5 days", user.full_name, "Created"],
    ]
    assert "Interest 5 days" in history.totals.text()
    dates = [
        [history.dates.topLevelItem(r).text(c) for c in range(4)]
        for r in range(history.dates.topLevelItemCount())
    ]
    later = format_day(date.today() + timedelta(days=45))
    first = format_day(date.today() + timedelta(days=30))
    assert [d[1:] for d in dates] == [[first, later, user.full_name], ["—", first, user.full_name]]


# --- the main window --------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, user: UserInfo, db) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(user, db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.filter_bar.saved.setCurrentIndex(0)  # all opportunities
    return win


def test_several_opportunities_are_closed_as_lost_from_the_list(
    qtbot, user: UserInfo, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    ids = [
        factories.opportunity(user.id, topic=f"Offer {n}", est_close_date=factories.days(n + 1)).id
        for n in range(3)
    ]
    window.model.refresh()
    table = window.table
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert window.close_lost_action in table.actions()
    table.setFocus()
    table.selectRow(0)
    rect = table.visualRect(window.model.index(1, 0))
    qtbot.mouseClick(table.viewport(), LEFT, CTRL, rect.center())  # a second row, Ctrl held
    assert sorted(table.selected_ids()) == ids[:2]
    assert window.close_lost_action.isEnabled()

    window.close_lost_action.trigger()
    closing = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, CloseLostDialog) and w.isVisible()
    )
    assert sorted(closing.opportunity_ids) == ids[:2]
    closing.reason.setCurrentIndex(closing.reason.findText("Bought elsewhere"))
    qtbot.mouseClick(closing.close_button, LEFT)
    assert [opportunities.get(i).status for i in ids] == ["lost", "lost", "open"]
    assert m.Opportunity.get_by_id(ids[0]).lost_reason == "Bought elsewhere"
    statuses = [window.model.index(r, COL_STATUS).data() for r in range(3)]
    assert statuses == ["Lost", "Lost", "Open"]  # the list was read again


def test_a_form_open_on_an_opportunity_closed_from_the_list_turns_read_only(
    qtbot, user: UserInfo, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, topic="Golf for Rossi")
    window.model.refresh()
    form = window.open_opportunity(opp.id)
    assert isinstance(form, OpportunityDialog) and not form.read_only
    window.table.selectRow(0)
    closing = window.close_selected_as_lost()
    assert isinstance(closing, CloseLostDialog)
    closing.reason.setCurrentIndex(closing.reason.findText("Price"))
    qtbot.mouseClick(closing.close_button, LEFT)
    assert form.read_only and form.banner.isVisible()
    assert form.reopen_button.isEnabled()
    form.reject()


def test_close_as_lost_is_offered_only_with_opportunities_selected(window: MainWindow) -> None:
    assert not window.close_lost_action.isEnabled()
    assert window.close_selected_as_lost() is None


def test_the_agenda_tab_shows_todays_appointment_and_opens_its_opportunity(
    qtbot, user: UserInfo, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, topic="Golf for Rossi")
    today_11 = datetime.combine(date.today(), datetime.min.time()).replace(hour=11)
    activities.create(
        ActivityInput(
            kind="appointment",
            subject="Showroom visit",
            starts_at=today_11,
            opportunity_id=opp.id,
            owner_id=user.id,
        )
    )
    titles = [window.tabs.tabText(i).replace("&", "") for i in range(window.tabs.count())]
    assert titles == ["Opportunities", "Agenda", "Leads", "Customers", "Dashboard"]
    window.tabs.setCurrentWidget(window.agenda_tab)  # built as it is first shown
    agenda = window.agenda
    assert agenda.isVisible()
    assert agenda.today.model.rowCount() == 1
    assert agenda.today.model.index(0, 2).data() == "Showroom visit"
    assert window.count_label.text().startswith("1 today")

    agenda.today.view.setFocus()
    agenda.today.view.setCurrentIndex(agenda.today.model.index(0, 0))
    window.open_action.trigger()
    opened = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, OpportunityDialog) and w.isVisible()
    ]
    assert [d.opportunity_id for d in opened] == [opp.id]
    assert "Appointment: Showroom visit" in timeline_titles(opened[0])
    opened[0].reject()


def test_closing_from_an_opened_form_refreshes_the_list(
    qtbot, user: UserInfo, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, topic="Golf for Rossi")
    window.model.refresh()
    dialog = window.open_opportunity(opp.id)
    assert isinstance(dialog, OpportunityDialog)
    close_as_lost(qtbot, dialog)
    assert window.model.index(0, COL_STATUS).data() == "Lost"
    dialog.reject()


def test_stages_and_processes_open_from_the_menu_read_only_for_a_salesperson(
    qtbot, db, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    menu_actions = [a.text() for menu in window.menuBar().actions() for a in menu.menu().actions()]
    assert "Stages and &processes…" in menu_actions
    seller = add_user("zofia", "salesperson", full_name="Zofia Nowak")
    m.set_acting_user(seller.id)
    dialog = window.open_stage_setup()
    assert isinstance(dialog, StageSetupDialog)
    assert dialog.read_only and "Only a sales manager" in dialog.banner.text()
    dialog.reject()


def test_the_document_settings_open_from_the_sales_menu(window: MainWindow) -> None:
    from ui.quotes.document_settings_dialog import DocumentSettingsDialog

    sales = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Sales")
    assert window.document_settings_action in sales.actions()
    dialog = window.open_document_settings()
    assert isinstance(dialog, DocumentSettingsDialog) and dialog.isVisible()
    assert dialog.valid_days.value() == 14
    dialog.reject()


def test_a_closed_form_says_why_the_sale_was_lost(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]

    opp = factories.opportunity(user.id, topic="Octavia for Novák")
    deals.close_lost([opp.id], "Price", "Found it 900 EUR cheaper", "Autohaus Meier")
    dialog = OpportunityDialog(opp.id, user.id)
    qtbot.addWidget(dialog)
    text = dialog.banner.text()
    assert "Closed as lost on" in text and ": Price (competitor: Autohaus Meier)." in text
    assert "Note: Found it 900 EUR cheaper" in text and "read-only" in text
