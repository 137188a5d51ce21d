"""Demo activities: the calls, e-mails, visits, test drives and tasks behind the demo sales,
with something for every salesperson's agenda today."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.db import bulk
from app.db import models as m
from app.demo.sales import reasons
from app.demo.tables import TEST_DRIVE
from app.domain import standard_names
from app.domain.choices import ActivityKind, Status, VehicleUse
from app.i18n import N_, gettext

# The salespeople's words, in the language the demo is loaded in (the screen's).
_CALLS = (
    (N_("Called about the offer"), "out"),
    (N_("Customer asked about delivery times"), "in"),
    (N_("Follow-up on the finance application"), "out"),
    (N_("Customer called back about the trade-in"), "in"),
)
_EMAILS = (
    N_("Sent the brochure and the price list"),
    N_("Sent the quote as PDF"),
    N_("Answered questions about the equipment"),
)
_APPOINTMENTS = (
    N_("Showroom visit to discuss the offer"),
    N_("Consultation on finance and leasing"),
    N_("Valuation of the trade-in"),
    N_("Hand-over appointment"),
)
_TASKS = (
    N_("Check the delivery date with the factory"),
    N_("Prepare the finance offer"),
    N_("Ask the workshop for the trade-in appraisal"),
    N_("Call back about the offer"),
)
# (text, the key of its note reason in the catalogue)
_NOTES = (
    (N_("Customer prefers to be called after 5 pm."), "customer_call"),
    (N_("Partner joins for the next visit; both drive the car."), "visit"),
    (N_("Needs a decision from the bank before signing."), "financing"),
    (N_("Trade-in has a dent in the rear door; valued accordingly."), "trade_in"),
)
_DRIVE_HOURS = (9, 10, 11, 13, 14, 15, 16, 17)


def _columns() -> tuple[str, ...]:
    return (
        "kind", "subject", "description", "starts_at", "ends_at", "done", "done_at", "owner_id",
        "opportunity_id", "account_id", "vehicle_id", "direction", "note_reason",
        "created_at", "updated_at", "version", "changed_by",
    )  # fmt: skip


def add_activities(rng: random.Random, today: date, limit: int) -> int:
    """A few done activities behind each sale, and for the open ones what comes next: an
    appointment or a test drive (today for some, so the agenda has a day), or a task that
    is due or overdue. Test drives of one vehicle never overlap. Joins the caller's
    transaction; returns how many activities were added."""
    query = (
        m.Opportunity.select(
            m.Opportunity.id,
            m.Opportunity.account,
            m.Opportunity.owner,
            m.Opportunity.status,
            m.Opportunity.vehicle,
            m.Opportunity.created_at,
            m.Opportunity.closed_at,
            m.Opportunity.topic,
            m.Stage.key,
        )
        .join(m.Stage)
        .order_by(m.Opportunity.id)
        .limit(limit)
    )
    # Test drives on unsold new stock (the demo fleet's bookings come with the fleet).
    stock = [
        v.id
        for v in m.Vehicle.select(m.Vehicle.id).where(
            (m.Vehicle.condition == "new") & (m.Vehicle.use == VehicleUse.FOR_SALE.value)
        )
    ]
    booked: set[tuple[int, datetime]] = set()
    rows: list[tuple[object, ...]] = []
    now = datetime.combine(today, time(8, 0))
    # A note is stored with its reason's name, as the catalogue names it now.
    note_reasons = {key: name for key, name in reasons("note") if key}

    def add(kind: ActivityKind, subject: str, start: datetime, done: bool, row: m.Opportunity,
            end: datetime | None = None, vehicle: int | None = None, direction: str = "",
            reason: str = "", description: str = "") -> None:  # fmt: skip
        owner = row.owner_id
        stamp = min(start, now) if not done else start
        rows.append(
            (kind.value, subject, description, start, end, done, start if done else None, owner,
             row.id, row.account_id, vehicle, direction, reason, stamp, stamp, 1, owner)
        )  # fmt: skip

    def slot(day: date, vehicle: int) -> datetime | None:
        for hour in rng.sample(_DRIVE_HOURS, len(_DRIVE_HOURS)):
            start = datetime.combine(day, time(hour, 0))
            if (vehicle, start) not in booked:
                booked.add((vehicle, start))
                return start
        return None

    for row in query:
        # An appointment or a test drive would have moved a sale on from Qualify.
        qualifying = row.stage.key == "qualify"
        start_day = row.created_at.date()
        end_day = row.closed_at.date() if row.closed_at else today - timedelta(days=1)
        span = max((end_day - start_day).days, 1)
        for _ in range(rng.randint(1, 4)):
            day = start_day + timedelta(days=rng.randint(0, span))
            at = datetime.combine(day, time(rng.randint(9, 18), rng.choice((0, 15, 30, 45))))
            pick = rng.random()
            if pick < 0.4:
                subject, direction = rng.choice(_CALLS)
                add(ActivityKind.CALL, gettext(subject), at, True, row, direction=direction)
            elif pick < 0.65:
                add(ActivityKind.EMAIL, gettext(rng.choice(_EMAILS)), at, True, row)
            elif pick < 0.85:
                text, reason = rng.choice(_NOTES)
                name = note_reasons.get(reason) or standard_names.english(reason)
                add(ActivityKind.NOTE, gettext(text), at, True, row, reason=name)
            elif not qualifying:
                add(ActivityKind.APPOINTMENT, gettext(rng.choice(_APPOINTMENTS)), at, True, row,
                    end=at + timedelta(hours=1))  # fmt: skip
        if row.status != Status.OPEN.value:
            continue
        ahead = rng.random() if not qualifying else 0.6
        if ahead < 0.3 and stock:
            vehicle = row.vehicle_id or rng.choice(stock)
            day = today + timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 7)))
            start = slot(day, vehicle)
            if start is not None:
                add(ActivityKind.TEST_DRIVE, gettext(TEST_DRIVE), start, False, row,
                    end=start + timedelta(hours=1), vehicle=vehicle)  # fmt: skip
        elif ahead < 0.55:
            day = today + timedelta(days=rng.choice((0, 0, 1, 2, 4, 6, 9)))
            at = datetime.combine(day, time(rng.randint(9, 17), rng.choice((0, 30))))
            add(ActivityKind.APPOINTMENT, gettext(rng.choice(_APPOINTMENTS)), at, False, row,
                end=at + timedelta(hours=1))  # fmt: skip
        elif ahead < 0.8:
            day = today + timedelta(days=rng.randint(-6, 6))
            add(ActivityKind.TASK, gettext(rng.choice(_TASKS)), datetime.combine(day, time(17, 0)),
                False, row)  # fmt: skip
    bulk.insert_rows("activity", _columns(), rows, stamp=False)
    return len(rows)
