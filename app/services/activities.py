"""Activities (appointments, test drives, tasks, calls, e-mails, notes), the opportunity's
timeline and the salesperson's agenda."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta

from app.db import activities as db
from app.db import agenda_sales as agenda_db
from app.db import models as m
from app.db import sales_desk
from app.db import teams as team_queries
from app.db.accounts import account_exists
from app.db.connection import transaction
from app.db.history import close_date_changes
from app.db.retrying import retried
from app.domain import dates, reading, standard_names
from app.domain.choices import (
    AccountKind,
    ActivityKind,
    LeadStatus,
    Status,
    VehicleUse,
    vehicle_sold,
)
from app.domain.fields import label as field_label
from app.domain.rights import Right
from app.domain.validation import ValidationError, Validator
from app.i18n import N_, _, ngettext
from app.services import access, conflicts, leads, process, record_rights, wording
from app.services.errors import ConflictError, NotFound
from app.services.reference import (
    CodeChoice,
    NameChoice,
    check_code,
    code_choices,
    code_label,
    code_labels,
    reason_choices,
    reason_label,
    stored_reason,
)
from app.services.timeline import (
    TimelineEntry,
    activity_title,
    close_date_entry,
    document_timeline,
    newest_first,
    stage_entries,
)

# An appointment or a test drive shows the customer is interested (DESIGN: sales rules).
_MOVES_TO_INTEREST = {ActivityKind.APPOINTMENT.value, ActivityKind.TEST_DRIVE.value}
_SCHEDULED = {ActivityKind.APPOINTMENT.value, ActivityKind.TEST_DRIVE.value}
_MAX_TEST_DRIVE_HOURS = 8
MAX_TEST_DRIVE = timedelta(hours=_MAX_TEST_DRIVE_HOURS)
CONVERTED_LEAD = N_(
    "This lead was converted and is kept as it was; log new activities on its opportunity."
)


@dataclass
class ActivityInput:
    kind: str = ActivityKind.TASK.value
    subject: str = ""
    description: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    done: bool = False
    owner_id: int | None = None
    opportunity_id: int | None = None
    lead_id: int | None = None
    account_id: int | None = None
    vehicle_id: int | None = None
    direction: str = ""
    note_reason: str = ""
    outcome: str = ""  # an activity outcome's code, once it is done


@dataclass
class ActivityDetail(ActivityInput):
    id: int = 0
    version: int = 1
    vehicle_label: str = ""


_FIELDS = tuple(f.name for f in fields(ActivityInput))


def note_reasons() -> list[str]:
    """The note reasons as a picker shows them (a shipped one translated); `create` and
    `update` take a reason as shown or as stored, and store it as stored."""
    return [choice.label for choice in note_reason_choices()]


def note_reason_choices() -> list[NameChoice]:
    """The active note reasons: the name stored and the text shown."""
    return reason_choices("note")


def note_reason_label(stored: str) -> str:
    """The text shown for a note's reason as stored."""
    return reason_label("note", stored)


def outcome_choices(keep: str = "") -> list[CodeChoice]:
    """The outcomes a done activity may record, in their order (and `keep`, the
    activity's own, when it is no longer offered)."""
    return code_choices("outcome", keep)


