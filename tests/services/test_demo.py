"""The demo dealership: a believable spread, the same every time, and consistent history."""

from __future__ import annotations

import io
import json
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from app import demo, i18n
from app.db import models as m
from app.db.connection import database
from app.domain import money, vin
from app.services import documents, opportunities, process, reference, workspace
from app.services.opportunities import OpportunityFilter, OpportunityInput
from tests import factories, people

TODAY = date(2026, 3, 16)


def _load(seed: int = 7) -> demo.DemoSummary:
    return demo.load_demo(seed=seed, today=TODAY)


@pytest.fixture
def loaded(demo_data: Callable[..., demo.DemoSummary]) -> demo.DemoSummary:
    """The demo of `_load()` in the test's database, and its summary: loaded once a run and
    backend, then copied (loading it takes seconds, on the server longer)."""
    return demo_data(seed=7, today=TODAY)


def _count(**criteria: object) -> int:
    return opportunities.count(OpportunityFilter(**criteria), today=TODAY)


def _rows(sql: str) -> list[tuple[object, ...]]:
    return list(database.execute_sql(sql).fetchall())


def test_the_summary_counts_what_was_stored(loaded: demo.DemoSummary) -> None:
    summary = loaded
    assert summary.opportunities == m.Opportunity.select().count() == 400
    # The customers written in Chinese, Arabic, Cyrillic and Greek script come on top.
    assert summary.accounts == m.Account.select().count() == 300 + 4
    for name in ("王, 芳", "الحسن, أحمد", "Смирнова, Ольга", "Παπαδοπούλου, Ελένη"):
        account = m.Account.get(m.Account.name == name)
        assert (
            m.Quote.select().join(m.Opportunity).where(m.Opportunity.account == account.id).exists()
        ), name
    # The stock, and a car ordered for each single-car contract the stock did not cover.
    assert summary.vehicles == m.Vehicle.select().count()
    assert m.Vehicle.select().where(~m.Vehicle.stock_number.startswith("S-")).count() == 80
    assert m.OrderForm.select().where(m.OrderForm.vehicle.is_null(False)).count() > 150
    assert summary.contacts == m.Contact.select().count()
    assert summary.stage_changes == m.StageChange.select().count()
    assert "400 opportunities" in str(summary)
    kinds = Counter(a.kind for a in m.Account.select(m.Account.kind))
    assert kinds["person"] > 150 and kinds["company"] > 20
    assert m.Setting.get_by_id("currency").value == "EUR"


def test_the_organisation_and_staff_look_like_a_dealer_group(loaded: demo.DemoSummary) -> None:
    group = m.Business.get(m.Business.kind == "dealer_group")
    dealers = list(m.Business.select().where(m.Business.parent == group))
    assert 1 <= len(dealers) <= 2
    for business in [group, *dealers]:
        assert business.vat_number.startswith("DE") and len(business.vat_number) == 11
        assert business.street and business.postcode and business.city and business.email
    facilities = list(m.Facility.select())
    assert len(facilities) == 2
    for facility in facilities:
        kinds = {o.kind for o in facility.operations}
        assert kinds == {"new_vehicle_sales", "used_vehicle_sales"}
    roles = Counter(
        g.role for g in m.UserRoleGrant.select().join(m.User).where(m.User.username != "anna")
    )
    assert 5 <= roles["salesperson"] <= 6 and roles["sales_manager"] == 1
    assert all(u.username == u.username.lower() for u in m.User.select())
    assert m.User.get(m.User.username == "jweiss").full_name == "Jürgen Weiß"


