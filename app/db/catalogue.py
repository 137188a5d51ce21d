"""The catalogue and stock queries: the branding pickers' values, the stock search ranked by
the branding, who holds the vehicles found, and a vehicle by its VIN or stock number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peewee import JOIN, SQL, fn

from app.db import models as m
from app.domain.choices import SOLD_USES

CATALOGUE_LEVELS = ("brand", "vehicle_class", "model", "model_code", "variant")


def _same_text(column: Any, value: str) -> Any:
    """Equal but for case. SQLite's lower() folds ASCII letters only, so 'Škoda' would
    never equal 'škoda' there; the usual spellings of the value are matched as they are."""
    spellings = {value, value.lower(), value.upper(), value.title(), value.capitalize()}
    return column.in_(sorted(spellings)) | (fn.lower(column) == value.lower())


def catalogue_values(level: str, above: Mapping[str, str]) -> list[str]:
    """The distinct values of a catalogue level among the entries that have the values
    given for the levels above it (equal but for case), in order."""
    column = getattr(m.CatalogueEntry, level)
    # A deactivated entry (schema 14) is no longer offered.
    query = m.CatalogueEntry.select(column).where(m.CatalogueEntry.active).distinct()
    query = query.order_by(column)
    for name in CATALOGUE_LEVELS[: CATALOGUE_LEVELS.index(level)]:
        value = (above.get(name) or "").strip()
        if value:
            query = query.where(_same_text(getattr(m.CatalogueEntry, name), value))
    return [r[0] for r in query.tuples() if r[0]]


def _in_stock(for_opportunity: int | None) -> Any:
    """The vehicles still in stock by their use (not sold), and the opportunity's own one."""
    unsold = m.Vehicle.use.not_in(SOLD_USES)
    if for_opportunity is None:
        return unsold
    own = m.Opportunity.select(m.Opportunity.vehicle).where(m.Opportunity.id == for_opportunity)
    return unsold | m.Vehicle.id.in_(own)


def stock_vehicles(
    term: str, brand: str, model: str, condition: str, for_opportunity: int | None, limit: int
) -> list[tuple[m.Vehicle, bool]]:
    """Vehicles in stock (their use is not sold, or the opportunity's own) whose VIN, stock number,
    brand, model or variant contain the term; with whether each fits the branding given,
    those that do first."""
    query = m.Vehicle.select().where(_in_stock(for_opportunity))
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
    return [(r, bool(getattr(r, "fits", fits))) for r in rows]


def open_holders(
    vehicle_ids: list[int], other_than: int | None
) -> list[tuple[int, int, str, str | None]]:
    """(vehicle id, opportunity id, topic, owner's name) of the open opportunities (other
    than `other_than`) that reserve the vehicles."""
    if not vehicle_ids:
        return []
    query = (
        m.Opportunity.select(
            m.Opportunity.vehicle, m.Opportunity.id, m.Opportunity.topic, m.User.full_name
        )
        .join(m.User, join_type=JOIN.LEFT_OUTER, on=(m.Opportunity.owner == m.User.id))
        .where(m.Opportunity.vehicle.in_(vehicle_ids) & (m.Opportunity.status == "open"))
    )
    if other_than is not None:
        query = query.where(m.Opportunity.id != other_than)
    return list(query.tuples())


def vehicle_id_by_code(vin: str, stock_number: str) -> int | None:
    """The vehicle with the VIN, or with the stock number (equal but for ASCII case)."""
    row = (
        m.Vehicle.select(m.Vehicle.id)
        .where((m.Vehicle.vin == vin) | (fn.lower(m.Vehicle.stock_number) == stock_number.lower()))
        .first()
    )
    return row.id if row is not None else None


def catalogue_price_entry(
    brand: str, model: str, variant: str, currency: str
) -> m.CatalogueEntry | None:
    """The catalogue entry that prices a branding in a currency: the variant's, else the
    model's first."""
    return (
        m.CatalogueEntry.select()
        .where(
            (m.CatalogueEntry.brand == brand)
            & (m.CatalogueEntry.model == model)
            & (m.CatalogueEntry.currency == currency)
        )
        .order_by((m.CatalogueEntry.variant == variant).desc(), m.CatalogueEntry.id)
        .first()
    )
