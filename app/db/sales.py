"""The queries of a sale's documents: quotes and their lines, order forms and orders."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from app.db import models as m
from app.domain.choices import Status
from app.domain.quotes import OPEN_QUOTE_STATUSES, QuoteStatus

_OPEN = [s.value for s in OPEN_QUOTE_STATUSES]

# --- quotes -----------------------------------------------------------------------------------


def quote_lines(quote_id: int) -> list[m.QuoteLine]:
    """The quote's lines in their order."""
    query = m.QuoteLine.select().where(m.QuoteLine.quote == quote_id)
    return list(query.order_by(m.QuoteLine.position))


def replace_quote_lines(quote: m.Quote, lines: list[dict[str, object]]) -> None:
    """The quote's lines become these (the columns of each, without quote and position), in
    their order. Joins the caller's transaction."""
    m.QuoteLine.delete().where(m.QuoteLine.quote == quote.id).execute()
    for position, line in enumerate(lines, 1):
        m.QuoteLine.create(quote=quote, position=position, **line)


def count_quote_lines(quote_id: int) -> int:
    return int(m.QuoteLine.select().where(m.QuoteLine.quote == quote_id).count())


def has_quote_lines(quote_id: int) -> bool:
    return bool(m.QuoteLine.select().where(m.QuoteLine.quote == quote_id).exists())


def opportunity_quotes(opportunity_id: int) -> list[m.Quote]:
    """The opportunity's quotes, newest number and revision first."""
    query = (
        m.Quote.select()
        .where(m.Quote.opportunity == opportunity_id)
        .order_by(m.Quote.number.desc(), m.Quote.revision.desc())
    )
    return list(query)


def latest_revision(number: str) -> int:
    """The highest revision of the quote number."""
    latest = (
        m.Quote.select(m.Quote.revision)
        .where(m.Quote.number == number)
        .order_by(m.Quote.revision.desc())
        .first()
    )
    return int(latest.revision)


def issued_quote(number: str, revision: int | None) -> m.Quote | None:
    """The presented (issued) quote with the number, in the revision given or its latest."""
    query = m.Quote.select().where((m.Quote.number == number) & m.Quote.snapshot.is_null(False))
    if revision is not None:
        query = query.where(m.Quote.revision == revision)
    return query.order_by(m.Quote.revision.desc()).first()


def due_quotes(today: date, opportunity_id: int | None = None) -> list[tuple[int, int]]:
    """(quote id, opportunity id) of the open quotes past their valid-until date, of open
    opportunities (of the one given)."""
    query = (
        m.Quote.select(m.Quote.id, m.Quote.opportunity)
        .join(m.Opportunity)
        .where(
            m.Quote.status.in_(_OPEN)
            & (m.Quote.valid_until < today)
            & (m.Opportunity.status == Status.OPEN.value)
        )
    )
    if opportunity_id is not None:
        query = query.where(m.Quote.opportunity == opportunity_id)
    return list(query.tuples())


def expire_quotes(quote_ids: Collection[int]) -> int:
    """The quotes among these still open become expired. Joins the caller's transaction."""
    return m.update_rows(
        m.Quote,
        m.Quote.id.in_(list(quote_ids)) & m.Quote.status.in_(_OPEN),
        status=QuoteStatus.EXPIRED.value,
        decided_at=m.now(),
    )


def abandon_open_quotes(opportunity_id: int, keep_id: int | None = None) -> int:
    """The opportunity's open quotes but the one kept become abandoned. Joins the caller's
    transaction."""
    where = (m.Quote.opportunity == opportunity_id) & m.Quote.status.in_(_OPEN)
    if keep_id is not None:
        where &= m.Quote.id != keep_id
    return m.update_rows(m.Quote, where, status=QuoteStatus.ABANDONED.value, decided_at=m.now())


def revenue_quote(opportunity_id: int) -> m.Quote | None:
    """The quote the est. revenue follows: the accepted one, else the most recent open one."""
    base = m.Quote.select().where(m.Quote.opportunity == opportunity_id)
    accepted = base.where(m.Quote.status == QuoteStatus.ACCEPTED.value).first()
    if accepted is not None:
        return accepted
    return (
        base.where(m.Quote.status.in_(_OPEN))
        .order_by(m.Quote.created_at.desc(), m.Quote.id.desc())
        .first()
    )


def set_estimates(opportunity_id: int, revenue: int, accessories: int, trade_in: int) -> None:
    """The opportunity's est. revenue, accessories and trade-in, in minor units: audited
    and a new version when they change, as a save of the form would be."""
    m.update_rows(
        m.Opportunity,
        m.Opportunity.id == opportunity_id,
        est_revenue_minor=revenue,
        est_revenue_accessories_minor=accessories,
        est_trade_in_minor=trade_in,
    )


def account_opportunity_topics(account_id: int) -> list[tuple[int, str]]:
    """(id, topic) of the account's opportunities."""
    query = m.Opportunity.select(m.Opportunity.id, m.Opportunity.topic).where(
        m.Opportunity.account == account_id
    )
    return list(query.tuples())


# --- order forms and orders -------------------------------------------------------------------


def order_form_number(quote_id: int) -> str:
    """The number of the order form issued from the quote, or ''."""
    form = m.OrderForm.get_or_none(m.OrderForm.quote == quote_id)
    return form.number if form is not None else ""


def order_form_numbers(opportunity_id: int) -> dict[int, str]:
    """The opportunity's order forms' numbers by the quote each was issued from."""
    query = m.OrderForm.select(m.OrderForm.quote, m.OrderForm.number).where(
        m.OrderForm.opportunity == opportunity_id
    )
    return {f.quote_id: f.number for f in query}


def opportunity_order_forms(opportunity_id: int) -> list[m.OrderForm]:
    """The opportunity's order forms with their quotes, newest first."""
    query = (
        m.OrderForm.select(m.OrderForm, m.Quote)
        .join(m.Quote)
        .where(m.OrderForm.opportunity == opportunity_id)
        .order_by(m.OrderForm.id.desc())
    )
    return list(query)


def orders_by_form(opportunity_ids: Collection[int]) -> dict[int, m.SalesOrder]:
    """The opportunities' orders by the order form each confirmed."""
    query = m.SalesOrder.select().where(m.SalesOrder.opportunity.in_(list(opportunity_ids)))
    return {o.order_form_id: o for o in query}


def uncancelled_order_forms(opportunity_ids: Collection[int]) -> list[m.OrderForm]:
    query = m.OrderForm.select().where(
        m.OrderForm.opportunity.in_(list(opportunity_ids)) & m.OrderForm.cancelled_on.is_null()
    )
    return list(query)


def cancel_undelivered(opportunity_id: int, today: date) -> int:
    """The opportunity's order forms not cancelled, and their orders, are cancelled unless
    delivered; they stay on file. Joins the caller's transaction; returns how many forms."""
    forms = [
        f.id
        for f in m.OrderForm.select(m.OrderForm.id).where(
            (m.OrderForm.opportunity == opportunity_id) & m.OrderForm.cancelled_on.is_null()
        )
    ]
    delivered = {
        o.order_form_id
        for o in m.SalesOrder.select(m.SalesOrder.order_form).where(
            m.SalesOrder.order_form.in_(forms) & m.SalesOrder.delivered_on.is_null(False)
        )
    }
    live = [f for f in forms if f not in delivered]
    if not live:
        return 0
    m.update_rows(m.OrderForm, m.OrderForm.id.in_(live), cancelled_on=today)
    m.update_rows(m.SalesOrder, m.SalesOrder.order_form.in_(live), cancelled_on=today)
    return len(live)
