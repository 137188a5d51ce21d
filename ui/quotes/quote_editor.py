"""The quote editor: a quote's lines and totals, and the moves from draft to accepted."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import Interest
from app.domain.quotes import LineKind, QuoteLine, QuoteStatus, compute_totals, format_rate
from app.domain.validation import ValidationError
from app.services import deals, quotes
from app.services.documents import DocumentFolderError
from app.services.errors import ConflictError, NotFound
from app.services.quotes import LineInput, QuoteDetail, QuoteInput
from ui.common.widgets import (
    ERROR_COLOUR,
    ChoiceCombo,
    DateEdit,
    FieldBox,
    OptionalDateEdit,
    ask_to_save,
    show_field_messages,
)

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
HORIZONTAL = Qt.Orientation.Horizontal
EDITABLE = Qt.ItemFlag.ItemIsEditable
SELECTABLE = Qt.ItemFlag.ItemIsSelectable
ENABLED = Qt.ItemFlag.ItemIsEnabled
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ERROR_BACKGROUND = QBrush(QColor("#fbe9e7"))
ERROR_TEXT = QBrush(QColor(ERROR_COLOUR))
MUTED_TEXT = QBrush(QColor("#5d6673"))
SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel
YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No
ACCEPTED = QDialog.DialogCode.Accepted

COL_KIND, COL_DESCRIPTION, COL_QUANTITY, COL_PRICE, COL_VAT, COL_NET = range(6)
HEADERS = ("Kind", "Description", "Qty", "Unit price", "VAT %", "Net")
FIELD_OF_COLUMN = {
    COL_KIND: "kind",
    COL_DESCRIPTION: "description",
    COL_QUANTITY: "quantity",
    COL_PRICE: "unit_price",
    COL_VAT: "vat_rate",
}
COLUMN_OF_FIELD = {name: column for column, name in FIELD_OF_COLUMN.items()}
KIND_LABELS = {kind.value: kind.label for kind in LineKind}


@dataclass
class LineRow:
    """A line as typed: numbers stay text until they read as numbers, so nothing typed is
    lost when it is refused."""

    kind: str
    description: str
    quantity: str
    unit_price: str
    vat_rate: str

    @classmethod
    def from_input(cls, line: LineInput, currency: str) -> LineRow:
        return cls(
            kind=str(line.kind),
            description=line.description,
            quantity=_plain(line.quantity),
            unit_price=money.format_amount(line.unit_price, currency),
            vat_rate=format_rate(line.vat_rate),
        )


def _plain(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"


def _number(text: str) -> Decimal:
    value = Decimal(text.strip().replace(",", ".")) if text.strip() else Decimal(0)
    if not value.is_finite():
        raise InvalidOperation
    return value


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
            for name, text, label in (
                ("quantity", row.quantity, "quantity"),
                ("unit_price", row.unit_price, "unit price"),
                ("vat_rate", row.vat_rate, "VAT rate"),
            ):
                try:
                    values[name] = (
                        money.parse_amount(text) if name == "unit_price" else _number(text)
                    )
                except (InvalidOperation, money.MoneyError):
                    problems[f"lines.{index}.{name}"] = (
                        f"Line {index + 1}: the {label} “{text}” is not a number."
                    )
                    values[name] = Decimal(0)
            lines.append(
                LineInput(
                    row.kind,
                    row.description,
                    values["quantity"],
                    values["unit_price"],
                    values["vat_rate"],
                )
            )
        return lines, problems

    def row_problems(self, row: int) -> dict[int, str]:
        """What is wrong with a line's figures as typed, by column, before it is saved: so
        the net and the totals never show a figure the save will refuse."""
        line = self.rows[row]
        problems: dict[int, str] = {}
        for column, text, label in (
            (COL_QUANTITY, line.quantity, "quantity"),
            (COL_PRICE, line.unit_price, "unit price"),
            (COL_VAT, line.vat_rate, "VAT rate"),
        ):
            try:
                value = money.parse_amount(text) if column == COL_PRICE else _number(text)
            except (InvalidOperation, money.MoneyError):
                problems[column] = f"Line {row + 1}: the {label} “{text}” is not a number."
                continue
            if value < 0:
                problems[column] = f"Line {row + 1}: the {label} cannot be negative ({text})."
            elif column == COL_QUANTITY and value == 0:
                problems[column] = f"Line {row + 1}: the quantity must be more than 0."
            elif column == COL_VAT and value > 100:
                problems[column] = f"Line {row + 1}: the VAT rate is a percentage from 0 to 100."
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
                _number(line.vat_rate),
            )
        except (InvalidOperation, money.MoneyError, ValueError):
            return None
        return domain.net

    def add_line(self, kind: str, vat_rate: Decimal) -> int:
        position = len(self.rows)
        if kind == LineKind.TRADE_IN:
            vat_rate = Decimal(0)
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.append(LineRow(kind, "", "1", "", format_rate(vat_rate)))
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

    def state(self) -> tuple[tuple[str, ...], ...]:
        return tuple(
            (r.kind, r.description, r.quantity, r.unit_price, r.vat_rate) for r in self.rows
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
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
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
                return line.kind if role == EDIT else KIND_LABELS.get(line.kind, line.kind)
            if column == COL_DESCRIPTION:
                return line.description
            if column == COL_QUANTITY:
                return line.quantity
            if column == COL_PRICE:
                return line.unit_price
            if column == COL_VAT:
                return line.vat_rate
            net = self.line_net(row)
            return "" if net is None else _signed(net, self.currency)
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
        if name == "kind" and text not in KIND_LABELS:
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


def _signed(value: Decimal, currency: str) -> str:
    figure = money.format_amount(abs(value), currency)
    return f"−{figure}" if value < 0 else figure


class KindDelegate(QStyledItemDelegate):
    """The kind of a line, picked from the list."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QComboBox(parent)
        for value, label in KIND_LABELS.items():
            editor.addItem(label, value)
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
        super().__init__("Totals", parent)
        self.grid = QGridLayout(self)
        self.labels: dict[str, QLabel] = {}

    def show_totals(self, lines: list[LineInput], currency: str) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.labels = {}
        try:
            totals = compute_totals([line.as_domain() for line in lines], currency)
        except (InvalidOperation, ValueError):
            return
        rows: list[tuple[str, str, Decimal]] = [("net", "Net", totals.net)]
        rows += [
            (
                f"vat.{format_rate(v.rate)}",
                f"VAT {format_rate(v.rate)} % on {money.format_amount(v.net, currency)}",
                v.vat,
            )
            for v in totals.vat
        ]
        rows.append(("gross", "Gross", totals.gross))
        if totals.trade_in:
            rows.append(("trade_in", "Trade-in allowance", -totals.trade_in))
        rows.append(("amount_due", "Amount due", totals.amount_due))
        for position, (key, caption, amount) in enumerate(rows):
            name = QLabel(caption)
            value = QLabel(f"{_signed(amount, currency)} {currency}")
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


