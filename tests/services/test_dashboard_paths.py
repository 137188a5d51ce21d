"""Two dashboard filters together on SQLite: their opportunities are read through the index of
the filter that keeps the fewest, or the dashboard's covering index (a brand's range of it, or
all of it) when even that keeps many (app.db.dashboard_paths); whichever path is taken, the
figures are the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db import dashboard as db_dashboard
from app.db import dashboard_once, dashboard_paths
from app.db import models as m
from app.db.dashboard_paths import ReadPath
from app.db.steps.dashboard_pairs import COVER_INDEX
from app.services import dashboard
from app.services.dashboard import DashboardFilter
from benchmarks.statements import record_statements
from tests.dashboard_data import filter_pairs, shown

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py)."""
    global TODAY
    TODAY = date.today()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("breakdown", ["stage", "owner", "source"])
def test_every_path_gives_the_figures_the_planner_s_own_gives(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch, breakdown: str
) -> None:
    now = datetime.now()
    paths = [
        ReadPath(None),
        *(ReadPath(index) for _column, index in dashboard_paths._INDEXED.values()),
        ReadPath(dashboard_paths._CLOSE_INDEX),
        ReadPath("opportunity_brand_model"),
        ReadPath(COVER_INDEX),
    ]
    for flt in filter_pairs(TODAY):
        monkeypatch.setattr(dashboard_once, "read_path", lambda *_args: None)
        planner = dashboard.load(flt, breakdown, TODAY, now)
        assert planner.funnel.stages and any(s.reached for s in planner.funnel.stages), flt
        for path in paths:
            # An index that answers none of the filter's tests reads all of it: still right.
            monkeypatch.setattr(dashboard_once, "read_path", lambda *_args, p=path: p)
            assert shown(dashboard.load(flt, breakdown, TODAY, now)) == shown(planner), (flt, path)


@pytest.mark.sqlite_only
def test_another_breakdown_read_on_every_path_gives_the_same_pipeline(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing the breakdown reads the open pipeline again (dashboard.open_rows), found
    the same way."""
    now = datetime.now()
    for flt in filter_pairs(TODAY):
        shown = dashboard.load(flt, "stage", TODAY, now)
        monkeypatch.setattr(db_dashboard, "read_path", lambda *_args: None)
        planner = dashboard.with_breakdown(shown, "source")
        assert planner.pipeline.cells, flt
        indexes = (None, COVER_INDEX, *(i for _c, i in dashboard_paths._INDEXED.values()))
        for index in indexes:
            monkeypatch.setattr(db_dashboard, "read_path", lambda *_a, i=index: ReadPath(i))
            assert dashboard.with_breakdown(shown, "source") == planner, (flt, index)


def _set_brand(brand: str, ids: list[int]) -> None:
    m.Opportunity.update(brand=brand).where(m.Opportunity.id.in_(ids)).execute()


@pytest.mark.sqlite_only
def test_the_filter_keeping_the_fewest_is_read_through_its_index(small_demo: Path) -> None:
    everyone = [o.id for o in m.Opportunity.select(m.Opportunity.id).order_by(m.Opportunity.id)]
    quarter = DashboardFilter(
        date_from=TODAY - timedelta(days=90), date_to=TODAY + timedelta(days=90)
    )
    # A rare brand within a broad range: the brand's range of the covering index.
    _set_brand("Rare", everyone[:3])
    rare = replace(quarter, brand="Rare").opportunity_filter()
    assert dashboard_paths.read_path(rare, TODAY) == ReadPath(COVER_INDEX)
    # A common brand within a range of one day: the brand and the day's range of the
    # covering index; a condition within it: through the close dates' index.
    _set_brand("Common", everyone[3:])
    last = m.Opportunity.get_by_id(everyone[-1])
    day = last.est_close_date
    narrow = DashboardFilter(brand="Common", date_from=day, date_to=day).opportunity_filter()
    assert dashboard_paths.read_path(narrow, TODAY) == ReadPath(COVER_INDEX)
    new = DashboardFilter(condition=last.condition, date_from=day, date_to=day)
    assert dashboard_paths.read_path(new.opportunity_filter(), TODAY) == ReadPath(
        "opportunity_est_close_date"
    )
    # Both broad: the brand's range of the covering index, its opportunities in another
    # order than their ids (the funnel gathers them).
    broad = replace(quarter, brand="Common", date_from=TODAY - timedelta(days=3650))
    path = dashboard_paths.read_path(broad.opportunity_filter(), TODAY)
    assert path == ReadPath(COVER_INDEX)
    assert path is not None and path.by_id
    # No test a narrow index answers (a condition and a channel): all the covering index.
    opp = m.Opportunity.get_by_id(everyone[0])
    plain = DashboardFilter(condition=opp.condition, channel=opp.channel).opportunity_filter()
    assert dashboard_paths.read_path(plain, TODAY) == ReadPath(COVER_INDEX)
    # A salesperson's few sales at a facility: the owner's index, in id order (no gathering).
    opp = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    assert opp.facility_id is not None
    owner = DashboardFilter(owner_id=opp.owner_id, facility_id=opp.facility_id)
    m.Opportunity.update(owner=None).where(
        m.Opportunity.owner == opp.owner_id, m.Opportunity.id != opp.id
    ).execute()
    path = dashboard_paths.read_path(owner.opportunity_filter(), TODAY)
    assert path == ReadPath("opportunity_owner_id")
    assert path is not None and not path.by_id


@pytest.mark.sqlite_only
def test_the_choice_reads_indexes_only_and_the_refresh_follows_it(small_demo: Path) -> None:
    opp = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    _set_brand("Rare", [opp.id])
    flt = DashboardFilter(
        brand="Rare", date_from=TODAY - timedelta(days=3650), date_to=TODAY + timedelta(3650)
    )
    sent = record_statements(lambda: dashboard.load(flt, "owner", TODAY))
    counts = [sql for sql, _ in sent if "INDEXED BY opportunity_est_close_date WHERE" in sql]
    assert len(counts) == 1
    # Both reads of the opportunities go through the brand's range of the covering index.
    reads = [sql for sql, _ in sent if "FROM opportunity o" in sql]
    assert len(reads) == 2
    assert all(f"opportunity o INDEXED BY {COVER_INDEX}" in sql for sql in reads)


def test_the_server_s_planner_chooses_for_itself(small_demo: Path, backend: str) -> None:
    flt = DashboardFilter(brand="Any", channel="web_form").opportunity_filter()
    found = dashboard_paths.read_path(flt, TODAY)
    assert (found is None) == (backend == "postgresql")
    # A filter the dashboard's bar does not make is left to the planner on both.
    assert dashboard_paths.read_path(replace(flt, status="open"), TODAY) is None