def _validate(data: ActivityInput, own_id: int | None, kept_outcome: str = "") -> Validator:
    v = Validator()
    # TRANSLATORS: completes "“{text}” is not a known {label}; pick one of: {known}."
    data.kind = v.choice("kind", data.kind, ActivityKind, _("kind of activity"))
    data.subject = v.require("subject", data.subject, field_label("activity.subject"))
    data.description = v.optional(
        "description", data.description, field_label("activity.description"), 10_000
    )
    if data.starts_at is None:
        v.error("starts_at", _("Give the date and time."))
    if not (data.opportunity_id or data.lead_id or data.account_id):
        v.error("opportunity_id", _("An activity belongs to an opportunity, a lead or a customer."))
    if data.kind in _SCHEDULED and data.starts_at is not None:
        if data.ends_at is None:
            data.ends_at = data.starts_at + timedelta(hours=1)
        if data.ends_at <= data.starts_at:
            v.error("ends_at", _("The end must come after the start."))
    if data.kind == ActivityKind.TEST_DRIVE.value:
        use = (
            sales_desk.vehicle_price_and_use(data.vehicle_id)
            if data.vehicle_id is not None
            else None
        )
        if data.vehicle_id is None:
            v.error("vehicle_id", _("A test drive needs the vehicle."))
        elif use is None:
            v.error("vehicle_id", _("This vehicle is no longer in stock."))
        elif vehicle_sold(use[2]):
            v.error(
                "vehicle_id",
                _(
                    "This vehicle is sold; book the test drive on a demo-fleet car or on unsold "
                    "stock."
                ),
            )
        elif data.starts_at and data.ends_at and data.ends_at - data.starts_at > MAX_TEST_DRIVE:
            v.error(
                "ends_at",
                ngettext(
                    "A test drive slot is at most {hours} hour; book a longer loan as a task.",
                    "A test drive slot is at most {hours} hours; book a longer loan as a task.",
                    _MAX_TEST_DRIVE_HOURS,
                ).format(hours=_MAX_TEST_DRIVE_HOURS),
            )
        elif data.starts_at and data.ends_at and data.ends_at > data.starts_at:
            clash = _test_drive_clash(data.vehicle_id, data.starts_at, data.ends_at, own_id)
            if clash:
                v.error("starts_at", clash)
    else:
        data.vehicle_id = data.vehicle_id if data.kind in _SCHEDULED else None
    if data.kind == ActivityKind.CALL.value and data.direction not in ("in", "out"):
        v.error("direction", _("Say whether the customer called in or was called."))
    if data.kind == ActivityKind.NOTE.value and data.note_reason:
        stored = stored_reason("note", data.note_reason)
        if stored is None:
            v.error("note_reason", _("Pick the note's reason from the list."))
        else:
            data.note_reason = stored
    if data.outcome and not data.done:
        v.error("outcome", _("An outcome is recorded once the activity is done."))
    data.outcome = check_code(
        v, "outcome", data.outcome, "outcome", field_label("activity.outcome"), kept_outcome
    )
    return v


def _test_drive_clash(
    vehicle_id: int, start: datetime, end: datetime, own_id: int | None
) -> str | None:
    """What is in the way of a test drive of this vehicle in this slot, said so that the
    salesperson knows whom to ask: when, which customer, whose drive, which sale."""
    other = db.test_drive_in_slot(vehicle_id, start, end, own_id)
    if other is None:
        return None
    until = other.ends_at
    slot = f"{reading.format_moment(other.starts_at)}–" + (
        reading.format_clock(until)
        if until.date() == other.starts_at.date()
        else reading.format_moment(until)
    )
    customer = _customer_of(other)
    owner = m.User.get_or_none(m.User.id == other.owner_id) if other.owner_id else None
    parent = (
        _("opportunity #{id}").format(id=other.opportunity_id)
        if other.opportunity_id
        else _("lead #{id}").format(id=other.lead_id)
        if other.lead_id
        else ""
    )
    # Whose drive it is: the salesperson's name and the sale's number, as a short list.
    whose = ", ".join(p for p in (owner.full_name if owner else "", parent) if p)
    if customer and whose:
        text = _("The vehicle is booked {slot} for a test drive with {customer} ({whose}).")
    elif customer:
        text = _("The vehicle is booked {slot} for a test drive with {customer}.")
    elif whose:
        text = _("The vehicle is booked {slot} for a test drive ({whose}).")
    else:
        text = _("The vehicle is booked {slot} for a test drive.")
    return text.format(slot=slot, customer=customer, whose=whose)


