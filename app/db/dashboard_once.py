"""The dashboard through a filter the maintained aggregates do not serve, read in one pass.

Such a filter (a close-date range, a brand, a salesperson at one facility, a team's untaken
sales ...) reads the opportunities themselves. The open pipeline, the forecast, how the
opportunities ended and the sales won in the last two months each select from the same
rows, so one grouped statement answers them all: each opportunity falls into one group of
(status, its breakdown group, stage and forecast window when open, its reason when closed,
currency, the month it was won in) and the figures are summed apart from those groups.
Reading the filter's rows once instead of four or five times is what keeps such a refresh
near the cost of one plain GROUP BY. The funnel, summed from the figures kept per
opportunity and stage, is the refresh's one other read (`dashboard.stage_sums`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.db import queries
from app.db.dashboard import (
    GROUP_COLUMNS,
    Outcomes,
    PipelineSums,
    WindowSums,
    _day_number,
    _days,
    _window_bounds,
    _window_case,
)
from app.db.dashboard_paths import ReadPath, read_path
from app.db.queries import OpportunityFilter
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


def read_once(
    flt: OpportunityFilter,
    breakdown: str,
    today: date,
    months: list[tuple[date, date]],
) -> FilteredRead:
    """The filter's figures, its opportunities read once. `months` are days from and to
    (both included, not overlapping) that the won ones are counted in, as
    `won_by_currency` counts them with the filter's closed_from / closed_to."""
    where, params = queries.opportunity_where(flt, today)
    path = read_path(flt, today)
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
            _days(won_total),
            won_dated,
            dict(won_reasons),
        ),
        [{c: (n, r) for c, (n, r) in sorted(month.items())} for month in won_in],
        path,
    )
