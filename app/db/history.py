"""An opportunity's history as the database keeps it: its stage moves and its close-date
changes, each with who made it."""

from __future__ import annotations

from datetime import date, datetime

from peewee import JOIN

from app.db import models as m


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
