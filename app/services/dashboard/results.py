"""What the dashboard shows, as plain data: the filter, the pipeline, the forecast and the
funnel, each figure with the list filter that selects the opportunities it counts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from app.db.queries import NONE_ID, OpportunityFilter
from app.domain import pipeline, reading
from app.domain.choices import Status
from app.services.dashboard.labels import (
    FILTER_FIELDS,
    ID_GROUPS,
    Bucket,
    Names,
    date_basis_label,
    group_words,
)


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
    team_id: int | None = None
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
            team_id=self.team_id,
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
    """The open pipeline. Its groups and stages are named by their labels in the screen's
    language (each label unique); `group_buckets` and `stage_buckets` say what each label
    stands for, so an export can name it in another language."""

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
    group_buckets: dict[str, Bucket] = field(default_factory=dict)
    stage_buckets: dict[str, Bucket] = field(default_factory=dict)

    def drilldown(
        self, group: str | None = None, stage: str | None = None, currency: str | None = None
    ) -> Drilldown:
        """The open opportunities of a group and/or stage, in one currency or in all."""
        changes: dict[str, Any] = {}
        words = [Status.OPEN.label]
        if group is not None:
            changes.update(self.group_filters[group])
            if self.breakdown != "stage":
                bucket = self.group_buckets.get(group)
                unset = bucket is not None and bucket.value is None
                # A team's untaken ones under the salespeople: its label says what it is.
                unset = unset or "team_id" in self.group_filters[group]
                words.append(group_words(self.breakdown, group, unset))
        if stage is not None:
            changes.update(self.stage_filters[stage])
            words.append(group_words("stage", stage))
        elif group is not None and self.breakdown == "stage":
            words.append(group_words("stage", group))
        if currency is not None:
            changes["currency"] = currency
            words.append(currency)
        return drill(self.context, replace(self.open_filter, **changes), *words)

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
    window: int = 0  # which row: labels.forecast_label(window) names it


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
    stage: str = ""  # the name as stored, which the list's filters select by
    key: str | None = None  # a shipped stage's stable key

    @property
    def conversion(self) -> float | None:
        return pipeline.rate(self.went_on, self.reached)


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str  # as a user reads it: a shipped reason translated
    count: int
    drilldown: Drilldown
    stored: str = ""  # as the opportunities keep it ("" for none)


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
    won_reasons: list[ReasonCount] = field(default_factory=list)

    @property
    def win_rate(self) -> float | None:
        """Won among the closed ones."""
        return pipeline.rate(self.won, self.won + self.lost)


@dataclass(frozen=True, slots=True)
class WonInMonth:
    """The sales won in a calendar month (this one or the last), beside the pipeline."""

    label: str  # "Won this month", "Won last month"
    count: int
    revenue: dict[str, Decimal]  # by currency
    drilldown: Drilldown


@dataclass(frozen=True, slots=True)
class Dashboard:
    filter: DashboardFilter
    today: date
    description: str  # the dashboard filter in words ("" for everything)
    pipeline: Pipeline
    forecast: list[ForecastRow]
    funnel: Funnel
    currencies: list[str] = field(default_factory=list)
    won_months: list[WonInMonth] = field(default_factory=list)


def describe(flt: DashboardFilter, names: Names | None = None) -> str:
    """The dashboard filter in words, e.g. "Salesperson Jürgen Weiß · Brand Audi"."""
    names = names or Names()
    t = names.translator
    parts = []
    for key in (
        "owner",
        "team",
        "business",
        "facility",
        "operation",
        "brand",
        "condition",
        "channel",
    ):
        value = getattr(flt, FILTER_FIELDS[key])
        if value is not None:
            unset = value == "" or (value == NONE_ID and key in ID_GROUPS)
            shown = names.label(key, None if unset else value)
            parts.append(group_words(key, shown, unset, t))
    if flt.source is not None:
        shown = names.label("source", flt.source)
        parts.append(group_words("source", shown, flt.source == "", t))
    if flt.date_from or flt.date_to:
        start = reading.format_day(flt.date_from, t) if flt.date_from else "…"
        end = reading.format_day(flt.date_to, t) if flt.date_to else "…"
        basis = date_basis_label(flt.date_basis, t) if flt.date_basis else ""
        parts.append(t._("{basis} {start} – {end}").format(basis=basis, start=start, end=end))
    return " · ".join(parts)


def drill(base: str, flt: OpportunityFilter, *parts: str) -> Drilldown:
    return Drilldown(flt, " · ".join(p for p in (*parts, base) if p))
