"""The dashboard's aggregates: the open pipeline by group, stage, currency and forecast
window; the stage history's figures for the funnel; and how the opportunities ended.

Every query runs over the opportunity list's own filter clauses (`queries.opportunity_where`),
so a figure and the list it drills into select the same opportunities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from app.db import models as m
from app.db import queries
from app.db.connection import is_sqlite
from app.db.dashboard_paths import ReadPath, read_path
from app.db.queries import OpportunityFilter
from app.db.settings import setting_value
from app.db.steps import aggregates
from app.domain import money, pipeline
from app.domain.choices import Status

# Breakdown key -> the column the open pipeline is grouped by ("stage" groups by none).
GROUP_COLUMNS: dict[str, str] = {
    # Each opportunity once: under its owner; one nobody has taken under the team that
    # holds it (a negative key: minus the team's id).
    "owner": "COALESCE(o.owner_id, -o.team_id)",  # i18n: ignore
    "team": "o.team_id",
    "business": "o.business_id",
    "facility": "o.facility_id",
    "operation": "o.operation_id",
    "brand": "o.brand",
    "condition": "o.condition",
    "channel": "o.channel",
    "source": "o.source",
}


def _day_number(column: str) -> str:
    """A timestamp column as a day count with fractions, for differences in days."""
    return f"julianday({column})" if is_sqlite() else f"(EXTRACT(EPOCH FROM {column}) / 86400.0)"


def _where(flt: OpportunityFilter, today: date, extra: str = "") -> tuple[str, list[Any]]:
    where, params = queries.opportunity_where(flt, today)
    if extra:
        where = f"{where} AND {extra}" if where else f" WHERE {extra}"
    return where, params


def sorted_currencies(found: Iterable[str]) -> list[str]:
    """The currencies found, the site's own first."""
    home = setting_value("currency")
    first = home if home is not None else money.DEFAULT_CURRENCY
    return sorted(set(found), key=lambda c: (c != first, c))


def operation_names() -> dict[int, str]:
    """Every operation's label, "Facility · Operation", by id."""
    return {
        op_id: f"{facility} · {name}"
        for op_id, name, facility in m.Operation.select(
            m.Operation.id, m.Operation.name, m.Facility.name
        )
        .join(m.Facility)
        .tuples()
    }


def distinct_values(column: str) -> list[str]:
    """The brands or sources the opportunities use, for the filter combos."""
    if column not in ("brand", "source"):
        raise ValueError(column)
    field_ = getattr(m.Opportunity, column)
    query = m.Opportunity.select(field_).where(field_ != "").distinct().order_by(field_)
    return [r[0] for r in query.tuples()]


@dataclass(frozen=True, slots=True)
class StageRow:
    id: int
    name: str
    sequence: int
    is_lost: bool
    funnel: bool  # an open stage shown in the funnel
    key: str | None = None  # a shipped stage's stable key


def stage_rows() -> list[StageRow]:
    query = m.Stage.select(
        m.Stage.id,
        m.Stage.name,
        m.Stage.sequence,
        m.Stage.is_won,
        m.Stage.is_lost,
        m.Stage.in_funnel,
        m.Stage.key,
    ).order_by(m.Stage.sequence, m.Stage.id)
    return [
        StageRow(i, name, seq, bool(lost), bool(funnel) and not won and not lost, key)
        for i, name, seq, won, lost, funnel, key in query.tuples()
    ]


def open_rows(
    flt: OpportunityFilter, breakdown: str, today: date
) -> list[tuple[Any, int | None, str, int, int, int, int]]:
    """Open opportunities grouped by (group, stage, currency, forecast window):
    (group, stage id, currency, window, count, Σ revenue, Σ revenue × %)."""
    group = GROUP_COLUMNS.get(breakdown, "NULL")
    windows = " ".join(
        f"WHEN o.est_close_date <= ? THEN {n}" for n, _ in enumerate(pipeline.FORECAST_WINDOWS, 1)
    )
    where, params = _where(flt, today, "o.status = 'open'")
    # Through two filters together (SQLite), found the cheapest way (app.db.dashboard_paths).
    path = read_path(flt, today)
    sql = f"""
        SELECT {group}, o.stage_id, o.currency,
               CASE WHEN o.est_close_date < ? THEN 0 {windows} ELSE {len(pipeline.FORECAST_WINDOWS) + 1} END,
               count(*), sum(o.est_revenue_minor), sum(o.est_revenue_minor * o.probability)
        FROM opportunity o{path.hint if path is not None else ""}
        {where}
        GROUP BY 1, 2, 3, 4
    """
    bounds = [(today + timedelta(days=d)).isoformat() for d in pipeline.FORECAST_WINDOWS]
    return [tuple(r) for r in queries.fetch_all(sql, [today.isoformat(), *bounds, *params])]  # type: ignore[misc]


