"""What the demo builder is asked for and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import Translator, current


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

    def describe(self, translator: Translator | None = None) -> str:
        """What was loaded, in words: "5 businesses, 4 facilities, …, 812 activities", in the
        screen's language (or `translator`'s)."""
        t = translator or current()
        contacts = t.ngettext("{n} contact", "{n} contacts", self.contacts).format(n=self.contacts)
        return t._(
            "{businesses}, {facilities}, {users}, {catalogue}, {vehicles}, {customers}, "
            "{leads}, {opportunities}, {quotes}, {order_forms}, {orders}, {activities}"
        ).format(
            businesses=t.ngettext("{n} business", "{n} businesses", self.businesses).format(
                n=self.businesses
            ),
            facilities=t.ngettext("{n} facility", "{n} facilities", self.facilities).format(
                n=self.facilities
            ),
            users=t.ngettext("{n} user", "{n} users", self.users).format(n=self.users),
            catalogue=t.ngettext(
                "{n} catalogue variant", "{n} catalogue variants", self.catalogue_entries
            ).format(n=self.catalogue_entries),
            vehicles=t.ngettext("{n} vehicle", "{n} vehicles", self.vehicles).format(
                n=self.vehicles
            ),
            customers=t.ngettext(
                "{n} customer with {contacts}", "{n} customers with {contacts}", self.accounts
            ).format(n=self.accounts, contacts=contacts),
            leads=t.ngettext("{n} lead", "{n} leads", self.leads).format(n=self.leads),
            opportunities=t.ngettext(
                "{n} opportunity", "{n} opportunities", self.opportunities
            ).format(n=self.opportunities),
            quotes=t.ngettext("{n} quote", "{n} quotes", self.quotes).format(n=self.quotes),
            order_forms=t.ngettext("{n} order form", "{n} order forms", self.order_forms).format(
                n=self.order_forms
            ),
            orders=t.ngettext("{n} order", "{n} orders", self.orders).format(n=self.orders),
            activities=t.ngettext("{n} activity", "{n} activities", self.activities).format(
                n=self.activities
            ),
        )

    def __str__(self) -> str:
        return self.describe()