def _customer_of(row: m.Activity) -> str:
    """The customer an activity is with, as a person is addressed: "Maria Rossi"."""
    account_id = row.account_id or (row.opportunity.account_id if row.opportunity_id else None)
    account = m.Account.get_or_none(m.Account.id == account_id) if account_id else None
    if account is not None:
        if account.kind == AccountKind.COMPANY.value:
            return account.company_name or account.name
        return f"{account.first_name} {account.last_name}".strip() or account.name
    lead = m.Lead.get_or_none(m.Lead.id == row.lead_id) if row.lead_id else None
    return _lead_name(lead.first_name, lead.last_name, lead.company_name) if lead else ""


def _lead_name(first_name: str, last_name: str, company_name: str) -> str:
    return leads.lead_name(
        leads.LeadInput(first_name=first_name, last_name=last_name, company_name=company_name)
    )


def _check_parent_open(data: ActivityInput) -> None:
    if data.opportunity_id is not None:
        row = m.Opportunity.get_or_none(m.Opportunity.id == data.opportunity_id)
        if row is None:
            raise NotFound(_("Opportunity #{id} no longer exists.").format(id=data.opportunity_id))
        process.require_open(row)
        if data.account_id is None:
            data.account_id = row.account_id
    if data.lead_id is not None:
        lead = m.Lead.get_or_none(m.Lead.id == data.lead_id)
        if lead is None:
            raise NotFound(_("Lead #{id} no longer exists.").format(id=data.lead_id))
        if lead.status == LeadStatus.CONVERTED.value:
            raise ValidationError({"lead_id": _(CONVERTED_LEAD)})
    if data.account_id is not None and not account_exists(data.account_id):
        raise NotFound(_("Customer #{id} no longer exists.").format(id=data.account_id))


def create(data: ActivityInput) -> ActivityDetail:
    with transaction():
        record_rights.require_activity_parent(data.opportunity_id, data.lead_id, data.owner_id)
        _check_parent_open(data)
        _validate(data, None).raise_if_any()
        row = m.Activity.create(
            **{f"{n}": getattr(data, n) for n in _FIELDS if not n.endswith("_id")},
            owner=data.owner_id,
            opportunity=data.opportunity_id,
            lead=data.lead_id,
            account=data.account_id,
            vehicle=data.vehicle_id,
            done_at=m.now() if data.done else None,
        )
        if data.opportunity_id is not None and data.kind in _MOVES_TO_INTEREST:
            process.advance(data.opportunity_id, "interest")
    return get(row.id)


def _what(row: m.Activity) -> str:
    # TRANSLATORS: fills {what} in "{what} was changed by {name} after you opened it."
    return _("The activity “{subject}”").format(subject=row.subject)


@retried
def update(activity_id: int, data: ActivityInput, expected_version: int) -> ActivityDetail:
    """Save the activity over the version the form opened (ConflictError when it was saved
    elsewhere since); audited field by field, a new version."""
    record_rights.require_activity(activity_id)
    with transaction():
        row = m.Activity.get_or_none(m.Activity.id == activity_id)
        if row is None:
            raise NotFound(_("This activity no longer exists."))
        if row.version != expected_version:
            raise ConflictError(_what(row), conflicts.user_name(row.changed_by), row.version)
        if row.opportunity_id is not None:
            process.require_open(row.opportunity)
        data.opportunity_id, data.lead_id = row.opportunity_id, row.lead_id
        _check_parent_open(data)
        _validate(data, activity_id, row.outcome).raise_if_any()
        for name in _FIELDS:
            if not name.endswith("_id"):
                setattr(row, name, getattr(data, name))
        row.owner, row.vehicle = data.owner_id, data.vehicle_id
        row.done_at = (row.done_at or m.now()) if data.done else None
        row.save()
    return get(activity_id)


def set_done(activity_id: int, done: bool = True) -> ActivityDetail:
    """Tick an activity done (or not) as it is now: one field, read and written in one
    transaction, so nobody's other change is lost."""
    record_rights.require_activity(activity_id)
    with transaction():
        detail = get(activity_id)
        detail.done = done
        if not done:
            detail.outcome = ""  # not done: nothing came of it yet
        data = ActivityInput(**{n: getattr(detail, n) for n in _FIELDS})
        return update(activity_id, data, detail.version)


