"""Schema step: each sale keeps the time of its latest stage move (`opportunity.
stage_entered_at`, what its time in the stage counts from), kept by triggers on the stage
history on both backends, and the owner's index holds it, so the agenda tests a
salesperson's open sales from that index alone instead of probing the history once a sale.

The agenda read each open sale's latest move from `stage_change (opportunity_id,
created_at)`: one probe per sale, into an index of 3 moves per opportunity (33 MB at
300,000 opportunities, more than the 32 MB page cache), so the probes missed the cache
more often the larger the database, and the agenda grew 4.1x from 100,000 to 300,000
opportunities (benchmarks/README.md, bench_agenda).

The triggers keep the column whoever writes the history (the services, bulk loads, the
demo, a benchmark's plain connection, a purge's cascade): a move inserted takes it forward
when later than what it holds; a move deleted or changed recounts it from the history.
They write no column another trigger counts, and the program sends no statement more."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

COLUMN = "stage_entered_at"
SERVER_KIND = "TIMESTAMP"  # the column's type on the server
# (owner_id, status, est_close_date, stage_id, stage_entered_at): a salesperson's open
# sales by close date (their list), with what the agenda tests. Named here, not by peewee:
# the name peewee makes is longer than the server's 63 characters.
AGENDA_INDEX = "opportunity_owner_agenda"
_AGENDA_COLUMNS = ("owner_id", "status", "est_close_date", "stage_id", COLUMN)
# The index it replaces (steps/agenda_index.py), which serves no query the new one does not.
_REPLACED_INDEX = "opportunity_owner_id_status_est_close_date_stage_id"

TRIGGER_NAMES = ("stage_entry_insert", "stage_entry_delete", "stage_entry_update")

_LATEST = "(SELECT max(sc.created_at) FROM stage_change sc WHERE sc.opportunity_id = {id})"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER stage_entry_insert AFTER INSERT ON stage_change BEGIN
        UPDATE opportunity SET {COLUMN} = new.created_at
        WHERE id = new.opportunity_id AND ({COLUMN} IS NULL OR {COLUMN} < new.created_at);
    END""",
    # Only when the move deleted may have been the latest: a purge's thousands of deleted
    # moves each cost one look at their (deleted) opportunity's row, no recount.
    f"""CREATE TRIGGER stage_entry_delete AFTER DELETE ON stage_change BEGIN
        UPDATE opportunity SET {COLUMN} = {_LATEST.format(id="old.opportunity_id")}
        WHERE id = old.opportunity_id AND {COLUMN} <= old.created_at;
    END""",
    f"""CREATE TRIGGER stage_entry_update AFTER UPDATE OF created_at, opportunity_id
        ON stage_change BEGIN
        UPDATE opportunity SET {COLUMN} = {_LATEST.format(id="opportunity.id")}
        WHERE id IN (old.opportunity_id, new.opportunity_id);
    END""",
]

SERVER_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION stage_entry_move() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE opportunity SET {COLUMN} = new.created_at
            WHERE id = new.opportunity_id
              AND ({COLUMN} IS NULL OR {COLUMN} < new.created_at);
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE opportunity SET {COLUMN} = {_LATEST.format(id="old.opportunity_id")}
            WHERE id = old.opportunity_id AND {COLUMN} <= old.created_at;
        ELSE
            UPDATE opportunity o SET {COLUMN} = {_LATEST.format(id="o.id")}
            WHERE o.id IN (old.opportunity_id, new.opportunity_id);
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS stage_entry_insert ON stage_change",
    "CREATE TRIGGER stage_entry_insert AFTER INSERT ON stage_change FOR EACH ROW "
    "EXECUTE FUNCTION stage_entry_move()",
    "DROP TRIGGER IF EXISTS stage_entry_delete ON stage_change",
    "CREATE TRIGGER stage_entry_delete AFTER DELETE ON stage_change FOR EACH ROW "
    "EXECUTE FUNCTION stage_entry_move()",
    "DROP TRIGGER IF EXISTS stage_entry_update ON stage_change",
    "CREATE TRIGGER stage_entry_update AFTER UPDATE OF created_at, opportunity_id "
    "ON stage_change FOR EACH ROW EXECUTE FUNCTION stage_entry_move()",
]


def create_stage_entry(db: Database) -> None:
    """The column (added when missing, after the columns other steps add, as an upgraded
    database has it; not a field of the model, so a save never writes it), filled from the
    history, the agenda's index and the triggers made anew; idempotent. For a new database,
    a database moved onto the server (after its rows are copied) and the step."""
    if COLUMN not in {c.name for c in db.get_columns("opportunity")}:
        kind = "DATETIME" if is_sqlite(db) else SERVER_KIND
        db.execute_sql(f'ALTER TABLE "opportunity" ADD COLUMN "{COLUMN}" {kind}')
    fill_stage_entry(db)
    columns = ", ".join(f'"{c}"' for c in _AGENDA_COLUMNS)
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{AGENDA_INDEX}" ON "opportunity" ({columns})')
    if is_sqlite(db):
        for name in TRIGGER_NAMES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for statement in SQLITE_TRIGGERS:
            db.execute_sql(statement)
        return
    for statement in SERVER_TRIGGERS:
        db.execute_sql(statement)


def fill_stage_entry(db: Database) -> None:
    """Every sale's column set from its history, in one statement: its latest move's time,
    none for a sale without one. The grouping walks (opportunity_id, created_at) in order.
    Only the rows whose time differs are written (a moved database's came with its rows)."""
    distinct = "IS NOT" if is_sqlite(db) else "IS DISTINCT FROM"
    db.execute_sql(
        f"""UPDATE "opportunity" SET "{COLUMN}" = latest.at
        FROM (SELECT opportunity_id, max(created_at) AS at FROM stage_change
              GROUP BY opportunity_id) AS latest
        WHERE latest.opportunity_id = "opportunity".id
          AND "opportunity"."{COLUMN}" {distinct} latest.at"""
    )


def stage_entry(db: Database) -> None:
    """Schema step: the column added when missing and filled from the history, the agenda's
    index in place of the owner's, the triggers made anew. Idempotent: run again, it fills
    the column with the same values."""
    create_stage_entry(db)
    db.execute_sql(f'DROP INDEX IF EXISTS "{_REPLACED_INDEX}"')
    if not is_sqlite(db) or "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity")
