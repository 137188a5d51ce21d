"""Quotes: drafting, presenting (the frozen document), revising, abandoning, expiring and
accepting them, and the opportunity's est. revenue that follows them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from app import i18n
from app.db import models as m
from app.db import reservations, sales
from app.db.catalogue import catalogue_price_entry
from app.db.connection import transaction
from app.db.retrying import retried
from app.domain import money
from app.domain import quotes as domain_quotes
from app.domain.choices import Condition, Interest, Status
from app.domain.documents import DocumentKind, build_snapshot
from app.domain.fields import label as field_label
from app.domain.master_data import net_price
from app.domain.quotes import (
    LineKind,
    QuoteLine,
    QuoteStatus,
    QuoteTotals,
    TradeInVehicle,
    compute_totals,
    issue_concerns,
    move_error,
    quote_label,
    validate_lines,
)
from app.domain.rights import Right
from app.domain.validation import ValidationError, Validator
from app.i18n import _, current
from app.services import access, documents, numbering, process, record_rights, reference, wording
from app.services.documents import DEFAULT_VAT_RATE, MAX_VALID_DAYS, default_vat_rate, valid_days
from app.services.errors import ConflictError, NotFound


@dataclass
class LineInput:
    kind: str = LineKind.ACCESSORY.value
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit_price: Decimal = Decimal(0)
    vat_rate: Decimal = DEFAULT_VAT_RATE
    margin_scheme: bool = False  # a used vehicle sold under the margin scheme
    trade_in: TradeInVehicle | None = None  # the car a trade-in line takes in

    def as_domain(self) -> QuoteLine:
        return QuoteLine(
            LineKind(self.kind) if self.kind in set(LineKind) else self.kind,  # type: ignore[arg-type]
            self.description,
            self.quantity,
            self.unit_price,
            self.vat_rate,
            margin_scheme=self.margin_scheme,
            trade_in=self.trade_in,
        )


@dataclass
class QuoteInput:
    """What the quote editor edits."""

    valid_until: date | None = None
    payment_method: str = ""
    vehicle_id: int | None = None
    remarks: str = ""
    lines: list[LineInput] = field(default_factory=list)


class _Numbered:
    """What a quote's number and revision give: its label and its documents' reference."""

    __slots__ = ()
    number: str
    revision: int

    @property
    def label(self) -> str:
        return label(self.number, self.revision)

    @property
    def reference(self) -> str:
        return documents.reference(self.number, self.revision, DocumentKind.QUOTE)


@dataclass
class QuoteDetail(_Numbered, QuoteInput):
    id: int = 0
    opportunity_id: int = 0
    number: str = ""
    revision: int = 1
    status: str = QuoteStatus.DRAFT.value
    currency: str = money.DEFAULT_CURRENCY
    version: int = 1
    vehicle_label: str = ""
    order_form_number: str = ""
    opportunity_open: bool = True

    @property
    def editable(self) -> bool:
        return self.status == QuoteStatus.DRAFT and self.opportunity_open

    @property
    def totals(self) -> QuoteTotals:
        return compute_totals([line.as_domain() for line in self.lines], self.currency)


@dataclass(frozen=True, slots=True)
class QuoteSummary(_Numbered):
    id: int
    number: str
    revision: int
    status: str
    valid_until: date
    currency: str
    net: Decimal
    amount_due: Decimal
    presented_at: datetime | None
    order_form_number: str

    @property
    def issued(self) -> bool:
        return self.presented_at is not None


def label(number: str, revision: int) -> str:
    return quote_label(number, revision)


# --- reading ----------------------------------------------------------------------------------


def row_of(quote_id: int) -> m.Quote:
    row = m.Quote.get_or_none(m.Quote.id == quote_id)
    if row is None:
        raise NotFound(_("Quote #{id} no longer exists.").format(id=quote_id))
    return row


def _opportunity(opportunity_id: int) -> m.Opportunity:
    row = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
    if row is None:
        raise NotFound(_("Opportunity #{id} no longer exists.").format(id=opportunity_id))
    return row


def stored_lines(row: m.Quote) -> list[LineInput]:
    """The quote's lines as saved, in their order."""
    return [
        LineInput(
            kind=line.kind,
            description=line.description,
            quantity=Decimal(line.quantity),
            unit_price=money.from_minor(line.unit_price_minor, row.currency),
            vat_rate=Decimal(line.vat_rate),
            margin_scheme=bool(line.margin_scheme),
            trade_in=TradeInVehicle.from_dict(json.loads(line.trade_in)) if line.trade_in else None,
        )
        for line in sales.quote_lines(row.id)
    ]


