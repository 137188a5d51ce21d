"""The schema step that adds the aggregates' day scopes (app.db.steps.dashboard_filters):
from a filled schema-24 file, and on the server, it makes the triggers anew and counts
every opportunity under its close day and creation day, so a date range alone is summed
from the days; run again, nothing changes."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db import dashboard as db_dashboard
from app.db import migrations
from app.db.connection import database, transaction
from app.db.steps import STEPS, aggregates
from app.db.steps.dashboard_filters import dashboard_filters
from app.demo import load_demo
from app.domain.validation import ValidationError
from app.services import dashboard, workspace
from benchmarks.statements import record_statements
from tests.dashboard_data import shown
from tests.people import sign_in_as
from tests.services.test_aggregates import (
    SMALL,
    TODAY,
    _apply,
    _rows,
    assert_aggregates_right,
    kept,
)


@pytest.mark.sqlite_only
def test_upgrade_from_v24_counts_the_days(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir / "showroom.sqlite3"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema-v24.sqlite3", path)
    with sqlite3.connect(path) as conn:
        assert (
            conn.execute("SELECT count(*) FROM pipeline_total WHERE scope = 'close'").fetchone()[0]
            == 0
        )
        assert conn.execute("SELECT count(*) FROM opportunity").fetchone()[0] > 0
    db = migrations.open_and_upgrade(path)
    try:
        assert migrations.current_version(db) == migrations.SCHEMA_VERSION
        assert dashboard_filters in STEPS
        # Run again (an interrupted upgrade): no harm, same rows.
        with db.atomic():
            dashboard_filters(db)
    finally:
        db.close()
    workspace.open_database(path)
    try:
        brand = _rows("SELECT brand FROM opportunity WHERE brand <> '' LIMIT 1")[0][0]
        assert _rows(f"SELECT count(*) FROM pipeline_total WHERE scope = 'brand:{brand}'")[0][0]
        for scope in ("close", "created", "business", "operation"):
            assert _rows(f"SELECT count(*) FROM funnel_total WHERE scope = '{scope}'")[0][0] > 0
            assert _rows(f"SELECT count(*) FROM outcome_total WHERE scope = '{scope}'")[0][0] > 0
        assert_aggregates_right()
        # The upgraded file's dashboard through a close-date range: from the days, equal to
        # the same read from the base tables.
        sign_in_as("anna", "administrator")
        found = _rows("SELECT min(est_close_date) FROM opportunity WHERE status = 'open'")[0][0]
        first = date.fromisoformat(str(found)[:10])
        flt = dashboard.DashboardFilter(date_from=first, date_to=first + timedelta(days=60))
        scope = db_dashboard.aggregate_scope(flt.opportunity_filter())
        assert scope is not None and scope[0] == "close"
        now = datetime.now()
        kept_one = dashboard.load(flt, "owner", TODAY, now)
        assert kept_one.pipeline.cells and kept_one.funnel.stages
        monkeypatch.setattr(db_dashboard, "aggregate_scope", lambda flt: None)
        assert shown(dashboard.load(flt, "owner", TODAY, now)) == shown(kept_one)
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_the_step_on_the_server_counts_the_days_and_runs_again_harmlessly(db: Path) -> None:
    """A server database as it stood before the step (no day scopes, no trigger moving the
    stage visits between days): the step counts them and keeps them from then on."""
    load_demo(seed=3, today=TODAY, size=SMALL)
    before = kept()
    with transaction():
        database.execute_sql("DROP TRIGGER funnel_day_update ON opportunity")
        for table in ("pipeline_total", "forecast_total", "outcome_total", "funnel_total"):
            database.execute_sql(f"DELETE FROM {table} WHERE scope IN ('close', 'created')")
        dashboard_filters(database.obj)
        dashboard_filters(database.obj)
    assert kept() == before
    assert ("funnel_day_update", "opportunity") in aggregates.SERVER_TRIGGER_NAMES
    assert_aggregates_right()
    for action in (("edit", 3, 63, 40), ("move", 4, 1, 0), ("lost", 5, 0, 0), ("create", 1, 2, 9)):
        with contextlib.suppress(ValidationError):  # a closed one is not moved
            _apply(action)
        assert_aggregates_right()


@pytest.mark.parametrize("basis", ["close", "created"])
def test_a_date_range_alone_reads_days_not_opportunities(db: Path, basis: str) -> None:
    """A refresh through a range of days by either date sends the statements everyone's
    does, and reads the opportunities only for the count of those without stages (on its
    index), however many the range holds."""
    load_demo(seed=3, today=TODAY, size=SMALL)
    sign_in_as("anna", "administrator")
    everyone = record_statements(lambda: dashboard.load(None, "owner", TODAY))
    flt = dashboard.DashboardFilter(
        date_basis=basis, date_from=TODAY - timedelta(days=90), date_to=TODAY + timedelta(days=90)
    )
    sent = record_statements(lambda: dashboard.load(flt, "owner", TODAY))
    assert len(sent) == len(everyone)
    reads = [sql for sql, _ in sent if "FROM opportunity o" in sql]
    assert len(reads) == 1 and "o.stage_id IS NULL" in reads[0], reads
