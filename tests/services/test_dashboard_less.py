"""Two dashboard filters together read as one of them, which the maintained aggregates serve,
less its opportunities the others leave out (app.db.dashboard_once.less_plan, SQLite): the
figures are those of the pair read itself, whichever single filter is taken off, and the
choice is made only where it reads fewer opportunities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.db import dashboard_once
from app.db import models as m
from app.services import dashboard
from app.services.dashboard import DashboardFilter
from benchmarks.statements import record_statements
from tests.dashboard_data import filter_pairs, shown

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py)."""
    global TODAY
    TODAY = date.today()


def _pairs() -> list[DashboardFilter]:
    """The bar's pairs, and three filters together."""
    opp = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    quarter = DashboardFilter(
        date_from=TODAY - timedelta(days=90), date_to=TODAY + timedelta(days=90)
    )
    return [
        *filter_pairs(TODAY),
        replace(quarter, brand=opp.brand, source=opp.source),
        DashboardFilter(business_id=opp.business_id, condition=opp.condition, channel=opp.channel),
        replace(quarter, date_basis="created", brand=opp.brand, owner_id=opp.owner_id),
    ]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("breakdown", ["stage", "owner", "team", "source"])
def test_each_single_filter_less_the_rest_gives_the_pair_sshown(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch, breakdown: str
) -> None:
    now = datetime.now()
    plan = dashboard_once.less_plan
    difference = dashboard_once._difference
    read: list[object] = []

    def spy(*args: Any) -> Any:
        read.append(args)
        return difference(*args)

    def force() -> None:
        monkeypatch.setattr(dashboard_once, "_broad", lambda _path: True)
        monkeypatch.setattr(dashboard_once, "LESS_SHARE", 10**9)  # whenever it can
        monkeypatch.setattr(dashboard_once, "LESS_FIXED", 0)
        monkeypatch.setattr(dashboard_once, "_difference", spy)

    force()
    taken = 0
    for flt in _pairs():
        monkeypatch.setattr(dashboard_once, "less_plan", lambda *_args: None)
        plain = dashboard.load(flt, breakdown, TODAY, now)
        assert plain.funnel.stages and any(s.reached for s in plain.funnel.stages), flt
        monkeypatch.setattr(dashboard_once, "less_plan", plan)
        for single in dashboard_once._SINGLES:
            # Each single filter of the pair taken off in turn.
            monkeypatch.setattr(dashboard_once, "_SINGLES", (single,))
            less = plan(flt.opportunity_filter(), TODAY)
            if less is None:
                continue
            taken += 1
            found = dashboard.load(flt, breakdown, TODAY, now)
            assert len(read) == taken  # the difference was read
            assert shown(found) == shown(plain), (flt, single)
        monkeypatch.undo()
        force()
    assert taken >= len(_pairs())


@pytest.mark.sqlite_only
def test_a_pair_keeping_all_of_a_filter_s_sales(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A salesperson at the one facility of all their sales: nothing to take off, the
    salesperson's kept figures are the pair's."""
    now = datetime.now()
    opp = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    m.Opportunity.update(facility=opp.facility_id).where(
        m.Opportunity.owner == opp.owner_id
    ).execute()
    flt = DashboardFilter(owner_id=opp.owner_id, facility_id=opp.facility_id)
    monkeypatch.setattr(dashboard_once, "_broad", lambda _path: True)
    monkeypatch.setattr(dashboard_once, "LESS_FIXED", 0)
    less = dashboard_once.less_plan(flt.opportunity_filter(), TODAY)
    assert less is not None
    assert less.single == DashboardFilter(owner_id=opp.owner_id).opportunity_filter()
    found = dashboard.load(flt, "owner", TODAY, now)
    monkeypatch.setattr(dashboard_once, "less_plan", lambda *_args: None)
    assert shown(found) == shown(dashboard.load(flt, "owner", TODAY, now))


@pytest.mark.sqlite_only
def test_the_difference_is_read_only_where_it_takes_off_fewer(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard_once, "LESS_FIXED", 0)
    everyone = [o.id for o in m.Opportunity.select(m.Opportunity.id).order_by(m.Opportunity.id)]
    # Every other sale of one brand, every other pair of them from one source: the pair
    # keeps a quarter, and either filter less the other would take off a quarter too.
    for n, opp_id in enumerate(everyone):
        m.Opportunity.update(
            brand="Common" if n % 2 == 0 else "Other", source="Web" if n % 4 < 2 else "Shop"
        ).where(m.Opportunity.id == opp_id).execute()
    quarter = DashboardFilter(brand="Common", source="Web").opportunity_filter()
    assert dashboard_once.less_plan(quarter, TODAY) is None
    # The brand's sales but three from the web: the brand less its three from the shop.
    m.Opportunity.update(brand="Common", source="Web").where(
        m.Opportunity.id.in_(everyone[3:])
    ).execute()
    m.Opportunity.update(brand="Common", source="Shop").where(
        m.Opportunity.id.in_(everyone[:3])
    ).execute()
    m.Opportunity.update(brand="Other", source="Web").where(
        m.Opportunity.id.in_(everyone[3:6])
    ).execute()
    web = DashboardFilter(brand="Common", source="Web").opportunity_filter()
    less = dashboard_once.less_plan(web, TODAY)
    assert less is not None and less.single == DashboardFilter(brand="Common").opportunity_filter()
    # Below LESS_FROM opportunities the pair is read itself, without the choice's statement.
    assert len(everyone) < dashboard_once.LESS_FROM
    sent = record_statements(
        lambda: dashboard.load(DashboardFilter(brand="Common", source="Web"), "owner", TODAY)
    )
    assert not [sql for sql, _ in sent if "WITH RECURSIVE" in sql]


def test_the_server_reads_the_pair_itself(small_demo: Path, backend: str) -> None:
    opp = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    flt = DashboardFilter(owner_id=opp.owner_id, facility_id=opp.facility_id)
    found = dashboard_once.less_plan(flt.opportunity_filter(), TODAY)
    if backend == "postgresql":
        assert found is None
