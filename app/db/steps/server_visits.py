"""The funnel's figures kept per opportunity and stage on PostgreSQL (opportunity_stage_visit),
as schema 6 keeps them on SQLite (app.db.steps.v2_to_v7): PL/pgSQL trigger functions on the
stage history, the stages' order and the opportunities' status write the same rows, so the
dashboard's funnel (and its maintained aggregates, funnel_total) read them on both backends
rather than every move. Part of the aggregates' step; idempotent.

Days are kept as days since the Unix epoch on both (SQLite's julianday() − VISIT_DAY_ORIGIN
is the same number)."""

from __future__ import annotations

from peewee import Database


def _day(row: str) -> str:
    return f"(EXTRACT(EPOCH FROM {row}.created_at) / 86400.0)"


def _onward(row: str) -> str:
    """1 when a move went on: to a later stage that is not a lost one; else 0."""
    return (
        "coalesce((SELECT CASE WHEN t.sequence > f.sequence AND NOT t.is_lost THEN 1 ELSE 0 END "
        f"FROM stage t, stage f WHERE t.id = {row}.to_stage_id AND f.id = {row}.from_stage_id), 0)"
    )


def _add_move(row: str) -> list[str]:
    return [
        f"""INSERT INTO opportunity_stage_visit AS v (opportunity_id, stage_id, visits, entered)
            SELECT {row}.opportunity_id, {row}.to_stage_id, 1, {_day(row)}
            WHERE {row}.to_stage_id IS NOT NULL
            ON CONFLICT (opportunity_id, stage_id) DO UPDATE SET
                visits = v.visits + 1, entered = v.entered + excluded.entered;""",
        f"""INSERT INTO opportunity_stage_visit AS v
                (opportunity_id, stage_id, went_on, leaves, left_at)
            SELECT {row}.opportunity_id, {row}.from_stage_id, {_onward(row)}, 1, {_day(row)}
            WHERE {row}.from_stage_id IS NOT NULL
            ON CONFLICT (opportunity_id, stage_id) DO UPDATE SET
                went_on = v.went_on + excluded.went_on, leaves = v.leaves + 1,
                left_at = v.left_at + excluded.left_at;""",
    ]


def _take_move(row: str) -> list[str]:
    return [
        f"""UPDATE opportunity_stage_visit
            SET visits = visits - 1, entered = entered - {_day(row)}
            WHERE opportunity_id = {row}.opportunity_id AND stage_id = {row}.to_stage_id;""",
        f"""UPDATE opportunity_stage_visit
            SET went_on = went_on - {_onward(row)}, leaves = leaves - 1,
                left_at = left_at - {_day(row)}
            WHERE opportunity_id = {row}.opportunity_id AND stage_id = {row}.from_stage_id;""",
    ]


def _lost_last(opportunity: str, status: str) -> str:
    """1 on the row of the stage a lost opportunity's last closing move as lost left."""
    last = f"""(SELECT lc.from_stage_id FROM stage_change lc
        JOIN stage fs ON fs.id = lc.from_stage_id
        WHERE lc.opportunity_id = {opportunity} AND lc.reason = 'lost'
        ORDER BY lc.created_at DESC, lc.id DESC LIMIT 1)"""
    return (
        f"CASE WHEN {status} IS NOT DISTINCT FROM 'lost' "
        f"AND stage_id IS NOT DISTINCT FROM {last} THEN 1 ELSE 0 END"
    )


def _mark_lost(row: str) -> str:
    status = f"(SELECT o.status FROM opportunity o WHERE o.id = {row}.opportunity_id)"
    return f"""UPDATE opportunity_stage_visit
        SET lost_last = {_lost_last(f"{row}.opportunity_id", status)}
        WHERE opportunity_id = {row}.opportunity_id AND {row}.reason = 'lost';"""


_STATUS_OF_SHARES = "(SELECT o.status FROM opportunity o WHERE o.id = shares.opportunity_id)"

