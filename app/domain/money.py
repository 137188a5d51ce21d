"""Money: Decimal amounts with an ISO 4217 currency, stored as integer minor units."""

from __future__ import annotations

import re
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


_TYPED = re.compile(r"^[+-]?[0-9.,]+$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:[.,][0-9]{3})+$")


def parse_amount(text: str) -> Decimal:
    """Read an amount as a person types it: '12500', '12,500.50', '12.500,50', '12 500'.

    Until amounts are read in the user's locale, a figure whose one separator may group
    thousands or mark decimals ("12.500", "12,500") is refused with both readings rather
    than guessed; digits only, so "1e3" and "NaN" are no amounts."""
    raw = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not raw:
        return Decimal(0)
    if not _TYPED.match(raw):
        raise MoneyError(_("“{text}” is not an amount").format(text=text))
    sign, digits = ("-", raw[1:]) if raw[0] in "+-" else ("", raw)
    digits = digits.removeprefix("+") if sign else digits
    if "," in digits and "." in digits:
        # The separator that comes last is the decimal one; the other groups thousands.
        point = "," if digits.rfind(",") > digits.rfind(".") else "."
        head, _sep, tail = digits.rpartition(point)
        if not _GROUPED.match(head) and not head.isdigit():
            raise MoneyError(_("“{text}” is not an amount").format(text=text))
        plain = head.replace(",", "").replace(".", "") + "." + tail
    elif digits.count(",") + digits.count(".") > 1:
        if not _GROUPED.match(digits):  # "1.234.567" groups; "1.2.3" is nothing
            raise MoneyError(_("“{text}” is not an amount").format(text=text))
        plain = digits.replace(",", "").replace(".", "")
    elif "," in digits or "." in digits:
        head, _sep, tail = digits.partition("," if "," in digits else ".")
        if len(tail) == 3 and head.isdigit() and head[0] != "0":
            grouped = f"{Decimal(head + tail):,}"
            decimal = f"{Decimal(f'{head}.{tail}').normalize():f}"
            raise MoneyError(
                _("“{text}” could be {grouped} or {decimal}: type {plain} or {decimal}.").format(
                    text=text, grouped=grouped, decimal=decimal, plain=head + tail
                )
            )
        plain = f"{head or '0'}.{tail}"
    else:
        plain = digits
    if not plain.replace(".", "", 1).isdigit():
        raise MoneyError(_("“{text}” is not an amount").format(text=text))
    return Decimal(sign + plain)


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
