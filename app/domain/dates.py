"""Calendar rules: the default close date and the named date windows of the lists."""

from __future__ import annotations

import calendar
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
