"""The aggregates' schema steps, each doing its own part: schema 21 (frozen as released,
app.db.steps.aggregates_v21) makes and fills its four scopes, schema 27 (dashboard_filters)
the scopes it adds, schema 39 (condition_split) keeps every scope by condition. A database
upgraded from before schema 21, a file (the schema-20 fixture) or a server database, ends
with the aggregates a rebuild makes, the layout kept by condition filled once."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee
import pytest

from app.db import migrations
from app.db.connection import database
from app.db.steps import STEPS, aggregates, aggregates_v21
from app.db.steps.condition_split import condition_split
from app.db.steps.dashboard_filters import ADDED_SCOPES, dashboard_filters
from app.demo import load_demo
from app.services import workspace
from tests import pg_server
from tests.services.test_aggregates import (
    SMALL,
    TODAY,
    assert_aggregates_right,
    kept,
    kept_funnel,
    kept_outcomes,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schema-v20.sqlite3"
# A fill statement's table and scope: "INSERT INTO forecast_total (...) SELECT 'owner', ..."
# or, for a text scope, "SELECT 'brand:' || o.brand, ...".
_FILL = re.compile(r"^\s*INSERT INTO (\w+_total)\b.*?\bSELECT\s+'([^':]*)", re.S)


@contextmanager
def counted_fills() -> Iterator[Counter[tuple[str, str]]]:
    """How many times each (table, scope) is filled from the base tables meanwhile."""
    fills: Counter[tuple[str, str]] = Counter()
    real = peewee.Database.execute_sql

    def counting(self: peewee.Database, sql: str, *args: Any, **kwargs: Any) -> Any:
        found = _FILL.match(sql)
        if found and "GROUP BY" in sql:
            fills[found.group(1), found.group(2)] += 1
        return real(self, sql, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(peewee.Database, "execute_sql", counting)
        yield fills


def _snapshot() -> tuple[Any, ...]:
    return (*kept(), kept_outcomes(), kept_funnel())


def _check_filled_once(fills: Counter[tuple[str, str]]) -> None:
    """The released step 21 fills its four scopes in its own layout; the layout kept by
    condition (made by the first step after it that installs the aggregates, schema 27) is
    filled once, every scope."""
    every = aggregates.scope_names()
    assert set(every) == ({*aggregates_v21.SCOPES, *ADDED_SCOPES} - {"condition"})
    first = set(aggregates_v21.SCOPES)
    times = {scope: 1 + (scope in first) for scope in every}
    for table in ("forecast_total", "funnel_total", "outcome_total"):
        assert {scope: fills[table, scope] for scope in every} == times, table
    # The pipeline: a statement per scope and breakdown.
    dimensions, released = len(aggregates.DIMENSIONS), len(aggregates_v21.DIMENSIONS)
    assert {s: fills["pipeline_total", s] for s in every} == {
        s: dimensions + released * (s in first) for s in every
    }
    assert sum(fills.values()) == len(every) * (3 + dimensions) + len(first) * (3 + released)


def _check_as_rebuilt() -> None:
    upgraded = _snapshot()
    assert upgraded[0] and upgraded[1] and upgraded[3]  # something is counted
    assert {key[0].split(":")[0] for key in upgraded[1]} >= {"", "owner", "brand", "close"}
    assert_aggregates_right()
    aggregates.rebuild(database.obj)
    assert _snapshot() == upgraded


def test_the_released_step_21_makes_its_own_four_scopes() -> None:
    assert STEPS.index(aggregates_v21._aggregates) == 19  # brings schema 20 to 21
    assert STEPS.index(dashboard_filters) > STEPS.index(aggregates_v21._aggregates)
    assert list(aggregates_v21.SCOPES) == ["", "owner", "team", "facility"]
    assert "funnel_day_update" not in aggregates_v21.TRIGGER_NAMES


@pytest.mark.sqlite_only
def test_a_schema_20_file_is_upgraded_to_the_aggregates_of_a_rebuild_each_filled_once(
    data_dir: Path,
) -> None:
    path = data_dir / "showroom.sqlite3"
    shutil.copyfile(FIXTURE, path)
    assert migrations.file_version(path) == 20
    with counted_fills() as fills:
        db = migrations.open_and_upgrade(path)
        db.close()
    _check_filled_once(fills)
    workspace.open_database(path)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        _check_as_rebuilt()
        # Run again, as an upgrade interrupted after them would: the same aggregates.
        before = _snapshot()
        with database.atomic():
            dashboard_filters(database.obj)
            condition_split(database.obj)
        assert _snapshot() == before
    finally:
        workspace.close_database()


@pytest.mark.sqlite_only
def test_a_schema_38_file_keeps_its_aggregates_by_condition_after_the_upgrade(
    data_dir: Path,
) -> None:
    path = data_dir / "showroom.sqlite3"
    shutil.copyfile(FIXTURE.with_name("schema-v38.sqlite3"), path)
    assert migrations.file_version(path) == 38
    # The new cars' open pipeline by stage as schema 38 kept it: the scope "condition:new".
    with sqlite3.connect(path) as conn:
        assert "condition" not in {r[1] for r in conn.execute("PRAGMA table_info(pipeline_total)")}
        kept_before = dict(
            conn.execute(
                "SELECT stage_id, opportunities FROM pipeline_total "
                "WHERE scope = 'condition:new' AND dimension = '' AND opportunities <> 0"
            ).fetchall()
        )
    assert kept_before
    with counted_fills() as fills:
        db = migrations.open_and_upgrade(path)
        db.close()
    assert fills  # the tables filled anew
    workspace.open_database(path)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        assert aggregates.split_kept(database.obj)
        assert not database.execute_sql(
            "SELECT count(*) FROM pipeline_total WHERE scope LIKE 'condition:%'"
        ).fetchone()[0]
        after = dict(
            database.execute_sql(
                "SELECT stage_id, opportunities FROM pipeline_total WHERE scope = '' "
                "AND condition = 'new' AND dimension = '' AND opportunities <> 0"
            ).fetchall()
        )
        assert after == kept_before
        _check_as_rebuilt()
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_a_server_database_from_before_schema_21_ends_as_rebuilt_each_scope_filled_once(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    # As the database was before schema 21: no aggregates, no server-side stage visits.
    undo = [
        *(f"DROP TRIGGER {name} ON {table}" for name, table in aggregates.SERVER_TRIGGER_NAMES),
        *(
            f"DROP TABLE {table}"
            for table in ("pipeline_total", "forecast_total", "outcome_total", "funnel_total")
        ),
        "DROP TABLE opportunity_stage_visit",
    ]
    with pg_server.one_version_back(pg_url, aggregates_v21._aggregates, *undo):
        load_demo(seed=3, today=TODAY, size=SMALL)
    with counted_fills() as fills:
        workspace.open_server(pg_url)
    try:
        _check_filled_once(fills)
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        _check_as_rebuilt()
    finally:
        workspace.close_database()
