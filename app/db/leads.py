"""The lead list's queries: the filter, its count and a sorted page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.db import models as m
from app.db import server_schema
from app.db.connection import database, is_sqlite, nulls_as_sqlite
from app.db.consent import consenting_clause
from app.db.queries import fetch_all
from app.db.search_terms import escape_like
from app.db.steps.lead_search import LEAD_SEARCH_TEXT
from app.db.steps.word_starts import LEAD_WORDS
from app.domain.text import SUBSTRING_MIN_LENGTH, brand_names_read, fold, search_words, words_of


@dataclass(frozen=True, slots=True)
class LeadFilter:
    text: str = ""
    status: str | None = None
    owner_id: int | None = None
    channel: str | None = None
    open_only: bool = False  # new, contacted or qualified
    consent: str | None = None  # a channel: the leads whose latest statement gives consent
    # The search read as a phone number (app.services.accounts.phone_parts), if it is one.
    phones: tuple[str, ...] = ()


# Sort key -> the ORDER BY terms ({dir} is the direction of all but the last). SQL, not
# texts: the text check is told so where it takes two columns for words.
LEAD_SORT_COLUMNS = {
    "name": "l.last_name {dir}, l.company_name",  # i18n: ignore
    "email": "l.email",
    "phone": "l.phone",
    "interest": "l.brand {dir}, l.model",  # i18n: ignore
    "channel": "l.channel",
    "source": "l.source",
    "owner": "u.full_name",
    "status": "l.status",
    "created_at": "l.created_at",
}

# (id, first name, last name, company, e-mail, phone, brand, model, channel, source,
#  owner's full name or None, status, created at)
LeadListRow = tuple[int, str, str, str, str, str, str, str, str, str, str | None, str, datetime]


_KEYS_AT_ONCE = 500  # below SQLite's limit on a statement's variables

# A search counts its matches up to this many and says "more than" beyond, as the
# opportunity list does (app.db.queries.COUNT_LIMIT): counting the tens of thousands of
# leads a letter finds outlasts a keystroke.
COUNT_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class _Term:
    """One term of a search, read two ways: `source` selects the ids (column `id`) of the
    leads it finds from its index (reading the matches), `check` tests one lead `l` (a walk
    down the sorted list, for a term that finds most leads)."""

    source: str
    source_params: tuple[object, ...]
    check: str
    check_params: tuple[object, ...]


def _word_term(part: str) -> _Term:
    """A term of one or two letters: the leads with a word starting so (SQLite: the words'
    FTS5 index and its prefix index; the server: `lead_start`)."""
    if is_sqlite():
        # (A word holds no ASCII punctuation, so no quote: the phrase is the part itself.)
        prefix = (f'"{part}" *',)
        return _Term(
            f"SELECT rowid AS id FROM {LEAD_WORDS} WHERE {LEAD_WORDS} MATCH ?",
            prefix,
            # The matches' ids gathered once for the statement, each lead the walk tests
            # then a probe of them: FTS5 would evaluate the prefix query anew for each lead.
            # The unary + keeps SQLite from reading the leads by those ids instead (for each
            # status of the open ones, each of the 51,000 ids of "ex": 30 ms at 100,000).
            f"+l.id IN (SELECT rowid FROM {LEAD_WORDS} WHERE {LEAD_WORDS} MATCH ?)",
            prefix,
        )
    return _Term(
        "SELECT lead_id AS id FROM lead_start WHERE start = ?",
        (part,),
        "EXISTS (SELECT 1 FROM lead_start w WHERE w.lead_id = l.id AND w.start = ?)",
        (part,),
    )


def _substring_term(folded: str) -> _Term:
    like = (f"%{escape_like(folded)}%",)
    if not is_sqlite():  # the folded text in the server's search table, its trigram index
        return _Term(
            "SELECT id FROM lead_search WHERE body LIKE ? ESCAPE '\\'",
            like,
            "EXISTS (SELECT 1 FROM lead_search c WHERE c.id = l.id AND c.body LIKE ? ESCAPE '\\')",
            like,
        )
    check = (
        f"EXISTS (SELECT 1 FROM {LEAD_SEARCH_TEXT} c WHERE c.id = l.id AND c.c0 LIKE ? ESCAPE '\\')"
    )
    if len(folded) < SUBSTRING_MIN_LENGTH:  # punctuation alone ("%"): every text read
        return _Term(
            f"SELECT id FROM {LEAD_SEARCH_TEXT} WHERE c0 LIKE ? ESCAPE '\\'", like, check, like
        )
    # A quoted FTS5 phrase is a substring match with the trigram tokenizer (lead_search).
    phrase = ('"' + folded.replace('"', '""') + '"',)
    return _Term("SELECT rowid AS id FROM lead_search WHERE body MATCH ?", phrase, check, like)


def _terms(flt: LeadFilter) -> list[_Term]:
    """The terms of the search, folded as the customer and opportunity searches fold
    ("muller" finds "Müller"). Three characters or more are found anywhere in the lead's
    text (SQLite: the FTS5 trigram index, schema step lead_search; the server: its pg_trgm
    index); one or two at the start of a word (schema step word_starts; each
    word of the term where punctuation parts it: "o'" is "o"), as in the opportunity list."""
    if flt.text and not is_sqlite():
        server_schema.fold_pending(database.obj, "lead_search")
    terms: list[_Term] = []
    for folded in brand_names_read([fold(term) for term in search_words(flt.text)]):
        parts = words_of(folded) if len(folded) < SUBSTRING_MIN_LENGTH else []
        terms.extend(_word_term(part) for part in parts)
        if folded and not parts:
            terms.append(_substring_term(folded))
    return terms


def _other_clauses(flt: LeadFilter) -> tuple[list[str], list[object]]:
    """The filters besides the search, over `lead l`."""
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (
        ("l.status", flt.status),
        ("l.owner_id", flt.owner_id),
        ("l.channel", flt.channel),
    ):
        if value is not None and value != "":
            clauses.append(f"{column} = ?")
            params.append(value)
    if flt.open_only:
        clauses.append("l.status IN ('new', 'contacted', 'qualified')")
    if flt.consent:
        clauses.append(consenting_clause("l", "lead_id"))
        params.append(flt.consent)
    return clauses, params


def _phones(flt: LeadFilter) -> tuple[str, list[object]]:
    """The search read as a phone number: the lead's normalised number holds it."""
    return " OR ".join(["l.phone_key LIKE ?"] * len(flt.phones)), [f"%{p}%" for p in flt.phones]


