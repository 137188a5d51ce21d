"""The reads behind record rights: who holds a sale (owner, team, further salespeople, where
it is sold) and where a user sells (their team and home)."""

from __future__ import annotations

from peewee import JOIN, fn

from app.db import models as m
from app.domain.record_rights import Holder, Seller


def _shared(opportunity_id: int) -> frozenset[int]:
    query = m.OpportunitySalesperson.select(m.OpportunitySalesperson.user).where(
        m.OpportunitySalesperson.opportunity == opportunity_id
    )
    return frozenset(r[0] for r in query.tuples())


def opportunity_holder(opportunity_id: int) -> Holder | None:
    """Who holds the opportunity (None: there is no such opportunity)."""
    row = (
        m.Opportunity.select(
            m.Opportunity.owner, m.Opportunity.team, m.Opportunity.facility, m.Opportunity.business
        )
        .where(m.Opportunity.id == opportunity_id)
        .tuples()
        .first()
    )
    if row is None:
        return None
    owner, team, facility, business = row
    return Holder(owner, team, facility, business, _shared(opportunity_id))


def lead_holder(lead_id: int) -> Holder | None:
    """Who holds the lead; it is sold where its team sits, else where its owner sells."""
    owner_user = m.User.alias()
    row = (
        m.Lead.select(
            m.Lead.owner,
            m.Lead.team,
            fn.COALESCE(m.Team.facility, owner_user.home_facility),
            owner_user.home_business,
        )
        .join(m.Team, JOIN.LEFT_OUTER, on=m.Team.id == m.Lead.team)
        .switch(m.Lead)
        .join(owner_user, JOIN.LEFT_OUTER, on=owner_user.id == m.Lead.owner)
        .where(m.Lead.id == lead_id)
        .tuples()
        .first()
    )
    if row is None:
        return None
    owner, team, facility, business = row
    if business is None and facility is not None:
        business = m.Facility.select(m.Facility.business).where(m.Facility.id == facility).scalar()
    return Holder(owner, team, facility, business, frozenset())


def quote_opportunity(quote_id: int) -> int | None:
    return m.Quote.select(m.Quote.opportunity).where(m.Quote.id == quote_id).scalar()


def order_form_opportunity(order_form_id: int) -> int | None:
    return (
        m.OrderForm.select(m.OrderForm.opportunity).where(m.OrderForm.id == order_form_id).scalar()
    )


def order_opportunity(order_id: int) -> int | None:
    return m.SalesOrder.select(m.SalesOrder.opportunity).where(m.SalesOrder.id == order_id).scalar()


def activity_parent(activity_id: int) -> tuple[int | None, int | None, int | None] | None:
    """(opportunity, lead, owner) of an activity; None: there is no such activity."""
    return (
        m.Activity.select(m.Activity.opportunity, m.Activity.lead, m.Activity.owner)
        .where(m.Activity.id == activity_id)
        .tuples()
        .first()
    )


def seller(user_id: int) -> Seller | None:
    """Where the user sells: their team and home facility and business."""
    row = (
        m.User.select(m.User.id, m.User.team, m.User.home_facility, m.User.home_business)
        .where(m.User.id == user_id)
        .tuples()
        .first()
    )
    if row is None:
        return None
    user, team, facility, business = row
    if business is None and facility is not None:
        business = m.Facility.select(m.Facility.business).where(m.Facility.id == facility).scalar()
    return Seller(user, team, facility, business)


def set_salespeople(opportunity_id: int, user_ids: list[int]) -> tuple[list[int], list[int]]:
    """Make these users the opportunity's further salespeople; (before, after), sorted."""
    before = sorted(_shared(opportunity_id))
    after = sorted(set(user_ids))
    if before != after:
        m.OpportunitySalesperson.delete().where(
            m.OpportunitySalesperson.opportunity == opportunity_id
        ).execute()
        if after:
            m.OpportunitySalesperson.insert_many(
                [{"opportunity": opportunity_id, "user": u} for u in after]
            ).execute()
    return before, after


def salespeople(opportunity_id: int) -> list[int]:
    """The further salespeople of an opportunity (ids)."""
    return sorted(_shared(opportunity_id))
