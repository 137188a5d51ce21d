"""What opening and saving the opportunity form costs: the SQL statements the program sends
on the database connection while the real dialog opens a sale as the demo has them (a
customer with people, a reserved vehicle, a quote, activities, a stage history) and saves
one changed field. A later change may raise a budget by naming what it adds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.db import models as m
from app.db.connection import database
from app.db.opportunity_queries import as_datetime
from app.domain import vin
from app.services import accounts, activities, opportunities, process, quotes
from app.services.workspace import UserInfo
from tests import factories
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.shell.main_window import MainWindow

# The record rights add to each: the user's roles and where they sell, and who holds the
# sale (its further salespeople; on a save its owner too); the form also reads the teams.
# ... and, since the channels and payment interests are editable lists, one read of both.
OPEN_BUDGET = 13  # the record, kinds and stages, people, users, sites, catalogue, lists, ...
SAVE_BUDGET = 16  # BEGIN, row, rights, checks, the update with its audit line, COMMIT

GOLF_VIN = vin.with_check_digit("WVWZZZCDZRW012345")


class _Counting:
    """A DB-API cursor that notes each statement before sending it."""

    def __init__(self, cursor: Any, sent: list[str]) -> None:
        self._cursor = cursor
        self._sent = sent

    def execute(self, sql: str, params: Any = ()) -> Any:
        self._sent.append(sql)
        return self._cursor.execute(sql, params)

    def executemany(self, sql: str, params: Any) -> Any:
        self._sent.append(sql)
        return self._cursor.executemany(sql, params)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """Every statement sent on the open database's connection meanwhile (reads, writes,
    BEGIN, and COMMIT or ROLLBACK), as the program hands it to the DB-API connection:
    its cursors' executes and its commits are watched, nothing is mocked."""
    db = database.obj
    sent: list[str] = []
    cursor, commit, rollback = db.cursor, db.commit, db.rollback

    def counting_cursor(*args: Any, **kwargs: Any) -> _Counting:
        return _Counting(cursor(*args, **kwargs), sent)

    def counting_commit() -> Any:
        sent.append("COMMIT")
        return commit()

    def counting_rollback() -> Any:
        sent.append("ROLLBACK")
        return rollback()

    db.cursor, db.commit, db.rollback = counting_cursor, counting_commit, counting_rollback
    try:
        yield sent
    finally:
        del db.cursor, db.commit, db.rollback


