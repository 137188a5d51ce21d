"""Opening the database: the one place for pragmas, the proxy binding and the backend choice."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import peewee
import psycopg2
import psycopg2.extensions
from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase

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


# The SQL function the search words' triggers call (app.db.steps.search_words): the words
# of a folded text (app.domain.text.words_of), as a JSON array for json_each().
WORDS_FUNCTION = "search_words"


def _search_words(value: object) -> str:
    return json.dumps(text.words_of(value if isinstance(value, str) else ""), ensure_ascii=False)


def register_search_function(conn: sqlite3.Connection) -> None:
    """Give a connection opened without open_sqlite (a tool's, a test's) the functions the
    search triggers call, so it can write opportunities, customers and vehicles."""
    conn.create_function(SEARCH_FUNCTION, 1, _search_text, deterministic=True)
    conn.create_function(WORDS_FUNCTION, 1, _search_words, deterministic=True)


def open_sqlite(path: Path | str, journal_mode: str = "wal") -> SqliteDatabase:
    """Open (creating if needed) the SQLite file and bind the models to it. A file being
    created under a temporary name is written with a rollback journal (`journal_mode`
    "delete"), so that it is whole in one file when it is renamed into place."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pragmas = {**SQLITE_PRAGMAS, "journal_mode": journal_mode}
    db = SqliteDatabase(str(path), pragmas=pragmas, check_same_thread=False)
    db.register_function(_search_text, SEARCH_FUNCTION, 1, deterministic=True)
    db.register_function(_search_words, WORDS_FUNCTION, 1, deterministic=True)
    db.connect(reuse_if_open=True)
    _run_close_hooks()
    database.initialize(db)
    return db


# How long a workstation waits for the site's server to answer a connection, and how soon
# it notices a dropped network (TCP keepalives), so a form's save fails in seconds with a
# message rather than hang.
POSTGRES_CONNECT_OPTIONS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "application_name": "Showroom",
    # The program's reads are short: compiling a plan (JIT, 25 ms for the list's search at
    # 100,000) costs more than the read it is for. (Parallel workers are left on: turned
    # off, the list's short searches were no faster beyond the noise and a full read of
    # the opportunities took twice as long, 7 December.)
    "options": "-c jit=off",
}


def is_server_url(location: object) -> bool:
    """Whether a database location is the site's server (a postgresql:// URL) rather than
    a local SQLite file."""
    return isinstance(location, str) and location.split("://", 1)[0].lower() in (
        "postgresql",
        "postgres",
    )


def postgres_parameters(url: str, password: str | None = None) -> dict[str, object]:
    """The connection parameters of a postgresql:// URL (user, host, port, dbname, and
    options such as sslmode=verify-full), with the password given apart when there is one
    (one kept in the credential store, never in the URL that settings keep)."""
    parameters: dict[str, object] = dict(psycopg2.extensions.parse_dsn(url))
    if password is not None:
        parameters["password"] = password
    return {**POSTGRES_CONNECT_OPTIONS, **parameters}


def connection_lost(db: Database | DatabaseProxy | None = None) -> bool:
    """Whether the server connection broke (the server restarted, the network dropped)."""
    target = db if db is not None else database
    obj = target.obj if isinstance(target, DatabaseProxy) else target
    if not isinstance(obj, PostgresqlDatabase):
        return False
    conn = obj._state.conn
    return conn is not None and bool(conn.closed)


class ServerDatabase(PostgresqlDatabase):
    """The site's server, connected anew when the connection broke: a statement outside a
    transaction runs again on a new connection; inside one, the transaction is lost with
    the connection and its error raised, for app.db.retrying to run the unit of work again
    (or to tell it in words while the server is away)."""

    def execute_sql(self, sql, params=None, commit=None):  # type: ignore[no-untyped-def,override]
        try:
            return super().execute_sql(sql, params)
        except (psycopg2.OperationalError, psycopg2.InterfaceError, peewee.OperationalError,
                peewee.InterfaceError):  # fmt: skip
            if not connection_lost(self) or self.in_transaction():
                raise
            self.reconnect()
            return super().execute_sql(sql, params)

    def reconnect(self) -> None:
        """Drop a broken connection and open a new one (raises while the server is away)."""
        with contextlib.suppress(psycopg2.Error, peewee.PeeweeException):
            self.close()
        self._state.reset()
        self.connect()


