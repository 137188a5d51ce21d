"""Demo quotes, order forms and orders for the demo sales: what each stage would have issued."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app import i18n
from app.db import bulk, numbering
from app.db import models as m
from app.demo.tables import MODEL_YEARS
from app.domain import money
from app.domain.choices import Condition, Interest, Status
from app.domain.documents import DocumentKind, build_snapshot
from app.domain.languages import CORRESPONDENCE_LANGUAGES
from app.domain.quotes import LineKind, QuoteLine, QuoteStatus, TradeInVehicle, compute_totals
from app.domain.vin import with_check_digit
from app.services import documents

VAT = Decimal("19")
# The lines' texts, in the customer's language (their documents print in it).
_SERVICES = (
    (i18n.N_("Transfer, pre-delivery inspection and registration"), 890),
    (i18n.N_("Registration and number plates"), 189),
    (i18n.N_("Main inspection before delivery"), 340),
)
_ACCESSORIES = (
    i18n.N_("Winter wheels and all-weather mats"),
    i18n.N_("Towbar and roof bars"),
    i18n.N_("Accessory package: mats, boot liner, mud flaps"),
)
_FINANCE = (i18n.N_("GAP insurance, 36 months"), 420)
_TRADE_IN = i18n.N_("Trade-in allowance for the customer's car")
_FLEET = re.compile(r"^(?P<count>[2-9]) × ")
_STAGES_QUOTED = {"quotation", "contract", "delivery", "won"}  # by the stages' keys


@dataclass(frozen=True, slots=True)
class DemoDocuments:
    quotes: int
    order_forms: int
    orders: int


@dataclass
class _Numbers:
    quote: int = 1
    order_form: int = 1
    order: int = 1


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59)))


def _lines(row: m.Opportunity, rng: random.Random, t: i18n.Translator) -> list[QuoteLine]:
    """Lines that add up to the opportunity's estimate, so the figures agree either way: the
    vehicle's price is what is left of the estimate after the service and finance lines."""
    cur = row.currency
    revenue = money.from_minor(row.est_revenue_minor, cur)
    name = " ".join(p for p in (row.brand, row.model, row.variant) if p)
    condition = Condition.parse(row.condition or Condition.NEW.value).translated(t).lower()
    # A fleet sale ("3 × Octavia for the fleet") quotes every car, and its delivery and
    # insurance, at a unit price; the demo's estimate is a whole multiple of the cars.
    fleet = _FLEET.match(row.topic or "")
    count = Decimal(int(fleet["count"])) if fleet else Decimal(1)
    extras: list[QuoteLine] = []
    service, fee = rng.choice(_SERVICES)
    if revenue > fee * 3 * count:
        extras.append(QuoteLine(LineKind.SERVICE, t.gettext(service), count, Decimal(fee), VAT))
    if row.interest == Interest.FINANCE and revenue > 5000 and rng.random() < 0.5:
        extras.append(QuoteLine(LineKind.FINANCIAL_PRODUCT, t.gettext(_FINANCE[0]), count,
                                Decimal(_FINANCE[1]), Decimal(0)))  # fmt: skip
    price = revenue - sum((line.net for line in extras), Decimal(0))
    unit = money.quantize(price / count, cur)
    if unit * count != price:  # an estimate typed by hand: one line at the total
        count, unit = Decimal(1), price
    lines = [QuoteLine(LineKind.VEHICLE, f"{name}, {condition}", count, unit, VAT), *extras]
    if row.est_revenue_accessories_minor:
        lines.append(
            QuoteLine(
                LineKind.ACCESSORY,
                t.gettext(rng.choice(_ACCESSORIES)),
                Decimal(1),
                money.from_minor(row.est_revenue_accessories_minor, cur),
                VAT,
            )
        )
    if row.est_trade_in_minor:
        # An old car worth more than most of the new one's price would make no sale.
        gross = compute_totals(lines, cur).gross
        allowance = min(money.from_minor(row.est_trade_in_minor, cur), money.quantize(
            gross * Decimal("0.6"), cur))  # fmt: skip
        lines.append(
            QuoteLine(
                LineKind.TRADE_IN,
                t.gettext(_TRADE_IN),
                Decimal(1),
                allowance,
                Decimal(0),
                trade_in=_trade_in_car(row),
            )
        )
    return lines


# The cars customers trade in (tables.OLD_CARS): make, model and the maker's first eight
# characters of a VIN.
_TRADE_IN_CARS = {
    "Golf VII": ("Volkswagen", "Golf VII", "WVWZZZAU"),
    "Passat B7": ("Volkswagen", "Passat B7", "WVWZZZ3C"),
    "Octavia II": ("Škoda", "Octavia II", "TMBZZZ1Z"),
    "Opel Astra": ("Opel", "Astra", "W0L0AHL4"),
    "Ford Focus": ("Ford", "Focus", "WF0AXXGC"),
    "BMW 320d": ("BMW", "320d", "WBA8E110"),
    "Audi A4 B8": ("Audi", "A4 B8", "WAUZZZ8K"),
    "Toyota Auris": ("Toyota", "Auris", "SB1ZS3JE"),
    "Polo V": ("Volkswagen", "Polo V", "WVWZZZ6R"),
    "Fiat 500": ("Fiat", "500", "ZFA31200"),
}
_TRADE_IN_TOPIC = re.compile(r"trade-in (?P<car>.+)$")


