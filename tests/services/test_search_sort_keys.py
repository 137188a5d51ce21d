"""Every sort of the opportunity list is served by an index (schema step search_sort_keys):
the customer's, the stage's, the owner's and the facility's order are kept on the
opportunity by triggers on both backends, and give the rows the joined tables give, in the
same order, searched or not; on SQLite the customers' phone numbers have a trigram index."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app import demo
from app.db import list_walks, migrations, sort_keys
from app.db.connection import database, is_sqlite
from app.db.steps import STEPS
from app.db.steps.search_sort_keys import INDEXED_KEYS, PHONE_SEARCH, index_name, search_sort_keys
from app.services import opportunities, workspace
from app.services.opportunities import SORT_COLUMNS, OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories, pg_server

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v24.sqlite3"
TODAY = date(2026, 3, 16)

# The kept keys beside what the joined tables hold for them.
_KEYS = """
SELECT o.id, o.sort_customer, a.sort_name, o.sort_stage, s.sequence, o.sort_owner, u.full_name,
       o.sort_facility, f.name
FROM opportunity o JOIN account a ON a.id = o.account_id
LEFT JOIN stage s ON s.id = o.stage_id LEFT JOIN "user" u ON u.id = o.owner_id
LEFT JOIN facility f ON f.id = o.facility_id ORDER BY o.id
"""


def _stale_keys() -> list[tuple[Any, ...]]:
    """The opportunities whose kept keys differ from their tables' values (none, rightly)."""
    rows = database.execute_sql(_KEYS).fetchall()
    return [r for r in rows if (r[1], r[3], r[5], r[7]) != (r[2], r[4], r[6], r[8])]


def _ids(flt: OpportunityFilter, sort: str, descending: bool) -> list[int]:
    return [r.id for r in opportunities.page(flt, sort, descending, 0, 100_000, TODAY)]


@pytest.mark.sqlite_only  # the committed fixture is a SQLite file
def test_a_schema_24_database_gains_the_keys_indexes_and_phone_index(data_dir: Path) -> None:
    assert STEPS[-1] is search_sort_keys or search_sort_keys in STEPS[23:]
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        assert old.execute("SELECT version FROM schema_version").fetchone()[0] == 24
        columns = {r[1] for r in old.execute("PRAGMA table_info(opportunity)")}
        assert "sort_owner" not in columns
        opportunities_before = old.execute("SELECT * FROM opportunity ORDER BY id").fetchall()
        phones = old.execute("SELECT id, phone_key FROM account ORDER BY id").fetchall()
    assert opportunities_before and any(p for _i, p in phones)
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        assert not _stale_keys()
        assert database.execute_sql(
            "SELECT count(*) FROM opportunity WHERE sort_owner IS NOT NULL"
        ).fetchone()[0]
        # The opportunities' own columns are as they were (the keys come after them).
        width = len(opportunities_before[0])
        now = database.execute_sql("SELECT * FROM opportunity ORDER BY id").fetchall()
        assert [tuple(r[:width]) for r in now] == opportunities_before
        names = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master")}
        assert {index_name(k) for k in INDEXED_KEYS} <= names
        # The phone index finds what a LIKE over every customer's number finds.
        digits = next(p for _i, p in phones if len(p) >= 6)[-5:]
        plain = {i for i, p in phones if digits in p}
        indexed = database.execute_sql(
            f"SELECT rowid FROM {PHONE_SEARCH} WHERE phone_key LIKE ?", (f"%{digits}%",)
        ).fetchall()
        assert {r[0] for r in indexed} == plain
        # Run again, as after an interruption before its commit: nothing changes.
        schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        before = database.execute_sql(schema).fetchall()
        with database.atomic():
            search_sort_keys(database.obj)
        assert database.execute_sql(schema).fetchall() == before
        assert not _stale_keys()
    finally:
        workspace.close_database()


