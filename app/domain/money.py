"""Money: Decimal amounts with an ISO 4217 currency, stored as integer minor units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.domain import reading
from app.i18n import Translator, _, current

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


def parse_amount(text: str, t: Translator | None = None) -> Decimal:
    """Read an amount as the user's locale writes it ('12.500,50' in German, '12,500.50' in
    English, '12 500,50' in French), strictly: a figure read another way there ("12.50" in
    German) is refused with the reading it would have had (app.domain.reading). Empty is 0."""
    if not (text or "").strip():
        return Decimal(0)
    try:
        return reading.read_amount(text, t)
    except reading.ReadError as exc:
        raise MoneyError(str(exc)) from None


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


def format_amount(amount: Decimal, currency: str, t: Translator | None = None) -> str:
    """12500 -> '12,500.00' (en), '12.500,00' (de): the figure as the locale (the screen's
    when `t` is not given) writes it, with the currency's decimals; the currency goes beside."""
    t = t if t is not None else current()
    try:
        return t.format_decimal(quantize(amount, currency), exponent(currency))
    except InvalidOperation:
        # More digits than Decimal rounds (only a typo is this large, and it is being
        # refused in a message): show it as it came.
        return f"{amount:,}"  # i18n: ignore


# The sign of a negative amount: a true minus, as the quote's and the documents' tables
# write it, not the hyphen CLDR's patterns put before a total ('-€13,400.00').
MINUS = "\u2212"


def format_signed(amount: Decimal, currency: str, t: Translator | None = None) -> str:
    """A figure of a table (a quote's lines, a document's): as format_amount, a negative one
    with a true minus ('−22,000.00'), as format_money writes a total."""
    figure = format_amount(abs(amount), currency, t)
    return f"{MINUS}{figure}" if amount < 0 else figure


def format_money(amount: Decimal, currency: str, t: Translator | None = None) -> str:
    """As CLDR writes money in the locale (the screen's when `t` is not given): '€12,500.00'
    (en), '12.500,00\u00a0€' (de and it), '12\u202f500,00\u00a0€' (fr); a negative amount
    with a true minus where the locale puts its sign ('−€13,400.00', '−13.400,00\u00a0€')."""
    t = t if t is not None else current()
    try:
        shown = t.format_money(quantize(amount, currency), currency)
    except InvalidOperation:
        return f"{amount:,} {currency}"  # i18n: ignore
    return shown.replace("-", MINUS, 1) if amount < 0 else shown
