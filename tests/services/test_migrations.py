"""The schema version: creation, step-by-step upgrades with a copy first, newer refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from peewee import Database

from app.db import migrations
from app.db.connection import database, open_sqlite, register_search_function
from app.db.steps import v2_to_v7
from app.domain.text import fold
from app.services import workspace
from tests import factories, people

pytestmark = (
    pytest.mark.sqlite_only
)  # SQLite files of every past schema; the server: test_server_schema.py


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
    old = migrations.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", old + 1)
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, _add_colour_column])
    workspace.open_database(path)
    assert _version(path) == old + 1
    topic = database.execute_sql(
        "SELECT topic, paint FROM opportunity WHERE id = ?", (created.id,)
    ).fetchone()
    assert topic == ("Kept through upgrades", "")
    copies = list((path.parent / "backups").glob(f"before-upgrade-v{old}-*.sqlite3"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as conn:
        assert conn.execute("SELECT count(*) FROM opportunity").fetchone()[0] == 1


def test_a_failing_step_leaves_the_database_at_its_old_version(
    user: workspace.UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.opportunity(user.id)
    path = Path(database.database)
    workspace.close_database()
    old = migrations.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", old + 1)
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, _broken_step])
    with pytest.raises(RuntimeError, match="halfway"):
        workspace.open_database(path)
    assert _version(path) == old
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


# --- the committed databases of every past schema version ----------------------------------

FIXTURES = Path(__file__).parent.parent / "fixtures"
FIXTURE_FILES = sorted(FIXTURES.glob("schema-v*.sqlite3"))


def migrations_fixture(version: int) -> Path:
    return FIXTURES / f"schema-v{version}.sqlite3"


# Keys derived from the data, which a step may work out anew: schema 5 folds the customers'
# sort names as the search does ("Łukasz" -> "lukasz").
_DERIVED = {("account", "sort_name")}
# Columns a step moved into a table of their own (checked by that step's own test): the
# user's one role, now in user_role.
_DERIVED |= {("user", "role")}
# Tables of running totals (the dashboard's aggregates): a write after the upgrade changes
# their sums in place; tests/services/test_aggregates.py checks them against the base tables.
_TOTALS = {"pipeline_total", "forecast_total", "funnel_total", "outcome_total"}


def _rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> set[tuple[object, ...]]:
    names = ", ".join(f'"{c}"' for c in columns)
    return set(conn.execute(f'SELECT {names} FROM "{table}"').fetchall())


def _tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    # Full-text indexes (the search's, the phone numbers') and their shadow tables hold the
    # index's own pages, which a write rearranges; their content is checked by the search tests.
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
    ]
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        if not any(r[0] == i or r[0].startswith(i + "_") for i in indexes)
    ]
    return {n: [r[1] for r in conn.execute(f'PRAGMA table_info("{n}")')] for n in names}


def test_there_is_a_fixture_for_every_past_schema_version() -> None:
    versions = {int(p.stem.removeprefix("schema-v")) for p in FIXTURE_FILES}
    # The newest version gets its fixture when it is released (make_fixture.py).
    assert set(range(1, migrations.SCHEMA_VERSION)) <= versions


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_each_schema_fixture_upgrades_with_its_data_intact(fixture: Path, data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(fixture.read_bytes())
    with sqlite3.connect(fixture) as conn:
        before = {
            t: _rows(conn, t, [c for c in cols if (t, c) not in _DERIVED])
            for t, cols in _tables(conn).items()
            if t != "schema_version" and t not in _TOTALS
        }
        found = int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0])
    assert sum(len(rows) for rows in before.values()) > 100
    workspace.open_database(copy)
    try:
        user = people.sign_in_as("anna")
        # The program works on it: a new opportunity goes in beside the old ones.
        factories.opportunity(user.id, topic="After the upgrade")
    finally:
        workspace.close_database()
    assert _version(copy) == migrations.SCHEMA_VERSION
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, rows in before.items():
            columns = [
                c
                for c in _tables(conn)[table]
                if c in _tables(sqlite3.connect(fixture))[table] and (table, c) not in _DERIVED
            ]
            after = _rows(conn, table, columns)
            assert rows <= after, f"rows of {table} changed in the upgrade"
        hits = conn.execute(
            "SELECT count(*) FROM opportunity_search WHERE opportunity_search MATCH 'upgrade'"
        ).fetchone()[0]
        assert hits == 1
        names = conn.execute("SELECT name, sort_name FROM account").fetchall()
        assert all(sort_name == fold(name) for name, sort_name in names)
    if found < migrations.SCHEMA_VERSION:
        assert list((data_dir / "backups").glob(f"before-upgrade-v{found}-*.sqlite3"))


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_an_upgraded_fixture_has_the_schema_of_a_new_database(
    fixture: Path, data_dir: Path
) -> None:
    upgraded = data_dir / "upgraded.sqlite3"
    upgraded.write_bytes(fixture.read_bytes())
    workspace.open_database(upgraded)
    workspace.close_database()
    workspace.open_database(data_dir / "fresh.sqlite3")
    workspace.close_database()
    with sqlite3.connect(upgraded) as old, sqlite3.connect(data_dir / "fresh.sqlite3") as new:
        assert _tables(old) == _tables(new)
        indexes = "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
        assert old.execute(indexes).fetchall() == new.execute(indexes).fetchall()


def test_every_step_can_run_again(data_dir: Path) -> None:
    """A step interrupted after its work but before its commit runs again on restart."""
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE_FILES[0].read_bytes())
    workspace.open_database(copy)
    try:
        for step in migrations.STEPS:
            with database.atomic():
                step(database.obj)
        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        workspace.close_database()


def test_a_damaged_database_is_not_upgraded(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE_FILES[0].read_bytes())
    with sqlite3.connect(copy) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'activity'").fetchone()
    conn.close()
    # The activity table's first page, so the file still opens and the check has to find it.
    with copy.open("r+b") as file:
        file.seek((root[0] - 1) * page_size + 8)
        file.write(b"\xff" * (page_size - 16))
    from app.db.backups import BackupError

    with pytest.raises(BackupError, match="integrity check"):
        workspace.open_database(copy)
    assert _version(copy) == 1


def _indexes(path: Path, table: str) -> dict[str, str]:
    """The table's indexes by name, each as the SQL that made it (quotes and case as made)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall()
    return {name: " ".join(sql.replace('"', "").split()) for name, sql in rows}