def test_customers_carry_the_names_that_break_careless_code(loaded: demo.DemoSummary) -> None:
    names = [a.name for a in m.Account.select(m.Account.name)]
    assert "J&C Motors GmbH" in names
    assert any("'" in n for n in names)
    assert any(any("\u0370" <= c <= "\u04ff" for c in n) for n in names)  # Greek or Cyrillic
    assert any(c in "".join(names) for c in "äöüßéšł")
    for company in m.Account.select().where(m.Account.kind == "company"):
        contacts = list(company.contacts)
        assert 1 <= len(contacts) <= 3 and all(c.job_title for c in contacts)
    for person in m.Account.select().where(m.Account.kind == "person").limit(50):
        assert [c.last_name for c in person.contacts] == [person.last_name]
        assert "@" in person.email and person.phone and person.postcode and person.city


def test_opportunities_spread_over_stages_statuses_and_close_windows(
    loaded: demo.DemoSummary,
) -> None:
    stages = reference.stage_infos(reference.opportunity_kinds()[0].id)
    by_stage = Counter(
        r[0] for r in _rows("SELECT stage_id FROM opportunity") if isinstance(r[0], int)
    )
    assert all(by_stage[s.id] >= 10 for s in stages), by_stage
    statuses = Counter(str(r[0]) for r in _rows("SELECT status FROM opportunity"))
    assert statuses["open"] > 150 and statuses["won"] > 40 and statuses["lost"] > 20
    for s in stages:
        rows = m.Opportunity.select().where(m.Opportunity.stage == s.id)
        expected = "won" if s.is_won else "lost" if s.is_lost else "open"
        assert {o.status for o in rows} == {expected}
        assert {o.probability for o in rows} == {s.default_probability}
    overdue = _count(overdue=True)
    week, month, quarter = (_count(closing_within_days=n) for n in (7, 30, 90))
    assert overdue > 0 and 0 < week < month < quarter < statuses["open"]
    assert len({r[0] for r in _rows("SELECT owner_id FROM opportunity")}) >= 6
    assert len({r[0] for r in _rows("SELECT source FROM opportunity")}) >= 10
    lost_reasons = {r.name for r in m.Reason.select().where(m.Reason.kind == "lost")}
    for opportunity in m.Opportunity.select().where(m.Opportunity.status == "lost"):
        assert opportunity.lost_reason in lost_reasons


def test_branding_and_revenue_come_from_the_catalogue(loaded: demo.DemoSummary) -> None:
    catalogue = {
        (c.brand, c.model, c.variant): c.list_price_minor for c in m.CatalogueEntry.select()
    }
    assert {"Volkswagen", "Škoda", "Audi", "Cupra"} <= {b for b, _, _ in catalogue}
    assert catalogue[("Volkswagen", "Golf", "GTI")] > 0
    for opportunity in m.Opportunity.select():
        assert (opportunity.brand, opportunity.model, opportunity.variant) in catalogue
        assert opportunity.est_revenue_minor > 0
        if opportunity.vehicle_id is None and opportunity.condition == "new":
            list_price = catalogue[(opportunity.brand, opportunity.model, opportunity.variant)]
            assert opportunity.est_revenue_minor <= list_price * 5
        assert opportunity.facility.business_id == opportunity.business_id
        assert opportunity.operation.facility_id == opportunity.facility_id


def test_history_follows_the_fixed_sequence_to_the_current_stage(loaded: demo.DemoSummary) -> None:
    stages = {s.id: s for s in reference.stage_infos(reference.opportunity_kinds()[0].id)}
    ordered = sorted((s for s in stages.values() if not s.is_closed), key=lambda s: s.sequence)
    moves: dict[int, list[m.StageChange]] = {}
    for change in m.StageChange.select().order_by(m.StageChange.created_at, m.StageChange.id):
        moves.setdefault(change.opportunity_id, []).append(change)
    for opportunity in m.Opportunity.select():
        history = moves[opportunity.id]
        assert history[0].from_stage_id is None
        assert stages[history[0].to_stage_id].name in ("Qualify", "Interest")
        for before, after in pairwise(history):
            assert after.from_stage_id == before.to_stage_id
            target = stages[after.to_stage_id]
            if not target.is_closed:
                position = ordered.index(stages[before.to_stage_id])
                assert target == ordered[position + 1], "a stage was skipped"
        assert history[-1].to_stage_id == opportunity.stage_id
        assert opportunity.created_at == history[0].created_at
        assert all(c.created_at < datetime.combine(TODAY, datetime.min.time()) for c in history)
        changes = list(
            opportunity.close_date_changes.order_by(
                m.CloseDateChange.created_at, m.CloseDateChange.id
            )
        )
        assert changes[0].old_date is None
        assert changes[-1].new_date == opportunity.est_close_date
        if opportunity.status != "open":
            assert opportunity.est_close_date < TODAY


