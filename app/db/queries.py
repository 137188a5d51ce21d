"""The opportunity list's filter and the reads it shares: what a filter holds and its WHERE
clause (which the dashboard aggregates over too), a row of the list and how it is read, the
count, and a search's terms as the list reads them with their count up to COUNT_LIMIT + 1.
The walks that pick a page are in app.db.list_walks; the list's reads, in
app.db.opportunity_list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.db import server_schema
from app.db.connection import database, is_sqlite
from app.db.search_terms import TermsOrPhone, phone_accounts, search_terms
from app.domain import money
from app.domain.standard_names import display_name

# Ids start at 1, so an id filter of 0 stands for "not set" (no salesperson, no facility).
NONE_ID = 0


@dataclass(frozen=True, slots=True)
class OpportunityFilter:
    """What the list shows. None (or False) does not filter; for the text fields from
    `brand` to `lost_reason` an empty string selects the opportunities where the field is
    empty, and for the id fields NONE_ID selects those without one. The dashboard's figures are counted
    with these same clauses, so a click on a figure lists exactly what it counted."""

    text: str = ""
    stage_name: str | None = None
    owner_id: int | None = None
    facility_id: int | None = None
    status: str | None = None
    close_from: date | None = None
    close_to: date | None = None
    closing_within_days: int | None = None  # open and closing from today to today + N
    overdue: bool = False  # open and past its est. close date
    without_stage: bool = False  # of a kind without stages (no stage at all)
    business_id: int | None = None
    operation_id: int | None = None
    brand: str | None = None
    condition: str | None = None
    channel: str | None = None
    source: str | None = None
    currency: str | None = None
    lost_reason: str | None = None
    created_from: date | None = None
    created_to: date | None = None  # included: created on that day counts
    # Open and closing after today + N (the forecast's "later" row).
    closing_after_days: int | None = None
    reached_stage: str | None = None  # ever moved into a stage of this name
    # Moved from a stage of this name straight on to a later one (won counts; lost does not).
    went_on_from: str | None = None
    lost_at_stage: str | None = None  # lost, and the last closing move left this stage
    # The search read as a phone number (normalised parts, app.services.accounts.phone_parts):
    # an opportunity whose customer has such a number matches as well as one with the text.
    phones: tuple[str, ...] = ()
    won_reason: str | None = None  # as lost_reason, for the won ones (schema 12)
    closed_from: date | None = None  # closed (won or lost) on or after this day
    closed_to: date | None = None  # ... and on or before this one
    team_id: int | None = None  # held by (or sold in) this team (schema 14)


@dataclass(frozen=True, slots=True)
class OpportunityRow:
    id: int
    topic: str
    customer: str
    stage: str
    probability: int
    est_revenue: Decimal
    currency: str
    est_close_date: date | None
    owner: str
    brand: str
    model: str
    facility: str
    status: str
    vin: str
    lost_reason: str = ""
    competitor: str = ""
    won_reason: str = ""
    team: str = ""  # the team that holds it (schema 14)


_SELECTED = """
SELECT o.id, o.topic, a.name, s.name, o.probability, o.est_revenue_minor, o.currency,
       o.est_close_date, u.full_name, o.brand, o.model, f.name, o.status, v.vin, s.key,
       o.lost_reason, o.competitor, o.won_reason,
       (SELECT t.name FROM team t WHERE t.id = o.team_id)"""
_JOINS = """
JOIN account a ON a.id = o.account_id
LEFT JOIN stage s ON s.id = o.stage_id
LEFT JOIN "user" u ON u.id = o.owner_id
LEFT JOIN facility f ON f.id = o.facility_id
LEFT JOIN vehicle v ON v.id = o.vehicle_id
"""
SELECT = f"{_SELECTED}\nFROM opportunity o{_JOINS}"

_COUNT = """
SELECT count(*) FROM opportunity o
"""


def _iso(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _where(flt: OpportunityFilter, today: date) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    _text_where(flt, clauses, params)
    _other_where(flt, today, clauses, params)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, params


def _fold_pending(flt: OpportunityFilter) -> None:
    """On the server, fold the search texts written since the last search (server_schema)."""
    if flt.text and not is_sqlite():
        server_schema.fold_pending(database.obj, "opportunity_search")


def _text_where(flt: OpportunityFilter, into: list[str], into_params: list[Any]) -> None:
    """The search's clause: every word found in the text, or the customer's phone number."""
    clauses: list[str] = []
    params: list[Any] = []
    _fold_pending(flt)
    for term in search_terms(flt.text):
        source, source_params = term.select(None)
        clauses.append(f"o.id IN ({source})")
        params.extend(source_params)
    if flt.phones and clauses:
        phone = f"o.account_id IN ({phone_accounts(len(flt.phones))})"
        clauses = ["((" + " AND ".join(clauses) + ") OR " + phone + ")"]
        params.extend(f"%{p}%" for p in flt.phones)
    into.extend(clauses)
    into_params.extend(params)


def _other_where(
    flt: OpportunityFilter, today: date, clauses: list[str], params: list[Any]
) -> None:
    if flt.stage_name:
        clauses.append("o.stage_id IN (SELECT id FROM stage WHERE name = ?)")
        params.append(flt.stage_name)
    if flt.without_stage:
        clauses.append("o.stage_id IS NULL")
    for column, value in (
        ("o.owner_id", flt.owner_id),
        ("o.business_id", flt.business_id),
        ("o.facility_id", flt.facility_id),
        ("o.operation_id", flt.operation_id),
        ("o.team_id", flt.team_id),
    ):
        if value == NONE_ID:
            clauses.append(f"{column} IS NULL")
        elif value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    for column, text in (
        ("o.brand", flt.brand),
        ("o.condition", flt.condition),
        ("o.channel", flt.channel),
        ("o.source", flt.source),
        ("o.currency", flt.currency),
        ("o.lost_reason", flt.lost_reason),
        ("o.won_reason", flt.won_reason),
    ):
        if text is not None:
            clauses.append(f"{column} = ?")
            params.append(text)
    if flt.closed_from is not None:
        clauses.append("o.closed_at >= ?")
        params.append(flt.closed_from.isoformat())
    if flt.closed_to is not None:
        clauses.append("o.closed_at < ?")
        params.append((flt.closed_to + timedelta(days=1)).isoformat())
    if flt.created_from is not None:
        clauses.append("o.created_at >= ?")
        params.append(flt.created_from.isoformat())
    if flt.created_to is not None:
        clauses.append("o.created_at < ?")
        params.append((flt.created_to + timedelta(days=1)).isoformat())
    if flt.closing_after_days is not None:
        clauses.append("o.status = 'open' AND o.est_close_date > ?")
        params.append((today + timedelta(days=flt.closing_after_days)).isoformat())
    if flt.reached_stage:
        clauses.append(
            "o.id IN (SELECT sc.opportunity_id FROM stage_change sc "
            "WHERE sc.to_stage_id IN (SELECT id FROM stage WHERE name = ?))"
        )
        params.append(flt.reached_stage)
    if flt.went_on_from:
        clauses.append(
            "o.id IN (SELECT sc.opportunity_id FROM stage_change sc "
            "JOIN stage f ON f.id = sc.from_stage_id JOIN stage t ON t.id = sc.to_stage_id "
            "WHERE f.name = ? AND t.sequence > f.sequence AND NOT t.is_lost)"
        )
        params.append(flt.went_on_from)
    if flt.lost_at_stage:
        clauses.append(f"o.status = 'lost' AND ({LAST_LOST_FROM}) = ?")
        params.append(flt.lost_at_stage)
    if flt.status:
        clauses.append("o.status = ?")
        params.append(flt.status)
    if flt.close_from is not None:
        clauses.append("o.est_close_date >= ?")
        params.append(flt.close_from.isoformat())
    if flt.close_to is not None:
        clauses.append("o.est_close_date <= ?")
        params.append(flt.close_to.isoformat())
    if flt.closing_within_days is not None:
        clauses.append("o.status = 'open' AND o.est_close_date BETWEEN ? AND ?")
        params.extend(
            [today.isoformat(), (today + timedelta(days=flt.closing_within_days)).isoformat()]
        )
    if flt.overdue:
        clauses.append("o.status = 'open' AND o.est_close_date < ?")
        params.append(today.isoformat())


# The stage a lost opportunity was in when it was (last) closed as lost.
LAST_LOST_FROM = """
    SELECT fs.name FROM stage_change lc JOIN stage fs ON fs.id = lc.from_stage_id
    WHERE lc.opportunity_id = o.id AND lc.reason = 'lost'
    ORDER BY lc.created_at DESC, lc.id DESC LIMIT 1
