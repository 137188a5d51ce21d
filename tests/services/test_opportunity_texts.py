"""The opportunity services speak the screen's language: their field messages name the field
by its label, their errors are whole translated sentences, and the shipped stages and
sales processes read translated unless the dealer renamed them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths
from app.db import models as m
from app.domain.validation import ValidationError
from app.services import opportunities, opportunity_conflicts
from app.services.errors import NotFound
from app.services.opportunities import OpportunityInput
from app.services.workspace import UserInfo
from tests import factories

GERMAN = (
    # (English, German, context)
    ("Pick the customer, or create a new one.", "Wählen Sie den Kunden.", None),
    (
        "Opportunity #{number} no longer exists.",
        "Verkaufschance Nr. {number} gibt es nicht mehr.",
        None,
    ),
    ("Topic", "Thema", "opportunity.topic"),
    ("Sales process", "Verkaufsprozess", "opportunity.kind_id"),
    ("Quotation", "Angebot", "stage"),
    ("Interest", "Interesse", "stage"),
    ("Standard", "Standard (DE)", "sales process"),
    ("Closed as won on {date}.", "Am {date} gewonnen.", None),
)


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    catalog = Catalog(locale="de", domain=i18n.DOMAIN)
    for english, german, context in GERMAN:
        catalog.add(english, german, context=context)
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


def test_field_messages_are_in_the_screens_language(user: UserInfo, german: None) -> None:
    with pytest.raises(ValidationError) as refused:
        opportunities.create(OpportunityInput(topic=""))
    assert refused.value.errors["account_id"] == "Wählen Sie den Kunden."
    assert refused.value.errors["topic"].startswith("Thema ")  # the field named by its label
    with pytest.raises(NotFound) as gone:
        opportunities.get(4711)
    assert str(gone.value) == "Verkaufschance Nr. 4711 gibt es nicht mehr."


def test_the_conflict_names_each_field_by_its_label(user: UserInfo, german: None) -> None:
    labels = opportunity_conflicts.field_labels()
    assert labels["topic"] == "Thema"
    assert labels["kind_id"] == "Verkaufsprozess"
    assert labels["owner_id"] == "Owner"  # not in this catalogue: English


def test_shipped_stages_read_translated_and_renamed_ones_as_named(
    user: UserInfo, german: None
) -> None:  # type: ignore[no-untyped-def]
    m.Stage.update(name="Test drive").where(m.Stage.key == "interest").execute()
    opp = factories.opportunity(user.id).id
    form = opportunities.open_form(opp, user.id)
    names = [s.name for s in form.stages]
    assert "Angebot" in names and "Test drive" in names
    assert "Quotation" not in names and "Interesse" not in names
    assert form.choices is not None
    assert "Standard (DE)" in [k.label for k in form.choices.kinds]
    assert opportunities.get(opp).stage_name in names


def test_the_closing_summary_is_one_translated_sentence(user: UserInfo, german: None) -> None:
    from datetime import datetime

    from app.services.opportunity_form import OpportunityDetail

    detail = OpportunityDetail(status="won", closed_at=datetime(2026, 8, 22))
    assert detail.closing_summary == "Am 22.08.2026 gewonnen."  # the day as German writes it
