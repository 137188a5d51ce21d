"""Customers: the duplicate check (true and false matches), merging, contacts."""

from __future__ import annotations

import pytest

from app.db import models as m
from app.domain.validation import ValidationError
from app.services import accounts, deals, matching, opportunities
from app.services.accounts import AccountInput, PossibleDuplicates
from app.services.workspace import UserInfo
from tests import factories


def _person(**values: str) -> AccountInput:
    base = {
        "first_name": "Maria",
        "last_name": "Rossi",
        "email": "maria.rossi@example.it",
        "phone": "+39 02 1234 5678",
        "postcode": "20121",
        "city": "Milano",
    }
    base.update(values)
    return AccountInput(**base)


def test_phone_numbers_match_however_they_are_typed() -> None:
    assert matching.phone_key("+39 02 1234 5678") == matching.phone_key("0039 02-12345678")
    assert matching.phone_key("+49 (0)89 123456") == matching.phone_key("089 123456", "DE")
    assert matching.phone_key("+39 02 1234 5678") != matching.phone_key("+39 02 1234 5679")


def test_names_fold_case_accents_order_and_punctuation() -> None:
    assert matching.name_key("María", "Rossi") == matching.name_key("rossi,", "MARIA")
    assert matching.name_key("Seán", "O'Brien") == matching.name_key("Sean", "O Brien")
    assert (
        matching.name_similarity(matching.name_key("Maria Rossi"), matching.name_key("Mario Rossi"))
        > 0.85
    )
    assert (
        matching.name_similarity(matching.name_key("Maria Rossi"), matching.name_key("Anna Bauer"))
        < 0.5
    )


@pytest.mark.parametrize(
    ("probe", "reason"),
    [
        (
            {
                "first_name": "X",
                "last_name": "Other",
                "email": "MARIA.Rossi@Example.IT",
                "phone": "",
            },
            "same e-mail",
        ),
        (
            {"first_name": "X", "last_name": "Other", "email": "", "phone": "0039 02-12345678"},
            "same phone",
        ),
        (
            {"first_name": "María", "last_name": "Rossi", "email": "", "phone": "", "postcode": ""},
            "same name",
        ),
        (
            {"first_name": "Mario", "last_name": "Rossi", "email": "", "phone": ""},
            "similar name, same postcode",
        ),
    ],
)
def test_the_duplicate_check_finds_the_customer_on_file(
    user: UserInfo, probe: dict[str, str], reason: str
) -> None:
    kept = accounts.create(_person())
    found = accounts.find_duplicates(_person(**probe))
    assert [c.account_id for c in found] == [kept.id]
    assert reason in found[0].reasons


@pytest.mark.parametrize(
    "probe",
    [
        {
            "first_name": "Mario",
            "last_name": "Rossi",
            "email": "",
            "phone": "",
            "postcode": "00184",
        },
        {
            "first_name": "Anna",
            "last_name": "Bauer",
            "email": "anna@example.de",
            "phone": "+49 89 123456",
        },
        {
            "first_name": "Maria",
            "last_name": "Rossini",
            "email": "",
            "phone": "+39 02 1234 5679",
            "postcode": "10121",
        },
    ],
)
def test_the_duplicate_check_leaves_other_customers_alone(
    user: UserInfo, probe: dict[str, str]
) -> None:
    accounts.create(_person())
    assert accounts.find_duplicates(_person(**probe)) == []


