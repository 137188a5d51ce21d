"""Schema step customer_search: a customer search of three characters or more reads the
customers from a trigram index on SQLite and finds the same customers, in the same pages,
as the LIKEs over every customer did; the triggers keep the index as customers are made,
changed, merged and deleted; and a database of an older version gains it filled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import accounts as account_queries
from app.db import migrations
from app.db.connection import database, is_sqlite
from app.db.queries import fetch_all
from app.db.steps import STEPS
from app.db.steps.customer_search import (
    ACCOUNT_SEARCH,
    ACCOUNT_SEARCH_BODY,
    customer_search,
)
from app.services import accounts, workspace
from app.services.accounts import AccountFilter, AccountInput, _search_terms
from app.services.workspace import UserInfo
from tests import people
from tests.upgrades import upgraded_copy

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v35.sqlite3"

CUSTOMERS = [
    AccountInput(
        first_name="Jürgen",
        last_name="Müller",
        email="j.mueller@rosenheim-auto.example",
        phone="+49 8031 123456",
        postcode="83022",
        city="Rosenheim",
    ),
    AccountInput(first_name="Max", last_name="Mueller", email="max@example.de", city="München"),
    AccountInput(
        first_name="Seán", last_name="O'Brien", email="sean.obrien@example.ie", postcode="D02 X285"
    ),
    AccountInput(
        kind="company",
        company_name="Weiß & Söhne GmbH",
        email="info@weiss-soehne.example",
        phone="089 1234567",
        city="ÜBERLINGEN",
    ),
    AccountInput(first_name="Maria", last_name="Rossi", phone="+39 02 1234567", city="Milano"),
    AccountInput(first_name="Ελένη", last_name="Παπαδοπούλου", email="eleni@example.gr"),
    AccountInput(
        kind="company", company_name='"Quoted" 50% Cars_Ltd', email="q_x@example.com", city="Köln"
    ),
    AccountInput(first_name="Anna", last_name="Straße", postcode="80331", city="münchen"),
]

# Names with umlauts and apostrophes, e-mail parts, cities in any case, phone digits typed
# in any format, postcodes, punctuation and LIKE's wildcards, terms the index cannot answer.
TYPED = [
    "muller", "MÜLLER", "mueller", "müll", "Jürgen müller", "o'brien", "o'b", "'br", "sean",
    "obrien", "rosenheim", "ROSEN", "rosenheim-auto", "example", "example.de", ".ie", "@exa",
    "weiss", "weiß", "söhne", "soehne", "münchen", "MÜNCHEN", "münch", "ÜBER", "überlingen",
    "milano", "köln", "KÖLN", "8031", "803", "0803", "089 1234567", "1234567", "+39 02",
    "0049 8031 123456", "830", "d02", "d02 x285", "x285", "ελένη", "ΕΛΈΝΗ", "παπα",
    "\"quoted\"", "50%", "s_l", "cars_", "q_x", "%%%", "___", "rossi ros", "ro milano",
    "mü rosen", "nobody", "ann stra", "strasse", "straße", "0000 1", "00001234",
]  # fmt: skip


def _plain(typed: str) -> set[int]:
    """What the LIKEs over every customer find, read without the index."""
    where, params = account_queries._account_where(_search_terms(typed), None)
    return {r[0] for r in fetch_all(f"SELECT a.id FROM account a{where}", params)}


def _listed(typed: str, sort: str = "name", descending: bool = False) -> list[int]:
    flt = AccountFilter(text=typed)
    count, rows = accounts.count_and_first_page(flt, sort, descending, 100)
    assert count == len(rows) == accounts.count(flt), typed
    assert [r.id for r in accounts.page(flt, sort, descending, 0, 100)] == [r.id for r in rows]
    return [r.id for r in rows]


def _indexed() -> dict[int, str]:
    return dict(fetch_all(f"SELECT rowid, body FROM {ACCOUNT_SEARCH}", []))  # type: ignore[arg-type]


def _kept() -> dict[int, str]:
    """Each customer's text as the index is to hold it, from the customer's columns now."""
    body = ACCOUNT_SEARCH_BODY.format(row="a")
    return dict(fetch_all(f"SELECT a.id, {body} FROM account a", []))  # type: ignore[arg-type]


def test_the_search_finds_what_the_likes_over_every_customer_find(user: UserInfo) -> None:
    made = [accounts.create(data, confirmed_new=True).id for data in CUSTOMERS]
    for typed in TYPED:
        assert set(_listed(typed)) == _plain(typed), typed
    muller, mueller, obrien, weiss, rossi, eleni, quoted, strasse = made
    assert set(_listed("mueller")) == {muller, mueller} and set(_listed("muller")) == {muller}
    assert set(_listed("o'b")) == {obrien}
    assert set(_listed("8031")) == {muller}  # the phone's digits, and its normalised number
    assert set(_listed("089 1234567")) == {weiss}
    assert set(_listed("803")) == {muller, strasse}  # a phone and a postcode
    assert set(_listed("ελένη")) == {eleni}
    assert set(_listed("50%")) == set(_listed("s_l")) == {quoted}
    # The city as SQLite's LIKE compares it (ASCII letters in any case): the same on both.
    assert set(_listed("köln")) == {quoted}
    assert set(_listed("münchen")) == _plain("münchen") >= {strasse}
    assert set(_listed("rossi ros")) == {rossi}


def test_the_pages_are_those_of_the_likes_past_the_bound(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for data in CUSTOMERS:
        accounts.create(data, confirmed_new=True)
    # A common term (more than the bound) walks down the list; fewer are read and sorted.
    monkeypatch.setattr(account_queries, "COUNT_LIMIT", 3)
    for typed in ("example", "mue", "muller", "münchen", "8031", "rosen"):
        for sort in ("name", "city"):
            for descending in (False, True):
                where, params = account_queries._account_where(_search_terms(typed), None)
                key = account_queries.ACCOUNT_SORT_COLUMNS[sort]
                order = "DESC" if descending else "ASC"
                every = [
                    r[0]
                    for r in fetch_all(
                        f"SELECT a.id FROM account a{where} ORDER BY {key} {order}, a.id {order}",
                        params,
                    )
                ]
                flt = AccountFilter(text=typed)
                count, rows = accounts.count_and_first_page(flt, sort, descending, 2)
                assert count == min(len(every), 4), typed
                assert [r.id for r in rows] == every[:2], (typed, sort, descending)
                for offset in (0, 2, 4):
                    page = accounts.page(flt, sort, descending, offset, 2)
                    assert [r.id for r in page] == every[offset : offset + 2], (typed, offset)


@pytest.mark.sqlite_only
def test_a_search_reads_the_index_not_every_customer(user: UserInfo) -> None:
    for data in CUSTOMERS:
        accounts.create(data, confirmed_new=True)
    terms = _search_terms("müller rosenheim")
    found, params = account_queries._found(terms, None, None)
    assert ACCOUNT_SEARCH in found
    plan = database.execute_sql(f"EXPLAIN QUERY PLAN {found} LIMIT 10", params).fetchall()
    details = [str(r[-1]) for r in plan]
    assert any(f"{ACCOUNT_SEARCH} VIRTUAL TABLE INDEX" in d for d in details), details
    assert not any(d.split()[:2] == ["SCAN", "a"] for d in details), details
    # A part shorter than three characters the index cannot answer: every customer tested.
    assert account_queries._match(_search_terms("0000 1")) is None


@pytest.mark.sqlite_only
def test_the_index_follows_made_changed_merged_and_deleted_customers(user: UserInfo) -> None:
    made = [accounts.create(data, confirmed_new=True).id for data in CUSTOMERS]
    assert _indexed() == _kept() and len(_kept()) == len(made)
    anna = accounts.create(
        AccountInput(first_name="Anna", last_name="Zeller", city="Passau"), confirmed_new=True
    ).id
    assert _indexed() == _kept() and _listed("zeller") == [anna]
    detail = accounts.get(anna)
    accounts.update(
        anna,
        AccountInput(first_name="Anna", last_name="Kowalska", email="ak@kowalska.example"),
        detail.version,
    )
    assert _indexed() == _kept()
    assert _listed("zeller") == _listed("passau") == []
    assert _listed("kowal") == [anna] and _listed("ak@kow") == [anna]
    # A merge: the kept one's text takes the dropped one's e-mail, the dropped one goes.
    duplicate = accounts.create(
        AccountInput(first_name="Anna", last_name="Kowalski", phone="0171 9876543"),
        confirmed_new=True,
    ).id
    assert _listed("9876543") == [duplicate]
    accounts.merge(duplicate, anna)
    assert _indexed() == _kept() and anna not in _indexed()
    assert _listed("9876543") == _listed("ak@kow") == [duplicate]
    database.execute_sql("DELETE FROM account WHERE id = " + database.obj.param, (duplicate,))
    assert _indexed() == _kept()
    assert _listed("9876543") == _listed("kowal") == []


def test_a_changed_customer_is_found_by_its_new_text_on_both_backends(user: UserInfo) -> None:
    made = accounts.create(
        AccountInput(first_name="Lena", last_name="Brückner", city="Gera"), confirmed_new=True
    ).id
    detail = accounts.get(made)
    accounts.update(
        made, AccountInput(first_name="Lena", last_name="Vogt", city="Jena"), detail.version
    )
    assert _listed("bruckner") == _listed("gera") == []
    assert _listed("vogt") == _listed("jena") == [made]
    if is_sqlite():
        assert _indexed() == _kept()


@pytest.mark.sqlite_only
def test_a_database_of_an_older_version_gains_the_index_filled(data_dir: Path) -> None:
    assert customer_search in STEPS[34:]  # schema 35 -> 36 or later
    with sqlite3.connect(FIXTURE) as old:
        assert old.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 35
        names = old.execute("SELECT id, sort_name FROM account ORDER BY id").fetchall()
        before = old.execute("SELECT * FROM account ORDER BY id").fetchall()
    assert len(names) > 10
    copy = upgraded_copy(FIXTURE, data_dir, customer_search)
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        assert new.execute("SELECT * FROM account ORDER BY id").fetchall() == before
        body = ACCOUNT_SEARCH_BODY.format(row="a")
        kept = new.execute(f"SELECT a.id, {body} FROM account a ORDER BY a.id").fetchall()
        # Filled once, however often the step ran.
        assert (
            new.execute(f"SELECT rowid, body FROM {ACCOUNT_SEARCH} ORDER BY rowid").fetchall()
            == kept
        )
        assert new.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    workspace.open_database(copy)
    try:
        people.sign_in_as("anna")
        for account_id, sort_name in names:
            assert account_id in _listed(sort_name), sort_name
            assert set(_listed(sort_name[1:6])) == _plain(sort_name[1:6]), sort_name
    finally:
        workspace.close_database()
