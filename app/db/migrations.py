"""The schema's version and the steps that bring an older database up to it.

A new database is created at the current version in one transaction. An older one is
copied aside (SQLite's online backup) and then brought forward one step at a time, each
step in its own transaction together with its version bump, so an interrupted upgrade
leaves the database at a whole version. A database written by a newer program is refused.
The steps themselves are in app/db/steps/.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from peewee import Database, SchemaManager, sort_models

from app.db import backups, live, models, server_schema
from app.db.connection import (
    APPLICATION_ID,
    database,
    is_sqlite,
    open_sqlite,
    read_only_connection,
)
from app.db.steps import SCHEMA_VERSION, STEPS, aggregates
from app.db.steps.customer_search import create_customer_search, customer_search
from app.db.steps.dashboard_pairs import create_dashboard_cover
from app.db.steps.duplicate_indexes import create_duplicate_index, duplicate_indexes
from app.db.steps.lead_search import create_lead_search, lead_search
from app.db.steps.open_sorts import create_open_sorts, open_sorts
from app.db.steps.opportunity_starts import create_opportunity_starts
from app.db.steps.search_sort_keys import create_search_sort_keys, search_sort_keys
from app.db.steps.search_sorts import create_search_sorts, search_sorts
from app.db.steps.search_words import create_search_words, search_words
from app.db.steps.sort_starts import create_sort_starts, sort_starts
from app.db.steps.stage_entry import create_stage_entry
from app.db.steps.start_sorts import create_start_sorts, starts_over_rows
from app.db.steps.team_agenda import create_team_agenda
from app.db.steps.v2_to_v7 import SQLITE_SEARCH_DDL, SQLITE_STAGE_VISIT_DDL
from app.db.steps.word_starts import create_word_starts, word_starts
from app.domain import standard_names
from app.i18n import _

log = logging.getLogger(__name__)


class DatabaseTooNew(RuntimeError):
    def __init__(self, found: int) -> None:
        super().__init__(
            _(
                "This database was written by a newer version of Showroom (schema {found}; "
                "this program knows up to {known}). Install the newer version to open it; "
                "the data has not been touched."
            ).format(found=found, known=SCHEMA_VERSION)
        )
        self.found = found


class NotShowroomDatabase(RuntimeError):
    """The file is not a Showroom database: another program's SQLite file, or an empty
    file. It is refused and left exactly as it is."""

    def __init__(self, path: Path, empty: bool = False) -> None:
        if empty:
            message = _(
                "The database file {path} is empty (0 bytes): it holds no data, and Showroom "
                "does not take it for a new database. If the data should be there, restore "
                "a backup (File > Restore from a backup…, or `main.py restore`); to start "
                "afresh, delete or move the empty file. It has not been touched."
            ).format(path=path)
        else:
            message = _(
                "The file {path} is not a Showroom database (it belongs to another program), "
                "so Showroom does not open it. It has not been touched. Move it away, or "
                "start Showroom with another data folder (--data-dir)."
            ).format(path=path)
        super().__init__(message)
        self.path = path
        self.empty = empty


# The default sales process (DESIGN.md): key, probability %, days allowed, won, lost, in
# funnel, only for opportunities from leads. The English names are standard_names.STAGES'.
DEFAULT_STAGES = [
    ("qualify", 10, 7, False, False, True, True),
    ("interest", 20, 21, False, False, True, False),
    ("quotation", 40, 14, False, False, True, False),
    ("contract", 75, 21, False, False, True, False),
    ("delivery", 90, 30, False, False, True, False),
    ("won", 100, None, True, False, False, False),
    ("lost", 0, None, False, True, False, False),
]


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


def _seed_reference_data(db: Database) -> None:
    """The shipped rows, in English with their keys; they show translated while not renamed.
    Written through `db`, whichever database the models are bound to."""
    # Inserted, not saved: the shipped rows are part of creating the file, not anyone's
    # edit for the audit log.
    standard = models.OpportunityKind.insert(
        name=standard_names.english("standard"), process="standard", key="standard"
    ).execute(db)
    models.Stage.insert_many(
        {
            "kind": standard,
            "key": key,
            "name": standard_names.english(key),
            "sequence": sequence * 10,
            "default_probability": prob,
            "days_allowed": days,
            "is_won": won,
            "is_lost": lost,
            "in_funnel": funnel,
            "only_from_lead": lead_only,
        }
        for sequence, (key, prob, days, won, lost, funnel, lead_only) in enumerate(
            DEFAULT_STAGES, 1
        )
    ).execute(db)
    models.OpportunityKind.insert(
        name=standard_names.english("without_stages"),
        process="without_stages",
        key="without_stages",
    ).execute(db)
    models.Reason.insert_many(
        {"kind": kind, "key": key, "name": name, "sequence": sequence}
        for kind, names in standard_names.REASONS.items()
        for sequence, (key, (_context, name)) in enumerate(names.items(), 1)
    ).execute(db)
    models.Reason.insert_many(
        {
            "kind": kind,
            "key": key,
            "code": key,
            "name": name,
            "sequence": sequence,
            "payment_kind": standard_names.PAYMENT_KINDS.get(key, "") if kind == "interest" else "",
        }
        for kind, names in standard_names.CODED_LISTS.items()
        for sequence, (key, (_context, name)) in enumerate(names.items(), 1)
    ).execute(db)


class _Locked:
    """A transaction holding the schema lock from its start, so two workstations that start
    the program at once upgrade one after the other, the second finding the work done: on
    SQLite the write lock (BEGIN IMMEDIATE), on PostgreSQL an advisory lock held until the
    transaction ends."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.transaction = db.atomic("IMMEDIATE") if is_sqlite(db) else db.atomic()

    def __enter__(self) -> None:
        self.transaction.__enter__()
        if not is_sqlite(self.db):
            self.db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (server_schema.SCHEMA_LOCK,))

    def __exit__(self, *exc: object) -> None:
        self.transaction.__exit__(*exc)


