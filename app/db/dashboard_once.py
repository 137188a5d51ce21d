"""The dashboard through a filter the maintained aggregates do not serve, read in one pass.

Such a filter (a close-date range, a brand, a salesperson at one facility, a team's untaken
sales ...) reads the opportunities themselves. The open pipeline, the forecast, how the
opportunities ended and the sales won in the last two months each select from the same
rows, so one grouped statement answers them all: each opportunity falls into one group of
(status, its breakdown group, stage and forecast window when open, its reason when closed,
currency, the month it was won in) and the figures are summed apart from those groups.
Reading the filter's rows once instead of four or five times is what keeps such a refresh
near the cost of one plain GROUP BY. The funnel, summed from the figures kept per
opportunity and stage, is the refresh's one other read (`dashboard.stage_sums`).

A filter with the condition beside one other (a business's new cars, the new cars of a
close-date range) is not read here: the aggregates keep every scope by condition.
On SQLite, where most of one filter's opportunities pass the other (a salesperson at the
facility they work at, a brand within a close-date range), the pair
is read as that one filter's figures, which the maintained aggregates hold, less those of
its opportunities the other leaves out (`less_plan`): every figure is a count or a sum, and
the few it takes off cost less to read than the many it keeps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from app.db import queries, side_read
from app.db.connection import is_sqlite
from app.db.dashboard import (
    GROUP_COLUMNS,
    Less,
    Outcomes,
    PipelineSums,
    Scope,
    StageSums,
    WindowSums,
    _day_number,
    _days,
    _window_bounds,
    _window_case,
    aggregate_scope,
    kept_outcomes,
    open_sums,
    stage_sums,
    won_by_currency,
)
from app.db.dashboard_paths import ReadPath, only_these, read_path
from app.db.queries import OpportunityFilter
from app.db.steps.dashboard_pairs import COVER_INDEX
from app.domain.choices import Status


@dataclass(frozen=True, slots=True)
class FilteredRead:
    """What one pass over the filter's opportunities answers: `open_sums`' two lists,
    `outcomes`, and per month asked `won_by_currency` (currency -> count, Σ revenue)."""

    cells: list[PipelineSums]
    windows: list[WindowSums]
    outcomes: Outcomes
    won: list[dict[str, tuple[int, int]]]
    # How the opportunities were found (SQLite), for the funnel's read to find them so too.
    path: ReadPath | None = None
    # Read as one filter's aggregates less what the other leaves out: the funnel so too.
    less: Less | None = None
    # The funnel's figures of the stage ids asked for, read beside the pass (waits for
    # them; app.db.side_read).
    funnel: Callable[[], StageSums] | None = None


def read_once(
    flt: OpportunityFilter,
    breakdown: str,
    today: date,
    months: list[tuple[date, date]],
    now: datetime | None = None,
    funnel_ids: list[int] | None = None,
) -> FilteredRead:
    """The filter's figures, its opportunities read once (or one of its filters' kept
    figures less its opportunities the others leave out: `less_plan`). `months` are days
    from and to (both included, not overlapping) that the won ones are counted in, as
    `won_by_currency` counts them with the filter's closed_from / closed_to. With
    `funnel_ids`, the funnel's figures of those stages (`stage_sums` as of `now`, found the
    same way) are read beside the pass, on a connection of its own (app.db.side_read): the
    refresh's two long reads at once."""
    path = read_path(flt, today)
    less = less_plan(flt, today) if _broad(path) else None
    funnel = None
    if funnel_ids is not None:
        at = now or datetime.now()
        funnel = side_read.beside(lambda: stage_sums(flt, today, at, funnel_ids, path, less))
    if less is not None:
        part = _pass(less.where, less.params, less.path, breakdown, today, months, exact=True)
        found = _difference(_served(less, breakdown, today, months), part, path, less)
    else:
        where, params = queries.opportunity_where(flt, today)
        found = _pass(where, params, path, breakdown, today, months)
    return replace(found, funnel=funnel)


