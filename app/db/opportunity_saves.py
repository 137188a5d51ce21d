"""What a save of an opportunity reads to check it and writes: each a named query, most of
them one statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import JOIN, SQL, Select, fn

from app.db import models as m
from app.db.connection import database
from app.db.opportunity_queries import (
    VehicleRow,
    as_datetime,
    revenue_quote_column,
    vehicle_row,
)
from app.db.reservations import HOLDING_STATUSES, Reservation


@dataclass(frozen=True, slots=True)
class SaveFacts:
    """What a save checks beyond the row itself, read in one statement."""

    account_name: str | None  # None: no such customer
    facility_business: int | None  # the business of the facility given
    facility_found: bool
    operation_facility: int | None  # the facility of the operation given
    operation_found: bool
    revenue_quote: tuple[str, int] | None
    has_quotes: bool
    contact_linked: bool  # the primary contact is also one of the further contacts
    entered_stage_at: datetime | None


def _entered_stage(opportunity: Any) -> Any:
    """When the sale's latest stage move was made: its own column, kept from the history by
    triggers (app.db.steps.stage_entry), rather than the latest of its moves."""
    return m.Opportunity.select(SQL("stage_entered_at")).where(m.Opportunity.id == opportunity)


def opportunity_row(opportunity_id: int) -> m.Opportunity | None:
    return m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)


def save_facts(
    opportunity_id: int | None,
    account_id: int | None,
    facility_id: int | None,
    operation_id: int | None,
    primary_contact_id: int | None,
) -> SaveFacts:
    """What a save of these values checks, beyond the row: one statement."""

    def scalar(query: Any, name: str) -> Any:
        return query.alias(name)

    none = -1  # no row has this id
    opp = opportunity_id if opportunity_id is not None else none
    columns = [
        scalar(
            m.Account.select(m.Account.name).where(
                m.Account.id == (account_id if account_id is not None else none)
            ),
            "account_name",
        ),
        scalar(
            m.Facility.select(m.Facility.business).where(
                m.Facility.id == (facility_id if facility_id is not None else none)
            ),
            "facility_business",
        ),
        scalar(
            m.Facility.select(fn.COUNT(m.Facility.id)).where(
                m.Facility.id == (facility_id if facility_id is not None else none)
            ),
            "facility_found",
        ),
        scalar(
            m.Operation.select(m.Operation.facility).where(
                m.Operation.id == (operation_id if operation_id is not None else none)
            ),
            "operation_facility",
        ),
        scalar(
            m.Operation.select(fn.COUNT(m.Operation.id)).where(
                m.Operation.id == (operation_id if operation_id is not None else none)
            ),
            "operation_found",
        ),
        scalar(revenue_quote_column(opp, m.Quote.number), "quote_number"),
        scalar(revenue_quote_column(opp, m.Quote.revision), "quote_revision"),
        scalar(
            m.Quote.select(fn.COUNT(m.Quote.id)).where(m.Quote.opportunity == opp),
            "quote_count",
        ),
        scalar(
            m.OpportunityContact.select(fn.COUNT(m.OpportunityContact.id)).where(
                (m.OpportunityContact.opportunity == opp)
                & (
                    m.OpportunityContact.contact
                    == (primary_contact_id if primary_contact_id is not None else none)
                )
            ),
            "contact_linked",
        ),
        scalar(_entered_stage(opp), "entered"),
    ]
    # A select of subqueries alone, with no table of its own.
    values = Select(columns=columns).bind(database).dicts().get()
    number = values["quote_number"]
    return SaveFacts(
        account_name=values["account_name"],
        facility_business=values["facility_business"],
        facility_found=bool(values["facility_found"]),
        operation_facility=values["operation_facility"],
        operation_found=bool(values["operation_found"]),
        revenue_quote=(number, int(values["quote_revision"])) if number is not None else None,
        has_quotes=bool(values["quote_count"]),
        contact_linked=bool(values["contact_linked"]),
        entered_stage_at=as_datetime(values["entered"]),
    )


def vehicle_and_holder(
    vehicle_id: int, other_than: int | None
) -> tuple[VehicleRow | None, Reservation | None]:
    """A stock vehicle and the sale (other than `other_than`) that holds it: one statement."""
    holder = m.Opportunity.alias("holder")
    on = (
        (holder.vehicle == m.Vehicle.id)
        & holder.status.in_(HOLDING_STATUSES)
        & (holder.id != (other_than if other_than is not None else -1))
    )
    query = (
        m.Vehicle.select(
            m.Vehicle.id,
            m.Vehicle.vin,
            m.Vehicle.stock_number,
            m.Vehicle.condition,
            m.Vehicle.brand,
            m.Vehicle.vehicle_class,
            m.Vehicle.model,
            m.Vehicle.model_code,
            m.Vehicle.variant,
            m.Vehicle.colour,
            m.Vehicle.list_price_minor,
            m.Vehicle.currency,
            holder.id,
            holder.topic,
            holder.status,
            m.User.full_name,
        )
        .join(holder, JOIN.LEFT_OUTER, on=on)
        .join(m.User, JOIN.LEFT_OUTER, on=(holder.owner == m.User.id))
        .where(m.Vehicle.id == vehicle_id)
        .order_by(holder.status.desc())  # "won" before "open"
        .tuples()
    )
    first = query.first()
    if first is None:
        return None, None
    vehicle = vehicle_row(first[:12])
    hid, topic, status, owner = first[12:]
    return vehicle, (Reservation(hid, topic, owner or "", status) if hid is not None else None)


def new_row() -> m.Opportunity:
    """An open opportunity not stored yet, for save_opportunity."""
    return m.Opportunity(status="open")


def save_opportunity(row: m.Opportunity) -> None:
    """Store the row (insert or update, with its version, audit line and search text)."""
    row.save()


def record_stage_change(opportunity_id: int, from_stage: int | None, to_stage: int | None) -> None:
    m.StageChange.create(opportunity=opportunity_id, from_stage=from_stage, to_stage=to_stage)


def record_close_date_change(opportunity_id: int, old: date | None, new: date | None) -> None:
    m.CloseDateChange.create(opportunity=opportunity_id, old_date=old, new_date=new)


def move_activities_to(opportunity_id: int, account_id: int) -> None:
    """The sale's activities go with it to its customer."""
    m.update_rows(m.Activity, m.Activity.opportunity == opportunity_id, account=account_id)