def _locked(db: Database) -> _Locked:
    return _Locked(db)


# What the program keeps beside its tables as rows are written, in the order it is made:
# each with what makes it on a database still empty and the schema step that makes it and
# fills it from the rows there (as an upgrade does).
_KEPT = (
    (create_search_words, search_words),
    (create_duplicate_index, duplicate_indexes),
    (create_search_sorts, search_sorts),
    (create_search_sort_keys, search_sort_keys),
    (create_lead_search, lead_search),
    (create_open_sorts, open_sorts),
    (create_word_starts, word_starts),
    # Over rows, the starts are made, written once with their keys and then indexed (by
    # starts_over_rows, which makes start_sorts' part too).
    (create_opportunity_starts, starts_over_rows),
    (create_start_sorts, create_start_sorts),
    (create_customer_search, customer_search),
    (create_sort_starts, sort_starts),
)


def create_kept(db: Database, over_rows: bool = False) -> None:
    """What the program keeps beside its tables as rows are written: the indexes, the
    search tables and the triggers that keep them. On a database whose tables are made and
    still empty (a new one), or with `over_rows` on one whose rows are there already (a
    move onto the server, after its copy): then each is filled from the rows in a few
    statements, as its schema step fills it, before the triggers made after it exist, so
    no row trigger writes a copied row again (made before the copy, they took 3-5 ms a
    copied opportunity)."""
    # One vehicle is reserved by at most one open opportunity, whatever the program does.
    db.execute_sql(
        "CREATE UNIQUE INDEX opportunity_open_vehicle ON opportunity (vehicle_id) "
        "WHERE status = 'open' AND vehicle_id IS NOT NULL"
    )
    if is_sqlite(db):
        for statement in [*SQLITE_SEARCH_DDL, *SQLITE_STAGE_VISIT_DDL]:
            db.execute_sql(statement)
    else:
        server_schema.create_search(db)  # filled from the rows there, if any
        live.create_notifications(db)
    for create, step in _KEPT:
        (step if over_rows else create)(db)


def create_filled(db: Database) -> None:
    """What is worked out from the rows there once (a move: after its copy, where the
    triggers would write each sale again for each of its stage moves): the sales'
    stage-entry times, the team agenda's index, the dashboard's covering index."""
    create_stage_entry(db)
    create_team_agenda(db)
    create_dashboard_cover(db)


