"""The queries of the customer at the desk: their open sales, the salesperson's home site, a
model's list price, the demo fleet's bookings and the primary-demand lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from peewee import JOIN, Case, fn

from app.db import models as m
from app.domain.choices import SOLD_USES, ActivityKind, OperationKind, Status, VehicleUse


@dataclass(frozen=True, slots=True)
class OpenSale:
    """An open opportunity of a customer, as the salesperson about to open another sees it."""

    id: int
    topic: str
    owner_id: int | None
    owner: str
    brand: str
    model: str


def open_sales_of(account_id: int, except_id: int | None = None) -> list[OpenSale]:
    """The customer's open opportunities, newest first: one statement."""
    query = (
        m.Opportunity.select(
            m.Opportunity.id,
            m.Opportunity.topic,
            m.Opportunity.owner,
            m.User.full_name,
            m.Opportunity.brand,
            m.Opportunity.model,
        )
        .join(m.User, JOIN.LEFT_OUTER, on=(m.Opportunity.owner == m.User.id))
        .where(
            (m.Opportunity.account == account_id)
            & (m.Opportunity.status == Status.OPEN.value)
            & (m.Opportunity.id != (except_id or 0))
        )
        .order_by(m.Opportunity.created_at.desc(), m.Opportunity.id.desc())
        .tuples()
    )
    return [OpenSale(i, t, o, n or "", b, mo) for i, t, o, n, b, mo in query]


@dataclass(frozen=True, slots=True)
class HomeSite:
    business_id: int | None
    facility_id: int | None
    operation_id: int | None


def home_site(user_id: int | None, operation_kind: str) -> HomeSite:
    """The user's home business and facility, and the facility's operation of that kind
    (the first one when it has several): one statement."""
    if user_id is None:
        return HomeSite(None, None, None)
    operation = (
        m.Operation.select(fn.MIN(m.Operation.id))
        .where(
            (m.Operation.facility == m.User.home_facility) & (m.Operation.kind == operation_kind)
        )
        .alias("x_operation")
    )
    row = (
        m.User.select(m.User.home_business, m.User.home_facility, operation)
        .where(m.User.id == user_id)
        .tuples()
        .first()
    )
    if row is None:
        return HomeSite(None, None, None)
    return HomeSite(*row)


def operation_kind_for(condition: str) -> str:
    """The operation that sells a vehicle of this condition."""
    if condition in ("used", "ex_demo"):
        return OperationKind.USED_VEHICLE_SALES.value
    return OperationKind.NEW_VEHICLE_SALES.value


def catalogue_price(brand: str, model: str, variant: str = "") -> tuple[int, str] | None:
    """The lowest list price the catalogue has for the model (and the variant, if given),
    with its currency: one statement."""
    where = (fn.lower(m.CatalogueEntry.brand) == brand.strip().lower()) & (
        fn.lower(m.CatalogueEntry.model) == model.strip().lower()
    )
    if variant.strip():
        where &= fn.lower(m.CatalogueEntry.variant) == variant.strip().lower()
    row = (
        m.CatalogueEntry.select(m.CatalogueEntry.list_price_minor, m.CatalogueEntry.currency)
        .where(where & (m.CatalogueEntry.list_price_minor > 0))
        .order_by(m.CatalogueEntry.list_price_minor)
        .tuples()
        .first()
    )
    return (int(row[0]), row[1]) if row else None


def vehicle_price_and_use(vehicle_id: int) -> tuple[int, str, str] | None:
    """A stock vehicle's list price, currency and use."""
    row = (
        m.Vehicle.select(m.Vehicle.list_price_minor, m.Vehicle.currency, m.Vehicle.use)
        .where(m.Vehicle.id == vehicle_id)
        .tuples()
        .first()
    )
    return (int(row[0]), row[1], row[2]) if row else None


# --- the demo fleet ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FleetCar:
    id: int
    label: str
    use: str


@dataclass(frozen=True, slots=True)
class Booking:
    activity_id: int
    vehicle_id: int
    starts_at: datetime
    ends_at: datetime
    owner: str
    customer: str
    opportunity_id: int | None


def set_vehicle_use(vehicle_id: int, use: str, *, only_from: tuple[str, ...] = ()) -> None:
    """The vehicle's use set (audited and versioned as any save); `only_from` limits the
    change to vehicles whose use is one of these. Joins the caller's transaction."""
    where = m.Vehicle.id == vehicle_id
    if only_from:
        where &= m.Vehicle.use.in_(only_from)
    m.update_rows(m.Vehicle, where, use=use)


