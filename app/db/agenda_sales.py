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
from app.db.steps.stage_entry import AGENDA_INDEX
from app.db.steps.team_agenda import UNTAKEN_INDEX

# (id, topic, customer, stage, the stage's key, close date, days allowed, entered the stage)
FlaggedRow = tuple[int, str, str, str, str | None, date, int | None, datetime | None]


class Flag(Enum):
    """Why the agenda lists an open sale."""

    PAST_CLOSE = "past_close"  # its est. close date is before today
    STALE = "stale"  # more whole days in its stage than the stage allows


def _param(sql: str) -> str:
    return sql if database.param == "?" else sql.replace("?", database.param)


def indexed(index: str) -> str:
    """SQLite's "read it by this index" (the server's planner chooses on its own)."""
    return f' INDEXED BY "{index}"' if is_sqlite() else ""


def _members(team_id: int) -> list[int]:
    """The team's members, whatever their state (as the team's list counts them)."""
    rows = database.execute_sql(_param('SELECT id FROM "user" WHERE team_id = ? ORDER BY id'),
                                [team_id]).fetchall()  # fmt: skip
    return [r[0] for r in rows]


# Where a range is and the index that holds it in close-date order (SQLite is told it: it
# would rather walk every open sale by the status's index, which has their order).
Range = tuple[str, list[Any], str]
_OWNED = "o.owner_id = ?"
_UNTAKEN = "o.owner_id IS NULL AND o.team_id = ?"


def _ranges(user_id: int, team_id: int | None) -> list[Range]:
    """Where the agenda's sales are, each an index range in close-date order: one
    salesperson's (the owner's index), or a team's: each member's (the owner's index once
    per member) and what the team holds untaken (its partial index, by team: schema step
    team_agenda)."""
    if team_id is None:
        return [(_OWNED, [user_id], AGENDA_INDEX)]
    ranges = [(_OWNED, [member], AGENDA_INDEX) for member in _members(team_id)]
    ranges.append((_UNTAKEN, [team_id], UNTAKEN_INDEX))
    return ranges


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
    """How many open sales each flag lists: one pass over each index range (a team's:
    each member's and the untaken ones'), reading no table row."""
    past, past_params = _flag_test(Flag.PAST_CLOSE, today, now)
    stale, stale_params = _flag_test(Flag.STALE, today, now)
    branches, params = [], []
    for whose, whose_params, _order in _ranges(user_id, team_id):
        branches.append(
            f"SELECT count(CASE WHEN {past} THEN 1 END) AS past, "
            f"count(CASE WHEN {stale} THEN 1 END) AS stale "
            f"FROM opportunity o WHERE {whose} AND o.status = 'open'"
        )
        params += past_params + stale_params + whose_params
    sql = "SELECT sum(past), sum(stale) FROM (" + " UNION ALL ".join(branches) + ") AS counted"
    row = database.execute_sql(_param(sql), params).fetchone()
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
    before). Each index range (a team's: each member's and the untaken ones') gives its
    first `limit` in close-date order from the index, starting at `after`'s close date, so
    a range is read only as far as its page; the ranges' pages are merged and only the
    page's sales are read with their customer."""
    test, test_params = _flag_test(flag, today, now)
    later, later_params = "", []
    if after is not None:
        # As (close date, id) > after, with the close date as a range of the index.
        later = "AND o.est_close_date >= ? AND (o.est_close_date > ? OR o.id > ?)"
        later_params = [after[0].isoformat(), after[0].isoformat(), after[1]]
    branches, params = [], []
    for n, (whose, whose_params, index) in enumerate(_ranges(user_id, team_id)):
        branches.append(
            f"SELECT * FROM (SELECT o.id, o.est_close_date FROM opportunity o{indexed(index)} "
            f"WHERE {whose} AND o.status = 'open' AND {test} {later} "
            f"ORDER BY o.est_close_date, o.id LIMIT ?) AS range{n}"
        )
        params += whose_params + test_params + later_params + [limit]
    sql = f"""
        WITH flagged AS MATERIALIZED ({" UNION ALL ".join(branches)}),
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
