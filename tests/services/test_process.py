"""The sales process: automatic moves, closing, reopening, history, activities, the
timeline and the agenda; and every kind's transitions checked generically."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app import i18n
from app.db import models as m
from app.domain import vin
from app.domain.process import PROCESS_ORDER, automatic_target
from app.domain.reading import format_clock, format_moment
from app.domain.stages import first_stage, next_stages
from app.domain.validation import ValidationError
from app.services import accounts, activities, deals, leads, opportunities, process, reference
from app.services.activities import ActivityInput
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user

NOW = datetime.now().replace(microsecond=0)


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global NOW
    NOW = datetime.now().replace(microsecond=0)


def _stage(opportunity_id: int) -> str:
    return opportunities.get(opportunity_id).stage_name


def _test_drive(
    opportunity_id: int | None, vehicle_id: int, start: datetime, hours: float = 1, **kw
) -> ActivityInput:
    return ActivityInput(
        kind="test_drive",
        subject="Test drive",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        opportunity_id=opportunity_id,
        vehicle_id=vehicle_id,
        **kw,
    )


def _vehicle() -> int:
    return m.Vehicle.create(
        vin=vin.with_check_digit("WVWZZZCDZRW012345"),
        stock_number="D-1",
        condition="new",
        brand="Volkswagen",
        model="Golf",
    ).id


def test_every_kind_of_process_hangs_together(user: UserInfo) -> None:
    """No stage unreachable by hand from the first one, no move by hand into a closed stage,
    and automatic moves only forward."""
    for kind in reference.opportunity_kinds():
        stages = reference.stage_infos(kind.id)
        if not stages:
            continue
        fixed = reference.fixed_sequence(kind.id)
        reached = {first_stage(stages, from_lead=True).id}
        frontier = list(reached)
        while frontier:
            current_id = frontier.pop()
            current = next(s for s in stages if s.id == current_id)
            for target in next_stages(stages, current, fixed, from_lead=True):
                assert not target.is_closed
                if target.id not in reached:
                    reached.add(target.id)
                    frontier.append(target.id)
        assert reached == {s.id for s in stages if not s.is_closed}, kind.label
        for current in stages:
            if current.is_closed:
                continue
            for key in PROCESS_ORDER:
                target = automatic_target(stages, current, key)
                assert target is None or target.sequence > current.sequence


def test_a_test_drive_moves_a_qualify_opportunity_to_interest(user: UserInfo) -> None:
    lead = m.Lead.create(last_name="Rossi", email="maria@example.it")
    qualify = next(s.id for s in reference.stage_infos(1) if s.name == "Qualify")
    opp = factories.opportunity(user.id, stage_id=qualify, lead_id=lead.id)
    assert _stage(opp.id) == "Qualify"
    activities.create(_test_drive(opp.id, _vehicle(), NOW + timedelta(days=1), owner_id=user.id))
    assert _stage(opp.id) == "Interest"
    history = process.history(opp.id)
    assert [v.stage for v in history] == ["Qualify", "Interest"] and history[-1].automatic


def test_automatic_moves_never_go_back(user: UserInfo) -> None:
    opp = factories.opportunity(user.id)
    process.move_to_stage(
        opp.id, next(s.id for s in reference.stage_infos(1) if s.name == "Quotation")
    )
    assert not process.advance(opp.id, "interest")
    assert _stage(opp.id) == "Quotation"
    assert process.advance(opp.id, "delivery") and _stage(opp.id) == "Delivery"


def test_test_drives_of_one_vehicle_cannot_overlap(user: UserInfo) -> None:
    vehicle = _vehicle()
    first = factories.opportunity(user.id, topic="Golf for Rossi")
    other = factories.opportunity(
        user.id, factories.customer("Bauer", "Anna"), topic="Golf for Bauer"
    )
    start = NOW.replace(hour=10, minute=0, second=0) + timedelta(days=1)
    booked = activities.create(_test_drive(first.id, vehicle, start, owner_id=user.id))
    with pytest.raises(ValidationError) as caught:
        activities.create(_test_drive(other.id, vehicle, start + timedelta(minutes=30)))
    assert caught.value.errors["starts_at"] == (
        f"The vehicle is booked {format_moment(start)}–{format_clock(start.replace(hour=11))} "
        "for a test drive with "
        f"Maria Rossi (Anna, opportunity #{first.id})."
    )
    activities.create(_test_drive(other.id, vehicle, start + timedelta(hours=1)))  # back to back
    moved = activities.get(booked.id)
    moved.subject = "Test drive, extended"
    activities.update(booked.id, moved, moved.version)  # its own slot is no clash


def test_a_clash_names_the_company_or_the_lead_the_vehicle_is_booked_for(
    user: UserInfo,
) -> None:
    vehicle = _vehicle()
    fleet = accounts.create(
        accounts.AccountInput(kind="company", company_name="J&C Motors Ltd"), confirmed_new=True
    ).id
    sale = factories.opportunity(user.id, fleet, topic="Three vans")
    start = NOW.replace(hour=9, minute=0, second=0) + timedelta(days=2)
    activities.create(_test_drive(sale.id, vehicle, start, owner_id=None))
    lead = leads.create(
        leads.LeadInput(first_name="Élodie", last_name="D'Arcy", email="e@example.fr")
    )
    late = start.replace(hour=22)
    activities.create(_test_drive(None, vehicle, late, hours=3, lead_id=lead.id, owner_id=user.id))
    other = factories.opportunity(user.id, topic="Golf for Rossi").id

    with pytest.raises(ValidationError) as caught:
        activities.create(_test_drive(other, vehicle, start + timedelta(minutes=15)))
    assert caught.value.errors["starts_at"] == (
        f"The vehicle is booked {format_moment(start)}–{format_clock(start.replace(hour=10))} "
        "for a test drive with "
        f"J&C Motors Ltd (opportunity #{sale.id})."
    )
    with pytest.raises(ValidationError) as caught:
        activities.create(_test_drive(other, vehicle, late + timedelta(hours=1)))
    assert caught.value.errors["starts_at"] == (
        f"The vehicle is booked {format_moment(late)}–{format_moment(late + timedelta(hours=3))}"
        f" for a test drive with Élodie D'Arcy (Anna, lead #{lead.id})."
    )


def test_activity_input_is_checked(user: UserInfo) -> None:
    opp = factories.opportunity(user.id)
    with pytest.raises(ValidationError) as caught:
        activities.create(
            ActivityInput(
                kind="test_drive",
                subject=" ",
                starts_at=NOW,
                ends_at=NOW - timedelta(hours=1),
                opportunity_id=opp.id,
            )
        )
    assert set(caught.value.errors) >= {"subject", "ends_at", "vehicle_id"}
    with pytest.raises(ValidationError) as caught:
        activities.create(
            ActivityInput(kind="call", subject="Called", starts_at=NOW, opportunity_id=opp.id)
        )
    assert "direction" in caught.value.errors
    with pytest.raises(ValidationError):
        activities.create(
            ActivityInput(
                kind="note", subject="n", starts_at=NOW, note_reason="Gossip", opportunity_id=opp.id
            )
        )


def test_close_lost_needs_a_catalogue_reason_and_makes_it_read_only(user: UserInfo) -> None:
    opp = factories.opportunity(user.id)
    with pytest.raises(ValidationError):
        deals.close_lost([opp.id], "Didn't like the colour")
    deals.close_lost(
        [opp.id], "Bought another brand", note="Went for a BMW", competitor="BMW Autohaus"
    )
    closed = m.Opportunity.get_by_id(opp.id)
    assert (closed.status, closed.lost_reason, closed.competitor, closed.probability) == (
        "lost",
        "Bought another brand",
        "BMW Autohaus",
        0,
    )
    assert _stage(opp.id) == "Lost"
    with pytest.raises(ValidationError, match="reopen"):
        activities.create(
            ActivityInput(kind="task", subject="Call back", starts_at=NOW, opportunity_id=opp.id)
        )
    with pytest.raises(ValidationError):
        opportunities.update(opp.id, opportunities.get(opp.id), closed.version)


def test_reopening_goes_back_to_the_stage_and_clears_the_reason(user: UserInfo) -> None:
    opp = factories.opportunity(user.id)
    process.move_to_stage(
        opp.id, next(s.id for s in reference.stage_infos(1) if s.name == "Quotation")
    )
    deals.close_lost([opp.id], "Price")
    process.reopen(opp.id)
    row = m.Opportunity.get_by_id(opp.id)
    assert (row.status, row.lost_reason, _stage(opp.id), row.probability) == (
        "open",
        "",
        "Quotation",
        40,
    )
    reasons = [v.reason for v in process.history(opp.id)]
    assert reasons[-2:] == ["lost", "reopened"]


def test_several_are_closed_as_lost_at_once_or_none(user: UserInfo) -> None:
    a, b = factories.opportunity(user.id), factories.opportunity(user.id)
    process.close_won(b.id)
    with pytest.raises(ValidationError):
        deals.close_lost([a.id, b.id], "Price")
    assert m.Opportunity.get_by_id(a.id).status == "open"
    c = factories.opportunity(user.id)
    assert deals.close_lost([a.id, c.id], "Price") == 2


def test_the_timeline_shows_everything_newest_first(user: UserInfo) -> None:
    opp = factories.opportunity(user.id)
    activities.create(
        ActivityInput(
            kind="call",
            direction="in",
            subject="Asked for a price",
            starts_at=NOW - timedelta(days=2),
            opportunity_id=opp.id,
            owner_id=user.id,
        )
    )
    activities.create(
        ActivityInput(
            kind="note",
            subject="Has a dog",
            note_reason="Visit",
            starts_at=NOW - timedelta(days=1),
            opportunity_id=opp.id,
        )
    )
    entries = activities.timeline(opp.id)
    titles = [e.title for e in entries]
    assert titles.index("Note: Has a dog (Visit)") < titles.index("Call in: Asked for a price")
    assert any(t.startswith("Moved to Interest") for t in titles)
    assert any(t.startswith("Est. close date set to") for t in titles)
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)


def test_the_agenda_of_a_salesperson(user: UserInfo) -> None:
    today = date.today()
    mine = factories.opportunity(user.id, topic="Mine")
    late = factories.opportunity(user.id, topic="Late")
    m.Opportunity.update(est_close_date=today - timedelta(days=2)).where(
        m.Opportunity.id == late.id
    ).execute()
    stale = factories.opportunity(user.id, topic="Stale")
    m.StageChange.update(created_at=NOW - timedelta(days=40)).where(
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
    activities.create(
        ActivityInput(
            kind="task",
            subject="Send brochure",
            starts_at=morning - timedelta(days=3),
            opportunity_id=mine.id,
            owner_id=user.id,
        )
    )
    done = activities.create(
        ActivityInput(
            kind="task",
            subject="Done already",
            starts_at=morning - timedelta(days=3),
            opportunity_id=mine.id,
            owner_id=user.id,
        )
    )
    activities.set_done(done.id)
    agenda = activities.agenda(user.id, today)
    assert [a.subject for a in agenda.today] == ["Showroom visit"]
    assert [a.subject for a in agenda.overdue] == ["Send brochure"]
    assert [o.topic for o in agenda.past_close] == ["Late"]
    assert [o.topic for o in agenda.stale] == ["Stale"] and "40 days in Interest" in agenda.stale[
        0
    ].reason


def test_a_whole_sale_from_walk_in_to_won(user: UserInfo) -> None:
    """One sale told through the services, as it happens in the showroom."""
    from app.services import walk_in

    opp = walk_in.create(
        walk_in.WalkInInput(
            first_name="Jürgen",
            last_name="Weiß",
            phone="089 123456",
            brand="Volkswagen",
            model="Golf",
        ),
        user.id,
    )
    assert opp.stage_name == "Interest" and opp.channel == "walk_in"
    activities.create(_test_drive(opp.id, _vehicle(), NOW + timedelta(hours=2), owner_id=user.id))
    for stage in ("Quotation", "Contract", "Delivery"):
        process.move_to_stage(
            opp.id, next(s.id for s in reference.stage_infos(1) if s.name == stage)
        )
    process.close_won(opp.id, note="Delivered with winter tyres")
    row = m.Opportunity.get_by_id(opp.id)
    assert (row.status, row.probability, _stage(opp.id)) == ("won", 100, "Won")
    assert [v.stage for v in process.history(opp.id)] == [
        "Interest",
        "Quotation",
        "Contract",
        "Delivery",
        "Won",
    ]


def test_a_manager_sets_up_processes_and_a_salesperson_cannot(user: UserInfo) -> None:
    from app.services import stage_setup

    fleet = stage_setup.create_kind("Fleet", "custom", ["interest", "contract", "delivery"])
    assert [s.name for s in fleet.stages] == ["Interest", "Contract", "Delivery", "Won", "Lost"]
    assert not reference.fixed_sequence(fleet.id)
    opp = factories.opportunity(
        user.id, kind_id=fleet.id, stage_id=next(s.id for s in fleet.stages if s.name == "Interest")
    )
    # A quote would move it to "at least Quotation": Fleet has none, so Contract.
    assert process.advance(opp.id, "quotation") and _stage(opp.id) == "Contract"
    free = stage_setup.create_kind("Service loan", "without_stages")
    assert free.stages == []
    with pytest.raises(ValidationError):
        stage_setup.create_kind("Fleet", "custom", ["interest"])
    interest = next(s for s in stage_setup.kinds()[0].stages if s.name == "Interest")
    follower = factories.opportunity(user.id)
    stage_setup.update_stage(interest.id, 25, 10, True, expected_version=interest.version)
    assert m.Opportunity.get_by_id(follower.id).probability == 25
    seller = add_user("zofia", "salesperson", full_name="Zofia")
    m.set_acting_user(seller.id)
    with pytest.raises(stage_setup.NotAllowed):
        stage_setup.update_stage(interest.id, 30, 10, True, expected_version=interest.version + 1)


# --- the stages by their keys, shown by their names -------------------------------------------


def _standard_stage(key: str) -> m.Stage:
    return m.Stage.get((m.Stage.kind == 1) & (m.Stage.key == key))


def test_a_renamed_stage_is_still_the_one_the_automatic_moves_go_to(user: UserInfo) -> None:
    m.Stage.update(name="Offer made").where(m.Stage.id == _standard_stage("quotation").id).execute()
    opp = factories.opportunity(user.id)
    assert process.advance(opp.id, "quotation")
    assert m.Opportunity.get_by_id(opp.id).stage_id == _standard_stage("quotation").id
    assert _stage(opp.id) == "Offer made"
    # A custom process copies the keys with the stages, renamed or not.
    from app.services import stage_setup

    fleet = stage_setup.create_kind("Fleet", "custom", ["interest", "quotation"])
    assert [s.name for s in fleet.stages] == ["Interest", "Offer made", "Won", "Lost"]
    assert [s.key for s in fleet.stages] == ["interest", "quotation", "won", "lost"]
    sale = factories.opportunity(user.id, kind_id=fleet.id, stage_id=fleet.stages[0].id)
    assert process.advance(sale.id, "quotation")
    assert m.Opportunity.get_by_id(sale.id).stage_id == fleet.stages[1].id


def test_a_stage_shows_translated_unless_it_was_renamed(
    user: UserInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.catalogues import catalogue

    entries = [
        ("stage", "Interest", "Interesse"),
        ("stage", "Quotation", "Angebot"),
        ("stage", "Contract", "Vertrag"),
    ]
    m.Stage.update(name="Signed").where(m.Stage.id == _standard_stage("contract").id).execute()
    opp = factories.opportunity(user.id)
    process.move_to_stage(opp.id, _standard_stage("quotation").id)
    with catalogue(tmp_path / "translations", monkeypatch, entries):
        i18n.set_language("de")
        names = [s.name for s in reference.stage_infos(1)]
        assert names[1:4] == ["Interesse", "Angebot", "Signed"]
        assert [v.stage for v in process.history(opp.id)] == ["Interesse", "Angebot"]
        with pytest.raises(ValidationError) as caught:
            process.move_to_stage(opp.id, _standard_stage("delivery").id)
        assert "Interesse, Angebot, Signed" in caught.value.errors["stage_id"]
        assert [s.name for s in process.overview(opp.id).stages][1:4] == names[1:4]
    assert [v.stage for v in process.history(opp.id)] == ["Interest", "Quotation"]