_STATUS_HINTS = {
    QuoteStatus.DRAFT: "Draft: change it freely, then present it to the customer.",
    QuoteStatus.PRESENTED: "Presented: the customer has this document. Revise it to change it.",
    QuoteStatus.ACCEPTED: "Accepted: the order form was issued from it.",
    QuoteStatus.ABANDONED: "Abandoned.",
    QuoteStatus.EXPIRED: "Expired: its valid-until date has passed.",
    QuoteStatus.REVISED: "Superseded by a newer revision.",
}


class QuoteDialog(QDialog):
    """One quote revision. A draft is edited (Ctrl+S saves); a presented one is frozen and
    offers revising, accepting and abandoning. Emits `changed` after every change."""

    changed = Signal(int)  # the quote id (a revision emits the new one)
    open_preview = Signal(str)  # the document reference

    def __init__(self, quote_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote_id = quote_id
        self.detail = quotes.get(quote_id)
        self._baseline: tuple[Any, ...] = ()
        self.setMinimumSize(980, 640)

        self.heading = QLabel()
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.3)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.status_hint = QLabel()
        self.status_hint.setWordWrap(True)

        self.valid_until = DateEdit()
        self.payment = ChoiceCombo(Interest, none_label="—")
        self.vehicle = QLabel()
        self.vehicle.setWordWrap(True)
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        self.remarks.setFixedHeight(56)
        self.remarks.setPlaceholderText("Printed under the lines, e.g. delivery conditions")
        self.boxes = {
            "valid_until": FieldBox(self.valid_until, stretch=True),
            "payment_method": FieldBox(self.payment, stretch=True),
            "vehicle_id": FieldBox(self.vehicle),
            "remarks": FieldBox(self.remarks),
        }
        details = QFormLayout()
        details.addRow("&Valid until", self.boxes["valid_until"])
        details.addRow("&Payment", self.boxes["payment_method"])
        details.addRow("Vehicle", self.boxes["vehicle_id"])
        details.addRow("&Remarks", self.boxes["remarks"])
        for name, box in self.boxes.items():
            label = details.labelForField(box)
            if isinstance(label, QLabel) and name != "vehicle_id":
                label.setBuddy(box.field)

        self.model = QuoteLineTableModel(self.detail.currency, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_KIND, KindDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (COL_KIND, 130),
            (COL_QUANTITY, 60),
            (COL_PRICE, 120),
            (COL_VAT, 60),
            (COL_NET, 120),
        ):
            header.resizeSection(column, width)
        self.table.verticalHeader().setDefaultSectionSize(26)

        self.add_button = QPushButton("&Add line")
        add_menu = QMenu(self.add_button)
        for kind in LineKind:
            action = add_menu.addAction(kind.label)
            action.triggered.connect(lambda _=False, k=kind.value: self.add_line(k))
        self.add_button.setMenu(add_menu)
        self.remove_button = QPushButton("Re&move line")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        self.remove_button.clicked.connect(self.remove_line)
        self.up_button.clicked.connect(lambda: self.move_line(-1))
        self.down_button.clicked.connect(lambda: self.move_line(1))
        line_buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            line_buttons.addWidget(button)
        line_buttons.addStretch(1)
        self.lines_message = QLabel()
        self.lines_message.setWordWrap(True)
        self.lines_message.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.lines_message.hide()

        self.totals = TotalsPanel()
        self.totals.setMinimumWidth(340)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        role = QDialogButtonBox.ButtonRole.ActionRole
        self.save_button = self.buttons.addButton("&Save", role)
        self.present_button = self.buttons.addButton("Pre&sent to customer…", role)
        self.preview_button = self.buttons.addButton("Pre&view", role)
        self.revise_button = self.buttons.addButton("Re&vise", role)
        self.accept_button = self.buttons.addButton("A&ccepted by customer…", role)
        self.abandon_button = self.buttons.addButton("A&bandon…", role)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for push in self.buttons.buttons():
            if isinstance(push, QPushButton):  # Enter in a cell must not save or close
                push.setAutoDefault(False)
                push.setDefault(False)
        self.save_button.clicked.connect(self.save)
        self.present_button.clicked.connect(self.present)
        self.preview_button.clicked.connect(self.preview)
        self.revise_button.clicked.connect(self.revise)
        self.accept_button.clicked.connect(self.accept_quote)
        self.abandon_button.clicked.connect(self.abandon)
        self.close_button.clicked.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.activated.connect(self.save)

        # The lines take the whole width; the totals sit under them on the right, where
        # the document prints them.
        under = QHBoxLayout()
        under_left = QVBoxLayout()
        under_left.addLayout(line_buttons)
        under_left.addWidget(self.lines_message)
        under_left.addStretch(1)
        under.addLayout(under_left, 1)
        under.addWidget(self.totals)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status_hint)
        layout.addLayout(details)
        layout.addWidget(self.table, 1)
        layout.addLayout(under)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.model.changed.connect(self._update_totals)
        self._load(self.detail)

    # Loading

    def _load(self, detail: QuoteDetail) -> None:
        self.detail = detail
        self.quote_id = detail.id
        self.heading.setText(f"Quote {detail.label}")
        self.setWindowTitle(f"Quote {detail.label}")
        self.status_hint.setText(_STATUS_HINTS.get(QuoteStatus(detail.status), detail.status))
        if detail.order_form_number:
            self.status_hint.setText(
                f"Accepted: order form {detail.order_form_number} was issued from it."
            )
        if detail.valid_until is not None:
            self.valid_until.set_date_value(detail.valid_until)
        self.payment.set_current_code(detail.payment_method)
        self.vehicle.setText(detail.vehicle_label or "— (the branding of the opportunity)")
        self.remarks.setPlainText(detail.remarks)
        self.model.currency = detail.currency
        self.model.set_rows([LineRow.from_input(line, detail.currency) for line in detail.lines])
        self._set_editable(detail.editable)
        self._show_errors({}, {})
        self._update_totals()
        self._baseline = self.state()

    def _set_editable(self, editable: bool) -> None:
        self.model.editable = editable
        self.valid_until.setReadOnly(not editable)
        self.payment.setEnabled(editable)
        self.remarks.setReadOnly(not editable)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(editable)
        status = self.detail.status
        open_sale = self.detail.opportunity_open
        self.save_button.setVisible(editable)
        self.present_button.setVisible(editable)
        self.save_shortcut.setEnabled(editable)
        self.preview_button.setVisible(bool(self.detail.lines) or status != QuoteStatus.DRAFT)
        self.preview_button.setText("Pre&view draft" if status == QuoteStatus.DRAFT else "Pre&view")
        presented = status == QuoteStatus.PRESENTED and open_sale
        self.revise_button.setVisible(presented)
        self.accept_button.setVisible(presented)
        self.abandon_button.setVisible(
            open_sale and status in (QuoteStatus.DRAFT, QuoteStatus.PRESENTED)
        )

    def state(self) -> tuple[Any, ...]:
        return (
            self.valid_until.date_value(),
            self.payment.current_code(),
            self.remarks.toPlainText(),
            self.model.state(),
        )

    def is_modified(self) -> bool:
        return self.detail.editable and self.state() != self._baseline

    # Lines

    def add_line(self, kind: str) -> int:
        row = self.model.add_line(kind, quotes.default_vat_rate())
        self.table.setCurrentIndex(self.model.index(row, COL_DESCRIPTION))
        self.table.edit(self.model.index(row, COL_DESCRIPTION))
        return row

    def remove_line(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.model.remove_line(current.row())

    def move_line(self, offset: int) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            row = self.model.move_line(current.row(), offset)
            self.table.setCurrentIndex(self.model.index(row, current.column()))

    def _update_totals(self) -> None:
        lines, _problems = self.model.parsed()
        # Lines whose figures the save would refuse count for nothing until corrected.
        usable = [line for index, line in enumerate(lines) if not self.model.row_problems(index)]
        self.totals.show_totals(usable, self.detail.currency)
        left_out = len(lines) - len(usable)
        self.totals.setTitle(
            f"Totals (without {left_out} line{'s' if left_out > 1 else ''} to correct)"
            if left_out
            else "Totals"
        )

    # Saving and the moves

    def input(self) -> tuple[QuoteInput, dict[str, str]]:
        lines, problems = self.model.parsed()
        data = QuoteInput(
            valid_until=self.valid_until.date_value(),
            payment_method=self.payment.current_code(),
            vehicle_id=self.detail.vehicle_id,
            remarks=self.remarks.toPlainText(),
            lines=lines,
        )
        return data, problems

    def save(self) -> bool:
        if not self.detail.editable:
            return True
        data, problems = self.input()
        if problems:
            self._show_errors(problems, {})
            return False
        try:
            detail = quotes.save(self.quote_id, data, self.detail.version)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return False
        except ConflictError as exc:
            QMessageBox.warning(
                self, "Quote changed elsewhere", f"{exc} Close it and open it again to see it."
            )
            return False
        except NotFound as exc:
            QMessageBox.warning(self, "Quote", str(exc))
            return False
        self._load(detail)
        self._say(f"Saved {detail.label}.")
        self.changed.emit(detail.id)
        return True

    def present(self) -> bool:
        """Save, confirm, then issue: from here the customer holds this document."""
        if not self.save():
            return False
        answer = QMessageBox.question(
            self,
            "Present the quote",
            f"Issue quote {self.detail.label} to the customer? Its content is frozen from now "
            "on; changes need a new revision.",
            YES | NO,
            YES,
        )
        if answer != YES:
            return False
        try:
            detail = quotes.present(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return False
        except DocumentFolderError as exc:
            QMessageBox.warning(self, "The document could not be issued", str(exc))
            return False
        self._load(detail)
        self._say(f"Issued {detail.label}. Preview it to print it or save it.")
        self.changed.emit(detail.id)
        self.open_preview.emit(detail.reference)
        return True

    def preview(self) -> QDialog | None:
        if self.detail.status != QuoteStatus.DRAFT:
            self.open_preview.emit(self.detail.reference)
            return None
        if self.is_modified() and not self.save():
            return None
        try:
            data = quotes.draft_pdf(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return None
        from ui.quotes.document_preview import DocumentPreviewDialog

        dialog = DocumentPreviewDialog(self.detail.label, self, draft=data)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def revise(self) -> bool:
        try:
            detail = quotes.revise(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return False
        self._load(detail)
        self._say(f"Revision {detail.revision} is a draft; the presented one is superseded.")
        self.changed.emit(detail.id)
        return True

    def accept_quote(self) -> str:
        dialog = AcceptQuoteDialog(self.detail, self)
        if dialog.exec() != ACCEPTED:
            return ""
        return self.accept_with(dialog.delivery_date.date_value())

    def accept_with(self, delivery_date: date | None) -> str:
        try:
            number = deals.accept_quote(self.quote_id, delivery_date=delivery_date)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            if "vehicle_id" in exc.errors:
                self._say(exc.errors["vehicle_id"], error=True)
            return ""
        except DocumentFolderError as exc:
            QMessageBox.warning(self, "The order form could not be issued", str(exc))
            return ""
        self._load(quotes.get(self.quote_id))
        self._say(f"Accepted. Order form {number} is issued; preview it for the signature.")
        self.changed.emit(self.quote_id)
        self.open_preview.emit(number)
        return number

    def abandon(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Abandon the quote",
            f"Abandon quote {self.detail.label}? It stays on file but can no longer be accepted.",
            YES | NO,
            NO,
        )
        if answer != YES:
            return False
        try:
            quotes.abandon(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return False
        self._load(quotes.get(self.quote_id))
        self.changed.emit(self.quote_id)
        return True

    # Messages

    def _show_errors(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        unplaced = show_field_messages(self.boxes, errors, warnings)
        self.model.set_errors(errors)
        line_messages = [m for k, m in errors.items() if k.startswith("lines")]
        self.lines_message.setText("\n".join(line_messages))
        self.lines_message.setVisible(bool(line_messages))
        other = [m for k, m in unplaced.items() if not k.startswith("lines")]
        self._say("\n".join(other), error=bool(other))
        first = next(iter(errors), None)
        parts = (first or "").split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            column = COLUMN_OF_FIELD.get(parts[2], COL_DESCRIPTION)
            self.table.setCurrentIndex(self.model.index(int(parts[1]), column))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}" if error else "")
        self.message.setText(text)

    def reject(self) -> None:
        if self.is_modified():
            answer = ask_to_save(self, f"Quote {self.detail.label} has changes that are not saved.")
            if answer == CANCEL:
                return
            if answer == SAVE and not self.save():
                return
        super().reject()


class AcceptQuoteDialog(QDialog):
    """The customer accepts: when is the vehicle to be delivered?"""

    def __init__(self, detail: QuoteDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Quote {detail.label} accepted")
        text = QLabel(
            f"The order form is issued from quote {detail.label} for the customer to sign; "
            "the opportunity's other open quotes are abandoned."
        )
        text.setWordWrap(True)
        self.delivery_date = OptionalDateEdit()
        form = QFormLayout()
        form.addRow("Scheduled &delivery", self.delivery_date)
        label = form.labelForField(self.delivery_date)
        if isinstance(label, QLabel):
            label.setBuddy(self.delivery_date)
        buttons = QDialogButtonBox()
        buttons.addButton("&Issue the order form", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)
