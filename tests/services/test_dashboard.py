"""The dashboard's figures on a small pipeline with known answers, and the list filter behind
every figure selecting exactly the opportunities it counts."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app import demo
from app.db import dashboard as db_dashboard
from app.db import models as m
from app.db.connection import is_sqlite
from app.db.steps import server_visits, v2_to_v7
from app.domain import money
from app.services import dashboard, deals, opportunities, process
from app.services.dashboard import DashboardFilter, Drilldown
from app.services.workspace import UserInfo
from tests import dashboard_data
from tests.dashboard_data import TODAY, PipelineData
from tests.people import add_user


def read_the_clock() -> None:
    """Today as the pipeline's data reads it, again as each test starts (tests/conftest.py)."""
    global TODAY
    dashboard_data.read_the_clock()
    TODAY = dashboard_data.TODAY


@pytest.fixture
def data(user: UserInfo) -> PipelineData:
    return dashboard_data.build(user.id)


def _listed(drill: Drilldown) -> set[int]:
    rows = opportunities.page(drill.filter, "id", False, 0, 1000, TODAY)
    assert opportunities.count(drill.filter, TODAY) == len(rows)
    return {r.id for r in rows}


def _row(pipe: dashboard.Pipeline, label: str, currency: str) -> dashboard.PipelineRow:
    return next(r for r in pipe.rows if r.label == label and r.currency == currency)


def _every_figure(dash: dashboard.Dashboard) -> list[tuple[str, int, Drilldown]]:
    figures: list[tuple[str, int, Drilldown]] = []
    for cell in dash.pipeline.cells:
        figures.append(
            (f"cell {cell.group}/{cell.stage}/{cell.currency}", cell.count, cell.drilldown)
        )
    for row in dash.pipeline.rows:
        figures.append((f"row {row.label}/{row.currency}", row.count, row.drilldown))
    for f in dash.forecast:
        figures.append((f"forecast {f.label}/{f.currency}", f.count, f.drilldown))
    for s in dash.funnel.stages:
        for key in ("reached", "went_on", "lost_here", "open_here"):
            figures.append((f"funnel {s.name} {key}", getattr(s, key), s.drilldowns[key]))
    for r in dash.funnel.lost_reasons:
        figures.append((f"reason {r.reason}", r.count, r.drilldown))
    funnel = dash.funnel
    for key, count in (
        ("open", funnel.open),
        ("won", funnel.won),
        ("lost", funnel.lost),
        ("without_stages", funnel.without_stages),
    ):
        figures.append((key, count, funnel.drilldowns[key]))
    return figures


def test_the_open_pipeline_by_stage_keeps_each_currency_apart(data: PipelineData) -> None:
    pipe = dashboard.load(today=TODAY).pipeline
    assert pipe.stages == ["Interest", "Quotation", dashboard.NO_STAGE]
    assert pipe.currencies == ["EUR", "CHF"]
    interest = _row(pipe, "Interest", "EUR")
    # A 10,000 at 20 %, D 5,000 at 50 % by hand, E 8,000 at 20 %.
    assert (interest.count, interest.est_revenue, interest.weighted) == (
        3,
        Decimal("23000"),
        Decimal("6100.00"),
    )
    assert _listed(interest.drilldown) == data.of("A", "D", "E")
    quotation = _row(pipe, "Quotation", "EUR")
    assert (quotation.count, quotation.est_revenue, quotation.weighted) == (
        2,
        Decimal("35000"),
        Decimal("14000.00"),
    )
    assert _listed(quotation.drilldown) == data.of("B", "R")
    chf = _row(pipe, "Quotation", "CHF")
    assert (chf.count, chf.est_revenue, chf.weighted) == (1, Decimal("30000"), Decimal("12000.00"))
    assert _listed(chf.drilldown) == data.of("C")
    no_stage = _row(pipe, dashboard.NO_STAGE, "EUR")
    assert (no_stage.count, no_stage.weighted) == (1, Decimal("2100.00"))
    assert _listed(no_stage.drilldown) == data.of("N")
    totals = {r.currency: r for r in pipe.totals()}
    assert set(totals) == {"EUR", "CHF"}
    assert (totals["EUR"].count, totals["EUR"].est_revenue, totals["EUR"].weighted) == (
        6,
        Decimal("65000"),
        Decimal("22200.00"),
    )
    assert (totals["CHF"].count, totals["CHF"].est_revenue) == (1, Decimal("30000"))
    assert _listed(totals["EUR"].drilldown) == data.of("A", "B", "D", "E", "R", "N")


def test_weighted_revenue_is_rounded_once_for_the_sum(user: UserInfo) -> None:
    # Three times 0.05 at 10 %: 0.015 together, 0.02 rounded; rounding each first gives 0.03.
    for n in range(3):
        dashboard_data.factories.opportunity(
            user.id, est_revenue=Decimal("0.05"), probability=10, topic=f"Tiny {n}"
        )
    total = dashboard.load(today=TODAY).pipeline.totals()[0]
    assert total.weighted == Decimal("0.02")


