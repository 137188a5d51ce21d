"""Short searches look for word starts in a table of the folded words (schema step
search_words), kept by every write on both backends; a search's count in the list stops
past a bound and says so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import migrations, queries
from app.db import models as m
from app.db.connection import database, is_sqlite
from app.db.steps import STEPS
from app.db.steps.search_words import search_words
from app.domain import vin
from app.domain.text import fold, searchable, words_of
from app.services import opportunities, workspace
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v18.sqlite3"

_TEXTS = """
SELECT o.id, o.status, o.topic || ' ' || a.name || ' ' || o.brand || ' ' || o.model || ' '
       || coalesce(v.vin || ' ' || v.stock_number, '')
FROM opportunity o JOIN account a ON a.id = o.account_id
LEFT JOIN vehicle v ON v.id = o.vehicle_id
"""


def _words_expected() -> set[tuple[str, int, str]]:
    """Every opportunity's words as the program folds and parts its search text."""
    rows = database.execute_sql(_TEXTS).fetchall()
    return {(w, i, status) for i, status, text in rows for w in words_of(searchable(text))}


def _words_held() -> set[tuple[str, int, str]]:
    if not is_sqlite():
        # The server folds what its triggers left unfolded before it searches.
        opportunities.count(OpportunityFilter(text="x"))
    rows = database.execute_sql("SELECT word, opportunity_id, status FROM opportunity_word")
    return {tuple(r) for r in rows.fetchall()}  # type: ignore[misc]


def _ids(text: str, **flt: object) -> list[int]:
    rows = opportunities.page(OpportunityFilter(text=text, **flt), "id", False, 0, 500)  # type: ignore[arg-type]
    return [r.id for r in rows]


@pytest.mark.sqlite_only  # the committed fixture is a SQLite file
def test_a_schema_18_database_gains_the_words_of_every_opportunity(data_dir: Path) -> None:
    assert STEPS[-1] is search_words or search_words in STEPS[17:]
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "opportunity_word" not in tables
        before = old.execute("SELECT count(*) FROM opportunity").fetchone()[0]
    assert before > 0
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        held = _words_held()
        assert held == _words_expected()
        assert len({i for _w, i, _s in held}) == before
        # Run again, as after an interruption before its commit: the same words.
        with database.atomic():
            search_words(database.obj)
        assert _words_held() == held
    finally:
        workspace.close_database()


def test_every_write_keeps_the_words(user: UserInfo) -> None:
    """Creating, editing, closing, renaming the customer, changing the vehicle's VIN and
    deleting: the table holds exactly the words of each search text, on both backends."""
    vehicle, account, sale, other = factories.searched_sales(user.id)
    assert _words_held() == _words_expected()
    row = m.Opportunity.get_by_id(sale.id)
    row.topic = "Tiguan (family)"
    row.status = "lost"
    row.save()
    assert _words_held() == _words_expected()
    named = m.Account.get_by_id(account)
    named.name = "Jäger, Anna"
    named.save()
    vehicle.vin = vin.with_check_digit("TMBJJ7NE0L0999999")
    vehicle.save()
    assert _words_held() == _words_expected()
    m.Opportunity.delete_by_id(other.id)
    held = _words_held()
    assert held == _words_expected()
    assert {i for _w, i, _s in held} == {sale.id}
    assert ("jaeger", sale.id, "lost") in held and ("jager", sale.id, "lost") in held


def test_one_or_two_letters_find_word_starts_and_longer_terms_substrings(
    user: UserInfo,
) -> None:
    golf = factories.opportunity(user.id, factories.customer("Meier"), topic="Golf GTI")
    lego = factories.opportunity(user.id, factories.customer("Lego"), topic="Transporter")
    obrien = factories.opportunity(user.id, factories.customer("O'Brien", "Siobhán"), topic="Kombi")
    assert _ids("go") == [golf.id]  # not "Lego"
    assert _ids("g") == [golf.id]
    assert _ids("ego") == [lego.id]  # three letters: anywhere
    assert _ids("br") == [obrien.id]  # "O'Brien": a word after the apostrophe
    assert _ids("o'") == [obrien.id]
    assert _ids("si") == [obrien.id]  # "Siobhán" folded
    assert _ids("go tr") == []
    assert _ids("go me") == [golf.id]
    # Punctuation alone, which no word holds, is looked for anywhere.
    assert _ids("'") == [obrien.id]
    assert _ids("-") == []
    assert _ids("go", status="open") == [golf.id]
    assert _ids("go", status="won") == []


def test_the_list_counts_a_search_up_to_its_bound(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [
        factories.opportunity(user.id, topic=f"Golf {n}", est_close_date=factories.days(n)).id
        for n in range(1, 8)
    ]
    monkeypatch.setattr(queries, "COUNT_LIMIT", 4)
    for text in ("g", "gol", "golf 1"):
        for status in (None, "open"):
            for sort in ("est_close_date", "customer", "stage", "topic"):
                count, first = opportunities.count_and_first_page(
                    OpportunityFilter(text=text, status=status), sort, False, 3
                )
                expected = [i for i in made if text != "golf 1" or i == made[0]]
                assert count == min(len(expected), 5), (text, status, sort)
                assert len(first) == min(3, len(expected))
                assert set(r.id for r in first) <= set(expected)
    # The exact count stays exact; the page after the bound is still there.
    assert opportunities.count(OpportunityFilter(text="g")) == 7
    page = opportunities.page(OpportunityFilter(text="g"), "est_close_date", False, 5, 5)
    assert [r.id for r in page] == made[5:]


def test_the_server_finds_what_sqlite_finds_for_every_short_term(user: UserInfo) -> None:
    """Each backend checked against the same plain reading (this test runs on both): the
    server's words are parted by its own regular expression, SQLite's by the program."""
    names = ["Müller-Lüdenscheidt", "D'Angelo", "Ødegaard", "Straße 5/7", "Łukasz", "x_y%z"]
    made = {n: factories.opportunity(user.id, factories.customer(n), topic=n).id for n in names}
    rows = database.execute_sql(_TEXTS).fetchall()
    texts = {i: searchable(text) for i, _s, text in rows}
    for typed in (
        "mu",
        "lu",
        "ue",
        "d'",
        "an",
        "o",
        "od",
        "st",
        "5",
        "7",
        "lu",
        "x",
        "y",
        "%",
        "_z",
    ):
        parts = words_of(fold(typed))
        expected = sorted(
            i
            for i, text in texts.items()
            if (
                all(any(w.startswith(p) for w in words_of(text)) for p in parts)
                if parts
                else fold(typed) in text
            )
        )
        assert _ids(typed) == expected, typed
    assert made["D'Angelo"] in _ids("an")
