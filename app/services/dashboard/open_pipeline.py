"""The open pipeline (by group, stage and currency) and the forecast (by close-date window),
built from the grouped sums the database returns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from app.db import dashboard as db
from app.db.queries import NONE_ID, OpportunityFilter
from app.domain import money, pipeline
from app.domain.choices import Status
from app.services.dashboard.labels import FILTER_FIELDS, ID_GROUPS, NO_STAGE, NOT_SET, Names
from app.services.dashboard.results import ForecastRow, Pipeline, PipelineCell, PipelineRow, drill
from app.services.matching import sort_key


@dataclass(slots=True)
class Sums:
    count: int = 0
    revenue: int = 0
    weighted: int = 0  # Σ revenue × probability, in minor units × 100

    def add(self, count: int, revenue: int, weighted: int) -> None:
        self.count += count
        self.revenue += revenue
        self.weighted += weighted


def amounts(sums: Sums, currency: str) -> tuple[int, Decimal, Decimal]:
    return (
        sums.count,
        money.from_minor(sums.revenue, currency),
        pipeline.weighted(sums.weighted, currency),
    )


FORECAST_LABELS = ("Overdue", *(f"Next {d} days" for d in pipeline.FORECAST_WINDOWS), "Later")


def pipeline_and_forecast(
    base: OpportunityFilter,
    breakdown: str,
    today: date,
    names: Names,
    stage_rows: list[db.StageRow],
    context: str,
) -> tuple[Pipeline, list[ForecastRow]]:
    rows = db.open_rows(base, breakdown, today)
    stage_of = {s.id: s for s in stage_rows}
    open_flt = replace(base, status=Status.OPEN.value)
    stage_order: dict[str, int] = {}
    cells: dict[tuple[str, str, str], Sums] = defaultdict(Sums)
    by_group: dict[tuple[str, str], Sums] = defaultdict(Sums)
    totals: dict[str, Sums] = defaultdict(Sums)
    windows: dict[tuple[int, str], Sums] = defaultdict(Sums)
    group_filters: dict[str, dict[str, Any]] = {}
    stage_filters: dict[str, dict[str, Any]] = {}
    for key, stage_id, currency, window, count, revenue, weighted in rows:
        known = stage_of.get(stage_id) if stage_id is not None else None
        stage_name = known.name if known else None
        sequence = known.sequence if known else None
        stage = stage_name if stage_name is not None else NO_STAGE
        stage_order[stage] = min(stage_order.get(stage, 1 << 30), sequence or 1 << 29)
        stage_filters[stage] = (
            {"stage_name": stage_name} if stage_name is not None else {"without_stage": True}
        )
        if breakdown == "stage":
            group = stage
            group_filters[group] = stage_filters[stage]
        else:
            group = names.label(breakdown, key)
            field_name = FILTER_FIELDS[breakdown]
            if key is None:
                key = NONE_ID if breakdown in ID_GROUPS else ""
            group_filters[group] = {field_name: key}
        for sums in (
            cells[(group, stage, currency)],
            by_group[(group, currency)],
            totals[currency],
            windows[(window, currency)],
        ):
            sums.add(count, revenue or 0, weighted or 0)

    stages = sorted(stage_order, key=lambda s: (stage_order[s], s))
    if breakdown == "stage":
        groups = stages
    else:
        groups = sorted(group_filters, key=lambda g: (g == NOT_SET[breakdown], sort_key(g)))
    currencies = db.sorted_currencies(totals)
    pipe = Pipeline(
        breakdown, groups, stages, currencies, [], [], open_flt, context, group_filters,
        stage_filters,
    )  # fmt: skip
    for (group, stage, currency), sums in cells.items():
        pipe.cells.append(
            PipelineCell(
                group,
                stage,
                currency,
                *amounts(sums, currency),
                pipe.drilldown(group, None if breakdown == "stage" else stage, currency),
            )
        )
    pipe.cells.sort(
        key=lambda c: (groups.index(c.group), stages.index(c.stage), currencies.index(c.currency))
    )
    for group in groups:
        for currency in currencies:
            found = by_group.get((group, currency))
            if found is not None:
                pipe.rows.append(
                    PipelineRow(
                        group,
                        currency,
                        *amounts(found, currency),
                        pipe.drilldown(group, currency=currency),
                    )
                )
    for currency in currencies:
        pipe.rows.append(
            PipelineRow(
                f"Total {currency}",
                currency,
                *amounts(totals[currency], currency),
                pipe.drilldown(currency=currency),
                total=True,
            )
        )

    forecast = []
    window_filters: list[dict[str, Any]] = [
        {"overdue": True},
        *({"closing_within_days": d} for d in pipeline.FORECAST_WINDOWS),
        {"closing_after_days": pipeline.FORECAST_WINDOWS[-1]},
    ]
    for number, label in enumerate(FORECAST_LABELS):
        for currency in currencies:
            sums = Sums()
            # The windows are cumulative from today: "next 30 days" holds the next 7.
            if 0 < number <= len(pipeline.FORECAST_WINDOWS):
                included = range(1, number + 1)
            else:
                included = range(number, number + 1)
            for n in included:
                part = windows.get((n, currency))
                if part is not None:
                    sums.add(part.count, part.revenue, part.weighted)
            if sums.count == 0 and currency != currencies[0]:
                continue  # the home currency's empty windows say enough
            flt = replace(base, currency=currency, **window_filters[number])
            forecast.append(
                ForecastRow(
                    label,
                    currency,
                    *amounts(sums, currency),
                    drill(context, flt, f"{label} (open)", currency),
                )
            )
    return pipe, forecast
