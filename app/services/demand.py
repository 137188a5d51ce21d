"""Primary demand: what the customer asked for, as lines (a vehicle, accessories, services,
financing, each with the price they expect and a comment), on a lead or an opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.db import sales_desk as desk
from app.db.connection import transaction
from app.domain import money
from app.domain.choices import DemandKind
from app.domain.fields import label
from app.domain.validation import Validator
from app.i18n import _


@dataclass
class DemandLine:
    kind: str = DemandKind.VEHICLE.value
    description: str = ""
    expected_price: Decimal | None = None
    currency: str = money.DEFAULT_CURRENCY
    comment: str = ""

    @property
    def kind_label(self) -> str:
        try:
            return DemandKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def price_text(self) -> str:
        if self.expected_price is None:
            return ""
        return money.format_money(self.expected_price, self.currency)


def from_rows(rows: list[desk.DemandRow]) -> list[DemandLine]:
    return [
        DemandLine(
            r.kind,
            r.description,
            money.from_minor(r.expected_price_minor, r.currency)
            if r.expected_price_minor is not None
            else None,
            r.currency,
            r.comment,
        )
        for r in rows
    ]


def of_opportunity(opportunity_id: int) -> list[DemandLine]:
    return from_rows(desk.demand_lines(opportunity_id=opportunity_id))


def of_lead(lead_id: int) -> list[DemandLine]:
    return from_rows(desk.demand_lines(lead_id=lead_id))


def _checked(lines: list[DemandLine]) -> list[desk.DemandRow]:
    v = Validator()
    rows = []
    for n, line in enumerate(lines):
        kind = v.choice(f"demand.{n}.kind", line.kind, DemandKind, label("demand_line.kind"))
        text = v.optional(
            f"demand.{n}.description", line.description, label("demand_line.description"), 200
        )
        comment = v.optional(
            f"demand.{n}.comment", line.comment, label("demand_line.comment"), 2000
        )
        price = line.expected_price
        if price is not None:
            price = v.amount(
                f"demand.{n}.expected_price", price, label("demand_line.expected_price")
            )
            if not money.fits(price, line.currency):
                v.error(
                    f"demand.{n}.expected_price",
                    _("{field} {amount} has more decimals than {currency} has.").format(
                        field=label("demand_line.expected_price"),
                        amount=price,
                        currency=line.currency,
                    ),
                )
        if not (text or comment or price is not None):
            continue  # an empty line is no demand
        rows.append(
            desk.DemandRow(
                kind,
                text,
                money.to_minor(price, line.currency) if price is not None else None,
                line.currency,
                comment,
            )
        )
    v.raise_if_any()
    return rows


def save_for_opportunity(opportunity_id: int, lines: list[DemandLine]) -> list[DemandLine]:
    """Put these lines in place of the opportunity's, in one transaction."""
    rows = _checked(lines)
    with transaction():
        desk.replace_demand_lines(rows, opportunity_id=opportunity_id)
    return from_rows(rows)


def save_for_lead(lead_id: int, lines: list[DemandLine]) -> list[DemandLine]:
    """Put these lines in place of the lead's, in one transaction."""
    rows = _checked(lines)
    with transaction():
        desk.replace_demand_lines(rows, lead_id=lead_id)
    return from_rows(rows)
