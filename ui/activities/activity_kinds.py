"""What each kind of activity asks for and says, and the times it is planned at: the activity
dialog's rules apart from its widgets (the agenda names the kinds the same way)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QDateTime, QTime

from app.domain.choices import ActivityKind
from app.domain.dates import add_months
from app.i18n import N_, _

SCHEDULED = frozenset({ActivityKind.APPOINTMENT.value, ActivityKind.TEST_DRIVE.value})
# What the date of each kind means: when it starts, when it is due, when it happened (the
# field whose label the date's row shows).
START_FIELDS = {
    ActivityKind.APPOINTMENT.value: "activity.starts_at",
    ActivityKind.TEST_DRIVE.value: "activity.starts_at",
    ActivityKind.TASK.value: "activity.due",
}
START_FIELD_LOGGED = "activity.when"
# Calls, e-mails and notes are mostly logged after they happened.
DONE_WHEN_NEW = frozenset(
    {ActivityKind.CALL.value, ActivityKind.EMAIL.value, ActivityKind.NOTE.value}
)
DIRECTIONS = (("in", N_("The customer called in")), ("out", N_("We called the customer")))
DEFAULT_LENGTH = timedelta(hours=1)
# The longest slot whose end, typed as a clock time before the start's, runs past midnight.
MIDNIGHT_SLOT = timedelta(hours=12)
# What a follow-up task may be due in: weeks ("w") or months ("m").
FOLLOW_UP_SPANS = (
    ("w1", N_("in a week")),
    ("w2", N_("in 2 weeks")),
    ("m1", N_("in a month")),
    ("m3", N_("in 3 months")),
    ("m6", N_("in 6 months")),
    ("m12", N_("in a year")),
)
FOLLOW_UP_KINDS = frozenset(
    {ActivityKind.NOTE.value, ActivityKind.CALL.value, ActivityKind.EMAIL.value}
)
SUBJECT_HINTS = {
    ActivityKind.APPOINTMENT.value: N_("e.g. Showroom visit to discuss the offer"),
    ActivityKind.TEST_DRIVE.value: N_("e.g. Test drive Golf GTI"),
    ActivityKind.TASK.value: N_("e.g. Send the finance offer"),
    ActivityKind.CALL.value: N_("e.g. Asked about delivery times"),
    ActivityKind.EMAIL.value: N_("e.g. Sent the brochure"),
    ActivityKind.NOTE.value: N_("e.g. Trade-in has a dented door"),
}
# A new activity's title, and the question on closing it unsaved, by its kind: whole
# sentences, since a kind's name takes other words with it in other languages.
NEW_TITLES = {
    ActivityKind.APPOINTMENT.value: N_("New appointment"),
    ActivityKind.TEST_DRIVE.value: N_("New test drive"),
    ActivityKind.TASK.value: N_("New task"),
    ActivityKind.CALL.value: N_("New phone call"),
    ActivityKind.EMAIL.value: N_("New e-mail"),
    ActivityKind.NOTE.value: N_("New note"),
}
SAVE_QUESTIONS = {
    ActivityKind.APPOINTMENT.value: N_("Save this appointment before closing?"),
    ActivityKind.TEST_DRIVE.value: N_("Save this test drive before closing?"),
    ActivityKind.TASK.value: N_("Save this task before closing?"),
    ActivityKind.CALL.value: N_("Save this phone call before closing?"),
    ActivityKind.EMAIL.value: N_("Save this e-mail before closing?"),
    ActivityKind.NOTE.value: N_("Save this note before closing?"),
}


def kind_label(kind: str) -> str:
    """'Test drive', 'Phone call': the kind as the dialogs and lists name it."""
    if kind == ActivityKind.CALL.value:
        return _("Phone call")
    try:
        return ActivityKind(kind).label
    except ValueError:
        return kind.replace("_", " ").capitalize()


def to_qdatetime(value: datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))


def to_datetime(value: QDateTime) -> datetime:
    day, clock = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute())


def default_start(kind: str, now: datetime | None = None) -> datetime:
    """Now for what is logged after the fact; the next half hour for what is planned."""
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    if kind not in SCHEDULED and kind != ActivityKind.TASK.value:
        return now
    return now + timedelta(minutes=(30 - now.minute % 30) % 30 or 30)


def slot_end(start: datetime, clock: time) -> datetime:
    """The end of a slot typed as a clock time: on the start's day; a clock before the
    start's is the next morning when the slot is then at most MIDNIGHT_SLOT long (23:30 to
    00:30), else it stays on the start's day and is refused as ending before it begins."""
    end = datetime.combine(start.date(), clock)
    if end < start and end + timedelta(days=1) - start <= MIDNIGHT_SLOT:
        end += timedelta(days=1)
    return end


def due_in(span: str, today: date) -> date:
    """The day a follow-up is due in one of FOLLOW_UP_SPANS ("w2": in two weeks)."""
    n = int(span[1:])
    return today + timedelta(weeks=n) if span[0] == "w" else add_months(today, n)
