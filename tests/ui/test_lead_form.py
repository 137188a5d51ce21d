"""The lead form as a salesperson uses it: capture, refusals at the fields, status moves,
disqualifying with a reason, converting into a sale, and the converted lead kept as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.db import models as m
from app.services import accounts, leads, opportunities
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.keyboard import type_text
from ui.leads.lead_form import LeadDialog

LEFT = Qt.MouseButton.LeftButton
KEY_S = Qt.Key.Key_S
CTRL = Qt.KeyboardModifier.ControlModifier
SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel

MakeForm = Callable[..., LeadDialog]


@pytest.fixture
def catalogue(user: UserInfo) -> None:
    for brand, vehicle_class, model, code, variant in (
        ("Volkswagen", "Compact", "Golf", "CD1", "GTI"),
        ("Volkswagen", "SUV", "Tiguan", "CT1", "Elegance"),
        ("Škoda", "Compact", "Octavia", "NX", "Style"),
    ):
        m.CatalogueEntry.create(
            brand=brand, vehicle_class=vehicle_class, model=model, model_code=code, variant=variant
        )


@pytest.fixture
def form(qtbot, user: UserInfo, catalogue: None) -> Iterator[MakeForm]:
    made: list[LeadDialog] = []

    def make(lead_id: int | None = None) -> LeadDialog:
        dialog = LeadDialog(lead_id, user.id)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:  # leave without the unsaved-changes question
        dialog._baseline = dialog.state()
        dialog.close()
        dialog.deleteLater()


def _lead(user: UserInfo, **values: str) -> int:
    data = LeadInput(
        first_name="Jürgen",
        last_name="Weiß",
        email="j.weiss@example.de",
        phone="+49 89 1234567",
        postcode="80539",
        city="München",
        brand="Volkswagen",
        model="Golf",
        channel="web_form",
        source="spring campaign",
        owner_id=user.id,
    )
    for name, value in values.items():
        setattr(data, name, value)
    return leads.create(data).id


def _visible_actions(dialog: LeadDialog) -> set[str]:
    return {name for name, button in dialog.action_buttons.items() if button.isVisible()}


def test_a_new_lead_is_created_from_the_form(qtbot, form: MakeForm, user: UserInfo) -> None:
    dialog = form()
    assert dialog.windowTitle() == "New lead"
    assert dialog.owner.current_id() == user.id
    for name, text in (
        ("first_name", "Zoë"),
        ("last_name", "Müller-Lüdenscheidt"),
        ("email", "zoe@example.de"),
        ("phone", "089 1234567"),
        ("city", "München"),
    ):
        type_text(qtbot, dialog.edits[name], text)
    brand = dialog.vehicle.levels["brand"]
    assert brand.values() == ["Volkswagen", "Škoda"]
    brand.set_value("Volkswagen")
    # Each picker offers what fits the one before it.
    assert dialog.vehicle.levels["model"].values() == ["Golf", "Tiguan"]
    dialog.vehicle.levels["model"].set_value("Tiguan")
    assert dialog.vehicle.levels["variant"].values() == ["Elegance"]
    dialog.vehicle.interest.set_current_code("lease")
    dialog.channel.set_current_code("phone")
    qtbot.keyClicks(dialog.source, "radio spot")
    dialog.notes.setPlainText("Rückruf nach 17 Uhr")

    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(dialog.saved, timeout=2000) as saved:
        qtbot.keyClick(dialog.edits["city"], KEY_S, CTRL)  # Ctrl+S saves and stays
    lead = leads.get(saved.args[0])
    assert dialog.windowTitle() == f"Lead #{lead.id} — Zoë Müller-Lüdenscheidt"
    assert (lead.email, lead.city, lead.brand, lead.model) == (
        "zoe@example.de",
        "München",
        "Volkswagen",
        "Tiguan",
    )
    assert (lead.interest, lead.channel, lead.source, lead.owner_id) == (
        "lease",
        "phone",
        "radio spot",
        user.id,
    )
    assert lead.notes == "Rückruf nach 17 Uhr" and lead.status == "new"
    assert not dialog.is_modified()
    assert "Saved" in dialog.message.text()


def test_a_refused_save_keeps_the_input_and_says_why_at_the_fields(qtbot, form: MakeForm) -> None:
    dialog = form()
    type_text(qtbot, dialog.edits["email"], "anna@")
    type_text(qtbot, dialog.edits["city"], "Zürich")
    dialog.vehicle.levels["brand"].set_value("Lancia")  # not in the catalogue: kept as typed
    assert not dialog.save()
    assert m.Lead.select().count() == 0
    assert dialog.windowTitle() == "New lead"
    assert dialog.edits["email"].text() == "anna@"
    assert dialog.edits["city"].text() == "Zürich"
    assert dialog.vehicle.levels["brand"].value() == "Lancia"
    assert "name" in dialog.boxes["last_name"].message.text()
    assert "not an e-mail" in dialog.boxes["email"].message.text()
    assert dialog.boxes["email"].message.isVisible()
    assert not dialog.boxes["city"].message.isVisible()
    assert "Not saved" in dialog.message.text()

    dialog.edits["email"].setText("anna@example.ch")
    type_text(qtbot, dialog.edits["last_name"], "Keller")
    assert dialog.save()
    assert not dialog.boxes["email"].message.isVisible()
    assert leads.get(dialog.lead_id).brand == "Lancia"


def test_status_actions_move_the_lead_and_save_what_was_typed_first(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    dialog = form(_lead(user))
    assert dialog.windowTitle().endswith("— Jürgen Weiß")
    assert _visible_actions(dialog) == {"contacted", "qualify", "disqualify", "convert"}
    dialog.edits["city"].setText("Augsburg")
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.contacted_button, LEFT)
    lead = leads.get(dialog.lead_id)
    assert (lead.status, lead.city) == ("contacted", "Augsburg")
    assert dialog.status_label.text() == "Contacted"
    assert _visible_actions(dialog) == {"qualify", "disqualify", "convert"}
    qtbot.mouseClick(dialog.qualify_button, LEFT)
    assert leads.get(dialog.lead_id).status == "qualified"
    assert _visible_actions(dialog) == {"disqualify", "convert"}
    assert not dialog.is_modified()


def test_a_status_action_on_a_refused_lead_does_nothing(qtbot, form: MakeForm, user: UserInfo):
    dialog = form(_lead(user))
    dialog.edits["email"].setText("not-an-address")
    qtbot.mouseClick(dialog.qualify_button, LEFT)
    assert leads.get(dialog.lead_id).status == "new"
    assert "not an e-mail" in dialog.boxes["email"].message.text()
    assert dialog.edits["email"].text() == "not-an-address"


def test_disqualifying_asks_for_a_reason_from_the_list(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    dialog = form(_lead(user))
    qtbot.mouseClick(dialog.disqualify_button, LEFT)
    asked = dialog.disqualify_dialog
    assert asked is not None and asked.isVisible()
    assert not asked.reason.isEditable()
    reasons = [asked.reason.itemText(i) for i in range(asked.reason.count())]
    assert reasons == leads.disqualify_reasons()
    assert not asked.ok_button.isEnabled()  # no reason is picked for the user
    asked.reason.setCurrentIndex(reasons.index("Spam or test entry"))
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(asked.ok_button, LEFT)
    assert not asked.isVisible()
    lead = leads.get(dialog.lead_id)
    assert (lead.status, lead.disqualify_reason) == ("disqualified", "Spam or test entry")
    assert dialog.status_label.text() == "Disqualified — Spam or test entry"
    assert _visible_actions(dialog) == {"reopen"}

    qtbot.mouseClick(dialog.reopen_button, LEFT)
    lead = leads.get(dialog.lead_id)
    assert (lead.status, lead.disqualify_reason) == ("new", "")
    assert "convert" in _visible_actions(dialog)


def test_cancelling_the_reason_leaves_the_lead_as_it_was(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    dialog = form(_lead(user))
    dialog.ask_disqualify_reason()
    dialog.disqualify_dialog.reject()
    assert leads.get(dialog.lead_id).status == "new"


def test_converting_with_no_customer_on_file_creates_customer_and_opportunity(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    dialog = form(_lead(user))
    dialog.edits["street"].setText("Schönfeldstraße 12")  # typed, not saved yet
    qtbot.mouseClick(dialog.convert_button, LEFT)
    asking = dialog.conversion_dialog
    assert asking is not None and asking.isVisible()
    assert not asking.duplicates.isVisible()
    assert "new customer" in asking.customer_note.text()
    assert asking.owner_id() == user.id
    with qtbot.waitSignal(dialog.converted) as converted:
        qtbot.mouseClick(asking.convert_button, LEFT)
    assert not dialog.isVisible()

    opportunity = opportunities.get(converted.args[0])
    assert opportunity.stage_name == "Qualify"
    assert (opportunity.brand, opportunity.model, opportunity.source) == (
        "Volkswagen",
        "Golf",
        "spring campaign",
    )
    customer = accounts.get(opportunity.account_id)
    assert (customer.name, customer.street) == ("Weiß, Jürgen", "Schönfeldstraße 12")
    assert leads.get(dialog.lead_id).status == "converted"


def test_converting_a_lead_whose_customer_is_on_file_uses_the_one_picked(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    existing = factories.customer("Weiss", "Jürgen", email="J.Weiss@example.de")
    dialog = form(_lead(user))
    qtbot.mouseClick(dialog.convert_button, LEFT)
    asking = dialog.conversion_dialog
    assert asking.duplicates.isVisible() and asking.duplicates.count() == 1
    assert "same e-mail" in asking.duplicates.list.item(0).text()
    assert asking.duplicates.selected_account_id() == existing
    with qtbot.waitSignal(dialog.converted) as converted:
        qtbot.mouseClick(asking.use_button, LEFT)
    assert opportunities.get(converted.args[0]).account_id == existing
    assert m.Account.select().count() == 1


def test_a_new_customer_can_be_chosen_over_the_look_alike(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    factories.customer("Weiss", "Jürgen", email="J.Weiss@example.de")
    dialog = form(_lead(user))
    dialog.start_conversion()
    with qtbot.waitSignal(dialog.converted):
        qtbot.mouseClick(dialog.conversion_dialog.new_button, LEFT)
    assert m.Account.select().count() == 2


def test_a_conversion_the_customer_record_refuses_says_so_at_the_field(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    # A lead may give a first name only; a customer needs a last name.
    dialog = form(_lead(user, last_name=""))
    dialog.start_conversion()
    with qtbot.assertNotEmitted(dialog.converted):
        qtbot.mouseClick(dialog.conversion_dialog.convert_button, LEFT)
    assert dialog.isVisible()
    assert "Last name" in dialog.boxes["last_name"].message.text()
    assert "Not converted" in dialog.message.text()
    assert m.Opportunity.select().count() == 0 and m.Account.select().count() == 0


def test_a_converted_lead_is_read_only_and_leads_to_its_opportunity(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    lead_id = _lead(user)
    done = leads.convert(lead_id, owner_id=user.id)
    dialog = form(lead_id)
    assert dialog.read_only and not dialog.is_modified()
    assert dialog.edits["last_name"].isReadOnly() and dialog.notes.isReadOnly()
    assert not dialog.channel.isEnabled() and not dialog.vehicle.levels["brand"].isEnabled()
    assert not dialog.save_button.isVisible() and _visible_actions(dialog) == set()
    assert not dialog.save()
    assert dialog.status_label.text() == "Converted"
    assert dialog.customer_label.text() == "Weiß, Jürgen"
    assert dialog.opportunity_label.text().startswith(f"#{done.opportunity_id} Volkswagen Golf")
    with qtbot.waitSignal(dialog.open_opportunity) as opened:
        qtbot.mouseClick(dialog.open_opportunity_button, LEFT)
    assert opened.args == [done.opportunity_id]


def test_unsaved_changes_are_asked_about_on_close(
    qtbot, form: MakeForm, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = form(_lead(user))
    dialog.edits["city"].setText("Rosenheim")
    answers = [CANCEL, SAVE]
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    dialog.close()
    assert dialog.isVisible() and dialog.edits["city"].text() == "Rosenheim"
    dialog.close()
    assert not dialog.isVisible()
    assert leads.get(dialog.lead_id).city == "Rosenheim"
    assert "Jürgen Weiß" in asked[0]


def test_discarding_keeps_the_saved_lead(
    qtbot, form: MakeForm, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = form()
    type_text(qtbot, dialog.edits["last_name"], "Rossi")
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: DISCARD))
    dialog.reject()
    assert not dialog.isVisible() and m.Lead.select().count() == 0


def test_a_lead_saved_elsewhere_shows_the_changes_and_can_be_saved_over(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    from tests.ui.conflicts import answer_conflict

    lead_id = _lead(user)
    dialog = form(lead_id)
    dialog.edits["city"].setText("Augsburg")
    theirs = leads.get(lead_id)
    theirs.city, theirs.postcode = "Berlin", "10115"
    leads.update(lead_id, theirs, theirs.version)
    seen = answer_conflict("overwrite")
    assert dialog.save()
    changes = {c.name: (c.opened, c.theirs, c.yours) for c in seen[0]}
    assert changes["city"] == ("München", "Berlin", "Augsburg")
    assert changes["postcode"] == ("80539", "10115", "80539")
    saved = leads.get(lead_id)
    assert (saved.city, saved.postcode) == ("Augsburg", "10115")


def test_the_lead_list_shows_the_order_its_rows_are_in(qtbot, user) -> None:  # type: ignore[no-untyped-def]
    from ui.leads.lead_list import LeadListPage

    page = LeadListPage()
    qtbot.addWidget(page)
    column, descending = page.model.sort_state()
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == column >= 0
    assert page.model.headerData(column, Qt.Orientation.Horizontal) == "Received"
    assert descending and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_the_leads_language_is_shown_kept_on_save_and_can_be_set(
    qtbot, form: MakeForm, user: UserInfo
) -> None:
    dialog = form(_lead(user, language="it-IT"))  # as the web form's browser sent it
    assert dialog.language.currentData() == "it" and dialog.language.currentText() == "Italian"
    dialog.edits["city"].setText("Augsburg")
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert leads.get(dialog.lead_id).language == "it"  # a save of other fields keeps it
    dialog.language.setCurrentIndex(dialog.language.findData("fr"))
    assert dialog.is_modified()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert leads.get(dialog.lead_id).language == "fr"
