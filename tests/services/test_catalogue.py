"""The vehicle catalogue and the stock: pickers, typed VINs and stock numbers, reservations."""

from __future__ import annotations

import pytest

from app.db import models as m
from app.domain import vin
from app.domain.validation import ValidationError
from app.services import catalogue, reference
from app.services.workspace import UserInfo
from tests import factories

GOLF_VIN = vin.with_check_digit("WVWZZZCDZRW012345")


@pytest.fixture
def stock(user: UserInfo) -> dict[str, int]:
    for brand, vehicle_class, model, code, variant in (
        ("Volkswagen", "Compact", "Golf", "CD1", "GTI"),
        ("Volkswagen", "SUV", "Tiguan", "CT1", "Elegance"),
        ("Škoda", "Compact", "Octavia", "NX", "Style"),
    ):
        m.CatalogueEntry.create(
            brand=brand, vehicle_class=vehicle_class, model=model, model_code=code, variant=variant
        )
    golf = m.Vehicle.create(
        vin=GOLF_VIN, stock_number="N-1001", condition="new", brand="Volkswagen", model="Golf"
    )
    octavia = m.Vehicle.create(
        vin=vin.with_check_digit("TMBZZZNXZRW054321"),
        stock_number="N-1002",
        condition="new",
        brand="Škoda",
        model="Octavia",
    )
    polo = m.Vehicle.create(
        vin=vin.with_check_digit("WVWZZZAWZRW077777"),
        stock_number="U-0042",
        condition="used",
        brand="Volkswagen",
        model="Polo",
    )
    return {"golf": golf.id, "octavia": octavia.id, "polo": polo.id}


def test_each_level_offers_what_fits_the_levels_above(stock: dict[str, int]) -> None:
    assert catalogue.choices("model", brand="volkswagen") == ["Golf", "Tiguan"]
    assert catalogue.choices("model", brand="Volkswagen", vehicle_class="SUV") == ["Tiguan"]
    assert catalogue.choices("model", brand="Lada") == []
    # SQLite folds only ASCII case; a brand with a caron is still found however it is typed.
    for typed in ("Škoda", "škoda", "ŠKODA"):
        assert catalogue.choices("model", brand=typed) == ["Octavia"]


def test_vehicles_matching_the_branding_come_first_also_for_non_ascii_brands(
    stock: dict[str, int],
) -> None:
    found = catalogue.find_vehicles(brand="škoda")
    assert found[0].id == stock["octavia"] and found[0].matches_branding
    assert not found[1].matches_branding


def test_a_typed_vin_or_stock_number_names_its_vehicle(stock: dict[str, int]) -> None:
    assert catalogue.vehicle_by_code(GOLF_VIN.lower()).id == stock["golf"]
    assert catalogue.vehicle_by_code(f" {GOLF_VIN[:8]} {GOLF_VIN[8:]} ").id == stock["golf"]
    assert catalogue.vehicle_by_code("u-0042").id == stock["polo"]
    assert catalogue.vehicle_by_code("octavia").id == stock["octavia"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (GOLF_VIN[:16], "17 characters; this one has 16"),
        (GOLF_VIN[:16] + "O", "never contains O"),
        (vin.with_check_digit("WVWZZZCDZRW099999"), "No vehicle in stock has the VIN"),
        ("Volkswagen", "Several vehicles match"),
        ("Trabant", "No vehicle in stock matches"),
    ],
)
def test_a_typed_code_that_names_no_vehicle_says_what_to_fix(
    stock: dict[str, int], typed: str, expected: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        catalogue.vehicle_by_code(typed)
    assert expected in caught.value.errors["vehicle_id"]


def test_a_reserved_vehicle_names_its_holder_except_to_the_holder(
    user: UserInfo, stock: dict[str, int]
) -> None:
    holder = factories.opportunity(user.id, vehicle_id=stock["golf"], topic="Golf for Rossi")
    held = catalogue.vehicle_by_code("N-1001")
    assert held.reserved_by.startswith(f"#{holder.id} Golf for Rossi")
    assert catalogue.vehicle_by_code("N-1001", for_opportunity=holder.id).reserved_by == ""


def test_a_vehicle_with_a_wrong_check_digit_is_saved_with_a_warning(
    user: UserInfo, stock: dict[str, int]
) -> None:
    wrong = GOLF_VIN[:8] + ("1" if GOLF_VIN[8] != "1" else "2") + GOLF_VIN[9:]
    odd = m.Vehicle.create(vin=wrong, stock_number="U-7", condition="used", brand="VW", model="Up")
    assert "check digit" in catalogue.vehicle(odd.id).vin_warning  # type: ignore[union-attr]
    assert catalogue.vehicle(stock["golf"]).vin_warning == ""  # type: ignore[union-attr]
    saved = factories.opportunity(user.id, vehicle_id=odd.id)
    assert saved.vehicle_id == odd.id
    assert "check digit" in saved.warnings["vehicle_id"]


def test_only_the_standard_process_has_a_fixed_sequence(user: UserInfo) -> None:
    kinds = {k.label: k.id for k in reference.opportunity_kinds()}
    assert reference.fixed_sequence(kinds["Standard"])
    assert not reference.fixed_sequence(kinds["Without stages"])
    assert not reference.fixed_sequence(9999)
