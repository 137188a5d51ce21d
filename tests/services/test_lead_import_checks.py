"""The lead import's checks done once where they used to be done per row or per field: a
number read once per text and region, a row's printable check done whole, rows written ten
batches at a time. Each accepts and refuses what the plain checks do."""

from __future__ import annotations

from datetime import datetime

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.db import models as m
from app.db.connection import is_sqlite
from app.db.queries import fetch_all
from app.db.server_schema import LEAD_COLUMNS
from app.db.steps.word_starts import LEAD_WORDS
from app.domain.choices import Condition
from app.domain.text import searchable, words_of
from app.domain.validation import Validator
from app.i18n import _
from app.services import lead_import, matching, reference
from app.services.leads import INPUT_FIELDS, LeadInput, field_labels, validate_lead
from app.services.reference import check_code
from app.services.workspace import UserInfo


def _library_key(text: str, region: str) -> str:
    """The phone key as the library gives it, read anew each time."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return "".join(c for c in text if c.isdigit())
    if not phonenumbers.is_possible_number(number):
        return "".join(c for c in text if c.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NUMBERS = (
    "030 1234567",
    "02 1234 5678",
    "+39 02 1234 5678",
    "0039 02-12345678",
    "0171 1234567",
    "(089) 123456",
    "12345",
    "1234567890123456789",
    "+999 1234567",
    "00 00",
    "+44 20 7946 0000",
    "020 7946 0000",
)


def test_a_number_read_once_is_read_in_each_region_of_its_own() -> None:
    matching._reading.cache_clear()
    # The same texts read in turn in three regions, each time as the library reads them:
    # "030 1234567" is Berlin in Germany and a Milanese prefix's digits in Italy.
    for _round in range(2):
        for region in ("DE", "IT", "GB", "DE"):
            for text in _NUMBERS:
                assert matching.phone_key(text, region) == _library_key(text, region), (
                    text,
                    region,
                )
    assert matching.phone_key("030 1234567", "DE") == "+49301234567"
    assert matching.phone_key("030 1234567", "IT") == "+390301234567"


def test_a_number_is_refused_as_the_library_reads_it_in_its_region() -> None:
    matching._reading.cache_clear()
    for region in ("DE", "IT", "DE"):
        for text in _NUMBERS:
            problem = matching.phone_problem(text, region)
            try:
                number = phonenumbers.parse(text, region)
                possible = phonenumbers.is_possible_number(number)
            except phonenumbers.NumberParseException:
                possible = False
            if sum(c.isdigit() for c in text) >= 5:
                assert (problem is None) == possible, (text, region, problem)
    # The same digits, refused in one region and taken in the other, read after each other.
    assert matching.phone_problem("+999 1234567", "DE") is not None
    assert matching.phone_problem("0171 1234567", "DE") is None


def _errors_field_by_field(data: LeadInput) -> dict[str, str]:
    """The printable and length refusals each field's own check gives."""
    v = Validator()
    labels = field_labels()
    for name in INPUT_FIELDS:
        value = getattr(data, name)
        if value:
            v.optional(name, value, labels[name], 10_000 if name == "notes" else 200)
    return v.errors


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("notes", "Call me 🙂 tomorrow"),
        ("last_name", "Müller"),
        ("city", "Αθήνα"),
        ("notes", "Line one\nline two\tand a tab"),
        ("first_name", "Ann\x07e"),
        ("model", "Golf " + "x" * 250),
    ],
)
def test_a_row_checked_whole_refuses_what_each_field_would(
    user: UserInfo, field: str, text: str
) -> None:
    def row() -> LeadInput:
        data = LeadInput(last_name="Rossi", email="m@example.it", channel="web_form")
        setattr(data, field, text)
        return data

    expected = _errors_field_by_field(row())
    found = validate_lead(row(), "DE").errors
    for name, message in expected.items():
        assert found.get(name) == message
    assert set(found) == set(expected)


@pytest.mark.parametrize(
    ("interest", "condition"),
    [("", ""), ("  ", " "), ("first", "new"), ("FIRST", "Used"), ("barter", "broken")],
)
def test_a_rows_way_to_pay_and_condition_are_checked_as_their_own_checks_do(
    user: UserInfo, interest: str, condition: str
) -> None:
    """An empty way to pay or condition (most rows of an import) is left unchecked: what
    is kept and refused is what their own checks keep and refuse."""
    if interest == "first":  # the list's first entry, as stored and as typed otherwise
        interest = reference.code_entries("interest")[0].code
    elif interest == "FIRST":
        interest = reference.code_entries("interest")[0].label.upper()
    data = LeadInput(
        last_name="Rossi", email="m@example.it", interest=interest, condition=condition
    )
    found = validate_lead(data, "DE")
    own = Validator()
    assert data.interest == check_code(
        own, "interest", interest.strip(), "interest", _("way to pay")
    )
    assert data.condition == own.choice("condition", condition.strip(), Condition, _("condition"))
    for name in ("interest", "condition"):
        assert found.errors.get(name) == own.errors.get(name)


