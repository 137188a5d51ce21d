"""Calendar rules: the default close date and the named date windows of the lists."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_close_date(today: date) -> date:
    """A new opportunity is expected to close a month from today."""
    return add_months(today, 1)


def closing_window(today: date, days: int) -> tuple[date, date]:
    """'Closing in N days': from today to today + N, both included."""
    return today, today + timedelta(days=days)


# A close date further ahead than this is most likely a typing slip (31012027 read as the
# year 3101): the form asks before saving it.
FAR_AHEAD_YEARS = 5


def far_ahead(day: date | None, today: date) -> bool:
    """Whether `day` is more than FAR_AHEAD_YEARS years after `today`."""
    return day is not None and day > add_months(today, 12 * FAR_AHEAD_YEARS)


# "call again in 6 months", "in 2 weeks", "in a year", "next month": what a note says of
# when to come back, as English writes it (reading other languages comes with them).
_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}


def follow_up_date(text: str, today: date) -> date | None:
    """The day a note asks to follow up on ("in 6 months" -> six months from today), or
    None when it names no time."""
    words = text.lower()
    found = re.search(
        r"\bin\s+(\d{1,3}|an?|one|two|three|four|six|twelve)\s+(day|week|month|year)s?\b", words
    )
    if found is None:
        nxt = re.search(r"\bnext\s+(week|month|year)\b", words)
        if nxt is None:
            return None
        count, unit = 1, nxt.group(1)
    else:
        raw, unit = found.group(1), found.group(2)
        count = int(raw) if raw.isdigit() else _NUMBERS[raw]
    if unit == "month":
        return add_months(today, count)
    if unit == "year":
        return add_months(today, 12 * count)
    return today + timedelta(days=count * _UNITS[unit])