PipelineSums = tuple[Any, int | None, str, int, int, int]  # group, stage, currency, Σs
WindowSums = tuple[int, str, int, int, int]  # window, currency, count, Σ revenue, Σ weighted


# A day scope of the aggregates -> the filter's first and last day it answers.
_DAY_FILTERS = {"close": ("close_from", "close_to"), "created": ("created_from", "created_to")}

# (scope, first scope id, last scope id, condition or None for every one): the aggregates'
# rows a filter sums.
Scope = tuple[str, int, int, str | None]


def scope_test(scope: Scope) -> tuple[str, list[Any]]:
    """The test over an aggregates table that keeps the scope's rows, and its parameters."""
    name, first, last, split = scope
    test = "scope = ? AND scope_id BETWEEN ? AND ?"
    if split is None:
        return test, [name, first, last]
    return f"{test} AND {aggregates.SPLIT} = ?", [name, first, last, split]


@dataclass(frozen=True, slots=True)
class Less:
    """Two filters together read as one of them, which the maintained aggregates serve,
    less its opportunities the other leaves out: `scope` the aggregates' rows of the one
    (`single`), `where` (over `opportunity o`, with `params`) the opportunities taken off,
    read through `path` (SQLite: app.db.dashboard_paths). Every figure of the dashboard is
    a count or a sum, so the difference is the pair's figure (app.db.dashboard_once)."""

    single: OpportunityFilter
    scope: Scope
    where: str
    params: list[Any]
    path: ReadPath | None


def _day_id(day: date | None, otherwise: int) -> int:
    """A day as a day scope's id, YYYYMMDD (an open end: `otherwise`)."""
    return otherwise if day is None else day.year * 10_000 + day.month * 100 + day.day


def aggregate_scope(flt: OpportunityFilter) -> Scope | None:
    """The scope of the maintained aggregates that answers the filter, as (scope, first id,
    last id, condition): everyone; or one salesperson, team, facility, business or operation
    (one id); one brand, channel or source (the scope names it, id 0); or a range of close
    or created days (the days' ids); with nothing else narrowed but the condition (new or
    used cars), which every scope's rows are kept apart by. None when the filter needs the
    base tables (two of those together, a team's untaken sales ...). Each scope is a test of
    one column (app.db.queries), a date range whole days from the first to the last, as the
    aggregates count them."""
    split: str | None = getattr(flt, aggregates.SPLIT) or None
    kept: dict[str, Any] = {aggregates.SPLIT: split}
    plain = replace(OpportunityFilter(), **kept)
    if flt == plain:
        return "", 0, 0, split
    for scope, column in aggregates.SCOPES.items():
        value = getattr(flt, column, None) if column else None
        if value and value != queries.NONE_ID and flt == replace(plain, **{column: value}):
            return scope, int(value), int(value), split
    for scope, column in aggregates.TEXT_SCOPES.items():
        value = getattr(flt, column)
        if value and flt == replace(plain, **{column: value}):
            return f"{scope}:{value}", 0, 0, split
    for scope, (start, end) in _DAY_FILTERS.items():
        first, last = getattr(flt, start), getattr(flt, end)
        if (first or last) and flt == replace(plain, **{start: first, end: last}):
            return scope, _day_id(first, 0), _day_id(last, 99_999_999), split
    return None


def _window_case(column: str) -> str:
    windows = " ".join(
        f"WHEN {column} <= ? THEN {n}" for n, _ in enumerate(pipeline.FORECAST_WINDOWS, 1)
    )
    return f"CASE WHEN {column} < ? THEN 0 {windows} ELSE {len(pipeline.FORECAST_WINDOWS) + 1} END"


def _window_bounds(today: date) -> list[str]:
    return [today.isoformat()] + [
        (today + timedelta(days=d)).isoformat() for d in pipeline.FORECAST_WINDOWS
    ]


