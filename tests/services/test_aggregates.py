"""The dashboard's maintained aggregates (pipeline_total, forecast_total) always equal the
plain GROUP BY over the opportunities, whatever history of writes made them: the demo load,
creates, edits, stage moves, closes won and lost, reopenings, customer merges, lead
conversions, purges, plain-SQL imports; and a rebuild or an upgrade fills them the same."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import uuid
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from peewee import IntegrityError

from app import paths
from app.db import dashboard as db_dashboard
from app.db import migrations, queries
from app.db import models as m
from app.db.connection import transaction
from app.db.queries import OpportunityFilter
from app.db.steps import STEPS, aggregates
from app.demo import load_demo
from app.demo.summary import DemoSize
from app.domain.validation import ValidationError
from app.services import accounts, deals, leads, opportunities, process, retention, workspace
from app.services.errors import ConflictError, NotAllowed

TODAY = date.today()
SMALL = DemoSize(vehicles=20, accounts=30, opportunities=40, leads=8, quoted=5, active=5)


def plain_pipeline(conn: sqlite3.Connection) -> Counter[tuple[object, ...]]:
    """Written from the schema, not from the app: every scope x dimension, grouped."""
    found: Counter[tuple[object, ...]] = Counter()
    for scope, column in aggregates.SCOPES.items():
        scope_id = column or "0"
        for dimension, dim_column in aggregates.DIMENSIONS.items():
            value = f"coalesce(CAST({dim_column} AS TEXT), '')" if dim_column else "''"
            where = f" AND {column} IS NOT NULL" if column else ""
            sql = (
                f"SELECT {scope_id}, {value}, coalesce(stage_id, 0), currency, count(*), "
                "sum(est_revenue_minor), sum(est_revenue_minor * probability) "
                f"FROM opportunity WHERE status = 'open'{where} GROUP BY 1, 2, 3, 4"
            )
            for sid, val, stage, cur, n, rev, w in conn.execute(sql):
                found[(scope, sid, dimension, val, stage, cur)] = (n, rev, w)  # type: ignore[assignment]
    return found


def plain_forecast(conn: sqlite3.Connection) -> dict[tuple[object, ...], tuple[int, int, int]]:
    found = {}
    for scope, column in aggregates.SCOPES.items():
        where = f" AND {column} IS NOT NULL" if column else ""
        sql = (
            f"SELECT {column or '0'}, currency, est_close_date, count(*), sum(est_revenue_minor), "
            f"sum(est_revenue_minor * probability) FROM opportunity WHERE status = 'open'{where} "
            "GROUP BY 1, 2, 3"
        )
        for sid, cur, day, n, rev, w in conn.execute(sql):
            found[(scope, sid, cur, day)] = (n, rev, w)
    return found


def plain_funnel(conn: sqlite3.Connection) -> dict[tuple[object, ...], tuple[object, ...]]:
    """Per scope and stage, from the figures kept per opportunity and stage."""
    found = {}
    for scope, column in aggregates.SCOPES.items():
        where = f" WHERE o.{column} IS NOT NULL" if column else ""
        sql = (
            f"SELECT {'o.' + column if column else '0'}, v.stage_id, "
            "count(CASE WHEN v.visits > 0 THEN 1 END), count(CASE WHEN v.went_on > 0 THEN 1 END), "
            "sum(v.visits), sum(v.leaves), sum(v.entered), sum(v.left_at), "
            "count(CASE WHEN v.lost_last <> 0 THEN 1 END) "
            f"FROM opportunity_stage_visit v JOIN opportunity o ON o.id = v.opportunity_id{where} "
            "GROUP BY 1, 2"
        )
        for sid, stage, *figures in conn.execute(sql):
            if any(figures):
                found[(scope, sid, stage)] = _rounded(figures)
    return found


def _rounded(figures: list[object]) -> tuple[object, ...]:
    return tuple(round(f, 6) if isinstance(f, float) else f for f in figures)


def kept_funnel(conn: sqlite3.Connection) -> dict[tuple[object, ...], tuple[object, ...]]:
    found = {}
    for row in conn.execute(f"SELECT {aggregates._FUNNEL_COLUMNS} FROM funnel_total"):
        if any(round(f, 6) if isinstance(f, float) else f for f in row[3:]):
            found[tuple(row[:3])] = _rounded(list(row[3:]))
    return found


def plain_outcomes(conn: sqlite3.Connection) -> dict[tuple[object, ...], tuple[object, ...]]:
    found = {}
    for scope, column in aggregates.SCOPES.items():
        where = f" WHERE {column} IS NOT NULL" if column else ""
        won = "(status = 'won' AND closed_at IS NOT NULL)"
        sql = (
            f"SELECT {column or '0'}, status, CASE status WHEN 'lost' THEN lost_reason "
            "WHEN 'won' THEN won_reason ELSE '' END, currency, "
            "coalesce(substr(closed_at, 1, 10), ''), count(*), sum(est_revenue_minor), "
            f"sum(CASE WHEN {won} THEN julianday(closed_at) - julianday(created_at) ELSE 0 END), "
            f"sum({won}) FROM opportunity{where} GROUP BY 1, 2, 3, 4, 5"
        )
        for sid, *key_and_figures in conn.execute(sql):
            found[(scope, sid, *key_and_figures[:4])] = _rounded(key_and_figures[4:])
    return found


def kept_outcomes(conn: sqlite3.Connection) -> dict[tuple[object, ...], tuple[object, ...]]:
    return {
        tuple(r[:6]): _rounded(list(r[6:]))
        for r in conn.execute("SELECT * FROM outcome_total WHERE opportunities <> 0")
    }


def kept(conn: sqlite3.Connection) -> tuple[dict[tuple[object, ...], tuple[int, ...]], ...]:
    pipe = {
        tuple(r[:6]): tuple(r[6:])
        for r in conn.execute("SELECT * FROM pipeline_total WHERE opportunities <> 0")
    }
    fore = {
        tuple(r[:4]): tuple(r[4:])
        for r in conn.execute("SELECT * FROM forecast_total WHERE opportunities <> 0")
    }
    return pipe, fore


def assert_aggregates_right(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        pipe, fore = kept(conn)
        assert pipe == dict(plain_pipeline(conn))
        assert fore == plain_forecast(conn)
        assert kept_funnel(conn) == plain_funnel(conn)
        assert kept_outcomes(conn) == plain_outcomes(conn)
        # No row is left below zero (a take without its add).
        assert conn.execute(
            "SELECT count(*) FROM pipeline_total WHERE opportunities < 0"
        ).fetchone() == (0,)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database, loaded once (the demo load is a write path too)."""
    folder = tmp_path_factory.mktemp("demo")
    paths.set_data_dir(folder)
    path = workspace.open_database(folder / "showroom.sqlite3")
    workspace.sign_in("anna")
    load_demo(seed=3, today=TODAY, size=SMALL)
    workspace.close_database()
    paths.set_data_dir(None)
    return path


