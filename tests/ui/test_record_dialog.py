"""The record-dialog base: saving, refusing at the fields, a conflict, closing, read-only."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QVBoxLayout

from app.domain.validation import ValidationError
from app.services.conflicts import Conflict
from app.services.errors import ConflictError, FieldChange, NotFound
from tests.ui.boxes import answer
from tests.ui.conflicts import answer_conflict
from ui.common.record_dialog import RecordDialog
from ui.common.widgets import FieldBox


class NameDialog(RecordDialog):
    """A record of one field; `refusals` are raised by the next writes, in turn."""

    def __init__(self) -> None:
        super().__init__()
        self.name = QLineEdit()
        self.other = QLineEdit()
        self.boxes = {"name": FieldBox(self.name), "other": FieldBox(self.other)}
        self.message = QLabel()
        layout = QVBoxLayout(self)
        for box in self.boxes.values():
            layout.addWidget(box)
        layout.addWidget(self.message)
        self.refusals: list[Exception] = []
        self.written: list[str] = []
        self.saved_records: list[str] = []
        self.take_baseline()

    def state(self) -> tuple[Any, ...]:
        return (self.name.text(), self.other.text())

    def write(self) -> str:
        if self.refusals:
            raise self.refusals.pop(0)
        self.written.append(self.name.text())
        return self.name.text()

    def show_saved(self, record: str) -> None:
        self.saved_records.append(record)
        self.take_baseline()

    def compare(self) -> Conflict:
        change = FieldChange("name", "Name", "Ann", "Bea", self.name.text())
        return Conflict("Changed by Bea.", "Bea", 7, [change])

    def write_over(self, conflict: Conflict) -> str:
        self.written.append(f"{self.name.text()}@{conflict.version}")
        return self.name.text()

    def reload(self) -> None:
        self.name.setText("Bea")
        self.take_baseline()


@pytest.fixture
def dialog(qtbot) -> NameDialog:  # type: ignore[no-untyped-def]
    made = NameDialog()
    qtbot.addWidget(made)
    made.show()
    return made


def test_a_save_writes_and_shows_the_record_saved(dialog: NameDialog) -> None:
    dialog.name.setText("Cleo")
    assert dialog.is_modified()
    assert dialog.save()
    assert dialog.saved_records == ["Cleo"] and not dialog.is_modified()


def test_a_refusal_puts_each_message_at_its_field_and_focuses_the_first(
    dialog: NameDialog,
) -> None:
    dialog.refusals.append(ValidationError({"other": "Say more.", "elsewhere": "Not here."}))
    assert not dialog.save()
    assert dialog.boxes["other"].message.text() == "Say more."
    assert dialog.message.text() == "Not saved: 1 field to correct. Not here."
    assert dialog.other.hasFocus()


def test_a_conflict_is_shown_and_ours_saved_over_theirs(dialog: NameDialog) -> None:
    dialog.name.setText("Cleo")
    dialog.refusals.append(ConflictError("The record", "Bea", 7))
    seen = answer_conflict("overwrite")
    assert dialog.save()
    assert [c.theirs for c in seen[0]] == ["Bea"]
    assert dialog.written == ["Cleo@7"]


def test_a_conflict_can_reload_theirs_or_keep_editing(dialog: NameDialog) -> None:
    dialog.name.setText("Cleo")
    dialog.refusals.append(ConflictError("The record", "Bea", 7))
    answer_conflict("keep")
    assert not dialog.save()
    assert dialog.message.text() == "Not saved: Changed by Bea." and dialog.name.text() == "Cleo"
    dialog.refusals.append(ConflictError("The record", "Bea", 7))
    answer_conflict("reload")
    assert not dialog.save()
    assert dialog.name.text() == "Bea" and not dialog.is_modified()


def test_a_record_removed_elsewhere_is_said(dialog: NameDialog) -> None:
    dialog.refusals.append(NotFound("The record was removed."))
    assert not dialog.save()
    assert dialog.message.text() == "Not saved: The record was removed."


def test_closing_with_unsaved_changes_asks_first(
    dialog: NameDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog.name.setText("Cleo")
    asked = answer(monkeypatch, "question", QMessageBox.StandardButton.Cancel)
    dialog.close()
    assert dialog.isVisible() and asked == ["Unsaved changes: Save the changes before closing?"]
    answer(monkeypatch, "question", QMessageBox.StandardButton.Save)
    dialog.reject()
    assert not dialog.isVisible() and dialog.written == ["Cleo"]


def test_a_read_only_record_is_neither_saved_nor_asked_about(
    dialog: NameDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog.set_read_only(True)
    dialog.name.setText("Cleo")
    assert not dialog.is_modified() and not dialog.save()
    asked = answer(monkeypatch, "question", QMessageBox.StandardButton.Cancel)
    dialog.reject()
    assert not dialog.isVisible() and asked == []


def test_a_form_opens_where_its_user_last_left_it(qtbot, data_dir) -> None:  # type: ignore[no-untyped-def]
    from ui.common import user_settings

    user_settings.use_settings_of("anna")
    first = NameDialog()
    qtbot.addWidget(first)
    first.show()
    first.resize(640, 410)
    first.reject()  # nothing changed: it closes without asking

    again = NameDialog()
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (640, 410)
    # Another user's forms keep their own size.
    user_settings.use_settings_of("bea")
    other = NameDialog()
    qtbot.addWidget(other)
    other.show()
    assert (other.width(), other.height()) != (640, 410)