def bookable_cars(facility_id: int | None = None) -> list[FleetCar]:
    """The cars a test drive may be booked on: the demo fleet first, then unsold stock
    (for sale or in transit), never a sold one: one statement."""
    query = m.Vehicle.select(
        m.Vehicle.id,
        m.Vehicle.brand,
        m.Vehicle.model,
        m.Vehicle.variant,
        m.Vehicle.stock_number,
        m.Vehicle.use,
    ).where(m.Vehicle.use.not_in(SOLD_USES))
    if facility_id is not None:
        query = query.where(m.Vehicle.facility == facility_id)
    demo_first = Case(None, [(m.Vehicle.use == VehicleUse.DEMO_FLEET.value, 0)], 1)
    query = query.order_by(demo_first, m.Vehicle.brand, m.Vehicle.model, m.Vehicle.stock_number)
    return [
        FleetCar(i, f"{' '.join(p for p in (b, mo, v) if p)} · {stock}", use)
        for i, b, mo, v, stock, use in query.tuples()
    ]


def bookings_between(start: datetime, end: datetime, vehicle_ids: list[int]) -> list[Booking]:
    """The test drives of these cars that overlap [start, end), by start: one statement."""
    if not vehicle_ids:
        return []
    query = (
        m.Activity.select(
            m.Activity.id,
            m.Activity.vehicle,
            m.Activity.starts_at,
            m.Activity.ends_at,
            m.User.full_name,
            m.Account.name,
            m.Activity.opportunity,
        )
        .join(m.User, JOIN.LEFT_OUTER, on=(m.Activity.owner == m.User.id))
        .switch(m.Activity)
        .join(m.Account, JOIN.LEFT_OUTER, on=(m.Activity.account == m.Account.id))
        .where(
            (m.Activity.kind == ActivityKind.TEST_DRIVE.value)
            & m.Activity.vehicle.in_(vehicle_ids)
            & (m.Activity.starts_at < end)
            & (fn.COALESCE(m.Activity.ends_at, m.Activity.starts_at) > start)
        )
        .order_by(m.Activity.starts_at)
        .tuples()
    )
    return [
        Booking(a, v, _dt(s), _dt(e or s), o or "", c or "", opp) for a, v, s, e, o, c, opp in query
    ]


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


# --- primary demand ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemandRow:
    kind: str
    description: str
    expected_price_minor: int | None
    currency: str
    comment: str
    # The stored line this row is (with the version it was read at); None for a new line.
    id: int | None = None
    version: int = 0


_DEMAND_VALUES = ("kind", "description", "expected_price_minor", "currency", "comment")


def _demand_owner(opportunity_id: int | None, lead_id: int | None) -> Any:
    return (
        m.DemandLine.opportunity == opportunity_id
        if opportunity_id is not None
        else m.DemandLine.lead == lead_id
    )


def demand_lines(
    *, opportunity_id: int | None = None, lead_id: int | None = None
) -> list[DemandRow]:
    """The primary-demand lines of an opportunity or a lead, in order, each with its id and
    version: one statement."""
    query = (
        m.DemandLine.select(
            m.DemandLine.kind,
            m.DemandLine.description,
            m.DemandLine.expected_price_minor,
            m.DemandLine.currency,
            m.DemandLine.comment,
            m.DemandLine.id,
            m.DemandLine.version,
        )
        .where(_demand_owner(opportunity_id, lead_id))
        .order_by(m.DemandLine.position, m.DemandLine.id)
        .tuples()
    )
    return [DemandRow(*row) for row in query]


def demand_versions(
    *, opportunity_id: int | None = None, lead_id: int | None = None
) -> tuple[dict[int, int], int | None]:
    """The record's lines as stored now, {id: version}, and who changed one of them last."""
    rows = list(
        m.DemandLine.select(m.DemandLine.id, m.DemandLine.version, m.DemandLine.changed_by)
        .where(_demand_owner(opportunity_id, lead_id))
        .order_by(m.DemandLine.updated_at.desc(), m.DemandLine.id.desc())
        .tuples()
    )
    return {i: v for i, v, _ in rows}, (rows[0][2] if rows else None)


