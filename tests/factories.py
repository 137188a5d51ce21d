"""Building blocks for tests: customers and opportunities made through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

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