# The fields a save over someone else's compares, in the form's order.
_COMPARED = (
    "kind",
    "subject",
    "starts_at",
    "ends_at",
    "vehicle_id",
    "direction",
    "note_reason",
    "owner_id",
    "done",
    "outcome",
    "description",
)


def _show(name: str, value: object) -> str:
    if name == "owner_id":
        who = conflicts.user_name(value) if isinstance(value, int) else None
        return who or conflicts.EMPTY
    if name == "kind" and isinstance(value, str) and value:
        return ActivityKind(value).label
    if name == "note_reason" and isinstance(value, str) and value:
        return note_reason_label(value)
    if name == "outcome" and isinstance(value, str) and value:
        return code_label("outcome", value)
    if name == "vehicle_id" and isinstance(value, int):
        vehicle = m.Vehicle.get_or_none(m.Vehicle.id == value)
        return f"{vehicle.brand} {vehicle.model} · {vehicle.vin}" if vehicle else str(value)
    return conflicts.plain(value)


def conflict(activity_id: int, opened: ActivityInput, yours: ActivityInput) -> conflicts.Conflict:
    """What changed since the activity was opened: the value then, theirs and yours."""
    access.require(Right.READ_SALES)
    row = m.Activity.get_or_none(m.Activity.id == activity_id)
    if row is None:
        raise NotFound(_("This activity no longer exists."))
    labels = conflicts.field_labels("activity", _COMPARED)
    return conflicts.describe(
        _what(row), row.changed_by, opened, get(activity_id), yours, labels, _show
    )


def save_over(
    activity_id: int, opened: ActivityInput, yours: ActivityInput, their_version: int
) -> ActivityDetail:
    """The user's changes over the version saved elsewhere; their other changes stay."""
    record_rights.require_activity(activity_id)
    theirs = get(activity_id)
    merged = conflicts.merged(opened, theirs, yours, _COMPARED)
    data = ActivityInput(**{n: getattr(merged, n) for n in _FIELDS})
    return update(activity_id, data, their_version)


def get(activity_id: int) -> ActivityDetail:
    access.require(Right.READ_SALES)
    row = m.Activity.get_or_none(m.Activity.id == activity_id)
    if row is None:
        raise NotFound(_("This activity no longer exists."))
    label = ""
    if row.vehicle_id:
        v = row.vehicle
        label = f"{v.brand} {v.model} {v.variant} · {v.vin}".replace("  ", " ")
    return ActivityDetail(
        **{n: getattr(row, n) for n in _FIELDS if not n.endswith("_id")},
        owner_id=row.owner_id,
        opportunity_id=row.opportunity_id,
        lead_id=row.lead_id,
        account_id=row.account_id,
        vehicle_id=row.vehicle_id,
        id=row.id,
        version=row.version,
        vehicle_label=label,
    )


# --- the timeline -------------------------------------------------------------------------------


def _activity_entries(rows: list[db.TimelineRow]) -> list[TimelineEntry]:
    """The activities found, newest first, as timeline entries."""
    entries = []
    outcomes = code_labels("outcome") if any(row[14] for row in rows) else {}
    for row in rows:
        aid, kind, subject, description, at, done, by, reason, direction = row[:9]
        opportunity_id, topic, status, lead_id, lead_status, outcome = row[9:]
        title = activity_title(
            kind,
            subject,
            note_reason_label(reason) if reason else reason,
            direction,
            outcomes.get(outcome) or outcome or "",
        )
        if opportunity_id is not None:
            about = f"#{opportunity_id} {topic}"
        else:
            about = _("Lead #{id}").format(id=lead_id) if lead_id is not None else ""
        locked = (opportunity_id is not None and status != Status.OPEN.value) or (
            lead_status == LeadStatus.CONVERTED.value
        )
        entries.append(
            TimelineEntry(at, kind, title, description, by or "", aid, bool(done), about, locked)
        )
    return entries


def for_lead(lead_id: int, limit: int = 2000) -> list[TimelineEntry]:
    """The calls, e-mails, notes, tasks and appointments of a lead, newest first."""
    access.require(Right.READ_SALES)
    return [replace(e, about="") for e in _activity_entries(db.lead_timeline(lead_id, limit))]


