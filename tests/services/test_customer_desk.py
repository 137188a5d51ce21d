"""The customer at the desk (issue 16), below the screens: schema 13's upgrade, the demo's
fleet, homes and primary demand, and the revenue proposed from a list price."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from app import demo
from app.db import models as m
from app.services import opportunities, workspace
from app.services.workspace import UserInfo
from tests import factories

FIXTURES = Path(__file__).parent.parent / "fixtures"
TODAY = date(2026, 3, 2)


def test_schema_13_marks_the_cars_of_won_sales_sold_and_adds_homes_and_demand(
    data_dir: Path,
) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes((FIXTURES / "schema-v12.sqlite3").read_bytes())
    with sqlite3.connect(copy) as conn:
        won_cars = {
            r[0]
            for r in conn.execute(
                "SELECT vehicle_id FROM opportunity WHERE status = 'won' AND vehicle_id IS NOT NULL"
            )
        }
        cars = conn.execute("SELECT count(*) FROM vehicle").fetchone()[0]
    conn.close()
    assert won_cars
    workspace.open_database(copy)
    try:
        uses = dict(m.Vehicle.select(m.Vehicle.id, m.Vehicle.use).tuples())
        assert len(uses) == cars
        assert {v for v, use in uses.items() if use == "sold"} == won_cars
        assert set(uses.values()) == {"sold", "for_sale"}
        assert m.User.select().where(m.User.home_facility.is_null(False)).count() == 0
        assert m.DemandLine.select().count() == 0
    finally:
        workspace.close_database()


def test_the_demo_has_a_fleet_with_bookings_homes_and_primary_demand(db: Path) -> None:
    demo.load_demo(seed=7, today=TODAY)
    fleet = list(m.Vehicle.select().where(m.Vehicle.use == "demo_fleet"))
    assert len(fleet) >= 3
    drives = m.Activity.select().where(
        (m.Activity.kind == "test_drive")
        & m.Activity.vehicle.in_([v.id for v in fleet])
        & (m.Activity.starts_at >= TODAY)
        & (m.Activity.starts_at < TODAY + timedelta(days=7))
    )
    assert drives.count() >= 5
    # No test drive ahead is on a sold car.
    sold = m.Vehicle.select(m.Vehicle.id).where(m.Vehicle.use == "sold")
    ahead = m.Activity.select().where(
        (m.Activity.kind == "test_drive")
        & (m.Activity.starts_at >= TODAY)
        & m.Activity.vehicle.in_(sold)
    )
    assert ahead.count() == 0
    salespeople = m.User.select().join(m.UserRoleGrant).where(m.UserRoleGrant.role == "salesperson")
    assert all(u.home_facility_id and u.home_business_id for u in salespeople)
    open_sales = m.Opportunity.select().where(m.Opportunity.status == "open").count()
    with_demand = (
        m.DemandLine.select(m.DemandLine.opportunity)
        .where(m.DemandLine.opportunity.is_null(False))
        .distinct()
        .count()
    )
    assert with_demand == open_sales
    assert m.DemandLine.select().where(m.DemandLine.lead.is_null(False)).count() > 0


def test_a_new_opportunity_proposes_the_stock_vehicle_s_list_price(user: UserInfo) -> None:
    car = m.Vehicle.create(
        vin="WVWZZZCDZSW123456",
        stock_number="N-1",
        condition="new",
        brand="Volkswagen",
        model="Golf",
        list_price_minor=3_450_000,
    )
    data = opportunities.new_input(user.id)
    data.account_id = factories.customer()
    data.topic = "Golf"
    data.vehicle_id = car.id
    opportunities.apply_home_defaults(data, user.id)
    assert data.est_revenue == Decimal("34500.00")
    typed = opportunities.new_input(user.id)
    typed.vehicle_id, typed.est_revenue = car.id, Decimal("33000")
    opportunities.apply_home_defaults(typed, user.id)
    assert typed.est_revenue == Decimal("33000")  # what was typed stays
