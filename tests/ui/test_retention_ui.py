"""The managers' purge dialog (dry run, then confirm) and the customer's personal-data
actions in the customer form and list."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.db import models as m
from app.services import accounts, audit, deals, leads, process, retention
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.people import sign_in_as as sign_in
from tests.ui.boxes import answer
from ui.admin.purge_dialog import PurgeDialog
from ui.customers.customer_form import AccountFormDialog
from ui.customers.customer_list import AccountListPage
from ui.leads.lead_form import LeadDialog
from ui.leads.lead_list import LeadListPage
from ui.shell.main_window import MainWindow

TODAY = date(2026, 12, 1)
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def _old_lost(user: UserInfo, topic: str, closed: datetime) -> int:
    created = factories.opportunity(user.id, topic=topic)
    deals.close_lost([created.id], process.lost_reasons()[0])
    m.Opportunity.update(closed_at=closed).where(m.Opportunity.id == created.id).execute()
    return created.id


def test_the_purge_dialog_shows_the_dry_run_then_purges_after_confirming(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    retention.set_retention_months(24)
    old = _old_lost(user, "Old Polo", datetime(2023, 3, 1, 9))
    recent = _old_lost(user, "Recent Up", datetime(2026, 6, 1, 9))
    dialog = PurgeDialog(TODAY)
    qtbot.addWidget(dialog)
    assert dialog.months.value() == 24
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, dialog.COL_TOPIC).text() == "Old Polo"
    assert dialog.table.item(0, dialog.COL_CLOSED).text() == "Mar 1, 2023"
    assert "would delete 1 closed opportunity" in dialog.summary.text()

    answer(monkeypatch, "question", NO)
    assert dialog.purge() is None
    assert m.Opportunity.get_or_none(m.Opportunity.id == old) is not None

    asked = answer(monkeypatch, "question", YES)
    told = answer(monkeypatch, "information")
    with qtbot.waitSignal(dialog.purged):
        result = dialog.purge()
    assert result is not None and result.opportunities == 1
    assert "1 closed opportunity" in asked[0] and "Deleted 1" in told[0]
    assert {o.id for o in m.Opportunity.select()} == {recent}
    assert dialog.table.rowCount() == 0 and not dialog.purge_button.isEnabled()


def test_changing_the_period_runs_the_dry_run_again(qtbot, user: UserInfo) -> None:
    _old_lost(user, "Old Polo", datetime(2023, 3, 1, 9))
    dialog = PurgeDialog(TODAY)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0  # ten years by default
    dialog.months.setValue(12)
    assert dialog.save_period()
    assert retention.retention_months() == 12 and dialog.table.rowCount() == 1


def test_the_purge_is_for_administrators_and_shown_disabled_saying_why_to_others(
    qtbot, user: UserInfo, db: Path
) -> None:
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    assert window.purge_action.isVisible() and window.purge_action.isEnabled()
    for login, role in (("sam", "salesperson"), ("mara", "sales_manager")):
        add_user(login, role)
        other = MainWindow(sign_in(login), db)
        qtbot.addWidget(other)
        assert other.purge_action.isVisible() and not other.purge_action.isEnabled()
        assert "Purge and anonymise personal data" in other.purge_action.toolTip()


def test_the_customer_form_exports_and_anonymises(
    qtbot, user: UserInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id = factories.customer("Weiß", "Jürgen", email="j.weiss@example.de")
    dialog = AccountFormDialog(account_id)
    qtbot.addWidget(dialog)
    told = answer(monkeypatch, "information")
    path = dialog.export_personal_data(tmp_path / "weiss.json")
    assert path is not None and "weiss.json" in told[-1]
    assert json.loads(path.read_text(encoding="utf-8"))["customer"]["last_name"] == "Weiß"

    answer(monkeypatch, "question", YES)
    assert dialog.anonymise()
    assert dialog.windowTitle() == f"Customer — Anonymised customer #{account_id}"
    assert dialog.fields.edits["email"].text() == ""
    assert [r.action for r in audit.history("account", account_id)][-2:] == [
        "export",
        "anonymise",
    ]


def test_the_customer_list_exports_and_anonymises_the_selected_customer(
    qtbot, user: UserInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id = factories.customer("Bauer", "Jonas")
    page = AccountListPage()
    qtbot.addWidget(page)
    page.table.select_record(account_id)
    answer(monkeypatch, "information")
    assert page.export_selected(tmp_path / "bauer.json") == tmp_path / "bauer.json"
    answer(monkeypatch, "question", YES)
    assert page.anonymise_selected()
    assert accounts.name(account_id) == f"Anonymised customer #{account_id}"


def test_an_anonymisation_refused_says_why(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = factories.opportunity(user.id)
    dialog = AccountFormDialog(created.account_id)
    qtbot.addWidget(dialog)
    answer(monkeypatch, "question", YES)
    warned = answer(monkeypatch, "warning")
    assert not dialog.anonymise()
    assert "open sale" in warned[0]


def test_the_purge_dialog_offers_old_leads_never_converted(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    retention.set_retention_months(24)
    lead = leads.create(leads.LeadInput(last_name="Altmann", email="a@example.de"))
    m.Lead.update(updated_at=datetime(2023, 3, 1, 9)).where(m.Lead.id == lead.id).execute()
    dialog = PurgeDialog(TODAY)
    qtbot.addWidget(dialog)
    assert dialog.purge_button.isEnabled()
    assert "1 lead never converted" in dialog.summary.text()
    answer(monkeypatch, "question", YES)
    told = answer(monkeypatch, "information")
    result = dialog.purge()
    assert result is not None and result.leads == 1 and "Deleted 1 lead" in told[0]
    assert m.Lead.select().count() == 0


def test_the_lead_form_and_list_export_and_anonymise(
    qtbot, user: UserInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = leads.create(
        leads.LeadInput(first_name="Greta", last_name="Brandt", email="greta@example.de")
    )
    dialog = LeadDialog(lead.id, user.id)
    qtbot.addWidget(dialog)
    assert dialog.personal_data_button.isEnabled()
    told = answer(monkeypatch, "information")
    path = dialog.export_personal_data(tmp_path / "brandt.json")
    assert path is not None and "brandt.json" in told[-1]
    assert json.loads(path.read_text(encoding="utf-8"))["lead"]["last_name"] == "Brandt"
    answer(monkeypatch, "question", YES)
    assert dialog.anonymise()
    assert dialog.edits["email"].text() == "" and "Brandt" not in dialog.windowTitle()
    assert [r.action for r in audit.history("lead", lead.id)][-2:] == ["export", "anonymise"]

    other = leads.create(leads.LeadInput(last_name="Weiss", email="w@example.de"))
    page = LeadListPage()
    qtbot.addWidget(page)
    page.table.select_record(other.id)
    assert page.export_selected(tmp_path / "weiss.json") == tmp_path / "weiss.json"
    assert page.anonymise_selected()
    assert leads.get(other.id).last_name == f"Anonymised lead #{other.id}"
    new = LeadDialog(None, user.id)
    qtbot.addWidget(new)
    assert not new.personal_data_button.isEnabled()
