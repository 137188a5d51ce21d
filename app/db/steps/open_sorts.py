"""Schema step: the open ones' list under the sorts that put the closed ones first.

The list starts on the open opportunities. Under *probability* the lost ones come first (at
0 %) and, descending, the won ones (at 100 %); descending *stage* puts the won and lost
stages first, descending *lost reason* and *won reason* the closed ones that have one. A
walk down the sort's own index tested each row's status until it passed them all: 48,000
to 115,000 rows at 300,000 opportunities (67-147 ms for the first screen, more under a
search). An index of the status and the key gives the open ones in the sort's order
straight away, searched or not.

Each index is (status, key) on SQLite, which holds the row id after the key in every
index, and (status, key, id) on the server, NULLs first where the key may be NULL, as
SQLite sorts them ascending. What a save costs more: four index entries (the sort indexes
of schema step search_sort_keys cost one each and were not measurable in a save).
Idempotent."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite
from app.db.steps.search_sort_keys import NULLABLE_KEYS

# The keys whose order the open ones get from an index of their own (the close date's
# has had one since schema 7).
OPEN_SORT_KEYS = ("probability", "sort_stage", "lost_reason", "won_reason")


def open_index_name(column: str) -> str:
    return f"opportunity_status_{column}_order"


def _index(db: Database, column: str) -> str:
    name = open_index_name(column)
    if is_sqlite(db):
        return f'CREATE INDEX IF NOT EXISTS "{name}" ON opportunity (status, {column})'
    nulls = " NULLS FIRST" if column in NULLABLE_KEYS else ""
    return f'CREATE INDEX IF NOT EXISTS "{name}" ON opportunity (status, {column}{nulls}, id)'


def create_open_sorts(db: Database) -> None:
    """The indexes of the status and each key in OPEN_SORT_KEYS (idempotent)."""
    for column in OPEN_SORT_KEYS:
        db.execute_sql(_index(db, column))


def open_sorts(db: Database) -> None:
    """The open ones' order under probability, stage, lost and won reason from an index."""
    create_open_sorts(db)
    # (Statistics for the new indexes where the planner reads any: SQLite keeps none until
    # a database is analysed.)
    if not is_sqlite(db) or "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity")
