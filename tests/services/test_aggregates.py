"""The dashboard's maintained aggregates (pipeline_total, forecast_total, outcome_total, and on
SQLite funnel_total) always equal the plain GROUP BY over the opportunities, on SQLite and on
PostgreSQL, whatever history of writes made them: the demo load, creates (owned, or held by
a team untaken), edits, stage moves, closes won and lost, reopenings, a team's sale taken, a
sale handed to another owner or team, further salespeople, customer merges, lead
conversions, purges, plain-SQL imports and deletes, a team or a user deleted (their sales
set to none by the foreign keys); and a rebuild or an upgrade fills them the same."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from peewee import IntegrityError

from app.db import dashboard as db_dashboard
from app.db import migrations, queries
from app.db import models as m
from app.db.connection import database, is_sqlite, transaction
from app.db.queries import OpportunityFilter
from app.db.steps import STEPS, aggregates, aggregates_v21
from app.db.steps.condition_split import condition_split
from app.db.steps.dashboard_filters import dashboard_filters
from app.db.steps.setup import setup_master_data
from app.demo import load_demo
from app.demo.summary import DemoSize
from app.domain.validation import ValidationError
from app.services import (
    accounts,
    deals,
    leads,
    opportunities,
    process,
    record_rights,
    retention,
    teams,
    workspace,
)
from app.services.errors import ConflictError, NotAllowed
from tests.dashboard_data import shown
from tests.people import add_user, sign_in_as

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


SMALL = DemoSize(vehicles=20, accounts=30, opportunities=40, leads=8, quoted=5, active=5)

# Written from the schema, not from the app: what each scope narrows by and what each
# dimension groups by, as the dashboard's filters and breakdowns read the opportunity.
SCOPE_COLUMNS = {
    "": None,
    "owner": "owner_id",
    "team": "team_id",
    "facility": "facility_id",
    "business": "business_id",
    "operation": "operation_id",
}
# The text scopes: kept as the scope "brand:Škoda" with the id 0.
TEXT_COLUMNS = {
    "brand": "brand",
    "channel": "channel",
    "source": "source",
}
# Every scope's rows are kept apart by the condition (new, used), the key after the id.
CONDITION = "coalesce(condition, '')"
# The day scopes: the day of the est. close date and of the creation, as the number YYYYMMDD.
DAY_COLUMNS = {"close": "est_close_date", "created": "created_at"}
DIMENSION_SQL = {
    "": "''",
    # Each once: under its owner, else under minus the team that holds it.
    "owner": "coalesce(CAST(coalesce(owner_id, -team_id) AS TEXT), '')",
    "team": "coalesce(CAST(team_id AS TEXT), '')",
    "business": "coalesce(CAST(business_id AS TEXT), '')",
    "facility": "coalesce(CAST(facility_id AS TEXT), '')",
    "operation": "coalesce(CAST(operation_id AS TEXT), '')",
    "brand": "coalesce(brand, '')",
    "condition": "coalesce(condition, '')",
    "channel": "coalesce(channel, '')",
    "source": "coalesce(source, '')",
}


def _rows(sql: str) -> list[tuple[Any, ...]]:
    return list(database.execute_sql(sql).fetchall())


def _plain(value: Any) -> Any:
    """A figure as Python compares it: the server's numeric sums as int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _figures(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(_plain(v) for v in row)


def _scope(scope: str) -> tuple[str, str]:
    """(scope id, the test that the row has one) over opportunity."""
    if scope in DAY_COLUMNS:
        column = DAY_COLUMNS[scope]
        if is_sqlite():
            return f"CAST(strftime('%Y%m%d', {column}) AS INTEGER)", "1 = 1"
        return (
            f"(EXTRACT(YEAR FROM {column}) * 10000 + EXTRACT(MONTH FROM {column}) * 100 + EXTRACT(DAY FROM {column}))::int",
            "1 = 1",
        )
    column = SCOPE_COLUMNS.get(scope) or TEXT_COLUMNS.get(scope)
    return (column, f"{column} IS NOT NULL") if column else ("0", "1 = 1")


def _key(scope: str, scope_id: Any) -> tuple[str, Any]:
    """A scope and its id as the aggregates key them (a text scope names its value)."""
    return (f"{scope}:{scope_id}", 0) if scope in TEXT_COLUMNS else (scope, scope_id)


