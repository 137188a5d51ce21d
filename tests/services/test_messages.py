"""The services' messages go through the translation function: in the screen's language,
field messages naming the field by the catalogue of labels, real plurals, shipped reasons
shown translated and stored as they were, and texts for the customer in their language."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths
from app.db import models as m
from app.domain.validation import ValidationError
from app.services import (
    accounts,
    activities,
    conflicts,
    errors,
    lead_import,
    leads,
    personal_data,
    retention,
    wording,
)
from app.services.workspace import UserInfo
from tests import factories

# A small German catalogue: just the texts these tests read.
GERMAN: list[tuple[str | tuple[str, str], str | tuple[str, str], str | None]] = [
    ("Give the date and time.", "Gib Datum und Uhrzeit an.", None),
    ("Last name", "Nachname", "account.last_name"),
    (
        ("{n} closed opportunity", "{n} closed opportunities"),
        ("{n} abgeschlossene Verkaufschance", "{n} abgeschlossene Verkaufschancen"),
        None,
    ),
    (("{n} activity", "{n} activities"), ("{n} Aktivität", "{n} Aktivitäten"), None),
    (
        "{opportunities} closed before {date}, with {activities}",
        "{opportunities}, geschlossen vor dem {date}, mit {activities}",
        None,
    ),
    ("Visit", "Besuch", "note reason"),
    ("Duplicate", "Dublette", "disqualify reason"),
    ("The disk is full", "Die Festplatte ist voll", None),
    (
        "Everything Showroom holds about one customer",
        "Alles, was Showroom über einen Kunden speichert",
        None,
    ),
]


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """German available (the screen stays English until a test switches it)."""
    catalog = Catalog(locale="de", domain=i18n.DOMAIN)
    for english, german, context in GERMAN:
        catalog.add(english, german, context=context)
    folder = tmp_path / "translations"
    target = folder / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / f"{i18n.DOMAIN}.mo").open("wb") as file:
        write_mo(file, catalog)
    monkeypatch.setattr(paths, "translations_dir", lambda: folder)
    i18n.translator.cache_clear()
    yield
    i18n.set_language("en")
    i18n.translator.cache_clear()


def _refusal(call, *args) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        call(*args)
    return refused.value.errors


def test_a_services_field_message_reads_in_the_screens_language(
    user: UserInfo, german: None
) -> None:
    no_time = activities.ActivityInput(kind="task", subject="Call back")
    assert _refusal(activities.create, no_time)["starts_at"] == "Give the date and time."
    i18n.set_language("de")
    assert _refusal(activities.create, no_time)["starts_at"] == "Gib Datum und Uhrzeit an."
    # A field message names its field as the catalogue of labels does, translated.
    message = _refusal(accounts.validate, accounts.AccountInput(last_name=" "))["last_name"]
    assert message.startswith("Nachname")
    assert conflicts.field_labels("account", ["last_name", "city"]) == {
        "last_name": "Nachname",
        "city": "City",  # not in the test catalogue: English
    }
    i18n.set_language("en")
    assert _refusal(activities.create, no_time)["starts_at"] == "Give the date and time."


def _plan(opportunities: int, activities_each: int) -> retention.PurgePlan:
    closed = datetime(2015, 5, 4, 12)
    candidates = [
        retention.PurgeCandidate(i, f"Sale {i}", "Rossi", "lost", closed, activities_each, 0)
        for i in range(1, opportunities + 1)
    ]
    return retention.PurgePlan(120, date(2016, 12, 1), candidates)


def test_a_count_reads_right_for_one_and_for_two(german: None) -> None:
    assert _plan(1, 1).summary == (
        "1 closed opportunity closed before Dec 1, 2016, with 1 activity"
    )
    assert _plan(2, 1).summary == (
        "2 closed opportunities closed before Dec 1, 2016, with 2 activities"
    )
    kept = retention.KeptOpportunity(9, "Golf", "has a signed order form, which is kept")
    assert _with_kept(_plan(1, 0), [kept]).summary.endswith(
        "with 0 activities; 1 kept for their documents"
    )
    assert str(accounts.PossibleDuplicates([_candidate(1)])) == (
        "1 customer on file looks like this one."
    )
    assert str(accounts.PossibleDuplicates([_candidate(1), _candidate(2)])) == (
        "2 customers on file look like this one."
    )
    assert lead_import.ImportReport(imported=1, errors=[(3, "has 2 fields")]).summary == (
        "1 imported, 1 refused"
    )
    i18n.set_language("de")
    assert _plan(1, 1).summary == (
        "1 abgeschlossene Verkaufschance, geschlossen vor dem 01.12.2016, mit 1 Aktivität"
    )
    assert _plan(2, 3).summary == (
        "2 abgeschlossene Verkaufschancen, geschlossen vor dem 01.12.2016, mit 6 Aktivitäten"
    )


def _with_kept(
    plan: retention.PurgePlan, kept: list[retention.KeptOpportunity]
) -> retention.PurgePlan:
    return retention.PurgePlan(plan.months, plan.cutoff, plan.candidates, kept)


def _candidate(account_id: int) -> accounts.DuplicateCandidate:
    return accounts.DuplicateCandidate(account_id, "Rossi, Maria", "", "", "", "", ("same name",))


def test_shipped_reasons_show_translated_and_are_stored_as_they_were(
    user: UserInfo, german: None
) -> None:
    account_id = factories.customer()
    i18n.set_language("de")
    shown = activities.note_reasons()
    assert "Besuch" in shown and "Visit" not in shown
    assert activities.note_reason_choices()[shown.index("Besuch")].name == "Visit"
    note = activities.create(
        activities.ActivityInput(
            kind="note",
            subject="Came by with his wife",
            starts_at=datetime(2026, 12, 1, 10),
            account_id=account_id,
            note_reason="Besuch",  # as the picker shows it
        )
    )
    assert note.note_reason == "Visit"  # as it was always stored
    assert activities.note_reason_label(note.note_reason) == "Besuch"
    assert "(Besuch)" in activities.for_account(account_id)[0].title
    # Given as stored, it is taken too; a reason not on the list is refused.
    again = activities.ActivityInput(
        kind="note",
        subject="Again",
        starts_at=datetime(2026, 12, 2, 10),
        account_id=account_id,
        note_reason="Visit",
    )
    assert activities.create(again).note_reason == "Visit"
    again.note_reason = "Gossip"
    assert "note_reason" in _refusal(activities.create, again)
    # A reason an administrator renamed shows as renamed, in any language.
    m.Reason.update(name="Showroom visit").where(m.Reason.key == "visit").execute()
    assert "Showroom visit" in activities.note_reasons()
    assert activities.note_reason_label("Showroom visit") == "Showroom visit"

    lead = leads.create(leads.LeadInput(last_name="Bauer", email="bauer@example.com"))
    assert "Dublette" in leads.disqualify_reasons()
    disqualified = leads.disqualify(lead.id, "Dublette")
    assert disqualified.disqualify_reason == "Duplicate"
    assert disqualified.disqualify_reason_label == "Dublette"


def test_a_problem_the_user_can_act_on_reads_in_the_screens_language(german: None) -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    problem = errors.user_problem(full)
    assert problem is not None and problem.title == "The disk is full"
    i18n.set_language("de")
    problem = errors.user_problem(full)
    assert problem is not None and problem.title == "Die Festplatte ist voll"
    assert problem.kind == "disk_full"


def test_the_personal_data_export_reads_in_the_customers_language(
    user: UserInfo, german: None
) -> None:
    account_id = factories.customer()
    assert personal_data.collect(account_id)["what"] == (
        "Everything Showroom holds about one customer"
    )
    exported = personal_data.collect(account_id, i18n.translator("de"))
    assert exported["what"] == "Alles, was Showroom über einen Kunden speichert"
    assert "last_name" in exported["customer"]  # the keys are the fields' names
    assert i18n.language() == "en"  # the screen's language is not the customer's


def test_dates_and_numbers_in_messages_follow_the_screens_language(german: None) -> None:
    assert wording.day(date(2027, 3, 5)) == "Mar 5, 2027"
    assert wording.number(100_000) == "100,000"
    i18n.set_language("de")
    assert wording.day(date(2027, 3, 5)) == "05.03.2027"
    assert wording.number(100_000) == "100.000"
