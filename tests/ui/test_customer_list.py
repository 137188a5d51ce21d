"""The customer list's search box: names typed without accents or capitals, phone numbers
typed in any format; its headers and count in the screen's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import i18n
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.catalogues import use_catalogue
from ui.customers.customer_list import COL_NAME, COL_OPEN, AccountListPage

HORIZONTAL = Qt.Orientation.Horizontal
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def test_the_customer_search_finds_names_and_numbers_as_typed(qtbot, user: UserInfo) -> None:
    factories.customer("Попов", "Сергей", phone="+49 152 44132579")
    factories.customer("Großmann", "Eva", phone="089 1234567")
    factories.customer("Rossi", "Maria")
    page = AccountListPage()
    qtbot.addWidget(page)
    assert page.model.rowCount() == 3
    for typed, name in (
        ("015244132579", "Попов, Сергей"),
        ("grossmann", "Großmann, Eva"),
        ("+49 89 1234567", "Großmann, Eva"),
    ):
        page.search.clear()
        qtbot.waitUntil(lambda: page.model.rowCount() == 3)
        qtbot.keyClicks(page.search, typed)
        qtbot.waitUntil(lambda: page.model.rowCount() == 1)
        assert page.model.index(0, COL_NAME).data() == name
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    # QTest types Latin-1 only; a Russian keyboard's input arrives as inserted text.
    page.search.insert("попов")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.index(0, COL_NAME).data() == "Попов, Сергей"


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from use_catalogue(
        tmp_path,
        monkeypatch,
        "de",
        [
            ("Customer", "Kunde", "account.name"),
            ("Open opp.", "Off. VC", "account.open_opportunities.short"),
            (("{n} customer", "{n} customers"), ("{n} Kunde", "{n} Kunden"), None),
            ("Personal &data", "Personen&daten", None),
        ],
    )


def test_the_list_names_its_columns_and_counts_in_the_language(
    german: None, qtbot, user: UserInfo
) -> None:  # type: ignore[no-untyped-def]
    factories.customer("Rossi", "Maria")
    page = AccountListPage()
    qtbot.addWidget(page)
    counts: list[str] = []
    page.count_changed.connect(counts.append)
    page.refresh()
    assert page.model.headerData(COL_NAME, HORIZONTAL) == "Customer"
    assert page.model.headerData(COL_OPEN, HORIZONTAL, TOOLTIP) == "Open opportunities"
    assert counts[-1] == "1 customer"

    i18n.set_language("de")
    assert page.model.headerData(COL_NAME, HORIZONTAL) == "Kunde"
    assert page.model.headerData(COL_OPEN, HORIZONTAL) == "Off. VC"
    factories.customer("Bianchi", "Luca")
    page.refresh()
    assert counts[-1] == "2 Kunden"
    again = AccountListPage()
    qtbot.addWidget(again)
    assert again.personal_data_button.text() == "Personen&daten"