def test_every_write_keeps_the_kept_keys(demo_data: Callable[..., object]) -> None:
    demo_data(seed=7, today=TODAY)
    assert not _stale_keys()
    opportunity_id, owner_id = database.execute_sql(
        "SELECT id, owner_id FROM opportunity WHERE owner_id IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()
    param = database.param
    other_user = database.execute_sql(
        f'SELECT id FROM "user" WHERE id <> {param} ORDER BY id LIMIT 1', (owner_id,)
    ).fetchone()[0]

    def run(sql: str, *params: Any) -> None:
        with database.atomic():
            database.execute_sql(sql.replace("?", param), params)
        assert not _stale_keys(), sql

    # The opportunity's own references changed (and set empty).
    run("UPDATE opportunity SET owner_id = ? WHERE id = ?", other_user, opportunity_id)
    run("UPDATE opportunity SET owner_id = NULL, facility_id = NULL WHERE id = ?", opportunity_id)
    run(
        "UPDATE opportunity SET stage_id = (SELECT max(id) FROM stage), "
        "account_id = (SELECT max(id) FROM account) WHERE id = ?",
        opportunity_id,
    )
    # What they refer to renamed or moved: every opportunity referring to it follows.
    run('UPDATE "user" SET full_name = ? WHERE id = ?', "Aaron Zzz-Renamed", other_user)
    run("UPDATE facility SET name = ? WHERE id = (SELECT min(id) FROM facility)", "A New Site")
    run("UPDATE stage SET sequence = sequence + 1000 WHERE id = (SELECT min(id) FROM stage)")
    run("UPDATE account SET sort_name = ? WHERE id = (SELECT min(id) FROM account)", "aaa new")
    # A new opportunity through the service, and a user's removal emptying their references.
    factories.opportunity(other_user)
    assert not _stale_keys()
    lone = database.execute_sql(
        "SELECT id FROM facility WHERE id NOT IN (SELECT facility_id FROM opportunity "
        "WHERE facility_id IS NOT NULL) ORDER BY id LIMIT 1"
    ).fetchone()
    if lone is not None:
        run("UPDATE opportunity SET facility_id = ? WHERE id = ?", lone[0], opportunity_id)


@pytest.mark.parametrize("walk", [True, False])
def test_each_sort_under_a_search_is_the_unsearched_sort_narrowed(
    demo_data: Callable[..., object], walk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The searched list under every sort, both ways, read by a walk down the sort's index
    or from the matches sorted, holds exactly the unsearched list's rows that match, in the
    same order: with a sort by stage or owner among them, whose order is kept on the row."""
    demo_data(seed=7, today=TODAY)
    # Ties in the kept keys' order: two users of one name, a stage of the same sequence.
    database.execute_sql(
        'UPDATE "user" SET full_name = (SELECT min(full_name) FROM "user" WHERE id IN '
        "(SELECT owner_id FROM opportunity)) WHERE id IN (SELECT owner_id FROM opportunity)"
    )
    monkeypatch.setattr(list_walks, "walk_is_cheaper", lambda count, wanted: walk)
    for text in ("go", "o", "golf", "ross"):
        for status in (None, "open"):
            searched = OpportunityFilter(text=text, status=status)
            found = set(_ids(searched, "id", False))
            assert found
            for sort in SORT_COLUMNS:
                for descending in (False, True):
                    every = _ids(OpportunityFilter(status=status), sort, descending)
                    expected = [i for i in every if i in found]
                    assert _ids(searched, sort, descending) == expected, (text, status, sort)
                    count, first = opportunities.count_and_first_page(
                        searched, sort, descending, 25, TODAY
                    )
                    assert count == len(expected)
                    assert [r.id for r in first] == expected[:25], (text, sort, descending)


@pytest.mark.sqlite_only  # SQLite's query plan
def test_every_sort_s_first_page_is_an_index_walk(user: UserInfo) -> None:
    # (Without statistics, as a new database: the planner takes the tables for large.)
    factories.opportunity(user.id)
    for sort in SORT_COLUMNS:
        for descending in (False, True):
            for flt in (OpportunityFilter(), OpportunityFilter(status="open")):
                _key, order = sort_keys.order(sort, descending)
                sql, params = list_walks.ids_by(flt, TODAY, sort, order)
                plan = " | ".join(
                    str(step[-1])
                    for step in database.execute_sql(f"EXPLAIN QUERY PLAN {sql} LIMIT 200", params)
                )
                assert "TEMP B-TREE" not in plan, (sort, descending, plan)


def test_a_number_is_found_by_the_customer_s_phone_as_it_changes(user: UserInfo) -> None:
    customer = factories.customer("Rossi", "Anna", phone="+49 152 44132579")
    sale = factories.opportunity(user.id, customer, topic="Golf").id
    for n in range(5):
        factories.opportunity(user.id, topic=f"Passat {n}")

    def found(text: str) -> list[int]:
        flt = OpportunityFilter(text=text)  # the service reads digits as a phone number too
        return [r.id for r in opportunities.count_and_first_page(flt, "topic", False, 50)[1]]

    assert sale in found("44132579")
    database.execute_sql(
        "UPDATE account SET phone_key = ? WHERE id = ?".replace("?", database.param),
        ("+4989765432", customer),
    )
    assert sale in found("765432")
    assert sale not in found("44132579")
    if is_sqlite():
        held = database.execute_sql(
            f"SELECT rowid FROM {PHONE_SEARCH} WHERE phone_key LIKE ?", ("%7654%",)
        ).fetchall()
        assert [r[0] for r in held] == [customer]


@pytest.mark.postgresql_only
def test_a_server_database_one_version_back_gains_the_keys_once(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    # As the database was before the step: no keys, no triggers, no indexes.
    with pg_server.one_version_back(
        pg_url,
        search_sort_keys,
        "DROP TRIGGER opportunity_sort_keys ON opportunity",
        *(f'DROP INDEX "{index_name(column)}"' for column in INDEXED_KEYS),
        # The starts' keys follow two of the columns (a later step's trigger, made again by it).
        "DROP TRIGGER opportunity_start_keys ON opportunity",
        "ALTER TABLE opportunity DROP COLUMN sort_customer, DROP COLUMN sort_stage, "
        "DROP COLUMN sort_owner, DROP COLUMN sort_facility",
    ):
        demo.load_demo(today=TODAY)
    workspace.open_server(pg_url)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        assert not _stale_keys()
        held = "SELECT count(*) FROM pg_indexes WHERE indexname = %s"
        for column in INDEXED_KEYS:
            assert database.execute_sql(held, (index_name(column),)).fetchone()[0] == 1
        with database.atomic():
            search_sort_keys(database.obj)
        assert not _stale_keys()
        # The triggers are back: a rename follows.
        database.execute_sql('UPDATE "user" SET full_name = %s', ("Same Name",))
        assert not _stale_keys()
    finally:
        workspace.close_database()
