"""Schema step: every single filter of the dashboard becomes a scope of the maintained
aggregates (app.db.steps.aggregates), so a refresh through one of them reads groups, not
opportunities: one business or operation (their ids), one brand, condition, channel or
source (the scope "brand:Škoda"), and the day of the est. close date and of the creation
(the day as YYYYMMDD), so a date range by either sums its days (at 300,000 opportunities a
range of six months held 180,000 of them). Two filters together still read the
opportunities (app.db.dashboard_once).

The triggers are made anew with the new scopes and the new scopes' rows filled from the
base tables (aggregates.install with the scopes it adds: the same statements on both
backends as a rebuild); the rows of the scopes schema 21 made (app.db.steps.aggregates_v21),
kept by its triggers until now, are left as they are, so an upgrade from before schema 21
fills each scope once. No index. What it adds to a write, inside the same transaction and only when a
counted column changes: an open opportunity's share is taken from and added to 12 scopes
instead of 4 (2 x 10 pipeline rows and 2 forecast rows per scope; for a change of how it
ended 2 outcome rows per scope); a new close date or creation day moves its stage-visit
rows between two days (its few rows, taken and added, in the day scope only); a change of
business, operation, brand, condition, channel or source moves them between those scopes as
a new owner, team or facility did; a stage move adds or takes a visit row's share in 12
scopes instead of 4. The program sends no statement more."""

from __future__ import annotations

from peewee import Database

from app.db.steps.aggregates import install

# The scopes this step adds to those of schema 21 (everyone, owner, team, facility): named
# here, not taken from app.db.steps.aggregates, whose lists a later step may grow.
ADDED_SCOPES = (
    "business",
    "operation",
    "brand",
    "condition",
    "channel",
    "source",
    "close",
    "created",
)


def dashboard_filters(db: Database) -> None:
    """The aggregates' further scopes on both backends. Idempotent: the tables kept, the
    triggers made anew, the added scopes' rows filled again from the base tables."""
    install(db, ADDED_SCOPES)
