"""The schema version: creation, step-by-step upgrades with a copy first, newer refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from peewee import Database

from app.db import migrations
from app.db.connection import database
from app.services import workspace
from tests import factories


def _version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0])


def test_a_new_database_is_created_at_the_current_version(db: Path) -> None:
    assert _version(db) == migrations.SCHEMA_VERSION
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stages = [r[0] for r in conn.execute("SELECT name FROM stage ORDER BY sequence")]
    assert stages == ["Qualify", "Interest", "Quotation", "Contract", "Delivery", "Won", "Lost"]


def test_foreign_keys_and_busy_timeout_are_on(db: Path) -> None:
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_a_database_from_a_newer_program_is_refused_untouched(db: Path) -> None:
    workspace.close_database()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    before = db.read_bytes()
    with pytest.raises(migrations.DatabaseTooNew, match="newer version"):
        workspace.open_database(db)
    assert db.read_bytes() == before


def _add_colour_column(db: Database) -> None:
    db.execute_sql("ALTER TABLE opportunity ADD COLUMN paint TEXT DEFAULT ''")


def _broken_step(db: Database) -> None:
    db.execute_sql("ALTER TABLE opportunity ADD COLUMN half TEXT")
    raise RuntimeError("step failed halfway")


def test_an_upgrade_copies_the_database_first_and_keeps_the_data(
    user: workspace.UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = factories.opportunity(user.id, topic="Kept through upgrades")
    path = Path(database.database)
    workspace.close_database()
    current = migrations.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, _add_colour_column])
    workspace.open_database(path)
    assert _version(path) == current + 1
    topic = database.execute_sql(
        "SELECT topic, paint FROM opportunity WHERE id = ?", (created.id,)
    ).fetchone()
    assert topic == ("Kept through upgrades", "")
    copies = list((path.parent / "backups").glob(f"before-upgrade-v{current}-*.sqlite3"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as conn:
        assert conn.execute("SELECT count(*) FROM opportunity").fetchone()[0] == 1


def test_a_failing_step_leaves_the_database_at_its_old_version(
    user: workspace.UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.opportunity(user.id)
    path = Path(database.database)
    workspace.close_database()
    current = migrations.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, _broken_step])
    with pytest.raises(RuntimeError, match="halfway"):
        workspace.open_database(path)
    assert _version(path) == current
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(opportunity)")]
        assert "half" not in columns
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_version_1_database_gains_the_quote_tables_with_its_data_intact(
    user: workspace.UserInfo,
) -> None:
    created = factories.opportunity(user.id, topic="From before quotes")
    path = Path(database.database)
    workspace.close_database()
    with sqlite3.connect(path) as conn:
        for table in ("sales_order", "order_form", "quote_line", "quote", "number_sequence"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE schema_version SET version = 1")
    workspace.open_database(path)
    assert _version(path) == 2
    from app.services import opportunities, quotes

    assert opportunities.get(created.id).topic == "From before quotes"
    assert quotes.create(created.id).number == "Q-00001"
    assert list((path.parent / "backups").glob("before-upgrade-v1-*.sqlite3"))
