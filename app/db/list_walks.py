"""The walks that pick a page of the opportunity list, and what each costs: down the sort's
index testing each row (bounded, or not), against the list of a term's matches, or the
matches read and sorted; the ids of a filter's rows without a search in the sort's order."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from app.db import queries, sort_keys
from app.db.connection import database, is_sqlite, nulls_as_sqlite
from app.db.queries import OpportunityFilter, OpportunityRow
from app.db.search_terms import Term, TermsOrPhone, after
from app.db.sort_keys import in_status_index_order
from app.db.steps.opportunity_starts import STARTS as OPPORTUNITY_STARTS
from app.db.steps.search_sort_keys import NULLABLE_KEYS
from app.db.steps.sort_starts import SORT_STARTS
from app.db.steps.sort_starts import START_ORDERS as SORT_START_ORDERS
from app.db.steps.sort_starts import index_name as sort_start_index

# What testing one row in a walk down the sorted list costs, against reading one match and
# its row out of order: a walk is taken when it is expected to test fewer than this many
# rows for each match the other way reads, and tests at most that many (walk_rows).
# Measured on 300,000 opportunities, 14 terms of up to 10,000 matches under 7 sorts,
# everyone's and the open ones: 3, 1.5, 0.75 and 0 (always read) gave a median of 12.7,
# 8.5, 8.1 and 12.7 ms and a p95 of 95, 87, 82 and 79 ms (the p95 is the ~10,000 matches
# of a VIN's start among the open ones, which cost about the same either way).
_WALK_COST_RATIO = 1.5


def walk_is_cheaper(count: int, wanted: int) -> bool:
    """Whether walking down the sorted list testing each row finds the first `wanted`
    matches sooner than reading the `count` matches and sorting them."""
    if count > queries.COUNT_LIMIT:
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
    starts = isinstance(terms[0], Term) and OPPORTUNITY_STARTS in terms[0].source
    return starts and 0 < count <= queries.COUNT_LIMIT and _walk_pays(count, wanted)


def walk_rows(count: int, wanted: int) -> int | None:
    """How many rows of the sorted list a walk tests at most before the matches are read
    instead (None: no bound). For a search of at most COUNT_LIMIT matches, what reading
    them would cost, in rows tested: a walk that finds too few in them has met matches
    gathered late in the sort's order (a VIN's start under *brand and model*: the
    Volkswagens come last) and costs at most about twice the other way. A commoner one:
    the rows its page would take were its matches spread evenly at the least density its
    count allows; past them they are gathered late, and the walk goes on testing each row
    against the list of the matches (listed_ids). (On SQLite, twice those rows, the walk
    that found nothing in them cost 20-25 ms of "WV"'s 70-85 ms under *topic* or *brand
    and model* at 300,000; a term that few rows do not hold has few enough matches that
    their list is quickly made.) On the server, twice those rows, and then the matches
    are read and sorted (its unbounded walk of "WV" under *brand and model* passed every
    other brand, 200-250 ms at 100,000)."""
    if count <= queries.COUNT_LIMIT:
        return max(int(_WALK_COST_RATIO * count), 2 * wanted)
    spread = (1 if is_sqlite() else 2) * wanted * _total() // queries.COUNT_LIMIT
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
    return is_sqlite() and _LISTED_SHARE * queries.COUNT_LIMIT < count <= queries.COUNT_LIMIT


def _total() -> int:
    """The opportunities' highest id: about how many rows a walk could test."""
    return int(database.execute_sql("SELECT max(id) FROM opportunity").fetchone()[0] or 0)


