"""Read queries that must be fast on large tables: the opportunity list, reservations."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from peewee import JOIN

from app.db import models as m
from app.db import server_schema
from app.db.connection import database, is_sqlite, nulls_as_sqlite
from app.db.steps.opportunity_starts import STARTS as OPPORTUNITY_STARTS
from app.db.steps.search_sort_keys import PHONE_SEARCH
from app.domain import money
from app.domain.standard_names import display_name
from app.domain.text import SUBSTRING_MIN_LENGTH, fold, search_words, words_of

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
# is told so where it takes two columns for words. Every key is a column of the opportunity
# with an index that gives its order, id after it: a name or order of another table (the
# customer's, the stage's, the owner's, the facility's) is kept on the opportunity by the
# triggers of schema step `search_sort_keys` (app/db/steps/search_sort_keys.py), so the
# list's first page under any sort is a walk down an index, search or not.
SORT_COLUMNS: dict[str, str] = {
    "topic": "o.topic",
    "customer": "o.sort_customer",
    "stage": "o.sort_stage",
    "probability": "o.probability",
    "est_revenue": "o.est_revenue_minor",
    "est_close_date": "o.est_close_date",
    "owner": "o.sort_owner",
    "brand_model": "o.brand {dir}, o.model",  # i18n: ignore
    "facility": "o.sort_facility",
    "status": "o.status",
    "lost_reason": "o.lost_reason",
    "competitor": "o.competitor",
    "won_reason": "o.won_reason",
    "id": "o.id",
}

# The sort keys that may be NULL (a row without a stage, owner or facility).
_NULLABLE_SORTS = frozenset({"stage", "owner", "facility"})


def _iso(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _text_terms(text: str) -> list[str]:
    """The words of a search, folded as the search index holds the text (no case, no
    accents: "Škoda" -> "skoda"), so a term typed either way finds the same rows."""
    return [t for t in map(fold, search_words(text)) if t]


def _like(term: str) -> str:
    return "%" + escape_like(term) + "%"


def _after(prefix: str) -> str:
    """The first text past every text that starts with `prefix`, in code-point order (as
    SQLite and the server's "C" collation compare): the end of the prefix's range."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are no characters: the range goes on after them
        last = 0xE000
    return prefix[:-1] + chr(min(last, 0x10FFFF))


@dataclass(frozen=True, slots=True)
class _Term:
    """One word of a search, as the opportunities it finds (`source`: a SELECT of their
    ids, column `id`, optionally of one status) and as a test of one opportunity `o`
    (`check`). A term of three letters or more is found anywhere in the search text (the
    trigram index); a shorter one at the start of a word (the table of words)."""

    source: str
    source_params: tuple[Any, ...]
    source_status: str  # the source narrowed to one status: a clause with one parameter
    check: str
    check_params: tuple[Any, ...]
    # The column of the check's table that holds the status: the check narrowed to one
    # status reads no row of opportunity.
    check_status: str

    def select(self, status: str | None) -> tuple[str, list[Any]]:
        if status is None:
            return self.source, list(self.source_params)
        return f"{self.source} AND {self.source_status}", [*self.source_params, status]

    def check_of(self, status: str) -> tuple[str, list[Any]]:
        """The check, and that the opportunity has this status."""
        return f"{self.check[:-1]} AND {self.check_status} = ?)", [*self.check_params, status]


def _substring_term(term: str) -> _Term:
    """A term found anywhere in the search text."""
    like = (_like(term),)
    if not is_sqlite():
        # The folded text in the server's search table, whose trigram index answers a
        # LIKE of three characters or more.
        return _Term(
            "SELECT id FROM opportunity_search WHERE body LIKE ? ESCAPE '\\'",
            like,
            "status = ?",
            "EXISTS (SELECT 1 FROM opportunity_search c "
            "WHERE c.id = o.id AND c.body LIKE ? ESCAPE '\\')",
            like,
            "c.status",
        )
    check = f"EXISTS (SELECT 1 FROM {_SEARCH_TEXT} c WHERE c.id = o.id AND c.c0 LIKE ? ESCAPE '\\')"
    if len(term) < SUBSTRING_MIN_LENGTH:
        # Punctuation alone ("%", "-"), which no word holds: every text read.
        return _Term(
            f"SELECT id FROM {_SEARCH_TEXT} WHERE c0 LIKE ? ESCAPE '\\'",
            like,
            "c1 = ?",
            check,
            like,
            "c.c1",
        )
    # A quoted FTS5 phrase: with the trigram tokenizer it is a substring match.
    phrase = ('"' + term.replace('"', '""') + '"',)
    return _Term(
        "SELECT rowid AS id FROM opportunity_search WHERE body MATCH ?",
        phrase,
        "status = ?",
        check,
        like,
        "c.c1",
    )


def _start_term(part: str) -> _Term:
    """A word's start of one or two characters on the server: one key of the table of each
    opportunity's word starts (schema step opportunity_starts), by status too."""
    return _Term(
        f"SELECT opportunity_id AS id FROM {OPPORTUNITY_STARTS} WHERE start = ?",
        (part,),
        "status = ?",
        f"EXISTS (SELECT 1 FROM {OPPORTUNITY_STARTS} w "
        "WHERE w.opportunity_id = o.id AND w.start = ?)",
        (part,),
        "w.status",
    )


def _search_terms(text: str) -> list[_Term]:
    """The terms of a search: three characters or more are found anywhere in the text (the
    trigram index), one or two at the start of a word (the table of words; each word of
    the term when punctuation parts it: "o'" is "o")."""
    terms: list[_Term] = []
    for term in _text_terms(text):
        parts = words_of(term) if len(term) < SUBSTRING_MIN_LENGTH else []
        if not parts:
            terms.append(_substring_term(term))
        for part in parts:
            if not is_sqlite():
                terms.append(_start_term(part))
                continue
            bounds = (part, _after(part))
            terms.append(
                _Term(
                    "SELECT DISTINCT opportunity_id AS id FROM opportunity_word "
                    "WHERE word >= ? AND word < ?",
                    bounds,
                    "status = ?",
                    "EXISTS (SELECT 1 FROM opportunity_word w "
                    "WHERE w.opportunity_id = o.id AND w.word >= ? AND w.word < ?)",
                    bounds,
                    "w.status",
                )
            )
    return terms


def phone_accounts(parts: int) -> str:
    """A SELECT of the ids (column `id`) of the customers whose phone number holds any of
    `parts` LIKE patterns (parameters "%digits%"): on SQLite from the numbers' trigram index
    (schema step search_sort_keys), on the server by its own (schema step search_sorts)."""
    if not is_sqlite():
        return "SELECT id FROM account WHERE " + " OR ".join(["phone_key LIKE ?"] * parts)
    return " UNION ".join(
        [f"SELECT rowid AS id FROM {PHONE_SEARCH} WHERE phone_key LIKE ?"] * parts
    )


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
    for term in _search_terms(flt.text):
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


def escape_like(term: str) -> str:
    """A term for LIKE ... ESCAPE '\\': its wildcards and the escape character as themselves."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sql(text: str) -> str:
    param = database.param
    return text if param == "?" else text.replace("?", param)


def count_opportunities(flt: OpportunityFilter, today: date) -> int:
    """How many opportunities the filter holds, however many (see count_up_to)."""
    where, params = _where(flt, today)
    return int(database.execute_sql(_sql(_COUNT + where), params).fetchone()[0])


# A search counts its matches up to this many and says "more than" beyond: counting the
# 200,000 opportunities a letter finds among 300,000 takes longer than a keystroke may.
COUNT_LIMIT = 10_000

# The sorts an index gives in order under a filter on the status alone: the status's own
# (its rows in id order), and the status and close date's (schema 7).
_IN_STATUS_INDEX_ORDER = frozenset({"status", "id", "est_close_date"})
# ... and the status and key's (schema step open_sorts): the sorts that put the closed ones
# first, which a walk testing each row's status passed one by one. (On the server only a
# search's walk is told so; its planner reads these indexes for the open ones' first
# screen itself.)
_IN_OPEN_SORT_INDEX_ORDER = frozenset({"probability", "stage", "lost_reason", "won_reason"})


def _in_status_index_order(sort: str) -> bool:
    """Whether an index gives the sort's order under a filter on the status alone."""
    return sort in _IN_STATUS_INDEX_ORDER or sort in _IN_OPEN_SORT_INDEX_ORDER


# What testing one row in a walk down the sorted list costs, against reading one match and
# its row out of order: a walk is taken when it is expected to test fewer than this many
# rows for each match the other way reads, and tests at most that many (_walk_rows).
# Measured on 300,000 opportunities, 14 terms of up to 10,000 matches under 7 sorts,
# everyone's and the open ones: 3, 1.5, 0.75 and 0 (always read) gave a median of 12.7,
# 8.5, 8.1 and 12.7 ms and a p95 of 95, 87, 82 and 79 ms (the p95 is the ~10,000 matches
# of a VIN's start among the open ones, which cost about the same either way).
_WALK_COST_RATIO = 1.5


def _only_status(flt: OpportunityFilter) -> bool:
    """Whether the filter bar the search holds nothing but a status, or nothing."""
    return replace(flt, text="", status=None, phones=()) == OpportunityFilter()


@dataclass(frozen=True, slots=True)
class _TermsOrPhone:
    """A search also read as a phone number: every term found, or the customer's number
    holding the digits; as one term (see _Term)."""

    terms: tuple[_Term, ...]
    phones: tuple[str, ...]

    def _accounts(self) -> str:
        return phone_accounts(len(self.phones))

    def select(self, status: str | None) -> tuple[str, list[Any]]:
        first, others = self.terms[0], self.terms[1:]
        source, params = first.select(status)
        found = f"SELECT o.id FROM ({source}) o"
        if others:
            found += " WHERE " + " AND ".join(t.check for t in others)
            params += [p for t in others for p in t.check_params]
        # The customers holding the number, then their opportunities from the customer's
        # index: SQLite, told the order, reads no other row (left to choose, it read every
        # open one by the status index to test its customer: 1-3 s at 300,000).
        join = "CROSS JOIN" if is_sqlite() else "JOIN"
        by_phone = f"SELECT o.id FROM ({self._accounts()}) a {join} opportunity o "
        by_phone += "ON o.account_id = a.id"
        params += [f"%{p}%" for p in self.phones]
        if status is not None:
            by_phone += " WHERE o.status = ?"
            params.append(status)
        return f"SELECT id FROM ({found} UNION {by_phone}) u", params

    @property
    def check(self) -> str:
        every = " AND ".join(t.check for t in self.terms)
        return f"(({every}) OR o.account_id IN ({self._accounts()}))"

    @property
    def check_params(self) -> tuple[Any, ...]:
        return (*(p for t in self.terms for p in t.check_params), *(f"%{p}%" for p in self.phones))


def _searched(flt: OpportunityFilter) -> list[Any]:
    """The terms of a search as the list reads them (_Term, or one _TermsOrPhone for a
    search also read as a phone number); none without a search."""
    _fold_pending(flt)
    terms = _search_terms(flt.text)
    if terms and flt.phones:
        return [_TermsOrPhone(tuple(terms), flt.phones)]
    return terms


def _bounded_count(flt: OpportunityFilter, terms: list[Any], today: date) -> int:
    """The search's matches counted up to COUNT_LIMIT + 1. With no filter but a status the
    matches are read out of the first term's index (which holds each one's status), the
    other terms tested on each; otherwise the opportunities the other filters keep are
    tested."""
    rest = replace(flt, text="", phones=())
    first, others = terms[0], terms[1:]
    if _only_status(flt):
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


def _walk_is_cheaper(count: int, wanted: int) -> bool:
    """Whether walking down the sorted list testing each row finds the first `wanted`
    matches sooner than reading the `count` matches and sorting them."""
    if count > COUNT_LIMIT:
        return True
    if count == 0 or not is_sqlite():
        # (The server reads a term's matches from its trigram index at about a microsecond
        # each and tests a row of a walk at about five: it reads any count it knows. A
        # word's start is the exception: see _start_walk_is_cheaper.)
        return False
    return _walk_pays(count, wanted)


def _walk_pays(count: int, wanted: int) -> bool:
    return wanted * _total() / count < _WALK_COST_RATIO * count


def _start_walk_is_cheaper(terms: list[Any], count: int, wanted: int) -> bool:
    """On the server, whether a search whose first term is a word's start (its table of
    starts) walks as SQLite's would: reading a few thousand matches and sorting them
    hashed them against every opportunity ("ro", 8,121 matches: 40-90 ms at 100,000)."""
    starts = isinstance(terms[0], _Term) and OPPORTUNITY_STARTS in terms[0].source
    return starts and 0 < count <= COUNT_LIMIT and _walk_pays(count, wanted)


def _walk_rows(count: int, wanted: int) -> int | None:
    """How many rows of the sorted list a walk tests at most before the matches are read
    instead (None: no bound). For a search of at most COUNT_LIMIT matches, what reading
    them would cost, in rows tested: a walk that finds too few in them has met matches
    gathered late in the sort's order (a VIN's start under *brand and model*: the
    Volkswagens come last) and costs at most about twice the other way. A commoner one:
    twice the rows its page would take were its matches spread evenly at the
    least density its count allows; past them they are gathered late, and the walk goes
    on testing each row against the list of the matches (_listed_ids); on the server the
    matches are read and sorted (its unbounded walk of "WV" under *brand and model* passed
    every other brand, 200-250 ms at 100,000)."""
    if count <= COUNT_LIMIT:
        return max(int(_WALK_COST_RATIO * count), 2 * wanted)
    spread = 2 * wanted * _total() // COUNT_LIMIT
    return max(spread, 2 * wanted)


# Past what share of COUNT_LIMIT the matches are walked against as a list rather than read
# and sorted, or looked for by a walk probing the search index for each row: at 300,000
# opportunities, a VIN's start among the open ones, 9,800 matches, took 46-51 ms to read
# and sort and 3-20 ms to walk against (5,700 matches: 36-38 and 5-24 ms). Spread evenly
# they come as early in the list's walk as in a probing walk, each row tested for a
# fraction of the cost; gathered late, the walk costs at most about a read of the index.
# (Fewer matches are read: the list's walk may have to pass every row to find them.)
_LISTED_SHARE = 0.5


def _listed_first(count: int) -> bool:
    """Whether the search's matches are walked against as a list straight away (SQLite)."""
    return is_sqlite() and _LISTED_SHARE * COUNT_LIMIT < count <= COUNT_LIMIT


def _total() -> int:
    """The opportunities' highest id: about how many rows a walk could test."""
    return int(database.execute_sql("SELECT max(id) FROM opportunity").fetchone()[0] or 0)


def _search_ids(
    flt: OpportunityFilter,
    terms: list[Any],
    today: date,
    sort: str,
    order: str,
    count: int,
    offset: int,
    limit: int,
) -> tuple[str, list[Any], bool] | None:
    """The statement picking the ids of the search's page (offset, limit) by a walk down
    the sort's index testing each row, and whether the walk is bounded; or None where
    reading the matches and sorting them is cheaper (see _walk_is_cheaper), or walking
    against their list (see _listed_first). The walk tests
    the first _walk_rows() rows of the sort at most: a page it returns short is read again
    from the matches, or by a walk testing each row against their list (_listed_ids)."""
    wanted = offset + limit
    if _listed_first(count):
        return None
    if not (_walk_is_cheaper(count, wanted) or _start_walk_is_cheaper(terms, count, wanted)):
        # Few matches: read them and sort them. (The server's planner cannot tell how few
        # a term, or a number also read as a phone's, finds: it walked every opportunity
        # down the sort's index for the 60 matches of "9481", 150-950 ms at 100,000.)
        return None
    rest = replace(flt, text="", phones=())
    where, params = _where(rest, today)
    checks = " AND ".join(t.check for t in terms)
    check_params = [p for t in terms for p in t.check_params]
    if (
        _only_status(flt)
        and flt.status
        and not _in_status_index_order(sort)
        and isinstance(terms[0], _Term)
    ):
        # Down the sort's index (not the status's, whose rows would all be sorted first),
        # the status tested where the first term is, which holds it.
        first, more = terms[0].check_of(flt.status)
        where, params = "", []
        checks = " AND ".join([first, *(t.check for t in terms[1:])])
        check_params = [*more, *(p for t in terms[1:] for p in t.check_params)]
    bound = _walk_rows(count, wanted)
    if bound is None:
        sql = f"SELECT o.id FROM opportunity o{where}{' AND ' if where else ' WHERE '}{checks}"
        return f"{sql} {order} LIMIT ? OFFSET ?", [*params, *check_params, limit, offset], False
    # The first rows of the sort, then those of them that match, as they come: SQLite reads
    # a subquery with a LIMIT row by row in its order (a co-routine) and tests each by its
    # correlated subqueries, and the walk stops at the page's last match (the tests hold
    # the pages to a plain reading). An ORDER BY here would test every row of the walk
    # before sorting the matches; the page's rows are sorted when they are read.
    phone = ", o.account_id" if isinstance(terms[0], _TermsOrPhone) else ""
    if not is_sqlite():
        # The server may join the tests to the walk's rows in any order: the matches are
        # sorted again (at most `bound` rows), by the walk's own columns.
        keys = "".join(
            f", o.{key}" for key in dict.fromkeys(_UNINDEXED.findall(order)) if key != "id"
        )
        walk = f"SELECT o.id{phone}{keys} FROM opportunity o{where} {order} LIMIT ?"
        sql = f"SELECT o.id FROM ({walk}) o WHERE {checks} {order} LIMIT ? OFFSET ?"
        return sql, [*params, bound, *check_params, limit, offset], True
    walk = f"SELECT o.id{phone} FROM opportunity o{where} {order} LIMIT ?"
    sql = f"SELECT o.id FROM ({walk}) o WHERE {checks} LIMIT ? OFFSET ?"
    return sql, [*params, bound, *check_params, limit, offset], True


def _listed_ids(
    flt: OpportunityFilter, terms: list[Any], today: date, sort: str, order: str
) -> tuple[str, list[Any]]:
    """On SQLite, the statement (without LIMIT) picking the search's rows by a walk down
    the sort's index that tests each row against the list of the first term's matches,
    made once (the other terms tested as in a walk): for a term of thousands of matches
    gathered late in the sort's order. Reading them could mean sorting most of the list;
    testing a row against the list costs a fraction of testing it against the search
    index (a VIN's start, "WV", under *brand and model* at 300,000: the Volkswagens after
    110,000 rows)."""
    rest = replace(flt, text="", phones=())
    first, others = terms[0], terms[1:]
    # The list of every status: the trigram index gives its matches without reading their
    # texts, which their status would (the rows' status is tested in the walk instead).
    source, params = first.select(None)
    where, more = _where(rest, today)
    if _only_status(flt) and flt.status and not _in_status_index_order(sort):
        # Down the sort's index, not the status's (the unary + keeps it from the index),
        # each listed row's status read from the row.
        where = " WHERE +o.status = ?"
    # The unary + keeps the list from picking the rows by their ids, to be sorted after.
    clauses = [f"+o.id IN ({source})", *(t.check for t in others)]
    if where:
        clauses.append(where.removeprefix(" WHERE "))
    sql = f"SELECT o.id FROM opportunity o WHERE {' AND '.join(clauses)} {order}"
    return sql, [*params, *(p for t in others for p in t.check_params), *more]


def _matches_ids(
    flt: OpportunityFilter, terms: list[Any], today: date, order: str
) -> tuple[str, list[Any]]:
    """The statement (without LIMIT) picking the search's rows in the sort's order out of
    the first term's matches, each joined to its row (CROSS JOIN keeps that order)."""
    rest = replace(flt, text="", phones=())
    first, others = terms[0], terms[1:]
    source, params = first.select(rest.status if _only_status(flt) else None)
    where, more = _where(rest, today)
    checks = [t.check for t in others]
    clause = " AND ".join([*checks, *([where.removeprefix(" WHERE ")] if where else [])])
    # (The server has no CROSS JOIN ... ON; its planner orders the joins itself, and is
    # kept from walking the sort's index testing each row, which it takes for cheaper as it
    # cannot tell how few the matches are, by a sort key no index holds.)
    join = "CROSS JOIN" if is_sqlite() else "JOIN"
    if not is_sqlite():
        order = _UNINDEXED.sub(_unindexed, order)
    sql = f"SELECT o.id FROM ({source}) m {join} opportunity o ON o.id = m.id"
    sql += f" WHERE {clause}" if clause else ""
    return f"{sql} {order}", [*params, *(p for t in others for p in t.check_params), *more]


# A sort key the same in value and order, but held by no index (the server's).
_UNINDEXED = re.compile(r"\bo\.(\w+)")
_NUMBER_KEYS = frozenset({"id", "sort_stage", "probability", "est_revenue_minor", "est_close_date"})


def _unindexed(column: re.Match[str]) -> str:
    name = column[1]
    return f"(o.{name} + 0)" if name in _NUMBER_KEYS else f"(o.{name} || '')"


def _search_page(
    flt: OpportunityFilter,
    terms: list[Any],
    today: date,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    count: int,
) -> list[OpportunityRow]:
    sort, order = _order(sort, descending)
    picked = _search_ids(flt, terms, today, sort, order, count, offset, limit)
    if picked is not None:
        pick, params, bounded = picked
        found = _rows(f"{_SELECT} WHERE o.id IN ({pick}) {order}", params)
        if len(found) == limit or not bounded:
            return found
        # The walk's rows held fewer: the matches gather further down (or the page is the
        # last one), and are walked against their list.
    if (picked is not None and count > COUNT_LIMIT and is_sqlite()) or _listed_first(count):
        ids, params = _listed_ids(flt, terms, today, sort, order)
        return _rows(
            f"{_SELECT} WHERE o.id IN ({ids} LIMIT ? OFFSET ?) {order}", [*params, limit, offset]
        )
    ids, params = _matches_ids(flt, terms, today, order)
    return _rows(
        f"{_SELECT} WHERE o.id IN ({ids} LIMIT ? OFFSET ?) {order}", [*params, limit, offset]
    )


def _ids_by(flt: OpportunityFilter, today: date, sort: str, order: str) -> tuple[str, list[Any]]:
    """The ids of the filter's rows in the sort's order (the statement, without its LIMIT).

    Filtered on the status alone (the open ones, which the list starts on) and sorted on
    a key the status index does not order, the rows are read in the order of the sort's
    index and each one's status tested by its id: the first page costs about as many
    lookups as it has rows where the status is common near the top of the sort (0.1-0.2 ms
    at 300,000). Left to choose, the planner read every open row by the status index to
    sort them; a list of the open ones' ids to test each row against took 75-90 ms at
    300,000 to build. Where the open ones come after most closed ones in the sort
    (*probability*, the lost ones first at 0 %; descending *stage* or a reason), the
    lookups took 40-150 ms: those sorts have an index of the status and the key (schema
    step open_sorts), which the plain WHERE walks."""
    where, params = _where(flt, today)
    only_status = bool(flt.status) and replace(flt, status=None) == OpportunityFilter()
    # (Where an index gives the sort's order under the status, the plain WHERE is best.)
    if only_status and is_sqlite() and not _in_status_index_order(sort):
        where = " WHERE EXISTS (SELECT 1 FROM opportunity x WHERE x.status = ? AND x.id = o.id)"
    return f"SELECT o.id FROM opportunity o{where} {order}", params


def _order(sort: str, descending: bool) -> tuple[str, str]:
    """The sort key understood, and its ORDER BY."""
    direction = "DESC" if descending else "ASC"
    if sort not in SORT_COLUMNS:
        sort = "est_close_date"
    key = SORT_COLUMNS[sort].format(dir=direction)
    nulls = nulls_as_sqlite(descending) if sort in _NULLABLE_SORTS else ""
    return sort, f"ORDER BY {key} {direction}{nulls}, o.id {direction}"


def opportunity_count_and_first_page(
    flt: OpportunityFilter, today: date, sort: str, descending: bool, limit: int
) -> tuple[int, list[OpportunityRow]]:
    """How many rows the filter holds, and the first `limit` of them: what the list reads
    for each filter. A search's count stops at COUNT_LIMIT + 1 (see count_up_to)."""
    terms = _searched(flt)
    if not terms:
        count = count_opportunities(flt, today)
        return count, opportunity_page(flt, today, sort, descending, 0, limit) if count else []
    count = _bounded_count(flt, terms, today)
    if not count:
        return 0, []
    return count, _search_page(flt, terms, today, sort, descending, 0, limit, count)


def count_up_to(flt: OpportunityFilter, today: date) -> int:
    """The filter's count, where it searches up to COUNT_LIMIT + 1 (more than COUNT_LIMIT)."""
    terms = _searched(flt)
    return _bounded_count(flt, terms, today) if terms else count_opportunities(flt, today)


def opportunity_page(
    flt: OpportunityFilter, today: date, sort: str, descending: bool, offset: int, limit: int
) -> list[OpportunityRow]:
    terms = _searched(flt)
    if terms:
        count = _bounded_count(flt, terms, today)
        if not count:
            return []
        return _search_page(flt, terms, today, sort, descending, offset, limit, count)
    sort, order = _order(sort, descending)
    # The page's ids are picked first (an index walk that stops after `limit` rows), and
    # only those rows get the joins. Sorting the full rows instead sorted every match with
    # all its joins: a third of a second on 100,000 opportunities.
    ids, params = _ids_by(flt, today, sort, order)
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
