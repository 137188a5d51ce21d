"""Read queries that must be fast on large tables: the opportunity list, reservations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from peewee import JOIN

from app.db import models as m
from app.db import server_schema
from app.db.connection import database, is_sqlite, nulls_as_sqlite
from app.domain import money
from app.domain.standard_names import display_name
from app.domain.text import fold, search_words

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
_SELECT = f"{_SELECTED}\nFROM opportunity o{_JOINS}"

_COUNT = """
SELECT count(*) FROM opportunity o
"""

# FTS5 keeps the text of opportunity_search in this table (rowid `id`, column `c0`), and
# since schema 7 the opportunity's status beside it (column `c1`).
# A search term too short for the trigram index is a LIKE over every row: scanning this
# plain table is several times faster than scanning through the virtual table.
_SEARCH_TEXT = "opportunity_search_content"

# Sort key -> SQL. The id breaks ties so paging is stable. SQL, not texts: the text check
# is told so where it takes two columns for words.
SORT_COLUMNS: dict[str, str] = {
    "topic": "o.topic",
    "customer": "a.sort_name",
    "stage": "s.sequence",
    "probability": "o.probability",
    "est_revenue": "o.est_revenue_minor",
    "est_close_date": "o.est_close_date",
    "owner": "u.full_name",
    "brand_model": "o.brand {dir}, o.model",  # i18n: ignore
    "facility": "f.name",
    "status": "o.status",
    "lost_reason": "o.lost_reason",
    "competitor": "o.competitor",
    "won_reason": "o.won_reason",
    "id": "o.id",
}

# The sort keys that may be NULL (a row without a stage, owner or facility).
_NULLABLE_SORTS = frozenset({"stage", "owner", "facility"})

# The table a sort key lives in, joined where the page's ids are picked.
_SORT_JOINS: dict[str, str] = {
    "customer": "JOIN account a ON a.id = o.account_id",
    "stage": "LEFT JOIN stage s ON s.id = o.stage_id",
    "owner": 'LEFT JOIN "user" u ON u.id = o.owner_id',
    "facility": "LEFT JOIN facility f ON f.id = o.facility_id",
}


def _iso(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _text_terms(text: str) -> list[str]:
    """The words of a search. On SQLite folded as the search index holds the text (no case,
    no accents: "Škoda" -> "skoda"), so a term typed either way finds the same rows."""
    return [t for t in map(fold, search_words(text)) if t]


def _is_short(term: str) -> bool:
    """Too short for the trigram index, which needs three characters."""
    return len(term) < 3


def _like(term: str) -> str:
    return "%" + escape_like(term) + "%"


def _where(flt: OpportunityFilter, today: date) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    _text_where(flt, clauses, params)
    _other_where(flt, today, clauses, params)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, params


def _text_where(flt: OpportunityFilter, into: list[str], into_params: list[Any]) -> None:
    """The search's clause: every word found in the text, or the customer's phone number."""
    clauses: list[str] = []
    params: list[Any] = []
    if flt.text and not is_sqlite():
        server_schema.fold_pending(database.obj, "opportunity_search")
    for term in _text_terms(flt.text):
        if is_sqlite():
            if not _is_short(term):
                # A quoted FTS5 phrase: with the trigram tokenizer it is a substring match.
                clauses.append("o.id IN (SELECT rowid FROM opportunity_search WHERE body MATCH ?)")
                params.append('"' + term.replace('"', '""') + '"')
            else:
                clauses.append(
                    f"o.id IN (SELECT id FROM {_SEARCH_TEXT} WHERE c0 LIKE ? ESCAPE '\\')"
                )
                params.append(_like(term))
        else:
            # The same folded text, in the server's search table (its trigram index
            # answers a LIKE of three characters or more).
            clauses.append(
                "o.id IN (SELECT id FROM opportunity_search WHERE body LIKE ? ESCAPE '\\')"
            )
            params.append(_like(term))
    if flt.phones and clauses:
        phone = "o.account_id IN (SELECT id FROM account WHERE {})".format(
            " OR ".join(["phone_key LIKE ?"] * len(flt.phones))
        )
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


def escape_like(term: str) -> str:
    """A term for LIKE ... ESCAPE '\\': its wildcards and the escape character as themselves."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sql(text: str) -> str:
    param = database.param
    return text if param == "?" else text.replace("?", param)


