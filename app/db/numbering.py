"""The number series: drawing the next number of a series, gap-free."""

from __future__ import annotations

from app.db import models as m
from app.db.connection import is_sqlite


def draw_next(series: str) -> int:
    """The series' next number, counted on. Joins the caller's transaction, which on SQLite
    holds the write lock from its start and on PostgreSQL the counter's row lock, so the
    numbers stay gap-free and never repeat, however many workstations issue at once."""
    query = m.NumberSequence.select().where(m.NumberSequence.name == series)
    if not is_sqlite():
        # The counter's row locked until the caller's transaction ends: a second
        # workstation issuing at once waits here, then reads the number this one left.
        m.NumberSequence.insert(name=series, next_value=1).on_conflict_ignore().execute()
        query = query.for_update()
    row = query.first()
    if row is None:
        m.NumberSequence.create(name=series, next_value=2)
        return 1
    value = int(row.next_value)
    updated = (
        m.NumberSequence.update(next_value=value + 1)
        .where((m.NumberSequence.name == series) & (m.NumberSequence.next_value == value))
        .execute()
    )
    if updated != 1:  # another writer drew it first (PostgreSQL without a lock)
        raise RuntimeError(f"the {series} number {value} was drawn twice; try again")
    return value


def set_next(series: str, value: int) -> None:
    """Set the number the series draws next (a bulk load that wrote numbered documents).
    An upsert both backends take (peewee's on_conflict_replace is SQLite's alone)."""
    m.NumberSequence.insert(name=series, next_value=value).on_conflict(
        conflict_target=[m.NumberSequence.name],
        update={m.NumberSequence.next_value: value},
    ).execute()
