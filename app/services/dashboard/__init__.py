"""The sales manager's dashboard: the open pipeline, the forecast and the funnel.

Every figure is an aggregate in SQL over the opportunity list's own filter clauses
(`queries.opportunity_where`), and carries the list filter that selects exactly the
opportunities it counts, so a click on it can show them. Amounts are never added across
currencies: each currency has its own rows and totals.

The package by job: `results` (what the screen shows), `labels` (its words), `open_pipeline`
and `funnel` (the figures from the aggregates in `app.db.dashboard`), `export` (CSV).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from app.db import dashboard as db
from app.db import dashboard_once
from app.db.queries import NONE_ID, OpportunityFilter
from app.domain import money
from app.domain.choices import Status
from app.domain.rights import Right
from app.i18n import current
from app.services import access
from app.services.dashboard.export import csv_rows, export_csv
from app.services.dashboard.funnel import build_funnel, funnel_ids
from app.services.dashboard.labels import (
    BREAKDOWNS,
    DATE_BASES,
    NO_STAGE,
    Names,
    breakdown_label,
    date_basis_label,
)
from app.services.dashboard.open_pipeline import pipeline_and_forecast
from app.services.dashboard.results import (
    Dashboard,
    DashboardFilter,
    Drilldown,
    ForecastRow,
    Funnel,
    FunnelStage,
    Pipeline,
    PipelineCell,
    PipelineRow,
    ReasonCount,
    WonInMonth,
    describe,
    drill,
)

# What the dashboard screen reads from this package, whichever of its modules holds it.
__all__ = [
    "BREAKDOWNS",
    "DATE_BASES",
    "NONE_ID",
    "NO_STAGE",
    "Dashboard",
    "DashboardFilter",
    "Drilldown",
    "ForecastRow",
    "Funnel",
    "FunnelStage",
    "Pipeline",
    "PipelineCell",
    "PipelineRow",
    "ReasonCount",
    "WonInMonth",
    "breakdown_label",
    "csv_rows",
    "date_basis_label",
    "describe",
    "distinct_values",
    "export_csv",
    "load",
    "operations",
    "rebuild_aggregates",
    "with_breakdown",
]


def load(
    flt: DashboardFilter | None = None,
    breakdown: str = "stage",
    today: date | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Everything the dashboard shows for the filter, broken down as asked, in the screen's
    language (the CSV export can name it in another)."""
    access.require(Right.READ_SALES)
    flt = flt or DashboardFilter()
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    today = today or date.today()
    now = now or datetime.now()
    names = Names()
    base = flt.opportunity_filter()
    context = describe(flt, names)
    stages = db.stage_rows()
    # Through a filter the aggregates do not serve, its opportunities are read once for
    # the pipeline, the forecast, the outcomes and the won months together.
    read = None
    if db.aggregate_scope(base) is None:
        months = [(start, end) for _label, start, end in _months(today)]
        # The funnel's figures are read beside the pass, on a connection of their own.
        ids = funnel_ids(stages) or None
        read = dashboard_once.read_once(base, breakdown, today, months, now, ids)
    pipe, forecast = pipeline_and_forecast(
        base, breakdown, today, names, stages, context, read=read
    )
    funnel = build_funnel(base, today, now, pipe, stages, context, names.translator, read=read)
    won = won_months(base, today, context, read=read)
    return Dashboard(flt, today, context, pipe, forecast, funnel, pipe.currencies, won)


def _months(today: date) -> tuple[tuple[str, date, date], ...]:
    """This calendar month and last: (label, first day, last day counted)."""
    t = current()
    this_start = today.replace(day=1)
    last_end = this_start - timedelta(days=1)
    return (
        (t._("Won this month"), this_start, today),
        (t._("Won last month"), last_end.replace(day=1), last_end),
    )


def won_months(
    base: OpportunityFilter,
    today: date,
    context: str,
    read: dashboard_once.FilteredRead | None = None,
) -> list[WonInMonth]:
    """The sales won this calendar month and last, counted and summed by currency (from
    the filter's one read when given)."""
    found = []
    for n, (label, start, end) in enumerate(_months(today)):
        flt = replace(base, status=Status.WON.value, closed_from=start, closed_to=end)
        by_currency = read.won[n] if read is not None else db.won_by_currency(flt, today)
        found.append(
            WonInMonth(
                label,
                sum(count for count, _minor in by_currency.values()),
                {c: money.from_minor(minor, c) for c, (_n, minor) in by_currency.items()},
                drill(context, flt, label),
            )
        )
    return found


def with_breakdown(shown: Dashboard, breakdown: str) -> Dashboard:
    """The same dashboard broken down another way: only the pipeline is read again, since
    the forecast and the funnel do not depend on the breakdown."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    names = Names()
    base = shown.filter.opportunity_filter()
    pipe, forecast = pipeline_and_forecast(
        base, breakdown, shown.today, names, db.stage_rows(), shown.description
    )
    return replace(shown, pipeline=pipe, forecast=forecast, currencies=pipe.currencies)


def rebuild_aggregates() -> int:
    """The dashboard's maintained aggregates rebuilt from the opportunities (they are kept
    by every write; this is for a file changed by hand or a doubt). Returns how many open
    opportunities they count. An administrator's job (the right to set the program up)."""
    access.require(Right.SETUP)
    return db.rebuild_aggregates()


# --- Choices for the filter widgets ----------------------------------------------------------


def distinct_values(column: str) -> list[str]:
    """The brands or sources the opportunities use, for the filter combos."""
    return db.distinct_values(column)


def operations() -> list[tuple[int, str]]:
    """Every operation as (id, "Facility · Operation")."""
    return sorted(Names().operation.items(), key=lambda kv: kv[1])
