"""Demo data: a Bavarian dealer group with its stock, customers and a year of sales.

A tool, not a use case: `main.py --demo`, the shell's "Load demo data", the tests and the
benchmarks fill an empty database with it. It builds on app.services and app.db; nothing
under app imports it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from app.db import models as m
from app.db.connection import transaction
from app.db.settings import put_setting
from app.demo import activities, fleet, lists, quotes
from app.demo.logo import place_logo
from app.demo.sales import SalesBuilder
from app.demo.summary import DatabaseNotEmpty, DemoSize, DemoSummary
from app.demo.tables import DEMO_ADMINISTRATOR, DEMO_PASSWORD
from app.i18n import _
from app.services import documents

__all__ = [
    "DEMO_ADMINISTRATOR",
    "DEMO_PASSWORD",
    "DatabaseNotEmpty",
    "DemoSize",
    "DemoSummary",
    "load_demo",
]


def load_demo(
    seed: int = 7, today: date | None = None, size: DemoSize | None = None
) -> DemoSummary:
    """Fill a database without opportunities with the demo dealer group, in one transaction.
    The same seed and day give the same data; every date is counted from `today`. A larger
    `size` makes the benchmarks' databases from the same material."""
    size = size or DemoSize()
    builder = SalesBuilder(random.Random(seed), today or date.today())
    with transaction():
        if m.Opportunity.select().exists():
            raise DatabaseNotEmpty(
                _(
                    "This database already holds opportunities; demo data goes only into an "
                    "empty one."
                )
            )
        builder.add_organisation()
        builder.add_users()
        # Filled as the demo's administrator when nobody has signed in yet (main.py --demo
        # fills the database before the sign-in): every change is someone's, and allowed.
        signed_in = m.acting_user()
        if signed_in is None:
            m.set_acting_user(builder.administrator_id)
        try:
            builder.add_catalogue()
            builder.add_vehicles(size.vehicles)
            builder.add_accounts(size.accounts)
            builder.add_opportunities(size.opportunities)
            builder.add_open_leads(size.leads)
            place_logo()
            # A German dealership: its customers' documents are German unless they read another.
            put_setting(documents.LANGUAGE_SETTING, "de")
            issued = quotes.add_documents(builder.rng, builder.today, size.quoted)
            demo_fleet = fleet.mark_uses(builder.rng)
            activity_count = activities.add_activities(builder.rng, builder.today, size.active)
            activity_count += fleet.book_demo_drives(builder.rng, builder.today, demo_fleet)
            fleet.add_demand(builder.rng)
            lists.use_entries(lists.add_own_entries())
            put_setting("currency", "EUR")
        finally:
            if signed_in is None:
                m.set_acting_user(None)
    return replace(
        builder.summary(),
        quotes=issued.quotes,
        order_forms=issued.order_forms,
        orders=issued.orders,
        activities=activity_count,
    )