ACTIONS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 50), st.integers(0, 100), st.integers(-20, 200)),
    st.tuples(st.just("edit"), st.integers(0, 500), st.integers(1, 63), st.integers(-20, 200)),
    st.tuples(st.just("move"), st.integers(0, 500), st.integers(0, 10), st.integers(0, 0)),
    st.tuples(st.just("won"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("lost"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("reopen"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 30)),
    st.tuples(st.just("merge"), st.integers(0, 500), st.integers(0, 500), st.integers(0, 0)),
    st.tuples(st.just("convert"), st.integers(0, 50), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("purge"), st.integers(0, 0), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("delete"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("import"), st.integers(0, 500), st.integers(1, 5), st.integers(-10, 90)),
)


def _pick(items: list[int], n: int) -> int | None:
    return items[n % len(items)] if items else None


def _business_of(facility_id: int | None) -> int | None:
    return m.Facility.get_by_id(facility_id).business_id if facility_id else None


def _apply(action: tuple[str, int, int, int], path: Path) -> None:
    kind, a, b, c = action
    ids = [r[0] for r in m.Opportunity.select(m.Opportunity.id).order_by(m.Opportunity.id).tuples()]
    users = [r[0] for r in m.User.select(m.User.id).order_by(m.User.id).tuples()]
    facilities = [r[0] for r in m.Facility.select(m.Facility.id).order_by(m.Facility.id).tuples()]
    opp = _pick(ids, a)
    if kind == "edit":
        opp = _pick([i for i in ids if m.Opportunity.get_by_id(i).status == "open"], a)
    if kind == "create":
        data = opportunities.new_input(_pick(users, a))
        data.account_id = _pick([r[0] for r in m.Account.select(m.Account.id).tuples()], a)
        data.topic = f"Offer {a}"
        data.est_revenue = Decimal(1000 + 37 * b)
        data.est_close_date = TODAY + timedelta(days=c)
        data.brand = ["", "Škoda", "Volkswagen"][a % 3]
        data.facility_id = _pick([None, *facilities], b)  # type: ignore[list-item]
        data.business_id = _business_of(data.facility_id) or data.business_id
        data.operation_id = None
        opportunities.create(data, today=TODAY)
    elif kind == "edit" and opp is not None:
        detail = opportunities.get(opp)
        # One or more of the counted fields changed, each on its own bit of b.
        wanted = {
            "owner_id": _pick(users, c),
            "est_revenue": Decimal(500 + 11 * c),
            "est_close_date": TODAY + timedelta(days=c),
            "source": ["", "Website", "Walk-in"][c % 3],
            "brand": ["", "Škoda", "Volkswagen"][c % 3],
            "facility_id": _pick([None, *facilities], c),  # type: ignore[list-item]
        }
        chosen = {k: v for n, (k, v) in enumerate(wanted.items()) if b & (1 << n)}
        if "facility_id" in chosen:  # a facility of its business, no operation of another
            chosen["business_id"] = _business_of(chosen["facility_id"]) or detail.business_id
            chosen["operation_id"] = None
        changed = replace(detail, **chosen)
        opportunities.update(opp, changed, detail.version, today=TODAY)
    elif kind == "move" and opp is not None:
        row = m.Opportunity.get_by_id(opp)
        stages = [
            s.id
            for s in m.Stage.select().where(
                (m.Stage.kind == row.kind_id) & ~m.Stage.is_won & ~m.Stage.is_lost
            )
        ]
        if stages:
            process.move_to_stage(opp, _pick(stages, b))  # type: ignore[arg-type]
    elif kind == "won" and opp is not None:
        process.close_won(opp)
    elif kind == "lost" and opp is not None:
        deals.close_lost([opp], process.lost_reasons()[0])
    elif kind == "reopen" and opp is not None:
        process.reopen(opp, new_close_date=TODAY + timedelta(days=c), today=TODAY)
    elif kind == "merge":
        accounts_ = [r[0] for r in m.Account.select(m.Account.id).order_by(m.Account.id).tuples()]
        keep, drop = _pick(accounts_, a), _pick(accounts_, b)
        if keep is not None and drop is not None and keep != drop:
            accounts.merge(keep, drop)
    elif kind == "convert":
        waiting = [r[0] for r in m.Lead.select(m.Lead.id).where(m.Lead.status == "new").tuples()]
        lead = _pick(waiting, a)
        if lead is not None:
            leads.convert(lead, confirmed_new=True, owner_id=_pick(users, a), today=TODAY)
    elif kind == "purge":
        # Everything closed counts as past its retention twenty years on.
        later = TODAY + timedelta(days=7300)
        retention.purge(retention.plan(later), today=later)
    elif kind == "delete" and opp is not None:
        # An opportunity deleted in plain SQL (what a purge sends), open ones too; one
        # that its documents keep is refused by its foreign keys, and nothing changes.
        with contextlib.suppress(IntegrityError), transaction():
            m.database.execute_sql("DELETE FROM opportunity WHERE id = ?", (opp,))
    elif kind == "import" and opp is not None:
        # Rows written in plain SQL, as a bulk import or the benchmarks' loads write them:
        # the triggers keep the aggregates whoever writes.
        with transaction():
            for n in range(b):
                m.database.execute_sql(
                    "INSERT INTO opportunity (topic, account_id, kind_id, stage_id, probability, "
                    "probability_by_hand, status, lost_reason, closing_note, est_close_date, "
                    "currency, est_revenue_minor, est_revenue_accessories_minor, "
                    "est_trade_in_minor, owner_id, channel, source, description, interest, "
                    "condition, brand, vehicle_class, model, model_code, variant, competitor, "
                    "won_reason, created_at, updated_at, version) "
                    "SELECT 'Imported', account_id, kind_id, stage_id, probability + ?, 0, "
                    "'open', '', '', ?, currency, est_revenue_minor + ?, 0, 0, owner_id, "
                    "channel, 'Import', '', interest, condition, brand, vehicle_class, model, "
                    "model_code, variant, competitor, '', created_at, updated_at, 1 "
                    "FROM opportunity WHERE id = ?",
                    (n, (TODAY + timedelta(days=c + n)).isoformat(), 100 * n, opp),
                )


@settings(
    max_examples=60,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is shown as found
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(history=st.lists(ACTIONS, min_size=1, max_size=20))
def test_aggregates_equal_plain_group_by_after_any_history(
    history: list[tuple[str, int, int, int]], demo_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    path = folder / "showroom.sqlite3"
    shutil.copyfile(demo_file, path)
    paths.set_data_dir(folder)
    workspace.open_database(path)
    workspace.sign_in("anna")
    try:
        assert_aggregates_right(path)
        for action in history:
            # A refusal (closed already, open already...) writes nothing.
            with contextlib.suppress(ValidationError, NotAllowed, ConflictError):
                _apply(action, path)
            assert_aggregates_right(path)
    finally:
        workspace.close_database()
        paths.set_data_dir(None)


def test_rebuild_fills_what_was_lost(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "showroom.sqlite3"
    shutil.copyfile(demo_file, path)
    with sqlite3.connect(path) as conn:
        before = kept(conn)
        conn.execute("DELETE FROM pipeline_total")
        conn.execute("UPDATE forecast_total SET opportunities = opportunities + 1")
    paths.set_data_dir(tmp_path)
    database = workspace.open_database(path)
    try:
        aggregates.rebuild(m.database)  # type: ignore[arg-type]
    finally:
        workspace.close_database()
        paths.set_data_dir(None)
    assert database == path
    with sqlite3.connect(path) as conn:
        assert kept(conn) == before
    assert_aggregates_right(path)


def test_upgrade_from_v13_fills_the_aggregates(tmp_path: Path) -> None:
    path = tmp_path / "showroom.sqlite3"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema-v13.sqlite3", path)
    db = migrations.open_and_upgrade(path)
    try:
        assert migrations.current_version(db) == migrations.SCHEMA_VERSION
        assert aggregates._aggregates in STEPS
        # Run again (an interrupted upgrade): no harm, same rows.
        aggregates._aggregates(db)
    finally:
        db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM pipeline_total").fetchone()[0] > 0
    assert_aggregates_right(path)


def test_the_dashboard_reads_the_aggregates_only_for_the_filters_they_serve(db: Path) -> None:
    assert db_dashboard.aggregate_scope(OpportunityFilter()) == ("", 0)
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=4)) == ("owner", 4)
    assert db_dashboard.aggregate_scope(OpportunityFilter(facility_id=2)) == ("facility", 2)
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=4, facility_id=2)) is None
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=0)) is None  # without owner
    assert db_dashboard.aggregate_scope(OpportunityFilter(brand="Škoda")) is None
    assert db_dashboard.aggregate_scope(OpportunityFilter(close_from=TODAY)) is None


