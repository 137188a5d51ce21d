"""The opportunity list's search as the user sees it: the placeholder says what a short term
finds, each filter repaints the rows once, and a count past the bound says "more than"."""

from __future__ import annotations

import pytest

from app.db import queries
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.paints import PaintCounter
from ui.opportunities.opportunity_list import COL_TOPIC
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, user: UserInfo, db) -> MainWindow:
    win = MainWindow(user, db)
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    win.filter_bar.saved.setCurrentIndex(0)  # all opportunities
    return win


def test_the_placeholder_says_short_terms_find_word_starts(window: MainWindow) -> None:
    placeholder = window.filter_bar.search.placeholderText()
    assert "1–2 letters: word starts" in placeholder
    assert "not “Lego”" in window.filter_bar.search.toolTip()


def test_each_filter_repaints_the_rows_once(qtbot, window: MainWindow) -> None:
    for n in range(40):
        factories.opportunity(window.user.id, topic=f"Golf {n}" if n % 2 else f"Lego {n}")
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 40)
    viewport = window.opportunities.table.viewport()
    paints = PaintCounter()
    viewport.installEventFilter(paints)
    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(1))
    search = window.filter_bar.search
    # A narrower list, one that empties it (the notice above it appears), and back.
    for typed, rows in (("go", 20), ("golf 1", 6), ("nothing", 0), ("", 40), ("le", 20)):
        qtbot.wait(50)
        paints.count, resets[:] = 0, []
        search.setText(typed)
        search.emit_now()
        qtbot.waitUntil(lambda r=rows: window.model.rowCount() == r)
        qtbot.wait(100)
        assert (paints.count, len(resets)) == (1, 1), typed


def test_a_search_past_the_bound_says_more_than(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(6):
        factories.opportunity(window.user.id, topic=f"Golf {n}", est_close_date=factories.days(n))
    monkeypatch.setattr(queries, "COUNT_LIMIT", 4)
    monkeypatch.setattr("app.services.opportunities.SEARCH_COUNT_LIMIT", 4)
    window.filter_bar.search.setText("go")
    window.filter_bar.search.emit_now()
    qtbot.waitUntil(lambda: window.model.rowCount() == 5)
    assert window.count_label.text() == "More than 4 opportunities"
    assert window.model.index(0, COL_TOPIC).data() == "Golf 0"
    window.filter_bar.search.setText("golf 3")
    window.filter_bar.search.emit_now()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.count_label.text() == "1 opportunity"
