"""Order forms (the contract the customer signs), orders, and the delivery that wins the sale."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from app import i18n
from app.db import models as m
from app.db import sales
from app.db.connection import transaction
from app.domain import money
from app.domain.choices import Interest, Status
from app.domain.documents import DocumentKind, DocumentSnapshot, build_snapshot
from app.domain.rights import Right
from app.domain.validation import ValidationError, Validator
from app.i18n import _
from app.services import (
    access,
    documents,
    numbering,
    process,
    quotes,
    record_rights,
    reference,
    wording,
)
from app.services.errors import NotFound

MAX_MILEAGE_KM = 2_000_000


@dataclass(frozen=True, slots=True)
class OrderFormSummary:
    id: int
    number: str
    quote_label: str
    issued_on: date
    delivery_date: date | None
    signed_on: date | None
    currency: str
    amount_due: Decimal
    order_id: int | None
    order_number: str
    delivered_on: date | None
    delivery_mileage_km: int | None
    cancelled_on: date | None = None

    @property
    def live(self) -> bool:
        """Still to be signed, confirmed or delivered."""
        return self.cancelled_on is None and self.delivered_on is None

    @property
    def stage(self) -> str:
        """Where the contract stands, in words."""
        if self.cancelled_on is not None:
            return _("cancelled {date}").format(date=wording.day(self.cancelled_on))
        if self.delivered_on is not None:
            return _("delivered {date}").format(date=wording.day(self.delivered_on))
        if self.order_id is not None:
            return _("order {number} confirmed").format(number=self.order_number)
        if self.signed_on is not None:
            return _("signed {date}").format(date=wording.day(self.signed_on))
        return _("awaiting the customer's signature")


def _form(order_form_id: int) -> m.OrderForm:
    row = m.OrderForm.get_or_none(m.OrderForm.id == order_form_id)
    if row is None:
        raise NotFound(_("Order form #{id} no longer exists.").format(id=order_form_id))
    return row


def issue_order_form(quote: m.Quote, delivery_date: date | None, today: date) -> tuple[str, Path]:
    """The order form of an accepted quote: numbered, frozen and its PDF written beside the
    archive. Joins the caller's transaction (accepting the quote); returns the number and
    the written file, which the caller publishes once the transaction has committed."""
    opportunity = quote.opportunity
    if delivery_date is None:
        delivery_date = opportunity.scheduled_delivery
    if delivery_date is not None and delivery_date < today:
        raise ValidationError(
            {
                "delivery_date": _("The delivery date {date} has passed.").format(
                    date=wording.day(delivery_date)
                )
            }
        )
    vehicle_id = quote.vehicle_id or opportunity.vehicle_id
    vehicle = m.Vehicle.get_or_none(m.Vehicle.id == vehicle_id) if vehicle_id else None
    number = numbering.draw("order_form")
    quote_label = quotes.label(quote.number, quote.revision)
    seller = documents.seller_for(opportunity)
    # Written in the customer's language, whatever the salesperson's screen shows.
    language = documents.language_of(opportunity.account)
    if not seller.name:
        raise ValidationError({"seller.name": _(documents.NO_SELLER)})
    snap = build_snapshot(
        kind=DocumentKind.ORDER_FORM.value,
        number=number,
        revision=1,
        issue_date=today,
        currency=quote.currency,
        seller=seller,
        customer=documents.customer_for(opportunity),
        vehicle=documents.vehicle_for(opportunity, vehicle),
        lines=[line.as_domain() for line in quotes.stored_lines(quote)],
        payment_method=quote.payment_method
        or reference.payment_kind(opportunity.interest)
        or Interest.CASH.value,
        salesperson=documents.salesperson_for(opportunity),
        terms=documents.terms(i18n.translator(language)),
        language=language,
        delivery_date=delivery_date,
        quote_reference=quote_label,
        remarks=quote.remarks,
    )
    documents.freeze_images(seller)
    m.OrderForm.create(
        number=number,
        quote=quote,
        opportunity=opportunity,
        vehicle=vehicle_id,
        payment_method=snap.payment_method,
        delivery_date=delivery_date,
        snapshot=json.dumps(snap.to_dict(), ensure_ascii=False),
    )
    if delivery_date is not None and opportunity.scheduled_delivery != delivery_date:
        opportunity.scheduled_delivery = delivery_date
        opportunity.save()
    return number, documents.write_archive(number, _render(snap))


def _render(snap: DocumentSnapshot) -> bytes:
    from reports import pdf  # reportlab is loaded when the first document is, not at start-up

    return pdf.render(snap)


def for_opportunity(opportunity_id: int) -> list[OrderFormSummary]:
    access.require(Right.READ_SALES)
    forms = sales.opportunity_order_forms(opportunity_id)
    orders = sales.orders_by_form([opportunity_id])
    result = []
    for form in forms:
        order = orders.get(form.id)
        quote = form.quote
        result.append(
            OrderFormSummary(
                id=form.id,
                number=form.number,
                quote_label=quotes.label(quote.number, quote.revision),
                issued_on=form.created_at.date(),
                delivery_date=form.delivery_date,
                signed_on=form.signed_on,
                currency=quote.currency,
                amount_due=money.from_minor(quote.amount_due_minor, quote.currency),
                order_id=order.id if order else None,
                order_number=order.number if order else "",
                delivered_on=order.delivered_on if order else None,
                delivery_mileage_km=order.delivery_mileage_km if order else None,
                cancelled_on=form.cancelled_on,
            )
        )
    return result


def live_contracts(opportunity_ids: list[int]) -> dict[int, str]:
    """The order forms not yet delivered nor cancelled, per opportunity, in words:
    {12: "order form OF-00004 (signed) and order O-00002"}."""
    if not opportunity_ids:
        return {}
    forms = sales.uncancelled_order_forms(opportunity_ids)
    orders = sales.orders_by_form(opportunity_ids)
    live: dict[int, str] = {}
    for form in forms:
        order = orders.get(form.id)
        if order is not None and order.delivered_on is not None:
            continue
        if order is not None and form.signed_on:
            words = _("order form {form} (signed) and order {order}")
        elif order is not None:
            words = _("order form {form} and order {order}")
        elif form.signed_on:
            words = _("order form {form} (signed)")
        else:
            words = _("order form {form}")
        order_number = order.number if order is not None else ""
        live[form.opportunity_id] = words.format(form=form.number, order=order_number)
    return live


def cancel_open(opportunity_id: int, today: date | None = None) -> int:
    """Closing as lost cancels the sale's order forms and orders not yet delivered; they stay
    on file as issued. Joins the caller's transaction; returns how many order forms."""
    return sales.cancel_undelivered(opportunity_id, today or date.today())