def count_opportunities(flt: OpportunityFilter, today: date) -> int:
    terms = _text_terms(flt.text)
    rest = replace(flt, text="")
    if is_sqlite() and terms and all(_is_short(t) for t in terms) and not flt.phones:
        # One search text per opportunity: counting them spares a lookup into opportunity
        # for each match, and a one-letter search matches nearly all.
        likes = " AND ".join(["c.c0 LIKE ? ESCAPE '\\'"] * len(terms))
        params: list[Any] = [_like(t) for t in terms]
        if rest == OpportunityFilter():
            sql = f"SELECT count(*) FROM {_SEARCH_TEXT} c WHERE {likes}"
        elif rest.status and replace(rest, status=None) == OpportunityFilter():
            # The status alone (the open ones, which the list starts on): the search
            # texts carry it (schema 7), so no row of opportunity is read.
            sql = f"SELECT count(*) FROM {_SEARCH_TEXT} c WHERE c.c1 = ? AND {likes}"
            params = [rest.status, *params]
        else:
            # With other filters too (the open ones, one owner's): the texts joined to
            # their rows. Testing `o.id IN (every matching text)` instead built the list of
            # matches first and then looked each row up in it, four times slower for a
            # one-letter search.
            where, more = _where(rest, today)
            also = where.replace(" WHERE ", " AND ", 1)
            sql = f"SELECT count(*) FROM {_SEARCH_TEXT} c JOIN opportunity o ON o.id = c.id "
            sql += f"WHERE {likes}{also}"
            params = [*params, *more]
    else:
        where, params = _where(flt, today)
        sql = _COUNT + where
    return int(database.execute_sql(_sql(sql), params).fetchone()[0])


# A search too short for the index reads every search text unless the page's rows are
# near the top of the sorted list, which they are when the term is common. Whether it is
# common is judged on a sample of this many search texts.
_SAMPLE = 2_000
# Walking the sorted list costs about a microsecond a row where an index gives the order:
# worth up to this many rows. Where the order comes from a sort of every row (a column of
# stage, user or facility), the walk costs as much as reading every search text, so it is
# only worth it for terms in at least this share of the rows.
_WALK_MAX = 8_000
_SORTED_IN_FULL = {"stage", "owner", "facility"}
_SORTED_IN_FULL_SHARE = 0.1
# Under a filter on a column no index gives in the sort's order (the open ones, which the
# list starts on), the walk starts with a sort of every row the filter keeps; reading
# every search text and sorting only the matches is faster unless the term is this common.
_FILTERED_SHARE = 0.25
_WALK_UP_TO = 1_000  # rows wanted (offset + limit); deeper pages read every search text


def _share_matching(terms: list[str]) -> float:
    """The share of search texts holding every term, judged on a sample."""
    likes = " AND ".join(["c0 LIKE ? ESCAPE '\\'"] * len(terms))
    sql = f"SELECT count(*), total({likes}) FROM (SELECT c0 FROM {_SEARCH_TEXT} LIMIT {_SAMPLE})"
    sampled, matching = database.execute_sql(sql, [_like(t) for t in terms]).fetchone()
    return float(matching) / sampled if sampled else 0.0


# The sorts an index gives in order under a filter on the status alone: the status's own
# (its rows in id order), and the status and close date's (schema 7).
_IN_STATUS_INDEX_ORDER = {"status", "id", "est_close_date"}


