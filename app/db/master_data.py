"""The queries behind the master data kept in the program: a row to edit, a row written with
its changes audited, the lists searched, and what holds a row so that it is deactivated
rather than deleted."""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from peewee import SQL, Field, NodeList, fn

from app.db import models as m
from app.db.search_terms import escape_like


def row(model: type[m.BaseModel], row_id: int) -> Any:
    """The row, or None when it is gone."""
    return model.get_or_none(model.id == row_id)


def write(model: type[m.BaseModel], entity: str, row_id: int | None, values: dict[str, Any]) -> Any:
    """Create the row, or set `values` on it: a new version, and each changed field (old ->
    new) in the audit log under `entity`. Joins the caller's transaction."""
    if row_id is None:
        created = model.create(**values)
        if model.audit_entity is None:
            m.write_audit(entity, created.id, "create")
        return created
    found = model.get_by_id(row_id)
    changes = {
        name: (getattr(found, name), value)
        for name, value in values.items()
        if m.audit_value(getattr(found, name)) != m.audit_value(value)
    }
    if not changes:
        return found
    for name, value in values.items():
        setattr(found, name, value)
    found.save()
    if model.audit_entity is None:
        m.write_audit(entity, found.id, "update", changes)
    return found


def delete(model: type[m.BaseModel], entity: str, row_id: int) -> None:
    found = model.get_by_id(row_id)
    if model.audit_entity is None:
        m.write_audit(entity, row_id, "delete")
    found.delete_instance()


def _matching(columns: list[Field], text: str) -> Any:
    """Rows where any of the columns holds the text, in any case, wildcards as typed."""
    pattern = "%" + escape_like(text.lower()) + "%"
    return reduce(
        operator.or_,
        [NodeList((fn.lower(c), SQL("LIKE"), pattern, SQL("ESCAPE '\\'"))) for c in columns],
    )


def _listed(model: type[m.BaseModel], columns: list[Field], text: str, inactive: bool) -> Any:
    query = model.select()
    if text:
        query = query.where(_matching(columns, text))
    if not inactive and "active" in model._meta.fields:
        query = query.where(model.active)
    return query


def businesses(text: str = "", inactive: bool = True) -> list[m.Business]:
    cols = [m.Business.name, m.Business.city, m.Business.registered_name]
    return list(_listed(m.Business, cols, text, inactive).order_by(m.Business.name))


def facilities(text: str = "", inactive: bool = True) -> list[m.Facility]:
    cols = [m.Facility.name, m.Facility.city, m.Facility.street]
    return list(_listed(m.Facility, cols, text, inactive).order_by(m.Facility.name))


def operations(text: str = "", inactive: bool = True) -> list[m.Operation]:
    query = _listed(m.Operation, [m.Operation.name, m.Operation.kind], text, inactive)
    return list(query.order_by(m.Operation.facility, m.Operation.name))


def catalogue_entries(text: str = "", inactive: bool = True) -> list[m.CatalogueEntry]:
    e = m.CatalogueEntry
    cols = [e.brand, e.vehicle_class, e.model, e.model_code, e.variant]
    query = _listed(e, cols, text, inactive)
    return list(query.order_by(e.brand, e.vehicle_class, e.model, e.model_code, e.variant))


def catalogue_items(text: str = "", inactive: bool = True) -> list[m.CatalogueItem]:
    i = m.CatalogueItem
    query = _listed(i, [i.name, i.code], text, inactive)
    return list(query.order_by(i.kind, i.name))


def stock(text: str = "", inactive: bool = True) -> list[m.Vehicle]:
    v = m.Vehicle
    cols = [v.vin, v.stock_number, v.brand, v.model, v.variant, v.colour]
    query = _listed(v, cols, text, inactive)
    if not inactive:
        query = query.where(v.use != "sold")
    return list(query.order_by(v.stock_number))


def list_entries(kind: str, text: str = "", inactive: bool = True) -> list[m.Reason]:
    query = _listed(m.Reason, [m.Reason.name], text, inactive).where(m.Reason.kind == kind)
    return list(query.order_by(m.Reason.sequence, m.Reason.id))


