"""The dashboard's open pipeline, forecast, funnel and outcomes kept as aggregates, so a
refresh reads groups rather than opportunities.

`pipeline_total` holds the open opportunities' count, Σ est. revenue and Σ revenue ×
probability per (scope, dimension, value, stage, currency): the scope is everyone (`''`, id
0) or one salesperson (`owner`, the owner column), one team (`team`, the team that holds
or sells it) or one facility (`facility`): the dashboard's filters by one of those, which
are plain column tests (app.db.queries); the dimensions are those of the dashboard's
breakdowns (`''` by stage alone; `owner` is the owner, else minus the team that holds it
untaken, as app.db.dashboard.GROUP_COLUMNS groups). `forecast_total` holds the same sums
per (scope, currency, est. close date), from which the forecast windows are summed for any
day, `outcome_total` how the opportunities stand per (scope, status, reason, currency, day
closed), and `funnel_total` the funnel's figures per (scope, stage), summed from
opportunity_stage_visit (which this step keeps on PostgreSQL too: app.db.steps.server_visits).

Triggers keep them in the same transaction as every write that changes an opportunity
(saves, stage moves, closes, reopenings, takes and reassignments, merges, purges, lead
conversions, imports, the demo, plain SQL): the row's old contribution is taken away and
its new one added, and only when a counted column changes. On SQLite they are SQL
triggers; on PostgreSQL the same statements in PL/pgSQL trigger functions. Schema 21 made
and filled them for its four scopes (app.db.steps.aggregates_v21, kept as released), schema
27 (app.db.steps.dashboard_filters) the scopes it added, through `install`; a new database
and `rebuild` (`main.py rebuild-aggregates`) fill every scope.
Further salespeople (opportunity_salesperson) count nowhere: no dashboard filter reads them.

Since app.db.steps.dashboard_filters every single filter of the dashboard is a scope: one
business or operation too (their ids); one brand, channel or source (TEXT_SCOPES: the scope
"brand:Škoda", id 0); and the day of the est. close date (`close`) and of the creation
(`created`), the day as the number YYYYMMDD in scope_id (DAY_SCOPES), so a date range by
either sums the range's days, exact for any range of whole days (the filter's own unit),
reading days rather than opportunities. Since app.db.steps.condition_split every table keeps
a scope's rows apart by the opportunity's condition (SPLIT, the key's column after the
scope's id): the condition alone is everyone's rows of it, and beside any one scope that
scope's rows of it.

SCOPES, TEXT_SCOPES, DAY_SCOPES and DIMENSIONS are lists: a further scope or breakdown is one
entry more and a rebuild."""

from __future__ import annotations

from collections.abc import Collection

from peewee import Database

from app.db.connection import is_sqlite
from app.db.steps.server_visits import install as install_server_visits

# Scope name -> the opportunity column it narrows by ("" is everyone).
SCOPES: dict[str, str] = {
    "": "",
    "owner": "owner_id",
    "team": "team_id",
    "facility": "facility_id",
    "business": "business_id",
    "operation": "operation_id",
}
# Scope name -> the opportunity's text column it narrows by: the scope is "name:value"
# (one brand: "brand:Škoda"), scope_id 0.
TEXT_SCOPES: dict[str, str] = {
    "brand": "brand",
    "channel": "channel",
    "source": "source",
}
# The column every scope's rows are kept apart by (app.db.steps.condition_split): a scope
# read alone sums its conditions' rows, a scope with the condition beside it reads one's.
# New and used cars are a dealership's two trades: each of the dashboard's filters together
# with one of them reads groups, as the filter alone does.
SPLIT = "condition"
# Scope name -> the opportunity column whose day it narrows by (never NULL).
DAY_SCOPES: dict[str, str] = {
    "close": "est_close_date",
    "created": "created_at",
}
# Dimension name -> what it breaks down by, over the row {row} ("" is by stage alone).
DIMENSIONS: dict[str, str] = {
    "": "",
    "owner": "coalesce({row}.owner_id, -{row}.team_id)",
    "team": "{row}.team_id",
    "business": "{row}.business_id",
    "facility": "{row}.facility_id",
    "operation": "{row}.operation_id",
    "brand": "{row}.brand",
    "condition": "{row}.condition",
    "channel": "{row}.channel",
    "source": "{row}.source",
}
# The opportunity columns the open pipeline reads: a change elsewhere leaves it alone.
COUNTED = sorted(
    {"status", "stage_id", "currency", "est_revenue_minor", "probability", "est_close_date"}
    | {"owner_id", "team_id", "business_id", "facility_id", "operation_id"}
    | {"brand", "condition", "channel", "source"}
    | set(DAY_SCOPES.values())
)

