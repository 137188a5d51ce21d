"""The audit log, the retention purge (dry run first) and one customer's personal data:
export and anonymisation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.db import models as m
from app.db import retention as db_retention
from app.db.connection import database, is_sqlite
from app.domain.validation import ValidationError
from app.services import (
    accounts,
    activities,
    audit,
    deals,
    leads,
    opportunities,
    personal_data,
    process,
    retention,
)
from app.services.stage_setup import NotAllowed
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.people import sign_in_as as sign_in

TODAY = date(2026, 12, 1)


def _closed(user: UserInfo, topic: str, closed: datetime, won: bool = False, **extra) -> int:  # type: ignore[no-untyped-def]
    created = factories.opportunity(user.id, topic=topic, **extra)
    activities.create(
        activities.ActivityInput(
            kind="call",
            subject=f"Called about {topic}",
            starts_at=datetime(2026, 1, 5, 10),
            opportunity_id=created.id,
            owner_id=user.id,
            direction="out",
        )
    )
    if won:
        process.close_won(created.id)
    else:
        deals.close_lost([created.id], process.lost_reasons()[0])
    m.Opportunity.update(closed_at=closed).where(m.Opportunity.id == created.id).execute()
    return created.id


# --- the audit log ---------------------------------------------------------------------


def test_edits_of_opportunities_and_customers_are_logged_old_to_new(user: UserInfo) -> None:
    created = factories.opportunity(user.id, topic="Golf")
    opened = opportunities.get(created.id)
    opportunities.update(
        created.id, replace(opened, topic="Golf GTI", est_revenue=Decimal("33000")), opened.version
    )
    process.close_won(created.id)
    log = audit.history("opportunity", created.id)
    assert [r.action for r in log] == ["create", "update", "update"]
    assert log[0].user_name == "Anna"
    assert log[1].changes["topic"] == ("Golf", "Golf GTI")
    assert log[1].changes["est_revenue_minor"] == (3150000, 3300000)
    assert log[2].changes["status"] == ("open", "won")
    assert "topic: Golf → Golf GTI" in log[1].summary

    account_id = created.account_id
    detail = accounts.get(account_id)
    accounts.update(account_id, replace(detail, city="Torino"), detail.version)
    [entry] = [r for r in audit.history("account", account_id) if r.action == "update"]
    assert entry.changes == {"city": ("", "Torino")}


def test_a_save_that_changes_nothing_logs_nothing(user: UserInfo) -> None:
    created = factories.opportunity(user.id)
    opened = opportunities.get(created.id)
    opportunities.update(created.id, opened, opened.version)
    assert [r.action for r in audit.history("opportunity", created.id)] == ["create"]


# --- retention ---------------------------------------------------------------------------


def test_the_retention_period_is_a_setting_managers_change(user: UserInfo) -> None:
    assert retention.retention_months() == retention.DEFAULT_MONTHS
    retention.set_retention_months(36)
    assert retention.retention_months() == 36
    with pytest.raises(ValidationError):
        retention.set_retention_months(3)
    add_user("sam", "salesperson", full_name="Sam Sales")
    sign_in("sam")
    with pytest.raises(NotAllowed):
        retention.set_retention_months(48)


def test_the_cutoff_counts_months_back() -> None:
    assert retention.cutoff_date(date(2026, 12, 1), 24) == date(2024, 12, 1)
    assert retention.cutoff_date(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert retention.cutoff_date(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_the_dry_run_lists_what_would_go_and_deletes_nothing(user: UserInfo) -> None:
    retention.set_retention_months(24)
    old = _closed(user, "Old Polo", datetime(2023, 5, 1, 12))
    recent = _closed(user, "Recent Up", datetime(2025, 6, 1, 12))
    still_open = factories.opportunity(user.id, topic="Open Golf").id
    plan = retention.plan(TODAY)
    assert plan.cutoff == date(2024, 12, 1)
    assert plan.ids == [old]
    [candidate] = plan.candidates
    assert (candidate.topic, candidate.status, candidate.activities) == ("Old Polo", "lost", 1)
    assert candidate.history_rows >= 3  # the first stage, the closing move, the close date
    assert "1 closed opportunity" in plan.summary
    assert {o.id for o in m.Opportunity.select()} == {old, recent, still_open}


def test_the_purge_deletes_the_dry_runs_opportunities_with_what_hangs_off_them(
    user: UserInfo,
) -> None:
    retention.set_retention_months(24)
    old = _closed(user, "Old Polo", datetime(2023, 5, 1, 12), won=True)
    other = _closed(user, "Old Passat", datetime(2022, 1, 1, 12))
    recent = _closed(user, "Recent Up", datetime(2025, 6, 1, 12))
    plan = retention.plan(TODAY)
    assert sorted(plan.ids) == sorted([old, other])
    # Reopened after the dry run: no longer due, so it stays.
    process.reopen(other)
    result = retention.purge(plan, TODAY)
    assert (result.opportunities, result.activities) == (1, 1)
    assert m.Opportunity.get_or_none(m.Opportunity.id == old) is None
    for model in (m.Activity, m.StageChange, m.CloseDateChange, m.OpportunityContact):
        assert not model.select().where(model.opportunity == old).exists()
    assert {o.id for o in m.Opportunity.select()} == {other, recent}
    hits = database.execute_sql(
        "SELECT count(*) FROM opportunity_search WHERE "
        + ("opportunity_search MATCH 'Polo'" if is_sqlite() else "raw LIKE '%%Polo%%'")
    ).fetchone()[0]
    assert hits == 0
    [entry] = [r for r in audit.history("opportunity", old) if r.action == "purge"]
    assert entry.changes["status"] == ("won", None)
    if is_sqlite():  # PostgreSQL checks every foreign key as it writes
        assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_opportunities_with_an_order_form_are_kept_and_the_plan_says_why(
    user: UserInfo,
) -> None:
    from app.services import quotes

    retention.set_retention_months(24)
    m.Business.create(name="Autohaus Brenner", kind="dealer")
    vehicle = m.Vehicle.create(
        vin="WVGZZZ5NZRW054321", stock_number="N-7", condition="new", brand="VW", model="Tiguan"
    )
    contracted = factories.opportunity(user.id, topic="Signed Tiguan", vehicle_id=vehicle.id)
    quote = quotes.create(contracted.id)
    quotes.present(quote.id)
    deals.accept_quote(quote.id)
    process.close_won(contracted.id)
    m.Opportunity.update(closed_at=datetime(2023, 1, 1, 12)).where(
        m.Opportunity.id == contracted.id
    ).execute()
    quoted = _closed(user, "Lost Golf", datetime(2023, 1, 1, 12))
    assert db_retention.kept_for_documents([contracted.id, quoted]) == {contracted.id}
    plan = retention.plan(TODAY)
    assert plan.ids == [quoted]
    assert [(k.id, k.reason) for k in plan.kept] == [
        (contracted.id, "has a signed order form, which is kept")
    ]
    result = retention.purge(plan, TODAY)
    assert result.opportunities == 1 and [k.id for k in result.kept] == [contracted.id]
    assert m.Opportunity.get_or_none(m.Opportunity.id == contracted.id) is not None
    assert m.OrderForm.select().count() == 1 and m.Quote.select().count() == 1


def test_a_purge_takes_the_quotes_of_a_sale_without_a_contract(user: UserInfo) -> None:
    from app.services import quotes

    retention.set_retention_months(24)
    m.Business.create(name="Autohaus Brenner", kind="dealer")
    lost = factories.opportunity(user.id, topic="Quoted Polo", brand="Volkswagen", model="Polo")
    quotes.present(quotes.create(lost.id).id)
    deals.close_lost([lost.id], process.lost_reasons()[0])
    m.Opportunity.update(closed_at=datetime(2023, 1, 1, 12)).where(
        m.Opportunity.id == lost.id
    ).execute()
    result = retention.purge(retention.plan(TODAY), TODAY)
    assert result.opportunities == 1
    assert m.Quote.select().count() == 0 and m.QuoteLine.select().count() == 0


def test_only_managers_purge(user: UserInfo) -> None:
    plan = retention.plan(TODAY)
    add_user("sam", "salesperson", full_name="Sam Sales")
    sign_in("sam")
    with pytest.raises(NotAllowed):
        retention.purge(plan, TODAY)


# --- personal data -------------------------------------------------------------------------


def _customer_with_history(user: UserInfo) -> tuple[int, int]:
    account_id = factories.customer(
        "Rossi",
        "Maria",
        email="maria.rossi@example.it",
        phone="+39 02 1234 5678",
        street="Via Roma 12",
        postcode="20121",
        city="Milano",
    )
    accounts.add_contact(
        account_id,
        accounts.ContactInput(first_name="Luigi", last_name="Rossi", email="luigi@example.it"),
    )
    lead = leads.create(
        leads.LeadInput(
            first_name="Maria",
            last_name="Rossi",
            email="MARIA.ROSSI@example.it",
            notes="Maria wants a Golf",
        )
    )
    sale = factories.opportunity(
        user.id, account_id, topic="Golf for Maria Rossi", est_revenue=Decimal("31500")
    )
    activities.create(
        activities.ActivityInput(
            kind="note",
            subject="Maria Rossi called",
            description="Call maria.rossi@example.it back",
            starts_at=datetime(2026, 11, 30, 9),
            opportunity_id=sale.id,
            owner_id=user.id,
        )
    )
    detail = accounts.get(account_id)
    accounts.update(account_id, replace(detail, city="Monza"), detail.version)
    return account_id, lead.id


def test_export_holds_everything_about_the_customer_as_readable_json(
    user: UserInfo, tmp_path: Path
) -> None:
    account_id, lead_id = _customer_with_history(user)
    path = personal_data.export(
        account_id, tmp_path / personal_data.suggested_file_name(account_id)
    )
    text = path.read_text(encoding="utf-8")
    assert "\n  " in text  # indented, for a person to read
    data = json.loads(text)
    assert data["customer"]["last_name"] == "Rossi" and data["customer"]["city"] == "Monza"
    assert {c["first_name"] for c in data["contacts"]} == {"Maria", "Luigi"}
    assert [lead["id"] for lead in data["leads"]] == [lead_id]  # found by the e-mail
    [sale] = data["opportunities"]
    assert sale["topic"] == "Golf for Maria Rossi" and sale["est_revenue"] == "31500.00"
    assert sale["stage"] and sale["owner"] == "Anna"
    assert sale["activities"][0]["subject"] == "Maria Rossi called"
    assert sale["stage_changes"] and sale["close_date_changes"]
    actions = [(a["record"], a["action"]) for a in data["audit_log"]]
    assert (f"account #{account_id}", "update") in actions
    assert any(a["changes"].get("city") == ["Milano", "Monza"] for a in data["audit_log"])
    assert audit.history("account", account_id)[-1].action == "export"


def test_anonymise_replaces_personal_data_everywhere_and_keeps_the_figures(
    user: UserInfo, tmp_path: Path
) -> None:
    account_id, lead_id = _customer_with_history(user)
    [sale_id] = [o.id for o in m.Opportunity.select().where(m.Opportunity.account == account_id)]
    with pytest.raises(ValidationError, match="open sale"):
        personal_data.anonymise(account_id)
    process.close_won(sale_id)
    result = personal_data.anonymise(account_id)
    assert (result.contacts, result.leads, result.opportunities) == (2, 1, 1)

    detail = accounts.get(account_id)
    assert detail.name == f"Anonymised customer #{account_id}"
    assert (detail.email, detail.phone, detail.street, detail.postcode, detail.city) == ("",) * 5
    assert all(c.email == "" and "Anonymised" in c.last_name for c in detail.contacts)
    lead = leads.get(lead_id)
    assert (lead.first_name, lead.email, lead.notes) == ("", "", "[removed] wants a Golf")
    sale = opportunities.get(sale_id)
    assert sale.topic == "Golf for [removed]"
    assert sale.est_revenue == Decimal("31500") and sale.status == "won"
    note = m.Activity.get(m.Activity.opportunity == sale_id)
    assert (note.subject, note.description) == ("[removed] called", "Call [removed] back")

    # Nothing about her is left anywhere in the file, the audit log included.
    everything = json.dumps(personal_data.collect(account_id), ensure_ascii=False).lower()
    for trace in (
        "maria",
        "rossi",
        "luigi",
        "example.it",
        "1234 5678",
        "via roma",
        "milano",
        "monza",
    ):
        assert trace not in everything, trace
    if is_sqlite():
        dump = "\n".join(database.connection().iterdump()).lower()
    else:
        dump = "\n".join(
            repr(database.execute_sql(f'SELECT * FROM "{t}"').fetchall())
            for t in database.get_tables()
        ).lower()
    for trace in ("maria", "rossi", "milano", "monza", "maria.rossi@"):
        assert trace not in dump, trace
    assert audit.history("account", account_id)[-1].action == "anonymise"


def test_only_managers_anonymise(user: UserInfo) -> None:
    account_id = factories.customer()
    add_user("sam", "salesperson", full_name="Sam Sales")
    sign_in("sam")
    with pytest.raises(NotAllowed):
        personal_data.anonymise(account_id)


def test_contact_edits_and_merges_are_logged(user: UserInfo) -> None:
    account_id = factories.customer("Rossi", "Maria")
    [contact] = accounts.get(account_id).contacts
    accounts.update_contact(
        contact.id,
        accounts.ContactInput(first_name="Maria", last_name="Rossi", job_title="CEO"),
        contact.version,
    )
    [entry] = [r for r in audit.history("contact", contact.id) if r.action == "update"]
    assert entry.changes == {"job_title": ("", "CEO")}
    other = factories.customer("Rossi", "M.")
    accounts.merge(account_id, other)
    assert "merge" in [r.action for r in audit.history("account", account_id)]
    assert [r.action for r in audit.history("account", other)][-1] == "delete"


def test_export_and_anonymise_cover_quotes_and_keep_the_signed_contract(
    user: UserInfo, tmp_path: Path
) -> None:
    from app import paths
    from app.services import documents, quotes

    m.Business.create(name="Autohaus Brenner", kind="dealer")
    account = factories.customer("Petrović", "Jelena", email="jelena@example.rs")
    car = m.Vehicle.create(
        vin="TMBJJ7NX5MY045821", stock_number="U-1", condition="used", brand="Škoda",
        model="Octavia",
    )  # fmt: skip
    sale = factories.opportunity(user.id, account, topic="Octavia for Petrović", vehicle_id=car.id)
    offer = quotes.create(sale.id)
    offer = quotes.save(
        offer.id,
        quotes.QuoteInput(
            valid_until=offer.valid_until,
            lines=offer.lines,
            remarks="Jelena Petrović collects it herself",
        ),
        offer.version,
    )
    quotes.present(offer.id)
    other = quotes.create(sale.id)
    quotes.present(other.id)
    form = deals.accept_quote(other.id)
    process.close_won(sale.id)

    exported = personal_data.collect(account)
    [sold] = exported["opportunities"]
    assert [q["number"] for q in sold["quotes"]] == ["Q-00001", "Q-00002"]
    assert sold["quotes"][0]["as_issued"]["customer"]["name"] == "Jelena Petrović"
    assert sold["order_forms"][0]["number"] == form

    result = personal_data.anonymise(account)
    assert result.quotes == 2 and result.contracts_kept == 1
    issued = documents.snapshot("Q-00001")
    assert "Petrović" not in issued.customer.name and issued.customer.address_lines == ()
    assert "Petrović" not in issued.remarks and "Petrović" not in quotes.get(offer.id).remarks
    assert not (paths.documents_dir() / "Q-00001.pdf").exists()
    import io

    from pypdf import PdfReader

    reprint = PdfReader(io.BytesIO(documents.render("Q-00001"))).pages[0].extract_text()
    assert "Q-00001" in reprint and "Petrović" not in reprint
    assert documents.snapshot(form).customer.name == "Jelena Petrović"  # the contract is kept
    assert issued.totals.amount_due == documents.snapshot("Q-00001").totals.amount_due


# --- files, leads never converted, a lead's personal data ---------------------------------


def test_a_purge_removes_the_purged_quotes_archived_pdfs(user: UserInfo) -> None:
    from app import paths
    from app.services import quotes

    retention.set_retention_months(24)
    m.Business.create(name="Autohaus Brenner", kind="dealer")
    customer = factories.customer("Brandt", "Greta")
    polo = {"brand": "Volkswagen", "model": "Polo"}
    lost = factories.opportunity(user.id, customer, topic="Quoted Polo", **polo)
    first = quotes.present(quotes.create(lost.id).id)
    revised = quotes.present(quotes.revise(first.id).id)
    kept = factories.opportunity(user.id, customer, topic="Recent Polo", **polo)
    recent = quotes.present(quotes.create(kept.id).id)
    deals.close_lost([lost.id, kept.id], process.lost_reasons()[0])
    m.Opportunity.update(closed_at=datetime(2023, 1, 1, 12)).where(
        m.Opportunity.id == lost.id
    ).execute()
    folder = paths.documents_dir()
    purged = [folder / "Q-00001.pdf", folder / "Q-00001-r2.pdf"]
    assert all(p.exists() for p in purged) and (folder / "Q-00002.pdf").exists()
    assert (first.number, revised.revision, recent.number) == ("Q-00001", 2, "Q-00002")
    (folder / "Q-00001.pdf.part").write_bytes(b"half")  # a render killed halfway

    result = retention.purge(retention.plan(TODAY), TODAY)
    assert result.opportunities == 1 and result.files == 2
    assert not any(p.exists() for p in purged) and not (folder / "Q-00001.pdf.part").exists()
    assert (folder / "Q-00002.pdf").exists()  # another sale's document stays


def _aged_lead(last_name: str, changed: datetime, **extra: object) -> int:
    lead = leads.create(
        leads.LeadInput(last_name=last_name, email=f"{last_name}@example.de", **extra)
    )  # type: ignore[arg-type]
    m.Lead.update(updated_at=changed, created_at=changed).where(m.Lead.id == lead.id).execute()
    return lead.id


def test_leads_never_converted_are_purged_after_the_retention_period(user: UserInfo) -> None:
    retention.set_retention_months(24)
    old = _aged_lead("Altmann", datetime(2023, 5, 1, 9))
    activities.create(
        activities.ActivityInput(
            kind="call",
            subject="Called Altmann",
            starts_at=datetime(2023, 5, 2, 10),
            lead_id=old,
            owner_id=user.id,
            direction="out",
        )
    )
    recent = _aged_lead("Neumann", datetime(2025, 6, 1, 9))
    converted = _aged_lead("Konrad", datetime(2023, 5, 1, 9))
    leads.convert(converted, confirmed_new=True, owner_id=user.id)
    m.Lead.update(updated_at=datetime(2023, 5, 1, 9)).where(m.Lead.id == converted).execute()

    plan = retention.plan(TODAY)
    assert [lead.id for lead in plan.leads] == [old]
    assert "1 lead never converted, last changed before Dec 1, 2024" in plan.summary
    assert m.Lead.select().count() == 3  # the dry run deletes nothing
    result = retention.purge(plan, TODAY)
    assert result.leads == 1 and result.activities == 1
    assert {lead.last_name for lead in m.Lead.select()} == {"Neumann", "Konrad"}
    assert m.Activity.select().where(m.Activity.lead == old).count() == 0
    assert [e.action for e in audit.history("lead", old)][-1:] == ["purge"]
    assert recent in [lead.id for lead in m.Lead.select()]


def test_a_lead_changed_since_the_dry_run_is_not_purged(user: UserInfo) -> None:
    retention.set_retention_months(24)
    old = _aged_lead("Altmann", datetime(2023, 5, 1, 9))
    plan = retention.plan(TODAY)
    leads.set_status(old, "contacted")  # touched today: no longer due
    assert retention.purge(plan, TODAY).leads == 0
    assert m.Lead.select().count() == 1


def test_a_lead_is_exported_and_anonymised_like_a_customer(user: UserInfo, tmp_path: Path) -> None:
    lead = leads.create(
        leads.LeadInput(
            first_name="Greta",
            last_name="Brandt",
            email="greta.brandt@example.de",
            phone="+49 170 1234567",
            city="Bremen",
            brand="Audi",
            notes="Greta Brandt wants a call after 5",
        )
    )
    activities.create(
        activities.ActivityInput(
            kind="call",
            subject="Called Greta Brandt",
            starts_at=datetime(2026, 1, 5, 10),
            lead_id=lead.id,
            owner_id=user.id,
            direction="out",
        )
    )
    leads.update(lead.id, replace(leads.get(lead.id), city="Hamburg"), leads.get(lead.id).version)

    path = personal_data.export_lead(
        lead.id, tmp_path / personal_data.suggested_lead_file_name(lead.id)
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["lead"]["email"] == "greta.brandt@example.de"
    assert data["activities"][0]["subject"] == "Called Greta Brandt"
    assert any(line["changes"].get("city") == ["Bremen", "Hamburg"] for line in data["audit_log"])
    assert [e.action for e in audit.history("lead", lead.id)][-1] == "export"

    result = personal_data.anonymise_lead(lead.id)
    assert result.activities == 1
    after = leads.get(lead.id)
    assert (after.first_name, after.email, after.phone, after.city) == ("", "", "", "")
    assert after.last_name == f"Anonymised lead #{lead.id}" and after.brand == "Audi"
    assert "Brandt" not in after.notes and "call after 5" in after.notes
    held = json.dumps(personal_data.collect_lead(lead.id), ensure_ascii=False)
    assert "Brandt" not in held and "Bremen" not in held and "greta" not in held.lower()


def test_a_converted_lead_is_anonymised_with_its_customer_and_only_by_managers(
    user: UserInfo,
) -> None:
    lead = leads.create(leads.LeadInput(last_name="Konrad", email="k@example.de"))
    leads.convert(lead.id, confirmed_new=True, owner_id=user.id)
    with pytest.raises(ValidationError, match="anonymise the customer"):
        personal_data.anonymise_lead(lead.id)
    other = leads.create(leads.LeadInput(last_name="Weiss", email="w@example.de"))
    add_user("sam", "salesperson", full_name="Sam Sales")
    sign_in("sam")
    with pytest.raises(NotAllowed):
        personal_data.anonymise_lead(other.id)
    assert leads.get(other.id).last_name == "Weiss"
