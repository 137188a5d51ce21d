"""The lines of a quote as typed: their table model, the picker of a line's kind, and the
totals under them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.domain import money, reading
from app.domain.fields import label
from app.domain.quotes import (
    MAX_QUANTITY,
    LineKind,
    QuoteLine,
    TradeInVehicle,
    compute_totals,
    format_quantity,
    format_rate,
    format_rate_percent,
)
from app.i18n import N_, _
from app.services.quotes import LineInput, describe_trade_in
from ui.common.qt import (
    ALIGNMENT,
    BACKGROUND,
    DISPLAY,
    EDIT,
    EDITABLE,
    ENABLED,
    FOREGROUND,
    HORIZONTAL,
    RIGHT,
    SELECTABLE,
    TOOLTIP,
)
from ui.common.texts import FieldLabel, shown

ERROR_BACKGROUND = QBrush(QColor("#fbe9e7"))
MUTED_TEXT = QBrush(QColor("#5d6673"))

COL_KIND, COL_DESCRIPTION, COL_QUANTITY, COL_PRICE, COL_VAT, COL_NET = range(6)
HEADERS = (
    FieldLabel("quote_line.kind"),
    FieldLabel("quote_line.description"),
    FieldLabel("quote_line.quantity"),
    FieldLabel("quote_line.unit_price"),
    FieldLabel("quote_line.vat_rate"),
    FieldLabel("quote_line.net"),
)
FIELD_OF_COLUMN = {
    COL_KIND: "kind",
    COL_DESCRIPTION: "description",
    COL_QUANTITY: "quantity",
    COL_PRICE: "unit_price",
    COL_VAT: "vat_rate",
}
COLUMN_OF_FIELD = {name: column for column, name in FIELD_OF_COLUMN.items()}
LINE_KINDS = frozenset(kind.value for kind in LineKind)

# What is wrong with a line's figure as typed, one whole sentence per field.
NOT_A_NUMBER_MESSAGES = {
    "quantity": N_("Line {line}, quantity: {problem}"),
    "unit_price": N_("Line {line}, unit price: {problem}"),
    "vat_rate": N_("Line {line}, VAT rate: {problem}"),
}
NEGATIVE_MESSAGES = {
    "quantity": N_("Line {line}: the quantity cannot be negative ({text})."),
    "unit_price": N_("Line {line}: the unit price cannot be negative ({text})."),
    "vat_rate": N_("Line {line}: the VAT rate cannot be negative ({text})."),
}


def kind_label(code: str) -> str:
    """A line kind's label in the screen's language (the code when it is not a kind)."""
    return LineKind(code).label if code in LINE_KINDS else code


def _not_a_number(name: str, row: int, text: str, problem: Exception) -> str:
    """The refusal of a figure that does not read in the screen's language, with the reading
    it would have had ("did you mean 12,50?")."""
    return _(NOT_A_NUMBER_MESSAGES[name]).format(line=row + 1, problem=problem)


@dataclass
class LineRow:
    """A line as typed: numbers stay text until they read as numbers, so nothing typed is
    lost when it is refused."""

    kind: str
    description: str
    quantity: str
    unit_price: str
    vat_rate: str
    # Carried through the editor as saved: the margin scheme of a vehicle, a trade-in's car.
    margin_scheme: bool = False
    trade_in: TradeInVehicle | None = None

    @classmethod
    def from_input(cls, line: LineInput, currency: str) -> LineRow:
        return cls(
            kind=str(line.kind),
            description=line.description,
            quantity=format_quantity(line.quantity),
            unit_price=money.format_amount(line.unit_price, currency),
            vat_rate=format_rate(line.vat_rate),
            margin_scheme=line.margin_scheme,
            trade_in=line.trade_in,
        )


def _number(text: str, percent: bool = False) -> Decimal:
    """A quantity, or with `percent` a VAT rate ('19 %' too), as the screen's language
    writes it ('2,5' in German), strictly: '9e999999' is no quantity, and would overflow the
    totals. Empty is 0."""
    if not text.strip():
        return Decimal(0)
    return reading.read_percent(text) if percent else reading.read_number(text)


class QuoteLineTableModel(QAbstractTableModel):
    """The lines of the quote being edited, with each line's net and any message about it."""

    changed = Signal()

    def __init__(self, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currency = currency
        self.rows: list[LineRow] = []
        self.errors: dict[tuple[int, int], str] = {}
        self.editable = True

    def set_rows(self, rows: list[LineRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.errors = {}
        self.endResetModel()

    def set_errors(self, errors: dict[str, str]) -> None:
        """Messages keyed 'lines.N.field' mark their cells."""
        self.errors = {}
        for key, message in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
                column = COLUMN_OF_FIELD.get(parts[2], COL_DESCRIPTION)
                self.errors[(int(parts[1]), column)] = message
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, COL_NET))

    def parsed(self) -> tuple[list[LineInput], dict[str, str]]:
        """The lines as the service takes them, and what could not be read as a number."""
        lines: list[LineInput] = []
        problems: dict[str, str] = {}
        for index, row in enumerate(self.rows):
            values: dict[str, Decimal] = {}
            for name, text in (
                ("quantity", row.quantity),
                ("unit_price", row.unit_price),
                ("vat_rate", row.vat_rate),
            ):
                try:
                    values[name] = (
                        money.parse_amount(text)
                        if name == "unit_price"
                        else _number(text, percent=name == "vat_rate")
                    )
                except (InvalidOperation, money.MoneyError, reading.ReadError) as exc:
                    problems[f"lines.{index}.{name}"] = _not_a_number(name, index, text, exc)
                    values[name] = Decimal(0)
            lines.append(
                LineInput(
                    row.kind,
                    row.description,
                    values["quantity"],
                    values["unit_price"],
                    values["vat_rate"],
                    margin_scheme=row.margin_scheme,
                    trade_in=row.trade_in,
                )
            )
        return lines, problems

    def row_problems(self, row: int) -> dict[int, str]:
        """What is wrong with a line's figures as typed, by column, before it is saved: so
        the net and the totals never show a figure the save will refuse."""
        line = self.rows[row]
        problems: dict[int, str] = {}
        for column, text in (
            (COL_QUANTITY, line.quantity),
            (COL_PRICE, line.unit_price),
            (COL_VAT, line.vat_rate),
        ):
            name = FIELD_OF_COLUMN[column]
            try:
                value = (
                    money.parse_amount(text)
                    if column == COL_PRICE
                    else _number(text, percent=column == COL_VAT)
                )
            except (InvalidOperation, money.MoneyError, reading.ReadError) as exc:
                problems[column] = _not_a_number(name, row, text, exc)
                continue
            if value < 0:
                problems[column] = _(NEGATIVE_MESSAGES[name]).format(line=row + 1, text=text)
            elif column == COL_QUANTITY and value == 0:
                problems[column] = _("Line {line}: the quantity must be more than 0.").format(
                    line=row + 1
                )
            elif column == COL_QUANTITY and value > MAX_QUANTITY:
                problems[column] = _(
                    "Line {number}: a quantity of more than {limit} on one line is a typo; "
                    "check the digits."
                ).format(number=row + 1, limit=format_quantity(MAX_QUANTITY))
            elif column == COL_PRICE and value > money.MAX_AMOUNT:
                problems[column] = _(
                    "Line {number}: a unit price above {limit} is a typo; check the digits."
                ).format(number=row + 1, limit=money.format_amount(money.MAX_AMOUNT, self.currency))
            elif column == COL_VAT and value > 100:
                problems[column] = _(
                    "Line {line}: the VAT rate is a percentage from 0 to 100."
                ).format(line=row + 1)
        return problems

    def line_net(self, row: int) -> Decimal | None:
        line = self.rows[row]
        if self.row_problems(row):
            return None
        try:
            kind = LineKind(line.kind)
            domain = QuoteLine(
                kind,
                line.description,
                _number(line.quantity),
                money.parse_amount(line.unit_price),
                _number(line.vat_rate, percent=True),
            )
        except (InvalidOperation, money.MoneyError, reading.ReadError, ValueError):
            return None
        return domain.net

    def add_line(
        self, kind: str, vat_rate: Decimal, description: str = "", unit_price: str = ""
    ) -> int:
        position = len(self.rows)
        if kind == LineKind.TRADE_IN:
            vat_rate = Decimal(0)
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.append(LineRow(kind, description, "1", unit_price, format_rate(vat_rate)))
        self.endInsertRows()
        self.changed.emit()
        return position

    def remove_line(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()
        self.errors = {}
        self.changed.emit()

    def move_line(self, row: int, offset: int) -> int:
        target = row + offset
        if not (0 <= row < len(self.rows) and 0 <= target < len(self.rows)):
            return row
        destination = target + 1 if offset > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self.rows[row], self.rows[target] = self.rows[target], self.rows[row]
        self.endMoveRows()
        self.errors = {}
        self.changed.emit()
        return target

    def set_trade_in(self, row: int, car: TradeInVehicle | None) -> None:
        """The car a trade-in line is for, as the trade-in dialog checked it."""
        if not 0 <= row < len(self.rows) or self.rows[row].kind != LineKind.TRADE_IN:
            return
        self.rows[row].trade_in = car
        self.errors.pop((row, COL_DESCRIPTION), None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, COL_NET))
        self.changed.emit()

    def state(self) -> tuple[tuple[object, ...], ...]:
        return tuple(
            (r.kind, r.description, r.quantity, r.unit_price, r.vat_rate, r.trade_in)
            for r in self.rows
        )

    # Qt overrides

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        if orientation == HORIZONTAL:
            return shown(HEADERS[section]) if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = SELECTABLE | ENABLED
        if self.editable and index.column() != COL_NET:
            flags |= EDITABLE
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = index.row(), index.column()
        line = self.rows[row]
        error = self.errors.get((row, column))
        if role in (DISPLAY, EDIT):
            if column == COL_KIND:
                return line.kind if role == EDIT else kind_label(line.kind)
            if column == COL_DESCRIPTION:
                if role == DISPLAY and line.kind == LineKind.TRADE_IN and line.trade_in:
                    # The car the allowance is for, as the quote prints it beside it.
                    return _("{description} ({car})").format(
                        description=line.description, car=describe_trade_in(line.trade_in)
                    )
                return line.description
            if column == COL_QUANTITY:
                return line.quantity
            if column == COL_PRICE:
                return line.unit_price
            if column == COL_VAT:
                return _("margin") if line.margin_scheme and role == DISPLAY else line.vat_rate
            net = self.line_net(row)
            return "" if net is None else money.format_signed(net, self.currency)
        if role == ALIGNMENT and column in (COL_QUANTITY, COL_PRICE, COL_VAT, COL_NET):
            return RIGHT
        if role == TOOLTIP:
            return error
        if role == BACKGROUND and error:
            return ERROR_BACKGROUND
        if role == FOREGROUND and column == COL_NET:
            return MUTED_TEXT
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = EDIT
    ) -> bool:
        if role != EDIT or not index.isValid() or not self.editable:
            return False
        row, column = index.row(), index.column()
        if column not in FIELD_OF_COLUMN or not 0 <= row < len(self.rows):
            return False
        text = "" if value is None else str(value)
        name = FIELD_OF_COLUMN[column]
        if name == "kind" and text not in LINE_KINDS:
            return False
        if name == "unit_price":
            with contextlib.suppress(money.MoneyError):  # else kept as typed; the save says why
                text = money.format_amount(money.parse_amount(text), self.currency)
        setattr(self.rows[row], name, text)
        self.errors.pop((row, column), None)
        for figure in (COL_QUANTITY, COL_PRICE, COL_VAT):
            self.errors.pop((row, figure), None)
        for figure, message in self.row_problems(row).items():
            self.errors[(row, figure)] = message
        self.dataChanged.emit(self.index(row, 0), self.index(row, COL_NET))
        self.changed.emit()
        return True


