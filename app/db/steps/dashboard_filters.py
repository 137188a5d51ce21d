"""Schema step: the dashboard's maintained aggregates also count each opportunity under the
day of its est. close date and of its creation (aggregates.DAY_SCOPES), so the dashboard's
date range, by either date, sums the range's days instead of reading its opportunities
(at 300,000 opportunities a range of six months held 180,000 of them).

The triggers are made anew with the two scopes and the four tables filled from the base
tables (aggregates.install: the same statements on both backends as the aggregates' own
step). What it adds to a write: each change of a counted column of an open opportunity
upserts its share in two scopes more (2 x 10 pipeline rows, 2 forecast rows, and for a
change of how it ended 2 outcome rows, each taken from the old and added to the new); a
new close date moves the opportunity's stage-visit rows between two days of the close-day
scope (its few rows, taken and added), and a stage move adds or takes a visit row's share in
the two day scopes too."""

from __future__ import annotations

from peewee import Database

from app.db.steps.aggregates import install


def dashboard_filters(db: Database) -> None:
    """The aggregates' day scopes on both backends. Idempotent: the tables kept, the
    triggers made anew, the rows filled again from the base tables."""
    install(db)