@pytest.mark.parametrize(
    ("breakdown", "expected"),
    [
        # Bruno's open one is B (L2 is lost, W won).
        ("owner", {"Anna": {"EUR": 5, "CHF": 1}, "Bruno Keller": {"EUR": 1}}),
        ("brand", {"Audi": {"EUR": 1, "CHF": 1}, "Volkswagen": {"EUR": 5}}),
        ("condition", {"New": {"EUR": 5, "CHF": 1}, "Used": {"EUR": 1}}),
        ("channel", {"Phone": {"EUR": 6}, "Walk-in": {"CHF": 1}}),
        ("source", {"Newspaper": {"EUR": 1}, "No source": {"EUR": 5, "CHF": 1}}),
    ],
)
def test_the_breakdowns_count_the_open_pipeline(
    data: PipelineData, breakdown: str, expected: dict[str, dict[str, int]]
) -> None:
    pipe = dashboard.load(breakdown=breakdown, today=TODAY).pipeline
    found: dict[str, dict[str, int]] = {}
    for row in pipe.rows:
        if not row.total:
            found.setdefault(row.label, {})[row.currency] = row.count
            assert opportunities.count(row.drilldown.filter, TODAY) == row.count, row.label
    assert found == expected


def test_a_stacked_cell_lists_one_group_in_one_stage(data: PipelineData) -> None:
    pipe = dashboard.load(breakdown="owner", today=TODAY).pipeline
    cell = pipe.cell("Anna", "Quotation", "EUR")
    assert cell is not None and cell.count == 1
    assert _listed(cell.drilldown) == data.of("R")
    assert pipe.count("Anna", "Quotation") == 2  # R in EUR and C in CHF
    assert _listed(pipe.drilldown("Anna", "Quotation")) == data.of("R", "C")
    assert "Salesperson Anna" in cell.drilldown.description
    assert "Stage Quotation" in cell.drilldown.description


def test_the_business_facility_and_operation_breakdowns_name_what_is_missing(
    data: PipelineData,
) -> None:
    for breakdown, missing in (
        ("business", "No business"),
        ("facility", "No facility"),
        ("operation", "No operation"),
    ):
        pipe = dashboard.load(breakdown=breakdown, today=TODAY).pipeline
        assert [r.label for r in pipe.rows if not r.total] == [missing, missing]
        row = _row(pipe, missing, "EUR")
        assert _listed(row.drilldown) == data.of("A", "B", "D", "E", "R", "N")


def test_the_forecast_windows_and_the_overdue(data: PipelineData) -> None:
    forecast = {(f.label, f.currency): f for f in dashboard.load(today=TODAY).forecast}
    expected = {
        ("Overdue (before today)", "EUR"): ({"E"}, "8000", "1600.00"),
        ("Within 7 days (cumulative)", "EUR"): ({"A"}, "10000", "2000.00"),
        ("Within 30 days (cumulative)", "EUR"): ({"A", "B", "N"}, "37000", "12100.00"),
        ("Within 90 days (cumulative)", "EUR"): ({"A", "B", "N", "R"}, "52000", "18100.00"),
        ("Later than 90 days", "EUR"): ({"D"}, "5000", "2500.00"),
        # The total: the overdue, the 90 days (holding the shorter windows) and the later.
        ("All open (total)", "EUR"): ({"E", "A", "B", "N", "R", "D"}, "65000", "22200.00"),
        ("Within 90 days (cumulative)", "CHF"): ({"C"}, "30000", "12000.00"),
        ("All open (total)", "CHF"): ({"C"}, "30000", "12000.00"),
    }
    # An empty window is shown for the home currency only.
    assert ("Within 30 days (cumulative)", "CHF") not in forecast
    for key, (names, revenue, weighted) in expected.items():
        row = forecast[key]
        assert (row.count, row.est_revenue, row.weighted) == (
            len(names),
            Decimal(revenue),
            Decimal(weighted),
        ), key
        assert _listed(row.drilldown) == data.of(*names), key


def test_the_funnel_counts_each_opportunity_once(data: PipelineData) -> None:
    funnel = dashboard.load(today=TODAY).funnel
    stages = {s.name: s for s in funnel.stages}
    assert list(stages) == ["Qualify", "Interest", "Quotation", "Contract", "Delivery"]
    figures = {name: (s.reached, s.went_on, s.lost_here, s.open_here) for name, s in stages.items()}
    assert figures == {
        "Qualify": (0, 0, 0, 0),
        # Everyone but N (no stages) began at Interest; L2 was lost there.
        "Interest": (9, 5, 1, 3),
        # R came back to Quotation after its reopening: reached once, not gone on, not lost.
        "Quotation": (5, 1, 1, 3),
        "Contract": (1, 1, 0, 0),
        "Delivery": (1, 1, 0, 0),
    }
    assert stages["Interest"].conversion == pytest.approx(5 / 9)
    assert stages["Quotation"].visits == 6  # R entered it twice
    assert _listed(stages["Quotation"].drilldowns["reached"]) == data.of("B", "C", "R", "L1", "W")
    assert _listed(stages["Interest"].drilldowns["went_on"]) == data.of("B", "C", "R", "L1", "W")
    assert _listed(stages["Quotation"].drilldowns["lost_here"]) == data.of("L1")
    assert _listed(stages["Interest"].drilldowns["lost_here"]) == data.of("L2")
    assert (funnel.open, funnel.won, funnel.lost, funnel.without_stages) == (7, 1, 2, 1)
    assert funnel.win_rate == pytest.approx(1 / 3)
    assert [(r.reason, r.count) for r in funnel.lost_reasons] == [
        ("Bought elsewhere", 1),
        ("Price", 1),  # R's Price went when it was reopened
    ]
    assert _listed(funnel.lost_reasons[1].drilldown) == data.of("L1")
    assert _listed(funnel.drilldowns["without_stages"]) == data.of("N")


