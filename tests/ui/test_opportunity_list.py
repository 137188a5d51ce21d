"""The main window's opportunity list, driven as a user drives it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle

from app import i18n
from app.db import models as m
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.ui.catalogues import use_catalogue
from ui.common.record_table import PAGE_SIZE
from ui.opportunities.opportunity_list import (
    COL_CUSTOMER,
    COL_REVENUE,
    COL_STAGE,
    COL_TOPIC,
    SAVED_FILTERS,
    OpportunityListPage,
    OpportunityTableModel,
)
from ui.shell.main_window import MainWindow


@pytest.fixture
def many(user: UserInfo) -> list[int]:
    """PAGE_SIZE + 50 opportunities, so the list needs more than one page."""
    account = factories.customer("Lindqvist", "Åsa")
    ids = []
    for n in range(PAGE_SIZE + 50):
        ids.append(
            factories.opportunity(
                user.id,
                account,
                topic=f"Offer {n:03d}",
                est_revenue=Decimal(20000 + n),
                est_close_date=date.today() + timedelta(days=n % 120),
            ).id
        )
    return ids


@pytest.fixture
def window(qtbot, user: UserInfo, db) -> MainWindow:
    win = MainWindow(user, db)
    qtbot.addWidget(win)
    win.show()
    win.filter_bar.saved.setCurrentIndex(0)  # all opportunities
    return win


def test_the_model_passes_the_model_tester(qtmodeltester, many: list[int]) -> None:
    model = OpportunityTableModel()
    model.set_filter(OpportunityFilter())
    qtmodeltester.check(model)
    assert model.rowCount() == len(many)


def test_the_first_screen_reads_one_page_only(many: list[int]) -> None:
    model = OpportunityTableModel()
    model.set_filter(OpportunityFilter())
    assert model.rowCount() == PAGE_SIZE + 50
    assert model.cached_pages() == 1
    last = model.index(model.rowCount() - 1, COL_TOPIC).data()
    assert last == "Offer 249" or last.startswith("Offer")
    assert model.cached_pages() == 2


def test_typing_in_the_search_box_narrows_the_list(qtbot, window: MainWindow) -> None:
    first = factories.opportunity(
        window.user.id,
        factories.customer("Papadopoulos", "Ελένη"),
        topic="Tiguan for the family",
        brand="Volkswagen",
        model="Tiguan",
    )
    factories.opportunity(
        window.user.id,
        factories.customer("Müller", "Jörg"),
        topic="Company Octavia",
        brand="Škoda",
        model="Octavia",
    )
    window.refresh()
    assert window.model.rowCount() == 2
    qtbot.keyClicks(window.filter_bar.search, "tigu")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, COL_TOPIC).data() == "Tiguan for the family"
    assert window.count_label.text() == "1 opportunity"
    window.filter_bar.search.clear()
    # QTest types Latin-1 only; a Greek keyboard's input arrives as inserted text.
    window.filter_bar.search.insert("Ελέν")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, COL_CUSTOMER).data() == "Papadopoulos, Ελένη"
    window.filter_bar.search.clear()
    qtbot.keyClicks(window.filter_bar.search, "nothing like this")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    assert first.id > 0


def test_typing_without_accents_finds_the_accented_names(qtbot, window: MainWindow) -> None:
    octavia = factories.opportunity(
        window.user.id,
        factories.customer("Großmann", "Jörg"),
        topic="Company Octavia",
        brand="Škoda",
        model="Octavia",
    )
    factories.opportunity(window.user.id, topic="Golf for Rossi", brand="Volkswagen")
    window.refresh()
    assert window.model.rowCount() == 2
    for typed in ("skoda", "grossmann", "jorg"):
        window.filter_bar.search.clear()
        qtbot.waitUntil(lambda: window.model.rowCount() == 2)
        qtbot.keyClicks(window.filter_bar.search, typed)
        qtbot.waitUntil(lambda: window.model.rowCount() == 1)
        assert window.model.index(0, COL_TOPIC).data() == "Company Octavia"
        assert window.model.index(0, COL_CUSTOMER).data() == "Großmann, Jörg"
        assert window.count_label.text() == "1 opportunity"
    assert octavia.id > 0


def test_the_filters_narrow_by_stage_owner_status_and_saved_filter(
    qtbot, window: MainWindow
) -> None:
    other = add_user("zofia", "salesperson", full_name="Zofia Wiśniewska")
    mine = factories.opportunity(window.user.id, est_close_date=factories.days(3))
    theirs = factories.opportunity(other.id, est_close_date=factories.days(45))
    lost = factories.opportunity(window.user.id, est_close_date=factories.days(20))
    m.Opportunity.update(status="lost").where(m.Opportunity.id == lost.id).execute()
    window.refresh()
    bar = window.filter_bar
    assert window.model.rowCount() == 3

    bar.owner.setCurrentIndex(bar.owner.findText("Zofia Wiśniewska"))
    assert [window.model.row_at(0).id] == [theirs.id] and window.model.rowCount() == 1
    bar.owner.setCurrentIndex(0)
    bar.status.setCurrentIndex(bar.status.findData("lost"))
    assert window.model.rowCount() == 1 and window.model.row_at(0).id == lost.id
    bar.status.setCurrentIndex(0)

    labels = [label for label, _ in SAVED_FILTERS]
    bar.saved.setCurrentIndex(labels.index("My open opportunities"))
    assert window.model.rowCount() == 1 and window.model.row_at(0).id == mine.id
    bar.saved.setCurrentIndex(labels.index("Closing in 7 days"))
    assert window.model.rowCount() == 1 and window.model.row_at(0).id == mine.id
    bar.saved.setCurrentIndex(labels.index("Closing in 90 days"))
    assert window.model.rowCount() == 2
    bar.saved.setCurrentIndex(0)
    bar.stage.setCurrentIndex(bar.stage.findText("Quotation"))
    assert window.model.rowCount() == 0
    bar.stage.setCurrentIndex(bar.stage.findText("Interest"))
    assert window.model.rowCount() == 3


def test_the_close_date_range_filters(window: MainWindow) -> None:
    factories.opportunity(window.user.id, est_close_date=factories.days(3))
    far = factories.opportunity(window.user.id, est_close_date=factories.days(200))
    window.refresh()
    bar = window.filter_bar
    bar.dates.setChecked(True)
    bar.date_from.setDate(factories.days(150))
    bar.date_to.setDate(factories.days(250))
    assert window.model.rowCount() == 1 and window.model.row_at(0).id == far.id


def test_clicking_a_header_sorts_in_sql(qtbot, window: MainWindow, many: list[int]) -> None:
    window.refresh()
    window.table.sortByColumn(COL_REVENUE, Qt.SortOrder.DescendingOrder)
    assert window.model.index(0, COL_REVENUE).data() == "€20,249.00"
    window.table.sortByColumn(COL_TOPIC, Qt.SortOrder.AscendingOrder)
    assert window.model.index(0, COL_TOPIC).data() == "Offer 000"
    assert window.model.index(PAGE_SIZE + 49, COL_TOPIC).data() == "Offer 249"


def test_overdue_close_dates_stand_out(window: MainWindow) -> None:
    late = factories.opportunity(window.user.id)
    m.Opportunity.update(est_close_date=factories.days(-2)).where(
        m.Opportunity.id == late.id
    ).execute()
    window.refresh()
    from ui.opportunities.opportunity_list import COL_CLOSE_DATE, OVERDUE_BRUSH

    brush = window.model.index(0, COL_CLOSE_DATE).data(Qt.ItemDataRole.ForegroundRole)
    assert brush == OVERDUE_BRUSH


def test_the_list_opens_on_the_open_opportunities(qtbot, user: UserInfo, db) -> None:
    factories.opportunity(user.id)
    closed = factories.opportunity(user.id)
    m.Opportunity.update(status="won").where(m.Opportunity.id == closed.id).execute()
    win = MainWindow(user, db)
    qtbot.addWidget(win)
    assert win.filter_bar.saved.currentText() == "Open opportunities"
    assert win.model.rowCount() == 1
    assert win.count_label.text() == "1 opportunity"


def test_the_main_window_fits_a_laptop_screen(window: MainWindow) -> None:
    # 1366 x 768 is the narrowest screen the sales floor's laptops have.
    assert window.minimumSizeHint().width() <= 1366
    assert window.opportunities.filter_bar.minimumSizeHint().width() <= 1300


def test_the_views_button_reads_whole_beside_its_menu_arrow(window: MainWindow) -> None:
    button = window.opportunities.filter_bar.save_view
    arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    assert button.width() >= button.fontMetrics().horizontalAdvance(button.text()) + arrow + 12


def test_the_stage_column_shows_a_long_stage_name_whole(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for _ in use_catalogue(tmp_path, monkeypatch, "de", [("Qualify", "Qualifizierung", "stage")]):
        i18n.set_language("de")
        page = OpportunityListPage(user.id, False)
        qtbot.addWidget(page)
        needed = page.table.fontMetrics().horizontalAdvance("Qualifizierung")
        assert page.table.columnWidth(COL_STAGE) > needed + 8


def test_the_frame_waits_for_the_database_then_sign_in_fills_it(
    qtbot, user: UserInfo, db, many: list[int]
) -> None:
    # What start-up shows first: the frame, every action but Quit waiting.
    win = MainWindow(None, db)
    qtbot.addWidget(win)
    win.show()
    assert not win.signed_in and not win.tabs.isEnabled()
    quit_action = next(
        a for a in win.menuBar().actions()[0].menu().actions() if a.text() == "&Quit"
    )
    assert quit_action.isEnabled()
    assert not any(a.isEnabled() for a in (win.new_action, win.walk_in_action, win.refresh_action))
    assert win.windowTitle() == "Showroom" and "Opening the database" in win.count_label.text()

    win.sign_in(user)
    assert win.signed_in and win.tabs.isEnabled()
    assert win.windowTitle() == f"Showroom — {user.full_name}"
    # The list took the opening tab's place: five tabs, the list in front and first.
    assert win.tabs.count() == 5 and win.tabs.widget(0) is win.opportunities
    assert win.tabs.currentWidget() is win.opportunities
    assert win.new_action.isEnabled() and win.refresh_action.isEnabled()
    win.filter_bar.saved.setCurrentIndex(0)  # all opportunities
    assert win.model.rowCount() == len(many)
    assert win.count_label.text() == f"{len(many)} opportunities"
    assert user.full_name in win.where_label.text()


def test_a_sign_in_that_fails_leaves_the_frame_as_it_was(
    qtbot, user: UserInfo, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A damaged file found while the list is read: start-up offers a restore and signs
    # in again, into the same frame.
    from app.services import workspace

    win = MainWindow(None, db)
    qtbot.addWidget(win)
    win.show()
    real = workspace.has_opportunities

    def damaged() -> bool:
        raise RuntimeError("database disk image is malformed")

    monkeypatch.setattr(workspace, "has_opportunities", damaged)
    with pytest.raises(RuntimeError):
        win.sign_in(user)
    assert not win.signed_in and win.tabs.count() == 5
    assert win.tabs.widget(0) is win.opening_tab and not win.new_action.isEnabled()

    monkeypatch.setattr(workspace, "has_opportunities", real)
    win.sign_in(user)
    labels = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    assert labels.count("&Opportunities") == 1 and win.tabs.widget(0) is win.opportunities
