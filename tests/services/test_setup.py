"""Going live on an empty database: what is missing, each named by the step that adds it;
the dealership with its logo, a facility with its operations, the currency and VAT rates,
and the first users and teams, each one transaction and refused field by field."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from app.db import models as m
from app.domain.validation import ValidationError
from app.services import documents, master_data, opportunities, setup
from app.services.errors import ConflictError, NotAllowed
from app.services.master_data import BusinessRecord, FacilityRecord
from tests import master_records
from tests.people import add_user

LOGO = Path(__file__).resolve().parents[1] / "fixtures" / "brenner-logo.png"


def test_an_empty_database_needs_the_assistant_and_says_what_is_missing(db: Path) -> None:
    assert setup.needs_assistant()
    steps = [missing.step for missing in setup.missing()]
    assert steps == ["dealership", "facilities", "money", "users", "catalogue", "stock"]
    assert "No dealership is on file" in setup.missing()[0].message


def test_what_is_missing_shrinks_as_it_is_added(db: Path) -> None:
    setup.save_dealership(
        BusinessRecord(name="Autohaus Brenner", registered_name="Brenner GmbH"),
        documents.read_logo(LOGO),
    )
    assert not setup.needs_assistant()
    # A dealership without its VAT ID still misses something for its documents.
    assert setup.missing()[0].step == "dealership"
    assert documents.document_settings().logo_data == LOGO.read_bytes()
    dealer = setup.dealership()
    setup.save_dealership(replace(dealer, vat_number="DE123456789"))
    _facility, operations = setup.add_facility(
        FacilityRecord(business_id=dealer.id, name="Mainz"), ["new_vehicle_sales", "fleet_sales"]
    )
    assert [o.kind for o in operations] == ["new_vehicle_sales", "fleet_sales"]
    assert setup.facilities_with_operations() == ["Mainz: Fleet sales, New-vehicle sales"]
    master_records.money_settings("CHF")
    setup.add_user(setup.NewUser("Anna Bauer", "anna.bauer", "salesperson", "New cars"))
    master_records.catalogue_entry()
    master_records.vehicle()
    assert setup.missing() == []
    # New sales are priced in the site's currency.
    assert opportunities.new_input(1).currency == "CHF"


def test_a_refused_facility_writes_no_operation(db: Path) -> None:
    dealer = master_records.dealership()
    with pytest.raises(ValidationError) as refused:
        setup.add_facility(FacilityRecord(business_id=dealer.id, name=""), ["new_vehicle_sales"])
    assert set(refused.value.errors) == {"name"}
    with pytest.raises(ValidationError):
        setup.add_facility(FacilityRecord(business_id=None, name="Mainz"), ["used_vehicle_sales"])
    assert m.Facility.select().count() == 0 and m.Operation.select().count() == 0


def test_a_refused_logo_leaves_the_dealership_unsaved(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        setup.save_dealership(BusinessRecord(name="Autohaus Brenner"), documents.Logo("ab" * 32))
    assert "logo" in refused.value.errors
    assert m.Business.select().count() == 0


def test_the_currency_and_vat_rates_are_checked_and_versioned(db: Path) -> None:
    opened = setup.money_settings()
    assert (opened.currency, opened.default_vat_rate) == ("EUR", "19")
    with pytest.raises(ValidationError) as refused:
        setup.save_money_settings(
            replace(opened, currency="EURO", default_vat_rate="", vat_rates="19; 7; 300")
        )
    assert set(refused.value.errors) == {"currency", "default_vat_rate", "vat_rates"}
    saved = setup.save_money_settings(replace(opened, default_vat_rate="7,7", vat_rates="0"))
    assert saved.vat_rates == "7.7; 0" and documents.default_vat_rate() == Decimal("7.7")
    assert setup.vat_rates() == [Decimal("7.7"), Decimal("0")]
    with pytest.raises(ConflictError):
        setup.save_money_settings(replace(opened, currency="CHF"))


def test_users_are_added_with_a_login_a_role_and_a_team(db: Path) -> None:
    facility = master_records.facility()
    anna = setup.add_user(
        setup.NewUser("Anna Bauer", "anna.bauer", "salesperson", "New cars", facility.id)
    )
    setup.add_user(setup.NewUser("Ben Roth", "ben", "sales_manager", "New cars"))
    assert m.Team.select().count() == 1
    row = m.User.get_by_id(anna.id)
    assert (row.home_facility_id, row.home_business_id) == (facility.id, facility.business_id)
    with pytest.raises(ValidationError) as refused:
        setup.add_user(setup.NewUser("", "Anna.Bauer", "pope"))
    assert set(refused.value.errors) == {"full_name", "username", "role"}
    assert [u.username for u in setup.users()] == ["anna", "anna.bauer", "ben"]


def test_only_an_administrator_sets_up_the_dealership_and_adds_users(db: Path) -> None:
    manager = add_user("mia", "sales_manager")
    m.set_acting_user(manager.id)
    assert not setup.may_set_up()
    with pytest.raises(NotAllowed):
        setup.save_dealership(BusinessRecord(name="Autohaus Brenner"))
    with pytest.raises(NotAllowed):
        setup.save_money_settings(setup.money_settings())
    with pytest.raises(NotAllowed):
        setup.add_user(setup.NewUser("Sam", "sam"))
    assert m.Business.select().count() == 0 and master_data.businesses() == []