def next_list_sequence(kind: str) -> int:
    top = m.Reason.select(fn.max(m.Reason.sequence)).where(m.Reason.kind == kind).scalar()
    return int(top or 0) + 1


def list_name_taken(kind: str, name: str, other_than: int | None) -> bool:
    query = m.Reason.select().where(
        (m.Reason.kind == kind) & (fn.lower(m.Reason.name) == name.lower())
    )
    if other_than is not None:
        query = query.where(m.Reason.id != other_than)
    return bool(query.exists())


def list_codes(kind: str) -> set[str]:
    """The codes a coded list's entries are kept by."""
    query = m.Reason.select(m.Reason.code).where(
        (m.Reason.kind == kind) & m.Reason.code.is_null(False)
    )
    return {r[0] for r in query.tuples()}


def swap_list_sequence(first: m.Reason, second: m.Reason) -> None:
    """Swap two entries' places in their list (each a new version, audited)."""
    a, b = first.sequence, second.sequence
    if a == b:  # entries added by hand may share a place: make them distinct
        b = a + 1
    write(m.Reason, "reason", first.id, {"sequence": b})
    write(m.Reason, "reason", second.id, {"sequence": a})


def catalogue_entry_taken(key: tuple[str, str, str, str, str], other_than: int | None) -> bool:
    e = m.CatalogueEntry
    query = e.select().where(
        (e.brand == key[0])
        & (e.vehicle_class == key[1])
        & (e.model == key[2])
        & (e.model_code == key[3])
        & (e.variant == key[4])
    )
    if other_than is not None:
        query = query.where(e.id != other_than)
    return bool(query.exists())


def vehicle_taken(vin: str, stock_number: str, other_than: int | None) -> tuple[bool, bool]:
    """Whether another vehicle has the VIN, and whether one has the stock number."""
    v = m.Vehicle
    others = v.select(v.vin, v.stock_number).where(
        (v.vin == vin) | (fn.lower(v.stock_number) == stock_number.lower())
    )
    if other_than is not None:
        others = others.where(v.id != other_than)
    found = list(others.tuples())
    return (
        any(r[0] == vin for r in found),
        any(r[1].lower() == stock_number.lower() for r in found),
    )


# --- what holds a row -----------------------------------------------------------------------


def _count(query: Any) -> int:
    return int(query.count())


def business_uses(business_id: int) -> dict[str, int]:
    return {
        "facilities": _count(m.Facility.select().where(m.Facility.business == business_id)),
        "opportunities": _count(
            m.Opportunity.select().where(m.Opportunity.business == business_id)
        ),
        "users": _count(m.User.select().where(m.User.home_business == business_id)),
        "businesses": _count(m.Business.select().where(m.Business.parent == business_id)),
    }


def facility_uses(facility_id: int) -> dict[str, int]:
    return {
        "operations": _count(m.Operation.select().where(m.Operation.facility == facility_id)),
        "opportunities": _count(
            m.Opportunity.select().where(m.Opportunity.facility == facility_id)
        ),
        "vehicles": _count(m.Vehicle.select().where(m.Vehicle.facility == facility_id)),
        "users": _count(m.User.select().where(m.User.home_facility == facility_id)),
    }


def operation_uses(operation_id: int) -> dict[str, int]:
    return {
        "opportunities": _count(
            m.Opportunity.select().where(m.Opportunity.operation == operation_id)
        )
    }


def catalogue_entry_uses(entry: m.CatalogueEntry) -> dict[str, int]:
    """Stock vehicles of the variant, and opportunities and leads that name it."""
    v, o, lead = m.Vehicle, m.Opportunity, m.Lead
    return {
        "vehicles": _count(
            v.select().where(
                (v.brand == entry.brand) & (v.model == entry.model) & (v.variant == entry.variant)
            )
        ),
        "opportunities": _count(
            o.select().where(
                (o.brand == entry.brand) & (o.model == entry.model) & (o.variant == entry.variant)
            )
        ),
        "leads": _count(
            lead.select().where(
                (lead.brand == entry.brand)
                & (lead.model == entry.model)
                & (lead.variant == entry.variant)
            )
        ),
        "items": _count(m.CatalogueItem.select().where(m.CatalogueItem.entry == entry.id)),
    }


