"""Whatever is typed into a list's search box, the list answers with rows or with none:
a NUL, a lone surrogate, a megabyte, SQL and LIKE's own wildcards are looked for as typed
(as far as a search box takes them) and never raise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.text import SEARCH_MAX_LENGTH, search_text
from app.services import accounts, leads, opportunities
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories

SEARCH = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# What lands in a search box: anything at all, the nasty cases made likely.
typed = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(
        [
            "%",
            "_",
            "\\",
            "%_%",
            "Ros\x00si",
            "\x00",
            "\ud800",
            "Rossi \udfff",
            '"',
            "' OR 1=1 --",
            'a"b',
            "a b c d e f g h i j k l m n o p q r s t u v w x y z",
            "x" * 1_000_000,
            "ab " * 400_000,
        ]
    ),
    st.text(min_size=1, max_size=3).map(lambda t: t * 300_000),
)


def _opportunities(text: str) -> int:
    flt = opportunities.OpportunityFilter(text=text)
    today = date.today()
    found = opportunities.count(flt, today)
    assert len(opportunities.page(flt, "topic", False, 0, 50, today)) == min(found, 50)
    total, rows = opportunities.count_and_first_page(flt, "topic", False, 50, today)
    assert total == found and len(rows) == min(found, 50)
    return found


def _customers(text: str) -> int:
    flt = accounts.AccountFilter(text=text)
    found = accounts.count(flt)
    assert len(accounts.page(flt, "name", False, 0, 50)) == min(found, 50)
    accounts.search(text)
    return found


def _leads(text: str) -> int:
    flt = leads.LeadFilter(text=text)
    found = leads.count(flt)
    assert len(leads.page(flt, "name", False, 0, 50)) == min(found, 50)
    return found


LISTS: dict[str, Callable[[str], int]] = {
    "opportunities": _opportunities,
    "customers": _customers,
    "leads": _leads,
}


@pytest.fixture
def filled(user: UserInfo) -> UserInfo:
    rossi = factories.customer("Rossi", "Maria")
    other = factories.customer("100% Autohaus", "")
    factories.opportunity(user.id, rossi, topic="Golf for Maria Rossi")
    factories.opportunity(user.id, other, topic="100% electric_car")
    leads.create(LeadInput(last_name="Rossi", email="maria@example.it", brand="Fiat"))
    leads.create(
        LeadInput(last_name="Weber", phone="089 1234567", brand="100% VW", source="web_form")
    )
    return user


@pytest.mark.parametrize("list_name", LISTS)
def test_any_search_text_answers_without_raising(filled: UserInfo, list_name: str) -> None:
    search = LISTS[list_name]

    @SEARCH
    @given(text=typed)
    def run(text: str) -> None:
        search(text)

    run()


@pytest.mark.parametrize("list_name", LISTS)
def test_wildcards_nul_and_a_megabyte_are_looked_for_as_typed(
    filled: UserInfo, list_name: str
) -> None:
    search = LISTS[list_name]
    assert search("") >= 2
    # % and _ are themselves, not "anything": each finds only what holds it.
    assert search("%") == 1
    assert search("_") == (1 if list_name != "customers" else 0)
    assert search("Rossi") == 1
    # A NUL reads as a space between two words; a lone surrogate is not looked for.
    assert search("Ros\x00") == 1 and search("\ud800Rossi") == 1
    assert search("x" * 1_000_000) == 0
    assert search("Rossi" + " " * 1_000_000 + "Zzz") == 1  # what lies past the bound is not read


def test_the_search_box_bound() -> None:
    assert search_text("x" * 1_000_000) == "x" * SEARCH_MAX_LENGTH
    assert search_text(" Ro\x00ssi\r\n\ud800 ") == "Ro ssi"
    assert search_text("100% a_b") == "100% a_b"