_TEXTS = (
    st.text(alphabet="ab Z9.@-", max_size=8)  # printable ASCII: the row's whole check
    | st.text(alphabet=st.sampled_from("ab Z9.@-\t\n\xa0éß🙂\x07"), max_size=12)
) | st.builds(
    lambda c, n, pad: pad + c * n + pad,
    st.sampled_from("xé "),
    st.sampled_from([199, 200, 201, 9_999, 10_000, 10_001]),
    st.sampled_from(["", " ", "\t"]),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first_name=_TEXTS,
    last_name=_TEXTS,
    city=_TEXTS,
    notes=_TEXTS,
    model=st.sampled_from(["", "Golf", " Golf ", "Golf\u00a0GTI"]),
)
@example(first_name="Maria", last_name=" Rossi", city="", notes="x" * 10_001, model="Golf")
@example(first_name="Maria ", last_name="Rossi", city="", notes="", model="Golf")
@example(first_name="Maria", last_name="Rossi", city="Roma ", notes="", model="")
@example(first_name="x" * 150, last_name="x" * 150, city="", notes="", model="Golf")
@example(first_name="Maria", last_name="x" * 201, city="Köln", notes="", model="Golf")
def test_a_rows_fields_are_checked_and_stripped_as_each_fields_own_check_does(
    user: UserInfo, first_name: str, last_name: str, city: str, notes: str, model: str
) -> None:
    def row() -> LeadInput:
        return LeadInput(
            first_name=first_name,
            last_name=last_name,
            city=city,
            notes=notes,
            model=model,
            company_name="Autohaus",  # a name, so only the fields' own checks refuse
            email="m@example.it",
            channel="web_form",
        )

    expected = _errors_field_by_field(row())
    data = row()
    found = validate_lead(data, "DE").errors
    for name in ("first_name", "last_name", "city", "notes", "model"):
        assert found.get(name) == expected.get(name), name
        assert getattr(data, name) == getattr(row(), name).strip(), name


def test_a_clean_row_is_taken_with_its_values_stripped(user: UserInfo) -> None:
    data = LeadInput(first_name="  Maria ", last_name="Rossi", email=" m@example.it ")
    data.channel = "web_form"
    assert validate_lead(data, "DE").errors == {}
    assert (data.first_name, data.email) == ("Maria", "m@example.it")


def _rows(count: int, repeat_every: int) -> str:
    lines = ["Lead ID,Last name,E-mail,Phone,Submitted"]
    for i in range(count):
        key = i - 1 if i % repeat_every == repeat_every - 1 else i  # the row before again
        phone = "12 34" if i % 7 == 3 else f"+39 02 {1000000 + key}"  # too short: refused
        lines.append(f"WF-{key},Name{key},n{key}@example.com,{phone},2026-11-{1 + i % 28:02} 09:30")
    return "\n".join(lines) + "\n"


def test_rows_written_in_large_batches_count_and_refuse_as_before(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 10 rows written 30 at a time: repeats inside a write and across two.
    monkeypatch.setattr(lead_import, "_BATCH", 10)
    monkeypatch.setattr(lead_import, "_WRITE_BATCH", 30)
    text = _rows(95, 5)
    report = lead_import.import_csv(text.encode())
    monkeypatch.setattr(lead_import, "_WRITE_BATCH", 10)
    m.Lead.delete().execute()
    small = lead_import.import_csv(text.encode())
    assert (report.imported, report.already_there, report.errors) == (
        small.imported,
        small.already_there,
        small.errors,
    )
    refused = [line for line, _message in report.errors]
    assert refused == [i + 2 for i in range(95) if i % 7 == 3]
    # Every row but the refused and the repeated ones, each once.
    assert (
        report.imported
        == m.Lead.select().count()
        == len({i - 1 if i % 5 == 4 else i for i in range(95) if i % 7 != 3})
    )


def test_imported_leads_carry_the_stamp_of_a_save(user: UserInfo) -> None:
    before = datetime.now().replace(microsecond=0)
    lead_import.import_csv(_rows(30, 100).encode())
    stamps = set(m.Lead.select(m.Lead.version, m.Lead.changed_by, m.Lead.updated_at).tuples())
    assert len(stamps) == 1
    ((version, changed_by, updated_at),) = stamps
    assert (version, changed_by) == (1, user.id)
    assert updated_at >= before


def test_the_leads_words_of_an_import_are_those_of_its_leads(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_sqlite():
        pytest.skip("SQLite's word index; the server's starts follow its lead_search rows")
    monkeypatch.setattr(lead_import, "_BATCH", 10)
    monkeypatch.setattr(lead_import, "_WRITE_BATCH", 30)
    lead_import.import_csv(_rows(95, 5).encode())
    second = "First name,Last name,E-mail\nMaria,Rossi,maria@example.it\nMarco,Neri,m@ex.it\n"
    lead_import.import_csv(second.encode())
    for start in ("n", "na", "ne", "m", "ma", "ex", "3", "39", "ro", "wf"):
        found = fetch_all(
            f"SELECT rowid FROM {LEAD_WORDS} WHERE {LEAD_WORDS} MATCH ?", [f'"{start}" *']
        )
        assert {r[0] for r in found} == _leads_with_a_word_starting(start), start


def _leads_with_a_word_starting(start: str) -> set[int]:
    """The leads whose searched text (folded) has a word starting so, read in Python."""
    found = set()
    for lead in m.Lead.select():
        text = " ".join(str(getattr(lead, c) or "") for c in LEAD_COLUMNS)
        if any(w.startswith(start) for w in words_of(searchable(text))):
            found.add(lead.id)
    assert found or start == "wf"
    return found
