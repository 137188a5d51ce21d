"""The change notification: a dialog announces what it saved, and the lists that show the
record read it again, without the dialog knowing them."""

from __future__ import annotations

from pathlib import Path

from app.services.workspace import UserInfo
from tests import factories
from ui.common.changes import OPPORTUNITY, record_changes
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.shell.main_window import MainWindow


def test_saving_the_opportunity_form_announces_the_change(qtbot, user: UserInfo) -> None:
    opp = factories.opportunity(user.id, topic="Golf for Rossi").id
    heard: list[tuple[str, int]] = []

    def hear(kind: str, record_id: int) -> None:
        heard.append((kind, record_id))

    dialog = OpportunityDialog(opp, user.id)
    qtbot.addWidget(dialog)
    dialog.opportunity.topic.setText("Golf GTI for Rossi")
    record_changes().changed.connect(hear)
    try:
        assert dialog.save()
    finally:
        record_changes().changed.disconnect(hear)
    assert heard == [(OPPORTUNITY, opp)]


def test_the_opportunity_list_reads_again_when_an_opportunity_changes(
    qtbot, user: UserInfo, db: Path
) -> None:
    opp = factories.opportunity(user.id, topic="Golf for Rossi").id
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    window.filter_bar.saved.setCurrentIndex(0)  # all opportunities
    resets: list[bool] = []
    window.model.modelReset.connect(lambda: resets.append(True))
    record_changes().announce(OPPORTUNITY, opp)
    assert resets
