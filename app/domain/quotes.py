"""Quote lines, their totals and VAT, their validation, and the statuses a quote moves through."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app import i18n
from app.domain import money
from app.domain.choices import Choice, labelled
from app.domain.validation import Validator
from app.i18n import N_, NP_, Translator, _, current, ngettext, pgettext


@labelled(
    {
        "vehicle": NP_("quote line", "Vehicle"),
        "option": NP_("quote line", "Option"),
        "accessory": NP_("quote line", "Accessory"),
        "service": NP_("quote line", "Service"),
        "financial_product": NP_("quote line", "Financial product"),
        "discount": NP_("quote line", "Discount"),
        "trade_in": NP_("quote line", "Trade-in"),
    }
)
class LineKind(Choice):
    VEHICLE = "vehicle"
    OPTION = "option"
    ACCESSORY = "accessory"
    SERVICE = "service"
    FINANCIAL_PRODUCT = "financial_product"
    DISCOUNT = "discount"
    TRADE_IN = "trade_in"


@labelled(
    {
        "regular": NP_("VAT treatment", "Regular"),
        "margin": NP_("VAT treatment", "Margin"),
    }
)
class VatTreatment(Choice):
    """How a vehicle is taxed when sold: VAT on the price, or the margin scheme for a used
    car bought without VAT (EU VAT Directive art. 311 ff.; in Germany § 25a UStG), whose
    price is final and shows no VAT."""

    REGULAR = "regular"
    MARGIN = "margin"


@labelled(
    {
        "draft": NP_("quote status", "Draft"),
        "presented": NP_("quote status", "Presented"),
        "accepted": NP_("quote status", "Accepted"),
        "abandoned": NP_("quote status", "Abandoned"),
        "expired": NP_("quote status", "Expired"),
        "revised": NP_("quote status", "Revised"),
    }
)
class QuoteStatus(Choice):
    DRAFT = "draft"
    PRESENTED = "presented"
    ACCEPTED = "accepted"
    ABANDONED = "abandoned"
    EXPIRED = "expired"
    REVISED = "revised"


# Every move a quote may make. A presented quote is one the customer has seen, so it is
# superseded by a new revision rather than edited; the four end states are final because
# the customer holds a printed copy of each.
QUOTE_TRANSITIONS: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    QuoteStatus.DRAFT: frozenset(
        {QuoteStatus.PRESENTED, QuoteStatus.ABANDONED, QuoteStatus.EXPIRED}
    ),
    QuoteStatus.PRESENTED: frozenset(
        {
            QuoteStatus.ACCEPTED,
            QuoteStatus.ABANDONED,
            QuoteStatus.EXPIRED,
            QuoteStatus.REVISED,
        }
    ),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.ABANDONED: frozenset(),
    QuoteStatus.EXPIRED: frozenset(),
    QuoteStatus.REVISED: frozenset(),
}

# The quotes that accepting another one, closing the opportunity or the calendar still affects.
OPEN_QUOTE_STATUSES: frozenset[QuoteStatus] = frozenset(
    s for s, targets in QUOTE_TRANSITIONS.items() if targets
)

# A single line above this is a typo; a whole fleet order is many lines, not one.
MAX_LINE_AMOUNT = Decimal("10000000")
MAX_DESCRIPTION_LENGTH = 500
# Four tyres, 2.5 hours of work, 1.125 litres: more is a typo, and a number of thousands of
# digits (which a cell parses as readily as "4") could be neither shown nor printed.
MAX_QUANTITY = Decimal("10000")
QUANTITY_PLACES = 3
VAT_RATE_PLACES = 2  # 19, 5.5, 7.7, 13.5: a rate is never finer than a hundredth

# Lines that reduce what the customer pays.
_SUBTRACTED = frozenset({LineKind.DISCOUNT, LineKind.TRADE_IN})
_KINDS = frozenset(LineKind)


@dataclass(frozen=True, slots=True)
class TradeInVehicle:
    """The customer's car a trade-in allowance is for, as the document identifies it."""

    make: str = ""
    model: str = ""
    vin: str = ""
    first_registration: date | None = None
    mileage_km: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.make or self.model or self.vin)

    def to_dict(self) -> dict[str, object]:
        return {
            "make": self.make,
            "model": self.model,
            "vin": self.vin,
            "first_registration": (
                self.first_registration.isoformat() if self.first_registration else None
            ),
            "mileage_km": self.mileage_km,
        }

    @classmethod
    def from_dict(cls, data: object) -> TradeInVehicle | None:
        if not isinstance(data, dict) or not data:
            return None
        registered = data.get("first_registration")
        mileage = data.get("mileage_km")
        return cls(
            make=str(data.get("make", "")),
            model=str(data.get("model", "")),
            vin=str(data.get("vin", "")),
            first_registration=date.fromisoformat(str(registered)) if registered else None,
            mileage_km=None if mileage in (None, "") else int(str(mileage)),
        )


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One line as the salesperson enters it: net prices in the quote's currency, discounts
    and trade-in allowances as positive amounts (they are subtracted). A vehicle under the
    margin scheme has a final price that carries no VAT shown."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent: 19, 22, 5.5, 0
    margin_scheme: bool = False
    trade_in: TradeInVehicle | None = None  # the car a trade-in line takes in

    @property
    def net(self) -> Decimal:
        """Quantity x unit price, negative for discounts and trade-ins; exact, never rounded.
        Figures out of bounds (refused by validate_lines) give 0 rather than overflow."""
        if not figures_in_bounds(self.quantity, self.unit_price):
            return Decimal(0)
        amount = self.quantity * self.unit_price
        return -amount if self.kind in _SUBTRACTED else amount

    @property
    def is_trade_in(self) -> bool:
        return self.kind == LineKind.TRADE_IN


