"""The dashboard as a CSV file for a spreadsheet: every section, amounts without grouping."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from app.domain import money
from app.services.dashboard.labels import BREAKDOWNS
from app.services.dashboard.results import Dashboard


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
