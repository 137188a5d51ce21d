"""How a quote is named to a user: one function for the quotes and the opportunity form."""

from __future__ import annotations

import gettext
from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n
from app.domain.quotes import quote_label


def _german() -> i18n.Translator:
    catalog = Catalog(locale="de", domain=i18n.DOMAIN)
    catalog.add("{number} rev. {revision}", "{number} Rev. {revision}")
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return i18n.Translator("de", gettext.GNUTranslations(compiled))


def test_the_first_revision_is_named_by_its_number_alone() -> None:
    assert quote_label("Q-00012", 1) == "Q-00012"
    assert quote_label("Q-00012", 0) == "Q-00012"


def test_a_later_revision_is_named_with_it() -> None:
    assert quote_label("Q-00012", 2) == "Q-00012 rev. 2"


def test_the_label_is_written_in_the_translators_language() -> None:
    assert quote_label("Q-00012", 3, _german()) == "Q-00012 Rev. 3"
    assert quote_label("Q-00012", 3) == "Q-00012 rev. 3"  # the screen stays English
