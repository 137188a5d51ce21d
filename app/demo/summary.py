"""What the demo builder is asked for and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass


class DatabaseNotEmpty(RuntimeError):
    """Demo data goes only into a database without opportunities."""


@dataclass(frozen=True, slots=True)
class DemoSize:
    vehicles: int = 80
    accounts: int = 300
    opportunities: int = 400
    leads: int = 50  # not yet converted; converted ones come with their opportunities
    quoted: int = 400  # at most this many opportunities get their quotes and order forms
    active: int = 400  # at most this many opportunities get their activities


@dataclass(frozen=True, slots=True)
class DemoSummary:
    businesses: int
    facilities: int
    users: int
    catalogue_entries: int
    vehicles: int
    accounts: int
    contacts: int
    leads: int
    opportunities: int
    stage_changes: int
    quotes: int = 0
    order_forms: int = 0
    orders: int = 0
    activities: int = 0

    def __str__(self) -> str:
        return (
            f"{self.businesses} businesses, {self.facilities} facilities, {self.users} users, "
            f"{self.catalogue_entries} catalogue variants, {self.vehicles} vehicles, "
            f"{self.accounts} customers with {self.contacts} contacts, {self.leads} leads, "
            f"{self.opportunities} opportunities, {self.quotes} quotes, "
            f"{self.order_forms} order forms, {self.orders} orders, {self.activities} activities"
        )
