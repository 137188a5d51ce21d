"""Teams (a name, a facility, members, a leader; a user in one team at a time) and the audit
log read in the program, filtered by record, user and date in SQL, a page at a time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db import models as m
from app.db.connection import transaction
from app.domain.validation import ValidationError
from app.services import audit_log, teams
from app.services.audit_log import AuditFilter
from app.services.errors import NotAllowed
from tests import factories
from tests.people import add_user


def _facility() -> int:
    with transaction():
        business = m.Business.create(name="Brenner GmbH", kind="dealer")
        return m.Facility.create(business=business, name="Moosach").id


def test_a_team_has_a_facility_members_and_a_leader_who_is_one_of_them(db: Path) -> None:
    facility = _facility()
    bruno = add_user("bruno", full_name="Bruno Berg").id
    carla = add_user("carla", full_name="Carla Conti").id
    new = teams.save(None, teams.TeamInput("New cars", facility, carla, [bruno])).id
    saved = teams.get(new)
    assert (saved.name, saved.facility_id, saved.leader_id) == ("New cars", facility, carla)
    assert sorted(saved.members) == sorted([bruno, carla])  # the leader is a member
    # A user is in one team: joining another moves them.
    used = teams.save(None, teams.TeamInput("Used cars", None, None, [bruno])).id
    assert teams.get(new).members == [carla] and teams.get(used).members == [bruno]
    assert teams.team_of(bruno) == used
    # The move is in the audit log, by user.
    moves = audit_log.page(AuditFilter(entity="user", entity_id=bruno), 0, 10)
    assert moves[0].changes == "Team: New cars → Used cars"
    # Refused: no name, a name taken; what was asked stays unsaved.
    with pytest.raises(ValidationError) as empty:
        teams.save(None, teams.TeamInput("  "))
    assert "name" in empty.value.errors
    with pytest.raises(ValidationError) as taken:
        teams.save(used, teams.TeamInput("New cars"), teams.get(used).version)
    assert "already" in taken.value.errors["name"]
    assert teams.get(used).name == "Used cars"


def test_the_list_searches_and_a_deactivated_team_leaves_the_pickers(db: Path) -> None:
    facility = _facility()
    leader = add_user("elif", full_name="Elif Demir").id
    teams.save(None, teams.TeamInput("New cars", facility, leader))
    used = teams.save(None, teams.TeamInput("Used cars")).id
    assert [t.name for t in teams.teams("moosach")] == ["New cars"]
    assert [t.name for t in teams.teams("DEMIR")] == ["New cars"]
    assert [t.name for t in teams.teams("used")] == ["Used cars"]
    teams.set_active(used, False)
    assert [o.label for o in teams.team_choices()] == ["New cars"]
    assert [t.name for t in teams.teams()] == ["New cars", "Used cars"]  # listed, inactive
    assert not teams.teams("used")[0].active


def test_only_who_manages_users_administers_teams(db: Path) -> None:
    team = teams.save(None, teams.TeamInput("New cars")).id
    m.set_acting_user(add_user("mara", "sales_manager").id)
    with pytest.raises(NotAllowed) as refused:
        teams.save(team, teams.TeamInput("Mine now"), 1)
    assert refused.value.right == "manage_users"
    assert [o.label for o in teams.team_choices()] == ["New cars"]  # she reads the pickers


def test_the_audit_log_filters_by_record_user_and_date_and_pages(db: Path) -> None:
    anna = m.acting_user()
    sales = [factories.opportunity(anna, topic=f"Sale {n}").id for n in range(5)]
    bruno = add_user("bruno", "sales_manager", full_name="Bruno Berg").id
    m.set_acting_user(bruno)
    factories.opportunity(bruno, topic="Bruno's")
    everything = audit_log.count(AuditFilter())
    assert everything == len(audit_log.page(AuditFilter(), 0, 1000))
    first, second = audit_log.page(AuditFilter(), 0, 3), audit_log.page(AuditFilter(), 3, 3)
    assert len(first) == 3 and not {e.id for e in first} & {e.id for e in second}
    assert [e.at for e in first] == sorted((e.at for e in first), reverse=True)
    by_bruno = audit_log.page(AuditFilter(user_id=bruno), 0, 100)
    assert by_bruno and {e.user for e in by_bruno} == {"Bruno Berg"}
    one = audit_log.page(AuditFilter(entity="opportunity", entity_id=sales[2]), 0, 100)
    assert [e.record for e in one] == [f"Opportunity #{sales[2]}"]
    assert one[0].action == "created"
    today = date.today()
    assert audit_log.count(AuditFilter(since=today, until=today)) == everything
    assert audit_log.count(AuditFilter(until=today - timedelta(days=1))) == 0
    with transaction():
        m.AuditEntry.update(at=datetime(2020, 1, 1)).where(
            m.AuditEntry.entity_id == sales[0]
        ).execute()
    assert audit_log.count(AuditFilter(until=date(2020, 1, 1))) >= 1
    kinds, users = audit_log.filter_choices()
    assert ("opportunity", "Opportunity") in kinds and (bruno, "Bruno Berg") in users


def test_the_audit_log_is_read_by_who_holds_the_right(db: Path) -> None:
    m.set_acting_user(add_user("bruno", "salesperson").id)
    with pytest.raises(NotAllowed) as refused:
        audit_log.page(AuditFilter(), 0, 10)
    assert refused.value.right == "read_audit"


@pytest.mark.parametrize(
    ("language", "told"),
    [
        (
            "en",
            "Est. close date: Jan 31, 2027 → Feb 9, 2027; Probability: 40 → 55",
        ),
        (
            "de",
            "Vorauss. Abschlussdatum: 31.01.2027 → 09.02.2027; Wahrscheinlichkeit: 40 → 55",
        ),
    ],
)
def test_a_change_is_told_as_the_screen_s_language_writes_its_values(
    db: Path, language: str, told: str
) -> None:
    """Dates, numbers and yes or no as the screen writes them, not as the log keeps them."""
    from dataclasses import replace

    from app import i18n
    from app.services import opportunities

    sale = factories.opportunity(m.acting_user(), est_close_date=date(2027, 1, 31), probability=40)
    opportunities.update(
        sale.id,
        replace(sale, est_close_date=date(2027, 2, 9), probability=55),
        sale.version,
    )
    m.write_audit(
        "opportunity",
        sale.id,
        "update",
        {
            "closed_at": (None, datetime(2027, 2, 9, 14, 5)),
            "est_revenue_minor": (3150000, 3300050),
            "probability_by_hand": (False, True),
            "stage_id": tuple(m.Stage.get(m.Stage.name == n).id for n in ("Interest", "Quotation")),
            "account_id": (None, sale.account_id),
        },
    )
    i18n.set_language(language)
    try:
        changed, kept = [e.changes for e in audit_log.record_history("opportunity", sale.id)][:2]
    finally:
        i18n.set_language("en")
    assert kept == told
    parts = changed.split("; ")
    de = language == "de"

    def told_of(end: str) -> str:
        return next(p for p in parts if p.endswith(end))

    assert told_of("— → " + ("09.02.2027, 14:05" if de else "Feb 9, 2027, 2:05\u202fPM"))
    assert told_of("nein → ja" if de else "no → yes")
    # An amount kept in cents by its field's label; a stage and a customer by their names
    # (a shipped stage in the screen's language).
    assert (
        "Vorauss. Umsatz: 31.500,00 → 33.000,50" if de else "Est. revenue: 31,500.00 → 33,000.50"
    ) in parts
    assert ("Phase: Interesse → Angebot" if de else "Stage: Interest → Quotation") in parts
    assert ("Kunde: — → Rossi, Maria" if de else "Customer: — → Rossi, Maria") in parts