@dataclass(frozen=True, slots=True)
class VatAmount:
    """The VAT of one rate: computed on that rate's net sum, rounded once."""

    rate: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class QuoteTotals:
    currency: str
    # One per line, in order; a trade-in line's figure is its allowance (negative), which
    # lies outside the net total.
    line_nets: tuple[Decimal, ...]
    net: Decimal
    vat: tuple[VatAmount, ...]  # highest rate first
    vat_total: Decimal
    gross: Decimal
    trade_in: Decimal  # the allowance, as a positive amount
    amount_due: Decimal
    margin: Decimal = Decimal(0)  # margin-scheme vehicles: final prices, in the gross only


def figures_in_bounds(quantity: Decimal, unit_price: Decimal) -> bool:
    """Whether a line's figures are numbers small enough to multiply: a quantity typed as
    9e999999 is refused by validate_lines, and must not overflow anything before that."""
    return (
        quantity.is_finite()
        and unit_price.is_finite()
        and abs(quantity) <= MAX_QUANTITY
        and abs(unit_price) <= money.MAX_AMOUNT
    )


def compute_totals(lines: Sequence[QuoteLine], currency: str) -> QuoteTotals:
    """Net, VAT per rate, gross and the amount due after the trade-in.

    VAT is rounded per rate, not per line: each rate's net sum times the rate, rounded half
    up to the currency's minor unit. A trade-in is the dealer buying the customer's car, so it
    carries no VAT; it only reduces the amount due."""
    by_rate: dict[Decimal, Decimal] = {}
    trade_in = Decimal(0)
    margin = Decimal(0)
    for line in lines:
        if line.is_trade_in:
            trade_in -= line.net
        elif line.margin_scheme:
            margin += line.net
        else:
            by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal(0)) + line.net
    vat = tuple(
        VatAmount(rate, net, money.quantize(net * rate.scaleb(-2), currency))
        for rate, net in sorted(by_rate.items(), key=lambda item: item[0], reverse=True)
    )
    net_total = sum((v.net for v in vat), Decimal(0))
    vat_total = sum((v.vat for v in vat), Decimal(0))
    gross = net_total + vat_total + margin
    return QuoteTotals(
        currency=currency,
        line_nets=tuple(line.net for line in lines),
        net=net_total,
        vat=vat,
        vat_total=vat_total,
        gross=gross,
        trade_in=trade_in,
        amount_due=gross - trade_in,
        margin=margin,
    )


def line_field(index: int, name: str) -> str:
    """The key of a line's field in validation errors: 'lines.0.unit_price'."""
    return f"lines.{index}.{name}"