def test_every_figure_lists_exactly_what_it_counts(data: PipelineData) -> None:
    for flt in (
        DashboardFilter(),
        DashboardFilter(owner_id=data.bruno),
        DashboardFilter(brand="Audi"),
        DashboardFilter(date_from=TODAY, date_to=TODAY + timedelta(days=30)),
    ):
        for breakdown in dashboard.BREAKDOWNS:
            dash = dashboard.load(flt, breakdown, today=TODAY)
            for label, count, drill in _every_figure(dash):
                assert opportunities.count(drill.filter, TODAY) == count, (flt, breakdown, label)


def test_the_filters_narrow_every_section(data: PipelineData) -> None:
    bruno = dashboard.load(DashboardFilter(owner_id=data.bruno), today=TODAY)
    assert [(r.label, r.count) for r in bruno.pipeline.rows] == [
        ("Quotation", 1),
        ("Total EUR", 1),
    ]
    assert (bruno.funnel.open, bruno.funnel.won, bruno.funnel.lost) == (1, 1, 1)
    assert bruno.funnel.stages[1].reached == 3  # B, L2, W reached Interest
    assert bruno.description == "Salesperson Bruno Keller"
    used = dashboard.load(DashboardFilter(condition="used"), today=TODAY)
    assert [r.count for r in used.pipeline.totals()] == [1]
    closing = dashboard.load(
        DashboardFilter(date_from=TODAY, date_to=TODAY + timedelta(days=30)), today=TODAY
    )
    # Est. close from today to 30 days on: A, B, N open; L1, L2, W closed with 30 days.
    assert closing.pipeline.totals()[0].count == 3
    assert (closing.funnel.won, closing.funnel.lost) == (1, 2)
    created = dashboard.load(
        DashboardFilter(date_basis="created", date_from=TODAY + timedelta(days=1)), today=TODAY
    )
    assert created.pipeline.rows == [] and created.funnel.stages[1].reached == 0


def test_days_in_stage_and_days_to_won_from_the_history(user: UserInfo) -> None:
    start = datetime(2026, 1, 5, 9, 0)
    won = dashboard_data.factories.opportunity(user.id, topic="Timed win")
    dashboard_data._move(won.id, "Quotation", "Contract", "Delivery")
    process.close_won(won.id)
    waiting = dashboard_data.factories.opportunity(user.id, topic="Still interested")
    moves = list(
        m.StageChange.select().where(m.StageChange.opportunity == won.id).order_by(m.StageChange.id)
    )
    for move, day in zip(moves, (0, 2, 7, 8, 18), strict=True):
        m.StageChange.update(created_at=start + timedelta(days=day)).where(
            m.StageChange.id == move.id
        ).execute()
    m.Opportunity.update(created_at=start, closed_at=start + timedelta(days=18)).where(
        m.Opportunity.id == won.id
    ).execute()
    m.StageChange.update(created_at=start + timedelta(days=10)).where(
        m.StageChange.opportunity == waiting.id
    ).execute()
    now = start + timedelta(days=14)
    funnel = dashboard.load(today=TODAY, now=now).funnel
    days = {s.name: s.avg_days for s in funnel.stages}
    # Interest: 2 days (the won one) and 4 so far (the waiting one).
    assert days == {
        "Qualify": None,
        "Interest": pytest.approx(3.0),
        "Quotation": pytest.approx(5.0),
        "Contract": pytest.approx(1.0),
        "Delivery": pytest.approx(10.0),
    }
    assert funnel.avg_days_to_won == pytest.approx(18.0)
    # Narrowed to their salesperson (both are hers), the history is read another way.
    mine = dashboard.load(DashboardFilter(owner_id=user.id), today=TODAY, now=now).funnel
    for narrowed, whole in zip(mine.stages, funnel.stages, strict=True):
        assert narrowed.visits == whole.visits
        assert narrowed.avg_days == (
            None if whole.avg_days is None else pytest.approx(whole.avg_days)
        )
    assert mine.stages[1].visits == 2