def vehicle_uses(vehicle_id: int) -> dict[str, int]:
    o = m.Opportunity
    return {
        "reserved": _count(o.select().where((o.vehicle == vehicle_id) & (o.status == "open"))),
        "sold": _count(o.select().where((o.vehicle == vehicle_id) & (o.status == "won"))),
        "opportunities": _count(o.select().where(o.vehicle == vehicle_id)),
        "quotes": _count(m.Quote.select().where(m.Quote.vehicle == vehicle_id)),
        "order_forms": _count(m.OrderForm.select().where(m.OrderForm.vehicle == vehicle_id)),
        "activities": _count(m.Activity.select().where(m.Activity.vehicle == vehicle_id)),
    }


# The record fields that keep a list's entries, with the kind of record each is on: by
# the entry's name, or for a coded list (channels, payment interests, outcomes) by its code.
_KEPT_BY_NAME: dict[str, tuple[tuple[str, Field], ...]] = {
    "lost": (("opportunities", m.Opportunity.lost_reason),),
    "won": (("opportunities", m.Opportunity.won_reason),),
    "disqualify": (("leads", m.Lead.disqualify_reason),),
    "note": (("activities", m.Activity.note_reason),),
    "source": (("opportunities", m.Opportunity.source), ("leads", m.Lead.source)),
    "competitor": (("opportunities", m.Opportunity.competitor),),
}
_KEPT_BY_CODE: dict[str, tuple[tuple[str, Field], ...]] = {
    "channel": (("opportunities", m.Opportunity.channel), ("leads", m.Lead.channel)),
    "interest": (("opportunities", m.Opportunity.interest), ("leads", m.Lead.interest)),
    "outcome": (("activities", m.Activity.outcome),),
}


def list_entry_uses(kind: str, name: str, code: str | None = None) -> int:
    """How many records keep one entry of a list."""
    if code is not None:
        return sum(coded_entry_uses(kind, code).values())
    return sum(_count(f.model.select().where(f == name)) for _r, f in _KEPT_BY_NAME.get(kind, ()))


def coded_entry_uses(kind: str, code: str) -> dict[str, int]:
    """The records that keep an entry of a coded list, by kind of record."""
    return {
        records: _count(f.model.select().where(f == code))
        for records, f in _KEPT_BY_CODE.get(kind, ())
    }


def list_uses(kind: str) -> dict[str, int]:
    """How many records keep each entry of a list, by what they keep of it (a coded list's
    code, another's name): one grouped query for the whole list."""
    holders = _KEPT_BY_CODE.get(kind) or _KEPT_BY_NAME.get(kind, ())
    if not holders:
        return {}
    kept = reduce(
        operator.add,  # UNION ALL
        (f.model.select(f.alias("kept")).where(f.is_null(False)) for _r, f in holders),
    ).alias("kept_values")
    query = (
        m.Opportunity.select(kept.c.kept, fn.COUNT(SQL("*")))
        .from_(kept)
        .group_by(kept.c.kept)
        .tuples()
    )
    return {str(value): int(n) for value, n in query}


def users(text: str = "", inactive: bool = True) -> list[m.User]:
    cols = [m.User.full_name, m.User.username]
    return list(_listed(m.User, cols, text, inactive).order_by(m.User.full_name))


def username_taken(username: str, other_than: int | None) -> bool:
    query = m.User.select().where(fn.lower(m.User.username) == username.lower())
    if other_than is not None:
        query = query.where(m.User.id != other_than)
    return bool(query.exists())


def team_named(name: str) -> m.Team | None:
    return m.Team.get_or_none(m.Team.name == name)


def has_business() -> bool:
    return bool(m.Business.select().exists())


def counts() -> dict[str, int]:
    """How many of each master data the site holds (active ones), for what is missing."""
    return {
        "businesses": _count(m.Business.select().where(m.Business.active)),
        "facilities": _count(m.Facility.select().where(m.Facility.active)),
        "operations": _count(m.Operation.select().where(m.Operation.active)),
        "catalogue": _count(m.CatalogueEntry.select().where(m.CatalogueEntry.active)),
        "stock": _count(m.Vehicle.select().where(m.Vehicle.use != "sold")),
        "users": _count(m.User.select().where(m.User.active)),
    }
