"""The funnel: per stage of the process, how many reached it, went on, were lost there or
are open in it, and how long a visit lasts; and how the opportunities ended."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from app.db import dashboard as db
from app.db import dashboard_once
from app.db.dashboard_paths import ReadPath
from app.db.queries import OpportunityFilter
from app.domain import pipeline
from app.domain.choices import Status
from app.domain.standard_names import reason_display_name
from app.i18n import Translator
from app.services.dashboard.labels import stage_label
from app.services.dashboard.open_pipeline import shipped_keys
from app.services.dashboard.results import Funnel, FunnelStage, Pipeline, ReasonCount, drill


def funnel_names(stages: list[db.StageRow]) -> list[str]:
    """The funnel's stages by name, in the process's order (a name once)."""
    names: list[str] = []
    for s in stages:
        if s.funnel and s.name not in names:
            names.append(s.name)
    return names


def funnel_ids(stages: list[db.StageRow]) -> list[int]:
    """Every stage of a funnel stage's name, as the list's filters by name select them."""
    names = funnel_names(stages)
    return [s.id for s in stages if s.name in names]


def stage_figures(
    flt: OpportunityFilter,
    today: date,
    now: datetime,
    names: list[str],
    stages: list[db.StageRow],
    path: ReadPath | None = None,
    less: db.Less | None = None,
    read_beside: Callable[[], db.StageSums] | None = None,
) -> tuple[list[tuple[int, int, int, float | None]], dict[str, int] | None]:
    """Per funnel stage name: (opportunities that reached it, that went on from it, visits,
    average days per visit), each opportunity counted once however often it came back;
    and, where the kept figures answer it in the same pass, per name the lost ones whose
    last closing move left it (else None: db.lost_at reads it).
    Each move ends a visit to its from-stage and begins one to its to-stage, so
    Σ(left − now) − Σ(entered − now) over the moves is the time of every visit, those
    still going on counted up to now: no pairing of a move with the next.
    `read_beside`: the figures of `funnel_ids(stages)`, already being read."""
    if not names:
        return [], None
    ids = funnel_ids(stages)
    sums = read_beside() if read_beside else db.stage_sums(flt, today, now, ids, path, less)
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


def build_funnel(
    base: OpportunityFilter,
    today: date,
    now: datetime,
    pipe: Pipeline,
    stages: list[db.StageRow],
    context: str,
    translator: Translator,
    read: dashboard_once.FilteredRead | None = None,
) -> Funnel:
    """The funnel, in `translator`'s language. Its stages are counted by their names as
    stored (a custom process's stages count with the standard ones of the same name, as the
    list's filters select them) and labelled as a user reads them."""
    t = translator
    names = funnel_names(stages)
    shipped = shipped_keys(stages)
    path = read.path if read is not None else None
    less = read.less if read is not None else None
    beside = read.funnel if read is not None else None
    figures, kept_lost_at = stage_figures(base, today, now, names, stages, path, less, beside)
    lost_at = db.lost_at(base, today) if kept_lost_at is None else kept_lost_at
    open_here: dict[str | None, int] = defaultdict(int)
    for cell in pipe.cells:
        bucket = pipe.stage_buckets.get(cell.stage)
        open_here[bucket.value if bucket else cell.stage] += cell.count
    funnel_stages = []
    for name, (reached, went_on, visits, avg) in zip(names, figures, strict=True):
        label = stage_label(name, shipped.get(name), t)
        drills = {
            "reached": drill(
                context,
                replace(base, reached_stage=name),
                t._("Reached {stage}").format(stage=label),
            ),
            "went_on": drill(
                context,
                replace(base, went_on_from=name),
                t._("Went on from {stage}").format(stage=label),
            ),
            "lost_here": drill(
                context,
                replace(base, lost_at_stage=name),
                t._("Lost at {stage}").format(stage=label),
            ),
            "open_here": drill(
                context,
                replace(base, stage_name=name, status=Status.OPEN.value),
                t._("Open in {stage}").format(stage=label),
            ),
        }
        funnel_stages.append(
            FunnelStage(
                label,
                reached,
                went_on,
                lost_at.get(name, 0),
                open_here.get(name, 0),
                visits,
                avg,
                drills,
                name,
                shipped.get(name),
            )
        )

    outcomes = read.outcomes if read is not None else db.outcomes(base, today)
    counts = outcomes.by_status
    reasons = outcomes.lost_reasons
    lost_reasons = []
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        shown = reason_display_name("lost", reason, t) if reason else t._("(no reason)")
        lost_reasons.append(
            ReasonCount(
                shown,
                count,
                drill(
                    context,
                    replace(base, status=Status.LOST.value, lost_reason=reason),
                    t._("Lost: {reason}").format(reason=shown),
                ),
                reason,
            )
        )
    won_reasons = []
    for reason, count in sorted(outcomes.won_reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        shown = reason_display_name("won", reason, t) if reason else t._("(no reason)")
        won_reasons.append(
            ReasonCount(
                shown,
                count,
                drill(
                    context,
                    replace(base, status=Status.WON.value, won_reason=reason),
                    t._("Won: {reason}").format(reason=shown),
                ),
                reason,
            )
        )
    drills = {
        status.value: drill(context, replace(base, status=status.value), status.translated(t))
        for status in Status
    }
    drills["without_stages"] = drill(
        context, replace(base, without_stage=True), t._("Of a kind without stages")
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
        won_reasons,
    )