"""


def opportunity_where(flt: OpportunityFilter, today: date) -> tuple[str, list[Any]]:
    """The WHERE clause (over `opportunity o`) and its parameters that select the filter's
    opportunities: what the list counts, and what the dashboard aggregates."""
    return _where(flt, today)


def fetch_all(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a read written with ? placeholders on whichever backend is bound."""
    return list(database.execute_sql(_sql(sql), params).fetchall())


def _sql(text: str) -> str:
    param = database.param
    return text if param == "?" else text.replace("?", param)


def count_opportunities(flt: OpportunityFilter, today: date) -> int:
    """How many opportunities the filter holds, however many (see opportunity_list.count_up_to)."""
    where, params = _where(flt, today)
    return int(database.execute_sql(_sql(_COUNT + where), params).fetchone()[0])


# A search counts its matches up to this many and says "more than" beyond: counting the
# 200,000 opportunities a letter finds among 300,000 takes longer than a keystroke may.
COUNT_LIMIT = 10_000


def only_status(flt: OpportunityFilter) -> bool:
    """Whether the filter bar the search holds nothing but a status, or nothing."""
    return replace(flt, text="", status=None, phones=()) == OpportunityFilter()


def searched(flt: OpportunityFilter) -> list[Any]:
    """The terms of a search as the list reads them (Term, or one TermsOrPhone for a
    search also read as a phone number); none without a search."""
    _fold_pending(flt)
    terms = search_terms(flt.text)
    if terms and flt.phones:
        return [TermsOrPhone(tuple(terms), flt.phones)]
    return terms