def _sorted_after_filtering(flt: OpportunityFilter, sort: str) -> bool:
    """Whether the walk's rows come from a sort of what the filter keeps rather than from
    an index in the sort's order. One salesperson's rows are few enough to sort, and the
    ones of one status by close date are in an index's order (schema 7)."""
    rest = replace(flt, text="")
    if sort in _IN_STATUS_INDEX_ORDER and replace(rest, status=None) == OpportunityFilter():
        return False
    return flt.owner_id is None and rest != OpportunityFilter()


def _rows_to_walk(sort: str, short: list[str], wanted: int, filtered: bool = False) -> int:
    """How far down the sorted list to look for the page's rows; 0 when not worth it."""
    if wanted > _WALK_UP_TO:
        return 0
    share = _share_matching(short)
    if share == 0 or (sort in _SORTED_IN_FULL and share < _SORTED_IN_FULL_SHARE):
        return 0
    if filtered and share < _FILTERED_SHARE:
        return 0
    if sort in _SORTED_IN_FULL:
        # There the sort of every row costs the most, and a longer walk little more: six
        # times the rows the sample says hold the page, since the sample is the first
        # texts, not the first in the sort's order (a term may be rarer at its top).
        return int(6 * wanted / share)
    rows = int(2 * wanted / share)  # twice the rows the sample says hold the page
    return rows if rows <= _WALK_MAX else 0


def _ids_by(
    flt: OpportunityFilter, today: date, sort: str, joins: str, order: str
) -> tuple[str, list[Any]]:
    """The ids of the filter's rows in the sort's order (the statement, without its LIMIT).

    Filtered on the status alone (the open ones, which the list starts on) and sorted on
    a column of the opportunity, the rows are read in the order of the sort's index and
    kept when their id is among the status index's: both indexes hold what is needed, so
    no row is read, where the status index alone reads every open row to sort them (on
    100,000 opportunities 14 ms rather than 26 ms for the first page, cold)."""
    where, params = _where(flt, today)
    only_status = bool(flt.status) and replace(flt, status=None) == OpportunityFilter()
    # (Where an index gives the sort's order under the status, the plain WHERE is best.)
    if (
        only_status
        and is_sqlite()
        and sort not in _SORT_JOINS
        and sort not in _IN_STATUS_INDEX_ORDER
    ):
        where = " WHERE +o.id IN (SELECT id FROM opportunity WHERE status = ?)"
    return f"SELECT o.id FROM opportunity o {joins}{where} {order}", params


def _order(sort: str, descending: bool) -> tuple[str, str, str]:
    """The sort key understood, its ORDER BY and the join it needs."""
    direction = "DESC" if descending else "ASC"
    if sort not in SORT_COLUMNS:
        sort = "est_close_date"
    key = SORT_COLUMNS[sort].format(dir=direction)
    nulls = nulls_as_sqlite(descending) if sort in _NULLABLE_SORTS else ""
    return sort, f"ORDER BY {key} {direction}{nulls}, o.id {direction}", _SORT_JOINS.get(sort, "")


def _walk_for(flt: OpportunityFilter, sort: str, wanted: int) -> int:
    """How far down the sorted list a search with a short term walks; 0: not at all."""
    short = [t for t in _text_terms(flt.text) if _is_short(t)]
    if not (is_sqlite() and short) or flt.phones:
        return 0
    return _rows_to_walk(sort, short, wanted, _sorted_after_filtering(flt, sort))


