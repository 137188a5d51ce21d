"""Each save refreshes the main window's lists that show the record, once: the dialog that
saved it announces it (ui/common/changes.py), and nobody refreshes a list by hand beside it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from app.services import leads, quotes
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories
from ui.activities.activity_dialog import ActivityDialog
from ui.common.qt import EDIT
from ui.customers.customer_dialog import AccountDialog
from ui.customers.customer_form import AccountFormDialog
from ui.leads.lead_form import LeadDialog
from ui.opportunities.close_dialogs import CloseLostDialog, CloseWonDialog
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.opportunities.walk_in_dialog import WalkInDialog
from ui.quotes.quote_editor import QuoteDialog
from ui.quotes.quote_lines import COL_DESCRIPTION, COL_PRICE
from ui.shell.main_window import MainWindow


class Refreshes(Counter[str]):
    """How often each list of the window read its rows again since the last `take()`."""

    def take(self) -> dict[str, int]:
        counted = {name: count for name, count in self.items() if count}
        self.clear()
        return counted


@pytest.fixture
def window(qtbot, user: UserInfo, db: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def refreshes(window: MainWindow) -> Iterator[Refreshes]:
    counted = Refreshes()
    for name, page in (
        ("opportunities", window.opportunities),
        ("leads", window.leads),
        ("customers", window.customers),
    ):
        page.model.modelReset.connect(lambda name=name: counted.update([name]))
    agenda = window.agenda
    read_agenda = agenda.refresh

    def count_agenda() -> None:
        counted.update(["agenda"])
        read_agenda()

    agenda.refresh = count_agenda  # type: ignore[method-assign]
    yield counted
    window.close()


@pytest.fixture(autouse=True)
def dialogs_stay_shut(monkeypatch: pytest.MonkeyPatch) -> None:
    # The dialogs a save opens on the way (an opportunity after a conversion, a quote's
    # editor) are built but not shown.
    monkeypatch.setattr(QDialog, "open", lambda self: None)


SALE_LISTS = {"opportunities": 1, "customers": 1, "agenda": 1}  # a sale, its customer's count
EVERY_LIST = {"opportunities": 1, "leads": 1, "customers": 1, "agenda": 1}


def test_saving_an_opportunity_refreshes_the_lists_of_sales_once(
    qtbot, user: UserInfo, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, topic="Golf for Rossi").id
    refreshes.take()
    form = OpportunityDialog(opp, user.id)
    qtbot.addWidget(form)
    form.opportunity.topic.setText("Golf GTI for Rossi")
    assert form.save()
    assert refreshes.take() == SALE_LISTS


def test_a_stage_move_from_the_form_refreshes_once(
    qtbot, user: UserInfo, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id).id
    form = OpportunityDialog(opp, user.id)
    qtbot.addWidget(form)
    refreshes.take()
    quotation = form.stage_bar.segment_named("Quotation")
    assert quotation is not None and form.stage_bar.move_to(quotation.stage.id)
    assert refreshes.take() == SALE_LISTS


def test_a_quote_saved_from_the_form_refreshes_once(
    qtbot, user: UserInfo, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id).id
    form = OpportunityDialog(opp, user.id)
    qtbot.addWidget(form)
    refreshes.take()
    editor = form.quotes_tab.new_quote()  # a new quote moves the sale to Quotation
    assert isinstance(editor, QuoteDialog)
    qtbot.addWidget(editor)
    assert refreshes.take() == SALE_LISTS
    row = editor.add_line("accessory")
    model = editor.model
    model.setData(model.index(row, COL_DESCRIPTION), "Floor mats", EDIT)
    model.setData(model.index(row, COL_PRICE), "54.90", EDIT)
    assert editor.save()
    assert refreshes.take() == SALE_LISTS
    assert quotes.for_opportunity(opp)


def test_an_activity_saved_from_the_forms_timeline_refreshes_once(
    qtbot, user: UserInfo, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id).id
    form = OpportunityDialog(opp, user.id)
    qtbot.addWidget(form)
    refreshes.take()
    dialog = form.timeline.add_activity("task")
    assert isinstance(dialog, ActivityDialog)
    dialog.subject.setText("Call back about the trade-in")
    assert dialog.save()
    assert refreshes.take() == SALE_LISTS


def test_closing_several_as_lost_refreshes_once(
    qtbot, user: UserInfo, window: MainWindow, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    ids = [factories.opportunity(user.id, topic=f"Sale {n}").id for n in range(4)]
    refreshes.take()
    dialog = CloseLostDialog(ids)
    qtbot.addWidget(dialog)
    dialog.reason.setCurrentIndex(0)
    assert dialog.close_opportunities()
    assert refreshes.take() == SALE_LISTS


def test_closing_one_as_won_refreshes_once(qtbot, user: UserInfo, refreshes: Refreshes) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id).id
    form = OpportunityDialog(opp, user.id)
    qtbot.addWidget(form)
    refreshes.take()
    dialog = form.close_as_won()
    assert isinstance(dialog, CloseWonDialog)
    assert dialog.close_opportunity()
    assert refreshes.take() == SALE_LISTS


def test_a_walk_in_refreshes_once(qtbot, user: UserInfo, refreshes: Refreshes) -> None:  # type: ignore[no-untyped-def]
    dialog = WalkInDialog(user.id)
    qtbot.addWidget(dialog)
    dialog.edits["first_name"].setText("Giulia")
    dialog.edits["last_name"].setText("Bianchi")
    dialog.edits["phone"].setText("+39 02 1234567")
    refreshes.take()
    assert dialog.create_opportunity()
    assert refreshes.take() == SALE_LISTS


def _lead(user: UserInfo) -> int:
    return leads.create(
        LeadInput(first_name="Jürgen", last_name="Weiß", email="j.weiss@example.de")
    ).id


def test_saving_a_lead_refreshes_the_lead_list_once(
    qtbot, user: UserInfo, window: MainWindow, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    window.open_lead(_lead(user))
    (dialog,) = window.findChildren(LeadDialog)
    refreshes.take()
    dialog.edits["city"].setText("München")
    assert dialog.save()
    assert refreshes.take() == {"leads": 1}
    assert dialog.mark_contacted()
    assert refreshes.take() == {"leads": 1}


def test_converting_a_lead_refreshes_each_list_once(
    qtbot, user: UserInfo, window: MainWindow, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    window.open_lead(_lead(user))
    (dialog,) = window.findChildren(LeadDialog)
    refreshes.take()
    assert dialog.convert(None, confirmed_new=True)
    assert refreshes.take() == EVERY_LIST
    assert window.findChildren(OpportunityDialog)  # and the new sale is opened


def test_saving_a_customer_refreshes_each_list_once(
    qtbot, user: UserInfo, window: MainWindow, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    customer = factories.customer("Rossi", "Marco")
    window.open_customer(customer)
    (dialog,) = window.findChildren(AccountFormDialog)
    refreshes.take()
    dialog.fields.edits["city"].setText("Milano")
    assert dialog.save()
    assert refreshes.take() == EVERY_LIST


def test_a_customer_created_from_the_opportunity_form_refreshes_each_list_once(
    qtbot, user: UserInfo, refreshes: Refreshes
) -> None:  # type: ignore[no-untyped-def]
    form = OpportunityDialog(None, user.id)
    qtbot.addWidget(form)
    form.opportunity.account.line_edit.setText("Giulia Bianchi")
    dialog = form.opportunity.create_account()
    assert isinstance(dialog, AccountDialog)
    dialog.edits["phone"].setText("+39 02 7654321")
    refreshes.take()
    assert dialog.save()
    assert refreshes.take() == EVERY_LIST