def search_ids(
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
    reading the matches and sorting them is cheaper (see walk_is_cheaper), or walking
    against their list (see _listed_first). The walk tests
    the first walk_rows() rows of the sort at most: a page it returns short is read again
    from the matches, or by a walk testing each row against their list (listed_ids)."""
    wanted = offset + limit
    if _listed_first(count):
        return None
    if not (walk_is_cheaper(count, wanted) or _start_walk_is_cheaper(terms, count, wanted)):
        # Few matches: read them and sort them. (The server's planner cannot tell how few
        # a term, or a number also read as a phone's, finds: it walked every opportunity
        # down the sort's index for the 60 matches of "9481", 150-950 ms at 100,000.)
        return None
    rest = replace(flt, text="", phones=())
    where, params = queries.opportunity_where(rest, today)
    checks = " AND ".join(t.check for t in terms)
    check_params = [p for t in terms for p in t.check_params]
    if (
        queries.only_status(flt)
        and flt.status
        and not in_status_index_order(sort)
        and isinstance(terms[0], Term)
    ):
        # Down the sort's index (not the status's, whose rows would all be sorted first),
        # the status tested where the first term is, which holds it.
        first, more = terms[0].check_of(flt.status)
        where, params = "", []
        checks = " AND ".join([first, *(t.check for t in terms[1:])])
        check_params = [*more, *(p for t in terms[1:] for p in t.check_params)]
    bound = walk_rows(count, wanted)
    if bound is None:
        sql = f"SELECT o.id FROM opportunity o{where}{' AND ' if where else ' WHERE '}{checks}"
        return f"{sql} {order} LIMIT ? OFFSET ?", [*params, *check_params, limit, offset], False
    # The first rows of the sort, then those of them that match, as they come: SQLite reads
    # a subquery with a LIMIT row by row in its order (a co-routine) and tests each by its
    # correlated subqueries, and the walk stops at the page's last match (the tests hold
    # the pages to a plain reading). An ORDER BY here would test every row of the walk
    # before sorting the matches; the page's rows are sorted when they are read.
    phone = ", o.account_id" if isinstance(terms[0], TermsOrPhone) else ""
    if not is_sqlite():
        # The server may join the tests to the walk's rows in any order: the matches are
        # sorted again (at most `bound` rows), by the walk's own columns.
        keys = _walk_keys(order)
        walk = f"SELECT o.id{phone}{keys} FROM opportunity o{where} {order} LIMIT ?"
        sql = f"SELECT o.id FROM ({walk}) o WHERE {checks} {order} LIMIT ? OFFSET ?"
        return sql, [*params, bound, *check_params, limit, offset], True
    walk = f"SELECT o.id{phone} FROM opportunity o{where} {order} LIMIT ?"
    sql = f"SELECT o.id FROM ({walk}) o WHERE {checks} LIMIT ? OFFSET ?"
    return sql, [*params, bound, *check_params, limit, offset], True


def listed_ids(
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
    # The list of every status where the status costs a read (the trigram index gives its
    # matches without their status; the rows' status is tested in the walk instead).
    source, params = first.listed(rest.status if queries.only_status(flt) else None)
    where, more = queries.opportunity_where(rest, today)
    if queries.only_status(flt) and flt.status and not in_status_index_order(sort):
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
    source, params = first.select(rest.status if queries.only_status(flt) else None)
    where, more = queries.opportunity_where(rest, today)
    checks = [t.check for t in others]
    clause = " AND ".join([*checks, *([where.removeprefix(" WHERE ")] if where else [])])
    if is_sqlite():
        sql = f"SELECT o.id FROM ({source}) m CROSS JOIN opportunity o ON o.id = m.id"
        sql += f" WHERE {clause}" if clause else ""
    else:
        # The server's planner cannot tell how many a term matches: kept from walking the
        # sort's index testing each row by a sort key no index holds, it walked every open
        # row sorted by that key instead, testing each (a VIN's start, "WVW", 9,800
        # matches among 185,000 open ones: 300 ms at 300,000; "golf" 340-430 ms). The
        # matches' ids are gathered first (the search index), their rows read by the
        # primary key and the page sorted out of them: 45 ms for 9,800, bounded by the
        # matches (41,000: 190 ms), never the whole list sorted.
        sql = f"SELECT o.id FROM opportunity o WHERE o.id = ANY (ARRAY({source}))"
        sql += f" AND {clause}" if clause else ""
        order = _UNINDEXED.sub(_unindexed, order)
    return f"{sql} {order}", [*params, *(p for t in others for p in t.check_params), *more]


# A sort key the same in value and order, but held by no index (the server's).
_UNINDEXED = re.compile(r"\bo\.(\w+)")
_NUMBER_KEYS = frozenset({"id", "sort_stage", "probability", "est_revenue_minor", "est_close_date"})


def _walk_keys(order: str) -> str:
    """The opportunity's columns an ORDER BY sorts by (but the id), each after a comma: what
    a walk's rows carry to be sorted again on the server."""
    return "".join(f", o.{key}" for key in dict.fromkeys(_UNINDEXED.findall(order)) if key != "id")


def _unindexed(column: re.Match[str]) -> str:
    name = column[1]
    return f"(o.{name} + 0)" if name in _NUMBER_KEYS else f"(o.{name} || '')"


# The sorts whose order an index of the server's word starts gives under the start: its
# columns holding the sort's keys, the opportunity after them (the status's index: schema
# step opportunity_starts; the probability's and the brand and model's: start_sorts; the
# topic's, the stage's and the owner's, of the starts of two letters only: start_sort_keys).
START_ORDERS: dict[str, tuple[str, ...]] = {
    "status": ("status",),
    "probability": ("probability",),
    "brand_model": ("brand", "model"),
    "topic": ("topic",),
    "stage": ("sort_stage",),
    "owner": ("sort_owner",),
    "id": (),
}
# The sorts whose index of the server's starts holds those of two letters only: a statement
# reading it says so (the index's condition), and a letter's search walks the sort. (Said
# where the index is whole, the server read the starts by a partial one and sorted them.)
_TWO_LETTER_ORDERS = frozenset({"topic", "stage", "owner"})
_TWO_LETTERS = " AND length(s.start) = 2"


def _start_keys(sort: str, descending: bool) -> str:
    """The ORDER BY of the server's starts in a sort of START_ORDERS (a key that may be
    NULL first ascending, as SQLite and the list sort it)."""
    direction = "DESC" if descending else "ASC"
    return ", ".join(
        f"s.{key} {direction}{nulls_as_sqlite(descending) if key in NULLABLE_KEYS else ''}"
        for key in (*START_ORDERS[sort], "opportunity_id")
    )


def start_ordered_ids(
    flt: OpportunityFilter, terms: list[Any], sort: str, descending: bool
) -> tuple[str, list[Any]] | None:
    """On the server, the statement (without LIMIT) picking a search of one word's start
    of one or two letters (two under *topic*, *stage* and *owner*), filtered on nothing
    but a status, in the order of a sort in START_ORDERS: the first entries of the start's
    key in the index of its keys, however late in the sort's order its matches gather (a
    walk of the sort's index passed every row before them, 4,000 at most, and then the
    matches were read and sorted: "WV" under *brand and model*, the Volkswagens last,
    100-160 ms at 100,000). On SQLite the same for a start of two letters in the sorts of
    SORT_START_ORDERS (see _sqlite_start_ordered_ids). None otherwise."""
    if len(terms) != 1 or not isinstance(terms[0], Term) or not queries.only_status(flt):
        return None
    direction = "DESC" if descending else "ASC"
    if is_sqlite():
        return _sqlite_start_ordered_ids(flt, terms[0], sort, direction)
    if sort not in START_ORDERS or OPPORTUNITY_STARTS not in terms[0].source:
        return None
    params = list(terms[0].source_params)
    sql = f"SELECT s.opportunity_id FROM {OPPORTUNITY_STARTS} s WHERE s.start = ?"
    if sort in _TWO_LETTER_ORDERS:
        if len(params[0]) != 2:
            return None
        sql += _TWO_LETTERS
    if flt.status:
        sql += " AND s.status = ?"
        params.append(flt.status)
    return f"{sql} ORDER BY {_start_keys(sort, descending)}", params


def _sqlite_start_ordered_ids(
    flt: OpportunityFilter, term: Term, sort: str, direction: str
) -> tuple[str, list[Any]] | None:
    """On SQLite, the statement (without LIMIT) picking a search of one word's start of two
    letters in the order of a sort in SORT_START_ORDERS: the first entries of the start in
    the index of the starts and the sort's keys (schema step sort_starts), the status
    tested in the index ("WV" under *brand and model* walked 110,000 rows of the other
    brands, 50-70 ms at 300,000). None otherwise."""
    if len(term.start) != 2 or sort not in SORT_START_ORDERS:
        return None
    keys = ", ".join(f"s.{key} {direction}" for key in (*SORT_START_ORDERS[sort], "opportunity_id"))
    sql = (
        f"SELECT s.opportunity_id FROM {SORT_STARTS} s INDEXED BY {sort_start_index(sort)} "
        "WHERE s.start = ?"
    )
    params: list[Any] = [term.start]
    if flt.status:
        sql += " AND s.status = ?"
        params.append(flt.status)
    return f"{sql} ORDER BY {keys}", params


def _held_at_starts(of_status: bool) -> str:
    """The count, up to a bound, of the opportunities (of one status) with a word in a range
    (parameters: the range's two ends, the status, the bound): those holding a term at a
    word's start, which a word's walk finds."""
    status = " AND status = ?" if of_status else ""
    return (
        "SELECT count(*) FROM (SELECT DISTINCT opportunity_id FROM opportunity_word "
        f"WHERE word >= ? AND word < ?{status} LIMIT ?) h"
    )


# How many of the starts a walk for a word's matches (_word_walk) tests, for each row of
# the page it is to find: it passes the starts of the term's first two letters whose words
# go on otherwise.
_WORD_WALK_ROWS = 10


def _word_walk(
    flt: OpportunityFilter,
    terms: list[Any],
    sort: str,
    descending: bool,
    count: int,
    offset: int,
    limit: int,
) -> tuple[str, list[Any]] | None:
    """On SQLite, the statement picking the page (offset, limit) of a search of one term of
    three characters or more that is one word, filtered on nothing but a status, where
    every match holds the term at a word's start: a walk down the index of the starts of
    its first two letters in the sort's order (schema step sort_starts), each start's
    opportunity tested for a word starting with the term (its words' index). None where
    that is not so, or the walk is not worth it.

    The term's matches (a VIN's start among the open ones, "WVWZZZ": 9,800 at 300,000)
    gather late in the sorts of SORT_START_ORDERS (the Volkswagens after 110,000 rows of
    other brands): the list's walk tested every row before them against the list of the
    matches, 35-45 ms. Every match holds the term at a word's start when the opportunities
    with a word starting so, which the trigram index's matches include, are as many as
    those (a range of the words' table, counted up to the count: 4-7 ms); their page is
    then the first of the starts' index that hold it. The walk tests at most
    _WORD_WALK_ROWS starts a row of the page: a page it comes short of is read the other
    ways. A term of more than COUNT_LIMIT matches, everyone's, comes here with its count
    made exact (_exact_count), once the first walk down the sort's index came short:
    "WVWZZZ" for everyone, 21,000 matches, under *probability* 45-50 ms by the list's
    walk."""
    if not (
        len(terms) == 1
        and isinstance(terms[0], Term)
        and terms[0].word
        and sort in SORT_START_ORDERS
        and queries.only_status(flt)
        and _LISTED_SHARE * queries.COUNT_LIMIT < count <= _exact_limit()
    ):
        return None
    word = terms[0].word
    bounds = [word, after(word)]
    status = " AND status = ?" if flt.status else ""
    of_status = [flt.status] if flt.status else []
    at_starts = _held_at_starts(bool(flt.status))
    held = database.execute_sql(at_starts, [*bounds, *of_status, count]).fetchone()[0]
    if held < count:
        return None  # some match holds the term inside a word only
    direction = "DESC" if descending else "ASC"
    keys = ", ".join(f"s.{key} {direction}" for key in (*SORT_START_ORDERS[sort], "opportunity_id"))
    starts = (
        f"SELECT s.opportunity_id FROM {SORT_STARTS} s INDEXED BY {sort_start_index(sort)} "
        f"WHERE s.start = ?{status.replace('status', 's.status')} ORDER BY {keys} LIMIT ?"
    )
    # (As in search_ids: SQLite reads the subquery row by row in its order, and the walk
    # stops at the page's last match.)
    sql = (
        f"SELECT s.opportunity_id FROM ({starts}) s WHERE EXISTS (SELECT 1 FROM opportunity_word "
        "w WHERE w.opportunity_id = s.opportunity_id AND w.word >= ? AND w.word < ?) "
        "LIMIT ? OFFSET ?"
    )
    bound = _WORD_WALK_ROWS * (offset + limit)
    return sql, [word[:2], *of_status, bound, *bounds, limit, offset]


# Up to how many times COUNT_LIMIT a term of more is counted for a word's walk
# (_word_walk): a VIN's start, "WVWZZZ", has 21,000 matches at 300,000 opportunities.
_EXACT_SHARE = 3


def _exact_limit() -> int:
    return _EXACT_SHARE * queries.COUNT_LIMIT


def _exact_count(flt: OpportunityFilter, terms: list[Any], sort: str) -> int:
    """The first term's matches counted up to _exact_limit() + 1, where a word's walk could
    be taken: everyone's, the term one word, the sort in SORT_START_ORDERS (else 0,
    counting nothing). (Not of one status: each match's status read cost more than the
    walk saved, "golf" among the open ones, over 30,000, 12-15 ms.)"""
    if not (
        is_sqlite()
        and sort in SORT_START_ORDERS
        and len(terms) == 1
        and isinstance(terms[0], Term)
        and terms[0].word
        and queries.only_status(flt)
        and not flt.status
    ):
        return 0
    source, params = terms[0].select(None)
    sql = f"SELECT count(*) FROM ({source} LIMIT ?)"
    return int(database.execute_sql(sql, [*params, _exact_limit() + 1]).fetchone()[0])


def _server_word_term(flt: OpportunityFilter, terms: list[Any]) -> bool:
    """Whether the search is one word of three characters or more, filtered on nothing but
    a status, on the server: what its word's walks could serve (_server_word_walk,
    _server_listed_walk)."""
    return (
        not is_sqlite()
        and len(terms) == 1
        and isinstance(terms[0], Term)
        and bool(terms[0].word)
        and queries.only_status(flt)
    )


def word_counts(flt: OpportunityFilter, terms: list[Any]) -> tuple[int, int] | None:
    """On the server, for a search a word's walk could serve: its matches counted up to
    _exact_limit() + 1, and the opportunities with a word starting with the term up to as
    many, in one statement (the list's count is the first, bounded to COUNT_LIMIT + 1).
    The second is counted only where the first is no more than _exact_limit(), as a word's
    walk needs (else 0): for a term a third of the sales hold ("volkswagen", 102,789 of
    300,000) counting those at a word's start took 40-50 ms of the keystroke's 70.
    None for any other search (its count is queries.bounded_count)."""
    if not _server_word_term(flt, terms):
        return None
    word = terms[0].word
    of_status = [flt.status] if flt.status else []
    source, params = terms[0].select(flt.status or None)
    held = _held_at_starts(bool(flt.status))
    # The server runs a subquery inside CASE only where its branch is reached; OFFSET 0
    # keeps the first count a row of its own, read once (pulled up, it was read for each
    # place that names it).
    both = (
        f"SELECT c.m, CASE WHEN c.m <= ? THEN ({held}) ELSE 0 END "
        f"FROM (SELECT (SELECT count(*) FROM ({source} LIMIT ?) s) AS m OFFSET 0) c"
    )
    exact = _exact_limit() + 1
    found = queries.fetch_all(
        both, [exact - 1, word, after(word), *of_status, exact, *params, exact]
    )[0]
    return int(found[0]), int(found[1])


def _walked_by_word(
    flt: OpportunityFilter, terms: list[Any], counts: tuple[int, int] | None
) -> bool:
    """Whether a word's walk on the server is worth it and finds every match (`counts`:
    word_counts'): more matches than LISTED_SHARE * COUNT_LIMIT and no more than
    _exact_limit(), each holding the term at a word's start."""
    if counts is None or not _server_word_term(flt, terms):
        return False
    matches, held = counts
    return _LISTED_SHARE * queries.COUNT_LIMIT < matches <= _exact_limit() and held >= matches


def _server_word_walk(
    flt: OpportunityFilter,
    terms: list[Any],
    sort: str,
    descending: bool,
    counts: tuple[int, int] | None,
    offset: int,
    limit: int,
) -> tuple[str, list[Any]] | None:
    """On the server, the statement picking the page (offset, limit) of a search of one
    term of three characters or more that is one word, filtered on nothing but a status,
    under a sort of SORT_START_ORDERS, where every match holds the term at a word's start:
    a walk down the index of the starts of its first two letters in the sort's order
    (schema steps start_sorts and start_sort_keys), each start's opportunity tested for a
    word starting with the term. None where that is not so, or the walk is not worth it.

    As on SQLite (_word_walk), from `counts` (word_counts: the matches and those holding
    the term at a word's start, counted together as the list's count), whatever the
    status and however many up to _exact_limit(): a term of more than COUNT_LIMIT matches
    walked down the sort's index first, and its matches were read and sorted when the walk
    came short, 126-192 ms at 300,000 opportunities for a term gathered late in the sort's
    order (a VIN's start under *topic*, *brand and model*, *stage*); "golf" among the open
    ones, 24,000 matches, by *brand and model* 145 ms."""
    if sort not in SORT_START_ORDERS or not _walked_by_word(flt, terms, counts):
        return None
    word = terms[0].word
    bounds = [word, after(word)]
    status = " AND s.status = ?" if flt.status else ""
    of_status = [flt.status] if flt.status else []
    columns = "".join(f", s.{key}" for key in START_ORDERS[sort])
    keys = _start_keys(sort, descending)
    two = _TWO_LETTERS if sort in _TWO_LETTER_ORDERS else ""
    starts = (
        f"SELECT s.opportunity_id{columns} FROM {OPPORTUNITY_STARTS} s "
        f"WHERE s.start = ?{two}{status} ORDER BY {keys} LIMIT ?"
    )
    # The server may test the walk's rows in any order: its matches are sorted again.
    sql = (
        f"SELECT s.opportunity_id FROM ({starts}) s WHERE EXISTS (SELECT 1 FROM opportunity_word "
        f"w WHERE w.opportunity_id = s.opportunity_id AND w.word >= ? AND w.word < ?) "
        f"ORDER BY {keys} LIMIT ? OFFSET ?"
    )
    bound = _WORD_WALK_ROWS * (offset + limit)
    return sql, [word[:2], *of_status, bound, *bounds, limit, offset]


def _server_listed_walk(
    flt: OpportunityFilter,
    terms: list[Any],
    today: date,
    sort: str,
    order: str,
    counts: tuple[int, int] | None,
    offset: int,
    limit: int,
) -> tuple[str, list[Any]] | None:
    """On the server, the statement picking the page (offset, limit) of a search of one
    word under a sort the starts do not serve (the customer, the revenue, the close date,
    the facility, the reasons, the competitor, the id), where every one of its
    LISTED_SHARE * COUNT_LIMIT to _exact_limit() matches holds it at a word's start: a
    walk down the sort's index testing each row against the list of the opportunities
    with a word starting so, hashed once (a range of the words' index), as SQLite's
    listed_ids does. The walk is bounded to three times the rows its page would take
    were the matches spread evenly: a page it comes short of is read the other ways.
    None where that is not so.

    Reading the matches and sorting them cost about 5 microseconds a match (a VIN's start
    among the open ones at 300,000 opportunities, 9,800 matches: 55 ms); a walk testing
    each row against the search index about 15 a row ("WVW" for everyone, by revenue,
    3,000 rows: 47 ms); a row tested against the hashed list costs about one. (The
    comparison is kept from being made a join, which would read every match's row: the
    server hashes a list it may not pull up.)"""
    if counts is None or sort in SORT_START_ORDERS or not _walked_by_word(flt, terms, counts):
        return None
    matches = counts[0]
    word = terms[0].word
    rest = replace(flt, text="", phones=())
    listed = "SELECT opportunity_id FROM opportunity_word WHERE word >= ? AND word < ?"
    listed_params: list[Any] = [word, after(word)]
    where, params = queries.opportunity_where(rest, today)
    if flt.status and not in_status_index_order(sort):
        # Down the sort's index, not the status's: the list holds the status's matches.
        listed += " AND status = ?"
        listed_params.append(flt.status)
        where, params = "", []
    wanted = offset + limit
    bound = max(3 * wanted * _total() // matches, 2 * wanted)
    keys = _walk_keys(order)
    walk = f"SELECT o.id{keys} FROM opportunity o{where} {order} LIMIT ?"
    sql = f"SELECT o.id FROM ({walk}) o WHERE (o.id IN ({listed})) IS TRUE {order} LIMIT ? OFFSET ?"
    return sql, [*params, bound, *listed_params, limit, offset]


def _word_walked(
    flt: OpportunityFilter,
    terms: list[Any],
    today: date,
    sort: str,
    descending: bool,
    order: str,
    count: int,
    offset: int,
    limit: int,
    counts: tuple[int, int] | None = None,
) -> list[OpportunityRow] | None:
    """The page by a word's walk (_word_walk; on the server _server_word_walk or
    _server_listed_walk, from `counts`) where it is taken and finds the page whole."""
    if is_sqlite():
        walked = _word_walk(flt, terms, sort, descending, count, offset, limit)
    else:
        walked = _server_word_walk(
            flt, terms, sort, descending, counts, offset, limit
        ) or _server_listed_walk(flt, terms, today, sort, order, counts, offset, limit)
    if walked is None:
        return None
    ids, params = walked
    found = queries.rows(f"{queries.SELECT} WHERE o.id IN ({ids}) {order}", params)
    # Fewer than the page in the starts the walk tested: the other ways.
    return found if len(found) == limit else None


def search_page(
    flt: OpportunityFilter,
    terms: list[Any],
    today: date,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    count: int,
    counts: tuple[int, int] | None = None,
) -> list[OpportunityRow]:
    """The search's page (offset, limit) of `count` matches (bounded to COUNT_LIMIT + 1;
    on the server `counts`, where word_counts made them)."""
    sort, order = sort_keys.order(sort, descending)
    started = start_ordered_ids(flt, terms, sort, descending)
    if started is not None:
        ids, params = started
        return queries.rows(
            f"{queries.SELECT} WHERE o.id IN ({ids} LIMIT ? OFFSET ?) {order}",
            [*params, limit, offset],
        )
    if count <= queries.COUNT_LIMIT or not is_sqlite():
        walked = _word_walked(
            flt, terms, today, sort, descending, order, count, offset, limit, counts
        )
        if walked is not None:
            return walked
    picked = search_ids(flt, terms, today, sort, order, count, offset, limit)
    if picked is not None:
        pick, params, bounded = picked
        found = queries.rows(f"{queries.SELECT} WHERE o.id IN ({pick}) {order}", params)
        if len(found) == limit or not bounded:
            return found
        # The walk's rows held fewer: the matches gather further down (or the page is the
        # last one), and are walked against their list; or, more than COUNT_LIMIT of a
        # word, first looked for by the starts of its letters, their count made exact.
        if count > queries.COUNT_LIMIT:
            exact = _exact_count(flt, terms, sort)
            walked = _word_walked(flt, terms, today, sort, descending, order, exact, offset, limit)
            if walked is not None:
                return walked
    if (picked is not None and count > queries.COUNT_LIMIT and is_sqlite()) or _listed_first(count):
        ids, params = listed_ids(flt, terms, today, sort, order)
        return queries.rows(
            f"{queries.SELECT} WHERE o.id IN ({ids} LIMIT ? OFFSET ?) {order}",
            [*params, limit, offset],
        )
    ids, params = _matches_ids(flt, terms, today, order)
    return queries.rows(
        f"{queries.SELECT} WHERE o.id IN ({ids} LIMIT ? OFFSET ?) {order}", [*params, limit, offset]
    )


def ids_by(flt: OpportunityFilter, today: date, sort: str, order: str) -> tuple[str, list[Any]]:
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
    where, params = queries.opportunity_where(flt, today)
    only_status = bool(flt.status) and replace(flt, status=None) == OpportunityFilter()
    # (Where an index gives the sort's order under the status, the plain WHERE is best.)
    if only_status and is_sqlite() and not in_status_index_order(sort):
        where = " WHERE EXISTS (SELECT 1 FROM opportunity x WHERE x.status = ? AND x.id = o.id)"
    return f"SELECT o.id FROM opportunity o{where} {order}", params
