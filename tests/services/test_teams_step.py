"""The teams step: a filled schema-13 database gains teams with a facility, a leader and an
active flag, leads held by a team and further salespeople, keeping every row; the step runs
again harmlessly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db import migrations
from app.db.steps import STEPS
from app.db.steps.teams import teams_and_shared_sales
from tests.upgrades import upgraded_copy

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v13.sqlite3"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def test_a_schema_13_database_gains_teams_and_shared_sales(data_dir: Path) -> None:
    assert STEPS.index(teams_and_shared_sales) >= 12  # after schema 13's own step
    with sqlite3.connect(FIXTURE) as old:
        teams_before = old.execute("SELECT id, name FROM team ORDER BY id").fetchall()
        leads_before = old.execute("SELECT count(*) FROM lead").fetchone()[0]
        assert "facility_id" not in _columns(old, "team")
    copy = upgraded_copy(FIXTURE, data_dir, teams_and_shared_sales)
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        assert {"facility_id", "leader_id", "active"} <= set(_columns(new, "team"))
        assert new.execute("SELECT id, name FROM team ORDER BY id").fetchall() == teams_before
        assert new.execute("SELECT count(*) FROM team WHERE active = 1").fetchone()[0] == len(
            teams_before
        )
        assert new.execute("SELECT count(*) FROM lead WHERE team_id IS NULL").fetchone()[0] == (
            leads_before
        )
        assert new.execute("SELECT count(*) FROM opportunity_salesperson").fetchone()[0] == 0
        indexes = {r[1] for r in new.execute('PRAGMA index_list("audit_entry")')}
        assert "audit_entry_user_id_at" in indexes