SCOPES = [*SCOPE_COLUMNS, *TEXT_COLUMNS, *DAY_COLUMNS]


def plain_pipeline() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Every scope x dimension, grouped over the open opportunities."""
    found = {}
    for scope in SCOPES:
        scope_id, has = _scope(scope)
        for dimension, value in DIMENSION_SQL.items():
            sql = (
                f"SELECT {scope_id}, {CONDITION}, {value}, coalesce(stage_id, 0), currency, "
                "count(*), sum(est_revenue_minor), sum(est_revenue_minor * probability) "
                f"FROM opportunity WHERE status = 'open' AND {has} GROUP BY 1, 2, 3, 4, 5"
            )
            for sid, cond, val, stage, cur, *figures in _rows(sql):
                key = (*_key(scope, sid), cond, dimension, val, stage, cur)
                found[key] = _figures(tuple(figures))
    return found


def _day(column: str) -> str:
    return column if is_sqlite() else f"to_char({column}, 'YYYY-MM-DD')"


def plain_forecast() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    found = {}
    for scope in SCOPES:
        scope_id, has = _scope(scope)
        sql = (
            f"SELECT {scope_id}, {CONDITION}, currency, {_day('est_close_date')}, count(*), "
            "sum(est_revenue_minor), sum(est_revenue_minor * probability) FROM opportunity "
            f"WHERE status = 'open' AND {has} GROUP BY 1, 2, 3, 4"
        )
        for sid, cond, cur, day, *figures in _rows(sql):
            found[(*_key(scope, sid), cond, cur, day)] = _figures(tuple(figures))
    return found


def plain_funnel() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Per scope and stage, from the figures kept per opportunity and stage (which
    test_dashboard holds to the moves themselves)."""
    found = {}
    for scope in SCOPES:
        scope_id, has = _scope(scope)
        sql = (
            f"SELECT {scope_id}, {CONDITION}, v.stage_id, "
            "count(CASE WHEN v.visits > 0 THEN 1 END), count(CASE WHEN v.went_on > 0 THEN 1 END), "
            "sum(v.visits), sum(v.leaves), sum(v.entered), sum(v.left_at), "
            "count(CASE WHEN v.lost_last <> 0 THEN 1 END) "
            "FROM opportunity_stage_visit v JOIN opportunity ON opportunity.id = v.opportunity_id "
            f"WHERE {has} GROUP BY 1, 2, 3"
        )
        for sid, cond, stage, *figures in _rows(sql):
            if any(figures):
                found[(*_key(scope, sid), cond, stage)] = _figures(tuple(figures))
    return found


def kept_funnel() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    found = {}
    for row in _rows(f"SELECT {aggregates._FUNNEL_COLUMNS} FROM funnel_total"):
        if any(abs(f) > 1e-6 for f in row[4:]):
            found[tuple(row[:4])] = _figures(tuple(row[4:]))
    return found


def plain_outcomes() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    found = {}
    won = "status = 'won' AND closed_at IS NOT NULL"
    if is_sqlite():
        closed_day, won_days = (
            "substr(closed_at, 1, 10)",
            "julianday(closed_at) - julianday(created_at)",
        )
    else:
        closed_day = "to_char(closed_at, 'YYYY-MM-DD')"
        won_days = "EXTRACT(EPOCH FROM closed_at - created_at) / 86400.0"
    for scope in SCOPES:
        scope_id, has = _scope(scope)
        sql = (
            f"SELECT {scope_id}, {CONDITION}, status, "
            "CASE status WHEN 'lost' THEN coalesce(lost_reason, '') "
            "WHEN 'won' THEN coalesce(won_reason, '') ELSE '' END, currency, "
            f"coalesce({closed_day}, ''), count(*), sum(est_revenue_minor), "
            f"sum(CASE WHEN {won} THEN {won_days} ELSE 0 END), "
            f"count(CASE WHEN {won} THEN 1 END) FROM opportunity WHERE {has} "
            "GROUP BY 1, 2, 3, 4, 5, 6"
        )
        for sid, *key_and_figures in _rows(sql):
            found[(*_key(scope, sid), *key_and_figures[:5])] = _figures(tuple(key_and_figures[5:]))
    return found


def kept_outcomes() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {
        tuple(r[:7]): _figures(tuple(r[7:]))
        for r in _rows("SELECT * FROM outcome_total WHERE opportunities <> 0")
    }


