"""Moving a workstation's SQLite database to the site's server: every row and every table's
checksum the same on both sides, the file byte for byte as it was, an empty database only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import peewee
import psycopg2
import pytest

import main
from app import demo
from app.db import models, move, server_schema
from app.db.connection import connect_postgres, read_only_connection
from app.services import opportunities, workspace
from app.services.move_to_server import MoveError, move_to_server
from tests import people, pg_server

pytestmark = pytest.mark.postgresql_only

TODAY_ONLY = None


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_demo_dealership_moves_whole_and_the_file_stays_as_it_was(
    data_dir: Path,
    pg: pg_server.TestServer,
    backend: str,
    capsys: pytest.CaptureFixture[str],
    signed_in_commands: None,
) -> None:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    people.sign_in_as("anna")
    demo.load_demo()
    listed = opportunities.count(opportunities.OpportunityFilter(text="mueller"))
    total = opportunities.count(opportunities.OpportunityFilter())
    workspace.close_database()
    before = _sha(path)
    url = pg.url(pg.create_database())

    assert main.main(["--data-dir", str(data_dir), "move-to-server", url]) == 0
    out = capsys.readouterr().out
    assert "opportunity: " in out and "the file is as it was" in out
    # Each table and each later step said as the move goes.
    said = out.splitlines()
    assert said.index("showroom: opportunity copied") < said.index(
        "showroom: Making the search indexes on the server …"
    )
    assert "showroom: Gathering the server's statistics …" in said
    assert _sha(path) == before

    workspace.open_server(url)
    try:
        people.sign_in_as("anna")
        assert opportunities.count(opportunities.OpportunityFilter()) == total
        assert opportunities.count(opportunities.OpportunityFilter(text="mueller")) == listed
        # New rows go on after the moved ones' ids.
        new = opportunities.new_input(None)
        new.topic, new.account_id = "After the move", 1
        assert opportunities.create(new).id > total
    finally:
        workspace.close_database()

    with pytest.raises(MoveError, match="not empty"):
        move_to_server(url, source=path)

    # The moved database has every index, trigger and function a new one has.
    fresh = pg.url(pg.create_database())
    workspace.open_server(fresh)
    workspace.close_database()
    assert _catalogue(pg, url) == _catalogue(pg, fresh)


def _catalogue(pg: pg_server.TestServer, url: str) -> dict[str, set[str]]:
    conn = psycopg2.connect(pg.url(url.rsplit("/", 1)[1]))
    try:
        with conn.cursor() as cur:
            found: dict[str, set[str]] = {}
            for kind, query in {
                "indexes": "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'",
                "triggers": "SELECT tgrelid::regclass || ' ' || tgname || ' ' || "
                "pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
                "functions": "SELECT p.proname FROM pg_proc p JOIN pg_namespace n "
                "ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
                # Each table's columns in their order, with their types and defaults.
                "columns": "SELECT table_name || ' ' || ordinal_position || ' ' || column_name "
                "|| ' ' || data_type || ' ' || coalesce(column_default, '') "
                "FROM information_schema.columns WHERE table_schema = 'public'",
            }.items():
                cur.execute(query)
                found[kind] = {r[0] for r in cur.fetchall()}
            return found
    finally:
        conn.close()


def _demo_file(data_dir: Path) -> tuple[Path, int]:
    """The demo dealership in a workstation's file, closed; and its opportunities' count."""
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    people.sign_in_as("anna")
    demo.load_demo()
    total = opportunities.count(opportunities.OpportunityFilter())
    workspace.close_database()
    return path, total


# What the server keeps beside the rows, by the triggers as rows are written: the search
# texts, their words and word starts (with the starts' sort keys), the leads' and the
# customers' starts, and the opportunity's kept sort keys and stage-entry time.
_KEPT_READS = {
    "opportunity_search": "SELECT id, raw, body, status FROM opportunity_search",
    "opportunity_word": "SELECT word, opportunity_id, status FROM opportunity_word",
    "opportunity_start": "SELECT start, opportunity_id, status, probability, brand, model "
    "FROM opportunity_start",
    "lead_search": "SELECT id, raw, body FROM lead_search",
    "lead_start": "SELECT start, lead_id FROM lead_start",
    "account_start": "SELECT start, account_id, sort_name FROM account_start",
    "opportunity keys": "SELECT id, sort_customer, sort_stage, sort_owner, sort_facility, "
    "stage_entered_at FROM opportunity",
}


def test_what_the_move_fills_at_once_equals_what_the_triggers_write_row_by_row(
    data_dir: Path, pg: pg_server.TestServer, backend: str, signed_in_commands: None
) -> None:
    path, _total = _demo_file(data_dir)
    moved = connect_postgres(pg.url(pg.create_database()), None)
    move.copy_into(path, moved, lambda _table: None)

    # The same rows written one by one into a new database, whose triggers write what
    # they keep for each row as the program's saves do.
    url = pg.url(pg.create_database())
    workspace.open_server(url)
    workspace.close_database()
    by_rows = connect_postgres(url, None)
    reader = read_only_connection(path)
    try:
        with by_rows.atomic():
            tables = ", ".join(f'"{m._meta.table_name}"' for m in models.TABLES)
            by_rows.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            for model in models.TABLES:
                move._copy_table(reader, by_rows, model)
        server_schema.fold_pending(by_rows, "opportunity_search")
        server_schema.fold_pending(by_rows, "lead_search")
    finally:
        reader.close()

    try:
        for name, query in _KEPT_READS.items():
            rows = sorted(moved.execute_sql(query).fetchall(), key=repr)
            assert rows, name
            assert rows == sorted(by_rows.execute_sql(query).fetchall(), key=repr), name
    finally:
        moved.close()
        by_rows.close()


def test_a_server_refusing_the_vacuum_still_has_the_rows_moved(
    data_dir: Path, pg: pg_server.TestServer, backend: str, signed_in_commands: None
) -> None:
    path, total = _demo_file(data_dir)
    target = connect_postgres(pg.url(pg.create_database()), None)
    send = target.execute_sql
    refused: list[str] = []

    def refusing(sql: str, *args: object, **kwargs: object) -> object:
        if sql.startswith("VACUUM"):
            refused.append(sql)
            raise peewee.OperationalError("must be owner of table")
        return send(sql, *args, **kwargs)

    target.execute_sql = refusing  # type: ignore[method-assign]
    steps: list[str] = []
    try:
        copies = move.copy_into(path, target, steps.append)
        assert refused and steps[-1] == move.STATISTICS_STEP
        assert {c.table: c.rows for c in copies}["opportunity"] == total
        found = send("SELECT count(*) FROM opportunity").fetchone()[0]
        assert found == total
    finally:
        target.close()
