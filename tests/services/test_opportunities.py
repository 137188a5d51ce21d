"""Opportunity services against a real SQLite file: rules, reservations, the list query."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.db import models as m
from app.domain import vin
from app.domain.validation import ValidationError
from app.services import accounts, opportunities, reference
from app.services.errors import ConflictError
from app.services.opportunities import OpportunityFilter, OpportunityInput
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


def _as_input(detail: opportunities.OpportunityDetail) -> OpportunityInput:
    return OpportunityInput(**{f.name: getattr(detail, f.name) for f in fields(OpportunityInput)})


def _stage_id(name: str) -> int:
    return next(s.id for s in reference.stage_infos(1) if s.name == name)


def _vehicle(vin_text: str = "WVWZZZCDZRW012345", stock: str = "N-1001") -> int:
    return m.Vehicle.create(
        vin=vin.with_check_digit(vin_text),
        stock_number=stock,
        condition="new",
        brand="Volkswagen",
        model="Golf",
        variant="GTI",
    ).id


def test_a_new_opportunity_starts_with_the_expected_defaults(user: UserInfo) -> None:
    created = factories.opportunity(user.id)
    from app.domain.dates import default_close_date

    assert created.est_close_date == default_close_date(TODAY)
    assert created.stage_name == "Interest"
    assert opportunities.effective_probability(created) == 20
    assert created.owner_id == user.id
    assert created.est_revenue == Decimal("31500.00")
    assert m.StageChange.select().where(m.StageChange.opportunity == created.id).count() == 1
    row = m.Opportunity.get_by_id(created.id)
    assert row.est_revenue_minor == 3_150_000 and row.currency == "EUR"


def test_refused_input_names_each_field(user: UserInfo) -> None:
    data = opportunities.new_input(user.id)
    data.topic = "   "
    data.est_revenue = Decimal("-5")
    data.est_trade_in = Decimal("250000000")
    data.scheduled_delivery = TODAY - timedelta(days=1)
    data.probability = 101
    with pytest.raises(ValidationError) as caught:
        opportunities.create(data)
    errors = caught.value.errors
    assert set(errors) >= {
        "topic",
        "account_id",
        "est_revenue",
        "est_trade_in",
        "scheduled_delivery",
        "probability",
    }
    assert "cannot be empty" in errors["topic"]
    assert "in the past" in errors["scheduled_delivery"]
    assert m.Opportunity.select().count() == 0


def test_a_past_delivery_date_is_kept_on_an_existing_record(user: UserInfo) -> None:
    created = factories.opportunity(user.id, scheduled_delivery=TODAY)
    m.Opportunity.update(scheduled_delivery=TODAY - timedelta(days=3)).where(
        m.Opportunity.id == created.id
    ).execute()
    detail = opportunities.get(created.id)
    detail.topic = "Golf GTI for Rossi"
    saved = opportunities.update(created.id, _as_input(detail), detail.version)
    assert saved.topic == "Golf GTI for Rossi"


def test_a_hand_typed_probability_survives_stage_moves_until_reset(user: UserInfo) -> None:
    created = factories.opportunity(user.id, probability=55)
    detail = opportunities.get(created.id)
    assert detail.probability == 55
    data = _as_input(detail)
    data.stage_id = _stage_id("Quotation")
    moved = opportunities.update(created.id, data, detail.version)
    assert moved.stage_name == "Quotation" and moved.probability == 55
    data = _as_input(moved)
    data.probability = None
    reset = opportunities.update(created.id, data, moved.version)
    assert opportunities.effective_probability(reset) == 40
    changes = m.StageChange.select().where(m.StageChange.opportunity == created.id).count()
    assert changes == 2


def test_a_standard_process_cannot_skip_a_stage(user: UserInfo) -> None:
    created = factories.opportunity(user.id)
    data = _as_input(created)
    data.stage_id = _stage_id("Contract")
    with pytest.raises(ValidationError) as caught:
        opportunities.update(created.id, data, created.version)
    assert "no skipping" in caught.value.errors["stage_id"]


def test_a_vehicle_is_reserved_by_one_open_opportunity_only(user: UserInfo) -> None:
    vehicle_id = _vehicle()
    first = factories.opportunity(user.id, vehicle_id=vehicle_id, topic="Golf GTI for Rossi")
    with pytest.raises(ValidationError) as caught:
        factories.opportunity(user.id, factories.customer("Bauer", "Jürgen"), vehicle_id=vehicle_id)
    message = caught.value.errors["vehicle_id"]
    assert f"#{first.id}" in message and "Golf GTI for Rossi" in message
    # Saving the holder again keeps its own reservation.
    again = opportunities.update(first.id, _as_input(first), first.version)
    assert again.vehicle_id == vehicle_id


def test_saving_over_someone_elses_change_is_refused(user: UserInfo) -> None:
    created = factories.opportunity(user.id)
    stale = _as_input(created)
    fresh = _as_input(created)
    fresh.topic = "Changed at the other desk"
    opportunities.update(created.id, fresh, created.version)
    stale.topic = "Changed here"
    with pytest.raises(ConflictError):
        opportunities.update(created.id, stale, created.version)
    assert opportunities.get(created.id).topic == "Changed at the other desk"


def test_assignment_must_hang_together(user: UserInfo) -> None:
    group = m.Business.create(name="Alpen Auto", kind="dealer")
    other = m.Business.create(name="Other", kind="dealer")
    site = m.Facility.create(business=group, name="Innsbruck")
    with pytest.raises(ValidationError) as caught:
        factories.opportunity(user.id, business_id=other.id, facility_id=site.id)
    assert "another business" in caught.value.errors["facility_id"]


def _ids(flt: OpportunityFilter, sort: str = "id") -> list[int]:
    return [r.id for r in opportunities.page(flt, sort, False, 0, 500)]


def test_the_list_searches_topic_customer_brand_model_and_vin(user: UserInfo) -> None:
    vehicle_id = _vehicle("WVWZZZCDZRW098765", "N-2002")
    golf = factories.opportunity(
        user.id, topic="Family car", brand="Volkswagen", model="Golf", vehicle_id=vehicle_id
    )
    octavia = factories.opportunity(
        user.id,
        factories.customer("Ó'Brien", "Siobhán"),
        topic="Estate for the O'Briens",
        brand="Škoda",
        model="Octavia",
    )
    vin_text = m.Vehicle.get_by_id(vehicle_id).vin
    assert _ids(OpportunityFilter(text="golf")) == [golf.id]
    assert _ids(OpportunityFilter(text="brien")) == [octavia.id]
    assert _ids(OpportunityFilter(text="ško")) == [octavia.id]
    assert _ids(OpportunityFilter(text=vin_text[-6:])) == [golf.id]
    assert _ids(OpportunityFilter(text="Vo")) == [golf.id]
    assert _ids(OpportunityFilter(text="family golf")) == [golf.id]
    assert _ids(OpportunityFilter(text="100%")) == []
    # One letter: the start of a word ("Family", "for"; no word of the Golf's starts with "o").
    assert opportunities.count(OpportunityFilter(text="f")) == 2
    assert _ids(OpportunityFilter(text="o")) == [octavia.id]


def test_renaming_a_customer_updates_the_search(user: UserInfo) -> None:
    created = factories.opportunity(user.id, topic="Family car")
    account = m.Account.get_by_id(created.account_id)
    account.name = "Verdi, Giuseppe"
    account.save()
    assert _ids(OpportunityFilter(text="verdi")) == [created.id]
    assert _ids(OpportunityFilter(text="rossi")) == []
    assert accounts.name(created.account_id) == "Verdi, Giuseppe"


def test_the_list_filters_by_owner_status_stage_facility_and_dates(user: UserInfo) -> None:
    other = add_user("jurgen", "salesperson", full_name="Jürgen Weiß")
    business = m.Business.create(name="Alpen Auto", kind="dealer")
    site = m.Facility.create(business=business, name="Innsbruck")
    soon = factories.opportunity(user.id, est_close_date=factories.days(5))
    later = factories.opportunity(
        other.id, est_close_date=factories.days(60), business_id=business.id, facility_id=site.id
    )
    overdue = factories.opportunity(user.id, est_close_date=factories.days(10))
    m.Opportunity.update(est_close_date=factories.days(-3)).where(
        m.Opportunity.id == overdue.id
    ).execute()
    won = factories.opportunity(user.id, est_close_date=factories.days(2))
    m.Opportunity.update(status="won").where(m.Opportunity.id == won.id).execute()

    assert _ids(OpportunityFilter(owner_id=other.id)) == [later.id]
    assert _ids(OpportunityFilter(facility_id=site.id)) == [later.id]
    assert _ids(OpportunityFilter(status="won")) == [won.id]
    assert _ids(OpportunityFilter(closing_within_days=7)) == [soon.id]
    assert _ids(OpportunityFilter(closing_within_days=90)) == [soon.id, later.id]
    assert _ids(OpportunityFilter(overdue=True)) == [overdue.id]
    assert _ids(OpportunityFilter(close_from=factories.days(0), close_to=factories.days(30))) == [
        soon.id,
        won.id,
    ]
    assert _ids(OpportunityFilter(stage_name="Interest")) == [soon.id, later.id, overdue.id, won.id]
    assert _ids(OpportunityFilter(stage_name="Quotation")) == []


def test_the_list_sorts_by_each_column_in_sql(user: UserInfo) -> None:
    a = factories.opportunity(
        user.id, factories.customer("Zeller"), topic="b", est_revenue=Decimal(3)
    )
    b = factories.opportunity(
        user.id, factories.customer("Adler"), topic="c", est_revenue=Decimal(1)
    )
    c = factories.opportunity(
        user.id, factories.customer("Meier"), topic="a", est_revenue=Decimal(2)
    )
    assert _ids(OpportunityFilter(), "topic") == [c.id, a.id, b.id]
    assert _ids(OpportunityFilter(), "customer") == [b.id, c.id, a.id]
    assert _ids(OpportunityFilter(), "est_revenue") == [b.id, c.id, a.id]
    desc = [r.id for r in opportunities.page(OpportunityFilter(), "est_revenue", True, 0, 10)]
    assert desc == [a.id, c.id, b.id]
    for key in opportunities.SORT_COLUMNS:
        assert len(opportunities.page(OpportunityFilter(), key, True, 0, 10)) == 3


def test_the_close_date_history_keeps_each_change_oldest_first(user: UserInfo) -> None:
    created = factories.opportunity(user.id, est_close_date=TODAY + timedelta(days=30))
    detail = opportunities.get(created.id)
    detail.est_close_date = TODAY + timedelta(days=45)
    opportunities.update(created.id, detail, detail.version)
    history = opportunities.close_date_history(created.id)
    assert [(c.old_date, c.new_date) for c in history] == [
        (None, TODAY + timedelta(days=30)),
        (TODAY + timedelta(days=30), TODAY + timedelta(days=45)),
    ]
    assert {c.by for c in history} == {user.full_name}


# --- the form in one call ---------------------------------------------------------------


def test_the_form_opens_with_the_record_and_its_choices_in_one_call(user: UserInfo) -> None:
    account = factories.customer("Rossi", "Maria")
    maria = accounts.add_contact(account, accounts.ContactInput("Maria", "Rossi")).id
    luca = accounts.add_contact(account, accounts.ContactInput("Luca", "Rossi")).id
    vehicle = _vehicle()
    created = factories.opportunity(user.id, account, primary_contact_id=maria, vehicle_id=vehicle)
    accounts.set_opportunity_contact(created.id, luca, "driver")

    form = opportunities.open_form(created.id, user.id)

    assert form.record == opportunities.get(created.id)
    assert form.record.account_name == accounts.name(account)
    assert form.contacts == accounts.contacts(account)
    assert form.further_contacts == accounts.opportunity_contacts(created.id)
    assert form.vehicle is not None and form.vehicle.id == vehicle and not form.vehicle.reserved_by
    assert [s.name for s in form.stages_offered] == ["Interest", "Quotation"]  # no Qualify
    assert form.overview is not None and form.overview.current_id == created.stage_id
    assert form.visits is not None and [v.stage for v in form.visits] == ["Interest"]
    assert form.close_dates == opportunities.close_date_history(created.id)
    assert form.choices is not None
    assert form.choices.kinds == reference.opportunity_kinds()
    assert form.choices.owners(user.id) == reference.users()


def test_a_blank_form_is_what_new_input_gives(user: UserInfo) -> None:
    form = opportunities.open_form(None, user.id)
    blank = opportunities.new_input(user.id)
    assert form.is_new and form.overview is None
    assert _as_input(form.record) == blank


def test_a_save_answers_with_the_saved_record_as_the_form_shows_it(user: UserInfo) -> None:
    created = factories.opportunity(user.id)
    data = _as_input(opportunities.get(created.id))
    data.topic = "Golf GTI for the Rossi family"
    data.stage_id = _stage_id("Quotation")

    answer = opportunities.save(created.id, data, created.version)

    saved = opportunities.get(created.id)
    assert answer.record == saved
    assert answer.choices is None  # the form keeps those it opened with
    assert answer.history_changed  # the stage moved
    assert [s.name for s in answer.stages_offered] == ["Interest", "Quotation", "Contract"]
    assert answer.probability == 40