def kept() -> tuple[dict[tuple[Any, ...], tuple[Any, ...]], ...]:
    pipe = {
        tuple(r[:7]): _figures(tuple(r[7:]))
        for r in _rows("SELECT * FROM pipeline_total WHERE opportunities <> 0")
    }
    fore = {
        tuple(r[:5]): _figures(tuple(r[5:]))
        for r in _rows("SELECT * FROM forecast_total WHERE opportunities <> 0")
    }
    return pipe, fore


def _same(kept_rows: dict[Any, tuple[Any, ...]], plain_rows: dict[Any, tuple[Any, ...]]) -> None:
    """Equal keys and figures; the days summed as floats to a millionth."""
    assert set(kept_rows) == set(plain_rows)
    for key, figures in plain_rows.items():
        assert kept_rows[key] == pytest.approx(figures, abs=1e-6), key


def assert_aggregates_right() -> None:
    pipe, fore = kept()
    _same(pipe, plain_pipeline())
    _same(fore, plain_forecast())
    _same(kept_outcomes(), plain_outcomes())
    _same(kept_funnel(), plain_funnel())
    # No row is left below zero (a take without its add).
    for table in ("pipeline_total", "forecast_total", "outcome_total"):
        assert _rows(f"SELECT count(*) FROM {table} WHERE opportunities < 0") == [(0,)]


@pytest.fixture
def demo(db: Path) -> Path:
    """A small demo dealership on the test's backend (the demo load is a write path too)."""
    load_demo(seed=3, today=TODAY, size=SMALL)
    return db


