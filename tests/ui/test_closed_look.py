"""A closed sale looks as read-only as it is, in every field; reopening one whose close date
has passed asks for a new one; an issued quote's "Valid until" does not look editable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from app.db import models as m
from app.services import deals, process, quotes
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.boxes import answer
from ui.common.qt import YES
from ui.opportunities.close_dialogs import NewCloseDateDialog, reopen
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.quotes.quote_editor import QuoteDialog


def _looks_editable(field: QWidget) -> bool:
    """White (the Base colour differs from the window's) or with arrows to click."""
    palette = field.palette()
    white = palette.color(QPalette.ColorRole.Base) != palette.color(QPalette.ColorRole.Window)
    arrows = (
        isinstance(field, QAbstractSpinBox)
        and field.buttonSymbols() != QAbstractSpinBox.ButtonSymbols.NoButtons
    )
    return white or arrows


def _fields(root: QWidget) -> list[QWidget]:
    found = [
        *root.findChildren(QLineEdit),
        *root.findChildren(QAbstractSpinBox),
        *root.findChildren(QPlainTextEdit),
        *root.findChildren(QTextEdit),
    ]
    return [
        f
        for f in found
        if not (isinstance(f, QLineEdit) and isinstance(f.parentWidget(), QAbstractSpinBox))
        and not f.objectName().startswith("qt_")  # a calendar popup's own fields
    ]


def _fixed(field: QWidget) -> bool:
    return field.isReadOnly() or not field.isEnabled()  # type: ignore[attr-defined]


def _open(qtbot, user: UserInfo, opportunity_id: int) -> OpportunityDialog:  # type: ignore[no-untyped-def]
    dialog = OpportunityDialog(opportunity_id, user.id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_closed_opportunity_looks_read_only_in_every_field(qtbot, user: UserInfo) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id, description="Wants a tow bar")
    open_dialog = _open(qtbot, user, sale.id)
    typed_in = [f for f in _fields(open_dialog.scroll_area) if not _fixed(f)]
    assert typed_in and all(_looks_editable(f) for f in typed_in)

    deals.close_lost([sale.id], "Price", competitor="BMW")
    dialog = _open(qtbot, user, sale.id)
    fields = _fields(dialog.scroll_area)
    assert len(fields) >= 8
    assert all(_fixed(f) for f in fields)
    looking_editable = [f.objectName() or type(f).__name__ for f in fields if _looks_editable(f)]
    assert looking_editable == []

    # Reopened (its close date still ahead): the fields look editable again.
    answer(pytest.MonkeyPatch(), "question", YES)
    assert dialog.reopen()
    typed_in = [f for f in _fields(dialog.scroll_area) if not _fixed(f)]
    assert typed_in and all(_looks_editable(f) for f in typed_in)


def test_reopening_after_the_close_date_asks_for_a_new_one(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    deals.close_lost([sale.id], "Price")
    passed = date.today() - timedelta(days=10)
    m.Opportunity.update(est_close_date=passed).where(m.Opportunity.id == sale.id).execute()
    answer(monkeypatch, "question", YES)
    wanted = date.today() + timedelta(days=14)
    shown: list[NewCloseDateDialog] = []

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewCloseDateDialog)
        shown.append(dialog)
        assert dialog.close_date.minimumDate().toPython() == date.today()
        dialog.close_date.set_date_value(wanted)
        dialog.reopen_button.click()

    QTimer.singleShot(0, fill_in)
    assert reopen(None, sale.id)
    assert shown and passed.isoformat()[:4] in shown[0].explanation.text()
    row = m.Opportunity.get_by_id(sale.id)
    assert row.status == "open"
    assert str(row.est_close_date)[:10] == wanted.isoformat()
    changes = list(m.CloseDateChange.select().where(m.CloseDateChange.opportunity == sale.id))
    assert str(changes[-1].new_date)[:10] == wanted.isoformat()


def test_cancelling_the_new_close_date_leaves_it_closed(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    deals.close_lost([sale.id], "Price")
    passed = date.today() - timedelta(days=1)
    m.Opportunity.update(est_close_date=passed).where(m.Opportunity.id == sale.id).execute()
    answer(monkeypatch, "question", YES)
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert not reopen(None, sale.id)
    assert m.Opportunity.get_by_id(sale.id).status == "lost"
    with pytest.raises(Exception, match="close date"):
        process.reopen(sale.id)


@pytest.fixture
def sale_with_car(user: UserInfo) -> int:
    m.Business.create(name="Autohaus Brenner GmbH", kind="dealer", city="München")
    vehicle = m.Vehicle.create(
        vin="WVWZZZCDZSW123456",
        stock_number="N-1",
        condition="new",
        brand="Volkswagen",
        model="Golf",
        variant="Life",
        list_price_minor=2_985_000,
    )
    return factories.opportunity(user.id, vehicle_id=vehicle.id).id


def test_an_issued_quotes_valid_until_does_not_look_editable(qtbot, sale_with_car: int) -> None:  # type: ignore[no-untyped-def]
    quote = quotes.create(sale_with_car)
    draft = QuoteDialog(quote.id)
    qtbot.addWidget(draft)
    assert _looks_editable(draft.valid_until)
    quotes.present(quote.id)
    issued = QuoteDialog(quote.id)
    qtbot.addWidget(issued)
    assert issued.valid_until.isReadOnly()
    assert not _looks_editable(issued.valid_until)
    assert not issued.valid_until.calendarPopup()