def _as_version_3(path: Path) -> None:
    """Put the stage history's indexes back as they were before version 4."""
    with sqlite3.connect(path) as conn:
        for name in v2_to_v7._V4_INDEXES:
            conn.execute(f"DROP INDEX {name}")
        conn.execute("CREATE INDEX stage_change_from_stage_id ON stage_change (from_stage_id)")
        conn.execute("CREATE INDEX stage_change_to_stage_id ON stage_change (to_stage_id)")
        conn.execute("UPDATE schema_version SET version = 3")


def test_the_stage_history_indexes_of_a_new_and_an_upgraded_database_are_the_same(
    user: workspace.UserInfo, tmp_path: Path
) -> None:
    fresh = _indexes(Path(database.database), "stage_change")
    assert set(v2_to_v7._V4_INDEXES) <= set(fresh)
    assert not set(v2_to_v7._V4_REPLACED) & set(fresh)
    created = factories.opportunity(user.id, topic="Moved through the stages")
    path = Path(database.database)
    workspace.close_database()
    _as_version_3(path)
    assert set(v2_to_v7._V4_REPLACED) <= set(_indexes(path, "stage_change"))
    workspace.open_database(path)
    assert _version(path) == migrations.SCHEMA_VERSION
    assert _indexes(path, "stage_change") == fresh
    from app.services import opportunities

    assert opportunities.get(created.id).topic == "Moved through the stages"
    assert list((path.parent / "backups").glob("before-upgrade-v3-*.sqlite3"))


def test_the_stage_history_step_can_run_twice_and_after_a_partial_run(db: Path) -> None:
    before = _indexes(db, "stage_change")
    v2_to_v7._v4_stage_history_indexes(database)
    assert _indexes(db, "stage_change") == before
    # Half done: one new index missing, one replaced index still there.
    database.execute_sql("DROP INDEX stage_change_to_stage_id_opportunity_id")
    database.execute_sql("CREATE INDEX stage_change_to_stage_id ON stage_change (to_stage_id)")
    v2_to_v7._v4_stage_history_indexes(database)
    assert _indexes(db, "stage_change") == before


def test_an_analysed_database_gets_statistics_for_the_new_indexes(
    user: workspace.UserInfo,
) -> None:
    factories.opportunity(user.id)
    database.execute_sql("ANALYZE")
    database.execute_sql("DROP INDEX stage_change_to_stage_id_from_stage_id_created_at")
    v2_to_v7._v4_stage_history_indexes(database)
    analysed = {
        r[0]
        for r in database.execute_sql("SELECT idx FROM sqlite_stat1 WHERE tbl = 'stage_change'")
    }
    assert set(v2_to_v7._V4_INDEXES) <= analysed


# --- schema 5: the folded search ----------------------------------------------------------


