"""Schema step sort_starts: on SQLite, a search of one word's start of two letters under
*topic*, *probability*, *stage*, *owner*, *brand and model* and *status* reads its page from
an index of the starts in the sort's order, and a term of three characters or more that
every match holds at a word's start walks the starts of its first two letters (on the
server its own starts: schema steps start_sorts and start_sort_keys); the pages are a plain
reading's, every write keeps the starts and their keys, a database of the version before
gains them, and the server is left as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.db import list_walks, migrations, queries
from app.db import models as m
from app.db.connection import database
from app.db.sort_keys import SORT_COLUMNS
from app.db.steps import STEPS
from app.db.steps.sort_starts import KEYS, SORT_STARTS, START_ORDERS, sort_starts
from app.domain import vin
from app.domain.text import searchable, words_of
from app.services import opportunities, workspace
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories, people
from tests.services.test_list_queries import TODAY, _expected
from tests.services.test_list_queries import rows as rows  # the fixture: the demo's rows
from tests.upgrades import upgraded_copy

# The committed filled fixture of the version before the step.
FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / f"schema-v{STEPS.index(sort_starts) + 1}.sqlite3"
)

_TEXTS = """
SELECT o.id, o.status, o.topic || ' ' || a.name || ' ' || o.brand || ' ' || o.model || ' '
       || coalesce(v.vin || ' ' || v.stock_number, ''), {keys}
FROM opportunity o JOIN account a ON a.id = o.account_id
LEFT JOIN vehicle v ON v.id = o.vehicle_id
""".format(keys=", ".join(f"o.{key}" for key in KEYS))


def _starts_expected(conn: Any = None) -> set[tuple[Any, ...]]:
    """The first two characters of every opportunity's words of two or more, folded and
    parted as the program does, with its status and keys."""
    found = conn.execute(_TEXTS) if conn else database.execute_sql(_TEXTS)
    return {
        (i, w[:2], status, *keys)
        for i, status, text, *keys in found.fetchall()
        for w in words_of(searchable(text))
        if len(w) >= 2
    }


def _starts_held(conn: Any = None) -> set[tuple[Any, ...]]:
    sql = f"SELECT opportunity_id, start, status, {', '.join(KEYS)} FROM {SORT_STARTS}"
    found = conn.execute(sql) if conn else database.execute_sql(sql)
    return {tuple(r) for r in found.fetchall()}


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[bool]:
    taken: list[bool] = []
    real = getattr(list_walks, name)

    def spy(*args: Any) -> Any:
        found = real(*args)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(list_walks, name, spy)
    return taken


def _word_walk(backend: str) -> str:
    """The word's walk of the backend (app.db.list_walks)."""
    return "_word_walk" if backend == "sqlite" else "_server_word_walk"


def _check_pages(rows: list[tuple[Any, ...]], text: str, sort: str, counted: bool = True) -> None:
    status_of = {r[0]: r[11] for r in rows}
    for status in (None, "open", "won"):
        flt = OpportunityFilter(text=text, status=status)
        for descending in (False, True):
            expected = [
                i
                for i in _expected(rows, text, sort, descending, None)
                if status is None or status_of[i] == status
            ]
            if counted:
                assert opportunities.count(flt, TODAY) == len(expected), (text, status)
            for offset, limit in ((0, 5), (3, 7), (0, 500)):
                page = opportunities.page(flt, sort, descending, offset, limit, TODAY)
                wanted = expected[offset : offset + limit]
                assert [r.id for r in page] == wanted, (text, sort, status, descending, offset)


