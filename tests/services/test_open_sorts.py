"""The list's search where its matches gather late in the sort's order, and the open ones
under the sorts that put the closed ones first (schema step open_sorts): the same rows as a
plain reading, read by the plans meant for them, and a database of the version before
gains the indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.db import list_walks, migrations, queries, sort_keys
from app.db.connection import database, is_sqlite
from app.db.steps import STEPS
from app.db.steps.open_sorts import OPEN_SORT_KEYS, open_index_name, open_sorts
from app.services import opportunities, workspace
from app.services.opportunities import SORT_COLUMNS, OpportunityFilter
from tests import people
from tests.services.test_list_queries import TODAY, _expected
from tests.services.test_list_queries import rows as rows  # the fixture: the demo's rows

# The version just before the step.
FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / f"schema-v{STEPS.index(open_sorts) + 1}.sqlite3"
)


def _plan(sql: str, params: list[Any], limit: str = " LIMIT 200") -> str:
    steps = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}{limit}", params)
    return " | ".join(str(step[-1]) for step in steps)


@pytest.mark.parametrize("sort", sorted(SORT_COLUMNS))
def test_a_page_past_a_short_walk_of_many_matches_is_a_plain_reading(
    rows: list[tuple[Any, ...]], sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every search counts "more than" the limit, and each first walk stops after one row:
    # its page is found short and read again by the walk against the matches' list (on
    # SQLite; the server walks on unbounded).
    monkeypatch.setattr(queries, "COUNT_LIMIT", 2)
    real_rows = list_walks.walk_rows
    monkeypatch.setattr(
        list_walks,
        "walk_rows",
        lambda count, wanted: (
            1 if count > queries.COUNT_LIMIT and is_sqlite() else real_rows(count, wanted)
        ),
    )
    listed: list[str] = []
    real_listed = list_walks.listed_ids

    def spy(*args: Any) -> tuple[str, list[Any]]:
        listed.append(args[3])
        return real_listed(*args)

    monkeypatch.setattr(list_walks, "listed_ids", spy)
    status_of = {r[0]: r[11] for r in rows}
    for text in ("o", "e", "golf o", "wv r"):
        for status in (None, "open"):
            flt = OpportunityFilter(text=text, status=status)
            for descending in (False, True):
                expected = [
                    i
                    for i in _expected(rows, text, sort, descending, None)
                    if status is None or status_of[i] == status
                ]
                for offset, limit in ((0, 5), (3, 7)):
                    page = opportunities.page(flt, sort, descending, offset, limit, TODAY)
                    wanted = expected[offset : offset + limit]
                    assert [r.id for r in page] == wanted, (text, status, descending, offset)
    if is_sqlite():
        assert listed


@pytest.mark.sqlite_only  # SQLite's query plan
@pytest.mark.parametrize("status", [None, "open"])
def test_the_walk_against_the_matches_list_reads_the_sort_s_index(
    rows: list[tuple[Any, ...]], status: str | None
) -> None:
    # The matches made into a list once, each row of the sort's index tested against it:
    # no sort of the matches, no search index probed per row.
    flt = OpportunityFilter(text="wv", status=status)
    terms = queries.searched(flt)
    for sort in SORT_COLUMNS:
        for descending in (False, True):
            sort, order = sort_keys.order(sort, descending)
            sql, params = list_walks.listed_ids(flt, terms, TODAY, sort, order)
            plan = _plan(sql, params)
            assert "LIST SUBQUERY" in plan, (sort, plan)
            assert "TEMP B-TREE FOR ORDER BY" not in plan, (sort, descending, plan)
            assert "CORRELATED" not in plan, (sort, plan)


@pytest.mark.sqlite_only  # SQLite's query plan
def test_the_open_ones_under_a_sort_that_puts_the_closed_first_walk_their_own_index(
    rows: list[tuple[Any, ...]],
) -> None:
    # The first screen of the open ones, and a search among them: down the index of the
    # status and the key, not the sort's own index testing each row's status.
    by_sort = {"probability": "probability", "stage": "sort_stage"}
    by_sort |= {"lost_reason": "lost_reason", "won_reason": "won_reason"}
    assert set(by_sort.values()) == set(OPEN_SORT_KEYS)
    flt = OpportunityFilter(status="open")
    for sort, column in by_sort.items():
        for descending in (False, True):
            _key, order = sort_keys.order(sort, descending)
            plan = _plan(*list_walks.ids_by(flt, TODAY, sort, order))
            assert open_index_name(column) in plan, (sort, descending, plan)
            assert "TEMP B-TREE" not in plan, (sort, descending, plan)
            searched = OpportunityFilter(text="golf", status="open")
            terms = queries.searched(searched)
            picked = list_walks.search_ids(searched, terms, TODAY, sort, order, 20_000, 0, 200)
            assert picked is not None
            assert open_index_name(column) in _plan(picked[0], picked[1], ""), (sort, descending)


@pytest.mark.sqlite_only  # the committed fixture is a SQLite file
def test_a_database_of_the_version_before_gains_the_open_ones_indexes(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        names = {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
        rows_before = old.execute("SELECT * FROM opportunity ORDER BY id").fetchall()
    assert not {open_index_name(k) for k in OPEN_SORT_KEYS} & names
    assert len(rows_before) > 10
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        now = {r[1] for r in database.execute_sql(schema).fetchall()}
        assert {open_index_name(k) for k in OPEN_SORT_KEYS} <= now
        assert database.execute_sql("SELECT * FROM opportunity ORDER BY id").fetchall() == [
            tuple(r) for r in rows_before
        ]
        people.sign_in_as("anna")
        every = opportunities.page(OpportunityFilter(), "probability", False, 0, 10_000, TODAY)
        open_ones = opportunities.page(
            OpportunityFilter(status="open"), "probability", False, 0, 10_000, TODAY
        )
        assert [r.id for r in open_ones] == [r.id for r in every if r.status == "open"]
        # Run again, as after an interruption before its commit: nothing changes.
        before = database.execute_sql(schema).fetchall()
        with database.atomic():
            open_sorts(database.obj)
        assert database.execute_sql(schema).fetchall() == before
    finally:
        workspace.close_database()