def test_creating_a_look_alike_asks_first_then_creates_when_confirmed(user: UserInfo) -> None:
    first = accounts.create(_person())
    with pytest.raises(PossibleDuplicates) as caught:
        accounts.create(_person(email="", phone="0039 02-12345678"))
    assert caught.value.candidates[0].account_id == first.id
    assert m.Account.select().count() == 1
    second = accounts.create(_person(email="", phone="0039 02-12345678"), confirmed_new=True)
    assert second.id != first.id and m.Account.select().count() == 2


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"email": "maria@"}, "email", "not an e-mail"),
        ({"phone": "call me"}, "phone", "letters"),
        ({"phone": "12"}, "phone", "too short"),
        ({"last_name": "  "}, "last_name", "cannot be empty"),
        ({"email": "maria@example.it,"}, "email", "not an e-mail"),
        ({"email": "maria@example..it"}, "email", "not an e-mail"),
        ({"email": ".maria@example.it"}, "email", "not an e-mail"),
        ({"email": "<script>@x.y"}, "email", "not an e-mail"),
        ({"last_name": "Weiß 🚗"}, "last_name", "cannot be printed"),
    ],
)
def test_bad_contact_details_are_refused_at_the_field(
    user: UserInfo, values: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create(_person(**values))
    assert message in caught.value.errors[field]


@pytest.mark.parametrize(
    "name",
    [
        "J&C Motors <b>GmbH</b>",
        "Παπαδόπουλος ΑΕ",
        "Ørsted & Søn",
        "O'Brien's Cars",
        "王芳贸易",
        "شركة",
    ],
)
def test_any_name_is_kept_as_typed(user: UserInfo, name: str) -> None:
    created = accounts.create(
        AccountInput(kind="company", company_name=name, email="info@example.com")
    )
    assert accounts.get(created.id).name == name
    assert accounts.search(name[:4])[0].id == created.id


def test_merge_moves_everything_to_the_account_that_stays(user: UserInfo) -> None:
    keep = factories.customer("Rossi", "Maria", email="maria@example.it")
    drop = factories.customer("Rossi", "María", phone="+39 333 123 4567", city="Milano")
    factories.opportunity(user.id, keep, topic="Golf")
    factories.opportunity(user.id, drop, topic="Polo")
    accounts.add_contact(drop, accounts.ContactInput(first_name="Luca", last_name="Rossi"))
    merged = accounts.merge(keep, drop, {"first_name": "María"})
    assert merged.first_name == "María" and merged.name == "Rossi, María"
    assert merged.email == "maria@example.it"
    assert merged.phone == "+39 333 123 4567" and merged.city == "Milano"
    assert sorted(o.topic for o in merged.opportunities) == ["Golf", "Polo"]
    assert len(merged.contacts) == 3
    assert m.Account.get_or_none(m.Account.id == drop) is None
    assert (
        accounts.find_duplicates(AccountInput(last_name="X", phone="+39 333 1234567"))[0].account_id
        == keep
    )


def test_a_failed_merge_changes_nothing(user: UserInfo) -> None:
    keep = factories.customer("Rossi", "Maria")
    drop = factories.customer("Bauer", "Anna")
    factories.opportunity(user.id, drop, topic="Polo")
    with pytest.raises(ValidationError):
        accounts.merge(keep, drop, {"email": "not-an-address"})
    assert m.Account.select().count() == 2
    assert m.Opportunity.get().account_id == drop


def test_opportunity_contacts_with_roles(user: UserInfo) -> None:
    company = accounts.create(
        AccountInput(kind="company", company_name="Fleet GmbH", email="f@example.de")
    ).id
    boss = accounts.add_contact(
        company, accounts.ContactInput(first_name="Eva", last_name="Klein")
    ).id
    driver = accounts.add_contact(
        company, accounts.ContactInput(first_name="Tom", last_name="Groß")
    ).id
    opp = factories.opportunity(user.id, company, primary_contact_id=boss)
    accounts.set_opportunity_contact(opp.id, driver, "driver")
    listed = accounts.opportunity_contacts(opp.id)
    assert [(c.contact_id, c.primary, c.role) for c in listed] == [
        (boss, True, ""),
        (driver, False, "driver"),
    ]
    stranger = accounts.add_contact(
        factories.customer("Other"), accounts.ContactInput(last_name="Nope")
    ).id
    with pytest.raises(ValidationError):
        accounts.set_opportunity_contact(opp.id, stranger, "driver")


def _fleet_sale(user: UserInfo) -> tuple[int, int, int, int]:
    """A company with two contacts, and an opportunity with Eva as its primary contact."""
    company = accounts.create(
        AccountInput(kind="company", company_name="Fleet GmbH", email="f@example.de")
    ).id
    boss = accounts.add_contact(
        company, accounts.ContactInput(first_name="Eva", last_name="Klein")
    ).id
    driver = accounts.add_contact(
        company, accounts.ContactInput(first_name="Tom", last_name="Groß")
    ).id
    opp = factories.opportunity(user.id, company, primary_contact_id=boss)
    return company, boss, driver, opp.id


def test_a_further_contact_changes_role_and_is_removed(user: UserInfo) -> None:
    _company, _boss, driver, opp = _fleet_sale(user)
    accounts.set_opportunity_contact(opp, driver, "driver")
    accounts.set_opportunity_contact(opp, driver, "Co-buyer")  # by its label, too
    assert [(c.contact_id, c.role) for c in accounts.opportunity_contacts(opp)][1:] == [
        (driver, "co_buyer")
    ]
    with pytest.raises(ValidationError) as refused:
        accounts.set_opportunity_contact(opp, driver, "chauffeur")
    assert "role" in refused.value.errors
    accounts.remove_opportunity_contact(opp, driver)
    assert [c.contact_id for c in accounts.opportunity_contacts(opp)] == [_boss]
    assert m.Contact.get_or_none(m.Contact.id == driver) is not None  # still at the customer


def test_the_primary_contact_is_not_added_again(user: UserInfo) -> None:
    _company, boss, _driver, opp = _fleet_sale(user)
    with pytest.raises(ValidationError) as refused:
        accounts.set_opportunity_contact(opp, boss, "decision_maker")
    assert "primary contact" in refused.value.errors["contact"]
    assert m.OpportunityContact.select().count() == 0


def test_a_closed_opportunitys_contacts_are_read_only(user: UserInfo) -> None:
    _company, _boss, driver, opp = _fleet_sale(user)
    accounts.set_opportunity_contact(opp, driver, "driver")
    deals.close_lost([opp], "Price")
    with pytest.raises(ValidationError):
        accounts.set_opportunity_contact(opp, driver, "co_buyer")
    with pytest.raises(ValidationError):
        accounts.remove_opportunity_contact(opp, driver)
    assert [c.role for c in accounts.opportunity_contacts(opp)] == ["", "driver"]


def test_saving_a_new_customer_or_primary_contact_tidies_the_further_contacts(
    user: UserInfo,
) -> None:
    _company, boss, driver, opp = _fleet_sale(user)
    accounts.set_opportunity_contact(opp, driver, "driver")
    detail = opportunities.get(opp)
    detail.primary_contact_id = driver
    detail = opportunities.update(opp, detail, detail.version)
    # Tom is the primary contact now, so not a further one as well.
    assert [(c.contact_id, c.primary) for c in accounts.opportunity_contacts(opp)] == [
        (driver, True)
    ]
    accounts.set_opportunity_contact(opp, boss, "decision_maker")
    detail.account_id = factories.customer("Novak", "Petra")
    detail.primary_contact_id = None
    opportunities.update(opp, detail, detail.version)
    # People at the old customer are not contacts of the sale at the new one.
    assert accounts.opportunity_contacts(opp) == []


def test_a_company_keeps_its_vat_id_compacted_checked_audited_and_printed(
    user: UserInfo,
) -> None:
    from app.services import audit, documents, personal_data

    company = AccountInput(
        kind="company", company_name="J&C Motors GmbH", vat_number="de 123.456.789"
    )
    option = accounts.create(company, confirmed_new=True)
    detail = accounts.get(option.id)
    assert detail.vat_number == "DE123456789"
    for wrong, words in (
        ("123456789", "not a VAT ID"),
        ("QQ12345678", "not a country's VAT prefix"),
    ):
        with pytest.raises(ValidationError) as refused:
            accounts.update(option.id, AccountInput(**{**company.__dict__, "vat_number": wrong}), 1)
        assert words in refused.value.errors["vat_number"]
    edited = AccountInput(**{**company.__dict__, "vat_number": "ATU12345678"})
    accounts.update(option.id, edited, detail.version)
    (change,) = [r for r in audit.history("account", option.id) if r.action == "update"]
    assert change.changes["vat_number"] == ("DE123456789", "ATU12345678")
    assert personal_data.collect(option.id)["customer"]["vat_number"] == "ATU12345678"
    # A person has no VAT ID: none is kept, so none prints.
    person = accounts.create(_person(vat_number="DE123456789"), confirmed_new=True)
    assert accounts.get(person.id).vat_number == ""
    opportunity = factories.opportunity(user.id, account_id=option.id)
    row = m.Opportunity.get_by_id(opportunity.id)
    assert documents.customer_for(row).vat_number == "ATU12345678"
