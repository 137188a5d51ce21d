"""Documents print in the translator's language, never the screen's."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths
from reports import pdf
from reports.specimen import specimen_order_form, specimen_quote


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[i18n.Translator]:
    catalog = Catalog(locale="de", domain=i18n.DOMAIN)
    catalog.add("Quote", "Angebot", context="document")
    catalog.add("Order form", "Fahrzeugbestellung", context="document")
    catalog.add("Valid until", "Gültig bis")
    catalog.add("Net total", "Summe netto")
    catalog.add("VAT {rate} on {amount}", "MwSt. {rate} auf {amount}")
    catalog.add("Kind regards,", "Mit freundlichen Grüßen")
    catalog.add("CUSTOMER", "KUNDE", context="document heading")
    catalog.add("Terms and conditions", "Allgemeine Geschäftsbedingungen")
    catalog.add("DRAFT", "ENTWURF")
    catalog.add("Signature and stamp of the dealer", "Unterschrift und Stempel des Händlers")
    target = tmp_path / "translations" / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / f"{i18n.DOMAIN}.mo").open("wb") as file:
        write_mo(file, catalog)
    monkeypatch.setattr(paths, "translations_dir", lambda: tmp_path / "translations")
    i18n.translator.cache_clear()
    yield i18n.translator("de")
    i18n.set_language("en")
    i18n.translator.cache_clear()


def test_english_is_the_default_and_the_same_document() -> None:
    quote = specimen_quote()
    assert pdf.render_quote(quote) == pdf.render_quote(quote, translator=i18n.ENGLISH)
    text = _text(pdf.render_quote(quote))
    assert "Valid until" in text and "Net total" in text and "Kind regards," in text


def test_a_quote_prints_in_the_translators_language(german: i18n.Translator) -> None:
    text = _text(pdf.render(specimen_quote(), draft=True, translator=german))
    for words in ("Angebot", "Gültig bis", "Summe netto", "KUNDE", "ENTWURF", "23.11.2026"):
        assert words in text
    # The figures as German writes them, whatever the screen's language.
    assert "MwSt. 19 % auf 32.228,80" in text
    assert "19\u00a0%" in text or "19 %" in text
    assert "38.772,27" in text and "38,772.27" not in text
    assert "Valid until" not in text and "Net total" not in text
    # A text the catalogue lacks stays English rather than go missing.
    assert "Quote no." in text


def test_the_screens_language_does_not_reach_the_document(german: i18n.Translator) -> None:
    i18n.set_language("de")
    text = _text(pdf.render_order_form(specimen_order_form()))
    assert "Order form" in text and "Fahrzeugbestellung" not in text
    text = _text(pdf.render_order_form(specimen_order_form(), translator=german))
    assert "Fahrzeugbestellung" in text
    assert "Unterschrift und Stempel des Händlers" in text
