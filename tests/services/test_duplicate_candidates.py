"""The duplicate check's similar names at a postcode: on a fixed set of customers it finds
exactly what difflib over the postcode's names finds (as it always did), however many
customers share the postcode."""

from __future__ import annotations

import difflib
import random
import sqlite3
from pathlib import Path

import pytest

from app.db import accounts as db_accounts
from app.db import migrations
from app.db import models as m
from app.db.connection import database, is_sqlite
from app.db.steps import STEPS
from app.db.steps.duplicate_indexes import DUPLICATE_INDEX, duplicate_indexes
from app.services import accounts, matching, workspace
from app.services.accounts import AccountInput
from app.services.workspace import UserInfo
from tests import people

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v22.sqlite3"

FIRST = ["Maria", "Mario", "Anna", "Hans", "Jürgen", "Sean", "Katarzyna", "Giulia", "Luca", "Eva"]
LAST = ["Rossi", "Russo", "Müller", "Mueller", "Schmidt", "Schmitt", "O'Brien", "Dąbrowska"]


def _typo(rng: random.Random, word: str) -> str:
    """The word with one letter dropped, doubled or swapped with the next."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    return rng.choice(
        [
            word[:i] + word[i + 1 :],
            word[:i] + word[i] + word[i:],
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        ]
    )


def _fill(rng: random.Random, postcodes: dict[str, int]) -> None:
    """Customers at each postcode: names from the lists above, one in three with a typo."""
    rows = []
    for postcode, count in postcodes.items():
        for _ in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if rng.random() < 0.33:
                last = _typo(rng, last)
            rows.append(
                {
                    "kind": "person",
                    "name": f"{last}, {first}",
                    "first_name": first,
                    "last_name": last,
                    "postcode": postcode,
                    "name_key": matching.name_key(first, last),
                    "sort_name": matching.sort_key(f"{last}, {first}"),
                }
            )
    for start in range(0, len(rows), 500):
        m.Account.insert_many(rows[start : start + 500]).execute()


def _difflib_at(postcode: str, key: str) -> set[int]:
    """What the check compares, written out plainly: every account at the postcode whose
    name key difflib finds at least 0.85 like the one typed."""
    found = set()
    for account_id, name_key in (
        m.Account.select(m.Account.id, m.Account.name_key)
        .where(m.Account.postcode == postcode)
        .tuples()
    ):
        if name_key and (
            name_key == key or difflib.SequenceMatcher(None, name_key, key).ratio() >= 0.85
        ):
            found.add(account_id)
    return found


def _similar(found: list[accounts.DuplicateCandidate]) -> set[int]:
    return {c.account_id for c in found if "similar name, same postcode" in c.reasons}


def test_the_similar_names_at_a_postcode_are_those_difflib_finds(user: UserInfo) -> None:
    rng = random.Random(11)
    _fill(rng, {"20121": 300, "80331": 120})
    probes = [
        (first, typed, postcode)
        for postcode in ("20121", "80331")
        for first in FIRST[:6]
        for last in LAST
        for typed in (last, _typo(rng, last), last[:4])
    ]
    compared = 0
    for first, last, postcode in probes:
        key = matching.name_key(first, last)
        expected = _difflib_at(postcode, key)
        found = accounts.find_duplicates(
            AccountInput(first_name=first, last_name=last, postcode=postcode), limit=10_000
        )
        assert _similar(found) == expected, (first, last, postcode)
        compared += len(expected)
    assert compared > 500  # the probes found plenty, not nothing twice over


def test_a_busy_postcode_is_searched_whole_not_its_first_names_alone(user: UserInfo) -> None:
    # 700 customers at one postcode, and the one to find sorts after the first 500 of
    # them by name key (where the check stopped looking before).
    rng = random.Random(3)
    _fill(rng, {"10115": 700})
    late = accounts.create(
        AccountInput(first_name="Zacharias", last_name="Zimmermann", postcode="10115")
    ).id
    found = accounts.find_duplicates(
        AccountInput(first_name="Zacharias", last_name="Zimmerman", postcode="10115")
    )
    assert late in _similar(found)
    assert _similar(found) == _difflib_at("10115", matching.name_key("Zacharias", "Zimmerman"))


def test_close_names_keeps_the_candidates_order_and_drops_the_far_ones() -> None:
    key = matching.name_key("Maria", "Rossi")
    candidates = [
        (7, matching.name_key("Mario", "Rossi")),
        (3, matching.name_key("Anna", "Bauer")),
        (5, matching.name_key("Maria", "Rossi")),
        (9, ""),
    ]
    assert matching.close_names(key, candidates) == [7, 5]
    assert matching.close_names("", candidates) == []


def _plan(sql: str, params: object) -> str:
    if is_sqlite():
        rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        return "\n".join(str(r[-1]) for r in rows)
    # A few hundred rows a postcode are sorted as cheaply as read in order, so the planner
    # may do either here; with sorting ruled out, only an index holding the order (postcode,
    # then name key by code point, then id) serves the query without a Sort. (At 50,000
    # customers it takes that index by itself: 0.6 ms where the sort took 14 ms.)
    with database.atomic():
        database.execute_sql("SET LOCAL enable_sort = off")
        rows = database.execute_sql("EXPLAIN " + sql, params).fetchall()
    return "\n".join(r[0] for r in rows)


def test_the_names_at_a_postcode_come_in_order_from_one_index(user: UserInfo) -> None:
    # 8 postcodes of 500 customers: the server reads one postcode's names from the index,
    # in its order, where it read them from the table and sorted them by its collation.
    _fill(random.Random(5), {f"{80000 + i}": 500 for i in range(8)})
    # As the server's autovacuum leaves a table after a load: statistics, pages all visible.
    database.execute_sql("VACUUM ANALYZE account" if not is_sqlite() else "ANALYZE")
    seen: list[tuple[str, object]] = []
    real = database.obj.execute_sql

    def recorded(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
        seen.append((sql, params))
        return real(sql, params, *args, **kwargs)

    database.obj.execute_sql = recorded  # type: ignore[method-assign]
    try:
        names = db_accounts.name_keys_at_postcode("80007", accounts.NEARBY_NAMES)
    finally:
        del database.obj.execute_sql
    assert len(names) == 500
    assert [k for _i, k in names] == sorted(k for _i, k in names)  # by code point
    plan = _plan(*seen[-1])
    assert DUPLICATE_INDEX in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_the_first_names_by_code_point_are_compared_on_both_backends(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the limit the check compares the first names at the postcode by code point, as
    # SQLite sorts them. A server database made with a linguistic locale (en_US.UTF-8, as
    # many sites' are; here ICU's) sorts "łukasz" among the Ls and would take other names.
    if not is_sqlite():
        database.execute_sql(
            'ALTER TABLE account ALTER COLUMN name_key TYPE varchar(255) COLLATE "und-x-icu"'
        )
    monkeypatch.setattr(accounts, "NEARBY_NAMES", 3)
    people_at = [("Ola", "Łukasz"), ("Ola", "Mario"), ("Ola", "Zed"), ("Ola", "Abel")]
    for first, last in people_at:
        accounts.create(AccountInput(first_name=first, last_name=last, postcode="50667"))
    keys = [k for _i, k in db_accounts.name_keys_at_postcode("50667", 3)]
    assert keys == ["abel ola", "mario ola", "ola zed"]
    # And the check compares those: a close name to the fourth is not among them.
    found = accounts.find_duplicates(
        AccountInput(first_name="Ola", last_name="Łukas", postcode="50667")
    )
    assert not _similar(found)


@pytest.mark.sqlite_only
def test_a_schema_22_database_gains_the_duplicate_index(data_dir: Path) -> None:
    assert STEPS[-1] is duplicate_indexes or duplicate_indexes in STEPS[21:]
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        before = old.execute("SELECT * FROM account ORDER BY id").fetchall()
        postcode, first, last = old.execute(
            "SELECT postcode, first_name, last_name FROM account "
            "WHERE kind = 'person' AND postcode != '' ORDER BY id LIMIT 1"
        ).fetchone()
    workspace.open_database(copy)
    try:
        with database.atomic():
            duplicate_indexes(database.obj)  # again, as after an interruption: no change
        people.sign_in_as("anna")
        found = accounts.find_duplicates(
            AccountInput(first_name=first, last_name=last + "x", postcode=postcode)
        )
    finally:
        workspace.close_database()
    assert _similar(found)  # the upgraded file's customer is found by its close name
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        assert new.execute("SELECT * FROM account ORDER BY id").fetchall() == before
        indexes = {r[1] for r in new.execute('PRAGMA index_list("account")')}
    assert DUPLICATE_INDEX in indexes
    assert "account_postcode_name_key" not in indexes


def test_the_same_phone_finds_the_same_first_customers_on_both_backends(user: UserInfo) -> None:
    # More customers share the number than the check shows: it shows the first by id on
    # both backends, also after an update has moved some of them on the server's disk.
    ids = [
        accounts.create(
            AccountInput(first_name="Kunde", last_name=f"{n:02d}", phone="+49 89 1234567"),
            confirmed_new=True,
        ).id
        for n in range(15)
    ]
    # An indexed column changed: the server writes these rows anew at its table's end.
    m.Account.update(sort_name=m.Account.sort_name.concat(" ")).where(
        m.Account.id.in_(ids[:5])
    ).execute()
    found = accounts.find_duplicates(AccountInput(phone="089 1234567"), limit=10)
    assert sorted(c.account_id for c in found) == ids[:10]
    assert all(c.reasons == ("same phone",) for c in found)
