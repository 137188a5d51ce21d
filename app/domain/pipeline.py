"""The pipeline's arithmetic: weighted revenue, rates and averages, the forecast windows."""

from __future__ import annotations

from decimal import Decimal

from app.domain import money
from app.i18n import current

# "Closing in N days": the forecast's windows, as the list's saved filters count them.
FORECAST_WINDOWS: tuple[int, ...] = (7, 30, 90)


def weighted(revenue_times_probability_minor: int, currency: str) -> Decimal:
    """Σ(est. revenue in minor units × probability %) as an amount: divided by 100 once,
    for the whole sum, and rounded once to the currency's minor unit."""
    amount = money.from_minor(revenue_times_probability_minor, currency) / 100
    return money.quantize(amount, currency)


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def average(total: float, count: int) -> float | None:
    return total / count if count else None


def format_rate(value: float | None) -> str:
    """0.255 -> '25.5%' (en), '25,5\u00a0%' (de): the screen's locale's percentage."""
    return "–" if value is None else current().format_percent(value, 1)


def format_days(value: float | None) -> str:
    """12.25 -> '12.3' (en), '12,3' (de)."""
    return "–" if value is None else current().format_decimal(value, 1)