def replace_demand_lines(
    lines: list[DemandRow], *, opportunity_id: int | None = None, lead_id: int | None = None
) -> None:
    """Put these lines in place of the record's (inside the caller's transaction), line by
    line through the model, so each create, change and delete is audited and a changed
    line gets a new version; a line that stays as it was keeps its version. A row whose id
    is not one of the record's lines (a lead's line carried to its opportunity) is new."""
    stored = {
        row.id: row for row in m.DemandLine.select().where(_demand_owner(opportunity_id, lead_id))
    }
    kept: set[int] = set()
    for position, line in enumerate(lines, 1):
        values = {name: getattr(line, name) for name in _DEMAND_VALUES}
        row = stored.get(line.id) if line.id is not None else None
        if row is None:
            m.DemandLine.create(
                opportunity=opportunity_id, lead=lead_id, position=position, **values
            )
            continue
        kept.add(row.id)
        values["position"] = position
        changed = {n: v for n, v in values.items() if getattr(row, n) != v}
        if changed:
            for name, value in changed.items():
                setattr(row, name, value)
            row.save()
    for row_id, row in stored.items():
        if row_id not in kept:
            row.delete_instance()


def add_note(
    opportunity_id: int, account_id: int, owner_id: int | None, subject: str, text: str
) -> None:
    """A note on the opportunity, done now (inside the caller's transaction)."""
    m.Activity.create(
        kind=ActivityKind.NOTE.value,
        subject=subject[:200],
        description=text,
        starts_at=m.now(),
        done=True,
        done_at=m.now(),
        owner=owner_id,
        opportunity=opportunity_id,
        account=account_id,
    )


# --- the agenda's coming days ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComingRow:
    """An appointment, test drive or task of the user ahead, or a sale's close date."""

    activity_id: int | None
    kind: str  # an ActivityKind, or "close_date"
    subject: str
    starts_at: datetime
    ends_at: datetime | None
    opportunity_id: int | None
    customer: str
    vehicle: str


def coming(user_id: int, start: datetime, end: datetime, kinds: list[str]) -> list[ComingRow]:
    """The user's activities of these kinds in [start, end) not done, with the test drive's
    car, and their open sales whose close date falls in it: two statements."""
    activities = (
        m.Activity.select(
            m.Activity.id,
            m.Activity.kind,
            m.Activity.subject,
            m.Activity.starts_at,
            m.Activity.ends_at,
            m.Activity.opportunity,
            m.Account.name,
            m.Vehicle.brand,
            m.Vehicle.model,
            m.Vehicle.stock_number,
        )
        .join(m.Account, JOIN.LEFT_OUTER, on=(m.Activity.account == m.Account.id))
        .switch(m.Activity)
        .join(m.Vehicle, JOIN.LEFT_OUTER, on=(m.Activity.vehicle == m.Vehicle.id))
        .where(
            (m.Activity.owner == user_id)
            & (m.Activity.starts_at >= start)
            & (m.Activity.starts_at < end)
            & m.Activity.kind.in_(kinds)
            & (m.Activity.done == False)  # noqa: E712 - peewee's expression
        )
        .tuples()
    )
    rows = [
        ComingRow(
            aid, kind, subject, _dt(s), _dt(e) if e else None, opp, customer or "",
            f"{brand} {model} · {stock}" if stock else "",
        )
        for aid, kind, subject, s, e, opp, customer, brand, model, stock in activities
    ]  # fmt: skip
    closing = (
        m.Opportunity.select(
            m.Opportunity.id, m.Opportunity.topic, m.Opportunity.est_close_date, m.Account.name
        )
        .join(m.Account, on=(m.Opportunity.account == m.Account.id))
        .where(
            (m.Opportunity.owner == user_id)
            & (m.Opportunity.status == Status.OPEN.value)
            & (m.Opportunity.est_close_date >= start.date())
            & (m.Opportunity.est_close_date < end.date())
        )
        .tuples()
    )
    for oid, topic, close, customer in closing:
        day = close if isinstance(close, date) else date.fromisoformat(str(close))
        rows.append(
            ComingRow(None, "close_date", topic, datetime.combine(day, time.min), None, oid,
                      customer or "", "")
        )  # fmt: skip
    return sorted(rows, key=lambda r: (r.starts_at, r.kind != "close_date"))


@dataclass(frozen=True, slots=True)
class FollowUpSource:
    subject: str
    description: str
    owner_id: int | None
    opportunity_id: int | None
    lead_id: int | None
    account_id: int | None


def follow_up_source(activity_id: int) -> FollowUpSource | None:
    row = (
        m.Activity.select(
            m.Activity.subject,
            m.Activity.description,
            m.Activity.owner,
            m.Activity.opportunity,
            m.Activity.lead,
            m.Activity.account,
        )
        .where(m.Activity.id == activity_id)
        .tuples()
        .first()
    )
    return FollowUpSource(*row) if row else None
