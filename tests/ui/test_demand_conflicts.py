"""The primary-demand tab meets lines saved at another workstation as the record dialogs do:
the conflict dialog shows the lines on each side, then the user's changes go on top of
theirs, or theirs are shown."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from app.services import demand
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.conflicts import answer_conflict
from ui.opportunities.opportunity_tabs import DemandTab


def _tab(qtbot, user: UserInfo) -> tuple[DemandTab, int, list[demand.DemandLine]]:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id).id
    opened = demand.save_for_opportunity(
        sale, [demand.DemandLine("vehicle", "Golf GTI", Decimal("38000"), "EUR", "")], []
    )
    tab = DemandTab()
    qtbot.addWidget(tab)
    tab.set_opportunity(sale)
    return tab, sale, opened


def test_lines_saved_elsewhere_go_through_the_conflict_dialog(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    tab, sale, opened = _tab(qtbot, user)
    # Another workstation lowers the price meanwhile.
    demand.save_for_opportunity(sale, [replace(opened[0], expected_price=Decimal("36000"))], opened)
    tab.editor.table.item(0, 3).setText("in white")
    seen = answer_conflict("overwrite")
    assert tab.save()
    assert [c.label for c in seen[0]] == ["Line 1"]
    [line] = demand.of_opportunity(sale)
    # Theirs kept, mine on top: nothing lost.
    assert (line.expected_price, line.comment) == (Decimal("36000"), "in white")


def test_lines_saved_elsewhere_can_be_reloaded(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    tab, sale, opened = _tab(qtbot, user)
    demand.save_for_opportunity(sale, [replace(opened[0], comment="theirs")], opened)
    tab.editor.table.item(0, 1).setText("Golf R")
    answer_conflict("reload")
    assert not tab.save()
    assert tab.editor.table.item(0, 3).text() == "theirs"
    assert demand.of_opportunity(sale)[0].description == "Golf GTI"
    # Opened again, the next save goes through.
    tab.editor.table.item(0, 1).setText("Golf R")
    assert tab.save()
    assert demand.of_opportunity(sale)[0].description == "Golf R"
