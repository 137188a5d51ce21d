"""The number series: drawing the next number of a series, gap-free."""

from __future__ import annotations

from app.db import models as m


def draw_next(series: str) -> int:
    """The series' next number, counted on. Joins the caller's transaction, which on SQLite
    holds the write lock from its start; elsewhere a second writer that drew the same number
    first makes this one fail rather than repeat it."""
    row = m.NumberSequence.get_or_none(m.NumberSequence.name == series)
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
