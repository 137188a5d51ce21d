"""A small pipeline with known answers for the dashboard's tests: two salespeople, two
currencies, lost, won and reopened opportunities, and one of a kind without stages."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from app.db import models as m
from app.db.queries import NONE_ID
from app.services import deals, process, reference
from app.services.dashboard import Dashboard, DashboardFilter
from tests import factories
from tests.people import add_user

TODAY = date.today()


def _thousandth(days: float | None) -> float | None:
    return None if days is None else round(days, 3)


def shown(dashboard: Dashboard) -> Dashboard:
    """The dashboard with its averages of days to a thousandth of a day (the screen shows a
    tenth), so that two ways of reading it compare equal: their sums of days, added up in
    another order (kept in the aggregates, read from the base tables, or one taken from
    another), differ in their last bits, and where such a sum falls on a rounding step
    the two readings differ by a millionth of a day."""
    funnel = dashboard.funnel
    stages = [replace(s, avg_days=_thousandth(s.avg_days)) for s in funnel.stages]
    return replace(
        dashboard,
        funnel=replace(funnel, stages=stages, avg_days_to_won=_thousandth(funnel.avg_days_to_won)),
    )


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


@dataclass
class PipelineData:
    anna: int
    bruno: int
    ids: dict[str, int]

    def of(self, *names: str) -> set[int]:
        return {self.ids[n] for n in names}


def _stage(name: str) -> int:
    kind = next(k for k in reference.opportunity_kinds() if k.label == "Standard")
    return next(s.id for s in reference.stage_infos(kind.id) if s.name == name)


def _move(opportunity_id: int, *stages: str) -> None:
    for name in stages:
        process.move_to_stage(opportunity_id, _stage(name))


def build(anna: int) -> PipelineData:
    """Open in Interest: A (EUR 10,000, closes in 5 days), D (EUR 5,000 at 50 % by hand,
    in 200 days), E (EUR 8,000, overdue). Open in Quotation: B (Bruno's, EUR 20,000, used
    Audi, in 20 days), C (CHF 30,000, Audi, in 60 days), R (EUR 15,000, lost and reopened,
    in 45 days). N: EUR 7,000 at 30 %, without stages, in 10 days. Lost: L1 at Quotation
    (Price), L2 at Interest (Bought elsewhere). Won: W, through every stage."""
    bruno = add_user("bruno", "salesperson", full_name="Bruno Keller").id
    without = next(k.id for k in reference.opportunity_kinds() if k.label == "Without stages")

    def make(name: str, owner: int, revenue: str, days: int, **fields: object) -> int:
        fields.setdefault("brand", "Volkswagen")
        fields.setdefault("condition", "new")
        fields.setdefault("channel", "phone")
        return factories.opportunity(
            owner,
            factories.customer(f"Customer {name}"),
            topic=f"Deal {name}",
            est_revenue=Decimal(revenue),
            est_close_date=TODAY + timedelta(days=days),
            **fields,
        ).id

    ids = {
        "A": make("A", anna, "10000", 5, source="Newspaper"),
        "B": make("B", bruno, "20000", 20, brand="Audi", condition="used"),
        "C": make("C", anna, "30000", 60, brand="Audi", currency="CHF", channel="walk_in"),
        "D": make("D", anna, "5000", 200, probability=50),
        "E": make("E", anna, "8000", 3),
        "R": make("R", anna, "15000", 45),
        "N": make("N", anna, "7000", 10, kind_id=without, stage_id=None, probability=30),
        "L1": make("L1", anna, "12000", 30),
        "L2": make("L2", bruno, "9000", 30),
        "W": make("W", bruno, "25000", 30),
    }
    _move(ids["B"], "Quotation")
    _move(ids["C"], "Quotation")
    _move(ids["R"], "Quotation")
    deals.close_lost([ids["R"]], "Price")
    process.reopen(ids["R"])
    _move(ids["L1"], "Quotation")
    deals.close_lost([ids["L1"]], "Price")
    deals.close_lost([ids["L2"]], "Bought elsewhere")
    _move(ids["W"], "Quotation", "Contract", "Delivery")
    process.close_won(ids["W"])
    # E's close date passed while it stayed open (the form refuses a date in the past).
    m.Opportunity.update(est_close_date=TODAY - timedelta(days=3)).where(
        m.Opportunity.id == ids["E"]
    ).execute()
    return PipelineData(anna, bruno, ids)


def filter_pairs(today: date) -> list[DashboardFilter]:
    """Two dashboard filters together, of each kind the filter bar makes, from the values
    of the database's first opportunities: what the aggregates do not serve (a condition
    beside one other filter they serve: it comes with two others here)."""
    opp = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    team = m.Opportunity.select().where(m.Opportunity.team.is_null(False)).first()
    quarter = DashboardFilter(
        date_from=today - timedelta(days=90), date_to=today + timedelta(days=90)
    )
    return [
        replace(quarter, brand=opp.brand),
        replace(quarter, owner_id=opp.owner_id),
        replace(quarter, condition=opp.condition, owner_id=opp.owner_id),
        replace(quarter, date_basis="created", team_id=team.team_id),
        replace(quarter, date_basis="created", channel=opp.channel),
        DashboardFilter(owner_id=opp.owner_id, facility_id=opp.facility_id),
        DashboardFilter(owner_id=NONE_ID, team_id=team.team_id),
        DashboardFilter(brand=opp.brand, source=opp.source),
        DashboardFilter(channel=opp.channel, condition=opp.condition, brand=opp.brand),
        DashboardFilter(business_id=opp.business_id, operation_id=opp.operation_id),
        DashboardFilter(business_id=opp.business_id, source=opp.source),
        DashboardFilter(operation_id=opp.operation_id, channel=opp.channel),
    ]
