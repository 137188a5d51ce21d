"""The tables of a document: the customer and the document details, the vehicle, the lines and
the totals."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.choices import Condition, Interest
from app.domain.documents import DocumentLine, DocumentSnapshot
from app.domain.quotes import (
    LineKind,
    TradeInVehicle,
    describe_trade_in,
    format_quantity,
    format_rate_percent,
)
from app.i18n import Translator
from reports import fonts
from reports.style import (
    ACCENT,
    ADDRESS_COLUMN,
    CONTENT_WIDTH,
    DUE_FILL,
    HEADER_FILL,
    INK,
    LINE_COLUMNS,
    RULE,
    STRIPE_FILL,
    TOTALS_COLUMNS,
    choice_label,
    format_amount,
    format_date,
    para,
    paragraph,
    text,
)


def address_and_details(snapshot: DocumentSnapshot, t: Translator) -> Table:
    customer = snapshot.customer
    address: list[Flowable] = [
        para(t.pgettext("document heading", "CUSTOMER"), "Label"),
        para(customer.name, "Name", bold=True),
    ]
    if customer.contact_person:
        attention = text(t._("Attn. {name}")).format(name=text(customer.contact_person))
        address.append(paragraph(attention, "Body"))
    address += [para(line, "Body") for line in customer.address_lines]
    reach = [value for value in (customer.phone, customer.email) if value]
    if reach or customer.vat_number:
        address.append(Spacer(0, 1.5 * mm))
    address += [para(value, "Small") for value in reach]
    if customer.vat_number:
        vat = text(t._("VAT no. {number}")).format(number=text(customer.vat_number))
        address.append(paragraph(vat, "Small"))

    label = t._("Quote no.") if snapshot.is_quote else t._("Order form no.")
    details: list[tuple[str, str]] = [(label, snapshot.number)]
    if snapshot.is_quote:
        details.append((t._("Revision"), str(snapshot.revision)))
    details.append((t._("Date"), format_date(snapshot.issue_date, t)))
    if snapshot.is_quote:
        details.append((t._("Valid until"), format_date(snapshot.valid_until, t)))
    else:
        if snapshot.quote_reference:
            details.append((t._("Based on quote"), snapshot.quote_reference))
        delivery = format_date(snapshot.delivery_date, t) or t._("to be agreed")
        details.append((t.pgettext("document detail", "Delivery"), delivery))
    details.append((t._("Payment"), choice_label(Interest, snapshot.payment_method, t)))
    if snapshot.salesperson:
        details.append((t._("Salesperson"), snapshot.salesperson))
    details_table = Table(
        [[para(k, "Key"), paragraph(f"<b>{text(v, bold=True)}</b>", "Small")] for k, v in details],
        colWidths=(27 * mm, CONTENT_WIDTH - ADDRESS_COLUMN - 27 * mm - 4 * mm),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
            ]
        ),
    )
    return Table(
        [[address, details_table]],
        colWidths=(ADDRESS_COLUMN, CONTENT_WIDTH - ADDRESS_COLUMN),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (1, 0), (1, 0), 3 * mm),
                ("BOTTOMPADDING", (1, 0), (1, 0), 3 * mm),
                ("LINEBEFORE", (1, 0), (1, 0), 0.6, RULE),
            ]
        ),
    )


def order_statement(snapshot: DocumentSnapshot, t: Translator) -> str:
    sentence = t._(
        "The customer named above orders the following from {seller} "
        "on the terms and conditions below."
    )
    return text(sentence).format(seller=text(snapshot.seller.name))


def vehicle_block(snapshot: DocumentSnapshot, t: Translator) -> Flowable:
    vehicle = snapshot.vehicle
    name = " ".join(part for part in (vehicle.brand, vehicle.model, vehicle.variant) if part)
    fields = [
        (t._("Model code"), vehicle.model_code),
        (t._("VIN"), vehicle.vin),
        (t._("Colour"), vehicle.colour),
        (t._("Condition"), choice_label(Condition, vehicle.condition, t)),
    ]
    if vehicle.condition == Condition.USED or vehicle.first_registration:
        registration = format_date(vehicle.first_registration, t) or "—"
        fields.append((t._("First registration"), registration))
    if vehicle.condition == Condition.USED or vehicle.mileage_km is not None:
        mileage = (
            "—"
            if vehicle.mileage_km is None
            else t._("{distance} km").format(distance=t.format_number(vehicle.mileage_km))
        )
        fields.append((t._("Mileage"), mileage))
    cells = [[para(key, "Key"), para(value, "Small")] for key, value in fields if value]
    if snapshot.margin_scheme:
        cells.append([para(t._("VAT"), "Key"), para(t._("margin scheme"), "Small")])
    rows = [
        cells[index] + (cells[index + 1] if index + 1 < len(cells) else ["", ""])
        for index in range(0, len(cells), 2)
    ]
    grid = Table(
        rows,
        colWidths=(28 * mm, 57 * mm, 30 * mm, CONTENT_WIDTH - 115 * mm),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
            ]
        ),
    )
    heading: list[Flowable] = [
        Spacer(0, 5 * mm),
        para(t.pgettext("document heading", "VEHICLE"), "Label"),
    ]
    if name:
        heading.append(para(name, "VehicleName", bold=True))
    return KeepTogether([*heading, Spacer(0, 1 * mm), grid])


def line_table(snapshot: DocumentSnapshot, t: Translator) -> Table:
    currency = snapshot.currency
    header = [
        t._("Pos."),
        t._("Description"),
        t._("Qty"),
        t._("Unit price"),
        t._("VAT"),
        t._("Amount ({currency})").format(currency=currency),
    ]
    rows: list[list[Any]] = [header]
    stripes: list[tuple[Any, ...]] = []
    position = 0
    for line in snapshot.lines:
        if line.is_trade_in:
            continue
        position += 1
        rows.append(line_row(position, line, currency, t))
        if position % 2 == 0:
            stripes.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), STRIPE_FILL))
    return Table(
        rows,
        colWidths=LINE_COLUMNS,
        repeatRows=1,  # the column heads again on every page the items run over
        splitInRow=1,  # a description taller than a page runs on to the next
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("LEADING", (0, 0), (-1, -1), 10.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
                ("FONTSIZE", (0, 0), (-1, 0), 8),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1.1 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.1 * mm),
                *stripes,
            ]
        ),
    )


def line_row(position: int, line: DocumentLine, currency: str, t: Translator) -> list[Any]:
    unit_price = -line.unit_price if line.kind == LineKind.DISCOUNT else line.unit_price
    return [
        str(position),
        para(line.description, "Cell"),
        format_quantity(line.quantity, t),
        format_amount(unit_price, currency, t),
        "—" if line.margin_scheme else format_rate_percent(line.vat_rate, t),
        format_amount(line.net, currency, t),
    ]


def totals_table(snapshot: DocumentSnapshot, t: Translator, notes: list[Flowable]) -> Table:
    totals = snapshot.totals
    currency = snapshot.currency
    rows: list[list[Any]] = []
    if totals.vat or not totals.margin:
        rows.append([t._("Net total"), format_amount(totals.net, currency, t)])
    for vat in totals.vat:
        on = t._("VAT {rate} on {amount}").format(
            rate=format_rate_percent(vat.rate, t), amount=format_amount(vat.net, currency, t)
        )
        rows.append([on, format_amount(vat.vat, currency, t)])
    if totals.margin:
        label = [
            para(t._("Margin scheme, no VAT shown"), "Cell"),
            para(t._("final prices of the vehicles marked —"), "CellNote"),
        ]
        rows.append([label, format_amount(totals.margin, currency, t)])
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LEADING", (0, 0), (-1, -1), 11.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1.1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.1 * mm),
    ]
    trade_ins = [line for line in snapshot.lines if line.is_trade_in]
    if trade_ins or totals.trade_in:
        gross_row = len(rows)
        gross = t._("Total incl. VAT ({currency})").format(currency=currency)
        rows.append([gross, format_amount(totals.gross, currency, t)])
        commands += [
            ("LINEABOVE", (0, gross_row), (-1, gross_row), 0.6, INK),
            ("FONTNAME", (0, gross_row), (-1, gross_row), fonts.BOLD),
        ]
        for line in trade_ins:
            label = [
                para(t._("Less trade-in allowance"), "Cell"),
                para(line.description, "CellNote"),
            ]
            if line.trade_in is not None and not line.trade_in.is_empty:
                label.append(para(identify(line.trade_in, t), "CellNote"))
            rows.append([label, format_amount(line.net, currency, t)])
        due_label = t._("Amount due ({currency})").format(currency=currency)
    else:
        due_label = t._("Total amount due ({currency})").format(currency=currency)
    due_row = len(rows)
    rows.append([due_label, format_amount(totals.amount_due, currency, t)])
    commands += [
        ("LINEABOVE", (0, due_row), (-1, due_row), 1.2, ACCENT),
        ("BACKGROUND", (0, due_row), (-1, due_row), DUE_FILL),
        ("FONTNAME", (0, due_row), (-1, due_row), fonts.BOLD),
        ("FONTSIZE", (0, due_row), (-1, due_row), 10.5),
        ("LEADING", (0, due_row), (-1, due_row), 13),
        ("TOPPADDING", (0, due_row), (-1, due_row), 2 * mm),
        ("BOTTOMPADDING", (0, due_row), (-1, due_row), 2 * mm),
    ]
    table = Table(rows, colWidths=TOTALS_COLUMNS, style=TableStyle(commands))
    # The notes sit in the free space left of the totals, so a short quote stays on one page.
    return Table(
        [[notes, table]],
        colWidths=(CONTENT_WIDTH - sum(TOTALS_COLUMNS), sum(TOTALS_COLUMNS)),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def identify(car: TradeInVehicle, t: Translator) -> str:
    return describe_trade_in(car, t, lambda value: format_date(value, t))


def margin_notice(t: Translator) -> str:
    return t._(
        "Margin scheme – second-hand goods (Art. 313 of Directive 2006/112/EC; § 25a UStG): "
        "the price of a vehicle marked — includes VAT, which is not shown separately and "
        "cannot be deducted."
    )