def get(quote_id: int) -> QuoteDetail:
    access.require(Right.READ_SALES)
    row = row_of(quote_id)
    vehicle = row.vehicle if row.vehicle_id else None
    return QuoteDetail(
        id=row.id,
        opportunity_id=row.opportunity_id,
        number=row.number,
        revision=row.revision,
        status=row.status,
        currency=row.currency,
        version=row.version,
        valid_until=row.valid_until,
        payment_method=row.payment_method,
        vehicle_id=row.vehicle_id,
        vehicle_label=_vehicle_label(vehicle) if vehicle is not None else "",
        remarks=row.remarks,
        lines=stored_lines(row),
        order_form_number=sales.order_form_number(row.id),
        opportunity_open=row.opportunity.status == Status.OPEN.value,
    )


def for_opportunity(opportunity_id: int, today: date | None = None) -> list[QuoteSummary]:
    """The opportunity's quotes, newest first; open quotes past their date expire first."""
    access.require(Right.READ_SALES)
    expire_due(today, opportunity_id=opportunity_id)
    forms = sales.order_form_numbers(opportunity_id)
    return [
        QuoteSummary(
            id=q.id,
            number=q.number,
            revision=q.revision,
            status=q.status,
            valid_until=q.valid_until,
            currency=q.currency,
            net=money.from_minor(q.net_minor, q.currency),
            amount_due=money.from_minor(q.amount_due_minor, q.currency),
            presented_at=q.presented_at,
            order_form_number=forms.get(q.id, ""),
        )
        for q in sales.opportunity_quotes(opportunity_id)
    ]


def _vehicle_label(vehicle: m.Vehicle) -> str:
    name = " ".join(p for p in (vehicle.brand, vehicle.model, vehicle.variant) if p)
    return f"{name} · {vehicle.vin}"


# --- drafting ---------------------------------------------------------------------------------


def vehicle_line(opportunity: m.Opportunity, vehicle: m.Vehicle | None) -> LineInput | None:
    """The vehicle as the quote's first line: the reserved stock vehicle at its list price,
    else the catalogue's price for the branding, else the branding with no price yet."""
    rate = default_vat_rate()
    if vehicle is not None:
        name = " ".join(p for p in (vehicle.brand, vehicle.model, vehicle.variant) if p)
        condition = Condition.parse(vehicle.condition).label.lower()
        price = money.from_minor(vehicle.list_price_minor, vehicle.currency)
        if vehicle.currency != opportunity.currency:
            price = Decimal(0)  # never carried across currencies
        margin = documents.margin_scheme(vehicle)
        return LineInput(
            LineKind.VEHICLE.value,
            f"{name}, {condition}",
            Decimal(1),
            price,
            Decimal(0) if margin else rate,
            margin_scheme=margin,
        )
    if not (opportunity.brand or opportunity.model):
        return None
    name = " ".join(p for p in (opportunity.brand, opportunity.model, opportunity.variant) if p)
    # The catalogue lists new cars: a used or ex-demo one is priced as estimated for this sale.
    entry = None
    if opportunity.condition in ("", Condition.NEW.value):
        entry = catalogue_price_entry(
            opportunity.brand, opportunity.model, opportunity.variant, opportunity.currency
        )
    if entry is not None:
        # A price list may state gross prices: the line takes the net at the entry's rate.
        rate = Decimal(entry.vat_rate) if entry.vat_rate else rate
        price = net_price(
            money.from_minor(entry.list_price_minor, entry.currency),
            entry.price_basis,
            rate,
            entry.currency,
        )
    else:
        price = money.from_minor(opportunity.est_revenue_minor, opportunity.currency)
    condition = (
        f", {Condition.parse(opportunity.condition).label.lower()}" if opportunity.condition else ""
    )
    return LineInput(LineKind.VEHICLE.value, f"{name}{condition}", Decimal(1), price, rate)


