"""The list, the agenda and the dashboard filter by team; the dashboard's salesperson view
counts each opportunity once (its owner; one nobody has taken under its team)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from app.db import models as m
from app.db.connection import transaction
from app.services import activities, dashboard, opportunities, teams
from app.services.dashboard import DashboardFilter
from app.services.opportunities import NONE_ID, OpportunityFilter
from tests import factories
from tests.people import add_user

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


def _setup() -> dict[str, int]:
    new = teams.save(None, teams.TeamInput("New cars")).id
    used = teams.save(None, teams.TeamInput("Used cars")).id
    bruno = add_user("bruno", team=new, full_name="Bruno Berg").id
    dario = add_user("dario", team=used, full_name="Dario Dal").id
    ids = {
        "bruno_sale": factories.opportunity(bruno, team_id=new).id,
        "held": factories.opportunity(None, team_id=new).id,
        "dario_sale": factories.opportunity(dario, team_id=used).id,
    }
    with transaction():  # their close dates have passed since
        m.Opportunity.update(est_close_date=TODAY - timedelta(days=3)).execute()
    return {"new": new, "used": used, "bruno": bruno, "dario": dario, **ids}


def test_the_list_filters_by_team_and_finds_what_nobody_has_taken(db: Path) -> None:
    s = _setup()
    found = opportunities.page(OpportunityFilter(team_id=s["new"]), "topic", False, 0, 50)
    assert sorted(r.id for r in found) == sorted([s["bruno_sale"], s["held"]])
    untaken = OpportunityFilter(owner_id=NONE_ID, team_id=s["new"])
    assert [r.id for r in opportunities.page(untaken, "topic", False, 0, 50)] == [s["held"]]


def test_a_team_s_agenda_holds_its_members_and_what_it_holds(db: Path) -> None:
    s = _setup()
    for owner, sale in ((s["bruno"], s["bruno_sale"]), (s["dario"], s["dario_sale"])):
        activities.create(
            activities.ActivityInput(
                kind="task",
                subject=f"Call back {owner}",
                starts_at=datetime.combine(TODAY - timedelta(days=1), datetime.min.time()),
                owner_id=owner,
                opportunity_id=sale,
            )
        )
    team = activities.agenda(s["bruno"], team_id=s["new"])
    assert [a.subject for a in team.overdue] == [f"Call back {s['bruno']}"]
    assert sorted(o.id for o in team.past_close) == sorted([s["bruno_sale"], s["held"]])
    own = activities.agenda(s["dario"])
    assert [o.id for o in own.past_close] == [s["dario_sale"]]


def test_the_dashboard_counts_each_sale_once_and_has_a_view_by_team(db: Path) -> None:
    s = _setup()
    owners = dashboard.load(breakdown="owner").pipeline
    counts = {r.label: r.count for r in owners.rows if not r.total}
    assert counts == {"Bruno Berg": 1, "Dario Dal": 1, "New cars (not taken)": 1}
    by_team = {r.label: r.count for r in dashboard.load(breakdown="team").pipeline.rows}
    assert by_team["New cars"] == 2 and by_team["Used cars"] == 1
    narrowed = dashboard.load(DashboardFilter(team_id=s["used"]), breakdown="owner").pipeline
    assert {r.label: r.count for r in narrowed.rows if not r.total} == {"Dario Dal": 1}
    assert dashboard.describe(DashboardFilter(team_id=s["used"])) == "Team Used cars"