TRIGGER_NAMES = (
    "aggregate_insert",
    "aggregate_update",
    "aggregate_delete",
    "funnel_visit_insert",
    "funnel_visit_update",
    "funnel_visit_delete",
    "funnel_scope_update",
    "funnel_day_update",
    "funnel_opportunity_delete",
    "outcome_insert",
    "outcome_update",
    "outcome_delete",
)

_TABLES = ("pipeline_total", "forecast_total", "funnel_total", "outcome_total")

DDL = [
    """CREATE TABLE IF NOT EXISTS pipeline_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        condition TEXT NOT NULL,
        dimension TEXT NOT NULL,
        value TEXT NOT NULL,
        stage_id INTEGER NOT NULL,
        currency TEXT NOT NULL,
        opportunities INTEGER NOT NULL,
        revenue INTEGER NOT NULL,
        weighted INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, condition, dimension, value, stage_id, currency)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS forecast_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        condition TEXT NOT NULL,
        currency TEXT NOT NULL,
        close_date TEXT NOT NULL,
        opportunities INTEGER NOT NULL,
        revenue INTEGER NOT NULL,
        weighted INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, condition, currency, close_date)
    ) WITHOUT ROWID""",
    # The funnel's figures per scope and stage, summed from opportunity_stage_visit: how
    # many opportunities reached the stage (a visit) and went on from it, the visits and
    # leaves, Σ of the times entered and left, and the lost ones whose last closing move
    # left it.
    """CREATE TABLE IF NOT EXISTS funnel_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        condition TEXT NOT NULL,
        stage_id INTEGER NOT NULL,
        reached INTEGER NOT NULL,
        went_on INTEGER NOT NULL,
        visits INTEGER NOT NULL,
        leaves INTEGER NOT NULL,
        entered REAL NOT NULL,
        left_at REAL NOT NULL,
        lost_last INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, condition, stage_id)
    ) WITHOUT ROWID""",
    # How the opportunities stand, per scope, status, reason (lost or won, "" while open),
    # currency and day closed ("" when not): their count, Σ est. revenue, and for the won
    # ones with a closing time Σ days from created to won and their count.
    """CREATE TABLE IF NOT EXISTS outcome_total (
        scope TEXT NOT NULL,
        scope_id INTEGER NOT NULL,
        condition TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        currency TEXT NOT NULL,
        closed_day TEXT NOT NULL,
        opportunities INTEGER NOT NULL,
        revenue INTEGER NOT NULL,
        won_days REAL NOT NULL,
        won_dated INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_id, condition, status, reason, currency, closed_day)
    ) WITHOUT ROWID""",
]

# On the server: the same tables, with sums wide enough for a dealer group's revenue ×
# probability.
SERVER_DDL = [
    statement.replace(" WITHOUT ROWID", "")
    .replace("revenue INTEGER", "revenue BIGINT")
    .replace("weighted INTEGER", "weighted BIGINT")
    .replace("REAL", "DOUBLE PRECISION")
    for statement in DDL
]


