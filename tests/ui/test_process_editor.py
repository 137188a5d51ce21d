"""The editor of the sales processes of a dealership's own, in its real widgets: a new kind
with stages of its own names, order and probabilities and the moves that land in them; a
change that would leave open opportunities in no stage refused, with what blocks it said
before saving; read-only for salespeople."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox
from pytestqt.qtbot import QtBot

from app.db import models as m
from app.services import opportunities, processes, quotes
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from ui.admin.process_editor import COL_MOVES, COL_NAME, COL_PROBABILITY, ProcessEditorDialog


@pytest.fixture(autouse=True)
def _no_window_left_open() -> Iterator[None]:
    """Every window a test here opens (a form over the Administration, a question) is gone
    when it ends: one left shown would stay the active window, and the next tests' keys
    would go to it."""
    before = set(QApplication.topLevelWidgets())
    yield
    for widget in QApplication.topLevelWidgets():
        if widget not in before and widget.isVisible():
            widget.hide()
            widget.deleteLater()
    QApplication.processEvents()


def _editor(qtbot: QtBot) -> ProcessEditorDialog:
    dialog = ProcessEditorDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _set_row(dialog: ProcessEditorDialog, row: int, name: str, probability: int, move: str) -> None:
    dialog.table.item(row, COL_NAME).setText(name)
    spin = dialog.table.cellWidget(row, COL_PROBABILITY)
    assert isinstance(spin, QSpinBox)
    spin.setValue(probability)
    moves = dialog.table.cellWidget(row, COL_MOVES)
    assert isinstance(moves, QComboBox)
    moves.setCurrentIndex(moves.findData(move))


def test_a_fleet_process_of_its_own_is_made_and_sells_through_its_stages(
    db: Path, qtbot: QtBot, user: UserInfo
) -> None:
    editor = _editor(qtbot)
    assert editor.kinds.count() == 2  # the shipped kinds
    editor.new_kind()
    assert editor.table.rowCount() == 5  # starting from the standard stages
    while editor.table.rowCount() > 3:
        editor.table.selectRow(0)
        editor.remove_stage()
    editor.name.setText("Fleet sales")
    _set_row(editor, 0, "Sales quotation generation", 30, "quotation")
    _set_row(editor, 1, "Harmonization of terms", 60, "contract")
    _set_row(editor, 2, "Liability fulfilment", 90, "delivery")
    editor.table.selectRow(1)
    editor.move_stage(1)
    assert editor.save(), editor.message.text()
    assert "Saved" in editor.message.text()
    fleet = next(k for k in processes.kinds() if k.name == "Fleet sales")
    assert [(s.name, s.default_probability, s.moves_on) for s in fleet.stages] == [
        ("Sales quotation generation", 30, "quotation"),
        ("Liability fulfilment", 90, "delivery"),
        ("Harmonization of terms", 60, "contract"),
    ]
    sale = factories.opportunity(user.id, kind_id=fleet.id, stage_id=fleet.stages[0].id)
    quotes.create(sale.id)
    assert opportunities.get(sale.id).stage_name == "Sales quotation generation"

    # Taking out the stage the sale is in is refused, and said before saving.
    editor.load(processes.kind(fleet.id))
    editor.table.selectRow(0)
    editor.remove_stage()
    assert "holds 1 open opportunity" in editor.blocks.text() and editor.blocks.isVisibleTo(editor)
    assert not editor.save()
    assert len(processes.kind(fleet.id).stages) == 3


def test_a_stage_refused_says_so_at_the_stages(db: Path, qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    editor.new_kind()
    editor.name.setText("Twice")
    _set_row(editor, 0, "Same", 10, "")
    _set_row(editor, 1, "same", 20, "interest")
    assert not editor.save()
    assert "Two stages" in editor.boxes["stages"].message.text()
    assert not m.OpportunityKind.select().where(m.OpportunityKind.name == "Twice").exists()


def test_a_salesperson_sees_the_processes_read_only(db: Path, qtbot: QtBot) -> None:
    m.set_acting_user(add_user("sam", "salesperson").id)
    editor = _editor(qtbot)
    assert not editor.save_button.isEnabled() and not editor.new_button.isEnabled()
    assert "sales manager" in editor.save_button.toolTip()