def _funnel_figures(funnel: dashboard.Funnel) -> list[tuple[object, ...]]:
    return [
        (s.name, s.reached, s.went_on, s.lost_here, s.open_here, s.visits, s.avg_days)
        for s in funnel.stages
    ]


def test_everyone_and_a_filter_that_keeps_everyone_read_the_same_funnel(
    data: PipelineData,
) -> None:
    """Over the whole history the funnel reads the stage indexes stage by stage, through a
    filter the filter's opportunities' moves; the outcomes are read in several queries or
    in one. A filter that keeps everyone must give the same figures, with moves back, to a
    lost stage and after a reopening among them."""
    for stage in ("Interest", "Quotation", "Contract"):
        process.move_to_stage(data.ids["B"], dashboard_data._stage(stage))
    now = datetime.now() + timedelta(days=3)
    whole = dashboard.load(today=TODAY, now=now).funnel
    everyone = DashboardFilter(
        date_from=TODAY - timedelta(days=3650), date_to=TODAY + timedelta(3650)
    )
    filtered = dashboard.load(everyone, today=TODAY, now=now).funnel
    stages = db_dashboard.stage_rows()
    names = [s.name for s in stages if s.funnel]
    assert db_dashboard.cohort_join(everyone.opportunity_filter(), TODAY)[0]  # read the other way
    assert db_dashboard.cohort_join(DashboardFilter().opportunity_filter(), TODAY)[0] == ""
    for (w_name, *w_counts, w_avg), (f_name, *f_counts, f_avg) in zip(
        _funnel_figures(whole), _funnel_figures(filtered), strict=True
    ):
        assert (w_name, w_counts) == (f_name, f_counts)
        assert f_avg == (None if w_avg is None else pytest.approx(w_avg))
    # The outcomes too are read in one pass through a filter, in several without one.
    assert (filtered.open, filtered.won, filtered.lost, filtered.without_stages) == (
        whole.open,
        whole.won,
        whole.lost,
        whole.without_stages,
    )
    assert filtered.avg_days_to_won == pytest.approx(whole.avg_days_to_won)
    assert [(r.reason, r.count) for r in filtered.lost_reasons] == [
        (r.reason, r.count) for r in whole.lost_reasons
    ]
    figures = {s.name: (s.reached, s.went_on, s.visits) for s in whole.stages}
    # B: Interest, Quotation, back to Interest, Quotation again, Contract; counted once
    # where it came back, its step back not counted as going on.
    assert figures["Interest"] == (9, 5, 10)
    assert figures["Quotation"] == (5, 2, 7)
    assert figures["Contract"] == (2, 1, 2)
    assert names == list(figures)


def test_an_empty_database_shows_nothing_and_divides_by_nothing(user: UserInfo) -> None:
    dash = dashboard.load(today=TODAY)
    assert dash.pipeline.rows == [] and dash.forecast == []
    assert dash.funnel.win_rate is None and dash.funnel.avg_days_to_won is None
    assert all(s.reached == 0 and s.avg_days is None for s in dash.funnel.stages)