class _Dialect:
    """What the two backends write differently in these statements."""

    def __init__(self, server: bool) -> None:
        self.server = server
        self.distinct = "IS DISTINCT FROM" if server else "IS NOT"
        # The upsert's target: PostgreSQL needs it named beside `excluded`; SQLite takes
        # no alias inside a trigger and reads a bare column as the target's.
        self.target = " AS t" if server else ""
        self.old = "t." if server else ""

    def number(self, test: str) -> str:
        """A test as 1 or 0 (SQLite's comparisons are numbers already)."""
        return f"CASE WHEN {test} THEN 1 ELSE 0 END" if self.server else f"({test})"

    def day_text(self, column: str) -> str:
        """A date as the text 'YYYY-MM-DD' (SQLite keeps it so)."""
        return f"to_char({column}, 'YYYY-MM-DD')" if self.server else column

    def day_number(self, column: str) -> str:
        """A date's or timestamp's day as the integer YYYYMMDD (a day scope's id)."""
        if self.server:
            return f"CAST(to_char({column}, 'YYYYMMDD') AS INTEGER)"
        return f"CAST(replace(substr({column}, 1, 10), '-', '') AS INTEGER)"

    def closed_day(self, column: str) -> str:
        return (
            f"coalesce(to_char({column}, 'YYYY-MM-DD'), '')"
            if self.server
            else f"coalesce(substr({column}, 1, 10), '')"
        )

    def days_between(self, start: str, end: str) -> str:
        """Days from one timestamp to another, as app.db.dashboard counts them."""
        if self.server:
            return f"(EXTRACT(EPOCH FROM {end}) / 86400.0 - EXTRACT(EPOCH FROM {start}) / 86400.0)"
        return f"julianday({end}) - julianday({start})"


SQLITE = _Dialect(server=False)
SERVER = _Dialect(server=True)


def _scope_parts(row: str, d: _Dialect, columns: bool, days: bool) -> list[tuple[str, str, str]]:
    """The scopes of the opportunity row `row`: (scope, scope id, the test that it has it),
    those of a column (an id or a text) and, with `days`, those of a day."""
    parts: list[tuple[str, str, str]] = []
    for name, column in SCOPES.items() if columns else ():
        if column:
            parts.append((f"'{name}'", f"{row}.{column}", f"{row}.{column} IS NOT NULL"))
        else:
            parts.append(("''", "0", "1 = 1"))
    for name, column in TEXT_SCOPES.items() if columns else ():
        parts.append((f"'{name}:' || {row}.{column}", "0", f"{row}.{column} IS NOT NULL"))
    for name, column in DAY_SCOPES.items() if days else ():
        parts.append((f"'{name}'", d.day_number(f"{row}.{column}"), "1 = 1"))
    return parts


def _scopes(row: str, d: _Dialect, columns: bool = True, days: bool = True) -> str:
    """The row's scopes as (scope, scope_id) rows: those of a column, and those of a day."""
    return " UNION ALL ".join(
        f"SELECT {scope} AS scope, {scope_id} AS scope_id WHERE {has}"
        for scope, scope_id, has in _scope_parts(row, d, columns, days)
    )


def _split(row: str) -> str:
    """The row's value of SPLIT, as the aggregates key it."""
    return f"coalesce({row}.{SPLIT}, '')"


def _dimension_value(expression: str, row: str) -> str:
    return f"coalesce(CAST({expression.format(row=row)} AS TEXT), '')" if expression else "''"


def _dimensions(row: str) -> str:
    return " UNION ALL ".join(
        f"SELECT '{name}' AS dimension, {_dimension_value(expression, row)} AS value"
        for name, expression in DIMENSIONS.items()
    )


def _add(key: str, d: _Dialect) -> str:
    return f"""ON CONFLICT ({key}) DO UPDATE SET
        opportunities = {d.old}opportunities + excluded.opportunities,
        revenue = {d.old}revenue + excluded.revenue,
        weighted = {d.old}weighted + excluded.weighted"""


