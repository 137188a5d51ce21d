"""The rules of the dealership's master data: what a business, facility, operation,
catalogue entry, option or accessory and stock vehicle must hold, and the editable lists.
Pure checks on typed values (no database), shared by the forms and, later, the imports."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from app.domain import money, vin
from app.domain.choices import Choice, labelled
from app.domain.validation import Validator
from app.i18n import N_, NP_, _

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
        "channel": NP_("list", "Channels"),
        "interest": NP_("list", "Payment interests"),
        "outcome": NP_("list", "Activity outcomes"),
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
    CHANNEL = "channel"
    INTEREST = "interest"
    OUTCOME = "outcome"


# The lists whose entries records keep by code (an opportunity's channel "walk_in"), so an
# entry may be renamed while records hold it; the others keep the entry's name.
CODED_LISTS = frozenset({ListKind.CHANNEL.value, ListKind.INTEREST.value, ListKind.OUTCOME.value})

# The entries the program itself relies on, which stay active: the walk-in desk records
# its sales under the channel "walk_in". (The lead import's default, "web_form", may be
# deactivated: the import then takes the first active channel.)
KEPT_ACTIVE: dict[tuple[str, str], str] = {
    ("channel", "walk_in"): N_(
        "The walk-in desk records its sales under this channel, so it stays active; "
        "rename it if the dealership calls it otherwise."
    ),
}


def code_for(name: str, taken: set[str]) -> str:
    """The code a new entry of a coded list is kept by: its name in lower-case letters,
    digits and underscores ("Social media" -> "social_media"), numbered when taken."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = "_".join(re.findall(r"[a-z0-9]+", folded))[:40] or "entry"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


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
    "CODED_LISTS",
    "KEPT_ACTIVE",
    "ItemKind",
    "ListKind",
    "PriceBasis",
    "check_vehicle",
    "code_for",
    "net_price",
    "parse_rate",
    "parse_rates",
]
