"""A customer's activities and documents, a lead's activities and the agenda's Mark done and
column widths, as a salesperson uses them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from app.db import models as m
from app.services import activities, leads
from app.services.activities import ActivityInput
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from ui.account_form import AccountFormDialog
from ui.activity_dialog import ActivityDialog
from ui.lead_form import LeadDialog
from ui.timeline import TimelineWidget

LEFT = Qt.MouseButton.LeftButton
KEY_RETURN = Qt.Key.Key_Return
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
