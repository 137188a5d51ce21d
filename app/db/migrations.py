"""The schema's version and the steps that bring an older database up to it.

A new database is created at the current version in one transaction. An older one is
copied aside (SQLite's online backup) and then brought forward one step at a time, each
step in its own transaction together with its version bump, so an interrupted upgrade
leaves the database at a whole version. A database written by a newer program is refused.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from peewee import Database

from app.db import models
from app.db.connection import database, is_sqlite

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3


def _v2_quotes(db: Database) -> None:
    """Quotes with their lines, order forms, orders and the gap-free number series.
    Idempotent: a table that is there already is left as it is."""
    db.create_tables(models.QUOTE_TABLES, safe=True)


# Version 3's stage history indexes (models.STAGE_CHANGE_INDEXES spells the same ones), and
# the single-column foreign-key indexes on the two stage columns that they lead with.
_V3_INDEXES = {
    "stage_change_to_stage_id_opportunity_id": ("to_stage_id", "opportunity_id"),
    "stage_change_from_stage_id_opportunity_id_to_stage_id": (
        "from_stage_id",
        "opportunity_id",
        "to_stage_id",
    ),
    "stage_change_to_stage_id_from_stage_id_created_at": (
        "to_stage_id",
        "from_stage_id",
        "created_at",
    ),
}
_V3_REPLACED = ("stage_change_from_stage_id", "stage_change_to_stage_id")


def _v3_stage_history_indexes(db: Database) -> None:
    """Covering indexes on the stage history for the dashboard's funnel, in place of the
    single-column indexes on its two stage columns. Spelled out here rather than taken from
    the model, so the step stays what it is when the model changes later. Idempotent: an
    index that is there already is kept, one that is gone already is not missed. A database
    that keeps planner statistics gets them for the new indexes too."""
    for name, columns in _V3_INDEXES.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "stage_change" ({listed})')
    for name in _V3_REPLACED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    if is_sqlite(db) and "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE stage_change")


# STEPS[n] brings a database from version n + 1 to n + 2. Append; never edit a released step.
STEPS: list[Callable[[Database], None]] = [_v2_quotes, _v3_stage_history_indexes]


class DatabaseTooNew(RuntimeError):
    def __init__(self, found: int) -> None:
        super().__init__(
            f"This database was written by a newer version of Showroom (schema {found}; this "
            f"program knows up to {SCHEMA_VERSION}). Install the newer version to open it; "
            "the data has not been touched."
        )
        self.found = found


_SEARCH_BODY = """
    {row}.topic || ' ' || coalesce((SELECT a.name FROM account a WHERE a.id = {row}.account_id), '')
    || ' ' || {row}.brand || ' ' || {row}.model
    || ' ' || coalesce((SELECT v.vin || ' ' || v.stock_number FROM vehicle v
                        WHERE v.id = {row}.vehicle_id), '')
