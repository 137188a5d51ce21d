"""The sales manager's dashboard: the open pipeline, the forecast and the funnel.

Every figure is an aggregate in SQL over the opportunity list's own filter clauses
(`queries.opportunity_where`), and carries the list filter that selects exactly the
opportunities it counts, so a click on it can show them. Amounts are never added across
currencies: each currency has its own rows and totals.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.db import migrations, queries
from app.db import models as m
from app.db.connection import is_sqlite
from app.domain import money, pipeline
from app.domain.choices import Channel, Condition, Status
from app.services.matching import sort_key
from app.services.reference import businesses, facilities, users

OpportunityFilter = queries.OpportunityFilter
NONE_ID = queries.NONE_ID

# Breakdown key -> what the selector shows.
BREAKDOWNS: dict[str, str] = {
    "stage": "Stage",
    "owner": "Salesperson",
    "business": "Business",
    "facility": "Facility",
    "operation": "Operation",
    "brand": "Brand",
    "condition": "New or used",
    "channel": "Channel",
    "source": "Source",
}
# Breakdown key -> (the column grouped by, the OpportunityFilter field that selects a group).
_GROUPS: dict[str, tuple[str, str]] = {
    "owner": ("o.owner_id", "owner_id"),
    "business": ("o.business_id", "business_id"),
    "facility": ("o.facility_id", "facility_id"),
    "operation": ("o.operation_id", "operation_id"),
    "brand": ("o.brand", "brand"),
    "condition": ("o.condition", "condition"),
    "channel": ("o.channel", "channel"),
    "source": ("o.source", "source"),
}
_ID_GROUPS = frozenset({"owner", "business", "facility", "operation"})
_NOT_SET = {
    "owner": "No salesperson",
    "business": "No business",
    "facility": "No facility",
    "operation": "No operation",
    "brand": "No brand",
    "condition": "Not given",
    "channel": "No channel",
    "source": "No source",
}
NO_STAGE = "Without stages"

DATE_BASES: dict[str, str] = {"close": "Est. close date", "created": "Created"}


@dataclass(frozen=True, slots=True)
class DashboardFilter:
    """What the manager narrowed the dashboard to. None does not filter."""

    owner_id: int | None = None
    business_id: int | None = None
    facility_id: int | None = None
    operation_id: int | None = None
    brand: str | None = None
    condition: str | None = None
    channel: str | None = None
    source: str | None = None
    date_basis: str = "close"  # a key of DATE_BASES
    date_from: date | None = None
    date_to: date | None = None

    def opportunity_filter(self) -> OpportunityFilter:
        flt = OpportunityFilter(
            owner_id=self.owner_id,
            business_id=self.business_id,
            facility_id=self.facility_id,
            operation_id=self.operation_id,
            brand=self.brand,
            condition=self.condition,
            channel=self.channel,
            source=self.source,
        )
        if self.date_basis == "created":
            return replace(flt, created_from=self.date_from, created_to=self.date_to)
        return replace(flt, close_from=self.date_from, close_to=self.date_to)


@dataclass(frozen=True, slots=True)
class Drilldown:
    """The opportunity list's filter for a figure, and the words that say what it is."""

    filter: OpportunityFilter
    description: str


@dataclass(frozen=True, slots=True)
class PipelineCell:
    """Open opportunities of one group, stage and currency."""

    group: str
    stage: str
    currency: str
    count: int
    est_revenue: Decimal
    weighted: Decimal
    drilldown: Drilldown


@dataclass(frozen=True, slots=True)
class PipelineRow:
    """One group's open opportunities in one currency (or, with `total`, all of them)."""

    label: str
    currency: str
    count: int
    est_revenue: Decimal
    weighted: Decimal
    drilldown: Drilldown
    total: bool = False


