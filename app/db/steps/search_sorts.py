"""Schema step: on the server, the customers' phone numbers get a trigram index, so a search
of digits also read as a phone number ("%1234%") reads the numbers holding them instead of
every customer's."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

PHONE_INDEX = "account_phone_key_trigrams"
# Indexes only the server has (SQLite needs none of them for the same plans).
SERVER_ONLY_INDEXES = (PHONE_INDEX,)


def create_search_sorts(db: Database) -> None:
    """The index (idempotent): for a new database, a moved one and the step. SQLite reads
    its customers' numbers from its own file at memory speed; the server had them scanned
    by a LIKE per search (up to a second at 50,000 customers)."""
    if is_sqlite(db):
        return
    db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{PHONE_INDEX}" ON account USING gin (phone_key gin_trgm_ops)'
    )
    db.execute_sql("ANALYZE account")


def search_sorts(db: Database) -> None:
    """The search's phone-number index on the server; nothing on SQLite. Idempotent."""
    create_search_sorts(db)
