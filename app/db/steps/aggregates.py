"""The dashboard's open pipeline and forecast kept as aggregates (SQLite), so a refresh reads
groups rather than opportunities.

`pipeline_total` holds the open opportunities' count, Σ est. revenue and Σ revenue ×
probability per (scope, dimension, value, stage, currency): the scope is everyone
(`''`, id 0) or one salesperson (`owner`) or one facility (`facility`), the dimensions
those of the dashboard's breakdowns (`''` by stage alone). `forecast_total` holds the same
sums per (scope, currency, est. close date), from which the forecast windows are summed
for any day. Triggers on `opportunity` keep both in the same transaction as every write
that changes an opportunity (saves, stage moves, closes, reopenings, merges, purges, lead
conversions, imports, the demo, a restored file's later writes): the row's old
contribution is taken away and its new one added, two upserts per table, and only when
an open opportunity's counted columns change. A step fills them from the base tables, and
`rebuild` fills them anew (`main.py rebuild-aggregates`).

SCOPES and DIMENSIONS are lists: a further scope or breakdown (a team) is one entry more
and a rebuild. SQLite only, as the search index and the stage visits are; on PostgreSQL
the dashboard reads the base tables."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

# Scope name -> the opportunity column it narrows by ("" is everyone).
SCOPES: dict[str, str] = {"": "", "owner": "owner_id", "facility": "facility_id"}
# Dimension name -> the opportunity column it breaks down by ("" is by stage alone).
DIMENSIONS: dict[str, str] = {
    "": "",
    "owner": "owner_id",
    "business": "business_id",
    "facility": "facility_id",
    "operation": "operation_id",
    "brand": "brand",
    "condition": "condition",
    "channel": "channel",
    "source": "source",
}
# The opportunity columns the aggregates read: a change elsewhere leaves them alone.
COUNTED = sorted(
    {"status", "stage_id", "currency", "est_revenue_minor", "probability", "est_close_date"}
    | {c for c in SCOPES.values() if c}
    | {c for c in DIMENSIONS.values() if c}
)

TRIGGER_NAMES = (
    "aggregate_insert",
    "aggregate_update",
    "aggregate_delete",
    "funnel_visit_insert",
    "funnel_visit_update",
    "funnel_visit_delete",
    "funnel_scope_update",
    "funnel_opportunity_delete",
    "outcome_insert",
    "outcome_update",
    "outcome_delete",
)

DDL = [
    """CREATE TABLE IF NOT EXISTS pipeline_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        dimension TEXT NOT NULL,
        value TEXT NOT NULL,
        stage_id INTEGER NOT NULL,
        currency TEXT NOT NULL,
        opportunities INTEGER NOT NULL,
        revenue INTEGER NOT NULL,
        weighted INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, dimension, value, stage_id, currency)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS forecast_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        currency TEXT NOT NULL,
        close_date TEXT NOT NULL,
        opportunities INTEGER NOT NULL,
        revenue INTEGER NOT NULL,
        weighted INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, currency, close_date)
    ) WITHOUT ROWID""",
    # The funnel's figures per scope and stage, summed from opportunity_stage_visit: how
    # many opportunities reached the stage (a visit) and went on from it, the visits and
    # leaves, Σ of the times entered and left, and the lost ones whose last closing move
    # left it.
    """CREATE TABLE IF NOT EXISTS funnel_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        stage_id INTEGER NOT NULL,
        reached INTEGER NOT NULL,
        went_on INTEGER NOT NULL,
        visits INTEGER NOT NULL,
        leaves INTEGER NOT NULL,
        entered REAL NOT NULL,
        left_at REAL NOT NULL,
        lost_last INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, stage_id)
    ) WITHOUT ROWID""",
    # How the opportunities stand, per scope, status, reason (lost or won, "" while open),
    # currency and day closed ("" when not): their count, Σ est. revenue, and for the won
    # ones with a closing time Σ days from created to won and their count.
    """CREATE TABLE IF NOT EXISTS outcome_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        currency TEXT NOT NULL,
        closed_day TEXT NOT NULL,
        opportunities INTEGER NOT NULL,
        revenue INTEGER NOT NULL,
        won_days REAL NOT NULL,
        won_dated INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, status, reason, currency, closed_day)
    ) WITHOUT ROWID""",
]


def _scopes(row: str) -> str:
    parts = []
    for name, column in SCOPES.items():
        if column:
            parts.append(
                f"SELECT '{name}' AS scope, {row}.{column} AS scope_id "
                f"WHERE {row}.{column} IS NOT NULL"
            )
        else:
            parts.append("SELECT '' AS scope, 0 AS scope_id")
    return " UNION ALL ".join(parts)


def _dimensions(row: str) -> str:
    parts = []
    for name, column in DIMENSIONS.items():
        value = f"coalesce(CAST({row}.{column} AS TEXT), '')" if column else "''"
        parts.append(f"SELECT '{name}' AS dimension, {value} AS value")
    return " UNION ALL ".join(parts)


_ADD = """ON CONFLICT ({key}) DO UPDATE SET
        opportunities = opportunities + excluded.opportunities,
        revenue = revenue + excluded.revenue,
        weighted = weighted + excluded.weighted"""


def _change(row: str, sign: int) -> list[str]:
    """The upserts that add (sign 1) or take away (sign -1) a row's contribution."""
    amounts = (
        f"{sign}, {sign} * {row}.est_revenue_minor, "
        f"{sign} * {row}.est_revenue_minor * {row}.probability"
    )
    pipeline = f"""INSERT INTO pipeline_total
        (scope, scope_id, dimension, value, stage_id, currency, opportunities, revenue, weighted)
        SELECT s.scope, s.scope_id, d.dimension, d.value, coalesce({row}.stage_id, 0),
               {row}.currency, {amounts}
        FROM ({_scopes(row)}) AS s CROSS JOIN ({_dimensions(row)}) AS d
        WHERE {row}.status = 'open'
        {_ADD.format(key="scope, scope_id, dimension, value, stage_id, currency")};"""
    forecast = f"""INSERT INTO forecast_total
        (scope, scope_id, currency, close_date, opportunities, revenue, weighted)
        SELECT s.scope, s.scope_id, {row}.currency, {row}.est_close_date, {amounts}
        FROM ({_scopes(row)}) AS s
        WHERE {row}.status = 'open'
        {_ADD.format(key="scope, scope_id, currency, close_date")};"""
    return [pipeline, forecast]


