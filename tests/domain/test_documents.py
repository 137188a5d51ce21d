"""Document snapshots: built with their totals, refused when incomplete, stored as plain JSON."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.domain.documents import (
    SNAPSHOT_FORMAT,
    Customer,
    DocumentSnapshot,
    Seller,
    Vehicle,
    build_snapshot,
)
from app.domain.quotes import LineKind, QuoteLine
from app.domain.validation import ValidationError

LINES = [
    QuoteLine(LineKind.VEHICLE, "Golf Life", Decimal(1), Decimal("29850.00"), Decimal(19)),
    QuoteLine(LineKind.DISCOUNT, "Showroom discount", Decimal(1), Decimal("1500.00"), Decimal(19)),
    QuoteLine(LineKind.TRADE_IN, "Opel Astra 2016", Decimal(1), Decimal("6800.00"), Decimal(0)),
]


def quote(**changes: Any) -> DocumentSnapshot:
    fields: dict[str, Any] = {
        "kind": "quote",
        "number": "Q-00042",
        "revision": 2,
        "issue_date": date(2026, 11, 23),
        "valid_until": date(2026, 12, 7),
        "currency": "EUR",
        "seller": Seller("Autohaus Brenner GmbH", ("Landsberger Straße 112", "80339 München")),
        "customer": Customer("Maria Rossi", ("Via Verdi 14", "39012 Merano")),
        "vehicle": Vehicle(
            brand="Škoda",
            model="Octavia",
            vin="TMBJJ7NX5MY045821",
            condition="used",
            first_registration=date(2021, 3, 12),
            mileage_km=48_350,
        ),
        "lines": LINES,
        "payment_method": "Finance",
        "salesperson": "Anna Bauer",
        "terms": "Prices net of VAT.\n\nDelivery ex works.",
    }
    fields.update(changes)
    return build_snapshot(**fields)


def test_the_snapshot_carries_the_lines_with_their_nets_and_the_totals() -> None:
    snapshot = quote()
    assert [line.net for line in snapshot.lines] == [
        Decimal("29850.00"),
        Decimal("-1500.00"),
        Decimal("-6800.00"),
    ]
    assert snapshot.totals.net == Decimal("28350.00")
    assert [(v.rate, v.vat) for v in snapshot.totals.vat] == [(Decimal(19), Decimal("5386.50"))]
    assert snapshot.totals.gross == Decimal("33736.50")
    assert snapshot.totals.trade_in == Decimal("6800.00")
    assert snapshot.totals.amount_due == Decimal("26936.50")
    assert snapshot.payment_method == "finance"  # the label typed is stored as its code
    assert snapshot.kind == "quote" and snapshot.is_quote and snapshot.title == "Quote"


def test_the_snapshot_goes_through_json_and_comes_back_equal() -> None:
    snapshot = quote()
    stored = json.dumps(snapshot.to_dict(), ensure_ascii=False)
    data = json.loads(stored)
    assert data["format"] == SNAPSHOT_FORMAT
    assert data["totals"]["amount_due"] == "26936.50"
    assert data["vehicle"]["first_registration"] == "2021-03-12"
    assert DocumentSnapshot.from_dict(data) == snapshot


def test_a_stored_snapshot_is_read_as_stored_not_recomputed() -> None:
    data = quote().to_dict()
    data["totals"]["gross"] = "33736.49"  # as an older rounding rule might have printed it
    assert DocumentSnapshot.from_dict(data).totals.gross == Decimal("33736.49")


def test_an_unknown_snapshot_format_is_refused() -> None:
    data = quote().to_dict()
    data["format"] = SNAPSHOT_FORMAT + 1
    with pytest.raises(ValueError, match="snapshot format"):
        DocumentSnapshot.from_dict(data)


def test_an_amount_stored_as_a_float_is_refused() -> None:
    data = quote().to_dict()
    data["totals"]["net"] = 28350.0
    with pytest.raises(ValueError, match="not a stored amount"):
        DocumentSnapshot.from_dict(data)


def test_an_incomplete_document_is_refused_with_every_reason() -> None:
    bad_line = replace(LINES[0], unit_price=Decimal("-1"))
    with pytest.raises(ValidationError) as caught:
        quote(
            valid_until=None,
            payment_method="barter",
            customer=Customer(" "),
            currency="EURO",
            lines=[bad_line],
        )
    assert set(caught.value.errors) == {
        "valid_until",
        "payment_method",
        "customer.name",
        "currency",
        "lines.0.unit_price",
    }


def test_a_quote_cannot_expire_before_it_is_issued_nor_have_no_lines() -> None:
    with pytest.raises(ValidationError) as caught:
        quote(valid_until=date(2026, 11, 22), lines=[])
    assert "before its issue date Nov 23, 2026" in caught.value.errors["valid_until"]
    assert caught.value.errors["lines"] == "A document needs at least one line."


def test_an_order_form_needs_no_valid_until_date() -> None:
    order_form = quote(
        kind="order_form",
        number="OF-00007",
        valid_until=None,
        delivery_date=date(2026, 12, 4),
        quote_reference="Q-00042 rev. 2",
    )
    assert order_form.title == "Order form"
    assert DocumentSnapshot.from_dict(order_form.to_dict()) == order_form


def test_a_discount_too_large_is_reported_beside_other_refusals() -> None:
    discount = replace(LINES[1], unit_price=Decimal("40000.00"))
    with pytest.raises(ValidationError) as caught:
        quote(customer=Customer(""), lines=[LINES[0], discount])
    assert set(caught.value.errors) == {"customer.name", "lines.1.unit_price"}
