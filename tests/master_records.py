"""Master data for tests, entered through the services as the Administration does: one
record of each kind, and how each kind is edited (one field changed) and made used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from app.services import master_data, setup
from app.services.master_data import (
    BusinessRecord,
    CatalogueRecord,
    FacilityRecord,
    ItemRecord,
    ListEntry,
    OperationRecord,
    VehicleRecord,
)

VIN = "WVWZZZCDZPW123456"


def dealership() -> BusinessRecord:
    return master_data.save(
        BusinessRecord(
            name="Autohaus Brenner",
            registered_name="Autohaus Brenner GmbH",
            city="Mainz",
            vat_number="DE123456789",
        )
    )


def facility(business_id: int | None = None, name: str = "Mainz") -> FacilityRecord:
    business_id = business_id or dealership().id
    return master_data.save(FacilityRecord(business_id=business_id, name=name, city="Mainz"))


def operation(facility_id: int | None = None) -> OperationRecord:
    facility_id = facility_id or facility().id
    return master_data.save(
        OperationRecord(facility_id=facility_id, name="New cars", kind="new_vehicle_sales")
    )


def catalogue_entry(variant: str = "1.5 TSI Life") -> CatalogueRecord:
    return master_data.save(
        CatalogueRecord(
            brand="Volkswagen",
            vehicle_class="Compact",
            model="Golf",
            model_code="CD1",
            variant=variant,
            list_price=Decimal("35700"),
            price_basis="gross",
            vat_rate="19",
        )
    )


def item() -> ItemRecord:
    return master_data.save(
        ItemRecord(kind="accessory", code="ZUB-1", name="Floor mats", price=Decimal("89"))
    )


def vehicle(vin: str = VIN, stock_number: str = "N-1001") -> VehicleRecord:
    return master_data.save(
        VehicleRecord(
            vin=vin,
            stock_number=stock_number,
            brand="Volkswagen",
            model="Golf",
            variant="1.5 TSI Life",
            list_price=Decimal("30000"),
            purchase_price=Decimal("26000"),
        )
    )


def list_entry(kind: str = "competitor", name: str = "Autohaus Meier") -> ListEntry:
    return master_data.save(ListEntry(kind=kind, name=name))


@dataclass(frozen=True)
class Kind:
    """One kind of master data: how a test makes one, changes one field (to a counter, so
    two workstations' saves can be counted), and reads the counter back."""

    name: str
    make: Callable[[], Any]
    bump: Callable[[Any], Any]  # the record with its counter one up
    counter: Callable[[Any], int]
    deactivatable: bool = True


def _plus(text: str) -> str:
    digits = "".join(c for c in text if c.isdigit())
    return str(int(digits or 0) + 1)


KINDS = {
    "business": Kind(
        "business",
        dealership,
        lambda r: replace(r, postcode=_plus(r.postcode)),
        lambda r: int(r.postcode or 0),
    ),
    "facility": Kind(
        "facility",
        facility,
        lambda r: replace(r, postcode=_plus(r.postcode)),
        lambda r: int(r.postcode or 0),
    ),
    "operation": Kind(
        "operation",
        operation,
        lambda r: replace(r, name=f"Sales {_plus(r.name)}"),
        lambda r: int(_plus(r.name)) - 1,
    ),
    "catalogue": Kind(
        "catalogue",
        catalogue_entry,
        lambda r: replace(r, list_price=r.list_price + 1),
        lambda r: int(r.list_price) - 35700,
    ),
    "item": Kind(
        "item",
        item,
        lambda r: replace(r, price=r.price + 1),
        lambda r: int(r.price) - 89,
    ),
    "vehicle": Kind(
        "vehicle",
        vehicle,
        lambda r: replace(r, mileage_km=r.mileage_km + 1),
        lambda r: int(r.mileage_km),
        deactivatable=False,
    ),
    "list_entry": Kind(
        "list_entry",
        list_entry,
        lambda r: replace(r, name=f"Autohaus Meier {_plus(r.name)}"),
        lambda r: int(_plus(r.name)) - 1,
    ),
}


def money_settings(currency: str = "EUR") -> setup.MoneySettings:
    opened = setup.money_settings()
    return setup.save_money_settings(replace(opened, currency=currency, vat_rates="19; 7; 0"))


def record_type(kind: str) -> type:
    """The record class of a kind of KINDS."""
    return {
        "business": BusinessRecord,
        "facility": FacilityRecord,
        "operation": OperationRecord,
        "catalogue": CatalogueRecord,
        "item": ItemRecord,
        "vehicle": VehicleRecord,
        "list_entry": ListEntry,
    }[kind]