def create(opportunity_id: int, today: date | None = None) -> QuoteDetail:
    """A new draft for the opportunity, numbered from the quote series, with the vehicle as
    its first line and the opportunity's trade-in estimate as a trade-in line. Moves the
    opportunity to at least Quotation."""
    today = today or date.today()
    with transaction():
        record_rights.require_opportunity(opportunity_id)
        opportunity = _opportunity(opportunity_id)
        process.require_open(opportunity)
        vehicle = opportunity.vehicle if opportunity.vehicle_id else None
        lines = [line for line in (vehicle_line(opportunity, vehicle),) if line is not None]
        if opportunity.est_trade_in_minor > 0:
            lines.append(
                LineInput(
                    LineKind.TRADE_IN.value,
                    _("Trade-in allowance"),
                    Decimal(1),
                    money.from_minor(opportunity.est_trade_in_minor, opportunity.currency),
                    Decimal(0),
                )
            )
        row = m.Quote.create(
            number=numbering.draw("quote"),
            revision=1,
            opportunity=opportunity,
            status=QuoteStatus.DRAFT.value,
            valid_until=today + timedelta(days=valid_days()),
            currency=opportunity.currency,
            # A payment interest of the dealership's own ("Balloon finance") pays by its kind.
            payment_method=reference.payment_kind(opportunity.interest),
            vehicle=vehicle,
        )
        _write_lines(row, lines)
        process.advance(opportunity_id, "quotation")
        sync_revenue(opportunity_id)
    return get(row.id)


def _validate(data: QuoteInput, currency: str, today: date, opportunity_id: int) -> Validator:
    v = Validator()
    if data.valid_until is None:
        v.error("valid_until", _("Give the date the quote is valid until."))
    elif data.valid_until < today:
        v.error(
            "valid_until",
            _("A quote valid until {date} is already over.").format(
                date=wording.day(data.valid_until)
            ),
        )
    elif data.valid_until > today + timedelta(days=MAX_VALID_DAYS):
        v.error("valid_until", _("A quote can be valid for a year at most."))
    if data.payment_method:
        # TRANSLATORS: completes "“{text}” is not a known {label}; pick one of: {known}."
        payment = _("payment")
        data.payment_method = v.choice("payment_method", data.payment_method, Interest, payment)
    # TRANSLATORS: the field, as "{label} is too long (…)" begins with it.
    data.remarks = v.optional("remarks", data.remarks, _("The remarks"), max_length=2000)
    if data.vehicle_id is not None:
        vehicle = m.Vehicle.get_or_none(m.Vehicle.id == data.vehicle_id)
        if vehicle is None:
            v.error("vehicle_id", _("That vehicle is no longer in stock."))
        else:
            holder = reserved_elsewhere(data.vehicle_id, opportunity_id)
            if holder is not None:
                text = (
                    _("{vin} is sold with {opportunity}.")
                    if holder.sold
                    else _("{vin} is reserved by {opportunity}.")
                )
                v.warn("vehicle_id", text.format(vin=vehicle.vin, opportunity=holder.opportunity))
    for index, line in enumerate(data.lines):
        if line.kind != LineKind.TRADE_IN or line.trade_in is None:
            continue
        try:
            car, _warnings = check_trade_in(line.trade_in, today)
            data.lines[index] = replace(line, trade_in=car)
        except ValidationError:
            v.error(
                f"lines.{index}.trade_in",
                _(
                    "Line {number}: the details of the car traded in are not valid; open "
                    "them with “Trade-in car…” to see why."
                ).format(number=index + 1),
            )
    validate_lines([line.as_domain() for line in data.lines], currency, v)
    return v


# The car traded in: what the quote editor's trade-in dialog takes.
MAX_MILEAGE_KM = 2_000_000
TRADE_IN_FIELDS = ("make", "model", "vin", "first_registration", "mileage_km")