def test_opportunities_that_began_at_qualify_come_from_converted_leads(
    loaded: demo.DemoSummary,
) -> None:
    summary = loaded
    qualify = next(s for s in reference.stage_infos(1) if s.name == "Qualify")
    firsts = {
        c.opportunity_id: c.to_stage_id
        for c in m.StageChange.select().where(m.StageChange.from_stage.is_null())
    }
    for opportunity in m.Opportunity.select():
        began_at_qualify = firsts[opportunity.id] == qualify.id
        assert (opportunity.lead_id is not None) == began_at_qualify
        if began_at_qualify:
            lead = opportunity.lead
            assert lead.status == "converted"
            assert lead.converted_account_id == opportunity.account_id
            assert lead.converted_contact_id == opportunity.primary_contact_id
            assert (lead.brand, lead.model) == (opportunity.brand, opportunity.model)
            assert lead.created_at < opportunity.created_at
    statuses = Counter(str(r[0]) for r in _rows("SELECT status FROM lead"))
    assert {"new", "contacted", "qualified", "disqualified", "converted"} <= set(statuses)
    assert summary.leads == sum(statuses.values())
    reasons = {r.name for r in m.Reason.select().where(m.Reason.kind == "disqualify")}
    for lead in m.Lead.select().where(m.Lead.status == "disqualified"):
        assert lead.disqualify_reason in reasons
    assert all(lead.email_key or lead.phone_key for lead in m.Lead.select())


def test_demo_opportunities_pass_the_rules_of_the_form(loaded: demo.DemoSummary) -> None:
    """Saving a demo opportunity unchanged must succeed: the data obeys the services' rules."""
    for stage in reference.stage_infos(1):
        if stage.is_closed:
            continue
        row = m.Opportunity.get(m.Opportunity.stage == stage.id)
        detail = opportunities.get(row.id)
        data = OpportunityInput(
            **{f.name: getattr(detail, f.name) for f in fields(OpportunityInput)}
        )
        saved = opportunities.update(row.id, data, detail.version, today=TODAY)
        assert saved.stage_id == stage.id and saved.version == detail.version + 1


def test_a_closed_demo_opportunity_reopens_where_it_was_closed(loaded: demo.DemoSummary) -> None:
    lost = m.Opportunity.get(m.Opportunity.status == "lost")
    assert lost.closed_at is not None and lost.lost_reason
    closing = (
        m.StageChange.select()
        .where(m.StageChange.opportunity == lost.id)
        .order_by(m.StageChange.created_at.desc())
        .first()
    )
    assert closing.reason == "lost"
    # A demo sale closed months ago has its close date behind it: reopening takes a new one.
    new_date = (
        date.today() + timedelta(days=30) if process.reopen_needs_close_date(lost.id) else None
    )
    process.reopen(lost.id, new_date)
    reopened = m.Opportunity.get_by_id(lost.id)
    assert reopened.status == "open" and reopened.stage_id == closing.from_stage_id
    assert all(
        o.closed_at is None for o in m.Opportunity.select().where(m.Opportunity.status == "open")
    )


