"""The agenda's flagged sales: how many of a salesperson's (or a team's) open opportunities
are past their close date or have sat in their stage longer than it allows, and those sales
a page at a time, in close-date order.

The agenda shows a page of each list and their counts; reading every flagged sale (7,900
for the busiest salesperson of 300,000 opportunities) with its customer grew faster than
the data, as each is a row read from tables larger than the page cache. Both the counts
and the choice of a page are tested on the owner's index alone
(`opportunity_owner_agenda`: owner, status, close date, stage, entered the stage, made by
app.db.steps.stage_entry); only a page's sales are read with their customer and stage."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from app.db import models as m
from app.db.connection import database, is_sqlite
from app.db.opportunity_queries import as_datetime

# (id, topic, customer, stage, the stage's key, close date, days allowed, entered the stage)
FlaggedRow = tuple[int, str, str, str, str | None, date, int | None, datetime | None]


class Flag(Enum):
    """Why the agenda lists an open sale."""

    PAST_CLOSE = "past_close"  # its est. close date is before today
    STALE = "stale"  # more whole days in its stage than the stage allows


def _param(sql: str) -> str:
    return sql if database.param == "?" else sql.replace("?", database.param)


def _whose(user_id: int, team_id: int | None) -> tuple[str, list[Any]]:
    """One salesperson's, or a team's: its members' and what it holds untaken."""
    if team_id is None:
        return "o.owner_id = ?", [user_id]
    return (
        '(o.owner_id IN (SELECT id FROM "user" WHERE team_id = ?) '
        "OR (o.owner_id IS NULL AND o.team_id = ?))"
    ), [team_id, team_id]


def _stale_test(now: datetime) -> tuple[str, list[Any]]:
    """The test that a sale has sat longer in its stage than the stage allows: more whole
    days since it entered than allowed, that is entered at least (allowed + 1) days before
    `now`, each stage's limit a CASE branch (a handful of stages)."""
    limits = m.Stage.select(m.Stage.id, m.Stage.days_allowed).where(
        m.Stage.days_allowed.is_null(False)
    )
    params: list[Any] = []
    for stage_id, days in limits.tuples():
        params += [stage_id, (now - timedelta(days=days + 1)).isoformat(sep=" ")]
    if not params:
        return "1 = 0", []
    threshold = "CASE o.stage_id " + " ".join("WHEN ? THEN ?" for _ in params[::2]) + " END"
    # The CASE's value is a timestamp as SQLite stores one (text); PostgreSQL is told so.
    if not is_sqlite():
        threshold = f"CAST({threshold} AS TIMESTAMP)"
    return f"o.stage_entered_at <= {threshold}", params


def _flag_test(flag: Flag, today: date, now: datetime) -> tuple[str, list[Any]]:
    if flag is Flag.PAST_CLOSE:
        return "o.est_close_date < ?", [today.isoformat()]
    return _stale_test(now)


def flagged_counts(
    user_id: int, today: date, now: datetime, team_id: int | None = None
) -> dict[Flag, int]:
    """How many open sales each flag lists: one pass over the owner's index range."""
    whose, params = _whose(user_id, team_id)
    past, past_params = _flag_test(Flag.PAST_CLOSE, today, now)
    stale, stale_params = _flag_test(Flag.STALE, today, now)
    sql = f"""
        SELECT count(CASE WHEN {past} THEN 1 END), count(CASE WHEN {stale} THEN 1 END)
        FROM opportunity o
        WHERE {whose} AND o.status = 'open'
    """
    row = database.execute_sql(_param(sql), past_params + stale_params + params).fetchone()
    return {Flag.PAST_CLOSE: int(row[0] or 0), Flag.STALE: int(row[1] or 0)}


def flagged_page(
    flag: Flag,
    user_id: int,
    today: date,
    now: datetime,
    team_id: int | None = None,
    after: tuple[date, int] | None = None,
    limit: int = 100,
) -> list[FlaggedRow]:
    """The open sales `flag` lists, by close date then number: the first `limit` of them,
    or the `limit` after the sale (close date, id) `after` (the last one of the page
    before). The flagged ones are chosen from the owner's index (materialised, so no plan
    reads the table to keep the order) and only the page's are read with their customer."""
    whose, params = _whose(user_id, team_id)
    test, test_params = _flag_test(flag, today, now)
    params += test_params
    later = ""
    if after is not None:
        later = "AND (o.est_close_date > ? OR (o.est_close_date = ? AND o.id > ?))"
        params += [after[0].isoformat(), after[0].isoformat(), after[1]]
    sql = f"""
        WITH flagged AS MATERIALIZED (
            SELECT o.id, o.est_close_date
            FROM opportunity o
            WHERE {whose} AND o.status = 'open' AND {test} {later}
        ),
        page AS MATERIALIZED (
            SELECT id, est_close_date FROM flagged ORDER BY est_close_date, id LIMIT ?
        )
        SELECT o.id, o.topic, a.name, coalesce(s.name, ''), s.key, o.est_close_date,
               s.days_allowed, o.stage_entered_at
        FROM page
        JOIN opportunity o ON o.id = page.id
        JOIN account a ON a.id = o.account_id
        LEFT JOIN stage s ON s.id = o.stage_id
        ORDER BY page.est_close_date, page.id
    """
    params.append(limit)
    rows = database.execute_sql(_param(sql), params).fetchall()
    return [
        (r[0], r[1], r[2], r[3], r[4], _day(r[5]) or today, r[6], as_datetime(r[7])) for r in rows
    ]


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
