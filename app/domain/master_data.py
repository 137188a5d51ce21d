"""The rules of the dealership's master data: what a business, facility, operation,
catalogue entry, option or accessory and stock vehicle must hold, and the editable lists.
Pure checks on typed values (no database), shared by the forms and, later, the imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from app.domain import money, vin
from app.domain.choices import Choice, labelled
from app.domain.validation import Validator
from app.i18n import NP_, _

MAX_MILEAGE_KM = 2_000_000


@labelled(
    {
        "net": NP_("price basis", "Net (VAT on top)"),
        "gross": NP_("price basis", "Gross (VAT included)"),
    }
)
class PriceBasis(Choice):
    """How a price list states its prices: net, VAT added on top, or gross, VAT included."""

    NET = "net"
    GROSS = "gross"


@labelled(
    {"option": NP_("catalogue item", "Option"), "accessory": NP_("catalogue item", "Accessory")}
)
class ItemKind(Choice):
    """An option is built in at the factory; an accessory is fitted by the dealership."""

    OPTION = "option"
    ACCESSORY = "accessory"


@labelled(
    {
        "lost": NP_("list", "Lost reasons"),
        "won": NP_("list", "Won reasons"),
        "disqualify": NP_("list", "Disqualify reasons"),
        "note": NP_("list", "Note reasons"),
        "source": NP_("list", "Sources"),
        "competitor": NP_("list", "Competitors"),
    }
)
class ListKind(Choice):
    """The editable lists, by the reason table's kind column."""

    LOST = "lost"
    WON = "won"
    DISQUALIFY = "disqualify"
    NOTE = "note"
    SOURCE = "source"
    COMPETITOR = "competitor"


def parse_rate(v: Validator, name: str, text: str, label: str) -> Decimal | None:
    """A VAT rate typed as a percentage ("19", "7,7"); None for empty (the site's default)."""
    cleaned = text.strip().replace(",", ".").removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        v.error(name, _("{label} is a percentage from 0 to 100.").format(label=label))
        return None
    if not (rate.is_finite() and 0 <= rate <= 100):
        v.error(name, _("{label} is a percentage from 0 to 100.").format(label=label))
        return None
    return rate.normalize() if rate != rate.to_integral() else rate.quantize(Decimal(1))


def parse_rates(v: Validator, name: str, text: str, label: str) -> list[Decimal]:
    """A list of VAT rates ("19; 7; 0"), each a percentage, without repeats, in the order
    typed."""
    rates: list[Decimal] = []
    for part in text.replace(";", " ").split():
        rate = parse_rate(v, name, part, label)
        if rate is not None and rate not in rates:
            rates.append(rate)
    return rates


def net_price(price: Decimal, basis: str, rate: Decimal, currency: str) -> Decimal:
    """The net price of a list price stated `basis` ("net" or "gross") at `rate` percent."""
    if basis != PriceBasis.GROSS.value:
        return price
    return money.quantize(price / (1 + rate.scaleb(-2)), currency)


@dataclass(frozen=True, slots=True)
class VehicleCheck:
    """What a stock vehicle's check found: the VIN as kept (upper case, no spaces)."""

    vin: str


def check_vehicle(
    v: Validator,
    vin_text: str,
    stock_number: str,
    first_registration: date | None,
    mileage_km: int | None,
    condition: str,
    today: date,
) -> VehicleCheck:
    """A stock vehicle's identifiers and history: a VIN as the documents check it (its form,
    the check digit a North American one must carry), a stock number, a first registration
    not in the future, a plausible mileage; a new car has neither registration nor miles."""
    code = vin.normalise(vin_text)
    if not code:
        v.error("vin", _("A stock vehicle needs its VIN."))
    else:
        code = v.vin("vin", code)
    if not stock_number.strip():
        v.error("stock_number", _("A stock vehicle needs its stock number."))
    if first_registration is not None and first_registration > today:
        v.error("first_registration", _("The first registration cannot be in the future."))
    if mileage_km is not None and not 0 <= mileage_km <= MAX_MILEAGE_KM:
        v.error(
            "mileage_km",
            _("The mileage is from 0 to {n} km.").format(n=f"{MAX_MILEAGE_KM:,}"),
        )
    if condition == "new" and mileage_km and mileage_km > 1000:
        v.warn("mileage_km", _("A new car with more than 1,000 km: is it used or ex-demo?"))
    return VehicleCheck(code)


__all__ = [
    "ItemKind",
    "ListKind",
    "PriceBasis",
    "check_vehicle",
    "net_price",
    "parse_rate",
    "parse_rates",
]