def test_every_vin_is_well_formed_with_a_real_maker_and_check_digit(
    loaded: demo.DemoSummary,
) -> None:
    vehicles = list(m.Vehicle.select())
    for vehicle in vehicles:
        assert vin.format_error(vehicle.vin) is None, vehicle.vin
        assert vin.check_digit_matches(vehicle.vin), vehicle.vin
        assert vehicle.vin[:3] in {"WVW", "WVG", "WV2", "TMB", "WAU", "VSS"}
        if vehicle.condition == "used":
            assert vehicle.first_registration < TODAY and vehicle.mileage_km > 1000
        else:
            assert vehicle.first_registration is None
    assert len({v.stock_number for v in vehicles}) == len(vehicles)
    assert {v.condition for v in vehicles} == {"new", "used"}


def test_no_vehicle_is_reserved_by_two_open_opportunities(loaded: demo.DemoSummary) -> None:
    reserved = _rows(
        "SELECT vehicle_id FROM opportunity WHERE status = 'open' AND vehicle_id IS NOT NULL"
    )
    assert len(reserved) >= 20
    assert len(reserved) == len(set(reserved))
    for opportunity in m.Opportunity.select().where(m.Opportunity.vehicle.is_null(False)):
        vehicle = opportunity.vehicle
        assert (vehicle.brand, vehicle.model) == (opportunity.brand, opportunity.model)
        assert vehicle.condition == opportunity.condition
    assert m.Vehicle.select().count() > len(reserved), "some stock stays free to sell"


@pytest.mark.sqlite_only  # opens a second database file
def test_the_same_seed_and_day_give_the_same_opportunities(db: Path, data_dir: Path) -> None:
    _load(seed=11)
    first = _rows("SELECT * FROM opportunity ORDER BY id")
    first_history = _rows("SELECT * FROM stage_change ORDER BY id")
    first_vins = _rows("SELECT vin FROM vehicle ORDER BY id")
    workspace.close_database()
    workspace.open_database(data_dir / "second.sqlite3")
    people.sign_in_as("anna")
    _load(seed=11)
    assert _rows("SELECT * FROM opportunity ORDER BY id") == first
    assert _rows("SELECT * FROM stage_change ORDER BY id") == first_history
    assert _rows("SELECT vin FROM vehicle ORDER BY id") == first_vins
    workspace.close_database()
    workspace.open_database(data_dir / "third.sqlite3")
    people.sign_in_as("anna")
    _load(seed=12)
    assert _rows("SELECT * FROM opportunity ORDER BY id") != first


def test_a_database_with_opportunities_is_refused(user: workspace.UserInfo) -> None:
    factories.opportunity(user.id)
    with pytest.raises(demo.DatabaseNotEmpty, match="already holds opportunities"):
        _load()
    assert m.Opportunity.select().count() == 1
    assert m.Vehicle.select().count() == 0 and m.Business.select().count() == 0


def test_loading_twice_is_refused(db: Path) -> None:
    _load()
    with pytest.raises(demo.DatabaseNotEmpty):
        _load()
    assert m.Opportunity.select().count() == 400


def test_the_list_search_finds_demo_rows(loaded: demo.DemoSummary) -> None:
    golf = _count(text="golf")
    assert golf > 0
    for row in opportunities.page(OpportunityFilter(text="golf"), "topic", False, 0, 500, TODAY):
        assert "golf" in f"{row.topic} {row.customer} {row.brand} {row.model} {row.vin}".lower()
    reserved = m.Opportunity.select().where(m.Opportunity.vehicle.is_null(False)).first()
    fragment = reserved.vehicle.vin[-8:]
    found = opportunities.page(OpportunityFilter(text=fragment), "id", False, 0, 10, TODAY)
    assert reserved.id in [r.id for r in found]
    person = m.Opportunity.select().join(m.Account).where(m.Account.kind == "person").first()
    assert _count(text=person.account.last_name) >= 1
    assert _count(text="zzzzqx") == 0


