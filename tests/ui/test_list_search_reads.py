"""What the opportunity list page reads for a search, on SQLite and on the server: the
statements of its service's count and first page, once, and nothing more. Painting the
rows (the customer, the stage, the money, the dates, the team that holds a sale, every
column shown) reads nothing, so a filter costs its reads plus the repaint on either backend."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.services import opportunities
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.paints import PaintCounter
from tests.ui.test_form_statements import statements_sent
from ui.common.record_table import PAGE_SIZE
from ui.opportunities.opportunity_list import HIDDEN_AT_FIRST, OpportunityListPage

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@BOTH
def test_a_search_reads_what_its_service_reads_and_painting_reads_nothing(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
    db: Path,
    backend: str,
) -> None:
    for n in range(30):
        factories.opportunity(
            user.id,
            topic=f"Golf {n}" if n % 3 else f"Passat Müller {n}",
            est_close_date=factories.days(n),
        )
    page = OpportunityListPage(user.id)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    header = page.table.horizontalHeader()
    for column in HIDDEN_AT_FIRST:  # every column painted, the reasons too
        header.setSectionHidden(column, False)
    page.show()
    page.filter_bar.saved.setCurrentIndex(0)  # all opportunities
    qtbot.waitUntil(lambda: page.model.rowCount() == 30)
    # On the server the first search after the saves folds their search texts (reads and
    # writes them); the searches compared find none to fold.
    opportunities.count(OpportunityFilter(text="golf"))
    paints = PaintCounter()
    page.table.viewport().installEventFilter(paints)
    search = page.filter_bar.search
    for typed, rows in (("go", 20), ("golf 1", 8), ("mül", 10), ("passat m", 10), ("", 30)):
        search.blockSignals(True)
        search.setText(typed)
        search.blockSignals(False)
        QApplication.processEvents()
        with statements_sent() as alone:
            opportunities.count_and_first_page(
                page.filter_bar.current_filter(), "est_close_date", False, PAGE_SIZE, date.today()
            )
        paints.count = 0
        with statements_sent() as sent:
            search.emit_now()
            qtbot.waitUntil(lambda: paints.count > 0)
            for _ in range(3):
                QApplication.processEvents()
        assert page.model.rowCount() == rows, typed
        # (A search's statements differ from one term to the next; compared as sent.)
        assert sent == alone, (backend, typed)
        assert 2 <= len(sent) <= 6, (backend, typed, sent)
