"""Schema step: the dashboard's maintained aggregates (app.db.steps.aggregates) keep every
scope's rows apart by the opportunity's condition, new or used, so the dashboard through one
of its filters together with a condition reads groups, as through the filter alone: a
business's new cars, the new cars within ±90 days of today, a salesperson's used cars. Until
now those read the opportunities; at 300,000 opportunities on the server the new cars within
±90 days took 381-466 ms (p95) a refresh, against 300.

The four tables gain the column `condition` in their keys, after the scope's id; they are
made anew, their triggers with them, and every scope filled from the base tables (the same
statements as a rebuild), on both backends. A scope read alone sums its conditions' rows (two
for a dealership's new and used cars); the scope "condition:new", which the condition alone
had, is no longer kept: the condition alone is everyone's rows of that condition. No index.

What it adds to a write, inside the same transaction: nothing for a write that keeps the
condition (each share goes to its condition's row instead of the scope's one row, as many
rows as before); one scope fewer for every share (the condition's own); a change of
condition, which took and added the opportunity's shares in the scopes of a column, now
also moves its stage-visit rows between the day scopes' rows of the two conditions (its few
rows, taken and added). The program sends no statement more."""

from __future__ import annotations

from peewee import Database

from app.db.steps.aggregates import install, split_kept


def condition_split(db: Database) -> None:
    """The aggregates kept by condition on both backends. Idempotent: where the tables
    already keep it (an earlier step of the same upgrade made them with the program's
    layout), nothing is done."""
    if not split_kept(db):
        install(db)
