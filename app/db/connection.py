"""Opening the database: the one place for pragmas, the proxy binding and the backend choice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import Database, DatabaseProxy, SqliteDatabase

from app.domain import text

database = DatabaseProxy()

# What `PRAGMA application_id` holds in a Showroom database (the bytes "SHRM"): set when
# the file is created and when it is upgraded, read before anything writes to a file, so
# another program's SQLite file is never taken for, or turned into, a Showroom database.
APPLICATION_ID = 0x5348524D

# Applied on every SQLite connection. WAL lets the list read while a form writes;
# the busy timeout makes a second writer wait instead of failing at once.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -32_000,
    "temp_store": "memory",
}


# The SQL function the search triggers call (schema 5): an opportunity's text as the search
# index holds it, folded (app.domain.text.searchable). Every connection that writes
# opportunities, customer names or VINs needs it; register_search_function gives it to a
# plain sqlite3 connection.
SEARCH_FUNCTION = "search_text"


def _search_text(value: object) -> str:
    return text.searchable(value if isinstance(value, str) else "" if value is None else str(value))


def register_search_function(conn: sqlite3.Connection) -> None:
    """Give a connection opened without open_sqlite (a tool's, a test's) the function the
    search triggers call, so it can write opportunities, customers and vehicles."""
    conn.create_function(SEARCH_FUNCTION, 1, _search_text, deterministic=True)


def open_sqlite(path: Path | str, journal_mode: str = "wal") -> SqliteDatabase:
    """Open (creating if needed) the SQLite file and bind the models to it. A file being
    created under a temporary name is written with a rollback journal (`journal_mode`
    "delete"), so that it is whole in one file when it is renamed into place."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pragmas = {**SQLITE_PRAGMAS, "journal_mode": journal_mode}
    db = SqliteDatabase(str(path), pragmas=pragmas, check_same_thread=False)
    db.register_function(_search_text, SEARCH_FUNCTION, 1, deterministic=True)
    db.connect(reuse_if_open=True)
    database.initialize(db)
    return db


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that reads the file and never writes it (no pragma, no journal mode):
    what the program looks at before it decides to open a file as its database."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)


def is_sqlite(db: Database | DatabaseProxy | None = None) -> bool:
    target = db if db is not None else database
    obj = target.obj if isinstance(target, DatabaseProxy) else target
    return isinstance(obj, SqliteDatabase)


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def read_transaction():  # type: ignore[no-untyped-def]
    """Several reads that must agree with each other (values and their version): one read
    transaction, which sees no write committed after its first read."""
    return database.atomic()


_transactions = 0  # outermost transactions begun through transaction()


def current_transaction() -> tuple[int, int] | None:
    """Names the outermost transaction under way (None outside one), so what a service
    reads once inside it (the signed-in user's rights) is read once, not at every check;
    a new transaction has a new name."""
    if not database.in_transaction():
        return None
    return _transactions, id(database._state.transactions[0])


def transaction():  # type: ignore[no-untyped-def]
    """One write, whole or not at all. On SQLite it takes the write lock up front
    (BEGIN IMMEDIATE), so a second writer waits for the busy timeout instead of
    failing halfway through."""
    global _transactions
    if not database.in_transaction():
        _transactions += 1
    if is_sqlite():
        return database.atomic("IMMEDIATE")
    return database.atomic()