def create_fresh(db: Database) -> None:
    with _locked(db):
        if current_version(db) != 0:
            return
        # Through `db` itself, not the models' binding, which may be another database.
        for model in sort_models(models.TABLES):
            SchemaManager(model, database=db).create_all(safe=True)
        create_kept(db)
        create_filled(db)
        _create_schema_version(db)
        _seed_reference_data(db)
        # After the stages are seeded: its triggers on the stages lock them on the server.
        aggregates.install(db)
        _set_version(db, SCHEMA_VERSION)
        _stamp_application_id(db)


def file_version(path: Path) -> int:
    """The schema version of a database file (a backup, say) without opening it for the
    program: 0 for a file with no tables."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_version" not in tables:
            return 1 if "opportunity" in tables else 0
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)
    finally:
        conn.close()


# Tables only Showroom's first schema (which had no schema_version table) has together.
_SCHEMA_1_TABLES = frozenset({"opportunity", "stage", "opportunity_kind", "account"})


def identify(path: Path) -> int:
    """The schema version of the Showroom database at `path`, read without writing to it
    (no pragma that writes, no journal mode): 0 when there is no file yet. Refuses, before
    anything touches the file, an empty file or another program's SQLite file
    (NotShowroomDatabase) and a newer Showroom's (DatabaseTooNew). A file SQLite cannot
    read as a database raises SQLite's own error (damage, or whatever keeps it from reading)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    wal = path.with_name(path.name + "-wal")
    if size == 0 and not (wal.exists() and wal.stat().st_size > 0):
        raise NotShowroomDatabase(path, empty=True)
    conn = read_only_connection(path)
    try:
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = 0
        if "schema_version" in tables:
            version = int(
                conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            )
        elif tables >= _SCHEMA_1_TABLES:
            version = 1
    finally:
        conn.close()
    # Files written before the id was stamped carry 0: Showroom's by their schema tables
    # (they get the id on their next upgrade).
    if application_id != APPLICATION_ID and not (application_id == 0 and version > 0):
        raise NotShowroomDatabase(path)
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(version)
    return version


def create_new(path: Path) -> None:
    """Create a new database at `path`: written whole under a temporary name, then linked
    into place, so a crash while creating never leaves a half-made or empty file under the
    database's name (and two workstations creating it at once do not replace each other's).
    The models are left unbound: open the file afterwards."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
        leftover.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        db = open_sqlite(temporary, journal_mode="delete")
        try:
            create_fresh(db)
        finally:
            db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            log.info("another workstation created %s meanwhile; that one is used", path)
    finally:
        temporary.unlink(missing_ok=True)


def _stamp_application_id(db: Database) -> None:
    """Mark the file as Showroom's (a file made before the id was set carries 0)."""
    if is_sqlite(db):
        row = db.execute_sql("PRAGMA application_id").fetchone()
        if int(row[0]) != APPLICATION_ID:
            db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")


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
            # Refuses (BackupError) a database that fails its integrity check: upgrading
            # a damaged file would only bury the damage.
            copy = backups.copy_database(
                db.connection(), backup_dir, prefix=f"before-upgrade-v{found}"
            )
            log.info("copied the database to %s before upgrading from schema %d", copy.path, found)
        for version in range(found, SCHEMA_VERSION):
            with _locked(db):
                if current_version(db) > version:
                    continue  # another workstation did this step meanwhile
                _create_schema_version(db)
                STEPS[version - 1](db)
                _set_version(db, version + 1)
            log.info("upgraded the database schema to %d", version + 1)
    if is_sqlite(db) and int(db.execute_sql("PRAGMA application_id").fetchone()[0]) == 0:
        with _locked(db):
            _stamp_application_id(db)
    return found


def open_and_upgrade(path: Path, backup_dir: Path | None = None) -> Database:
    if identify(path) == 0:
        create_new(path)
    db = open_sqlite(path)
    upgrade(db, backup_dir)
    return db


__all__ = [
    "SCHEMA_VERSION",
    "DatabaseTooNew",
    "NotShowroomDatabase",
    "create_new",
    "database",
    "identify",
    "open_and_upgrade",
    "upgrade",
]