@pytest.mark.parametrize("sort", sorted(START_ORDERS))
def test_a_two_letter_start_s_pages_by_the_starts_are_a_plain_reading(
    rows: list[tuple[Any, ...]], sort: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _spy(monkeypatch, "_sqlite_start_ordered_ids")
    for text in ("go", "wv", "mü", "x9", "o'", "e"):
        _check_pages(rows, text, sort)
    # Two letters on SQLite (one letter walks as before); the server has its own.
    assert any(taken) == (backend == "sqlite")


@pytest.mark.parametrize("sort", sorted(START_ORDERS))
@pytest.mark.parametrize("rows_a_match", [10, 1])
def test_a_word_s_pages_by_the_starts_are_a_plain_reading(
    rows: list[tuple[Any, ...]],
    sort: str,
    rows_a_match: int,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A term of three characters or more with more matches than half the count's bound
    (the bound made each term's count here, the demo being small): its pages are a plain
    reading's whether the walk of the starts finds them, comes short (one start tested a
    row) or is not taken (a match holds the term inside a word only)."""
    taken = _spy(monkeypatch, _word_walk(backend))
    monkeypatch.setattr(list_walks, "_WORD_WALK_ROWS", rows_a_match)
    for text in ("golf", "wvw", "gol", "olf", "lease", "an"):
        count = opportunities.count(OpportunityFilter(text=text), TODAY)
        with monkeypatch.context() as bound:
            bound.setattr(queries, "COUNT_LIMIT", max(count, 1))
            _check_pages(rows, text, sort)
    assert any(taken)


# The sorts no index of the starts serves.
_OTHER_SORTS = sorted(set(SORT_COLUMNS) - set(START_ORDERS))


@pytest.mark.parametrize("sort", _OTHER_SORTS)
@pytest.mark.parametrize("spread", [True, False])
def test_a_word_s_pages_under_the_other_sorts_are_a_plain_reading(
    rows: list[tuple[Any, ...]],
    sort: str,
    spread: bool,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under the sorts the starts do not serve, a word of many matches is walked down the
    sort's index against the list of the opportunities holding it at a word's start (the
    server's _server_listed_walk): its pages are a plain reading's whether the walk finds
    them, comes short (its bound made a page's rows: the matches taken for dense) or is
    not taken (a match holds the term inside a word only)."""
    taken = _spy(monkeypatch, "_server_listed_walk")
    if not spread:
        monkeypatch.setattr(list_walks, "_total", lambda: 1)
    for text in ("golf", "wvw", "olf", "lease"):
        count = opportunities.count(OpportunityFilter(text=text), TODAY)
        with monkeypatch.context() as bound:
            bound.setattr(queries, "COUNT_LIMIT", max(count, 1))
            _check_pages(rows, text, sort)
        with monkeypatch.context() as bound:
            bound.setattr(queries, "COUNT_LIMIT", max((count + 1) // 2, 1))
            _check_pages(rows, text, sort, counted=False)
    assert any(taken) == (backend == "postgresql")


@pytest.mark.parametrize("sort", sorted(START_ORDERS))
def test_a_word_of_more_matches_than_the_count_s_bound_pages_as_a_plain_reading(
    rows: list[tuple[Any, ...]], sort: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the count's bound (half the term's matches here) the word's walk comes, for
    everyone's, after the first walk down the sort's index came short (one row tested
    here), its count made exact (on the server first, its count made exact with it)."""
    taken = _spy(monkeypatch, _word_walk(backend))
    monkeypatch.setattr(list_walks, "walk_rows", lambda count, wanted: 1)
    for text in ("golf", "wvw", "olf", "an"):
        count = opportunities.count(OpportunityFilter(text=text), TODAY)
        with monkeypatch.context() as bound:
            bound.setattr(queries, "COUNT_LIMIT", max((count + 1) // 2, 1))
            _check_pages(rows, text, sort, counted=False)
    assert any(taken)


def test_the_word_walk_is_taken_only_where_every_match_holds_the_word_at_a_start(
    rows: list[tuple[Any, ...]], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def walked(text: str, sort: str = "brand_model", share: float = 1, **flt: Any) -> bool:
        filtered = OpportunityFilter(text=text, **flt)
        count = opportunities.count(filtered, TODAY)
        monkeypatch.setattr(queries, "COUNT_LIMIT", max(int(count * share), 1))
        terms = queries.searched(filtered)
        if backend == "sqlite":
            return list_walks._word_walk(filtered, terms, sort, False, count, 0, 5) is not None
        counts = list_walks.word_counts(filtered, terms)
        assert counts is None or min(counts[0], queries.COUNT_LIMIT + 1) == min(
            count, queries.COUNT_LIMIT + 1
        )
        return list_walks._server_word_walk(filtered, terms, sort, False, counts, 0, 5) is not None

    golf = [r for r in rows if "golf" in searchable(r[12])]
    assert golf and all(
        any(w.startswith("golf") for w in words_of(searchable(r[12]))) for r in golf
    )
    assert walked("golf") and walked("golf", status="open")
    assert not walked("olf")  # inside a word only
    assert not walked("golf", "customer")  # no index of the starts in that order
    assert not walked("golf gti")  # two terms
    assert not walked("golf", owner_id=rows[0][13])  # a filter besides the status
    if backend == "postgresql":
        # Past the count's bound, everyone's: counted further with the opportunities
        # holding the word at a start (on SQLite after a walk, with _exact_count, below).
        assert walked("golf", share=0.6) and walked("golf", share=0.6, status="open")
        assert not walked("olf", share=0.6)
        assert not walked("golf", share=0.3)  # more than _exact_limit(): not counted further
        # Nor are the word's starts counted then: the walk could not be taken.
        golf_search = OpportunityFilter(text="golf")
        counts = list_walks.word_counts(golf_search, queries.searched(golf_search))
        assert counts == (list_walks._exact_limit() + 1, 0)
        return
    # Past the count's bound the term is counted again only where a walk could be taken.
    searched = OpportunityFilter(text="golf")
    assert list_walks._exact_count(searched, queries.searched(searched), "brand_model") > 0
    assert list_walks._exact_count(searched, queries.searched(searched), "est_revenue") == 0
    searched = OpportunityFilter(text="golf", status="open")
    assert list_walks._exact_count(searched, queries.searched(searched), "brand_model") == 0


@pytest.mark.sqlite_only
def test_every_write_keeps_the_starts_and_their_keys(user: UserInfo) -> None:
    """Creating, a stage move, a new owner, the topic, brand, model and status, the
    customer's name, the vehicle's VIN, deleting: the table holds each opportunity's starts
    with its keys as they are."""
    vehicle, account, sale, other = factories.searched_sales(user.id)
    assert _starts_held() == _starts_expected()
    assert any(s[:2] == (sale.id, "wv") for s in _starts_held())
    row = m.Opportunity.get_by_id(sale.id)
    stages = list(m.Stage.select().where(m.Stage.id != row.stage_id).limit(2))
    row.stage_id, row.probability = stages[0].id, 60
    row.save()
    assert _starts_held() == _starts_expected()
    assert {s[5] for s in _starts_held() if s[0] == sale.id} == {stages[0].sequence}
    row.owner_id = people.add_user("bernd", full_name="Bernd Zeller").id
    row.save()
    assert _starts_held() == _starts_expected()
    assert {s[6] for s in _starts_held() if s[0] == sale.id} == {"Bernd Zeller"}
    row.brand, row.model, row.topic = "Audi", "A3", "Zander estate"
    row.save()
    assert _starts_held() == _starts_expected()
    row.status, row.probability = "lost", 0
    row.save()
    assert _starts_held() == _starts_expected()
    named = m.Account.get_by_id(account)
    named.name = "Jäger, Anna"
    named.save()
    vehicle.vin = vin.with_check_digit("TMBJJ7NE0L0999999")
    vehicle.save()
    held = _starts_held()
    assert held == _starts_expected()
    assert {s[1] for s in held if s[0] == sale.id} >= {"ja", "tm", "za"}
    assert not any(s[:2] == (sale.id, "wv") for s in held)
    m.Opportunity.delete_by_id(other.id)
    assert {s[0] for s in _starts_held()} == {sale.id}
    assert _starts_held() == _starts_expected()


@pytest.mark.sqlite_only
def test_a_save_that_changes_no_word_leaves_the_words_and_starts(user: UserInfo) -> None:
    _vehicle, _account, sale, _other = factories.searched_sales(user.id)
    database.execute_sql("CREATE TEMP TABLE words_out (n INTEGER)")
    database.execute_sql(
        "CREATE TEMP TRIGGER words_out AFTER DELETE ON main.opportunity_word BEGIN "
        "INSERT INTO words_out VALUES (1); END"
    )

    def words_out() -> int:
        return int(database.execute_sql("SELECT count(*) FROM words_out").fetchone()[0])

    row = m.Opportunity.get_by_id(sale.id)
    row.est_revenue_minor = (row.est_revenue_minor or 0) + 100
    row.save()  # every column written, none of the words' changed
    assert words_out() == 0
    assert _starts_held() == _starts_expected()
    row.topic = "Passat Variant"
    row.save()
    assert words_out() > 0
    assert _starts_held() == _starts_expected()


@pytest.mark.sqlite_only
def test_a_database_of_the_version_before_gains_the_starts_once(data_dir: Path) -> None:
    with sqlite3.connect(FIXTURE) as old:
        assert old.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            STEPS.index(sort_starts) + 1
        )
        before = old.execute("SELECT * FROM opportunity ORDER BY id").fetchall()
        topics = old.execute("SELECT id, topic FROM opportunity ORDER BY id").fetchall()
    assert len(before) > 10
    copy = upgraded_copy(FIXTURE, data_dir, sort_starts)
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        assert new.execute("SELECT * FROM opportunity ORDER BY id").fetchall() == before
        # Filled once, however often the step ran.
        held = _starts_held(new)
        assert held == _starts_expected(new)
        assert new.execute(f"SELECT count(*) FROM {SORT_STARTS}").fetchone()[0] == len(held)
        assert new.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    workspace.open_database(copy)
    try:
        people.sign_in_as("anna")
        for opportunity_id, topic in topics:
            start = next(w for w in words_of(searchable(topic)) if len(w) >= 2)[:2]
            for sort in START_ORDERS:
                found = opportunities.page(OpportunityFilter(text=start), sort, False, 0, 500)
                assert opportunity_id in [r.id for r in found], (topic, sort)
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_the_server_gains_nothing(db: Any) -> None:
    assert SORT_STARTS not in database.get_tables()
    sort_starts(database.obj)
    assert SORT_STARTS not in database.get_tables()