def _trade_in_car(row: m.Opportunity) -> TradeInVehicle:
    """The customer's car as the quote identifies it: the one the topic names, else one of
    the usual ones; drawn from the opportunity's own seed so the demo's sequence is kept."""
    rng = random.Random(row.id)
    named = _TRADE_IN_TOPIC.search(row.topic or "")
    key = named["car"] if named and named["car"] in _TRADE_IN_CARS else None
    make, model, prefix = _TRADE_IN_CARS[key or rng.choice(sorted(_TRADE_IN_CARS))]
    year = rng.randint(2011, 2019)
    code = MODEL_YEARS[(year - 2010) % 30]
    registered = date(year, rng.randint(1, 12), rng.randint(1, 28))
    made = row.created_at.date() if row.created_at else registered
    mileage = max(made.year - year, 1) * rng.randint(9, 19) * 1000 + rng.randint(0, 999)
    return TradeInVehicle(
        make=make,
        model=model,
        vin=with_check_digit(f"{prefix}0{code}A{rng.randint(0, 999_999):06d}"),
        first_registration=registered,
        mileage_km=mileage,
    )


def add_documents(rng: random.Random, today: date, limit: int) -> DemoDocuments:
    """Quotes for the sales at Quotation or beyond (presented; now and then a draft), the
    accepted quote's order form from Contract on (signed for some), the order from Delivery
    on and its delivery for the won ones; lost sales that had reached Quotation keep their
    abandoned quote. Joins the caller's transaction; no PDF is written (each is rendered from
    its snapshot when first opened)."""
    query = (
        m.Opportunity.select(m.Opportunity, m.Stage)
        .join(m.Stage)
        .where(m.Stage.key.in_(_STAGES_QUOTED) | (m.Opportunity.status == Status.LOST.value))
        .order_by(m.Opportunity.created_at, m.Opportunity.id)
        .limit(limit)
    )
    # Each customer's documents in their language, with the terms printed in it.
    terms = {code: documents.terms(i18n.translator(code)) for code in CORRESPONDENCE_LANGUAGES}
    numbers = _Numbers()
    quote_id, form_id, order_id = (bulk.next_id(t) for t in ("quote", "order_form", "sales_order"))
    quote_rows: list[tuple[object, ...]] = []
    line_rows: list[tuple[object, ...]] = []
    form_rows: list[tuple[object, ...]] = []
    order_rows: list[tuple[object, ...]] = []
    trade_ins: list[tuple[int, int]] = []  # allowances the quote lowered
    frozen: set[str] = set()
    for row in query:
        stage = row.stage.key
        if row.status == Status.LOST.value and rng.random() < 0.5:
            continue  # lost before a quote was made
        if row.est_revenue_minor <= 0:
            continue
        closed = row.closed_at.date() if row.closed_at else None
        if row.status == Status.OPEN.value:
            issued = today - timedelta(days=rng.randint(1, 10))
        else:
            issued = (closed or today) - timedelta(days=rng.randint(10, 30))
        valid_until = issued + timedelta(days=14)
        if row.status == Status.OPEN.value and stage == "quotation":
            valid_until = max(valid_until, today + timedelta(days=rng.randint(1, 10)))
        language = documents.language_of(row.account)
        lines = _lines(row, rng, i18n.translator(language))
        seller = documents.seller_for(row)
        if seller.logo_sha256 not in frozen:
            documents.freeze_images(seller)  # the logo, once, with the documents that print it
            frozen.add(seller.logo_sha256)
        customer = documents.customer_for(row)
        vehicle = row.vehicle if row.vehicle_id else None
        number = f"Q-{numbers.quote:05d}"
        numbers.quote += 1
        accepted = stage in ("contract", "delivery", "won") and row.status != Status.LOST.value
        if row.status == Status.LOST.value:
            status = QuoteStatus.ABANDONED
        elif accepted:
            status = QuoteStatus.ACCEPTED
        elif rng.random() < 0.2:
            status = QuoteStatus.DRAFT
        else:
            status = QuoteStatus.PRESENTED
        payment = row.interest or Interest.CASH.value
        snapshot = None
        if status != QuoteStatus.DRAFT:
            snapshot = build_snapshot(
                kind=DocumentKind.QUOTE.value,
                number=number,
                revision=1,
                issue_date=issued,
                currency=row.currency,
                seller=seller,
                customer=customer,
                vehicle=documents.vehicle_for(row, vehicle),
                lines=lines,
                payment_method=payment,
                salesperson=documents.salesperson_for(row),
                terms=terms[language],
                language=language,
                valid_until=valid_until,
            )
        totals = compute_totals(lines, row.currency)
        if money.to_minor(totals.trade_in, row.currency) != row.est_trade_in_minor:
            trade_ins.append((row.id, money.to_minor(totals.trade_in, row.currency)))
        accessories = sum(
            (line.net for line in lines if line.kind == LineKind.ACCESSORY), Decimal(0)
        )
        presented_at = _at(issued, rng) if snapshot else None
        # A sale still open was decided at the latest today, never on a day still to come.
        decided_on = min(issued + timedelta(days=rng.randint(1, 7)), today)
        decided_at = _at(decided_on, rng) if accepted else None
        created = _at(issued - timedelta(days=1), rng)
        quote_rows.append(
            (quote_id, number, 1, row.id, status.value, valid_until, row.currency, payment,
             row.vehicle_id, "", None, presented_at, decided_at,
             money.to_minor(totals.net, row.currency), money.to_minor(accessories, row.currency),
             money.to_minor(totals.trade_in, row.currency),
             money.to_minor(totals.amount_due, row.currency),
             json.dumps(snapshot.to_dict(), ensure_ascii=False) if snapshot else None,
             created, presented_at or created, 1, row.owner_id)
        )  # fmt: skip
        for position, line in enumerate(lines, 1):
            car = (
                json.dumps(line.trade_in.to_dict(), ensure_ascii=False)
                if line.trade_in is not None
                else ""
            )
            line_rows.append(
                (quote_id, position, line.kind.value, line.description, str(line.quantity),
                 money.to_minor(line.unit_price, row.currency), str(line.vat_rate), car,
                 created, created, 1, row.owner_id)
            )  # fmt: skip
        if accepted and snapshot is not None and decided_at is not None:
            form_number = f"OF-{numbers.order_form:05d}"
            numbers.order_form += 1
            form = build_snapshot(
                kind=DocumentKind.ORDER_FORM.value,
                number=form_number,
                revision=1,
                issue_date=decided_at.date(),
                currency=row.currency,
                seller=seller,
                customer=customer,
                vehicle=documents.vehicle_for(row, vehicle),
                lines=lines,
                payment_method=payment,
                salesperson=documents.salesperson_for(row),
                terms=terms[language],
                language=language,
                delivery_date=row.scheduled_delivery,
                quote_reference=number,
            )
            signed = stage != "contract" or rng.random() < 0.5
            signed_on = (decided_at + timedelta(days=rng.randint(0, 2))).date() if signed else None
            if signed_on is not None and signed_on > today:
                signed_on = today
            form_rows.append(
                (form_id, form_number, quote_id, row.id, row.vehicle_id, payment,
                 row.scheduled_delivery, signed_on, json.dumps(form.to_dict(), ensure_ascii=False),
                 decided_at, decided_at, 1, row.owner_id)
            )  # fmt: skip
            if stage in ("delivery", "won") and signed_on is not None:
                delivered = closed if row.status == Status.WON.value else None
                confirmed = _at(signed_on, rng)
                order_rows.append(
                    (order_id, f"O-{numbers.order:05d}", form_id, row.id, delivered,
                     rng.randint(5, 60) if delivered and row.condition != "used" else None,
                     "", confirmed, confirmed, 1, row.owner_id)
                )  # fmt: skip
                numbers.order += 1
                order_id += 1
            form_id += 1
        quote_id += 1
    for opportunity_id, trade_in in trade_ins:
        m.Opportunity.update(est_trade_in_minor=trade_in).where(
            m.Opportunity.id == opportunity_id
        ).execute()
    stamped = ("created_at", "updated_at", "version", "changed_by")
    bulk.insert_rows(
        "quote",
        ("id", "number", "revision", "opportunity_id", "status", "valid_until", "currency",
         "payment_method", "vehicle_id", "remarks", "supersedes_id", "presented_at",
         "decided_at", "net_minor", "accessories_minor", "trade_in_minor", "amount_due_minor",
         "snapshot", *stamped),
        quote_rows,
    )  # fmt: skip
    bulk.insert_rows(
        "quote_line",
        ("quote_id", "position", "kind", "description", "quantity", "unit_price_minor",
         "vat_rate", "trade_in", *stamped),
        line_rows,
    )  # fmt: skip
    bulk.insert_rows(
        "order_form",
        ("id", "number", "quote_id", "opportunity_id", "vehicle_id", "payment_method",
         "delivery_date", "signed_on", "snapshot", *stamped),
        form_rows,
    )  # fmt: skip
    bulk.insert_rows(
        "sales_order",
        ("id", "number", "order_form_id", "opportunity_id", "delivered_on",
         "delivery_mileage_km", "delivery_note", *stamped),
        order_rows,
    )  # fmt: skip
    for series, value in (
        ("quote", numbers.quote),
        ("order_form", numbers.order_form),
        ("order", numbers.order),
    ):
        numbering.set_next(series, value)
    return DemoDocuments(len(quote_rows), len(form_rows), len(order_rows))