def test_the_demo_sales_carry_the_documents_their_stage_would_have(
    loaded: demo.DemoSummary,
) -> None:
    from pypdf import PdfReader

    from app.services import documents, orders, quotes

    summary = loaded
    assert summary.quotes == m.Quote.select().count() > 100
    assert summary.order_forms == m.OrderForm.select().count() > 50
    statuses = {q.status for q in m.Quote.select(m.Quote.status)}
    assert {"draft", "presented", "accepted", "abandoned"} <= statuses
    contract = m.Opportunity.select().join(m.Stage).where(m.Stage.name == "Contract").first()
    assert [q.status for q in quotes.for_opportunity(contract.id)] == ["accepted"]
    won = m.Opportunity.select().where(m.Opportunity.status == "won").first()
    (form,) = orders.for_opportunity(won.id)
    assert form.delivered_on is not None and form.signed_on is not None
    # Each figure follows its quote, as the services keep it.
    for row in m.Opportunity.select():
        quote = quotes.revenue_quote(row.id)
        if quote is not None:
            assert quote.net_minor - quote.accessories_minor == row.est_revenue_minor
            assert quote.trade_in_minor == row.est_trade_in_minor
    # Every issued demo document prints, from its snapshot.
    text = PdfReader(io.BytesIO(documents.render(form.number))).pages[0].extract_text()
    assert form.number in text
    assert quotes.expire_due(TODAY) == 0
    assert m.NumberSequence.get_by_id("quote").next_value == summary.quotes + 1
    # Nothing was issued, accepted or signed on a day still to come.
    latest = [
        max(f.created_at.date() for f in m.OrderForm.select()),
        max(q.decided_at.date() for q in m.Quote.select() if q.decided_at),
        max(q.presented_at.date() for q in m.Quote.select() if q.presented_at),
    ]
    assert max(latest) <= TODAY


def test_the_demo_gives_every_salesperson_a_day_and_never_double_books_a_car(
    loaded: demo.DemoSummary,
) -> None:
    from app.services import activities

    summary = loaded
    assert summary.activities == m.Activity.select().count() > 400
    clashes = _rows(
        "SELECT a.id, b.id FROM activity a JOIN activity b ON a.vehicle_id = b.vehicle_id "
        "AND a.id < b.id AND a.kind = 'test_drive' AND b.kind = 'test_drive' "
        "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
    )
    assert clashes == []
    busy = (
        m.User.select()
        .join(m.Opportunity, on=(m.Opportunity.owner == m.User.id))
        .join_from(m.User, m.UserRoleGrant)
        .where(m.UserRoleGrant.role == "salesperson")
        .first()
    )
    agenda = activities.agenda(busy.id, today=TODAY)
    assert agenda.today or agenda.overdue
    assert {a.kind for a in m.Activity.select(m.Activity.kind)} == {
        "appointment",
        "test_drive",
        "task",
        "call",
        "email",
        "note",
    }


def test_no_demo_sale_in_qualify_has_an_appointment_or_test_drive(loaded: demo.DemoSummary) -> None:
    rows = _rows(
        "SELECT count(*) FROM activity a JOIN opportunity o ON o.id = a.opportunity_id "
        "JOIN stage s ON s.id = o.stage_id "
        "WHERE s.name = 'Qualify' AND a.kind IN ('appointment', 'test_drive')"
    )
    assert rows == [(0,)]


