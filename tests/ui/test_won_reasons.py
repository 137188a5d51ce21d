"""Won reasons: a catalogue seeded by the upgrade, picked when closing as won, counted by
the dashboard, carried by the demo's won sales; and the Lost drill-down says why and to whom."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app import demo
from app.db import models as m
from app.services import dashboard, deals, process, workspace
from app.services.workspace import UserInfo
from tests import factories
from ui.opportunities.close_dialogs import CloseWonDialog
from ui.opportunities.opportunity_list import COL_COMPETITOR, COL_LOST_REASON, COL_WON_REASON
from ui.shell.main_window import MainWindow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_the_upgrade_seeds_the_won_reasons_with_their_keys(data_dir: Path) -> None:
    upgraded = data_dir / "v11.sqlite3"
    upgraded.write_bytes((FIXTURES / "schema-v11.sqlite3").read_bytes())
    with sqlite3.connect(upgraded) as before:
        won_before = before.execute("SELECT count(*) FROM opportunity WHERE status='won'")
        won_count = won_before.fetchone()[0]
    workspace.open_database(upgraded)
    try:
        keys = [r.key for r in m.Reason.select().where(m.Reason.kind == "won")]
        assert "won_price" in keys and "won_trade_in_offer" in keys and len(keys) == 7
        won = m.Opportunity.select().where(m.Opportunity.status == "won")
        assert won.count() == won_count and all(o.won_reason == "" for o in won)
        assert "Trade-in offer" in process.won_reasons()
    finally:
        workspace.close_database()


def test_closing_as_won_picks_a_reason_and_the_dashboard_counts_it(qtbot, user: UserInfo) -> None:
    first = factories.opportunity(user.id).id
    second = factories.opportunity(user.id).id
    third = factories.opportunity(user.id).id
    for opportunity_id, reason in ((first, "Trade-in offer"), (second, "Trade-in offer")):
        dialog = CloseWonDialog(opportunity_id)
        qtbot.addWidget(dialog)
        assert dialog.reason.currentData() == ""  # nothing picked for the user
        dialog.reason.setCurrentIndex(dialog.reason.findText(reason))
        assert dialog.close_opportunity()
    dialog = CloseWonDialog(third)
    qtbot.addWidget(dialog)
    assert dialog.close_opportunity()  # the reason may be left out
    assert m.Opportunity.get_by_id(first).won_reason == "Trade-in offer"
    assert m.Opportunity.get_by_id(third).won_reason == ""

    counted = {r.reason: r.count for r in dashboard.load().funnel.won_reasons}
    assert counted == {"Trade-in offer": 2, "(no reason)": 1}
    # Reopening forgets why it was won.
    process.reopen(first)
    assert m.Opportunity.get_by_id(first).won_reason == ""


def test_the_dashboard_shows_the_won_reasons_and_drills_into_them(
    qtbot, user: UserInfo, db: Path
) -> None:
    won = factories.opportunity(user.id, topic="Won on service").id
    process.close_won(won, "", "Service")
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    window.show()
    window.show_dashboard()
    page = window.dashboard
    assert page.won_reason_model.index(0, 0).data() == "Service"
    page.won_reason_table.clicked.emit(page.won_reason_model.index(0, 0))
    listed = window.opportunities.model
    assert listed.rowCount() == 1 and listed.row_at(0).id == won
    assert not window.table.horizontalHeader().isSectionHidden(COL_WON_REASON)
    assert listed.index(0, COL_WON_REASON).data() == "Service"


def test_the_lost_drill_down_lists_the_lost_reason_and_competitor(
    qtbot, user: UserInfo, db: Path
) -> None:
    lost = factories.opportunity(user.id, topic="Lost to BMW").id
    deals.close_lost([lost], "Bought elsewhere", competitor="BMW")
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    window.show()
    window.show_dashboard()
    window.dashboard.outcome.linkActivated.emit("lost")
    header = window.table.horizontalHeader()
    # The bar's own filters do not apply meanwhile, and do not look as if they did.
    assert not window.filter_bar.status.isEnabled() and not window.filter_bar.saved.isEnabled()
    assert not header.isSectionHidden(COL_LOST_REASON)
    assert not header.isSectionHidden(COL_COMPETITOR)
    model = window.opportunities.model
    assert model.index(0, COL_LOST_REASON).data() == "Bought elsewhere"
    assert model.index(0, COL_COMPETITOR).data() == "BMW"


def test_the_demo_s_won_sales_carry_won_reasons(db: Path) -> None:
    demo.load_demo(seed=7)
    won = list(m.Opportunity.select().where(m.Opportunity.status == "won"))
    with_reason = [o for o in won if o.won_reason]
    assert won and len(with_reason) >= len(won) * 0.7
    assert set(process.won_reasons()) >= {o.won_reason for o in with_reason}
