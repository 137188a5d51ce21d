"""Marketing consent in the customer and lead forms (record a statement, refused at the
field with what was typed kept, the history) and the lists' consent filter."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime

from app.services import consent, leads
from app.services.consent import ConsentInput
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories
from ui.customers.consent_section import ConsentDialog, ConsentHistoryDialog
from ui.customers.customer_form import AccountFormDialog
from ui.customers.customer_list import AccountListPage
from ui.leads.lead_form import LeadDialog
from ui.leads.lead_list import LeadListPage


def test_the_customer_form_records_consent_and_shows_what_holds(qtbot, user: UserInfo) -> None:
    account_id = factories.customer("Rossi", "Maria")
    form = AccountFormDialog(account_id)
    qtbot.addWidget(form)
    section = form.consent
    assert section.states["email"].text() == "Not asked"
    section.record("email")
    dialog = section.dialog
    assert dialog is not None and "by e-mail" in dialog.wording.toPlainText()
    # Refused at the field: no way of giving it was chosen; what was typed stays.
    dialog.wording.setPlainText("I agree to e-mails from Autohaus Brenner.")
    assert not dialog.save()
    assert dialog.boxes["method"].message.text() and dialog.isVisible()
    assert dialog.wording.toPlainText() == "I agree to e-mails from Autohaus Brenner."
    dialog.method.set_current_code("in_person")
    dialog.at.setDateTime(QDateTime(datetime(2026, 11, 30, 14, 5)))
    with qtbot.waitSignal(section.recorded):
        assert dialog.save()
    assert section.states["email"].text().startswith("Given")
    assert "In person, signed" in section.states["email"].text()
    [kept] = consent.history(account_id=account_id)
    assert kept.at == datetime(2026, 11, 30, 14, 5)
    assert kept.wording == "I agree to e-mails from Autohaus Brenner."
    assert not form.is_modified()  # the form's own fields are untouched

    withdraw = ConsentDialog("email", account_id=account_id)
    qtbot.addWidget(withdraw)
    withdraw.withdrawn.setChecked(True)
    withdraw.method.set_current_code("phone_call")
    assert withdraw.save()
    section.refresh()
    assert section.states["email"].text().startswith("Withdrawn")
    history = ConsentHistoryDialog(consent.history(account_id=account_id))
    qtbot.addWidget(history)
    assert history.table.rowCount() == 2
    assert history.table.item(0, 1).text() == "Withdrawn"  # newest first


def test_a_new_customer_records_consent_once_saved(qtbot, user: UserInfo) -> None:
    form = AccountFormDialog(None)
    qtbot.addWidget(form)
    assert not form.consent.buttons["email"].isEnabled() and form.consent.hint.isVisibleTo(form)


def test_the_lead_form_records_consent_and_a_converted_lead_only_shows_it(
    qtbot, user: UserInfo
) -> None:
    lead = leads.create(LeadInput(last_name="Weber", phone="+49 89 123456"))
    form = LeadDialog(lead.id, user.id)
    qtbot.addWidget(form)
    form.consent.record("sms")
    dialog = form.consent.dialog
    assert dialog is not None
    dialog.method.set_current_code("web_form")
    assert dialog.save()
    assert form.consent.states["sms"].text().startswith("Given")
    done = leads.convert(lead.id, confirmed_new=True, owner_id=user.id)
    assert consent.current(account_id=done.account_id)["sms"] is not None
    converted = LeadDialog(lead.id, user.id)
    qtbot.addWidget(converted)
    assert converted.consent.states["sms"].text().startswith("Given")
    assert not converted.consent.buttons["sms"].isEnabled()
    assert converted.consent.history_button.isEnabled()


def test_the_lists_filter_by_consent(qtbot, user: UserInfo) -> None:
    yes = factories.customer("Rossi", "Maria")
    factories.customer("Bauer", "Anna")
    consent.record(ConsentInput("email", True, "web_form", "Yes, e-mails."), account_id=yes)
    page = AccountListPage()
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2
    page.consent.setCurrentIndex(page.consent.findData("email"))
    assert page.consent.currentText() == "Consents to e-mail marketing"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.consent.setCurrentIndex(page.consent.findData("sms"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)

    lead = leads.create(LeadInput(last_name="Weber", phone="+49 89 123456"))
    leads.create(LeadInput(last_name="Klein", phone="+49 89 654321"))
    consent.record(ConsentInput("phone", True, "phone_call", "Calls are fine."), lead_id=lead.id)
    lead_page = LeadListPage()
    qtbot.addWidget(lead_page)
    assert lead_page.model.rowCount() == 2
    lead_page.consent.setCurrentIndex(lead_page.consent.findData("phone"))
    qtbot.waitUntil(lambda: lead_page.model.rowCount() == 1)
