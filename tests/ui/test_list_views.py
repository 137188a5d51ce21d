"""The lists' filters, views and remembered settings, driven as a user drives them: the
bar shows exactly what the list applies, a view sets its filters, a changed filter makes
the view "Custom", an empty result says so, and columns, views and sizes are kept per user."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.db import models as m
from app.services import leads
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from ui.opportunities.opportunity_list import (
    COL_OWNER,
    COL_REVENUE,
    CUSTOM_VIEW,
    HIDDEN_AT_FIRST,
    SAVED_FILTERS,
)
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, user: UserInfo, db) -> MainWindow:
    win = MainWindow(user, db)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def sales(user: UserInfo) -> dict[str, int]:
    """Open, won and lost opportunities of two salespeople, closing at various dates."""
    other = add_user("zofia", "salesperson", full_name="Zofia Wiśniewska")
    made: dict[str, int] = {"other": other.id}
    for owner, who in ((user.id, "mine"), (other.id, "theirs")):
        for days in (-20, -1, 0, 3, 20, 60, 200):
            made[f"{who}{days}"] = made_id = factories.opportunity(owner).id
            # Past close dates are refused on saving: set as time would have left them.
            m.Opportunity.update(est_close_date=factories.days(days)).where(
                m.Opportunity.id == made_id
            ).execute()
    for who, status in (("mine", "lost"), ("theirs", "lost"), ("theirs", "won")):
        opportunity = factories.opportunity(
            made["other"] if who == "theirs" else user.id, est_close_date=factories.days(5)
        )
        m.Opportunity.update(status=status).where(m.Opportunity.id == opportunity.id).execute()
    return made


def _expected(state: dict, text: str = "") -> set[int]:
    """The opportunities the shown widgets stand for, worked out apart from the list's SQL."""
    found = set()
    for o in m.Opportunity.select():
        close = o.est_close_date
        if isinstance(close, str):
            close = date.fromisoformat(close)
        if state["owner"] is not None and o.owner_id != state["owner"]:
            continue
        if state["status"] is not None and o.status != state["status"]:
            continue
        if state["facility"] is not None and o.facility_id != state["facility"]:
            continue
        if state["stage"] is not None and (o.stage is None or o.stage.name != state["stage"]):
            continue
        if state["from"] and (close is None or close < date.fromisoformat(state["from"])):
            continue
        if state["to"] and (close is None or close > date.fromisoformat(state["to"])):
            continue
        found.add(o.id)
    return found


def _listed(window: MainWindow) -> set[int]:
    model = window.model
    return {model.row_at(r).id for r in range(model.rowCount())}


def _changes(bar) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """Every filter widget set to each of its values, and the close dates on and off."""
    found: list[tuple[str, object]] = []
    for name in ("stage", "owner", "facility", "status"):
        combo = getattr(bar, name)
        found.extend((name, i) for i in range(combo.count()))
    found.extend([("dates", True), ("dates", False)])
    return found


def _apply_change(bar, change: tuple[str, object]) -> None:  # type: ignore[no-untyped-def]
    name, value = change
    if name == "dates":
        bar.dates.setChecked(bool(value))
    else:
        getattr(bar, name).setCurrentIndex(value)


def test_every_view_and_filter_combination_shows_what_the_bar_says(
    window: MainWindow, sales: dict[str, int]
) -> None:
    window.refresh()
    bar = window.filter_bar
    checked = 0
    for view in range(len(SAVED_FILTERS)):
        for change in _changes(bar):
            bar.saved.setCurrentIndex(view)
            wanted = bar.view_state(view)
            # The view sets and shows its filters; the list applies exactly those.
            assert bar.state() == wanted
            assert window.model.current_filter == bar.current_filter()
            assert _listed(window) == _expected(bar.state())
            _apply_change(bar, change)
            state = bar.state()
            if state == wanted:
                assert bar.saved.currentIndex() == view
            else:
                assert bar.saved.currentData() == CUSTOM_VIEW, (view, change)
            assert window.model.current_filter == bar.current_filter()
            assert _listed(window) == _expected(state), (view, change)
            checked += 1
    assert checked > 100


def test_my_open_view_then_another_owner_and_lost_shows_their_lost_ones(
    window: MainWindow, sales: dict[str, int]
) -> None:
    window.refresh()
    bar = window.filter_bar
    bar.saved.setCurrentIndex([n for n, _p in SAVED_FILTERS].index("My open opportunities"))
    assert bar.owner.currentData() == window.user.id
    assert bar.status.currentData() == "open"
    bar.owner.setCurrentIndex(bar.owner.findData(sales["other"]))
    bar.status.setCurrentIndex(bar.status.findData("lost"))
    assert bar.saved.currentText() == "Custom"
    listed = _listed(window)
    assert len(listed) == 1
    (only,) = listed
    assert m.Opportunity.get_by_id(only).owner_id == sales["other"]
    assert m.Opportunity.get_by_id(only).status == "lost"


