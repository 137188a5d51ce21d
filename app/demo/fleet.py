"""The demo dealership's stock by use: the cars sold, each facility's demo fleet with test
drives booked over the coming week, and what the customers asked for (primary demand) on
the open sales and leads."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.db import models as m
from app.db.bulk import insert_rows
from app.demo.tables import TEST_DRIVE, said
from app.domain.choices import ActivityKind, Condition, DemandKind, Interest, Status, VehicleUse
from app.i18n import N_, gettext, ngettext

FLEET_PER_FACILITY = 3
_DRIVE_HOURS = (9, 10, 11, 13, 14, 15, 16, 17)
_ACCESSORIES = (
    (N_("Tow bar"), 890),
    (N_("Winter wheels"), 1_450),
    (N_("Roof rack"), 390),
    (N_("All-weather mats"), 120),
)
_SERVICES = (
    (N_("Maintenance package, 3 years"), 990),
    (N_("Extended warranty, 5 years"), 1_290),
)
_VEHICLE_NOTES = ("", "", N_("colour open"), N_("by spring"))


def mark_uses(rng: random.Random) -> dict[int, list[int]]:
    """Cars of won sales are sold; a few new cars per facility that no sale holds become its
    demo fleet. Returns each facility's demo fleet."""
    sold = m.Opportunity.select(m.Opportunity.vehicle).where(
        (m.Opportunity.status == Status.WON.value) & m.Opportunity.vehicle.is_null(False)
    )
    m.Vehicle.update(use=VehicleUse.SOLD.value).where(m.Vehicle.id.in_(sold)).execute()
    held = m.Opportunity.select(m.Opportunity.vehicle).where(m.Opportunity.vehicle.is_null(False))
    free = (
        m.Vehicle.select(m.Vehicle.id, m.Vehicle.facility)
        .where(
            (m.Vehicle.condition == Condition.NEW.value)
            & (m.Vehicle.use == VehicleUse.FOR_SALE.value)
            & m.Vehicle.id.not_in(held)
        )
        .order_by(m.Vehicle.id)
        .tuples()
    )
    fleet: dict[int, list[int]] = {}
    for vehicle_id, facility_id in free:
        cars = fleet.setdefault(facility_id, [])
        if len(cars) < FLEET_PER_FACILITY:
            cars.append(vehicle_id)
    chosen = [v for cars in fleet.values() for v in cars]
    m.Vehicle.update(use=VehicleUse.DEMO_FLEET.value).where(m.Vehicle.id.in_(chosen)).execute()
    return fleet


def book_demo_drives(rng: random.Random, today: date, fleet: dict[int, list[int]]) -> int:
    """Test drives on the demo fleet over the coming week, for open sales of the facility,
    never two on one car at once. Returns how many were booked."""
    open_sales = list(
        m.Opportunity.select(
            m.Opportunity.id, m.Opportunity.account, m.Opportunity.owner, m.Opportunity.facility
        )
        .where((m.Opportunity.status == Status.OPEN.value) & m.Opportunity.facility.is_null(False))
        .order_by(m.Opportunity.id)
        .tuples()
    )
    rows: list[tuple[object, ...]] = []
    for facility_id, cars in fleet.items():
        here = [s for s in open_sales if s[3] == facility_id]
        if not here:
            continue
        for car in cars:
            taken: set[datetime] = set()
            for _ in range(rng.randint(3, 7)):
                day = today + timedelta(days=rng.randint(0, 6))
                if day.weekday() == 6:
                    continue
                start = datetime.combine(day, time(rng.choice(_DRIVE_HOURS), 0))
                if start in taken:
                    continue
                taken.add(start)
                sale_id, account_id, owner_id, _facility = rng.choice(here)
                stamp = min(start, datetime.combine(today, time(8, 0)))
                rows.append(
                    (ActivityKind.TEST_DRIVE.value, gettext(TEST_DRIVE), "", start,
                     start + timedelta(hours=1), False, None, owner_id, sale_id, account_id,
                     car, "", "", stamp, stamp, 1, owner_id)
                )  # fmt: skip
    columns = (
        "kind", "subject", "description", "starts_at", "ends_at", "done", "done_at",
        "owner_id", "opportunity_id", "account_id", "vehicle_id", "direction", "note_reason",
        "created_at", "updated_at",
        "version", "changed_by",
    )  # fmt: skip
    insert_rows("activity", columns, rows, stamp=False)
    return len(rows)


def add_demand(rng: random.Random) -> int:
    """What the customer asked for on each open sale and open lead: the vehicle with the
    price they hope for, and sometimes accessories, services or financing."""
    rows: list[tuple[object, ...]] = []
    sales = (
        m.Opportunity.select(
            m.Opportunity.id,
            m.Opportunity.brand,
            m.Opportunity.model,
            m.Opportunity.variant,
            m.Opportunity.est_revenue_minor,
            m.Opportunity.currency,
            m.Opportunity.interest,
        )
        .where(m.Opportunity.status == Status.OPEN.value)
        .order_by(m.Opportunity.id)
        .tuples()
    )
    for sale_id, brand, model, variant, revenue, currency, interest in sales:
        lines = _lines(rng, brand, model, variant, revenue, interest)
        for n, (kind, text, price, comment) in enumerate(lines, 1):
            rows.append((sale_id, None, n, kind, text, price, currency, comment))
    leads = (
        m.Lead.select(m.Lead.id, m.Lead.brand, m.Lead.model, m.Lead.variant, m.Lead.interest)
        .where(m.Lead.status.in_(["new", "contacted", "qualified"]))
        .order_by(m.Lead.id)
        .tuples()
    )
    for lead_id, brand, model, variant, interest in leads:
        lines = _lines(rng, brand, model, variant, 0, interest)
        for n, (kind, text, price, comment) in enumerate(lines, 1):
            rows.append((None, lead_id, n, kind, text, price, "EUR", comment))
    insert_rows(
        "demand_line",
        (
            "opportunity_id",
            "lead_id",
            "position",
            "kind",
            "description",
            "expected_price_minor",
            "currency",
            "comment",
        ),
        rows,
    )
    return len(rows)


def _lines(
    rng: random.Random, brand: str, model: str, variant: str, revenue_minor: int, interest: str
) -> list[tuple[str, str, int | None, str]]:
    vehicle = " ".join(p for p in (brand, model, variant) if p) or "A new car"
    hoped = (
        int(revenue_minor * rng.uniform(0.88, 0.97) / 10_000) * 10_000 if revenue_minor else None
    )
    lines: list[tuple[str, str, int | None, str]] = [
        (DemandKind.VEHICLE.value, vehicle, hoped, said(rng.choice(_VEHICLE_NOTES)))
    ]
    if rng.random() < 0.4:
        text, price = rng.choice(_ACCESSORIES)
        lines.append((DemandKind.ACCESSORIES.value, gettext(text), price * 100, ""))
    if rng.random() < 0.25:
        text, price = rng.choice(_SERVICES)
        lines.append((DemandKind.SERVICES.value, gettext(text), price * 100, ""))
    if interest in (Interest.FINANCE.value, Interest.LEASE.value):
        months = rng.choice((36, 48, 60))
        lines.append(
            (
                DemandKind.FINANCING.value,
                ngettext("{count} month", "{count} months", months).format(count=months),
                None,
                gettext(N_("low monthly rate")),
            )
        )
    return lines