@dataclass(frozen=True, slots=True)
class Pipeline:
    breakdown: str
    groups: list[str]  # in order: the process's for stages, else by name
    stages: list[str]  # the open stages in process order, NO_STAGE last if any
    currencies: list[str]
    cells: list[PipelineCell]
    rows: list[PipelineRow]  # per group and currency, then a total row per currency
    open_filter: OpportunityFilter = field(default_factory=OpportunityFilter)
    context: str = ""
    group_filters: dict[str, dict[str, Any]] = field(default_factory=dict)
    stage_filters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def drilldown(
        self, group: str | None = None, stage: str | None = None, currency: str | None = None
    ) -> Drilldown:
        """The open opportunities of a group and/or stage, in one currency or in all."""
        changes: dict[str, Any] = {}
        words = ["Open"]
        if group is not None:
            changes.update(self.group_filters[group])
            if self.breakdown != "stage":
                words.append(_words(self.breakdown, group))
        if stage is not None:
            changes.update(self.stage_filters[stage])
            words.append(f"Stage {stage}")
        elif group is not None and self.breakdown == "stage":
            words.append(f"Stage {group}")
        if currency is not None:
            changes["currency"] = currency
            words.append(currency)
        return _drill(self.context, replace(self.open_filter, **changes), *words)

    def count(self, group: str, stage: str) -> int:
        """Open opportunities of a group and stage, in every currency."""
        return sum(c.count for c in self.cells if c.group == group and c.stage == stage)

    def cell(self, group: str, stage: str, currency: str) -> PipelineCell | None:
        return next(
            (
                c
                for c in self.cells
                if c.group == group and c.stage == stage and c.currency == currency
            ),
            None,
        )

    def totals(self) -> list[PipelineRow]:
        return [r for r in self.rows if r.total]


@dataclass(frozen=True, slots=True)
class ForecastRow:
    label: str  # "Overdue", "Next 7 days", ..., "Later"
    currency: str
    count: int
    est_revenue: Decimal
    weighted: Decimal
    drilldown: Drilldown


@dataclass(frozen=True, slots=True)
class FunnelStage:
    name: str
    reached: int  # opportunities that were ever in the stage
    went_on: int  # moved from it straight on to a later stage (won counts, lost does not)
    lost_here: int  # lost, and their last closing move left this stage
    open_here: int  # open and in the stage now
    visits: int  # times an opportunity entered the stage
    avg_days: float | None  # per visit; visits still going on count up to now
    drilldowns: dict[str, Drilldown]  # "reached", "went_on", "lost_here", "open_here"

    @property
    def conversion(self) -> float | None:
        return pipeline.rate(self.went_on, self.reached)


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    count: int
    drilldown: Drilldown


@dataclass(frozen=True, slots=True)
class Funnel:
    stages: list[FunnelStage]
    open: int
    won: int
    lost: int
    without_stages: int  # of a kind without stages: in the outcomes, not in the stages
    avg_days_to_won: float | None
    lost_reasons: list[ReasonCount]
    drilldowns: dict[str, Drilldown]  # "open", "won", "lost", "without_stages"

    @property
    def win_rate(self) -> float | None:
        """Won among the closed ones."""
        return pipeline.rate(self.won, self.won + self.lost)


@dataclass(frozen=True, slots=True)
class Dashboard:
    filter: DashboardFilter
    today: date
    description: str  # the dashboard filter in words ("" for everything)
    pipeline: Pipeline
    forecast: list[ForecastRow]
    funnel: Funnel
    currencies: list[str] = field(default_factory=list)


# --- Names ---------------------------------------------------------------------------------


class _Names:
    """The labels of the ids and codes the dashboard groups by, read once per refresh."""

    def __init__(self) -> None:
        self.owner = {o.id: o.label for o in users(active_only=False)}
        self.business = {o.id: o.label for o in businesses()}
        self.facility = {o.id: o.label for o in facilities()}
        self.operation = {
            op_id: f"{facility} · {name}"
            for op_id, name, facility in m.Operation.select(
                m.Operation.id, m.Operation.name, m.Facility.name
            )
            .join(m.Facility)
            .tuples()
        }

    def label(self, breakdown: str, key: Any) -> str:
        if key is None or key == "":
            return _NOT_SET[breakdown]
        if breakdown in _ID_GROUPS:
            names: dict[int, str] = getattr(self, breakdown)
            return names.get(key, f"#{key}")
        if breakdown == "condition":
            return _choice_label(Condition, key)
        if breakdown == "channel":
            return _choice_label(Channel, key)
        return str(key)