def validate_lines(
    lines: Sequence[QuoteLine], currency: str, validator: Validator | None = None
) -> Validator:
    """Check every line and the totals they make; messages name the line (1-based, as shown)
    and are keyed by `line_field`. Returns the validator so the caller can add its own fields
    and raise once."""
    v = validator if validator is not None else Validator()
    refused_before = len(v.errors)
    places = money.exponent(currency)
    for index, line in enumerate(lines):
        label = _line_label(index, line)
        if line.kind not in _KINDS:
            v.error(
                line_field(index, "kind"),
                _("{line}: “{kind}” is not a kind of line.").format(line=label, kind=line.kind),
            )
        _check_description(v, index, label, line.description)
        _check_number(v, index, "quantity", line.quantity, label)
        if line.quantity.is_finite() and line.quantity == 0:
            v.error(
                line_field(index, "quantity"),
                _("{line}: the quantity must be more than 0.").format(line=label),
            )
        elif line.quantity.is_finite() and line.quantity > MAX_QUANTITY:
            v.error(
                line_field(index, "quantity"),
                _(
                    "{line}: a quantity of more than {limit} on one line is a typo; check the "
                    "digits."
                ).format(line=label, limit=format_quantity(MAX_QUANTITY)),
            )
        elif line.quantity.is_finite() and _decimals(line.quantity) > QUANTITY_PLACES:
            v.error(
                line_field(index, "quantity"),
                ngettext(
                    "{line}: the quantity has more than {places} decimal.",
                    "{line}: the quantity has more than {places} decimals.",
                    QUANTITY_PLACES,
                ).format(line=label, places=QUANTITY_PLACES),
            )
        _check_number(v, index, "unit_price", line.unit_price, label)
        if line.unit_price.is_finite() and _decimals(line.unit_price) > places:
            v.error(
                line_field(index, "unit_price"),
                _(
                    "{line}: the unit price {price} has more decimals than {currency} has "
                    "({places})."
                ).format(line=label, price=line.unit_price, currency=currency, places=places),
            )
        if not line.vat_rate.is_finite() or not 0 <= line.vat_rate <= 100:
            v.error(
                line_field(index, "vat_rate"),
                _("{line}: the VAT rate is a percentage from 0 to 100 (got {rate}).").format(
                    line=label, rate=line.vat_rate
                ),
            )
        elif _decimals(line.vat_rate) > VAT_RATE_PLACES:
            v.error(
                line_field(index, "vat_rate"),
                ngettext(
                    "{line}: the VAT rate has more than {places} decimal.",
                    "{line}: the VAT rate has more than {places} decimals.",
                    VAT_RATE_PLACES,
                ).format(line=label, places=VAT_RATE_PLACES),
            )
        elif line.is_trade_in and line.vat_rate != 0:
            v.warn(
                line_field(index, "vat_rate"),
                _(
                    "{line}: a trade-in allowance carries no VAT; its rate of {rate} is ignored."
                ).format(line=label, rate=format_rate_percent(line.vat_rate)),
            )
        if line.unit_price.is_finite() and abs(line.unit_price) > money.MAX_AMOUNT:
            v.error(
                line_field(index, "unit_price"),
                _(
                    "{line}: a unit price above {limit} {currency} is a typo; check the digits."
                ).format(
                    line=label,
                    limit=money.format_amount(money.MAX_AMOUNT, currency),
                    currency=currency,
                ),
            )
        if line.margin_scheme and line.kind != LineKind.VEHICLE:
            v.error(
                line_field(index, "vat_rate"),
                _("{line}: only a vehicle is sold under the margin scheme.").format(line=label),
            )
        if not figures_in_bounds(line.quantity, line.unit_price):
            continue
        amount = abs(line.quantity * line.unit_price)
        if amount > MAX_LINE_AMOUNT:
            v.error(
                line_field(index, "unit_price"),
                _(
                    "{line}: {amount} {currency} is more than {limit} for one line; check the "
                    "digits."
                ).format(
                    line=label,
                    amount=money.format_amount(amount, currency),
                    currency=currency,
                    limit=money.format_amount(MAX_LINE_AMOUNT, currency),
                ),
            )
        elif _decimals(amount) > places and _decimals(line.unit_price) <= places:
            v.error(
                line_field(index, "quantity"),
                _(
                    "{line}: {quantity} x {price} makes {amount}, which is not a whole amount in "
                    "{currency}; adjust the quantity or the price."
                ).format(
                    line=label,
                    quantity=format_quantity(line.quantity),
                    price=line.unit_price,
                    amount=amount,
                    currency=currency,
                ),
            )
    # Sums over lines that are themselves wrong would only repeat their messages.
    if len(v.errors) == refused_before:
        _check_discounts(v, lines, currency)
    return v


