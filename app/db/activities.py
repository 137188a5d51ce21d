"""The activity queries: the timelines of an opportunity, a lead and a customer, and a
salesperson's agenda."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from peewee import JOIN, Expression

from app.db import models as m
from app.domain.choices import ActivityKind

# (id, kind, subject, description, starts at, done, owner's name, note reason, direction,
#  opportunity id, its topic, its status, lead id, its status, outcome)
TimelineRow = tuple[Any, ...]
# (id, kind, subject, starts at, ends at, opportunity id, customer's name, done, outcome,
#  lead id, the lead's first name, last name and company name)
AgendaRow = tuple[Any, ...]


def _timeline_rows(where: Expression, limit: int) -> list[TimelineRow]:
    """The activities that match, newest first."""
    owner = m.User.alias()
    query = (
        m.Activity.select(
            m.Activity.id,
            m.Activity.kind,
            m.Activity.subject,
            m.Activity.description,
            m.Activity.starts_at,
            m.Activity.done,
            owner.full_name,
            m.Activity.note_reason,
            m.Activity.direction,
            m.Activity.opportunity,
            m.Opportunity.topic,
            m.Opportunity.status,
            m.Activity.lead,
            m.Lead.status,
            m.Activity.outcome,
        )
        .join(owner, JOIN.LEFT_OUTER, on=(m.Activity.owner == owner.id))
        .switch(m.Activity)
        .join(m.Opportunity, JOIN.LEFT_OUTER, on=(m.Activity.opportunity == m.Opportunity.id))
        .switch(m.Activity)
        .join(m.Lead, JOIN.LEFT_OUTER, on=(m.Activity.lead == m.Lead.id))
        .where(where)
        .order_by(m.Activity.starts_at.desc(), m.Activity.id.desc())
        .limit(limit)
        .tuples()
    )
    return list(query)


def lead_timeline(lead_id: int, limit: int) -> list[TimelineRow]:
    return _timeline_rows(m.Activity.lead == lead_id, limit)


def opportunity_timeline(opportunity_id: int, limit: int) -> list[TimelineRow]:
    return _timeline_rows(m.Activity.opportunity == opportunity_id, limit)


def account_timeline(account_id: int, limit: int) -> list[TimelineRow]:
    """The customer's own activities, those of its opportunities and those of the leads it
    was converted from."""
    sales = m.Opportunity.select(m.Opportunity.id).where(m.Opportunity.account == account_id)
    converted = m.Lead.select(m.Lead.id).where(m.Lead.converted_account == account_id)
    return _timeline_rows(
        (m.Activity.account == account_id)
        | m.Activity.opportunity.in_(sales)
        | m.Activity.lead.in_(converted),
        limit,
    )


def _agenda_base(user_id: int | list[int]) -> Any:
    return (
        m.Activity.select(
            m.Activity.id,
            m.Activity.kind,
            m.Activity.subject,
            m.Activity.starts_at,
            m.Activity.ends_at,
            m.Activity.opportunity,
            m.Account.name,
            m.Activity.done,
            m.Activity.outcome,
            m.Activity.lead,
            m.Lead.first_name,
            m.Lead.last_name,
            m.Lead.company_name,
        )
        .join(m.Account, JOIN.LEFT_OUTER, on=(m.Activity.account == m.Account.id))
        .switch(m.Activity)
        .join(m.Lead, JOIN.LEFT_OUTER, on=(m.Activity.lead == m.Lead.id))
        .where(m.Activity.owner.in_(user_id if isinstance(user_id, list) else [user_id]))
    )


def scheduled_between(
    user_id: int | list[int], start: datetime, end: datetime, kinds: Collection[str]
) -> list[AgendaRow]:
    """The user's activities of the kinds that start in [start, end), in time order."""
    query = _agenda_base(user_id).where(
        (m.Activity.starts_at >= start)
        & (m.Activity.starts_at < end)
        & m.Activity.kind.in_(list(kinds))
    )
    return list(query.order_by(m.Activity.starts_at).tuples())


def not_done_before(
    user_id: int | list[int], start: datetime, except_kinds: Collection[str]
) -> list[AgendaRow]:
    """The user's activities not done that started before `start`, but those of the kinds
    excepted, in time order."""
    query = _agenda_base(user_id).where(
        ~m.Activity.done
        & (m.Activity.starts_at < start)
        & m.Activity.kind.not_in(list(except_kinds))
    )
    return list(query.order_by(m.Activity.starts_at).tuples())


def test_drive_in_slot(
    vehicle_id: int, start: datetime, end: datetime, other_than: int | None
) -> m.Activity | None:
    """The first test drive of the vehicle (but `other_than`) overlapping [start, end)."""
    query = m.Activity.select().where(
        (m.Activity.vehicle == vehicle_id)
        & (m.Activity.kind == ActivityKind.TEST_DRIVE.value)
        & (m.Activity.starts_at < end)
        & (m.Activity.ends_at > start)
    )
    if other_than is not None:
        query = query.where(m.Activity.id != other_than)
    return query.order_by(m.Activity.starts_at).first()