def connect_postgres(url: str, password: str | None = None) -> PostgresqlDatabase:
    """Connect to a PostgreSQL database without binding the models to it: the program's
    own database stays what it was (a move to the server copies into this one)."""
    parameters = postgres_parameters(url, password)
    name = str(parameters.pop("dbname", "") or parameters.get("user", "") or "")
    db = ServerDatabase(name, **parameters)
    db.connect(reuse_if_open=True)
    return db


def open_postgres(url: str, password: str | None = None) -> PostgresqlDatabase:
    """Connect to the site's PostgreSQL server and bind the models to it."""
    db = connect_postgres(url, password)
    _run_close_hooks()
    database.initialize(db)
    return db


def probe_server(url: str, password: str | None = None) -> str:
    """Connect to the server once, apart from the program's database, and return what it
    says it is ("PostgreSQL 15.8 ..."); raises the driver's error when it cannot."""
    conn = psycopg2.connect(**postgres_parameters(url, password))  # type: ignore[arg-type]
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT version()")
            return str(cursor.fetchone()[0])
    finally:
        conn.close()


# How long a look at a file another program holds waits for it (the busy timeout's).
READ_TIMEOUT_S = 10.0


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that reads the file and never writes it (no pragma, no journal mode):
    what the program looks at before it decides to open a file as its database."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=READ_TIMEOUT_S)


def is_sqlite(db: Database | DatabaseProxy | None = None) -> bool:
    target = db if db is not None else database
    obj = target.obj if isinstance(target, DatabaseProxy) else target
    return isinstance(obj, SqliteDatabase)


def is_postgres(db: Database | DatabaseProxy | None = None) -> bool:
    target = db if db is not None else database
    obj = target.obj if isinstance(target, DatabaseProxy) else target
    return isinstance(obj, PostgresqlDatabase)


def nulls_as_sqlite(descending: bool) -> str:
    """What to add after a nullable sort key's direction so that empty values sort as
    SQLite sorts them (first ascending, last descending) whichever backend reads: PostgreSQL
    sorts them the other way round. Only for keys that may be NULL: an index on a key that
    may not serves the plain order."""
    if is_sqlite():
        return ""
    return " NULLS LAST" if descending else " NULLS FIRST"


def case_blind_like() -> str:
    """The operator that matches a LIKE pattern without regard to case, as SQLite's LIKE
    does (for ASCII letters): LIKE there, ILIKE on PostgreSQL, whose LIKE heeds case."""
    return "LIKE" if is_sqlite() else "ILIKE"


# What else holds a connection to the program's database (app.db.side_read): called as
# it is closed and before another one is bound.
CLOSE_HOOKS: list[Callable[[], None]] = []


def _run_close_hooks() -> None:
    for hook in CLOSE_HOOKS:
        hook()


def close() -> None:
    _run_close_hooks()
    if database.obj is not None and not database.is_closed():
        if is_sqlite() and not database.in_transaction():
            _keep_statistics()
        database.close()


def _keep_statistics() -> None:
    """SQLite's planner chooses its reads by the tables' statistics (sqlite_stat1), which
    only ANALYZE writes: a file made new and filled by daily use would never have them, and
    the list's searches read their rows the slow way (at 300,000 opportunities, p95 150-180
    ms for a term of three letters or more without them, 50-57 ms with). As SQLite advises,
    the connection runs PRAGMA optimize as it closes: it analyses the tables its statements
    used that have no statistics, or have grown or shrunk 25-fold since they were taken
    (0.6 s for the opportunities at 300,000, once). A database busy elsewhere or read-only
    keeps the statistics it has."""
    with contextlib.suppress(peewee.DatabaseError, sqlite3.Error):
        database.execute_sql("PRAGMA optimize")


# On PostgreSQL a transaction sees the database as at its first statement (REPEATABLE
# READ), as a SQLite transaction does: a read-check-write (a version compared, then the row
# written) whose row another workstation changed meanwhile fails with a serialization
# error instead of writing over that change, and app.db.retrying runs it again.
SERVER_ISOLATION = "REPEATABLE READ"


def read_transaction():  # type: ignore[no-untyped-def]
    """Several reads that must agree with each other (values and their version): one read
    transaction, which sees no write committed after its first read."""
    return database.atomic() if is_sqlite() else database.atomic(SERVER_ISOLATION)


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
    failing halfway through; on PostgreSQL it reads one snapshot (SERVER_ISOLATION)."""
    global _transactions
    if not database.in_transaction():
        _transactions += 1
    if is_sqlite():
        return database.atomic("IMMEDIATE")
    return database.atomic(SERVER_ISOLATION)