def opportunity_count_and_first_page(
    flt: OpportunityFilter, today: date, sort: str, descending: bool, limit: int
) -> tuple[int, list[OpportunityRow]]:
    """How many rows the filter holds, and the first `limit` of them.

    A search with a term too short for the index reads every search text to count its
    matches, and where they are too few for the walk down the sorted list, reads them all
    again to sort them: there one statement counts and sorts the matches in one reading
    ('go' on the open opportunities: 28 ms -> 16 ms). Otherwise the count and the page."""
    sort, order, joins = _order(sort, descending)
    short = [t for t in _text_terms(flt.text) if _is_short(t)]
    if is_sqlite() and short and not flt.phones and not _walk_for(flt, sort, limit):
        # Every search text read once, in its table's order, each match joined to its row
        # (CROSS JOIN keeps that order: testing the rows against a list of the matches
        # took a fifth longer).
        rest = replace(flt, text=" ".join(t for t in _text_terms(flt.text) if not _is_short(t)))
        where, more = _where(rest, today)
        likes = " AND ".join(["c.c0 LIKE ? ESCAPE '\\'"] * len(short))
        # A text of another status is passed over before its row is looked up (schema 7).
        status = ["c.c1 = ?"] if flt.status else []
        counted = (
            f"SELECT o.id, count(*) OVER () AS total FROM {_SEARCH_TEXT} c "
            f"CROSS JOIN opportunity o ON o.id = c.id {joins} "
            f"WHERE {' AND '.join([*status, likes])}{where.replace(' WHERE ', ' AND ', 1)} {order}"
        )
        params = [*([flt.status] if flt.status else []), *map(_like, short), *more]
        sql = (
            f"{_SELECTED}, p.total\nFROM ({counted} LIMIT ?) p\n"
            f"JOIN opportunity o ON o.id = p.id{_JOINS}{order}"
        )
        cursor = database.execute_sql(_sql(sql), [*params, limit])
        found = cursor.fetchall()
        return (int(found[0][-1]) if found else 0), _made(found)
    return count_opportunities(flt, today), opportunity_page(flt, today, sort, descending, 0, limit)


def opportunity_page(
    flt: OpportunityFilter, today: date, sort: str, descending: bool, offset: int, limit: int
) -> list[OpportunityRow]:
    sort, order, joins = _order(sort, descending)
    terms = _text_terms(flt.text)
    short = [t for t in terms if _is_short(t)]
    walk_rows = _walk_for(flt, sort, offset + limit)
    if walk_rows:
        # Walk down a stretch of the sorted list checking each row's text: a full page
        # found there is the right one; otherwise fall through.
        rest = replace(flt, text=" ".join(t for t in terms if not _is_short(t)))
        ids, params = _ids_by(rest, today, sort, joins, order)
        walk = f"{ids} LIMIT ?"
        check = (
            f"EXISTS (SELECT 1 FROM {_SEARCH_TEXT} c WHERE c.id = w.id AND c.c0 LIKE ? ESCAPE '\\')"
        )
        checks = " AND ".join([check] * len(short))
        sql = f"{_SELECT} WHERE o.id IN (SELECT w.id FROM ({walk}) w WHERE {checks}) {order}"
        found = _rows(
            f"{sql} LIMIT ? OFFSET ?",
            [*params, walk_rows, *map(_like, short), limit, offset],
        )
        if len(found) == limit:
            return found
    # The page's ids are picked first, joining only what the sort needs (often an index
    # walk that stops after `limit` rows), and only those rows get the other joins.
    # Sorting the full rows instead sorted every match with all its joins: a third of a
    # second on 100,000 opportunities.
    ids, params = _ids_by(flt, today, sort, joins, order)
    pick = f"{ids} LIMIT ? OFFSET ?"
    return _rows(f"{_SELECT} WHERE o.id IN ({pick}) {order}", [*params, limit, offset])


def _rows(sql: str, params: list[Any]) -> list[OpportunityRow]:
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


@dataclass(frozen=True, slots=True)
class Reservation:
    id: int
    topic: str
    owner: str
    status: str  # "open": reserved for the sale; "won": sold with it

    @property
    def sold(self) -> bool:
        return self.status == "won"


# A vehicle is held by the open sale that reserves it, and for good by the won sale that
# sold it (reopening that sale gives it back).
HOLDING_STATUSES = ("open", "won")


