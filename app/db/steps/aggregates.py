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

TRIGGER_NAMES = ("aggregate_insert", "aggregate_update", "aggregate_delete")

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
]


def _fill(db: Database) -> None:
    """Both tables emptied and filled from the open opportunities, one statement each."""
    db.execute_sql("DELETE FROM pipeline_total")
    db.execute_sql("DELETE FROM forecast_total")
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
