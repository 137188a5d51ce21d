"""Money: Decimal amounts with an ISO 4217 currency, stored as integer minor units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.i18n import _

# Minor-unit exponents for the currencies a European dealership meets; anything else has 2.
_EXPONENTS: dict[str, int] = {"JPY": 0, "HUF": 2, "ISK": 0, "KRW": 0, "CLP": 0}

CURRENCIES: tuple[str, ...] = (
    "EUR",
    "CHF",
    "GBP",
    "CZK",
    "PLN",
    "HUF",
    "SEK",
    "DKK",
    "NOK",
    "RON",
    "BGN",
    "USD",
)
DEFAULT_CURRENCY = "EUR"

# Above this a typed amount is surely a typo (a whole fleet of supercars is less).
MAX_AMOUNT = Decimal("100000000")


class MoneyError(ValueError):
    """An amount or currency that cannot be money."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise MoneyError(
            _("“{code}” is not a three-letter ISO 4217 currency code").format(code=code)
        )
    return code


def parse_amount(text: str) -> Decimal:
    """Read an amount as a person types it: '12500', '12,500.50', '12.500,50', '12 500'."""
    raw = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not raw:
        return Decimal(0)
    if "," in raw and "." in raw:
        # The separator that comes last is the decimal one.
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        head, _comma, tail = raw.rpartition(",")
        # "12,500" is thousands, "12,50" is decimals.
        raw = raw.replace(",", "") if len(tail) == 3 and "," not in head else raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(_("“{text}” is not an amount").format(text=text)) from None
    if not value.is_finite():
        raise MoneyError(_("“{text}” is not an amount").format(text=text))
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(minor).scaleb(-exponent(currency)), currency)

    def to_minor(self) -> int:
        return to_minor(self.amount, self.currency)

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round once, half up, to the currency's minor unit."""
    return amount.quantize(Decimal(1).scaleb(-exponent(currency)), rounding=ROUND_HALF_UP)


def fits(amount: Decimal, currency: str) -> bool:
    """Whether the amount is stored as it is, with no more decimals than the currency has."""
    return amount.is_finite() and quantize(amount, currency) == amount


def to_minor(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency).scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def format_amount(amount: Decimal, currency: str) -> str:
    """12500 -> '12,500.00' (grouping for reading; the currency goes beside it)."""
    try:
        return f"{quantize(amount, currency):,.{exponent(currency)}f}"
    except InvalidOperation:
        # More digits than Decimal rounds (only a typo is this large, and it is being
        # refused in a message): show it as it came.
        return f"{amount:,}"


def format_money(amount: Decimal, currency: str) -> str:
    return f"{format_amount(amount, currency)} {currency}"
