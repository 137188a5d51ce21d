"""Noticing what other workstations save, so the lists and the dashboard read again by
themselves: on PostgreSQL the tables' triggers NOTIFY a channel that a connection of the
workstation LISTENs on (each notice names the table and the server process that wrote, so a
workstation's own saves, which it announces itself, are left out); on SQLite the file's
`PRAGMA data_version`, which moves on when another connection commits."""

from __future__ import annotations

import logging
import select

import psycopg2
import psycopg2.extensions
from peewee import Database

from app.db.connection import database, is_sqlite

log = logging.getLogger(__name__)

CHANNEL = "showroom_changes"

# The tables whose changes a list or the dashboard shows, and the kind of record each is
# announced as (ui.common.changes' kinds).
TABLE_KINDS = {
    "opportunity": "opportunity",
    "stage_change": "opportunity",
    "opportunity_contact": "opportunity",
    "quote": "quote",
    "order_form": "quote",
    "sales_order": "quote",
    "activity": "activity",
    "lead": "lead",
    "account": "customer",
    "contact": "customer",
}
# What SQLite's data_version says: something changed, not what.
EVERY_KIND = frozenset(TABLE_KINDS.values())

NOTIFY_DDL = [
    f"""CREATE OR REPLACE FUNCTION showroom_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME || ' ' || pg_backend_pid());
        RETURN NULL;
    END $$""",
    *[
        statement
        for table in TABLE_KINDS
        for statement in (
            f'DROP TRIGGER IF EXISTS showroom_notify ON "{table}"',
            f'CREATE TRIGGER showroom_notify AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION showroom_notify()",
        )
    ],
]


def create_notifications(db: Database) -> None:
    """The server's triggers that tell listeners of a change (idempotent)."""
    for statement in NOTIFY_DDL:
        db.execute_sql(statement)


class ChangeWatch:
    """Polled by the window (a few times a second): which kinds of record another
    workstation changed since the last poll. Never raises: a broken listener is opened
    again at the next poll."""

    def __init__(self) -> None:
        self.sqlite = is_sqlite()
        self.listener: psycopg2.extensions.connection | None = None
        self.last_version = self._data_version() if self.sqlite else 0
        if not self.sqlite:
            self._listen()

    def _data_version(self) -> int:
        return int(database.execute_sql("PRAGMA data_version").fetchone()[0])

    def _listen(self) -> None:
        db = database.obj
        try:
            listener = psycopg2.connect(dbname=db.database, **db.connect_params)
            listener.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
            listener.cursor().execute(f"LISTEN {CHANNEL}")
            self.listener = listener
        except psycopg2.Error as exc:
            log.info("cannot listen for other workstations' changes yet: %s", exc)
            self.listener = None

    def _own_process(self) -> int:
        state = database.obj._state
        conn = state.conn if state is not None else None
        return int(conn.info.backend_pid) if conn is not None and not conn.closed else 0

    def poll(self) -> set[str]:
        try:
            if self.sqlite:
                version = self._data_version()
                if version == self.last_version:
                    return set()
                self.last_version = version
                return set(EVERY_KIND)
            return self._notices()
        except Exception as exc:  # the lists read on; the next poll tries again
            log.info("could not look for other workstations' changes: %s", exc)
            return set()

    def _notices(self) -> set[str]:
        if self.listener is None or self.listener.closed:
            self._listen()
            # Whatever happened while not listening is unknown: read everything again.
            return set(EVERY_KIND) if self.listener is not None else set()
        listener = self.listener
        try:
            if select.select([listener], [], [], 0) != ([], [], []):
                listener.poll()
        except psycopg2.Error:
            listener.close()
            return set()
        own = str(self._own_process())
        kinds: set[str] = set()
        while listener.notifies:
            notice = listener.notifies.pop(0)
            table, _space, process = notice.payload.partition(" ")
            if process != own and table in TABLE_KINDS:
                kinds.add(TABLE_KINDS[table])
        return kinds

    def close(self) -> None:
        if self.listener is not None and not self.listener.closed:
            self.listener.close()
        self.listener = None
