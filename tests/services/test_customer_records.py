"""What a customer's and a lead's views list: their activities and the customer's documents."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.db import models as m
from app.domain.validation import ValidationError
from app.services import activities, deals, documents, leads, opportunities, process, quotes
from app.services.activities import ActivityInput
from app.services.leads import LeadInput
from app.services.quotes import LineInput, QuoteInput
from app.services.workspace import UserInfo
from tests import factories

DAY = datetime(2026, 3, 2, 9, 0)


def _log(subject: str, hours: int, **parent: int) -> int:
    data = ActivityInput(kind="note", subject=subject, starts_at=DAY + timedelta(hours=hours))
    for name, value in parent.items():
        setattr(data, f"{name}_id", value)
    return activities.create(data).id


def _lead(**values: str) -> int:
    base = {"first_name": "Maria", "last_name": "Rossi", "email": "maria@example.it"}
    return leads.create(LeadInput(**{**base, **values})).id


def test_a_lead_takes_activities_of_its_own_without_an_opportunity(user: UserInfo) -> None:
    lead = _lead()
    call = activities.create(
        ActivityInput(
            kind="call",
            subject="Asked for a Tiguan offer",
            direction="in",
            starts_at=DAY,
            lead_id=lead,
            owner_id=user.id,
        )
    )
    task = activities.create(
        ActivityInput(
            kind="task", subject="Call back", starts_at=DAY + timedelta(days=1), lead_id=lead
        )
    )
    assert (call.lead_id, call.opportunity_id, call.account_id) == (lead, None, None)
    _log("Someone else's", 3, lead=_lead(last_name="Bauer", email="b@example.de"))

    listed = activities.for_lead(lead)

    assert [e.title for e in listed] == ["Task: Call back", "Call in: Asked for a Tiguan offer"]
    assert [e.activity_id for e in listed] == [task.id, call.id]
    assert listed[1].by == "Anna" and not listed[0].done
    assert {e.about for e in listed} == {""} and not any(e.locked for e in listed)
    activities.set_done(task.id)
    assert activities.for_lead(lead)[0].done


def test_a_converted_lead_and_its_activities_are_read_only(user: UserInfo) -> None:
    lead = _lead()
    task = activities.create(
        ActivityInput(kind="task", subject="Call back", starts_at=DAY, lead_id=lead)
    )
    leads.convert(lead, confirmed_new=True)

    for attempt in (
        lambda: _log("Too late", 1, lead=lead),
        lambda: activities.set_done(task.id),
        lambda: activities.update(
            task.id, activities.get(task.id), activities.get(task.id).version
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.errors == {"lead_id": activities.CONVERTED_LEAD}
    assert [e.locked for e in activities.for_lead(lead)] == [True]
    assert not activities.get(task.id).done and m.Activity.select().count() == 1


def test_an_activity_for_a_parent_that_is_gone_is_refused(user: UserInfo) -> None:
    with pytest.raises(Exception, match="Lead #999 no longer exists"):
        _log("Lost", 1, lead=999)
    with pytest.raises(Exception, match="Customer #999 no longer exists"):
        _log("Lost", 1, account=999)
    assert m.Activity.select().count() == 0


def test_a_customer_lists_its_own_its_sales_and_its_leads_activities_newest_first(
    user: UserInfo,
) -> None:
    maria = factories.customer()
    lead = _lead()
    _log("From the web form", 0, lead=lead)
    leads.convert(lead, account_id=maria)
    sale = factories.opportunity(user.id, maria, topic="Golf for Rossi").id
    closed = factories.opportunity(user.id, maria, topic="Polo for Rossi").id
    _log("Prefers calls after 17:00", 4, account=maria)
    _log("Trade-in has a dented door", 2, opportunity=sale)
    _log("Wanted it in red", 1, opportunity=closed)
    process.close_won(closed)
    other = factories.customer("Bauer", "Anna")
    _log("Not Maria's", 3, account=other)
    _log("Nor this", 5, opportunity=factories.opportunity(user.id, other).id)

    listed = activities.for_account(maria)

    assert [(e.title, e.about, e.locked) for e in listed] == [
        ("Note: Prefers calls after 17:00", "", False),
        ("Note: Trade-in has a dented door", f"#{sale} Golf for Rossi", False),
        ("Note: Wanted it in red", f"#{closed} Polo for Rossi", True),
        ("Note: From the web form", f"Lead #{lead}", True),
    ]
    assert [e.title for e in activities.for_account(other)] == [
        "Note: Nor this",
        "Note: Not Maria's",
    ]


def test_a_sale_moved_to_another_customer_takes_its_activities_along(user: UserInfo) -> None:
    maria, anna = factories.customer(), factories.customer("Bauer", "Anna")
    sale = factories.opportunity(user.id, maria, topic="Golf")
    _log("Trade-in has a dented door", 1, opportunity=sale.id)
    data = opportunities.get(sale.id)
    data.account_id, data.primary_contact_id = anna, None
    opportunities.update(sale.id, data, data.version)

    assert activities.for_account(maria) == []
    assert [e.title for e in activities.for_account(anna)] == ["Note: Trade-in has a dented door"]
    assert m.Activity.get().account_id == anna


def test_the_agenda_names_the_lead_of_a_leads_task_and_says_what_is_done(user: UserInfo) -> None:
    lead = _lead(company_name="J&C Motors Ltd")
    today = date(2026, 3, 16)
    at = datetime.combine(today, datetime.min.time()) + timedelta(hours=10)
    for subject, done in (("Showroom visit", True), ("Second visit", False)):
        activities.create(
            ActivityInput(
                kind="appointment",
                subject=subject,
                starts_at=at,
                lead_id=lead,
                owner_id=user.id,
                done=done,
            )
        )
        at += timedelta(hours=2)
    activities.create(
        ActivityInput(
            kind="task", subject="Send the offer", starts_at=at - timedelta(days=3), lead_id=lead,
            owner_id=user.id,
        )
    )  # fmt: skip

    agenda = activities.agenda(user.id, today=today, now=at)

    assert [(a.subject, a.customer, a.done) for a in agenda.today] == [
        ("Showroom visit", "J&C Motors Ltd (Maria Rossi)", True),
        ("Second visit", "J&C Motors Ltd (Maria Rossi)", False),
    ]
    assert [(a.subject, a.lead_id) for a in agenda.overdue] == [("Send the offer", lead)]


def _business() -> None:
    m.Business.create(name="J&C Motors", kind="dealer", city="München")


def _quote(opportunity_id: int) -> int:
    """A draft quote for a car at 25,000 plus 19 % VAT."""
    draft = quotes.create(opportunity_id)
    line = LineInput("vehicle", "Volkswagen Golf", Decimal("1"), Decimal("25000"), Decimal("19"))
    data = QuoteInput(valid_until=draft.valid_until, lines=[line])
    return quotes.save(draft.id, data, draft.version).id


def test_a_customer_lists_the_issued_quotes_and_order_forms_of_its_sales(
    user: UserInfo,
) -> None:
    _business()
    maria = factories.customer()
    car = m.Vehicle.create(
        vin="WVWZZZCDZSW123456", stock_number="N-1", condition="new", brand="VW", model="Golf"
    )
    golf = factories.opportunity(user.id, maria, topic="Golf for Rossi", vehicle_id=car.id).id
    polo = factories.opportunity(user.id, maria, topic="Polo for Rossi").id
    first = _quote(golf)
    quotes.present(first)
    second = quotes.revise(first).id
    quotes.present(second)
    form = deals.accept_quote(second)
    _quote(polo)  # a draft: no document yet
    quotes.present(_quote(factories.opportunity(user.id, factories.customer("Bauer", "Anna")).id))

    listed = deals.documents_for_account(maria)

    assert [(d.kind, d.number, d.reference, d.status, d.topic) for d in listed] == [
        ("order_form", form, form, "Awaiting the customer's signature", "Golf for Rossi"),
        ("quote", "Q-00001 rev. 2", "Q-00001-r2", "Accepted", "Golf for Rossi"),
        ("quote", "Q-00001", "Q-00001", "Revised", "Golf for Rossi"),
    ]
    assert listed[1].reference == documents.reference("Q-00001", 2, "quote")
    assert {d.issued_on for d in listed} == {date.today()}
    assert {d.opportunity_id for d in listed} == {golf}
    assert listed[0].amount_due == listed[1].amount_due == "€29,750.00"
    for d in listed:  # each one opens in the preview: its snapshot is found by the reference
        assert documents.snapshot(d.reference).number in d.number
    assert deals.documents_for_account(factories.customer("Nobody")) == []


def test_a_quote_past_its_date_is_listed_as_expired(user: UserInfo) -> None:
    _business()
    maria = factories.customer()
    sale = factories.opportunity(user.id, maria, est_revenue=Decimal("20000")).id
    quote = _quote(sale)
    quotes.present(quote)
    later = quotes.get(quote).valid_until + timedelta(days=1)
    assert [d.status for d in deals.documents_for_account(maria, today=later)] == ["Expired"]