def _checked(flt: LeadFilter, terms: list[_Term]) -> tuple[str, list[object]]:
    """The WHERE clause testing each lead: the other filters, every term (or the number)."""
    clauses, params = _other_clauses(flt)
    found = " AND ".join(t.check for t in terms)
    found_params = [p for t in terms for p in t.check_params]
    if flt.phones:
        phone, phone_params = _phones(flt)
        found, found_params = f"(({found}) OR {phone})", [*found_params, *phone_params]
    return " WHERE " + " AND ".join([*clauses, found]), [*params, *found_params]


def _matches(flt: LeadFilter, terms: list[_Term]) -> tuple[str, list[object]]:
    """A SELECT of the ids of the search's leads read from the first term's index, each
    tested for the other terms and filters (without ORDER BY)."""
    first, others = terms[0], terms[1:]
    clauses, params = _other_clauses(flt)
    if clauses:
        # SQLite told the order (the matches, then their leads); the server orders it.
        join = "CROSS JOIN" if is_sqlite() else "JOIN"
        sql = f"SELECT l.id FROM ({first.source}) m {join} lead l ON l.id = m.id"
    else:  # the other terms test the id alone: no lead is read
        sql = f"SELECT l.id FROM ({first.source}) l"
    clauses += [t.check for t in others]
    params += [p for t in others for p in t.check_params]
    sql += (" WHERE " + " AND ".join(clauses)) if clauses else ""
    params = [*first.source_params, *params]
    if flt.phones:
        phone, phone_params = _phones(flt)
        others_clauses, others_params = _other_clauses(flt)
        by_phone = " AND ".join([*others_clauses, f"({phone})"])
        sql = f"{sql} UNION SELECT l.id FROM lead l WHERE {by_phone}"
        params += [*others_params, *phone_params]
    return sql, params


