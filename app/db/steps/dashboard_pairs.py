"""Schema step: on SQLite the dashboard's columns of every opportunity are kept in one
covering index, so a refresh through two filters together (what the maintained aggregates
do not serve) reads that index instead of the opportunities' rows.

Such a refresh reads a broad share of the opportunities (the new cars within ±90 days are
four in ten; a brand a third) twice: the pipeline, forecast and outcomes in one grouped
statement, and the ids whose stage visits the funnel sums. A row of the table is wide (the
topic, the description, the closing note, the vehicle and some forty columns: about 350
bytes), so at 100,000 opportunities the table no longer fits the program's 32 MB page cache
and every refresh reads it again from the disk's cache, at 300,000 three times over. This
index holds only the columns those reads name (the filter bar's tests, the breakdowns, the
figures): about a third of a row, so it stays in the cache where the table does not, and
its entries are read in order. Brand first and close date second, so a brand's pairs (a
brand within a close-date range, a brand from one source) read a range of it.

A save that changes one of those columns rewrites the opportunity's entry (one more index
entry, as for the table's other indexes). On PostgreSQL the planner reads its own indexes
(an index-only scan needs the visibility map besides); this step makes nothing there.
Idempotent."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

COVER_INDEX = "opportunity_dashboard_cover"
# Every column the dashboard's reads through the filter bar name (app.db.dashboard_once,
# app.db.dashboard.open_rows and the funnel's ids): SQLite reads an index as covering only
# when it holds each of them.
COVER_COLUMNS = (
    "brand",
    "est_close_date",
    "status",
    "condition",
    "owner_id",
    "team_id",
    "business_id",
    "facility_id",
    "operation_id",
    "channel",
    "source",
    "created_at",
    "stage_id",
    "currency",
    "est_revenue_minor",
    "probability",
    "closed_at",
    "lost_reason",
    "won_reason",
)


def create_dashboard_cover(db: Database) -> None:
    """The covering index of the dashboard's columns (SQLite; idempotent)."""
    if not is_sqlite(db):
        return
    columns = ", ".join(f'"{c}"' for c in COVER_COLUMNS)
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{COVER_INDEX}" ON "opportunity" ({columns})')


def dashboard_pairs(db: Database) -> None:
    """Schema step: the dashboard's covering index."""
    if not is_sqlite(db):
        return
    create_dashboard_cover(db)
    # (Statistics for the new index where the planner reads any: SQLite keeps none until a
    # database is analysed.)
    if "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity")
