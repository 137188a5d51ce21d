"""The duplicate check's similar names at a postcode: on a fixed set of customers it finds
exactly what difflib over the postcode's names finds (as it always did), however many
customers share the postcode."""

from __future__ import annotations

import difflib
import random

from app.db import models as m
from app.services import accounts, matching
from app.services.accounts import AccountInput
from app.services.workspace import UserInfo

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
