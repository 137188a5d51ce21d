"""Specimen documents of a made-up dealer: a letterhead preview, the layout check and benchmarks.

PYTHONPATH=. python -m reports.specimen OUT_DIR   # writes the specimen PDFs to look at
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.domain.documents import (
    Customer,
    DocumentSnapshot,
    LegalDetails,
    Seller,
    Vehicle,
    build_snapshot,
)
from app.domain.quotes import LineKind, QuoteLine, TradeInVehicle

ISSUE_DATE = date(2026, 11, 23)

SELLER = Seller(
    name="Autohaus Brenner GmbH",
    address_lines=("Landsberger Straße 112", "80339 München", "Germany"),
    vat_number="DE 129 273 398",
    phone="+49 89 5432 100",
    email="verkauf@autohaus-brenner.example",
    legal=LegalDetails(
        registered_name="Autohaus Brenner GmbH",
        commercial_register="HRB 187 342",
        register_court="Amtsgericht München",
        managing_directors="Katrin Brenner, Florian Adler",
        tax_number="143/187/40211",
        bank_name="Stadtsparkasse München",
        iban="DE89 7015 0000 1002 3456 78",
        bic="SSKMDEMMXXX",
    ),
)

CUSTOMER = Customer(
    name="Maria Rossi",
    address_lines=("Via Giuseppe Verdi 14", "39012 Merano (BZ)", "Italy"),
    email="maria.rossi@example.com",
    phone="+39 0473 123 456",
)

NEW_VEHICLE = Vehicle(
    brand="Volkswagen",
    model="Golf",
    variant="Life 1.5 eTSI 110 kW DSG",
    model_code="CD14VZ",
    vin="WVWZZZCDZSW123456",
    colour="Kings Red metallic",
    condition="new",
)

USED_VEHICLE = Vehicle(
    brand="Škoda",
    model="Octavia Combi",
    variant="Style 2.0 TDI 110 kW DSG",
    model_code="NX55RD",
    vin="TMBJJ7NX5MY045821",
    colour="Moon White",
    condition="used",
    first_registration=date(2021, 3, 12),
    mileage_km=48_350,
)

TERMS = (
    "Prices are net of VAT unless stated otherwise; VAT is charged at the rate in force on the "
    "day of delivery. The vehicle remains the property of the dealer until the amount due has "
    "been paid in full.\n\n"
    "Deliveries are made from the dealer's premises. A delivery date is binding only when it is "
    "confirmed in writing. If the customer does not collect the vehicle within 14 days of "
    "notice that it is ready, the dealer may charge a storage fee of 15.00 EUR a day.\n\n"
    "A trade-in vehicle is valued on the condition and mileage stated; the allowance is "
    "re-assessed if the vehicle differs when it is handed over. Finance and lease offers are "
    "subject to approval by the lender.\n\n"
    "The warranty for new vehicles is the manufacturer's; for used vehicles the statutory "
    "warranty applies for one year from delivery."
)


def _line(
    kind: LineKind,
    description: str,
    price: str,
    vat: str = "19",
    qty: str = "1",
    trade_in: TradeInVehicle | None = None,
) -> QuoteLine:
    return QuoteLine(
        kind, description, Decimal(qty), Decimal(price), Decimal(vat), trade_in=trade_in
    )


QUOTE_LINES = (
    _line(LineKind.VEHICLE, "Volkswagen Golf Life 1.5 eTSI 110 kW DSG, new", "29850.00"),
    _line(LineKind.OPTION, "Metallic paint Kings Red", "720.00"),
    _line(LineKind.OPTION, "Winter package: heated front seats, heated steering wheel", "490.00"),
    _line(LineKind.ACCESSORY, "All-weather floor mats, front and rear", "54.90", qty="2"),
    _line(LineKind.ACCESSORY, 'Complete winter wheels 16" Aspen, mounted', "1380.00"),
    _line(LineKind.SERVICE, "Transfer and pre-delivery inspection", "990.00"),
    _line(LineKind.SERVICE, "Registration and number plates", "189.00"),
    _line(LineKind.FINANCIAL_PRODUCT, "GAP insurance, 36 months", "420.00", vat="0"),
    _line(LineKind.DISCOUNT, "Showroom discount", "1500.00"),
    _line(
        LineKind.TRADE_IN,
        "Trade-in allowance for the customer's car",
        "6800.00",
        vat="0",
        trade_in=TradeInVehicle(
            "Opel", "Astra 1.4 Turbo", "W0LBF6EC1GG012345", date(2016, 4, 8), 98_400
        ),
    ),
)

ACCESSORIES = (
    ("Roof bars, aluminium", "249.00"),
    ("Bicycle carrier for roof bars", "119.90"),
    ("Boot liner with raised edge", "89.50"),
    ("Mud flaps, front and rear", "74.00"),
    ("Charging cable, Mode 3, 7 m", "259.00"),
    ("Child seat i-Size, 15 months to 4 years", "329.00"),
    ("Luggage net for the boot floor", "39.90"),
    ("Towbar, detachable, with 13-pin socket", "899.00"),
)


def specimen_quote(item_count: int = 0) -> DocumentSnapshot:
    """The specimen quote; with `item_count`, that many accessory lines follow the vehicle."""
    lines = list(QUOTE_LINES)
    for index in range(item_count):
        name, price = ACCESSORIES[index % len(ACCESSORIES)]
        lines.insert(-2, _line(LineKind.ACCESSORY, f"{name} (set {index + 1})", price))
    return build_snapshot(
        kind="quote",
        number="Q-00042",
        revision=2,
        issue_date=ISSUE_DATE,
        valid_until=date(2026, 12, 7),
        currency="EUR",
        seller=SELLER,
        customer=CUSTOMER,
        vehicle=NEW_VEHICLE,
        lines=lines,
        payment_method="finance",
        salesperson="Anna Bauer",
        terms=TERMS,
    )


def specimen_order_form() -> DocumentSnapshot:
    """A signed-for used car bought by a company, with its contact person."""
    return build_snapshot(
        kind="order_form",
        number="OF-00007",
        revision=1,
        issue_date=ISSUE_DATE,
        currency="EUR",
        seller=SELLER,
        customer=Customer(
            name="Lindqvist Logistik GmbH",
            address_lines=("Hafenstraße 8", "20457 Hamburg", "Germany"),
            email="fleet@lindqvist-logistik.example",
            phone="+49 40 3070 220",
            contact_person="Jonas Lindqvist",
            vat_number="DE 811 569 869",
        ),
        vehicle=USED_VEHICLE,
        lines=[
            _line(LineKind.VEHICLE, "Škoda Octavia Combi Style 2.0 TDI, used", "21890.00"),
            _line(LineKind.SERVICE, "Main inspection and new brake pads before delivery", "340.00"),
            _line(LineKind.ACCESSORY, "Towbar, detachable, with 13-pin socket", "899.00"),
            _line(
                LineKind.FINANCIAL_PRODUCT, "Used-car warranty extension, 24 months", "590.00", "0"
            ),
            _line(LineKind.DISCOUNT, "Fleet customer discount", "650.00"),
        ],
        payment_method="cash",
        salesperson="Anna Bauer",
        terms=TERMS,
        delivery_date=date(2026, 12, 4),
        quote_reference="Q-00039 rev. 1",
    )


def main() -> None:
    from reports import pdf

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    documents = {
        "quote.pdf": pdf.render_quote(specimen_quote()),
        "quote-200-lines.pdf": pdf.render_quote(specimen_quote(200 - len(QUOTE_LINES))),
        "order-form.pdf": pdf.render_order_form(specimen_order_form()),
    }
    for name, data in documents.items():
        (args.out_dir / name).write_bytes(data)
        print(args.out_dir / name)


if __name__ == "__main__":
    main()
