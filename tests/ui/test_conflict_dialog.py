"""The conflict dialog: every differing field with its value then, theirs and yours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from app import i18n
from app.services.conflicts import Conflict
from app.services.errors import FieldChange
from tests.ui.catalogues import use_catalogue
from tests.ui.conflicts import answer_conflict
from ui.common.conflict_dialog import ConflictChoice, ConflictDialog, ask


def _conflict() -> Conflict:
    return Conflict(
        "Opportunity #4 was changed by Luca Bianchi after you opened it.",
        "Luca Bianchi",
        7,
        [
            FieldChange("topic", "Topic", "Golf", "Golf Variant", "Golf GTI"),
            FieldChange("source", "Source", "—", "Fair", "—"),
            FieldChange("description", "Description", "—", "—", "Wants a tow bar"),
        ],
    )


def test_the_dialog_lists_each_field_with_opened_theirs_and_yours(qtbot) -> None:
    dialog = ConflictDialog(_conflict())
    qtbot.addWidget(dialog)
    rows = [
        [dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())
    ]
    assert rows == [
        ["Topic", "Golf", "Golf Variant", "Golf GTI"],
        ["Source", "—", "Fair", "—"],
        ["Description", "—", "—", "Wants a tow bar"],
    ]
    assert dialog.table.horizontalHeaderItem(2).text() == "Theirs"
    # Only the topic was changed on both sides; it is marked.
    assert (
        dialog.table.item(0, 0).background().color().name()
        != dialog.table.item(1, 0).background().color().name()
    )
    assert dialog.table.item(0, 2).font().bold() and not dialog.table.item(2, 2).font().bold()
    assert dialog.keep_button.isDefault()
    intro = dialog.findChild(QLabel)
    assert "Luca Bianchi" in intro.text() and "1 field was changed on both sides" in intro.text()


def test_each_button_gives_its_choice(qtbot) -> None:
    for button, choice in (
        ("reload", ConflictChoice.RELOAD),
        ("overwrite", ConflictChoice.OVERWRITE),
        ("keep", ConflictChoice.KEEP_EDITING),
    ):
        answer_conflict(button)
        assert ask(_conflict()) is choice


def test_escape_keeps_editing(qtbot) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    def escape() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(20, escape)
            return
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, escape)
    assert ask(_conflict()) is ConflictChoice.KEEP_EDITING


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from use_catalogue(
        tmp_path,
        monkeypatch,
        "de",
        [
            ("E-mail", "E-Mail-Adresse", "account.email"),
            ("Theirs", "Deren", None),
            (
                (
                    "{n} field was changed on both sides (marked).",
                    "{n} fields were changed on both sides (marked).",
                ),
                (
                    "{n} Feld wurde auf beiden Seiten geändert (markiert).",
                    "{n} Felder wurden auf beiden Seiten geändert (markiert).",
                ),
                None,
            ),
        ],
    )


def test_the_fields_are_named_from_the_catalogue_of_labels(german: None, qtbot) -> None:  # type: ignore[no-untyped-def]
    conflict = Conflict(
        "Customer Rossi was changed by Luca Bianchi after you opened it.",
        "Luca Bianchi",
        3,
        [
            FieldChange("email", "E-mail", "a@example.com", "b@example.com", "c@example.com"),
            FieldChange("nickname", "Nickname", "—", "Mia", "Mimi"),  # not in the catalogue
        ],
    )
    english = ConflictDialog(conflict, record="account")
    qtbot.addWidget(english)
    assert [english.table.item(r, 0).text() for r in range(2)] == ["E-mail", "Nickname"]

    i18n.set_language("de")
    dialog = ConflictDialog(conflict, record="account")
    qtbot.addWidget(dialog)
    # The catalogue's name, in the screen's language; the service's where it has none.
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["E-Mail-Adresse", "Nickname"]
    assert dialog.table.horizontalHeaderItem(2).text() == "Deren"
    assert "2 Felder wurden auf beiden Seiten geändert" in dialog.findChild(QLabel).text()
    without_record = ConflictDialog(conflict)
    qtbot.addWidget(without_record)
    assert without_record.table.item(0, 0).text() == "E-mail"
