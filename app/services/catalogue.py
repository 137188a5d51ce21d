"""The vehicle catalogue and the stock: each branding picker offers what fits the one before."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from app.db import models as m
from app.db import reservations
from app.db.catalogue import (
    CATALOGUE_LEVELS,
    catalogue_values,
    open_holders,
    stock_vehicles,
    vehicle_id_by_code,
)
from app.db.reservations import Reservation
from app.domain import money, vin
from app.domain.validation import ValidationError, Validator
from app.i18n import _


def choices(level: str, **above: str) -> list[str]:
    """The catalogue's values for `level` given the values picked above it, e.g.
    choices("model", brand="Volkswagen", vehicle_class="Compact"). A value above that the
    catalogue does not know (free text) leaves nothing to offer."""
    if level not in CATALOGUE_LEVELS:
        raise ValueError(level)
    return catalogue_values(level, above)


@dataclass(frozen=True, slots=True)
class VehicleChoice:
    id: int
    vin: str
    stock_number: str
    condition: str
    brand: str
    vehicle_class: str
    model: str
    model_code: str
    variant: str
    colour: str
    list_price: Decimal
    currency: str
    matches_branding: bool
    reserved_by: str  # "#12 Golf for Rossi (Anna Bauer)" or ""

    @property
    def label(self) -> str:
        name = " ".join(p for p in (self.brand, self.model, self.variant) if p)
        stock = _("stock {number}").format(number=self.stock_number)
        return " · ".join(p for p in (name, self.colour, self.vin, stock) if p)

    @property
    def vin_warning(self) -> str:
        return vin_warning(self.vin)


def vin_warning(vin_text: str) -> str:
    """What is odd about a stock vehicle's VIN, or "". Only a warning: the vehicle is on
    the yard whatever its papers say, and many European VINs carry no check digit."""
    checked = Validator()
    checked.vin("vin", vin_text)
    return checked.errors.get("vin") or checked.warnings.get("vin") or ""


def find_vehicles(
    text: str = "",
    brand: str = "",
    model: str = "",
    condition: str = "",
    for_opportunity: int | None = None,
    limit: int = 50,
) -> list[VehicleChoice]:
    """Stock vehicles found by VIN, stock number or model; those matching the branding first.
    Sold vehicles are no longer in stock."""
    found = stock_vehicles(text.strip(), brand, model, condition, for_opportunity, limit)
    holders = _holders([row.id for row, _ in found], for_opportunity)
    return [choice_of(row, fits, holders.get(row.id, "")) for row, fits in found]


def choice_of(row: StockVehicle, fits: bool, reserved_by: str) -> VehicleChoice:
    """A stock vehicle (its table row, or the row the opportunity form reads) as the pickers
    show it."""
    return VehicleChoice(
        id=row.id,
        vin=row.vin,
        stock_number=row.stock_number,
        condition=row.condition,
        brand=row.brand,
        vehicle_class=row.vehicle_class,
        model=row.model,
        model_code=row.model_code,
        variant=row.variant,
        colour=row.colour,
        list_price=money.from_minor(row.list_price_minor, row.currency),
        currency=row.currency,
        matches_branding=fits,
        reserved_by=reserved_by,
    )


class StockVehicle(Protocol):
    """What the pickers read of a stock vehicle."""

    @property
    def id(self) -> int: ...

    @property
    def vin(self) -> str: ...

    @property
    def stock_number(self) -> str: ...

    @property
    def condition(self) -> str: ...

    @property
    def brand(self) -> str: ...

    @property
    def vehicle_class(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def model_code(self) -> str: ...

    @property
    def variant(self) -> str: ...

    @property
    def colour(self) -> str: ...

    @property
    def list_price_minor(self) -> int: ...

    @property
    def currency(self) -> str: ...


def holder_label(opportunity_id: int, topic: str, owner: str | None) -> str:
    """The sale holding a vehicle, as the pickers name it: "#12 Golf for Rossi (Anna Bauer)"."""
    if owner:
        return _("#{id} {topic} ({owner})").format(id=opportunity_id, topic=topic, owner=owner)
    return _("#{id} {topic} (no owner)").format(id=opportunity_id, topic=topic)


def _holders(vehicle_ids: list[int], other_than: int | None) -> dict[int, str]:
    return {v: holder_label(i, t, u) for v, i, t, u in open_holders(vehicle_ids, other_than)}


def vehicle(vehicle_id: int, for_opportunity: int | None = None) -> VehicleChoice | None:
    row = m.Vehicle.get_or_none(m.Vehicle.id == vehicle_id)
    if row is None:
        return None
    holder = reservations.reservation_holder(vehicle_id, for_opportunity)
    if holder is None:
        return choice_of(row, True, "")
    return choice_of(row, True, reserved_label(holder))


def reserved_label(holder: Reservation) -> str:
    """Whose sale holds the vehicle, or the sale it was sold with."""
    held = holder_label(holder.id, holder.topic, holder.owner)
    return _("sold with {opportunity}").format(opportunity=held) if holder.sold else held


def _looks_like_vin(term: str) -> bool:
    # Stock numbers are short and model names have spaces; a long run of letters and digits
    # is someone typing a VIN, perhaps a character short or long.
    code = term.replace("-", "")
    return (
        9 <= len(code) <= 20
        and code.isascii()
        and code.isalnum()
        and any(c.isdigit() for c in code)
    )


def vehicle_by_code(text: str, for_opportunity: int | None = None) -> VehicleChoice:
    """The stock vehicle a typed VIN or stock number names, for a device typed rather than
    picked. Raises ValidationError (on "vehicle_id") saying what to fix: a VIN of the wrong
    form, a VIN not in stock, or text that names no vehicle or several."""
    term = text.strip()
    code = vin.normalise(term)
    found_id = vehicle_id_by_code(code, term)
    found = vehicle(found_id, for_opportunity) if found_id is not None else None
    if found is not None:
        return found
    v = Validator()
    if _looks_like_vin(term):
        v.vin("vehicle_id", code)
        v.error(
            "vehicle_id",
            _("No vehicle in stock has the VIN {vin}; check it against the papers.").format(
                vin=code
            ),
        )
    else:
        matches = find_vehicles(term, for_opportunity=for_opportunity, limit=2)
        if len(matches) == 1:
            return matches[0]
        if matches:
            v.error(
                "vehicle_id",
                _("Several vehicles match “{text}”; pick one from the list.").format(text=term),
            )
        else:
            v.error(
                "vehicle_id",
                _(
                    "No vehicle in stock matches “{text}”; type its VIN or stock number, "
                    "or pick one from the list."
                ).format(text=term),
            )
    # The check-digit warning stays beside "not in stock": it may be why.
    raise ValidationError(dict(v.errors), dict(v.warnings))