ACTIONS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 50), st.integers(0, 100), st.integers(-20, 200)),
    st.tuples(st.just("held"), st.integers(0, 50), st.integers(0, 100), st.integers(-20, 200)),
    st.tuples(st.just("edit"), st.integers(0, 500), st.integers(1, 127), st.integers(-20, 200)),
    st.tuples(st.just("move"), st.integers(0, 500), st.integers(0, 10), st.integers(0, 0)),
    st.tuples(st.just("won"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("lost"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("reopen"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 30)),
    st.tuples(st.just("take"), st.integers(0, 500), st.integers(0, 50), st.integers(0, 0)),
    st.tuples(st.just("reassign"), st.integers(0, 500), st.integers(0, 50), st.integers(0, 3)),
    st.tuples(st.just("share"), st.integers(0, 500), st.integers(0, 50), st.integers(0, 3)),
    st.tuples(st.just("team"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("merge"), st.integers(0, 500), st.integers(0, 500), st.integers(0, 0)),
    st.tuples(st.just("convert"), st.integers(0, 50), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("purge"), st.integers(0, 0), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("delete"), st.integers(0, 500), st.integers(0, 0), st.integers(0, 0)),
    st.tuples(st.just("import"), st.integers(0, 500), st.integers(1, 5), st.integers(-10, 90)),
    st.tuples(st.just("drop"), st.integers(0, 500), st.integers(0, 1), st.integers(0, 0)),
)


def _pick(items: list[Any], n: int) -> Any:
    return items[n % len(items)] if items else None


def _ids(query: Any) -> list[int]:
    return [r[0] for r in query.tuples()]


def _business_of(facility_id: int | None) -> int | None:
    return m.Facility.get_by_id(facility_id).business_id if facility_id else None


def _new(owner: int | None, team: int | None, a: int, b: int, c: int) -> None:
    facilities = _ids(m.Facility.select(m.Facility.id).order_by(m.Facility.id))
    data = opportunities.new_input(owner)
    data.account_id = _pick(_ids(m.Account.select(m.Account.id).order_by(m.Account.id)), a)
    data.topic = f"Offer {a}"
    data.est_revenue = Decimal(1000 + 37 * b)
    data.est_close_date = TODAY + timedelta(days=c)
    data.brand = ["", "Škoda", "Volkswagen"][a % 3]
    data.facility_id = _pick([None, *facilities], b)
    data.business_id = _business_of(data.facility_id) or data.business_id
    data.operation_id = None
    data.team_id = team
    opportunities.create(data, today=TODAY)


def _as_member_of(team: int) -> None:
    """Sign in as a salesperson of the team (made for it the first time)."""
    login = f"seller{team}"
    if m.User.select().where(m.User.username == login).count() == 0:
        add_user(login, "salesperson", team=team)
    sign_in_as(login)


def _apply(action: tuple[str, int, int, int]) -> None:
    kind, a, b, c = action
    ids = _ids(m.Opportunity.select(m.Opportunity.id).order_by(m.Opportunity.id))
    open_ids = _ids(
        m.Opportunity.select(m.Opportunity.id)
        .where(m.Opportunity.status == "open")
        .order_by(m.Opportunity.id)
    )
    users = _ids(m.User.select(m.User.id).order_by(m.User.id))
    team_ids = _ids(m.Team.select(m.Team.id).order_by(m.Team.id))
    facilities = _ids(m.Facility.select(m.Facility.id).order_by(m.Facility.id))
    opp = _pick(ids, a)
    if kind == "create":
        _new(_pick(users, a), _pick([None, *team_ids], b), a, b, c)
    elif kind == "held" and team_ids:  # held by a team, nobody has taken it
        _new(None, _pick(team_ids, a), a, b, c)
    elif kind == "edit" and open_ids:
        opp = _pick(open_ids, a)
        detail = opportunities.get(opp)
        # One or more of the counted fields changed, each on its own bit of b.
        wanted = {
            "owner_id": _pick(users, c),
            "est_revenue": Decimal(500 + 11 * c),
            "est_close_date": TODAY + timedelta(days=c),
            "source": ["", "Website", "Walk-in"][c % 3],
            "brand": ["", "Škoda", "Volkswagen"][c % 3],
            "facility_id": _pick([None, *facilities], c),
            # A new condition moves the sale's shares between the conditions' rows.
            "condition": ["new", "used"][c % 2],
        }
        chosen = {k: v for n, (k, v) in enumerate(wanted.items()) if b & (1 << n)}
        if "facility_id" in chosen:  # a facility of its business, no operation of another
            chosen["business_id"] = _business_of(chosen["facility_id"]) or detail.business_id
            chosen["operation_id"] = None
        opportunities.update(opp, replace(detail, **chosen), detail.version, today=TODAY)
    elif kind == "move" and opp is not None:
        row = m.Opportunity.get_by_id(opp)
        stages = _ids(
            m.Stage.select(m.Stage.id).where(
                (m.Stage.kind == row.kind_id) & ~m.Stage.is_won & ~m.Stage.is_lost
            )
        )
        if stages:
            process.move_to_stage(opp, _pick(stages, b))
    elif kind == "won" and opp is not None:
        process.close_won(opp)
    elif kind == "lost" and opp is not None:
        deals.close_lost([opp], process.lost_reasons()[0])
    elif kind == "reopen" and opp is not None:
        process.reopen(opp, new_close_date=TODAY + timedelta(days=c), today=TODAY)
    elif kind == "take":
        untaken = m.Opportunity.select().where(m.Opportunity.owner.is_null())
        row = _pick(list(untaken.order_by(m.Opportunity.id)), a)
        if row is not None and row.team_id is not None:
            _as_member_of(row.team_id)
            try:
                record_rights.take("opportunity", row.id)
            finally:
                sign_in_as("anna")
    elif kind == "reassign" and opp is not None:
        # To an owner (and the team kept), or to a team to hold untaken.
        team = _pick([None, *team_ids], b)
        owner = None if c == 0 and team is not None else _pick(users, b + c)
        record_rights.reassign("opportunity", opp, owner, team)
    elif kind == "share" and opp is not None:
        row = m.Opportunity.get_by_id(opp)
        shared = [_pick(users, b + n) for n in range(c)]
        record_rights.reassign("opportunity", opp, row.owner_id, row.team_id, shared)
    elif kind == "team":
        teams.save(None, teams.TeamInput(f"Team {a} {len(team_ids)}"))
    elif kind == "merge":
        accounts_ = _ids(m.Account.select(m.Account.id).order_by(m.Account.id))
        keep, drop = _pick(accounts_, a), _pick(accounts_, b)
        if keep is not None and drop is not None and keep != drop:
            accounts.merge(keep, drop)
    elif kind == "convert":
        waiting = _ids(m.Lead.select(m.Lead.id).where(m.Lead.status == "new").order_by(m.Lead.id))
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
            database.execute_sql(f"DELETE FROM opportunity WHERE id = {opp}")
    elif kind == "drop":
        # A team or a salesperson deleted in plain SQL: their sales' team or owner set to
        # none by the foreign keys, which write the opportunities without the program.
        table, victims = ("team", team_ids) if b else ('"user"', users[1:])
        victim = _pick(victims, a)
        if victim is not None:
            with contextlib.suppress(IntegrityError), transaction():
                database.execute_sql(f"DELETE FROM {table} WHERE id = {victim}")
    elif kind == "import" and opp is not None:
        # Rows written in plain SQL, as a bulk import or the benchmarks' loads write them:
        # the triggers keep the aggregates whoever writes.
        param = database.param
        with transaction():
            for n in range(b):
                database.execute_sql(
                    "INSERT INTO opportunity (topic, account_id, kind_id, stage_id, probability, "
                    "probability_by_hand, status, lost_reason, closing_note, est_close_date, "
                    "currency, est_revenue_minor, est_revenue_accessories_minor, "
                    "est_trade_in_minor, owner_id, team_id, channel, source, description, "
                    "interest, condition, brand, vehicle_class, model, model_code, variant, "
                    "competitor, won_reason, created_at, updated_at, version) "
                    f"SELECT 'Imported', account_id, kind_id, stage_id, probability + {param}, "
                    f"probability_by_hand, 'open', '', '', {param}, currency, "
                    f"est_revenue_minor + {param}, 0, 0, owner_id, team_id, channel, 'Import', '', "
                    "interest, condition, brand, vehicle_class, model, model_code, variant, "
                    f"competitor, '', created_at, updated_at, 1 FROM opportunity WHERE id = {param}",
                    (n, TODAY + timedelta(days=c + n), 100 * n, opp),
                )
            # A creation time set right by hand: the sale moves to another creation day.
            database.execute_sql(
                f"UPDATE opportunity SET created_at = {param} WHERE id = {param}",
                (datetime.combine(TODAY - timedelta(days=abs(c) + 1), time(9, 30)), opp),
            )


HISTORIES = settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is shown as found
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def any_history(test: Any) -> Any:
    """Histories of writes, with each way a sale changes hands for sure: held by a team,
    taken, handed to a team to hold and to another owner, shared, its team or owner
    deleted under it."""
    for history in (
        [("held", 1, 2, 3), ("take", 0, 0, 0), ("reassign", 5, 1, 0)],
        [("reassign", 7, 2, 1), ("share", 7, 3, 2), ("edit", 7, 1, 9)],
        [("team", 2, 0, 0), ("held", 3, 1, 2), ("drop", 0, 1, 0), ("drop", 1, 0, 0)],
        [("lost", 4, 0, 0), ("reopen", 4, 0, 5), ("won", 4, 0, 0), ("purge", 0, 0, 0)],
        # A new close date and creation day move the sale's shares (and its stage visits)
        # between days.
        [("move", 2, 1, 0), ("edit", 2, 4, 30), ("import", 2, 2, 5), ("won", 2, 0, 0)],
    ):
        test = example(history=history)(test)
    return given(history=st.lists(ACTIONS, min_size=1, max_size=15))(test)


def _follow(history: list[tuple[str, int, int, int]]) -> None:
    # One database for every example: each history starts where the last one left it,
    # which the aggregates must follow as much as a fresh start.
    assert_aggregates_right()
    for action in history:
        # A refusal (closed already, open already, not allowed...) writes nothing.
        with contextlib.suppress(ValidationError, NotAllowed, ConflictError):
            _apply(action)
        assert_aggregates_right()


@pytest.mark.sqlite_only
@HISTORIES
@any_history
def test_aggregates_equal_plain_group_by_after_any_history(
    history: list[tuple[str, int, int, int]], demo: Path
) -> None:
    _follow(history)


# The server's triggers against the same plain GROUP BY: the four histories above and a
# dozen generated ones (up to 15 writes each, drawn from every kind of write), in a third
# of the SQLite run's time; the 40 there prove the services' side of the bookkeeping.
@pytest.mark.postgresql_only
@settings(HISTORIES, max_examples=12)
@any_history
def test_the_server_keeps_the_same_aggregates_after_any_history(
    history: list[tuple[str, int, int, int]], demo: Path
) -> None:
    _follow(history)


def test_every_kind_of_write_happens_in_the_history(demo: Path) -> None:
    """The property test's actions each change what they claim (none is refused every time)."""
    before = _rows("SELECT count(*), count(team_id), count(owner_id) FROM opportunity")[0]
    _apply(("team", 0, 0, 0))
    _apply(("held", 1, 2, 3))
    held = (
        m.Opportunity.select()
        .where(m.Opportunity.owner.is_null())
        .order_by(m.Opportunity.id.desc())[0]
    )
    assert held.team_id is not None
    n = list(
        m.Opportunity.select().where(m.Opportunity.owner.is_null()).order_by(m.Opportunity.id)
    ).index(held)
    _apply(("take", n, 0, 0))
    assert m.Opportunity.get_by_id(held.id).owner_id is not None
    _apply(
        (
            "share",
            _ids(m.Opportunity.select(m.Opportunity.id).order_by(m.Opportunity.id)).index(held.id),
            1,
            2,
        )
    )
    assert (
        m.OpportunitySalesperson.select()
        .where(m.OpportunitySalesperson.opportunity == held.id)
        .count()
        >= 1
    )
    _apply(("drop", 0, 1, 0))
    after = _rows("SELECT count(*), count(team_id), count(owner_id) FROM opportunity")[0]
    assert after[0] == before[0] + 1
    assert_aggregates_right()


def test_rebuild_fills_what_was_lost(demo: Path) -> None:
    before = kept()
    with transaction():
        database.execute_sql("DELETE FROM pipeline_total")
        database.execute_sql("UPDATE forecast_total SET opportunities = opportunities + 1")
    assert kept() != before
    from app.services import dashboard

    counted = dashboard.rebuild_aggregates()
    assert kept() == before
    assert counted == m.Opportunity.select().where(m.Opportunity.status == "open").count()
    assert_aggregates_right()


def test_the_rebuild_command_rebuilds_as_an_administrator_only(
    demo: Path,
    backend: str,
    data_dir: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signed_in_commands: None,
) -> None:
    import main

    add_user("sam", "salesperson")
    open_ones = m.Opportunity.select().where(m.Opportunity.status == "open").count()
    with transaction():
        database.execute_sql("DELETE FROM pipeline_total")
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    workspace.close_database()
    command = ["--data-dir", str(data_dir), *(["--database", url] if url else [])]
    monkeypatch.setenv("SHOWROOM_USER", "sam")
    assert main.main([*command, "rebuild-aggregates"]) == main.REFUSED
    assert "may not do this" in capsys.readouterr().err
    monkeypatch.setenv("SHOWROOM_USER", "anna")
    assert main.main([*command, "rebuild-aggregates"]) == 0
    assert f"{open_ones} open opportunities" in capsys.readouterr().out
    if url:
        workspace.open_server(url)
    else:
        workspace.open_database(demo)
    assert_aggregates_right()


@pytest.mark.sqlite_only
def test_upgrade_from_v18_fills_the_aggregates(data_dir: Path) -> None:
    path = data_dir / "showroom.sqlite3"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema-v18.sqlite3", path)
    with sqlite3.connect(path) as conn:
        assert "pipeline_total" not in {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master")
        }
        teams_held = conn.execute(
            "SELECT count(*) FROM opportunity WHERE owner_id IS NULL AND team_id IS NOT NULL"
        ).fetchone()[0]
    db = migrations.open_and_upgrade(path)
    try:
        assert migrations.current_version(db) == migrations.SCHEMA_VERSION
        # After every step it was written after (the steps merged later come after it).
        assert STEPS.index(aggregates_v21._aggregates) > STEPS.index(setup_master_data)
        # Run again (an interrupted upgrade), the steps that add the further scopes and
        # keep them by condition: no harm, same rows.
        with db.atomic():
            dashboard_filters(db)
            condition_split(db)
    finally:
        db.close()
    workspace.open_database(path)
    try:
        assert _rows("SELECT count(*) FROM pipeline_total")[0][0] > 0
        assert_aggregates_right()
        if teams_held:
            assert _rows("SELECT count(*) FROM pipeline_total WHERE value LIKE '-%'")[0][0] > 0
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_the_step_on_the_server_makes_the_aggregates_and_runs_again_harmlessly(demo: Path) -> None:
    """A server database at the schema before the step: the step makes the tables, functions
    and triggers and fills them; run again, nothing changes."""
    before = kept()
    with transaction():
        for name, table in aggregates.SERVER_TRIGGER_NAMES:
            database.execute_sql(f"DROP TRIGGER {name} ON {table}")
        for table in ("pipeline_total", "forecast_total", "outcome_total", "funnel_total"):
            database.execute_sql(f"DROP TABLE {table}")
        database.execute_sql("DROP TABLE opportunity_stage_visit")
        aggregates_v21._aggregates(database.obj)
        aggregates_v21._aggregates(database.obj)
        dashboard_filters(database.obj)
        condition_split(database.obj)
    assert kept() == before
    assert_aggregates_right()
    _apply(("create", 3, 4, 5))
    assert_aggregates_right()


def test_the_dashboard_reads_the_aggregates_only_for_the_filters_they_serve(db: Path) -> None:
    assert db_dashboard.aggregate_scope(OpportunityFilter()) == ("", 0, 0, None)
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=4)) == ("owner", 4, 4, None)
    assert db_dashboard.aggregate_scope(OpportunityFilter(team_id=3)) == ("team", 3, 3, None)
    assert db_dashboard.aggregate_scope(OpportunityFilter(facility_id=2)) == (
        "facility",
        2,
        2,
        None,
    )
    # A range of days by either date, closed or open at one end: the days' rows summed.
    first, last = date(2026, 2, 27), date(2026, 3, 1)
    assert db_dashboard.aggregate_scope(OpportunityFilter(close_from=first, close_to=last)) == (
        "close",
        20260227,
        20260301,
        None,
    )
    assert db_dashboard.aggregate_scope(OpportunityFilter(close_from=first)) == (
        "close",
        20260227,
        99_999_999,
        None,
    )
    assert db_dashboard.aggregate_scope(OpportunityFilter(created_to=last)) == (
        "created",
        0,
        20260301,
        None,
    )
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=4, facility_id=2)) is None
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=4, team_id=3)) is None
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=0)) is None  # without owner
    assert db_dashboard.aggregate_scope(OpportunityFilter(owner_id=0, team_id=3)) is None
    scope = db_dashboard.aggregate_scope
    assert scope(OpportunityFilter(business_id=2)) == ("business", 2, 2, None)
    assert scope(OpportunityFilter(operation_id=5)) == ("operation", 5, 5, None)
    assert scope(OpportunityFilter(brand="Škoda")) == ("brand:Škoda", 0, 0, None)
    assert scope(OpportunityFilter(source="Web")) == ("source:Web", 0, 0, None)
    # The condition alone, or beside any one of those: every scope is kept by condition.
    assert scope(OpportunityFilter(condition="used")) == ("", 0, 0, "used")
    assert scope(OpportunityFilter(brand="Škoda", condition="new")) == ("brand:Škoda", 0, 0, "new")
    assert scope(OpportunityFilter(business_id=2, condition="new")) == ("business", 2, 2, "new")
    assert scope(OpportunityFilter(close_from=first, close_to=last, condition="new")) == (
        "close",
        20260227,
        20260301,
        "new",
    )
    assert scope(OpportunityFilter(brand="Škoda", condition="new", owner_id=4)) is None
    assert db_dashboard.aggregate_scope(OpportunityFilter(brand="")) is None  # without a brand
    assert db_dashboard.aggregate_scope(OpportunityFilter(close_from=TODAY, owner_id=4)) is None
    assert db_dashboard.aggregate_scope(OpportunityFilter(close_from=TODAY, brand="VW")) is None
    assert (
        db_dashboard.aggregate_scope(OpportunityFilter(close_from=TODAY, created_to=TODAY)) is None
    )