def _narrowed(flt: LeadFilter) -> bool:
    """Whether a filter besides the search narrows the leads (to some thousands: the open
    ones, which the list starts on, are a sixth of them at 50,000)."""
    return any((flt.status, flt.owner_id is not None, flt.channel, flt.open_only, flt.consent))


def _counted(flt: LeadFilter, terms: list[_Term]) -> tuple[int, int]:
    """The filter's count (a search's up to COUNT_LIMIT + 1) and, for a search, the leads'
    highest id: about how many leads a walk down the sorted list could test (read in the
    same statement)."""
    if not terms:
        clauses, params = _other_clauses(flt)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return int(fetch_all(f"SELECT count(*) FROM lead l{where}", params)[0][0]), 0
    if _narrowed(flt) or not is_sqlite():
        # Each lead the other filters keep is tested, which beats collecting every lead a
        # common term finds ("e": every e-mail's "example") from its index. (The server
        # chooses itself between testing the leads and reading a term's index, as its
        # statistics of the words tell how many a term finds; SQLite would test every lead
        # for a rare one.)
        where, params = _checked(flt, terms)
        found = f"SELECT l.id FROM lead l{where}"
    else:
        found, params = _matches(flt, terms)
    sql = f"SELECT count(*), (SELECT max(id) FROM lead) FROM ({found} LIMIT ?) n"
    row = fetch_all(sql, [*params, COUNT_LIMIT + 1])[0]
    return int(row[0]), int(row[1] or 0)


def count_leads(flt: LeadFilter) -> int:
    """How many leads the filter holds; a search's count stops at COUNT_LIMIT + 1 (which
    stands for "more than COUNT_LIMIT")."""
    return _counted(flt, _terms(flt))[0]


_SELECT = (
    "SELECT l.id, l.first_name, l.last_name, l.company_name, l.email, l.phone, l.brand, "
    "l.model, l.channel, l.source, u.full_name, l.status, l.created_at"
)

# The server's choice: a search of this many matches or more, up to COUNT_LIMIT, first
# walks down the sort's first _WALK_ROWS leads (a fifth of 50,000), testing each.
_WALK_FROM = 1_000
_WALK_ROWS = 10_000

# From this many matches (of 50,000 leads: 2 %) a walk down the received time's order meets
# a page of 200 within some 10,000 leads tested, sooner than their matches are read.
_WALK_BY_TIME_FROM = 1_000

# What testing one lead in a walk down the sorted list costs against reading one match and
# its lead out of order to sort them (SQLite): a walk is taken when it is expected to test
# fewer leads than this many for each match the other way reads, and tests at most that
# many (as the opportunity list's, app.db.list_walks._WALK_COST_RATIO).
_WALK_COST_RATIO = 1.5

# The lead's columns the list shows or sorts by.
_LISTED = ("id", "first_name", "last_name", "company_name", "email", "phone", "brand", "model",
           "channel", "source", "owner_id", "status", "created_at")  # fmt: skip

# A column of the lead in an ORDER BY.
_LEAD_COLUMN = re.compile(r"\bl\.(\w+)")

# The lead's columns the filters and the phone number test (_checked), which a walk reads.
_TESTED = ("id", "phone_key", "status", "owner_id", "channel")


def _walk_pays(count: int, wanted: int, total: int) -> bool:
    """Whether walking down the sorted list testing each lead meets the first `wanted` of
    the search's `count` matches (taken as spread evenly over `total` leads) sooner than
    reading the matches and sorting them (SQLite). A term most leads hold does ("ex" among
    the open leads at 100,000: 7,500 of their 7,700, a page within some 1,400 leads walked,
    where reading the 51,000 leads of "ex" and sorting the open ones took 80 ms); a rare
    one does not (the walk may pass every lead to find it)."""
    return count > COUNT_LIMIT or wanted * total < _WALK_COST_RATIO * count * count