def _change(row: str, sign: int, d: _Dialect = SQLITE) -> list[str]:
    """The upserts that add (sign 1) or take away (sign -1) a row's contribution."""
    amounts = (
        f"{sign}, {sign} * {row}.est_revenue_minor, "
        f"{sign} * {row}.est_revenue_minor * {row}.probability"
    )
    pipeline = f"""INSERT INTO pipeline_total{d.target}
        (scope, scope_id, condition, dimension, value, stage_id, currency, opportunities,
         revenue, weighted)
        SELECT s.scope, s.scope_id, {_split(row)}, d.dimension, d.value,
               coalesce({row}.stage_id, 0),
               {row}.currency, {amounts}
        FROM ({_scopes(row, d)}) AS s CROSS JOIN ({_dimensions(row)}) AS d
        WHERE {row}.status = 'open'
        {_add("scope, scope_id, condition, dimension, value, stage_id, currency", d)};"""
    forecast = f"""INSERT INTO forecast_total{d.target}
        (scope, scope_id, condition, currency, close_date, opportunities, revenue, weighted)
        SELECT s.scope, s.scope_id, {_split(row)}, {row}.currency,
               {d.day_text(f"{row}.est_close_date")}, {amounts}
        FROM ({_scopes(row, d)}) AS s
        WHERE {row}.status = 'open'
        {_add("scope, scope_id, condition, currency, close_date", d)};"""
    return [pipeline, forecast]


def _changed(columns: list[str], d: _Dialect = SQLITE) -> str:
    return " OR ".join(f"old.{c} {d.distinct} new.{c}" for c in columns)


def _scopes_of(opportunity_id: str, d: _Dialect) -> str:
    """The scopes of the opportunity as it stands in its table (none once it is gone), each
    with its SPLIT."""
    return " UNION ALL ".join(
        f"SELECT {scope} AS scope, {scope_id} AS scope_id, {_split('o')} AS split "
        "FROM opportunity o "
        f"WHERE o.id = {opportunity_id} AND {has}"
        for scope, scope_id, has in _scope_parts("o", d, True, True)
    )


_FUNNEL_FIGURES = ("reached", "went_on", "visits", "leaves", "entered", "left_at", "lost_last")
_FUNNEL_COLUMNS = ", ".join(("scope", "scope_id", "condition", "stage_id", *_FUNNEL_FIGURES))


def _funnel_add(d: _Dialect) -> str:
    figures = ", ".join(f"{f} = {d.old}{f} + excluded.{f}" for f in _FUNNEL_FIGURES)
    return f"ON CONFLICT (scope, scope_id, condition, stage_id) DO UPDATE SET {figures};"


def _visit_shares(v: str, sign: int, d: _Dialect) -> str:
    return (
        f"{v}.stage_id, {sign} * {d.number(f'{v}.visits > 0')}, "
        f"{sign} * {d.number(f'{v}.went_on > 0')}, "
        f"{sign} * {v}.visits, {sign} * {v}.leaves, {sign} * {v}.entered, "
        f"{sign} * {v}.left_at, {sign} * {d.number(f'{v}.lost_last <> 0')}"
    )


def _visit_change(row: str, sign: int, d: _Dialect = SQLITE) -> str:
    """Add or take away one visit row's share, in the scopes its opportunity has now."""
    return f"""INSERT INTO funnel_total{d.target} ({_FUNNEL_COLUMNS})
        SELECT s.scope, s.scope_id, s.split, {_visit_shares(row, sign, d)}
        FROM ({_scopes_of(f"{row}.opportunity_id", d)}) AS s WHERE 1 = 1
        {_funnel_add(d)}"""


