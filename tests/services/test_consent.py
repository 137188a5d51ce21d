"""Marketing consent per customer and lead and per channel: a history of statements (given
or withdrawn, when, how, the wording shown), what holds now, the lists' filter, conversion,
the personal-data export and anonymisation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db import models as m
from app.domain.validation import ValidationError
from app.services import accounts, audit, consent, leads, personal_data
from app.services.consent import ConsentInput
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories

WORDING = "I agree that Autohaus Brenner may send me offers by e-mail."


def _given(channel: str = "email", at: datetime | None = None) -> ConsentInput:
    return ConsentInput(channel=channel, given=True, method="web_form", wording=WORDING, at=at)


def _withdrawn(channel: str = "email", at: datetime | None = None) -> ConsentInput:
    return ConsentInput(channel=channel, given=False, method="email", at=at)


def test_each_statement_is_kept_and_the_latest_per_channel_holds(user: UserInfo) -> None:
    rossi = factories.customer("Rossi", "Maria")
    consent.record(_given("email", datetime(2025, 3, 1, 10)), account_id=rossi)
    consent.record(_given("sms", datetime(2025, 3, 1, 10)), account_id=rossi)
    consent.record(_withdrawn("email", datetime(2026, 2, 1, 9)), account_id=rossi)
    history = consent.history(account_id=rossi)
    assert [(r.channel, r.given, r.method) for r in history] == [
        ("email", True, "web_form"),
        ("sms", True, "web_form"),
        ("email", False, "email"),
    ]
    assert history[0].wording == WORDING and history[0].recorded_by == user.full_name
    now = consent.current(account_id=rossi)
    assert now["email"] is not None and not now["email"].given
    assert now["sms"] is not None and now["sms"].given and now["phone"] is None
    entries = [e for e in audit.history("account", rossi) if e.action == "consent"]
    assert len(entries) == 3


def test_a_statement_is_refused_at_its_field_and_nothing_is_kept(user: UserInfo) -> None:
    rossi = factories.customer("Rossi", "Maria")
    cases = {
        "wording": ConsentInput(channel="email", given=True, method="web_form", wording="  "),
        "method": ConsentInput(channel="email", given=True, method="carrier pigeon", wording="x"),
        "channel": ConsentInput(channel="fax", given=True, method="web_form", wording="x"),
        "at": _given(at=datetime.now() + timedelta(days=2)),
    }
    for field, data in cases.items():
        with pytest.raises(ValidationError) as refused:
            consent.record(data, account_id=rossi)
        assert refused.value.errors.get(field)
    assert consent.history(account_id=rossi) == []
    # A withdrawal needs no wording.
    assert not consent.record(_withdrawn(), account_id=rossi).given


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    wording=st.text(alphabet=st.characters(codec="utf-8"), max_size=50)
    | st.sampled_from(["\x00", "Ros\x00si", "a" * 5000]),
    method=st.sampled_from(["web_form", "", "x", "in_person"]),
    given_=st.booleans(),
)
def test_any_typed_statement_is_kept_as_typed_or_refused(
    user: UserInfo, wording: str, method: str, given_: bool
) -> None:
    lead = m.Lead.create(last_name="Fuzz", email="f@example.de")
    data = ConsentInput(channel="phone", given=given_, method=method, wording=wording)
    try:
        kept = consent.record(data, lead_id=lead.id)
    except ValidationError as exc:
        assert exc.errors
        assert consent.history(lead_id=lead.id) == []
        return
    assert kept.wording == wording.strip() and consent.history(lead_id=lead.id)[0] == kept


def test_the_customer_and_lead_lists_filter_by_consent(user: UserInfo) -> None:
    yes = factories.customer("Rossi", "Maria")
    withdrawn = factories.customer("Bauer", "Anna")
    factories.customer("Never", "Asked")
    consent.record(_given("email"), account_id=yes)
    consent.record(_given("email", datetime(2025, 1, 1)), account_id=withdrawn)
    consent.record(_withdrawn("email", datetime(2025, 6, 1)), account_id=withdrawn)
    consent.record(_given("phone"), account_id=withdrawn)
    by_email = accounts.AccountFilter(consent="email")
    assert accounts.count(by_email) == 1
    assert [r.id for r in accounts.page(by_email, "name", False, 0, 10)] == [yes]
    assert [
        r.id for r in accounts.page(accounts.AccountFilter(consent="phone"), "name", False, 0, 10)
    ] == [withdrawn]
    assert accounts.count(accounts.AccountFilter(consent="sms")) == 0
    assert accounts.count(accounts.AccountFilter()) == 3

    lead = leads.create(LeadInput(last_name="Weber", phone="+49 89 123456"))
    leads.create(LeadInput(last_name="Klein", phone="+49 89 654321"))
    consent.record(_given("sms"), lead_id=lead.id)
    assert [r.id for r in leads.page(leads.LeadFilter(consent="sms"), "name", False, 0, 10)] == [
        lead.id
    ]
    assert leads.count(leads.LeadFilter(consent="email")) == 0


def test_a_converted_lead_carries_its_consents_over_to_the_customer(user: UserInfo) -> None:
    lead = leads.create(LeadInput(last_name="Weber", email="weber@example.de"))
    consent.record(_given("email", datetime(2026, 1, 5, 12)), lead_id=lead.id)
    consent.record(_withdrawn("phone", datetime(2026, 1, 5, 12)), lead_id=lead.id)
    done = leads.convert(lead.id, confirmed_new=True, owner_id=user.id)
    carried = consent.history(account_id=done.account_id)
    assert [(r.channel, r.given, r.at, r.wording) for r in carried] == [
        ("email", True, datetime(2026, 1, 5, 12), WORDING),
        ("phone", False, datetime(2026, 1, 5, 12), ""),
    ]
    assert accounts.count(accounts.AccountFilter(consent="email")) == 1


def test_export_and_anonymisation_include_the_consents(user: UserInfo) -> None:
    rossi = factories.customer("Rossi", "Maria", email="maria@example.it")
    consent.record(
        ConsentInput("email", True, "in_person", "I, Maria Rossi, agree to e-mails."),
        account_id=rossi,
    )
    data = personal_data.collect(rossi)
    [statement] = data["marketing_consent"]
    assert statement["channel"] == "email" and statement["given"] is True
    assert statement["how"] == "in_person" and "Maria Rossi" in statement["wording"]

    personal_data.anonymise(rossi)
    history = consent.history(account_id=rossi)
    assert [(r.given, r.method) for r in history] == [(True, "in_person"), (False, "anonymised")]
    assert "Rossi" not in history[0].wording and "agree to e-mails" in history[0].wording
    assert accounts.count(accounts.AccountFilter(consent="email")) == 0

    lead = leads.create(LeadInput(last_name="Weber", email="weber@example.de"))
    consent.record(_given("sms"), lead_id=lead.id)
    assert personal_data.collect_lead(lead.id)["marketing_consent"][0]["channel"] == "sms"
    personal_data.anonymise_lead(lead.id)
    assert not consent.current(lead_id=lead.id)["sms"].given  # type: ignore[union-attr]


def test_deleting_a_lead_takes_its_consents(user: UserInfo) -> None:
    lead = leads.create(LeadInput(last_name="Weber", email="weber@example.de"))
    consent.record(_given("sms"), lead_id=lead.id)
    m.Lead.delete().where(m.Lead.id == lead.id).execute()
    assert m.MarketingConsent.select().count() == 0
