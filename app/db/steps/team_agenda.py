"""Schema step: a team's untaken sales have an index of their own, so a team's agenda (a
sales manager's view) reads index ranges only, as a salesperson's does.

A team's agenda lists its members' open sales and the ones the team holds untaken (no
owner). It read them through the status index, a table row per open sale (62,148 at
100,000 opportunities: 650 ms on a busy machine). Its members' sales are read from the
owner's index (`opportunity_owner_agenda`), once per member, and the untaken ones from
this partial index: (team, status, close date, stage, entered the stage) of the sales
without an owner, with all the agenda tests. It holds only the untaken sales (a few per
cent), so a save costs one index entry more only for those. Idempotent."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite
from app.db.steps.stage_entry import COLUMN

UNTAKEN_INDEX = "opportunity_untaken_agenda"
# The owner last, always NULL: SQLite reads an index as covering only when it holds every
# column the query names, the one of its WHERE too.
_COLUMNS = ("team_id", "status", "est_close_date", "stage_id", COLUMN, "owner_id")


def create_team_agenda(db: Database) -> None:
    """The untaken sales' index (idempotent)."""
    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{UNTAKEN_INDEX}" ON "opportunity" ({columns}) '
        "WHERE owner_id IS NULL"
    )


def team_agenda(db: Database) -> None:
    """Schema step: the index of the team's untaken sales for its agenda."""
    create_team_agenda(db)
    # (Statistics for the new index where the planner reads any: SQLite keeps none until a
    # database is analysed.)
    if not is_sqlite(db) or "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity")
