"""The channels, payment interests and activity outcomes in the real widgets: the lists'
page under Administration (add, rename, reorder, deactivate, the refusals, a save over
another workstation's, rights), the pickers that read the lists, and the activity dialog's
outcome, picked once the activity is done."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.db import models as m
from app.services import activities, master_data, quotes
from app.services.activities import ActivityInput
from app.services.master_data import ListEntry
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.ui.conflicts import answer_conflict
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.agenda import AgendaPage
from ui.admin.administration import AdministrationDialog
from ui.admin.master_lists import COL_PAYMENT_KIND, ListsPage
from ui.common.code_combo import CodeCombo
from ui.leads.lead_list import COL_INTEREST, LeadTableModel
from ui.opportunities.opportunity_section import OpportunitySection

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def _no_window_left_open() -> Iterator[None]:
    before = set(QApplication.topLevelWidgets())
    yield
    for widget in QApplication.topLevelWidgets():
        if widget not in before and widget.isVisible():
            widget.hide()
            widget.deleteLater()
    QApplication.processEvents()


def _lists(qtbot: QtBot, kind: str) -> ListsPage:
    admin = AdministrationDialog()
    qtbot.addWidget(admin)
    page = admin.page("lists")
    assert isinstance(page, ListsPage)
    page.set_kind(kind)
    return page


def _shown(page: ListsPage) -> list[str]:
    return [r.shown for r in page.model.rows]


def _select(page: ListsPage, shown: str) -> None:
    page.refresh()
    row = _shown(page).index(shown)
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())


def _add(page: ListsPage, name: str, payment_kind: str = "") -> None:
    form = page.open_record(None)
    assert form is not None
    name_edit = form.widgets["name"]
    assert isinstance(name_edit, QLineEdit)
    name_edit.setText(name)
    if payment_kind:
        form.widgets["payment_kind"].set_current_code(payment_kind)  # type: ignore[attr-defined]
    form.save_and_close()


def test_the_channels_are_added_renamed_reordered_and_the_walk_in_stays(
    qtbot: QtBot,
    user: UserInfo,
) -> None:
    page = _lists(qtbot, "channel")
    assert page.kind.currentText() == "Channels"
    assert _shown(page)[:3] == ["Web form", "Phone", "Walk-in"]
    assert page.table.isColumnHidden(COL_PAYMENT_KIND)
    _add(page, "Social media")
    assert _shown(page)[-1] == "Social media"
    sale = factories.opportunity(user.id, channel="social_media")
    # Renamed in its form while a sale holds it.
    _select(page, "Social media")
    form = page.open_record(page.current())
    assert form is not None
    form.widgets["name"].setText("Instagram")  # type: ignore[attr-defined]
    form.save_and_close()
    assert _shown(page)[-1] == "Instagram"
    assert m.Opportunity.get_by_id(sale.id).channel == "social_media"
    # Up one place.
    page.move_entry(-1)
    assert _shown(page)[-2:] == ["Instagram", "Other"]
    # Used: not deleted, saying by what.
    assert not page.delete_current()
    assert "1 opportunity" in page.message.text()
    # The walk-in desk's channel stays active, and the page says why.
    _select(page, "Walk-in")
    assert not page.active_button.isEnabled()
    assert "walk-in desk" in page.active_button.toolTip()
    assert not page.toggle_active()  # were it clicked all the same
    assert "walk-in desk" in page.message.text()
    assert page.current().active
    # Another is deactivated, and comes back.
    _select(page, "Trade show")
    assert page.toggle_active()
    assert "Trade show" in _shown(page) and not page.current().active


def test_a_payment_interest_is_added_with_its_kind_and_a_shipped_kind_is_fixed(
    qtbot: QtBot, user: UserInfo
) -> None:
    page = _lists(qtbot, "interest")
    assert not page.table.isColumnHidden(COL_PAYMENT_KIND)
    _add(page, "Balloon finance", "finance")
    row = _shown(page).index("Balloon finance")
    assert page.model.index(row, COL_PAYMENT_KIND).data() == "Finance"
    _select(page, "Cash")
    form = page.open_record(page.current())
    assert form is not None and not form.widgets["payment_kind"].isEnabled()
    form.reject()
    # A sale with the new interest is quoted as a finance.
    sale = factories.opportunity(user.id, interest="balloon_finance")
    assert quotes.create(sale.id).payment_method == "finance"


def test_a_save_over_another_workstation_s_entry_is_shown_and_kept_on_top(
    qtbot: QtBot, user: UserInfo
) -> None:
    own = master_data.save(ListEntry(kind="outcome", name="Brochure sent"))
    page = _lists(qtbot, "outcome")
    _select(page, "Brochure sent")
    form = page.open_record(page.current())
    assert form is not None
    master_data.save(replace(own, name="Brochure posted"))  # the other workstation
    form.widgets["name"].setText("Brochure e-mailed")  # type: ignore[attr-defined]
    seen = answer_conflict("overwrite")
    assert form.save()
    assert [c.name for c in seen[0]] == ["name"]
    assert master_data.get(ListEntry, own.id).name == "Brochure e-mailed"


@pytest.mark.parametrize("role", ["salesperson", "sales_manager", "read_only"])
def test_only_administrators_change_the_lists(qtbot: QtBot, user: UserInfo, role: str) -> None:
    m.set_acting_user(add_user("sam", role).id)
    page = _lists(qtbot, "channel")
    assert not page.add_button.isEnabled()
    _select(page, "Phone")
    assert not page.active_button.isEnabled() and not page.up_button.isEnabled()
    form = page.open_record(page.current())
    assert form is not None and form.read_only


def test_the_forms_offer_the_active_channels_and_show_a_retired_one_they_hold(
    qtbot: QtBot, user: UserInfo
) -> None:
    sale = factories.opportunity(user.id, channel="trade_show")
    trade_show = next(e for e in master_data.list_entries("channel") if e.code == "trade_show")
    master_data.set_active(trade_show, False)
    section = OpportunitySection()
    qtbot.addWidget(section)
    combo = section.channel
    assert isinstance(combo, CodeCombo)
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert "trade_show" not in offered
    combo.set_current_code(sale.channel)
    assert combo.currentText() == "Trade show" and combo.current_code() == "trade_show"


def test_the_lead_list_names_its_columns_and_channels_as_the_lists_do(
    qtbot: QtBot, user: UserInfo
) -> None:
    walk_in = next(e for e in master_data.list_entries("channel") if e.code == "walk_in")
    master_data.save(replace(walk_in, name="Showroom visit"))
    model = LeadTableModel()
    assert model.headerData(COL_INTEREST, Qt.Orientation.Horizontal) == "Vehicle interest"
    model.refresh()
    assert model.channels["walk_in"] == "Showroom visit"


def test_the_activity_dialog_records_an_outcome_once_it_is_done(
    qtbot: QtBot, user: UserInfo
) -> None:
    sale = factories.opportunity(user.id)
    call = activities.create(
        ActivityInput(
            kind="call",
            subject="Price of the Golf",
            starts_at=datetime.now().replace(microsecond=0) - timedelta(hours=1),
            owner_id=user.id,
            opportunity_id=sale.id,
            direction="out",
        )
    )
    dialog = ActivityDialog(call.id, user.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.form.isRowVisible(dialog.boxes["outcome"])
    assert not dialog.outcome.isEnabled()
    dialog.done_box.click()
    assert dialog.outcome.isEnabled()
    assert dialog.outcome.set_current_code("appointment_made")
    with qtbot.waitSignal(dialog.saved, timeout=2000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    saved = activities.get(call.id)
    assert (saved.done, saved.outcome) == (True, "appointment_made")
    # Opened again, it shows the outcome; a note has none.
    again = ActivityDialog(call.id, user.id)
    qtbot.addWidget(again)
    assert again.outcome.currentText() == "Appointment made" and again.outcome.isEnabled()
    again.kind.set_current_code("note")
    assert not again.form.isRowVisible(again.boxes["outcome"])
    again.kind.set_current_code("call")  # as it was: nothing to ask about on closing
    again.reject()


def test_the_agenda_says_what_came_of_a_done_appointment(qtbot: QtBot, user: UserInfo) -> None:
    sale = factories.opportunity(user.id)
    start = datetime.combine(datetime.now().date(), datetime.min.time()).replace(hour=0, minute=5)
    activities.create(
        ActivityInput(
            kind="appointment",
            subject="Showroom visit",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            owner_id=user.id,
            opportunity_id=sale.id,
            done=True,
            outcome="quote_requested",
        )
    )
    page = AgendaPage(user.id)
    qtbot.addWidget(page)
    model = page.today.model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "Appointment (done: Quote requested)"
