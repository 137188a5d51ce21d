"""One search in every list: folded text and phone numbers in any notation find the same
records in the opportunity, lead and customer lists."""

from __future__ import annotations

import pytest

from app.services import accounts, leads, opportunities
from app.services.accounts import AccountFilter
from app.services.leads import LeadFilter, LeadInput
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories

NOTATIONS = ("+49 152 44132579", "0152 44132579", "0049-152-4413-2579", "(0152) 441 32 579")


@pytest.fixture
def records(user: UserInfo) -> dict[str, int]:
    account = factories.customer("Müller", "Jürgen", phone="+49 152 44132579")
    other = factories.customer("Meier", "Anna", phone="+49 89 1234567")
    opportunity = factories.opportunity(user.id, account, topic="Passat für Müller").id
    factories.opportunity(user.id, other, topic="Polo")
    lead = leads.create(
        LeadInput(first_name="Jürgen", last_name="Müller", phone="0152 44132579")
    ).id
    leads.create(LeadInput(first_name="Anna", last_name="Meier", phone="089 1234567"))
    return {"account": account, "opportunity": opportunity, "lead": lead}


def _found(text: str) -> dict[str, list[int]]:
    return {
        "opportunity": [
            r.id for r in opportunities.page(OpportunityFilter(text=text), "id", False, 0, 50)
        ],
        "lead": [r.id for r in leads.page(LeadFilter(text=text), "name", False, 0, 50)],
        "account": [r.id for r in accounts.page(AccountFilter(text=text), "name", False, 0, 50)],
    }


@pytest.mark.parametrize("typed", ["muller", "MUELLER", "müller", "jurgen muller"])
def test_folded_text_finds_the_same_person_in_every_list(
    records: dict[str, int], typed: str
) -> None:
    found = _found(typed)
    assert found == {k: [v] for k, v in records.items()}
    assert opportunities.count(OpportunityFilter(text=typed)) == 1
    assert leads.count(LeadFilter(text=typed)) == 1


@pytest.mark.parametrize("typed", NOTATIONS)
def test_a_phone_number_in_any_notation_is_found_in_every_list(
    records: dict[str, int], typed: str
) -> None:
    assert _found(typed) == {k: [v] for k, v in records.items()}
    assert opportunities.count(OpportunityFilter(text=typed)) == 1
    assert leads.count(LeadFilter(text=typed)) == 1


def test_part_of_a_number_and_a_word_that_matches_nothing(records: dict[str, int]) -> None:
    assert _found("44132579") == {k: [v] for k, v in records.items()}
    assert _found("nobody") == {"opportunity": [], "lead": [], "account": []}