def _words(breakdown: str, label: str) -> str:
    """ "Salesperson Jürgen Weiß", but "No salesperson" rather than "Salesperson No …"."""
    return label if label == _NOT_SET.get(breakdown) else f"{BREAKDOWNS[breakdown]} {label}"


def _choice_label(choice: Any, code: str) -> str:
    return choice(code).label if code in choice._value2member_map_ else code


def describe(flt: DashboardFilter, names: _Names | None = None) -> str:
    """The dashboard filter in words, e.g. "Salesperson Jürgen Weiß · Brand Audi"."""
    names = names or _Names()
    parts = []
    for key in ("owner", "business", "facility", "operation", "brand", "condition", "channel"):
        value = getattr(flt, _GROUPS[key][1])
        if value is not None:
            shown = names.label(key, None if value == NONE_ID and key in _ID_GROUPS else value)
            parts.append(_words(key, shown))
    if flt.source is not None:
        parts.append(_words("source", names.label("source", flt.source)))
    if flt.date_from or flt.date_to:
        start = flt.date_from.isoformat() if flt.date_from else "…"
        end = flt.date_to.isoformat() if flt.date_to else "…"
        parts.append(f"{DATE_BASES.get(flt.date_basis, flt.date_basis)} {start} – {end}")
    return " · ".join(parts)


def _drill(base: str, flt: OpportunityFilter, *parts: str) -> Drilldown:
    return Drilldown(flt, " · ".join(p for p in (*parts, base) if p))


# --- The queries ---------------------------------------------------------------------------


def _day_number(column: str) -> str:
    """A timestamp column as a day count with fractions, for differences in days."""
    return f"julianday({column})" if is_sqlite() else f"(EXTRACT(EPOCH FROM {column}) / 86400.0)"


def _now_number(now: datetime) -> float:
    epoch_days = (now - datetime(1970, 1, 1)).total_seconds() / 86_400
    return epoch_days + 2_440_587.5 if is_sqlite() else epoch_days


def _where(flt: OpportunityFilter, today: date, extra: str = "") -> tuple[str, list[Any]]:
    where, params = queries.opportunity_where(flt, today)
    if extra:
        where = f"{where} AND {extra}" if where else f" WHERE {extra}"
    return where, params


def _sorted_currencies(found: Iterable[str]) -> list[str]:
    home = m.Setting.get_or_none(m.Setting.key == "currency")
    first = home.value if home else money.DEFAULT_CURRENCY
    return sorted(set(found), key=lambda c: (c != first, c))


@dataclass(slots=True)
class _Sums:
    count: int = 0
    revenue: int = 0
    weighted: int = 0  # Σ revenue × probability, in minor units × 100

    def add(self, count: int, revenue: int, weighted: int) -> None:
        self.count += count
        self.revenue += revenue
        self.weighted += weighted


def _amounts(sums: _Sums, currency: str) -> tuple[int, Decimal, Decimal]:
    return (
        sums.count,
        money.from_minor(sums.revenue, currency),
        pipeline.weighted(sums.weighted, currency),
    )


@dataclass(frozen=True, slots=True)
class _StageRow:
    id: int
    name: str
    sequence: int
    is_lost: bool
    funnel: bool  # an open stage shown in the funnel


def _stage_rows() -> list[_StageRow]:
    query = m.Stage.select(
        m.Stage.id,
        m.Stage.name,
        m.Stage.sequence,
        m.Stage.is_won,
        m.Stage.is_lost,
        m.Stage.in_funnel,
    ).order_by(m.Stage.sequence, m.Stage.id)
    return [
        _StageRow(i, name, seq, bool(lost), bool(funnel) and not won and not lost)
        for i, name, seq, won, lost, funnel in query.tuples()
    ]


_FORECAST_LABELS = ("Overdue", *(f"Next {d} days" for d in pipeline.FORECAST_WINDOWS), "Later")


