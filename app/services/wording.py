"""How the services write a date or a number into a message: in the screen's language, as
the lists, the forms and the documents write them ("31.01.2027" in German, "Jan 31, 2027" in
English; "2,000,000"), so a message and the screen agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain import reading
from app.i18n import current


def day(value: date) -> str:
    """A date in a message: '31.01.2027' (de), 'Jan 31, 2027' (en); a datetime gives its day."""
    if hasattr(value, "date"):
        value = value.date()
    return reading.format_day(value, current())


def number(value: int | Decimal) -> str:
    """A count or a limit in a message, grouped: "100,000"."""
    return current().format_number(value)


__all__ = ["day", "number"]