def _changed() -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in COUNTED)


def _scopes_of(opportunity_id: str) -> str:
    """The scopes of the opportunity as it stands in its table (none once it is gone)."""
    parts = []
    for name, column in SCOPES.items():
        if column:
            parts.append(
                f"SELECT '{name}' AS scope, o.{column} AS scope_id FROM opportunity o "
                f"WHERE o.id = {opportunity_id} AND o.{column} IS NOT NULL"
            )
        else:
            parts.append(
                f"SELECT '' AS scope, 0 AS scope_id FROM opportunity o WHERE o.id = {opportunity_id}"
            )
    return " UNION ALL ".join(parts)


_FUNNEL_FIGURES = ("reached", "went_on", "visits", "leaves", "entered", "left_at", "lost_last")
_FUNNEL_COLUMNS = ", ".join(("scope", "scope_id", "stage_id", *_FUNNEL_FIGURES))
_FUNNEL_ADD = """ON CONFLICT (scope, scope_id, stage_id) DO UPDATE SET
        reached = reached + excluded.reached, went_on = went_on + excluded.went_on,
        visits = visits + excluded.visits, leaves = leaves + excluded.leaves,
        entered = entered + excluded.entered, left_at = left_at + excluded.left_at,
        lost_last = lost_last + excluded.lost_last;"""


def _visit_shares(v: str, sign: int) -> str:
    return (
        f"{v}.stage_id, {sign} * ({v}.visits > 0), {sign} * ({v}.went_on > 0), "
        f"{sign} * {v}.visits, {sign} * {v}.leaves, {sign} * {v}.entered, "
        f"{sign} * {v}.left_at, {sign} * ({v}.lost_last <> 0)"
    )


def _visit_change(row: str, sign: int) -> str:
    """Add or take away one visit row's share, in the scopes its opportunity has now."""
    return f"""INSERT INTO funnel_total ({_FUNNEL_COLUMNS})
        SELECT s.scope, s.scope_id, {_visit_shares(row, sign)}
        FROM ({_scopes_of(f"{row}.opportunity_id")}) AS s WHERE 1 = 1
        {_FUNNEL_ADD}"""


