"""The opportunity list's pages and counts checked against a plain reading of the demo data.

Every sort, both directions, short and long search terms, whichever way the query takes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from app.db import list_walks, sort_keys
from app.db.connection import database, is_sqlite
from app.domain.text import fold, searchable, words_of
from app.services import opportunities
from app.services.opportunities import SORT_COLUMNS, OpportunityFilter

TODAY = date(2026, 3, 16)

_ALL = """
SELECT o.id, o.topic, a.sort_name, s.sequence, o.probability, o.est_revenue_minor,
       o.est_close_date, u.full_name, o.brand, o.model, f.name, o.status,
       o.topic || ' ' || a.name || ' ' || o.brand || ' ' || o.model || ' '
       || coalesce(v.vin || ' ' || v.stock_number, ''), o.owner_id,
       o.lost_reason, o.competitor, o.won_reason
FROM opportunity o JOIN account a ON a.id = o.account_id
LEFT JOIN stage s ON s.id = o.stage_id LEFT JOIN "user" u ON u.id = o.owner_id
LEFT JOIN facility f ON f.id = o.facility_id LEFT JOIN vehicle v ON v.id = o.vehicle_id
"""
_KEYS = {
    "id": (0,),
    "topic": (1,),
    "customer": (2,),
    "stage": (3,),
    "probability": (4,),
    "est_revenue": (5,),
    "est_close_date": (6,),
    "owner": (7,),
    "brand_model": (8, 9),
    "facility": (10,),
    "status": (11,),
    "lost_reason": (14,),
    "competitor": (15,),
    "won_reason": (16,),
}


def _found(text: str, searched: str) -> bool:
    """Whether a search finds a text, read plainly: both folded (no case, no accents); a
    term of three characters or more anywhere in it, a shorter one at the start of a word
    (each of its words, when punctuation parts it), and punctuation alone anywhere."""
    folded = searchable(searched)
    words = words_of(folded)
    for term in map(fold, text.split()):
        if len(term) >= 3 or not words_of(term):
            if term not in folded:
                return False
        elif not all(any(w.startswith(part) for w in words) for part in words_of(term)):
            return False
    return True


def _expected(
    rows: list[tuple[Any, ...]], text: str, sort: str, descending: bool, owner: int | None
) -> list[int]:
    hits = [r for r in rows if _found(text, r[12]) and (owner is None or r[13] == owner)]

    def key(r: tuple[Any, ...]) -> tuple[Any, ...]:
        # NULL sorts first ascending in SQLite, and last descending.
        values = tuple((r[i] is not None, r[i] if r[i] is not None else 0) for i in _KEYS[sort])
        return (*values, r[0])

    return [r[0] for r in sorted(hits, key=key, reverse=descending)]


@pytest.fixture
def rows(demo_data: Callable[..., None]) -> list[tuple[Any, ...]]:
    demo_data(today=TODAY)
    return list(database.execute_sql(_ALL).fetchall())


def test_every_sort_key_has_a_reference() -> None:
    assert set(SORT_COLUMNS) == set(_KEYS)


@pytest.mark.parametrize("sort", sorted(_KEYS))
def test_pages_match_a_plain_reading_whichever_way_they_are_found(
    rows: list[tuple[Any, ...]], sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[bool] = []
    real = list_walks.walk_is_cheaper

    def spy(*args: Any) -> bool:
        walks.append(real(*args))
        return walks[-1]

    monkeypatch.setattr(list_walks, "walk_is_cheaper", spy)
    owner = rows[0][13]
    for text in (
        "",
        "o",
        "e",
        "go",
        "ß",
        "o'",
        "x9",
        "golf",
        "golf o",
        "müller",
        "wv r",
        "-",
        "t-",
    ):
        for owner_id in (None, owner):
            flt = OpportunityFilter(text=text, owner_id=owner_id)
            for descending in (False, True):
                expected = _expected(rows, text, sort, descending, owner_id)
                assert opportunities.count(flt, TODAY) == len(expected), (text, owner_id)
                for offset, limit in ((0, 5), (3, 7), (0, 500)):
                    page = opportunities.page(flt, sort, descending, offset, limit, TODAY)
                    wanted = expected[offset : offset + limit]
                    assert [r.id for r in page] == wanted, (text, owner_id, descending, offset)
    # On SQLite both ways were taken: the walk down the sorted list, and reading the
    # matches out of the index and sorting them (the server's planner chooses itself).
    if is_sqlite():
        assert any(walks) and not all(walks)


@pytest.mark.parametrize("sort", sorted(_KEYS))
def test_the_count_and_first_page_read_together_match_a_plain_reading(
    rows: list[tuple[Any, ...]], sort: str
) -> None:
    status_of = {r[0]: r[11] for r in rows}
    for text in ("", "o", "go", "ß", "o'", "x9", "golf", "golf o", "wv r"):
        for status in (None, "open", "won"):
            flt = OpportunityFilter(text=text, status=status)
            for descending in (False, True):
                expected = [
                    i
                    for i in _expected(rows, text, sort, descending, None)
                    if status is None or status_of[i] == status
                ]
                for limit in (5, 500):
                    count, page = opportunities.count_and_first_page(
                        flt, sort, descending, limit, TODAY
                    )
                    assert count == len(expected), (text, status)
                    assert [r.id for r in page] == expected[:limit], (text, status, descending)
                    assert opportunities.page(flt, sort, descending, 0, limit, TODAY) == page


@pytest.mark.sqlite_only  # SQLite's query plan
def test_the_open_ones_by_close_date_are_read_from_one_index(rows: list[tuple[Any, ...]]) -> None:
    # The list's first screen: its page is the first entries of the status and close-date
    # index, with no sort of the open rows (schema step 7).
    for descending in (False, True):
        _key, order = sort_keys.order("est_close_date", descending)
        sql, params = list_walks.ids_by(
            OpportunityFilter(status="open"), TODAY, "est_close_date", order
        )
        plan = " | ".join(
            str(step[-1])
            for step in database.execute_sql(f"EXPLAIN QUERY PLAN {sql} LIMIT 200", params)
        )
        assert "opportunity_status_est_close_date" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
