"""The contact, activity, stage setup and document settings dialogs meet a save made at
another workstation as the record dialogs do: the conflict dialog shows what changed on
each side, and the user's changes go on top of theirs, or theirs are shown."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime

from app.services import accounts, activities, documents, stage_setup
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.conflicts import answer_conflict
from ui.activities.activity_dialog import ActivityDialog
from ui.admin.stage_setup_dialog import StageSetupDialog
from ui.customers.customer_form import ContactDialog
from ui.quotes.document_settings_dialog import DocumentSettingsDialog


def _as_input(cls: type, detail: object, **changes: object) -> object:
    return cls(**{**{f.name: getattr(detail, f.name) for f in fields(cls)}, **changes})


def test_a_contact_saved_elsewhere_goes_through_the_conflict_dialog(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    account = factories.customer("Rossi", "Maria")
    contact = accounts.get(account).contacts[0]
    dialog = ContactDialog(account, contact)
    qtbot.addWidget(dialog)
    # Another workstation changes the e-mail meanwhile.
    accounts.update_contact(
        contact.id,
        _as_input(accounts.ContactInput, contact, email="maria@example.it"),
        contact.version,
    )
    dialog.edits["job_title"].setText("Fleet manager")
    seen = answer_conflict("overwrite")
    assert dialog.save()
    assert [c.name for c in seen[0]] == ["job_title", "email"]
    saved = accounts.contact(contact.id)
    # Theirs kept, mine on top: nothing lost.
    assert (saved.email, saved.job_title) == ("maria@example.it", "Fleet manager")


def test_an_activity_saved_elsewhere_can_be_reloaded(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    activity = activities.create(
        activities.ActivityInput(
            kind="task",
            subject="Call back",
            starts_at=datetime(2030, 1, 2, 10, 0),
            owner_id=user.id,
            opportunity_id=sale.id,
        )
    )
    dialog = ActivityDialog(activity.id, user.id)
    qtbot.addWidget(dialog)
    activities.update(
        activity.id,
        _as_input(activities.ActivityInput, activity, subject="Call back at noon"),
        activity.version,
    )
    dialog.description.setPlainText("Bring the brochure")
    seen = answer_conflict("reload")
    assert not dialog.save()
    assert {c.name for c in seen[0]} == {"subject", "description"}
    assert dialog.subject.text() == "Call back at noon"
    assert activities.get(activity.id).description == ""
    assert "Reloaded" in dialog.message.text()


def test_the_stage_setup_saves_over_a_stage_changed_elsewhere(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    dialog = StageSetupDialog()
    qtbot.addWidget(dialog)
    interest = next(s for s in stage_setup.kinds()[0].stages if s.key == "interest")
    stage_setup.update_stage(interest.id, 30, 21, True, expected_version=interest.version)
    row = dialog.pages[dialog.current_kind_id()].rows[interest.id]
    row.days.setValue(5)
    seen = answer_conflict("overwrite")
    assert dialog.save()
    assert [c.name for c in seen[0]] == ["default_probability", "days_allowed"]
    saved = stage_setup.stage(interest.id)
    assert (saved.default_probability, saved.days_allowed) == (30, 5)


def test_the_document_settings_keep_theirs_under_mine(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    dialog = DocumentSettingsDialog()
    qtbot.addWidget(dialog)
    opened = documents.document_settings()
    documents.save_document_settings(replace(opened, valid_days=45))
    dialog.terms.setPlainText("Payable on delivery.")
    seen = answer_conflict("overwrite")
    assert dialog.save()
    assert [c.name for c in seen[0]] == ["valid_days", "terms"]
    saved = documents.document_settings()
    assert (saved.valid_days, saved.terms) == (45, "Payable on delivery.")
