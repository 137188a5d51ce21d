"""The dashboard as a CSV file for a spreadsheet: every section, amounts without grouping.

The file is written in its reader's language: a translator for it (the screen's unless
another is given) names the headers and the rows; the names that are data (salespeople,
brands, sources) stay as they are."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from app.domain import fields, money
from app.domain.choices import Status
from app.domain.standard_names import display_name, reason_display_name
from app.i18n import Translator, current
from app.services.dashboard.labels import (
    BY_GROUP_AND_STAGE,
    NO_STAGE,
    OPEN_PIPELINE_BY,
    Names,
    breakdown_label,
    bucket_label,
    forecast_label,
)
from app.services.dashboard.results import Dashboard, Pipeline, describe


def _plain(amount: Decimal, currency: str) -> str:
    """An amount as a spreadsheet reads it: no grouping, a point for decimals."""
    return f"{money.quantize(amount, currency):f}"


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _group(pipe: Pipeline, label: str, t: Translator) -> str:
    bucket = pipe.group_buckets.get(label)
    return bucket_label(bucket, label, t) if bucket else label


def _stage(pipe: Pipeline, label: str, t: Translator) -> str:
    bucket = pipe.stage_buckets.get(label)
    return bucket_label(bucket, label, t) if bucket else label


def csv_rows(dashboard: Dashboard, translator: Translator | None = None) -> list[list[str]]:
    """What the dashboard shows, section after section, as rows for a spreadsheet, in
    `translator`'s language (default: the screen's)."""
    t = translator or current()
    pipe = dashboard.pipeline
    breakdown = pipe.breakdown
    currency, count = fields.label("opportunity.currency", t), t._("Count")
    revenue, weighted = fields.label("opportunity.est_revenue", t), t._("Weighted revenue")
    stage = fields.label("opportunity.stage_id", t)
    # The filter in words, as shown, or read again in another language.
    description = dashboard.description if t is current() else describe(dashboard.filter, Names(t))
    rows: list[list[str]] = [
        [t._("Showroom pipeline dashboard"), dashboard.today.isoformat()],
        [t._("Filter"), description or t._("All opportunities")],
        [t._("Amounts in different currencies are never added together.")],
        [],
        [t._(OPEN_PIPELINE_BY[breakdown])],
        [breakdown_label(breakdown, t), currency, count, revenue, weighted],
    ]
    for r in pipe.rows:
        rows.append(
            [
                t._("Total {currency}").format(currency=r.currency)
                if r.total
                else _group(pipe, r.label, t),
                r.currency,
                str(r.count),
                _plain(r.est_revenue, r.currency),
                _plain(r.weighted, r.currency),
            ]
        )
    if breakdown != "stage":
        rows += [[], [t._(BY_GROUP_AND_STAGE[breakdown])]]
        rows.append([breakdown_label(breakdown, t), stage, currency, count, revenue, weighted])
        for c in pipe.cells:
            rows.append(
                [
                    _group(pipe, c.group, t),
                    _stage(pipe, c.stage, t),
                    c.currency,
                    str(c.count),
                    _plain(c.est_revenue, c.currency),
                    _plain(c.weighted, c.currency),
                ]
            )
    rows += [[], [t._("Forecast (open opportunities by est. close date)")]]
    rows.append([t._("Window"), currency, count, revenue, weighted])
    for f in dashboard.forecast:
        rows.append(
            [
                forecast_label(f.window, t),
                f.currency,
                str(f.count),
                _plain(f.est_revenue, f.currency),
                _plain(f.weighted, f.currency),
            ]
        )
    funnel = dashboard.funnel
    rows += [[], [t._("Funnel")]]
    rows.append(
        [
            stage,
            t._("Reached"),
            t._("Went on"),
            t._("Went on %"),
            t._("Lost here"),
            t._("Open here"),
            t._("Avg. days in stage"),
        ]
    )
    for s in funnel.stages:
        rows.append(
            [
                display_name(s.key, s.stage, t) if s.stage else s.name,
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
        [Status.OPEN.translated(t), str(funnel.open)],
        [Status.WON.translated(t), str(funnel.won)],
        [Status.LOST.translated(t), str(funnel.lost)],
        [t._(NO_STAGE), str(funnel.without_stages)],
        [t._("Win rate %"), _percent(funnel.win_rate)],
        [t._("Avg. days from created to won"), _days(funnel.avg_days_to_won)],
        [],
        [t._("Lost reasons")],
        [t._("Reason"), count],
    ]
    rows += [
        [
            reason_display_name("lost", r.stored, t) if r.stored else t._("(no reason)"),
            str(r.count),
        ]
        for r in funnel.lost_reasons
    ]
    return rows


def export_csv(dashboard: Dashboard, path: Path, translator: Translator | None = None) -> int:
    """Write the dashboard to a CSV file in UTF-8 with a byte-order mark (so Excel reads
    the accents), in `translator`'s language (default: the screen's); returns the number of
    rows written."""
    rows = csv_rows(dashboard, translator)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows)