def _all_visits_change(
    opportunity: str, sign: int, d: _Dialect = SQLITE, columns: bool = True, days: bool = True
) -> str:
    """Add or take away every visit row of an opportunity, in the scopes of the given row
    (those of a column, of a day, or both)."""
    return f"""INSERT INTO funnel_total{d.target} ({_FUNNEL_COLUMNS})
        SELECT s.scope, s.scope_id, {_split(opportunity)}, {_visit_shares("v", sign, d)}
        FROM opportunity_stage_visit v CROSS JOIN ({_scopes(opportunity, d, columns, days)}) AS s
        WHERE v.opportunity_id = {opportunity}.id
        {_funnel_add(d)}"""


_OUTCOME_COUNTED = sorted(
    {"status", "lost_reason", "won_reason", "currency", "closed_at", "created_at"}
    | {"est_revenue_minor"}
    | {c for c in SCOPES.values() if c}
    | set(TEXT_SCOPES.values())
    | set(DAY_SCOPES.values())
    | {SPLIT}
)


def _outcome_values(row: str, sign: int, d: _Dialect) -> str:
    """An opportunity row's outcome key and figures, as outcome_total holds them."""
    won = f"{row}.status = 'won' AND {row}.closed_at IS NOT NULL"
    return (
        f"{row}.status, CASE {row}.status WHEN 'lost' THEN coalesce({row}.lost_reason, '') "
        f"WHEN 'won' THEN coalesce({row}.won_reason, '') ELSE '' END, {row}.currency, "
        f"{d.closed_day(f'{row}.closed_at')}, {sign}, {sign} * {row}.est_revenue_minor, "
        f"{sign} * CASE WHEN {won} THEN "
        f"{d.days_between(f'{row}.created_at', f'{row}.closed_at')} ELSE 0 END, "
        f"{sign} * {d.number(won)}"
    )


def _outcome_change(row: str, sign: int, d: _Dialect = SQLITE) -> str:
    return f"""INSERT INTO outcome_total{d.target}
        (scope, scope_id, condition, status, reason, currency, closed_day, opportunities,
         revenue, won_days, won_dated)
        SELECT s.scope, s.scope_id, {_split(row)}, {_outcome_values(row, sign, d)}
        FROM ({_scopes(row, d)}) AS s WHERE 1 = 1
        ON CONFLICT (scope, scope_id, condition, status, reason, currency, closed_day)
        DO UPDATE SET
        opportunities = {d.old}opportunities + excluded.opportunities,
        revenue = {d.old}revenue + excluded.revenue,
        won_days = {d.old}won_days + excluded.won_days,
        won_dated = {d.old}won_dated + excluded.won_dated;"""


# A new SPLIT moves the rows of both the columns' scopes and the days'; each trigger moves
# its own scopes', so none is moved twice.
_SCOPE_COLUMNS = [c for c in [*SCOPES.values(), *TEXT_SCOPES.values(), SPLIT] if c]
_DAY_COLUMNS = [*DAY_SCOPES.values(), SPLIT]
_SCOPE_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _SCOPE_COLUMNS)
_DAY_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _DAY_COLUMNS)
_OPEN_CHANGED = f"(old.status = 'open' OR new.status = 'open') AND ({_changed(COUNTED)})"

TRIGGERS = [
    "CREATE TRIGGER aggregate_insert AFTER INSERT ON opportunity WHEN new.status = 'open' BEGIN\n"
    + "\n".join(_change("new", 1))
    + "\nEND",
    f"CREATE TRIGGER aggregate_update AFTER UPDATE ON opportunity\n    WHEN {_OPEN_CHANGED} BEGIN\n"
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
    + _all_visits_change("old", -1, days=False)
    + "\n"
    + _all_visits_change("new", 1, days=False)
    + "\nEND",
    # A new close date (or creation day) moves the visit rows between days only.
    "CREATE TRIGGER funnel_day_update AFTER UPDATE ON opportunity\n"
    f"    WHEN {_DAY_CHANGED} BEGIN\n"
    + _all_visits_change("old", -1, columns=False)
    + "\n"
    + _all_visits_change("new", 1, columns=False)
    + "\nEND",
    "CREATE TRIGGER funnel_opportunity_delete BEFORE DELETE ON opportunity BEGIN\n"
    + _all_visits_change("old", -1)
    + "\nEND",
    "CREATE TRIGGER outcome_insert AFTER INSERT ON opportunity BEGIN\n"
    + _outcome_change("new", 1)
    + "\nEND",
    f"CREATE TRIGGER outcome_update AFTER UPDATE ON opportunity\n"
    f"    WHEN {_changed(_OUTCOME_COUNTED)} BEGIN\n"
    + _outcome_change("old", -1)
    + "\n"
    + _outcome_change("new", 1)
    + "\nEND",
    "CREATE TRIGGER outcome_delete AFTER DELETE ON opportunity BEGIN\n"
    + _outcome_change("old", -1)
    + "\nEND",
]


