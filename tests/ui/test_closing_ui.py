"""The stage bar, closing and reopening, and the sales-process setup, through their widgets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.db import models as m
from app.services import deals, opportunities, process, reference, stage_setup
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.ui.keyboard import type_text
from ui.admin.stage_setup_dialog import StageSetupDialog
from ui.common.widgets import ERROR_COLOUR, WARNING_COLOUR
from ui.opportunities.close_dialogs import CloseLostDialog, CloseWonDialog, reopen
from ui.opportunities.stage_bar import AHEAD, CURRENT, PASSED, StageBar

LEFT = Qt.MouseButton.LeftButton
YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No


@pytest.fixture
def stage_ids(user: UserInfo) -> dict[str, int]:
    return {s.name: s.id for s in reference.stage_infos(1)}


@pytest.fixture
def show(qtbot) -> Callable[[QWidget], QWidget]:  # type: ignore[no-untyped-def]
    def shown(widget: QWidget, width: int = 820) -> QWidget:
        qtbot.addWidget(widget)
        widget.resize(width, widget.sizeHint().height())
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return shown


def message_boxes(
    monkeypatch: pytest.MonkeyPatch, kind: str, answer: QMessageBox.StandardButton = YES
) -> list[str]:
    """Answer the message boxes of this kind, keeping what each one said."""
    said: list[str] = []

    def box(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        said.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, kind, staticmethod(box))
    return said


def stage_of(opportunity_id: int) -> str:
    return opportunities.get(opportunity_id).stage_name


def bar_for(show, opportunity_id: int) -> StageBar:  # type: ignore[no-untyped-def]
    bar = StageBar()
    bar.set_opportunity(opportunity_id)
    show(bar)
    return bar


# --- the stage bar ------------------------------------------------------------------------


def test_the_stage_bar_shows_the_current_stage_and_only_the_allowed_moves(
    user: UserInfo, stage_ids: dict[str, int], show
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    process.move_to_stage(opp.id, stage_ids["Quotation"])
    bar = bar_for(show, opp.id)

    # Qualify is only for sales from a lead: not part of this one.
    assert [s.stage.name for s in bar.segments.values()] == [
        "Interest",
        "Quotation",
        "Contract",
        "Delivery",
    ]
    places = {name: bar.segment_named(name).place for name in ("Interest", "Quotation", "Contract")}
    assert places == {"Interest": PASSED, "Quotation": CURRENT, "Contract": AHEAD}
    clickable = {s.stage.name for s in bar.segments.values() if s.isEnabled()}
    assert clickable == {"Interest", "Contract"}  # back one, or on to the next
    assert "no skipping" in bar.segment_named("Delivery").toolTip()
    assert bar.days_label.text() == "Less than a day in Quotation (allowed 14)"
    assert bar.lateness == "" and not bar.badge.isVisible()


def test_an_opportunity_from_a_lead_starts_in_qualify(
    user: UserInfo, stage_ids: dict[str, int], show
) -> None:  # type: ignore[no-untyped-def]
    lead = m.Lead.create(last_name="Rossi", email="maria@example.it")
    opp = factories.opportunity(user.id, stage_id=stage_ids["Qualify"], lead_id=lead.id)
    bar = bar_for(show, opp.id)
    assert bar.segment_named("Qualify").place == CURRENT
    assert [s.stage.name for s in bar.segments.values() if s.isEnabled()] == ["Interest"]


def test_clicking_the_next_stage_moves_the_opportunity(
    user: UserInfo, stage_ids: dict[str, int], show, qtbot
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    bar = bar_for(show, opp.id)
    quotation = bar.segment(stage_ids["Quotation"])
    with (
        qtbot.waitSignal(bar.stage_chosen) as chosen,
        qtbot.waitSignal(bar.moved),
    ):
        qtbot.mouseClick(quotation, LEFT, pos=quotation.rect().center())
    assert chosen.args == [stage_ids["Quotation"]]
    assert stage_of(opp.id) == "Quotation"
    assert bar.segment(stage_ids["Quotation"]).place == CURRENT
    assert bar.segment(stage_ids["Interest"]).place == PASSED
    assert bar.segment(stage_ids["Contract"]).isEnabled()
    # And back again: going back is allowed.
    interest = bar.segment(stage_ids["Interest"])
    with qtbot.waitSignal(bar.moved):
        qtbot.mouseClick(interest, LEFT, pos=interest.rect().center())
    assert stage_of(opp.id) == "Interest"


def test_a_stage_cannot_be_skipped(
    user: UserInfo, stage_ids: dict[str, int], show, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    bar = bar_for(show, opp.id)
    contract = bar.segment(stage_ids["Contract"])
    assert not contract.isEnabled()
    with qtbot.assertNotEmitted(bar.stage_chosen), qtbot.assertNotEmitted(bar.moved):
        qtbot.mouseClick(contract, LEFT, pos=contract.rect().center())
    assert stage_of(opp.id) == "Interest"
    # Asked anyway, the service refuses and the bar says why.
    said = message_boxes(monkeypatch, "warning")
    with qtbot.assertNotEmitted(bar.moved):
        assert not bar.move_to(stage_ids["Contract"])
    assert stage_of(opp.id) == "Interest"
    assert len(said) == 1 and "no skipping" in said[0]


def test_a_move_refused_since_the_bar_was_shown_is_explained(
    user: UserInfo, stage_ids: dict[str, int], show, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    bar = bar_for(show, opp.id)
    deals.close_lost([opp.id], "Price")  # at another workstation
    said = message_boxes(monkeypatch, "warning")
    quotation = bar.segment(stage_ids["Quotation"])
    with qtbot.assertNotEmitted(bar.moved):
        qtbot.mouseClick(quotation, LEFT, pos=quotation.rect().center())
    assert len(said) == 1 and "reopen" in said[0]
    assert stage_of(opp.id) == "Lost"
    assert bar.badge.isVisible() and bar.badge.text() == "Lost"


def test_time_in_stage_turns_amber_then_red_when_over(
    user: UserInfo, stage_ids: dict[str, int], show
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    process.move_to_stage(opp.id, stage_ids["Quotation"])
    entered = m.StageChange.opportunity == opp.id
    m.StageChange.update(created_at=m.now() - timedelta(days=20, hours=1)).where(entered).execute()
    bar = bar_for(show, opp.id)
    assert bar.days_label.text().startswith("20 days in Quotation (allowed 14)")
    assert bar.lateness == "over" and WARNING_COLOUR in bar.days_label.styleSheet()
    m.StageChange.update(created_at=m.now() - timedelta(days=40)).where(entered).execute()
    bar.refresh()
    assert bar.days_label.text().startswith("40 days in Quotation (allowed 14)")
    assert bar.lateness == "far over" and ERROR_COLOUR in bar.days_label.styleSheet()


def test_a_closed_opportunity_shows_its_badge_and_cannot_be_moved(
    user: UserInfo, stage_ids: dict[str, int], show
) -> None:  # type: ignore[no-untyped-def]
    lost = factories.opportunity(user.id)
    process.move_to_stage(lost.id, stage_ids["Quotation"])
    deals.close_lost([lost.id], "Price")
    bar = bar_for(show, lost.id)
    assert bar.badge.isVisible() and bar.badge.text() == "Lost"
    assert not any(s.isEnabled() for s in bar.segments.values())
    assert bar.segment(stage_ids["Quotation"]).place == PASSED
    assert bar.segment(stage_ids["Contract"]).place == AHEAD
    assert bar.days_label.text() == "Closed as lost in Quotation today."

    won = factories.opportunity(user.id)
    process.close_won(won.id)
    bar.set_opportunity(won.id)
    assert bar.badge.text() == "Won" and not any(s.isEnabled() for s in bar.segments.values())


def test_a_read_only_bar_moves_nothing(
    user: UserInfo, stage_ids: dict[str, int], show, qtbot
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    bar = bar_for(show, opp.id)
    bar.set_read_only(True)
    quotation = bar.segment(stage_ids["Quotation"])
    assert not quotation.isEnabled()
    qtbot.mouseClick(quotation, LEFT, pos=quotation.rect().center())
    assert stage_of(opp.id) == "Interest"
    bar.set_read_only(False)
    assert bar.segment(stage_ids["Quotation"]).isEnabled()


# --- closing and reopening ------------------------------------------------------------------


def test_close_as_lost_needs_a_reason_chosen(user: UserInfo, show, qtbot) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    dialog = show(CloseLostDialog([opp.id]), 480)
    assert dialog.reason.currentIndex() == -1  # nothing chosen for the user
    type_text(qtbot, dialog.competitor, "BMW Autohaus Meier")
    with qtbot.assertNotEmitted(dialog.closed):
        qtbot.mouseClick(dialog.close_button, LEFT)
    box = dialog.boxes["lost_reason"]
    assert box.message.is_error and "Pick why the sale was lost" in box.message.text()
    assert box.message.isVisible() and dialog.isVisible()
    assert dialog.competitor.text() == "BMW Autohaus Meier"  # kept as typed
    assert m.Opportunity.get_by_id(opp.id).status == "open"

    dialog.reason.setCurrentIndex(dialog.reason.findText("Bought another brand"))
    assert not box.message.isVisible()
    dialog.note.setPlainText("Went for an X1")
    with qtbot.waitSignal(dialog.closed) as closed:
        qtbot.mouseClick(dialog.close_button, LEFT)
    assert closed.args == [[opp.id]] and not dialog.isVisible()
    row = m.Opportunity.get_by_id(opp.id)
    assert (row.status, row.lost_reason, row.competitor, row.closing_note) == (
        "lost",
        "Bought another brand",
        "BMW Autohaus Meier",
        "Went for an X1",
    )


def test_several_are_closed_as_lost_at_once(user: UserInfo, show, qtbot) -> None:  # type: ignore[no-untyped-def]
    first = factories.opportunity(user.id, topic="Golf for Rossi")
    second = factories.opportunity(user.id, factories.customer("Bauer", "Anna"), topic="Tiguan")
    won = factories.opportunity(user.id, topic="Passat lease")
    process.close_won(won.id)
    dialog = show(CloseLostDialog([first.id, second.id, won.id]), 480)
    assert dialog.opportunity_ids == [first.id, second.id]
    assert "2 opportunities" in dialog.summary.text() and "Tiguan" in dialog.summary.text()
    assert "Passat lease" in dialog.left_out.text() and "won already" in dialog.left_out.text()
    dialog.reason.setCurrentIndex(dialog.reason.findText("Price"))
    with qtbot.waitSignal(dialog.closed) as closed:
        qtbot.mouseClick(dialog.close_button, LEFT)
    assert closed.args == [[first.id, second.id]]
    statuses = [m.Opportunity.get_by_id(i).status for i in (first.id, second.id, won.id)]
    assert statuses == ["lost", "lost", "won"]
    assert {m.Opportunity.get_by_id(i).lost_reason for i in (first.id, second.id)} == {"Price"}


def test_cancel_asks_before_dropping_a_typed_note(
    user: UserInfo, show, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    dialog = show(CloseLostDialog([opp.id]), 480)
    dialog.note.setPlainText("Call again in spring")
    asked = message_boxes(monkeypatch, "question", QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert len(asked) == 1 and dialog.isVisible()
    message_boxes(monkeypatch, "question", QMessageBox.StandardButton.Discard)
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert not dialog.isVisible() and m.Opportunity.get_by_id(opp.id).status == "open"


def test_close_as_won(user: UserInfo, show, qtbot) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id)
    dialog = show(CloseWonDialog(opp.id), 480)
    dialog.note.setPlainText("Delivered with winter tyres")
    with qtbot.waitSignal(dialog.closed) as closed:
        qtbot.mouseClick(dialog.close_button, LEFT)
    assert closed.args == [opp.id]
    row = m.Opportunity.get_by_id(opp.id)
    assert (row.status, row.probability, row.closing_note) == (
        "won",
        100,
        "Delivered with winter tyres",
    )
    assert stage_of(opp.id) == "Won"
    # Closed already: nothing left to close.
    again = show(CloseWonDialog(opp.id), 480)
    assert not again.close_button.isEnabled() and "won already" in again.left_out.text()


def test_reopen_asks_and_returns_to_the_stage(
    user: UserInfo, stage_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    opp = factories.opportunity(user.id)
    process.move_to_stage(opp.id, stage_ids["Quotation"])
    deals.close_lost([opp.id], "Price", competitor="BMW")

    asked = message_boxes(monkeypatch, "question", NO)
    assert not reopen(None, opp.id)
    assert m.Opportunity.get_by_id(opp.id).status == "lost"

    asked = message_boxes(monkeypatch, "question", YES)
    assert reopen(None, opp.id)
    assert len(asked) == 1 and "back to Quotation" in asked[0] and "lost reason" in asked[0]
    row = m.Opportunity.get_by_id(opp.id)
    assert (row.status, row.lost_reason, row.competitor) == ("open", "", "")
    assert stage_of(opp.id) == "Quotation"
    assert process.history(opp.id)[-1].reason == "reopened"
    assert not reopen(None, opp.id)  # open already: nothing to ask


# --- the sales-process setup ----------------------------------------------------------------


def test_the_setup_changes_a_probability_and_the_opportunities_follow(
    user: UserInfo, stage_ids: dict[str, int], show, qtbot
) -> None:  # type: ignore[no-untyped-def]
    follower = factories.opportunity(user.id)
    by_hand = factories.opportunity(user.id, probability=60)
    dialog = show(StageSetupDialog())
    assert not dialog.banner.isVisible() and not dialog.save_button.isEnabled()
    page = dialog.pages[dialog.current_kind_id()]
    assert page.kind.process == "standard"
    assert stage_ids["Won"] not in page.rows and stage_ids["Lost"] not in page.rows
    row = page.rows[stage_ids["Interest"]]
    row.probability.setValue(25)
    row.days.setValue(0)  # no limit
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert not dialog.save_button.isEnabled() and "Saved 1 stage" in dialog.saved_label.text()

    interest = next(s for s in stage_setup.kinds()[0].stages if s.id == stage_ids["Interest"])
    assert (interest.default_probability, interest.days_allowed) == (25, None)
    assert m.Opportunity.get_by_id(follower.id).probability == 25
    assert m.Opportunity.get_by_id(by_hand.id).probability == 60
    dialog.close()


def test_the_setup_creates_a_custom_kind(user: UserInfo, show, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = show(StageSetupDialog())
    qtbot.mouseClick(dialog.new_kind_button, LEFT)
    new = dialog.new_kind_dialog
    assert new is not None and new.isVisible()
    type_text(qtbot, new.name, "Fleet")
    qtbot.mouseClick(new.process_buttons["custom"], LEFT)
    for name in new.stage_boxes:
        new.stage_boxes[name].setChecked(False)
    with qtbot.assertNotEmitted(new.created):
        qtbot.mouseClick(new.create_button, LEFT)
    assert "at least one stage" in new.boxes["stages"].message.text()
    for key in ("interest", "contract", "delivery"):
        box = new.stage_boxes[key]
        qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))  # on the tick box
    assert new.stages_ticked() == ["interest", "contract", "delivery"]
    with qtbot.waitSignal(new.created):
        qtbot.mouseClick(new.create_button, LEFT)

    fleet = next(k for k in stage_setup.kinds() if k.name == "Fleet")
    assert fleet.process == "custom"
    assert [s.name for s in fleet.stages] == ["Interest", "Contract", "Delivery", "Won", "Lost"]
    assert dialog.current_kind_id() == fleet.id
    assert set(dialog.pages[fleet.id].rows) == {s.id for s in fleet.stages[:3]}


def test_a_salesperson_sees_the_setup_read_only(user: UserInfo, stage_ids, show) -> None:  # type: ignore[no-untyped-def]
    seller = add_user("zofia", "salesperson", full_name="Zofia Nowak")
    m.set_acting_user(seller.id)
    dialog = show(StageSetupDialog())
    assert dialog.read_only and dialog.banner.isVisible()
    assert "Only a sales manager or an administrator" in dialog.banner.text()
    row = dialog.pages[dialog.current_kind_id()].rows[stage_ids["Interest"]]
    assert row.probability.isReadOnly() and row.days.isReadOnly()
    assert not row.in_funnel.isEnabled()
    assert not dialog.new_kind_button.isEnabled() and not dialog.save_button.isVisible()
    assert [k.name for k in stage_setup.kinds()] == ["Standard", "Without stages"]