def _summed_rows(
    flt: OpportunityFilter, breakdown: str, today: date
) -> tuple[list[PipelineSums], list[WindowSums]]:
    """`open_sums` from the opportunities themselves: one grouped read, summed apart."""
    cells: dict[tuple[Any, int | None, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    windows: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for group, stage_id, currency, window, count, revenue, weighted in open_rows(
        flt, breakdown, today
    ):
        for sums in (cells[(group, stage_id, currency)], windows[(window, currency)]):
            sums[0] += count
            sums[1] += revenue or 0
            sums[2] += weighted or 0
    return (
        [(g, s, c, *v) for (g, s, c), v in cells.items()],  # type: ignore[misc]
        [(w, c, *v) for (w, c), v in windows.items()],  # type: ignore[misc]
    )


def open_sums(
    flt: OpportunityFilter, breakdown: str, today: date
) -> tuple[list[PipelineSums], list[WindowSums]]:
    """The open pipeline by (group, stage, currency) and the forecast by (window, currency),
    each as (..., count, Σ revenue, Σ revenue × %). From the maintained aggregates when
    they answer the filter (two reads of a few hundred rows), else from the opportunities."""
    scope = aggregate_scope(flt)
    if scope is None:
        return _summed_rows(flt, breakdown, today)
    dimension = breakdown if breakdown in GROUP_COLUMNS else ""
    ids = dimension in ("owner", "team", "business", "facility", "operation")
    # One id's rows, or a range of days' rows summed.
    test, params = scope_test(scope)
    found = queries.fetch_all(
        "SELECT value, stage_id, currency, sum(opportunities), sum(revenue), sum(weighted) "
        f"FROM pipeline_total WHERE {test} AND dimension = ? "
        "GROUP BY value, stage_id, currency HAVING sum(opportunities) <> 0",
        [*params, dimension],
    )
    cells_found: list[PipelineSums] = []
    for value, stage_id, currency, count, revenue, weighted in found:
        group: Any = value if dimension else None
        if ids:  # an id kept as text, "" where the base tables' group is NULL
            group = int(value) if value else None
        cells_found.append(
            (group, stage_id or None, currency, int(count), int(revenue), int(weighted))
        )
    window_sql = f"""
        SELECT {_window_case("close_date")}, currency,
               sum(opportunities), sum(revenue), sum(weighted)
        FROM forecast_total WHERE {test}
        GROUP BY 1, 2 HAVING sum(opportunities) <> 0
    """
    windows_found = [
        (int(w), c, int(n), int(r or 0), int(x or 0))
        for w, c, n, r, x in queries.fetch_all(window_sql, [*_window_bounds(today), *params])
    ]
    return cells_found, windows_found


def rebuild_aggregates() -> int:
    """The maintained aggregates filled anew from the opportunities, in one transaction;
    returns how many open opportunities they count."""
    aggregates.rebuild(m.database)  # type: ignore[arg-type]
    found = queries.fetch_all(
        "SELECT coalesce(sum(opportunities), 0) FROM pipeline_total "
        "WHERE scope = '' AND dimension = ''",
        [],
    )
    return int(found[0][0])


def cohort_join(flt: OpportunityFilter, today: date) -> tuple[str, list[Any]]:
    """Joins stage_change rows to the filter's opportunities (nothing when unfiltered)."""
    where, params = queries.opportunity_where(flt, today)
    if not where:
        return "", []
    return f" JOIN opportunity o ON o.id = sc.opportunity_id {where}", params


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids) or "NULL"


@dataclass(slots=True)
class StageSums:
    """Per stage id, what the funnel counts from the stage history; `left` and `entered`
    are Σ(left − now) and Σ(entered − now) over its visits."""

    reached: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    went_on: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    visits: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    left: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    entered: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    lost_here: dict[int, int] | None = None  # lost, their last closing move left it


def _visit_now(now: datetime) -> float:
    """Now as the stage visits count days: since the Unix epoch, on both backends."""
    return (now - datetime(1970, 1, 1)).total_seconds() / 86_400


def _kept_figures(
    where: str,
    params: list[Any],
    ids: list[int],
    now: datetime,
    by_id: bool = False,
    hint: str = "",
    exact: bool = False,
) -> StageSums:
    """From the figures kept per opportunity and stage (opportunity_stage_visit, which
    triggers on the stage history keep): the filter's opportunities, each with its few
    rows, summed per stage, and per stage the lost ones whose last closing move left it.
    A visit still going on counts up to now: Σ left − Σ entered + (visits − leaves) × now.
    Reads a row per opportunity and stage it touched rather than every move with a
    running total per stage, and answers where the lost ones stopped in the same pass.
    `exact`: the days' sums as summed, not rounded (to be taken from other sums)."""
    since = _visit_now(now)
    # Through a filter, its opportunities from their index, each one's rows in a row (no
    # test of the stage, which would seek each stage apart); else every row of the stages.
    # With `by_id`, the filter's ids gathered first and their rows read in id order: where
    # the filter's index yields them in another order (a range of close dates), each
    # opportunity's rows would otherwise be sought at random over the whole table.
    # `hint` (SQLite) names how the opportunities are found (app.db.dashboard_paths).
    if where and by_id:
        cohort = (
            "FROM opportunity_stage_visit v WHERE v.opportunity_id IN "
            f"(SELECT o.id FROM opportunity o{hint} {where})"
        )
    elif where:
        cohort = (
            f"FROM opportunity o{hint} CROSS JOIN opportunity_stage_visit v {where} "
            "AND v.opportunity_id = o.id"
        )
    else:
        cohort = f"FROM opportunity_stage_visit v WHERE v.stage_id IN ({_ids(ids)})"
    sql = f"""
        SELECT v.stage_id, count(CASE WHEN v.visits > 0 THEN 1 END),
               count(CASE WHEN v.went_on > 0 THEN 1 END), sum(v.visits),
               sum(v.left_at) - sum(v.entered) + sum(v.visits - v.leaves) * ?,
               count(CASE WHEN v.lost_last <> 0 THEN 1 END)
        {cohort}
        GROUP BY v.stage_id
    """
    return _stage_sums(queries.fetch_all(sql, [since, *params]), exact)


def _stage_sums(found: list[tuple[Any, ...]], exact: bool = False) -> StageSums:
    """StageSums of rows (stage id, reached, went on, visits, days, lost here)."""
    lost_here: dict[int, int] = defaultdict(int)
    sums = StageSums(lost_here=lost_here)
    for stage_id, reached, went_on, visits, days, lost in found:
        sums.reached[stage_id], sums.went_on[stage_id] = int(reached), int(went_on)
        total = float(days or 0)
        sums.visits[stage_id], sums.left[stage_id] = (
            int(visits or 0),
            total if exact else _days(total),
        )
        lost_here[stage_id] = int(lost or 0)
    return sums


def _funnel_totals(scope: Scope, ids: list[int], now: datetime, exact: bool = False) -> StageSums:
    """`_kept_figures` from the maintained aggregates: a row per stage of the scope (per
    stage and day of a range of days, summed)."""
    since = _visit_now(now)
    test, params = scope_test(scope)
    sql = f"""
        SELECT stage_id, sum(reached), sum(went_on), sum(visits),
               sum(left_at) - sum(entered) + sum(visits - leaves) * ?, sum(lost_last)
        FROM funnel_total WHERE {test}
        AND stage_id IN ({_ids(ids)})
        GROUP BY stage_id
    """
    return _stage_sums(queries.fetch_all(sql, [since, *params]), exact)


def _stage_difference(whole: StageSums, part: StageSums) -> StageSums:
    """The figures of `whole`'s opportunities that are not `part`'s, per stage of `whole`
    (a stage none of them touched counts 0, as a stage the reading finds no row of). The
    days are summed exactly and rounded as every reading rounds them."""
    lost_here: dict[int, int] = defaultdict(int)
    sums = StageSums(lost_here=lost_here)
    for stage_id in whole.reached.keys() | whole.visits.keys():
        reached = whole.reached[stage_id] - part.reached.get(stage_id, 0)
        visits = whole.visits[stage_id] - part.visits.get(stage_id, 0)
        went_on = whole.went_on[stage_id] - part.went_on.get(stage_id, 0)
        lost = (whole.lost_here or {}).get(stage_id, 0) - (part.lost_here or {}).get(stage_id, 0)
        sums.reached[stage_id], sums.went_on[stage_id], sums.visits[stage_id] = (
            reached,
            went_on,
            visits,
        )
        sums.left[stage_id] = _days(whole.left[stage_id] - part.left.get(stage_id, 0.0))
        lost_here[stage_id] = lost
    return sums


def stage_sums(
    flt: OpportunityFilter,
    today: date,
    now: datetime,
    ids: list[int],
    path: ReadPath | None = None,
    less: Less | None = None,
) -> StageSums:
    """The stage history's figures for the stage ids, through the filter: from the
    maintained aggregates when they serve the filter, else from the figures kept per
    opportunity and stage (both backends keep them), the opportunities found by `path`
    when given (SQLite: app.db.dashboard_paths); with `less`, the aggregates of one of
    the filters less the kept figures of its opportunities the other leaves out."""
    scope = aggregate_scope(flt)
    if scope is not None:
        return _funnel_totals(scope, ids, now)
    if less is not None:
        whole = _funnel_totals(less.scope, ids, now, exact=True)
        by_id = less.path.by_id if less.path is not None else False
        hint = less.path.hint if less.path is not None else ""
        part = _kept_figures(less.where, less.params, ids, now, by_id, hint, exact=True)
        return _stage_difference(whole, part)
    where, params = queries.opportunity_where(flt, today)
    if path is not None and where:
        return _kept_figures(where, params, ids, now, path.by_id, path.hint)
    # A range of close dates is read on its index in date order, not in id order (SQLite).
    by_id = is_sqlite() and (flt.close_from is not None or flt.close_to is not None)
    return _kept_figures(where, params, ids, now, by_id)


def lost_at(flt: OpportunityFilter, today: date) -> dict[str, int]:
    where, params = _where(flt, today, "o.status = 'lost'")
    sql = f"SELECT ({queries.LAST_LOST_FROM}) AS stage, count(*) FROM opportunity o {where} GROUP BY 1"
    return {r[0]: int(r[1]) for r in queries.fetch_all(sql, params) if r[0] is not None}


def _days(total: float) -> float:
    """A sum of days to a tenth of a second: summed in another order (kept in the
    aggregates, or exactly on the server) it differs only in its last bits."""
    return round(total, 6)


@dataclass(frozen=True, slots=True)
class Outcomes:
    by_status: dict[str, int]
    lost_reasons: dict[str, int]
    without_stages: int
    won_days: float  # Σ days from created to won
    won_dated: int  # won ones with a closing time
    won_reasons: dict[str, int] = field(default_factory=dict)  # why the won ones were won


def outcomes(flt: OpportunityFilter, today: date) -> Outcomes:
    """How the filter's opportunities stand: by status, why the lost ones were lost, how
    many follow no stages, and how long the won ones took. For everyone, small queries,
    each on the index that answers it; through a filter each of those would read the
    filter's opportunities again, so one pass over them answers all four."""
    scope = aggregate_scope(flt)
    if scope is not None:
        return kept_outcomes(flt, today, scope)
    where, params = queries.opportunity_where(flt, today)
    won_days = f"{_day_number('o.closed_at')} - {_day_number('o.created_at')}"
    if where:
        won = "o.status = 'won' AND o.closed_at IS NOT NULL"
        sql = f"""
            SELECT o.status, CASE WHEN o.status = 'lost' THEN o.lost_reason END, count(*),
                   count(CASE WHEN o.stage_id IS NULL THEN 1 END),
                   sum(CASE WHEN {won} THEN {won_days} END), count(CASE WHEN {won} THEN 1 END)
            FROM opportunity o {where}
            GROUP BY 1, 2
        """
        by_status: dict[str, int] = defaultdict(int)
        reasons: dict[str, int] = defaultdict(int)
        without, won_total, won_dated = 0, 0.0, 0
        for status, reason, count, stageless, days, dated in queries.fetch_all(sql, params):
            by_status[status] += int(count)
            if status == Status.LOST.value:
                reasons[reason or ""] += int(count)
            without += int(stageless)
            won_total += float(days or 0)
            won_dated += int(dated)
        return Outcomes(
            dict(by_status),
            dict(reasons),
            without,
            _days(won_total),
            won_dated,
            won_reasons(flt, today),
        )
    by_status = {
        r[0]: int(r[1])
        for r in queries.fetch_all(
            f"SELECT o.status, count(*) FROM opportunity o {where} GROUP BY 1", params
        )
    }
    lost_where, lost_params = _where(flt, today, "o.status = 'lost'")
    reasons = {
        (r[0] or ""): int(r[1])
        for r in queries.fetch_all(
            f"SELECT o.lost_reason, count(*) FROM opportunity o {lost_where} GROUP BY 1",
            lost_params,
        )
    }
    none_where, none_params = _where(flt, today, "o.stage_id IS NULL")
    stageless = queries.fetch_all(f"SELECT count(*) FROM opportunity o {none_where}", none_params)
    won_where, won_params = _where(flt, today, "o.status = 'won' AND o.closed_at IS NOT NULL")
    found = queries.fetch_all(
        f"SELECT sum({won_days}), count(*) FROM opportunity o {won_where}", won_params
    )[0]
    return Outcomes(
        by_status,
        reasons,
        int(stageless[0][0]),
        _days(float(found[0] or 0)),
        int(found[1]),
        won_reasons(flt, today),
    )


def kept_outcomes(
    flt: OpportunityFilter, today: date, scope: Scope, exact: bool = False
) -> Outcomes:
    """`outcomes` from the maintained aggregates: a row per status and reason of the scope
    (how many follow no stages is one count on its index, as before)."""
    test, params = scope_test(scope)
    sql = f"""
        SELECT status, reason, sum(opportunities), sum(won_days), sum(won_dated)
        FROM outcome_total WHERE {test}
        GROUP BY status, reason HAVING sum(opportunities) <> 0
    """
    by_status: dict[str, int] = defaultdict(int)
    lost: dict[str, int] = {}
    won: dict[str, int] = {}
    won_total, won_dated = 0.0, 0
    for status, reason, count, days, dated in queries.fetch_all(sql, params):
        by_status[status] += int(count)
        if status == Status.LOST.value:
            lost[reason] = int(count)
        elif status == Status.WON.value:
            won[reason] = int(count)
        won_total += float(days or 0)
        won_dated += int(dated or 0)
    # Those without stages found on their own index, whatever the scope's column: SQLite
    # would otherwise read a whole close-date range or brand on its index to count them.
    indexed = " INDEXED BY opportunity_stage_id" if is_sqlite() else ""
    none_where, none_params = _where(flt, today, "o.stage_id IS NULL")
    stageless = queries.fetch_all(
        f"SELECT count(*) FROM opportunity o{indexed} {none_where}", none_params
    )
    days = won_total if exact else _days(won_total)
    return Outcomes(dict(by_status), lost, int(stageless[0][0]), days, won_dated, won)


def won_reasons(flt: OpportunityFilter, today: date) -> dict[str, int]:
    """How many of the filter's won opportunities were won for each reason ("" for none)."""
    where, params = _where(flt, today, "o.status = 'won'")
    sql = f"SELECT o.won_reason, count(*) FROM opportunity o {where} GROUP BY 1"
    return {(r[0] or ""): int(r[1]) for r in queries.fetch_all(sql, params)}


def won_by_currency(flt: OpportunityFilter, today: date) -> dict[str, tuple[int, int]]:
    """The filter's won opportunities by currency: (count, Σ est. revenue in minor units)."""
    plain = replace(flt, status=None, closed_from=None, closed_to=None)
    scope = aggregate_scope(plain) if flt.status == Status.WON.value else None
    if scope is not None:
        test, params = scope_test(scope)
        sql = (
            "SELECT currency, sum(opportunities), sum(revenue) FROM outcome_total "
            f"WHERE {test} AND status = 'won' AND closed_day >= ? "
            "AND closed_day <= ? GROUP BY currency HAVING sum(opportunities) <> 0 ORDER BY 1"
        )
        bounds = [
            (flt.closed_from or date.min).isoformat(),
            (flt.closed_to or date.max).isoformat(),
        ]
        return {
            r[0]: (int(r[1]), int(r[2] or 0)) for r in queries.fetch_all(sql, [*params, *bounds])
        }
    where, params = _where(flt, today, "o.status = 'won'")
    sql = (
        "SELECT o.currency, count(*), sum(o.est_revenue_minor) FROM opportunity o "
        f"{where} GROUP BY 1 ORDER BY 1"
    )
    return {r[0]: (int(r[1]), int(r[2] or 0)) for r in queries.fetch_all(sql, params)}
