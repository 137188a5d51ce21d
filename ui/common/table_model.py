"""A table over a small list held in memory (a section of the agenda or the dashboard, the
quotes of one sale): a column is a header, a getter and how its cells look. Lists too large
to hold are shown by record_table.PagedTableModel instead. Headers are marked at import time
and translated each time they are shown (ui.common.texts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.common.qt import ALIGNMENT, DISPLAY, HORIZONTAL, RIGHT, TOOLTIP
from ui.common.roles import ROW_ROLE, SORT_ROLE
from ui.common.texts import ShownText, shown, tip_of

Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class Column(Generic[Row]):
    """One column: its header, the text of a row's cell, and the raw value to sort by
    (the text when not given). A figure is right-aligned; `tip` explains the header. The
    header and the tip are an N_() text, an NP_() pair or a FieldLabel, shown translated."""

    header: ShownText
    text: Callable[[Row], str]
    sort: Callable[[Row], Any] | None = None
    figure: bool = False
    tip: ShownText = ""

    def title(self) -> str:
        """The header in the screen's language."""
        return shown(self.header)

    def tooltip(self) -> str:
        return shown(self.tip) if self.tip else tip_of(self.header)


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """A thin adaptor over a list of rows (service dataclasses): `set_rows` inside a model
    reset; ROW_ROLE gives the row, so callers reach it through a proxy; SORT_ROLE its raw
    value. Subclasses set `columns` on the class or pass them in, and answer further roles
    by overriding `cell_data`."""

    columns: Sequence[Column[Any]] = ()
    # Whether a figure's header is right-aligned over its figures, as the dashboard shows them.
    align_figure_headers = False

    def __init__(
        self, parent: QObject | None = None, *, columns: Sequence[Column[Any]] | None = None
    ) -> None:
        super().__init__(parent)
        if columns is not None:
            self.columns = tuple(columns)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def cell_data(self, row: Row, column: Column[Any], role: int) -> Any:
        """The roles the base does not answer (foreground, font, ...); None by default."""
        return None

    # Qt overrides

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != HORIZONTAL or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == DISPLAY:
            return column.title()
        if role == ALIGNMENT and column.figure and self.align_figure_headers:
            return RIGHT
        if role == TOOLTIP:
            return column.tooltip() or None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == DISPLAY:
            return column.text(row)
        if role == ALIGNMENT:
            return RIGHT if column.figure else None
        if role == SORT_ROLE:
            return column.sort(row) if column.sort is not None else column.text(row)
        if role == ROW_ROLE:
            return row
        return self.cell_data(row, column, role)


def summary_table(model: QAbstractTableModel) -> QTableView:
    """A read-only table over a small list: whole rows selected, one at a time."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table