def test_the_demo_documents_print_the_logo_and_fleet_quantities(
    loaded: demo.DemoSummary, data_dir: Path
) -> None:
    from app.services import documents

    # Kept in the database, not as a file of this workstation's.
    sha = m.Setting.get_by_id(documents.LOGO_SETTING).value
    assert bytes(m.DocumentImage.get_by_id(sha).data).startswith(b"\x89PNG")
    assert not list(data_dir.glob("*.png"))
    fleets = trade_ins = 0
    for quote in m.Quote.select().where(m.Quote.snapshot.is_null(False)):
        snapshot = documents.loaded(json.loads(quote.snapshot))
        assert snapshot.seller.logo and snapshot.seller.logo_sha256
        vehicle = snapshot.lines[0]
        if quote.opportunity.topic.endswith("for the fleet"):
            fleets += 1
            count = int(quote.opportunity.topic.split(" ")[0])
            # Every car at its own price: "4 × Octavia at 31,541.00", not "1 × at 126,164.00".
            assert vehicle.quantity == count and vehicle.unit_price * count == vehicle.net
            assert vehicle.unit_price < 100_000
        # The car traded in is identified wherever its allowance prints, with a valid VIN.
        for line in snapshot.lines:
            if line.is_trade_in:
                trade_ins += 1
                car = line.trade_in
                assert car is not None and car.make and car.model and car.mileage_km
                assert vin.format_error(car.vin) is None and vin.check_digit_matches(car.vin)
    assert fleets > 3 and trade_ins > 10
    # The logo is kept once, however many documents print it.
    assert m.DocumentImage.select().count() == 1


def test_the_demo_finds_the_shipped_stages_and_reasons_by_their_keys(db: Path) -> None:
    """Renamed before the demo is loaded, the stages and reasons are still the ones it means:
    it weighs, dates and documents the stages and stores the reasons by their keys."""
    renamed = {"delivery": "Hand-over", "quotation": "Offer made", "qualify": "Screening"}
    for key, name in renamed.items():
        m.Stage.update(name=name).where(m.Stage.key == key).execute()
    m.Reason.update(name="Too expensive").where(m.Reason.key == "price").execute()
    m.Reason.update(name="Went to a rival").where(m.Reason.key == "bought_elsewhere").execute()
    m.Reason.update(name="Showroom visit").where(m.Reason.key == "visit").execute()
    _load()
    stage_of = {s.id: s for s in reference.stage_infos(1)}
    open_rows = list(m.Opportunity.select().where(m.Opportunity.status == "open"))
    by_key = Counter(stage_of[o.stage_id].key for o in open_rows)
    assert by_key["delivery"] >= 10 and by_key["quotation"] >= 10 and by_key["qualify"] >= 10
    # Every open sale in Delivery holds a vehicle and has its order, whatever the stage is called.
    delivering = [o for o in open_rows if stage_of[o.stage_id].key == "delivery"]
    assert all(o.vehicle_id is not None for o in delivering)
    ordered = {o.opportunity_id for o in m.SalesOrder.select()}
    assert any(o.id in ordered for o in delivering)
    lost = Counter(
        o.lost_reason for o in m.Opportunity.select().where(m.Opportunity.status == "lost")
    )
    assert lost["Too expensive"] > 0 and lost["Went to a rival"] > 0 and "Price" not in lost
    rivals = {"Went to a rival", "Bought another brand"}
    for o in m.Opportunity.select().where(m.Opportunity.competitor != ""):
        assert o.lost_reason in rivals
    notes = Counter(a.note_reason for a in m.Activity.select().where(m.Activity.kind == "note"))
    assert notes["Showroom visit"] > 0 and "Visit" not in notes
    assert set(notes) <= {r.name for r in m.Reason.select().where(m.Reason.kind == "note")}