def reservation_holder(vehicle_id: int, other_than: int | None) -> Reservation | None:
    """The open opportunity that reserves this vehicle, or the won one that sold it (other
    than `other_than`), if any."""
    query = (
        m.Opportunity.select(
            m.Opportunity.id, m.Opportunity.topic, m.User.full_name, m.Opportunity.status
        )
        .join(m.User, join_type=JOIN.LEFT_OUTER, on=(m.Opportunity.owner == m.User.id))
        .where((m.Opportunity.vehicle == vehicle_id) & m.Opportunity.status.in_(HOLDING_STATUSES))
        .order_by(m.Opportunity.status.desc())  # "won" before "open"
    )
    if other_than is not None:
        query = query.where(m.Opportunity.id != other_than)
    row = query.tuples().first()
    return Reservation(row[0], row[1], row[2] or "", row[3]) if row else None


def vehicle_label(vehicle: m.Vehicle) -> str:
    parts = [vehicle.brand, vehicle.model, vehicle.variant]
    return f"{' '.join(p for p in parts if p)} · {vehicle.vin} · stock {vehicle.stock_number}"


def _datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def agenda_opportunities(
    user_id: int, today: date, now: datetime, team_id: int | None = None
) -> list[tuple[int, str, str, str, str | None, date, int | None, datetime | None]]:
    """The user's open opportunities that are past their close date or have sat in their
    stage longer than it allows: (id, topic, customer, stage, the stage's key, close date,
    days allowed, entered the stage). Both tests run in SQL, so a salesperson with thousands of open
    sales costs one index probe per sale and only the flagged rows reach Python."""
    limits = m.Stage.select(m.Stage.id, m.Stage.days_allowed).where(
        m.Stage.days_allowed.is_null(False)
    )
    thresholds = [
        (sid, (now - timedelta(days=days)).isoformat(sep=" ")) for sid, days in limits.tuples()
    ]
    stale = " ".join("WHEN ? THEN ?" for _ in thresholds)
    # The CASE's value is a timestamp as SQLite stores one (text); PostgreSQL is told so.
    threshold = f"CASE mine.stage_id {stale} END"
    if not is_sqlite():
        threshold = f"CAST({threshold} AS TIMESTAMP)"
    stale_test = f"mine.entered < {threshold}" if thresholds else "1 = 0"
    # One salesperson's, or a team's: its members' and what it holds untaken.
    whose = (
        '(o.owner_id IN (SELECT id FROM "user" WHERE team_id = ?) '
        "OR (o.owner_id IS NULL AND o.team_id = ?))"
        if team_id is not None
        else "o.owner_id = ?"
    )
    # Each open one's close date and stage from the owner's index, and the time of its last
    # move from the stage history's (opportunity_id, created_at): one probe each, made once
    # (materialised). Only the flagged ones are then read with their customer and stage.
    sql = f"""
        WITH mine AS MATERIALIZED (
            SELECT o.id, o.stage_id, o.est_close_date,
                   (SELECT max(sc.created_at) FROM stage_change sc
                    WHERE sc.opportunity_id = o.id) AS entered
            FROM opportunity o
            WHERE {whose} AND o.status = 'open'
        )
        SELECT o.id, o.topic, a.name, coalesce(s.name, ''), s.key, o.est_close_date,
               s.days_allowed, mine.entered
        FROM mine
        JOIN opportunity o ON o.id = mine.id
        JOIN account a ON a.id = o.account_id
        LEFT JOIN stage s ON s.id = o.stage_id
        WHERE mine.est_close_date < ? OR {stale_test}
        ORDER BY o.est_close_date, o.id
    """
    params: list[Any] = [team_id, team_id] if team_id is not None else [user_id]
    params.append(today.isoformat())
    for stage_id, threshold in thresholds:
        params.extend([stage_id, threshold])
    rows = database.execute_sql(_sql(sql), params).fetchall()
    return [
        (r[0], r[1], r[2], r[3], r[4], _iso(r[5]) or today, r[6], _datetime(r[7])) for r in rows
    ]
