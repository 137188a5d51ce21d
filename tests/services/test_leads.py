"""Leads: capture, status, the CSV import (good, bad, repeated files) and conversion."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.db import models as m
from app.domain.choices import LeadStatus
from app.domain.validation import ValidationError
from app.services import accounts, lead_import, leads, opportunities, walk_in
from app.services.accounts import PossibleDuplicates
from app.services.lead_import import ImportRefused
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories

GOOD = (
    "Lead ID,First name,Last name,E-mail,Phone,Postcode,City,Make,Model,Channel,Campaign,Message\n"
    "WF-1,Maria,Rossi,maria@example.it,+39 02 1234 5678,20121,Milano,Volkswagen,Golf,web form,dealer website,Test drive please\n"
    "WF-2,Seán,O'Brien,sean@example.ie,,D02,Dublin,Škoda,Octavia,,spring campaign,\n"
    'WF-3,Ελένη,Παπαδοπούλου,eleni@example.gr,+30 21 0123 4567,10558,Αθήνα,Audi,Q3,phone,,"Call after 5, please"\n'
)


def test_a_good_file_imports_every_row(user: UserInfo) -> None:
    report = lead_import.import_csv(GOOD.encode())
    assert (report.imported, report.already_there, report.errors) == (3, 0, [])
    rows = leads.page(leads.LeadFilter(), "name", False, 0, 10)
    assert {r.name for r in rows} == {"Maria Rossi", "Seán O'Brien", "Ελένη Παπαδοπούλου"}
    eleni = next(r for r in rows if r.email == "eleni@example.gr")
    assert eleni.channel == "phone" and eleni.interest == "Audi Q3"
    assert leads.get(eleni.id).notes == "Call after 5, please"
    sean = next(r for r in rows if r.email == "sean@example.ie")
    assert sean.channel == "web_form" and sean.source == "spring campaign"


def test_importing_the_same_file_twice_adds_nothing(user: UserInfo) -> None:
    lead_import.import_csv(GOOD.encode())
    again = lead_import.import_csv(GOOD.encode())
    assert (again.imported, again.already_there) == (0, 3)
    assert m.Lead.select().count() == 3


def test_a_file_without_ids_is_recognised_by_its_content(user: UserInfo) -> None:
    text = "Name;Email;Telefon\nRossi;maria@example.it;\nBauer;;+49 89 123456\n"
    assert lead_import.import_csv(text.encode("utf-8-sig")).imported == 2
    assert lead_import.import_csv(text.encode("utf-8-sig")).already_there == 2


def test_bad_rows_are_reported_by_line_and_the_good_ones_go_in(user: UserInfo) -> None:
    text = (
        "first_name,last_name,email,phone,channel\n"
        "Maria,Rossi,maria@example.it,,web form\n"
        "Anna,,,,web form\n"
        "Jörg,Müller,joerg@@example.de,,phone\n"
        "Tom,Klein,tom@example.de,,carrier pigeon\n"
        "Eva,Groß,eva@example.de\n"
        "Luca,Verdi,,+39 333 1234567,walk-in\n"
    )
    report = lead_import.import_csv(text.encode())
    assert report.imported == 2
    lines = dict(report.errors)
    assert set(lines) == {3, 4, 5, 6}
    assert "e-mail address or a phone" in lines[3]
    assert "not an e-mail" in lines[4]
    assert "carrier pigeon" in lines[5] and "Walk-in" in lines[5]
    assert "3 fields where the header has 5" in lines[6]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"foo,bar,baz\n1,2,3\n", "lacks the columns"),
        (b"first_name,last_name\nMaria,Rossi\n", "lacks the columns"),
        ("last_name,email\nM\xfcller,m@example.de\n".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
    ],
)
def test_an_unreadable_file_is_refused_whole(user: UserInfo, content: bytes, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        lead_import.import_csv(content)
    assert m.Lead.select().count() == 0


def test_a_ten_thousand_row_file_imports(user: UserInfo, tmp_path: Path) -> None:
    lines = ["id,first_name,last_name,email,phone,brand,model"]
    lines += [
        f"{i},Name{i},Surname{i},p{i}@example.com,+49 89 {100000 + i},Volkswagen,Golf"
        for i in range(10_000)
    ]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = lead_import.import_csv(path)
    assert report.imported == 10_000 and not report.errors
    assert leads.count(leads.LeadFilter(text="Surname9999")) == 1


def test_statuses_move_and_disqualify_needs_a_catalogue_reason(user: UserInfo) -> None:
    lead = leads.create(LeadInput(last_name="Rossi", email="maria@example.it", owner_id=user.id))
    assert lead.status == LeadStatus.NEW
    assert leads.set_status(lead.id, "contacted").status == "contacted"
    with pytest.raises(ValidationError):
        leads.disqualify(lead.id, "because")
    out = leads.disqualify(lead.id, "Not reachable")
    assert (out.status, out.disqualify_reason) == ("disqualified", "Not reachable")
    with pytest.raises(ValidationError, match="reopened"):
        leads.convert(lead.id, confirmed_new=True)
    assert leads.set_status(lead.id, "new").disqualify_reason == ""


def test_conversion_creates_customer_contact_and_opportunity_at_qualify(user: UserInfo) -> None:
    lead = leads.create(
        LeadInput(
            first_name="Maria",
            last_name="Rossi",
            email="maria@example.it",
            phone="+39 02 1234 5678",
            brand="Volkswagen",
            model="Golf",
            channel="web_form",
            source="dealer website",
            notes="Wants a GTI",
            owner_id=user.id,
        )
    )
    done = leads.convert(lead.id)
    opp = opportunities.get(done.opportunity_id)
    assert opp.stage_name == "Qualify" and opp.lead_id == lead.id
    assert (opp.brand, opp.model, opp.channel, opp.source) == (
        "Volkswagen",
        "Golf",
        "web_form",
        "dealer website",
    )
    assert opp.owner_id == user.id and opp.primary_contact_id == done.contact_id
    assert opp.topic == "Volkswagen Golf for Rossi, Maria" and opp.description == "Wants a GTI"
    converted = leads.get(lead.id)
    assert converted.status == "converted" and converted.converted_opportunity_id == opp.id
    assert converted.converted_account_id == done.account_id
    with pytest.raises(ValidationError, match="converted"):
        leads.update(
            lead.id, LeadInput(last_name="Changed", email="x@example.it"), converted.version
        )


def test_conversion_finds_the_customer_on_file_first(user: UserInfo) -> None:
    existing = factories.customer("Rossi", "Maria", email="maria@example.it")
    lead = leads.create(LeadInput(first_name="Maria", last_name="Rossi", email="MARIA@example.it"))
    with pytest.raises(PossibleDuplicates) as caught:
        leads.convert(lead.id)
    assert caught.value.candidates[0].account_id == existing
    assert m.Opportunity.select().count() == 0 and leads.get(lead.id).status == "new"
    done = leads.convert(lead.id, account_id=existing)
    assert done.account_id == existing
    assert len(accounts.contact_infos(existing)) == 1  # the person was already a contact


def test_a_failed_conversion_leaves_nothing_behind(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = leads.create(LeadInput(last_name="Rossi", email="maria@example.it"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk went away")

    monkeypatch.setattr(opportunities, "create", broken)
    with pytest.raises(RuntimeError):
        leads.convert(lead.id, confirmed_new=True)
    assert m.Account.select().count() == 0 and m.Contact.select().count() == 0
    assert leads.get(lead.id).status == "new"


def test_a_walk_in_becomes_customer_and_opportunity_in_one_step(user: UserInfo) -> None:
    data = walk_in.WalkInInput(
        first_name="Jürgen", last_name="Weiß", phone="089 123456", brand="Audi", model="Q5"
    )
    created = walk_in.create(data, user.id)
    assert created.topic == "Audi Q5 for Weiß, Jürgen" and created.channel == "walk_in"
    assert created.primary_contact_id is not None and created.stage_name == "Interest"
    again = walk_in.WalkInInput(first_name="Juergen", last_name="Weiss", phone="+49 89 123456")
    assert [c.account_id for c in walk_in.duplicates(again)] == [created.account_id]
    with pytest.raises(ValidationError) as caught:
        walk_in.create(walk_in.WalkInInput(first_name="No", last_name=""), user.id)
    assert set(caught.value.errors) == {"last_name", "phone"}


def test_a_walk_in_reports_every_refusal_at_once(user: UserInfo) -> None:
    from datetime import date, timedelta

    with pytest.raises(ValidationError) as caught:
        walk_in.create(
            walk_in.WalkInInput(
                first_name="Anna",
                email="anna@",
                phone="abc",
                est_close_date=date.today() - timedelta(days=1),
            ),
            user.id,
        )
    assert set(caught.value.errors) == {"last_name", "email", "phone", "est_close_date"}


def _rows_file(tmp_path: Path, count: int, name: str = "many.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,first_name,last_name,email,submitted\n")
        for i in range(count):
            handle.write(f"{i},Name{i},Surname{i},p{i}@example.com,2026-11-{1 + i % 28:02} 09:30\n")
    return path


def test_an_import_reports_its_progress_and_a_cancelled_one_writes_nothing(
    user: UserInfo, tmp_path: Path
) -> None:
    path = _rows_file(tmp_path, 5_000)
    size = path.stat().st_size
    heard: list[tuple[int, int]] = []
    report = lead_import.import_csv(path, progress=lambda done, total: heard.append((done, total)))
    assert report.imported == 5_000
    assert len(heard) >= 5 and heard[-1] == (size, size)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard) and heard[0][0] < size
    m.Lead.delete().execute()

    asked: list[int] = []
    with pytest.raises(lead_import.ImportCancelled):
        lead_import.import_csv(
            path,
            progress=lambda done, total: asked.append(done),
            cancelled=lambda: len(asked) >= 3,  # after three thousand rows were written
        )
    assert m.Lead.select().count() == 0
    # The database is free again: the next import goes in whole.
    assert lead_import.import_csv(path).imported == 5_000


def test_an_unclosed_quote_is_named_by_the_line_where_it_began(user: UserInfo) -> None:
    swallowing = (
        "first_name,last_name,email\n"
        "Maria,Rossi,maria@example.it\n"
        'Anna,"Bauer,anna@example.de\n'  # line 3: the quote is closed only on line 6
        "Luca,Verdi,luca@example.it\n"
        "Eva,Groß,eva@example.de\n"
        'Tom,Klein",tom@example.de\n'
        "Ida,Roth,ida@example.de\n"
    )
    report = lead_import.import_csv(swallowing.encode())
    assert report.imported == 2  # Rossi and Roth
    [(line, problem)] = report.errors
    assert line == 3
    assert "quote opened on this line is not closed until line 6" in problem
    # A message over several lines, in quotes, is a message, not a swallowed row.
    text = 'last_name,email,message\nRossi,maria@example.it,"Call me,\nplease"\n'
    assert lead_import.import_csv(text.encode()).imported == 1
    never_closed = "first_name,last_name,email\nMaria,Rossi,maria@example.it\n" + (
        'Anna,"Bauer,anna@example.de\n' + "Luca,Verdi,luca@example.it\n" * 50
    )
    report = lead_import.import_csv(never_closed.encode())
    assert report.imported == 0 and report.already_there == 1
    [(line, problem)] = report.errors
    assert line == 3 and "a quote opened on this line is never closed" in problem


def test_the_forms_submitted_time_is_the_leads_received_time(user: UserInfo) -> None:
    text = (
        "id,last_name,email,submitted\n"
        "1,Rossi,maria@example.it,2026-11-30 14:05\n"
        "2,Bauer,anna@example.de,30.11.2026 08:15\n"
        "3,Verdi,luca@example.it,\n"
        "4,Klein,tom@example.de,yesterday\n"
    )
    report = lead_import.import_csv(text.encode())
    assert report.imported == 3
    [(line, problem)] = report.errors
    assert line == 5 and "yesterday" in problem
    received = {r.last_name: r.created_at for r in m.Lead.select()}
    assert received["Rossi"] == datetime(2026, 11, 30, 14, 5)
    assert received["Bauer"] == datetime(2026, 11, 30, 8, 15)
    assert datetime.now() - received["Verdi"] < timedelta(minutes=5)  # none given: now
    rows = {r.name: r.created_at for r in leads.page(leads.LeadFilter(), "name", False, 0, 9)}
    assert rows["Rossi"] == datetime(2026, 11, 30, 14, 5)
    utc = lead_import.submitted_time("2026-11-30T13:05:00Z")
    assert utc == datetime(2026, 11, 30, 13, 5, tzinfo=UTC).astimezone().replace(tzinfo=None)


def test_a_bad_byte_far_into_the_file_is_named_by_its_line(user: UserInfo, tmp_path: Path) -> None:
    path = _rows_file(tmp_path, 3_000)
    with path.open("ab") as handle:
        handle.write(b"9999,J\xf6rg,M\xfcller,joerg@example.de,\n")
    with pytest.raises(ImportRefused, match="invalid byte on line 3002"):
        lead_import.import_csv(path)
    assert m.Lead.select().count() == 0


def _peak_import(path: Path) -> int:
    tracemalloc.start()
    try:
        lead_import.import_csv(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_file_is_streamed_not_held(
    user: UserInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows are written (and let go) a thousand at a time here, as the import writes its
    # larger batches of 50 MB files, so that files of a few thousand rows show it.
    monkeypatch.setattr(lead_import, "_WRITE_BATCH", lead_import._BATCH)
    small, large = _rows_file(tmp_path, 3_000, "small.csv"), _rows_file(tmp_path, 12_000)
    small_peak = _peak_import(small)
    m.Lead.delete().execute()
    large_peak = _peak_import(large)
    assert m.Lead.select().count() == 12_000
    # Four times the file, not four times the memory: a batch of rows at a time is held.
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