def test_the_funnel_from_the_aggregates_equals_the_funnel_from_the_visits(demo: Path) -> None:
    stages = db_dashboard.stage_rows()
    ids = [s.id for s in stages]
    now = datetime.now()
    owner = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first().owner_id
    team = m.Opportunity.select().where(m.Opportunity.team.is_null(False)).first().team_id
    for flt in (
        OpportunityFilter(),
        OpportunityFilter(owner_id=owner),
        OpportunityFilter(team_id=team),
    ):
        kept_sums = db_dashboard.stage_sums(flt, TODAY, now, ids)
        where, params = queries.opportunity_where(flt, TODAY)
        plain = db_dashboard._kept_figures(where, params, ids, now)
        assert kept_sums.reached and kept_sums.lost_here is not None
        for figure in ("reached", "went_on", "visits", "lost_here"):
            assert {k: v for k, v in getattr(kept_sums, figure).items() if v} == {
                k: v for k, v in getattr(plain, figure).items() if v
            }, figure
        for stage_id, days in plain.left.items():
            assert kept_sums.left[stage_id] == pytest.approx(days, abs=1e-6)


@pytest.mark.parametrize("breakdown", ["stage", "owner", "team", "facility", "source", "brand"])
def test_the_dashboard_from_the_aggregates_equals_the_dashboard_from_the_base_tables(
    demo: Path, monkeypatch: pytest.MonkeyPatch, breakdown: str
) -> None:
    from app.services import dashboard

    now = datetime.now()
    # A sale the team holds untaken, and one shared: the salesperson's and team's figures
    # count them as the base tables do.
    _apply(("held", 2, 3, 4))
    first = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    others = _ids(m.User.select(m.User.id).where(m.User.id != first.owner_id))
    record_rights.reassign("opportunity", first.id, first.owner_id, first.team_id, others[:1])
    team = m.Opportunity.select().where(m.Opportunity.team.is_null(False)).first().team_id
    facility = m.Opportunity.select().where(m.Opportunity.facility.is_null(False)).first()
    filters = [
        dashboard.DashboardFilter(),
        dashboard.DashboardFilter(owner_id=first.owner_id),
        dashboard.DashboardFilter(owner_id=others[0]),
        dashboard.DashboardFilter(team_id=team),
        dashboard.DashboardFilter(facility_id=facility.facility_id),
        dashboard.DashboardFilter(business_id=facility.business_id),
        dashboard.DashboardFilter(operation_id=facility.operation_id),
        dashboard.DashboardFilter(brand=facility.brand or "Škoda"),
        dashboard.DashboardFilter(condition=facility.condition),
        dashboard.DashboardFilter(channel=facility.channel),
        dashboard.DashboardFilter(source=facility.source),
        # Ranges of days by close date and by creation date, and open at one end.
        dashboard.DashboardFilter(
            date_from=TODAY - timedelta(days=20), date_to=TODAY + timedelta(days=40)
        ),
        dashboard.DashboardFilter(date_from=TODAY + timedelta(days=3)),
        dashboard.DashboardFilter(date_to=TODAY),
        dashboard.DashboardFilter(
            date_basis="created", date_from=TODAY - timedelta(days=200), date_to=TODAY
        ),
        dashboard.DashboardFilter(date_basis="created", date_to=TODAY - timedelta(days=30)),
    ]
    # Each of those with either condition beside it (the aggregates keep every scope by it).
    filters += [
        replace(f, condition=condition)
        for f in filters[1:]
        if f.condition is None
        for condition in ("new", "used")
    ]
    kept_ones = [dashboard.load(f, breakdown, TODAY, now) for f in filters]
    served = [f for f in filters if db_dashboard.aggregate_scope(f.opportunity_filter())]
    assert len(served) == len(filters)
    assert kept_ones[0].pipeline.cells and kept_ones[0].funnel.stages
    monkeypatch.setattr(db_dashboard, "aggregate_scope", lambda flt: None)
    for flt, kept_one in zip(filters, kept_ones, strict=True):
        assert shown(dashboard.load(flt, breakdown, TODAY, now)) == shown(kept_one), flt


@pytest.mark.postgresql_only
def test_a_file_moved_onto_the_server_brings_its_aggregates_counted_there(
    data_dir: Path, pg: Any, backend: str
) -> None:
    """The move copies the tables the models name; the aggregates and the stage visits are
    counted on the server from the rows copied, and kept from then on."""
    from app.services.move_to_server import move_to_server

    path = workspace.open_database(data_dir / "showroom.sqlite3")
    sign_in_as("anna", "administrator")
    load_demo(seed=5, today=TODAY, size=SMALL)
    workspace.close_database()
    url = pg.url(pg.create_database())
    move_to_server(url, source=path)
    workspace.open_server(url)
    try:
        sign_in_as("anna")
        assert _rows("SELECT count(*) FROM opportunity_stage_visit")[0][0] > 0
        assert_aggregates_right()
        for action in (("held", 1, 2, 3), ("move", 4, 1, 0), ("lost", 5, 0, 0)):
            with contextlib.suppress(ValidationError):
                _apply(action)
        assert_aggregates_right()
    finally:
        workspace.close_database()