def check_trade_in(
    car: TradeInVehicle, today: date | None = None
) -> tuple[TradeInVehicle, dict[str, str]]:
    """The car a trade-in allowance is for, trimmed and its VIN compacted, with the warnings
    to show once (a European VIN's check digit); refused field by field (make, model, vin,
    first_registration, mileage_km) with a ValidationError."""
    today = today or date.today()
    v = Validator()
    make = v.optional("make", car.make, field_label("trade_in.make"), 60)
    model = v.optional("model", car.model, field_label("trade_in.model"), 80)
    vin = v.vin("vin", car.vin)
    registered = car.first_registration
    if registered is not None and registered > today:
        v.error("first_registration", _("The first registration cannot be later than today."))
    elif registered is not None and registered.year < 1900:
        v.error("first_registration", _("Check the year of the first registration."))
    mileage = car.mileage_km
    if mileage is not None and not 0 <= mileage <= MAX_MILEAGE_KM:
        v.error(
            "mileage_km",
            _("The mileage is between 0 and {limit} km.").format(
                limit=wording.number(MAX_MILEAGE_KM)
            ),
        )
    if v.errors:
        raise ValidationError(dict(v.errors), dict(v.warnings))
    return TradeInVehicle(make, model, vin, registered, mileage), dict(v.warnings)


def describe_trade_in(car: TradeInVehicle) -> str:
    """The car in one line, as the editor shows it beside the allowance."""
    return domain_quotes.describe_trade_in(car, current(), wording.day)


def unidentified_trade_ins(lines: list[LineInput]) -> dict[str, str]:
    """The trade-in lines whose car is not identified enough to print beside the allowance:
    make, model, VIN, first registration and mileage are asked for before a quote is issued."""
    missing: dict[str, str] = {}
    for index, line in enumerate(lines):
        if line.kind != LineKind.TRADE_IN:
            continue
        car = line.trade_in
        if (
            car is None
            or not (car.make and car.model and car.vin)
            or car.first_registration is None
            or car.mileage_km is None
        ):
            missing[f"lines.{index}.trade_in"] = _(
                "Line {number}: identify the car traded in (make, model, VIN, first "
                "registration and mileage) with “Trade-in car…”; the quote prints them beside "
                "the allowance."
            ).format(number=index + 1)
    return missing


def _write_lines(row: m.Quote, lines: list[LineInput]) -> None:
    sales.replace_quote_lines(
        row,
        [
            {
                "kind": str(line.kind),
                "description": line.description.strip(),
                "quantity": str(line.quantity),
                "unit_price_minor": money.to_minor(line.unit_price, row.currency),
                "vat_rate": str(line.vat_rate),
                "margin_scheme": line.margin_scheme,
                "trade_in": (
                    json.dumps(line.trade_in.to_dict(), ensure_ascii=False)
                    if line.trade_in is not None and line.kind == LineKind.TRADE_IN
                    else ""
                ),
            }
            for line in lines
        ],
    )
    totals = compute_totals([line.as_domain() for line in lines], row.currency)
    accessories = sum(
        (
            net
            for line, net in zip(lines, totals.line_nets, strict=True)
            if line.kind == LineKind.ACCESSORY
        ),
        Decimal(0),
    )
    row.net_minor = money.to_minor(totals.net, row.currency)
    row.accessories_minor = money.to_minor(accessories, row.currency)
    row.trade_in_minor = money.to_minor(totals.trade_in, row.currency)
    row.amount_due_minor = money.to_minor(totals.amount_due, row.currency)
    row.save()


@retried
def save(
    quote_id: int, data: QuoteInput, expected_version: int, today: date | None = None
) -> QuoteDetail:
    """Save a draft's lines and details. A presented quote is frozen: revise it instead."""

    today = today or date.today()
    with transaction():
        record_rights.require_quote(quote_id)
        row = row_of(quote_id)
        opportunity = row.opportunity
        process.require_open(opportunity)
        if row.status != QuoteStatus.DRAFT:
            raise ValidationError(
                {
                    "status": _(
                        "{quote} is {status}, so it is frozen; make a new revision to change it."
                    ).format(quote=label(row.number, row.revision), status=_status_word(row.status))
                }
            )
        if row.version != expected_version:
            who = m.User.get_or_none(m.User.id == row.changed_by)
            # TRANSLATORS: fills {what} in "{what} was changed by {name} after you opened it."
            what = _("Quote {number}").format(number=row.number)
            raise ConflictError(what, who.full_name if who else None)
        v = _validate(data, row.currency, today, row.opportunity_id)
        v.raise_if_any()
        row.valid_until = data.valid_until
        row.payment_method = data.payment_method
        row.vehicle = data.vehicle_id
        row.remarks = data.remarks
        _write_lines(row, data.lines)
        sync_revenue(row.opportunity_id)
    return get(quote_id)