def _server_function(name: str, old: list[str], new: list[str]) -> str:
    """A PL/pgSQL trigger function: the old row's share taken away, the new one's added."""
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            {chr(10).join(old)}
        END IF;
        IF TG_OP <> 'DELETE' THEN
            {chr(10).join(new)}
        END IF;
        RETURN NULL;
    END $$"""


def _server_triggers(
    name: str,
    function: str,
    insert: str,
    update: str,
    delete: str,
    table: str = "opportunity",
) -> list[str]:
    """Each of the three row triggers with its WHEN, so a write that changes nothing the
    aggregates count does not call the function at all."""
    made = []
    for suffix, event, when in (
        ("insert", "INSERT", insert),
        ("update", "UPDATE", update),
        ("delete", "DELETE", delete),
    ):
        made += [
            f"DROP TRIGGER IF EXISTS {name}_{suffix} ON {table}",
            f"CREATE TRIGGER {name}_{suffix} AFTER {event} ON {table} FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION {function}()",
        ]
    return made


_SERVER_SCOPE_CHANGED = " OR ".join(f"old.{c} IS DISTINCT FROM new.{c}" for c in _SCOPE_COLUMNS)
_SERVER_DAY_CHANGED = " OR ".join(f"old.{c} IS DISTINCT FROM new.{c}" for c in _DAY_COLUMNS)

# The funnel's aggregates on the server, as SQLite's funnel triggers keep them: a visit row's
# share in the scopes its opportunity has now; every row of an opportunity moved to its new
# scopes; taken away before the opportunity goes (its rows go after it, counted nowhere).
SERVER_FUNNEL = [
    _server_function(
        "aggregate_funnel_visit",
        [_visit_change("old", -1, SERVER)],
        [_visit_change("new", 1, SERVER)],
    ),
    *_server_triggers(
        "funnel_visit", "aggregate_funnel_visit", "true", "true", "true", "opportunity_stage_visit"
    ),
    _server_function(
        "aggregate_funnel_scope",
        [_all_visits_change("old", -1, SERVER, days=False)],
        [_all_visits_change("new", 1, SERVER, days=False)],
    ),
    "DROP TRIGGER IF EXISTS funnel_scope_update ON opportunity",
    "CREATE TRIGGER funnel_scope_update AFTER UPDATE ON opportunity FOR EACH ROW "
    f"WHEN ({_SERVER_SCOPE_CHANGED}) EXECUTE FUNCTION aggregate_funnel_scope()",
    _server_function(
        "aggregate_funnel_day",
        [_all_visits_change("old", -1, SERVER, columns=False)],
        [_all_visits_change("new", 1, SERVER, columns=False)],
    ),
    "DROP TRIGGER IF EXISTS funnel_day_update ON opportunity",
    "CREATE TRIGGER funnel_day_update AFTER UPDATE ON opportunity FOR EACH ROW "
    f"WHEN ({_SERVER_DAY_CHANGED}) EXECUTE FUNCTION aggregate_funnel_day()",
    f"""CREATE OR REPLACE FUNCTION aggregate_funnel_gone() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        {_all_visits_change("old", -1, SERVER)}
        RETURN old;
    END $$""",
    "DROP TRIGGER IF EXISTS funnel_opportunity_delete ON opportunity",
    "CREATE TRIGGER funnel_opportunity_delete BEFORE DELETE ON opportunity FOR EACH ROW "
    "EXECUTE FUNCTION aggregate_funnel_gone()",
]
# Every trigger the server's aggregates have, (name, table): dropped before a rebuild fills
# the tables, so the fill is not counted twice.
SERVER_TRIGGER_NAMES = [
    *(
        (f"{n}_{e}", "opportunity")
        for n in ("aggregate", "outcome")
        for e in ("insert", "update", "delete")
    ),
    *((f"funnel_visit_{e}", "opportunity_stage_visit") for e in ("insert", "update", "delete")),
    ("funnel_scope_update", "opportunity"),
    ("funnel_day_update", "opportunity"),
    ("funnel_opportunity_delete", "opportunity"),
]


SERVER_TRIGGERS = [
    _server_function("aggregate_pipeline", _change("old", -1, SERVER), _change("new", 1, SERVER)),
    *_server_triggers(
        "aggregate",
        "aggregate_pipeline",
        "new.status = 'open'",
        f"(old.status = 'open' OR new.status = 'open') AND ({_changed(COUNTED, SERVER)})",
        "old.status = 'open'",
    ),
    _server_function(
        "aggregate_outcome",
        [_outcome_change("old", -1, SERVER)],
        [_outcome_change("new", 1, SERVER)],
    ),
    *_server_triggers(
        "outcome", "aggregate_outcome", "true", _changed(_OUTCOME_COUNTED, SERVER), "true"
    ),
]


def scope_names() -> list[str]:
    """Every scope's name, in the order of _scope_parts (a text scope's rows are "name:value")."""
    return [*SCOPES, *TEXT_SCOPES, *DAY_SCOPES]


def _fill(db: Database, d: _Dialect, scopes: Collection[str] | None = None) -> None:
    """The tables emptied and filled from the base tables, a statement per scope and table;
    with `scopes` (their names), those scopes' rows alone."""
    if scopes is None:
        for table in _TABLES:
            db.execute_sql(f"DELETE FROM {table}")
    else:
        unknown = set(scopes) - set(scope_names())
        assert not unknown, unknown  # a step names only scopes this module has
        for table in _TABLES:
            for scope in scopes:
                # A text scope's rows are "brand:Škoda"; a day's or a column's, the name.
                test, value = ("LIKE", f"{scope}:%") if scope in TEXT_SCOPES else ("=", scope)
                db.execute_sql(f"DELETE FROM {table} WHERE scope {test} {db.param}", (value,))
    parts = zip(scope_names(), _scope_parts("o", d, True, True), strict=True)
    for key, (name, scope_id, has) in parts:
        if scopes is not None and key not in scopes:
            continue
        scope_where = f" AND {has}"
        for dimension, expression in DIMENSIONS.items():
            db.execute_sql(
                f"""INSERT INTO pipeline_total
                    (scope, scope_id, condition, dimension, value, stage_id, currency,
                     opportunities, revenue, weighted)
                SELECT {name}, {scope_id}, {_split("o")}, '{dimension}',
                       {_dimension_value(expression, "o")}, coalesce(o.stage_id, 0),
                       o.currency, count(*), sum(o.est_revenue_minor),
                       sum(o.est_revenue_minor * o.probability)
                FROM opportunity o WHERE o.status = 'open'{scope_where}
                GROUP BY 1, 2, 3, 5, 6, 7"""
            )
        db.execute_sql(
            f"""INSERT INTO forecast_total
                (scope, scope_id, condition, currency, close_date, opportunities, revenue,
                 weighted)
            SELECT {name}, {scope_id}, {_split("o")}, o.currency,
                   {d.day_text("o.est_close_date")}, count(*),
                   sum(o.est_revenue_minor), sum(o.est_revenue_minor * o.probability)
            FROM opportunity o WHERE o.status = 'open'{scope_where}
            GROUP BY 1, 2, 3, 4, 5"""
        )
        db.execute_sql(
            f"""INSERT INTO funnel_total ({_FUNNEL_COLUMNS})
            SELECT {name}, {scope_id}, {_split("o")}, v.stage_id,
                   sum({d.number("v.visits > 0")}),
                   sum({d.number("v.went_on > 0")}), sum(v.visits), sum(v.leaves),
                   sum(v.entered), sum(v.left_at), sum({d.number("v.lost_last <> 0")})
            FROM opportunity_stage_visit v JOIN opportunity o ON o.id = v.opportunity_id
            WHERE 1 = 1{scope_where}
            GROUP BY 1, 2, 3, 4"""
        )
        won = "o.status = 'won' AND o.closed_at IS NOT NULL"
        db.execute_sql(
            f"""INSERT INTO outcome_total
                (scope, scope_id, condition, status, reason, currency, closed_day,
                 opportunities, revenue, won_days, won_dated)
            SELECT {name}, {scope_id}, {_split("o")}, o.status,
                   CASE o.status WHEN 'lost' THEN coalesce(o.lost_reason, '')
                        WHEN 'won' THEN coalesce(o.won_reason, '') ELSE '' END,
                   o.currency, {d.closed_day("o.closed_at")}, count(*),
                   sum(o.est_revenue_minor),
                   sum(CASE WHEN {won} THEN {d.days_between("o.created_at", "o.closed_at")}
                       ELSE 0 END),
                   sum({d.number(won)})
            FROM opportunity o WHERE 1 = 1{scope_where}
            GROUP BY 1, 2, 3, 4, 5, 6, 7"""
        )


