"""How the services write a date or a number into a message: in the screen's language, one
pattern for all of them, so "05 Jan 2027" and "2,000,000" read the same everywhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.i18n import current

# "05 Jan 2027" in English: the day, the month's short name, the year (CLDR's pattern letters,
# so another language gets its own month names, not the machine's locale's).
DAY_PATTERN = "dd MMM y"


def day(value: date) -> str:
    """A date in a message: "05 Jan 2027" (a datetime gives its day)."""
    return current().format_date(value, DAY_PATTERN)


def number(value: int | Decimal) -> str:
    """A count or a limit in a message, grouped: "100,000"."""
    return current().format_number(value)


__all__ = ["DAY_PATTERN", "day", "number"]
