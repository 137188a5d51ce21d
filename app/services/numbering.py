"""Gap-free document numbers: Q-00001 for quotes, OF-00001 for order forms, O-00001 for orders."""

from __future__ import annotations

from app.db import models as m
from app.db.connection import transaction

PREFIXES = {"quote": "Q", "order_form": "OF", "order": "O"}
DIGITS = 5


def draw(series: str) -> str:
    """The next number of the series. Joins the caller's transaction: the number is only
    used up when that transaction commits, so a refused or failed issue leaves no gap. On
    SQLite the transaction holds the write lock from its start, so two workstations never
    draw the same number."""
    prefix = PREFIXES[series]
    with transaction():
        row = m.NumberSequence.get_or_none(m.NumberSequence.name == series)
        if row is None:
            value = 1
            m.NumberSequence.create(name=series, next_value=2)
        else:
            value = row.next_value
            updated = (
                m.NumberSequence.update(next_value=value + 1)
                .where((m.NumberSequence.name == series) & (m.NumberSequence.next_value == value))
                .execute()
            )
            if updated != 1:  # another writer drew it first (PostgreSQL without a lock)
                raise RuntimeError(f"the {series} number {value} was drawn twice; try again")
    return f"{prefix}-{value:0{DIGITS}d}"
