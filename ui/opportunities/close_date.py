"""The question asked before a close date more than five years ahead is saved (most often
a slip of the keyboard: 31012027 read as the year 3101), wherever a close date is set."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain import dates
from app.domain.reading import format_day
from app.i18n import ngettext
from ui.common.qt import NO, YES


def far_ahead_confirmed(parent: QWidget, day: date | None, title: str) -> bool:
    """True when `day` is within five years, or the user says to save it anyway."""
    if not dates.far_ahead(day, date.today()):
        return True
    assert day is not None
    answer = QMessageBox.question(
        parent,
        title,
        ngettext(
            "The est. close date {date} is more than {years} year ahead. Save it anyway?",
            "The est. close date {date} is more than {years} years ahead. Save it anyway?",
            dates.FAR_AHEAD_YEARS,
        ).format(date=format_day(day), years=dates.FAR_AHEAD_YEARS),
        YES | NO,
        NO,
    )
    return answer == YES
