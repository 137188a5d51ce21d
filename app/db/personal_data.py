"""The queries behind a customer's personal data: everything held about them, for the
export, and rewriting it in place, for anonymising them."""

from __future__ import annotations

from typing import Any

from app.db import models as m
from app.domain.choices import Status


def matching_leads(account: m.Account) -> list[m.Lead]:
    """Leads converted into this customer, and leads with their e-mail or phone."""
    condition = m.Lead.converted_account == account.id
    if account.email_key:
        condition |= m.Lead.email_key == account.email_key
    if len(account.phone_key) >= 6:
        condition |= m.Lead.phone_key == account.phone_key
    return list(m.Lead.select().where(condition).order_by(m.Lead.id))


def quotes_of(opportunity_ids: list[int]) -> list[m.Quote]:
    if not opportunity_ids:
        return []
    return list(
        m.Quote.select()
        .where(m.Quote.opportunity.in_(opportunity_ids))
        .order_by(m.Quote.number, m.Quote.revision)
    )


def account_opportunities(account_id: int) -> list[m.Opportunity]:
    return list(
        m.Opportunity.select().where(m.Opportunity.account == account_id).order_by(m.Opportunity.id)
    )


def count_open_opportunities(account_id: int) -> int:
    return int(
        m.Opportunity.select()
        .where((m.Opportunity.account == account_id) & (m.Opportunity.status == Status.OPEN.value))
        .count()
    )


def contact_links(opportunity_id: int) -> list[m.OpportunityContact]:
    return list(
        m.OpportunityContact.select().where(m.OpportunityContact.opportunity == opportunity_id)
    )


def stage_changes(opportunity_id: int) -> list[m.StageChange]:
    return list(
        m.StageChange.select()
        .where(m.StageChange.opportunity == opportunity_id)
        .order_by(m.StageChange.id)
    )


def close_date_changes(opportunity_id: int) -> list[m.CloseDateChange]:
    return list(
        m.CloseDateChange.select()
        .where(m.CloseDateChange.opportunity == opportunity_id)
        .order_by(m.CloseDateChange.id)
    )


def opportunity_activities(opportunity_id: int) -> list[m.Activity]:
    return list(
        m.Activity.select()
        .where(m.Activity.opportunity == opportunity_id)
        .order_by(m.Activity.starts_at, m.Activity.id)
    )


def order_forms(opportunity_id: int) -> list[m.OrderForm]:
    return list(m.OrderForm.select().where(m.OrderForm.opportunity == opportunity_id))


def count_order_forms(opportunity_ids: list[int]) -> int:
    return int(m.OrderForm.select().where(m.OrderForm.opportunity.in_(opportunity_ids)).count())


def activities_outside_sales(account_id: int, lead_ids: list[int]) -> list[m.Activity]:
    """The activities of no opportunity, with the customer or one of the leads."""
    query = m.Activity.select().where(
        m.Activity.opportunity.is_null(True)
        & (
            (m.Activity.account == account_id)
            | (m.Activity.lead.in_(lead_ids) if lead_ids else (m.Activity.id < 0))
        )
    )
    return list(query.order_by(m.Activity.starts_at, m.Activity.id))


def activities_of(account_id: int, opportunity_ids: list[int], lead_ids: list[int]) -> list[Any]:
    """Every activity with the customer, their opportunities or their leads."""
    query = m.Activity.select().where(
        (m.Activity.account == account_id)
        | (m.Activity.opportunity.in_(opportunity_ids) if opportunity_ids else (m.Activity.id < 0))
        | (m.Activity.lead.in_(lead_ids) if lead_ids else (m.Activity.id < 0))
    )
    return list(query)


def lead_activities(lead_id: int) -> list[m.Activity]:
    return list(
        m.Activity.select()
        .where(m.Activity.lead == lead_id)
        .order_by(m.Activity.starts_at, m.Activity.id)
    )


def rewrite(model: type[m.BaseModel], row_id: int, **values: Any) -> None:
    """The row's columns rewritten in place, not saved through the model (so the audit log
    does not take the old values in), with its version, time and user of the change."""
    model.update(
        **values,
        version=model.version + 1,  # type: ignore[attr-defined]
        updated_at=m.now(),
        changed_by=m.acting_user(),
    ).where(model.id == row_id).execute()  # type: ignore[attr-defined]


def demand_lines_of(opportunity_ids: list[int], lead_ids: list[int]) -> list[m.DemandLine]:
    """The primary-demand lines of these opportunities and leads, in order: one statement."""
    if not (opportunity_ids or lead_ids):
        return []
    return list(
        m.DemandLine.select()
        .where(m.DemandLine.opportunity.in_(opportunity_ids) | m.DemandLine.lead.in_(lead_ids))
        .order_by(m.DemandLine.position, m.DemandLine.id)
    )
