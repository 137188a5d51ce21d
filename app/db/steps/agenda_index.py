"""Schema step: the owner's index on the opportunities holds their stage too, so the agenda
tests one salesperson's open ones from the index alone; and the activities get an index by
owner and start, so the agenda reads today's appointments, not all the owner's."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

AGENDA_INDEX = "opportunity_owner_id_status_est_close_date_stage_id"
ACTIVITY_INDEX = "activity_owner_id_starts_at"


def agenda_indexes(db: Database) -> None:
    """(owner_id, status, est_close_date, stage_id) in place of (owner_id, status,
    est_close_date): the agenda reads each of a salesperson's open opportunities' close
    date and stage to find the overdue and the stale ones (9,600 for the busiest of 100,000
    opportunities), which took a table read each; the index serves every query the old
    one did. Idempotent."""
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{AGENDA_INDEX}" '
        'ON "opportunity" ("owner_id", "status", "est_close_date", "stage_id")'
    )
    db.execute_sql('DROP INDEX IF EXISTS "opportunity_owner_id_status_est_close_date"')
    # Today's appointments and test drives, done or not: the (owner_id, done, starts_at)
    # index needs the done flag first, so the day's were found among all the owner's.
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{ACTIVITY_INDEX}" ON "activity" ("owner_id", "starts_at")'
    )
    if is_sqlite(db) and "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity")
        db.execute_sql("ANALYZE activity")
