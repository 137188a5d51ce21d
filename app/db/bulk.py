"""Inserting many rows fast: demo data, imports and benchmark databases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.db.connection import database, is_sqlite, transaction
from app.db.models import acting_user, now

# BaseModel's bookkeeping columns. Their defaults live only in Python (peewee), so a raw
# INSERT that leaves them out fails on NOT NULL.
STAMP_COLUMNS = ("created_at", "updated_at", "version", "changed_by")


def _quote(name: str) -> str:
    # "user" is a reserved word on both backends.
    return '"' + name.replace('"', '""') + '"'


def next_id(table_name: str) -> int:
    """The first free id of a table, for callers that number their rows themselves and so
    know every id without reading them back."""
    row = database.execute_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {_quote(table_name)}")
    return int(row.fetchone()[0])


# Types whose equal values a statement stores alike (not so True and 1, or two equal
# datetimes of different zones): a column holding one such value in every row of a batch
# goes to the copying statement once, as the stamp does.
_PLAIN_TYPES = frozenset({str, int, type(None)})


def _one_value(column: tuple[object, ...]) -> bool:
    """Whether every row holds the same value of a plain type in this column."""
    first = column[0]
    return (
        type(first) in _PLAIN_TYPES
        and column.count(first) == len(column)
        and set(map(type, column)) == {type(first)}
    )


def _insert_staged(
    cursor: Any,
    table_name: str,
    names: Sequence[str],
    values: list[Sequence[object]],
    constant: dict[str, object],
) -> None:
    """Load the rows into an untyped temporary table, then copy them over in one statement,
    with the `constant` columns' values (the same for every row) given once to it, and so
    the columns that hold one value in every row (an import's empty street and postcode).

    SQLite runs each row of an executemany as its own statement, and FTS5 writes out its
    pending terms at every statement: through the opportunity search table's trigger each
    row became an index segment of its own, and 100,000 opportunities took minutes to merge.
    Copied in one statement, they take seconds; the target's types and triggers apply as
    they would to a direct insert."""
    if len(values) > 1:
        columns = list(zip(*values, strict=True))
        same = {names[i]: column[0] for i, column in enumerate(columns) if _one_value(column)}
        if same and len(same) < len(names):
            varying = [i for i, name in enumerate(names) if name not in same]
            names = [names[i] for i in varying]
            values = list(zip(*(columns[i] for i in varying), strict=True))
            constant = {**same, **constant}
    staging = "temp." + _quote("bulk_" + table_name)
    column_list = ", ".join(_quote(c) for c in names)
    cursor.execute(f"CREATE TEMP TABLE {staging} ({column_list})")
    cursor.executemany(f"INSERT INTO {staging} VALUES ({', '.join(['?'] * len(names))})", values)
    targets = ", ".join(_quote(c) for c in [*names, *constant])
    selected = ", ".join([column_list, *(["?"] * len(constant))])
    cursor.execute(
        f"INSERT INTO main.{_quote(table_name)} ({targets}) "
        f"SELECT {selected} FROM {staging} ORDER BY rowid",
        list(constant.values()),
    )
    cursor.execute(f"DROP TABLE {staging}")


def insert_rows(
    table_name: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    stamp: bool = True,
) -> int:
    """Insert the rows in one transaction with the driver's executemany; return how many.

    peewee's insert_many builds one statement per batch and is several times slower here.
    With `stamp`, the bookkeeping columns the caller did not give are filled as a save
    would: now, version 1, the acting user. Values go to the driver as they are, so pass
    dates, strings, ints and bools (peewee registers the date adapters for SQLite)."""
    missing = [c for c in STAMP_COLUMNS if c not in columns] if stamp else []
    stamp_time = now()
    defaults = {
        "created_at": stamp_time,
        "updated_at": stamp_time,
        "version": 1,
        "changed_by": acting_user(),
    }
    constant = {c: defaults[c] for c in missing}
    if is_sqlite():
        # The stamp goes to the copying statement once, not into every staged row.
        staged = rows if isinstance(rows, list) else list(rows)
        if not staged:
            return 0
        with transaction():
            cursor = database.connection().cursor()
            _insert_staged(cursor, table_name, columns, staged, constant)
        return len(staged)
    extra = tuple(constant.values())
    names = [*columns, *missing]
    placeholders = ", ".join([database.param] * len(names))
    sql = (
        f"INSERT INTO {_quote(table_name)} ({', '.join(_quote(c) for c in names)}) "
        f"VALUES ({placeholders})"
    )
    values = [(*row, *extra) for row in rows] if extra else [tuple(row) for row in rows]
    if not values:
        return 0
    with transaction():
        cursor = database.connection().cursor()
        cursor.executemany(sql, values)
        if "id" in columns:
            # Rows numbered by the caller leave PostgreSQL's sequence behind; move it on.
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                f"(SELECT max(id) FROM {_quote(table_name)}))"
            )
    return len(values)
