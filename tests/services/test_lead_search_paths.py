"""The lead list reads a search one of several ways, chosen by its count: down the sorted
list testing each lead (a term most leads hold, among everyone's or the open ones), a walk
of a bounded stretch that falls short and then the matches read and sorted, or the matches
read and sorted straight away (a rare term). Each way gives the same count and pages as
reading every lead, under every sort and with the other filters, on both backends."""

from __future__ import annotations

import pytest

from app.db import leads as lead_queries
from app.db.connection import database, nulls_as_sqlite
from app.db.server_schema import LEAD_COLUMNS
from app.domain.text import SUBSTRING_MIN_LENGTH, fold, search_words, searchable, words_of
from app.services import leads
from app.services.leads import LeadFilter, LeadInput
from app.services.workspace import UserInfo
from tests import people

OPEN = ("new", "contacted", "qualified")
STATUSES = ("new", "disqualified", "contacted", "converted", "qualified", "new")
SURNAMES = ("Rossi", "Müller", "O'Brien", "Ferro", "Exner", "Rossetti", "Weiß")
MODELS = ("Golf", "Polo", "Q3", "Octavia")
# Terms most leads hold ("ex": every e-mail's example.*), some, and a few.
TYPED = ("ex", "e", "example", "r", "ro", "ross", "go", "mü", "o'", "exner golf", "q3", "zz")
SORTS = ("created_at", "name", "owner", "email", "status")
PAGE = 3


def _holds(body: str, term: str) -> bool:
    parts = words_of(term) if len(term) < SUBSTRING_MIN_LENGTH else []
    if not parts:
        return term in body
    words = words_of(body)
    return all(any(w.startswith(p) for w in words) for p in parts)


def _expected(flt: LeadFilter, sort: str, descending: bool) -> list[int]:
    """Every lead read and its text folded, those the filter keeps sorted by the list's own
    ORDER BY."""
    found = []
    columns = ", ".join(LEAD_COLUMNS)
    for row in database.execute_sql(f"SELECT id, status, owner_id, {columns} FROM lead"):
        body = searchable(" ".join(str(v) for v in row[3:]))
        if not all(_holds(body, fold(t)) for t in search_words(flt.text)):
            continue
        if flt.open_only and row[1] not in OPEN:
            continue
        if flt.owner_id is not None and row[2] != flt.owner_id:
            continue
        found.append(row[0])
    if not found:
        return []
    direction = "DESC" if descending else "ASC"
    key = lead_queries.LEAD_SORT_COLUMNS[sort].format(dir=direction)
    nulls = nulls_as_sqlite(descending) if sort == "owner" else ""
    marks = ", ".join([database.obj.param] * len(found))
    rows = database.execute_sql(
        f'SELECT l.id FROM lead l LEFT JOIN "user" u ON u.id = l.owner_id WHERE l.id IN '
        f"({marks}) ORDER BY {key} {direction}{nulls}, l.id {direction}",
        found,
    )
    return [r[0] for r in rows]


def _leads(owners: list[int | None]) -> None:
    for n in range(42):
        surname = SURNAMES[n % len(SURNAMES)]
        made = leads.create(
            LeadInput(
                first_name=f"Lea{n}",
                last_name=surname,
                email=f"lea{n}@example.{'de' if n % 3 else 'it'}" if n % 5 else "",
                phone="" if n % 5 else f"+49 89 {5550 + n}",
                model=MODELS[n % len(MODELS)],
            )
        )
        p = database.obj.param
        database.execute_sql(
            f"UPDATE lead SET status = {p}, owner_id = {p}, created_at = {p} WHERE id = {p}",
            (
                STATUSES[n % len(STATUSES)],
                owners[n % len(owners)],
                f"2026-0{1 + n % 9}-{10 + n % 17} 10:00:00",
                made.id,
            ),
        )


def _check_every_way(flt: LeadFilter, way: str) -> None:
    for sort in SORTS:
        for descending in (False, True):
            expected = _expected(flt, sort, descending)
            count, rows = leads.count_and_first_page(flt, sort, descending, PAGE)
            assert count == min(len(expected), lead_queries.COUNT_LIMIT + 1), (way, flt, sort)
            assert [r.id for r in rows] == expected[:PAGE], (way, flt, sort, descending)
            second = leads.page(flt, sort, descending, PAGE, PAGE)
            assert [r.id for r in second] == expected[PAGE : 2 * PAGE], (way, flt, sort)


@pytest.mark.parametrize(
    "way",
    ["chosen", "always walked", "walk falls short", "never walked", "past the count's bound"],
)
def test_each_way_of_reading_a_search_gives_the_leads_reading_every_lead_gives(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    bea = people.add_user("bea", full_name="Bea Adler").id
    carl = people.add_user("carl", full_name="Carl Zorn").id
    _leads([bea, None, carl, bea])
    if way == "always walked":  # down the sorted list, whatever the count
        monkeypatch.setattr(lead_queries, "_WALK_COST_RATIO", 1e9)
        monkeypatch.setattr(lead_queries, "_WALK_FROM", 1)
        monkeypatch.setattr(lead_queries, "_WALK_BY_TIME_FROM", 1)
        # (The server's walk of a bounded stretch: half the leads, in the sort's order.)
        monkeypatch.setattr(lead_queries, "_WALK_ROWS", 20)
    elif way == "walk falls short":  # a walk of two leads, then the matches read
        monkeypatch.setattr(lead_queries, "_WALK_COST_RATIO", 1e9)
        monkeypatch.setattr(lead_queries, "_walk_rows", lambda count, wanted, total: 2)
        monkeypatch.setattr(lead_queries, "_WALK_FROM", 1)
        monkeypatch.setattr(lead_queries, "_WALK_ROWS", 2)
    elif way == "never walked":  # the matches read and sorted
        monkeypatch.setattr(lead_queries, "_WALK_COST_RATIO", 0.0)
        monkeypatch.setattr(lead_queries, "_WALK_FROM", 10**9)
        monkeypatch.setattr(lead_queries, "_WALK_BY_TIME_FROM", 10**9)
    elif way == "past the count's bound":  # "more than 4", and every lead walked
        monkeypatch.setattr(lead_queries, "COUNT_LIMIT", 4)
        monkeypatch.setattr(leads, "SEARCH_COUNT_LIMIT", 4)
    for typed in TYPED:
        _check_every_way(LeadFilter(text=typed), way)
        _check_every_way(LeadFilter(text=typed, open_only=True), way)
    for typed in ("ex", "ro", "go"):
        _check_every_way(LeadFilter(text=typed, owner_id=bea), way)


@pytest.mark.sqlite_only
def test_a_term_most_open_leads_hold_walks_the_list_a_rare_one_reads_its_matches(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _leads([None])
    walked: list[str] = []
    walk = lead_queries._walked

    def spied(flt: LeadFilter, *args: object) -> object:
        walked.append(flt.text)
        return walk(flt, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(lead_queries, "_walked", spied)
    for typed in ("ex", "mü", "zz"):
        leads.count_and_first_page(LeadFilter(text=typed, open_only=True), "created_at", True, 3)
    assert walked == ["ex"]
