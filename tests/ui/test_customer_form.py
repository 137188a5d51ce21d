"""The customer form as a user drives it: create with the duplicate check, edit, contacts,
opportunities and merging."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.db import models as m
from app.services import accounts, activities
from app.services.activities import ActivityInput
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.keyboard import type_text
from ui.customers.customer_form import AccountFormDialog, ContactDialog, MergeDialog

NOW = datetime.now().replace(second=0, microsecond=0)


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global NOW
    NOW = datetime.now().replace(second=0, microsecond=0)


@pytest.fixture
def form(qtbot, user: UserInfo):
    made: list[AccountFormDialog] = []

    def make(account_id: int | None = None) -> AccountFormDialog:
        dialog = AccountFormDialog(account_id)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:  # leave without the unsaved-changes question
        dialog._baseline = dialog.fields.state()
        dialog.close()
        dialog.deleteLater()


def _type(qtbot, dialog: AccountFormDialog, **values: str) -> None:
    for name, text in values.items():
        edit = dialog.fields.edits[name]
        edit.clear()
        type_text(qtbot, edit, text)


def test_a_new_customer_is_created_from_the_form(qtbot, form) -> None:
    dialog = form()
    assert dialog.windowTitle() == "New customer"
    assert not dialog.tabs.isTabEnabled(1)
    _type(
        qtbot,
        dialog,
        first_name="Jürgen",
        last_name="Weiß",
        email="j.weiss@example.de",
        phone="089 1234567",
        postcode="80331",
        city="München",
    )
    assert dialog.save()
    assert dialog.windowTitle() == "Customer — Weiß, Jürgen"
    detail = accounts.get(dialog.detail.id)
    assert (detail.email, detail.city) == ("j.weiss@example.de", "München")
    assert dialog.contacts.rowCount() == 1  # the person is their own first contact


def test_a_look_alike_is_shown_and_can_be_opened_instead(qtbot, form) -> None:
    existing = factories.customer("Rossi", "Maria", phone="+39 02 1234 5678")
    dialog = form()
    _type(qtbot, dialog, first_name="Mario", last_name="Bianchi", phone="0039 02-12345678")
    assert not dialog.save()
    assert dialog.duplicates.isVisible() and dialog.duplicates.count() == 1
    assert "same phone" in dialog.duplicates.list.item(0).text()
    assert dialog.save_button.text() == "Create a &new customer anyway"
    assert m.Account.select().count() == 1
    qtbot.mouseClick(dialog.use_existing, Qt.MouseButton.LeftButton)
    assert dialog.detail.id == existing and dialog.fields.edits["last_name"].text() == "Rossi"


def test_creating_anyway_needs_the_second_press(qtbot, form) -> None:
    factories.customer("Rossi", "Maria", email="maria@example.it")
    dialog = form()
    _type(qtbot, dialog, first_name="Maria", last_name="Rossi", email="MARIA@example.it")
    assert not dialog.save()
    assert dialog.save()
    assert m.Account.select().count() == 2


def test_a_refused_save_keeps_what_was_typed(qtbot, form) -> None:
    dialog = form()
    _type(qtbot, dialog, first_name="Anna", email="anna@", phone="ring me")
    assert not dialog.save()
    assert dialog.fields.edits["email"].text() == "anna@"
    assert dialog.fields.edits["first_name"].text() == "Anna"
    assert "cannot be empty" in dialog.fields.boxes["last_name"].message.text()
    assert "not an e-mail" in dialog.fields.boxes["email"].message.text()
    assert "letters" in dialog.fields.boxes["phone"].message.text()
    assert m.Account.select().count() == 0


def test_editing_contacts_and_opening_an_opportunity(qtbot, form, user: UserInfo) -> None:
    account = factories.customer("Klein", "Eva")
    opp = factories.opportunity(user.id, account, topic="Tiguan for the family")
    dialog = form(account)
    contact = ContactDialog(account, parent=dialog)
    qtbot.addWidget(contact)
    type_text(qtbot, contact.edits["first_name"], "Tom")
    qtbot.keyClicks(contact.edits["last_name"], "Klein")
    qtbot.keyClicks(contact.edits["job_title"], "Co-buyer")
    assert contact.save()
    dialog.load(account)
    assert dialog.contacts.rowCount() == 2
    assert dialog.opportunities.item(0, 0).text() == "Tiguan for the family"
    with qtbot.waitSignal(dialog.open_opportunity) as opened:
        dialog.opportunities.itemDoubleClicked.emit(dialog.opportunities.item(0, 0))
    assert opened.args == [opp.id]


def test_unsaved_changes_are_asked_about(qtbot, form, monkeypatch: pytest.MonkeyPatch) -> None:
    account = factories.customer("Klein", "Eva")
    dialog = form(account)
    _type(qtbot, dialog, city="Rosenheim")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    dialog.close()
    assert dialog.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    dialog.close()
    assert not dialog.isVisible() and accounts.get(account).city == "Rosenheim"


def test_merging_two_records_of_one_customer(qtbot, form, user: UserInfo) -> None:
    keep = factories.customer("Rossi", "Maria", email="maria@example.it")
    drop = factories.customer("Rossi", "María", phone="+39 333 123 4567", city="Milano")
    polo = factories.opportunity(user.id, drop, topic="Polo for María").id
    for parent in ({"opportunity_id": polo}, {"account_id": drop}):
        activities.create(
            ActivityInput(kind="note", subject="Wants it in red", starts_at=NOW, **parent)
        )
    dialog = form(keep)
    merge = MergeDialog(dialog.detail, dialog)
    qtbot.addWidget(merge)
    merge.pick_account(drop)
    assert "its 1 opportunity, 1 contact and 2 activities move" in merge.summary.text()
    merge.choose("first_name", other_wins=True)
    assert merge.chosen_values() == {
        "first_name": "María",
        "phone": "+39 333 123 4567",
        "city": "Milano",
    }
    with qtbot.waitSignal(merge.merged):
        assert merge.merge()
    merged = accounts.get(keep)
    assert merged.name == "Rossi, María" and merged.city == "Milano"
    assert [o.topic for o in merged.opportunities] == ["Polo for María"]
    assert m.Account.get_or_none(m.Account.id == drop) is None
    dialog.load(keep)
    assert dialog.activities.model.rowCount() == 2


def test_merging_shows_a_company_name_with_an_ampersand_as_typed(qtbot, form) -> None:
    keep = accounts.create(
        accounts.AccountInput(kind="company", company_name="J&C Motors GmbH"), confirmed_new=True
    ).id
    drop = factories.customer("Mayr", "Markus")
    merge = MergeDialog(form(keep).detail)
    qtbot.addWidget(merge)
    merge.pick_account(drop)
    radio = merge.values.cellWidget(0, 1)
    # A button reads a lone "&" as its access key and hides it: "JC Motors" with C underlined.
    assert radio.text() == "J&&C Motors GmbH"
    assert merge.chosen_values() == {"first_name": "Markus", "last_name": "Mayr"}


def test_a_customer_saved_elsewhere_shows_the_changes_and_reloads_theirs(
    qtbot, form, user: UserInfo
) -> None:
    from tests.ui.conflicts import answer_conflict

    account_id = factories.customer("Rossi", "Maria", email="maria@example.it")
    dialog = form(account_id)
    _type(qtbot, dialog, email="m.rossi@example.it")
    theirs = accounts.get(account_id)
    theirs.email = "rossi.maria@example.com"
    accounts.update(account_id, theirs, theirs.version)
    seen = answer_conflict("reload")
    assert not dialog.save()
    [email] = seen[0]
    assert (email.label, email.opened, email.theirs, email.yours) == (
        "E-mail",
        "maria@example.it",
        "rossi.maria@example.com",
        "m.rossi@example.it",
    )
    assert dialog.fields.edits["email"].text() == "rossi.maria@example.com"
    assert accounts.get(account_id).email == "rossi.maria@example.com"


def test_a_company_has_a_vat_id_field_a_person_does_not(qtbot, form) -> None:
    dialog = form()
    vat = dialog.fields.boxes["vat_number"]
    assert not vat.isVisibleTo(dialog)
    dialog.fields.company_radio.setChecked(True)
    assert vat.isVisibleTo(dialog)
    _type(qtbot, dialog, company_name="J&C Motors GmbH", vat_number="DE12")
    assert not dialog.save()
    assert "not a VAT ID" in vat.message.text()
    _type(qtbot, dialog, vat_number="de 123 456 789")
    assert dialog.save()
    assert accounts.get(dialog.detail.id).vat_number == "DE123456789"