def test_the_csv_holds_every_section_in_utf8_with_a_bom(data: PipelineData, tmp_path: Path) -> None:
    dash = dashboard.load(DashboardFilter(owner_id=data.anna), "brand", today=TODAY)
    path = tmp_path / "pipeline.csv"
    written = dashboard.export_csv(dash, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == written
    assert ["Filter", "Salesperson Anna"] in rows
    assert ["Audi", "CHF", "1", "30000.00", "12000.00"] in rows
    assert ["Total EUR", "EUR", "5", "45000.00", "14200.00"] in rows
    assert ["Volkswagen", "Interest", "EUR", "3", "23000.00", "6100.00"] in rows
    assert ["Overdue (before today)", "EUR", "1", "8000.00", "1600.00"] in rows
    interest = next(r for r in rows[rows.index(["Funnel"]) :] if r[:1] == ["Interest"])
    assert interest[:6] == ["Interest", "6", "3", "50.0", "0", "3"]
    assert ["Price", "1"] in rows and ["Win rate %", "0.0"] in rows


def test_the_demo_dealership_figures_match_its_list(db: Path) -> None:
    demo.load_demo(today=TODAY)
    for breakdown in dashboard.BREAKDOWNS:
        dash = dashboard.load(breakdown=breakdown, today=TODAY)
        assert dash.pipeline.totals()[0].count == opportunities.count(
            opportunities.OpportunityFilter(status="open"), TODAY
        )
        for label, count, drill in _every_figure(dash):
            assert opportunities.count(drill.filter, TODAY) == count, (breakdown, label)
    # The demo's team queue: each open one nobody has taken counted once, under the team
    # that holds it, not under a person.
    owners = dashboard.load(breakdown="owner", today=TODAY).pipeline
    assert not [r for r in owners.rows if r.label == "No salesperson"]
    queue = next(r for r in owners.rows if r.label == "Sales team Brenner (not taken)")
    assert queue.count > 0
    assert queue.drilldown.filter.owner_id == dashboard.NONE_ID
    assert queue.drilldown.filter.team_id is not None
    assert queue.drilldown.description == "Open · Sales team Brenner (not taken) · EUR"
    assert sum(r.count for r in owners.rows if not r.total) == owners.totals()[0].count
    teams_view = dashboard.load(breakdown="team", today=TODAY).pipeline
    assert [r.label for r in teams_view.rows if not r.total] == ["Sales team Brenner"]
    assert dashboard.describe(DashboardFilter(owner_id=dashboard.NONE_ID)) == "No salesperson"


def test_another_breakdown_keeps_the_funnel_and_reads_the_pipeline_again(
    data: PipelineData,
) -> None:
    shown = dashboard.load(today=TODAY)
    other = dashboard.with_breakdown(shown, "owner")
    fresh = dashboard.load(breakdown="owner", today=TODAY)
    assert other.pipeline == fresh.pipeline and other.forecast == fresh.forecast
    assert other.funnel is shown.funnel


def test_a_custom_process_counts_under_the_stage_names_it_shares(data: PipelineData) -> None:
    from app.services import stage_setup

    fleet = stage_setup.create_kind("Fleet", "custom", ["interest", "contract"])
    contract = next(s.id for s in fleet.stages if s.name == "Contract")
    # Its own Interest stage is left out of the funnel; the name is still the funnel's.
    interest = next(s.id for s in fleet.stages if s.name == "Interest")
    m.Stage.update(in_funnel=False).where(m.Stage.id == interest).execute()
    deal = dashboard_data.factories.opportunity(data.anna, kind_id=fleet.id, stage_id=interest)
    process.move_to_stage(deal.id, contract)  # a custom process may skip Quotation
    dash = dashboard.load(today=TODAY)
    stages = {s.name: s for s in dash.funnel.stages}
    assert stages["Interest"].reached == 10 and stages["Interest"].went_on == 6
    assert stages["Contract"].reached == 2
    assert deal.id in _listed(stages["Interest"].drilldowns["went_on"])
    for label, count, drill in _every_figure(dash):
        assert opportunities.count(drill.filter, TODAY) == count, label


def _selects(o: m.Opportunity, flt: DashboardFilter) -> bool:
    """Whether the dashboard filter keeps the opportunity, read field by field."""
    for value, wanted in (
        (o.owner_id, flt.owner_id),
        (o.business_id, flt.business_id),
        (o.facility_id, flt.facility_id),
        (o.operation_id, flt.operation_id),
    ):
        if wanted is not None and value != (None if wanted == dashboard.NONE_ID else wanted):
            return False
    for text, wanted_text in (
        (o.brand, flt.brand),
        (o.condition, flt.condition),
        (o.channel, flt.channel),
        (o.source, flt.source),
    ):
        if wanted_text is not None and text != wanted_text:
            return False
    day = o.created_at.date() if flt.date_basis == "created" else o.est_close_date
    if flt.date_from is not None and day < flt.date_from:
        return False
    return flt.date_to is None or day <= flt.date_to


def _plain_reading(flt: DashboardFilter, now: datetime) -> dict[str, object]:
    """The figures read the slow, plain way: the filter's opportunities picked one by one,
    each one's moves walked in order, a visit lasting from its move to the next (or now)."""
    stages = {s.id: s for s in m.Stage.select()}
    names: list[str] = []
    for s in sorted(stages.values(), key=lambda s: (s.sequence, s.id)):
        if s.in_funnel and not s.is_won and not s.is_lost and s.name not in names:
            names.append(s.name)
    chosen = [o for o in m.Opportunity.select() if _selects(o, flt)]
    ids = {o.id for o in chosen}
    moves: dict[int, list[m.StageChange]] = {i: [] for i in ids}
    for move in m.StageChange.select().order_by(m.StageChange.created_at, m.StageChange.id):
        if move.opportunity_id in ids:
            moves[move.opportunity_id].append(move)

    def name(stage_id: int | None) -> str | None:
        return stages[stage_id].name if stage_id is not None else None

    def went_on(move: m.StageChange) -> bool:
        if move.from_stage_id is None or move.to_stage_id is None:
            return False
        after = stages[move.to_stage_id]
        return after.sequence > stages[move.from_stage_id].sequence and not after.is_lost

    def lost_from(o: m.Opportunity) -> str | None:
        closing = [mv for mv in moves[o.id] if mv.reason == "lost"]
        return name(closing[-1].from_stage_id) if closing else None

    funnel = []
    for stage in names:
        spans = []
        for history in moves.values():
            for k, move in enumerate(history):
                if name(move.to_stage_id) == stage:
                    end = history[k + 1].created_at if k + 1 < len(history) else now
                    spans.append((end - move.created_at).total_seconds() / 86_400)
        funnel.append(
            (
                stage,
                sum(any(name(mv.to_stage_id) == stage for mv in h) for h in moves.values()),
                sum(
                    any(name(mv.from_stage_id) == stage and went_on(mv) for mv in h)
                    for h in moves.values()
                ),
                sum(o.status == "lost" and lost_from(o) == stage for o in chosen),
                sum(o.status == "open" and name(o.stage_id) == stage for o in chosen),
                len(spans),
                sum(spans) / len(spans) if spans else None,
            )
        )
    won_days = [
        (o.closed_at - o.created_at).total_seconds() / 86_400
        for o in chosen
        if o.status == "won" and o.closed_at is not None
    ]
    reasons: dict[str, int] = {}
    pipeline: dict[tuple[str, str], list[int]] = {}
    for o in chosen:
        if o.status == "lost":
            reasons[o.lost_reason or "(no reason)"] = (
                reasons.get(o.lost_reason or "(no reason)", 0) + 1
            )
        if o.status == "open":
            key = (name(o.stage_id) or dashboard.NO_STAGE, o.currency)
            found = pipeline.setdefault(key, [0, 0])
            found[0] += 1
            found[1] += o.est_revenue_minor
    return {
        "funnel": funnel,
        "outcomes": (
            sum(o.status == "open" for o in chosen),
            sum(o.status == "won" for o in chosen),
            sum(o.status == "lost" for o in chosen),
            sum(o.stage_id is None for o in chosen),
        ),
        "won_days": sum(won_days) / len(won_days) if won_days else None,
        "reasons": sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
        "pipeline": {
            key: (count, money.from_minor(minor, key[1]))
            for key, (count, minor) in pipeline.items()
        },
    }


def _read(dash: dashboard.Dashboard) -> dict[str, object]:
    funnel = dash.funnel
    return {
        "funnel": _funnel_figures(funnel),
        "outcomes": (funnel.open, funnel.won, funnel.lost, funnel.without_stages),
        "won_days": funnel.avg_days_to_won,
        "reasons": [(r.reason, r.count) for r in funnel.lost_reasons],
        "pipeline": {
            (r.label, r.currency): (r.count, r.est_revenue)
            for r in dash.pipeline.rows
            if not r.total
        },
    }


def _agree(found: dict[str, object], expected: dict[str, object], what: object) -> None:
    """Equal, the days (sums of times in another order, times as day numbers) to within
    a tenth of a second."""
    days = ("won_days",)
    assert {k: v for k, v in found.items() if k not in (*days, "funnel")} == {
        k: v for k, v in expected.items() if k not in (*days, "funnel")
    }, what
    for (f_name, *f_counts, f_avg), (e_name, *e_counts, e_avg) in zip(
        found["funnel"],
        expected["funnel"],
        strict=True,  # type: ignore[call-overload]
    ):
        assert (f_name, f_counts) == (e_name, e_counts), what
        assert f_avg == (None if e_avg is None else pytest.approx(e_avg, abs=1e-6)), what
    e_won = expected["won_days"]
    assert found["won_days"] == (None if e_won is None else pytest.approx(e_won, abs=1e-6)), what


def test_the_filtered_and_unfiltered_readings_agree_with_a_plain_reading(
    data: PipelineData,
) -> None:
    """The funnel and the outcomes are read one way over the whole history and another
    way through a filter: both must give what a plain walk through the opportunities and
    their moves gives, for filters that keep everyone and for ones that keep a part."""
    from app.services import stage_setup

    ids = data.ids
    # Back and forth, lost twice from different stages, reopened and won, and a custom
    # process that shares stage names and skips one.
    for stage in ("Interest", "Quotation", "Contract"):
        process.move_to_stage(ids["B"], dashboard_data._stage(stage))
    process.reopen(ids["L1"])
    process.move_to_stage(ids["L1"], dashboard_data._stage("Contract"))
    deals.close_lost([ids["L1"]], "Bought elsewhere")
    again = dashboard_data.factories.opportunity(
        data.bruno, topic="Deal again", brand="Audi", est_close_date=TODAY + timedelta(days=12)
    ).id
    dashboard_data._move(again, "Quotation")
    deals.close_lost([again], "Price")
    process.reopen(again)
    dashboard_data._move(again, "Contract")
    process.close_won(again)
    fleet = stage_setup.create_kind("Fleet", "custom", ["interest", "contract"])
    fleet_stage = {s.name: s.id for s in fleet.stages}
    deal = dashboard_data.factories.opportunity(
        data.anna, kind_id=fleet.id, stage_id=fleet_stage["Interest"], source="Newspaper"
    ).id
    process.move_to_stage(deal, fleet_stage["Contract"])
    # The moves spread over days, in the order they were made.
    start = datetime(2026, 1, 5, 9, 0)
    history = list(m.StageChange.select().order_by(m.StageChange.id))
    for n, move in enumerate(history):
        m.StageChange.update(created_at=start + timedelta(hours=13 * n)).where(
            m.StageChange.id == move.id
        ).execute()
    now = start + timedelta(hours=13 * len(history), days=2)

    wide = timedelta(days=3650)
    keep_everyone = [
        DashboardFilter(date_from=TODAY - wide, date_to=TODAY + wide),
        DashboardFilter(date_to=TODAY + wide),
        DashboardFilter(date_basis="created", date_from=TODAY - wide, date_to=TODAY + wide),
    ]
    keep_a_part = [
        DashboardFilter(owner_id=data.bruno),
        DashboardFilter(owner_id=data.anna, brand="Volkswagen"),
        DashboardFilter(brand="Audi"),
        DashboardFilter(condition="used"),
        DashboardFilter(channel="phone"),
        DashboardFilter(source="Newspaper"),
        DashboardFilter(owner_id=dashboard.NONE_ID),
        DashboardFilter(date_from=TODAY, date_to=TODAY + timedelta(days=30)),
        DashboardFilter(date_from=TODAY - timedelta(days=10), date_to=TODAY + timedelta(days=50)),
        DashboardFilter(date_basis="created", date_from=TODAY + timedelta(days=1)),
    ]
    whole = _read(dashboard.load(today=TODAY, now=now))
    everything = _plain_reading(DashboardFilter(), now)
    _agree(whole, everything, "everyone")
    for flt in keep_everyone:
        assert db_dashboard.cohort_join(flt.opportunity_filter(), TODAY)[0]  # the filtered reading
        found = _read(dashboard.load(flt, today=TODAY, now=now))
        _agree(found, everything, flt)
        _agree(found, whole, flt)
    for flt in keep_a_part:
        _agree(_read(dashboard.load(flt, today=TODAY, now=now)), _plain_reading(flt, now), flt)
    # Every column is counted somewhere; L1's second closing, at Contract, is the one
    # that counts.
    stages = {row[0]: row[1:] for row in everything["funnel"]}  # type: ignore[attr-defined]
    assert all(stages["Interest"][n] for n in range(6))
    assert (stages["Quotation"][2], stages["Contract"][2]) == (0, 1)


def _same_as_filled() -> bool:
    """The kept rows (leaving out those a removed move brought to nothing) are the rows
    filled anew from the moves: the counts exactly, the sums of times to a microday."""
    visit_rows = v2_to_v7._VISIT_ROWS if is_sqlite() else server_visits.VISIT_ROWS
    kept = m.database.execute_sql(
        "SELECT opportunity_id, stage_id, visits, went_on, leaves, lost_last, entered, left_at "
        "FROM opportunity_stage_visit WHERE visits != 0 OR leaves != 0 ORDER BY 1, 2"
    ).fetchall()
    filled = sorted(
        (o, s, int(v), int(g), int(n), int(lost), float(e), float(left))
        for o, s, v, g, n, e, left, lost in m.database.execute_sql(visit_rows).fetchall()
    )
    assert [r[:6] for r in kept] == [r[:6] for r in filled]
    for a, b in zip(kept, filled, strict=True):
        assert a[6:] == pytest.approx(b[6:], abs=1e-6)
    return True


def test_the_kept_figures_follow_every_change_to_the_history(data: PipelineData) -> None:
    """What the triggers keep per opportunity and stage is what the moves say, after moves
    by the services, closings, reopenings, moves written or removed directly, a change to
    the stages' order, and an opportunity's purge."""
    assert _same_as_filled()
    process.move_to_stage(data.ids["B"], dashboard_data._stage("Interest"))
    process.advance(data.ids["B"], "contract")
    deals.close_lost([data.ids["C"]], "Price")
    process.reopen(data.ids["C"])
    deals.close_lost([data.ids["C"]], "Bought elsewhere")
    assert _same_as_filled()
    last = m.StageChange.select().order_by(m.StageChange.id.desc()).first()
    m.StageChange.update(created_at=last.created_at - timedelta(days=400)).where(
        m.StageChange.id == last.id
    ).execute()
    assert _same_as_filled()
    m.StageChange.delete().where(m.StageChange.id == last.id).execute()
    assert _same_as_filled()
    m.Stage.update(sequence=m.Stage.sequence * -1).where(
        m.Stage.id == dashboard_data._stage("Quotation")
    ).execute()
    assert _same_as_filled()
    m.Opportunity.update(status="open").where(m.Opportunity.id == data.ids["L1"]).execute()
    assert _same_as_filled()
    m.Opportunity.update(status="lost").where(m.Opportunity.id == data.ids["L1"]).execute()
    assert _same_as_filled()
    m.Opportunity.delete().where(m.Opportunity.id == data.ids["L2"]).execute()
    assert _same_as_filled()
    assert not m.database.execute_sql(
        "SELECT 1 FROM opportunity_stage_visit WHERE opportunity_id = " + m.database.param,
        (data.ids["L2"],),
    ).fetchall()


# --- the dashboard's words, in the screen's language or an export's ---------------------------

GERMAN = [
    ("stage", "Interest", "Interesse"),
    ("stage", "Quotation", "Angebot"),
    (None, "Without stages", "Ohne Phasen"),
    (
        None,
        ("Within {n} day (cumulative)", "Within {n} days (cumulative)"),
        ("Binnen {n} Tag (kumuliert)", "Binnen {n} Tagen (kumuliert)"),
    ),
    (None, "Overdue (before today)", "Überfällig (vor heute)"),
    (None, "Total {currency}", "Summe {currency}"),
    (None, "Reached {stage}", "{stage} erreicht"),
    (None, "Stage {name}", "Phase {name}"),
    (None, "Salesperson {name}", "Verkäufer {name}"),
    (None, "No source", "Keine Quelle"),
    (None, "Funnel", "Trichter"),
    (None, "Open pipeline by stage", "Offene Verkaufschancen nach Phase"),
    ("opportunity.stage_id", "Stage", "Phase"),
    ("lost reason", "Price", "Preis"),
    ("status", "Open", "Offen"),
]


def test_the_dashboard_shows_shipped_stages_translated_and_renamed_ones_as_named(
    data: PipelineData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import i18n
    from tests.catalogues import catalogue

    m.Stage.update(name="Offer made").where(m.Stage.key == "quotation").execute()
    with catalogue(tmp_path / "translations", monkeypatch, GERMAN):
        i18n.set_language("de")
        dash = dashboard.load(today=TODAY)
        pipe = dash.pipeline
        assert pipe.stages == ["Interesse", "Offer made", "Ohne Phasen"]
        assert _listed(_row(pipe, "Ohne Phasen", "EUR").drilldown) == data.of("N")
        assert _listed(_row(pipe, "Offer made", "EUR").drilldown) == data.of("B", "R")
        assert _row(pipe, "Summe EUR", "EUR").total
        assert pipe.drilldown("Interesse").description == "Offen · Phase Interesse"
        forecast = {f.label for f in dash.forecast}
        assert {
            "Überfällig (vor heute)",
            "Binnen 7 Tagen (kumuliert)",
            "Binnen 90 Tagen (kumuliert)",
        } <= forecast
        stages = {s.name: s for s in dash.funnel.stages}
        assert stages["Interesse"].drilldowns["reached"].description == "Interesse erreicht"
        assert _listed(stages["Offer made"].drilldowns["reached"]) == data.of(
            "B", "C", "R", "L1", "W"
        )
        assert ("Preis", 1) in [(r.reason, r.count) for r in dash.funnel.lost_reasons]
        by_source = dashboard.load(breakdown="source", today=TODAY).pipeline
        assert "Keine Quelle" in by_source.groups
        for label, count, drill in _every_figure(dash):
            assert opportunities.count(drill.filter, TODAY) == count, label


def test_the_csv_is_written_in_its_readers_language_not_the_screens(
    data: PipelineData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.catalogues import catalogue

    english = dashboard.load(today=TODAY)
    with catalogue(tmp_path / "translations", monkeypatch, GERMAN) as german:
        rows = dashboard.csv_rows(english, german)
        assert ["Offene Verkaufschancen nach Phase"] in rows
        assert rows[rows.index(["Offene Verkaufschancen nach Phase"]) + 1][0] == "Phase"
        assert ["Interesse", "EUR", 3, Decimal("23000.00"), Decimal("6100.00")] in rows
        assert ["Ohne Phasen", "EUR", 1, Decimal("7000.00"), Decimal("2100.00")] in rows
        assert ["Summe EUR", "EUR", 6, Decimal("65000.00"), Decimal("22200.00")] in rows
        assert ["Überfällig (vor heute)", "EUR", 1, Decimal("8000.00"), Decimal("1600.00")] in rows
        funnel = rows[rows.index(["Trichter"]) :]
        assert funnel[1][0] == "Phase" and ["Preis", 1] in funnel
        assert next(r for r in funnel if r[:1] == ["Angebot"])[1] == 5
        assert ["Offen", 7] in funnel
        # The screen's dashboard is untouched, and the default is the screen's language.
        assert english.pipeline.stages == ["Interest", "Quotation", "Without stages"]
        assert [
            "Interest",
            "EUR",
            3,
            Decimal("23000.00"),
            Decimal("6100.00"),
        ] in dashboard.csv_rows(english)
        by_owner = dashboard.load(DashboardFilter(owner_id=data.bruno), "owner", today=TODAY)
        assert ["Filter", "Verkäufer Bruno Keller"] in dashboard.csv_rows(by_owner, german)


def test_two_salespeople_of_one_name_are_two_groups(data: PipelineData) -> None:
    twin = add_user("anna2", "salesperson", full_name="Anna").id
    m.Opportunity.update(owner=twin).where(m.Opportunity.id == data.ids["A"]).execute()
    pipe = dashboard.load(breakdown="owner", today=TODAY).pipeline
    assert set(pipe.groups) == {"Anna", "Anna (2)", "Bruno Keller"}
    counts = {r.label: r.count for r in pipe.rows if not r.total and r.currency == "EUR"}
    assert counts["Anna"] + counts["Anna (2)"] == 5
    for label, count, drill in _every_figure(dashboard.load(breakdown="owner", today=TODAY)):
        assert opportunities.count(drill.filter, TODAY) == count, label
