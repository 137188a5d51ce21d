"""Building blocks for tests: customers and opportunities made through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from app.db import models as m
from app.domain import vin
from app.services import accounts, opportunities


def customer(last_name: str = "Rossi", first_name: str = "Maria", **extra: Any) -> int:
    return accounts.create(
        accounts.AccountInput(first_name=first_name, last_name=last_name, **extra),
        confirmed_new=True,
    ).id


def opportunity(
    owner_id: int, account_id: int | None = None, **fields: Any
) -> opportunities.OpportunityDetail:
    data = opportunities.new_input(owner_id)
    data.account_id = account_id if account_id is not None else customer()
    data.topic = "Golf for Rossi"
    data.est_revenue = Decimal("31500")
    for name, value in fields.items():
        setattr(data, name, value)
    return opportunities.create(data)


def days(n: int) -> date:
    return date.today() + timedelta(days=n)


class SearchedSales(NamedTuple):
    vehicle: m.Vehicle
    account: int
    sale: opportunities.OpportunityDetail
    other: opportunities.OpportunityDetail


def searched_sales(owner_id: int) -> SearchedSales:
    """A sale whose search fields hold words of every kind (a customer named with an
    apostrophe, a hyphen and accents, a topic with a comma, a VW's VIN), and another sale:
    what the search index tests write to and then compare with the words expected."""
    vehicle = m.Vehicle.create(
        vin=vin.with_check_digit("WVWZZZ1KZ0W123456"),
        stock_number="N-77",
        condition="new",
        brand="VW",
        model="Golf",
    )
    account = customer("O'Brien-Müller", "Siobhán")
    sale = opportunity(owner_id, account, topic="Golf GTI, lease", vehicle_id=vehicle.id)
    other = opportunity(owner_id, topic="Lego-Transporter")
    return SearchedSales(vehicle, account, sale, other)