def _triggers(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return {name: " ".join(sql.split()) for name, sql in rows}


def _searched(path: Path) -> dict[str, tuple[int, list[int]]]:
    """What the list finds for searches typed with and without accents."""
    from app.services import opportunities
    from app.services.opportunities import OpportunityFilter

    workspace.open_database(path)
    try:
        people.sign_in_as("anna")
        found = {}
        for text in ("skoda", "Škoda", "muller", "gmbh", "sko", "sk", "ü", "o"):
            flt = OpportunityFilter(text=text)
            ids = [r.id for r in opportunities.page(flt, "id", False, 0, 500)]
            found[text] = (opportunities.count(flt), ids)
        return found
    finally:
        workspace.close_database()


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_an_upgraded_fixture_searches_as_a_new_database_does(fixture: Path, data_dir: Path) -> None:
    upgraded = data_dir / "upgraded.sqlite3"
    upgraded.write_bytes(fixture.read_bytes())
    workspace.open_database(data_dir / "fresh.sqlite3")
    workspace.close_database()
    found = _searched(upgraded)
    assert _triggers(upgraded) == _triggers(data_dir / "fresh.sqlite3")
    with sqlite3.connect(fixture) as conn:
        skodas = {r[0] for r in conn.execute("SELECT id FROM opportunity WHERE brand = 'Škoda'")}
    assert skodas
    assert set(found["skoda"][1]) == skodas == set(found["Škoda"][1])
    assert found["skoda"][0] == len(skodas)
    assert set(found["sk"][1]) >= skodas
    for count, ids in found.values():
        assert count == len(ids)
    # The index holds every opportunity's folded text, as a new database's triggers write it.
    with sqlite3.connect(upgraded) as conn:
        register_search_function(conn)
        stale = conn.execute(
            "SELECT count(*) FROM opportunity_search s JOIN opportunity o ON o.id = s.rowid "
            f"WHERE s.body IS NOT {v2_to_v7._FOLDED_BODY.format(row='o')}"
        ).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM opportunity_search").fetchone()[0]
        assert stale == 0
        assert total == conn.execute("SELECT count(*) FROM opportunity").fetchone()[0]


def _search_rows(path: Path) -> set[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return set(conn.execute("SELECT * FROM opportunity_search_content").fetchall())


def test_the_folded_search_step_can_run_twice(data_dir: Path) -> None:
    # On the database it was written for (schema 5), not upgraded past it.
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(migrations_fixture(5).read_bytes())
    rows, triggers = _search_rows(copy), _triggers(copy)
    db = open_sqlite(copy)
    try:
        for _ in range(2):
            with db.atomic():
                v2_to_v7._v5_folded_search(db)
    finally:
        workspace.close_database()
    assert _triggers(copy) == triggers
    assert _search_rows(copy) == rows


def test_the_open_list_step_can_run_twice(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE_FILES[-1].read_bytes())
    before = _searched(copy)  # (upgraded to the current schema on opening)
    rows, triggers = _search_rows(copy), _triggers(copy)
    workspace.open_database(copy)
    try:
        for _ in range(2):
            with database.atomic():
                v2_to_v7._v7_open_list(database.obj)
    finally:
        workspace.close_database()
    assert _triggers(copy) == triggers
    assert _search_rows(copy) == rows
    assert _searched(copy) == before


def test_the_search_index_carries_each_opportunity_s_status(data_dir: Path) -> None:
    # Schema 7: the status beside the text, as the triggers keep it through every change.
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(migrations_fixture(6).read_bytes())
    workspace.open_database(copy)
    try:
        user = people.sign_in_as("anna")
        made = factories.opportunity(user.id, topic="Status kept")

        def mismatched() -> int:
            return int(
                database.execute_sql(
                    "SELECT count(*) FROM opportunity o LEFT JOIN opportunity_search_content c "
                    "ON c.id = o.id WHERE c.c1 IS NOT o.status"
                ).fetchone()[0]
            )

        statuses = dict(database.execute_sql("SELECT status, count(*) FROM opportunity GROUP BY 1"))
        assert mismatched() == 0 and {"open", "won", "lost"} <= set(statuses)
        database.execute_sql("UPDATE opportunity SET status = 'lost' WHERE id = ?", (made.id,))
        assert mismatched() == 0
        (status,) = database.execute_sql(
            "SELECT c1 FROM opportunity_search_content WHERE id = ?", (made.id,)
        ).fetchone()
        assert status == "lost"
    finally:
        workspace.close_database()


def test_settings_saved_before_schema_11_get_a_version_and_keep_their_value(
    data_dir: Path,
) -> None:
    from app.services import retention
    from app.services.errors import ConflictError

    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(migrations_fixture(10).read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('retention_months', '60')")
    conn.close()
    workspace.open_database(copy)
    try:
        people.sign_in_as("anna")
        assert retention.retention_months() == 60
        opened = retention.retention_version()
        assert opened == 1
        retention.set_retention_months(48, opened)
        with pytest.raises(ConflictError):
            retention.set_retention_months(36, opened)
        assert retention.retention_months() == 48
    finally:
        workspace.close_database()
