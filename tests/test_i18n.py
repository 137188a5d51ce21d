"""The translation function: catalogues found or not, plurals, contexts, switching at run time."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths

ROOT = Path(__file__).resolve().parent.parent


def _write_catalogue(folder: Path, language: str) -> None:
    catalog = Catalog(locale=language, domain=i18n.DOMAIN)
    catalog.add("Save", "Speichern")
    catalog.add(("{n} opportunity", "{n} opportunities"), ("{n} Verkaufschance", "{n} Chancen"))
    catalog.add("Order", "Bestellung", context="document")
    catalog.add("Order", "Reihenfolge", context="sorting")
    catalog.add(("{n} line", "{n} lines"), ("{n} Position", "{n} Positionen"), context="document")
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / f"{i18n.DOMAIN}.mo").open("wb") as file:
        write_mo(file, catalog)


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "translations"
    _write_catalogue(folder, "de")
    monkeypatch.setattr(paths, "translations_dir", lambda: folder)
    i18n.translator.cache_clear()
    yield folder
    i18n.set_language("en")
    i18n.translator.cache_clear()


def test_english_is_the_text_itself() -> None:
    assert i18n._("Save") == "Save"
    assert i18n.ngettext("{n} opportunity", "{n} opportunities", 1).format(n=1) == "1 opportunity"
    assert i18n.ngettext("{n} opportunity", "{n} opportunities", 2).format(n=2) == "2 opportunities"
    assert i18n.pgettext("document", "Order") == "Order"
    assert i18n.N_("Est. revenue") == "Est. revenue"


def test_a_language_without_a_catalogue_reads_english(german: Path) -> None:
    t = i18n.translator("it")
    assert not t.has_catalogue
    assert t._("Save") == "Save"
    assert t.ngettext("{n} opportunity", "{n} opportunities", 3) == "{n} opportunities"


def test_a_documents_translator_is_its_own_language_not_the_screens(german: Path) -> None:
    t = i18n.translator("de")
    assert t.has_catalogue
    assert t._("Save") == "Speichern"
    assert t.gettext("Save") == "Speichern"
    assert i18n._("Save") == "Save"  # the screen is still English
    assert t.ngettext("{n} opportunity", "{n} opportunities", 1).format(n=1) == ("1 Verkaufschance")
    assert t.ngettext("{n} opportunity", "{n} opportunities", 5).format(n=5) == "5 Chancen"
    assert t.pgettext("document", "Order") == "Bestellung"
    assert t.pgettext("sorting", "Order") == "Reihenfolge"
    assert t.npgettext("document", "{n} line", "{n} lines", 2).format(n=2) == "2 Positionen"
    assert t._("Not in the catalogue") == "Not in the catalogue"


def test_set_language_switches_the_module_functions_at_once(german: Path) -> None:
    label = i18n.N_("Save")  # marked at import time, translated where shown
    i18n.set_language("de")
    assert i18n.language() == "de"
    assert i18n._(label) == "Speichern"
    assert i18n.pgettext("document", "Order") == "Bestellung"
    i18n.set_language("en")
    assert i18n._(label) == "Save"
    assert i18n.current() is i18n.ENGLISH


def test_a_language_babel_does_not_know_gets_english_formats() -> None:
    t = i18n.translator("xx")
    assert t._("Save") == "Save"
    assert t.locale.language == "en"


def test_the_languages_are_english_and_those_with_a_catalogue(german: Path) -> None:
    assert i18n.available_languages() == ["de", "en"]


def test_formats_follow_the_translators_locale() -> None:
    en, de, fr = i18n.translator("en"), i18n.translator("de"), i18n.translator("fr")
    assert en.format_money(Decimal("12500"), "EUR") == "€12,500.00"
    assert de.format_money(Decimal("12500"), "EUR") == "12.500,00\u00a0€"
    assert fr.format_money(Decimal("12500"), "EUR") == "12\u202f500,00\u00a0€"
    assert de.format_number(12500) == "12.500"
    assert de.format_decimal(Decimal("1.5"), 2) == "1,50"
    assert en.format_percent(Decimal("0.25")) == "25%"
    assert de.format_date(date(2027, 1, 31), "medium") == "31.01.2027"
    assert en.format_date(date(2027, 1, 31), "medium") == "Jan 31, 2027"


def test_the_translations_folder_is_under_resources() -> None:
    assert paths.translations_dir() == paths.resources_dir() / "translations"
    assert (paths.translations_dir() / "showroom.pot").is_file()


def test_extraction_finds_every_keyword_and_translator_methods(tmp_path: Path) -> None:
    """pybabel matches the last name of a call: t._("...") and t.ngettext(...) are found."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import texts
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    source = tmp_path / "sample.py"
    source.write_text(
        "def f(t, n):\n"
        '    t._("On the document")\n'
        '    t.ngettext("{n} line", "{n} lines", n)\n'
        '    _("Plain")\n'
        '    N_("Marked")\n'
        '    pgettext("stage", "Lost")\n'
        '    npgettext("document", "{n} page", "{n} pages", n)\n'
        '    print("Not marked")\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.pot"
    assert texts.extract(out, root=tmp_path, sources=["sample.py"]) == 0
    pot = out.read_text(encoding="utf-8")
    for text in ("On the document", "{n} lines", "Plain", "Marked", "Lost", "{n} pages"):
        assert f'"{text}"' in pot
    assert 'msgctxt "stage"' in pot
    assert "Not marked" not in pot


# --- the field labels -------------------------------------------------------------------


def test_field_labels_are_todays_english() -> None:
    from app.domain import fields

    assert fields.label("opportunity.est_revenue") == "Est. revenue"
    assert fields.label("opportunity.est_trade_in") == "Est. trade-in value"
    assert fields.label("opportunity.est_close_date", short=True) == "Est. close"
    assert fields.label("opportunity.topic", short=True) == "Topic"  # no short form
    assert fields.english("account.email") == "E-mail"
    assert fields.label("opportunity.topic", form=True) == "&Topic"
    assert fields.label("opportunity.currency", form=True) == "Currency"  # no access key
    with pytest.raises(KeyError):
        fields.label("opportunity.no_such_field")


def test_field_labels_translate_by_their_key(german: Path) -> None:
    from babel.messages.catalog import Catalog

    from app.domain import fields

    catalog = Catalog(locale="de", domain=i18n.DOMAIN)
    catalog.add("Kind", "Art", context="account.kind")
    catalog.add("Kind", "Typ", context="activity.kind")
    catalog.add("&Topic", "&Thema", context="opportunity.topic.form")
    target = german / "de" / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
    with target.open("wb") as file:
        write_mo(file, catalog)
    i18n.translator.cache_clear()
    de = i18n.translator("de")
    assert fields.label("account.kind", de) == "Art"
    assert fields.label("activity.kind", de) == "Typ"
    assert fields.label("account.kind") == "Kind"  # the screen is English
    assert fields.label("opportunity.topic", de, form=True) == "&Thema"
    i18n.set_language("de")
    assert fields.label("activity.kind") == "Typ"


def test_every_field_label_is_in_the_template() -> None:
    from app.domain import fields

    pot = (paths.translations_dir() / "showroom.pot").read_text(encoding="utf-8")
    for key in fields.KEYS:
        assert f'msgctxt "{key}"\nmsgid "{fields.english(key)}"' in pot