def bounded_count(flt: OpportunityFilter, terms: list[Any], today: date) -> int:
    """The search's matches counted up to COUNT_LIMIT + 1. With no filter but a status the
    matches are read out of the first term's index (which holds each one's status), the
    other terms tested on each; otherwise the opportunities the other filters keep are
    tested."""
    rest = replace(flt, text="", phones=())
    first, others = terms[0], terms[1:]
    if only_status(flt):
        source, params = first.select(rest.status)
        checks = " AND ".join(t.check for t in others)
        for t in others:
            params.extend(t.check_params)
        sql = f"SELECT o.id FROM ({source}) o" + (f" WHERE {checks}" if checks else "")
    else:
        where, more = _where(rest, today)
        checks = " AND ".join(t.check for t in terms)
        params = [p for t in terms for p in t.check_params]
        sql = f"SELECT o.id FROM opportunity o{where} AND {checks}"
        params = [*more, *params]
    counted = f"SELECT count(*) FROM ({sql} LIMIT ?) AS n"
    return int(database.execute_sql(_sql(counted), [*params, COUNT_LIMIT + 1]).fetchone()[0])


def rows(sql: str, params: list[Any]) -> list[OpportunityRow]:
    return _made(database.execute_sql(_sql(sql), params).fetchall())


def _made(found: list[Any]) -> list[OpportunityRow]:
    return [
        OpportunityRow(
            id=r[0],
            topic=r[1],
            customer=r[2],
            stage=display_name(r[14], r[3] or ""),  # a shipped stage translated unless renamed
            probability=r[4],
            est_revenue=money.from_minor(r[5], r[6]),
            currency=r[6],
            est_close_date=_iso(r[7]),
            owner=r[8] or "",
            brand=r[9],
            model=r[10],
            facility=r[11] or "",
            status=r[12],
            vin=r[13] or "",
            lost_reason=r[15] or "",
            competitor=r[16] or "",
            won_reason=r[17] or "",
            team=r[18] or "",
        )
        for r in found
    ]
