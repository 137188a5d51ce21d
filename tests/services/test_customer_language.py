"""Each customer's documents in the customer's language: the correspondence language, the
terms per language, the frozen language of a snapshot, and the schema step that adds it."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from app import i18n, paths
from app.db import migrations
from app.db import models as m
from app.db.steps.languages import correspondence_languages
from app.domain.validation import ValidationError
from app.services import accounts, deals, documents, leads, opportunities, process, quotes
from app.services.documents import DocumentSettings
from app.services.workspace import UserInfo
from tests import factories

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v13.sqlite3"

# Document labels in German, French and Italian: the tests' own catalogues, so they do not
# depend on how far the shipped ones are translated.
LABELS = {
    "de": [
        ("document", "Quote", "Angebot"),
        ("document", "Order form", "Fahrzeugbestellung"),
        (None, "Net total", "Summe netto"),
        (None, "Valid until", "Gültig bis"),
    ],
    "fr": [
        ("document", "Quote", "Devis"),
        ("document", "Order form", "Bon de commande"),
        (None, "Net total", "Total HT"),
        (None, "Valid until", "Valable jusqu’au"),
    ],
    "it": [
        ("document", "Quote", "Preventivo"),
        ("document", "Order form", "Proposta d’acquisto"),
        (None, "Net total", "Totale imponibile"),
        (None, "Valid until", "Valido fino al"),
    ],
}


def _catalogues(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every language's test catalogue under one folder (the helper writes one at a time)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    for language, entries in LABELS.items():
        catalog = Catalog(locale=language, domain=i18n.DOMAIN)
        for context, english, translated in entries:
            catalog.add(english, translated, context=context)
        target = folder / language / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        with (target / f"{i18n.DOMAIN}.mo").open("wb") as file:
            write_mo(file, catalog)
    monkeypatch.setattr(paths, "translations_dir", lambda: folder)
    i18n.translator.cache_clear()


@pytest.fixture
def translated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _catalogues(tmp_path / "translations", monkeypatch)
    yield
    i18n.set_language("en")
    i18n.translator.cache_clear()


def _sale(user: UserInfo, language: str, name: str = "Rossi") -> int:
    if m.Business.select().count() == 0:
        m.Business.create(name="Autohaus Brenner", kind="dealer", city="München")
    account = factories.customer(name, "Maria", language=language)
    vehicle = m.Vehicle.create(
        vin=f"WVWZZZCDZSW12345{m.Vehicle.select().count()}",
        stock_number=f"N-{m.Vehicle.select().count() + 1}",
        condition="new",
        brand="Volkswagen",
        model="Golf",
        variant="Life",
        list_price_minor=2_985_000,
        currency="EUR",
    ).id
    detail = factories.opportunity(user.id, account_id=account, vehicle_id=vehicle)
    process.advance(detail.id, "interest")
    return detail.id


def _issue(sale: int) -> str:
    quote = quotes.create(sale)
    quotes.present(quote.id)
    return quotes.get(quote.id).label


def _pdftotext(data: bytes, folder: Path) -> str:
    path = folder / "document.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("language", "words", "figures", "day"),
    [
        ("de", ("Angebot", "Summe netto", "Gültig bis"), "29.850,00", "%d.%m.%Y"),
        ("fr", ("Devis", "Total HT", "Valable jusqu’au"), "29\u202f850,00", "%d/%m/%Y"),
        ("it", ("Preventivo", "Totale imponibile", "Valido fino al"), "29.850,00", "%d/%m/%Y"),
    ],
)
def test_a_quote_prints_in_the_customers_language_whatever_the_screens(
    user: UserInfo,
    translated: None,
    tmp_path: Path,
    language: str,
    words: tuple[str, ...],
    figures: str,
    day: str,
) -> None:
    i18n.set_language("en")  # the salesperson reads English
    ref = _issue(_sale(user, language))
    assert documents.snapshot(ref).language == language
    text = _pdftotext(documents.render(ref), tmp_path)
    for word in words:
        assert word in text, word
    assert "Net total" not in text and "Valid until" not in text
    # pdftotext gives a no-break space as a space.
    assert figures.replace("\u202f", " ") in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert TODAY.strftime(day) in text
    # The archived PDF is the one rendered again from the snapshot.
    assert (paths.documents_dir() / f"{ref}.pdf").read_bytes() == documents.render(ref)


def test_a_reprint_keeps_the_language_it_was_issued_in(
    user: UserInfo, translated: None, tmp_path: Path
) -> None:
    sale = _sale(user, "de")
    ref = _issue(sale)
    first = documents.render(ref)
    account_id = opportunities.get(sale).account_id
    detail = accounts.get(account_id)
    detail.language = "fr"
    accounts.update(account_id, detail, detail.version)
    i18n.set_language("it")  # and another screen language
    assert documents.render(ref) == first
    assert "Angebot" in _pdftotext(documents.render(ref), tmp_path)
    # A new revision for the customer is written in the language they have now.
    revised = quotes.revise(quotes.for_opportunity(sale)[0].id)
    quotes.present(revised.id)
    assert documents.snapshot(quotes.get(revised.id).label).language == "fr"


def test_the_order_form_follows_the_customers_language(
    user: UserInfo, translated: None, tmp_path: Path
) -> None:
    sale = _sale(user, "it")
    quote = quotes.create(sale)
    quotes.present(quote.id)
    number = deals.accept_quote(quote.id, delivery_date=TODAY + timedelta(days=10))
    assert documents.snapshot(number).language == "it"
    assert "Proposta d’acquisto" in _pdftotext(documents.render(number), tmp_path)


def test_the_terms_are_printed_in_the_customers_language(user: UserInfo, tmp_path: Path) -> None:
    settings = documents.document_settings()
    documents.save_document_settings(
        DocumentSettings(
            valid_days=settings.valid_days,
            vat_rate=settings.vat_rate,
            terms="General terms of the dealership.",
            logo="",
            language="de",
            terms_fr="Conditions générales de vente.",
            version=settings.version,
        )
    )
    saved = documents.document_settings()
    assert (saved.language, saved.terms_fr, saved.terms_de) == (
        "de",
        "Conditions générales de vente.",
        "",
    )
    french = documents.snapshot(_issue(_sale(user, "fr")))
    assert french.terms == "Conditions générales de vente."
    german = documents.snapshot(_issue(_sale(user, "de", "Bauer")))
    assert german.terms == "General terms of the dealership."


def test_a_new_customer_takes_the_dealerships_language_unless_told(user: UserInfo) -> None:
    assert documents.dealership_language() == "en"
    settings = documents.document_settings()
    documents.save_document_settings(
        DocumentSettings(
            valid_days=settings.valid_days,
            vat_rate=settings.vat_rate,
            terms=settings.terms,
            logo="",
            language="it",
            version=settings.version,
        )
    )
    plain = accounts.create(accounts.AccountInput(last_name="Bianchi"))
    assert accounts.get(plain.id).language == "it"
    french = accounts.create(accounts.AccountInput(last_name="Dupont", language="fr"))
    assert accounts.get(french.id).language == "fr"
    with pytest.raises(ValidationError) as refused:
        accounts.create(accounts.AccountInput(last_name="García", language="es"))
    assert "“es” is none of them" in refused.value.errors["language"]


def test_a_converted_lead_gives_its_language_to_the_customer(user: UserInfo) -> None:
    lead = leads.create(
        leads.LeadInput(last_name="Moreau", email="moreau@example.fr", language="fr-FR,fr;q=0.9")
    )
    assert leads.get(lead.id).language == "fr"
    conversion = leads.convert(lead.id, confirmed_new=True)
    assert accounts.get(conversion.account_id).language == "fr"
    unknown = leads.create(leads.LeadInput(last_name="Novák", email="novak@example.cz"))
    assert leads.get(unknown.id).language == ""
    customer = accounts.get(leads.convert(unknown.id, confirmed_new=True).account_id)
    assert customer.language == documents.dealership_language()


def test_the_language_step_upgrades_a_filled_schema_13_database(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(copy) as conn:
        before = conn.execute("SELECT id, name FROM account ORDER BY id").fetchall()
        leads_before = conn.execute("SELECT count(*) FROM lead").fetchone()[0]
    assert before and leads_before
    from app.services import workspace

    workspace.open_database(copy)
    try:
        from app.db.connection import database

        # It runs again without harm (an upgrade interrupted before its commit).
        with database.atomic():
            correspondence_languages(database.obj)
        assert correspondence_languages in migrations.STEPS
    finally:
        workspace.close_database()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT id, name FROM account ORDER BY id").fetchall() == before
        assert {r[0] for r in conn.execute("SELECT language FROM account")} == {""}
        assert {r[0] for r in conn.execute("SELECT language FROM lead")} == {""}
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )


def test_an_old_snapshot_reprints_in_english(user: UserInfo) -> None:
    """Documents issued before the language was kept were printed in English."""
    ref = _issue(_sale(user, "de"))
    stored = documents.snapshot(ref).to_dict()
    stored.pop("language")
    stored["format"] = 2
    assert documents.loaded(stored).language == "en"


def test_an_imported_leads_browser_language_is_kept(user: UserInfo) -> None:
    from app.services import lead_import

    rows = (
        "Lead ID,Last name,E-mail,Browser language\n"
        'WF-1,Rossi,rossi@example.it,"it-IT,it;q=0.9,en;q=0.8"\n'
        "WF-2,Dubois,dubois@example.fr,Français\n"
        "WF-3,Kim,kim@example.kr,ko-KR\n"
    )
    report = lead_import.import_csv(rows.encode())
    assert report.imported == 3, report.errors
    found = {row.last_name: row.language for row in m.Lead.select()}
    assert found == {"Rossi": "it", "Dubois": "fr", "Kim": ""}
