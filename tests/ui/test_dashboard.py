"""The dashboard tab: it shows the figures, a click on a bar or a row opens the list filtered
to exactly those opportunities, and the export writes what is shown."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QFileDialog, QStyle, QStyleOptionComboBox

from app.services.workspace import UserInfo
from tests import dashboard_data
from tests.dashboard_data import PipelineData
from tests.ui.shipped_catalogue import use_shipped
from ui.common.roles import ID_ROLE
from ui.dashboard.dashboard import DashboardPage, SectionTableModel
from ui.opportunities.opportunity_list import COL_TOPIC
from ui.shell.main_window import MainWindow


@pytest.fixture
def data(user: UserInfo) -> PipelineData:
    return dashboard_data.build(user.id)


@pytest.fixture
def window(qtbot, user: UserInfo, db: Path, data: PipelineData) -> MainWindow:
    win = MainWindow(user, db)
    qtbot.addWidget(win)
    win.show()
    win.show_dashboard()
    return win


def _texts(model: SectionTableModel, column: int = 0) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _listed(window: MainWindow) -> set[int]:
    model = window.opportunities.model
    return {model.index(r, COL_TOPIC).data(ID_ROLE) for r in range(model.rowCount())}


def _select(combo, data) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


def test_an_empty_database_shows_an_empty_dashboard(qtbot, user: UserInfo, db: Path) -> None:
    win = MainWindow(user, db)
    qtbot.addWidget(win)
    win.show()
    win.show_dashboard()
    page = win.dashboard
    assert page.data is not None and page.pipeline_model.rowCount() == 0
    assert page.chart.values == {} and "Win rate –" in page.outcome.text()


def test_find_from_the_dashboard_goes_to_the_opportunity_search(window: MainWindow) -> None:
    window.find_action.trigger()
    assert window.tabs.currentWidget() is window.opportunities


def test_every_section_model_passes_the_model_tester(qtmodeltester, window: MainWindow) -> None:
    page = window.dashboard
    for model in (page.pipeline_model, page.forecast_model, page.funnel_model, page.reason_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_the_dashboard_shows_the_figures(window: MainWindow) -> None:
    page = window.dashboard
    assert _texts(page.pipeline_model) == [
        "Interest",
        "Quotation",
        "Quotation",
        "Without stages",
        "Total EUR",
        "Total CHF",
    ]
    total = page.pipeline_model.rows.index(next(r for r in page.pipeline_model.rows if r.total))
    assert [page.pipeline_model.index(total, c).data() for c in range(5)] == [
        "Total EUR",
        "EUR",
        "6",
        "65,000.00",
        "22,200.00",
    ]
    assert "never added together" in page.note.text()
    forecast = {
        (page.forecast_model.index(r, 0).data(), page.forecast_model.index(r, 1).data()): (
            page.forecast_model.index(r, 2).data()
        )
        for r in range(page.forecast_model.rowCount())
    }
    assert forecast[("Overdue (before today)", "EUR")] == "1"
    assert forecast[("Within 90 days (cumulative)", "CHF")] == "1"
    assert _texts(page.funnel_model, 1) == ["0", "9", "5", "1", "1"]
    assert _texts(page.reason_model) == ["Bought elsewhere", "Price"]
    assert "Win rate 33.3%" in page.outcome.text()
    # The chart: one bar per stage, counting.
    assert page.chart.values == {(0, 0): 3.0, (0, 1): 3.0, (0, 2): 1.0}


def test_a_click_on_a_row_opens_the_list_filtered_to_it(
    qtbot, window: MainWindow, data: PipelineData
) -> None:
    page = window.dashboard
    row = _texts(page.pipeline_model).index("Quotation")  # the EUR row comes first
    page.pipeline_table.clicked.emit(page.pipeline_model.index(row, 0))
    assert window.tabs.currentWidget() is window.opportunities
    assert _listed(window) == data.of("B", "R")
    chip = window.opportunities.chip
    assert chip.isVisible() and "Stage Quotation" in chip.label.text()
    assert "EUR" in chip.label.text()
    chip.clear_button.click()
    assert not chip.isVisible()
    assert _listed(window) == data.of("A", "B", "C", "D", "E", "R", "N")  # open ones again


def test_a_click_on_a_funnel_figure_or_a_lost_reason(
    window: MainWindow, data: PipelineData
) -> None:
    page = window.dashboard
    quotation = _texts(page.funnel_model).index("Quotation")
    page.funnel_table.clicked.emit(page.funnel_model.index(quotation, 4))  # lost here
    assert _listed(window) == data.of("L1")
    window.show_dashboard()
    page.funnel_table.clicked.emit(page.funnel_model.index(quotation, 1))  # reached
    assert _listed(window) == data.of("B", "C", "R", "L1", "W")
    window.show_dashboard()
    page.reason_table.clicked.emit(page.reason_model.index(0, 0))
    assert _listed(window) == data.of("L2")
    window.show_dashboard()
    page.outcome.linkActivated.emit("won")
    assert _listed(window) == data.of("W")


def test_a_click_on_a_bar_opens_its_opportunities(window: MainWindow, data: PipelineData) -> None:
    page = window.dashboard
    _select(page.breakdown, "owner")
    assert page.chart.bar_sets[0].label() == "Interest"
    # Anna's part of the Quotation bar: R in EUR and C in CHF, counted together.
    anna = page.data.pipeline.groups.index("Anna")
    quotation = page.data.pipeline.stages.index("Quotation")
    assert page.chart.values[(quotation, anna)] == 2.0
    page.chart.bar_sets[quotation].clicked.emit(anna)
    assert window.tabs.currentWidget() is window.opportunities
    assert _listed(window) == data.of("R", "C")
    # In one currency's amounts the bars hold that currency only.
    window.show_dashboard()
    page.measure.setCurrentIndex(page.measure.findText("Weighted revenue, CHF"))
    assert page.chart.values[(quotation, anna)] == 12000.0
    page.chart.bar_sets[quotation].clicked.emit(anna)
    assert _listed(window) == data.of("C")


def test_the_filters_narrow_the_dashboard(window: MainWindow, data: PipelineData) -> None:
    page = window.dashboard
    _select(page.filter_bar.owner, data.bruno)
    assert _texts(page.pipeline_model) == ["Quotation", "Total EUR"]
    assert page.description.text() == "Showing: Salesperson Bruno Keller"
    page.pipeline_table.clicked.emit(page.pipeline_model.index(0, 0))
    assert _listed(window) == data.of("B")
    assert "Bruno Keller" in window.opportunities.chip.label.text()


def test_the_dates_stand_beside_the_team_with_room_between(window: MainWindow) -> None:
    bar = window.dashboard.filter_bar
    label, basis, start = bar.date_label, bar.date_basis, bar.date_from
    assert label.geometry().right() + 4 <= basis.geometry().left()
    assert basis.geometry().right() + 4 <= start.geometry().left()
    assert basis.geometry().center().y() == bar.team.geometry().center().y()
    # Under the business filter, as wide as it.
    assert basis.geometry().left() == bar.business.geometry().left()
    assert basis.width() == bar.business.width()


def _shown_text_fits(combo: QComboBox) -> bool:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width()


@pytest.mark.parametrize("width", [1366, 1920])
def test_the_filters_show_their_german_choices_uncut_on_a_laptop_and_wider(
    qtbot,
    user: UserInfo,
    db: Path,
    data: PipelineData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
) -> None:  # type: ignore[no-untyped-def]
    german = use_shipped(tmp_path, monkeypatch, "de")
    next(german)
    try:
        window = MainWindow(user, db)
        qtbot.addWidget(window)
        window.resize(width, 738)
        window.show()
        window.show_dashboard()
        assert window.width() == width
        bar = window.dashboard.filter_bar
        assert bar.business.currentText() == "Alle Unternehmen"
        for combo in (*bar.combos(), bar.date_basis):
            assert _shown_text_fits(combo), combo.currentText()
    finally:
        next(german, None)


def test_the_description_names_a_condition_as_the_filter_does(
    window: MainWindow, data: PipelineData
) -> None:
    page = window.dashboard
    _select(page.filter_bar.condition, "used")
    assert page.description.text() == "Showing: New/used: Used"
    _select(page.filter_bar.owner, data.bruno)
    assert page.description.text() == "Showing: Salesperson Bruno Keller · New/used: Used"


def test_typing_a_search_narrows_the_dashboard_filter_and_other_changes_end_it(
    qtbot, window: MainWindow, data: PipelineData
) -> None:
    page = window.dashboard
    page.pipeline_table.clicked.emit(page.pipeline_model.index(0, 0))  # Interest, EUR
    assert _listed(window) == data.of("A", "D", "E")
    bar = window.opportunities.filter_bar
    bar.search.setText("nothing like this")
    bar.search.emit_now()
    assert _listed(window) == data.of()
    bar.search.setText("Deal")  # in every topic: the dashboard's filter still holds
    bar.search.emit_now()
    assert _listed(window) == data.of("A", "D", "E")
    assert window.opportunities.chip.isVisible()
    bar.owner.setCurrentIndex(bar.owner.findData(data.bruno))
    assert not window.opportunities.chip.isVisible()
    assert _listed(window) == data.of("B")  # the bar's own filter: Bruno's open ones


def test_the_export_writes_what_is_shown(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page: DashboardPage = window.dashboard
    _select(page.breakdown, "brand")
    target = tmp_path / "dashboard.csv"
    asked: list[str] = []

    def save_name(parent, caption, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    page.export_button.click()
    assert asked and asked[0].endswith(".csv")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    shown = [
        [page.pipeline_model.index(r, c).data() for c in range(2)]
        for r in range(page.pipeline_model.rowCount())
    ]
    table = rows[
        rows.index(["Brand", "Currency", "Count", "Est. revenue", "Weighted revenue"]) + 1 :
    ]
    assert [r[:2] for r in table[: len(shown)]] == shown
    assert ["Audi", "CHF", "1", "30000.00", "12000.00"] in rows


def test_a_cancelled_export_writes_nothing(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    window.dashboard.export_button.click()
    assert list(tmp_path.glob("*.csv")) == []


def test_a_date_of_the_filters_is_typed_as_a_form_s_date_is(qtbot, window: MainWindow) -> None:
    """The dashboard's and the list's date filters read a short typed date ('1/31/27' in
    English) as every date field does, and filter by it."""
    from datetime import date

    bar = window.dashboard.filter_bar
    _select(bar.date_basis, "close")
    emitted: list[object] = []
    bar.filter_changed.connect(emitted.append)
    window.opportunities.filter_bar.dates.setChecked(True)
    for edit in (bar.date_from, window.opportunities.filter_bar.date_from):
        edit.setFocus()
        edit.lineEdit().selectAll()
        qtbot.keyClicks(edit, "1/31/27")
        edit.interpretText()
        assert edit.date_value() == date(2027, 1, 31)
    assert emitted and emitted[-1].date_from == date(2027, 1, 31)
