"""A vehicle's use (for sale, demo fleet, in transit, sold) is the one answer to "is this car
sold?": the opportunity form's vehicle search, the test drives and the closing of a sale all
ask it, and the margin scheme follows the vehicle's VAT treatment, never its condition."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.db import models as m
from app.domain.choices import VehicleUse, vehicle_sold
from app.domain.validation import ValidationError
from app.services import activities, catalogue, documents, process, quotes
from app.services.workspace import UserInfo
from tests import factories


def _vehicle(stock: str, use: str = "for_sale", **extra: object) -> int:
    values = {
        "vin": f"WVWZZZCDZSW{stock[-6:]:0>6}",
        "stock_number": stock,
        "condition": "new",
        "brand": "Volkswagen",
        "model": "Golf",
        "list_price_minor": 3_000_000,
        "currency": "EUR",
        "use": use,
        **extra,
    }
    return m.Vehicle.create(**values).id


def _offered(for_opportunity: int | None = None) -> set[int]:
    return {v.id for v in catalogue.find_vehicles("", for_opportunity=for_opportunity)}


def test_only_the_sold_use_is_sold() -> None:
    assert vehicle_sold(VehicleUse.SOLD.value)
    for use in (VehicleUse.FOR_SALE, VehicleUse.DEMO_FLEET, VehicleUse.IN_TRANSIT):
        assert not vehicle_sold(use.value)


def test_the_vehicle_search_asks_the_use_not_the_won_sales(user: UserInfo) -> None:
    # Sold outside any opportunity here (a sale from before Showroom, a trade sale).
    sold = _vehicle("N-000001", use="sold")
    demo = _vehicle("N-000002", use="demo_fleet")
    stock = _vehicle("N-000003")
    assert _offered() == {demo, stock}
    # Won: the car becomes sold, off the search, but still its own sale's car.
    sale = factories.opportunity(user.id, vehicle_id=stock)
    process.close_won(sale.id)
    assert m.Vehicle.get_by_id(stock).use == "sold"
    assert _offered() == {demo}
    assert stock in _offered(for_opportunity=sale.id)
    assert sold not in _offered(for_opportunity=sale.id)
    # Reopened, the car is for sale again.
    process.reopen(sale.id, new_close_date=factories.days(30))
    assert m.Vehicle.get_by_id(stock).use == "for_sale"
    assert _offered() == {demo, stock}


def test_a_test_drive_is_refused_on_a_car_won_and_so_sold(user: UserInfo) -> None:
    stock = _vehicle("N-000004")
    buyer = factories.opportunity(user.id, vehicle_id=stock)
    process.close_won(buyer.id)
    other = factories.opportunity(user.id, topic="Golf for Bauer")
    with pytest.raises(ValidationError) as refused:
        activities.create(
            activities.ActivityInput(
                kind="test_drive",
                subject="Test drive",
                starts_at=datetime(2030, 1, 2, 10, 0),
                ends_at=datetime(2030, 1, 2, 11, 0),
                owner_id=user.id,
                opportunity_id=other.id,
                vehicle_id=stock,
            )
        )
    assert "sold" in refused.value.errors["vehicle_id"]


def test_the_margin_scheme_follows_the_vat_treatment_not_the_condition(user: UserInfo) -> None:
    ex_demo = m.Vehicle.get_by_id(
        _vehicle(
            "D-000005",
            condition="ex_demo",
            first_registration=datetime(2025, 3, 1).date(),
            mileage_km=4_500,
        )
    )
    margin_used = m.Vehicle.get_by_id(
        _vehicle("U-000006", condition="used", vat_treatment="margin", mileage_km=80_000)
    )
    assert not documents.margin_scheme(ex_demo)  # bought new by the dealer: regular VAT
    assert documents.margin_scheme(margin_used)
    sale = factories.opportunity(user.id, vehicle_id=ex_demo.id)
    line = quotes.vehicle_line(m.Opportunity.get_by_id(sale.id), ex_demo)
    assert line is not None and not line.margin_scheme and line.vat_rate > 0
    # An ex-demo car has been registered and has run: the papers say so.
    printed = documents.vehicle_for(m.Opportunity.get_by_id(sale.id), ex_demo)
    assert (printed.first_registration, printed.mileage_km) == (
        datetime(2025, 3, 1).date(),
        4_500,
    )