def for_account(account_id: int, limit: int = 2000) -> list[TimelineEntry]:
    """Every activity with a customer, newest first: its own, those of its opportunities
    and those of the leads it was converted from."""
    access.require(Right.READ_SALES)
    return _activity_entries(db.account_timeline(account_id, limit))


def timeline(opportunity_id: int, limit: int = 2000) -> list[TimelineEntry]:
    """Activities, stage moves, close-date changes and what was done to the sale's
    documents, newest first."""
    access.require(Right.READ_SALES)
    entries = [
        replace(e, about="")
        for e in _activity_entries(db.opportunity_timeline(opportunity_id, limit))
    ]
    entries.extend(stage_entries(process.history(opportunity_id)))
    for at, old, new, by in close_date_changes(opportunity_id):
        entries.append(close_date_entry(at, old, new, by))
    entries.extend(document_timeline(opportunity_id))
    return newest_first(entries)


# --- the agenda --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaActivity:
    id: int
    kind: str
    subject: str
    starts_at: datetime
    ends_at: datetime | None
    opportunity_id: int | None
    customer: str
    done: bool = False
    lead_id: int | None = None
    outcome: str = ""  # what came of it, as shown


@dataclass(frozen=True, slots=True)
class AgendaOpportunity:
    id: int
    topic: str
    customer: str
    stage: str
    est_close_date: date
    days_in_stage: int
    reason: str  # "close date 2027-01-05 has passed" or "N days in Quotation (allowed M)"


# The agenda's two lists of sales, as agenda_sales() names them.
PAST_CLOSE, STALE = "past_close", "stale"
# The sales of each list read at a time: the first page with the agenda, the next ones as
# the list is scrolled to its end (agenda_sales).
AGENDA_PAGE = 100


@dataclass(frozen=True, slots=True)
class Agenda:
    today: list[AgendaActivity]
    overdue: list[AgendaActivity]
    past_close: list[AgendaOpportunity]  # the first page of them (AGENDA_PAGE)
    stale: list[AgendaOpportunity]  # the first page of them
    past_close_count: int = 0  # how many in all
    stale_count: int = 0
    # The day and moment the lists were read for: their further pages are read for the same.
    day: date = date.min
    at: datetime = datetime.min


def _agenda_activities(rows: list[db.AgendaRow]) -> list[AgendaActivity]:
    result = []
    outcomes = code_labels("outcome") if any(row[8] for row in rows) else {}
    for aid, kind, subject, start, end, opp, customer, done, outcome, lead_id, *lead in rows:
        if not customer and lead_id is not None:
            first, last, company = lead
            customer = _lead_name(first, last, company)
        shown = outcomes.get(outcome) or outcome or ""
        result.append(
            AgendaActivity(
                aid, kind, subject, start, end, opp, customer or "", bool(done), lead_id, shown
            )
        )
    return result


def agenda(
    user_id: int,
    today: date | None = None,
    now: datetime | None = None,
    team_id: int | None = None,
) -> Agenda:
    """For one salesperson: today's appointments and test drives, overdue tasks (and calls
    or appointments not marked done), and their open opportunities that are past their
    close date or have sat in their stage longer than it allows (how many, and the first
    AGENDA_PAGE of each, by close date: agenda_sales reads the next). With `team_id`, the
    same for the whole team: its members' and what it holds untaken."""
    access.require(Right.READ_SALES)
    whose: int | list[int] = user_id
    if team_id is not None:
        whose = team_queries.member_ids(team_id)
    today = today or date.today()
    now = now or datetime.now()
    day_start, day_end = (
        datetime.combine(today, time.min),
        datetime.combine(today + timedelta(days=1), time.min),
    )
    todays = db.scheduled_between(whose, day_start, day_end, _SCHEDULED)
    overdue = db.not_done_before(
        whose, day_start, [ActivityKind.NOTE.value, ActivityKind.EMAIL.value]
    )
    counts = agenda_db.flagged_counts(user_id, today, now, team_id)
    page = AGENDA_PAGE
    past_close = _agenda_sales(agenda_db.Flag.PAST_CLOSE, user_id, today, now, team_id, None, page)
    stale = _agenda_sales(agenda_db.Flag.STALE, user_id, today, now, team_id, None, page)
    return Agenda(
        _agenda_activities(todays),
        _agenda_activities(overdue),
        past_close,
        stale,
        counts[agenda_db.Flag.PAST_CLOSE],
        counts[agenda_db.Flag.STALE],
        today,
        now,
    )


