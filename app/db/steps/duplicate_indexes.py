"""Schema step: the duplicate check reads the names at a postcode in the order SQLite sorts
them, from one index, on both backends.

On the server the (postcode, name_key) index was not used for the check's ORDER BY name_key,
id: the server read the postcode's rows from the table and sorted them (3,259 at the busiest
postcode of 50,000 customers: 14 ms of a 15 ms query), and sorted them by the database's
collation (en_US.UTF-8 on many sites), not by code point as SQLite does, so past the first
5,000 names another set of names would have been compared. (postcode, name_key COLLATE "C",
id) gives both the order and the rows from the index alone (0.6 ms). On SQLite the index
holds the row id anyway; it is named and shaped the same so both backends keep one schema."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

DUPLICATE_INDEX = "account_postcode_name_key_id"
# The order the names at a postcode are compared in: by code point on both backends.
NAME_ORDER_COLLATION = {True: "BINARY", False: '"C"'}


def create_duplicate_index(db: Database) -> None:
    """The (postcode, name key by code point, id) index; idempotent. Also part of a new
    database and of a move to the server."""
    collation = NAME_ORDER_COLLATION[is_sqlite(db)]
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{DUPLICATE_INDEX}" '
        f'ON "account" ("postcode", "name_key" COLLATE {collation}, "id")'
    )


def duplicate_indexes(db: Database) -> None:
    """The (postcode, name_key, id) index in place of (postcode, name_key), which serves no
    other query. Idempotent."""
    create_duplicate_index(db)
    db.execute_sql('DROP INDEX IF EXISTS "account_postcode_name_key"')
    if not is_sqlite(db) or "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE account")