# Every stage an opportunity's moves touch, with what the funnel counts of it, from the moves.
VISIT_ROWS = f"""
    SELECT opportunity_id, stage_id, sum(visits), sum(went_on), sum(leaves),
           sum(entered), sum(left_at),
           {_lost_last("shares.opportunity_id", _STATUS_OF_SHARES)}
    FROM (
        SELECT sc.opportunity_id, sc.to_stage_id AS stage_id, 1 AS visits, 0 AS went_on,
               0 AS leaves, {_day("sc")} AS entered, 0.0 AS left_at
        FROM stage_change sc WHERE sc.to_stage_id IS NOT NULL
        UNION ALL
        SELECT sc.opportunity_id, sc.from_stage_id, 0, {_onward("sc")}, 1, 0.0, {_day("sc")}
        FROM stage_change sc WHERE sc.from_stage_id IS NOT NULL
    ) AS shares
    GROUP BY opportunity_id, stage_id
"""

_FILL = [
    "DELETE FROM opportunity_stage_visit",
    "INSERT INTO opportunity_stage_visit "
    "(opportunity_id, stage_id, visits, went_on, leaves, entered, left_at, lost_last)" + VISIT_ROWS,
]

DDL = [
    """CREATE TABLE IF NOT EXISTS opportunity_stage_visit (
        opportunity_id INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
        stage_id INTEGER NOT NULL,
        visits INTEGER NOT NULL DEFAULT 0,
        went_on INTEGER NOT NULL DEFAULT 0,
        leaves INTEGER NOT NULL DEFAULT 0,
        entered DOUBLE PRECISION NOT NULL DEFAULT 0,
        left_at DOUBLE PRECISION NOT NULL DEFAULT 0,
        lost_last INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (opportunity_id, stage_id)
    )""",
    "CREATE INDEX IF NOT EXISTS opportunity_stage_visit_stage_id "
    "ON opportunity_stage_visit (stage_id)",
    f"""CREATE OR REPLACE FUNCTION stage_visit_move() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            {" ".join(_take_move("old"))}
        END IF;
        IF TG_OP <> 'DELETE' THEN
            {" ".join(_add_move("new"))}
        END IF;
        IF TG_OP <> 'INSERT' THEN
            {_mark_lost("old")}
        END IF;
        IF TG_OP <> 'DELETE' THEN
            {_mark_lost("new")}
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS stage_visit_move ON stage_change",
    """CREATE TRIGGER stage_visit_move
        AFTER INSERT OR DELETE OR UPDATE OF opportunity_id, from_stage_id, to_stage_id,
            created_at, reason
        ON stage_change FOR EACH ROW EXECUTE FUNCTION stage_visit_move()""",
    f"""CREATE OR REPLACE FUNCTION stage_visit_stage_order() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE opportunity_stage_visit SET went_on = coalesce((
            SELECT sum({_onward("sc")}) FROM stage_change sc
            WHERE sc.from_stage_id = opportunity_stage_visit.stage_id
              AND sc.opportunity_id = opportunity_stage_visit.opportunity_id), 0)
        WHERE stage_id = new.id OR (opportunity_id, stage_id) IN (
            SELECT sc.opportunity_id, sc.from_stage_id FROM stage_change sc
            WHERE sc.to_stage_id = new.id);
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS stage_visit_stage_order ON stage",
    """CREATE TRIGGER stage_visit_stage_order AFTER UPDATE OF sequence, is_lost ON stage
        FOR EACH ROW WHEN (old.sequence IS DISTINCT FROM new.sequence
                           OR old.is_lost IS DISTINCT FROM new.is_lost)
        EXECUTE FUNCTION stage_visit_stage_order()""",
    f"""CREATE OR REPLACE FUNCTION stage_visit_status() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE opportunity_stage_visit SET lost_last = {_lost_last("new.id", "new.status")}
        WHERE opportunity_id = new.id;
        RETURN NULL;
    END $$""",
    # Named after funnel_scope_update: PostgreSQL fires a table's triggers in the order of
    # their names, and the funnel's aggregates move an opportunity's rows to its new scopes
    # before a change of status marks them again there.
    "DROP TRIGGER IF EXISTS stage_visit_status ON opportunity",
    """CREATE TRIGGER stage_visit_status AFTER UPDATE OF status ON opportunity
        FOR EACH ROW WHEN ((old.status IS NOT DISTINCT FROM 'lost')
                           <> (new.status IS NOT DISTINCT FROM 'lost'))
        EXECUTE FUNCTION stage_visit_status()""",
]


def install(db: Database) -> None:
    """Make the table, functions and triggers (again) and fill the rows from the moves."""
    for statement in [*DDL, *_FILL]:
        db.execute_sql(statement)