def _walk_rows(count: int, wanted: int, total: int) -> int:
    """How many leads of the sorted list a walk tests at most: for a count up to COUNT_LIMIT
    about what reading the matches costs, in leads tested, after which they are read (a
    walk that finds too few has met matches gathered late in the order: "ross" under the
    name, the Rossis); beyond COUNT_LIMIT every lead (reading more matches and sorting them
    costs more than the walk)."""
    if count > COUNT_LIMIT:
        return max(total, wanted)
    return max(int(_WALK_COST_RATIO * count), 2 * wanted)


def _walked(
    flt: LeadFilter, terms: list[_Term], sort: str, order: str, bound: int, offset: int, limit: int
) -> list[LeadListRow]:
    """The page (offset, limit) of a walk down the sort's first `bound` leads, each tested
    for the filters and the search (SQLite). The walk is a subquery with a LIMIT, which
    SQLite reads row by row in its order, testing each as it comes, and the page's LIMIT
    stops it at the page's last match (an ORDER BY there would test every lead of the walk
    first); the page's leads are sorted when they are read."""
    where, params = _checked(flt, terms)
    # The owner's name orders the walk where the list is sorted by it.
    owner = ' LEFT JOIN "user" u ON u.id = l.owner_id' if sort == "owner" else ""
    tested = ", ".join(f"l.{column}" for column in _TESTED)
    walk = f"SELECT {tested} FROM lead l{owner} {order} LIMIT ?"
    picked = f"SELECT l.id FROM ({walk}) l{where} LIMIT ? OFFSET ?"
    return fetch_all(  # type: ignore[return-value]
        f'{_SELECT} FROM lead l LEFT JOIN "user" u ON u.id = l.owner_id '
        f"WHERE l.id IN ({picked}) {order}",
        [bound, *params, limit, offset],
    )


def _page(
    flt: LeadFilter,
    terms: list[_Term],
    count: int,
    total: int,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> list[LeadListRow]:
    direction = "DESC" if descending else "ASC"
    key = LEAD_SORT_COLUMNS.get(sort, LEAD_SORT_COLUMNS["created_at"]).format(dir=direction)
    # A lead nobody owns sorts as SQLite sorts it on either backend.
    nulls = nulls_as_sqlite(descending) if sort == "owner" else ""
    order = f"ORDER BY {key} {direction}{nulls}, l.id {direction}"
    source = "lead l"
    if terms and is_sqlite() and _walk_pays(count, offset + limit, total):
        # Down the sorted list, each lead tested: a term most leads (or most of the open
        # ones) hold fills its page early ("golf" under the name, "ex" among the open
        # ones); one whose leads gather further down ("ross" under the name: the Rossis)
        # is read from its index after the walk's bound.
        found = _walked(flt, terms, sort, order, _walk_rows(count, offset + limit, total),
                        offset, limit)  # fmt: skip
        if len(found) == limit or count > COUNT_LIMIT:
            return found
    if terms and not is_sqlite() and not _narrowed(flt) and _WALK_FROM <= count <= COUNT_LIMIT:
        # Down the sort's first _WALK_ROWS leads, each tested: as on SQLite, a term of
        # thousands of leads spread over the order fills its page there. A word's start
        # most leads hold: the matches are sorted again by the walk's own columns, which
        # its planner takes as given by the walk, so it stops at the page's last match
        # ("ex" at 5,000 leads: 4 ms a page, where testing each of the walk's took 20).
        # Otherwise its planner tests them all, or joins them to the term's trigram index
        # ("ros" at 51,000 leads: 3,751 matches read at about a microsecond each, where a
        # test of a lead takes some five). (The owner's name is no column of the walk's.)
        where, params = _checked(flt, terms)
        starts = "lead_start" in terms[0].source
        if sort == "owner" or not (starts and _walk_pays(count, offset + limit, total)):
            owner = ' LEFT JOIN "user" u ON u.id = l.owner_id' if sort == "owner" else ""
            walk = f"SELECT l.id, l.phone_key FROM lead l{owner} {order} LIMIT ?"
            picked = f"SELECT l.id FROM ({walk}) l{where}"
            page = [_WALK_ROWS, *params, limit, offset]
        else:
            keys = dict.fromkeys(["id", "phone_key", *_LEAD_COLUMN.findall(order)])
            walk = f"SELECT {', '.join(f'l.{k}' for k in keys)} FROM lead l {order} LIMIT ?"
            picked = f"SELECT l.id FROM ({walk}) l{where} {order} LIMIT ? OFFSET ?"
            page = [_WALK_ROWS, *params, limit, offset, limit, 0]
        found = fetch_all(
            f'{_SELECT} FROM lead l LEFT JOIN "user" u ON u.id = l.owner_id '
            f"WHERE l.id IN ({picked}) {order} LIMIT ? OFFSET ?",
            page,
        )
        if len(found) == limit:
            return found  # type: ignore[return-value]
    if not terms:
        clauses, params = _other_clauses(flt)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    elif is_sqlite():  # fewer: read them from the index (those the filters keep), and sort them
        matches, params = _matches(flt, terms)
        where = f" WHERE l.id IN ({matches})"
    elif (
        _narrowed(flt)
        or count > COUNT_LIMIT
        or (sort == "created_at" and count >= _WALK_BY_TIME_FROM)
    ):
        # The server: narrowed by another filter, each lead it keeps is tested (as
        # counted), its planner choosing the order. A term most leads hold: down the sorted
        # list (the received time's and the name's orders are indexes: schema step
        # word_starts), each lead tested, the page's leads met early; reading its matches
        # would read and sort thousands of leads. Under the received time, which no text
        # follows, from a thousand matches on; under another order only beyond
        # COUNT_LIMIT, as its matches may gather late in the order ("ross" under the name).
        where, params = _checked(flt, terms)
    else:
        # The server, fewer: each match's lead looked up by its id: its planner, which
        # cannot tell how few the matches are, read every lead to join them (30 ms at
        # 50,000) or walked the sort's index testing each ("ross" under the name).
        matches, params = _matches(flt, terms)
        source = (
            f"({matches}) m CROSS JOIN LATERAL (SELECT {', '.join(_LISTED)} FROM lead x "
            "WHERE x.id = m.id OFFSET 0) l"
        )
        where = ""
    sql = f'{_SELECT} FROM {source} LEFT JOIN "user" u ON u.id = l.owner_id{where} {order}'
    return fetch_all(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset])  # type: ignore[return-value]


