"""Amounts and dates typed in the screen's language, read strictly at the field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import i18n
from ui.common.widgets import DateEdit, FieldBox, MoneyEdit, OptionalDateEdit


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    yield
    i18n.set_language("en")


def _type(qtbot: QtBot, edit: MoneyEdit, text: str) -> None:
    edit.line_edit.clear()
    qtbot.keyClicks(edit.line_edit, text)
    edit.line_edit.editingFinished.emit()


def test_an_amount_reads_the_german_way_and_shows_grouped(qtbot: QtBot, german: None) -> None:
    edit = MoneyEdit("Budget", "EUR")
    qtbot.addWidget(edit)
    _type(qtbot, edit, "12.500")
    assert edit.amount() == Decimal("12500")
    assert edit.text() == "12.500,00"
    assert edit.problem() == ""


def test_an_amount_read_another_way_is_refused_and_kept_as_typed(
    qtbot: QtBot, german: None
) -> None:
    edit = MoneyEdit("Budget", "EUR")
    qtbot.addWidget(edit)
    _type(qtbot, edit, "12.50")
    assert edit.problem() == "„12.50“ ist kein Betrag auf Deutsch: Meinten Sie 12,50?"
    assert edit.text() == "12.50"  # what was typed stays, to be corrected


def test_a_french_amount_takes_an_ordinary_space(qtbot: QtBot) -> None:
    i18n.set_language("fr")
    try:
        edit = MoneyEdit("Budget", "EUR")
        qtbot.addWidget(edit)
        _type(qtbot, edit, "12 500,50")
        assert edit.amount() == Decimal("12500.50")
        assert edit.text() == "12\u202f500,50"
    finally:
        i18n.set_language("en")


def test_a_date_is_typed_and_shown_the_german_way(qtbot: QtBot, german: None) -> None:
    edit = DateEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.set_date_value(date(2026, 12, 6))
    assert edit.text() == "06.12.2026"
    for typed in ("31.1.27", "31012027"):
        edit.lineEdit().selectAll()
        qtbot.keyClicks(edit, typed)
        edit.interpretText()
        assert edit.date_value() == date(2027, 1, 31), typed
        assert edit.text() == "31.01.2027"


def test_a_date_that_is_none_is_refused_with_the_form_to_type(qtbot: QtBot, german: None) -> None:
    edit = DateEdit()
    box = FieldBox(edit)
    qtbot.addWidget(box)
    box.show()
    edit.set_date_value(date(2026, 12, 6))
    refused: list[str] = []
    edit.refused.connect(refused.append)
    edit.setFocus()
    edit.lineEdit().selectAll()
    qtbot.keyClicks(edit, "31.02.2027")
    QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusOut))
    assert refused and refused[-1].startswith("„31.02.2027“ ist kein Datum auf Deutsch")
    assert edit.toolTip() == refused[-1]
    assert box.message.text() == refused[-1]  # at the field, in the form's own message
    assert edit.date_value() == date(2026, 12, 6)  # never read as another day


def test_an_empty_optional_date_stays_empty(qtbot: QtBot, german: None) -> None:
    edit = OptionalDateEdit()
    qtbot.addWidget(edit)
    assert edit.is_empty() and edit.date_value() is None
    edit.set_date_value(date(2027, 1, 31))
    assert edit.text() == "31.01.2027"
    edit.lineEdit().selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.is_empty()


def test_the_customer_fields_carry_the_correspondence_language(qtbot: QtBot, user: object) -> None:
    from app.services import accounts
    from ui.customers.customer_fields import AccountFields

    fields = AccountFields()
    qtbot.addWidget(fields)
    assert fields.language.currentData() == "en"  # the dealership's, for a new customer
    fields.load(accounts.AccountInput(last_name="Dupont", language="fr"))
    assert fields.language.currentText() == "French"
    before = fields.state()
    fields.language.setCurrentIndex(fields.language.findData("it"))
    assert fields.input().language == "it" and fields.state() != before
