"""Searching without case and accents: what is typed on a German keyboard, or without one,
finds the names as they are spelled; phone numbers in any format find the customer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg2
import pytest

from app.db import models as m
from app.db.connection import database, register_search_function
from app.domain import vin
from app.domain.text import fold, searchable
from app.services import accounts, opportunities
from app.services.accounts import AccountFilter
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Škoda", "skoda"),
        ("Fernández", "fernandez"),
        ("Müller", "muller"),
        ("Müller", "mueller"),
        ("Weiß", "weiss"),
        ("Großmann", "grossmann"),
        ("Großmann", "GROẞMANN"),
        ("Попов, Сергей", "попов"),
        ("Łukasz Dąbrowski", "lukasz dabrowski"),
        ("Søren Ærø", "soren aero"),
        ("Đorđević", "dordevic"),
        ("Çelik Öztürk", "celik ozturk"),
    ],
)
def test_a_folded_term_is_found_in_the_folded_text(stored: str, typed: str) -> None:
    assert all(fold(term) in searchable(stored) for term in typed.split())


def test_folding_keeps_punctuation_and_is_stable() -> None:
    assert fold("O'Brien, Siobhán") == "o'brien, siobhan"
    assert fold(fold("Weiß Straße")) == fold("Weiß Straße") == "weiss strasse"
    assert searchable("Golf GTI") == "golf gti"


def _ids(text: str, sort: str = "id") -> list[int]:
    return [r.id for r in opportunities.page(OpportunityFilter(text=text), sort, False, 0, 500)]


def _count(text: str) -> int:
    return opportunities.count(OpportunityFilter(text=text))


@pytest.fixture
def sales(user: UserInfo) -> dict[str, int]:
    vehicle = m.Vehicle.create(
        vin=vin.with_check_digit("TMBJJ7NE0L0123456"),
        stock_number="N-3003",
        condition="new",
        brand="Škoda",
        model="Octavia",
    ).id
    made = {
        "skoda": factories.opportunity(
            user.id,
            factories.customer("Fernández", "José"),
            topic="Estate",
            brand="Škoda",
            model="Octavia",
            vehicle_id=vehicle,
        ),
        "muller": factories.opportunity(
            user.id, factories.customer("Müller", "Jürgen"), topic="Company car"
        ),
        "weiss": factories.opportunity(
            user.id, factories.customer("Weiß", "Anna"), topic="Second car"
        ),
        "grossmann": factories.opportunity(
            user.id, factories.customer("Großmann", "Eva"), topic="Lease"
        ),
        "popov": factories.opportunity(
            user.id, factories.customer("Попов", "Сергей"), topic="Family van"
        ),
    }
    return {k: v.id for k, v in made.items()}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("skoda", "skoda"),
        ("Škoda", "skoda"),
        ("SKODA octavia", "skoda"),
        ("fernandez", "skoda"),
        ("FERNÁNDEZ", "skoda"),
        ("muller", "muller"),
        ("mueller", "muller"),
        ("müller", "muller"),
        ("jurgen", "muller"),
        ("weiss", "weiss"),
        ("weiß", "weiss"),
        ("grossmann", "grossmann"),
        ("großmann", "grossmann"),
        ("попов", "popov"),
        ("ПОПОВ сергей", "popov"),
    ],
)
def test_the_list_finds_names_typed_without_accents(
    sales: dict[str, int], typed: str, key: str
) -> None:
    for sort in ("id", "customer", "stage"):
        assert _ids(typed, sort) == [sales[key]], (typed, sort)
    assert _count(typed) == 1


def test_a_brands_short_form_finds_its_sales(user: UserInfo, sales: dict[str, int]) -> None:
    golf = factories.opportunity(
        user.id, factories.customer("Verdi", "Luca"), brand="Volkswagen", model="Golf"
    ).id
    factories.opportunity(user.id, factories.customer("Vwala", "Ng"), topic="Van")
    # "vw" is read as Volkswagen, not as the start of a word (a name starting "Vw").
    for sort in ("id", "customer", "stage"):
        assert _ids("vw", sort) == _ids("VW", sort) == [golf]
    assert _count("vw") == 1 and _ids("vw golf") == [golf] and _ids("vw octavia") == []


def test_a_vin_is_still_found(sales: dict[str, int]) -> None:
    full = m.Vehicle.get(m.Vehicle.stock_number == "N-3003").vin
    assert _ids(full) == [sales["skoda"]]
    assert _ids(full[-6:].lower()) == [sales["skoda"]]
    assert _ids("n-3003") == [sales["skoda"]]


@pytest.mark.parametrize(
    ("typed", "key"),
    [("š", "skoda"), ("Wé", "weiss"), ("ПО", "popov"), ("по", "popov"), ("mü", "muller")],
)
def test_short_terms_are_folded_too(sales: dict[str, int], typed: str, key: str) -> None:
    assert sales[key] in _ids(typed)
    for sort in ("id", "customer", "owner"):
        count, first = opportunities.count_and_first_page(
            OpportunityFilter(text=typed), sort, False, 200
        )
        assert count == _count(typed)
        assert sales[key] in [r.id for r in first]


def test_renaming_a_customer_keeps_the_search_folded(sales: dict[str, int]) -> None:
    account = m.Account.get_by_id(m.Opportunity.get_by_id(sales["weiss"]).account_id)
    account.name = "Jäger, Anna"
    account.save()
    assert _ids("jager") == [sales["weiss"]]
    assert _ids("jaeger") == [sales["weiss"]]
    assert _ids("weiss") == []


@pytest.mark.sqlite_only
def test_a_plain_connection_cannot_write_an_opportunity_without_the_function(
    sales: dict[str, int], db: Path
) -> None:
    """The search triggers call a function of the program: a plain sqlite3 connection can
    read, and fails on writing rather than leave the index stale, unless given it."""
    topic_of = "UPDATE opportunity SET topic = 'Kombi für Ärzte' WHERE id = ?"
    with sqlite3.connect(db) as plain:
        assert plain.execute("SELECT count(*) FROM opportunity").fetchone()[0] == 5
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            plain.execute(topic_of, (sales["muller"],))
    with sqlite3.connect(db) as given:
        register_search_function(given)
        given.execute(topic_of, (sales["muller"],))
    database.execute_sql("SELECT 1")
    assert _ids("arzte") == [sales["muller"]]
    assert _ids("aerzte") == [sales["muller"]]


@pytest.mark.postgresql_only
def test_a_write_from_outside_the_program_is_found_folded_on_the_server(
    sales: dict[str, int], pg_url: str
) -> None:
    """On the server the triggers keep the text and the program folds it: a write from
    psql (or a script) is found by the next search, spelled either way."""
    with psycopg2.connect(pg_url) as plain, plain.cursor() as cursor:
        cursor.execute(
            "UPDATE opportunity SET topic = 'Kombi für Ärzte' WHERE id = %s", (sales["muller"],)
        )
        cursor.execute(
            "UPDATE account SET name = 'Jäger, Anna' WHERE id = "
            "(SELECT account_id FROM opportunity WHERE id = %s)",
            (sales["weiss"],),
        )
    plain.close()
    assert _ids("arzte") == [sales["muller"]]
    assert _ids("aerzte") == [sales["muller"]]
    assert _ids("jaeger") == [sales["weiss"]]
    assert _ids("weiss") == []
    pending = database.execute_sql("SELECT count(*) FROM opportunity_search WHERE body IS NULL")
    assert pending.fetchone()[0] == 0


# --- the customer list and the customer picker ---------------------------------------------


@pytest.fixture
def customers(user: UserInfo) -> dict[str, int]:
    return {
        "popov": factories.customer("Попов", "Сергей", phone="+49 152 44132579"),
        "muller": factories.customer("Müller", "Jürgen", phone="0049 89 1234567"),
        "rossi": factories.customer("Rossi", "Maria", phone="+39 02 1234 5678"),
    }


def _customers(text: str) -> list[int]:
    flt = AccountFilter(text=text)
    rows = [r.id for r in accounts.page(flt, "name", False, 0, 100)]
    assert accounts.count(flt) == len(rows)
    return rows


def _picked(text: str) -> list[int]:
    return [o.id for o in accounts.search(text)]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("попов", "popov"),
        ("Попов", "popov"),
        ("сергей", "popov"),
        ("muller", "muller"),
        ("jürgen", "muller"),
        ("015244132579", "popov"),
        ("+49 152 44132579", "popov"),
        ("0152 44132579", "popov"),
        ("+4915244132579", "popov"),
        ("089 1234567", "muller"),
        ("0039 02-12345678", "rossi"),
        ("12345678", "rossi"),
    ],
)
def test_the_customer_search_folds_names_and_reads_phone_numbers_in_any_format(
    customers: dict[str, int], typed: str, key: str
) -> None:
    assert _customers(typed) == [customers[key]]
    assert _picked(typed) == [customers[key]]


def test_a_number_matches_no_customer_without_it(customers: dict[str, int]) -> None:
    assert _customers("0170 9999999") == []
    assert _picked("0170 9999999") == []
