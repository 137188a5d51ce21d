"""The retention queries: the closed opportunities past a cutoff, what hangs off them, which
must be kept for their documents, the leads never converted that are as old, and deleting
them."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from peewee import fn

from app.db import models as m
from app.domain.choices import LeadStatus, Status

_CHUNK = 500  # ids per IN (...): below SQLite's variable limit


def chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def kept_for_documents(opportunity_ids: Collection[int]) -> set[int]:
    """The opportunities among these that must be kept for their documents: those with an
    order form (the contract the customer signed). Any order form counts, whatever its
    state (cancelled ones too): when in doubt a contract is kept."""
    kept: set[int] = set()
    for batch in chunks(list(opportunity_ids)):
        query = m.OrderForm.select(m.OrderForm.opportunity).where(
            m.OrderForm.opportunity.in_(batch)
        )
        kept.update(row.opportunity_id for row in query)
    return kept


def closed_before(cutoff: date) -> list[m.Opportunity]:
    """The opportunities closed before the cutoff, with their accounts, oldest first."""
    closed_on = m.Opportunity.closed_at.is_null(False) & (m.Opportunity.closed_at < cutoff)
    # Closed before closed_at was kept: the last change stands in for the closing.
    old_closed = m.Opportunity.closed_at.is_null(True) & (m.Opportunity.updated_at < cutoff)
    return list(
        m.Opportunity.select(m.Opportunity, m.Account)
        .join(m.Account)
        .where((m.Opportunity.status != Status.OPEN.value) & (closed_on | old_closed))
        .order_by(m.Opportunity.closed_at, m.Opportunity.id)
    )


def count_by_opportunity(model: type[m.BaseModel], ids: list[int]) -> dict[int, int]:
    """How many rows of the table (one with an `opportunity` column) each opportunity has."""
    counts: dict[int, int] = {}
    column = model.opportunity  # type: ignore[attr-defined]
    for batch in chunks(ids):
        query = model.select(column, fn.COUNT(model.id)).where(column.in_(batch)).group_by(column)
        for opportunity_id, count in query.tuples():
            counts[opportunity_id] = counts.get(opportunity_id, 0) + count
    return counts


def delete_opportunities(ids: list[int]) -> int:
    """Delete the opportunities; returns how many activities went with them. Joins the
    caller's transaction."""
    activities = 0
    for batch in chunks(ids):
        activities += m.Activity.select().where(m.Activity.opportunity.in_(batch)).count()
        # Activities, stage and close-date changes and contact roles go with their
        # opportunity (ON DELETE CASCADE); quotes and their lines will too.
        m.Opportunity.delete().where(m.Opportunity.id.in_(batch)).execute()
    return activities


def issued_quotes(opportunity_ids: list[int]) -> list[tuple[str, int]]:
    """(number, revision) of the issued quotes (those with an archived PDF) of these
    opportunities."""
    found: list[tuple[str, int]] = []
    for batch in chunks(opportunity_ids):
        query = m.Quote.select(m.Quote.number, m.Quote.revision).where(
            m.Quote.opportunity.in_(batch) & m.Quote.snapshot.is_null(False)
        )
        found.extend((number, revision) for number, revision in query.tuples())
    return found


def leads_unconverted_before(cutoff: date) -> list[m.Lead]:
    """The leads never converted whose last change is older than the cutoff, oldest first."""
    converted = m.Opportunity.select(m.Opportunity.lead).where(m.Opportunity.lead.is_null(False))
    return list(
        m.Lead.select()
        .where(
            (m.Lead.status != LeadStatus.CONVERTED.value)
            & m.Lead.converted_account.is_null(True)
            & (m.Lead.updated_at < cutoff)
            & m.Lead.id.not_in(converted)
        )
        .order_by(m.Lead.updated_at, m.Lead.id)
    )


def delete_leads(ids: list[int]) -> int:
    """Delete the leads; returns how many activities went with them (ON DELETE CASCADE).
    Joins the caller's transaction."""
    activities = 0
    for batch in chunks(ids):
        activities += m.Activity.select().where(m.Activity.lead.in_(batch)).count()
        m.Lead.delete().where(m.Lead.id.in_(batch)).execute()
    return activities
