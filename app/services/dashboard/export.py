"""The dashboard as a CSV file for a spreadsheet: every section, counts and amounts as numbers.

The file is written in its reader's language: a translator for it (the screen's unless
another is given) names the headers and the rows; the names that are data (salespeople,
brands, sources) stay as they are."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app.domain import fields, money, reading
from app.domain.choices import Status
from app.domain.rights import Right
from app.domain.standard_names import display_name, reason_display_name
from app.i18n import Translator, current
from app.services import access
from app.services.csv_export import Cell, write_csv
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


def _plain(amount: Decimal, currency: str) -> Decimal:
    """An amount with its currency's decimals."""
    return money.quantize(amount, currency)


def _days(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.1f}")


def _percent(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value * 100:.1f}")


def _group(pipe: Pipeline, label: str, t: Translator) -> str:
    bucket = pipe.group_buckets.get(label)
    return bucket_label(bucket, label, t) if bucket else label


def _stage(pipe: Pipeline, label: str, t: Translator) -> str:
    bucket = pipe.stage_buckets.get(label)
    return bucket_label(bucket, label, t) if bucket else label


def csv_rows(dashboard: Dashboard, translator: Translator | None = None) -> list[list[Cell]]:
    """What the dashboard shows, section after section, as rows for a spreadsheet, in
    `translator`'s language (default: the screen's): texts, and counts and amounts as
    numbers."""
    t = translator or current()
    pipe = dashboard.pipeline
    breakdown = pipe.breakdown
    currency, count = fields.label("opportunity.currency", t), t._("Count")
    revenue, weighted = fields.label("opportunity.est_revenue", t), t._("Weighted revenue")
    stage = fields.label("opportunity.stage_id", t)
    # The filter in words, as shown, or read again in another language.
    description = dashboard.description if t is current() else describe(dashboard.filter, Names(t))
    rows: list[list[Cell]] = [
        # The day as the reader's spreadsheet reads a date typed in its locale (31.01.2027).
        [t._("Showroom pipeline dashboard"), reading.format_typed_date(dashboard.today, t)],
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
                r.count,
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
                    c.count,
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
                f.count,
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
                s.reached,
                s.went_on,
                _percent(s.conversion),
                s.lost_here,
                s.open_here,
                _days(s.avg_days),
            ]
        )
    rows += [
        [],
        [Status.OPEN.translated(t), funnel.open],
        [Status.WON.translated(t), funnel.won],
        [Status.LOST.translated(t), funnel.lost],
        [t._(NO_STAGE), funnel.without_stages],
        [t._("Win rate %"), _percent(funnel.win_rate)],
        [t._("Avg. days from created to won"), _days(funnel.avg_days_to_won)],
        [],
        [t._("Lost reasons")],
        [t._("Reason"), count],
    ]
    rows += [
        [
            reason_display_name("lost", r.stored, t) if r.stored else t._("(no reason)"),
            r.count,
        ]
        for r in funnel.lost_reasons
    ]
    return rows


def export_csv(dashboard: Dashboard, path: Path, translator: Translator | None = None) -> int:
    """Write the dashboard to a CSV file (see `csv_export.write_csv`: UTF-8 with a
    byte-order mark, the locale's separator, no cell a formula) in `translator`'s language
    (default: the screen's); returns the number of rows written."""
    access.require(Right.EXPORT_DATA)
    return write_csv(Path(path), csv_rows(dashboard, translator), translator)