def _all_visits_change(opportunity: str, sign: int) -> str:
    """Add or take away every visit row of an opportunity, in the scopes of the given row."""
    return f"""INSERT INTO funnel_total ({_FUNNEL_COLUMNS})
        SELECT s.scope, s.scope_id, {_visit_shares("v", sign)}
        FROM opportunity_stage_visit v CROSS JOIN ({_scopes(opportunity)}) AS s
        WHERE v.opportunity_id = {opportunity}.id
        {_FUNNEL_ADD}"""


_OUTCOME_COUNTED = sorted(
    {"status", "lost_reason", "won_reason", "currency", "closed_at", "created_at"}
    | {"est_revenue_minor"}
    | {c for c in SCOPES.values() if c}
)


def _outcome_values(row: str) -> str:
    """An opportunity row's outcome key and figures, as outcome_total holds them."""
    won_dated = f"({row}.status = 'won' AND {row}.closed_at IS NOT NULL)"
    return (
        f"{row}.status, CASE {row}.status WHEN 'lost' THEN coalesce({row}.lost_reason, '') "
        f"WHEN 'won' THEN coalesce({row}.won_reason, '') ELSE '' END, {row}.currency, "
        f"coalesce(substr({row}.closed_at, 1, 10), ''), "
        "{sign}, {sign} * " + f"{row}.est_revenue_minor, "
        "{sign} * " + f"CASE WHEN {won_dated} THEN julianday({row}.closed_at) - "
        f"julianday({row}.created_at) ELSE 0 END, " + "{sign} * " + f"{won_dated}"
    )


def _outcome_change(row: str, sign: int) -> str:
    return f"""INSERT INTO outcome_total
        (scope, scope_id, status, reason, currency, closed_day, opportunities, revenue,
         won_days, won_dated)
        SELECT s.scope, s.scope_id, {_outcome_values(row).format(sign=sign)}
        FROM ({_scopes(row)}) AS s WHERE 1 = 1
        ON CONFLICT (scope, scope_id, status, reason, currency, closed_day) DO UPDATE SET
        opportunities = opportunities + excluded.opportunities,
        revenue = revenue + excluded.revenue,
        won_days = won_days + excluded.won_days,
        won_dated = won_dated + excluded.won_dated;"""


_SCOPE_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in SCOPES.values() if c)

TRIGGERS = [
    "CREATE TRIGGER aggregate_insert AFTER INSERT ON opportunity WHEN new.status = 'open' BEGIN\n"
    + "\n".join(_change("new", 1))
    + "\nEND",
    "CREATE TRIGGER aggregate_update AFTER UPDATE ON opportunity\n"
    f"    WHEN (old.status = 'open' OR new.status = 'open') AND ({_changed()}) BEGIN\n"
    + "\n".join([*_change("old", -1), *_change("new", 1)])
    + "\nEND",
    "CREATE TRIGGER aggregate_delete AFTER DELETE ON opportunity WHEN old.status = 'open' BEGIN\n"
    + "\n".join(_change("old", -1))
    + "\nEND",
    "CREATE TRIGGER funnel_visit_insert AFTER INSERT ON opportunity_stage_visit BEGIN\n"
    + _visit_change("new", 1)
    + "\nEND",
    "CREATE TRIGGER funnel_visit_update AFTER UPDATE ON opportunity_stage_visit BEGIN\n"
    + _visit_change("old", -1)
    + "\n"
    + _visit_change("new", 1)
    + "\nEND",
    # Once its opportunity is gone (a cascade), a visit row counts in no scope any more:
    # the opportunity's deletion took its rows away before.
    "CREATE TRIGGER funnel_visit_delete AFTER DELETE ON opportunity_stage_visit BEGIN\n"
    + _visit_change("old", -1)
    + "\nEND",
    "CREATE TRIGGER funnel_scope_update AFTER UPDATE ON opportunity\n"
    f"    WHEN {_SCOPE_CHANGED} BEGIN\n"
    + _all_visits_change("old", -1)
    + "\n"
    + _all_visits_change("new", 1)
    + "\nEND",
    "CREATE TRIGGER funnel_opportunity_delete BEFORE DELETE ON opportunity BEGIN\n"
    + _all_visits_change("old", -1)
    + "\nEND",
    "CREATE TRIGGER outcome_insert AFTER INSERT ON opportunity BEGIN\n"
    + _outcome_change("new", 1)
    + "\nEND",
    "CREATE TRIGGER outcome_update AFTER UPDATE ON opportunity\n"
    "    WHEN "
    + " OR ".join(f"old.{c} IS NOT new.{c}" for c in _OUTCOME_COUNTED)
    + " BEGIN\n"
    + _outcome_change("old", -1)
    + "\n"
    + _outcome_change("new", 1)
    + "\nEND",
    "CREATE TRIGGER outcome_delete AFTER DELETE ON opportunity BEGIN\n"
    + _outcome_change("old", -1)
    + "\nEND",
]