"""

# Substring search over 100k opportunities needs an index: an FTS5 trigram table kept by
# triggers, holding per opportunity the text the list's search box matches.
SQLITE_SEARCH_DDL = [
    "CREATE VIRTUAL TABLE opportunity_search USING fts5(body, tokenize='trigram')",
    f"""CREATE TRIGGER opportunity_search_insert AFTER INSERT ON opportunity BEGIN
        INSERT INTO opportunity_search(rowid, body) VALUES (new.id, {_SEARCH_BODY.format(row="new")});
    END""",
    f"""CREATE TRIGGER opportunity_search_update
        AFTER UPDATE OF topic, account_id, brand, model, vehicle_id ON opportunity BEGIN
        UPDATE opportunity_search SET body = {_SEARCH_BODY.format(row="new")} WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER opportunity_search_delete AFTER DELETE ON opportunity BEGIN
        DELETE FROM opportunity_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER opportunity_search_account AFTER UPDATE OF name ON account BEGIN
        UPDATE opportunity_search SET body = (SELECT {_SEARCH_BODY.format(row="o")}
            FROM opportunity o WHERE o.id = opportunity_search.rowid)
        WHERE rowid IN (SELECT id FROM opportunity WHERE account_id = new.id);
    END""",
    f"""CREATE TRIGGER opportunity_search_vehicle AFTER UPDATE OF vin, stock_number ON vehicle BEGIN
        UPDATE opportunity_search SET body = (SELECT {_SEARCH_BODY.format(row="o")}
            FROM opportunity o WHERE o.id = opportunity_search.rowid)
        WHERE rowid IN (SELECT id FROM opportunity WHERE vehicle_id = new.id);
    END""",
]

# The default sales process (DESIGN.md): name, probability %, days allowed, won, lost,
# in funnel, only for opportunities from leads.
DEFAULT_STAGES = [
    ("Qualify", 10, 7, False, False, True, True),
    ("Interest", 20, 21, False, False, True, False),
    ("Quotation", 40, 14, False, False, True, False),
    ("Contract", 75, 21, False, False, True, False),
    ("Delivery", 90, 30, False, False, True, False),
    ("Won", 100, None, True, False, False, False),
    ("Lost", 0, None, False, True, False, False),
]


DEFAULT_REASONS = {
    "lost": [
        "Price",
        "Financing refused",
        "Bought elsewhere",
        "Bought another brand",
        "No longer interested",
        "Delivery time too long",
        "Trade-in value too low",
        "Cancelled",
    ],
    "disqualify": [
        "Not reachable",
        "No purchase intention",
        "Duplicate",
        "Spam or test entry",
        "Outside our market area",
    ],
    "note": ["Customer call", "Visit", "Internal", "Financing", "Trade-in", "Complaint"],
}


def _create_schema_version(db: Database) -> None:
    db.execute_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")


def current_version(db: Database) -> int:
    """0 for an empty database."""
    if "schema_version" not in db.get_tables():
        return 1 if "opportunity" in db.get_tables() else 0
    row = db.execute_sql("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _set_version(db: Database, version: int) -> None:
    db.execute_sql("DELETE FROM schema_version")
    db.execute_sql(
        "INSERT INTO schema_version (version) VALUES (?)".replace("?", db.param), (version,)
    )


def _seed_reference_data() -> None:
    standard = models.OpportunityKind.create(name="Standard", process="standard")
    for sequence, (name, prob, days, won, lost, funnel, lead_only) in enumerate(DEFAULT_STAGES, 1):
        models.Stage.create(
            kind=standard,
            name=name,
            sequence=sequence * 10,
            default_probability=prob,
            days_allowed=days,
            is_won=won,
            is_lost=lost,
            in_funnel=funnel,
            only_from_lead=lead_only,
        )
    models.OpportunityKind.create(name="Without stages", process="without_stages")
    for kind, names in DEFAULT_REASONS.items():
        for sequence, name in enumerate(names, 1):
            models.Reason.create(kind=kind, name=name, sequence=sequence)


def create_fresh(db: Database) -> None:
    with db.atomic():
        db.create_tables(models.TABLES)
        # One vehicle is reserved by at most one open opportunity, whatever the program does.
        db.execute_sql(
            "CREATE UNIQUE INDEX opportunity_open_vehicle ON opportunity (vehicle_id) "
            "WHERE status = 'open' AND vehicle_id IS NOT NULL"
        )
        if is_sqlite(db):
            for statement in SQLITE_SEARCH_DDL:
                db.execute_sql(statement)
        _create_schema_version(db)
        _seed_reference_data()
        _set_version(db, SCHEMA_VERSION)


def backup_sqlite(db: Database, destination: Path) -> Path:
    """A consistent copy of a live SQLite database through SQLite's online backup API."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(str(destination))
    try:
        db.connection().backup(target)
    finally:
        target.close()
    return destination


def upgrade(db: Database, backup_dir: Path | None = None) -> int:
    """Bring the bound database to SCHEMA_VERSION; return the version it had."""
    found = current_version(db)
    if found > SCHEMA_VERSION:
        raise DatabaseTooNew(found)
    if found == 0:
        create_fresh(db)
        return 0
    if found < SCHEMA_VERSION:
        if backup_dir is not None and is_sqlite(db):
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            copy = backup_sqlite(db, backup_dir / f"before-upgrade-v{found}-{stamp}.sqlite3")
            log.info("copied the database to %s before upgrading from schema %d", copy, found)
        for version in range(found, SCHEMA_VERSION):
            with db.atomic():
                _create_schema_version(db)
                STEPS[version - 1](db)
                _set_version(db, version + 1)
            log.info("upgraded the database schema to %d", version + 1)
    return found


def open_and_upgrade(path: Path, backup_dir: Path | None = None) -> Database:
    from app.db.connection import open_sqlite

    db = open_sqlite(path)
    upgrade(db, backup_dir)
    return db


__all__ = ["SCHEMA_VERSION", "DatabaseTooNew", "database", "open_and_upgrade", "upgrade"]