def _open_rows(
    flt: OpportunityFilter, breakdown: str, today: date
) -> list[tuple[Any, int | None, str, int, int, int, int]]:
    """Open opportunities grouped by (group, stage, currency, forecast window):
    (group, stage id, currency, window, count, Σ revenue, Σ revenue × %)."""
    group = _GROUPS[breakdown][0] if breakdown in _GROUPS else "NULL"
    windows = " ".join(
        f"WHEN o.est_close_date <= ? THEN {n}" for n, _ in enumerate(pipeline.FORECAST_WINDOWS, 1)
    )
    where, params = _where(flt, today, "o.status = 'open'")
    sql = f"""
        SELECT {group}, o.stage_id, o.currency,
               CASE WHEN o.est_close_date < ? THEN 0 {windows} ELSE {len(pipeline.FORECAST_WINDOWS) + 1} END,
               count(*), sum(o.est_revenue_minor), sum(o.est_revenue_minor * o.probability)
        FROM opportunity o
        {where}
        GROUP BY 1, 2, 3, 4
    """
    bounds = [(today + timedelta(days=d)).isoformat() for d in pipeline.FORECAST_WINDOWS]
    return [tuple(r) for r in queries.fetch_all(sql, [today.isoformat(), *bounds, *params])]  # type: ignore[misc]


def _pipeline_and_forecast(
    base: OpportunityFilter,
    breakdown: str,
    today: date,
    names: _Names,
    stage_rows: list[_StageRow],
    context: str,
) -> tuple[Pipeline, list[ForecastRow]]:
    rows = _open_rows(base, breakdown, today)
    stage_of = {s.id: s for s in stage_rows}
    open_flt = replace(base, status=Status.OPEN.value)
    stage_order: dict[str, int] = {}
    cells: dict[tuple[str, str, str], _Sums] = defaultdict(_Sums)
    by_group: dict[tuple[str, str], _Sums] = defaultdict(_Sums)
    totals: dict[str, _Sums] = defaultdict(_Sums)
    windows: dict[tuple[int, str], _Sums] = defaultdict(_Sums)
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
            field_name = _GROUPS[breakdown][1]
            if key is None:
                key = NONE_ID if breakdown in _ID_GROUPS else ""
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
        groups = sorted(group_filters, key=lambda g: (g == _NOT_SET[breakdown], sort_key(g)))
    currencies = _sorted_currencies(totals)
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
                *_amounts(sums, currency),
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
                        *_amounts(found, currency),
                        pipe.drilldown(group, currency=currency),
                    )
                )
    for currency in currencies:
        pipe.rows.append(
            PipelineRow(
                f"Total {currency}",
                currency,
                *_amounts(totals[currency], currency),
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
    for number, label in enumerate(_FORECAST_LABELS):
        for currency in currencies:
            sums = _Sums()
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
                    *_amounts(sums, currency),
                    _drill(context, flt, f"{label} (open)", currency),
                )
            )
    return pipe, forecast


def _cohort(flt: OpportunityFilter, today: date) -> tuple[str, list[Any]]:
    """Joins stage_change rows to the filter's opportunities (nothing when unfiltered)."""
    where, params = queries.opportunity_where(flt, today)
    if not where:
        return "", []
    return f" JOIN opportunity o ON o.id = sc.opportunity_id {where}", params


def _case(column: str, values: dict[int, int]) -> str:
    whens = " ".join(f"WHEN {k} THEN {v}" for k, v in values.items())
    return f"CASE {column} {whens} END" if values else "NULL"


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids) or "NULL"


def _each_stage(selects: dict[int, str]) -> dict[int, int]:
    """Over the whole history: per stage id, the count of its opportunities that the
    stage's SELECT DISTINCT finds. Each reads one stretch of a stage index, whose
    opportunities come in order, so counting each once needs no sort."""
    columns = ", ".join(f"(SELECT count(*) FROM ({sql}) AS s{i})" for i, sql in selects.items())
    row = queries.fetch_all(f"SELECT {columns}", [])[0]
    return {i: int(v) for i, v in zip(selects, row, strict=True)}


@dataclass(slots=True)
class _StageSums:
    """Per stage id, what the funnel counts from the stage history; `left` and `entered`
    are Σ(left − now) and Σ(entered − now) over its visits."""

    reached: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    went_on: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    visits: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    left: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    entered: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    lost_here: dict[int, int] | None = None  # lost, their last closing move left it


