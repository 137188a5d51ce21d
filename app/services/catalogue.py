"""The vehicle catalogue and the stock: each branding picker offers what fits the one before."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from peewee import JOIN, SQL, fn

from app.db import models as m
from app.db import queries
from app.domain import money, vin
from app.domain.validation import ValidationError, Validator

_LEVELS = ("brand", "vehicle_class", "model", "model_code", "variant")


def _same_text(column: Any, value: str) -> Any:
    """Equal but for case. SQLite's lower() folds ASCII letters only, so 'Škoda' would
    never equal 'škoda' there; the usual spellings of the value are matched as they are."""
    spellings = {value, value.lower(), value.upper(), value.title(), value.capitalize()}
    return column.in_(sorted(spellings)) | (fn.lower(column) == value.lower())


def choices(level: str, **above: str) -> list[str]:
    """The catalogue's values for `level` given the values picked above it, e.g.
    choices("model", brand="Volkswagen", vehicle_class="Compact"). A value above that the
    catalogue does not know (free text) leaves nothing to offer."""
    if level not in _LEVELS:
        raise ValueError(level)
    column = getattr(m.CatalogueEntry, level)
    query = m.CatalogueEntry.select(column).distinct().order_by(column)
    for name in _LEVELS[: _LEVELS.index(level)]:
        value = (above.get(name) or "").strip()
        if value:
            query = query.where(_same_text(getattr(m.CatalogueEntry, name), value))
    return [r[0] for r in query.tuples() if r[0]]


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
        return " · ".join(
            p for p in (name, self.colour, self.vin, f"stock {self.stock_number}") if p
        )

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
    query = m.Vehicle.select().where(m.Vehicle.id.not_in(_sold(for_opportunity)))
    term = text.strip()
    if term:
        like = f"%{term}%"
        query = query.where(
            m.Vehicle.vin.contains(term.upper())
            | m.Vehicle.stock_number**like
            | m.Vehicle.model**like
            | m.Vehicle.brand**like
            | m.Vehicle.variant**like
        )
    match = m.Vehicle.id.is_null(False)
    if brand:
        match &= _same_text(m.Vehicle.brand, brand)
    if model:
        match &= _same_text(m.Vehicle.model, model)
    if condition:
        match &= m.Vehicle.condition == condition
    fits = (brand or model or condition) != ""
    ranked = query.select_extend(match.alias("fits")) if fits else query
    order = [SQL("fits DESC")] if fits else []
    rows = list(
        ranked.order_by(*order, m.Vehicle.brand, m.Vehicle.model, m.Vehicle.stock_number).limit(
            limit
        )
    )
    holders = _holders([r.id for r in rows], for_opportunity)
    return [_choice(r, bool(getattr(r, "fits", fits)), holders.get(r.id, "")) for r in rows]


def _choice(row: m.Vehicle, fits: bool, reserved_by: str) -> VehicleChoice:
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


def _holders(vehicle_ids: list[int], other_than: int | None) -> dict[int, str]:
    if not vehicle_ids:
        return {}
    query = (
        m.Opportunity.select(
            m.Opportunity.vehicle, m.Opportunity.id, m.Opportunity.topic, m.User.full_name
        )
        .join(m.User, join_type=JOIN.LEFT_OUTER, on=(m.Opportunity.owner == m.User.id))
        .where(m.Opportunity.vehicle.in_(vehicle_ids) & (m.Opportunity.status == "open"))
    )
    if other_than is not None:
        query = query.where(m.Opportunity.id != other_than)
    return {v: f"#{i} {t} ({u or 'no owner'})" for v, i, t, u in query.tuples()}


def _sold(other_than: int | None) -> Any:
    """The vehicles sold with a won opportunity (other than `other_than`): out of stock."""
    query = m.Opportunity.select(m.Opportunity.vehicle).where(
        (m.Opportunity.status == "won") & m.Opportunity.vehicle.is_null(False)
    )
    if other_than is not None:
        query = query.where(m.Opportunity.id != other_than)
    return query


def vehicle(vehicle_id: int, for_opportunity: int | None = None) -> VehicleChoice | None:
    row = m.Vehicle.get_or_none(m.Vehicle.id == vehicle_id)
    if row is None:
        return None
    holder = queries.reservation_holder(vehicle_id, for_opportunity)
    if holder is None:
        return _choice(row, True, "")
    held = f"#{holder.id} {holder.topic} ({holder.owner or 'no owner'})"
    return _choice(row, True, f"sold with {held}" if holder.sold else held)


def _looks_like_vin(term: str) -> bool:
    # Stock numbers are short and model names have spaces; a long run of letters and digits
    # is someone typing a VIN, perhaps a character short or long.
    code = term.replace("-", "")
    return (
        14 <= len(code) <= 20
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
    row = (
        m.Vehicle.select(m.Vehicle.id)
        .where((m.Vehicle.vin == code) | (fn.lower(m.Vehicle.stock_number) == term.lower()))
        .first()
    )
    found = vehicle(row.id, for_opportunity) if row is not None else None
    if found is not None:
        return found
    v = Validator()
    if _looks_like_vin(term):
        v.vin("vehicle_id", code)
        v.error(
            "vehicle_id", f"No vehicle in stock has the VIN {code}; check it against the papers."
        )
    else:
        matches = find_vehicles(term, for_opportunity=for_opportunity, limit=2)
        if len(matches) == 1:
            return matches[0]
        if matches:
            v.error("vehicle_id", f"Several vehicles match “{term}”; pick one from the list.")
        else:
            v.error(
                "vehicle_id",
                f"No vehicle in stock matches “{term}”; type its VIN or stock number, "
                "or pick one from the list.",
            )
    raise ValidationError(dict(v.errors), {})
