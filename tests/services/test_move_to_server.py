"""Moving a workstation's SQLite database to the site's server: every row and every table's
checksum the same on both sides, the file byte for byte as it was, an empty database only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg2
import pytest

import main
from app import demo
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
            }.items():
                cur.execute(query)
                found[kind] = {r[0] for r in cur.fetchall()}
            return found
    finally:
        conn.close()