def _status_word(status: str) -> str:
    """A quote's status as a sentence says it ("presented")."""
    known = status in QuoteStatus._value2member_map_
    return QuoteStatus(status).label.lower() if known else status


def _issue_snapshot(row: m.Quote, today: date) -> dict[str, object]:
    opportunity = row.opportunity
    vehicle = row.vehicle if row.vehicle_id else None
    seller = documents.seller_for(opportunity)
    # Written in the customer's language, whatever the salesperson's screen shows.
    language = documents.language_of(opportunity.account)
    if not seller.name:
        raise ValidationError({"seller.name": _(documents.NO_SELLER)})
    snap = build_snapshot(
        kind=DocumentKind.QUOTE.value,
        number=row.number,
        revision=row.revision,
        issue_date=today,
        currency=row.currency,
        seller=seller,
        customer=documents.customer_for(opportunity),
        vehicle=documents.vehicle_for(opportunity, vehicle),
        lines=[line.as_domain() for line in stored_lines(row)],
        payment_method=row.payment_method
        or reference.payment_kind(opportunity.interest)
        or Interest.CASH.value,
        salesperson=documents.salesperson_for(opportunity),
        terms=documents.terms(i18n.translator(language)),
        language=language,
        valid_until=row.valid_until,
        remarks=row.remarks,
    )
    documents.freeze_images(seller)
    return snap.to_dict()


def draft_pdf(quote_id: int, today: date | None = None) -> bytes:
    """A preview of the quote as it is saved now, marked DRAFT on every page: for checking
    before presenting it. Nothing is frozen or archived."""
    access.require(Right.READ_SALES)
    from reports import pdf  # reportlab is loaded when the first document is, not at start-up

    row = row_of(quote_id)
    if not sales.has_quote_lines(row.id):
        raise ValidationError({"status": _("Add the vehicle or an item to preview the quote.")})
    with transaction():
        stored = _issue_snapshot(row, today or date.today())
    return pdf.render(documents.loaded(stored), draft=True)


def concerns(quote_id: int) -> list[str]:
    """What to confirm before issuing the quote as it is saved: a zero total, a VAT rate
    above any in force."""
    row = row_of(quote_id)
    return issue_concerns([line.as_domain() for line in stored_lines(row)], row.currency)


@retried
def present(quote_id: int, today: date | None = None) -> QuoteDetail:
    """Issue the quote to the customer: its content is frozen as a snapshot and its PDF is
    archived in the documents folder. All of it happens, or none."""
    today = today or date.today()
    temporary: Path | None = None
    try:
        with transaction():
            record_rights.require_quote(quote_id)
            row = row_of(quote_id)
            process.require_open(row.opportunity)
            count = sales.count_quote_lines(row.id)
            problem = move_error(row.status, QuoteStatus.PRESENTED, count)
            if problem:
                raise ValidationError({"status": problem})
            unidentified = unidentified_trade_ins(stored_lines(row))
            if unidentified:
                raise ValidationError(unidentified)
            if row.valid_until < today:
                raise ValidationError(
                    {"valid_until": _("The valid-until date has passed; set a new one first.")}
                )
            stored = _issue_snapshot(row, today)
            row.snapshot = json.dumps(stored, ensure_ascii=False)
            row.status = QuoteStatus.PRESENTED.value
            row.presented_at = m.now()
            row.save()
            ref = documents.reference(row.number, row.revision, DocumentKind.QUOTE)
            temporary = documents.write_archive(ref, documents.render(ref))
    except BaseException:
        if temporary is not None:
            documents.discard(temporary)
        raise
    documents.publish(temporary)
    return get(quote_id)


