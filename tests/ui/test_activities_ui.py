"""Activities through their widgets: the activity dialog, an opportunity's timeline and the
salesperson's agenda."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, QModelIndex, Qt, QTime
from PySide6.QtWidgets import QMessageBox, QWidget

from app.db import models as m
from app.domain import vin
from app.domain.reading import format_clock, format_moment
from app.services import activities, deals, leads, opportunities, reference
from app.services.activities import ActivityInput
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.keyboard import type_text
from ui.activities.activity_dialog import ActivityDialog, to_qdatetime
from ui.activities.agenda import AgendaPage, AgendaView
from ui.activities.timeline import LEAD, TimelineWidget

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
KEY_S = Qt.Key.Key_S
KEY_RETURN = Qt.Key.Key_Return
SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel
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


def _vehicle(stock_number: str = "N-1001") -> int:
    return m.Vehicle.create(
        vin=vin.with_check_digit("WVWZZZCDZRW012345"),
        stock_number=stock_number,
        condition="new",
        brand="Volkswagen",
        model="Golf",
        variant="GTI",
    ).id


def _timeline(qtbot, user: UserInfo, opportunity_id: int) -> TimelineWidget:  # type: ignore[no-untyped-def]
    timeline = TimelineWidget(user.id)
    qtbot.addWidget(timeline)
    timeline.set_opportunity(opportunity_id)
    timeline.show()
    return timeline


def _titles(timeline: TimelineWidget) -> list[str]:
    model = timeline.model
    return [model.index(row).data() for row in range(model.rowCount())]


def _save(qtbot, dialog: ActivityDialog) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dialog.saved, timeout=2000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    # Checked before the event loop runs: the dialog deletes itself once it has closed.
    assert not dialog.isVisible()


def _click_row(qtbot, view: AgendaView, row: int, double: bool = True) -> None:  # type: ignore[no-untyped-def]
    rect = view.visualRect(view.model().index(row, 0))
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    if double:
        # A double click arrives after a press that makes the row current, as with a mouse.
        qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
    click(view.viewport(), LEFT, pos=rect.center())


def test_a_call_and_a_note_logged_through_the_dialog_show_in_the_timeline(
    qtbot, user: UserInfo
) -> None:
    opp = factories.opportunity(user.id)
    timeline = _timeline(qtbot, user, opp.id)

    dialog = timeline.add_activity("call")
    assert dialog is not None and dialog.kind.current_code() == "call"
    assert dialog.boxes["direction"].isVisibleTo(dialog)
    assert not dialog.boxes["vehicle_id"].isVisibleTo(dialog)
    type_text(qtbot, dialog.subject, "Fragt nach Lieferzeit für Größe L")
    dialog.direction.setCurrentIndex(dialog.direction.findData("in"))
    dialog.description.setPlainText("Wants the car before the holidays.")
    with qtbot.waitSignal(timeline.changed, timeout=2000):
        _save(qtbot, dialog)
    titles = _titles(timeline)
    assert "Call in: Fragt nach Lieferzeit für Größe L" in titles

    dialog = timeline.add_activity("note")
    assert dialog is not None and dialog.boxes["note_reason"].isVisibleTo(dialog)
    assert not dialog.boxes["direction"].isVisibleTo(dialog)
    qtbot.keyClicks(dialog.subject, "Has a dog")
    dialog.note_reason.setCurrentIndex(dialog.note_reason.findData("Visit"))
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(timeline.changed, timeout=2000):
        qtbot.keyClick(dialog.subject, KEY_S, CTRL)  # Ctrl+S saves and closes
    assert "Note: Has a dog (Visit)" in _titles(timeline)
    # What the user entered reached the record, description included.
    call = next(e for e in activities.timeline(opp.id) if e.title.startswith("Call in"))
    assert call.detail == "Wants the car before the holidays." and call.by == user.full_name
    # A logged call is done: nothing left to mark done.
    timeline.view.setCurrentIndex(timeline.model.index(_titles(timeline).index(call.title)))
    assert not timeline.done_button.isEnabled()


def test_a_refused_call_keeps_what_was_typed_and_says_why_at_the_field(
    qtbot, user: UserInfo
) -> None:
    opp = factories.opportunity(user.id)
    timeline = _timeline(qtbot, user, opp.id)
    dialog = timeline.add_activity("call")
    assert dialog is not None
    qtbot.keyClicks(dialog.subject, "Called about the trade-in")
    qtbot.mouseClick(dialog.save_button, LEFT)  # no direction picked
    assert dialog.isVisible()
    assert dialog.boxes["direction"].message.is_error
    assert "called" in dialog.boxes["direction"].message.text()
    assert dialog.subject.text() == "Called about the trade-in"
    assert _titles(timeline) == [e.title for e in activities.timeline(opp.id)]
    assert not any(t.startswith("Call") for t in _titles(timeline))
    dialog.direction.setCurrentIndex(dialog.direction.findData("out"))
    _save(qtbot, dialog)
    assert "Call out: Called about the trade-in" in _titles(timeline)


def test_a_test_drive_booked_through_the_dialog_moves_the_sale_to_interest(
    qtbot, user: UserInfo
) -> None:
    lead = m.Lead.create(last_name="Rossi", email="maria@example.it")
    qualify = next(s.id for s in reference.stage_infos(1) if s.name == "Qualify")
    opp = factories.opportunity(user.id, stage_id=qualify, lead_id=lead.id)
    vehicle = _vehicle()
    timeline = _timeline(qtbot, user, opp.id)
    assert opportunities.get(opp.id).stage_name == "Qualify"

    dialog = timeline.add_activity("test_drive")
    assert dialog is not None and dialog.boxes["vehicle_id"].isVisibleTo(dialog)
    qtbot.keyClicks(dialog.subject, "Test drive Golf GTI")
    dialog.starts.setDateTime(to_qdatetime(TOMORROW_10))
    assert dialog.ends.time() == QTime(11, 0)  # an hour by default
    # The vehicle picked from the list that opens for what is typed.
    dialog.vehicle.line_edit.setFocus()
    qtbot.keyClicks(dialog.vehicle.line_edit, "Golf")
    dialog.vehicle.show_choices()
    popup = dialog.vehicle.completer.popup()
    assert popup.isVisible() and popup.model().rowCount() == 1
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, KEY_RETURN)
    assert dialog.vehicle.current_id() == vehicle
    with qtbot.waitSignal(timeline.changed, timeout=2000):
        _save(qtbot, dialog)

    assert opportunities.get(opp.id).stage_name == "Interest"
    titles = _titles(timeline)
    assert "Test drive: Test drive Golf GTI" in titles
    assert "Moved automatically to Interest" in titles
    booked = m.Activity.get(m.Activity.kind == "test_drive")
    assert (booked.starts_at, booked.ends_at, booked.vehicle_id) == (
        TOMORROW_10,
        TOMORROW_10 + timedelta(hours=1),
        vehicle,
    )


def test_an_overlapping_test_drive_is_refused_at_the_start_field_keeping_the_input(
    qtbot, user: UserInfo
) -> None:
    vehicle = _vehicle()
    first = factories.opportunity(user.id, topic="Golf for Rossi")
    other = factories.opportunity(
        user.id, factories.customer("Bauer", "Anna"), topic="Golf for Bauer"
    )
    activities.create(
        ActivityInput(
            kind="test_drive",
            subject="Test drive Golf GTI",
            starts_at=TOMORROW_10,
            ends_at=TOMORROW_10 + timedelta(hours=1),
            opportunity_id=first.id,
            vehicle_id=vehicle,
            owner_id=user.id,
        )
    )
    dialog = ActivityDialog(None, user.id, opportunity_id=other.id, kind="test_drive")
    qtbot.addWidget(dialog)
    dialog.show()
    saved: list[int] = []
    dialog.saved.connect(saved.append)
    qtbot.keyClicks(dialog.subject, "Family test drive")
    qtbot.keyClicks(dialog.vehicle.line_edit, "N-1001")  # typed, not picked from the list
    start = TOMORROW_10 + timedelta(minutes=30)
    dialog.starts.setDateTime(to_qdatetime(start))
    dialog.description.setPlainText("Bring the child seat.")

    qtbot.mouseClick(dialog.save_button, LEFT)

    assert dialog.isVisible() and saved == []
    box = dialog.boxes["starts_at"]
    assert box.message.is_error and box.message.isVisibleTo(dialog)
    message = box.message.text()
    assert message == (
        f"The vehicle is booked {format_moment(TOMORROW_10)}–"
        f"{format_clock(TOMORROW_10.replace(hour=11))} for a test drive with "
        f"Maria Rossi (Anna, opportunity #{first.id})."
    )
    assert (dialog.subject.text(), dialog.description.toPlainText()) == (
        "Family test drive",
        "Bring the child seat.",
    )
    assert dialog.vehicle.current_id() == vehicle
    assert dialog.starts.dateTime() == to_qdatetime(start)
    assert dialog.ends.time() == QTime(11, 30)
    assert m.Activity.select().count() == 1

    # Moved to when the first drive is back, it is booked.
    dialog.starts.setDateTime(to_qdatetime(TOMORROW_10 + timedelta(hours=1)))
    assert not box.message.isVisibleTo(dialog)  # the message goes once the start is changed
    _save(qtbot, dialog)
    assert len(saved) == 1 and activities.get(saved[0]).subject == "Family test drive"


def test_closing_with_unsaved_changes_asks_first(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    opp = factories.opportunity(user.id)
    dialog = ActivityDialog(None, user.id, opportunity_id=opp.id, kind="task")
    qtbot.addWidget(dialog)
    dialog.show()
    asked: list[str] = []

    def answer_with(button: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def question(parent: QWidget, title: str, text: str, *args: object) -> object:
            asked.append(text)
            return button

        monkeypatch.setattr(QMessageBox, "question", staticmethod(question))

    dialog.reject()  # nothing typed: closes without asking
    assert asked == [] and not dialog.isVisible()

    dialog = ActivityDialog(None, user.id, opportunity_id=opp.id, kind="task")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.subject, "Send the brochure")
    answer_with(CANCEL)
    dialog.reject()
    assert len(asked) == 1 and dialog.isVisible()
    assert dialog.subject.text() == "Send the brochure"
    answer_with(SAVE)
    dialog.reject()
    assert not dialog.isVisible()
    assert [e.title for e in activities.timeline(opp.id) if e.activity_id] == [
        "Task: Send the brochure"
    ]


def test_a_closed_opportunitys_timeline_cannot_add(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    opp = factories.opportunity(user.id)
    task = activities.create(
        ActivityInput(
            kind="task",
            subject="Call back",
            starts_at=TOMORROW_10,
            opportunity_id=opp.id,
            owner_id=user.id,
        )
    )
    timeline = _timeline(qtbot, user, opp.id)
    timeline.view.setCurrentIndex(timeline.model.index(_titles(timeline).index("Task: Call back")))
    assert all(b.isEnabled() for b in timeline.add_buttons.values())
    assert timeline.done_button.isEnabled()

    deals.close_lost([opp.id], "Price")
    timeline.set_read_only(True)
    timeline.refresh()
    assert not any(b.isEnabled() for b in timeline.add_buttons.values())
    assert not timeline.done_button.isEnabled()
    assert "reopen" in timeline.hint.text() and timeline.hint.isVisibleTo(timeline)
    assert timeline.add_activity("note") is None
    opened = timeline.open_activity(task.id)  # it can still be read
    assert opened.read_only and not opened.save_button.isVisibleTo(opened)
    opened.reject()

    # A dialog opened on it by some other way is refused by the service, said in the dialog.
    dialog = ActivityDialog(None, user.id, opportunity_id=opp.id, kind="note")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.subject, "Too late")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.isVisible() and dialog.message.isVisibleTo(dialog)
    assert "reopen" in dialog.message.text()
    assert dialog.subject.text() == "Too late"
    assert m.Activity.select().count() == 1
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: DISCARD))
    dialog.reject()
    assert not dialog.isVisible()


def test_the_timeline_of_a_thousand_activities_draws_only_what_is_shown(
    qtbot, user: UserInfo
) -> None:
    opp = factories.opportunity(user.id)
    start = datetime.now().replace(microsecond=0)
    m.Activity.insert_many(
        [
            {
                "kind": ("call", "note", "task", "email")[i % 4],
                "subject": f"Activity {i}",
                "starts_at": start - timedelta(hours=i),
                "opportunity": opp.id,
                "owner": user.id,
                "direction": "in",
            }
            for i in range(1000)
        ]
    ).execute()
    timeline = _timeline(qtbot, user, opp.id)
    timeline.resize(800, 500)
    painted: list[int] = []
    delegate = timeline.view.itemDelegate()
    original = delegate.paint

    def counting_paint(painter, option, index) -> None:  # type: ignore[no-untyped-def]
        painted.append(index.row())
        original(painter, option, index)

    delegate.paint = counting_paint  # type: ignore[method-assign]
    timeline.grab()
    assert timeline.model.rowCount() >= 1000
    assert 0 < len(set(painted)) < 50


def _agenda_data(user: UserInfo) -> dict[str, int]:
    today = date.today()
    now = datetime.now()
    mine = factories.opportunity(user.id, topic="Mine")
    late = factories.opportunity(user.id, topic="Late")
    m.Opportunity.update(est_close_date=today - timedelta(days=2)).where(
        m.Opportunity.id == late.id
    ).execute()
    stale = factories.opportunity(user.id, topic="Stale")
    m.StageChange.update(created_at=now - timedelta(days=40)).where(
        m.StageChange.opportunity == stale.id
    ).execute()
    morning = datetime.combine(today, datetime.min.time()) + timedelta(hours=9)
    activities.create(
        ActivityInput(
            kind="appointment",
            subject="Showroom visit",
            starts_at=morning,
            opportunity_id=mine.id,
            owner_id=user.id,
        )
    )
    task = activities.create(
        ActivityInput(
            kind="task",
            subject="Send brochure",
            starts_at=morning - timedelta(days=3),
            opportunity_id=mine.id,
            owner_id=user.id,
        )
    )
    loose = activities.create(
        ActivityInput(
            kind="task",
            subject="Ask about the trade-in",
            starts_at=morning - timedelta(days=1),
            account_id=factories.customer("Novak", "Petra"),
            owner_id=user.id,
        )
    )
    return {"mine": mine.id, "late": late.id, "stale": stale.id, "task": task.id, "loose": loose.id}


def _cells(page_view: AgendaView, row: int) -> list[str]:
    model = page_view.model()
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_every_agenda_model_passes_the_model_tester(qtbot, qtmodeltester, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    ids = _agenda_data(user)
    tomorrow = datetime.now().replace(microsecond=0, minute=0) + timedelta(days=1)
    activities.create(  # the coming days have something too
        ActivityInput(
            kind="appointment",
            subject="Walk round",
            starts_at=tomorrow,
            owner_id=user.id,
            opportunity_id=activities.get(ids["mine"]).opportunity_id,
        )
    )
    page = AgendaPage(user.id)
    qtbot.addWidget(page)
    for section in page.sections:
        assert section.model.rowCount()
        qtmodeltester.check(section.model, force_py=True)


def test_the_agenda_shows_today_overdue_past_close_and_stale(qtbot, user: UserInfo) -> None:
    ids = _agenda_data(user)
    page = AgendaPage(user.id)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)

    assert page.today.model.rowCount() == 1
    assert _cells(page.today.view, 0) == [
        "9:00\u202fAM–10:00\u202fAM",
        "Appointment",
        "Showroom visit",
        f"Rossi, Maria · #{ids['mine']}",
    ]
    overdue = [_cells(page.overdue.view, r) for r in range(page.overdue.model.rowCount())]
    assert [(c[1], c[3]) for c in overdue] == [
        ("3 days late", "Send brochure"),
        ("1 day late", "Ask about the trade-in"),
    ]
    assert [_cells(page.past_close.view, 0)[0]] == [f"#{ids['late']} Late"]
    assert page.past_close.model.rowCount() == 1
    assert page.stale.model.rowCount() == 1
    stale_row = _cells(page.stale.view, 0)
    assert stale_row[0] == f"#{ids['stale']} Stale" and "40 days in Interest" in stale_row[-1]
    assert page.today.title() == "Today (1)" and page.overdue.title() == "Overdue (2)"

    # Marking the overdue task done takes it off the list.
    with qtbot.waitSignal(page.count_changed, timeout=2000) as counted:
        _click_row(qtbot, page.overdue.view, 0, double=False)
        assert page.done_button.isEnabled()
        qtbot.mouseClick(page.done_button, LEFT)
    assert counted.args == ["1 today, 1 overdue, 1 past their close date, 1 stale"]
    assert [_cells(page.overdue.view, 0)[3]] == ["Ask about the trade-in"]
    assert page.overdue.model.rowCount() == 1
    assert activities.get(ids["task"]).done

    # A double click or Enter opens the opportunity.
    with qtbot.waitSignal(page.open_opportunity, timeout=2000) as opened:
        _click_row(qtbot, page.past_close.view, 0)
    assert opened.args == [ids["late"]]
    with qtbot.waitSignal(page.open_opportunity, timeout=2000) as opened:
        _click_row(qtbot, page.stale.view, 0)
    assert opened.args == [ids["stale"]]
    page.today.view.setFocus()
    page.today.view.setCurrentIndex(page.today.model.index(0, 0))
    with qtbot.waitSignal(page.open_opportunity, timeout=2000) as opened:
        qtbot.keyClick(page.today.view, KEY_RETURN)
    assert opened.args == [ids["mine"]]

    # An activity of no opportunity opens in the activity dialog.
    with qtbot.assertNotEmitted(page.open_opportunity):
        dialog = page.open_row(page.overdue.model.row_at(0))
    assert isinstance(dialog, ActivityDialog) and dialog.activity_id == ids["loose"]
    assert dialog.subject.text() == "Ask about the trade-in"

    dialog.done_box.setChecked(True)
    with qtbot.waitSignal(page.count_changed, timeout=2000):
        _save(qtbot, dialog)
    assert page.overdue.model.rowCount() == 0


def test_the_agenda_counts_every_late_sale_and_reads_them_a_page_at_a_time(
    qtbot, qtmodeltester, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = date.today()
    late = []
    for n in range(30):
        sale = factories.opportunity(user.id, topic=f"Late {n}")
        late.append((today - timedelta(days=1 + n % 4), sale.id))
        m.Opportunity.update(est_close_date=late[-1][0]).where(
            m.Opportunity.id == sale.id
        ).execute()
    late.sort()  # by close date, then number: the agenda's order
    monkeypatch.setattr(activities, "AGENDA_PAGE", 5)
    page = AgendaPage(user.id)
    qtbot.addWidget(page)
    page.resize(1300, 500)
    page.show()
    qtbot.waitExposed(page)

    view, model = page.past_close.view, page.past_close.model
    assert page.past_close.title() == "Past their close date (30)"
    assert "30 past their close date" in page.summary()
    # What fills the list is read, a page at a time, not every late sale.
    first = model.rowCount()
    assert first % 5 == 0 and 5 <= first < 30
    # Scrolled to the end, the list reads the next page, and the next, in the same order.
    while model.rowCount() < 30:
        shown = model.rowCount()
        view.scrollToBottom()
        qtbot.waitUntil(lambda n=shown: model.rowCount() > n, timeout=2000)  # type: ignore[misc]
        assert model.rowCount() - shown <= 5 or model.rowCount() % 5 == 0
    view.scrollToBottom()
    assert model.rowCount() == 30 and not model.canFetchMore(QModelIndex())
    assert [_cells(view, r)[0] for r in range(30)] == [
        f"#{oid} {m.Opportunity.get_by_id(oid).topic}" for _day, oid in late
    ]
    assert [_cells(view, r)[-1] for r in (0, 29)] == ["4 days past", "1 day past"]
    with qtbot.waitSignal(page.open_opportunity, timeout=2000) as opened:
        _click_row(qtbot, view, 29)
    assert opened.args == [late[29][1]]

    # Closed since: a refresh counts and shows the others.
    m.Opportunity.update(status="won").where(m.Opportunity.id == late[0][1]).execute()
    page.refresh()
    assert page.past_close.title() == "Past their close date (29)" and model.rowCount() == first
    assert _cells(view, 0)[0].startswith(f"#{late[1][1]} ")
    qtmodeltester.check(model, force_py=True)  # fetchMore included


def test_the_activity_dialog_follows_the_start_with_the_end(qtbot, user: UserInfo) -> None:
    opp = factories.opportunity(user.id)
    dialog = ActivityDialog(None, user.id, opportunity_id=opp.id, kind="appointment")
    qtbot.addWidget(dialog)
    dialog.starts.setDateTime(to_qdatetime(TOMORROW_10))
    dialog.ends.setTime(QTime(11, 30))
    dialog.starts.setDateTime(QDateTime(to_qdatetime(TOMORROW_10 + timedelta(hours=2))))
    assert dialog.ends.time() == QTime(13, 30)  # the slot keeps its length
    label = dialog.form.labelForField(dialog.boxes["starts_at"])
    assert label.text() == "&Starts"
    dialog.kind.set_current_code("task")
    assert label.text() == "&Due" and not dialog.boxes["ends_at"].isVisibleTo(dialog)
    assert dialog.owner.current_id() == user.id


def test_an_evening_appointment_runs_past_midnight_and_an_end_before_the_start_is_refused(
    qtbot, user: UserInfo
) -> None:
    opp = factories.opportunity(user.id)
    evening = datetime.combine(TOMORROW_10.date(), datetime.min.time()) + timedelta(hours=23)
    dialog = ActivityDialog(None, user.id, opportunity_id=opp.id, kind="appointment")
    qtbot.addWidget(dialog)
    dialog.subject.setText("Late handover")
    dialog.starts.setDateTime(to_qdatetime(evening))
    dialog.ends.setTime(QTime(0, 30))  # the next morning: a slot of an hour and a half
    assert dialog.end_value() == evening + timedelta(hours=1, minutes=30)
    assert dialog.ends_hint.text() == "(1 h 30 min)"
    # An end long before the start (14:00 to 10:00) is not read as the next day: it is
    # refused, as typed.
    dialog.starts.setDateTime(to_qdatetime(evening - timedelta(hours=9)))
    dialog.ends.setTime(QTime(10, 0))
    assert not dialog.save()
    assert dialog.boxes["ends_at"].message.text() == "The end must come after the start."
    assert dialog.ends.time() == QTime(10, 0)
    dialog.starts.setDateTime(to_qdatetime(evening))
    dialog.ends.setTime(QTime(0, 30))
    with qtbot.waitSignal(dialog.saved, timeout=2000):
        assert dialog.save()
    saved = m.Activity.get(m.Activity.subject == "Late handover")
    assert (saved.starts_at, saved.ends_at) == (evening, evening + timedelta(hours=1, minutes=30))


def test_an_empty_timeline_says_how_to_add_and_a_read_only_one_that_it_is_empty(
    qtbot, user: UserInfo
) -> None:
    timeline = TimelineWidget(user.id, attached_to=LEAD)
    qtbot.addWidget(timeline)
    timeline.resize(500, 300)
    timeline.show()
    timeline.set_record(None)  # an unsaved lead: its hint says so, the list says nothing
    assert timeline.view.empty_text == ""
    blank = timeline.view.viewport().grab().toImage()

    lead_id = leads.create(
        LeadInput(first_name="Maria", last_name="Rossi", email="maria@example.it", owner_id=user.id)
    ).id
    timeline.set_record(lead_id)
    assert timeline.model.rowCount() == 0
    assert timeline.view.empty_text == "No activities yet: add one with the buttons above."
    # The words are drawn in the list's place.
    assert timeline.view.viewport().grab().toImage() != blank
    timeline.set_read_only(True)
    assert timeline.view.empty_text == "No activities."

    timeline.set_read_only(False)
    activities.create(
        ActivityInput(
            kind="note",
            subject="Asked for a brochure",
            starts_at=TOMORROW_10,
            lead_id=lead_id,
            owner_id=user.id,
        )
    )
    timeline.refresh()
    assert _titles(timeline) and timeline.model.rowCount() == 1
    shown = timeline.view.viewport().grab().toImage()
    timeline.view.set_empty_text("")
    assert timeline.view.viewport().grab().toImage() == shown  # not drawn over entries


def test_the_agenda_writes_its_days_and_times_as_the_screen_s_language(
    qtbot, user: UserInfo
) -> None:
    """German: '09:00–10:00' and a due moment '04.12.2026, 09:00', not the stored form."""
    from app import i18n

    _agenda_data(user)
    i18n.set_language("de")
    try:
        page = AgendaPage(user.id)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitExposed(page)
        assert _cells(page.today.view, 0)[0] == "09:00–10:00"
        due = date.today() - timedelta(days=3)
        assert _cells(page.overdue.view, 0)[0] == f"{due:%d.%m.%Y}, 09:00"
    finally:
        i18n.set_language("en")
