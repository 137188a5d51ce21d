"""The open pipeline (by group, stage and currency) and the forecast (by close-date window),
built from the grouped sums the database returns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from app.db import dashboard as db
from app.db import dashboard_once
from app.db.queries import NONE_ID, OpportunityFilter
from app.domain import money, pipeline
from app.domain.choices import Status
from app.services.dashboard.labels import (
    FILTER_FIELDS,
    ID_GROUPS,
    Bucket,
    Names,
    forecast_label,
    stage_label,
)
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


def shipped_keys(stage_rows: Iterable[db.StageRow]) -> dict[str, str | None]:
    """A stage name as stored -> the shipped key of the stages of that name, if one has it
    (the stages of a custom process share their names and keys with the standard ones)."""
    found: dict[str, str | None] = {}
    for s in stage_rows:
        if found.get(s.name) is None:
            found[s.name] = s.key
    return found


def unique_labels(labels: dict[Any, str]) -> dict[Any, str]:
    """The labels made unique, so a label can stand for its bucket: a second "Anna" (another
    salesperson of the same name) is shown as "Anna (2)"."""
    seen: dict[str, int] = defaultdict(int)
    result = {}
    for bucket, label in labels.items():
        seen[label] += 1
        result[bucket] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return result


def pipeline_and_forecast(
    base: OpportunityFilter,
    breakdown: str,
    today: date,
    names: Names,
    stage_rows: list[db.StageRow],
    context: str,
    read: dashboard_once.FilteredRead | None = None,
) -> tuple[Pipeline, list[ForecastRow]]:
    """The open pipeline and the forecast, in the language of `names`. The sums are kept by
    what they group (a stage by its name as stored, which the list's filter selects by, or
    none; a group by its id, code or text, or none) and labelled at the end."""
    t = names.translator
    if read is not None:  # the filter's one read (app.db.dashboard_once)
        rows, window_rows = read.cells, read.windows
    else:
        rows, window_rows = db.open_sums(base, breakdown, today)
    stage_of = {s.id: s for s in stage_rows}
    shipped = shipped_keys(stage_rows)
    open_flt = replace(base, status=Status.OPEN.value)
    stage_order: dict[str | None, int] = {}
    cells: dict[tuple[Hashable, str | None, str], Sums] = defaultdict(Sums)
    by_group: dict[tuple[Hashable, str], Sums] = defaultdict(Sums)
    totals: dict[str, Sums] = defaultdict(Sums)
    windows: dict[tuple[int, str], Sums] = defaultdict(Sums)
    group_filters: dict[Hashable, dict[str, Any]] = {}
    for window, currency, count, revenue, weighted in window_rows:
        windows[(window, currency)].add(count, revenue or 0, weighted or 0)
    for key, stage_id, currency, count, revenue, weighted in rows:
        known = stage_of.get(stage_id) if stage_id is not None else None
        stage = known.name if known else None
        sequence = known.sequence if known else None
        stage_order[stage] = min(stage_order.get(stage, 1 << 30), sequence or 1 << 29)
        group: Hashable
        if breakdown == "stage":
            group = stage
        else:
            group = None if key is None or key == "" else key
            if group is None:
                group_filters[group] = {FILTER_FIELDS[breakdown]: _unset(breakdown)}
            elif breakdown == "owner" and isinstance(key, int) and key < 0:
                group_filters[group] = {"owner_id": NONE_ID, "team_id": -key}
            else:
                group_filters[group] = {FILTER_FIELDS[breakdown]: key}
        for sums in (
            cells[(group, stage, currency)],
            by_group[(group, currency)],
            totals[currency],
        ):
            sums.add(count, revenue or 0, weighted or 0)

    stage_labels = unique_labels(
        {s: stage_label(s, shipped.get(s) if s else None, t) for s in stage_order}
    )
    stage_ids = sorted(stage_order, key=lambda s: (stage_order[s], stage_labels[s]))
    stage_buckets = {
        stage_labels[s]: Bucket("stage", s, shipped.get(s) if s else None) for s in stage_ids
    }
    stage_filters = {
        stage_labels[s]: {"stage_name": s} if s is not None else {"without_stage": True}
        for s in stage_ids
    }
    if breakdown == "stage":
        group_labels: dict[Any, str] = dict(stage_labels)
        group_ids: list[Any] = list(stage_ids)
        group_buckets = stage_buckets
        filters = stage_filters
    else:
        group_labels = unique_labels({g: names.label(breakdown, g) for g in group_filters})
        group_ids = sorted(group_filters, key=lambda g: (g is None, sort_key(group_labels[g])))
        group_buckets = {group_labels[g]: Bucket(breakdown, g) for g in group_ids}
        filters = {group_labels[g]: group_filters[g] for g in group_ids}
    groups = [group_labels[g] for g in group_ids]
    stages = [stage_labels[s] for s in stage_ids]
    currencies = db.sorted_currencies(totals)
    pipe = Pipeline(
        breakdown, groups, stages, currencies, [], [], open_flt, context, filters, stage_filters,
        group_buckets, stage_buckets,
    )  # fmt: skip
    for (group, stage, currency), sums in cells.items():
        group_label, label = group_labels[group], stage_labels[stage]
        pipe.cells.append(
            PipelineCell(
                group_label,
                label,
                currency,
                *amounts(sums, currency),
                pipe.drilldown(group_label, None if breakdown == "stage" else label, currency),
            )
        )
    pipe.cells.sort(
        key=lambda c: (groups.index(c.group), stages.index(c.stage), currencies.index(c.currency))
    )
    for group in group_ids:
        for currency in currencies:
            found = by_group.get((group, currency))
            if found is not None:
                pipe.rows.append(
                    PipelineRow(
                        group_labels[group],
                        currency,
                        *amounts(found, currency),
                        pipe.drilldown(group_labels[group], currency=currency),
                    )
                )
    for currency in currencies:
        pipe.rows.append(
            PipelineRow(
                t._("Total {currency}").format(currency=currency),
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
        {"status": Status.OPEN.value},  # the total: every open one, dated or not
    ]
    last_window = len(pipeline.FORECAST_WINDOWS)
    for number in range(len(window_filters)):
        label = forecast_label(number, t)
        for currency in currencies:
            sums = Sums()
            # The windows are cumulative from today: "next 30 days" holds the next 7.
            if 0 < number <= last_window:
                included = range(1, number + 1)
            elif number == last_window + 2:  # the total: overdue, every window, later
                included = range(0, last_window + 2)
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
                    drill(context, flt, t._("{window} (open)").format(window=label), currency),
                    number,
                )
            )
    return pipe, forecast


def _unset(breakdown: str) -> int | str:
    """The filter value that selects the opportunities without a value of the breakdown."""
    return NONE_ID if breakdown in ID_GROUPS else ""
