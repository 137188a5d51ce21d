"""Gap-free document numbers: Q-00001 for quotes, OF-00001 for order forms, O-00001 for orders."""

from __future__ import annotations

from app.db.connection import transaction
from app.db.numbering import draw_next

PREFIXES = {"quote": "Q", "order_form": "OF", "order": "O"}
DIGITS = 5


def draw(series: str) -> str:
    """The next number of the series. Joins the caller's transaction: the number is only
    used up when that transaction commits, so a refused or failed issue leaves no gap. On
    SQLite the transaction holds the write lock from its start, so two workstations never
    draw the same number."""
    prefix = PREFIXES[series]
    with transaction():
        value = draw_next(series)
    return f"{prefix}-{value:0{DIGITS}d}"