def _cancelled(document: str, on: date) -> str:
    return _("{number} was cancelled on {date}.").format(number=document, date=wording.day(on))


def _require_live(row: m.OrderForm) -> None:
    if row.cancelled_on is not None:
        raise ValidationError({"order": _cancelled(row.number, row.cancelled_on)})


def record_signature(order_form_id: int, signed_on: date, today: date | None = None) -> None:
    """The customer has signed the order form (on paper, on the day given)."""
    today = today or date.today()
    with transaction():
        record_rights.require_order_form(order_form_id)
        row = _form(order_form_id)
        process.require_open(row.opportunity)
        _require_live(row)
        if row.signed_on is not None:
            raise ValidationError(
                {
                    "signed_on": _("{number} was signed on {date} already.").format(
                        number=row.number, date=wording.day(row.signed_on)
                    )
                }
            )
        if signed_on > today:
            raise ValidationError({"signed_on": _("The signature date cannot be in the future.")})
        if signed_on < row.created_at.date():
            raise ValidationError(
                {
                    "signed_on": _("{number} was only issued on {date}.").format(
                        number=row.number, date=wording.day(row.created_at)
                    )
                }
            )
        row.signed_on = signed_on
        row.save()


def confirm_order(order_form_id: int) -> str:
    """The signed order form becomes an order; the opportunity moves to Delivery. Returns the
    order's number."""
    with transaction():
        record_rights.require_order_form(order_form_id)
        row = _form(order_form_id)
        opportunity = row.opportunity
        process.require_open(opportunity)
        _require_live(row)
        if row.signed_on is None:
            raise ValidationError(
                {
                    "signed_on": _(
                        "{number} is not signed yet; record the signature first."
                    ).format(number=row.number)
                }
            )
        if m.SalesOrder.get_or_none(m.SalesOrder.order_form == row.id) is not None:
            raise ValidationError(
                {"order": _("{number} has its order already.").format(number=row.number)}
            )
        number = numbering.draw("order")
        m.SalesOrder.create(number=number, order_form=row, opportunity=opportunity)
        process.advance(opportunity.id, "delivery")
    return number


def record_delivery(
    order_id: int, delivered_on: date, mileage_km: int, note: str = "", today: date | None = None
) -> None:
    """The customer has the vehicle: the delivery is recorded and the sale closes as won."""
    record_rights.require_order(order_id)
    today = today or date.today()
    v = Validator()
    if delivered_on > today:
        v.error("delivered_on", _("The delivery date cannot be in the future."))
    if not 0 <= mileage_km <= MAX_MILEAGE_KM:
        v.error(
            "mileage_km",
            _("The mileage is from 0 to {n} km.").format(n=wording.number(MAX_MILEAGE_KM)),
        )
    # TRANSLATORS: the field, as "{label} is too long (…)" begins with it.
    note = v.optional("note", note, _("The note"), max_length=2000)
    v.raise_if_any()
    with transaction():
        order = m.SalesOrder.get_or_none(m.SalesOrder.id == order_id)
        if order is None:
            raise NotFound(_("Order #{id} no longer exists.").format(id=order_id))
        opportunity = order.opportunity
        if order.cancelled_on is not None:
            raise ValidationError({"delivered_on": _cancelled(order.number, order.cancelled_on)})
        if order.delivered_on is not None:
            raise ValidationError(
                {
                    "delivered_on": _("{number} was delivered on {date}.").format(
                        number=order.number, date=wording.day(order.delivered_on)
                    )
                }
            )
        if opportunity.status != Status.OPEN.value:
            process.require_open(opportunity)
        if delivered_on < order.created_at.date():
            raise ValidationError(
                {
                    "delivered_on": _("{number} was only confirmed on {date}.").format(
                        number=order.number, date=wording.day(order.created_at)
                    )
                }
            )
        order.delivered_on = delivered_on
        order.delivery_mileage_km = mileage_km
        order.delivery_note = note
        order.save()
        if order.order_form.vehicle_id:
            vehicle = order.order_form.vehicle
            vehicle.mileage_km = mileage_km
            vehicle.save()
        closing_note = note or _("Delivered with order {number}.").format(number=order.number)
        process.close_won(opportunity.id, closing_note)
