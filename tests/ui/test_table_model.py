"""The table models: the small list's columns, roles and Qt's model checks, and the headers
of both kinds of table in the screen's language as it changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app import i18n
from app.i18n import N_, NP_
from tests.ui.catalogues import use_catalogue
from ui.common.record_table import PagedTableModel
from ui.common.roles import ROW_ROLE, SORT_ROLE
from ui.common.table_model import Column, RowTableModel
from ui.common.texts import FieldLabel, shown

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
HORIZONTAL = Qt.Orientation.Horizontal
TOOLTIP = Qt.ItemDataRole.ToolTipRole

GERMAN = [
    ("Qty", "Menge", "quote_line.quantity"),
    ("Pre&view", "&Vorschau", None),
    ("Quote", "Angebot", "quote.label"),
    ("Theirs", "Deren", None),
    ("Open opp.", "Off. VC", "account.open_opportunities.short"),
    ("Open opportunities", "Offene Verkaufschancen", "account.open_opportunities"),
]


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from use_catalogue(tmp_path, monkeypatch, "de", GERMAN)


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


def test_each_kind_of_header_follows_a_change_of_language_at_once(german: None, qtbot) -> None:  # type: ignore[no-untyped-def]
    model: RowTableModel[str] = RowTableModel(
        columns=(
            Column(FieldLabel("quote_line.quantity"), str),
            Column(N_("Pre&view"), str),
            Column(NP_("quote.label", "Quote"), str, tip=N_("Theirs")),
            Column(FieldLabel("account.open_opportunities", short=True), str),
        )
    )
    headers = [model.headerData(c, HORIZONTAL) for c in range(4)]
    assert headers == ["Qty", "Pre&view", "Quote", "Open opp."]
    # A short header's tip is the field's whole name; a full one needs none.
    assert model.headerData(3, HORIZONTAL, TOOLTIP) == "Open opportunities"
    assert model.headerData(0, HORIZONTAL, TOOLTIP) is None

    i18n.set_language("de")  # the same model, not built again
    headers = [model.headerData(c, HORIZONTAL) for c in range(4)]
    assert headers == ["Menge", "&Vorschau", "Angebot", "Off. VC"]
    assert model.headerData(2, HORIZONTAL, TOOLTIP) == "Deren"
    assert model.headerData(3, HORIZONTAL, TOOLTIP) == "Offene Verkaufschancen"
    assert shown("") == ""


class _NoRows(PagedTableModel):
    COLUMNS = (
        (FieldLabel("account.open_opportunities", short=True), "open_opportunities"),
        (N_("Pre&view"), "preview"),
    )

    def fetch_count(self, flt: Any) -> int:
        return 0

    def fetch_page(self, flt: Any, sort: str, descending: bool, offset: int, limit: int) -> list:
        return []


def test_a_paged_lists_headers_follow_a_change_of_language(german: None, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = _NoRows(None, "open_opportunities")
    assert [model.headerData(c, HORIZONTAL) for c in range(2)] == ["Open opp.", "Pre&view"]
    assert model.headerData(0, HORIZONTAL, TOOLTIP) == "Open opportunities"
    i18n.set_language("de")
    assert [model.headerData(c, HORIZONTAL) for c in range(2)] == ["Off. VC", "&Vorschau"]
    assert model.headerData(0, HORIZONTAL, TOOLTIP) == "Offene Verkaufschancen"
    assert model.headerData(1, HORIZONTAL, TOOLTIP) is None
