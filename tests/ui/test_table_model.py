"""The one small-list table model: its columns, its roles, and Qt's model checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt

from ui.common.roles import ROW_ROLE, SORT_ROLE
from ui.common.table_model import Column, RowTableModel

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
HORIZONTAL = Qt.Orientation.Horizontal


@dataclass(frozen=True)
class Car:
    model: str
    price: Decimal


COLUMNS = (
    Column("Model", lambda c: c.model),
    Column("Price", lambda c: f"{c.price:,.2f}", lambda c: c.price, figure=True, tip="List"),
)


def _model() -> RowTableModel[Car]:
    model: RowTableModel[Car] = RowTableModel(columns=COLUMNS)
    model.set_rows([Car("Golf", Decimal("29990")), Car("Polo", Decimal("19990.5"))])
    return model


def test_the_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = _model()
    qtmodeltester.check(model, force_py=True)
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)


def test_cells_show_the_text_and_give_the_raw_value_and_the_row(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = _model()
    assert model.rowCount() == 2 and model.columnCount() == 2
    price = model.index(1, 1)
    assert price.data() == "19,990.50"
    assert price.data(SORT_ROLE) == Decimal("19990.5")
    assert model.index(0, 0).data(SORT_ROLE) == "Golf"  # no sort getter: the text
    assert price.data(ROW_ROLE) == Car("Polo", Decimal("19990.5"))
    assert price.data(ALIGNMENT) == RIGHT and model.index(1, 0).data(ALIGNMENT) is None
    assert model.headerData(1, HORIZONTAL) == "Price"
    assert model.row_at(5) is None


def test_figure_headers_are_right_aligned_only_where_the_model_asks(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = _model()
    assert model.headerData(1, HORIZONTAL, ALIGNMENT) is None

    class Figures(RowTableModel[Car]):
        columns = COLUMNS
        align_figure_headers = True

    figures = Figures()
    assert figures.headerData(1, HORIZONTAL, ALIGNMENT) == RIGHT
    assert figures.headerData(1, HORIZONTAL, Qt.ItemDataRole.ToolTipRole) == "List"