def test_overdue_and_closing_views_show_their_dates(
    window: MainWindow, sales: dict[str, int]
) -> None:
    window.refresh()
    bar = window.filter_bar
    names = [n for n, _p in SAVED_FILTERS]
    bar.saved.setCurrentIndex(names.index("Overdue"))
    assert bar.dates.isChecked() and bar.date_from.text() == "any date"
    assert bar.date_to.date().toPython() == date.today() - timedelta(days=1)
    assert _listed(window) == {sales[f"{w}{d}"] for w in ("mine", "theirs") for d in (-20, -1)}
    bar.saved.setCurrentIndex(names.index("Closing in 7 days"))
    assert bar.date_from.date().toPython() == date.today()
    assert bar.date_to.date().toPython() == date.today() + timedelta(days=7)
    assert _listed(window) == {sales[f"{w}{d}"] for w in ("mine", "theirs") for d in (0, 3)}


def test_an_empty_result_says_nothing_matches_and_clears_the_filters(
    qtbot, window: MainWindow, sales: dict[str, int]
) -> None:
    window.refresh()
    page = window.opportunities
    qtbot.keyClicks(window.filter_bar.search, "zzzz-nobody")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    assert page.empty.isVisible()
    assert "zzzz-nobody" in page.empty.label.text()
    assert page.empty.label.text().startswith("Nothing matches")
    qtbot.mouseClick(page.empty.clear_button, pytest.importorskip("PySide6.QtCore").Qt.LeftButton)
    assert not page.empty.isVisible()
    assert window.filter_bar.search.text() == ""
    assert window.filter_bar.saved.currentIndex() == 0
    assert window.model.rowCount() == m.Opportunity.select().count()


@pytest.mark.parametrize("tab", ["leads", "customers"])
def test_the_lead_and_customer_lists_say_nothing_matches_too(
    qtbot, window: MainWindow, tab: str
) -> None:
    factories.customer("Müller", "Jürgen", phone="+49 152 44132579")
    leads.create(LeadInput(first_name="Jürgen", last_name="Müller", phone="0152 44132579"))
    page = getattr(window, tab)
    page.refresh()
    qtbot.keyClicks(page.search, "0152 4413 2579")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.empty.isHidden()
    page.search.clear()
    qtbot.keyClicks(page.search, "mueller")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.search.clear()
    qtbot.keyClicks(page.search, "nobody")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert not page.empty.isHidden() and "nobody" in page.empty.label.text()
    page.empty.clear_button.click()
    assert page.search.text() == "" and page.model.rowCount() == 1


def test_a_saved_view_keeps_filters_columns_and_sort_per_user(
    qtbot, user: UserInfo, db, sales: dict[str, int]
) -> None:
    first = MainWindow(user, db)
    qtbot.addWidget(first)
    bar = first.filter_bar
    bar.saved.setCurrentIndex(0)
    bar.owner.setCurrentIndex(bar.owner.findData(sales["other"]))
    bar.status.setCurrentIndex(bar.status.findData("open"))
    first.table.set_column_shown(COL_OWNER, False)
    first.table.horizontalHeader().resizeSection(COL_REVENUE, 222)
    first.table.sortByColumn(COL_REVENUE, pytest.importorskip("PySide6.QtCore").Qt.DescendingOrder)
    first.opportunities.save_view("Zofia's open")
    first.tabs.setCurrentWidget(first.leads_tab)
    first.resize(701, 503)
    first.close()

    again = MainWindow(user, db)
    qtbot.addWidget(again)
    # The last tab, the window's size, the columns and the sort come back.
    assert again.tabs.currentWidget() is again.leads_tab
    assert (again.width(), again.height()) == (701, 503)
    header = again.table.horizontalHeader()
    assert header.isSectionHidden(COL_OWNER)
    assert header.sectionSize(COL_REVENUE) == 222
    assert again.model.sort_state() == (COL_REVENUE, True)
    # The view is there by name, and choosing it sets its filters.
    names = [again.filter_bar.saved.itemText(i) for i in range(again.filter_bar.saved.count())]
    assert "Zofia's open" in names
    again.filter_bar.saved.setCurrentIndex(names.index("Zofia's open"))
    assert again.filter_bar.owner.currentData() == sales["other"]
    assert again.filter_bar.status.currentData() == "open"
    assert _listed(again) == {sales[f"theirs{d}"] for d in (-20, -1, 0, 3, 20, 60, 200)}


def test_the_column_chooser_hides_and_shows_columns(window: MainWindow) -> None:
    menu = window.table.column_menu()
    actions = menu.actions()
    assert len(actions) == window.model.columnCount()
    # The reasons and the competitor wait in the chooser; the rest show.
    assert [i for i, a in enumerate(actions) if not a.isChecked()] == list(HIDDEN_AT_FIRST)
    actions[COL_OWNER].setChecked(False)
    assert window.table.horizontalHeader().isSectionHidden(COL_OWNER)
    actions[COL_OWNER].setChecked(True)
    assert not window.table.horizontalHeader().isSectionHidden(COL_OWNER)
