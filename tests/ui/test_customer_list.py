"""The customer list's search box: names typed without accents or capitals, phone numbers
typed in any format."""

from __future__ import annotations

from app.services.workspace import UserInfo
from tests import factories
from ui.customers.customer_list import COL_NAME, AccountListPage


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