class KindDelegate(QStyledItemDelegate):
    """The kind of a line, picked from the list."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QComboBox(parent)
        for kind in LineKind:
            editor.addItem(kind.label, kind.value)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(EDIT))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(
        self,
        editor: QWidget,
        model: Any,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), EDIT)


class TotalsPanel(QGroupBox):
    """Net, VAT per rate, gross, trade-in and the amount due, as the document will print them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Totals"), parent)
        self.grid = QGridLayout(self)
        self.labels: dict[str, QLabel] = {}

    def show_totals(self, lines: list[LineInput], currency: str) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                # Hidden at once: until the event loop deletes it, an old figure would be
                # painted under the new one.
                item.widget().hide()
                item.widget().deleteLater()
        self.labels = {}
        try:
            totals = compute_totals([line.as_domain() for line in lines], currency)
        except (ArithmeticError, ValueError):
            return
        rows: list[tuple[str, str, Decimal]] = [("net", label("quote.net"), totals.net)]
        rows += [
            (
                f"vat.{format_rate(v.rate)}",
                _("VAT {rate} on {net}").format(
                    rate=format_rate_percent(v.rate), net=money.format_amount(v.net, currency)
                ),
                v.vat,
            )
            for v in totals.vat
        ]
        rows.append(("gross", _("Gross"), totals.gross))
        if totals.trade_in:
            rows.append(("trade_in", _("Trade-in allowance"), -totals.trade_in))
        rows.append(("amount_due", label("quote.amount_due"), totals.amount_due))
        for position, (key, caption, amount) in enumerate(rows):
            name = QLabel(caption)
            value = QLabel(money.format_money(amount, currency))
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key == "amount_due":
                font = value.font()
                font.setBold(True)
                value.setFont(font)
                name.setFont(font)
            self.grid.addWidget(name, position, 0)
            self.grid.addWidget(value, position, 1)
            self.labels[key] = value

    def text_of(self, key: str) -> str:
        label = self.labels.get(key)
        return label.text() if label is not None else ""