def lead_page(
    flt: LeadFilter, sort: str, descending: bool, offset: int, limit: int
) -> list[LeadListRow]:
    terms = _terms(flt)
    count, total = _counted(flt, terms) if terms else (0, 0)
    if terms and not count:
        return []
    return _page(flt, terms, count, total, sort, descending, offset, limit)


def lead_count_and_first_page(
    flt: LeadFilter, sort: str, descending: bool, limit: int
) -> tuple[int, list[LeadListRow]]:
    """The filter's count (a search's up to COUNT_LIMIT + 1) and its first `limit` rows:
    what the lead list reads for each filter, the search folded and counted once."""
    terms = _terms(flt)
    count, total = _counted(flt, terms)
    return count, _page(flt, terms, count, total, sort, descending, 0, limit) if count else []


def import_keys_among(keys: Sequence[str]) -> set[str]:
    """Those of the import keys that a lead already has: a row imported again is skipped."""
    found: set[str] = set()
    for start in range(0, len(keys), _KEYS_AT_ONCE):
        batch = keys[start : start + _KEYS_AT_ONCE]
        # Plain SQL: peewee builds an IN of 500 values slower than SQLite answers it.
        marks = ", ".join(["?"] * len(batch))
        rows = fetch_all(f"SELECT import_key FROM lead WHERE import_key IN ({marks})", list(batch))
        found.update(r[0] for r in rows)
    return found


def opportunity_of_lead(lead_id: int) -> int | None:
    """The id of the opportunity the lead was converted into, if any."""
    row = m.Opportunity.select(m.Opportunity.id).where(m.Opportunity.lead == lead_id).first()
    return int(row.id) if row is not None else None


def lead_channel_and_interest(lead_id: int) -> tuple[str, str] | None:
    """The channel and payment interest a lead holds (what its opportunity carries on)."""
    found = m.Lead.select(m.Lead.channel, m.Lead.interest).where(m.Lead.id == lead_id).tuples()
    row = found.first()
    return (row[0], row[1]) if row else None