def _check_discounts(v: Validator, lines: Sequence[QuoteLine], currency: str) -> None:
    """A discount may take its rate's sum down to zero (a free car is a 100 % discount), never
    below; and the trade-in may not exceed what the customer pays."""
    charged: dict[Decimal, Decimal] = {}
    discounted: dict[Decimal, Decimal] = {}
    for line in lines:
        if line.kind == LineKind.DISCOUNT:
            discounted[line.vat_rate] = discounted.get(line.vat_rate, Decimal(0)) - line.net
        elif not line.is_trade_in and not line.margin_scheme:
            charged[line.vat_rate] = charged.get(line.vat_rate, Decimal(0)) + line.net
    too_large = False
    for index, line in enumerate(lines):
        if line.kind != LineKind.DISCOUNT:
            continue
        base = charged.get(line.vat_rate, Decimal(0))
        if discounted[line.vat_rate] > base:
            too_large = True
            v.error(
                line_field(index, "unit_price"),
                _(
                    "{line}: the discounts at {rate} VAT come to {amount} {currency}, more than "
                    "the {base} {currency} they discount."
                ).format(
                    line=_line_label(index, line),
                    rate=format_rate_percent(line.vat_rate),
                    amount=money.format_amount(discounted[line.vat_rate], currency),
                    base=money.format_amount(base, currency),
                    currency=currency,
                ),
            )
    totals = compute_totals(lines, currency)
    if totals.amount_due >= 0 or too_large:
        return
    for index, line in enumerate(lines):
        if line.is_trade_in:
            v.error(
                line_field(index, "unit_price"),
                _(
                    "{line}: the trade-in allowance of {allowance} {currency} is more than the "
                    "gross total of {gross} {currency}; the amount due cannot be below zero."
                ).format(
                    line=_line_label(index, line),
                    allowance=money.format_amount(totals.trade_in, currency),
                    gross=money.format_amount(totals.gross, currency),
                    currency=currency,
                ),
            )


def _check_description(v: Validator, index: int, label: str, description: str) -> None:
    text = (description or "").strip()
    if not text:
        v.error(
            line_field(index, "description"),
            _("{line}: the description cannot be empty.").format(line=label),
        )
    elif len(text) > MAX_DESCRIPTION_LENGTH:
        v.error(
            line_field(index, "description"),
            ngettext(
                "{line}: the description is too long ({length} character; at most {limit}).",
                "{line}: the description is too long ({length} characters; at most {limit}).",
                len(text),
            ).format(line=label, length=len(text), limit=MAX_DESCRIPTION_LENGTH),
        )
    elif "\x00" in text:  # no database on a server keeps it in a text
        v.error(
            line_field(index, "description"),
            _("{line}: the description holds a character that cannot be kept (NUL).").format(
                line=label
            ),
        )


_NOT_A_NUMBER = {
    "quantity": N_("{line}: the quantity is not a number."),
    "unit_price": N_("{line}: the unit price is not a number."),
}
_NEGATIVE = {
    "quantity": N_("{line}: the quantity cannot be negative ({value})."),
    "unit_price": N_("{line}: the unit price cannot be negative ({value})."),
}


def _check_number(v: Validator, index: int, name: str, value: Decimal, label: str) -> None:
    if not value.is_finite():
        v.error(line_field(index, name), _(_NOT_A_NUMBER[name]).format(line=label))
    elif value < 0:
        v.error(line_field(index, name), _(_NEGATIVE[name]).format(line=label, value=value))


def _line_label(index: int, line: QuoteLine) -> str:
    """How the messages name a line: "Line 2 (Winter tyres)", as the editor numbers it."""
    description = line.description.strip()
    if len(description) > 40:
        description = description[:39] + "…"
    if description:
        return _("Line {number} ({description})").format(number=index + 1, description=description)
    return _("Line {number}").format(number=index + 1)


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_rate(rate: Decimal, t: Translator | None = None) -> str:
    """19 -> '19', 5.50 -> '5.5' (en), '5,5' (de): as few decimals as the rate has, in the
    locale of `t` (the screen's when not given)."""
    t = t if t is not None else current()
    return t.format_decimal(rate, _decimals(rate))


def format_rate_percent(rate: Decimal, t: Translator | None = None) -> str:
    """A VAT rate of 19 as the locale writes a percentage: '19%' (en), '19\u00a0%' (de)."""
    t = t if t is not None else current()
    return t.format_percent(rate / 100, _decimals(rate))


