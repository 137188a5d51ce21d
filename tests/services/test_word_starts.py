"""Schema step word_starts: a customer search of one or two letters finds the start of a word
of the name, e-mail, phone or postcode, the same customers on both backends as reading each
one; the lead and customer lists count a search up to a bound and read a common term down
the sorted list, with the same rows as reading its matches; and a database of the version
before gains the starts filled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import accounts as account_queries
from app.db import leads as lead_queries
from app.db import migrations
from app.db.connection import database
from app.db.steps import STEPS
from app.db.steps.word_starts import word_starts
from app.domain.text import SUBSTRING_MIN_LENGTH, words_of
from app.services import accounts, leads, matching, workspace
from app.services.accounts import AccountFilter, AccountInput
from app.services.leads import LeadFilter, LeadInput
from app.services.workspace import UserInfo
from tests import people

# The version just before the step.
FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / f"schema-v{STEPS.index(word_starts) + 1}.sqlite3"
)

CUSTOMERS = [
    AccountInput(first_name="Jürgen", last_name="Müller", email="jm@rosenheim.example"),
    AccountInput(first_name="Maria", last_name="Rossi", phone="+39 02 1234567", postcode="20121"),
    AccountInput(
        kind="company", company_name="Ferro & Figli Srl", email="info@ferro.example", city="Roma"
    ),
    AccountInput(first_name="Seán", last_name="O'Brien", postcode="D02 X285"),
    AccountInput(first_name="Ελένη", last_name="Παπαδοπούλου", email="e@example.gr"),
]

SHORT = ["ro", "r", "fe", "ü", "mü", "mu", "o'", "o", "89", "02", "d0", "20", "ελ", "in", "x"]


def _words(account_id: int) -> list[str]:
    row = database.execute_sql(
        "SELECT sort_name, email_key, phone, postcode FROM account WHERE id = "
        + database.obj.param,
        (account_id,),
    ).fetchone()
    return words_of(" ".join([row[0], row[1], row[2], row[3].lower()]))


def _by_reading_every_customer(typed: str) -> set[int]:
    folded = matching.sort_key(typed)
    assert len(folded) < SUBSTRING_MIN_LENGTH
    parts = words_of(folded)
    ids = [r[0] for r in database.execute_sql("SELECT id FROM account").fetchall()]
    return {i for i in ids if all(any(w.startswith(p) for w in _words(i)) for p in parts)}


def _customers(typed: str) -> set[int]:
    flt = AccountFilter(text=typed)
    count, rows = accounts.count_and_first_page(flt, "name", False, 100)
    assert count == len(rows) == accounts.count(flt)
    assert [r.id for r in accounts.page(flt, "name", False, 0, 100)] == [r.id for r in rows]
    return {r.id for r in rows}


def test_one_or_two_letters_find_the_start_of_a_customers_word(user: UserInfo) -> None:
    made = [accounts.create(data).id for data in CUSTOMERS]
    for typed in SHORT:
        assert _customers(typed) == _by_reading_every_customer(typed), typed
    muller, rossi, ferro, obrien, _eleni = made
    assert _customers("ro") == {muller, rossi}  # Rossi, and "rosenheim" in the e-mail
    assert ferro not in _customers("rr")  # inside "Ferro": not a word's start
    assert _customers("d0") == {obrien}  # the postcode's first word, in any case
    # Three letters or more are found anywhere, the city too.
    assert _customers("err") == {ferro} and _customers("rom") == {ferro}


def test_the_starts_follow_a_changed_and_a_deleted_customer(user: UserInfo) -> None:
    made = accounts.create(AccountInput(first_name="Anna", last_name="Zeller"))
    assert _customers("ze") == {made.id}
    detail = accounts.get(made.id)
    accounts.update(made.id, AccountInput(first_name="Anna", last_name="Kowalska"), detail.version)
    assert _customers("ze") == set()
    assert _customers("ko") == {made.id}
    database.execute_sql("DELETE FROM account WHERE id = " + database.obj.param, (made.id,))
    assert _customers("ko") == set()


def _lead_pages(typed: str, sort: str, **narrowed: object) -> tuple[int, list[int]]:
    flt = LeadFilter(text=typed, **narrowed)  # type: ignore[arg-type]
    count, rows = leads.count_and_first_page(flt, sort, sort == "created_at", 4)
    assert [r.id for r in leads.page(flt, sort, sort == "created_at", 0, 4)] == [r.id for r in rows]
    return count, [r.id for r in rows]


def test_a_common_term_is_counted_up_to_the_bound_and_walked_in_the_lists_order(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(12):
        leads.create(LeadInput(first_name=f"Rita{n}", last_name="Rossi", email=f"r{n}@x.it"))
    leads.create(LeadInput(first_name="Ugo", last_name="Verdi", email="ugo@x.it"))
    read: dict[tuple[str, str], tuple[int, list[int]]] = {}
    for typed in ("r", "ro", "ross", "rita1"):
        for sort in ("created_at", "name", "email"):
            read[typed, sort] = _lead_pages(typed, sort)
    assert read["ro", "name"][0] == 12
    # From _WALK_FROM matches on, the sort's first _WALK_ROWS leads are walked first: a walk
    # that fills the page and one that falls short (then the matches are read) give the
    # same pages as reading the matches.
    monkeypatch.setattr(lead_queries, "_WALK_FROM", 2)
    for rows in (3, 100):
        monkeypatch.setattr(lead_queries, "_WALK_ROWS", rows)
        for (typed, sort), pages in read.items():
            assert _lead_pages(typed, sort) == pages, (rows, typed, sort)
    # With a bound of 5 the common terms say "more than 5" and walk down the list's
    # order testing each lead: the same first page as reading every match and sorting it.
    monkeypatch.setattr(lead_queries, "COUNT_LIMIT", 5)
    monkeypatch.setattr(leads, "SEARCH_COUNT_LIMIT", 5)
    for (typed, sort), (count, ids) in read.items():
        walked = _lead_pages(typed, sort)
        assert walked == (min(count, 6), ids), (typed, sort)
        assert _lead_pages(typed, sort, open_only=True)[1] == ids, (typed, sort)
    for n in range(8):
        accounts.create(AccountInput(first_name="Rita", last_name=f"Rossi{n}"))
    monkeypatch.setattr(account_queries, "COUNT_LIMIT", 5)
    assert accounts.count(AccountFilter(text="ro")) == 6
    assert len(accounts.page(AccountFilter(text="ro"), "name", False, 0, 100)) == 8


@pytest.mark.sqlite_only
def test_a_database_of_the_version_before_gains_the_starts(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(copy) as conn:
        assert "lead_start" not in {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        lead_names = conn.execute("SELECT id, last_name FROM lead ORDER BY id").fetchall()
        customers = conn.execute("SELECT count(*) FROM account").fetchone()[0]
    assert len(lead_names) > 10 and customers > 10
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        people.sign_in_as("anna")
        ids = [r[0] for r in database.execute_sql("SELECT id FROM account").fetchall()]
        starts = database.execute_sql("SELECT count(*) FROM account_start").fetchone()[0]
        assert starts == sum(len({w[:n] for w in _words(i) for n in (1, 2)}) for i in ids)
        for lead_id, last_name in lead_names:
            if last_name:
                found = leads.page(LeadFilter(text=last_name[:2]), "name", False, 0, 500)
                assert lead_id in {r.id for r in found}, last_name
        shorts = sorted({name[:n].lower() for _id, name in lead_names if name for n in (1, 2)})

        def found() -> list[list[int]]:
            return [
                [r.id for r in leads.page(LeadFilter(text=s), "name", False, 0, 500)]
                for s in shorts
            ]

        before = found()
        # Run again (interrupted before its commit): the same leads found, each once.
        with database.atomic():
            word_starts(database.obj)
        assert found() == before
        assert all(len(ids) == len(set(ids)) for ids in before)
        assert database.execute_sql("SELECT count(*) FROM account_start").fetchone()[0] == starts
    finally:
        workspace.close_database()
