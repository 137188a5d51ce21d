"""What spans a sale's quotes, order forms and stages: accepting a quote (the order form, the
other quotes abandoned, the move to Contract), closing as lost, and a customer's documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.db import models as m
from app.db import sales
from app.db.connection import transaction
from app.domain import money
from app.domain.documents import DocumentKind
from app.domain.quotes import QuoteStatus, is_open, move_error
from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import access, documents, orders, process, quotes, record_rights, wording
from app.services.documents import DocumentInfo
from app.services.reference import stored_reason


def accept_quote(
    quote_id: int, delivery_date: date | None = None, today: date | None = None
) -> str:
    """The customer accepts a presented quote: it is accepted, the order form is issued
    from it (frozen, its PDF archived), the opportunity's other open quotes are abandoned,
    its est. revenue follows this quote and it moves to Contract. Returns the order form's
    number. Refused, with the reason, when the quoted vehicle is meanwhile reserved by
    another open opportunity."""
    today = today or date.today()
    temporary: Path | None = None
    try:
        with transaction():
            record_rights.require_quote(quote_id)
            row = quotes.row_of(quote_id)
            opportunity = row.opportunity
            process.require_open(opportunity)
            if row.valid_until < today and is_open(row.status):
                expired = _(
                    "{quote} expired on {date}; make a new revision for the customer."
                ).format(
                    quote=quotes.label(row.number, row.revision), date=wording.day(row.valid_until)
                )
                raise ValidationError({"status": expired})
            problem = move_error(row.status, QuoteStatus.ACCEPTED, 1)
            if problem:
                if row.status == QuoteStatus.DRAFT:
                    problem = _("{problem} Present it to the customer first.").format(
                        problem=problem
                    )
                raise ValidationError({"status": problem})
            vehicle_id = row.vehicle_id or opportunity.vehicle_id
            if vehicle_id is None:
                raise ValidationError(
                    {
                        "vehicle_id": _(
                            "The order form names the vehicle by its VIN: reserve the stock "
                            "vehicle for this sale (Device specifics), then accept the quote."
                        )
                    }
                )
            holder = quotes.reserved_elsewhere(vehicle_id, opportunity.id)
            if holder is not None:
                if holder.sold:
                    refusal = _(
                        "The vehicle {vin} is now sold with {opportunity}; no order form can be "
                        "issued for it. Revise the quote with another vehicle."
                    )
                else:
                    refusal = _(
                        "The vehicle {vin} is now reserved by {opportunity}; no order form can "
                        "be issued for it. Revise the quote with another vehicle."
                    )
                vin = m.Vehicle.get_by_id(vehicle_id).vin
                raise ValidationError(
                    {"vehicle_id": refusal.format(vin=vin, opportunity=holder.opportunity)}
                )
            if opportunity.vehicle_id != vehicle_id:
                opportunity.vehicle = vehicle_id
                opportunity.save()
            row.status = QuoteStatus.ACCEPTED.value
            row.decided_at = m.now()
            row.save()
            quotes.abandon_open(opportunity.id, keep_id=row.id)
            number, temporary = orders.issue_order_form(row, delivery_date, today)
            quotes.sync_revenue(opportunity.id)
            process.advance(opportunity.id, "contract")
    except BaseException:
        if temporary is not None:
            documents.discard(temporary)
        raise
    documents.publish(temporary)
    return number


MAX_COMPETITOR = 120


def close_lost(
    opportunity_ids: list[int], reason: str, note: str = "", competitor: str = ""
) -> int:
    """Close one or several opportunities as lost, with a reason from the catalogue; their
    open quotes are abandoned and their order forms not yet delivered cancelled. All of
    them or none. Returns how many were closed. The reason may be given as stored or as a
    picker shows it (a shipped reason translated); it is stored as stored."""
    for opportunity_id in opportunity_ids:
        record_rights.require_opportunity(opportunity_id)
    stored = stored_reason("lost", reason)
    if stored is None:
        raise ValidationError({"lost_reason": _("Pick why the sale was lost from the list.")})
    reason = stored
    if len(competitor.strip()) > MAX_COMPETITOR:
        raise ValidationError(
            {
                "competitor": _("The competitor's name is too long (at most {n}).").format(
                    n=MAX_COMPETITOR
                )
            }
        )
    if not opportunity_ids:
        return 0
    with transaction():
        for opportunity_id in opportunity_ids:
            row = process.open_row(opportunity_id)
            row.lost_reason = reason
            row.competitor = competitor.strip()
            process.close_row(row, False, note)
            quotes.abandon_open(opportunity_id)
            orders.cancel_open(opportunity_id)
    return len(opportunity_ids)


def documents_for_account(account_id: int, today: date | None = None) -> list[DocumentInfo]:
    """The issued quotes (every presented revision) and order forms of a customer's
    opportunities, newest first. Drafts have no document yet."""
    access.require(Right.READ_SALES)
    result: list[DocumentInfo] = []
    for opportunity_id, topic in sales.account_opportunity_topics(account_id):
        for q in quotes.for_opportunity(opportunity_id, today):
            if q.presented_at is None:
                continue
            result.append(
                DocumentInfo(
                    kind=DocumentKind.QUOTE.value,
                    reference=q.reference,
                    label=_("Quote {number}").format(number=q.label),
                    issued_on=q.presented_at.date(),
                    status=QuoteStatus(q.status).label,
                    amount_due=money.format_money(q.amount_due, q.currency),
                    number=q.label,
                    opportunity_id=opportunity_id,
                    topic=topic,
                )
            )
        for f in orders.for_opportunity(opportunity_id):
            result.append(
                DocumentInfo(
                    kind=DocumentKind.ORDER_FORM.value,
                    reference=f.number,
                    label=_("Order form {number}").format(number=f.number),
                    issued_on=f.issued_on,
                    status=f.stage[:1].upper() + f.stage[1:],
                    amount_due=money.format_money(f.amount_due, f.currency),
                    number=f.number,
                    opportunity_id=opportunity_id,
                    topic=topic,
                )
            )
    # The order form of an accepted quote comes above it on the day both are issued.
    result.sort(key=lambda d: (d.issued_on, d.kind == DocumentKind.ORDER_FORM, d.reference))
    result.reverse()
    return result
