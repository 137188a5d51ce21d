"""The marketing-consent queries: a customer's or a lead's history, what holds now, adding a
statement, carrying a lead's history over to its customer, and the list filters' clause."""

from __future__ import annotations

from datetime import datetime

from app.db import models as m


def history(account_id: int | None = None, lead_id: int | None = None) -> list[m.MarketingConsent]:
    """The statements of one customer or one lead, oldest first."""
    if account_id is not None:
        condition = m.MarketingConsent.account == account_id
    else:
        condition = m.MarketingConsent.lead == lead_id
    return list(
        m.MarketingConsent.select()
        .where(condition)
        .order_by(m.MarketingConsent.at, m.MarketingConsent.id)
    )


def add(
    account_id: int | None,
    lead_id: int | None,
    channel: str,
    given: bool,
    at: datetime,
    method: str,
    wording: str,
) -> m.MarketingConsent:
    """Joins the caller's transaction."""
    return m.MarketingConsent.create(
        account=account_id,
        lead=lead_id,
        channel=channel,
        given=given,
        at=at,
        method=method,
        wording=wording,
    )


def copy_lead_history_to_account(lead_id: int, account_id: int) -> int:
    """The lead's statements, added to the customer's history as they were (a lead
    converted into a customer keeps what they agreed to). Joins the caller's transaction."""
    rows = history(lead_id=lead_id)
    for row in rows:
        add(account_id, None, row.channel, row.given, row.at, row.method, row.wording)
    return len(rows)


def rewrite_wording(row_id: int, wording: str) -> None:
    """A statement's wording rewritten in place (anonymisation), with its version bumped."""
    m.MarketingConsent.update(
        wording=wording,
        version=m.MarketingConsent.version + 1,
        updated_at=m.now(),
        changed_by=m.acting_user(),
    ).where(m.MarketingConsent.id == row_id).execute()


def consenting_clause(alias: str, column: str) -> str:
    """SQL that is true when the latest statement for a channel (the one parameter) of the
    row `alias` (whose id `column` names in marketing_consent) gives consent."""
    return (
        f"coalesce((SELECT mc.given FROM marketing_consent mc WHERE mc.{column} = {alias}.id "
        "AND mc.channel = ? ORDER BY mc.at DESC, mc.id DESC LIMIT 1), FALSE) = TRUE"
    )