def _onward(stage_id: int, stages: list[_StageRow]) -> str:
    """The test that a move from the stage went on: to a later stage that is not a lost one."""
    sequence = {s.id: s.sequence for s in stages}
    lost = _ids([s.id for s in stages if s.is_lost])
    return (
        f"{_case('sc.to_stage_id', sequence)} > {sequence[stage_id]} "
        f"AND sc.to_stage_id NOT IN ({lost})"
    )


def _whole_history(ids: list[int], stages: list[_StageRow], now: datetime) -> _StageSums:
    """Over every opportunity: each stage's opportunities counted on the stage indexes, and
    the moves' times summed per (to-stage, from-stage), one ordered pass over the index
    that holds them, without the table or a sort."""
    sums = _StageSums()
    onward = {
        s.id: [t.id for t in stages if t.sequence > s.sequence and not t.is_lost]
        for s in stages
        if s.id in ids
    }
    sums.reached.update(
        _each_stage(
            {
                i: "SELECT DISTINCT sc.opportunity_id FROM stage_change sc "
                f"WHERE sc.to_stage_id = {i}"
                for i in ids
            }
        )
    )
    sums.went_on.update(
        _each_stage(
            {
                i: "SELECT DISTINCT sc.opportunity_id FROM stage_change sc "
                f"WHERE sc.from_stage_id = {i} AND sc.to_stage_id IN ({_ids(onward[i])})"
                for i in ids
            }
        )
    )
    sql = f"""
        SELECT sc.to_stage_id, sc.from_stage_id,
               sum({_day_number("sc.created_at")} - ?), count(*)
        FROM stage_change sc GROUP BY sc.to_stage_id, sc.from_stage_id
    """
    for to_id, from_id, total, count in queries.fetch_all(sql, [_now_number(now)]):
        sums.entered[to_id] += float(total)
        sums.left[from_id] += float(total)
        sums.visits[to_id] += int(count)
    return sums


def _through_filter(
    cohort: str, params: list[Any], ids: list[int], stages: list[_StageRow], now: datetime
) -> _StageSums:
    """Through a filter: one pass over its opportunities' moves, grouped by opportunity
    (the (opportunity, created_at) index gives each one's moves together, so the grouping
    needs no sort). Per opportunity and stage: its visits, its moves on, and the times it
    entered and left; then per stage, the opportunities with a visit (reached) or a move
    on (went on), counted once however often they came back, and the sums. Reading the
    moves once for every figure, rather than probing the stage indexes for each of the
    filter's opportunities and stage and reading the moves again for the times, takes a
    fifth less on a filter that keeps most opportunities."""
    day = f"{_day_number('sc.created_at')} - ?"
    inner, outer = [], []
    for i in ids:
        inner += [
            f"count(CASE WHEN sc.to_stage_id = {i} THEN 1 END) AS v{i}",
            f"count(CASE WHEN sc.from_stage_id = {i} AND {_onward(i, stages)} THEN 1 END) AS g{i}",
            f"sum(CASE WHEN sc.from_stage_id = {i} THEN {day} END) AS l{i}",
            f"sum(CASE WHEN sc.to_stage_id = {i} THEN {day} END) AS e{i}",
        ]
        outer += [
            f"count(CASE WHEN v{i} > 0 THEN 1 END), count(CASE WHEN g{i} > 0 THEN 1 END)",
            f"coalesce(sum(v{i}), 0), coalesce(sum(l{i}), 0), coalesce(sum(e{i}), 0)",
        ]
    sql = f"""
        SELECT {", ".join(outer)} FROM (
            SELECT {", ".join(inner)} FROM stage_change sc{cohort} GROUP BY o.id
        ) AS per_opportunity
    """
    now_number = _now_number(now)
    row = queries.fetch_all(sql, [*[now_number] * (2 * len(ids)), *params])[0]
    sums = _StageSums()
    for n, i in enumerate(ids):
        reached, went_on, visits, left, entered = row[5 * n : 5 * n + 5]
        sums.reached[i], sums.went_on[i], sums.visits[i] = int(reached), int(went_on), int(visits)
        sums.left[i], sums.entered[i] = float(left), float(entered)
    return sums