@pytest.fixture(autouse=True)
def no_window_listening(qapp) -> None:  # type: ignore[no-untyped-def]
    """A main window an earlier test left open would read its lists again on each save:
    closed, it stops listening, and what is counted is the form's own work."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.close()


@pytest.fixture
def sale(user: UserInfo) -> int:
    """A sale as the demo has them: assigned, branded from the catalogue, a reserved stock
    vehicle, a company customer with people (the primary contact and a further one), a
    quote the revenue follows, activities and a stage history."""
    business = m.Business.create(name="Alpen Auto", kind="dealer")
    facility = m.Facility.create(business=business, name="Innsbruck")
    operation = m.Operation.create(
        facility=facility, name="New-vehicle sales", kind="new_vehicle_sales"
    )
    for variant in ("GTI", "Life"):
        m.CatalogueEntry.create(
            brand="Volkswagen",
            vehicle_class="Compact",
            model="Golf",
            model_code="CD1",
            variant=variant,
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
        list_price_minor=3_950_000,
    )
    account = accounts.create(
        accounts.AccountInput(kind="company", company_name="Rossi Bau GmbH"),
        confirmed_new=True,
    ).id
    buyer = accounts.add_contact(account, accounts.ContactInput("Maria", "Rossi")).id
    driver = accounts.add_contact(
        account, accounts.ContactInput("Luca", "Rossi", job_title="Fleet manager")
    ).id
    opp = factories.opportunity(
        user.id,
        account,
        topic="Golf GTI for Rossi Bau",
        primary_contact_id=buyer,
        business_id=business.id,
        facility_id=facility.id,
        operation_id=operation.id,
        interest="finance",
        condition="new",
        brand="Volkswagen",
        vehicle_class="Compact",
        model="Golf",
        model_code="CD1",
        variant="GTI",
        vehicle_id=golf.id,
    ).id
    accounts.set_opportunity_contact(opp, driver, "decision_maker")
    tomorrow = datetime.now().replace(microsecond=0) + timedelta(days=1)
    activities.create(
        activities.ActivityInput(
            kind="appointment",
            subject="Walk round the Golf",
            starts_at=tomorrow,
            ends_at=tomorrow + timedelta(hours=1),
            owner_id=user.id,
            opportunity_id=opp,
        )
    )
    activities.create(
        activities.ActivityInput(
            kind="task",
            subject="Ask for the trade-in papers",
            starts_at=tomorrow + timedelta(days=2),
            owner_id=user.id,
            opportunity_id=opp,
        )
    )
    quotes.create(opp)  # to Quotation, with the vehicle as its first line
    assert process.overview(opp).current_id is not None
    return opp


def open_form(qtbot, user: UserInfo, opportunity_id: int) -> OpportunityDialog:
    dialog = OpportunityDialog(opportunity_id, user.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_opening_a_sale_sends_at_most_thirteen_statements(qtbot, user: UserInfo, sale: int) -> None:
    with statements_sent() as sent:
        dialog = open_form(qtbot, user, sale)
    assert len(sent) <= OPEN_BUDGET, "\n".join(sent)
    # All of it is shown, from those statements.
    detail = opportunities.get(sale)
    assert dialog.opportunity.topic.text() == "Golf GTI for Rossi Bau"
    assert dialog.opportunity.account.text() == "Rossi Bau GmbH"
    assert dialog.opportunity.contact.currentText() == "Maria Rossi"
    assert dialog.opportunity.stage.currentText() == "Quotation"
    assert dialog.opportunity.revenue_hint.text() == f"from quote {detail.revenue_from}"
    assert "N-1001" in dialog.device.vehicle.text()
    assert dialog.assignment.operation.currentText() == "New-vehicle sales"
    assert dialog.branding.levels["variant"].findText("Life") >= 0
    assert dialog.stage_bar.segment_named("Quotation") is not None
    listed = [(c.label, c.primary) for c in dialog.contacts_tab.listed]
    assert listed == [("Maria Rossi", True), ("Luca Rossi (Fleet manager)", False)]
    # The other tabs read the sale when they are first shown.
    dialog.tabs.setCurrentWidget(dialog.quotes_tab)
    assert len(dialog.quotes_tab.quote_model.rows) == 1
    dialog.tabs.setCurrentWidget(dialog.timeline)
    assert dialog.timeline.model.rowCount() >= 2


def test_saving_a_changed_topic_sends_at_most_sixteen_statements(
    qtbot, user: UserInfo, sale: int
) -> None:
    dialog = open_form(qtbot, user, sale)
    dialog.opportunity.topic.setText("Golf GTI Performance for Rossi Bau")
    audit_before = m.AuditEntry.select().count()
    with statements_sent() as sent:
        assert dialog.save()
    assert len(sent) <= SAVE_BUDGET, "\n".join(sent)
    assert sent[0].startswith("BEGIN") and sent[-1] == "COMMIT"  # one transaction
    saved = opportunities.get(sale)
    assert saved.topic == "Golf GTI Performance for Rossi Bau"
    assert dialog.version == saved.version
    assert m.AuditEntry.select().count() == audit_before + 1
    assert "Saved at" in dialog.message.text()


# A save that moves the stage writes its move too (one INSERT); the move's time is then kept
# on the sale (opportunity.stage_entered_at, schema step stage_entry) by a trigger inside
# that INSERT, so it adds no statement: the database writes the sale's row once more.
STAGE_MOVE_ADDS = 1


def test_saving_a_stage_move_sends_one_statement_more_and_keeps_the_move_on_the_sale(
    qtbot, user: UserInfo, sale: int
) -> None:
    dialog = open_form(qtbot, user, sale)
    dialog.opportunity.stage.setCurrentIndex(dialog.opportunity.stage.findText("Contract"))
    with statements_sent() as sent:
        assert dialog.save()
    assert len(sent) <= SAVE_BUDGET + STAGE_MOVE_ADDS, "\n".join(sent)
    assert sent[0].startswith("BEGIN") and sent[-1] == "COMMIT"  # one transaction
    writes = [s for s in sent if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert not any("stage_entered_at" in statement for statement in writes)  # the trigger's
    latest = m.StageChange.select().where(m.StageChange.opportunity == sale)
    move = latest.order_by(m.StageChange.created_at.desc(), m.StageChange.id.desc()).get()
    assert move.to_stage.key == "contract"
    kept = database.execute_sql(
        "SELECT stage_entered_at FROM opportunity WHERE id = ?", (sale,)
    ).fetchone()[0]
    assert as_datetime(kept) == move.created_at