def split_kept(db: Database) -> bool:
    """Whether the tables are there and keep their rows apart by SPLIT (schema 39 on)."""
    tables = set(db.get_tables())
    return all(
        table in tables and SPLIT in {c.name for c in db.get_columns(table)} for table in _TABLES
    )


def install(db: Database, scopes: Collection[str] | None = None) -> None:
    """The tables and triggers made (again) and the rows filled from the base tables: every
    scope's, or with `scopes` (their names) those scopes' alone, the others' rows kept (a
    step that adds scopes fills only its own). Tables of a layout before SPLIT are made
    anew and every scope filled: their rows cannot be told apart by it."""
    tables = set(db.get_tables())
    if any(t in tables for t in _TABLES) and not split_kept(db):
        for table in _TABLES:
            db.execute_sql(f"DROP TABLE IF EXISTS {table}")
        scopes = None
    if scopes is not None:
        # The condition, a scope an earlier step named, is SPLIT since: every scope's rows
        # hold it.
        scopes = [s for s in scopes if s != SPLIT]
    if is_sqlite(db):
        for name in TRIGGER_NAMES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for statement in [*DDL, *TRIGGERS]:
            db.execute_sql(statement)
        _fill(db, SQLITE, scopes)
        return
    for statement in SERVER_DDL:
        db.execute_sql(statement)
    tables = set(db.get_tables())
    for name, table in SERVER_TRIGGER_NAMES:
        if table in tables:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    install_server_visits(db)
    for statement in [*SERVER_TRIGGERS, *SERVER_FUNNEL]:
        db.execute_sql(statement)
    _fill(db, SERVER, scopes)


def rebuild(db: Database) -> None:
    """The aggregates filled anew from the base tables, in one transaction (on the server
    holding the opportunities' writers off meanwhile, so none is counted twice or lost)."""
    with db.atomic():
        if not is_sqlite(db):
            db.execute_sql("LOCK TABLE opportunity IN SHARE ROW EXCLUSIVE MODE")
        install(db)
