"""The opportunity list's reads: how many rows a filter holds (a search's up to
COUNT_LIMIT + 1) and a page of them in a sort's order."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.db import queries, sort_keys
from app.db.list_walks import ids_by, search_page, word_counts
from app.db.queries import (
    SELECT,
    OpportunityFilter,
    OpportunityRow,
    bounded_count,
    count_opportunities,
    rows,
    searched,
)


def opportunity_count_and_first_page(
    flt: OpportunityFilter, today: date, sort: str, descending: bool, limit: int
) -> tuple[int, list[OpportunityRow]]:
    """How many rows the filter holds, and the first `limit` of them: what the list reads
    for each filter. A search's count stops at COUNT_LIMIT + 1 (see count_up_to)."""
    terms = searched(flt)
    if not terms:
        count = count_opportunities(flt, today)
        return count, opportunity_page(flt, today, sort, descending, 0, limit) if count else []
    count, counts = _counted(flt, terms, today)
    if not count:
        return 0, []
    return count, search_page(flt, terms, today, sort, descending, 0, limit, count, counts)


def _counted(
    flt: OpportunityFilter, terms: list[Any], today: date
) -> tuple[int, tuple[int, int] | None]:
    """The search's count up to COUNT_LIMIT + 1, and on the server, where a word's walk could
    serve it, the counts that walk needs, read with it (list_walks.word_counts)."""
    counts = word_counts(flt, terms)
    if counts is None:
        return bounded_count(flt, terms, today), None
    return min(counts[0], queries.COUNT_LIMIT + 1), counts


def count_up_to(flt: OpportunityFilter, today: date) -> int:
    """The filter's count, where it searches up to COUNT_LIMIT + 1 (more than COUNT_LIMIT)."""
    terms = searched(flt)
    return bounded_count(flt, terms, today) if terms else count_opportunities(flt, today)


def opportunity_page(
    flt: OpportunityFilter, today: date, sort: str, descending: bool, offset: int, limit: int
) -> list[OpportunityRow]:
    terms = searched(flt)
    if terms:
        count, counts = _counted(flt, terms, today)
        if not count:
            return []
        return search_page(flt, terms, today, sort, descending, offset, limit, count, counts)
    sort, order = sort_keys.order(sort, descending)
    # The page's ids are picked first (an index walk that stops after `limit` rows), and
    # only those rows get the joins. Sorting the full rows instead sorted every match with
    # all its joins: a third of a second on 100,000 opportunities.
    ids, params = ids_by(flt, today, sort, order)
    pick = f"{ids} LIMIT ? OFFSET ?"
    return rows(f"{SELECT} WHERE o.id IN ({pick}) {order}", [*params, limit, offset])