def test_the_funnel_from_the_aggregates_equals_the_funnel_from_the_visits(
    demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "showroom.sqlite3"
    shutil.copyfile(demo_file, path)
    paths.set_data_dir(tmp_path)
    workspace.open_database(path)
    try:
        stages = db_dashboard.stage_rows()
        ids = [s.id for s in stages]
        now = datetime.now()
        owner = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first().owner_id
        for flt in (OpportunityFilter(), OpportunityFilter(owner_id=owner)):
            kept_sums = db_dashboard.stage_sums(flt, TODAY, now, ids, stages)
            where, params = queries.opportunity_where(flt, TODAY)
            plain = db_dashboard._kept_figures(where, params, ids, now)
            assert kept_sums.reached and kept_sums.lost_here is not None
            for figure in ("reached", "went_on", "visits", "lost_here"):
                assert {k: v for k, v in getattr(kept_sums, figure).items() if v} == {
                    k: v for k, v in getattr(plain, figure).items() if v
                }, figure
            for stage_id, days in plain.left.items():
                assert kept_sums.left[stage_id] == pytest.approx(days, abs=1e-6)
    finally:
        workspace.close_database()
        paths.set_data_dir(None)


@pytest.mark.parametrize("breakdown", ["stage", "owner", "facility", "source", "brand"])
def test_the_dashboard_from_the_aggregates_equals_the_dashboard_from_the_base_tables(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakdown: str
) -> None:
    from app.services import dashboard

    path = tmp_path / "showroom.sqlite3"
    shutil.copyfile(demo_file, path)
    paths.set_data_dir(tmp_path)
    workspace.open_database(path)
    try:
        workspace.sign_in("anna")
        now = datetime.now()
        owner = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first().owner_id
        facility = (
            m.Opportunity.select().where(m.Opportunity.facility.is_null(False)).first().facility_id
        )
        filters = [
            dashboard.DashboardFilter(),
            dashboard.DashboardFilter(owner_id=owner),
            dashboard.DashboardFilter(facility_id=facility),
        ]
        kept_ones = [dashboard.load(f, breakdown, TODAY, now) for f in filters]
        assert kept_ones[0].pipeline.cells and kept_ones[0].funnel.stages
        monkeypatch.setattr(db_dashboard, "aggregate_scope", lambda flt: None)
        for flt, kept_one in zip(filters, kept_ones, strict=True):
            assert dashboard.load(flt, breakdown, TODAY, now) == kept_one
    finally:
        workspace.close_database()
        paths.set_data_dir(None)