def drop_contacts_elsewhere(opportunity_id: int, account_id: int) -> None:
    """Remove the further contacts who are not people at the customer."""
    m.OpportunityContact.delete().where(
        (m.OpportunityContact.opportunity == opportunity_id)
        & m.OpportunityContact.contact.not_in(
            m.Contact.select(m.Contact.id).where(m.Contact.account == account_id)
        )
    ).execute()


def drop_further_contact(opportunity_id: int, contact_id: int) -> None:
    m.OpportunityContact.delete().where(
        (m.OpportunityContact.opportunity == opportunity_id)
        & (m.OpportunityContact.contact == contact_id)
    ).execute()


def user_name(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    row = m.User.get_or_none(m.User.id == user_id)
    return row.full_name if row else None


def close_date_history(opportunity_id: int) -> list[tuple[datetime, date | None, date, str]]:
    """Every est. close date the opportunity had, oldest first: (when, old, new, by)."""
    query = (
        m.CloseDateChange.select(
            m.CloseDateChange.created_at,
            m.CloseDateChange.old_date,
            m.CloseDateChange.new_date,
            m.User.full_name,
        )
        .join(m.User, JOIN.LEFT_OUTER, on=(m.CloseDateChange.changed_by == m.User.id))
        .where(m.CloseDateChange.opportunity == opportunity_id)
        .order_by(m.CloseDateChange.created_at, m.CloseDateChange.id)
        .tuples()
    )
    return [(at, old, new, by or "") for at, old, new, by in query]


def stage_default_probability(stage_id: int) -> int | None:
    row = m.Stage.get_or_none(m.Stage.id == stage_id)
    return int(row.default_probability) if row else None


# What the conflict dialog names a linked record by.
_NAMED: dict[str, tuple[type[m.BaseModel], str]] = {
    "account_id": (m.Account, "name"),
    "owner_id": (m.User, "full_name"),
    "team_id": (m.Team, "name"),
    "kind_id": (m.OpportunityKind, "name"),
    "stage_id": (m.Stage, "name"),
    "business_id": (m.Business, "name"),
    "facility_id": (m.Facility, "name"),
    "operation_id": (m.Operation, "name"),
}


def link_name(field: str, value: int) -> str | None:
    """The name of the record an opportunity's field links to, or None when it is gone."""
    if field in _NAMED:
        model, attribute = _NAMED[field]
        row = model.get_or_none(model.id == value)
        return str(getattr(row, attribute)) if row else None
    if field == "primary_contact_id":
        contact = m.Contact.get_or_none(m.Contact.id == value)
        return f"{contact.first_name} {contact.last_name}".strip() if contact else None
    if field == "vehicle_id":
        vehicle = m.Vehicle.get_or_none(m.Vehicle.id == value)
        return (
            f"{' '.join(p for p in (vehicle.brand, vehicle.model, vehicle.variant) if p)} · "
            f"{vehicle.vin} · stock {vehicle.stock_number}"
            if vehicle
            else None
        )
    raise ValueError(field)


def changed_by(opportunity_id: int) -> tuple[bool, int | None]:
    """Whether the opportunity exists, and who changed it last."""
    row = (
        m.Opportunity.select(m.Opportunity.changed_by)
        .where(m.Opportunity.id == opportunity_id)
        .tuples()
        .first()
    )
    return (row is not None, row[0] if row else None)
