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
    assert _version(path) == migrations.SCHEMA_VERSION
    from app.services import opportunities, quotes

    assert opportunities.get(created.id).topic == "From before quotes"
    assert quotes.create(created.id).number == "Q-00001"
    assert list((path.parent / "backups").glob("before-upgrade-v1-*.sqlite3"))


def _indexes(path: Path, table: str) -> dict[str, str]:
    """The table's indexes by name, each as the SQL that made it (quotes and case as made)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall()
    return {name: " ".join(sql.replace('"', "").split()) for name, sql in rows}


def _as_version_2(path: Path) -> None:
    """Put the stage history's indexes back as they were before version 3."""
    with sqlite3.connect(path) as conn:
        for name in migrations._V3_INDEXES:
            conn.execute(f"DROP INDEX {name}")
        conn.execute("CREATE INDEX stage_change_from_stage_id ON stage_change (from_stage_id)")
        conn.execute("CREATE INDEX stage_change_to_stage_id ON stage_change (to_stage_id)")
        conn.execute("UPDATE schema_version SET version = 2")


def test_the_stage_history_indexes_of_a_new_and_an_upgraded_database_are_the_same(
    user: workspace.UserInfo, tmp_path: Path
) -> None:
    fresh = _indexes(Path(database.database), "stage_change")
    assert set(migrations._V3_INDEXES) <= set(fresh)
    assert not set(migrations._V3_REPLACED) & set(fresh)
    created = factories.opportunity(user.id, topic="Moved through the stages")
    path = Path(database.database)
    workspace.close_database()
    _as_version_2(path)
    assert set(migrations._V3_REPLACED) <= set(_indexes(path, "stage_change"))
    workspace.open_database(path)
    assert _version(path) == migrations.SCHEMA_VERSION
    assert _indexes(path, "stage_change") == fresh
    from app.services import opportunities

    assert opportunities.get(created.id).topic == "Moved through the stages"
    assert list((path.parent / "backups").glob("before-upgrade-v2-*.sqlite3"))


def test_the_stage_history_step_can_run_twice_and_after_a_partial_run(db: Path) -> None:
    before = _indexes(db, "stage_change")
    migrations._v3_stage_history_indexes(database)
    assert _indexes(db, "stage_change") == before
    # Half done: one new index missing, one replaced index still there.
    database.execute_sql("DROP INDEX stage_change_to_stage_id_opportunity_id")
    database.execute_sql("CREATE INDEX stage_change_to_stage_id ON stage_change (to_stage_id)")
    migrations._v3_stage_history_indexes(database)
    assert _indexes(db, "stage_change") == before


def test_an_analysed_database_gets_statistics_for_the_new_indexes(
    user: workspace.UserInfo,
) -> None:
    factories.opportunity(user.id)
    database.execute_sql("ANALYZE")
    database.execute_sql("DROP INDEX stage_change_to_stage_id_from_stage_id_created_at")
    migrations._v3_stage_history_indexes(database)
    analysed = {
        r[0]
        for r in database.execute_sql("SELECT idx FROM sqlite_stat1 WHERE tbl = 'stage_change'")
    }
    assert set(migrations._V3_INDEXES) <= analysed
