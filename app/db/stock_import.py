"""The stock's and the catalogue's rows as the imports compare them, and their bulk writes:
inserts and updates of a batch each in one statement run for many rows, with their lines in
the audit log, inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.db import models as m
from app.db.bulk import insert_rows, next_id
from app.db.connection import database, is_sqlite
from app.domain.choices import Status, VehicleUse

VEHICLE_FIELDS = (
    "vin",
    "stock_number",
    "condition",
    "brand",
    "vehicle_class",
    "model",
    "model_code",
    "variant",
    "colour",
    "first_registration",
    "mileage_km",
    "list_price_minor",
    "currency",
)
ENTRY_FIELDS = (
    "brand",
    "vehicle_class",
    "model",
    "model_code",
    "variant",
    "list_price_minor",
    "currency",
)


@dataclass(frozen=True, slots=True)
class StockVehicle:
    """A stock vehicle as an import compares it: its fields, whether it is sold, and whether
    an open sale holds it reserved."""

    id: int
    values: dict[str, object]
    sold: bool
    reserved: bool


def stock_by_vin() -> dict[str, StockVehicle]:
    """Every stock vehicle, by VIN."""
    reserved = {
        vehicle_id
        for (vehicle_id,) in m.Opportunity.select(m.Opportunity.vehicle)
        .where(m.Opportunity.vehicle.is_null(False) & (m.Opportunity.status == Status.OPEN.value))
        .tuples()
    }
    columns = [getattr(m.Vehicle, name) for name in VEHICLE_FIELDS]
    found: dict[str, StockVehicle] = {}
    for vehicle_id, use, *values in (
        m.Vehicle.select(m.Vehicle.id, m.Vehicle.use, *columns).tuples().iterator()
    ):
        record = dict(zip(VEHICLE_FIELDS, values, strict=True))
        if isinstance(record["first_registration"], str):  # SQLite hands dates back as text
            record["first_registration"] = date.fromisoformat(record["first_registration"])
        found[str(record["vin"])] = StockVehicle(
            vehicle_id, record, use == VehicleUse.SOLD.value, vehicle_id in reserved
        )
    return found


def catalogue_by_code() -> dict[tuple[str, str], tuple[int, dict[str, object]]]:
    """Every catalogue entry by model code and variant (case aside), with its fields."""
    columns = [getattr(m.CatalogueEntry, name) for name in ENTRY_FIELDS]
    found: dict[tuple[str, str], tuple[int, dict[str, object]]] = {}
    for entry_id, *values in (
        m.CatalogueEntry.select(m.CatalogueEntry.id, *columns)
        .order_by(m.CatalogueEntry.id)
        .tuples()
    ):
        record = dict(zip(ENTRY_FIELDS, values, strict=True))
        key = (str(record["model_code"]).casefold(), str(record["variant"]).casefold())
        found.setdefault(key, (entry_id, record))
    return found


def catalogue_models() -> set[tuple[str, str]]:
    """The catalogue's models: (brand, model), case aside."""
    return {
        (str(brand).casefold(), str(model).casefold())
        for brand, model in m.CatalogueEntry.select(m.CatalogueEntry.brand, m.CatalogueEntry.model)
        .distinct()
        .tuples()
    }


def _audit_rows(
    entity: str, action: str, changes: Sequence[tuple[int, dict[str, tuple[object, object]]]]
) -> None:
    at, user = m.now(), m.acting_user()
    name = m._user_name(user)
    insert_rows(
        m.AuditEntry._meta.table_name,
        ("at", "user_id", "user_name", "entity", "entity_id", "action", "changes"),
        [
            (
                at,
                user,
                name,
                entity,
                row_id,
                action,
                json.dumps(
                    {k: [m.audit_value(o), m.audit_value(n)] for k, (o, n) in change.items()},
                    ensure_ascii=False,
                    sort_keys=True,
                ),
            )
            for row_id, change in changes
        ],
        stamp=False,
    )


def insert_records(table: str, names: Sequence[str], rows: Sequence[Sequence[object]]) -> list[int]:
    """Insert the rows, numbered from the table's first free id, each with its line in the
    audit log; the ids given. Joins the caller's transaction."""
    if not rows:
        return []
    first = next_id(table)
    ids = list(range(first, first + len(rows)))
    insert_rows(table, ("id", *names), [(i, *row) for i, row in zip(ids, rows, strict=True)])
    entity = "vehicle" if table == "vehicle" else "catalogue_entry"
    _audit_rows(
        entity,
        "create",
        [
            (i, {n: (None, v) for n, v in zip(names, row, strict=True)})
            for i, row in zip(ids, rows, strict=True)
        ],
    )
    return ids


def update_records(
    table: str, changes: Sequence[tuple[int, dict[str, tuple[object, object]]]]
) -> None:
    """Set the changed fields of each row (id, {field: (old, new)}), its version on by one,
    in one statement per set of fields; the audit log names old and new. Joins the caller's
    transaction."""
    if not changes:
        return
    stamp, user = m.now(), m.acting_user()
    by_fields: dict[tuple[str, ...], list[tuple[object, ...]]] = {}
    for row_id, change in changes:
        names = tuple(sorted(change))
        by_fields.setdefault(names, []).append(
            (*(change[n][1] for n in names), stamp, user, row_id)
        )
    cursor = database.connection().cursor()
    param = database.param
    for names, rows in by_fields.items():
        sets = ", ".join(f'"{n}" = {param}' for n in names)
        cursor.executemany(
            f'UPDATE "{table}" SET {sets}, "updated_at" = {param}, "changed_by" = {param}, '
            f'"version" = "version" + 1 WHERE "id" = {param}',
            rows,
        )
    _audit_rows("vehicle" if table == "vehicle" else "catalogue_entry", "update", changes)


def setting_keys(prefix: str) -> list[str]:
    """The settings' keys that start with `prefix` (the saved import mappings)."""
    return [
        key
        for (key,) in m.Setting.select(m.Setting.key)
        .where(m.Setting.key.startswith(prefix))
        .order_by(m.Setting.key)
        .tuples()
    ]


def database_file() -> str | None:
    """The open SQLite database's file, for a second process to open; None on a server."""
    target = database.obj
    if not is_sqlite(target):
        return None
    name = str(target.database)
    return None if name in ("", ":memory:") else name
