"""The lead and customer list pages read a search through one service call: the search's
count and its first page, each statement once (the user's rights and the server's fold
not twice), on SQLite and on the server; past the count's bound they say "More than"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.db import accounts as account_queries
from app.db import leads as lead_queries
from app.services import accounts, leads
from app.services.accounts import AccountInput
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests.ui.shipped_catalogue import use_shipped
from tests.ui.test_dashboard import _shown_text_fits
from tests.ui.test_form_statements import statements_sent
from ui.customers.customer_list import AccountListPage
from ui.leads.lead_list import LeadListPage

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


def _searched(qtbot, page, typed: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.search.setText(typed)
    with statements_sent() as sent:
        page.search.emit_now()
        QApplication.processEvents()
    return sent


@BOTH
def test_the_lead_list_reads_a_search_once_and_says_more_than_past_the_bound(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
    db: Path,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(6):
        leads.create(LeadInput(first_name="Rita", last_name=f"Rossi{n}", email=f"r{n}@x.it"))
    page = LeadListPage()
    qtbot.addWidget(page)
    page.show()
    counts: list[str] = []
    page.count_changed.connect(counts.append)
    _searched(qtbot, page, "ro")  # on the server: folds the new leads' texts first
    sent = _searched(qtbot, page, "ro")
    assert page.model.rowCount() == 6 and counts[-1] == "6 leads"
    selects = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    # The channels' names, the user's rights, (the server's look for texts to fold), the
    # count and the page.
    assert len(selects) == (4 if backend == "sqlite" else 5), selects
    assert sum(s.startswith("SELECT count(*)") for s in selects) == 1, selects
    monkeypatch.setattr(lead_queries, "COUNT_LIMIT", 4)
    monkeypatch.setattr(leads, "SEARCH_COUNT_LIMIT", 4)
    _searched(qtbot, page, "ri")
    assert page.model.rowCount() == 5 and counts[-1] == "More than 4 leads"


@BOTH
def test_the_customer_list_reads_a_search_once_and_says_more_than_past_the_bound(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
    db: Path,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(6):
        accounts.create(AccountInput(first_name="Rita", last_name=f"Rossi{n}"))
    accounts.create(AccountInput(kind="company", company_name="Ferro Srl"))
    page = AccountListPage()
    qtbot.addWidget(page)
    page.show()
    counts: list[str] = []
    page.count_changed.connect(counts.append)
    sent = _searched(qtbot, page, "ro")
    assert page.model.rowCount() == 6 and counts[-1] == "6 customers"  # not "Ferro"
    selects = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    # The user's rights, the count and the page.
    assert len(selects) == 3, selects
    assert sum(s.startswith("SELECT count(*)") for s in selects) == 1, selects
    monkeypatch.setattr(account_queries, "COUNT_LIMIT", 4)
    monkeypatch.setattr(accounts, "SEARCH_COUNT_LIMIT", 4)
    _searched(qtbot, page, "ri")
    assert page.model.rowCount() == 5 and counts[-1] == "More than 4 customers"


def test_the_lead_and_customer_lists_say_short_terms_find_word_starts(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
) -> None:
    for page in (LeadListPage(), AccountListPage()):
        qtbot.addWidget(page)
        assert "1–2 letters: word starts" in page.search.placeholderText()
        assert "not “Ferro”" in page.search.toolTip()


def test_the_lead_list_fits_a_laptop_screen_and_shows_its_search_hint_where_there_is_room(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
) -> None:
    page = LeadListPage()
    qtbot.addWidget(page)
    # Long entries in the filters give way on a 1366 pixels wide screen, chosen or not...
    page.consent.addItem("A very long name of a marketing consent to choose " * 2)
    assert page.minimumSizeHint().width() <= 1366 - 40
    page.consent.setCurrentIndex(page.consent.count() - 1)
    assert page.minimumSizeHint().width() <= 1366 - 40
    # ...and the search box asks for the room to show its hint whole.
    search = page.search
    hint = search.fontMetrics().horizontalAdvance(search.placeholderText())
    assert search.sizeHint().width() > hint
    page.resize(1900, 700)
    page.show()
    qtbot.waitUntil(lambda: search.width() > hint)


def test_the_lead_list_shows_its_filters_choices_whole_on_a_laptop_in_german(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    german = use_shipped(tmp_path, monkeypatch, "de")
    next(german)
    try:
        page = LeadListPage()
        qtbot.addWidget(page)
        page.resize(1366 - 40, 700)
        page.show()
        qtbot.waitExposed(page)
        assert page.status.currentText() == "Offene Interessenten"
        assert page.consent.currentText() == "Jede Werbeeinwilligung"
        for combo in (page.status, page.owner, page.channel, page.consent):
            assert _shown_text_fits(combo), combo.currentText()
        # The search box gave way, and still leaves room to type.
        assert page.search.width() >= page.search.fontMetrics().averageCharWidth() * 24
    finally:
        next(german, None)