def format_quantity(quantity: Decimal, t: Translator | None = None) -> str:
    """1.00 -> '1', 2.50 -> '2.5', 1500 -> '1,500' (en); '2,5', '1.500' (de)."""
    t = t if t is not None else current()
    return t.format_decimal(quantity, _decimals(quantity))


# Above this a VAT rate is surely mistyped: the highest standard rate in the EU is 27 %.
MAX_PLAUSIBLE_VAT_RATE = Decimal("30")


def issue_concerns(lines: Sequence[QuoteLine], currency: str) -> list[str]:
    """What to confirm before issuing a quote that is valid but odd: a total of zero, or a
    VAT rate above any in force."""
    concerns = []
    totals = compute_totals(lines, currency)
    if totals.amount_due == 0:
        concerns.append(_("The quote's total is zero."))
    rates = sorted(
        {line.vat_rate for line in lines if line.vat_rate > MAX_PLAUSIBLE_VAT_RATE},
        reverse=True,
    )
    if rates:
        concerns.append(
            _("It charges VAT at {rate}, more than any rate in force.").format(
                rate=format_rate_percent(rates[0])
            )
        )
    return concerns


def can_move(current: str, target: str) -> bool:
    """Whether QUOTE_TRANSITIONS allows the move; unknown statuses allow nothing."""
    try:
        return QuoteStatus(target) in QUOTE_TRANSITIONS[QuoteStatus(current)]
    except ValueError:
        return False


def move_error(current: str, target: str, line_count: int) -> str | None:
    """Why a quote may not move from `current` to `target`, or None when it may."""
    if not can_move(current, target):
        return _("A quote cannot go from {current} to {target}.").format(
            current=_status_label(current), target=_status_label(target)
        )
    if target == QuoteStatus.PRESENTED and line_count == 0:
        return _("A quote with no lines cannot be presented; add the vehicle or an item first.")
    return None


# A status as a sentence names it ("from presented to accepted"): in lower case in English,
# as another language writes it in the middle of a sentence.
_STATUS_IN_SENTENCE = {
    "draft": NP_("quote status in a sentence", "draft"),
    "presented": NP_("quote status in a sentence", "presented"),
    "accepted": NP_("quote status in a sentence", "accepted"),
    "abandoned": NP_("quote status in a sentence", "abandoned"),
    "expired": NP_("quote status in a sentence", "expired"),
    "revised": NP_("quote status in a sentence", "revised"),
}


def _status_label(value: str) -> str:
    if value in _STATUS_IN_SENTENCE:
        return pgettext(*_STATUS_IN_SENTENCE[value])
    return f"“{value}”"


def is_open(status: str) -> bool:
    return status in OPEN_QUOTE_STATUSES


def has_expired(status: str, valid_until: date | None, today: date) -> bool:
    """An open quote expires the day after its valid-until date."""
    return is_open(status) and valid_until is not None and today > valid_until


def reachable_from(status: QuoteStatus) -> set[QuoteStatus]:
    """Every status a quote can reach from `status` through any number of moves."""
    seen: set[QuoteStatus] = set()
    todo: list[QuoteStatus] = [status]
    while todo:
        for target in QUOTE_TRANSITIONS[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def quote_label(number: str, revision: int, translator: i18n.Translator | None = None) -> str:
    """How a quote is named to a user: "Q-00012", and "Q-00012 rev. 2" from the second
    revision on (in the screen's language, or `translator`'s)."""
    if revision <= 1:
        return number
    t = translator or i18n.current()
    return t._("{number} rev. {revision}").format(number=number, revision=revision)


def describe_trade_in(car: TradeInVehicle, t: i18n.Translator, day: Callable[[date], str]) -> str:
    """The car traded in, in one line wherever its allowance is shown or printed: make, model,
    VIN, first registration and mileage. ``day`` writes a date as the place it goes does."""
    parts = [" ".join(p for p in (car.make, car.model) if p)]
    if car.vin:
        parts.append(t._("VIN {vin}").format(vin=car.vin))
    if car.first_registration is not None:
        parts.append(t._("first registered {date}").format(date=day(car.first_registration)))
    if car.mileage_km is not None:
        parts.append(t._("{distance} km").format(distance=t.format_number(car.mileage_km)))
    return ", ".join(p for p in parts if p)