def agenda_sales(
    user_id: int,
    which: str,
    after: AgendaOpportunity | None,
    today: date,
    now: datetime,
    team_id: int | None = None,
    limit: int | None = None,
) -> list[AgendaOpportunity]:
    """The next `limit` sales (AGENDA_PAGE unless given) of one of the agenda's lists (`which`: PAST_CLOSE or STALE)
    after the sale `after` (the last one shown; None for the first page), for the day and
    moment the agenda was read for (Agenda.day, Agenda.at), so the pages make one list."""
    access.require(Right.READ_SALES)
    flag = agenda_db.Flag(which)
    start = (after.est_close_date, after.id) if after is not None else None
    return _agenda_sales(flag, user_id, today, now, team_id, start, limit or AGENDA_PAGE)


def _agenda_sales(
    flag: agenda_db.Flag,
    user_id: int,
    today: date,
    now: datetime,
    team_id: int | None,
    after: tuple[date, int] | None,
    limit: int,
) -> list[AgendaOpportunity]:
    result = []
    # A page's sales share a few stages and close dates: each named once.
    stages: dict[tuple[str | None, str], str] = {}
    days_shown: dict[date, str] = {}
    rows = agenda_db.flagged_page(flag, user_id, today, now, team_id, after, limit)
    for oid, topic, customer, stored_stage, stage_key, close, allowed, entered in rows:
        stage = stages.get((stage_key, stored_stage)) or stages.setdefault(
            (stage_key, stored_stage), standard_names.display_name(stage_key, stored_stage)
        )
        days = int((now - entered).total_seconds() // 86_400) if entered else 0
        if flag is agenda_db.Flag.PAST_CLOSE:
            shown = days_shown.get(close) or days_shown.setdefault(close, wording.day(close))
            reason = _("close date {date} has passed").format(date=shown)
        else:
            reason = ngettext(
                "{days} day in {stage} (allowed {allowed})",
                "{days} days in {stage} (allowed {allowed})",
                days,
            ).format(days=days, stage=stage, allowed=allowed)
        result.append(AgendaOpportunity(oid, topic, customer, stage, close, days, reason))
    return result


@dataclass(frozen=True)
class FreeCar:
    """A car a test drive may be booked on, and whether it is free in the slot asked."""

    id: int
    label: str
    demo_fleet: bool
    free: bool
    busy_with: str  # who has it then, when it is not free


def cars_for_test_drive(
    start: datetime | None, end: datetime | None, own_id: int | None = None
) -> list[FreeCar]:
    """The demo fleet and the unsold stock (never a sold car), the free ones first, each
    saying who has it in the slot when it is taken: two statements."""
    cars = sales_desk.bookable_cars()
    busy: dict[int, str] = {}
    if start is not None and end is not None and end > start:
        for booking in sales_desk.bookings_between(start, end, [c.id for c in cars]):
            if booking.activity_id != own_id and booking.vehicle_id not in busy:
                busy[booking.vehicle_id] = _("{start}–{end} {owner}, {customer}").format(
                    start=reading.format_clock(booking.starts_at),
                    end=reading.format_clock(booking.ends_at),
                    owner=booking.owner,
                    customer=booking.customer,
                )
    found = [
        FreeCar(
            c.id,
            c.label,
            c.use == VehicleUse.DEMO_FLEET.value,
            c.id not in busy,
            busy.get(c.id, ""),
        )
        for c in cars
    ]
    return sorted(found, key=lambda c: (not c.free, not c.demo_fleet))


@dataclass(frozen=True)
class CalendarBooking:
    vehicle_id: int
    starts_at: datetime
    ends_at: datetime
    owner: str
    customer: str
    opportunity_id: int | None


@dataclass(frozen=True)
class VehicleCalendar:
    cars: list[FreeCar]
    bookings: list[CalendarBooking]


def vehicle_calendar(first_day: date, days: int) -> VehicleCalendar:
    """The demo fleet's cars and their test drives over `days` days from `first_day`."""
    access.require(Right.READ_SALES)
    fleet = [c for c in sales_desk.bookable_cars() if c.use == VehicleUse.DEMO_FLEET.value]
    start = datetime.combine(first_day, time.min)
    end = start + timedelta(days=days)
    rows = sales_desk.bookings_between(start, end, [c.id for c in fleet])
    return VehicleCalendar(
        [FreeCar(c.id, c.label, True, True, "") for c in fleet],
        [
            CalendarBooking(
                b.vehicle_id, b.starts_at, b.ends_at, b.owner, b.customer, b.opportunity_id
            )
            for b in rows
        ],
    )


# --- the coming days, and following a note up ----------------------------------------------

CLOSE_DATE = "close_date"  # a coming entry that is a sale's close date, not an activity


@dataclass(frozen=True)
class ComingEntry:
    """Something ahead in the salesperson's days: an appointment, a test drive (with its
    car), a task, or an open sale's close date."""

    activity_id: int | None
    kind: str  # an ActivityKind, or CLOSE_DATE
    subject: str
    starts_at: datetime
    ends_at: datetime | None
    opportunity_id: int | None
    customer: str
    vehicle: str

    @property
    def kind_label(self) -> str:
        if self.kind == CLOSE_DATE:
            return _("Close date")
        return ActivityKind(self.kind).label


def coming_days(user_id: int, first_day: date, days: int = 7) -> list[ComingEntry]:
    """What is ahead from `first_day` for `days` days: appointments, test drives, tasks
    not done, and the open sales expected to close then, in time order."""
    access.require(Right.READ_SALES)
    start = datetime.combine(first_day, time.min)
    end = start + timedelta(days=days)
    kinds = [
        ActivityKind.APPOINTMENT.value,
        ActivityKind.TEST_DRIVE.value,
        ActivityKind.TASK.value,
        ActivityKind.CALL.value,
    ]
    return [
        ComingEntry(
            r.activity_id, r.kind, r.subject, r.starts_at, r.ends_at, r.opportunity_id,
            r.customer, r.vehicle,
        )
        for r in sales_desk.coming(user_id, start, end, kinds)
    ]  # fmt: skip


def follow_up_date(activity_id: int, today: date | None = None) -> date | None:
    """When the note (or call, or e-mail) asks to follow up, read from its text: "call
    again in 6 months" -> six months from today; None when it names no time."""
    source = sales_desk.follow_up_source(activity_id)
    if source is None:
        raise NotFound(_("This activity no longer exists."))
    return dates.follow_up_date(f"{source.subject} {source.description}", today or date.today())


def follow_up(activity_id: int, due: date, owner_id: int | None = None) -> ActivityDetail:
    """A task due on `due` for the same sale, lead or customer, following the activity up:
    its subject says what to do, taken from the activity's."""
    access.require(Right.READ_SALES)
    source = sales_desk.follow_up_source(activity_id)
    if source is None:
        raise NotFound(_("This activity no longer exists."))
    # TRANSLATORS: a follow-up task's subject: "Follow up: call again in 6 months".
    subject = _("Follow up: {subject}").format(subject=source.subject)[:200]
    return create(
        ActivityInput(
            kind=ActivityKind.TASK.value,
            subject=subject,
            description=source.description,
            starts_at=datetime.combine(due, time(9, 0)),
            owner_id=owner_id or source.owner_id,
            opportunity_id=source.opportunity_id,
            lead_id=source.lead_id,
            account_id=source.account_id,
        )
    )