def _kept_figures(where: str, params: list[Any], ids: list[int], now: datetime) -> _StageSums:
    """From the figures kept per opportunity and stage (opportunity_stage_visit, which
    triggers on the stage history keep): the filter's opportunities, each with its few
    rows, summed per stage, and per stage the lost ones whose last closing move left it.
    A visit still going on counts up to now: Σ left − Σ entered + (visits − leaves) × now.
    Reads a row per opportunity and stage it touched rather than every move with a
    running total per stage, and answers where the lost ones stopped in the same pass."""
    since = _now_number(now) - migrations.VISIT_DAY_ORIGIN
    # Through a filter, its opportunities from their index, each one's rows in a row (no
    # test of the stage, which would seek each stage apart); else every row of the stages.
    cohort = (
        f"FROM opportunity o CROSS JOIN opportunity_stage_visit v {where} "
        "AND v.opportunity_id = o.id"
        if where
        else f"FROM opportunity_stage_visit v WHERE v.stage_id IN ({_ids(ids)})"
    )
    sql = f"""
        SELECT v.stage_id, count(CASE WHEN v.visits > 0 THEN 1 END),
               count(CASE WHEN v.went_on > 0 THEN 1 END), sum(v.visits),
               sum(v.left_at) - sum(v.entered) + sum(v.visits - v.leaves) * ?,
               count(CASE WHEN v.lost_last THEN 1 END)
        {cohort}
        GROUP BY v.stage_id
    """
    lost_here: dict[int, int] = defaultdict(int)
    sums = _StageSums(lost_here=lost_here)
    for stage_id, reached, went_on, visits, days, lost in queries.fetch_all(sql, [since, *params]):
        sums.reached[stage_id], sums.went_on[stage_id] = int(reached), int(went_on)
        sums.visits[stage_id], sums.left[stage_id] = int(visits or 0), float(days or 0)
        lost_here[stage_id] = int(lost)
    return sums


def _stage_figures(
    flt: OpportunityFilter, today: date, now: datetime, names: list[str], stages: list[_StageRow]
) -> tuple[list[tuple[int, int, int, float | None]], dict[str, int] | None]:
    """Per funnel stage name: (opportunities that reached it, that went on from it, visits,
    average days per visit), each opportunity counted once however often it came back;
    and, where the kept figures answer it in the same pass, per name the lost ones whose
    last closing move left it (else None: _lost_at reads it).
    Each move ends a visit to its from-stage and begins one to its to-stage, so
    Σ(left − now) − Σ(entered − now) over the moves is the time of every visit, those
    still going on counted up to now: no pairing of a move with the next."""
    if not names:
        return [], None
    # Every stage of a funnel stage's name, as the list's filters by name select them.
    ids = [s.id for s in stages if s.name in names]
    if is_sqlite():
        where, params = queries.opportunity_where(flt, today)
        sums = _kept_figures(where, params, ids, now)
    else:
        cohort, params = _cohort(flt, today)
        sums = (
            _through_filter(cohort, params, ids, stages, now)
            if cohort
            else _whole_history(ids, stages, now)
        )
    by_name: dict[str, list[float]] = {name: [0, 0, 0, 0.0] for name in names}
    lost_at: dict[str, int] | None = None if sums.lost_here is None else defaultdict(int)
    for s in stages:
        if s.id in ids:
            if lost_at is not None and sums.lost_here is not None:
                lost_at[s.name] += sums.lost_here.get(s.id, 0)
            found = by_name[s.name]
            found[0] += sums.reached[s.id]
            found[1] += sums.went_on[s.id]
            found[2] += sums.visits[s.id]
            found[3] += sums.left[s.id] - sums.entered[s.id]
    figures = [
        (int(r), int(g), int(v), pipeline.average(days, int(v)))
        for r, g, v, days in (by_name[name] for name in names)
    ]
    return figures, None if lost_at is None else dict(lost_at)


def _lost_at(flt: OpportunityFilter, today: date) -> dict[str, int]:
    where, params = _where(flt, today, "o.status = 'lost'")
    sql = f"SELECT ({queries.LAST_LOST_FROM}) AS stage, count(*) FROM opportunity o {where} GROUP BY 1"
    return {r[0]: int(r[1]) for r in queries.fetch_all(sql, params) if r[0] is not None}


