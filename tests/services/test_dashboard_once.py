"""The dashboard through a filter the aggregates do not serve: its opportunities read once
(app.db.dashboard_once) give exactly the figures the separate reads give, on both
backends, and the refresh reads the opportunity table twice (that pass and the funnel's)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db import dashboard as db_dashboard
from app.db import dashboard_once, queries
from app.db import models as m
from app.db.queries import NONE_ID
from app.services import dashboard
from app.services.dashboard import DashboardFilter
from benchmarks.statements import record_statements
from tests.dashboard_data import shown

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


def _first(field: m.Field) -> object:
    row = m.Opportunity.select(field).where(field.is_null(False)).first()
    return getattr(row, field.name)


def _unserved() -> list[DashboardFilter]:
    """Filters of each kind that read the base tables."""
    owner = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    team = m.Opportunity.select().where(m.Opportunity.team.is_null(False)).first()
    brand = _first(m.Opportunity.brand)
    return [
        # A date range with anything else (a range alone is served by the aggregates' days).
        DashboardFilter(
            date_from=TODAY - timedelta(days=90),
            date_to=TODAY + timedelta(days=90),
            brand=str(brand),
        ),
        DashboardFilter(
            date_basis="created",
            date_from=TODAY - timedelta(days=400),
            date_to=TODAY,
            owner_id=owner.owner_id,
        ),
        # The first salesperson's sale's own brand, condition and source: it passes.
        DashboardFilter(
            brand=owner.brand or str(brand), condition=owner.condition, source=owner.source
        ),
        DashboardFilter(owner_id=owner.owner_id, facility_id=owner.facility_id),
        DashboardFilter(owner_id=NONE_ID, team_id=team.team_id),
        DashboardFilter(business_id=owner.business_id, channel=owner.channel),
        DashboardFilter(operation_id=owner.operation_id, source=owner.source),
        DashboardFilter(condition=owner.condition, team_id=team.team_id, owner_id=NONE_ID),
        DashboardFilter(channel=owner.channel, facility_id=owner.facility_id),
        DashboardFilter(source=owner.source, brand=str(brand)),
    ]


@pytest.mark.parametrize("breakdown", ["stage", "owner", "team", "business", "source"])
def test_one_read_gives_the_figures_the_separate_reads_give(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch, breakdown: str
) -> None:
    now = datetime.now()
    filters = _unserved()
    for flt in filters:
        assert db_dashboard.aggregate_scope(flt.opportunity_filter()) is None, flt
    once = [dashboard.load(f, breakdown, TODAY, now) for f in filters]
    # Something of each kind is counted, so the comparison proves something.
    assert any(d.pipeline.cells for d in once)
    assert any(d.funnel.won and d.funnel.lost and d.funnel.lost_reasons for d in once)
    assert any(w.count for d in once for w in d.won_months)
    monkeypatch.setattr(dashboard_once, "read_once", lambda *args: None)
    for flt, one in zip(filters, once, strict=True):
        assert shown(dashboard.load(flt, breakdown, TODAY, now)) == shown(one), flt


def test_the_won_months_count_a_sale_won_on_their_first_and_last_days(small_demo: Path) -> None:
    """The month's bounds as the won-months' list filter draws them: the first day from
    its start, the last day to its end."""
    first_of_month = TODAY.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    won = list(m.Opportunity.select().where(m.Opportunity.status == "open").limit(3))
    for opp, closed in zip(
        won,
        (
            datetime.combine(first_of_month, datetime.min.time()),
            datetime.combine(last_month_end, datetime.max.time().replace(microsecond=0)),
            datetime.combine(last_month_end.replace(day=1), datetime.min.time())
            - timedelta(seconds=1),
        ),
        strict=True,
    ):
        m.Opportunity.update(status="won", closed_at=closed).where(
            m.Opportunity.id == opp.id
        ).execute()
    m.Opportunity.update(brand="Boundary", source="Boundary").where(
        m.Opportunity.id.in_([o.id for o in won])
    ).execute()
    # Two filters together: read from the opportunities in one pass.
    shown = dashboard.load(DashboardFilter(brand="Boundary", source="Boundary"), "stage", TODAY)
    # This month: the one won at its first second; last month: the one won at its last;
    # the one won a second before last month began counts in neither.
    assert [w.count for w in shown.won_months] == [1, 1]
    for month in shown.won_months:
        plain = db_dashboard.won_by_currency(month.drilldown.filter, TODAY)
        assert {c: n for c, (n, _r) in plain.items()} == {c: 1 for c in month.revenue}, month.label


def test_a_refresh_through_such_a_filter_reads_the_opportunities_twice(small_demo: Path) -> None:
    owner = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first().owner_id
    flt = DashboardFilter(brand=str(_first(m.Opportunity.brand)), owner_id=owner)
    sent = record_statements(lambda: dashboard.load(flt, "owner", TODAY))
    reads = [sql for sql, _ in sent if "FROM opportunity o" in sql]
    # The one pass (pipeline, forecast, outcomes, won months) and the funnel's.
    assert len(reads) == 2, reads
    assert len(sent) <= 12  # and on SQLite the choice of the path (dashboard_paths)
    # The same count whatever the filter: fixed, not growing with what it selects.
    other = DashboardFilter(
        date_from=TODAY - timedelta(days=90),
        date_to=TODAY,
        channel=str(_first(m.Opportunity.channel)),
    )
    assert len(record_statements(lambda: dashboard.load(other, "stage", TODAY))) == len(sent)


def test_the_funnel_read_in_id_order_equals_the_funnel_read_by_the_filter(small_demo: Path) -> None:
    """A close-date range's funnel gathers its ids first and reads their stage rows in id
    order: the same figures as the join in the filter's own order."""
    stages = db_dashboard.stage_rows()
    ids = [s.id for s in stages]
    now = datetime.now()
    for flt in _unserved():
        where, params = queries.opportunity_where(flt.opportunity_filter(), TODAY)
        joined = db_dashboard._kept_figures(where, params, ids, now)
        by_id = db_dashboard._kept_figures(where, params, ids, now, by_id=True)
        assert joined.reached, flt
        for figure in ("reached", "went_on", "visits", "lost_here"):
            assert getattr(by_id, figure) == getattr(joined, figure), (flt, figure)
        assert by_id.left == pytest.approx(joined.left, abs=1e-6), flt