def test_the_summary_counts_in_words_with_each_languages_plurals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.catalogues import catalogue

    one = demo.DemoSummary(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    assert str(one) == (
        "1 business, 1 facility, 1 user, 1 catalogue variant, 1 vehicle, 1 customer with "
        "1 contact, 1 lead, 1 opportunity, 1 quote, 1 order form, 1 order, 1 activity"
    )
    entries = [
        (None, ("{n} business", "{n} businesses"), ("{n} Betrieb", "{n} Betriebe")),
        (None, ("{n} opportunity", "{n} opportunities"), ("{n} Chance", "{n} Chancen")),
    ]
    with catalogue(tmp_path / "translations", monkeypatch, entries) as german:
        two = demo.DemoSummary(2, 2, 2, 2, 2, 2, 2, 2, 2, 2)
        words = two.describe(german)
        assert words.startswith("2 Betriebe, 2 facilities") and "2 Chancen" in words
        assert one.describe(german).startswith("1 Betrieb, 1 facility")


def test_the_demo_customers_read_four_languages_with_documents_in_each(
    loaded: demo.DemoSummary, tmp_path: Path
) -> None:
    spoken = dict(_rows("SELECT language, count(*) FROM account GROUP BY language"))
    assert set(spoken) == {"de", "it", "fr", "en"}, spoken
    assert spoken["de"] > spoken["en"] > 0  # a German dealership, with foreign customers
    assert documents.dealership_language() == "de"
    by_language: dict[str, str] = {}
    for number, stored in _rows("SELECT number, snapshot FROM order_form ORDER BY id"):
        by_language.setdefault(json.loads(str(stored))["language"], str(number))
    quotes_in = {
        json.loads(str(stored))["language"]
        for (stored,) in _rows("SELECT snapshot FROM quote WHERE snapshot IS NOT NULL")
    }
    assert quotes_in == set(by_language) == {"de", "it", "fr", "en"}
    # Each is printed in its customer's locale: the amount due as that locale writes it.
    for language, number in by_language.items():
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(documents.render(number))
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        snap = documents.snapshot(number)
        due = money.format_amount(snap.totals.amount_due, snap.currency, i18n.translator(language))
        spaces = str.maketrans({"\u00a0": " ", "\u202f": " "})
        assert due.translate(spaces) in text.translate(spaces), (language, number, due)


def test_the_demo_is_written_in_the_language_it_is_loaded_in(db: Path) -> None:
    """Loaded on German screens, what the salespeople wrote is German (topics, activities,
    the team, the operations, the dealership's own entries), and each quote's lines are in
    its customer's language, as its document prints them."""
    from app.domain.choices import Condition, OperationKind

    i18n.set_language("de")
    try:
        _load()
        german = i18n.translator("de")
    finally:
        i18n.set_language("en")
    subjects = {str(s) for (s,) in _rows("SELECT subject FROM activity")}
    assert "Probefahrt" in subjects and "Test drive" not in subjects
    assert "Wegen des Angebots angerufen" in subjects
    topics = [str(t) for (t,) in _rows("SELECT topic FROM opportunity")]
    assert any(t.startswith("Dienstwagen ") or " für " in t for t in topics)
    assert not any(" for " in t or t.startswith(("Used ", "New ", "Company car")) for t in topics)
    assert _rows("SELECT name FROM team") == [("Verkaufsteam Brenner",)]
    countries = {
        str(c) for (c,) in _rows("SELECT country FROM account UNION SELECT country FROM business")
    }
    assert "Deutschland" in countries and "Germany" not in countries
    operations = {str(n) for (n,) in _rows("SELECT name FROM operation")}
    assert OperationKind.NEW_VEHICLE_SALES.translated(german) in operations
    assert ("Ballonfinanzierung",) in _rows("SELECT name FROM reason")
    by_language: dict[str, list[str]] = {}
    for (stored,) in _rows("SELECT snapshot FROM quote WHERE snapshot IS NOT NULL"):
        snap = json.loads(str(stored))
        by_language.setdefault(snap["language"], []).extend(
            str(line["description"]) for line in snap["lines"]
        )
    for language, lines in by_language.items():
        t = i18n.translator(language)
        conditions = {
            f", {c.translated(t).lower()}"
            for c in (Condition.NEW, Condition.USED, Condition.EX_DEMO)
        }
        # The vehicle's line ends with its condition in the customer's language.
        assert any(line.endswith(tuple(conditions)) for line in lines), (language, lines[:3])
    italian = " ".join(by_language["it"])
    assert "Immatricolazione e targhe" in italian or "Messa su strada" in italian
