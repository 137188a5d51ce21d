"""The dashboard cannot be misread: the cumulative forecast rows say so and a total follows,
the chart's amounts read as money and its names are not cut, and the sales won this month
and last stand beside the pipeline."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.db import models as m
from app.services.workspace import UserInfo
from tests import dashboard_data
from tests.dashboard_data import PipelineData
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


def test_the_forecast_says_which_rows_are_cumulative_and_adds_a_total(
    window: MainWindow, data: PipelineData
) -> None:
    model = window.dashboard.forecast_model
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Overdue (before today)" in labels
    assert "Within 30 days (cumulative)" in labels
    assert "Later than 90 days" in labels
    total = labels.index("All open (total)")  # the EUR total
    assert model.index(total, 1).data() == "EUR"
    open_eur = m.Opportunity.select().where(
        (m.Opportunity.status == "open") & (m.Opportunity.currency == "EUR")
    )
    assert model.index(total, 2).data() == str(open_eur.count())
    window.dashboard.forecast_table.clicked.emit(model.index(total, 0))
    listed = window.opportunities.model
    assert {listed.row_at(r).id for r in range(listed.rowCount())} == {o.id for o in open_eur}


def test_the_chart_prints_money_and_whole_names(window: MainWindow, data: PipelineData) -> None:
    page = window.dashboard
    m.User.update(full_name="Bruno Alexander Keller-Schmidt").where(
        m.User.id == data.bruno
    ).execute()
    page.reload()
    page.breakdown.setCurrentIndex(page.breakdown.findData("owner"))
    page.measure.setCurrentIndex(page.measure.findText("Est. revenue, EUR"))
    chart = page.chart
    assert chart is not None
    labels = chart.value_labels
    assert labels and all("€" in label for label in labels)
    assert any(label.endswith("K") for label in labels)  # '€10K', not '10000'
    axis = chart.chart().axes()[0]
    # Whole, on two lines where long.
    assert "Bruno Alexander<br>Keller-Schmidt" in axis.categories()


def test_won_this_month_and_last_stand_beside_the_pipeline(
    qtbot, window: MainWindow, data: PipelineData
) -> None:
    won = data.ids["W"]
    today = date.today()
    last_month = today.replace(day=1) - timedelta(days=3)
    m.Opportunity.update(closed_at=last_month).where(m.Opportunity.id == won).execute()
    window.dashboard.reload()
    text = window.dashboard.won_months.text()
    assert "Won this month: 0 sales" in text
    assert "Won last month: 1 sale" in text
    window.dashboard.won_months.linkActivated.emit("1")
    listed = window.opportunities.model
    assert listed.rowCount() == 1 and listed.row_at(0).id == won
