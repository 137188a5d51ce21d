"""An opportunity's history as the database keeps it: its stage moves and its close-date
changes, each with who made it."""

from __future__ import annotations

from datetime import date, datetime

from peewee import JOIN, SQL

from app.db import models as m
from app.db.connection import database


def stage_entered_at(opportunity_id: int) -> datetime | None:
    """When the opportunity's latest stage move was made, from the sale's own column
    (opportunity.stage_entered_at, kept from the history by triggers since
    app.db.steps.stage_entry) rather than from its moves; None when it has none."""
    value = (
        m.Opportunity.select(SQL("stage_entered_at"))
        .where(m.Opportunity.id == opportunity_id)
        .scalar()
    )
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def stage_moves(
    opportunity_id: int,
) -> list[tuple[datetime, str | None, str | None, bool, str, str | None]]:
    """(when, to-stage name, by whom, automatic, reason, to-stage key) of every move, oldest
    first."""
    to_stage = m.Stage.alias()
    query = (
        m.StageChange.select(
            m.StageChange.created_at,
            to_stage.name,
            m.User.full_name,
            m.StageChange.automatic,
            m.StageChange.reason,
            to_stage.key,
        )
        .join(to_stage, JOIN.LEFT_OUTER, on=(m.StageChange.to_stage == to_stage.id))
        .switch(m.StageChange)
        .join(m.User, JOIN.LEFT_OUTER, on=(m.StageChange.changed_by == m.User.id))
        .where(m.StageChange.opportunity == opportunity_id)
        .order_by(m.StageChange.created_at, m.StageChange.id)
        .tuples()
    )
    return list(query)


def close_date_changes(
    opportunity_id: int,
) -> list[tuple[datetime, date | None, date, str | None]]:
    """(when, old date, new date, by whom) of every change of the est. close date, newest
    first."""
    query = (
        m.CloseDateChange.select(
            m.CloseDateChange.created_at,
            m.CloseDateChange.old_date,
            m.CloseDateChange.new_date,
            m.User.full_name,
        )
        .join(m.User, JOIN.LEFT_OUTER, on=(m.CloseDateChange.changed_by == m.User.id))
        .where(m.CloseDateChange.opportunity == opportunity_id)
        .order_by(m.CloseDateChange.created_at.desc(), m.CloseDateChange.id.desc())
        .tuples()
    )
    return list(query)


def last_closing_move(opportunity_id: int, closed_as: str) -> m.StageChange | None:
    """The latest move that closed the opportunity as won or lost."""
    return (
        m.StageChange.select()
        .where((m.StageChange.opportunity == opportunity_id) & (m.StageChange.reason == closed_as))
        .order_by(m.StageChange.created_at.desc(), m.StageChange.id.desc())
        .first()
    )


# What an opportunity's documents went through, in one statement: the audit lines of its
# quotes (every revision), order forms and orders ('a'), and the documents themselves ('r')
# for those no audit line tells of (loaded in bulk, as the demo is), by their own dates and
# whoever last changed them. (The NULLs are typed: PostgreSQL types a UNION's column from
# its first rows, and two untyped NULLs would make it text.)
_DOCUMENTS_TOLD = """
SELECT 'a', a.at, a.user_name, a.entity, a.action, a.changes, q.number, q.revision,
       '', CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), 0, a.id
FROM audit_entry a JOIN quote q ON q.id = a.entity_id
WHERE a.entity = 'quote' AND q.opportunity_id = ?
UNION ALL
SELECT 'a', a.at, a.user_name, a.entity, a.action, a.changes, f.number, 0,
       '', NULL, NULL, 0, a.id
FROM audit_entry a JOIN order_form f ON f.id = a.entity_id
WHERE a.entity = 'order_form' AND f.opportunity_id = ?
UNION ALL
SELECT 'a', a.at, a.user_name, a.entity, a.action, a.changes, o.number, 0,
       '', NULL, NULL, 0, a.id
FROM audit_entry a JOIN sales_order o ON o.id = a.entity_id
WHERE a.entity = 'order' AND o.opportunity_id = ?
UNION ALL
SELECT 'r', NULL, u.full_name, 'quote', '', '', q.number, q.revision,
       q.status, q.presented_at, q.decided_at,
       (SELECT count(*) FROM audit_entry a WHERE a.entity = 'quote' AND a.entity_id = q.id), q.id
FROM quote q LEFT JOIN "user" u ON u.id = q.changed_by WHERE q.opportunity_id = ?
UNION ALL
SELECT 'r', NULL, u.full_name, 'order_form', '', '', f.number, 0, '', f.created_at, f.signed_on,
       (SELECT count(*) FROM audit_entry a WHERE a.entity = 'order_form' AND a.entity_id = f.id),
       f.id
FROM order_form f LEFT JOIN "user" u ON u.id = f.changed_by WHERE f.opportunity_id = ?
UNION ALL
SELECT 'r', NULL, u.full_name, 'order', '', '', o.number, 0, '', o.created_at, o.delivered_on,
       (SELECT count(*) FROM audit_entry a WHERE a.entity = 'order' AND a.entity_id = o.id), o.id
FROM sales_order o LEFT JOIN "user" u ON u.id = o.changed_by WHERE o.opportunity_id = ?
"""

AuditedEvent = tuple[datetime, str, str, str, str, str, int]
UnauditedDocument = tuple[str, str, int, str, datetime | None, datetime | None, str]


def _when(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))


def documents_told(opportunity_id: int) -> tuple[list[AuditedEvent], list[UnauditedDocument]]:
    """What was done to the opportunity's quotes, order forms and orders: the audit lines
    as (when, by whom, entity, action, changes as JSON, number, revision), newest first, so
    that lines of the same moment keep their order in the timeline's stable sort; and the
    documents no audit line tells of as (entity, number, revision, status, first date,
    second date, by whom): a quote's presentation and decision, an order form's issue and
    signature, an order's confirmation and delivery."""
    sql = _DOCUMENTS_TOLD.replace("?", database.param)
    rows = database.execute_sql(sql, [opportunity_id] * 6).fetchall()
    audited = sorted(
        (r for r in rows if r[0] == "a"), key=lambda r: (_when(r[1]), r[12]), reverse=True
    )
    events: list[AuditedEvent] = [
        (_when(r[1]) or datetime.min, r[2] or "", r[3], r[4], r[5] or "", r[6], int(r[7] or 0))
        for r in audited
    ]
    documents: list[UnauditedDocument] = [
        (r[3], r[6], int(r[7] or 0), r[8] or "", _when(r[9]), _when(r[10]), r[2] or "")
        for r in rows
        if r[0] == "r" and not r[11]
    ]
    return events, documents
