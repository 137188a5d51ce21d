"""Schema step dashboard_pairs: on SQLite the dashboard's columns of every opportunity are
kept in one covering index, and a refresh through two filters together read through it
reads no row of the table; its figures are those of the table read whole, after saves too;
the step upgrades a filled schema-33 database, runs again harmlessly, and makes nothing on
the server, whose figures stay those of its planner."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.db import dashboard as db_dashboard
from app.db import dashboard_once, migrations
from app.db import models as m
from app.db.connection import database, is_sqlite
from app.db.dashboard_paths import ReadPath
from app.db.steps import STEPS
from app.db.steps.dashboard_pairs import COVER_COLUMNS, COVER_INDEX, dashboard_pairs
from app.services import dashboard, opportunities, workspace
from app.services.dashboard import BREAKDOWNS
from benchmarks.statements import record_statements
from tests.dashboard_data import filter_pairs, shown

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v33.sqlite3"
TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py)."""
    global TODAY
    TODAY = date.today()


def _through(monkeypatch: pytest.MonkeyPatch, path: ReadPath) -> None:
    monkeypatch.setattr(dashboard_once, "read_path", lambda *_args: path)
    monkeypatch.setattr(db_dashboard, "read_path", lambda *_args: path)


@pytest.mark.sqlite_only
def test_every_read_through_the_covering_index_reads_no_table_row(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each column a pair's reads name is in the index: SQLite says it reads the index as
    covering (a column missing from it would send it to the table for each entry)."""
    _through(monkeypatch, ReadPath(COVER_INDEX))
    for flt in filter_pairs(TODAY):
        sent = record_statements(lambda f=flt: dashboard.load(f, "owner", TODAY))
        shown = dashboard.load(flt, "owner", TODAY)
        for breakdown in BREAKDOWNS:  # each breakdown's group column, read again
            sent += record_statements(lambda b=breakdown, s=shown: dashboard.with_breakdown(s, b))
        reads = [(sql, params) for sql, params in sent if f"INDEXED BY {COVER_INDEX}" in sql]
        # The one pass, the funnel's ids, and a pipeline read for each breakdown.
        assert len(reads) == 2 + len(BREAKDOWNS), flt
        for sql, params in reads:
            plan = [r[3] for r in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
            on_opportunities = [p for p in plan if " o " in f"{p} "]
            assert on_opportunities, plan
            assert all(f"COVERING INDEX {COVER_INDEX}" in p for p in on_opportunities), plan


@pytest.mark.sqlite_only
def test_the_covering_index_gives_the_table_s_figures_after_saves(
    small_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now()
    # Saves that change what the index holds: revenue, close date, brand, condition.
    for n, opp in enumerate(
        m.Opportunity.select().where(m.Opportunity.status == "open").order_by(m.Opportunity.id)
    ):
        if n % 4:
            continue
        detail = opportunities.get(opp.id)
        changed = replace(
            detail,
            est_revenue=detail.est_revenue + Decimal(n + 1),
            est_close_date=TODAY + timedelta(days=n % 120),
            condition="used" if detail.condition == "new" else "new",
        )
        opportunities.update(opp.id, changed, detail.version, today=TODAY)
    for flt in filter_pairs(TODAY):
        _through(monkeypatch, ReadPath(None))
        table = dashboard.load(flt, "source", TODAY, now)
        _through(monkeypatch, ReadPath(COVER_INDEX))
        assert shown(dashboard.load(flt, "source", TODAY, now)) == shown(table), flt
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_step_again_keeps_the_figures_and_makes_nothing_on_the_server(
    small_demo: Path, backend: str
) -> None:
    now = datetime.now()
    before = [dashboard.load(f, "owner", TODAY, now) for f in filter_pairs(TODAY)]
    assert any(d.pipeline.cells for d in before)
    with database.atomic():
        dashboard_pairs(database.obj)  # again, as after an interruption: no change
    assert [shown(dashboard.load(f, "owner", TODAY, now)) for f in filter_pairs(TODAY)] == [
        shown(d) for d in before
    ]
    if is_sqlite():
        held = database.execute_sql(f'PRAGMA index_info("{COVER_INDEX}")').fetchall()
        assert tuple(r[2] for r in held) == COVER_COLUMNS
    else:
        found = database.execute_sql(
            "SELECT count(*) FROM pg_indexes WHERE indexname = %s", (COVER_INDEX,)
        ).fetchone()[0]
        assert found == 0


@pytest.mark.sqlite_only
def test_a_schema_33_database_gains_the_covering_index(data_dir: Path) -> None:
    assert dashboard_pairs in STEPS[32:]  # after schema 33's own step
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        assert old.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 33
        before = old.execute("SELECT * FROM opportunity ORDER BY id").fetchall()
        assert before
        assert COVER_INDEX not in {r[1] for r in old.execute('PRAGMA index_list("opportunity")')}
    workspace.open_database(copy)
    try:
        with database.atomic():
            dashboard_pairs(database.obj)
    finally:
        workspace.close_database()
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        assert new.execute("SELECT * FROM opportunity ORDER BY id").fetchall() == before
        held = new.execute(
            f'SELECT count(*) FROM opportunity INDEXED BY "{COVER_INDEX}" WHERE brand IS NOT NULL'
        ).fetchone()[0]
        assert held == len(before)
        assert new.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
