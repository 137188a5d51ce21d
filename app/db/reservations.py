"""A vehicle's reservation: the open sale that reserves it or the won one that sold it,
and how the lists and the audit name a vehicle."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from app.db import models as m


@dataclass(frozen=True, slots=True)
class Reservation:
    id: int
    topic: str
    owner: str
    status: str  # "open": reserved for the sale; "won": sold with it

    @property
    def sold(self) -> bool:
        return self.status == "won"


# A vehicle is held by the open sale that reserves it, and for good by the won sale that
# sold it (reopening that sale gives it back).
HOLDING_STATUSES = ("open", "won")


def reservation_holder(vehicle_id: int, other_than: int | None) -> Reservation | None:
    """The open opportunity that reserves this vehicle, or the won one that sold it (other
    than `other_than`), if any."""
    query = (
        m.Opportunity.select(
            m.Opportunity.id, m.Opportunity.topic, m.User.full_name, m.Opportunity.status
        )
        .join(m.User, join_type=JOIN.LEFT_OUTER, on=(m.Opportunity.owner == m.User.id))
        .where((m.Opportunity.vehicle == vehicle_id) & m.Opportunity.status.in_(HOLDING_STATUSES))
        .order_by(m.Opportunity.status.desc())  # "won" before "open"
    )
    if other_than is not None:
        query = query.where(m.Opportunity.id != other_than)
    row = query.tuples().first()
    return Reservation(row[0], row[1], row[2] or "", row[3]) if row else None


def vehicle_label(vehicle: m.Vehicle) -> str:
    parts = [vehicle.brand, vehicle.model, vehicle.variant]
    return f"{' '.join(p for p in parts if p)} · {vehicle.vin} · stock {vehicle.stock_number}"
