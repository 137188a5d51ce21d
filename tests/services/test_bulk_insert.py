"""A bulk insert's batch gives the columns that hold one value in every row to the copying
statement once: the table holds what a row-by-row insert would, value and type."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from app.db import bulk

_VALUES = st.sampled_from(
    [
        None,
        "",
        "a",
        "1",
        1,
        True,
        False,
        0,
        1.0,
        -0.0,
        0.0,
        b"a",
        datetime(2026, 11, 30, 14, 5, tzinfo=UTC),
        datetime(2026, 11, 30, 15, 5, tzinfo=timezone(timedelta(hours=1))),
    ]
)
_NAMES = ["t", "i", "n", "d", "b"]


def _table(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE main.x (t TEXT, i INTEGER, n NUMERIC, d DATETIME, b)")


def _stored(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    columns = ", ".join(f"{c}, typeof({c})" for c in _NAMES)
    return conn.execute(f"SELECT rowid, {columns} FROM x ORDER BY rowid").fetchall()


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.tuples(*[_VALUES] * 5), min_size=1, max_size=6).flatmap(
        # Some columns one value throughout, as an import's empty ones are.
        lambda rows: st.sets(st.integers(0, 4)).map(
            lambda fixed: [
                tuple(rows[0][i] if i in fixed else row[i] for i in range(5)) for row in rows
            ]
        )
    )
)
def test_a_batch_is_stored_as_row_by_row_inserts_store_it(
    rows: list[tuple[object, ...]],
) -> None:
    sqlite3.register_adapter(datetime, lambda v: v.isoformat(" "))
    plain, staged = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for conn in (plain, staged):
        _table(conn)
    plain.executemany("INSERT INTO x VALUES (?, ?, ?, ?, ?)", rows)
    bulk._insert_staged(staged.cursor(), "x", _NAMES, list(rows), {})
    assert _stored(staged) == _stored(plain)