@retried
def revise(quote_id: int, today: date | None = None) -> QuoteDetail:
    """A new draft revision of a presented quote, with its lines; the presented one is
    superseded (revised)."""

    today = today or date.today()
    with transaction():
        record_rights.require_quote(quote_id)
        row = row_of(quote_id)
        process.require_open(row.opportunity)
        problem = move_error(row.status, QuoteStatus.REVISED, 1)
        if problem:
            raise ValidationError(
                {
                    "status": _("{problem} Only a presented quote is revised.").format(
                        problem=problem
                    )
                }
            )
        row.status = QuoteStatus.REVISED.value
        row.decided_at = m.now()
        row.save()
        new = m.Quote.create(
            number=row.number,
            revision=sales.latest_revision(row.number) + 1,
            opportunity=row.opportunity_id,
            status=QuoteStatus.DRAFT.value,
            valid_until=max(row.valid_until, today + timedelta(days=valid_days())),
            currency=row.currency,
            payment_method=row.payment_method,
            vehicle=row.vehicle_id,
            remarks=row.remarks,
            supersedes=row,
        )
        _write_lines(new, stored_lines(row))
        sync_revenue(row.opportunity_id)
    return get(new.id)


def abandon(quote_id: int) -> None:
    with transaction():
        record_rights.require_quote(quote_id)
        row = row_of(quote_id)
        process.require_open(row.opportunity)
        problem = move_error(row.status, QuoteStatus.ABANDONED, 1)
        if problem:
            raise ValidationError({"status": problem})
        row.status = QuoteStatus.ABANDONED.value
        row.decided_at = m.now()
        row.save()
        sync_revenue(row.opportunity_id)


def expire_due(today: date | None = None, opportunity_id: int | None = None) -> int:
    """Open quotes past their valid-until date become expired (of open opportunities: a
    closed one's quotes were settled when it closed). Returns how many expired."""
    today = today or date.today()
    due = sales.due_quotes(today, opportunity_id)
    if not due:
        return 0
    with transaction():
        sales.expire_quotes([quote_id for quote_id, _ in due])
        for affected in {opp for _, opp in due}:
            sync_revenue(affected)
    return len(due)


# --- reservations --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VehicleHolder:
    """The other sale that holds a vehicle: reserved by it while open, or sold with it."""

    sold: bool
    opportunity: str  # "opportunity #12 “Golf” for Rossi, Maria (Anna Bauer)"


def reserved_elsewhere(vehicle_id: int, opportunity_id: int) -> VehicleHolder | None:
    """Which other open opportunity holds the vehicle, or which won one sold it, or None."""
    holder = reservations.reservation_holder(vehicle_id, opportunity_id)
    if holder is None:
        return None
    other = m.Opportunity.get_by_id(holder.id)
    if holder.owner:
        what = _("opportunity #{id} “{topic}” for {customer} ({owner})")
    else:
        what = _("opportunity #{id} “{topic}” for {customer}")
    words = what.format(
        id=other.id, topic=other.topic, customer=other.account.name, owner=holder.owner
    )
    return VehicleHolder(holder.sold, words)


# --- est. revenue -----------------------------------------------------------------------------


def revenue_quote(opportunity_id: int) -> m.Quote | None:
    """The quote the est. revenue follows: the accepted one, else the most recent open one."""
    return sales.revenue_quote(opportunity_id)


def revenue_source(opportunity_id: int) -> str:
    """The label of the quote the est. revenue follows, or '' when it is typed in."""
    quote = revenue_quote(opportunity_id)
    return label(quote.number, quote.revision) if quote is not None else ""


def sync_revenue(opportunity_id: int) -> None:
    """Est. revenue, accessories and trade-in from the quote they follow; typed values stay
    when no quote is open or accepted."""
    quote = revenue_quote(opportunity_id)
    if quote is None:
        return
    sales.set_estimates(
        opportunity_id,
        quote.net_minor - quote.accessories_minor,
        quote.accessories_minor,
        quote.trade_in_minor,
    )


def abandon_open(opportunity_id: int, keep_id: int | None = None) -> int:
    """Abandon the opportunity's open quotes but the one kept (closing as lost keeps none,
    accepting keeps the accepted one). Joins the caller's transaction."""
    return sales.abandon_open_quotes(opportunity_id, keep_id)
