"""The opportunity screens read their texts through the translation function: switched to
another language at run time, a form or list built afterwards shows it, with no restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths
from app.services import opportunities
from app.services.workspace import UserInfo
from tests import factories
from ui.common.qt import HORIZONTAL
from ui.opportunities.close_dialogs import CloseLostDialog
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.opportunities.opportunity_list import (
    COL_CLOSE_DATE,
    COL_STAGE,
    COL_TOPIC,
    OpportunityListPage,
)
from ui.opportunities.walk_in_dialog import WalkInDialog

GERMAN = (
    # (English, German, context)
    ("&Contacts", "&Kontakte", None),
    ("Save and c&lose", "Speichern und sch&ließen", None),
    ("&Topic", "&Thema", "opportunity.topic.form"),
    ("C&ustomer", "K&unde", "opportunity.account_id.form"),
    ("Topic", "Thema", "opportunity.topic"),
    ("Est. close", "Abschluss", "opportunity.est_close_date.short"),
    ("Open opportunities", "Offene Verkaufschancen", None),
    ("Opportunity #{number} — {topic}", "Verkaufschance Nr. {number} – {topic}", None),
    ("Walk-in customer", "Laufkunde", None),
    ("&First name", "&Vorname", "walk_in.first_name.form"),
    ("Close as lost", "Als verloren abschließen", None),
    ("Price", "Preis", "lost reason"),
    ("Interest", "Interesse", "stage"),
    ("Quotation", "Angebot", "stage"),
)


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    catalog = Catalog(locale="de", domain=i18n.DOMAIN)
    for english, german, context in GERMAN:
        catalog.add(english, german, context=context)
    catalog.add(
        ("{n} opportunity", "{n} opportunities"), ("{n} Verkaufschance", "{n} Verkaufschancen")
    )
    folder = tmp_path / "translations" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / f"{i18n.DOMAIN}.mo").open("wb") as file:
        write_mo(file, catalog)
    monkeypatch.setattr(paths, "translations_dir", lambda: tmp_path / "translations")
    i18n.translator.cache_clear()
    i18n.set_language("de")
    yield
    i18n.set_language("en")
    i18n.translator.cache_clear()


def test_the_form_is_built_in_the_language_chosen(qtbot, user: UserInfo, german: None) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id, topic="Golf für Rossi").id
    dialog = OpportunityDialog(opp, user.id)
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(0) == "&Kontakte"
    assert dialog.save_close_button.text() == "Speichern und sch&ließen"
    form = dialog.opportunity.form
    assert form.labelForField(dialog.boxes["topic"]).text() == "&Thema"
    assert form.labelForField(dialog.boxes["account_id"]).text() == "K&unde"
    assert form.labelForField(dialog.boxes["currency"]).text() == "Currency"  # untranslated
    assert dialog.windowTitle() == f"Verkaufschance Nr. {opp} – Golf für Rossi"


def test_the_list_shows_its_headers_filters_and_count_in_the_language_chosen(
    qtbot, user: UserInfo, german: None
) -> None:  # type: ignore[no-untyped-def]
    factories.opportunity(user.id)
    page = OpportunityListPage(user.id)
    qtbot.addWidget(page)
    counted: list[str] = []
    page.count_changed.connect(counted.append)
    assert page.model.headerData(COL_TOPIC, HORIZONTAL) == "Thema"
    assert page.model.headerData(COL_CLOSE_DATE, HORIZONTAL) == "Abschluss"
    assert page.filter_bar.saved.currentText() == "Offene Verkaufschancen"
    page.refresh()
    assert counted[-1] == "1 Verkaufschance"
    assert page.model.index(0, COL_STAGE).data() == "Interesse"  # a shipped stage
    stages = [page.filter_bar.stage.itemText(i) for i in range(page.filter_bar.stage.count())]
    assert "Angebot" in stages and "Quotation" not in stages

    i18n.set_language("en")  # the headers are read as they are drawn: they follow at once
    assert page.model.headerData(COL_TOPIC, HORIZONTAL) == "Topic"


def test_the_walk_in_and_closing_dialogs_are_built_in_the_language_chosen(
    qtbot, user: UserInfo, german: None
) -> None:  # type: ignore[no-untyped-def]
    walk_in = WalkInDialog(user.id)
    qtbot.addWidget(walk_in)
    assert walk_in.windowTitle() == "Laufkunde"
    label = walk_in.customer_form.labelForField(walk_in.boxes["first_name"])
    assert label.text() == "&Vorname"
    closing = CloseLostDialog([factories.opportunity(user.id).id])
    qtbot.addWidget(closing)
    assert closing.windowTitle() == "Als verloren abschließen"


def test_a_lost_reason_is_picked_translated_and_stored_as_shipped(
    qtbot, user: UserInfo, german: None
) -> None:  # type: ignore[no-untyped-def]
    opp = factories.opportunity(user.id).id
    dialog = CloseLostDialog([opp])
    qtbot.addWidget(dialog)
    dialog.reason.setCurrentIndex(dialog.reason.findText("Preis"))
    assert dialog.reason_chosen() == "Price"
    assert dialog.close_opportunities()
    assert opportunities.get(opp).lost_reason == "Price"
