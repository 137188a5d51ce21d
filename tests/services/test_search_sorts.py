"""On the server the customers' phone numbers have a trigram index (schema step
search_sorts), so a search of digits also read as a phone number reads the numbers holding
them, not every customer's; SQLite's schema is unchanged by the step."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.db import migrations
from app.db.connection import database, is_sqlite
from app.db.steps import STEPS
from app.db.steps.search_sorts import PHONE_INDEX, search_sorts
from app.services import opportunities, workspace
from app.services.opportunities import SORT_COLUMNS, OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories, pg_server

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v23.sqlite3"


def _phone_index_plan(text: str) -> str:
    """The server's plan for the list's phone-number read, sequential scans ruled out where
    any other plan exists (a test database is too small for the planner to prefer one)."""
    database.execute_sql("SET LOCAL enable_seqscan = off")
    rows = database.execute_sql(
        "EXPLAIN SELECT id FROM account WHERE phone_key LIKE %s", (f"%{text}%",)
    ).fetchall()
    return "\n".join(r[0] for r in rows)


@pytest.mark.sqlite_only  # the committed fixture is a SQLite file
def test_a_sqlite_database_is_upgraded_with_its_rows_and_schema_kept(data_dir: Path) -> None:
    assert search_sorts in STEPS
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        version = old.execute("SELECT version FROM schema_version").fetchone()[0]
        accounts = old.execute("SELECT id, phone_key FROM account ORDER BY id").fetchall()
    assert version < migrations.SCHEMA_VERSION and accounts
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        got = database.execute_sql("SELECT id, phone_key FROM account ORDER BY id").fetchall()
        assert [tuple(r) for r in got] == accounts
        # Run again, as after an interruption before its commit: nothing changes.
        before = database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()[0]
        with database.atomic():
            search_sorts(database.obj)
        after = database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()[0]
        assert after == before
        assert (
            database.execute_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = ?", (PHONE_INDEX,)
            ).fetchone()[0]
            == 0
        )
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_a_new_server_database_reads_phone_digits_by_a_trigram_index(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    workspace.open_server(pg_url)
    try:
        rows = database.execute_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", (PHONE_INDEX,)
        ).fetchall()
        assert rows and "gin" in rows[0][0] and "gin_trgm_ops" in rows[0][0], rows
        with database.atomic():
            plan = _phone_index_plan("4711")
        assert PHONE_INDEX in plan, plan
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_a_server_database_one_version_back_gains_the_index_once(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    with pg_server.one_version_back(pg_url, search_sorts, f'DROP INDEX "{PHONE_INDEX}"'):
        pass
    workspace.open_server(pg_url)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        count = "SELECT count(*) FROM pg_indexes WHERE indexname = %s"
        assert database.execute_sql(count, (PHONE_INDEX,)).fetchone()[0] == 1
        with database.atomic():
            search_sorts(database.obj)
        assert database.execute_sql(count, (PHONE_INDEX,)).fetchone()[0] == 1
    finally:
        workspace.close_database()


def test_a_rare_search_reads_its_matches_and_sorts_them(user: UserInfo) -> None:
    """A digit search with few matches (the text, or the customer's number): its page is
    read from the matches on both backends, not from a walk down every opportunity in the
    sort's order (the server's planner walked 100,000 rows for 60 matches), and holds them
    in the sort's order."""
    reached = factories.customer("Rossi", "Anna", phone="+49 152 44132579")
    other = factories.customer("Meier", "Jan", phone="+49 89 1234567")
    wanted = [
        factories.opportunity(user.id, reached, topic="Golf").id,
        factories.opportunity(user.id, other, topic="Polo 4413").id,
    ]
    for n in range(30):
        factories.opportunity(user.id, other, topic=f"Passat {n}")
    sent: list[str] = []
    real = database.obj
    send = real.execute_sql

    def recording(sql: str, *args: object, **kwargs: object) -> object:
        sent.append(sql)
        return send(sql, *args, **kwargs)

    real.execute_sql = recording
    try:
        for sort in SORT_COLUMNS:
            sent.clear()
            count, rows = opportunities.count_and_first_page(
                OpportunityFilter(text="4413"), sort, False, 200, date.today()
            )
            assert count == 2 and sorted(r.id for r in rows) == sorted(wanted), sort
            by_id = opportunities.count_and_first_page(
                OpportunityFilter(text="4413"), "id", False, 200, date.today()
            )[1]
            assert [r.id for r in by_id] == sorted(wanted)
            page = [s for s in sent if "ORDER BY" in s and "phone_key" in s]
            # The matches read first, then their rows (SQLite: joined in the matches'
            # order; the server: by the primary key, from the matches' ids).
            read = (
                " m CROSS JOIN opportunity o ON o.id = m.id"
                if is_sqlite()
                else "o.id = ANY (ARRAY("
            )
            assert page and all(read in s for s in page), (sort, page)
    finally:
        del real.execute_sql