@dataclass(frozen=True, slots=True)
class _Outcomes:
    by_status: dict[str, int]
    lost_reasons: dict[str, int]
    without_stages: int
    won_days: float  # Σ days from created to won
    won_dated: int  # won ones with a closing time


def _outcomes(flt: OpportunityFilter, today: date) -> _Outcomes:
    """How the filter's opportunities stand: by status, why the lost ones were lost, how
    many follow no stages, and how long the won ones took. For everyone, small queries,
    each on the index that answers it; through a filter each of those would read the
    filter's opportunities again, so one pass over them answers all four."""
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
        return _Outcomes(dict(by_status), dict(reasons), without, won_total, won_dated)
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
    return _Outcomes(by_status, reasons, int(stageless[0][0]), float(found[0] or 0), int(found[1]))


def _funnel(
    base: OpportunityFilter,
    today: date,
    now: datetime,
    pipe: Pipeline,
    stages: list[_StageRow],
    context: str,
) -> Funnel:
    names: list[str] = []
    for s in stages:
        if s.funnel and s.name not in names:
            names.append(s.name)
    figures, kept_lost_at = _stage_figures(base, today, now, names, stages)
    lost_at = _lost_at(base, today) if kept_lost_at is None else kept_lost_at
    open_here: dict[str, int] = defaultdict(int)
    for cell in pipe.cells:
        open_here[cell.stage] += cell.count
    funnel_stages = []
    for name, (reached, went_on, visits, avg) in zip(names, figures, strict=True):
        drills = {
            "reached": _drill(context, replace(base, reached_stage=name), f"Reached {name}"),
            "went_on": _drill(context, replace(base, went_on_from=name), f"Went on from {name}"),
            "lost_here": _drill(context, replace(base, lost_at_stage=name), f"Lost at {name}"),
            "open_here": _drill(
                context,
                replace(base, stage_name=name, status=Status.OPEN.value),
                f"Open in {name}",
            ),
        }
        funnel_stages.append(
            FunnelStage(
                name,
                reached,
                went_on,
                lost_at.get(name, 0),
                open_here.get(name, 0),
                visits,
                avg,
                drills,
            )
        )

    outcomes = _outcomes(base, today)
    counts = outcomes.by_status
    reasons = outcomes.lost_reasons
    lost_reasons = [
        ReasonCount(
            reason or "(no reason)",
            count,
            _drill(
                context,
                replace(base, status=Status.LOST.value, lost_reason=reason),
                f"Lost: {reason or '(no reason)'}",
            ),
        )
        for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    drills = {
        status.value: _drill(context, replace(base, status=status.value), status.label)
        for status in Status
    }
    drills["without_stages"] = _drill(
        context, replace(base, without_stage=True), "Of a kind without stages"
    )
    return Funnel(
        funnel_stages,
        counts.get(Status.OPEN.value, 0),
        counts.get(Status.WON.value, 0),
        counts.get(Status.LOST.value, 0),
        outcomes.without_stages,
        pipeline.average(outcomes.won_days, outcomes.won_dated),
        lost_reasons,
        drills,
    )


def load(
    flt: DashboardFilter | None = None,
    breakdown: str = "stage",
    today: date | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Everything the dashboard shows for the filter, broken down as asked."""
    flt = flt or DashboardFilter()
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    today = today or date.today()
    now = now or datetime.now()
    names = _Names()
    base = flt.opportunity_filter()
    context = describe(flt, names)
    stages = _stage_rows()
    pipe, forecast = _pipeline_and_forecast(base, breakdown, today, names, stages, context)
    funnel = _funnel(base, today, now, pipe, stages, context)
    return Dashboard(flt, today, context, pipe, forecast, funnel, pipe.currencies)


def with_breakdown(shown: Dashboard, breakdown: str) -> Dashboard:
    """The same dashboard broken down another way: only the pipeline is read again, since
    the forecast and the funnel do not depend on the breakdown."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    names = _Names()
    base = shown.filter.opportunity_filter()
    pipe, forecast = _pipeline_and_forecast(
        base, breakdown, shown.today, names, _stage_rows(), shown.description
    )
    return replace(shown, pipeline=pipe, forecast=forecast, currencies=pipe.currencies)


# --- Choices for the filter widgets ----------------------------------------------------------


def distinct_values(column: str) -> list[str]:
    """The brands or sources the opportunities use, for the filter combos."""
    if column not in ("brand", "source"):
        raise ValueError(column)
    field_ = getattr(m.Opportunity, column)
    query = m.Opportunity.select(field_).where(field_ != "").distinct().order_by(field_)
    return [r[0] for r in query.tuples()]


def operations() -> list[tuple[int, str]]:
    """Every operation as (id, "Facility · Operation")."""
    return sorted(_Names().operation.items(), key=lambda kv: kv[1])


# --- CSV -----------------------------------------------------------------------------------


def _plain(amount: Decimal, currency: str) -> str:
    """An amount as a spreadsheet reads it: no grouping, a point for decimals."""
    return f"{money.quantize(amount, currency):f}"


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def csv_rows(dashboard: Dashboard) -> list[list[str]]:
    """What the dashboard shows, section after section, as rows for a spreadsheet."""
    pipe = dashboard.pipeline
    rows: list[list[str]] = [
        ["Showroom pipeline dashboard", dashboard.today.isoformat()],
        ["Filter", dashboard.description or "All opportunities"],
        ["Amounts in different currencies are never added together."],
        [],
        [f"Open pipeline by {BREAKDOWNS[pipe.breakdown].lower()}"],
        [BREAKDOWNS[pipe.breakdown], "Currency", "Count", "Est. revenue", "Weighted revenue"],
    ]
    for r in pipe.rows:
        rows.append(
            [
                r.label,
                r.currency,
                str(r.count),
                _plain(r.est_revenue, r.currency),
                _plain(r.weighted, r.currency),
            ]
        )
    if pipe.breakdown != "stage":
        rows += [[], [f"By {BREAKDOWNS[pipe.breakdown].lower()} and stage"]]
        rows.append(
            [
                BREAKDOWNS[pipe.breakdown],
                "Stage",
                "Currency",
                "Count",
                "Est. revenue",
                "Weighted revenue",
            ]
        )
        for c in pipe.cells:
            rows.append(
                [
                    c.group,
                    c.stage,
                    c.currency,
                    str(c.count),
                    _plain(c.est_revenue, c.currency),
                    _plain(c.weighted, c.currency),
                ]
            )
    rows += [[], ["Forecast (open opportunities by est. close date)"]]
    rows.append(["Window", "Currency", "Count", "Est. revenue", "Weighted revenue"])
    for f in dashboard.forecast:
        rows.append(
            [
                f.label,
                f.currency,
                str(f.count),
                _plain(f.est_revenue, f.currency),
                _plain(f.weighted, f.currency),
            ]
        )
    funnel = dashboard.funnel
    rows += [[], ["Funnel"]]
    rows.append(
        ["Stage", "Reached", "Went on", "Went on %", "Lost here", "Open here", "Avg. days in stage"]
    )
    for s in funnel.stages:
        rows.append(
            [
                s.name,
                str(s.reached),
                str(s.went_on),
                _percent(s.conversion),
                str(s.lost_here),
                str(s.open_here),
                _days(s.avg_days),
            ]
        )
    rows += [
        [],
        ["Open", str(funnel.open)],
        ["Won", str(funnel.won)],
        ["Lost", str(funnel.lost)],
        ["Without stages", str(funnel.without_stages)],
        ["Win rate %", _percent(funnel.win_rate)],
        ["Avg. days from created to won", _days(funnel.avg_days_to_won)],
        [],
        ["Lost reasons"],
        ["Reason", "Count"],
    ]
    rows += [[r.reason, str(r.count)] for r in funnel.lost_reasons]
    return rows


def export_csv(dashboard: Dashboard, path: Path) -> int:
    """Write the dashboard to a CSV file in UTF-8 with a byte-order mark (so Excel reads
    the accents); returns the number of rows written."""
    rows = csv_rows(dashboard)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows)