def _fill(db: Database) -> None:
    """Both tables emptied and filled from the open opportunities, one statement each."""
    db.execute_sql("DELETE FROM pipeline_total")
    db.execute_sql("DELETE FROM forecast_total")
    db.execute_sql("DELETE FROM funnel_total")
    db.execute_sql("DELETE FROM outcome_total")
    for name, column in SCOPES.items():
        scope_id = f"o.{column}" if column else "0"
        scope_where = f" AND o.{column} IS NOT NULL" if column else ""
        for dimension, dim_column in DIMENSIONS.items():
            value = f"coalesce(CAST(o.{dim_column} AS TEXT), '')" if dim_column else "''"
            db.execute_sql(
                f"""INSERT INTO pipeline_total
                    (scope, scope_id, dimension, value, stage_id, currency,
                     opportunities, revenue, weighted)
                SELECT '{name}', {scope_id}, '{dimension}', {value}, coalesce(o.stage_id, 0),
                       o.currency, count(*), sum(o.est_revenue_minor),
                       sum(o.est_revenue_minor * o.probability)
                FROM opportunity o WHERE o.status = 'open'{scope_where}
                GROUP BY 2, 4, 5, 6"""
            )
        db.execute_sql(
            f"""INSERT INTO forecast_total
                (scope, scope_id, currency, close_date, opportunities, revenue, weighted)
            SELECT '{name}', {scope_id}, o.currency, o.est_close_date, count(*),
                   sum(o.est_revenue_minor), sum(o.est_revenue_minor * o.probability)
            FROM opportunity o WHERE o.status = 'open'{scope_where}
            GROUP BY 2, 3, 4"""
        )
        db.execute_sql(
            f"""INSERT INTO funnel_total ({_FUNNEL_COLUMNS})
            SELECT '{name}', {scope_id}, v.stage_id, sum(v.visits > 0), sum(v.went_on > 0),
                   sum(v.visits), sum(v.leaves), sum(v.entered), sum(v.left_at),
                   sum(v.lost_last <> 0)
            FROM opportunity_stage_visit v JOIN opportunity o ON o.id = v.opportunity_id
            WHERE 1 = 1{scope_where}
            GROUP BY 2, 3"""
        )
        won = "(o.status = 'won' AND o.closed_at IS NOT NULL)"
        db.execute_sql(
            f"""INSERT INTO outcome_total
                (scope, scope_id, status, reason, currency, closed_day, opportunities,
                 revenue, won_days, won_dated)
            SELECT '{name}', {scope_id}, o.status,
                   CASE o.status WHEN 'lost' THEN coalesce(o.lost_reason, '')
                        WHEN 'won' THEN coalesce(o.won_reason, '') ELSE '' END,
                   o.currency, coalesce(substr(o.closed_at, 1, 10), ''), count(*),
                   sum(o.est_revenue_minor),
                   sum(CASE WHEN {won} THEN julianday(o.closed_at) - julianday(o.created_at)
                       ELSE 0 END),
                   sum({won})
            FROM opportunity o WHERE 1 = 1{scope_where}
            GROUP BY 2, 3, 4, 5, 6"""
        )


def install(db: Database) -> None:
    """The tables and triggers made (again) and the rows filled from the base tables."""
    if not is_sqlite(db):
        return
    for name in TRIGGER_NAMES:
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    for statement in DDL:
        db.execute_sql(statement)
    for statement in TRIGGERS:
        db.execute_sql(statement)
    _fill(db)


def rebuild(db: Database) -> None:
    """The aggregates filled anew from the base tables, in one transaction."""
    with db.atomic():
        install(db)


def _aggregates(db: Database) -> None:
    """Schema step: the dashboard's maintained aggregates. Idempotent: the tables made if
    missing, the triggers made anew, the rows filled from the base tables."""
    install(db)