def _pass(
    where: str,
    params: list[Any],
    path: ReadPath | None,
    breakdown: str,
    today: date,
    months: list[tuple[date, date]],
    exact: bool = False,
) -> FilteredRead:
    """The one grouped read of the opportunities `where` selects (`exact`: the won days'
    sum not rounded)."""
    hint = path.hint if path is not None else ""
    group = GROUP_COLUMNS.get(breakdown, "NULL")
    won = "o.status = 'won'"
    month_case = " ".join(
        f"WHEN {won} AND o.closed_at >= ? AND o.closed_at < ? THEN {n}"
        for n, _ in enumerate(months)
    )
    month_params: list[Any] = []
    for start, end in months:
        month_params += [start.isoformat(), (end + timedelta(days=1)).isoformat()]
    dated = f"{won} AND o.closed_at IS NOT NULL"
    won_days = f"{_day_number('o.closed_at')} - {_day_number('o.created_at')}"
    sql = f"""
        SELECT o.status,
               CASE WHEN o.status = 'open' THEN {group} END,
               CASE WHEN o.status = 'open' THEN o.stage_id END,
               CASE WHEN o.status = 'open' THEN {_window_case("o.est_close_date")} END,
               CASE WHEN o.status = 'lost' THEN o.lost_reason
                    WHEN {won} THEN o.won_reason END,
               CASE {month_case or "WHEN 1 = 0 THEN 0"} END,
               o.currency,
               count(*), sum(o.est_revenue_minor), sum(o.est_revenue_minor * o.probability),
               count(CASE WHEN o.stage_id IS NULL THEN 1 END),
               sum(CASE WHEN {dated} THEN {won_days} END), count(CASE WHEN {dated} THEN 1 END)
        FROM opportunity o{hint} {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """
    found = queries.fetch_all(sql, [*_window_bounds(today), *month_params, *params])
    cells: dict[tuple[Any, int | None, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    windows: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    by_status: dict[str, int] = defaultdict(int)
    lost: dict[str, int] = defaultdict(int)
    won_reasons: dict[str, int] = defaultdict(int)
    won_in: list[dict[str, list[int]]] = [defaultdict(lambda: [0, 0]) for _ in months]
    stageless, won_total, won_dated = 0, 0.0, 0
    for row in found:
        status, grp, stage_id, window, reason, month, currency = row[:7]
        count, revenue, weighted, no_stage, days, dated_count = row[7:]
        count, revenue, weighted = int(count), int(revenue or 0), int(weighted or 0)
        by_status[status] += count
        stageless += int(no_stage)
        won_total += float(days or 0)
        won_dated += int(dated_count)
        if status == Status.OPEN.value:
            for sums in (cells[(grp, stage_id, currency)], windows[(int(window), currency)]):
                sums[0] += count
                sums[1] += revenue
                sums[2] += weighted
        elif status == Status.LOST.value:
            lost[reason or ""] += count
        elif status == Status.WON.value:
            won_reasons[reason or ""] += count
            if month is not None:
                sums = won_in[int(month)][currency]
                sums[0] += count
                sums[1] += revenue
    return FilteredRead(
        [(g, s, c, *v) for (g, s, c), v in cells.items()],  # type: ignore[misc]
        [(w, c, *v) for (w, c), v in windows.items()],  # type: ignore[misc]
        Outcomes(
            dict(by_status),
            dict(lost),
            stageless,
            won_total if exact else _days(won_total),
            won_dated,
            dict(won_reasons),
        ),
        [{c: (n, r) for c, (n, r) in sorted(month.items())} for month in won_in],
        path,
    )


# --- Two filters as one of them less what the other leaves out ------------------------------

# Below this many opportunities (the table's largest id, as dashboard_paths counts it) a
# pair is read as it is: its refresh takes a few tens of milliseconds, and the choice would
# cost a statement more.
LESS_FROM = 20_000
# How many opportunities, spread evenly over the ids, the choice tests the filters on.
SAMPLE = 1_000
# The share of the pair's opportunities the taken-off ones may come to for the difference
# to be read, after adding LESS_FIXED: what the difference reads besides them (the single
# filter's aggregates, the choice of its path: some ten statements of a few hundred rows)
# costs about as much as grouping that many opportunities more (measured at 100,000).
LESS_SHARE = 0.8
LESS_FIXED = 3_000

# The single filters of the dashboard's bar, each one field or a date range's two ends.
_SINGLES: tuple[tuple[str, ...], ...] = (
    ("owner_id",),
    ("team_id",),
    ("facility_id",),
    ("business_id",),
    ("operation_id",),
    ("brand",),
    ("condition",),
    ("channel",),
    ("source",),
    ("close_from", "close_to"),
    ("created_from", "created_to"),
)
_BAR_FIELDS = frozenset(f for single in _SINGLES for f in single)


def _broad(path: ReadPath | None) -> bool:
    """Whether the pair may keep enough for the difference to be weighed: read through the
    covering index in a table of LESS_FROM or more (through a narrow index it keeps few, and
    is read itself without the choice's statement)."""
    return path is not None and path.index == COVER_INDEX and path.table >= LESS_FROM


def _clause(flt: OpportunityFilter, today: date) -> tuple[str, list[Any]]:
    """The filter's test over `opportunity o` without the WHERE."""
    where, params = queries.opportunity_where(flt, today)
    return where.removeprefix(" WHERE "), params


def less_plan(flt: OpportunityFilter, today: date) -> Less | None:
    """How to read a filter of two or more of the bar's filters as one of them, which the
    maintained aggregates serve, less its opportunities the others leave out (SQLite), when
    those are fewer than the pair's own: a salesperson at their facility as the salesperson's
    figures less their sales elsewhere. Every figure is a count or a sum of the opportunities, so the
    difference is exact. Which single filter, and whether, is told by the filters' tests
    on SAMPLE opportunities spread evenly over the ids (read by id: a few milliseconds); a
    condition stays with the single filter, which the aggregates keep by it;
    None: read the pair itself."""
    if not is_sqlite() or not only_these(flt, _BAR_FIELDS):
        return None
    plain = OpportunityFilter()
    candidates: list[tuple[OpportunityFilter, Scope, OpportunityFilter]] = []
    for single_fields in _SINGLES:
        if all(getattr(flt, name) is None for name in single_fields):
            continue
        kept: dict[str, Any] = {name: getattr(flt, name) for name in single_fields}
        # The aggregates keep every scope by condition: the filter's stays with the one.
        kept["condition"] = flt.condition
        single = replace(plain, **kept)
        cleared: dict[str, Any] = dict.fromkeys(kept)
        rest = replace(flt, **cleared)
        scope = aggregate_scope(single)
        if scope is not None and rest != plain:
            candidates.append((single, scope, rest))
    if not candidates:
        return None
    tests = [_clause(flt, today), *(_clause(single, today) for single, _s, _r in candidates)]
    counts = ", ".join(f"count(CASE WHEN {test} THEN 1 END)" for test, _params in tests)
    sql = f"""
        WITH RECURSIVE top(n) AS (SELECT coalesce(max(id), 0) FROM opportunity),
        step(k) AS (SELECT max(1, n / {SAMPLE}) FROM top),
        sample(i) AS (
            SELECT 1 UNION ALL
            SELECT i + (SELECT k FROM step) FROM sample WHERE i < (SELECT n FROM top)
        )
        SELECT (SELECT n FROM top), count(*), {counts}
        FROM sample JOIN opportunity o ON o.id = sample.i
    """
    row = queries.fetch_all(sql, [p for _test, params in tests for p in params])[0]
    table, sampled, pair, *singles = (int(n or 0) for n in row)
    off, best = min((n - pair, i) for i, n in enumerate(singles))
    # In opportunities of the table: the sample's counts scaled to it.
    scale = table / max(sampled, 1)
    if not pair or off * scale + LESS_FIXED >= pair * scale * LESS_SHARE:
        return None
    single, scope, rest = candidates[best]
    where, params = queries.opportunity_where(single, today)
    rest_test, rest_params = _clause(rest, today)
    return Less(
        single,
        scope,
        f"{where} AND NOT coalesce(({rest_test}), 0)",
        [*params, *rest_params],
        read_path(single, today),
    )


def _served(
    less: Less, breakdown: str, today: date, months: list[tuple[date, date]]
) -> FilteredRead:
    """The single filter's figures from the maintained aggregates, the won days' sum not
    rounded."""
    cells, windows = open_sums(less.single, breakdown, today)
    outcomes = kept_outcomes(less.single, today, less.scope, exact=True)
    won = [
        won_by_currency(
            replace(less.single, status=Status.WON.value, closed_from=start, closed_to=end),
            today,
        )
        for start, end in months
    ]
    return FilteredRead(cells, windows, outcomes, won)


def _less_counts(whole: dict[Any, int], part: dict[Any, int]) -> dict[Any, int]:
    """whole − part by key, without the keys left at none (a reading finds no such row)."""
    found = {key: n - part.get(key, 0) for key, n in whole.items()}
    return {key: n for key, n in found.items() if n}


def _less_sums(whole: list[tuple[Any, ...]], part: list[tuple[Any, ...]], key: int) -> list[Any]:
    """Rows of (key..., count, sums...) less those of `part`, without the rows left at no
    opportunity."""
    taken = {row[:key]: row[key:] for row in part}
    found = []
    for row in whole:
        off = taken.get(row[:key])
        figures = (
            row[key:] if off is None else tuple(a - b for a, b in zip(row[key:], off, strict=True))
        )
        if figures[0]:
            found.append((*row[:key], *figures))
    return found


def _difference(
    whole: FilteredRead, part: FilteredRead, path: ReadPath | None, less: Less
) -> FilteredRead:
    """The pair's figures: the single filter's less those of its opportunities the other
    filters leave out."""
    a, b = whole.outcomes, part.outcomes
    outcomes = Outcomes(
        _less_counts(a.by_status, b.by_status),
        _less_counts(a.lost_reasons, b.lost_reasons),
        a.without_stages - b.without_stages,
        _days(a.won_days - b.won_days),
        a.won_dated - b.won_dated,
        _less_counts(a.won_reasons, b.won_reasons),
    )
    won = []
    for whole_month, part_month in zip(whole.won, part.won, strict=True):
        month = {}
        for currency, (count, revenue) in whole_month.items():
            n, r = part_month.get(currency, (0, 0))
            if count - n:
                month[currency] = (count - n, revenue - r)
        won.append(month)
    return FilteredRead(
        _less_sums(whole.cells, part.cells, 3),  # type: ignore[arg-type]
        _less_sums(whole.windows, part.windows, 2),  # type: ignore[arg-type]
        outcomes,
        won,
        path,
        less,
    )
