"""Record rights: a salesperson changes what they own or share and what their team holds
untaken; a manager their facility's sales; an administrator everything; the read-only and
scheduler roles nothing. And the hand-over: a team holds a sale, a salesperson takes it, a
manager reassigns it, each step in the audit log and the History."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from app.db import models as m
from app.db.connection import transaction
from app.services import (
    activities,
    audit_log,
    leads,
    opportunities,
    process,
    quotes,
    record_rights,
    teams,
)
from app.services.errors import NotAllowed
from tests import factories
from tests.people import add_user


def _site(name: str) -> tuple[int, int]:
    with transaction():
        business = m.Business.create(name=f"{name} GmbH", kind="dealer")
        facility = m.Facility.create(business=business, name=name)
    return business.id, facility.id


@pytest.fixture
def shop(db: Path) -> dict[str, int]:
    """Two facilities; at Munich a team "New cars" with Bruno and Carla, Dario alone, a
    manager there and one at Berlin; a clerk (read-only) and the scheduler."""
    munich_business, munich = _site("Munich")
    berlin_business, berlin = _site("Berlin")
    team = teams.save(None, teams.TeamInput(name="New cars", facility_id=munich)).id
    people = {
        "bruno": add_user("bruno", "salesperson", home_facility=munich, team=team).id,
        "carla": add_user("carla", "salesperson", home_facility=munich, team=team).id,
        "dario": add_user("dario", "salesperson", home_facility=munich).id,
        "mara": add_user("mara", "sales_manager", home_facility=munich).id,
        "bert": add_user("bert", "sales_manager", home_facility=berlin).id,
        "clerk": add_user("clerk", "read_only").id,
        "cron": add_user("cron", "scheduler").id,
    }
    return {
        **people,
        "team": team,
        "munich": munich,
        "munich_business": munich_business,
        "berlin": berlin,
        "berlin_business": berlin_business,
    }


def _sale(owner: int | None, team: int | None, facility: int, business: int) -> int:
    return factories.opportunity(owner, team_id=team, facility_id=facility, business_id=business).id


def _as(user_id: int) -> None:
    m.set_acting_user(user_id)


def _retitle(opportunity_id: int, topic: str) -> None:
    detail = opportunities.get(opportunity_id)
    opportunities.update(opportunity_id, replace(detail, topic=topic), detail.version)


def test_a_salesperson_changes_their_own_and_shared_sales_and_reads_the_others(
    shop: dict[str, int],
) -> None:
    mine = _sale(shop["bruno"], None, shop["munich"], shop["munich_business"])
    hers = _sale(shop["carla"], None, shop["munich"], shop["munich_business"])
    _as(shop["bruno"])
    _retitle(mine, "Mine to change")
    with pytest.raises(NotAllowed) as refused:
        _retitle(hers, "Not mine")
    assert "Carla" in str(refused.value)
    assert opportunities.get(hers).topic == "Golf for Rossi"  # read, unchanged
    assert not record_rights.sale_access("opportunity", hers).editable
    # Carla's manager shares it with Bruno (the used-car colleague on the trade-in).
    _as(shop["mara"])
    record_rights.reassign("opportunity", hers, shop["carla"], None, [shop["bruno"]])
    _as(shop["bruno"])
    _retitle(hers, "Shared with Bruno")
    assert opportunities.get(hers).topic == "Shared with Bruno"
    # What hangs off it follows: a quote, an activity, a stage move.
    quote = quotes.create(hers)
    activities.create(
        activities.ActivityInput(
            kind="task",
            subject="Appraise the trade-in",
            starts_at=datetime(2030, 1, 2, 10, 0),
            owner_id=shop["bruno"],
            opportunity_id=hers,
        )
    )
    # Dario (no team, not shared) may do none of it.
    _as(shop["dario"])
    with pytest.raises(NotAllowed):
        quotes.abandon(quote.id)
    with pytest.raises(NotAllowed):
        process.close_won(hers)
    with pytest.raises(NotAllowed):
        activities.create(
            activities.ActivityInput(
                kind="task",
                subject="Not his",
                starts_at=datetime(2030, 1, 2, 10, 0),
                owner_id=shop["dario"],
                opportunity_id=hers,
            )
        )


def test_a_team_holds_a_sale_until_a_member_takes_it_and_a_manager_reassigns_it(
    shop: dict[str, int],
) -> None:
    held = _sale(None, shop["team"], shop["munich"], shop["munich_business"])
    # Held untaken: each member may change it, nobody outside the team.
    _as(shop["carla"])
    _retitle(held, "Carla looked at it")
    _as(shop["dario"])
    with pytest.raises(NotAllowed) as outside:
        _retitle(held, "Dario")
    assert "team" in str(outside.value)
    with pytest.raises(NotAllowed):
        record_rights.take("opportunity", held)
    # Bruno takes it: he owns it now; Carla may only read it.
    _as(shop["bruno"])
    assert record_rights.sale_access("opportunity", held).takeable
    record_rights.take("opportunity", held)
    assert opportunities.get(held).owner_id == shop["bruno"]
    _as(shop["carla"])
    assert not record_rights.sale_access("opportunity", held).takeable
    with pytest.raises(NotAllowed):
        _retitle(held, "Carla again")
    with pytest.raises(NotAllowed):
        record_rights.reassign("opportunity", held, shop["carla"], shop["team"])
    # The manager hands it to Carla and adds Dario beside her.
    _as(shop["mara"])
    record_rights.reassign("opportunity", held, shop["carla"], shop["team"], [shop["dario"]])
    assert opportunities.get(held).owner_id == shop["carla"]
    assert record_rights.salespeople(held) == [shop["dario"]]
    _as(shop["dario"])
    _retitle(held, "Dario shares it")
    _as(shop["bruno"])
    with pytest.raises(NotAllowed):
        _retitle(held, "Bruno no more")
    # Every step is in the audit log and the History, by whom.
    history = audit_log.record_history("opportunity", held)
    told = [(line.user, line.changes) for line in history if "Owner" in line.changes]
    assert ("Bruno", "Owner: — → Bruno") in told
    assert ("Mara", "Owner: Bruno → Carla") in told
    assert any("Further salespeople: — → Dario" in line.changes for line in history)


def test_a_salesperson_may_not_hand_a_sale_to_someone_else_through_the_form(
    shop: dict[str, int],
) -> None:
    mine = _sale(shop["bruno"], None, shop["munich"], shop["munich_business"])
    _as(shop["bruno"])
    detail = opportunities.get(mine)
    with pytest.raises(NotAllowed):
        opportunities.update(mine, replace(detail, owner_id=shop["carla"]), detail.version)
    with pytest.raises(NotAllowed):
        opportunities.save(mine, detail, detail.version, salespeople=[shop["carla"]])
    assert opportunities.get(mine).owner_id == shop["bruno"]
    # Nor create one for a colleague, or for a team not theirs.
    data = opportunities.new_input(shop["carla"])
    data.account_id, data.topic = factories.customer(), "For Carla"
    with pytest.raises(NotAllowed):
        opportunities.create(data)
    _as(shop["dario"])
    data.owner_id, data.team_id = None, shop["team"]
    with pytest.raises(NotAllowed):
        opportunities.create(data)


def test_a_manager_changes_their_facility_s_sales_and_only_reads_another_s(
    shop: dict[str, int],
) -> None:
    munich_sale = _sale(shop["bruno"], None, shop["munich"], shop["munich_business"])
    berlin_sale = _sale(shop["bruno"], None, shop["berlin"], shop["berlin_business"])
    _as(shop["mara"])
    _retitle(munich_sale, "Mara's facility")
    with pytest.raises(NotAllowed) as refused:
        _retitle(berlin_sale, "Not her facility")
    assert "another facility" in str(refused.value)
    with pytest.raises(NotAllowed):
        record_rights.reassign("opportunity", berlin_sale, shop["mara"], None)
    _as(shop["bert"])
    _retitle(berlin_sale, "Bert's facility")
    # The administrator (anna) changes anything.
    m.set_acting_user(m.User.get(m.User.username == "anna").id)
    _retitle(berlin_sale, "Anna")
    _retitle(munich_sale, "Anna")


@pytest.mark.parametrize("who", ["clerk", "cron"])
def test_the_read_only_and_scheduler_roles_change_no_sale(shop: dict[str, int], who: str) -> None:
    sale = _sale(None, None, shop["munich"], shop["munich_business"])
    lead = leads.create(leads.LeadInput(last_name="Weber", email="weber@example.com"))
    _as(shop[who])
    with pytest.raises(NotAllowed):
        _retitle(sale, "No")
    with pytest.raises(NotAllowed):
        record_rights.take("opportunity", sale)
    with pytest.raises(NotAllowed):
        leads.set_status(lead.id, "contacted")
    if who == "clerk":
        assert opportunities.get(sale).topic == "Golf for Rossi"  # reads it
        assert "read" in (record_rights.sale_access("opportunity", sale).edit_refusal or "")
    else:
        with pytest.raises(NotAllowed):
            opportunities.get(sale)  # the scheduler sees no sales at all


def test_a_lead_held_by_a_team_is_taken_as_an_opportunity_is(shop: dict[str, int]) -> None:
    lead = leads.create(leads.LeadInput(last_name="Weber", email="weber@example.com"))
    with transaction():
        m.Lead.update(team=shop["team"]).where(m.Lead.id == lead.id).execute()
    _as(shop["dario"])
    with pytest.raises(NotAllowed):
        leads.set_status(lead.id, "contacted")
    _as(shop["carla"])
    record_rights.take("lead", lead.id)
    assert leads.get(lead.id).owner_id == shop["carla"]
    leads.set_status(lead.id, "contacted")
    _as(shop["bruno"])
    with pytest.raises(NotAllowed):
        leads.set_status(lead.id, "qualified")
